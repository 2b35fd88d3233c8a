package views

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ktriage/ktriage/cluster"
	"github.com/ktriage/ktriage/themes"
)

var dialogNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func dialogNode(bootID string, ready corev1.ConditionStatus) *cluster.NodeView {
	node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "worker-01"},
		Status: corev1.NodeStatus{NodeInfo: corev1.NodeSystemInfo{BootID: bootID},
			Conditions: []corev1.NodeCondition{{Type: corev1.NodeReady, Status: ready}}}}
	return &cluster.NodeView{Node: node, Summary: cluster.NodeSummary{Name: "worker-01", Status: "Ready,SchedulingDisabled", BootID: bootID}}
}

func defaultChoices() DrainChoices {
	return DrainChoices{IgnoreDaemonSets: true, GracePeriodSeconds: -1, Timeout: 5 * time.Minute}
}

var blockedPlan = DrainPlan{Rows: []PlanRow{
	{Group: PlanBlock, Pod: "shop/catalog-7d9", Owner: "ReplicaSet/catalog-7d9", Reason: `uses emptyDir: turn on "delete emptyDir data" (its data is lost)`},
	{Group: PlanWait, Pod: "data/kafka-0", Owner: "StatefulSet/kafka", Reason: "PodDisruptionBudget kafka allows 0 disruptions now (3 of 3 pods healthy, 3 needed): the drain retries until it allows one"},
	{Group: PlanEvict, Pod: "shop/cart-8kp", Owner: "ReplicaSet/cart-8kp"},
	{Group: PlanSkip, Pod: "kube-system/kube-proxy-x2", Owner: "DaemonSet/kube-proxy", Reason: "DaemonSet pod: its controller keeps it on the node"},
}}

func typeInto(d *DrainDialog, s string) {
	for _, r := range s {
		d.Update(press(string(r)))
	}
}

func newTestDrainDialog(t *testing.T, w, h int) *DrainDialog {
	t.Helper()
	st := themes.Mono()
	d := NewDrainDialog(&st, dialogNode("boot-1", corev1.ConditionTrue), defaultChoices(), dialogNow)
	d.SetSize(w, h)
	if _, ok := d.PopIntent().(PreviewDrainMsg); !ok {
		t.Fatal("a new drain dialog does not ask for its preview")
	}
	return d
}

func render(d *DrainDialog, w, h int) string {
	st := themes.Mono()
	return ansi.Strip(RenderDialog(&st, d, w, h))
}

func TestDrainDialogBlockedPreviewDoesNotContinue(t *testing.T) {
	d := newTestDrainDialog(t, 76, 22)
	d.SetPlan(1, blockedPlan)
	d.Update(press("enter"))
	if d.Typing() {
		t.Fatal("enter went on to the confirmation although a pod blocks the drain")
	}
	out := render(d, 80, 24)
	for _, want := range []string{"1 to evict · 1 wait for a disruption budget · 1 block · 1 stay", "BLOCK", "blocked: change an option"} {
		if !strings.Contains(out, want) {
			t.Errorf("the setup lacks %q:\n%s", want, out)
		}
	}
	golden.RequireEqual(t, out)
}

func TestDrainDialogDropsStalePreviews(t *testing.T) {
	d := newTestDrainDialog(t, 76, 22)
	d.Update(press("j"))
	d.Update(press("space")) // delete emptyDir data: a second preview is asked for
	next, ok := d.PopIntent().(PreviewDrainMsg)
	if !ok || next.Seq != 2 || !next.Choices.DeleteEmptyDirData {
		t.Fatalf("toggling an option asked for %+v, want preview 2 with emptyDir deletion", next)
	}
	d.SetPlan(1, DrainPlan{}) // the answer to the first request arrives late
	d.Update(press("enter"))
	if d.Typing() {
		t.Fatal("a preview for older options let the drain go on")
	}
}

