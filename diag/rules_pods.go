package diag

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// Rules about pods on the node failing in ways that point at the node: no IPs, leaked cgroups, stuck
// deletions, broken node agents, storage, config watches.

// ipExhaustedMessages are sandbox errors of CNI plugins whose address pool is empty, in the wording
// of host-local (Calico, Flannel, bridge), Terway, Cilium, the AWS VPC CNI and Calico IPAM.
var ipExhaustedMessages = []string{
	"no IP addresses available in range set", "failed to allocate for range", "IpNotEnough",
	"No more IPs available", "failed to assign an IP address to container", "no more free affinity blocks",
	"range is full", "ipam exhausted",
}

// podFailureMessages are the waiting, terminated and event messages of a pod: where sandbox and
// container start errors show.
func (ev *Evidence) podFailureMessages(p *corev1.Pod) []string {
	var out []string
	for _, list := range [][]corev1.ContainerStatus{p.Status.InitContainerStatuses, p.Status.ContainerStatuses} {
		for _, c := range list {
			if c.State.Waiting != nil && c.State.Waiting.Message != "" {
				out = append(out, c.State.Waiting.Message)
			}
			if t := c.LastTerminationState.Terminated; t != nil && t.Message != "" && c.RestartCount > 0 {
				out = append(out, t.Message)
			}
		}
	}
	return out
}

// failingWith finds the node's unfinished pods whose warning events or container messages contain one
// of the fragments; for each it quotes the first such event (with its count) or message.
func (ev *Evidence) failingWith(match func(string) bool) (pods []*corev1.Pod, evidence []string) {
	for _, p := range ev.activePods() {
		// A pod that got running is past its start failures, however recent their events.
		if p.DeletionTimestamp != nil || p.Status.Phase == corev1.PodRunning && podReady(p) {
			continue
		}
		events := ev.podEvents(p, func(e *corev1.Event) bool { return e.Type == corev1.EventTypeWarning && match(e.Message) })
		if len(events) > 0 {
			pods = append(pods, p)
			evidence = append(evidence, ev.quoteEvent(events[0]))
			continue
		}
		for _, msg := range ev.podFailureMessages(p) {
			if match(msg) {
				pods = append(pods, p)
				evidence = append(evidence, "pod "+podKey(p)+": "+quote(msg))
				break
			}
		}
	}
	return pods, evidence
}

// limitEvidence keeps the first n lines and counts the rest.
func limitEvidence(lines []string, n int, what string) []string {
	if len(lines) <= n {
		return lines
	}
	return append(lines[:n:n], fmt.Sprintf("… and %d more %s", len(lines)-n, what))
}

func checkPodIPExhausted(d *diagnosis) []Finding {
	ev := d.ev
	pods, evidence := ev.failingWith(func(s string) bool { return containsAny(s, ipExhaustedMessages...) })
	if len(pods) == 0 {
		return nil
	}
	evidence = limitEvidence(evidence, 3, "pods failing the same way")
	using := 0
	for _, p := range ev.activePods() {
		if !p.Spec.HostNetwork && p.Status.PodIP != "" {
			using++
		}
	}
	leaked := false
	for _, cidr := range ev.Node.Spec.PodCIDRs {
		n, ok := cidrAddresses(cidr)
		if !ok || n >= 1<<24 {
			continue
		}
		line := fmt.Sprintf("%d running pods hold a pod-network address; the podCIDR %s has about %d", using, cidr, n)
		if using*2 < n {
			leaked = true
			line += ": far more addresses are reserved than pods run, so addresses leaked"
		}
		evidence = append(evidence, line)
	}
	why := "The CNI plugin hands every pod an address from this node's range (its podCIDR). The range is used " +
		"up, so new pods stay in ContainerCreating."
	if leaked {
		why += " Far fewer pods run than the range holds: the addresses of containers that no longer exist were " +
			"never released, typically after the container runtime's state was wiped or it crashed mid-delete."
	}
	return []Finding{{
		ID: IDPodIPExhausted, Severity: SeverityCritical, Title: fmt.Sprintf("The node has no pod IP addresses left (%d pods cannot start)", len(pods)),
		Label: "no pod IPs", Evidence: evidence, Pods: podKeys(pods), Why: why,
		NextSteps: []NextStep{
			{Text: "Compare the reserved addresses with the running sandboxes (the network name is in /etc/cni/net.d)",
				Command: "ls /var/lib/cni/networks/*/ | wc -l; crictl pods -q | wc -l", OnNode: true},
			{Text: "Each reservation file holds the container ID that owns the address; delete the files whose container no longer exists",
				Command: `for f in /var/lib/cni/networks/*/[0-9]*; do id=$(head -1 "$f"); crictl inspectp "$id" >/dev/null 2>&1 || echo "stale: $f"; done`, OnNode: true},
			{Text: "List host-side veth interfaces and delete those whose peer no running container owns", Command: "ip -o link show type veth", OnNode: true},
		},
		Actions: []Action{nodeShell()},
	}}
}

