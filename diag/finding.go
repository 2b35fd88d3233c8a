package diag

import (
	"encoding/json"
	"fmt"

	corev1 "k8s.io/api/core/v1"
)

// Severity ranks a finding; higher is worse. The catalogue's meaning: critical = the node cannot run
// its workloads, warning = it is degrading or will fail, info = worth knowing.
type Severity int

// The severities, in increasing order.
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

// ParseSeverity reads "info", "warning" or "critical".
func ParseSeverity(s string) (Severity, error) {
	for _, sev := range []Severity{SeverityInfo, SeverityWarning, SeverityCritical} {
		if s == sev.String() {
			return sev, nil
		}
	}
	return SeverityNone, fmt.Errorf("unknown severity %q (want info, warning or critical)", s)
}

// MarshalJSON writes the severity by name.
func (s Severity) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// UnmarshalJSON reads a severity name.
func (s *Severity) UnmarshalJSON(b []byte) error {
	var name string
	if err := json.Unmarshal(b, &name); err != nil {
		return err
	}
	v, err := ParseSeverity(name)
	*s = v
	return err
}

// Finding is one explained problem on one node: what rule saw it, the evidence quoted from the
// cluster, why it matters, what to do next and which actions ktriage can take about it.
type Finding struct {
	// ID is the catalogue rule ID (shared/scenarios.md), such as "pleg-unhealthy".
	ID       string   `json:"id"`
	Severity Severity `json:"severity"`
	// Title is one sentence: what is wrong.
	Title string `json:"title"`
	// Label is the few words the node list's PROBLEMS column shows.
	Label string `json:"-"`
	// Evidence quotes what the rule read: condition messages, event reasons with their counts and
	// messages, pod names. Never paraphrased.
	Evidence []string `json:"evidence"`
	// Why explains in plain language what it means and why it matters.
	Why string `json:"why"`
	// NextSteps are what a person should do, in order; those run on the node say so.
	NextSteps []NextStep `json:"nextSteps"`
	// Actions are what ktriage itself can do about it.
	Actions []Action `json:"actions"`
	// Related names other findings on the same node this one is explained by or leads to.
	Related []string `json:"related,omitempty"`
	// Pods names the pods (namespace/name) the finding is about, for linking and for actions.
	Pods []string `json:"pods,omitempty"`
}

// NextStep is one thing to do. Command, when set, is the exact command; OnNode says it must be run in
// a shell on the node itself, not from a workstation with kubectl.
type NextStep struct {
	Text    string `json:"text"`
	Command string `json:"command,omitempty"`
	OnNode  bool   `json:"onNode,omitempty"`
}

// String renders the step on one line, marking commands to run on the node.
func (s NextStep) String() string {
	switch {
	case s.Command == "":
		return s.Text
	case s.OnNode:
		return s.Text + " — on the node: " + s.Command
	}
	return s.Text + ": " + s.Command
}

// ActionKind is something ktriage can do, named as the CLI and the JSON output name it.
type ActionKind string

// The actions the rules offer.
const (
	ActCordon      ActionKind = "cordon"
	ActUncordon    ActionKind = "uncordon"
	ActDrain       ActionKind = "drain"
	ActMaintenance ActionKind = "maintenance"
	ActNodeShell   ActionKind = "node-shell"
	ActPodLogs     ActionKind = "pod-logs"
	ActDeletePod   ActionKind = "delete-pod"
	// ActNodeLog opens the node's journal of Action.Service through the kubelet's node log query.
	ActNodeLog ActionKind = "node-log"
	// ActGoroutines fetches and summarises the kubelet's goroutine dump.
	ActGoroutines ActionKind = "kubelet-goroutines"
)

// IsLink reports whether the action only reads (a log, the kubelet's goroutines): a link to the
// evidence rather than a remedy. The catalogue's "actions it offers" lists the remedies and pod logs.
func (k ActionKind) IsLink() bool { return k == ActNodeLog || k == ActGoroutines }

// Action is one offered action. Pod is set for pod actions (namespace/name); SkipWaitForDelete asks a
// drain not to wait for pods the kubelet will never confirm gone.
type Action struct {
	Kind              ActionKind `json:"kind"`
	Label             string     `json:"label"`
	Pod               string     `json:"pod,omitempty"`
	Force             bool       `json:"force,omitempty"`
	SkipWaitForDelete bool       `json:"skipWaitForDelete,omitempty"`
	// Previous asks pod logs of the container's previous run (a crash loop's last words).
	Previous bool `json:"previous,omitempty"`
	// Service is the unit of a node-log action ("kubelet", "containerd").
	Service string `json:"service,omitempty"`
}

func cordon() Action   { return Action{Kind: ActCordon, Label: "cordon: stop new pods landing here"} }
func uncordon() Action { return Action{Kind: ActUncordon, Label: "uncordon: let pods land here again"} }
func drain() Action {
	return Action{Kind: ActDrain, Label: "drain: move the pods elsewhere (preview first)"}
}
func nodeShell() Action {
	return Action{Kind: ActNodeShell, Label: "node shell: a root shell on the node"}
}
func maintenance() Action {
	return Action{Kind: ActMaintenance, Label: "maintenance flow: cordon → drain → reboot/repair → uncordon"}
}
func podLogs(pod string) Action {
	return Action{Kind: ActPodLogs, Label: "logs of " + pod, Pod: pod}
}

// logActions offers a pod's logs, and those of its previous run when a container has one.
func logActions(p *corev1.Pod) []Action {
	out := []Action{podLogs(podKey(p))}
	for _, st := range p.Status.ContainerStatuses {
		if st.LastTerminationState.Terminated != nil {
			return append(out, previousLogs(podKey(p)))
		}
	}
	return out
}

func previousLogs(pod string) Action {
	return Action{Kind: ActPodLogs, Label: "logs of " + pod + " (previous run)", Pod: pod, Previous: true}
}
func nodeLog(service string) Action {
	return Action{Kind: ActNodeLog, Label: "show the " + service + " log (the node's journal)", Service: service}
}
func goroutines() Action {
	return Action{Kind: ActGoroutines, Label: "fetch the kubelet's goroutines"}
}
