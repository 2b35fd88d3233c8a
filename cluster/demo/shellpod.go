package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	k8stesting "k8s.io/client-go/testing"

	"github.com/ktriage/ktriage/cluster"
)

// The node shell pod's life. ktriage's actions create it through the clientset, labelled
// cluster.NodeShellLabel and bound to the node by nodeName; the demo plays the node's kubelet for
// it, with or without the simulator running: a live kubelet admits it, creates its sandbox and
// starts its container within a second. A kubelet that is gone (unreachable), or that skips pod
// synchronisation (PLEG deadlocked, runtime down), never touches it: it stays Pending. A node under
// disk pressure rejects it unless it is a critical pod, as the eviction manager's admission does; a
// node that cannot make a sandbox (leaked cgroups; no CNI for a pod without the host network)
// leaves it in ContainerCreating with the kubelet's event.

const (
	shellPickUp = 250 * time.Millisecond // the kubelet's watch sees the pod, admits it, makes the sandbox
	shellStart  = 600 * time.Millisecond // the container starts (the image is pulled if needed)
)

// shellPodReaction creates a node shell pod as the API server does (phase Pending, its QoS class)
// and hands it to the node's kubelet.
func (c *Cluster) shellPodReaction(action k8stesting.Action) (bool, runtime.Object, error) {
	ca, ok := action.(k8stesting.CreateActionImpl)
	if !ok || ca.GetSubresource() != "" {
		return false, nil, nil
	}
	pod, ok := ca.GetObject().(*corev1.Pod)
	if !ok || pod.Labels[cluster.NodeShellLabel] == "" {
		return false, nil, nil
	}
	ns := ca.GetNamespace()
	pod.Status = corev1.PodStatus{Phase: corev1.PodPending, QOSClass: qosClass(pod)}
	if err := c.store.Create(podsResource, pod, ns, ca.CreateOptions); err != nil {
		return true, nil, err
	}
	obj, err := c.store.Get(podsResource, ns, pod.Name)
	if err != nil {
		return true, nil, err
	}
	created := obj.(*corev1.Pod)
	if node := created.Spec.NodeName; node != "" {
		name, uid := created.Name, created.UID
		time.AfterFunc(shellPickUp, func() { c.kubeletAdmitsShell(ns, name, uid, node) })
	}
	return true, obj, nil
}

