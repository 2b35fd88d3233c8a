package views

import (
	"cmp"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/ktriage/ktriage/cluster"
)

// sortKey is a node's place in one ordering, worked out once per node rather than once per
// comparison (at 5,000 nodes a sort makes about 60,000 comparisons): numbers first, then text, each
// ascending in the key's natural direction.
type sortKey struct {
	nums [3]int64
	text string
}

func (a sortKey) compare(b sortKey) int {
	return cmp.Or(cmp.Compare(a.nums[0], b.nums[0]), cmp.Compare(a.nums[1], b.nums[1]), cmp.Compare(a.nums[2], b.nums[2]),
		strings.Compare(a.text, b.text))
}

// sortNodes returns the nodes ordered by key (reversed when desc), then by name.
func sortNodes(nodes []*cluster.NodeView, k SortKey, desc bool, now time.Time) []*cluster.NodeView {
	type keyed struct {
		n   *cluster.NodeView
		key sortKey
	}
	items := make([]keyed, len(nodes))
	for i, n := range nodes {
		items[i] = keyed{n, nodeSortKey(k, n, now)}
	}
	slices.SortFunc(items, func(a, b keyed) int {
		c := a.key.compare(b.key)
		if desc {
			c = -c
		}
		return cmp.Or(c, strings.Compare(a.n.Summary.Name, b.n.Summary.Name))
	})
	out := make([]*cluster.NodeView, len(items))
	for i := range items {
		out[i] = items[i].n
	}
	return out
}

// nodeSortKey places a node for one key; the natural direction puts what needs attention first
// (worst, largest or oldest; names A→Z).
func nodeSortKey(k SortKey, n *cluster.NodeView, now time.Time) sortKey {
	s := n.Summary
	switch k {
	case SortName:
		return sortKey{text: s.Name}
	case SortProblems:
		return sortKey{nums: [3]int64{-int64(s.Severity), -int64(len(s.Signals)), int64(readyRank(s.Ready))}}
	case SortStatus:
		cordonedFirst := int64(1)
		if s.Unschedulable {
			cordonedFirst = 0
		}
		return sortKey{nums: [3]int64{int64(readyRank(s.Ready)), cordonedFirst}}
	case SortRoles:
		return sortKey{text: strings.Join(s.Roles, ",")}
	case SortPods:
		return sortKey{nums: [3]int64{-int64(s.PodCount)}}
	case SortCPU:
		return sortKey{nums: [3]int64{-requestPct(n, corev1.ResourceCPU)}}
	case SortMem:
		return sortKey{nums: [3]int64{-requestPct(n, corev1.ResourceMemory)}}
	case SortVersion:
		return sortKey{text: s.KubeletVersion}
	case SortAge:
		return sortKey{nums: [3]int64{-int64(now.Sub(s.Created))}}
	case SortHeartbeat:
		return sortKey{nums: [3]int64{-int64(now.Sub(s.Heartbeat))}}
	}
	return sortKey{}
}

// readyRank puts Unknown before NotReady before Ready.
func readyRank(r cluster.ReadyState) int {
	switch r {
	case cluster.ReadyUnknown:
		return 0
	case cluster.ReadyFalse:
		return 1
	}
	return 2
}

func requestPct(n *cluster.NodeView, res corev1.ResourceName) int64 {
	r, _ := n.Allocation.Get(res)
	return r.RequestPct
}