// cgroupFailure matches the errors of a kernel that cannot create another memory cgroup.
func cgroupFailure(s string) bool {
	return containsAny(s, "no space left on device") && containsAny(s, "cgroup") ||
		containsAny(s, "cannot allocate memory") && containsAny(s, "cgroup", "sandbox", "runc", "OCI runtime")
}

func checkCgroupLeak(d *diagnosis) []Finding {
	ev := d.ev
	kernel := ev.Node.Status.NodeInfo.KernelVersion
	if !kernel310.MatchString(kernel) || ev.conditionTrue(corev1.NodeDiskPressure) {
		return nil // only the 3.10 kernel leaks; "no space" on a full disk is disk-pressure
	}
	pods, evidence := ev.failingWith(cgroupFailure)
	if len(pods) == 0 {
		return nil
	}
	evidence = append([]string{"kernel " + kernel + " (" + ev.Node.Status.NodeInfo.OSImage + "), and the disk is not under pressure"},
		limitEvidence(evidence, 3, "pods failing the same way")...)
	return []Finding{{
		ID: IDCgroupLeak, Severity: SeverityCritical, Title: fmt.Sprintf("The 3.10 kernel leaked memory cgroups: %d pods cannot start", len(pods)),
		Label: "cgroup leak", Evidence: evidence, Pods: podKeys(pods),
		Why: "runc turns on kernel-memory accounting for every container, and the 3.10 kernel of CentOS/RHEL 7 " +
			"never frees the memory cgroups that uses. After many pods came and went the kernel cannot create " +
			"another one and reports \"no space left on device\" even though the disk has room. Only a reboot " +
			"frees them.",
		NextSteps: []NextStep{
			{Text: "Confirm: the memory cgroup count is near 65535", Command: "grep memory /proc/cgroups", OnNode: true},
			{Text: "Run the maintenance flow: cordon, drain (--ignore-daemonsets --delete-emptydir-data --force), reboot, wait for Ready, uncordon"},
			{Text: "Long term: a newer kernel, or boot with cgroup.memory=nokmem",
				Command: `grubby --update-kernel=ALL --args="cgroup.memory=nokmem"`, OnNode: true},
		},
		Actions: []Action{maintenance()},
	}}
}

// How long a pod may sit before it counts as stuck: starting (ContainerCreating, Pending on a node),
// and terminating past its grace period (deletionTimestamp already includes the grace period). The
// Pods tab's broken marks use the same limits.
const (
	StuckCreatingAfter    = 2 * time.Minute
	StuckTerminatingAfter = 5 * time.Minute
)

