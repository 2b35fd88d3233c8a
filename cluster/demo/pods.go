package demo

import (
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

// podOpt changes a pod after it was built running and ready.
type podOpt func(s *seeder, p *corev1.Pod)

// pod builds a pod of workload w bound to node ("" for an unscheduled pod), Running and Ready
// unless opts say otherwise, and adds it to the seed.
func (s *seeder) pod(w *workload, node string, opts ...podOpt) *corev1.Pod {
	name := s.podName(w, node)
	nb := s.nodes[node]
	start := s.now.Add(-w.rolled).Add(jitter("start/"+name, 20*minute))
	if nb != nil && start.Before(nb.node.CreationTimestamp.Time) {
		start = nb.node.CreationTimestamp.Add(90 * time.Second).Add(jitter("start/"+name, 4*minute))
	}
	if w.kind == kindStatic && nb != nil {
		start = nb.boot.Add(20 * time.Second)
	}
	if start.After(s.now.Add(-time.Minute)) {
		start = s.now.Add(-time.Minute)
	}

	p := &corev1.Pod{
		TypeMeta: metav1.TypeMeta{Kind: "Pod", APIVersion: "v1"},
		ObjectMeta: metav1.ObjectMeta{
			Name:              name,
			Namespace:         w.namespace,
			UID:               uid("pod", w.namespace, name),
			CreationTimestamp: mtime(start.Add(-2 * time.Second)),
			Labels:            w.podLabels(),
			Annotations:       map[string]string{},
			OwnerReferences:   w.ownerRefs(node),
		},
		Spec: w.podSpec(node),
	}
	if w.generateName != "" {
		p.GenerateName = w.generateName
	}
	if w.kind == kindStatic && nb != nil {
		hash := hex64("config", name)[:32]
		p.Annotations["kubernetes.io/config.hash"] = hash
		p.Annotations["kubernetes.io/config.mirror"] = hash
		p.Annotations["kubernetes.io/config.seen"] = nb.boot.Add(5 * time.Second).UTC().Format(time.RFC3339Nano)
		p.Annotations["kubernetes.io/config.source"] = "file"
	}
	for k, v := range w.annotations {
		p.Annotations[k] = v
	}
	if nb != nil {
		s.runPod(p, nb, start)
	}
	for _, o := range opts {
		o(s, p)
	}
	s.pods = append(s.pods, p)
	w.pods = append(w.pods, p)
	return p
}

// podName names a pod the way its controller does.
func (s *seeder) podName(w *workload, node string) string {
	s.podSeq[w.key()]++
	n := s.podSeq[w.key()]
	switch w.kind {
	case kindDeployment:
		return fmt.Sprintf("%s-%s-%s", w.name, w.hash, suffix(fmt.Sprintf("%s/%s/%d", w.key(), w.hash, n), 5))
	case kindStatefulSet:
		return fmt.Sprintf("%s-%d", w.name, n-1)
	case kindStatic:
		return w.name + "-" + node
	case kindBare:
		return fmt.Sprintf("%s-%s", w.name, strings.ToLower(hex64("bare", w.key(), fmt.Sprint(n))[:8]))
	default: // DaemonSet, Job
		return fmt.Sprintf("%s-%s", w.name, suffix(fmt.Sprintf("%s/%s/%d", w.key(), node, n), 5))
	}
}

// runPod fills in the status of a pod that the kubelet started at start: Running, every
// container ready, an IP from the node's podCIDR unless it uses the host network.
func (s *seeder) runPod(p *corev1.Pod, nb *nodeBuilder, start time.Time) {
	p.Status = corev1.PodStatus{
		Phase:     corev1.PodRunning,
		HostIP:    nb.ip,
		HostIPs:   []corev1.HostIP{{IP: nb.ip}},
		StartTime: mptr(start),
		QOSClass:  qosClass(p),
	}
	if p.Spec.HostNetwork {
		p.Status.PodIP = nb.ip
	} else {
		p.Status.PodIP = s.nextIP(nb)
		p.Annotations["cni.projectcalico.org/podIP"] = p.Status.PodIP + "/32"
		p.Annotations["cni.projectcalico.org/podIPs"] = p.Status.PodIP + "/32"
		p.Annotations["cni.projectcalico.org/containerID"] = hex64("sandbox", p.Namespace, p.Name)
	}
	p.Status.PodIPs = []corev1.PodIP{{IP: p.Status.PodIP}}

	ready := start.Add(8*time.Second + jitter("ready/"+p.Name, 40*time.Second))
	p.Status.Conditions = []corev1.PodCondition{
		podCondition(corev1.PodReadyToStartContainers, corev1.ConditionTrue, start.Add(2*time.Second)),
		podCondition(corev1.PodInitialized, corev1.ConditionTrue, start.Add(time.Duration(1+3*len(p.Spec.InitContainers))*time.Second)),
		podCondition(corev1.PodReady, corev1.ConditionTrue, ready),
		podCondition(corev1.ContainersReady, corev1.ConditionTrue, ready),
		podCondition(corev1.PodScheduled, corev1.ConditionTrue, start.Add(-2*time.Second)),
	}

	runtime := nb.plan.os.runtime
	// A reboot after the pod started restarted its containers once.
	var restarts int32
	running := start.Add(4 * time.Second)
	if nb.boot.After(start) {
		restarts, running = 1, nb.boot.Add(50*time.Second+jitter("rb/"+p.Name, 40*time.Second))
	}
	for i, c := range p.Spec.InitContainers {
		at := start.Add(time.Duration(1+3*i) * time.Second)
		st := containerStatus(p, c, runtime, at)
		st.Ready, st.Started = true, ptr.To(false)
		st.State = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
			ExitCode: 0, Reason: "Completed", StartedAt: mtime(at), FinishedAt: mtime(at.Add(2 * time.Second)),
			ContainerID: st.ContainerID,
		}}
		p.Status.InitContainerStatuses = append(p.Status.InitContainerStatuses, st)
	}
	for _, c := range p.Spec.Containers {
		st := containerStatus(p, c, runtime, running)
		st.RestartCount = restarts
		if restarts > 0 {
			st.LastTerminationState = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
				ExitCode: 255, Reason: "Unknown", StartedAt: mtime(start.Add(4 * time.Second)), FinishedAt: mtime(nb.boot.Add(-time.Minute)),
				ContainerID: runtimePrefix(runtime) + hex64("container", p.Namespace, p.Name, c.Name, "before-reboot"),
			}}
		}
		p.Status.ContainerStatuses = append(p.Status.ContainerStatuses, st)
	}
}

