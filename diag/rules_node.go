package diag

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// Rules about the node as a whole not working: unreachable, PLEG, runtime, CNI, plain NotReady.

// conditionEvidence quotes a condition: type=status, reason, since when, message verbatim.
func (ev *Evidence) conditionEvidence(c *corev1.NodeCondition) string {
	s := fmt.Sprintf("condition %s=%s", c.Type, c.Status)
	if c.Reason != "" {
		s += " (" + c.Reason + ")"
	}
	if !c.LastTransitionTime.IsZero() {
		s += " for " + ago(ev.Now, c.LastTransitionTime.Time)
	}
	if c.Message != "" {
		s += ": " + quote(c.Message)
	}
	return s
}

// quote renders a message from the cluster in double quotes, verbatim.
func quote(s string) string { return `"` + s + `"` }

func (ev *Evidence) taint(key string) *corev1.Taint {
	for i, t := range ev.Node.Spec.Taints {
		if t.Key == key {
			return &ev.Node.Spec.Taints[i]
		}
	}
	return nil
}

func (ev *Evidence) taintEvidence(t *corev1.Taint) string {
	s := "taint " + t.Key + ":" + string(t.Effect)
	if t.TimeAdded != nil {
		s += " added " + ago(ev.Now, t.TimeAdded.Time) + " ago"
	}
	return s
}

// terminatingPods are the node's pods whose deletion was requested but that have not finished.
func (ev *Evidence) terminatingPods() []*corev1.Pod {
	var out []*corev1.Pod
	for _, p := range ev.activePods() {
		if p.DeletionTimestamp != nil {
			out = append(out, p)
		}
	}
	return out
}

func checkUnreachable(d *diagnosis) []Finding {
	ev := d.ev
	var evidence []string
	silent := time.Duration(0)
	if c := ev.condition(corev1.NodeReady); c != nil && c.Status == corev1.ConditionUnknown {
		evidence = append(evidence, ev.conditionEvidence(c))
		d.readyExplained = true
	}
	if d.hb.Stale {
		silent = ev.Now.Sub(d.hb.Last)
		if d.hb.FromLease {
			evidence = append(evidence, fmt.Sprintf("Lease %s/%s last renewed %s ago; a renewal is valid for %s",
				"kube-node-lease", ev.nodeName(), ago(ev.Now, d.hb.Last), d.hb.Duration))
		} else {
			evidence = append(evidence, fmt.Sprintf("the Ready condition's heartbeat was last posted %s ago", ago(ev.Now, d.hb.Last)))
		}
	}
	if t := ev.taint(corev1.TaintNodeUnreachable); t != nil {
		evidence = append(evidence, ev.taintEvidence(t))
	}
	if len(evidence) == 0 {
		return nil
	}
	if n := len(ev.terminatingPods()); n > 0 {
		evidence = append(evidence, fmt.Sprintf("%d pods are Terminating and stay so until the kubelet returns", n))
	}
	title, label := "The node is unreachable: the kubelet stopped reporting", "unreachable"
	if silent > 0 {
		title = "The node is unreachable: no heartbeat for " + ago(ev.Now, d.hb.Last)
		label = "unreachable " + ago(ev.Now, d.hb.Last)
	}
	return []Finding{{
		ID: IDNodeUnreachable, Severity: SeverityCritical, Title: title, Label: label, Evidence: evidence,
		Why: "The control plane has not heard from this node's kubelet. Either the machine is down, the kubelet " +
			"is dead or hung, or the network between the node and the API server is cut. Nothing on the node can " +
			"be managed: its pods are marked for deletion after five minutes but stay Terminating until the kubelet " +
			"confirms, and their replacements may not start if they need the same volume or name.",
		NextSteps: []NextStep{
			{Text: "Check whether the machine is up: ping it, or open its console in your cloud or hypervisor",
				Command: "ping -c 3 " + nodeAddress(ev.Node)},
			{Text: "If it is up, see whether the kubelet runs", Command: "systemctl status kubelet", OnNode: true},
			{Text: "Read why it stopped", Command: "journalctl -u kubelet --since '-1h' | tail -200", OnNode: true},
			{Text: "Pods on it stay Terminating until it returns; drain with skip-wait-for-delete to move on, " +
				"and force-delete a pod only once the node is known to be dead"},
		},
		Actions: []Action{cordon(), {Kind: ActDrain, SkipWaitForDelete: true,
			Label: "drain without waiting for deletions the dead kubelet will never confirm"}},
	}}
}

