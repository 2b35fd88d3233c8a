package diag

// Tests tying the rules to the failure catalogue (shared/scenarios.md): the same IDs, a positive case
// for every ID, the catalogue's severity and actions on each rule's canonical case, next steps marked
// for the node, worst-first ordering and linked findings.

import (
	"bufio"
	"os"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// fxCase is one positive case: the evidence must produce a finding with the ID, shaped as described.
type fxCase struct {
	id   string
	name string
	// primary marks the rule's canonical case, checked against the catalogue's severity and actions.
	primary bool
	build   func() *Evidence
	sev     Severity
	// verbatim are strings from the cluster that must appear unchanged in an evidence line.
	verbatim []string
	// title must appear in the title.
	title string
	pods  []string
	// also must fire too; not must not.
	also, not []string
	check     func(t *testing.T, f *Finding, all []Finding)
}

func fxRun(t *testing.T, c fxCase) {
	t.Helper()
	all := Diagnose(c.build())
	f := fxRequire(t, all, c.id)
	if f.Severity != c.sev {
		t.Errorf("severity %s, want %s", f.Severity, c.sev)
	}
	if f.Title == "" || f.Label == "" || f.Why == "" || len(f.Evidence) == 0 {
		t.Errorf("incomplete finding: title %q label %q why %d chars, %d evidence lines", f.Title, f.Label, len(f.Why), len(f.Evidence))
	}
	if c.title != "" && !strings.Contains(f.Title, c.title) {
		t.Errorf("title %q lacks %q", f.Title, c.title)
	}
	for _, s := range c.verbatim {
		fxAssertEvidence(t, f, s)
	}
	fxAssertPods(t, f, c.pods...)
	for _, id := range c.also {
		fxRequire(t, all, id)
	}
	fxAbsent(t, all, c.not...)
	if c.check != nil {
		c.check(t, f, all)
	}
}

func fxRunAll(t *testing.T, cases []fxCase) {
	for _, c := range cases {
		t.Run(c.id+"/"+c.name, func(t *testing.T) { fxRun(t, c) })
	}
}

// fxAllPositives gathers every rule file's positive table.
func fxAllPositives() []fxCase {
	var all []fxCase
	for _, table := range [][]fxCase{nodePositives(), pressurePositives(), podPositives(), infoPositives()} {
		all = append(all, table...)
	}
	return all
}

// ---- the catalogue ----

type fxCatalogueRow struct{ id, severity, actions string }

// fxReadCatalogue parses the rule table of scenarios.md: the rows whose first cell is a backticked ID.
func fxReadCatalogue(t *testing.T) []fxCatalogueRow {
	t.Helper()
	var path string
	for _, p := range []string{os.Getenv("KTRIAGE_SCENARIOS"), "../../shared/scenarios.md", "../shared/scenarios.md", "/work/shared/scenarios.md"} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		t.Skip("shared/scenarios.md not found; set KTRIAGE_SCENARIOS to its path")
	}
	file, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	var rows []fxCatalogueRow
	sc := bufio.NewScanner(file)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if len(cells) < 6 {
			t.Fatalf("catalogue row with %d cells: %s", len(cells), line)
		}
		id := strings.Trim(strings.TrimSpace(cells[0]), "`")
		rows = append(rows, fxCatalogueRow{id: id, severity: strings.TrimSpace(cells[1]), actions: strings.TrimSpace(cells[len(cells)-1])})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(rows) < 10 {
		t.Fatalf("parsed only %d catalogue rows from %s", len(rows), path)
	}
	return rows
}

func TestCatalogueIDsMatchScenarios(t *testing.T) {
	var ids []string
	for _, r := range fxReadCatalogue(t) {
		ids = append(ids, r.id)
	}
	if got := RuleIDs(); !slices.Equal(got, ids) {
		t.Errorf("RuleIDs() = %v\nscenarios.md lists %v", got, ids)
	}
	// RuleIDs hands out a copy.
	got := RuleIDs()
	got[0] = "mutated"
	if RuleIDs()[0] == "mutated" {
		t.Error("RuleIDs returns the package's own slice")
	}
}

