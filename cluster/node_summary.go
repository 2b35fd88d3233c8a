package cluster

import (
	"slices"
	"sort"
	"strings"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/ktriage/ktriage/diag"
)

// ReadyState is the node's Ready condition, the headline of its status.
type ReadyState string

const (
	ReadyTrue    ReadyState = "Ready"
	ReadyFalse   ReadyState = "NotReady"
	ReadyUnknown ReadyState = "Unknown"
)

// NodeSummary is the part of a node the node list and the overview tab show, derived once per change.
type NodeSummary struct {
	Name          string
	Ready         ReadyState
	Unschedulable bool
	// Status is what kubectl prints: "Ready", "NotReady", "Unknown", with ",SchedulingDisabled" when cordoned.
	Status  string
	Roles   []string
	Created time.Time

	KubeletVersion   string
	KernelVersion    string
	OSImage          string
	ContainerRuntime string
	Architecture     string
	BootID           string
	InternalIP       string
	PodCIDRs         []string

	Conditions []Condition
	Taints     []corev1.Taint

	// PodCount counts the node's non-terminated pods, as the scheduler does against MaxPods.
	PodCount int
	MaxPods  int64

	// Heartbeat is the last sign of life: the Lease's renewTime, or the Ready condition's
	// lastHeartbeatTime when the Lease cannot be read. Zero when neither is known.
	Heartbeat time.Time
	// HeartbeatFromLease says whether Heartbeat came from the Lease.
	HeartbeatFromLease bool
	// LeaseDuration is how long the Lease is valid after a renewal (40 s by default).
	LeaseDuration time.Duration
	// Stale says the heartbeat was older than allowed when the summary was judged (at the snapshot
	// time, or when the connection to the API server was lost).
	Stale bool

	// Maintenance is set while the node is in ktriage's maintenance flow.
	Maintenance *Maintenance

	// Signals are the PROBLEMS column's entries, derived from the findings, worst first.
	Signals []Signal
	// Severity is the worst signal's severity.
	Severity Severity
}

// Condition is a node condition with its polarity resolved.
type Condition struct {
	Type, Status, Reason, Message string
	LastTransition, LastHeartbeat time.Time
	Polarity                      diag.Polarity
	Problem                       bool
	// Unknown is true for a condition ktriage does not recognise (a custom node-problem-detector rule).
	Unknown bool
}

// roleLabelPrefix marks node roles, as kubectl get nodes shows them.
const roleLabelPrefix = "node-role.kubernetes.io/"

