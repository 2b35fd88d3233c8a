package diag

import (
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// What the kubelet's own endpoints add to the findings: the goroutine dump to pleg-unhealthy, the
// /metrics cardinality to memory-pressure, and both to the node detail's Kubelet notes.

const (
	fxEvBlocked  = "kubelet goroutine dump: 2814 goroutines; 1 goroutine stack in pleg.(*GenericPLEG).relist, blocked sending to the PLEG event channel (pkg/kubelet/pleg/generic.go:261)"
	fxTitleBlock = "the relist loop is blocked sending to the PLEG event channel"
)

// fxSeed001 is seed 001's node: kubelet 1.12 NotReady with PLEG not healthy, maxPods 600.
func fxSeed001(k *KubeletFacts) func() *Evidence {
	return func() *Evidence {
		ev := fxHealthy()
		fxNotReadyNode(ev, fxMsgPLEG)
		ev.Node.Status.NodeInfo.KubeletVersion = "v1.12.10"
		ev.Cluster.ServerVersion = "v1.12.10"
		k.MaxPods = 600
		ev.Kubelet = k
		return ev
	}
}

func fxSummary(t *testing.T, name string) *GoroutineSummary {
	t.Helper()
	s := SummariseGoroutines(fxDump(t, name))
	return &s
}

// fxNotBlocked checks a pleg-unhealthy finding does not claim the event-channel deadlock.
func fxNotBlocked(t *testing.T, f *Finding, _ []Finding) {
	t.Helper()
	if strings.Contains(f.Title, "blocked") || strings.Contains(f.Why, "goroutine dump shows") ||
		slices.ContainsFunc(f.Evidence, func(s string) bool { return strings.Contains(s, "blocked sending") }) {
		t.Errorf("claims the relist loop is blocked: title %q, why %q, evidence %q", f.Title, f.Why, f.Evidence)
	}
	if f.NextSteps[0].Command == "systemctl restart kubelet" {
		t.Errorf("first step restarts the kubelet for a deadlock the dump does not show: %v", f.NextSteps[0])
	}
}

// fxBlocked checks a pleg-unhealthy finding says plainly that relist is blocked on the event channel.
func fxBlocked(t *testing.T, f *Finding, _ []Finding) {
	t.Helper()
	if !strings.Contains(f.Title, fxTitleBlock) {
		t.Errorf("title %q does not say the relist loop is blocked on the event channel", f.Title)
	}
	for _, s := range []string{"blocked sending to the PLEG event channel", "1000 events", "sync loop", "deadlock", "1.14", "PR 72709"} {
		if !strings.Contains(f.Why, s) {
			t.Errorf("why lacks %q: %q", s, f.Why)
		}
	}
	if s := f.NextSteps[0]; s.Command != "systemctl restart kubelet" || !s.OnNode {
		t.Errorf("first step %+v: want the kubelet restart, on the node", s)
	}
}

func kubeletPositives(t *testing.T) []fxCase {
	deadlock := fxDump(t, "goroutines_kubelet112_pleg_deadlock.txt")
	return []fxCase{
		{id: IDPLEGUnhealthy, name: "seed 001: debug=1 dump with relist parked on the event channel", sev: SeverityCritical,
			build:    fxSeed001(&KubeletFacts{GoroutineDump: deadlock}),
			verbatim: []string{fxMsgPLEG, fxEvBlocked, "PR 72709"},
			title:    "PLEG not healthy: " + fxTitleBlock + " (last active 3m12s ago, the threshold is 3m0s)",
			check:    fxBlocked},
		{id: IDPLEGUnhealthy, name: "the caller's summary, no raw dump", sev: SeverityCritical,
			build:    fxSeed001(&KubeletFacts{Goroutines: fxSummary(t, "goroutines_kubelet112_pleg_deadlock.txt")}),
			verbatim: []string{fxEvBlocked}, check: fxBlocked},
		{id: IDPLEGUnhealthy, name: "the caller's summary is used over the raw dump", sev: SeverityCritical,
			build:    fxSeed001(&KubeletFacts{Goroutines: fxSummary(t, "goroutines_kubelet130_healthy.txt"), GoroutineDump: deadlock}),
			verbatim: []string{"kubelet goroutine dump: 380 goroutines; none in pleg.(*GenericPLEG).relist"},
			check:    fxNotBlocked},
		{id: IDPLEGUnhealthy, name: "debug=2 dump", sev: SeverityCritical,
			build: fxSeed001(&KubeletFacts{GoroutineDump: fxDump(t, "goroutines_kubelet112_debug2.txt")}),
			verbatim: []string{"kubelet goroutine dump: 12 goroutines; 1 goroutine stack in pleg.(*GenericPLEG).relist, " +
				"blocked sending to the PLEG event channel (pkg/kubelet/pleg/generic.go:261)"},
			check: fxBlocked},
		{id: IDPLEGUnhealthy, name: "healthy-looking dump: relist sleeping between passes", sev: SeverityCritical,
			build:    fxSeed001(&KubeletFacts{GoroutineDump: fxDump(t, "goroutines_kubelet130_healthy.txt")}),
			verbatim: []string{"kubelet goroutine dump: 380 goroutines; none in pleg.(*GenericPLEG).relist"},
			title:    "last active 3m12s ago, the threshold is 3m0s", check: fxNotBlocked},
		{id: IDPLEGUnhealthy, name: "relist waiting on the container runtime", sev: SeverityCritical,
			build: fxSeed001(&KubeletFacts{GoroutineDump: "goroutine profile: total 1\n" + fxD1(1, "0x402535 0x414188 0x30d4f3e 0x45d2f1", slices.Concat([]string{
				"k8s.io/kubernetes/pkg/kubelet/kuberuntime.(*kubeGenericRuntimeManager).GetPods " + fxK + "pkg/kubelet/kuberuntime/kuberuntime_manager.go:327",
				fxRel + " " + fxK + "pkg/kubelet/pleg/generic.go:203"}, fxRelistTail)...)}),
			verbatim: []string{"kubelet goroutine dump: 1 goroutines; 1 goroutine stack in pleg.(*GenericPLEG).relist (pkg/kubelet/pleg/generic.go:203)"},
			check:    fxNotBlocked},
		{id: IDPLEGUnhealthy, name: "blocked, and a Ready message without durations", sev: SeverityCritical,
			build: func() *Evidence {
				ev := fxSeed001(&KubeletFacts{GoroutineDump: deadlock})()
				fxNotReadyNode(ev, fxMsgPLEGYet)
				return ev
			},
			title: "PLEG not healthy: " + fxTitleBlock,
			check: func(t *testing.T, f *Finding, all []Finding) {
				fxBlocked(t, f, all)
				if strings.Contains(f.Title, "last active") {
					t.Errorf("title %q claims durations the message does not have", f.Title)
				}
			}},
		{id: IDPLEGUnhealthy, name: "blocked, found by the kubelet log line", sev: SeverityCritical,
			build: func() *Evidence {
				ev := fxSeed001(&KubeletFacts{GoroutineDump: deadlock, Log: []string{fxLogPLEG}})()
				fxNotReadyNode(ev, "")
				return ev
			},
			verbatim: []string{fxLogPLEG, fxEvBlocked}, title: "PLEG not healthy: " + fxTitleBlock, check: fxBlocked},
		{id: IDMemoryPressure, name: "seed 002: reflector metrics leak on a node low on memory", sev: SeverityCritical,
			build: func() *Evidence {
				ev := fxWithCondition(corev1.NodeMemoryPressure, "KubeletHasInsufficientMemory", "kubelet has insufficient memory available")()
				ev.Kubelet = &KubeletFacts{MetricSeries: fxSeed002Uniq}
				return ev
			},
			verbatim: []string{"kubelet /metrics: reflector_items_per_list: 25,749 series; 16 reflector_* metric names over 2,000 series each, " +
				"205,992 series in all — the reflector metrics leak of kubelets 1.12 and 1.13 (removed in 1.14 by kubernetes PR 74636)"},
			check: func(t *testing.T, f *Finding, _ []Finding) {
				s := fxStep(t, f, "systemctl restart kubelet")
				if !s.OnNode || !strings.Contains(s.Text, "reflector metrics") || !strings.Contains(s.Text, "1.14") {
					t.Errorf("restart step %+v", s)
				}
			}},
	}
}

func TestKubeletEvidenceInFindings(t *testing.T) { fxRunAll(t, kubeletPositives(t)) }

// TestKubeletFactsAloneFindNothing: neither a deadlocked dump nor a metrics leak is a finding by
// itself, and a memory finding quotes no leak the metrics do not show.
func TestKubeletFactsAloneFindNothing(t *testing.T) {
	deadlock := fxDump(t, "goroutines_kubelet112_pleg_deadlock.txt")
	cases := []struct {
		name  string
		build func() *Evidence
		check func(t *testing.T, fs []Finding)
	}{
		{"Ready node with a blocked relist in its dump and the seed 002 leak", func() *Evidence {
			ev := fxHealthy()
			ev.Kubelet = &KubeletFacts{GoroutineDump: deadlock, MetricSeries: fxSeed002Uniq}
			return ev
		}, func(t *testing.T, fs []Finding) {
			if len(fs) != 0 {
				t.Errorf("findings %v", fxIDs(fs))
			}
		}},
		{"memory pressure with a healthy kubelet's metrics", func() *Evidence {
			ev := fxWithCondition(corev1.NodeMemoryPressure, "KubeletHasInsufficientMemory", "kubelet has insufficient memory available")()
			ev.Kubelet = &KubeletFacts{MetricSeries: fxHealthyMetrics(t)}
			return ev
		}, fxNoLeakInMemoryFinding},
		{"memory pressure with a leak that is not the reflector metrics", func() *Evidence {
			ev := fxWithCondition(corev1.NodeMemoryPressure, "KubeletHasInsufficientMemory", "kubelet has insufficient memory available")()
			ev.Kubelet = &KubeletFacts{MetricSeries: map[string]int{"apiserver_storage_objects": 4200, "reflector_lists_total": 40}}
			return ev
		}, fxNoLeakInMemoryFinding},
		{"memory pressure, metrics never read", func() *Evidence {
			return fxWithCondition(corev1.NodeMemoryPressure, "KubeletHasInsufficientMemory", "kubelet has insufficient memory available")()
		}, fxNoLeakInMemoryFinding},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.check(t, Diagnose(c.build())) })
	}
}

