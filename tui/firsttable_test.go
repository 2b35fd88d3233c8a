package tui

import (
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/ktriage/ktriage/cluster"
	"github.com/ktriage/ktriage/themes"
)

// make bench times the first frame that shows every node; the hook must not fire while syncing,
// nor for another screen, and must see the whole snapshot when it does.
func TestFirstTableHookFiresOnTheFirstSyncedListFrame(t *testing.T) {
	var seen []*cluster.Snapshot
	m := New(Options{Styles: themes.Mono(), Info: demoInfo, Now: fixedClock, NoTick: true, ReadOnly: true,
		FirstTable: func(s *cluster.Snapshot) { seen = append(seen, s) }})
	m = send(m, tea.WindowSizeMsg{Width: 140, Height: 44})
	m = send(m, SnapshotMsg{Snapshot: &cluster.Snapshot{}}) // still syncing
	m.View()
	if len(seen) != 0 {
		t.Fatalf("the hook fired while syncing")
	}
	snap := demoSnapshot(t)
	m = send(m, SnapshotMsg{Snapshot: snap})
	m.View()
	if len(seen) != 1 || seen[0] != snap || len(seen[0].Nodes) == 0 {
		t.Fatalf("after a synced snapshot the hook saw %d snapshots, want the synced one", len(seen))
	}
	m = send(m, keyMsg("enter")) // the node's detail: not the table
	m.View()
	if len(seen) != 1 {
		t.Errorf("the hook fired for the detail screen")
	}
}
