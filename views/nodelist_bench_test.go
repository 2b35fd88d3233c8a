package views

import (
	"fmt"
	"testing"
	"time"

	"github.com/ktriage/ktriage/cluster"
	"github.com/ktriage/ktriage/themes"
)

// syntheticSnapshot is n nodes with summaries only, enough for the node list.
func syntheticSnapshot(n int, now time.Time) *cluster.Snapshot {
	s := &cluster.Snapshot{Synced: true, TakenAt: now}
	for i := range n {
		v := &cluster.NodeView{Summary: cluster.NodeSummary{
			Name: fmt.Sprintf("node-%05d", i), Ready: cluster.ReadyTrue, Status: "Ready", Roles: []string{"worker"},
			KubeletVersion: "v1.37.2", PodCount: 30, MaxPods: 110, Created: now.Add(-time.Hour), Heartbeat: now.Add(-3 * time.Second),
		}}
		if i%50 == 0 {
			v.Summary.Ready, v.Summary.Status, v.Summary.Severity = cluster.ReadyFalse, "NotReady", cluster.SeverityCritical
			v.Summary.Signals = []cluster.Signal{{Severity: cluster.SeverityCritical, Text: "NotReady: PLEG not healthy"}}
		}
		s.Nodes = append(s.Nodes, v)
	}
	return s
}

// BenchmarkNodeListRebuild5000 is what every snapshot and every clock tick costs the UI goroutine.
func BenchmarkNodeListRebuild5000(b *testing.B) {
	now := time.Now()
	snap := syntheticSnapshot(5000, now)
	m := NewNodeList(themes.Dark())
	m.SetSize(160, 45)
	b.ReportAllocs()
	for b.Loop() {
		m.SetSnapshot(snap, now)
	}
}

// BenchmarkNodeListView5000 renders one frame of the list (only visible rows).
func BenchmarkNodeListView5000(b *testing.B) {
	now := time.Now()
	m := NewNodeList(themes.Dark())
	m.SetSize(160, 45)
	m.SetSnapshot(syntheticSnapshot(5000, now), now)
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}
