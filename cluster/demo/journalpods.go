package demo

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// The journal lines of the incidents where the node is Ready but its pods are not fine: no pod IPs
// left, disk pressure, memory pressure, leaked cgroups.

// ipExhausted: worker-08's CNI has no address left; every sandbox of the five new pods fails.
func (j *journal) ipExhausted(end time.Time) {
	kpid, rpid := j.kubeletPID(0), j.runtimePID(0)
	last := hostAddr(j.p.podCIDR, cidrHosts(j.p.podCIDR))
	for _, p := range j.pods {
		if p.Status.Phase != corev1.PodPending || p.Status.StartTime == nil || len(p.Status.ContainerStatuses) == 0 ||
			p.Status.ContainerStatuses[0].State.Waiting == nil || p.Status.ContainerStatuses[0].State.Waiting.Reason != "ContainerCreating" {
			continue
		}
		key := p.Namespace + "/" + p.Name
		full := fmt.Sprintf("%s_%s(%s)", p.Name, p.Namespace, p.UID)
		since := p.Status.StartTime.Time
		j.tick("sandbox/"+p.Name, since.Add(2*time.Second), 31*time.Second, since, end, func(k int, t time.Time) {
			sb := hex64("sandbox", p.Name, fmt.Sprint(k))
			cni := fmt.Sprintf("failed to setup network for sandbox %q: plugin type=%q failed (add): failed to allocate for range 0: no IP addresses available in range set: %s-%s",
				sb, "calico", hostAddr(j.p.podCIDR, 1), last)
			j.emit(t, "containerd", "containerd", rpid, logrus(t, "error", fmt.Sprintf("RunPodSandbox for &PodSandboxMetadata{Name:%s,Uid:%s,Namespace:%s,Attempt:0,} failed, error", p.Name, p.UID, p.Namespace), "error", cni))
			grpc := "rpc error: code = Unknown desc = " + cni
			at := t.Add(2 * time.Millisecond)
			j.emit(at, "kubelet", "kubelet", kpid, klogS('E', at, kpid, "log.go:32", "RunPodSandbox from runtime service failed", "err", grpc))
			j.emit(at.Add(50*time.Microsecond), "kubelet", "kubelet", kpid, klogS('E', at.Add(50*time.Microsecond), kpid, "kuberuntime_sandbox.go:72", "Failed to create sandbox for pod", "err", grpc, "pod", key))
			j.emit(at.Add(90*time.Microsecond), "kubelet", "kubelet", kpid, klogS('E', at.Add(90*time.Microsecond), kpid, "kuberuntime_manager.go:1237", "CreatePodSandbox for pod failed", "err", grpc, "pod", key))
			inner := fmt.Sprintf("Failed to create sandbox for pod %q: %s", full, grpc)
			err := fmt.Sprintf("failed to %q for %q with CreatePodSandboxError: %q", "CreatePodSandbox", full, inner)
			j.emit(at.Add(140*time.Microsecond), "kubelet", "kubelet", kpid, klogS('E', at.Add(140*time.Microsecond), kpid, "pod_workers.go:1301", "Error syncing pod, skipping", "err", err, "pod", key, "podUID", string(p.UID)))
		})
	}
}

// evictionLines: the eviction manager picks a pod and evicts it.
func (j *journal) evictionLines(t time.Time, resource string, victim string, ranked []string) {
	pid := j.kubeletPID(0)
	var q []string
	for _, r := range ranked {
		q = append(q, strconv.Quote(r))
	}
	j.emit(t, "kubelet", "kubelet", pid, klogS('I', t, pid, "eviction_manager.go:377", "Eviction manager: attempting to reclaim", "resourceName", resource))
	j.emit(t.Add(time.Millisecond), "kubelet", "kubelet", pid, klogS('I', t.Add(time.Millisecond), pid, "eviction_manager.go:388", "Eviction manager: must evict pod(s) to reclaim", "resourceName", resource))
	j.emit(t.Add(2*time.Millisecond), "kubelet", "kubelet", pid, klogS('I', t.Add(2*time.Millisecond), pid, "eviction_manager.go:406", "Eviction manager: pods ranked for eviction", "pods", raw("["+strings.Join(q, ",")+"]")))
	at := t.Add(31*time.Second + 200*time.Millisecond)
	j.emit(at, "kubelet", "kubelet", pid, klogS('I', at, pid, "eviction_manager.go:627", "Eviction manager: pod is evicted successfully", "pod", victim))
	j.emit(at.Add(time.Millisecond), "kubelet", "kubelet", pid, klogS('I', at.Add(time.Millisecond), pid, "eviction_manager.go:208", "Eviction manager: pods evicted, waiting for pod to be cleaned up", "pods", raw("["+strconv.Quote(victim)+"]")))
}

// ranked lists the node's running pods of the namespaces given, as the eviction manager ranks them.
func (j *journal) ranked(namespaces ...string) []string {
	var out []string
	for _, p := range j.pods {
		if p.Status.Phase == corev1.PodRunning && p.DeletionTimestamp == nil {
			for _, ns := range namespaces {
				if p.Namespace == ns {
					out = append(out, p.Namespace+"/"+p.Name)
				}
			}
		}
	}
	return out
}

