package actions_test

import (
	"errors"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/ktriage/ktriage/actions"
	"github.com/ktriage/ktriage/cluster"
)

// With --readonly every action refuses with ErrReadOnly before it asks or changes anything, and the
// preflight offers nothing, without asking the server.
func TestReadOnlyRefusesEveryActionAndChangesNothing(t *testing.T) {
	cordoned := readyNode("cordoned", corev1.ConditionTrue)
	cordoned.Spec.Unschedulable = true
	cordoned.Annotations = map[string]string{cluster.MaintenanceAnnotation: `{"phase":"drained","bootID":"b","started":"2026-01-01T00:00:00Z"}`}
	unknown := readyNode("gone-dark", corev1.ConditionUnknown)
	f := newFakeCluster(t,
		readyNode("n1", corev1.ConditionTrue), cordoned, unknown,
		pod("shop", "web-1", "n1", ownedBy("ReplicaSet", "web")),
		pod("shop", "db-0", "gone-dark", ownedBy("StatefulSet", "db")),
	)
	r, _ := f.runner(func(c *actions.Config) { c.ReadOnly = true })
	ctx := t.Context()

	if !r.ReadOnly() {
		t.Fatal("Runner.ReadOnly() = false with Config.ReadOnly set")
	}
	check := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, actions.ErrReadOnly) {
			t.Errorf("%s in read-only mode: error %v, want ErrReadOnly", what, err)
		}
	}
	for _, res := range r.Cordon(ctx, []string{"n1"}, true) {
		check("cordon", res.Err)
		if res.Changed {
			t.Error("cordon in read-only mode says it changed the node")
		}
	}
	check("uncordon", r.Cordon(ctx, []string{"cordoned"}, false)[0].Err)
	opts := actions.DefaultDrainOptions(f.node("n1"))
	opts.Force, opts.DeleteEmptyDirData = true, true
	final, err := r.Drain(ctx, "n1", opts, nil)
	check("drain", err)
	if final.Phase != actions.PhaseFailed {
		t.Errorf("drain in read-only mode ended %q, want %q", final.Phase, actions.PhaseFailed)
	}
	_, err = r.StartMaintenance(ctx, "n1", opts, nil)
	check("start maintenance", err)
	check("finish maintenance", r.FinishMaintenance(ctx, "cordoned", false).Err)
	check("delete pod", r.DeletePod(ctx, actions.PodRef{Namespace: "shop", Name: "web-1"}, false))
	check("force delete pod", r.DeletePod(ctx, actions.PodRef{Namespace: "shop", Name: "db-0"}, true))

	if m := f.mutations(); len(m) > 0 {
		t.Errorf("read-only mode sent mutating requests: %v", m)
	}
	if n := f.node("n1"); n.Spec.Unschedulable {
		t.Error("node n1 was cordoned in read-only mode")
	}
	if n := f.node("cordoned"); !n.Spec.Unschedulable || n.Annotations[cluster.MaintenanceAnnotation] == "" {
		t.Error("node cordoned was uncordoned or lost its maintenance record in read-only mode")
	}
	if !f.podExists("shop", "web-1") || !f.podExists("shop", "db-0") {
		t.Error("a pod was deleted in read-only mode")
	}

	p := r.Preflight(ctx)
	if !p.ReadOnly {
		t.Errorf("Preflight in read-only mode = %+v, want ReadOnly", p)
	}
	for _, a := range actions.AllActions {
		if ok, why := p.Allowed(a); ok || why != "read-only mode" {
			t.Errorf("Allowed(%s) in read-only mode = %v, %q; want false, \"read-only mode\"", a, ok, why)
		}
	}
	if len(f.asked) > 0 {
		t.Errorf("read-only mode asked the server about permissions: %v", f.asked)
	}
}