// nodeAddress is the node's internal IP, or its name.
func nodeAddress(n *corev1.Node) string {
	for _, a := range n.Status.Addresses {
		if a.Type == corev1.NodeInternalIP {
			return a.Address
		}
	}
	return n.Name
}

// plegPattern reads "pleg was last seen active 3m12.5s ago; threshold is 3m0s".
var plegPattern = regexp.MustCompile(`pleg was last seen active ((?:[0-9]+(?:\.[0-9]+)?(?:ns|us|µs|ms|h|m|s))+) ago; threshold is ((?:[0-9]+(?:\.[0-9]+)?(?:ns|us|µs|ms|h|m|s))+)`)

// ParsePLEG reads the durations of a "PLEG is not healthy" message; ok is false when it has none.
func ParsePLEG(message string) (lastActive, threshold time.Duration, ok bool) {
	m := plegPattern.FindStringSubmatch(message)
	if m == nil {
		return 0, 0, false
	}
	last, err1 := time.ParseDuration(m[1])
	thr, err2 := time.ParseDuration(m[2])
	return last, thr, err1 == nil && err2 == nil
}

const plegNotHealthy = "PLEG is not healthy"

func checkPLEG(d *diagnosis) []Finding {
	ev := d.ev
	var evidence []string
	label := "PLEG not healthy"
	title := "The kubelet's pod lifecycle loop (PLEG) is stuck"
	if c := ev.condition(corev1.NodeReady); c != nil && c.Status != corev1.ConditionTrue && containsAny(c.Message, plegNotHealthy) {
		evidence = append(evidence, ev.conditionEvidence(c))
		d.readyExplained = true
		if last, thr, ok := ParsePLEG(c.Message); ok {
			label = "PLEG stuck " + last.Truncate(time.Second).String()
			title = fmt.Sprintf("PLEG not healthy: last active %s ago, the threshold is %s", last.Truncate(time.Second), thr)
		}
	}
	if ev.readyStatus() != corev1.ConditionTrue {
		for _, line := range ev.kubeletLog() {
			// 1.12 logs "skipping pod synchronization - [PLEG is not healthy: …]", newer kubelets
			// "Skipping pod synchronization" err="[PLEG is not healthy: …]".
			if strings.Contains(strings.ToLower(line), "skipping pod synchronization") && strings.Contains(line, plegNotHealthy) {
				evidence = append(evidence, "kubelet log: "+quote(line))
				break
			}
		}
	}
	if len(evidence) == 0 {
		return nil
	}
	active := len(ev.activePods())
	maxPods := ev.maxPods()
	if maxPods > 0 {
		evidence = append(evidence, fmt.Sprintf("%d pods on the node; maxPods is %d", active, maxPods))
	}
	if n := len(ev.terminatingPods()); n > 0 {
		evidence = append(evidence, fmt.Sprintf("%d pods are stuck Terminating", n))
	}
	kubelet := ev.Node.Status.NodeInfo.KubeletVersion
	old := false
	if v, ok := parseVersion(kubelet); ok && v.lessThan(1, 14) {
		old = true
		evidence = append(evidence, "kubelet "+kubelet+" predates the fix for the PLEG deadlock (kubernetes PR 72709, released in 1.14)")
	}
	blocked := false
	if g := ev.Kubelet.goroutines(); g != nil {
		evidence = append(evidence, plegGoroutineEvidence(g))
		if g.PLEGBlockedOnEventChannel {
			blocked = true
			if last, thr, ok := ParsePLEG(ev.readyMessage()); ok {
				title = fmt.Sprintf("PLEG not healthy: the relist loop is blocked sending to the PLEG event channel "+
					"(last active %s ago, the threshold is %s)", last.Truncate(time.Second), thr)
			} else {
				title = "PLEG not healthy: the relist loop is blocked sending to the PLEG event channel"
			}
		}
	}
	runtime := runtimeName(ev.Node)
	steps := []NextStep{
		{Text: "Compare the pods on the node with maxPods: a high maxPods and pod churn overflow the PLEG's event channel"},
		{Text: "Look for goroutines parked in the relist loop in the kubelet's goroutine dump",
			Command: fmt.Sprintf(`kubectl get --raw "/api/v1/nodes/%s/proxy/debug/pprof/goroutine?debug=1" | grep -B2 -A12 'GenericPLEG'`, ev.nodeName())},
		{Text: "Check the container runtime answers", Command: "crictl ps | head", OnNode: true},
		{Text: "Restart the container runtime, then the kubelet", Command: "systemctl restart " + runtime + " && systemctl restart kubelet", OnNode: true},
	}
	if old {
		steps = append(steps, NextStep{Text: "Upgrade the kubelet to 1.14 or newer; until then keep maxPods at 110 and the pod churn low"})
	}
	if strings.Contains(ev.Node.Status.NodeInfo.OSImage, "CentOS Linux 7") {
		steps = append(steps, NextStep{Text: "On CentOS 7.6, systemd-219-62.el7_6 is known to wedge the kubelet; upgrade systemd if that is the version",
			Command: "rpm -q systemd", OnNode: true})
	}
	why := "The kubelet checks every second which containers started or stopped (the pod lifecycle event " +
		"generator, PLEG). When one pass takes longer than the threshold the kubelet declares itself not " +
		"ready and stops starting, stopping and probing pods. Usually the container runtime answers too " +
		"slowly, or, on kubelets before 1.14, heavy pod churn filled the PLEG's 1000-slot event channel and " +
		"the kubelet deadlocked."
	if blocked {
		why = "The kubelet's goroutine dump shows the PLEG relist loop blocked sending to the PLEG event channel. " +
			"That channel holds 1000 events and its only reader is the kubelet's sync loop, which skips its work " +
			"while PLEG is unhealthy: the channel stays full, the relist never finishes, and PLEG stays unhealthy — " +
			"a deadlock that does not clear by itself. Heavy pod churn fills the channel (seed 001: maxPods raised " +
			"to 600 with pods created and deleted in bulk). Kubernetes 1.14 fixed it (PR 72709) by dropping events " +
			"when the channel is full; until then only a kubelet restart ends it."
		steps = append([]NextStep{{Text: "Restart the kubelet: the deadlock does not clear by itself",
			Command: "systemctl restart kubelet", OnNode: true}}, steps...)
	}
	return []Finding{{
		ID: IDPLEGUnhealthy, Severity: SeverityCritical, Title: title, Label: label, Evidence: evidence,
		Why:       why,
		NextSteps: steps,
		Actions:   []Action{cordon(), drain(), nodeLog("kubelet"), goroutines(), nodeShell()},
	}}
}

