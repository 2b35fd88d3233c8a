package views

import (
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/ktriage/ktriage/cluster"
	"github.com/ktriage/ktriage/themes"
)

// At 5,000 nodes ten snapshots a second reach the list; a snapshot shares the views of unchanged
// nodes with the one before, and those rows must not be formatted again (only their ages redone).
func TestNodeListReformatsOnlyTheNodesThatChanged(t *testing.T) {
	now := time.Now()
	s1 := syntheticSnapshot(3, now)
	m := NewNodeList(themes.Dark())
	m.SetSize(160, 20)
	m.SetSnapshot(s1, now)
	podsCell := func(v *cluster.NodeView) *byte { return unsafe.StringData(m.rows[v].row.Cells[colPods]) }
	before := podsCell(s1.Nodes[0])

	changed := *s1.Nodes[1]
	changed.Summary.Status, changed.Summary.Ready = "NotReady", cluster.ReadyFalse
	s2 := &cluster.Snapshot{Synced: true, TakenAt: now.Add(time.Second), Nodes: slices.Clone(s1.Nodes)}
	s2.Nodes[1] = &changed
	m.SetSnapshot(s2, now.Add(time.Second))

	if podsCell(s1.Nodes[0]) != before {
		t.Error("the row of a node whose view did not change was formatted again")
	}
	screen := m.View()
	if !strings.Contains(screen, "NotReady") {
		t.Errorf("the changed node's new status is not shown:\n%s", screen)
	}
	if strings.Contains(screen, " 3s") || !strings.Contains(screen, " 4s") {
		t.Errorf("heartbeats are not a second older on the shared rows:\n%s", screen)
	}
}
