package actions_test

import (
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/ktriage/ktriage/cluster"
)

func TestCordonAndUncordonChangeOnlyWhatDiffers(t *testing.T) {
	cordoned := readyNode("cordoned", corev1.ConditionTrue)
	cordoned.Spec.Unschedulable = true
	f := newFakeCluster(t, readyNode("fresh", corev1.ConditionTrue), cordoned)
	r, path := f.runner()
	ctx := t.Context()

	got := r.Cordon(ctx, []string{"fresh", "cordoned"}, true)
	if len(got) != 2 {
		t.Fatalf("Cordon returned %d results for 2 nodes", len(got))
	}
	if g := got[0]; g.Node != "fresh" || g.Err != nil || !g.Changed || g.Message != "cordoned" {
		t.Errorf("cordon fresh = %+v, want changed, \"cordoned\"", g)
	}
	if g := got[1]; g.Node != "cordoned" || g.Err != nil || g.Changed || g.Message != "already cordoned" {
		t.Errorf("cordon of a cordoned node = %+v, want unchanged, \"already cordoned\"", g)
	}
	if !f.node("fresh").Spec.Unschedulable {
		t.Error("node fresh is schedulable after cordon")
	}
	if got, want := f.mutations(), []string{"patch nodes"}; !reflect.DeepEqual(got, want) {
		t.Errorf("requests = %v, want one patch (none for the node already cordoned)", got)
	}

	got = r.Cordon(ctx, []string{"fresh", "fresh"}, false)
	if g := got[0]; g.Err != nil || !g.Changed || g.Message != "uncordoned" {
		t.Errorf("uncordon = %+v, want changed, \"uncordoned\"", g)
	}
	if g := got[1]; g.Err != nil || g.Changed || g.Message != "already uncordoned" {
		t.Errorf("second uncordon = %+v, want unchanged, \"already uncordoned\"", g)
	}
	if f.node("fresh").Spec.Unschedulable {
		t.Error("node fresh is still cordoned after uncordon")
	}
	want := []string{"attempt", "ok", "attempt", "no-change", "attempt", "ok", "attempt", "no-change"}
	lines := readAudit(t, path)
	if got := results(lines); !reflect.DeepEqual(got, want) {
		t.Errorf("audit results = %v, want %v", got, want)
	}
	if len(lines) == len(want) && (lines[4]["action"] != "uncordon" || lines[3]["node"] != "cordoned") {
		t.Errorf("audit lines name the wrong action or node: %v", lines)
	}
}

// Uncordoning ends a maintenance flow: the record goes with the cordon, and other annotations stay.
func TestUncordonClearsTheMaintenanceRecord(t *testing.T) {
	n := readyNode("n1", corev1.ConditionTrue)
	n.Spec.Unschedulable = true
	n.Annotations = map[string]string{
		cluster.MaintenanceAnnotation: `{"phase":"drained","bootID":"boot-1-n1","started":"2026-01-01T00:00:00Z","by":"alice"}`,
		"team.example.com/owner":      "storage",
	}
	f := newFakeCluster(t, n)
	r, _ := f.runner()
	if res := r.FinishMaintenance(t.Context(), "n1", false); res.Err != nil || !res.Changed || res.Message != "uncordoned (maintenance flow ended)" {
		t.Fatalf("FinishMaintenance = %+v, want changed, \"uncordoned (maintenance flow ended)\"", res)
	}
	got := f.node("n1")
	if got.Spec.Unschedulable {
		t.Error("node is still cordoned")
	}
	if _, ok := got.Annotations[cluster.MaintenanceAnnotation]; ok {
		t.Errorf("maintenance record is still on the node: %v", got.Annotations)
	}
	if got.Annotations["team.example.com/owner"] != "storage" {
		t.Errorf("uncordon removed an unrelated annotation: %v", got.Annotations)
	}
	if _, in := cluster.ParseMaintenance(got); in {
		t.Error("ParseMaintenance still finds a flow")
	}
}

// A node someone already uncordoned by hand still ends its flow: the record goes, and the result
// says so rather than "already uncordoned".
func TestFinishMaintenanceOnAnUncordonedNodeReportsTheRecordRemoved(t *testing.T) {
	n := readyNode("n1", corev1.ConditionTrue)
	n.Annotations = map[string]string{cluster.MaintenanceAnnotation: `{"phase":"drained","bootID":"b","started":"2026-01-01T00:00:00Z"}`}
	f := newFakeCluster(t, n)
	r, _ := f.runner()
	if res := r.FinishMaintenance(t.Context(), "n1", false); res.Err != nil || !res.Changed || res.Message != "uncordoned (maintenance flow ended)" {
		t.Fatalf("FinishMaintenance = %+v, want the ended flow reported as a change", res)
	}
	if _, ok := f.node("n1").Annotations[cluster.MaintenanceAnnotation]; ok {
		t.Error("the maintenance record is still on the node")
	}
}
