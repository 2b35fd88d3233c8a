package diag

import "fmt"

// maintenanceAnnotation is where ktriage records a maintenance flow on the node (see the cluster
// package, which owns its format).
const maintenanceAnnotation = "ktriage.io/maintenance"

// maintenanceWizard: planned work on the node, seed 000's recovery end to end.
func maintenanceWizard() *Wizard {
	return &Wizard{
		ID: WizardMaintenance, Title: "Planned maintenance", Start: "state",
		Purpose: "take the node out safely, reboot or repair it, bring it back: cordon → drain → work → Ready with a new boot → uncordon",
		Steps: map[string]Step{
			"state":      mwState,
			"moves":      mwMoves,
			"work":       mwWork,
			"end-reboot": mwEndReboot,
			"end-repair": mwEndRepair,
		},
	}
}

func mwState(f *Facts) Page {
	n := f.Evidence.Node
	p := Page{Title: "Where is the node now?", Status: StatusInfo, Next: "moves",
		Why: "The flow is recorded on the node, so it resumes where it stopped, on anyone's screen."}
	switch {
	case n.Annotations[maintenanceAnnotation] != "":
		p.Result = "A maintenance flow is already under way; the flow resumes at its current step"
		p.Evidence = []string{"annotation " + maintenanceAnnotation + ": " + n.Annotations[maintenanceAnnotation]}
	case n.Spec.Unschedulable:
		p.Result = "Cordoned, not yet in a maintenance flow"
	default:
		p.Result = "In service: schedulable, no maintenance under way"
	}
	p.Evidence = append(p.Evidence, "boot ID "+n.Status.NodeInfo.BootID)
	return p
}

func mwMoves(f *Facts) Page {
	ev := f.Evidence
	var agents, local, bare, moved int
	for _, p := range ev.activePods() {
		kind, _ := controller(p)
		switch {
		case kind == "DaemonSet" || mirror(p):
			agents++
			continue
		case kind == "":
			bare++
		}
		moved++
		for _, v := range p.Spec.Volumes {
			if v.EmptyDir != nil {
				local++
				break
			}
		}
	}
	evidence := []string{
		fmt.Sprintf("%d pods will be evicted and recreated elsewhere by their controllers", moved-bare),
		fmt.Sprintf("%d node agents (DaemonSet and static pods) stay", agents),
	}
	if bare > 0 {
		evidence = append(evidence, fmt.Sprintf("%d pods have no controller: they are gone for good once evicted (the drain needs --force)", bare))
	}
	if local > 0 {
		evidence = append(evidence, fmt.Sprintf("%d pods keep data in emptyDir volumes, which is deleted with them", local))
	}
	return Page{Title: "What will a drain move?", Status: StatusInfo, Result: fmt.Sprintf("%d pods move, %d stay", moved, agents), Evidence: evidence, Next: "work",
		Why: "The drain evicts through the eviction API, so PodDisruptionBudgets are honoured; the preview in the drain dialog names any budget that would make it wait."}
}

func mwWork(f *Facts) Page {
	return question("Will the work restart the machine?",
		"After a reboot the flow waits until the node is Ready with a new boot ID, so the uncordon never happens on a machine that did not come back.",
		"", false,
		Answer{"Yes: a reboot (kernel, firmware, leaked cgroups)", "end-reboot"},
		Answer{"No: a repair without a reboot", "end-repair"})
}

func mwEndReboot(f *Facts) Page {
	return conclude(f, "Run the maintenance flow with a reboot",
		"Cordon → drain (preview first) → reboot → wait for Ready with a new boot ID → uncordon",
		"Each step waits for the last: nothing is uncordoned before the node came back.",
		[]NextStep{{Text: "When the flow says the node is drained, reboot it", Command: "systemctl reboot", OnNode: true}},
		[]Action{maintenance()}, IDCgroupLeak)
}

func mwEndRepair(f *Facts) Page {
	p := conclude(f, "Run the maintenance flow without a reboot",
		"Cordon → drain (preview first) → repair → skip the reboot wait → uncordon",
		"The flow asks before skipping the reboot wait, so an uncordon never comes by accident.",
		nil, []Action{maintenance(), cordon(), drain()})
	if f.Evidence.Node.Spec.Unschedulable {
		p.Actions = append(p.Actions, uncordon())
	}
	return p
}