// diskPressure: worker-09's image GC cannot free anything and the eviction manager evicts.
func (j *journal) diskPressure(end time.Time) {
	pid := j.kubeletPID(0)
	since := j.seed.Add(-41 * minute)
	j.tick("imagegc", since.Add(-2*hour), 5*minute+2*time.Second, since.Add(-2*hour-5*minute), end, func(k int, t time.Time) {
		j.emit(t, "kubelet", "kubelet", pid, klogS('I', t, pid, "image_gc_manager.go:383", "Disk usage on image filesystem is over the high threshold, trying to free bytes down to the low threshold",
			"usage", 91, "highThreshold", 85, "amountToFree", 4236547891, "lowThreshold", 80))
		at := t.Add(220 * time.Millisecond)
		j.emit(at, "kubelet", "kubelet", pid, klogS('E', at, pid, "kubelet.go:1570", "Image garbage collection failed multiple times in a row", "err", MessageImageGCFailed))
	})
	j.tick("reclaim", since, 10*time.Second, since, end, func(k int, t time.Time) {
		if k%6 == 0 {
			j.emit(t, "kubelet", "kubelet", pid, klogS('I', t, pid, "eviction_manager.go:377", "Eviction manager: attempting to reclaim", "resourceName", "ephemeral-storage"))
		}
	})
	ranked := j.ranked("ml")
	for i := 0; i < 4; i++ {
		at := j.seed.Add(-(6*minute + time.Duration(i)*23*minute + jitter(fmt.Sprint("ev", i), 4*minute)))
		if at.After(end) {
			continue
		}
		victim := "ml/feature-store-evicted"
		for _, p := range j.pods {
			if p.Status.Reason == "Evicted" && p.Status.Phase == corev1.PodFailed && p.Status.Message != "" && strings.HasPrefix(p.Name, "feature-store") {
				if c := findPodCondition(p, corev1.DisruptionTarget); c != nil && c.LastTransitionTime.Time.Equal(mtime(at).Time) {
					victim = p.Namespace + "/" + p.Name
				}
			}
		}
		j.evictionLines(at, "ephemeral-storage", victim, append([]string{victim}, ranked...))
	}
}

func findPodCondition(p *corev1.Pod, t corev1.PodConditionType) *corev1.PodCondition {
	for i := range p.Status.Conditions {
		if p.Status.Conditions[i].Type == t {
			return &p.Status.Conditions[i]
		}
	}
	return nil
}

// memoryPressure: worker-10's JVMs outgrow the machine: system OOMs, an eviction, an OOM kill.
func (j *journal) memoryPressure(end time.Time) {
	pid := j.kubeletPID(0)
	since := j.seed.Add(-(16*minute + 20*time.Second))
	j.tick("reclaim", since, 10*time.Second, since, end, func(k int, t time.Time) {
		if k%3 == 0 {
			j.emit(t, "kubelet", "kubelet", pid, klogS('I', t, pid, "eviction_manager.go:377", "Eviction manager: attempting to reclaim", "resourceName", "memory"))
		}
	})
	for i, vpid := range []int{19022, 24730, 28311} {
		at := j.seed.Add(-time.Duration(23-8*i) * minute)
		if at.After(end) {
			continue
		}
		j.emit(at, "", "kernel", 0, fmt.Sprintf("Out of memory: Killed process %d (java) total-vm:9734412kB, anon-rss:6112904kB, file-rss:22108kB, shmem-rss:0kB, UID:1000 pgtables:13080kB oom_score_adj:969", vpid))
		at = at.Add(600 * time.Millisecond)
		j.emit(at, "kubelet", "kubelet", pid, klogS('I', at, pid, "manager.go:1199", "Got sys oom event", "event",
			raw(fmt.Sprintf(`{"Pid":%d,"ProcessName":"java","TimeOfDeath":%q,"ContainerName":"/","VictimContainerName":"/kubepods.slice/kubepods-burstable.slice","Constraint":"CONSTRAINT_NONE"}`, vpid, at.UTC().Format(time.RFC3339Nano)))))
	}
	evictedAt := j.seed.Add(-13 * minute)
	if !evictedAt.After(end) {
		victim := "search/search-indexer"
		for _, p := range j.pods {
			if p.Status.Reason == "Evicted" {
				victim = p.Namespace + "/" + p.Name
			}
		}
		j.evictionLines(evictedAt.Add(-31*time.Second), "memory", victim, append([]string{victim}, j.ranked("search")...))
	}
	killed := j.seed.Add(-(6*minute + 5*time.Second))
	if p := j.oomKilledIndexer(); p != nil && !killed.After(end) {
		id := hex64("container", p.Name, "indexer", killed.String())
		j.emit(killed, "", "kernel", 0, fmt.Sprintf("Memory cgroup out of memory: Killed process %d (java) total-vm:9912004kB, anon-rss:6291204kB, file-rss:20196kB, shmem-rss:0kB, UID:1000 pgtables:13344kB oom_score_adj:969", 31407))
		rpid := j.runtimePID(0)
		j.emit(killed.Add(4*time.Millisecond), "containerd", "containerd", rpid, logrus(killed.Add(4*time.Millisecond), "info", fmt.Sprintf("TaskOOM event container_id:%q", id)))
		at := killed.Add(time.Second)
		j.emit(at, "kubelet", "kubelet", pid, klogS('I', at, pid, "kubelet.go:2636", "SyncLoop (PLEG): event for pod", "pod", p.Namespace+"/"+p.Name, "event", plegEvent(p, "ContainerDied", id)))
	}
}