// shellPod reads the shell pod back, nil when it is gone, replaced or being deleted.
func (c *Cluster) shellPod(ctx context.Context, ns, name string, uid types.UID) *corev1.Pod {
	p, err := c.cs.CoreV1().Pods(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil || p.UID != uid || p.DeletionTimestamp != nil {
		return nil
	}
	return p
}

// kubeletSyncsPods reports whether the node's kubelet handles new pods at all.
func (c *Cluster) kubeletSyncsPods(node string) bool {
	if !c.alive(node) {
		return false
	}
	// Both skip pod synchronisation: the PLEG is not healthy / the container runtime is down.
	return !((node == NodePLEG || node == NodeRuntimeDown) && c.incident(node))
}

// kubeletSeesShell is the shell pod and its node as the node's kubelet sees them for its next
// step; nil, nil when the kubelet does not sync pods, or the pod or the node is gone.
func (c *Cluster) kubeletSeesShell(ctx context.Context, ns, name string, uid types.UID, node string) (*corev1.Pod, *corev1.Node) {
	if !c.kubeletSyncsPods(node) {
		return nil, nil
	}
	p := c.shellPod(ctx, ns, name, uid)
	n := c.getNode(node)
	if p == nil || n == nil {
		return nil, nil
	}
	return p, n
}

// kubeletAdmitsShell: the kubelet sees the pod, runs its admission, and creates the sandbox.
func (c *Cluster) kubeletAdmitsShell(ns, name string, uid types.UID, node string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	p, n := c.kubeletSeesShell(ctx, ns, name, uid, node)
	if p == nil {
		return
	}
	now := c.Now()
	if why := admissionRejection(n, p); why != "" {
		p.Status = corev1.PodStatus{Phase: corev1.PodFailed, Reason: "Evicted", Message: "Pod was rejected: " + why, QOSClass: p.Status.QOSClass}
		if _, err := c.cs.CoreV1().Pods(ns).UpdateStatus(ctx, p, metav1.UpdateOptions{}); err == nil {
			c.podEventNow(ctx, p, "", corev1.EventTypeWarning, "Evicted", why, now)
		}
		return
	}
	hostIP := planIPOf(node)
	waiting(p, now, corev1.ContainerStateWaiting{Reason: "ContainerCreating"})
	p.Status.HostIP, p.Status.HostIPs = hostIP, []corev1.HostIP{{IP: hostIP}}
	p.Status.QOSClass = qosClass(p)
	if _, err := c.cs.CoreV1().Pods(ns).UpdateStatus(ctx, p, metav1.UpdateOptions{}); err != nil {
		return
	}
	if reason, msg := c.sandboxFailure(n, p); reason != "" {
		c.podEventNow(ctx, p, "", corev1.EventTypeWarning, reason, msg, now)
		return
	}
	time.AfterFunc(shellStart, func() { c.kubeletStartsShell(ns, name, uid, node) })
}

// kubeletStartsShell: the container runs and is ready.
func (c *Cluster) kubeletStartsShell(ns, name string, uid types.UID, node string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	p, n := c.kubeletSeesShell(ctx, ns, name, uid, node)
	if p == nil {
		return
	}
	now := c.Now()
	runtimeVersion := n.Status.NodeInfo.ContainerRuntimeVersion
	p.Status.Phase = corev1.PodRunning
	p.Status.PodIP = p.Status.HostIP
	if !p.Spec.HostNetwork {
		if plan, ok := planOf(node); ok {
			p.Status.PodIP = hostAddr(plan.podCIDR, 2+spread(string(p.UID), cidrHosts(plan.podCIDR)-2))
		}
	}
	p.Status.PodIPs = []corev1.PodIP{{IP: p.Status.PodIP}}
	p.Status.ContainerStatuses = nil
	for _, ctr := range p.Spec.Containers {
		st := containerStatus(p, ctr, runtimeVersion, now)
		p.Status.ContainerStatuses = append(p.Status.ContainerStatuses, st)
	}
	for _, t := range []corev1.PodConditionType{corev1.PodReadyToStartContainers, corev1.ContainersReady, corev1.PodReady} {
		setPodCondition(p, podCondition(t, corev1.ConditionTrue, now))
	}
	if _, err := c.cs.CoreV1().Pods(ns).UpdateStatus(ctx, p, metav1.UpdateOptions{}); err != nil {
		return
	}
	for _, ctr := range p.Spec.Containers {
		present := false
		for _, img := range n.Status.Images {
			for _, name := range img.Names {
				present = present || name == ctr.Image
			}
		}
		if present {
			c.podEventNow(ctx, p, ctr.Name, corev1.EventTypeNormal, "Pulled", fmt.Sprintf("Container image %q already present on machine and can be accessed by the pod", ctr.Image), now)
		} else {
			c.podEventNow(ctx, p, ctr.Name, corev1.EventTypeNormal, "Pulling", fmt.Sprintf("Pulling image %q", ctr.Image), now.Add(-500*time.Millisecond))
			c.podEventNow(ctx, p, ctr.Name, corev1.EventTypeNormal, "Pulled", fmt.Sprintf("Successfully pulled image %q in 412ms (412ms including waiting). Image size: %d bytes.", ctr.Image, 2155227), now.Add(-90*time.Millisecond))
		}
		c.podEventNow(ctx, p, ctr.Name, corev1.EventTypeNormal, "Created", "Created container: "+ctr.Name, now.Add(-40*time.Millisecond))
		c.podEventNow(ctx, p, ctr.Name, corev1.EventTypeNormal, "Started", "Started container "+ctr.Name, now)
	}
}

func planIPOf(node string) string {
	if p, ok := planOf(node); ok {
		return planIP(p)
	}
	return ""
}

// admissionRejection is why the kubelet's eviction manager refuses the pod, "" if it admits it:
// under disk (or PID) pressure every pod but a critical one; under memory pressure alone only
// best-effort pods that do not tolerate the memory-pressure taint.
func admissionRejection(n *corev1.Node, p *corev1.Pod) string {
	var conds []corev1.NodeConditionType
	for _, t := range []corev1.NodeConditionType{corev1.NodeMemoryPressure, corev1.NodeDiskPressure, corev1.NodePIDPressure} {
		if nodeCondition(n, t) == corev1.ConditionTrue {
			conds = append(conds, t)
		}
	}
	if len(conds) == 0 || criticalPod(p) {
		return ""
	}
	if len(conds) == 1 && conds[0] == corev1.NodeMemoryPressure {
		if qosClass(p) != corev1.PodQOSBestEffort || tolerates(p.Spec.Tolerations, "node.kubernetes.io/memory-pressure", corev1.TaintEffectNoSchedule) {
			return ""
		}
	}
	return fmt.Sprintf("The node had condition: %v. ", conds)
}

// criticalPod is the kubelet's IsCriticalPod for an API pod: system priority.
func criticalPod(p *corev1.Pod) bool {
	switch p.Spec.PriorityClassName {
	case "system-node-critical", "system-cluster-critical":
		return true
	}
	return p.Spec.Priority != nil && *p.Spec.Priority >= 2000000000
}

func tolerates(tols []corev1.Toleration, key string, effect corev1.TaintEffect) bool {
	for _, t := range tols {
		keyOK := t.Key == key || (t.Key == "" && t.Operator == corev1.TolerationOpExists)
		effectOK := t.Effect == "" || t.Effect == effect
		opOK := t.Operator == corev1.TolerationOpExists || t.Value == ""
		if keyOK && effectOK && opOK {
			return true
		}
	}
	return false
}

// sandboxFailure is why the kubelet cannot make the pod's sandbox on the node, as its event's
// reason and message; "" when it can.
func (c *Cluster) sandboxFailure(n *corev1.Node, p *corev1.Pod) (string, string) {
	node := n.Name
	sandbox := hex64("sandbox", p.Namespace, p.Name, string(p.UID))
	if node == NodeCgroupLeak && c.incident(node) {
		return "FailedCreatePodSandBox", fmt.Sprintf("Failed to create pod sandbox: rpc error: code = Unknown desc = failed to start sandbox container for pod %q: %s", p.Name, cgroupError(p, sandbox))
	}
	if p.Spec.HostNetwork {
		return "", ""
	}
	if ready := findCondition(n.Status.Conditions, corev1.NodeReady); ready != nil && strings.Contains(ready.Message, "NetworkPluginNotReady") {
		return "NetworkNotReady", "network is not ready: container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized"
	}
	if node == NodePodIPExhausted && c.incident(node) {
		if plan, ok := planOf(node); ok {
			msg := sandboxIPExhausted(sandbox, plan.podCIDR, hostAddr(plan.podCIDR, cidrHosts(plan.podCIDR)))
			return "FailedCreatePodSandBox", strings.TrimPrefix(msg, "(combined from similar events): ")
		}
	}
	return "", ""
}

// podEventNow records a kubelet event about the pod (or one of its containers).
func (c *Cluster) podEventNow(ctx context.Context, p *corev1.Pod, container, typ, reason, msg string, at time.Time) {
	spec := eventSpec{ref: podRef(p, container), typ: typ, reason: reason, msg: msg, count: 1, first: at, last: at,
		component: "kubelet", host: p.Spec.NodeName}
	for i := range 8 {
		e := spec.object(eventName(p.Name, at.Add(time.Duration(i))))
		if _, err := c.cs.CoreV1().Events(e.Namespace).Create(ctx, e, metav1.CreateOptions{}); err == nil {
			return
		}
	}
}
