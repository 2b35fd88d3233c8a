package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ktriage/ktriage/cluster/demo"
	"github.com/ktriage/ktriage/themes"
)

// TestFlowNotReadyWizardOnThePLEGNode walks the flow on the demo's PLEG node: w proposes the
// NotReady wizard, the walk reaches the PLEG finding with its evidence, a question is answered, the
// conclusion offers the actions, and the report written from it carries the evidence and the path.
func TestFlowNotReadyWizardOnThePLEGNode(t *testing.T) {
	reports := t.TempDir()
	tm, _, _ := liveDemoWith(t, func(o *Options) { o.ReportDir = reports })
	filterTo(t, tm, demo.NodePLEG)

	tm.Send(keyMsg("w"))
	screenShows(t, tm, "Guided diagnosis of "+demo.NodePLEG, "Proposed: the node is not Ready", "▶ Node is NotReady / Unknown")
	tm.Send(keyMsg("enter"))
	screenShows(t, tm, "Is the kubelet still reporting?", "Yes: the kubelet's last heartbeat")
	tm.Send(keyMsg("enter"))
	screenShows(t, tm, "What does the kubelet say?", "The pod lifecycle loop (PLEG) is stuck", "PLEG is not healthy: pleg was last seen active")
	tm.Send(keyMsg("enter"))
	screenShows(t, tm, "Is the PLEG stuck?", "174 pods on the node; maxPods is 600", "kubelet v1.12.10 predates the fix")
	tm.Send(keyMsg("enter"))
	screenShows(t, tm, "Does the container runtime answer quickly?", "Run on the node:", "time crictl ps", "1. Yes, within a second or two")

	tm.Send(keyMsg("1"))
	screenShows(t, tm, "The kubelet's PLEG is stuck while the runtime answers",
		"→ Yes, within a second or two", // the path shows the answer
		"What ktriage can do now", "cordon: stop new pods landing here", "drain: move the pods elsewhere", "write the triage report")

	// Back shows the question with its answer; forward returns to the conclusion.
	tm.Send(keyMsg("left"))
	screenShows(t, tm, "Does the container runtime answer quickly?", "▶ 1. Yes, within a second or two")
	tm.Send(keyMsg("right"))
	screenShows(t, tm, "The kubelet's PLEG is stuck while the runtime answers")

	// The first choice is cordon: it opens the same confirmation the c key does.
	tm.Send(keyMsg("enter"))
	screenShows(t, tm, "Cordon 1 node(s)?", demo.NodePLEG)
	tm.Send(keyMsg("n"))

	tm.Send(keyMsg("r"))
	screenShows(t, tm, "triage report written to "+reports)
	files, _ := filepath.Glob(filepath.Join(reports, "ktriage-"+demo.NodePLEG+"-*.md"))
	if len(files) != 1 {
		t.Fatalf("report files = %v, want one", files)
	}
	body, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"# Triage report: node " + demo.NodePLEG,
		"PLEG is not healthy: pleg was last seen active", // the condition message, verbatim
		"`pleg-unhealthy`",
		"## Guided diagnosis: Node is NotReady / Unknown",
		"Answer: **Yes, within a second or two**",
		"## Recent warning events", "## Failing pods", "## Actions taken (audit log)",
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

// TestBangJumpsToTheNextCriticalNode: ! moves the cursor down the list to the next node with a
// critical finding, skipping warning-only and healthy ones.
func TestBangJumpsToTheNextCriticalNode(t *testing.T) {
	snap := demoSnapshot(t)
	m := newDemoModel(t, snap, themes.Mono(), 160, 48)
	names := m.list.VisibleNames()
	seen := map[string]bool{}
	for range names {
		m = send(m, keyMsg("!"))
		sel := m.list.Selected()
		v := snap.Node(sel)
		if v == nil || v.Summary.Severity.String() != "critical" {
			t.Fatalf("! selected %q (severity %v), want a node with a critical finding", sel, v.Summary.Severity)
		}
		seen[sel] = true
	}
	for _, n := range []string{demo.NodePLEG, demo.NodeUnreachable, demo.NodeRuntimeDown, demo.NodeCgroupLeak} {
		if !seen[n] {
			t.Errorf("! never reached %s", n)
		}
	}
	if seen[demo.NodeCordoned] || seen["worker-01"] {
		t.Error("! stopped on a node without a critical finding")
	}
}
