package tui

import (
	"image/color"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ktriage/ktriage/cluster/demo"
	"github.com/ktriage/ktriage/themes"
)

// On a light terminal, a person who did not pick a theme gets the light one; one who did keeps theirs.
func TestLightBackgroundSwitchesToLightThemeUnlessChosen(t *testing.T) {
	snap := demoSnapshot(t)
	light := tea.BackgroundColorMsg{Color: color.White}

	auto := New(Options{Styles: themes.Dark(), Info: demoInfo, Now: fixedClock, NoTick: true, AutoTheme: true})
	auto = send(send(send(auto, tea.WindowSizeMsg{Width: 100, Height: 30}), SnapshotMsg{Snapshot: snap}), light)
	if auto.st.Name != "light" {
		t.Errorf("theme %q after a light background report, want light", auto.st.Name)
	}
	chosen := newDemoModel(t, snap, themes.HighContrast(), 100, 30)
	chosen = send(chosen, light)
	if chosen.st.Name != "high-contrast" {
		t.Errorf("theme %q: a chosen theme must not change with the background", chosen.st.Name)
	}
}

// The header counts nodes by status and says the connection is live; the footer shows key hints.
func TestHeaderAndFooter(t *testing.T) {
	m := newDemoModel(t, demoSnapshot(t), themes.Mono(), 160, 48)
	out := m.render()
	for _, want := range []string{"ctx demo", "user demo-admin", demo.Server, "16 nodes", "12 ready", "3 not ready", "1 unknown", "1 cordoned", "live", "? help"} {
		if !strings.Contains(stripANSI(out), want) {
			t.Errorf("screen lacks %q", want)
		}
	}
}

// Sorting by name puts cp-1 first; pressing N again reverses; the cursor stays on the node it was on.
func TestSortKeysKeepTheCursorOnItsNode(t *testing.T) {
	m := newDemoModel(t, demoSnapshot(t), themes.Mono(), 160, 48)
	m = send(m, keyMsg("j")) // second row of the sick-first order
	selected := m.list.Selected()
	m = send(m, keyMsg("N"))
	if names := m.list.VisibleNames(); names[0] != "cp-1" {
		t.Errorf("sorted by name, first row is %q, want cp-1", names[0])
	}
	if m.list.Selected() != selected {
		t.Errorf("cursor moved from %q to %q when the order changed", selected, m.list.Selected())
	}
	m = send(m, keyMsg("N"))
	if names := m.list.VisibleNames(); names[0] != "worker-12" {
		t.Errorf("reversed name order starts with %q, want worker-12", names[0])
	}
}

// q inside a filter types a q; it does not quit.
func TestTypingQInFilterDoesNotQuit(t *testing.T) {
	m := newDemoModel(t, demoSnapshot(t), themes.Mono(), 100, 30)
	m = send(m, keyMsg("/"))
	next, cmd := m.Update(keyMsg("q"))
	if cmd != nil {
		if _, quit := runCmd(cmd).(tea.QuitMsg); quit {
			t.Fatal("q quit ktriage while typing a filter")
		}
	}
	if !next.(Model).list.Filtering() {
		t.Error("the filter lost focus after typing q")
	}
}

func stripANSI(s string) string { return ansi.Strip(s) }

// enter switches screens within the same Update, so a key typed right after it (enter 3) already
// reaches the detail view; esc q goes back and then quits.
func TestIntentsAreHandledBeforeTheNextKey(t *testing.T) {
	m := newDemoModel(t, demoSnapshot(t), themes.Mono(), 100, 30)
	next, _ := m.Update(keyMsg("enter"))
	m = next.(Model)
	if !strings.HasPrefix(m.Screen(), "detail:") {
		t.Fatalf("screen %q right after enter, want the node's detail", m.Screen())
	}
	next, _ = m.Update(keyMsg("3"))
	if tab := next.(Model).detail.Tab(); tab.String() != "Events" {
		t.Errorf("tab %s after enter 3, want Events", tab)
	}
	next, _ = next.(Model).Update(keyMsg("esc"))
	if s := next.(Model).Screen(); s != "list" {
		t.Errorf("screen %q right after esc, want list", s)
	}
}
