package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ktriage/ktriage/cluster/demo"
)

// The crash-looping calico-node on the CNI node: its logs open from the Pods tab on the failing
// container, search highlights and counts matches, and p switches to the previous run.
func TestFlowCalicoNodeLogsSearchAndPrevious(t *testing.T) {
	dir := t.TempDir()
	tm, _, _ := liveDemoWith(t, func(o *Options) { o.ReportDir = dir })
	filterTo(t, tm, demo.NodeCNINotReady)
	tm.Send(keyMsg("enter"))
	tm.Send(keyMsg("2"))
	tm.Send(keyMsg("/"))
	tm.Type("calico")
	tm.Send(keyMsg("enter"))
	screenShows(t, tm, "calico-node-")
	tm.Send(keyMsg("l"))
	// A crash-looping container's current log is its last run, which ends with the failure.
	screenShows(t, tm, "kube-system/calico-node-", "› calico-node", "Calico node failed to start")

	tm.Send(keyMsg("/"))
	tm.Type("datastore")
	tm.Send(keyMsg("enter"))
	screenShows(t, tm, "Unable to access datastore", "/datastore ")

	tm.Send(keyMsg("p"))
	screenShows(t, tm, "previous", "Calico node failed to start")

	// S saves what is shown, as kubectl logs --timestamps would print it.
	tm.Send(keyMsg("S"))
	screenShows(t, tm, "saved ", dir)
	files, _ := filepath.Glob(filepath.Join(dir, "kube-system_calico-node-*previous-*.log"))
	if len(files) != 1 {
		t.Fatalf("saved files %v, want one for the previous run", files)
	}
	body, _ := os.ReadFile(files[0])
	if !strings.Contains(string(body), "Calico node failed to start") || strings.Contains(string(body), "\x1b") {
		t.Errorf("saved log lacks the crash or carries escape sequences:\n%s", body)
	}

	tm.Send(keyMsg("esc")) // clears the search
	tm.Send(keyMsg("esc"))
	screenShows(t, tm, "Pods(")
}

// L opens the kubelet's journal. The PLEG node's 1.12 kubelet has no node log query, and the node
// with the query off answers with /var/log's listing: both show the kubelet's lines from the syslog
// file instead, saying why, and never the HTML.
func TestFlowNodeJournalAndItsExplanationWhenOff(t *testing.T) {
	tm, _, _ := liveDemo(t)
	filterTo(t, tm, demo.NodePLEG)
	tm.Send(keyMsg("L"))
	screenShows(t, tm, demo.NodePLEG, "kubelet lines from /var/log/messages", "the kubelet is v1.12.10", "PLEG is not healthy")
	tm.Send(keyMsg("esc"))

	tm.Send(keyMsg("esc"))
	filterTo(t, tm, demo.NodeLogQueryOff)
	tm.Send(keyMsg("L"))
	screenShows(t, tm, "kubelet lines from /var/log/syslog — the node log query is unavailable: enableSystemLogQuery", "kubelet[")
}

const legacyDump = demo.NodePLEG + " › goroutine dump"

// D fetches the goroutine dump; the Kubelet tab summarises it, and the PLEG finding now says the
// relist loop is blocked on its event channel (seed 001's root cause).
func TestFlowKubeletGoroutinesReachTheFinding(t *testing.T) {
	tm, _, _ := liveDemo(t)
	filterTo(t, tm, demo.NodePLEG)
	tm.Send(keyMsg("D"))
	screenShows(t, tm, "6 Kubelet", "Goroutines", "goroutines", "blocked sending to the PLEG event channel", "maxPods")
	tm.Send(keyMsg("5"))
	screenShows(t, tm, "relist loop is blocked sending to the PLEG event channel")
	tm.Send(keyMsg("6"))
	tm.Send(keyMsg("v"))
	screenShows(t, tm, legacyDump, "goroutine profile: total")
	tm.Send(keyMsg("/"))
	tm.Type("GenericPLEG).relist")
	tm.Send(keyMsg("enter"))
	screenShows(t, tm, "pleg.(*GenericPLEG).relist")
}
