package e2e

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ktriage/ktriage/cluster"
	"github.com/ktriage/ktriage/hack/testenv"
	"github.com/ktriage/ktriage/themes"
	"github.com/ktriage/ktriage/tui"
	"github.com/ktriage/ktriage/views"
)

// uiDriver feeds a root model the way tea.Program would: every message through Update, in one
// goroutine, rendering after each so a view that panics on real data fails the test.
type uiDriver struct {
	t *testing.T
	m tui.Model
}

func (d *uiDriver) send(msg tea.Msg) {
	d.t.Helper()
	next, _ := d.m.Update(msg)
	m, ok := next.(tui.Model)
	if !ok {
		d.t.Fatalf("Update returned %T, want tui.Model", next)
	}
	d.m = m
	_ = d.screen()
}

// screen is the rendered screen as plain text.
func (d *uiDriver) screen() string { return ansi.Strip(d.m.View().Content) }

// Node deleted while viewed: someone deletes the node a person has open in the detail view; ktriage
// takes them back to the node list and says in the footer that the node was deleted, instead of
// showing a stale node or an empty screen.
func TestDeletingTheViewedNodeReturnsToTheListWithAFlash(t *testing.T) {
	env := testenv.Shared(t)
	ctx := testContext(t, 2*time.Minute)
	node, ns := kwokNodeAndNamespace(ctx, t, env, "tui-deleted")
	if err := env.CreatePods(ctx, testenv.PodSpec{Namespace: ns, Name: "web", Node: node, CPU: "250m", Memory: "256Mi"}); err != nil {
		t.Fatal(err)
	}
	if err := env.WaitForPodsRunning(ctx, ns, "app=web", 1); err != nil {
		t.Fatal(err)
	}

	w := startWatch(t, env.AdminConfig, "admin")
	d := &uiDriver{t: t, m: tui.New(tui.Options{Styles: themes.Mono(), Info: w.client.Info, NoTick: true})}
	d.send(tea.WindowSizeMsg{Width: 160, Height: 48})
	feed := func(timeout time.Duration, what string, done func() bool) {
		t.Helper()
		w.await(t, timeout, what, func(s *cluster.Snapshot) bool {
			d.send(tui.SnapshotMsg{Snapshot: s})
			return done()
		})
	}
	feed(time.Minute, "node "+node+" with its running pod in the list", func() bool {
		v := d.m.Snapshot().Node(node)
		return v != nil && v.Summary.PodCount == 1
	})
	if !strings.Contains(d.screen(), node) {
		t.Fatalf("the node list does not show %s:\n%s", node, d.screen())
	}

	d.send(views.OpenNodeMsg{Name: node})
	if got := d.m.Screen(); got != "detail:"+node {
		t.Fatalf("after opening %s the screen is %q, want detail:%s (flash %q)", node, got, node, d.m.FlashText())
	}
	if !strings.Contains(d.screen(), node) {
		t.Errorf("the detail view does not name %s:\n%s", node, d.screen())
	}

	if err := env.Client.CoreV1().Nodes().Delete(ctx, node, metav1.DeleteOptions{}); err != nil {
		t.Fatalf("delete node %s: %v", node, err)
	}
	deleted := time.Now()
	feed(10*time.Second, "back on the node list with a flash saying "+node+" was deleted", func() bool {
		return d.m.Screen() == "list"
	})
	t.Logf("node deleted → back on the list: %s", time.Since(deleted).Round(time.Millisecond))
	if flash := d.m.FlashText(); !strings.Contains(flash, node) || !strings.Contains(flash, "deleted") {
		t.Errorf("flash is %q, want it to say node %s was deleted", flash, node)
	}
	screen := d.screen()
	if !strings.Contains(screen, "deleted") {
		t.Errorf("the screen does not show the deletion:\n%s", screen)
	}
	if d.m.Snapshot().Node(node) != nil {
		t.Errorf("the snapshot on screen still has node %s", node)
	}

	// Moving around the list afterwards works (the selection may have pointed at the deleted node).
	d.send(tea.KeyPressMsg{Code: 'j', Text: "j"})
	d.send(tea.KeyPressMsg{Code: 'k', Text: "k"})
	if got := d.m.Screen(); got != "list" {
		t.Errorf("after j/k the screen is %q, want list", got)
	}
}