func fxNoLeakInMemoryFinding(t *testing.T, fs []Finding) {
	t.Helper()
	f := fxRequire(t, fs, IDMemoryPressure)
	for _, line := range f.Evidence {
		if strings.Contains(line, "/metrics") || strings.Contains(line, "74636") {
			t.Errorf("evidence line %q without a reflector leak", line)
		}
	}
	for _, s := range f.NextSteps {
		if strings.Contains(s.Command, "restart kubelet") {
			t.Errorf("step %q without a reflector leak", s)
		}
	}
}

func TestKubeletNotes(t *testing.T) {
	deadlock := fxDump(t, "goroutines_kubelet112_pleg_deadlock.txt")
	leakLines := DescribeLeaks(CardinalityLeaks(fxSeed002Uniq))
	blockedLine := "the PLEG relist loop is blocked sending to the PLEG event channel (pkg/kubelet/pleg/generic.go:261) — the kubelet deadlock fixed in 1.14 (kubernetes PR 72709)"
	cases := []struct {
		name string
		k    *KubeletFacts
		want []string
	}{
		{"nothing read", nil, nil},
		{"only the configuration read", &KubeletFacts{MaxPods: 110}, nil},
		{"seed 001 and 002 together", &KubeletFacts{GoroutineDump: deadlock, MetricSeries: fxSeed002Uniq},
			append(slices.Clone(leakLines), "2814 goroutines", blockedLine, "largest group: 1203 × net/http.(*persistConn).readLoop")},
		{"the caller's summary over the raw dump", &KubeletFacts{Goroutines: fxSummary(t, "goroutines_kubelet130_healthy.txt"), GoroutineDump: deadlock},
			[]string{"380 goroutines", "largest group: 118 × kubelet.(*podWorkers).UpdatePod.func1"}},
		{"healthy metrics and dump", &KubeletFacts{GoroutineDump: fxDump(t, "goroutines_kubelet130_healthy.txt"), MetricSeries: fxHealthyMetrics(t)},
			[]string{"380 goroutines", "largest group: 118 × kubelet.(*podWorkers).UpdatePod.func1"}},
		{"debug=2 dump", &KubeletFacts{GoroutineDump: fxDump(t, "goroutines_kubelet112_debug2.txt")},
			[]string{"12 goroutines", blockedLine, "largest group: 3 × net/http.(*persistConn).readLoop [IO wait]"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := KubeletNotes(c.k); !slices.Equal(got, c.want) {
				t.Errorf("KubeletNotes:\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(c.want, "\n  "))
			}
		})
	}
	if len(leakLines) != 7 || !strings.Contains(leakLines[6], "PR 74636") {
		t.Errorf("seed 002 leak lines %q", leakLines)
	}
}

// TestKubeletSummaryIsUsedAsGiven: a caller's summary is read as it is, not recomputed from the dump
// (a dump of megabytes would be re-read on every diagnosis).
func TestKubeletSummaryIsUsedAsGiven(t *testing.T) {
	k := &KubeletFacts{GoroutineDump: "not a dump at all", Goroutines: &GoroutineSummary{Total: 7, PLEGRelist: 1, PLEGBlockedOnEventChannel: true, PLEGFrame: "pkg/kubelet/pleg/generic.go:261"}}
	ev := fxSeed001(k)()
	f := fxRequire(t, Diagnose(ev), IDPLEGUnhealthy)
	fxAssertEvidence(t, f, "kubelet goroutine dump: 7 goroutines; 1 goroutine stack in pleg.(*GenericPLEG).relist, blocked sending to the PLEG event channel (pkg/kubelet/pleg/generic.go:261)")
}

// The kubelet's own log line is evidence in both wordings: 1.12's "skipping pod synchronization - [PLEG
// is not healthy…]" and the structured "Skipping pod synchronization" err="[PLEG is not healthy…]".
func TestPLEGQuotesTheKubeletLogInBothWordings(t *testing.T) {
	for _, line := range []string{
		`Jul  1 09:29:59 legacy-07 kubelet: I0701 09:29:59.812345 1234 kubelet.go:1829] skipping pod synchronization - [PLEG is not healthy: pleg was last seen active 3m11.16s ago; threshold is 3m0s]`,
		`Nov 23 10:00:00 w1 kubelet[812]: E1123 10:00:00.123456     812 kubelet.go:2421] "Skipping pod synchronization" err="[PLEG is not healthy: pleg was last seen active 3m12s ago; threshold is 3m0s]"`,
	} {
		ev := fxSeed001(&KubeletFacts{Log: []string{"unrelated line", line}})()
		f := fxRequire(t, Diagnose(ev), IDPLEGUnhealthy)
		if !slices.ContainsFunc(f.Evidence, func(s string) bool {
			return strings.HasPrefix(s, "kubelet log: ") && strings.Contains(s, "ynchronization")
		}) {
			t.Errorf("evidence %q does not quote the kubelet's line %q", f.Evidence, line)
		}
	}
}