func TestDrainDialogTypedConfirmationThenProgressThenCancel(t *testing.T) {
	d := newTestDrainDialog(t, 76, 22)
	d.SetPlan(1, DrainPlan{Rows: blockedPlan.Rows[1:]})
	d.Update(press("enter"))
	if !d.Typing() {
		t.Fatal("enter did not ask for the node's name")
	}
	typeInto(d, "worker-0")
	d.Update(press("enter"))
	if d.PopIntent() != nil {
		t.Fatal("a partial name started the drain")
	}
	typeInto(d, "1")
	d.Update(press("enter"))
	start, ok := d.PopIntent().(StartDrainMsg)
	if !ok || start.Node != "worker-01" {
		t.Fatalf("the typed name did not start the drain: %+v", start)
	}
	d.SetStatus(DrainStatus{Phase: "evicting", Started: dialogNow.Add(-42 * time.Second), Total: 2, Evicted: 1,
		Waiting:   "data/kafka-0: refused by PodDisruptionBudget kafka, retry 3 — The disruption budget kafka needs 3 healthy pods and has 3 currently",
		Remaining: []ProgressRow{{Pod: "data/kafka-0", State: "refused by PodDisruptionBudget", Why: "PodDisruptionBudget kafka, 3 retries"}}})
	out := render(d, 80, 24)
	for _, want := range []string{"1 of 2 evicted", "42s elapsed", "refused by PodDisruptionBudget kafka, retry 3", "esc cancel the drain (the node stays cordoned)"} {
		if !strings.Contains(out, want) {
			t.Errorf("the progress lacks %q:\n%s", want, out)
		}
	}
	golden.RequireEqualEscape(t, []byte(out), false)
	d.Update(press("esc"))
	if _, ok := d.PopIntent().(CancelDrainMsg); !ok {
		t.Fatal("esc during the drain did not cancel it")
	}
	d.Update(press("esc"))
	if d.PopIntent() != nil {
		t.Error("a second esc cancelled twice")
	}
	d.SetEnded(DrainStatus{Phase: "cancelled", Final: true, Started: dialogNow.Add(-50 * time.Second), Ended: dialogNow,
		Total: 2, Evicted: 1, Summary: "cancelled: 1 of 2 pods evicted; the node stays cordoned; left: data/kafka-0 (PodDisruptionBudget kafka refused 4 evictions)"}, "")
	if out := render(d, 80, 24); !strings.Contains(out, "the node stays cordoned; left: data/kafka-0") || !strings.Contains(out, "enter close") {
		t.Errorf("the cancelled drain does not say what is left:\n%s", out)
	}
}

// A maintenance drain moves on to the reboot step only when the action has returned without an
// error (the flow is then recorded on the node), not on the drain's last progress report.
func TestMaintenanceDialogWaitsForTheFlowToBeRecorded(t *testing.T) {
	st := themes.Mono()
	d := NewMaintenanceDialog(&st, dialogNode("boot-1", corev1.ConditionTrue), defaultChoices(), dialogNow)
	d.SetSize(76, 22)
	d.PopIntent()
	d.SetPlan(1, DrainPlan{Rows: blockedPlan.Rows[2:]})
	d.Update(press("enter"))
	typeInto(d, "worker-01")
	d.Update(press("enter"))
	d.PopIntent()
	d.SetStatus(DrainStatus{Phase: "done", Final: true, Success: true, Total: 1, Evicted: 1, Summary: "drained: 1 pods evicted"})
	if out := render(d, 80, 24); strings.Contains(out, "reboot or repair") || !strings.Contains(out, "finishing") {
		t.Fatalf("the last progress report moved the flow on:\n%s", out)
	}
	d.SetEnded(DrainStatus{Phase: "done", Success: true, Total: 1, Evicted: 1, Summary: "drained: 1 pods evicted"}, "maintenance worker-01: the node is drained but the flow could not be recorded")
	out := render(d, 80, 24)
	if strings.Contains(out, "reboot or repair") || !strings.Contains(out, "could not be recorded") || !strings.Contains(out, "enter close") {
		t.Fatalf("a flow that could not be recorded went on to the reboot step:\n%s", out)
	}
}

// A drain the root refuses to start (another drain runs) ends the dialog with why; it never waits.
func TestRefusedDrainStartEndsTheDialog(t *testing.T) {
	d := newTestDrainDialog(t, 76, 22)
	d.SetPlan(1, DrainPlan{Rows: blockedPlan.Rows[2:]})
	d.Update(press("enter"))
	typeInto(d, "worker-01")
	d.Update(press("enter"))
	d.PopIntent()
	d.SetEnded(DrainStatus{Phase: "not started", Summary: "nothing was changed: a drain of worker-02 is running"}, "")
	if out := render(d, 80, 24); !strings.Contains(out, "nothing was changed: a drain of worker-02 is running") {
		t.Fatalf("the refusal is not shown:\n%s", out)
	}
	d.Update(press("enter"))
	if _, ok := d.PopIntent().(CloseDialogMsg); !ok {
		t.Error("enter does not close the ended dialog")
	}
}
