package diag

import (
	"fmt"
	"slices"
)

// Page builders the wizards share.

// findingCheck is a check page about one rule: a problem showing the finding's evidence when it
// fired, OK with okResult otherwise. Both continue to next.
func findingCheck(f *Facts, id, title, okResult, next string) Page {
	if fd := f.Finding(id); fd != nil {
		return Page{Title: title, Status: StatusProblem, Result: fd.Title, Evidence: fd.Evidence, Why: fd.Why, Next: next, Findings: []string{id}}
	}
	return Page{Title: title, Status: StatusOK, Result: okResult, Next: next}
}

// conclude ends a walk with the present findings among ids: their next steps and actions, after the
// wizard's own steps.
func conclude(f *Facts, title, result, why string, steps []NextStep, actions []Action, ids ...string) Page {
	p := Page{Title: title, Status: StatusConclusion, Result: result, Why: why, NextSteps: steps, Actions: actions}
	for _, id := range ids {
		fd := f.Finding(id)
		if fd == nil {
			continue
		}
		p.Findings = append(p.Findings, id)
		for _, s := range fd.NextSteps {
			if !slices.Contains(p.NextSteps, s) {
				p.NextSteps = append(p.NextSteps, s)
			}
		}
		for _, a := range fd.Actions {
			p.Actions = addAction(p.Actions, a)
		}
	}
	return p
}

// addAction appends a unless an action of the same kind on the same pod is there.
func addAction(list []Action, a Action) []Action {
	for _, have := range list {
		if have.Kind == a.Kind && have.Pod == a.Pod {
			return list
		}
	}
	return append(list, a)
}

// question asks the person; the command is run on the node unless onNode is false.
func question(title, why, command string, onNode bool, answers ...Answer) Page {
	return Page{Title: title, Status: StatusQuestion, Why: why, Command: command, OnNode: onNode, Answers: answers}
}

// info is a page that shows facts and continues.
func info(title, result string, evidence []string, next string) Page {
	return Page{Title: title, Status: StatusInfo, Result: result, Evidence: evidence, Next: next}
}

// Wizard IDs.
const (
	WizardNotReady      = "not-ready"
	WizardPodsWontStart = "pods-wont-start"
	WizardPressure      = "pressure"
	WizardWontSchedule  = "wont-schedule"
	WizardMaintenance   = "maintenance"
)

// Wizards lists the guided flows in the catalogue's order.
func Wizards() []*Wizard {
	return []*Wizard{notReadyWizard(), podsWontStartWizard(), pressureWizard(), wontScheduleWizard(), maintenanceWizard()}
}

// WizardByID returns the wizard with the ID, or nil.
func WizardByID(id string) *Wizard {
	for _, w := range Wizards() {
		if w.ID == id {
			return w
		}
	}
	return nil
}

// Propose picks the wizard that fits the node's findings, with the reason in a few words.
func Propose(findings []Finding) (wizard, reason string) {
	has := func(ids ...string) string {
		for _, f := range findings {
			if slices.Contains(ids, f.ID) {
				return f.ID
			}
		}
		return ""
	}
	switch {
	case has(IDNodeUnreachable, IDNodeNotReady, IDPLEGUnhealthy, IDRuntimeDown, IDCNINotReady) != "":
		return WizardNotReady, fmt.Sprintf("the node is not Ready (%s)", has(IDNodeUnreachable, IDNodeNotReady, IDPLEGUnhealthy, IDRuntimeDown, IDCNINotReady))
	case has(IDMemoryPressure, IDDiskPressure, IDInodePressure, IDPIDPressure) != "":
		return WizardPressure, "the node is under pressure (" + has(IDMemoryPressure, IDDiskPressure, IDInodePressure, IDPIDPressure) + ")"
	case has(IDPodIPExhausted, IDCgroupLeak, IDVolumeProblems) != "":
		return WizardPodsWontStart, "pods cannot start here (" + has(IDPodIPExhausted, IDCgroupLeak, IDVolumeProblems) + ")"
	case has(IDInsufficientResources, IDCordoned) != "":
		return WizardWontSchedule, "pods may not be scheduled here (" + has(IDInsufficientResources, IDCordoned) + ")"
	}
	return WizardMaintenance, "no problem found; planned work is the likely reason"
}