func (ev *Evidence) kubeletLog() []string {
	if ev.Kubelet == nil {
		return nil
	}
	return ev.Kubelet.Log
}

// goroutines is the summary of the kubelet's goroutine dump: the caller's when it made one, else
// summarised here; nil without a dump.
func (k *KubeletFacts) goroutines() *GoroutineSummary {
	switch {
	case k == nil:
		return nil
	case k.Goroutines != nil:
		return k.Goroutines
	case k.GoroutineDump != "":
		s := SummariseGoroutines(k.GoroutineDump)
		return &s
	}
	return nil
}

// plegGoroutineEvidence quotes what the goroutine dump says about the relist loop: "kubelet goroutine
// dump: 2814 goroutines; 1 goroutine stack in pleg.(*GenericPLEG).relist, blocked sending to the PLEG
// event channel (pkg/kubelet/pleg/generic.go:261)".
func plegGoroutineEvidence(g *GoroutineSummary) string {
	s := fmt.Sprintf("kubelet goroutine dump: %d goroutines; ", g.Total)
	switch g.PLEGRelist {
	case 0:
		return s + "none in pleg.(*GenericPLEG).relist: the relist loop is not stuck in a pass right now"
	case 1:
		s += "1 goroutine stack in pleg.(*GenericPLEG).relist"
	default:
		s += fmt.Sprintf("%d goroutine stacks in pleg.(*GenericPLEG).relist", g.PLEGRelist)
	}
	switch {
	case g.PLEGBlockedOnEventChannel && g.PLEGRelist > 1:
		s += ", one of them blocked sending to the PLEG event channel"
	case g.PLEGBlockedOnEventChannel:
		s += ", blocked sending to the PLEG event channel"
	}
	if g.PLEGFrame != "" {
		s += " (" + g.PLEGFrame + ")"
	}
	return s
}