// summariseNode derives the node's summary but for its signals, which come from the findings. rows
// are the node's pod rows (terminated ones included); now is the snapshot time, against which
// heartbeat staleness is judged; leaseSeen, when set, is when ktriage itself saw the Lease renewed,
// which replaces the kubelet-clock renewTime.
func summariseNode(node *corev1.Node, lease *coordinationv1.Lease, rows []PodRow, now, leaseSeen time.Time) NodeSummary {
	s := NodeSummary{
		Name:             node.Name,
		Unschedulable:    node.Spec.Unschedulable,
		Roles:            nodeRoles(node.Labels),
		Created:          node.CreationTimestamp.Time,
		KubeletVersion:   node.Status.NodeInfo.KubeletVersion,
		KernelVersion:    node.Status.NodeInfo.KernelVersion,
		OSImage:          node.Status.NodeInfo.OSImage,
		ContainerRuntime: node.Status.NodeInfo.ContainerRuntimeVersion,
		Architecture:     node.Status.NodeInfo.Architecture,
		BootID:           node.Status.NodeInfo.BootID,
		InternalIP:       nodeAddress(node, corev1.NodeInternalIP),
		PodCIDRs:         node.Spec.PodCIDRs,
		Taints:           node.Spec.Taints,
		Ready:            ReadyUnknown,
	}
	if len(s.PodCIDRs) == 0 && node.Spec.PodCIDR != "" {
		s.PodCIDRs = []string{node.Spec.PodCIDR}
	}
	var readyHeartbeat time.Time
	for _, c := range node.Status.Conditions {
		cond := Condition{
			Type: string(c.Type), Status: string(c.Status), Reason: c.Reason, Message: c.Message,
			LastTransition: c.LastTransitionTime.Time, LastHeartbeat: c.LastHeartbeatTime.Time,
			Polarity: diag.ConditionPolarity(string(c.Type)), Problem: diag.ConditionIsProblem(c),
			Unknown: !diag.IsKnownCondition(string(c.Type)),
		}
		s.Conditions = append(s.Conditions, cond)
		if c.Type == corev1.NodeReady {
			readyHeartbeat = c.LastHeartbeatTime.Time
			switch c.Status {
			case corev1.ConditionTrue:
				s.Ready = ReadyTrue
			case corev1.ConditionFalse:
				s.Ready = ReadyFalse
			}
		}
	}
	s.Status = string(s.Ready)
	if s.Unschedulable {
		s.Status += ",SchedulingDisabled"
	}
	if q, ok := node.Status.Allocatable[corev1.ResourcePods]; ok {
		s.MaxPods = q.Value()
	} else if q, ok := node.Status.Capacity[corev1.ResourcePods]; ok {
		s.MaxPods = q.Value()
	}
	for _, r := range rows {
		if !r.Terminated {
			s.PodCount++
		}
	}
	s.Heartbeat, s.HeartbeatFromLease, s.LeaseDuration = diag.LastHeartbeat(lease, readyHeartbeat)
	if s.HeartbeatFromLease && !leaseSeen.IsZero() {
		s.Heartbeat = leaseSeen
	}
	s.Stale = s.HeartbeatStale(now)
	return s
}

// setFindings derives the PROBLEMS column and the severity from the node's findings.
func (s *NodeSummary) setFindings(node *corev1.Node, rows []PodRow, findings []diag.Finding) {
	s.Signals = nodeSignals(s, node, rows, findings)
	s.Severity = SeverityNone
	if len(s.Signals) > 0 {
		s.Severity = s.Signals[0].Severity
	}
}

// heartbeatFacts hands the judged heartbeat to the rules.
func (s NodeSummary) heartbeatFacts() diag.Heartbeat {
	return diag.Heartbeat{Last: s.Heartbeat, FromLease: s.HeartbeatFromLease, Duration: s.LeaseDuration, Stale: s.Stale}
}

// nodeRoles returns the roles from node-role.kubernetes.io/<role> labels (and the legacy
// kubernetes.io/role label), sorted.
func nodeRoles(labels map[string]string) []string {
	var roles []string
	for k, v := range labels {
		switch {
		case strings.HasPrefix(k, roleLabelPrefix) && len(k) > len(roleLabelPrefix):
			roles = append(roles, k[len(roleLabelPrefix):])
		case k == "kubernetes.io/role" && v != "":
			roles = append(roles, v)
		}
	}
	sort.Strings(roles)
	return slices.Compact(roles)
}

func nodeAddress(node *corev1.Node, kind corev1.NodeAddressType) string {
	for _, a := range node.Status.Addresses {
		if a.Type == kind {
			return a.Address
		}
	}
	return ""
}

// HeartbeatStale reports whether the node's last heartbeat is older than its lease duration at now.
// When only the Ready condition's heartbeat is known the kubelet refreshes it far less often (every
// 5 minutes when leases are in use), so a longer grace applies.
func (s NodeSummary) HeartbeatStale(now time.Time) bool {
	return diag.HeartbeatStale(s.Heartbeat, s.HeartbeatFromLease, s.LeaseDuration, now)
}

// IsControlPlane reports whether the node carries the control-plane (or legacy master) role.
func (s NodeSummary) IsControlPlane() bool {
	return slices.Contains(s.Roles, "control-plane") || slices.Contains(s.Roles, "master")
}
