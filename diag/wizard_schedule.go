package diag

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/klog/v2"
)

// wontScheduleWizard: pods are Pending and this node does not take them.
func wontScheduleWizard() *Wizard {
	return &Wizard{
		ID: WizardWontSchedule, Title: "Pods won't schedule", Start: "cordon",
		Purpose: "pods stay Pending: is this node cordoned, tainted, or full?",
		Steps: map[string]Step{
			"cordon": func(f *Facts) Page {
				return findingCheck(f, IDCordoned, "Is the node cordoned?", "No: the node accepts new pods", "taints")
			},
			"taints": wsTaints,
			"room": func(f *Facts) Page {
				return findingCheck(f, IDInsufficientResources, "Is there room for more pods?", "Yes: requests are below 90% of allocatable", "pending")
			},
			"pending": wsPending,
			"end":     wsEnd,
		},
	}
}

// schedulingTaints are the node's taints that keep pods away, but the cordon's own.
func schedulingTaints(n *corev1.Node) []corev1.Taint {
	var out []corev1.Taint
	for _, t := range n.Spec.Taints {
		if t.Key != corev1.TaintNodeUnschedulable && (t.Effect == corev1.TaintEffectNoSchedule || t.Effect == corev1.TaintEffectNoExecute) {
			out = append(out, t)
		}
	}
	return out
}

// tolerates reports whether the pod tolerates the taint.
func tolerates(p *corev1.Pod, t *corev1.Taint) bool {
	for _, tol := range p.Spec.Tolerations {
		if tol.ToleratesTaint(klog.Background(), t, false) {
			return true
		}
	}
	return false
}

func wsTaints(f *Facts) Page {
	ev := f.Evidence
	taints := schedulingTaints(ev.Node)
	p := Page{Title: "Do taints keep pods away?", Next: "room",
		Why: "A pod lands only on nodes whose NoSchedule taints it tolerates. Taints set by the node lifecycle controller (not-ready, unreachable, pressure) go away with the problem; hand-set ones stay until removed."}
	if len(taints) == 0 {
		p.Status, p.Result = StatusOK, "No: the node has no scheduling taints"
		return p
	}
	p.Status, p.Result = StatusProblem, fmt.Sprintf("Yes: %d taints", len(taints))
	for i := range taints {
		p.Evidence = append(p.Evidence, ev.taintEvidence(&taints[i]))
	}
	for _, pod := range ev.Cluster.Pending {
		for i := range taints {
			if !tolerates(pod, &taints[i]) {
				p.Evidence = append(p.Evidence, fmt.Sprintf("pending pod %s does not tolerate %s", podKey(pod), taints[i].ToString()))
				break
			}
		}
		if len(p.Evidence) > 8 {
			break
		}
	}
	return p
}

func wsPending(f *Facts) Page {
	var evidence []string
	for _, p := range f.Evidence.Cluster.Pending {
		if msg := unschedulableMessage(p); msg != "" {
			evidence = append(evidence, "pod "+podKey(p)+": "+quote(msg))
		}
	}
	result := fmt.Sprintf("%d pods wait for a node", len(f.Evidence.Cluster.Pending))
	return info("What does the scheduler say about the pending pods?", result, limitEvidence(evidence, 5, "pending pods"), "end")
}

func wsEnd(f *Facts) Page {
	var steps []NextStep
	for _, t := range schedulingTaints(f.Evidence.Node) {
		// The node lifecycle controller's taints go with the problem; hand-set ones stay until removed.
		if !strings.HasPrefix(t.Key, "node.kubernetes.io/") {
			steps = append(steps, NextStep{Text: "If the taint " + t.ToString() + " is no longer wanted, remove it",
				Command: "kubectl taint nodes " + f.Evidence.nodeName() + " " + t.Key + ":" + string(t.Effect) + "-"})
		}
	}
	steps = append(steps, NextStep{Text: "See which nodes could take a pending pod and why others cannot", Command: "kubectl describe pod -n <namespace> <pending-pod>"})
	return conclude(f, "Why pods do not land here", "Uncordon, remove stale taints, or make room", "", steps, nil, IDCordoned, IDInsufficientResources)
}
