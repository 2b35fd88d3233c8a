package views

import "time"

// DrainChoices are the drain options as the dialog edits them. The fields are those of
// actions.DrainOptions, in the same order, so the root converts one into the other directly.
type DrainChoices struct {
	IgnoreDaemonSets    bool
	DeleteEmptyDirData  bool
	Force               bool
	DisableEviction     bool
	GracePeriodSeconds  int
	Timeout             time.Duration
	SkipWaitUnreachable bool
}

// PlanGroup is what a drain will do with a pod, in the order the preview lists them.
type PlanGroup int

// Plan groups.
const (
	PlanEvict PlanGroup = iota
	PlanWait
	PlanBlock
	PlanSkip
)

var planGroupLabels = []string{"EVICT", "WAIT", "BLOCK", "STAY"}

// PlanRow is one pod of a drain preview.
type PlanRow struct {
	Group              PlanGroup
	Pod, Owner, Reason string
}

// DrainPlan is a drain preview as the dialog shows it.
type DrainPlan struct {
	Rows []PlanRow
	// Note is a caveat ("PodDisruptionBudgets not checked: forbidden").
	Note string
	// Err is why no preview could be made.
	Err string
}

// Count counts the rows of a group.
func (p DrainPlan) Count(g PlanGroup) int {
	n := 0
	for _, r := range p.Rows {
		if r.Group == g {
			n++
		}
	}
	return n
}

// ProgressRow is one pod still on the node during a drain.
type ProgressRow struct {
	Pod, State, Why string
}

// DrainStatus is a running (or ended) drain as the dialog shows it.
type DrainStatus struct {
	Phase          string
	Final, Success bool
	Started, Ended time.Time
	Total, Evicted int
	// Waiting is the pod waited on longest, with why.
	Waiting   string
	Remaining []ProgressRow
	Summary   string
}

// Drain dialog intents, carried out by the root.
type (
	// PreviewDrainMsg asks for a preview with these options; Seq tells answers to older requests
	// apart.
	PreviewDrainMsg struct {
		Node    string
		Choices DrainChoices
		Seq     int
	}
	// StartDrainMsg starts the drain (or the maintenance flow) the person confirmed.
	StartDrainMsg struct {
		Node        string
		Choices     DrainChoices
		Maintenance bool
	}
	// CancelDrainMsg cancels the running drain of a node.
	CancelDrainMsg struct{ Node string }
	// FinishMaintenanceMsg uncordons a node at the end of its maintenance flow; SkippedReboot says
	// the person did not wait for a reboot (the audit log records it).
	FinishMaintenanceMsg struct {
		Node          string
		SkippedReboot bool
	}
)
