package diag

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
)

// notReadyWizard is the entry point for a red node: heartbeat, then the Ready message, then the
// branch that explains it.
func notReadyWizard() *Wizard {
	return &Wizard{
		ID: WizardNotReady, Title: "Node is NotReady / Unknown", Start: "heartbeat",
		Purpose: "a red node: find out whether the kubelet is gone, stuck, or reporting a specific failure",
		Steps: map[string]Step{
			"heartbeat":           nrHeartbeat,
			"machine-up":          nrMachineUp,
			"kubelet-active":      nrKubeletActive,
			"end-down":            nrEndDown,
			"end-kubelet-dead":    nrEndKubeletDead,
			"end-kubelet-cut-off": nrEndKubeletCutOff,
			"ready-message":       nrReadyMessage,
			"pleg":                func(f *Facts) Page { return findingCheck(f, IDPLEGUnhealthy, "Is the PLEG stuck?", "", "pleg-runtime") },
			"pleg-runtime":        nrPLEGRuntime,
			"end-pleg":            nrEndPLEG,
			"end-pleg-runtime":    nrEndPLEGRuntime,
			"runtime":             nrRuntime,
			"end-runtime-down":    nrEndRuntimeDown,
			"end-runtime-socket":  nrEndRuntimeSocket,
			"cni":                 func(f *Facts) Page { return findingCheck(f, IDCNINotReady, "Is pod networking up?", "", "end-cni") },
			"end-cni":             nrEndCNI,
			"pressure":            nrPressure,
			"end-not-ready":       nrEndNotReady,
			"end-ready":           nrEndReady,
		},
	}
}

func nrHeartbeat(f *Facts) Page {
	title := "Is the kubelet still reporting?"
	if fd := f.Finding(IDNodeUnreachable); fd != nil {
		return Page{Title: title, Status: StatusProblem, Result: fd.Title, Evidence: fd.Evidence, Why: fd.Why, Next: "machine-up", Findings: []string{IDNodeUnreachable}}
	}
	hb := f.Evidence.heartbeat()
	result := "Yes: the kubelet's last heartbeat was " + ago(f.Evidence.Now, hb.Last) + " ago"
	if hb.Last.IsZero() {
		result = "Yes: its Ready condition is current"
	}
	return Page{Title: title, Status: StatusOK, Result: result, Next: "ready-message",
		Why: "A kubelet that renews its Lease is alive and can reach the API server, so the cause is on the node and the kubelet says what it is."}
}

func nrMachineUp(f *Facts) Page {
	return question("Does the machine answer?",
		"If the machine is down nothing on it can be fixed from Kubernetes; if it is up, the kubelet or the network is at fault.",
		"ping -c 3 "+nodeAddress(f.Evidence.Node)+"   (or look at its console in your cloud or hypervisor)", false,
		Answer{"Yes, it answers", "kubelet-active"},
		Answer{"No, or the console shows it down", "end-down"})
}

func nrKubeletActive(f *Facts) Page {
	return question("Is the kubelet running? (log in over SSH or the console)",
		"A machine that answers but does not report has either lost its kubelet or cannot reach the API server.",
		"systemctl is-active kubelet", true,
		Answer{"active", "end-kubelet-cut-off"},
		Answer{"inactive, failed or activating", "end-kubelet-dead"})
}

var skipWaitDrain = Action{Kind: ActDrain, SkipWaitForDelete: true, Label: "drain without waiting for deletions the dead kubelet will never confirm"}

func nrEndDown(f *Facts) Page {
	return conclude(f, "The machine is down or cut off", "Bring the machine back, or move its workloads away",
		"Its pods stay Terminating until the kubelet returns; replacements of StatefulSet pods wait for them. Once you know the machine is off, force-deleting them lets the replacements start.",
		[]NextStep{{Text: "Restart the machine from its console, cloud provider or hypervisor"}},
		[]Action{cordon(), skipWaitDrain}, IDNodeUnreachable, IDStuckTerminating)
}

