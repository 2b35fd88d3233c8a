package demo

import (
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// PodDisruptionBudgets: the demo plays the disruption controller, so a budget's status (which
// ktriage's drain preview reads) always agrees with what the eviction reactor allows. Both are
// counted from the pods as they are at that moment.

// budgetStatus is the status the disruption controller writes for pdb, counted from pods (any
// namespace; those the budget does not select are ignored). The demo runs no ReplicaSet controller
// to re-create evicted pods, so the expected count is the matching pods that exist and are not on
// their way out (the real controller takes the owners' replicas for maxUnavailable): an evicted pod
// counts as replaced elsewhere. The condition's transition time is at.
func budgetStatus(pdb *policyv1.PodDisruptionBudget, pods []*corev1.Pod, at time.Time) policyv1.PodDisruptionBudgetStatus {
	st := policyv1.PodDisruptionBudgetStatus{ObservedGeneration: pdb.Generation}
	sel, err := metav1.LabelSelectorAsSelector(pdb.Spec.Selector)
	if err == nil && !sel.Empty() {
		for _, p := range pods {
			if p.Namespace != pdb.Namespace || !sel.Matches(labels.Set(p.Labels)) || p.DeletionTimestamp != nil ||
				p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed {
				continue
			}
			st.ExpectedPods++
			if p.Status.Phase == corev1.PodRunning && podReady(p) {
				st.CurrentHealthy++
			}
		}
	}
	switch {
	case pdb.Spec.MinAvailable != nil:
		need, _ := intstr.GetScaledValueFromIntOrPercent(pdb.Spec.MinAvailable, int(st.ExpectedPods), true)
		st.DesiredHealthy = int32(need)
	case pdb.Spec.MaxUnavailable != nil:
		maxUnavailable, _ := intstr.GetScaledValueFromIntOrPercent(pdb.Spec.MaxUnavailable, int(st.ExpectedPods), true)
		st.DesiredHealthy = max(st.ExpectedPods-int32(maxUnavailable), 0)
	}
	if st.ExpectedPods > 0 {
		st.DisruptionsAllowed = max(st.CurrentHealthy-st.DesiredHealthy, 0)
	}
	cond := metav1.Condition{Type: policyv1.DisruptionAllowedCondition, Status: metav1.ConditionTrue,
		Reason: policyv1.SufficientPodsReason, ObservedGeneration: pdb.Generation, LastTransitionTime: mtime(at)}
	if st.DisruptionsAllowed == 0 {
		cond.Status, cond.Reason = metav1.ConditionFalse, policyv1.InsufficientPodsReason
	}
	st.Conditions = []metav1.Condition{cond}
	return st
}

// withBudgetStatus fills in the seeded budgets' status, as the disruption controller left it.
func withBudgetStatus(pdbs []*policyv1.PodDisruptionBudget, pods []*corev1.Pod, at time.Time) {
	for _, pdb := range pdbs {
		pdb.Status = budgetStatus(pdb, pods, at)
	}
}

// syncBudgets recomputes the status of the budgets in a namespace after its pods changed. It goes
// to the store directly: it runs inside a reactor, under the fake clientset's lock, so nothing else
// writes meanwhile and the writes cannot conflict. Like the disruption controller, it is not part
// of the request that changed the pods: it has no error to report to that request's client.
func (c *Cluster) syncBudgets(ns string) {
	list, err := c.store.List(pdbResource, pdbKind, ns)
	if err != nil {
		return
	}
	pods, err := c.podsIn(ns)
	if err != nil {
		return
	}
	now := c.Now()
	for i := range list.(*policyv1.PodDisruptionBudgetList).Items {
		pdb := &list.(*policyv1.PodDisruptionBudgetList).Items[i]
		st := budgetStatus(pdb, pods, now)
		if old := pdb.Status.Conditions; len(old) == 1 && old[0].Status == st.Conditions[0].Status {
			st.Conditions[0].LastTransitionTime = old[0].LastTransitionTime
		}
		if apiequality.Semantic.DeepEqual(st, pdb.Status) {
			continue
		}
		pdb.Status = st
		_ = c.store.Update(pdbResource, pdb, ns)
	}
}

// checkDisruptionBudgets: a running, ready pod may be evicted only if every budget selecting it
// allows one more disruption now. Unready and pending pods do not count against a budget.
func (c *Cluster) checkDisruptionBudgets(pod *corev1.Pod) error {
	if pod.Status.Phase != corev1.PodRunning || !podReady(pod) {
		return nil
	}
	list, err := c.store.List(pdbResource, pdbKind, pod.Namespace)
	if err != nil {
		return err
	}
	pods, err := c.podsIn(pod.Namespace)
	if err != nil {
		return err
	}
	for i := range list.(*policyv1.PodDisruptionBudgetList).Items {
		pdb := &list.(*policyv1.PodDisruptionBudgetList).Items[i]
		sel, err := metav1.LabelSelectorAsSelector(pdb.Spec.Selector)
		if err != nil || sel.Empty() || !sel.Matches(labels.Set(pod.Labels)) {
			continue
		}
		st := budgetStatus(pdb, pods, time.Time{})
		if st.DisruptionsAllowed < 1 {
			err := apierrors.NewTooManyRequests("Cannot evict pod as it would violate the pod's disruption budget.", 0)
			err.ErrStatus.Details.Causes = append(err.ErrStatus.Details.Causes, metav1.StatusCause{
				Type:    policyv1.DisruptionBudgetCause,
				Message: fmt.Sprintf("The disruption budget %s needs %d healthy pods and has %d currently", pdb.Name, st.DesiredHealthy, st.CurrentHealthy),
			})
			return err
		}
	}
	return nil
}

// podsIn lists the stored pods of a namespace ("" for all).
func (c *Cluster) podsIn(ns string) ([]*corev1.Pod, error) {
	obj, err := c.store.List(podsResource, podKind, ns)
	if err != nil {
		return nil, err
	}
	items := obj.(*corev1.PodList).Items
	pods := make([]*corev1.Pod, len(items))
	for i := range items {
		pods[i] = &items[i]
	}
	return pods, nil
}
