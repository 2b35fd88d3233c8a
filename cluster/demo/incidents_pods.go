package demo

import (
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// Incidents where the node is Ready but its pods are not fine: no pod IPs left, leaked cgroups,
// disk pressure, memory pressure.

// podIPExhausted: worker-08 (podCIDR a /25) had its containerd state wiped after a crash three
// hours ago (seed 003). The addresses of the pods that ran then were never released, so with a
// dozen pods running the CNI has no address left for new ones.
func (s *seeder) podIPExhausted() {
	c, node, nb := s.cat, NodePodIPExhausted, s.nodes[NodePodIPExhausted]
	for i := 0; i < 2; i++ {
		s.pod(c.airflowWorker, node)
	}
	for i := 0; i < 4; i++ {
		s.pod(c.airflowTask, node)
	}
	last := hostAddr(nb.plan.podCIDR, cidrHosts(nb.plan.podCIDR))
	for i := 0; i < 5; i++ {
		since := s.ago(31*minute - time.Duration(i)*4*minute)
		p := s.pod(c.airflowTask, node, containerCreating(since))
		s.schedulerEvent(p, corev1.EventTypeNormal, "Scheduled",
			fmt.Sprintf("Successfully assigned %s/%s to %s", p.Namespace, p.Name, node), 1, since, since)
		sandbox := hex64("sandbox", p.Name, "latest")
		s.podEvent(p, "", corev1.EventTypeWarning, "FailedCreatePodSandBox", sandboxIPExhausted(sandbox, nb.plan.podCIDR, last),
			int32(58-i*6), since.Add(2*time.Second), s.ago(jitter("fcps/"+p.Name, 40*time.Second)))
	}
}

// sandboxIPExhausted is the kubelet's FailedCreatePodSandBox message when the CNI's host-local
// range is used up, as the event correlator combines a stream of them.
func sandboxIPExhausted(sandboxID, podCIDR, lastAddr string) string {
	return fmt.Sprintf(`(combined from similar events): Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox %q: plugin type="calico" failed (add): failed to allocate for range 0: no IP addresses available in range set: %s-%s`,
		sandboxID, hostAddr(podCIDR, 1), lastAddr)
}

// cgroupError is the runc error of a 3.10 kernel that leaked memory cgroups (seed 000).
func cgroupError(p *corev1.Pod, containerID string) string {
	return fmt.Sprintf(`Error response from daemon: OCI runtime create failed: container_linux.go:349: starting container process caused "process_linux.go:297: applying cgroup configuration for process caused \"mkdir /sys/fs/cgroup/memory/kubepods/burstable/pod%s/%s: no space left on device\"": unknown`,
		p.UID, containerID)
}

// cgroupLeak: legacy-03 (CentOS 7.5, kernel 3.10.0-862) has run billing-worker for two years with
// kmem accounting on; the kernel leaked memory cgroups until none can be made. Running pods are
// fine, the pods of the rollout that started 35 minutes ago cannot start. The disk is not full.
func (s *seeder) cgroupLeak() {
	c, node := s.cat, NodeCgroupLeak
	for i := 0; i < 6; i++ {
		s.pod(c.billing, node)
	}
	for i := 0; i < 4; i++ {
		since := s.ago(35*minute - time.Duration(i)*20*time.Second)
		if i < 2 {
			p := s.pod(c.billingNext, node, containerCreating(since))
			s.schedulerEvent(p, corev1.EventTypeNormal, "Scheduled", fmt.Sprintf("Successfully assigned %s/%s to %s", p.Namespace, p.Name, node), 1, since, since)
			id := hex64("sandbox", p.Name, "latest")
			s.podEvent(p, "", corev1.EventTypeWarning, "FailedCreatePodSandBox",
				fmt.Sprintf("Failed to create pod sandbox: rpc error: code = Unknown desc = failed to start sandbox container for pod %q: %s", p.Name, cgroupError(p, id)),
				int32(143-i*9), since.Add(3*time.Second), s.ago(jitter("cg/"+p.Name, 30*time.Second)))
			s.podEvent(p, "", corev1.EventTypeNormal, "SandboxChanged", "Pod sandbox changed, it will be killed and re-created.",
				int32(140-i*9), since.Add(5*time.Second), s.ago(jitter("cgsc/"+p.Name, 30*time.Second)))
			continue
		}
		var p *corev1.Pod
		p = s.pod(c.billingNext, node, func(s *seeder, pp *corev1.Pod) {
			id := hex64("container", pp.Name, "failed")
			runContainerError(since, fmt.Sprintf("failed to start container %q: %s", id, cgroupError(pp, id)))(s, pp)
		})
		s.schedulerEvent(p, corev1.EventTypeNormal, "Scheduled", fmt.Sprintf("Successfully assigned %s/%s to %s", p.Namespace, p.Name, node), 1, since, since)
		ctr := p.Spec.Containers[0].Name
		id := hex64("container", p.Name, "failed")
		s.podEvent(p, ctr, corev1.EventTypeWarning, "Failed",
			fmt.Sprintf("Error: failed to start container %q: %s", ctr, cgroupError(p, id)), 9, since.Add(6*time.Second), s.ago(4*minute))
		s.podEvent(p, ctr, corev1.EventTypeWarning, "BackOff", "Back-off restarting failed container", 131, since.Add(20*time.Second), s.ago(9*time.Second))
	}
}

// Eviction messages as the kubelet's eviction manager writes them (note the trailing space).
const (
	evictedDisk   = "The node was low on resource: ephemeral-storage. Threshold quantity: 10Gi, available: %dKi. Container app was using %dMi, request is 0, has larger consumption of ephemeral-storage. "
	evictedMemory = "The node was low on resource: memory. Threshold quantity: 100Mi, available: %dKi. Container indexer was using %dKi, request is 2Gi, has larger consumption of memory. "
	// MessageImageGCFailed is the image garbage collector's complaint on worker-09.
	MessageImageGCFailed = "failed to garbage collect required amount of images. Attempted to free 4236547891 bytes, but only found 0 bytes eligible to free."
)

// diskPressure: worker-09 runs the ML team's jobs. Its images alone are over 18 GB, all in use, and
// the feature-store pods write scratch data into their writable layer; the kubelet cannot free
// enough by removing images and has been evicting.
func (s *seeder) diskPressure() {
	c, node, nb := s.cat, NodeDiskPressure, s.nodes[NodeDiskPressure]
	since := s.ago(41 * minute)
	hb := findCondition(nb.node.Status.Conditions, corev1.NodeReady).LastHeartbeatTime.Time
	nb.set(condition(corev1.NodeDiskPressure, corev1.ConditionTrue, "KubeletHasDiskPressure", "kubelet has disk pressure", hb, since))
	tainted := since.Add(3 * time.Second)
	nb.taint(taint("node.kubernetes.io/disk-pressure", corev1.TaintEffectNoSchedule, &tainted))

	s.pod(c.trainer, node)
	s.pod(c.tfServing, node)
	s.pod(c.featurePipeline, node)
	s.pod(c.sparkExec, node) // one executor: two would request more CPU than the scheduler allows
	for i := 0; i < 4; i++ {
		at := s.ago(6*minute + time.Duration(i)*23*minute + jitter(fmt.Sprint("ev", i), 4*minute))
		msg := fmt.Sprintf(evictedDisk, 4000+spread(fmt.Sprint("avail", i), 4000), 8200+spread(fmt.Sprint("use", i), 1800))
		if i == 0 {
			msg = fmt.Sprintf(evictedDisk, 6012, 8912)
		}
		p := s.pod(c.featureStore, node, startedAt(at.Add(-(3*hour + jitter(fmt.Sprint("evs", i), 20*hour)))), evicted(at, msg))
		if s.now.Sub(at) < time.Hour {
			s.podEvent(p, "", corev1.EventTypeWarning, "Evicted", msg, 1, at, at)
			s.podEvent(p, "app", corev1.EventTypeNormal, "Killing", "Stopping container app", 1, at.Add(time.Second), at.Add(time.Second))
		}
	}

	s.kubeletEvent(node, corev1.EventTypeWarning, "FreeDiskSpaceFailed", MessageImageGCFailed, 23, s.ago(2*hour+5*minute), s.ago(4*minute+10*time.Second))
	s.kubeletEvent(node, corev1.EventTypeWarning, "ImageGCFailed", MessageImageGCFailed, 23, s.ago(2*hour+5*minute), s.ago(4*minute+10*time.Second))
	s.kubeletEvent(node, corev1.EventTypeWarning, "EvictionThresholdMet", "Attempting to reclaim ephemeral-storage", 9, since, s.ago(6*minute))
	s.kubeletEvent(node, corev1.EventTypeNormal, "NodeHasDiskPressure", nodeStatus(node, "NodeHasDiskPressure"), 1, since, since)
}

// memoryPressure: worker-10 (16 GiB) runs Elasticsearch and the JVM-based indexers with memory
// limits adding up to well over its allocatable memory. The indexers grow, the kernel OOM-kills
// them and the kubelet evicts.
func (s *seeder) memoryPressure() {
	c, node, nb := s.cat, NodeMemoryPressure, s.nodes[NodeMemoryPressure]
	since := s.ago(16*minute + 20*time.Second)
	hb := findCondition(nb.node.Status.Conditions, corev1.NodeReady).LastHeartbeatTime.Time
	nb.set(condition(corev1.NodeMemoryPressure, corev1.ConditionTrue, "KubeletHasInsufficientMemory", "kubelet has insufficient memory available", hb, since))
	tainted := since.Add(3 * time.Second)
	nb.taint(taint("node.kubernetes.io/memory-pressure", corev1.TaintEffectNoSchedule, &tainted))

	s.pod(c.searchES, node)
	s.pod(c.analyticsAPI, node)
	s.pod(c.indexer, node)
	killed := s.ago(6*minute + 5*time.Second)
	oom := s.pod(c.indexer, node, oomKilled("indexer", 7, killed))
	evictedAt := s.ago(13 * minute)
	msg := fmt.Sprintf(evictedMemory, 87412, 6123812)
	gone := s.pod(c.indexer, node, startedAt(s.ago(2*day+3*hour)), evicted(evictedAt, msg))

	s.podEvent(gone, "", corev1.EventTypeWarning, "Evicted", msg, 1, evictedAt, evictedAt)
	s.podEvent(gone, "indexer", corev1.EventTypeNormal, "Killing", "Stopping container indexer", 1, evictedAt, evictedAt)
	s.podEvent(oom, "indexer", corev1.EventTypeWarning, "BackOff",
		fmt.Sprintf("Back-off restarting failed container indexer in pod %s_%s(%s)", oom.Name, oom.Namespace, oom.UID), 5, s.ago(48*minute), killed.Add(2*time.Second))
	s.podEvent(oom, "indexer", corev1.EventTypeNormal, "Pulled",
		fmt.Sprintf("Container image %q already present on machine and can be accessed by the pod", imgIndexer), 7, s.ago(58*minute), killed.Add(10*time.Second))
	s.podEvent(oom, "indexer", corev1.EventTypeNormal, "Created", "Container created", 7, s.ago(58*minute), killed.Add(11*time.Second))
	s.podEvent(oom, "indexer", corev1.EventTypeNormal, "Started", "Container started", 7, s.ago(58*minute), killed.Add(12*time.Second))

	s.kubeletEvent(node, corev1.EventTypeWarning, "EvictionThresholdMet", "Attempting to reclaim memory", 6, since, s.ago(3*minute))
	s.kubeletEvent(node, corev1.EventTypeNormal, "NodeHasInsufficientMemory", nodeStatus(node, "NodeHasInsufficientMemory"), 1, since, since)
	for i, pid := range []int{19022, 24730, 28311} {
		at := s.ago(time.Duration(23-8*i) * minute)
		s.kubeletEvent(node, corev1.EventTypeWarning, "SystemOOM", fmt.Sprintf("System OOM encountered, victim process: java, pid: %d", pid), 1, at, at)
	}
}