func nrEndKubeletDead(f *Facts) Page {
	return conclude(f, "The kubelet is not running", "Find out why the kubelet stopped, then start it",
		"Without the kubelet nothing on the node is managed, and the control plane marks the node Unknown.",
		[]NextStep{
			{Text: "Read why it stopped", Command: "journalctl -u kubelet -b | tail -100", OnNode: true},
			{Text: "Start it and watch it come up", Command: "systemctl restart kubelet && journalctl -u kubelet -f", OnNode: true},
		}, []Action{cordon(), skipWaitDrain, nodeShell()}, IDNodeUnreachable)
}

func nrEndKubeletCutOff(f *Facts) Page {
	return conclude(f, "The kubelet runs but cannot reach the API server", "Find what blocks the kubelet's connection",
		"The kubelet keeps working locally but the control plane cannot see it: a firewall or network change, an expired client certificate, or an overloaded API server.",
		[]NextStep{
			{Text: "Look for connection errors in the kubelet's log", Command: "journalctl -u kubelet --since '-15min' | grep -i -E 'unable to|timeout|x509|refused' | tail -30", OnNode: true},
			{Text: "Check the kubelet's client certificate has not expired", Command: "openssl x509 -enddate -noout -in /var/lib/kubelet/pki/kubelet-client-current.pem", OnNode: true},
		}, []Action{cordon(), skipWaitDrain, nodeShell()}, IDNodeUnreachable)
}

func nrReadyMessage(f *Facts) Page {
	ev := f.Evidence
	p := Page{Title: "What does the kubelet say?", Status: StatusInfo,
		Why: "The kubelet explains itself in the Ready condition's message; the specific rules read it."}
	c := ev.condition(corev1.NodeReady)
	if c != nil {
		p.Evidence = []string{ev.conditionEvidence(c)}
	}
	switch {
	case f.Finding(IDPLEGUnhealthy) != nil:
		p.Result, p.Next, p.Status = "The pod lifecycle loop (PLEG) is stuck", "pleg", StatusProblem
	case f.Finding(IDRuntimeDown) != nil:
		p.Result, p.Next, p.Status = "The container runtime is down", "runtime", StatusProblem
	case f.Finding(IDCNINotReady) != nil:
		p.Result, p.Next, p.Status = "Pod networking is not ready", "cni", StatusProblem
	case f.Finding(IDMemoryPressure) != nil || f.Finding(IDDiskPressure) != nil || f.Finding(IDPIDPressure) != nil:
		p.Result, p.Next, p.Status = "The node is under resource pressure", "pressure", StatusProblem
	case c != nil && c.Status == corev1.ConditionFalse:
		p.Result, p.Next, p.Status = "NotReady for a reason no specific rule knows", "end-not-ready", StatusProblem
	default:
		p.Result, p.Next, p.Status = "The node is Ready", "end-ready", StatusOK
	}
	return p
}

func nrPLEGRuntime(f *Facts) Page {
	return question("Does the container runtime answer quickly?",
		"A PLEG pass waits for the runtime to list every container; a slow runtime is the usual reason it is late.",
		"time crictl ps | tail -3", true,
		Answer{"Yes, within a second or two", "end-pleg"},
		Answer{"It hangs, errors, or takes many seconds", "end-pleg-runtime"})
}

func nrEndPLEG(f *Facts) Page {
	return conclude(f, "The kubelet's PLEG is stuck while the runtime answers",
		"The kubelet itself is wedged: restart it, and look at what made it stall",
		"With the runtime answering, the stall is in the kubelet: on kubelets before 1.14 the known PLEG deadlock under pod churn, otherwise too many pods for the node.",
		nil, []Action{cordon(), drain(), goroutines(), nodeLog("kubelet"), nodeShell()}, IDPLEGUnhealthy, IDKubeletVersionSkew, IDStuckTerminating)
}