// maxPods is the kubelet's maxPods from its configuration when fetched, else the allocatable pods.
func (ev *Evidence) maxPods() int64 {
	if ev.Kubelet != nil && ev.Kubelet.MaxPods > 0 {
		return int64(ev.Kubelet.MaxPods)
	}
	if q, ok := ev.Node.Status.Allocatable[corev1.ResourcePods]; ok {
		return q.Value()
	}
	if q, ok := ev.Node.Status.Capacity[corev1.ResourcePods]; ok {
		return q.Value()
	}
	return 0
}

// runtimeName is the container runtime's systemd unit name ("containerd", "docker", "crio").
func runtimeName(n *corev1.Node) string {
	v := n.Status.NodeInfo.ContainerRuntimeVersion
	name, _, found := strings.Cut(v, "://")
	switch {
	case !found || name == "":
		return "containerd"
	case name == "cri-o":
		return "crio"
	}
	return name
}

// runtimeDownMessages are Ready messages that say the container runtime is not working.
var runtimeDownMessages = []string{"container runtime is down", "container runtime not ready", "RuntimeReady=false",
	"container runtime status check may not have completed yet"}

// runtimeConditions are node-problem-detector conditions that mean the runtime is broken.
var runtimeConditions = []string{"ContainerRuntimeUnhealthy", "FrequentContainerdRestart", "FrequentDockerRestart", "FrequentCrioRestart"}

func checkRuntimeDown(d *diagnosis) []Finding {
	ev := d.ev
	var evidence []string
	if c := ev.condition(corev1.NodeReady); c != nil && c.Status != corev1.ConditionTrue && containsAny(c.Message, runtimeDownMessages...) {
		evidence = append(evidence, ev.conditionEvidence(c))
		d.readyExplained = true
	}
	for _, name := range runtimeConditions {
		if c := ev.condition(corev1.NodeConditionType(name)); c != nil && c.Status == corev1.ConditionTrue {
			evidence = append(evidence, ev.conditionEvidence(c))
			d.claimedConditions[name] = true
		}
	}
	if len(evidence) == 0 {
		return nil
	}
	runtime := runtimeName(ev.Node)
	restarts := ev.nodeEvents(func(e *corev1.Event) bool {
		return containsAny(e.Reason, "ContainerdStart", "DockerStart", "CrioStart") || containsAny(e.Message, "Starting containerd", "Starting Docker")
	})
	evidence = append(evidence, ev.quoteEvents(restarts, 2)...)
	if n := len(ev.terminatingPods()); n > 0 {
		evidence = append(evidence, fmt.Sprintf("%d pods are Terminating: without a runtime the kubelet cannot stop their containers", n))
	}
	dataDir := "/var/lib/" + runtime
	return []Finding{{
		ID: IDRuntimeDown, Severity: SeverityCritical, Title: "The container runtime (" + runtime + ") is down or crash-looping",
		Label: runtime + " down", Evidence: evidence,
		Why: "The kubelet starts and stops every container through the container runtime. With the runtime " +
			"dead or restarting over and over, no pod can start, stop or be probed on this node, so the kubelet " +
			"reports NotReady. A common cause is a runtime state directory holding millions of small files, which " +
			"makes every start take longer than the watchdog allows.",
		NextSteps: []NextStep{
			{Text: "See whether the runtime runs and how often it restarted", Command: "systemctl status " + runtime, OnNode: true},
			{Text: "Read why it fails", Command: "journalctl -u " + runtime + " --since '-1h' | tail -200", OnNode: true},
			{Text: "Count the files in its state directory", Command: "find " + dataDir + " -xdev | wc -l", OnNode: true},
			{Text: "If the state directory is the problem, move it aside instead of deleting it (deleting millions of files takes 30–60 minutes)",
				Command: "systemctl stop " + runtime + " && mv " + dataDir + " " + dataDir + ".broken && systemctl start " + runtime, OnNode: true},
			{Text: "Afterwards check for leaked pod IPs (pod-ip-exhausted): wiping the runtime's state leaves the CNI's address reservations behind"},
		},
		Actions: []Action{cordon(), drain(), nodeLog(runtime), nodeLog("kubelet"), nodeShell()},
	}}
}

