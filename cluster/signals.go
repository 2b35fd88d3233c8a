package cluster

import (
	"fmt"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/duration"
)

// Severity ranks how bad a signal is; higher is worse.
type Severity int

const (
	SeverityNone Severity = iota
	SeverityInfo
	SeverityWarning
	SeverityCritical
)

// String returns the catalogue's name for the severity ("critical", "warning", "info", "").
func (s Severity) String() string {
	switch s {
	case SeverityCritical:
		return "critical"
	case SeverityWarning:
		return "warning"
	case SeverityInfo:
		return "info"
	}
	return ""
}

// Signal is one abnormal thing about a node that is visible from the API alone, shown in the PROBLEMS
// column. The diagnosis rules turn signals and evidence into explained findings.
type Signal struct {
	Severity Severity
	// Text is short enough for a table cell ("PLEG not healthy", "DiskPressure", "3 pods CrashLoopBackOff").
	Text string
	// Detail is the full evidence, such as the condition message.
	Detail string
}

// readyMessageLabels turn well-known Ready=False messages into short labels, in order of precedence.
var readyMessageLabels = []struct{ contains, label string }{
	{"PLEG is not healthy", "PLEG not healthy"},
	{"container runtime is down", "runtime down"},
	{"container runtime not ready", "runtime not ready"},
	{"network plugin", "network not ready"},
	{"NetworkReady=false", "network not ready"},
	{"cni config uninitialized", "network not ready"},
	{"Kubelet stopped posting node status", "kubelet stopped posting status"},
}

// nodeSignals lists what is wrong with the node, worst first.
func nodeSignals(s *NodeSummary, node *corev1.Node, rows []PodRow, now time.Time) []Signal {
	var out []Signal
	add := func(sev Severity, text, detail string) { out = append(out, Signal{sev, text, detail}) }

	for _, c := range s.Conditions {
		if !c.Problem {
			continue
		}
		switch {
		case c.Type == string(corev1.NodeReady) && c.Status == string(corev1.ConditionUnknown):
			add(SeverityCritical, "Unknown: "+readyLabel(c.Message, "no status"), c.Message)
		case c.Type == string(corev1.NodeReady):
			add(SeverityCritical, "NotReady: "+readyLabel(c.Message, c.Reason), c.Message)
		case s.Ready == ReadyUnknown && c.Status == string(corev1.ConditionUnknown):
			// Every kubelet condition goes Unknown with Ready; one signal says it.
		case kubeletConditions[corev1.NodeConditionType(c.Type)]:
			add(SeverityCritical, conditionLabel(c), c.Message)
		case c.Unknown:
			add(SeverityWarning, conditionLabel(c)+" (unknown condition)", c.Message)
		default:
			add(SeverityWarning, conditionLabel(c), c.Message)
		}
	}
	if s.Ready != ReadyUnknown && s.Stale {
		age := now.Sub(s.Heartbeat).Truncate(time.Second)
		add(SeverityCritical, "heartbeat "+duration.HumanDuration(age)+" ago",
			fmt.Sprintf("last heartbeat %s ago, lease duration %s", age, s.LeaseDuration))
	}
	out = append(out, podSignals(rows)...)
	if s.MaxPods > 0 && int64(s.PodCount) >= s.MaxPods*9/10 {
		add(SeverityWarning, fmt.Sprintf("pods %d/%d", s.PodCount, s.MaxPods), "the node is at or near its pod limit")
	}
	if m, ok := ParseMaintenance(node); ok {
		s.Maintenance = &m
		add(SeverityInfo, m.Step(node), "started "+m.Started.Format(time.RFC3339)+" by "+m.By)
	} else if s.Unschedulable {
		add(SeverityInfo, "cordoned", cordonedSince(node))
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Severity > out[j].Severity })
	return out
}

// conditionLabel names a problem condition: its type when the problem is that it is True (or False
// for a healthy-when-true one), with the status when it is Unknown ("KernelDeadlock: Unknown" is not
// a deadlock, only silence).
func conditionLabel(c Condition) string {
	if c.Status == string(corev1.ConditionUnknown) {
		return c.Type + ": Unknown"
	}
	if c.Polarity == HealthyWhenTrue {
		return c.Type + "=" + c.Status
	}
	return c.Type
}

func readyLabel(message, fallback string) string {
	for _, l := range readyMessageLabels {
		if strings.Contains(message, l.contains) {
			return l.label
		}
	}
	if fallback == "" {
		fallback = "not ready"
	}
	return fallback
}

// podSignals counts the node's broken pods by status ("3 pods CrashLoopBackOff").
func podSignals(rows []PodRow) []Signal {
	counts := map[string]int{}
	var order []string
	for _, row := range rows {
		if !row.Broken {
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
		out = append(out, Signal{Severity: SeverityWarning, Text: text})
	}
	return out
}

func cordonedSince(node *corev1.Node) string {
	for _, t := range node.Spec.Taints {
		if t.Key == corev1.TaintNodeUnschedulable && t.TimeAdded != nil {
			return "cordoned since " + t.TimeAdded.UTC().Format(time.RFC3339)
		}
	}
	return "cordoned"
}

// ProblemsText joins the signals for the PROBLEMS column.
func (s NodeSummary) ProblemsText() string {
	texts := make([]string, len(s.Signals))
	for i, sig := range s.Signals {
		texts[i] = sig.Text
	}
	return strings.Join(texts, ", ")
}