func checkStuckTerminating(d *diagnosis) []Finding {
	ev := d.ev
	var stuck []*corev1.Pod
	var evidence []string
	for _, p := range ev.terminatingPods() {
		if ev.Now.Sub(p.DeletionTimestamp.Time) <= StuckTerminatingAfter {
			continue
		}
		stuck = append(stuck, p)
		grace := int64(0)
		if p.DeletionGracePeriodSeconds != nil {
			grace = *p.DeletionGracePeriodSeconds
		}
		since := p.DeletionTimestamp.Add(-time.Duration(grace) * time.Second)
		evidence = append(evidence, fmt.Sprintf("pod %s Terminating for %s (grace period %ds)", podKey(p), ago(ev.Now, since), grace))
	}
	if len(stuck) == 0 {
		return nil
	}
	evidence = limitEvidence(evidence, 5, "stuck pods")
	dead := ev.readyStatus() == corev1.ConditionUnknown
	f := Finding{
		ID: IDStuckTerminating, Severity: SeverityWarning, Title: fmt.Sprintf("%d pods are stuck Terminating", len(stuck)),
		Label: fmt.Sprintf("%d stuck terminating", len(stuck)), Evidence: evidence, Pods: podKeys(stuck),
		Why: "Deleting a pod only marks it; the kubelet on its node must stop the containers and confirm. These " +
			"deletions are past their grace period, so the kubelet is not finishing them: it is hung, cannot reach " +
			"its container runtime, or the node is unreachable. Their replacements may wait for them (a " +
			"StatefulSet pod keeps its name, a volume stays attached).",
		NextSteps: []NextStep{{Text: "Fix the node-level problem first (see the related findings); the deletions then finish by themselves"}},
	}
	if dead {
		f.NextSteps = append(f.NextSteps, NextStep{Text: "Once the node is known to be dead (powered off, not just cut off), force-delete so replacements can start",
			Command: fmt.Sprintf("kubectl delete pod -n %s %s --grace-period=0 --force", stuck[0].Namespace, stuck[0].Name)})
		for i, p := range stuck {
			if i == 3 {
				break
			}
			f.Actions = append(f.Actions, Action{Kind: ActDeletePod, Pod: podKey(p), Force: true, Label: "force-delete " + podKey(p)})
		}
	} else {
		f.NextSteps = append(f.NextSteps, NextStep{Text: "See what the kubelet does with them", Command: "journalctl -u kubelet --since '-30min' | grep -i -E 'kill|terminat' | tail -50", OnNode: true})
	}
	return []Finding{f}
}

func checkSystemPods(d *diagnosis) []Finding {
	ev := d.ev
	ready := ev.readyStatus()
	if ready == corev1.ConditionUnknown {
		return nil // every pod of an unreachable node is marked not ready; that is node-unreachable
	}
	var broken []*corev1.Pod
	var evidence []string
	for _, p := range ev.activePods() {
		if !nodeAgent(p) || p.DeletionTimestamp != nil || d.claimedPods[podKey(p)] {
			continue
		}
		// On a NotReady node a merely unready agent is a consequence; crashes still count.
		if s := ev.podHealthEvidence(p, ready == corev1.ConditionTrue); s != "" {
			broken = append(broken, p)
			evidence = append(evidence, s)
		}
	}
	keys := slices.Sorted(maps.Keys(ev.PodLogs)) // a stable order, so the output is too
	for _, key := range keys {
		for _, line := range ev.PodLogs[key] {
			if strings.Contains(line, "error looking for path of conntrack") {
				evidence = append(evidence, "log of "+key+": "+quote(line)+" — install conntrack-tools on the node")
				break
			}
		}
	}
	if len(evidence) == 0 {
		return nil
	}
	evidence = limitEvidence(evidence, 5, "agents")
	f := Finding{
		ID: IDSystemPodUnhealthy, Severity: SeverityWarning, Label: "agent unhealthy", Evidence: evidence, Pods: podKeys(broken),
		Title: "A node agent is unhealthy on this node",
		Why: "Node agents (kube-proxy, the CNI and CSI plugins, log and metrics collectors) run as one pod per " +
			"node. When only this node's copy is broken, the cause is on this node: its configuration, a missing " +
			"package, a full disk, or the kernel.",
	}
	for i, p := range broken {
		if i == 0 {
			f.Title = "The node agent " + podKey(p) + " is unhealthy"
		}
		if i < 2 {
			f.NextSteps = append(f.NextSteps,
				NextStep{Text: "Read the logs of " + p.Name, Command: "kubectl logs -n " + p.Namespace + " " + p.Name + " --all-containers --tail=200"},
				NextStep{Text: "Read the logs of its last crash", Command: "kubectl logs -n " + p.Namespace + " " + p.Name + " --all-containers --previous --tail=200"})
			f.Actions = append(f.Actions, logActions(p)...)
			f.Actions = append(f.Actions, Action{Kind: ActDeletePod, Pod: podKey(p), Label: "delete " + podKey(p) + " so its DaemonSet recreates it"})
		}
	}
	return []Finding{f}
}