// cniDaemonSets name the node agents of common CNI plugins by their DaemonSet names. Names only:
// a prefix would take aws-node-termination-handler or cilium-envoy for a CNI agent.
var cniDaemonSets = map[string]bool{"calico-node": true, "kube-flannel-ds": true, "flannel": true, "cilium": true,
	"weave-net": true, "canal": true, "rke2-canal": true, "kube-router": true, "aws-node": true, "antrea-agent": true,
	"kube-ovn-cni": true, "ovnkube-node": true, "anetd": true, "azure-cns": true, "terway": true}

// cniNotReadyMessages are Ready messages that say pod networking is not set up.
var cniNotReadyMessages = []string{"network plugin is not ready", "cni config uninitialized", "NetworkPluginNotReady",
	"cni plugin not initialized", "NetworkReady=false", "network is not ready"}

// isCNIPod reports whether the pod is the node agent of a CNI plugin.
func isCNIPod(p *corev1.Pod) bool {
	kind, owner := controller(p)
	if kind != "DaemonSet" {
		return false
	}
	// Old flannel manifests suffix the architecture: kube-flannel-ds-amd64.
	return cniDaemonSets[owner] || strings.HasPrefix(owner, "kube-flannel-ds-")
}

// podHealthEvidence describes what is wrong with an agent pod; "" when it is Running and Ready.
func (ev *Evidence) podHealthEvidence(p *corev1.Pod, notReadyCounts bool) string {
	reasons := waitingReasons(p)
	recent, restarts := restartedWithin(p, ev.Now, recentWindow)
	var problems []string
	if len(reasons) > 0 {
		problems = append(problems, "waiting: "+strings.Join(reasons, ", "))
	}
	// One restart a while ago of a pod that is Ready again is routine; repeated or unrecovered ones are not.
	if recent && (restarts >= 3 || !podReady(p)) || slices.Contains(reasons, "CrashLoopBackOff") {
		problems = append(problems, fmt.Sprintf("%d restarts", restarts))
	}
	if notReadyCounts && p.Status.Phase == corev1.PodRunning && !podReady(p) && len(reasons) == 0 {
		problems = append(problems, "Running but not Ready")
	}
	if p.Status.Phase != corev1.PodRunning && p.Status.Phase != corev1.PodPending {
		problems = append(problems, "phase "+string(p.Status.Phase))
	}
	if len(problems) == 0 {
		return ""
	}
	s := "pod " + podKey(p) + ": " + strings.Join(problems, "; ")
	if msg := waitingMessage(p); msg != "" {
		s += ": " + quote(msg)
	}
	return s
}