func TestCatalogueEveryIDHasPositiveCase(t *testing.T) {
	byID := map[string]int{}
	primaries := map[string]int{}
	for _, c := range fxAllPositives() {
		byID[c.id]++
		if c.primary {
			primaries[c.id]++
		}
	}
	for _, id := range RuleIDs() {
		if byID[id] == 0 {
			t.Errorf("no positive case for %s", id)
		}
		if primaries[id] != 1 {
			t.Errorf("%s has %d primary cases, want exactly 1", id, primaries[id])
		}
		delete(byID, id)
	}
	for id := range byID {
		t.Errorf("positive cases for %s, which is not a catalogue ID", id)
	}
}

// fxCatalogueActions reads the "Actions it offers" column.
func fxCatalogueActions(col string) []ActionKind {
	col = strings.ToLower(col)
	var out []ActionKind
	if strings.Contains(col, "uncordon") {
		out = append(out, ActUncordon)
		col = strings.ReplaceAll(col, "uncordon", "")
	}
	for frag, kind := range map[string]ActionKind{"cordon": ActCordon, "drain": ActDrain, "node shell": ActNodeShell,
		"pod logs": ActPodLogs, "delete pod": ActDeletePod, "maintenance": ActMaintenance} {
		if strings.Contains(col, frag) {
			out = append(out, kind)
		}
	}
	slices.Sort(out)
	return out
}

// TestCatalogueSeverityAndActions checks each rule's canonical case against the catalogue row.
func TestCatalogueSeverityAndActions(t *testing.T) {
	rows := fxReadCatalogue(t)
	primary := map[string]fxCase{}
	for _, c := range fxAllPositives() {
		if c.primary {
			primary[c.id] = c
		}
	}
	for _, row := range rows {
		t.Run(row.id, func(t *testing.T) {
			c, ok := primary[row.id]
			if !ok {
				t.Fatalf("no primary case")
			}
			f := fxRequire(t, Diagnose(c.build()), row.id)
			if row.severity != "per condition" {
				want, err := ParseSeverity(row.severity)
				if err != nil {
					t.Fatal(err)
				}
				if f.Severity != want {
					t.Errorf("severity %s, catalogue says %s", f.Severity, want)
				}
			}
			fxAssertActions(t, f, fxCatalogueActions(row.actions)...)
			col := strings.ToLower(row.actions)
			for _, a := range f.Actions {
				if a.Kind == ActDrain && strings.Contains(col, "skip-wait-for-delete") && !a.SkipWaitForDelete {
					t.Errorf("drain must skip waiting for deletions: %+v", a)
				}
				if a.Kind == ActDeletePod && strings.Contains(col, "force") && !a.Force {
					t.Errorf("delete pod must force: %+v", a)
				}
				if (a.Kind == ActPodLogs || a.Kind == ActDeletePod) && a.Pod == "" {
					t.Errorf("pod action without a pod: %+v", a)
				}
				if a.Label == "" {
					t.Errorf("action without a label: %+v", a)
				}
			}
		})
	}
}

// Commands by where they must run: in a shell on the node, or from a workstation.
var (
	fxOnNodePrefixes  = []string{"systemctl", "journalctl", "crictl", "dmesg", "df ", "du ", "sysctl", "ps ", "free ", "last ", "find ", "grubby", "rpm ", "ls ", "cat /proc", "ip ", "curl -s localhost", "grep ", "for f in /var/lib/cni", "lsblk"}
	fxWorkstationCmds = []string{"kubectl ", "ping ", "ceph "}
)