func checkVolumeProblems(d *diagnosis) []Finding {
	ev := d.ev
	found := ev.anyPodEvents(func(e *corev1.Event) bool {
		return e.Type == corev1.EventTypeWarning && (e.Reason == "FailedAttachVolume" || e.Reason == "FailedMount" || e.Reason == "FailedMapVolume")
	})
	if len(found) == 0 {
		return nil
	}
	seen := map[string]bool{}
	var pods, evidence []string
	for _, pe := range found {
		if p := pe.pod; p.DeletionTimestamp == nil && (p.Status.Phase != corev1.PodRunning || !podReady(p)) {
			if !seen[podKey(p)] {
				seen[podKey(p)] = true
				pods = append(pods, podKey(p))
			}
			evidence = append(evidence, ev.quoteEvent(pe.event))
		}
	}
	if len(pods) == 0 {
		return nil // the pods mounted in the end
	}
	return []Finding{{
		ID: IDVolumeProblems, Severity: SeverityWarning, Title: fmt.Sprintf("Volumes fail to attach or mount for %d pods", len(pods)),
		Label: "volume errors", Evidence: limitEvidence(evidence, 4, "volume errors"), Pods: pods,
		Why: "Before a pod starts, its volumes must be attached to the node and mounted. When that keeps failing the " +
			"pod stays in ContainerCreating. The cause is usually the storage system itself (unhealthy, out of " +
			"space, inconsistent placement groups) or the node's attach path (a volume still attached elsewhere).",
		NextSteps: []NextStep{
			{Text: "See which volumes and claims are involved", Command: "kubectl describe pod -n " + strings.Replace(pods[0], "/", " ", 1)},
			{Text: "See the attachments for this node", Command: "kubectl get volumeattachments | grep " + ev.nodeName()},
			{Text: "Check the storage system's health, e.g. for Ceph", Command: "ceph health detail"},
			{Text: "For inconsistent Ceph placement groups, repair them", Command: "ceph pg repair <pg>"},
		},
	}}
}

// configWatchLimit is how many ConfigMaps and Secrets a kubelet can watch before it exhausts the API
// server's default 250 HTTP/2 streams on its one connection.
const configWatchLimit = 200

func checkConfigWatches(d *diagnosis) []Finding {
	ev := d.ev
	v, ok := parseVersion(ev.Node.Status.NodeInfo.KubeletVersion)
	if !ok || v.major != 1 || v.minor != 12 && v.minor != 13 {
		return nil // only these kubelets watch each object on one shared connection by default
	}
	if ev.Kubelet != nil && ev.Kubelet.ConfigMapAndSecretChangeDetectionStrategy != "" && ev.Kubelet.ConfigMapAndSecretChangeDetectionStrategy != "Watch" {
		return nil
	}
	objects := map[string]bool{}
	for _, p := range ev.activePods() {
		for _, vol := range p.Spec.Volumes {
			switch {
			case vol.ConfigMap != nil:
				objects["configmap "+p.Namespace+"/"+vol.ConfigMap.Name] = true
			case vol.Secret != nil:
				objects["secret "+p.Namespace+"/"+vol.Secret.SecretName] = true
			case vol.Projected != nil:
				for _, s := range vol.Projected.Sources {
					if s.ConfigMap != nil {
						objects["configmap "+p.Namespace+"/"+s.ConfigMap.Name] = true
					}
					if s.Secret != nil {
						objects["secret "+p.Namespace+"/"+s.Secret.Name] = true
					}
				}
			}
		}
	}
	if len(objects) <= configWatchLimit {
		return nil
	}
	return []Finding{{
		ID: IDTooManyConfigWatches, Severity: SeverityWarning,
		Title: fmt.Sprintf("The kubelet watches %d ConfigMaps and Secrets over one connection", len(objects)),
		Label: fmt.Sprintf("%d config watches", len(objects)),
		Evidence: []string{
			fmt.Sprintf("%d distinct ConfigMaps and Secrets mounted by the node's pods", len(objects)),
			"kubelet " + ev.Node.Status.NodeInfo.KubeletVersion + " watches each one (configMapAndSecretChangeDetectionStrategy Watch)",
		},
		Why: "A 1.12 or 1.13 kubelet opens one watch per mounted ConfigMap and Secret, all on a single HTTP/2 " +
			"connection to the API server, which by default allows 250 streams per connection. Past that the " +
			"kubelet's requests queue behind the watches: pods stop starting and node status updates stall.",
		NextSteps: []NextStep{
			{Text: "Set the kubelet's configMapAndSecretChangeDetectionStrategy to Cache (in its config file) and restart it", OnNode: true,
				Command: "grep -n configMapAndSecretChangeDetectionStrategy /var/lib/kubelet/config.yaml"},
			{Text: "Or raise the API server's --http2-max-streams-per-connection"},
		},
	}}
}