func (j *journal) oomKilledIndexer() *corev1.Pod {
	for _, p := range j.pods {
		for _, st := range p.Status.ContainerStatuses {
			if t := st.LastTerminationState.Terminated; t != nil && t.Reason == "OOMKilled" && st.Name == "indexer" {
				return p
			}
		}
	}
	return nil
}

// cgroupLeak: legacy-03's 3.10 kernel cannot make another memory cgroup; the new billing-worker
// pods fail to start, and the kernel complains about its slab.
func (j *journal) cgroupLeak(end time.Time) {
	kpid, rpid := j.kubeletPID(0), j.runtimePID(0)
	for _, p := range j.pods {
		if p.Status.Phase != corev1.PodPending || p.Status.StartTime == nil {
			continue
		}
		since := p.Status.StartTime.Time
		full := fmt.Sprintf("%s_%s(%s)", p.Name, p.Namespace, p.UID)
		sandbox := len(p.Status.ContainerStatuses) > 0 && p.Status.ContainerStatuses[0].State.Waiting != nil &&
			p.Status.ContainerStatuses[0].State.Waiting.Reason == "ContainerCreating"
		j.tick("cg/"+p.Name, since.Add(3*time.Second), 15*time.Second, since, end, func(k int, t time.Time) {
			if sandbox {
				id := hex64("sandbox", p.Name, fmt.Sprint(k))
				daemon := strings.TrimPrefix(cgroupError(p, id), "Error response from daemon: ")
				j.emit(t, "docker", "dockerd", rpid, logrus(t, "error", fmt.Sprintf("Handler for POST /v1.40/containers/%s/start returned error: %s", id, daemon)))
				grpc := fmt.Sprintf("rpc error: code = Unknown desc = failed to start sandbox container for pod %q: %s", p.Name, cgroupError(p, id))
				at := t.Add(3 * time.Millisecond)
				j.emit(at, "kubelet", "kubelet", kpid, klog('E', at, kpid, "remote_runtime.go:113", "RunPodSandbox from runtime service failed: "+grpc))
				j.emit(at.Add(60*time.Microsecond), "kubelet", "kubelet", kpid, klog('E', at.Add(60*time.Microsecond), kpid, "kuberuntime_sandbox.go:69", fmt.Sprintf("CreatePodSandbox for pod %q failed: %s", full, grpc)))
				j.emit(at.Add(110*time.Microsecond), "kubelet", "kubelet", kpid, klog('E', at.Add(110*time.Microsecond), kpid, "kuberuntime_manager.go:733", fmt.Sprintf("createPodSandbox for pod %q failed: %s", full, grpc)))
				j.emit(at.Add(160*time.Microsecond), "kubelet", "kubelet", kpid, klog('E', at.Add(160*time.Microsecond), kpid, "pod_workers.go:191",
					fmt.Sprintf("Error syncing pod %s (%q), skipping: failed to %q for %q with CreatePodSandboxError: %q", p.UID, full, "CreatePodSandbox", full,
						fmt.Sprintf("CreatePodSandbox for pod %q failed: %s", full, grpc))))
				return
			}
			id := hex64("container", p.Name, "failed")
			grpc := fmt.Sprintf("rpc error: code = Unknown desc = failed to start container %q: %s", id, cgroupError(p, id))
			j.emit(t, "kubelet", "kubelet", kpid, klog('E', t, kpid, "remote_runtime.go:248", fmt.Sprintf("StartContainer %q from runtime service failed: %s", id, grpc)))
			j.emit(t.Add(80*time.Microsecond), "kubelet", "kubelet", kpid, klog('E', t.Add(80*time.Microsecond), kpid, "pod_workers.go:191",
				fmt.Sprintf("Error syncing pod %s (%q), skipping: failed to %q for %q with RunContainerError: %q", p.UID, full, "StartContainer", "billing-worker", grpc)))
		})
	}
	since := j.seed.Add(-35 * minute)
	j.tick("slub", since, 3*minute+20*time.Second, since, end, func(k int, t time.Time) {
		j.emit(t, "", "kernel", 0, "SLUB: Unable to allocate memory on node -1 (gfp=0x8020)")
		j.emit(t.Add(time.Microsecond), "", "kernel", 0, fmt.Sprintf("  cache: kmalloc-256(%d:%s), object size: 256, buffer size: 256, default order: 1, min order: 0", 20000+spread(fmt.Sprint("slub", k), 9000), hex64("slub", fmt.Sprint(k))[:7]))
		j.emit(t.Add(2*time.Microsecond), "", "kernel", 0, "  node 0: slabs: 4, objs: 128, free: 0")
	})
}
