package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestBenchProbeCountsTheBusiestSecond(t *testing.T) {
	path := filepath.Join(t.TempDir(), "probe.json")
	t.Setenv(benchReportEnv, path)
	p := newBenchProbe()
	start := time.Now()
	for i := range 30 { // ten a second for three seconds, then a burst of five within 50 ms
		p.snapshotPublished(start.Add(time.Duration(i) * 100 * time.Millisecond))
	}
	for i := range 5 {
		p.snapshotPublished(start.Add(3*time.Second + time.Duration(i)*10*time.Millisecond))
	}
	p.close()
	var rec benchRecord
	data, err := os.ReadFile(path)
	if err != nil || json.Unmarshal(data, &rec) != nil {
		t.Fatalf("no record written: %v %s", err, data)
	}
	if rec.Snapshots != 35 || rec.MaxPerSecond != 14 {
		t.Errorf("snapshots %d, busiest second %d; want 35 and 14 (the last second's ten less one, plus five)", rec.Snapshots, rec.MaxPerSecond)
	}
	if newBenchProbeWithout(t) != nil {
		t.Error("a probe was made without " + benchReportEnv)
	}
}

func newBenchProbeWithout(t *testing.T) *benchProbe {
	t.Setenv(benchReportEnv, "")
	return newBenchProbe()
}
