package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/ktriage/ktriage/cluster/demo"
	"github.com/ktriage/ktriage/themes"
	"github.com/ktriage/ktriage/views"
)

// TestGoldenScreens renders the node list and every detail tab of the PLEG node over the demo
// cluster, at 80x24 and 160x48, in the dark and mono themes. Regenerate with `go test ./tui -update`
// and review the diff: these files are what a person sees.
func TestGoldenScreens(t *testing.T) {
	snap := demoSnapshot(t)
	screens := []struct {
		name string
		tab  views.DetailTab
		list bool
	}{
		{"list", 0, true},
		{"overview", views.TabOverview, false},
		{"pods", views.TabPods, false},
		{"events", views.TabEvents, false},
		{"allocations", views.TabAllocations, false},
	}
	for _, theme := range []themes.Styles{themes.Dark(), themes.Mono()} {
		for _, size := range [][2]int{{80, 24}, {160, 48}} {
			for _, sc := range screens {
				name := fmt.Sprintf("%s_%dx%d_%s", sc.name, size[0], size[1], theme.Name)
				t.Run(name, func(t *testing.T) {
					m := newDemoModel(t, snap, theme, size[0], size[1])
					if !sc.list {
						m = send(m, views.OpenNodeMsg{Name: demo.NodePLEG})
						m.detail.SetTab(sc.tab)
					}
					out := m.render()
					assertScreenSize(t, out, size[0], size[1])
					if theme.Name == "mono" && strings.Contains(out, "\x1b[38") {
						t.Error("mono theme rendered a colour escape sequence")
					}
					golden.RequireEqual(t, out)
				})
			}
		}
	}
}

// assertScreenSize checks the render fills the terminal exactly: no line wider than the screen (it
// would wrap and scroll the header away) and exactly as many lines as rows.
func assertScreenSize(t *testing.T, out string, w, h int) {
	t.Helper()
	lines := strings.Split(out, "\n")
	if len(lines) != h {
		t.Errorf("render has %d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if n := ansi.StringWidth(l); n != w {
			t.Errorf("line %d is %d cells wide, want %d: %q", i, n, w, ansi.Strip(l))
		}
	}
}
