package cluster

import (
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/ktriage/ktriage/diag"
)

// Snapshot is an immutable view of the cluster at one moment: one NodeView per node, sorted by name,
// plus the connection state. The views and the diagnosis rules read it; nothing ever mutates it after it
// is published, so it can be handed to the UI goroutine without locks. Consecutive snapshots share the
// NodeViews of nodes that did not change.
type Snapshot struct {
	// Generation increases by one with every published snapshot.
	Generation uint64
	// TakenAt is when the snapshot was built; ages and heartbeat staleness are measured against it.
	TakenAt time.Time
	// Nodes holds one view per node, sorted by name.
	Nodes []*NodeView
	// Unscheduled are the pods that have no node yet (Pending, waiting for the scheduler).
	Unscheduled []*corev1.Pod
	// Conn is the health of the connection to the API server when the snapshot was built.
	Conn ConnState
	// Synced is true once every informer has finished its initial list.
	Synced bool
	// LeasesUnavailable explains why node Leases cannot be read (for example RBAC), or is empty.
	// Heartbeat ages then come from the Ready condition's lastHeartbeatTime instead.
	LeasesUnavailable string
	// ServerVersion is the API server's version, "" until known.
	ServerVersion string

	byName map[string]*NodeView
}

// Facts are what a wizard reads about the node: its evidence as judged for this snapshot and its
// findings; nil when the node does not exist.
func (s *Snapshot) Facts(name string) *diag.Facts {
	v := s.Node(name)
	if v == nil {
		return nil
	}
	facts := diag.ClusterFacts{ServerVersion: s.ServerVersion, Pending: s.Unscheduled}
	return &diag.Facts{Findings: v.Findings, Evidence: v.evidence(v.Pods(), s.TakenAt, facts)}
}

// Node returns the view of the named node, or nil when the node does not exist (any more).
func (s *Snapshot) Node(name string) *NodeView {
	if s == nil {
		return nil
	}
	return s.byName[name]
}

// Counts returns how many nodes are in each readiness state, and how many are cordoned.
func (s *Snapshot) Counts() StatusCounts {
	var c StatusCounts
	if s == nil {
		return c
	}
	for _, n := range s.Nodes {
		c.Total++
		switch n.Summary.Ready {
		case ReadyTrue:
			c.Ready++
		case ReadyFalse:
			c.NotReady++
		default:
			c.Unknown++
		}
		if n.Summary.Unschedulable {
			c.Cordoned++
		}
	}
	return c
}

// StatusCounts counts nodes by readiness for the header.
type StatusCounts struct {
	Total, Ready, NotReady, Unknown, Cordoned int
}

// NodeView is everything ktriage knows about one node: the stripped API objects (the evidence the
// diagnosis rules read) and the summaries derived from them (what the views show). All of it is
// read-only; the objects are shared with the informer caches.
type NodeView struct {
	Node  *corev1.Node
	Lease *coordinationv1.Lease
	// stored are the pods bound to the node, terminated ones included, sorted by namespace and name,
	// as the cache keeps them; Pods decodes them.
	stored []*storedPod
	// Events are the node's events and its pods' events, newest first.
	Events []*corev1.Event

	// Findings are the diagnosis rules' findings, worst first.
	Findings []diag.Finding
	// BootChange is set once the node's boot ID changed while ktriage watched it.
	BootChange *diag.BootChange
	// Kubelet is what a person fetched from the node's kubelet (SetKubeletFacts), or nil.
	Kubelet *diag.KubeletFacts

	Summary    NodeSummary
	PodRows    []PodRow
	EventRows  []EventRow
	Allocation Allocation
}
