package demo_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ktriage/ktriage/cluster"
	"github.com/ktriage/ktriage/cluster/demo"
	"github.com/ktriage/ktriage/diag"
)

var seedTime = time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)

func demoSnapshot(t *testing.T) *cluster.Snapshot {
	t.Helper()
	now := func() time.Time { return seedTime }
	client := &cluster.Client{Kube: demo.New(seedTime).Interface(), Health: cluster.NewHealth(now)}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	snap, err := cluster.Collect(ctx, client, cluster.Options{Now: now, MinInterval: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

func ids(fs []diag.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Severity.String()+":"+f.ID)
	}
	return out
}

// Every incident node shows the finding it was built for, and no healthy node has a critical one.
func TestDemoNodesYieldTheirFindings(t *testing.T) {
	snap := demoSnapshot(t)
	for _, name := range demo.NodeNames() {
		v := snap.Node(name)
		if v == nil {
			t.Fatalf("node %s missing from the snapshot", name)
		}
		t.Logf("%-10s %s | %s", name, strings.Join(ids(v.Findings), " "), v.Summary.ProblemsText())
		want := demo.Scenario(name)
		if want == "" {
			if n := diag.AtLeast(v.Findings, diag.SeverityCritical); n > 0 && name != demo.NodeFlapping {
				t.Errorf("healthy node %s has critical findings %v", name, ids(v.Findings))
			}
			continue
		}
		found := false
		for _, f := range v.Findings {
			found = found || f.ID == want
		}
		if !found {
			t.Errorf("incident node %s: findings %v lack %s", name, ids(v.Findings), want)
		}
	}
}
