package tui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/ktriage/ktriage/cluster/demo"
	"github.com/ktriage/ktriage/themes"
)

// waitForText waits until the program has drawn every one of texts. The renderer only rewrites cells
// that changed and moves the cursor over runs of blanks, so the comparison ignores escape sequences and
// spaces. Each wait consumes the output it read, so texts expected on one screen go in one call.
func waitForText(t *testing.T, tm *teatest.TestModel, texts ...string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		drawn := squash(ansi.Strip(string(b)))
		for _, text := range texts {
			if !strings.Contains(drawn, squash(text)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
}

func squash(s string) string { return strings.Join(strings.Fields(s), "") }

// TestFlowFilterOpenEventsBackQuit is the triage path a person takes first: filter the list for
// "pleg", open the node, read the PLEG message, look at its events, go back, quit.
func TestFlowFilterOpenEventsBackQuit(t *testing.T) {
	snap := demoSnapshot(t)
	m := New(Options{Styles: themes.Mono(), Info: demoInfo, Now: fixedClock, NoTick: true})
	tm := teatest.NewTestModel(t, Recovering(m), teatest.WithInitialTermSize(120, 40))
	tm.Send(SnapshotMsg{Snapshot: snap})
	waitForText(t, tm, "worker-05")

	tm.Send(keyMsg("/"))
	tm.Type("pleg")
	tm.Send(keyMsg("enter")) // keep the filter
	waitForText(t, tm, "/pleg")
	tm.Send(keyMsg("enter")) // open the first match
	waitForText(t, tm, "PLEG is not healthy: pleg was last seen active 3m12s ago")

	tm.Send(keyMsg("3"))
	waitForText(t, tm, "LAST SEEN", "NodeNotReady")

	tm.Send(keyMsg("esc"))
	waitForText(t, tm, "HEARTBEAT")
	tm.Send(keyMsg("q"))
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(RecoveringModel)
	if final.Panic() != "" {
		t.Fatalf("the program panicked: %s", final.Panic())
	}
	inner := final.Inner().(Model)
	if inner.Screen() != "list" {
		t.Errorf("quit from %q, want the list", inner.Screen())
	}
	if got := inner.list.VisibleNames(); len(got) != 1 || got[0] != demo.NodePLEG {
		t.Errorf("after going back the filtered list shows %v, want only %s (enter kept the filter)", got, demo.NodePLEG)
	}
}

// TestFlowResizeToTinyAndBack shrinks the terminal to 20x5 and back: a one-line notice instead of a
// broken layout, no panic, and the full screen again afterwards.
func TestFlowResizeToTinyAndBack(t *testing.T) {
	snap := demoSnapshot(t)
	m := New(Options{Styles: themes.Dark(), Info: demoInfo, Now: fixedClock, NoTick: true})
	tm := teatest.NewTestModel(t, Recovering(m), teatest.WithInitialTermSize(80, 24))
	tm.Send(SnapshotMsg{Snapshot: snap})
	waitForText(t, tm, "worker-05")
	tm.Send(keyMsg("enter"))
	waitForText(t, tm, "Overview")

	tm.Send(tea.WindowSizeMsg{Width: 20, Height: 5})
	waitForText(t, tm, "terminal too")
	for _, k := range []string{"j", "tab", "2", "/", "x", "esc", "esc"} {
		tm.Send(keyMsg(k))
	}
	tm.Send(tea.WindowSizeMsg{Width: 80, Height: 24})
	waitForText(t, tm, "HEARTBEAT")
	tm.Send(keyMsg("ctrl+c"))
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(RecoveringModel)
	if final.Panic() != "" {
		t.Fatalf("the program panicked: %s", final.Panic())
	}
	if out := final.Inner().(Model).render(); strings.Contains(out, "too small") {
		t.Error("still showing the too-small notice at 80x24")
	}
}
