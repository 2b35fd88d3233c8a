package diag

import (
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
)

// Evidence is everything the rules may read about one node. All of it comes from the API; nothing here
// is fetched by diag. Optional parts (Kubelet, PodLogs) are nil until someone fetched them.
type Evidence struct {
	Node  *corev1.Node
	Lease *coordinationv1.Lease
	// Pods are the pods bound to the node, terminated ones included.
	Pods []*corev1.Pod
	// Events are the node's events and its pods' events.
	Events []*corev1.Event
	// Now is when the evidence is judged.
	Now time.Time
	// Heartbeat is the node's last sign of life as the watcher judged it. When Last is zero the rules
	// work it out from the Lease and the Ready condition.
	Heartbeat Heartbeat
	// BootChange is set when the node's boot ID changed while ktriage watched it.
	BootChange *BootChange
	Cluster    ClusterFacts
	Kubelet    *KubeletFacts
	// PodLogs holds recent log lines of pods on the node ("namespace/name" → lines), when fetched.
	PodLogs map[string][]string
	// Requested is the sum of the requests of the pods that are not terminated, when the caller
	// already has it (the watcher does); nil means the rules add them up. Read-only.
	Requested corev1.ResourceList
}

// Heartbeat is the last sign of life of the kubelet.
type Heartbeat struct {
	Last time.Time
	// FromLease says Last is the Lease's renewal; otherwise the Ready condition's heartbeat.
	FromLease bool
	// Duration is how long a Lease renewal is valid (40 s by default).
	Duration time.Duration
	// Stale says the heartbeat is older than allowed.
	Stale bool
}

// BootChange records a reboot seen live: the boot ID went from From to To at At.
type BootChange struct {
	From, To string
	At       time.Time
}

// ClusterFacts are facts about the cluster rather than the node.
type ClusterFacts struct {
	// ServerVersion is the API server's git version ("v1.37.2"), "" when unknown.
	ServerVersion string
	// Pending are the pods no node has taken yet.
	Pending []*corev1.Pod
}

// KubeletFacts are read from the kubelet through nodes/proxy when a person asks for them.
type KubeletFacts struct {
	// MaxPods from /configz; 0 when unknown.
	MaxPods int
	// ConfigMapAndSecretChangeDetectionStrategy from /configz ("Watch", "Cache", "Get").
	ConfigMapAndSecretChangeDetectionStrategy string
	// CgroupsPerQOS from /configz; nil when unknown.
	CgroupsPerQOS *bool
	// GoroutineDump is /debug/pprof/goroutine?debug=1, raw, for a person to read.
	GoroutineDump string
	// Goroutines summarises GoroutineDump (SummariseGoroutines). The caller fills it once: dumps run to
	// megabytes and diagnosis runs often. When nil the rules summarise GoroutineDump themselves.
	Goroutines *GoroutineSummary
	// MetricSeries counts the series per metric name of the kubelet's /metrics (CountSeries).
	MetricSeries map[string]int
	// Log holds recent kubelet log lines (the node's journal).
	Log []string
}

// defaultLeaseDuration is the kubelet's default nodeLeaseDurationSeconds.
const defaultLeaseDuration = 40 * time.Second

// LastHeartbeat is the kubelet's last sign of life: the Lease's renewTime when there is one, else the
// Ready condition's lastHeartbeatTime; and how long a renewal is valid.
func LastHeartbeat(lease *coordinationv1.Lease, readyHeartbeat time.Time) (last time.Time, fromLease bool, valid time.Duration) {
	valid = defaultLeaseDuration
	if lease != nil && lease.Spec.LeaseDurationSeconds != nil && *lease.Spec.LeaseDurationSeconds > 0 {
		valid = time.Duration(*lease.Spec.LeaseDurationSeconds) * time.Second
	}
	if lease != nil && lease.Spec.RenewTime != nil {
		return lease.Spec.RenewTime.Time, true, valid
	}
	return readyHeartbeat, false, valid
}

// HeartbeatStale reports whether a heartbeat is older than allowed at now. When only the Ready
// condition's heartbeat is known the kubelet refreshes it far less often (every 5 minutes when leases
// are in use), so a longer grace applies.
func HeartbeatStale(last time.Time, fromLease bool, valid time.Duration, now time.Time) bool {
	if last.IsZero() {
		return false
	}
	limit := valid
	if !fromLease {
		limit = 5*time.Minute + valid
	}
	return now.Sub(last) > limit
}

// heartbeat returns ev.Heartbeat, working it out when the caller left it empty.
func (ev *Evidence) heartbeat() Heartbeat {
	if !ev.Heartbeat.Last.IsZero() {
		return ev.Heartbeat
	}
	var readyBeat time.Time
	if c := ev.condition(corev1.NodeReady); c != nil {
		readyBeat = c.LastHeartbeatTime.Time
	}
	last, fromLease, valid := LastHeartbeat(ev.Lease, readyBeat)
	return Heartbeat{Last: last, FromLease: fromLease, Duration: valid, Stale: HeartbeatStale(last, fromLease, valid, ev.Now)}
}

// condition returns the node's condition of that type, or nil.
func (ev *Evidence) condition(t corev1.NodeConditionType) *corev1.NodeCondition {
	if ev.Node == nil {
		return nil
	}
	for i := range ev.Node.Status.Conditions {
		if ev.Node.Status.Conditions[i].Type == t {
			return &ev.Node.Status.Conditions[i]
		}
	}
	return nil
}

// conditionTrue reports whether the condition exists and is True.
func (ev *Evidence) conditionTrue(t corev1.NodeConditionType) bool {
	c := ev.condition(t)
	return c != nil && c.Status == corev1.ConditionTrue
}

// readyStatus is the Ready condition's status, Unknown when it is missing.
func (ev *Evidence) readyStatus() corev1.ConditionStatus {
	if c := ev.condition(corev1.NodeReady); c != nil {
		return c.Status
	}
	return corev1.ConditionUnknown
}

// readyMessage is the Ready condition's message.
func (ev *Evidence) readyMessage() string {
	if c := ev.condition(corev1.NodeReady); c != nil {
		return c.Message
	}
	return ""
}

// nodeName is the node's name, "" without a node.
func (ev *Evidence) nodeName() string {
	if ev.Node == nil {
		return ""
	}
	return ev.Node.Name
}

// activePods are the pods that have not finished (they hold resources and, unless host-network, an IP).
func (ev *Evidence) activePods() []*corev1.Pod {
	var out []*corev1.Pod
	for _, p := range ev.Pods {
		if p.Status.Phase != corev1.PodSucceeded && p.Status.Phase != corev1.PodFailed {
			out = append(out, p)
		}
	}
	return out
}

// podKey names a pod as namespace/name.
func podKey(p *corev1.Pod) string { return p.Namespace + "/" + p.Name }
