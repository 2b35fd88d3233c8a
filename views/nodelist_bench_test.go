package views

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/ktriage/ktriage/bench/fixtures"
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

// fixtureSnapshot is a real synced snapshot of fixtures.Nodes nodes (with their Leases, a fiftieth of
// them NotReady), built by the cluster package from a fake clientset, so summaries, problems and the
// preview are what a person would see. Pods are left out: the list shows only their count and the
// allocation columns, and 150,000 of them through a fake clientset would dwarf the measurement.
var fixtureSnapshot = sync.OnceValues(func() (*cluster.Snapshot, error) {
	now := time.Now()
	c := fixtures.NewCluster(fixtures.Nodes, 0, now)
	objs := make([]runtime.Object, 0, len(c.Nodes)+len(c.Leases))
	for _, n := range c.Nodes {
		objs = append(objs, n)
	}
	for _, l := range c.Leases {
		objs = append(objs, l)
	}
	client := &cluster.Client{Kube: fake.NewClientset(objs...), Health: cluster.NewHealth(nil)}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	return cluster.Collect(ctx, client, cluster.Options{ServerVersion: "v1.35.0"})
})

// benchNodeList is a 160×45 node list showing the fixture snapshot.
func benchNodeList(b *testing.B) NodeList {
	b.Helper()
	snap, err := fixtureSnapshot()
	if err != nil {
		b.Fatal(err)
	}
	if len(snap.Nodes) != fixtures.Nodes {
		b.Fatalf("snapshot has %d nodes, want %d", len(snap.Nodes), fixtures.Nodes)
	}
	m := NewNodeList(themes.Dark())
	m.SetSize(160, 45)
	m.SetSnapshot(snap, snap.TakenAt)
	return m
}

// BenchmarkNodeListViewFiltered is one keystroke in the filter at 5,000 nodes and the frame that
// follows: the query alternates between "node-01" and "node-012" (a letter typed, then erased), so
// every iteration re-filters. Target (issue 7): keystroke → frame under 2 ms.
func BenchmarkNodeListViewFiltered(b *testing.B) {
	m := benchNodeList(b)
	for _, k := range []string{"/", "n", "o", "d", "e", "-", "0", "1"} {
		m, _ = m.Update(press(k))
	}
	if m.table.Query() != "node-01" || len(m.VisibleNames()) == 0 {
		b.Fatalf("filter %q shows %d nodes", m.table.Query(), len(m.VisibleNames()))
	}
	keys := []tea.KeyPressMsg{press("2"), {Code: tea.KeyBackspace}}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m, _ = m.Update(keys[i%2])
		_ = m.View()
		i++
	}
}

// BenchmarkNodeListSortChange is a sort key pressed at 5,000 nodes and the frame that follows; the
// keys cycle through CPU, name, heartbeat and problems so every press re-sorts.
func BenchmarkNodeListSortChange(b *testing.B) {
	m := benchNodeList(b)
	keys := []tea.KeyPressMsg{press("C"), press("N"), press("H"), press("P")}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m, _ = m.Update(keys[i%len(keys)])
		_ = m.View()
		i++
	}
}

// BenchmarkNodeListCursorMove is the cursor moved one row at 5,000 nodes and the frame that follows:
// 60 rows down then 60 up, so the list scrolls as well.
func BenchmarkNodeListCursorMove(b *testing.B) {
	m := benchNodeList(b)
	down, up := press("down"), tea.KeyPressMsg{Code: tea.KeyUp}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		k := down
		if i%120 >= 60 {
			k = up
		}
		m, _ = m.Update(k)
		_ = m.View()
		i++
	}
}