func nrEndPLEGRuntime(f *Facts) Page {
	return conclude(f, "The container runtime is too slow, so the PLEG is late",
		"Restart the container runtime, then the kubelet",
		"The kubelet can only be as fast as the runtime it asks; a runtime that hangs on listing containers stalls the PLEG.",
		[]NextStep{{Text: "Read why the runtime is slow", Command: "journalctl -u " + runtimeName(f.Evidence.Node) + " --since '-30min' | tail -100", OnNode: true}},
		[]Action{cordon(), drain(), nodeLog(runtimeName(f.Evidence.Node)), nodeShell()}, IDPLEGUnhealthy, IDRuntimeDown, IDStuckTerminating)
}

func nrRuntime(f *Facts) Page {
	rt := runtimeName(f.Evidence.Node)
	p := question(fmt.Sprintf("Is %s running?", rt),
		"The kubelet says it cannot reach the runtime. Either the runtime is dead or restarting, or it runs and the kubelet talks to the wrong socket.",
		"systemctl status "+rt, true,
		Answer{"active (running), and stays so", "end-runtime-socket"},
		Answer{"failed, inactive, or restarting again and again", "end-runtime-down"})
	if fd := f.Finding(IDRuntimeDown); fd != nil {
		p.Evidence = fd.Evidence
	}
	return p
}

func nrEndRuntimeDown(f *Facts) Page {
	return conclude(f, "The container runtime is down", "Get the runtime running again",
		"Without a runtime no container can start or stop on the node.",
		nil, []Action{cordon(), drain(), nodeLog(runtimeName(f.Evidence.Node)), nodeShell()}, IDRuntimeDown, IDStuckTerminating, IDPodIPExhausted)
}

func nrEndRuntimeSocket(f *Facts) Page {
	rt := runtimeName(f.Evidence.Node)
	return conclude(f, "The runtime runs but the kubelet cannot use it", "Check the kubelet talks to the runtime's socket",
		"A runtime that runs yet fails the kubelet's checks is usually listening elsewhere than the kubelet's --container-runtime-endpoint, or hangs on its CRI plugin.",
		[]NextStep{
			{Text: "Ask the runtime through the CRI, as the kubelet does", Command: "crictl info | head -40", OnNode: true},
			{Text: "Compare the kubelet's endpoint with the runtime's socket", Command: "grep -r -E 'container-runtime-endpoint|containerRuntimeEndpoint' /var/lib/kubelet/config.yaml /etc/systemd/system/kubelet.service.d/; ls -l /run/" + rt + "/", OnNode: true},
		}, []Action{cordon(), drain(), nodeShell()}, IDRuntimeDown)
}

func nrEndCNI(f *Facts) Page {
	return conclude(f, "Pod networking is down on this node", "Get the CNI agent running again; its logs say why it fails",
		"", nil, nil, IDCNINotReady, IDSystemPodUnhealthy)
}

func nrPressure(f *Facts) Page {
	for _, id := range []string{IDMemoryPressure, IDDiskPressure, IDPIDPressure} {
		if fd := f.Finding(id); fd != nil {
			return conclude(f, fd.Title, "Free the resource, or move load away; the Pressure wizard shows the heaviest pods",
				fd.Why, nil, nil, IDMemoryPressure, IDDiskPressure, IDInodePressure, IDPIDPressure)
		}
	}
	return conclude(f, "No pressure any more", "The pressure cleared; check the node is Ready again", "", nil, nil)
}

func nrEndNotReady(f *Facts) Page {
	return conclude(f, "The kubelet reports NotReady", "Read the kubelet's log for the cause it reports",
		"", nil, []Action{cordon(), drain(), nodeShell()}, IDNodeNotReady)
}

func nrEndReady(f *Facts) Page {
	p := conclude(f, "The node is Ready", "Nothing keeps the node from running pods now",
		"If it was NotReady a moment ago, it may flap: watch its events.", nil, nil, IDNodeRebooted, IDCordoned)
	return p
}
