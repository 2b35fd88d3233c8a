package cluster

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/tools/cache"

	"github.com/ktriage/ktriage/bench/fixtures"
)

// benchWatcher is a Watcher whose informer caches hold a cluster of nodes × podsPerNode pods, put
// there as the informers would (each object through the real transform, then into the indexer),
// with one synced snapshot already published. The informers are never started: no API server.
type benchWatcher struct {
	*Watcher
	last *Snapshot
}

func newBenchWatcher(b *testing.B, nodes, podsPerNode int, now time.Time) *benchWatcher {
	b.Helper()
	bw := &benchWatcher{}
	clock := func() time.Time { return now }
	client := &Client{Kube: fake.NewClientset(), Health: NewHealth(clock)}
	bw.Watcher = NewWatcher(client, Options{Now: clock, ServerVersion: "v1.35.0"}, func(s *Snapshot) { bw.last = s })
	c := fixtures.NewCluster(nodes, podsPerNode, now)
	add := func(inf cache.SharedIndexInformer, transform func(any) (any, error), obj any) {
		t, err := transform(obj)
		if err != nil {
			b.Fatal(err)
		}
		if err := inf.GetIndexer().Add(t); err != nil {
			b.Fatal(err)
		}
	}
	for _, n := range c.Nodes {
		add(bw.nodes, TransformNode, n)
	}
	for _, l := range c.Leases {
		add(bw.leases, TransformLease, l)
	}
	for _, p := range c.Pods {
		add(bw.pods, storePod, p)
	}
	bw.dirty.markAll()
	bw.publishSnapshot(true)
	if bw.last == nil || !bw.last.Synced || len(bw.last.Nodes) != nodes {
		b.Fatalf("initial snapshot has %d nodes, want %d", len(bw.last.Nodes), nodes)
	}
	return bw
}

// benchUpdatePod applies a watch MODIFIED event for pod as the pod informer does: transform, replace in
// the indexer, then the handler's marking of the pod's node (for the old and the new object).
func (w *Watcher) benchUpdatePod(b *testing.B, pod *corev1.Pod) {
	obj, err := storePod(pod)
	if err != nil {
		b.Fatal(err)
	}
	old, _, _ := w.pods.GetIndexer().Get(obj)
	if err := w.pods.GetIndexer().Update(obj); err != nil {
		b.Fatal(err)
	}
	for _, o := range []any{old, obj} {
		if p, ok := o.(*storedPod); ok {
			w.dirty.mark(p.node, dirtyPods)
		}
	}
}

// BenchmarkSnapshotAfterOnePodUpdate is one pod changing (its container restarting) in a cluster of
// 5,000 nodes and 150,000 pods, up to the new *Snapshot handed to the publisher: the transform, the
// indexer update, the dirty mark, and the pump's rebuild and publish (without the coalescing wait).
// Target (issue 7): under 5 ms.
func BenchmarkSnapshotAfterOnePodUpdate(b *testing.B) {
	now := time.Now()
	w := newBenchWatcher(b, fixtures.Nodes, fixtures.PodsPerNode, now)
	const nodeIdx, podIdx = 2500, 7
	node := fixtures.NodeName(nodeIdx)
	b.ReportAllocs()
	restarts := int32(0)
	for b.Loop() {
		b.StopTimer()
		restarts++
		pod := fixtures.Pod(node, nodeIdx, podIdx, now) // a freshly decoded object, as a watch event brings
		pod.Status.ContainerStatuses[0].RestartCount = restarts
		prev := w.last
		b.StartTimer()

		w.benchUpdatePod(b, pod)
		w.publishSnapshot(true)

		if w.last == prev {
			b.Fatal("no new snapshot published")
		}
	}
	b.StopTimer()
	v := w.last.Node(node)
	if v == nil || len(w.last.Nodes) != fixtures.Nodes {
		b.Fatalf("last snapshot: %d nodes, node %s missing", len(w.last.Nodes), node)
	}
	var seen bool
	for _, p := range v.Pods() {
		if len(p.Status.ContainerStatuses) > 0 && p.Status.ContainerStatuses[0].RestartCount == restarts {
			seen = true
		}
	}
	if !seen {
		b.Fatalf("the last snapshot does not show the pod's %d restarts", restarts)
	}
}

// BenchmarkClockRebuild is the pump's periodic re-evaluation (every ClockInterval, 5 s) of what
// depends on time alone, at 5,000 nodes and 150,000 pods: its cost, divided by the interval, is
// ktriage's CPU use on an idle cluster.
func BenchmarkClockRebuild(b *testing.B) {
	now := time.Now()
	w := newBenchWatcher(b, fixtures.Nodes, fixtures.PodsPerNode, now)
	b.ReportAllocs()
	for b.Loop() {
		w.dirty.markClock()
		w.publishSnapshot(true)
	}
}
