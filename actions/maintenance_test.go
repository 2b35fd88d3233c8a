package actions_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ktriage/ktriage/actions"
	"github.com/ktriage/ktriage/cluster"
)

// The maintenance flow: start drains the node and records, on the node, that it is drained and with
// which boot ID; a reboot (new boot ID, Ready) is recognised; finishing uncordons and removes the
// record.
func TestMaintenanceFlowFromStartToFinish(t *testing.T) {
	f := newFakeCluster(t, readyNode("n1", corev1.ConditionTrue), daemonSet("kube-system", "fluentd"),
		pod("shop", "web-1", "n1", ownedBy("ReplicaSet", "web")),
		pod("kube-system", "fluentd-x", "n1", ownedBy("DaemonSet", "fluentd")))
	f.username = "alice@example.com"
	r, path := f.runner()
	ctx := t.Context()
	before := time.Now().UTC().Add(-time.Second)

	var reports int
	final, err := r.StartMaintenance(ctx, "n1", actions.DefaultDrainOptions(f.node("n1")), func(actions.DrainProgress) { reports++ })
	if err != nil || final.Phase != actions.PhaseDone {
		t.Fatalf("start maintenance: phase %q err %v summary %q", final.Phase, err, final.Summary)
	}
	if reports == 0 {
		t.Error("the drain's progress never reached the caller")
	}
	node := f.node("n1")
	if !node.Spec.Unschedulable {
		t.Error("node is not cordoned")
	}
	if f.podExists("shop", "web-1") || !f.podExists("kube-system", "fluentd-x") {
		t.Error("the drain did not evict web-1, or evicted the DaemonSet pod")
	}
	m, ok := cluster.ParseMaintenance(node)
	if !ok {
		t.Fatalf("no maintenance record on the node: %v", node.Annotations)
	}
	if m.Phase != cluster.MaintenanceDrained || m.BootID != "boot-1-n1" || m.By != "alice@example.com" ||
		m.Started.Before(before) || m.Started.After(time.Now().Add(time.Second)) {
		t.Errorf("maintenance record = %+v, want drained, boot-1-n1, by alice, started now", m)
	}
	if m.Rebooted(node) {
		t.Error("Rebooted() before any reboot")
	}
	if step := m.Step(node); step != "maintenance: drained, waiting for reboot or repair" {
		t.Errorf("Step() = %q", step)
	}

	// The node reboots: a new boot ID, Ready again.
	node.Status.NodeInfo.BootID = "boot-2-n1"
	if _, err := f.cs.CoreV1().Nodes().UpdateStatus(ctx, node, metav1UpdateOptions); err != nil {
		t.Fatal(err)
	}
	node = f.node("n1")
	if m, _ := cluster.ParseMaintenance(node); !m.Rebooted(node) || !strings.Contains(m.Step(node), "uncordon to finish") {
		t.Errorf("after a reboot Rebooted() = %v, Step() = %q", m.Rebooted(node), m.Step(node))
	}

	if res := r.FinishMaintenance(ctx, "n1", false); res.Err != nil || !res.Changed {
		t.Fatalf("finish maintenance = %+v", res)
	}
	node = f.node("n1")
	if node.Spec.Unschedulable {
		t.Error("node still cordoned after finishing")
	}
	if _, ok := cluster.ParseMaintenance(node); ok {
		t.Errorf("maintenance record still there: %v", node.Annotations)
	}

	lines := readAudit(t, path)
	var trail []string
	for _, l := range lines {
		trail = append(trail, l["action"].(string)+":"+l["result"].(string))
	}
	want := []string{"maintenance:attempt", "drain:attempt", "drain:ok", "maintenance:ok", "uncordon:attempt", "uncordon:ok"}
	if !reflect.DeepEqual(trail, want) {
		t.Errorf("audit trail = %v, want %v", trail, want)
	}
}

