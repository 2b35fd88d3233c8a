package main

import (
	"encoding/json"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"

	"github.com/ktriage/ktriage/cluster"
)

// benchReportEnv names the file `make bench` asks ktriage to report its timings to. It is not a
// flag: nobody but the benchmark needs it, and the TUI behaves exactly the same with it set.
const benchReportEnv = "KTRIAGE_BENCH_REPORT"

// benchProbe writes what the benchmark measures from inside: when the first complete node table
// was drawn, and how often snapshots reached the UI. Each record is one JSON line; the file is
// rewritten whole, so the benchmark never reads half a record.
type benchProbe struct {
	path  string
	mu    sync.Mutex
	first *benchFirstTable
	// published holds when the snapshots of the last second were published, to find the busiest
	// second; maxPerSecond and total are the running figures.
	published    []time.Time
	maxPerSecond int
	total        int
}

type benchFirstTable struct {
	Nodes int `json:"nodes"`
	Pods  int `json:"pods"`
	// AtUnixNano is when the frame was drawn, by this machine's clock.
	AtUnixNano int64 `json:"atUnixNano"`
}

type benchRecord struct {
	FirstTable *benchFirstTable `json:"firstTable,omitempty"`
	// Snapshots is how many snapshots reached the UI; MaxPerSecond is the most in any one second.
	Snapshots    int `json:"snapshots"`
	MaxPerSecond int `json:"maxPerSecond"`
}

// Profiles for performance work (docs/performance.md): a CPU profile of the whole run and a heap
// profile of what is live at the end, written when ktriage quits.
const (
	cpuProfileEnv  = "KTRIAGE_CPUPROFILE"
	heapProfileEnv = "KTRIAGE_HEAPPROFILE"
)

// newBenchProbe returns nil unless the benchmark asked for a report.
func newBenchProbe() *benchProbe {
	path := os.Getenv(benchReportEnv)
	if path == "" {
		return nil
	}
	return &benchProbe{path: path}
}

// startProfiles starts what the profile variables ask for; the returned func writes them out.
func startProfiles() (stop func()) {
	var stops []func()
	if path := os.Getenv(cpuProfileEnv); path != "" {
		if f, err := os.Create(path); err == nil && pprof.StartCPUProfile(f) == nil {
			stops = append(stops, func() { pprof.StopCPUProfile(); f.Close() })
		}
	}
	if path := os.Getenv(heapProfileEnv); path != "" {
		stops = append(stops, func() {
			if f, err := os.Create(path); err == nil {
				runtime.GC() // the profile then shows what is live, not what was garbage
				_ = pprof.WriteHeapProfile(f)
				f.Close()
			}
		})
	}
	return func() {
		for _, s := range stops {
			s()
		}
	}
}

// snapshotPublished counts one snapshot handed to the UI.
func (b *benchProbe) snapshotPublished(now time.Time) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.total++
	keep := b.published[:0]
	for _, t := range b.published {
		if now.Sub(t) < time.Second {
			keep = append(keep, t)
		}
	}
	b.published = append(keep, now)
	b.maxPerSecond = max(b.maxPerSecond, len(b.published))
	if b.first != nil && b.total%10 == 0 {
		b.writeLocked()
	}
}

// firstTable records the first frame that showed every node of a synced snapshot; later calls do
// nothing.
func (b *benchProbe) firstTable(s *cluster.Snapshot) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.first != nil {
		return
	}
	pods := 0
	for _, n := range s.Nodes {
		pods += len(n.PodRows)
	}
	b.first = &benchFirstTable{Nodes: len(s.Nodes), Pods: pods, AtUnixNano: time.Now().UnixNano()}
	b.writeLocked()
}

// close writes the final figures.
func (b *benchProbe) close() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.writeLocked()
}

func (b *benchProbe) writeLocked() {
	data, err := json.Marshal(benchRecord{FirstTable: b.first, Snapshots: b.total, MaxPerSecond: b.maxPerSecond})
	if err != nil {
		return
	}
	tmp := b.path + ".tmp"
	if os.WriteFile(tmp, append(data, '\n'), 0o644) == nil {
		_ = os.Rename(tmp, b.path)
	}
}