func containerStatus(p *corev1.Pod, c corev1.Container, runtime string, started time.Time) corev1.ContainerStatus {
	id := runtimePrefix(runtime) + hex64("container", p.Namespace, p.Name, c.Name, started.String())
	image := imageID(c.Image)
	if strings.HasPrefix(runtime, "docker") {
		image = "docker-pullable://" + image
	}
	return corev1.ContainerStatus{
		Name: c.Name, Image: c.Image, ImageID: image, ContainerID: id,
		Ready: true, Started: ptr.To(true),
		State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: mtime(started)}},
	}
}

func runtimePrefix(runtime string) string {
	name, _, _ := strings.Cut(runtime, ":")
	return name + "://"
}

func podCondition(t corev1.PodConditionType, status corev1.ConditionStatus, at time.Time) corev1.PodCondition {
	return corev1.PodCondition{Type: t, Status: status, LastTransitionTime: mtime(at)}
}

func setPodCondition(p *corev1.Pod, c corev1.PodCondition) {
	for i := range p.Status.Conditions {
		if p.Status.Conditions[i].Type == c.Type {
			p.Status.Conditions[i] = c
			return
		}
	}
	p.Status.Conditions = append(p.Status.Conditions, c)
}

// nextIP hands out the node's next pod address, leaving the odd gap a deleted pod left behind.
func (s *seeder) nextIP(nb *nodeBuilder) string {
	name := nb.plan.name
	s.ipNext[name] += 1 + spread(fmt.Sprintf("ip/%s/%d", name, s.ipNext[name]), 3)
	if s.ipNext[name] > cidrHosts(nb.plan.podCIDR) {
		s.ipNext[name] = 1 + spread(fmt.Sprintf("ipwrap/%s/%d", name, len(s.pods)), cidrHosts(nb.plan.podCIDR))
	}
	return hostAddr(nb.plan.podCIDR, s.ipNext[name])
}

// qosClass is the pod's QoS class as the API server computes it.
func qosClass(p *corev1.Pod) corev1.PodQOSClass {
	any, guaranteed := false, true
	for _, c := range append(append([]corev1.Container(nil), p.Spec.InitContainers...), p.Spec.Containers...) {
		if len(c.Resources.Requests) > 0 || len(c.Resources.Limits) > 0 {
			any = true
		}
		for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
			lim, ok := c.Resources.Limits[r]
			if !ok {
				guaranteed = false
				continue
			}
			if req, ok := c.Resources.Requests[r]; ok && req.Cmp(lim) != 0 {
				guaranteed = false
			}
		}
	}
	switch {
	case !any:
		return corev1.PodQOSBestEffort
	case guaranteed:
		return corev1.PodQOSGuaranteed
	default:
		return corev1.PodQOSBurstable
	}
}