// TestNextStepsOnNodeMarked checks, across every positive case, that node commands say OnNode and
// kubectl commands do not.
func TestNextStepsOnNodeMarked(t *testing.T) {
	for _, c := range fxAllPositives() {
		for _, f := range Diagnose(c.build()) {
			for _, s := range f.NextSteps {
				if s.Command == "" {
					if s.OnNode {
						t.Errorf("%s/%s: %s: step without a command marked OnNode: %q", c.id, c.name, f.ID, s.Text)
					}
					continue
				}
				node := slices.ContainsFunc(fxOnNodePrefixes, func(p string) bool { return strings.HasPrefix(s.Command, p) })
				remote := slices.ContainsFunc(fxWorkstationCmds, func(p string) bool { return strings.HasPrefix(s.Command, p) })
				switch {
				case node && !s.OnNode:
					t.Errorf("%s/%s: %s: %q runs on the node but is not marked OnNode", c.id, c.name, f.ID, s.Command)
				case remote && s.OnNode:
					t.Errorf("%s/%s: %s: %q runs from a workstation but is marked OnNode", c.id, c.name, f.ID, s.Command)
				case !node && !remote:
					t.Errorf("%s/%s: %s: unclassified command %q; add its prefix to this test", c.id, c.name, f.ID, s.Command)
				}
				if s.OnNode && !strings.Contains(s.String(), "on the node: "+s.Command) {
					t.Errorf("NextStep.String() %q does not say the command runs on the node", s.String())
				}
			}
		}
	}
}

func TestHealthyNodeHasNoFindings(t *testing.T) {
	if fs := Diagnose(fxHealthy()); len(fs) != 0 {
		for _, f := range fs {
			t.Errorf("healthy node: %s %s: %q %q", f.ID, f.Severity, f.Title, f.Evidence)
		}
	}
	if fs := Diagnose(nil); fs != nil {
		t.Errorf("Diagnose(nil) = %v", fs)
	}
	if fs := Diagnose(&Evidence{Now: fxNow}); fs != nil {
		t.Errorf("Diagnose without a node = %v", fs)
	}
}

// TestFindingsWorstFirst: a node with findings of every severity lists critical first, then warning,
// then info, ties in catalogue order.
func TestFindingsWorstFirst(t *testing.T) {
	ev := fxHealthy()
	fxUnreachable(ev, 20*time.Minute)
	ev.Node.Spec.Unschedulable = true
	ev.Node.Status.NodeInfo.KubeletVersion = "v1.12.10"
	ev.Cluster.ServerVersion = "v1.12.10"
	ev.Pods[4] = fxPod("default", "web-6d4cf56db6-4xk9t", fxTerminating(15*time.Minute, 30), fxNotReady)
	fxSetCondition(ev, "KernelDeadlock", corev1.ConditionTrue, "DockerHung", "kernel: INFO: task docker:20744 blocked for more than 120 seconds.", time.Hour)
	fs := Diagnose(ev)
	want := []string{IDNodeUnreachable, IDNPDCondition, IDStuckTerminating, IDKubeletVersionSkew, IDCordoned}
	if got := fxIDs(fs); !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
	if !sort.SliceIsSorted(fs, func(i, j int) bool { return fs[i].Severity > fs[j].Severity }) {
		t.Errorf("not worst first: %v", fs)
	}
	if Worst(fs) != SeverityCritical || AtLeast(fs, SeverityWarning) != 4 || AtLeast(fs, SeverityCritical) != 2 {
		t.Errorf("Worst %s, AtLeast(warning) %d, AtLeast(critical) %d", Worst(fs), AtLeast(fs, SeverityWarning), AtLeast(fs, SeverityCritical))
	}
	if Worst(nil) != SeverityNone {
		t.Errorf("Worst(nil) = %s", Worst(nil))
	}
}

