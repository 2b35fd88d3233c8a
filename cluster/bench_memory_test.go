package cluster

import (
	"os"
	"runtime"
	"runtime/pprof"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/ktriage/ktriage/bench/fixtures"
)

// wireCopy returns the pod as it comes off the wire: marshalled to protobuf and decoded again, so
// every string and map is its own allocation, as in a real informer (fixtures share theirs).
func wireCopy(b *testing.B, p *corev1.Pod) *corev1.Pod {
	data, err := p.Marshal()
	if err != nil {
		b.Fatal(err)
	}
	out := &corev1.Pod{}
	if err := out.Unmarshal(data); err != nil {
		b.Fatal(err)
	}
	return out
}

func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// BenchmarkSyncedHeapPerPod measures what ktriage holds per pod once synced, at 5,000 nodes and
// 150,000 pods: the informer cache's stripped pods, the indexes, and the published snapshot's views
// (rows, allocations, findings). It reports live heap bytes per pod (the "B/pod" column) and the
// time of the first full snapshot. Target (issue 7): steady RSS under 300 MB in all.
func BenchmarkSyncedHeapPerPod(b *testing.B) {
	now := time.Now()
	c := fixtures.NewCluster(fixtures.Nodes, fixtures.PodsPerNode, now)
	for b.Loop() {
		b.StopTimer()
		var bw benchWatcher
		clock := func() time.Time { return now }
		bw.Watcher = NewWatcher(&Client{Kube: fake.NewClientset(), Health: NewHealth(clock)},
			Options{Now: clock, ServerVersion: "v1.35.0"}, func(s *Snapshot) { bw.last = s })
		for _, n := range c.Nodes {
			obj, _ := TransformNode(n.DeepCopy())
			_ = bw.nodes.GetIndexer().Add(obj)
		}
		for _, l := range c.Leases {
			obj, _ := TransformLease(l.DeepCopy())
			_ = bw.leases.GetIndexer().Add(obj)
		}
		before := liveHeap()
		for _, p := range c.Pods {
			obj, _ := storePod(wireCopy(b, p))
			_ = bw.pods.GetIndexer().Add(obj)
		}
		cached := liveHeap()
		b.StartTimer()
		start := time.Now()
		bw.dirty.markAll()
		bw.publishSnapshot(true)
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "ms/first-snapshot")
		b.StopTimer()
		if bw.last == nil || len(bw.last.Nodes) != fixtures.Nodes {
			b.Fatal("no full snapshot")
		}
		synced := liveHeap()
		if path := os.Getenv("KTRIAGE_BENCH_HEAPPROFILE"); path != "" {
			if f, err := os.Create(path); err == nil {
				_ = pprof.WriteHeapProfile(f)
				f.Close()
			}
		}
		b.ReportMetric(float64(cached-before)/float64(len(c.Pods)), "cache-B/pod")
		b.ReportMetric(float64(synced-before)/float64(len(c.Pods)), "B/pod")
		b.ReportMetric(float64(synced-before)/(1<<20), "MB-synced")
		runtime.KeepAlive(bw)
		b.StartTimer()
	}
}
