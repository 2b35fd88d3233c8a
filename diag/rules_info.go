package diag

import (
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// Rules that report what is worth knowing: node-problem-detector conditions, reboots, kubelet
// configuration and version, cordons.

// npdAdvice is the first next step for the NPD conditions ktriage knows.
var npdAdvice = map[string]NextStep{
	"KernelDeadlock":              {Text: "Read the kernel log for hung tasks", Command: "dmesg -T | grep -i -A5 'blocked for more than' | tail -60", OnNode: true},
	"ReadonlyFilesystem":          {Text: "Find the filesystem remounted read-only and why", Command: "grep ' ro,' /proc/mounts; dmesg -T | grep -i -E 'remount|I/O error' | tail -30", OnNode: true},
	"XfsShutdown":                 {Text: "Read the XFS errors", Command: "dmesg -T | grep -i xfs | tail -30", OnNode: true},
	"FrequentKubeletRestart":      {Text: "Read why the kubelet keeps restarting", Command: "journalctl -u kubelet --since '-1h' | grep -i -E 'fail|error|panic' | tail -50", OnNode: true},
	"FrequentDockerRestart":       {Text: "Read why dockerd keeps restarting", Command: "journalctl -u docker --since '-1h' | tail -100", OnNode: true},
	"FrequentContainerdRestart":   {Text: "Read why containerd keeps restarting", Command: "journalctl -u containerd --since '-1h' | tail -100", OnNode: true},
	"KubeletUnhealthy":            {Text: "Check the kubelet's health endpoint", Command: "curl -s localhost:10248/healthz; systemctl status kubelet", OnNode: true},
	"ContainerRuntimeUnhealthy":   {Text: "Check the container runtime answers", Command: "crictl info | head -30", OnNode: true},
	"CorruptDockerOverlay2":       {Text: "Read the overlay2 errors", Command: "journalctl -u docker --since '-1h' | grep -i overlay | tail -30", OnNode: true},
	"FrequentUnregisterNetDevice": {Text: "Read the kernel's unregister_netdevice messages", Command: "dmesg -T | grep unregister_netdevice | tail -20", OnNode: true},
	"DiskSizeCheckFailure":        {Text: "Check the disk size the check expects", Command: "lsblk; df -h", OnNode: true},
	"NTPProblem":                  {Text: "Check time synchronisation", Command: "systemctl status chronyd; chronyc tracking", OnNode: true},
}

func checkNPDConditions(d *diagnosis) []Finding {
	ev := d.ev
	ready := ev.readyStatus()
	var out []Finding
	for i := range ev.Node.Status.Conditions {
		c := &ev.Node.Status.Conditions[i]
		name := string(c.Type)
		if IsKubeletCondition(name) || d.claimedConditions[name] || !ConditionIsProblem(*c) {
			continue
		}
		sev, known := npdSeverity[name]
		f := Finding{ID: IDNPDCondition, Evidence: []string{ev.conditionEvidence(c)}, Label: name,
			Actions: []Action{cordon(), drain(), nodeShell()}}
		switch {
		case c.Status == corev1.ConditionUnknown:
			if ready != corev1.ConditionTrue {
				continue // every condition goes Unknown with the kubelet; node-unreachable says it
			}
			f.Severity, f.Label = SeverityWarning, name+": Unknown"
			f.Title = "The condition " + name + " is Unknown: whoever reports it (node-problem-detector?) stopped"
			f.Why = "A problem detector that stopped reporting hides the problems it would detect."
			f.NextSteps = []NextStep{{Text: "Check the node-problem-detector pod on this node", Command: "kubectl get pods -A -o wide --field-selector spec.nodeName=" + ev.nodeName() + " | grep -i problem"}}
			f.Actions = nil
		case ConditionPolarity(name) == HealthyWhenTrue:
			f.Severity, f.Label = SeverityWarning, name+"="+string(c.Status)
			f.Title = "The platform condition " + name + " is " + string(c.Status) + ": " + c.Reason
			f.Why = "This condition is published by the platform or an agent and is healthy when True; False means its check failed."
		case known:
			f.Severity = sev
			f.Title = "node-problem-detector reports " + name + ": " + c.Reason
			f.Why = "node-problem-detector watches the kernel log, systemd and health checks on the node and set this " +
				"condition because it found the problem it is named after. The message quotes what it saw."
			f.NextSteps = []NextStep{npdAdvice[name]}
		default:
			f.Severity = SeverityWarning
			f.Label = name + " (unknown condition)"
			f.Title = "Unknown condition " + name + " is True: " + c.Reason
			f.Why = "ktriage does not know this condition. Something on the node (a custom node-problem-detector " +
				"rule or a platform agent) reports a problem by setting it True; its message says what."
		}
		if c.Message != "" && c.Status != corev1.ConditionUnknown {
			f.NextSteps = append(f.NextSteps, NextStep{Text: "The reporter's own words: " + quote(c.Message)})
		}
		out = append(out, f)
	}
	return out
}

// recoveredWithin is how recent a return to Ready must be to report it.
const recoveredWithin = 10 * time.Minute

func checkRebooted(d *diagnosis) []Finding {
	ev := d.ev
	var evidence []string
	rebooted := false
	if events := ev.nodeEvents(reasonIs("Rebooted")); len(events) > 0 {
		rebooted = true
		evidence = append(evidence, ev.quoteEvents(events, 2)...)
	}
	if b := ev.BootChange; b != nil {
		rebooted = true
		evidence = append(evidence, fmt.Sprintf("boot ID changed %s ago, from %s to %s", ago(ev.Now, b.At), b.From, b.To))
	}
	if c := ev.condition(corev1.NodeReady); c != nil && c.Status == corev1.ConditionTrue && !c.LastTransitionTime.IsZero() &&
		ev.Now.Sub(c.LastTransitionTime.Time) <= recoveredWithin &&
		c.LastTransitionTime.Sub(ev.Node.CreationTimestamp.Time) > recoveredWithin { // a new node's first Ready is no recovery
		evidence = append(evidence, "Ready again since "+ago(ev.Now, c.LastTransitionTime.Time)+" ago")
	}
	if len(evidence) == 0 {
		return nil
	}
	title, label := "The node became Ready again recently", "recovered"
	if rebooted {
		title, label = "The node rebooted", "rebooted"
	}
	return []Finding{{
		ID: IDNodeRebooted, Severity: SeverityInfo, Title: title, Label: label, Evidence: evidence,
		Why: "A restart clears some problems (a hung kubelet, leaked cgroups) and hides their cause. If nobody " +
			"planned it, find out why the machine went down before it happens again.",
		NextSteps: []NextStep{
			{Text: "List the recent boots", Command: "last reboot | head -5; journalctl --list-boots | tail -5", OnNode: true},
			{Text: "Read the kernel log of the previous boot's last minutes", Command: "journalctl -k -b -1 | tail -80", OnNode: true},
		},
	}}
}

func checkAllocatableEnforcement(d *diagnosis) []Finding {
	ev := d.ev
	var evidence []string
	evidence = append(evidence, ev.quoteEvents(ev.nodeEvents(reasonIs("FailedNodeAllocatableEnforcement")), 2)...)
	if ev.Kubelet != nil && ev.Kubelet.CgroupsPerQOS != nil && !*ev.Kubelet.CgroupsPerQOS {
		evidence = append(evidence, "kubelet configuration: cgroupsPerQOS is false")
	}
	if len(evidence) == 0 {
		return nil
	}
	return []Finding{{
		ID: IDAllocatableEnforcement, Severity: SeverityWarning, Title: "Node Allocatable is not enforced",
		Label: "allocatable not enforced", Evidence: evidence,
		Why: "The kubelet reserves part of the machine for the system and itself (Node Allocatable) by putting " +
			"all pods in one cgroup with a limit. Without per-QoS cgroups that limit does not exist, so pods can " +
			"take the memory the kubelet and the runtime need, and the node falls over instead of evicting.",
		NextSteps: []NextStep{
			{Text: "Run the kubelet with --cgroups-per-qos=true --enforce-node-allocatable=pods (or cgroupsPerQOS: true in its config) and restart it",
				Command: "grep -n -E 'cgroupsPerQOS|enforceNodeAllocatable|cgroups-per-qos' /var/lib/kubelet/config.yaml /etc/systemd/system/kubelet.service.d/*", OnNode: true},
		},
	}}
}

// supportedSkew is how many minor versions a kubelet may be behind the API server.
const supportedSkew = 3

func checkVersionSkew(d *diagnosis) []Finding {
	ev := d.ev
	raw := ev.Node.Status.NodeInfo.KubeletVersion
	kubelet, ok := parseVersion(raw)
	if !ok {
		return nil
	}
	var evidence []string
	if kubelet.lessThan(1, 14) {
		evidence = append(evidence, "kubelet "+raw+" is older than 1.14 and carries known bugs (the PLEG deadlock among them)")
	}
	if server, ok := parseVersion(ev.Cluster.ServerVersion); ok {
		if behind := kubelet.minorsBehind(server); behind > supportedSkew {
			evidence = append(evidence, fmt.Sprintf("kubelet %s is %d minor versions behind the API server %s; at most %d are supported",
				raw, behind, ev.Cluster.ServerVersion, supportedSkew))
		} else if behind < 0 {
			evidence = append(evidence, fmt.Sprintf("kubelet %s is newer than the API server %s, which is not supported", raw, ev.Cluster.ServerVersion))
		}
	}
	if len(evidence) == 0 {
		return nil
	}
	return []Finding{{
		ID: IDKubeletVersionSkew, Severity: SeverityWarning, Title: "The kubelet's version is outside the supported skew",
		Label: "kubelet " + raw, Evidence: evidence,
		Why: "Kubernetes supports a kubelet up to three minor versions older than the API server and never newer. " +
			"Outside that, API changes may break it silently, and old kubelets carry bugs fixed long ago.",
		NextSteps: []NextStep{{Text: "Plan an upgrade: drain the node, upgrade the kubelet one minor version at a time (or replace the machine), uncordon"}},
	}}
}

func checkCordoned(d *diagnosis) []Finding {
	ev := d.ev
	if !ev.Node.Spec.Unschedulable {
		return nil
	}
	evidence := []string{"spec.unschedulable is true"}
	title := "The node is cordoned: no new pods land here"
	if t := ev.taint(corev1.TaintNodeUnschedulable); t != nil {
		evidence = append(evidence, ev.taintEvidence(t))
		if t.TimeAdded != nil {
			title = "The node has been cordoned for " + ago(ev.Now, t.TimeAdded.Time)
		}
	}
	return []Finding{{
		ID: IDCordoned, Severity: SeverityInfo, Title: title, Label: "cordoned", Evidence: evidence,
		Why: "A cordoned node keeps its pods but the scheduler places nothing new on it. That is right during " +
			"maintenance; a cordon forgotten afterwards quietly removes capacity.",
		Actions: []Action{uncordon()},
	}}
}
