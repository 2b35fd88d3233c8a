package demo

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func budget(t *testing.T, c *Cluster, ns, name string) policyv1.PodDisruptionBudgetStatus {
	t.Helper()
	pdb, err := c.cs.PolicyV1().PodDisruptionBudgets(ns).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return pdb.Status
}

// The seeded budgets carry the disruption controller's status, and it follows evictions, so what
// the status promises is what the eviction reactor does.
func TestBudgetStatusFollowsEvictions(t *testing.T) {
	c := New(seedTime)
	want := map[string]policyv1.PodDisruptionBudgetStatus{
		// three checkout pods run on worker-01..03 (worker-05's is terminating), two are needed
		"shop/checkout":       {ExpectedPods: 3, CurrentHealthy: 3, DesiredHealthy: 2, DisruptionsAllowed: 1},
		"kube-system/coredns": {ExpectedPods: 2, CurrentHealthy: 2, DesiredHealthy: 1, DisruptionsAllowed: 1},
		"data/kafka":          {ExpectedPods: 3, CurrentHealthy: 3, DesiredHealthy: 2, DisruptionsAllowed: 1},
		"payments/ledger-db":  {ExpectedPods: 2, CurrentHealthy: 2, DesiredHealthy: 1, DisruptionsAllowed: 1},
	}
	for key, w := range want {
		ns, name, _ := strings.Cut(key, "/")
		got := budget(t, c, ns, name)
		if got.ExpectedPods != w.ExpectedPods || got.CurrentHealthy != w.CurrentHealthy || got.DesiredHealthy != w.DesiredHealthy ||
			got.DisruptionsAllowed != w.DisruptionsAllowed || got.ObservedGeneration != 1 {
			t.Errorf("%s status %+v, want %+v", key, got, w)
		}
		if len(got.Conditions) != 1 || got.Conditions[0].Status != metav1.ConditionTrue || got.Conditions[0].Reason != policyv1.SufficientPodsReason {
			t.Errorf("%s conditions %+v", key, got.Conditions)
		}
	}

	var checkout []corev1.Pod
	for _, node := range []string{NodeWorker01, NodeWorker02} {
		for _, p := range podsOnNode(t, c, node) {
			if strings.HasPrefix(p.Name, "checkout-") {
				checkout = append(checkout, p)
			}
		}
	}
	if err := evict(c, checkout[0]); err != nil {
		t.Fatal(err)
	}
	got := budget(t, c, "shop", "checkout")
	if got.ExpectedPods != 2 || got.CurrentHealthy != 2 || got.DisruptionsAllowed != 0 ||
		got.Conditions[0].Status != metav1.ConditionFalse || got.Conditions[0].Reason != policyv1.InsufficientPodsReason {
		t.Errorf("checkout after one eviction: %+v", got)
	}
	err := evict(c, checkout[1])
	if err == nil || !strings.Contains(err.Error(), "disruption budget") {
		t.Fatalf("second eviction: %v", err)
	}
}