// A maintenance flow whose drain cannot start (kubectl's rules refuse a pod) leaves no trace on the
// node: a "draining" record would tell everyone the node is cordoned when it is not.
func TestMaintenanceWhoseDrainCannotStartRecordsNoFlow(t *testing.T) {
	f := newFakeCluster(t, readyNode("n1", corev1.ConditionTrue),
		pod("shop", "web-1", "n1", ownedBy("ReplicaSet", "web")),
		pod("shop", "debug", "n1"))
	r, path := f.runner()
	final, err := r.StartMaintenance(t.Context(), "n1", actions.DefaultDrainOptions(f.node("n1")), nil)
	if err == nil || final.Phase != actions.PhaseFailed || !strings.Contains(final.Summary, "shop/debug") {
		t.Fatalf("start maintenance: phase %q err %v summary %q, want failed naming shop/debug", final.Phase, err, final.Summary)
	}
	node := f.node("n1")
	if node.Spec.Unschedulable {
		t.Error("the node was cordoned although the drain could not start")
	}
	if m, ok := cluster.ParseMaintenance(node); ok {
		t.Errorf("the node carries maintenance %+v (%q) but is not cordoned", m, m.Step(node))
	}
	if !f.podExists("shop", "web-1") {
		t.Error("a pod was evicted")
	}
	if got := results(readAudit(t, path)); got[len(got)-1] != "failed" {
		t.Errorf("audit results = %v, want the flow's outcome failed", got)
	}
}

// A drain that did not finish leaves the node cordoned in phase draining; starting again resumes the
// flow and keeps the boot ID, start time and person of the first start.
func TestMaintenanceResumesAnUnfinishedFlow(t *testing.T) {
	f := newFakeCluster(t, readyNode("n1", corev1.ConditionTrue),
		pod("shop", "web-1", "n1", ownedBy("ReplicaSet", "web")),
		pdb("shop", "web-pdb", "web-1", 0))
	refuseEvictions(f, "web-pdb", nil, "shop/web-1")
	r, _ := f.runner()
	o := actions.DefaultDrainOptions(f.node("n1"))
	o.Timeout = 300 * time.Millisecond
	final, err := r.StartMaintenance(t.Context(), "n1", o, nil)
	if err == nil || final.Phase != actions.PhaseTimedOut {
		t.Fatalf("first start: phase %q err %v", final.Phase, err)
	}
	node := f.node("n1")
	first, ok := cluster.ParseMaintenance(node)
	if !ok || first.Phase != cluster.MaintenanceDraining || !node.Spec.Unschedulable {
		t.Fatalf("after an unfinished drain: record %+v (%v), unschedulable %v; want draining and cordoned", first, ok, node.Spec.Unschedulable)
	}
	if step := first.Step(node); step != "maintenance: cordoned, drain not finished" {
		t.Errorf("Step() = %q", step)
	}

	// Meanwhile the node rebooted by itself; the flow's boot ID must stay the first one.
	node.Status.NodeInfo.BootID = "boot-2-n1"
	if _, err := f.cs.CoreV1().Nodes().UpdateStatus(t.Context(), node, metav1UpdateOptions); err != nil {
		t.Fatal(err)
	}
	f.evict = nil
	later := actions.New(actions.Config{Client: f.cs, Info: testInfo, Audit: actions.NewAuditLog(t.TempDir() + "/a.jsonl"),
		Now: func() time.Time { return time.Now().Add(time.Hour) }})
	final, err = later.StartMaintenance(t.Context(), "n1", actions.DefaultDrainOptions(node), nil)
	if err != nil || final.Phase != actions.PhaseDone {
		t.Fatalf("resume: phase %q err %v summary %q", final.Phase, err, final.Summary)
	}
	m, _ := cluster.ParseMaintenance(f.node("n1"))
	if m.Phase != cluster.MaintenanceDrained || m.BootID != first.BootID || !m.Started.Equal(first.Started) || m.By != first.By {
		t.Errorf("resumed record = %+v, want drained with the first start's %+v", m, first)
	}
}

var metav1UpdateOptions = metav1.UpdateOptions{}
