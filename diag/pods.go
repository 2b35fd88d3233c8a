package diag

import (
	"sort"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// waitingReasons lists the reasons the pod's containers (init containers first) are waiting for.
func waitingReasons(p *corev1.Pod) []string {
	var out []string
	for _, list := range [][]corev1.ContainerStatus{p.Status.InitContainerStatuses, p.Status.ContainerStatuses} {
		for _, c := range list {
			if c.State.Waiting != nil && c.State.Waiting.Reason != "" {
				out = append(out, c.State.Waiting.Reason)
			}
		}
	}
	return out
}

// hasWaitingReason reports whether a container of the pod waits for one of the reasons.
func hasWaitingReason(p *corev1.Pod, reasons ...string) bool {
	for _, r := range waitingReasons(p) {
		for _, want := range reasons {
			if r == want {
				return true
			}
		}
	}
	return false
}

// creating reports whether the pod has not got its containers started yet: Pending, with its
// containers waiting in ContainerCreating (or not reported at all, before the sandbox exists).
func creating(p *corev1.Pod) bool {
	if p.Status.Phase != corev1.PodPending || p.DeletionTimestamp != nil {
		return false
	}
	reasons := waitingReasons(p)
	if len(reasons) == 0 {
		return true
	}
	for _, r := range reasons {
		if r == "ContainerCreating" || r == "PodInitializing" {
			return true
		}
	}
	return false
}

// podReady reports whether the pod's Ready condition is True.
func podReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// restartedWithin reports whether a container of the pod last terminated within the window before
// now, and the most restarted container's restart count.
func restartedWithin(p *corev1.Pod, now time.Time, window time.Duration) (bool, int32) {
	recent, most := false, int32(0)
	for _, list := range [][]corev1.ContainerStatus{p.Status.InitContainerStatuses, p.Status.ContainerStatuses} {
		for _, c := range list {
			most = max(most, c.RestartCount)
			if t := c.LastTerminationState.Terminated; t != nil && c.RestartCount > 0 && now.Sub(t.FinishedAt.Time) <= window {
				recent = true
			}
		}
	}
	return recent, most
}

// controller returns the pod's controlling owner kind and name, or empty strings.
func controller(p *corev1.Pod) (kind, name string) {
	if ref := metav1.GetControllerOfNoCopy(p); ref != nil {
		return ref.Kind, ref.Name
	}
	return "", ""
}

// mirror reports whether the pod is the API's copy of a static pod.
func mirror(p *corev1.Pod) bool { return p.Annotations[corev1.MirrorPodAnnotationKey] != "" }

// nodeAgent reports whether the pod is a per-node agent: a DaemonSet pod or a static pod.
func nodeAgent(p *corev1.Pod) bool {
	kind, _ := controller(p)
	return kind == "DaemonSet" || mirror(p) || kind == "Node"
}

// evictedFor returns the node's pods the kubelet evicted within the window (0: ever), whose eviction
// message contains one of the fragments, newest first.
func (ev *Evidence) evictedFor(window time.Duration, fragments ...string) []*corev1.Pod {
	var out []*corev1.Pod
	for _, p := range ev.Pods {
		if p.Status.Reason != "Evicted" || !containsAny(p.Status.Message, fragments...) {
			continue
		}
		if at := evictedAt(p); window > 0 && !at.IsZero() && ev.Now.Sub(at) > window {
			continue
		}
		out = append(out, p)
	}
	sort.SliceStable(out, func(i, j int) bool { return evictedAt(out[i]).After(evictedAt(out[j])) })
	return out
}

// evictedAt is when the pod was evicted: the last condition transition, as the kubelet marks the pod
// failed. Zero when unknown.
func evictedAt(p *corev1.Pod) time.Time {
	var t time.Time
	for _, c := range p.Status.Conditions {
		if c.LastTransitionTime.After(t) {
			t = c.LastTransitionTime.Time
		}
	}
	for _, c := range p.Status.ContainerStatuses {
		if c.State.Terminated != nil && c.State.Terminated.FinishedAt.After(t) {
			t = c.State.Terminated.FinishedAt.Time
		}
	}
	return t
}

// quotePodMessage quotes a pod's status message as evidence.
func (ev *Evidence) quotePodMessage(p *corev1.Pod) string {
	at := ""
	if t := evictedAt(p); !t.IsZero() {
		at = ", " + ago(ev.Now, t) + " ago"
	}
	return "pod " + podKey(p) + " " + p.Status.Reason + at + ": " + quote(p.Status.Message)
}

// waitingMessage is the first waiting container's message, or "".
func waitingMessage(p *corev1.Pod) string {
	for _, list := range [][]corev1.ContainerStatus{p.Status.InitContainerStatuses, p.Status.ContainerStatuses} {
		for _, c := range list {
			if c.State.Waiting != nil && c.State.Waiting.Message != "" {
				return c.State.Waiting.Message
			}
		}
	}
	return ""
}

// podKeys names the pods as namespace/name.
func podKeys(pods []*corev1.Pod) []string {
	out := make([]string, len(pods))
	for i, p := range pods {
		out[i] = podKey(p)
	}
	return out
}
