package tui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/ktriage/ktriage/actions"
	"github.com/ktriage/ktriage/cluster"
	"github.com/ktriage/ktriage/cluster/demo"
	"github.com/ktriage/ktriage/themes"
)

// maintenanceModel is the demo list, filtered to node, with a runner, after the preflight.
func maintenanceModel(t *testing.T, kube kubernetes.Interface, node string) Model {
	t.Helper()
	m, _ := maintenanceModelAudited(t, kube, node)
	return m
}

// maintenanceModelAudited is maintenanceModel, also returning the audit log's path.
func maintenanceModelAudited(t *testing.T, kube kubernetes.Interface, node string) (Model, string) {
	t.Helper()
	audit := filepath.Join(t.TempDir(), "audit.jsonl")
	runner := actions.New(actions.Config{Client: kube, Info: demoInfo, EvictionRetryDelay: 50 * time.Millisecond,
		Audit: actions.NewAuditLog(audit)})
	m := New(Options{Styles: themes.Mono(), Info: demoInfo, NoTick: true, Actions: runner, ActionContext: context.Background()})
	m = send(m, tea.WindowSizeMsg{Width: 120, Height: 30})
	m = send(m, SnapshotMsg{Snapshot: snapshotOf(t, kube)})
	m = send(m, permissionsMsg{perms: runner.Preflight(context.Background())})
	m.list.Select(node)
	return m, audit
}

// drive runs a key and every command that follows it to the end (a whole drain, on the demo).
func drive(t *testing.T, m Model, msg tea.Msg) Model {
	t.Helper()
	next, cmd := m.Update(msg)
	m = next.(Model)
	for i := 0; cmd != nil; i++ {
		if i > 200 {
			t.Fatal("the commands never settled")
		}
		out := runCmdWait(cmd)
		if out == nil {
			break
		}
		next, cmd = m.Update(out)
		m = next.(Model)
	}
	return m
}

// runCmdWait runs a command to its message, waiting as long as it takes (a preview on a loaded
// machine is slow), but not for ticks and blinks, which never come with NoTick and an unfocused
// input.
func runCmdWait(cmd tea.Cmd) tea.Msg {
	msg := cmd()
	if batch, ok := msg.(tea.BatchMsg); ok {
		for _, c := range batch {
			if c == nil {
				continue
			}
			if out := runCmdWait(c); out != nil {
				return out
			}
		}
		return nil
	}
	return msg
}

func reboot(t *testing.T, kube kubernetes.Interface, name string) {
	t.Helper()
	n, err := kube.CoreV1().Nodes().Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n.Status.NodeInfo.BootID = "rebooted-" + n.Status.NodeInfo.BootID
	if _, err := kube.CoreV1().Nodes().UpdateStatus(context.Background(), n, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}

func TestMaintenanceFlowWaitsForANewBootIDThenUncordons(t *testing.T) {
	kube := demo.New(time.Now()).Interface()
	m := maintenanceModel(t, kube, "worker-03")
	m = drive(t, m, keyMsg("m"))
	m = drive(t, m, keyMsg("j"))
	m = drive(t, m, keyMsg("space")) // delete emptyDir data
	m = drive(t, m, keyMsg("j"))
	m = drive(t, m, keyMsg("space")) // force
	m = drive(t, m, keyMsg("enter"))
	m = typeText(m, "worker-03")
	m = drive(t, m, keyMsg("enter"))
	m = send(m, SnapshotMsg{Snapshot: snapshotOf(t, kube)})
	if s := screenText(m); !strings.Contains(s, "step 3 of 4: reboot or repair") || !strings.Contains(s, "waiting for Ready with a new boot ID") {
		t.Fatalf("after the drain the flow does not wait for a reboot:\n%s", s)
	}
	m = drive(t, m, keyMsg("enter")) // not rebooted yet: enter does nothing
	if !strings.Contains(screenText(m), "waiting for Ready") {
		t.Fatal("enter uncordoned a node that has not rebooted")
	}

	// ktriage restarts here: a new model finds the flow on the node.
	m = maintenanceModel(t, kube, "worker-03")
	if s := screenText(m); !strings.Contains(s, "maintenance: drained, waiting for") {
		t.Fatalf("the list does not show where the node is in the flow:\n%s", s)
	}
	reboot(t, kube, "worker-03")
	m = send(m, SnapshotMsg{Snapshot: snapshotOf(t, kube)})
	m = drive(t, m, keyMsg("m"))
	if s := screenText(m); !strings.Contains(s, "resumed:") || !strings.Contains(s, "the node is back: Ready with a new boot ID") {
		t.Fatalf("m does not resume at the reboot step:\n%s", s)
	}
	m = drive(t, m, keyMsg("enter"))
	if s := screenText(m); !strings.Contains(s, "maintenance of worker-03 is done: uncordoned") {
		t.Fatalf("the flow did not finish:\n%s", s)
	}
	n, err := kube.CoreV1().Nodes().Get(context.Background(), "worker-03", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, inFlow := cluster.ParseMaintenance(n); n.Spec.Unschedulable || inFlow {
		t.Errorf("after the flow: unschedulable %v, still in maintenance %v", n.Spec.Unschedulable, inFlow)
	}
}

func TestSkippingTheRebootAsksFirst(t *testing.T) {
	kube := demo.New(time.Now()).Interface()
	m, audit := maintenanceModelAudited(t, kube, "worker-02")
	m = drive(t, m, keyMsg("m"))
	m = drive(t, m, keyMsg("j"))
	m = drive(t, m, keyMsg("space"))
	m = drive(t, m, keyMsg("j"))
	m = drive(t, m, keyMsg("space"))
	m = drive(t, m, keyMsg("enter"))
	m = typeText(m, "worker-02")
	m = drive(t, m, keyMsg("enter"))
	m = drive(t, m, keyMsg("s"))
	if s := screenText(m); !strings.Contains(s, "without waiting for it to come back") {
		t.Fatalf("s does not ask before uncordoning:\n%s", s)
	}
	m = drive(t, m, keyMsg("n"))
	if !strings.Contains(screenText(m), "waiting for Ready") {
		t.Fatal("n does not go back to waiting")
	}
	m = drive(t, m, keyMsg("s"))
	m = drive(t, m, keyMsg("y"))
	n, _ := kube.CoreV1().Nodes().Get(context.Background(), "worker-02", metav1.GetOptions{})
	if n.Spec.Unschedulable {
		t.Error("y did not uncordon the node")
	}
	if log, err := os.ReadFile(audit); err != nil || !strings.Contains(string(log), `"skippedReboot":true`) {
		t.Errorf("the audit log does not record the skipped reboot (%v):\n%s", err, log)
	}
}
