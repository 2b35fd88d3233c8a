package report

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/ktriage/ktriage/actions"
	"github.com/ktriage/ktriage/cluster"
	"github.com/ktriage/ktriage/cluster/demo"
	"github.com/ktriage/ktriage/diag"
)

var seedTime = time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)

func demoSnapshot(t *testing.T) *cluster.Snapshot {
	t.Helper()
	now := func() time.Time { return seedTime }
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	snap, err := cluster.Collect(ctx, &cluster.Client{Kube: demo.New(seedTime).Interface(), Health: cluster.NewHealth(now)},
		cluster.Options{Now: now, MinInterval: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// The JSON keeps the schema, and findings at or above a severity are counted.
func TestCheckJSONSchema(t *testing.T) {
	snap := demoSnapshot(t)
	c, err := NewCheck(snap, "demo", nil, seedTime)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := c.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Cluster     string `json:"cluster"`
		GeneratedAt string `json:"generatedAt"`
		Nodes       []struct {
			Name     string           `json:"name"`
			Status   string           `json:"status"`
			Findings []map[string]any `json:"findings"`
		} `json:"nodes"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Cluster != "demo" || doc.GeneratedAt != "2026-11-23T09:30:00Z" || len(doc.Nodes) != len(demo.NodeNames()) {
		t.Fatalf("header = %q %q with %d nodes", doc.Cluster, doc.GeneratedAt, len(doc.Nodes))
	}
	for _, n := range doc.Nodes {
		if n.Findings == nil {
			t.Errorf("node %s: findings is null, want a list", n.Name)
		}
		for _, f := range n.Findings {
			for _, k := range []string{"id", "severity", "title", "evidence", "why", "nextSteps", "actions"} {
				if _, ok := f[k]; !ok {
					t.Errorf("node %s finding %v lacks %q", n.Name, f["id"], k)
				}
			}
		}
		if n.Name == demo.NodePLEG && n.Findings[0]["id"] != diag.IDPLEGUnhealthy {
			t.Errorf("%s first finding = %v, want pleg-unhealthy first (worst first)", n.Name, n.Findings[0]["id"])
		}
	}
	if c.Count(diag.SeverityCritical) == 0 || c.Count(diag.SeverityInfo) <= c.Count(diag.SeverityCritical) {
		t.Errorf("counts: critical %d, info+ %d", c.Count(diag.SeverityCritical), c.Count(diag.SeverityInfo))
	}
	if _, err := NewCheck(snap, "demo", []string{"no-such-node"}, seedTime); err == nil {
		t.Error("an unknown node name passed as a node without findings")
	}
}

// Markdown quotes hostile cluster text without letting it format or escape the terminal.
func TestMarkdownEscapesClusterText(t *testing.T) {
	md := &markdown{}
	md.finding(diag.Finding{ID: "x", Severity: diag.SeverityWarning, Title: "*bold* | pipe \x1b[31mred",
		Evidence: []string{"```fence``` and \x1b]0;title\x07"}, Why: "w",
		NextSteps: []diag.NextStep{{Text: "t", Command: "echo `id`", OnNode: true}}}, "###")
	out := md.String()
	for _, bad := range []string{"\x1b", "\x07", "*bold*"} {
		if strings.Contains(out, bad) {
			t.Errorf("markdown contains %q:\n%s", bad, out)
		}
	}
	if !strings.Contains(out, "````text") || !strings.Contains(out, "**on the node:** `` echo `id` ``") {
		t.Errorf("fences or code spans not lengthened around backticks:\n%s", out)
	}
}

// The triage report has every section, the evidence verbatim, the wizard path and the audit entries.
func TestTriageReport(t *testing.T) {
	snap := demoSnapshot(t)
	v := snap.Node(demo.NodeRuntimeDown)
	tr := Triage{Cluster: "demo", View: v, Now: seedTime, Version: "test",
		Trail: &diag.Trail{Wizard: "Node is NotReady / Unknown", Steps: []diag.TrailStep{{Title: "Is containerd running?", Answer: "failed"}}},
		Audit: []actions.AuditEntry{{Time: seedTime, User: "alice", Action: "cordon", Node: v.Summary.Name, Result: "ok"}}}
	path, err := tr.WriteFile(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := tr.Write(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"# Triage report: node worker-05", "## Conditions", "## Findings", "`runtime-down`",
		"container runtime is down", "## Guided diagnosis: Node is NotReady / Unknown", "Answer: **failed**",
		"## Recent warning events", "FailedKillPod", "## Failing pods", "| alice | cordon |"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if !strings.HasSuffix(path, "ktriage-worker-05-20261123-093000.md") {
		t.Errorf("report path = %s", path)
	}
}