// TestLinkedFindings checks that findings that explain each other name each other.
func TestLinkedFindings(t *testing.T) {
	cases := []struct {
		name  string
		build func() *Evidence
		a, b  string
	}{
		{"stuck deletions on an unreachable node", func() *Evidence {
			ev := fxHealthy()
			fxUnreachable(ev, 30*time.Minute)
			ev.Pods[5] = fxPod("default", "web-6d4cf56db6-9zq2m", fxTerminating(20*time.Minute, 30), fxNotReady)
			return ev
		}, IDStuckTerminating, IDNodeUnreachable},
		{"stuck deletions while the runtime is down", func() *Evidence {
			ev := fxHealthy()
			fxNotReadyNode(ev, "container runtime is down")
			ev.Pods[5] = fxPod("default", "web-6d4cf56db6-9zq2m", fxTerminating(20*time.Minute, 30))
			return ev
		}, IDStuckTerminating, IDRuntimeDown},
		{"PLEG on an old kubelet", func() *Evidence {
			ev := fxHealthy()
			fxNotReadyNode(ev, "PLEG is not healthy: pleg was last seen active 4m1s ago; threshold is 3m0s")
			ev.Node.Status.NodeInfo.KubeletVersion = "v1.12.10"
			return ev
		}, IDPLEGUnhealthy, IDKubeletVersionSkew},
		{"reboot after being unreachable", func() *Evidence {
			ev := fxHealthy()
			fxUnreachable(ev, 10*time.Minute)
			ev.Events = append(ev.Events, fxNodeEvent(corev1.EventTypeWarning, "Rebooted", "Node node-1 has been rebooted, boot id: 9b1e4c2a-0d3f-4e5a-8b6c-7d8e9f0a1b2c", 2*time.Minute, 1))
			return ev
		}, IDNodeRebooted, IDNodeUnreachable},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs := Diagnose(c.build())
			a, b := fxRequire(t, fs, c.a), fxRequire(t, fs, c.b)
			if !slices.Contains(a.Related, c.b) {
				t.Errorf("%s.Related = %v, want %s", c.a, a.Related, c.b)
			}
			if !slices.Contains(b.Related, c.a) {
				t.Errorf("%s.Related = %v, want %s", c.b, b.Related, c.a)
			}
			for _, f := range fs {
				for _, r := range f.Related {
					if fxFind(fs, r) == nil {
						t.Errorf("%s relates to %s, which did not fire", f.ID, r)
					}
				}
			}
		})
	}
	// Alone, a finding relates to nothing.
	ev := fxHealthy()
	ev.Pods[5] = fxPod("default", "web-6d4cf56db6-9zq2m", fxTerminating(20*time.Minute, 30))
	f := fxRequire(t, Diagnose(ev), IDStuckTerminating)
	if len(f.Related) != 0 {
		t.Errorf("stuck-terminating alone relates to %v", f.Related)
	}
}

func TestSeverityNamesAndJSON(t *testing.T) {
	for _, s := range []Severity{SeverityInfo, SeverityWarning, SeverityCritical} {
		b, err := s.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		var back Severity
		if err := back.UnmarshalJSON(b); err != nil || back != s {
			t.Errorf("%s round-trips to %s, %v", s, back, err)
		}
	}
	if _, err := ParseSeverity("fatal"); err == nil {
		t.Error(`ParseSeverity("fatal") succeeded`)
	}
	if !(SeverityCritical > SeverityWarning && SeverityWarning > SeverityInfo && SeverityInfo > SeverityNone) {
		t.Error("severities are not ordered worst highest")
	}
}