func checkCNI(d *diagnosis) []Finding {
	ev := d.ev
	var evidence []string
	if c := ev.condition(corev1.NodeReady); c != nil && c.Status == corev1.ConditionFalse && containsAny(c.Message, cniNotReadyMessages...) {
		evidence = append(evidence, ev.conditionEvidence(c))
		d.readyExplained = true
	}
	if c := ev.condition(corev1.NodeNetworkUnavailable); c != nil && c.Status == corev1.ConditionTrue {
		evidence = append(evidence, ev.conditionEvidence(c))
	}
	var broken []*corev1.Pod
	if ev.readyStatus() != corev1.ConditionUnknown { // an unreachable node's pods are all marked not ready
		for _, p := range ev.activePods() {
			if !isCNIPod(p) || p.DeletionTimestamp != nil {
				continue
			}
			// On a NotReady node every pod is marked unready; only a crash says the agent itself is broken.
			if s := ev.podHealthEvidence(p, ev.readyStatus() == corev1.ConditionTrue); s != "" {
				broken = append(broken, p)
				evidence = append(evidence, s)
				probe := ev.podEvents(p, func(e *corev1.Event) bool { return e.Type == corev1.EventTypeWarning })
				evidence = append(evidence, ev.quoteEvents(probe, 3)...)
			}
		}
	}
	if len(evidence) == 0 {
		return nil
	}
	f := Finding{
		ID: IDCNINotReady, Severity: SeverityCritical, Title: "Pod networking (CNI) is not working on this node",
		Label: "network not ready", Evidence: evidence, Pods: podKeys(broken),
		Why: "Every pod that is not on the host network gets its address and routes from the CNI plugin's agent " +
			"on the node. While that agent is down no new pod can get a network, the kubelet reports the node " +
			"NotReady, and pods already running may lose connectivity to the rest of the cluster.",
		Actions: []Action{nodeShell()},
	}
	for _, p := range broken {
		d.claimedPods[podKey(p)] = true
		f.Title = "The CNI agent " + podKey(p) + " is not working, so pod networking is down"
		f.NextSteps = append(f.NextSteps,
			NextStep{Text: "Read the agent's logs", Command: "kubectl logs -n " + p.Namespace + " " + p.Name + " --all-containers --tail=200"},
			NextStep{Text: "Read the logs of its last crash", Command: "kubectl logs -n " + p.Namespace + " " + p.Name + " --all-containers --previous --tail=200"},
			NextStep{Text: "Read its events", Command: "kubectl describe pod -n " + p.Namespace + " " + p.Name})
		f.Actions = append(logActions(p), f.Actions...)
	}
	if len(broken) == 0 {
		f.NextSteps = append(f.NextSteps,
			NextStep{Text: "Find the CNI agent pod on this node", Command: "kubectl get pods -A -o wide --field-selector spec.nodeName=" + ev.nodeName()},
			NextStep{Text: "Check the CNI configuration is in place", Command: "ls -l /etc/cni/net.d/ /opt/cni/bin/", OnNode: true})
	}
	return []Finding{f}
}

func checkNotReady(d *diagnosis) []Finding {
	ev := d.ev
	c := ev.condition(corev1.NodeReady)
	if c == nil || c.Status != corev1.ConditionFalse {
		return nil
	}
	if d.readyExplained || d.has(IDNodeUnreachable) {
		return nil
	}
	// A Ready=False without a message says nothing a specific finding does not say better.
	if c.Message == "" && (d.has(IDPLEGUnhealthy) || d.has(IDRuntimeDown) || d.has(IDCNINotReady)) {
		return nil
	}
	msg := c.Message
	if msg == "" {
		msg = c.Reason
	}
	return []Finding{{
		ID: IDNodeNotReady, Severity: SeverityCritical, Title: "The kubelet reports the node not ready: " + msg,
		Label: "NotReady", Evidence: []string{ev.conditionEvidence(c)},
		Why: "The kubelet is running and talking to the API server, but says it cannot run pods. The Ready " +
			"message above is its own explanation; the kubelet's log says more.",
		NextSteps: []NextStep{
			{Text: "Read the kubelet's log around the time it went NotReady", Command: "journalctl -u kubelet --since '-1h' | tail -300", OnNode: true},
			{Text: "Check the runtime and the kubelet are both active", Command: "systemctl status kubelet " + runtimeName(ev.Node), OnNode: true},
		},
		Actions: []Action{cordon(), drain()},
	}}
}
