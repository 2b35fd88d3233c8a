package views

import (
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/ktriage/ktriage/cluster"
	"github.com/ktriage/ktriage/themes"
)

func eventView(keys ...string) *cluster.NodeView {
	v := &cluster.NodeView{Node: &corev1.Node{}, Summary: cluster.NodeSummary{Name: "n1", Status: "Ready"}}
	for _, k := range keys {
		v.EventRows = append(v.EventRows, cluster.EventRow{Key: k, Type: "Normal", Reason: "R-" + k, Object: "node", Count: 1})
	}
	return v
}

// A new event arriving at the top must not move the selection to another event.
func TestEventsCursorStaysOnItsEventWhenNewOnesArrive(t *testing.T) {
	now := time.Now()
	d := NewNodeDetail(themes.Mono(), "n1")
	d.SetSize(100, 30)
	d.SetNode(eventView("default/b", "default/a"), now)
	d.SetTab(TabEvents)
	d, _ = d.Update(press("j")) // select a
	d.SetNode(eventView("default/c", "default/b", "default/a"), now)
	if got := d.events.Table.SelectedKey(); got != "default/a" {
		t.Errorf("selected %q after a new event arrived, want default/a", got)
	}
	if !strings.Contains(d.View(), "R-default/a") {
		t.Error("the preview does not show the selected event")
	}
}

// esc with an active filter clears the filter first; the next esc goes back.
func TestDetailEscClearsFilterBeforeGoingBack(t *testing.T) {
	d := NewNodeDetail(themes.Mono(), "n1")
	d.SetSize(100, 30)
	d.SetNode(eventView("default/a", "default/b"), time.Now())
	d.SetTab(TabEvents)
	d, _ = d.Update(press("/"))
	d, _ = d.Update(press("b"))
	d, _ = d.Update(press("enter"))
	if len(d.events.Table.Rows()) != 1 {
		t.Fatalf("filter b left %d rows, want 1", len(d.events.Table.Rows()))
	}
	d, _ = d.Update(press("esc"))
	if d.PopIntent() != nil {
		t.Error("the first esc should clear the filter, not go back")
	}
	if len(d.events.Table.Rows()) != 2 {
		t.Errorf("after esc %d rows, want the filter cleared", len(d.events.Table.Rows()))
	}
	d, _ = d.Update(press("esc"))
	if _, ok := d.PopIntent().(BackMsg); !ok {
		t.Error("the second esc did not go back")
	}
}

// A view whose node object is missing renders nothing instead of panicking.
func TestDetailWithoutNodeObjectDoesNotPanic(t *testing.T) {
	d := NewNodeDetail(themes.Mono(), "n1")
	d.SetSize(80, 24)
	d.SetNode(&cluster.NodeView{Summary: cluster.NodeSummary{Name: "n1"}}, time.Now())
	for _, k := range []string{"1", "2", "3", "4", "j", "G"} {
		d, _ = d.Update(press(k))
		_ = d.View()
	}
}