// TestEvidenceQuotesMessagesVerbatim: evidence quotes what the cluster said unchanged, including
// messages that themselves contain double quotes (runc, CNI and volume errors nearly always do). A
// person copies these into a search engine or an issue; backslash-escaped text matches nothing.
func TestEvidenceQuotesMessagesVerbatim(t *testing.T) {
	cases := []struct {
		id, msg string
		build   func() *Evidence
	}{
		{IDVolumeProblems, fxRBD, podPositives()[fxCaseIndex(podPositives(), IDVolumeProblems)].build},
		{IDCgroupLeak, fxCgroupNoSp, fxCgroupCase(fxCgroupNoSp)},
		{IDPodIPExhausted, fxHostLocal, fxSeed003(fxHostLocal, 1)},
		{IDAllocatableEnforcement, fxAllocEnforc, func() *Evidence {
			ev := fxHealthy()
			ev.Events = append(ev.Events, fxNodeEvent(corev1.EventTypeWarning, "FailedNodeAllocatableEnforcement", fxAllocEnforc, time.Minute, 1001))
			return ev
		}},
		{IDSystemPodUnhealthy, fxConntrack, func() *Evidence {
			ev := fxHealthy()
			ev.PodLogs = map[string][]string{"kube-system/kube-proxy-7xk2p": {fxConntrack}}
			return ev
		}},
	}
	for _, c := range cases {
		t.Run(c.id, func(t *testing.T) {
			f := fxRequire(t, Diagnose(c.build()), c.id)
			fxAssertEvidence(t, f, c.msg)
		})
	}
}

// fxCaseIndex is the index of the first case of the rule in the table.
func fxCaseIndex(cases []fxCase, id string) int {
	for i, c := range cases {
		if c.id == id {
			return i
		}
	}
	return -1
}

// TestDiagnoseIsPureAndDeterministic: Diagnose reads its evidence without changing it, and the same
// evidence gives the same findings every time (the JSON output and the TUI depend on it).
func TestDiagnoseIsPureAndDeterministic(t *testing.T) {
	build := func() *Evidence {
		ev := fxHealthy()
		fxNotReadyNode(ev, fxMsgPLEGBoth)
		ev.Node.Spec.Unschedulable = true
		fxSetCondition(ev, corev1.NodeDiskPressure, corev1.ConditionTrue, "KubeletHasDiskPressure", "kubelet has disk pressure", 10*time.Minute)
		fxSetCondition(ev, "NTPProblem", corev1.ConditionTrue, "NTPIsDown", "NTP service is not running", time.Hour)
		ev.Pods = append(ev.Pods, fxPod("kube-system", "kube-proxy-2", fxDaemonSet("kube-proxy", true), fxCrashLoop(3, time.Minute)),
			fxPod("shop", "search-1", fxEvicted(fxEvictDisk, 5*time.Minute)),
			fxPod("default", "old-1", fxTerminating(30*time.Minute, 30)))
		ev.PodLogs = map[string][]string{}
		for _, k := range []string{"kube-system/kube-proxy-7xk2p", "kube-system/kube-proxy-2", "kube-system/kube-proxy-3", "kube-system/kube-proxy-4"} {
			ev.PodLogs[k] = []string{fxConntrack}
		}
		return ev
	}
	ev := build()
	node, lease := ev.Node.DeepCopy(), ev.Lease.DeepCopy()
	var pods []*corev1.Pod
	for _, p := range ev.Pods {
		pods = append(pods, p.DeepCopy())
	}
	var events []*corev1.Event
	for _, e := range ev.Events {
		events = append(events, e.DeepCopy())
	}
	first := Diagnose(ev)
	if !reflect.DeepEqual(ev.Node, node) || !reflect.DeepEqual(ev.Lease, lease) || !reflect.DeepEqual(ev.Pods, pods) || !reflect.DeepEqual(ev.Events, events) {
		t.Error("Diagnose modified its evidence")
	}
	for range 30 {
		if again := Diagnose(ev); !reflect.DeepEqual(again, first) {
			for i := range min(len(first), len(again)) {
				if !reflect.DeepEqual(first[i], again[i]) {
					t.Fatalf("findings differ between runs on the same evidence:\n%s %q\n%s %q", first[i].ID, first[i].Evidence, again[i].ID, again[i].Evidence)
				}
			}
			t.Fatalf("findings differ between runs: %v vs %v", fxIDs(first), fxIDs(again))
		}
	}
}
