package demo

import corev1 "k8s.io/api/core/v1"

// conditionTaints are the taints the node lifecycle controller (and, for pressure, the kubelet)
// keeps on a node while a condition has the given status.
var conditionTaints = map[string]struct {
	cond   corev1.NodeConditionType
	status corev1.ConditionStatus
}{
	"node.kubernetes.io/not-ready":           {corev1.NodeReady, corev1.ConditionFalse},
	"node.kubernetes.io/unreachable":         {corev1.NodeReady, corev1.ConditionUnknown},
	"node.kubernetes.io/memory-pressure":     {corev1.NodeMemoryPressure, corev1.ConditionTrue},
	"node.kubernetes.io/disk-pressure":       {corev1.NodeDiskPressure, corev1.ConditionTrue},
	"node.kubernetes.io/pid-pressure":        {corev1.NodePIDPressure, corev1.ConditionTrue},
	"node.kubernetes.io/network-unavailable": {corev1.NodeNetworkUnavailable, corev1.ConditionTrue},
}

// syncConditionTaints removes the taints whose condition no longer holds (a rebooted node is
// Ready, so its not-ready or unreachable taints go), and reports whether it changed the node. It
// never adds one: the seeded incidents and the flapping node carry theirs already.
func syncConditionTaints(n *corev1.Node) bool {
	kept := n.Spec.Taints[:0:0]
	for _, t := range n.Spec.Taints {
		if want, ok := conditionTaints[t.Key]; ok {
			c := findCondition(n.Status.Conditions, want.cond)
			if c == nil || c.Status != want.status {
				continue
			}
		}
		kept = append(kept, t)
	}
	if len(kept) == len(n.Spec.Taints) {
		return false
	}
	n.Spec.Taints = kept
	return true
}
