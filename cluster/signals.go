package cluster

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/ktriage/ktriage/diag"
)

// Severity ranks how bad a signal is; it is the diagnosis rules' severity.
type Severity = diag.Severity

// The severities, in increasing order.
const (
	SeverityNone     = diag.SeverityNone
	SeverityInfo     = diag.SeverityInfo
	SeverityWarning  = diag.SeverityWarning
	SeverityCritical = diag.SeverityCritical
)

// Signal is one entry of the PROBLEMS column: a finding's label, or a count of broken pods no finding
// explains.
type Signal struct {
	Severity Severity
	// Text is short enough for a table cell ("PLEG stuck 3m12s", "DiskPressure", "3 pods CrashLoopBackOff").
	Text string
	// Detail is the finding's title, or the broken pods' explanation.
	Detail string
	// ID is the finding's rule ID, "" for a pod count.
	ID string
}

// nodeSignals lists the PROBLEMS column's entries, worst first: one per finding, then the broken pods
// no finding already explains. A node in the maintenance flow shows its step instead of "cordoned".
func nodeSignals(s *NodeSummary, node *corev1.Node, rows []PodRow, findings []diag.Finding) []Signal {
	out := make([]Signal, 0, len(findings)+1)
	explained := map[string]bool{}
	m, inMaintenance := ParseMaintenance(node)
	if inMaintenance {
		s.Maintenance = &m
	}
	for _, f := range findings {
		for _, p := range f.Pods {
			explained[p] = true
		}
		sig := Signal{Severity: f.Severity, Text: f.Label, Detail: f.Title, ID: f.ID}
		if f.ID == diag.IDCordoned && inMaintenance {
			continue // the maintenance step below says more
		}
		out = append(out, sig)
	}
	out = append(out, podSignals(rows, explained)...)
	if inMaintenance {
		out = append(out, Signal{Severity: SeverityInfo, Text: m.Step(node), Detail: "started " + m.Started.Format(time.RFC3339) + " by " + m.By})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Severity > out[j].Severity })
	return out
}

// podSignals counts the node's broken pods that no finding explains by status ("3 pods CrashLoopBackOff").
func podSignals(rows []PodRow, explained map[string]bool) []Signal {
	counts := map[string]int{}
	var order []string
	for _, row := range rows {
		if !row.Broken || explained[row.Namespace+"/"+row.Name] {
			continue
		}
		if counts[row.Status] == 0 {
			order = append(order, row.Status)
		}
		counts[row.Status]++
	}
	sort.Slice(order, func(i, j int) bool {
		if counts[order[i]] != counts[order[j]] {
			return counts[order[i]] > counts[order[j]]
		}
		return order[i] < order[j]
	})
	out := make([]Signal, 0, len(order))
	for _, status := range order {
		n := counts[status]
		text := fmt.Sprintf("%d pods %s", n, status)
		if n == 1 {
			text = "1 pod " + status
		}
		out = append(out, Signal{Severity: SeverityWarning, Text: text, Detail: "pods on the node that are failing or stuck"})
	}
	return out
}

// ProblemsText joins the signals for the PROBLEMS column.
func (s NodeSummary) ProblemsText() string {
	texts := make([]string, len(s.Signals))
	for i, sig := range s.Signals {
		texts[i] = sig.Text
	}
	return strings.Join(texts, ", ")
}

// HasFinding reports whether a signal comes from the rule.
func (s NodeSummary) HasFinding(id string) bool {
	return slices.ContainsFunc(s.Signals, func(sig Signal) bool { return sig.ID == id })
}
