package diag

import (
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
)

const (
	fxMsgPLEG     = "PLEG is not healthy: pleg was last seen active 3m12.5s ago; threshold is 3m0s"
	fxMsgPLEGYet  = "PLEG is not healthy: pleg has yet to be successful"
	fxMsgPLEGBoth = "[container runtime is down, PLEG is not healthy: pleg was last seen active 58h29m3.043779855s ago; threshold is 3m0s]"
	fxLogPLEG     = "I1105 09:50:27.583544  548093 kubelet.go:1829] skipping pod synchronization - [PLEG is not healthy: pleg was last seen active 58h29m3.043779855s ago; threshold is 3m0s]"
	fxMsgDocker   = "container runtime not ready: RuntimeReady=false reason:DockerDaemonNotReady message:docker: failed to get docker version: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?"
	fxMsgCNIOld   = "runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:docker: network plugin is not ready: cni config uninitialized"
	fxMsgCNINew   = "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized"
	fxMsgStopped  = "Kubelet stopped posting node status."
	fxCalicoProbe = "Readiness probe failed: calico/node is not ready: BIRD is not ready: Error querying BIRD: unable to connect to BIRDv4 socket: dial unix /var/run/calico/bird.ctl: connect: connection refused"
)

func fxOnDocker(ev *Evidence) { ev.Node.Status.NodeInfo.ContainerRuntimeVersion = "docker://18.9.9" }

func nodePositives() []fxCase {
	return []fxCase{
		// node-unreachable
		{id: IDNodeUnreachable, name: "Ready Unknown, stale Lease and unreachable taints", primary: true, sev: SeverityCritical,
			build:    func() *Evidence { ev := fxHealthy(); fxUnreachable(ev, 6*time.Minute); return ev },
			verbatim: []string{fxMsgStopped, "kube-node-lease/node-1", "node.kubernetes.io/unreachable:NoSchedule"},
			title:    "no heartbeat for 6m",
			not:      []string{IDNodeNotReady, IDSystemPodUnhealthy, IDCNINotReady, IDNPDCondition, IDMemoryPressure, IDDiskPressure, IDPIDPressure},
			check: func(t *testing.T, f *Finding, _ []Finding) {
				fxAssertOnNode(t, f, "systemctl status kubelet")
				fxAssertOnNode(t, f, "journalctl -u kubelet")
				if s := fxStep(t, f, "ping"); s.OnNode || !strings.Contains(s.Command, "10.0.1.17") {
					t.Errorf("ping step %+v: must ping the node's InternalIP from outside", s)
				}
			}},
		{id: IDNodeUnreachable, name: "Lease stale while Ready still True", sev: SeverityCritical,
			build: func() *Evidence {
				ev := fxHealthy()
				ev.Lease = fxLease(2 * time.Minute)
				ev.Node.Status.Conditions[4].LastHeartbeatTime = fxTime(2 * time.Minute)
				return ev
			},
			verbatim: []string{"Lease kube-node-lease/node-1 last renewed 2m ago"}, title: "no heartbeat for 2m",
			not: []string{IDNodeNotReady}},
		{id: IDNodeUnreachable, name: "no Lease, Ready heartbeat 9 minutes old", sev: SeverityCritical,
			build: func() *Evidence {
				ev := fxHealthy()
				ev.Lease = nil
				ev.Node.Status.Conditions[4].LastHeartbeatTime = fxTime(9 * time.Minute)
				return ev
			},
			verbatim: []string{"heartbeat was last posted 9m"}},
		{id: IDNodeUnreachable, name: "unreachable taint alone", sev: SeverityCritical,
			build: func() *Evidence {
				ev := fxHealthy()
				ev.Node.Spec.Taints = []corev1.Taint{{Key: corev1.TaintNodeUnreachable, Effect: corev1.TaintEffectNoSchedule, TimeAdded: fxTimePtr(30 * time.Second)}}
				return ev
			},
			verbatim: []string{"node.kubernetes.io/unreachable:NoSchedule"}},
		{id: IDNodeUnreachable, name: "watcher judged the heartbeat stale", sev: SeverityCritical,
			build: func() *Evidence {
				ev := fxHealthy()
				ev.Heartbeat = Heartbeat{Last: fxNow.Add(-3 * time.Minute), FromLease: true, Duration: 40 * time.Second, Stale: true}
				return ev
			},
			title: "no heartbeat for 3m"},
		{id: IDNodeUnreachable, name: "unreachable with pods left Terminating", sev: SeverityCritical,
			build: func() *Evidence {
				ev := fxHealthy()
				fxUnreachable(ev, 15*time.Minute)
				ev.Pods[4] = fxPod("default", "web-6d4cf56db6-4xk9t", fxTerminating(9*time.Minute, 30), fxNotReady)
				return ev
			},
			verbatim: []string{"1 pods are Terminating"}, also: []string{IDStuckTerminating}},

		// node-not-ready
		{id: IDNodeNotReady, name: "missing capacity", primary: true, sev: SeverityCritical,
			build: func() *Evidence {
				ev := fxHealthy()
				fxNotReadyNode(ev, "Missing node capacity for resources: ephemeral-storage")
				return ev
			},
			verbatim: []string{"Missing node capacity for resources: ephemeral-storage", "condition Ready=False (KubeletNotReady)"},
			title:    "Missing node capacity for resources: ephemeral-storage",
			check: func(t *testing.T, f *Finding, _ []Finding) {
				fxAssertOnNode(t, f, "journalctl -u kubelet")
				fxAssertOnNode(t, f, "systemctl status kubelet containerd")
			}},
		{id: IDNodeNotReady, name: "image filesystem", sev: SeverityCritical,
			build: func() *Evidence {
				ev := fxHealthy()
				fxNotReadyNode(ev, "invalid capacity 0 on image filesystem")
				return ev
			},
			verbatim: []string{"invalid capacity 0 on image filesystem"}},
		{id: IDNodeNotReady, name: "no message, only the reason", sev: SeverityCritical,
			build: func() *Evidence { ev := fxHealthy(); fxNotReadyNode(ev, ""); return ev },
			title: "KubeletNotReady"},

		// pleg-unhealthy
		{id: IDPLEGUnhealthy, name: "relist 3m12.5s behind", primary: true, sev: SeverityCritical,
			build:    func() *Evidence { ev := fxHealthy(); fxNotReadyNode(ev, fxMsgPLEG); return ev },
			verbatim: []string{fxMsgPLEG}, title: "last active 3m12s ago, the threshold is 3m0s",
			not: []string{IDNodeNotReady, IDRuntimeDown, IDCNINotReady, IDSystemPodUnhealthy},
			check: func(t *testing.T, f *Finding, _ []Finding) {
				if f.Label != "PLEG stuck 3m12s" {
					t.Errorf("label %q", f.Label)
				}
				fxAssertOnNode(t, f, "crictl ps")
				fxAssertOnNode(t, f, "systemctl restart containerd && systemctl restart kubelet")
				if s := fxStep(t, f, "debug/pprof/goroutine?debug=1"); s.OnNode || !strings.Contains(s.Command, "/api/v1/nodes/node-1/proxy/") {
					t.Errorf("goroutine dump step %+v", s)
				}
			}},
		{id: IDPLEGUnhealthy, name: "has yet to be successful", sev: SeverityCritical,
			build:    func() *Evidence { ev := fxHealthy(); fxNotReadyNode(ev, fxMsgPLEGYet); return ev },
			verbatim: []string{fxMsgPLEGYet}, not: []string{IDNodeNotReady},
			check: func(t *testing.T, f *Finding, _ []Finding) {
				if strings.Contains(f.Title, "last active") {
					t.Errorf("title %q claims durations the message does not have", f.Title)
				}
			}},
		{id: IDPLEGUnhealthy, name: "with the runtime down, 58 hours", sev: SeverityCritical,
			build:    func() *Evidence { ev := fxHealthy(); fxNotReadyNode(ev, fxMsgPLEGBoth); return ev },
			verbatim: []string{fxMsgPLEGBoth}, also: []string{IDRuntimeDown}, not: []string{IDNodeNotReady},
			check: func(t *testing.T, f *Finding, _ []Finding) {
				if f.Label != "PLEG stuck 58h29m3s" {
					t.Errorf("label %q", f.Label)
				}
			}},
		{id: IDPLEGUnhealthy, name: "kubelet log line only", sev: SeverityCritical,
			build: func() *Evidence {
				ev := fxHealthy()
				fxNotReadyNode(ev, "")
				ev.Kubelet = &KubeletFacts{Log: []string{"I1105 09:50:26.1 548093 kubelet.go:1900] SyncLoop (housekeeping)", fxLogPLEG}}
				return ev
			},
			verbatim: []string{fxLogPLEG}, not: []string{IDNodeNotReady}},
		{id: IDPLEGUnhealthy, name: "seed 001: kubelet 1.12, maxPods 600, churn, goroutines in relist, CentOS 7", sev: SeverityCritical,
			build: func() *Evidence {
				ev := fxHealthy()
				fxNotReadyNode(ev, fxMsgPLEG)
				info := &ev.Node.Status.NodeInfo
				info.KubeletVersion, info.OSImage, info.KernelVersion, info.ContainerRuntimeVersion = "v1.12.10", "CentOS Linux 7 (Core)", "3.10.0-957.el7.x86_64", "docker://18.6.1"
				ev.Cluster.ServerVersion = "v1.12.10"
				ev.Kubelet = &KubeletFacts{MaxPods: 600, GoroutineDump: "goroutine 412 [chan send, 3509 minutes]:\nk8s.io/kubernetes/pkg/kubelet/pleg.(*GenericPLEG).relist(0xc000a3c0a0)\n" +
					"goroutine 413 [select]:\nk8s.io/kubernetes/pkg/kubelet/pleg.(*GenericPLEG).relist(0xc000a3c0a0)\n"}
				ev.Pods = append(ev.Pods,
					fxPod("batch", "job-a-x1", fxTerminating(30*time.Minute, 30)),
					fxPod("batch", "job-a-x2", fxTerminating(30*time.Minute, 30)))
				return ev
			},
			verbatim: []string{"9 pods on the node; maxPods is 600", "PR 72709", "2 goroutine stacks in pleg.(*GenericPLEG).relist", "2 pods are stuck Terminating"},
			also:     []string{IDKubeletVersionSkew, IDStuckTerminating},
			check: func(t *testing.T, f *Finding, _ []Finding) {
				fxAssertOnNode(t, f, "rpm -q systemd")
				fxAssertOnNode(t, f, "systemctl restart docker && systemctl restart kubelet")
				if !strings.Contains(f.NextSteps[len(f.NextSteps)-2].Text+f.NextSteps[len(f.NextSteps)-1].Text, "Upgrade the kubelet to 1.14") {
					t.Errorf("no upgrade advice for a 1.12 kubelet: %v", f.NextSteps)
				}
			}},

		// runtime-down
		{id: IDRuntimeDown, name: "container runtime is down", primary: true, sev: SeverityCritical,
			build:    func() *Evidence { ev := fxHealthy(); fxNotReadyNode(ev, "container runtime is down"); return ev },
			verbatim: []string{"container runtime is down"}, title: "(containerd)", not: []string{IDNodeNotReady, IDPLEGUnhealthy},
			check: func(t *testing.T, f *Finding, _ []Finding) {
				fxAssertOnNode(t, f, "systemctl status containerd")
				fxAssertOnNode(t, f, "journalctl -u containerd")
				fxAssertOnNode(t, f, "mv /var/lib/containerd /var/lib/containerd.broken")
			}},
		{id: IDRuntimeDown, name: "docker daemon not ready", sev: SeverityCritical,
			build:    func() *Evidence { ev := fxHealthy(); fxOnDocker(ev); fxNotReadyNode(ev, fxMsgDocker); return ev },
			verbatim: []string{fxMsgDocker}, title: "(docker)", not: []string{IDNodeNotReady},
			check: func(t *testing.T, f *Finding, _ []Finding) { fxAssertOnNode(t, f, "systemctl status docker") }},
		{id: IDRuntimeDown, name: "RuntimeReady=false on cri-o", sev: SeverityCritical,
			build: func() *Evidence {
				ev := fxHealthy()
				ev.Node.Status.NodeInfo.ContainerRuntimeVersion = "cri-o://1.28.1"
				fxNotReadyNode(ev, "runtime not ready: RuntimeReady=false reason:NotReady message:cri-o is not responding")
				return ev
			},
			verbatim: []string{"runtime not ready: RuntimeReady=false reason:NotReady message:cri-o is not responding"}, title: "(crio)",
			not: []string{IDNodeNotReady}},
		{id: IDRuntimeDown, name: "NPD ContainerRuntimeUnhealthy on a Ready node", sev: SeverityCritical,
			build: func() *Evidence {
				ev := fxHealthy()
				fxSetCondition(ev, "ContainerRuntimeUnhealthy", corev1.ConditionTrue, "ContainerdUnhealthy",
					"Container runtime on the node is not functioning properly: crictl pods timed out after 60s", 10*time.Minute)
				return ev
			},
			verbatim: []string{"condition ContainerRuntimeUnhealthy=True (ContainerdUnhealthy)", "crictl pods timed out after 60s"},
			not:      []string{IDNPDCondition, IDNodeNotReady}},
		{id: IDRuntimeDown, name: "NPD FrequentContainerdRestart with restart events", sev: SeverityCritical,
			build: func() *Evidence {
				ev := fxHealthy()
				fxSetCondition(ev, "FrequentContainerdRestart", corev1.ConditionTrue, "FrequentContainerdRestart",
					"Found 5 matching logs, which meets the threshold of 5", 20*time.Minute)
				ev.Events = append(ev.Events, fxNodeEvent(corev1.EventTypeWarning, "ContainerdStart", "Starting containerd container runtime...", time.Minute, 12))
				return ev
			},
			verbatim: []string{"Found 5 matching logs, which meets the threshold of 5", "ContainerdStart ×12", "Starting containerd container runtime..."},
			not:      []string{IDNPDCondition}},
		{id: IDRuntimeDown, name: "NPD FrequentDockerRestart", sev: SeverityCritical,
			build: func() *Evidence {
				ev := fxHealthy()
				fxOnDocker(ev)
				fxSetCondition(ev, "FrequentDockerRestart", corev1.ConditionTrue, "FrequentDockerRestart",
					"Found 5 matching logs, which meets the threshold of 5", 20*time.Minute)
				return ev
			},
			title: "(docker)", verbatim: []string{"condition FrequentDockerRestart=True"}, not: []string{IDNPDCondition}},

		// cni-not-ready
		{id: IDCNINotReady, name: "calico-node crash-looping on a Ready node", primary: true, sev: SeverityCritical,
			build: func() *Evidence {
				ev := fxHealthy()
				calico := fxPod("kube-system", "calico-node-h8d4x", fxDaemonSet("calico-node", true), fxCrashLoop(14, 2*time.Minute))
				fxReplacePod(ev, calico)
				ev.Events = append(ev.Events, fxPodEvent(calico, corev1.EventTypeWarning, "Unhealthy", fxCalicoProbe, time.Minute, 212))
				return ev
			},
			verbatim: []string{fxCalicoProbe, "pod kube-system/calico-node-h8d4x: waiting: CrashLoopBackOff; 14 restarts"},
			pods:     []string{"kube-system/calico-node-h8d4x"}, title: "kube-system/calico-node-h8d4x",
			not: []string{IDSystemPodUnhealthy, IDNodeNotReady},
			check: func(t *testing.T, f *Finding, _ []Finding) {
				if f.Actions[0].Kind != ActPodLogs || f.Actions[0].Pod != "kube-system/calico-node-h8d4x" {
					t.Errorf("first action %+v, want the agent's logs", f.Actions[0])
				}
				fxStep(t, f, "kubectl logs -n kube-system calico-node-h8d4x --all-containers --previous")
			}},
		{id: IDCNINotReady, name: "cni config uninitialized (dockershim wording)", sev: SeverityCritical,
			build:    func() *Evidence { ev := fxHealthy(); fxOnDocker(ev); fxNotReadyNode(ev, fxMsgCNIOld); return ev },
			verbatim: []string{fxMsgCNIOld}, not: []string{IDNodeNotReady, IDRuntimeDown},
			check: func(t *testing.T, f *Finding, _ []Finding) { fxAssertOnNode(t, f, "ls -l /etc/cni/net.d/") }},
		{id: IDCNINotReady, name: "NetworkReady=false, cni plugin not initialized", sev: SeverityCritical,
			build:    func() *Evidence { ev := fxHealthy(); fxNotReadyNode(ev, fxMsgCNINew); return ev },
			verbatim: []string{fxMsgCNINew}, not: []string{IDNodeNotReady, IDRuntimeDown, IDPLEGUnhealthy}},
		{id: IDCNINotReady, name: "NetworkUnavailable=True", sev: SeverityCritical,
			build: func() *Evidence {
				ev := fxHealthy()
				fxSetCondition(ev, corev1.NodeNetworkUnavailable, corev1.ConditionTrue, "NoRouteCreated", "Node created without a route", 3*time.Minute)
				return ev
			},
			verbatim: []string{"condition NetworkUnavailable=True (NoRouteCreated)", "Node created without a route"}, not: []string{IDNPDCondition}},
		{id: IDCNINotReady, name: "kube-flannel-ds crash-looping on a NotReady node", sev: SeverityCritical,
			build: func() *Evidence {
				ev := fxHealthy()
				fxNotReadyNode(ev, fxMsgCNINew)
				ev.Pods = append(ev.Pods, fxPod("kube-flannel", "kube-flannel-ds-x9k2l", fxDaemonSet("kube-flannel-ds", true), fxCrashLoop(7, 4*time.Minute)))
				return ev
			},
			verbatim: []string{fxMsgCNINew, "pod kube-flannel/kube-flannel-ds-x9k2l: waiting: CrashLoopBackOff; 7 restarts"},
			pods:     []string{"kube-flannel/kube-flannel-ds-x9k2l"}, not: []string{IDNodeNotReady, IDSystemPodUnhealthy}},
		{id: IDCNINotReady, name: "cilium crash-looping", sev: SeverityCritical,
			build: func() *Evidence {
				ev := fxHealthy()
				ev.Pods = append(ev.Pods, fxPod("kube-system", "cilium-4hq7z", fxDaemonSet("cilium", true), fxCrashLoop(5, time.Minute)))
				return ev
			},
			pods: []string{"kube-system/cilium-4hq7z"}, verbatim: []string{"back-off 5m0s restarting failed container=cilium pod=cilium-4hq7z_kube-system"}},
		{id: IDCNINotReady, name: "aws-node (VPC CNI) crash-looping", sev: SeverityCritical,
			build: func() *Evidence {
				ev := fxHealthy()
				ev.Pods = append(ev.Pods, fxPod("kube-system", "aws-node-8fx2q", fxDaemonSet("aws-node", true), fxCrashLoop(4, time.Minute)))
				return ev
			},
			pods: []string{"kube-system/aws-node-8fx2q"}},
		{id: IDCNINotReady, name: "RKE2's rke2-canal crash-looping", sev: SeverityCritical,
			build: func() *Evidence {
				ev := fxHealthy()
				ev.Pods = append(ev.Pods, fxPod("kube-system", "rke2-canal-7tq4d", fxDaemonSet("rke2-canal", true), fxCrashLoop(8, time.Minute)))
				return ev
			},
			pods: []string{"kube-system/rke2-canal-7tq4d"}},
		{id: IDCNINotReady, name: "GKE Dataplane V2 anetd crash-looping", sev: SeverityCritical,
			build: func() *Evidence {
				ev := fxHealthy()
				ev.Pods = append(ev.Pods, fxPod("kube-system", "anetd-9kx2w", fxDaemonSet("anetd", true), fxCrashLoop(8, time.Minute)))
				return ev
			},
			pods: []string{"kube-system/anetd-9kx2w"}},
		{id: IDCNINotReady, name: "cilium Running but not Ready on a Ready node", sev: SeverityCritical,
			build: func() *Evidence {
				ev := fxHealthy()
				ev.Pods = append(ev.Pods, fxPod("kube-system", "cilium-4hq7z", fxDaemonSet("cilium", true), fxNotReady))
				return ev
			},
			pods: []string{"kube-system/cilium-4hq7z"}, verbatim: []string{"Running but not Ready"}},
	}
}

func TestNodeRulePositives(t *testing.T) { fxRunAll(t, nodePositives()) }

func TestNodeRuleNegatives(t *testing.T) {
	cases := []struct {
		name   string
		build  func() *Evidence
		absent []string
	}{
		{"Lease renewed 35s ago, within its 40s", func() *Evidence { ev := fxHealthy(); ev.Lease = fxLease(35 * time.Second); return ev },
			[]string{IDNodeUnreachable}},
		{"no Lease, Ready heartbeat 5 minutes old (the kubelet posts every 5)", func() *Evidence {
			ev := fxHealthy()
			ev.Lease = nil
			ev.Node.Status.Conditions[4].LastHeartbeatTime = fxTime(5 * time.Minute)
			return ev
		}, []string{IDNodeUnreachable}},
		{"PLEG text in an old event of a node that is Ready now", func() *Evidence {
			ev := fxHealthy()
			ev.Node.Status.Conditions[4].LastTransitionTime = fxTime(3 * time.Hour)
			ev.Events = append(ev.Events,
				fxNodeEvent(corev1.EventTypeNormal, "NodeNotReady", "Node node-1 status is now: NodeNotReady", 3*time.Hour, 1),
				fxNodeEvent(corev1.EventTypeWarning, "ContainerGCFailed", "rpc error: code = DeadlineExceeded; "+fxMsgPLEG, 3*time.Hour, 4))
			return ev
		}, []string{IDPLEGUnhealthy, IDNodeNotReady, IDNodeRebooted}},
		{"PLEG line in the kubelet log of a node that is Ready now", func() *Evidence {
			ev := fxHealthy()
			ev.Kubelet = &KubeletFacts{Log: []string{fxLogPLEG}}
			return ev
		}, []string{IDPLEGUnhealthy}},
		{"network-not-ready wording is not the runtime being down", func() *Evidence { ev := fxHealthy(); fxNotReadyNode(ev, fxMsgCNINew); return ev },
			[]string{IDRuntimeDown, IDPLEGUnhealthy}},
		{"runtime conditions False", func() *Evidence {
			ev := fxHealthy()
			fxSetCondition(ev, "FrequentDockerRestart", corev1.ConditionFalse, "NoFrequentDockerRestart", "docker is functioning properly", day)
			return ev
		}, []string{IDRuntimeDown, IDNPDCondition}},
		{"merely unready agents on an Unknown node", func() *Evidence {
			ev := fxHealthy()
			fxUnreachable(ev, 10*time.Minute)
			ev.Pods = append(ev.Pods, fxPod("kube-system", "cilium-4hq7z", fxDaemonSet("cilium", true), fxNotReady))
			return ev
		}, []string{IDCNINotReady, IDSystemPodUnhealthy, IDNodeNotReady}},
		{"merely unready agents on a NotReady node", func() *Evidence {
			ev := fxHealthy()
			fxNotReadyNode(ev, fxMsgPLEG)
			for _, p := range ev.Pods {
				fxNotReady(p)
			}
			return ev
		}, []string{IDCNINotReady, IDSystemPodUnhealthy}},
		{"a non-CNI DaemonSet crash-looping is not the network", func() *Evidence {
			ev := fxHealthy()
			ev.Pods = append(ev.Pods, fxPod("kube-system", "fluent-bit-8k2x9", fxDaemonSet("fluent-bit", false), fxCrashLoop(9, time.Minute)))
			return ev
		}, []string{IDCNINotReady}},
		{"aws-node-termination-handler is no CNI agent", func() *Evidence {
			ev := fxHealthy()
			ev.Pods = append(ev.Pods, fxPod("kube-system", "aws-node-termination-handler-5xk2p", fxDaemonSet("aws-node-termination-handler", true), fxCrashLoop(6, time.Minute)))
			return ev
		}, []string{IDCNINotReady}},
		{"cilium-envoy (the L7 proxy) is no CNI agent", func() *Evidence {
			ev := fxHealthy()
			ev.Pods = append(ev.Pods, fxPod("kube-system", "cilium-envoy-x7f2k", fxDaemonSet("cilium-envoy", true), fxCrashLoop(6, time.Minute)))
			return ev
		}, []string{IDCNINotReady}},
		{"calico-node restarted once 20 minutes ago and is Running and Ready", func() *Evidence {
			ev := fxHealthy()
			fxReplacePod(ev, fxPod("kube-system", "calico-node-h8d4x", fxDaemonSet("calico-node", true), fxRestarted(1, 20*time.Minute)))
			return ev
		}, []string{IDCNINotReady}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { fxAbsent(t, Diagnose(c.build()), c.absent...) })
	}
}

// TestNotReadyDefersToSpecificRules: Ready=False explained by a specific rule is reported by that
// rule only; the same node with an unexplained message gets node-not-ready.
func TestNotReadyDefersToSpecificRules(t *testing.T) {
	cases := []struct {
		name     string
		build    func(ev *Evidence)
		specific string
	}{
		{"PLEG", func(ev *Evidence) { fxNotReadyNode(ev, fxMsgPLEG) }, IDPLEGUnhealthy},
		{"PLEG yet to be successful", func(ev *Evidence) { fxNotReadyNode(ev, fxMsgPLEGYet) }, IDPLEGUnhealthy},
		{"runtime down", func(ev *Evidence) { fxNotReadyNode(ev, "container runtime is down") }, IDRuntimeDown},
		{"docker not ready", func(ev *Evidence) { fxNotReadyNode(ev, fxMsgDocker) }, IDRuntimeDown},
		{"cni uninitialized", func(ev *Evidence) { fxNotReadyNode(ev, fxMsgCNIOld) }, IDCNINotReady},
		{"cni plugin not initialized", func(ev *Evidence) { fxNotReadyNode(ev, fxMsgCNINew) }, IDCNINotReady},
		{"stale Lease", func(ev *Evidence) {
			fxNotReadyNode(ev, "node is shutting down")
			ev.Lease = fxLease(10 * time.Minute)
		}, IDNodeUnreachable},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev := fxHealthy()
			c.build(ev)
			fs := Diagnose(ev)
			fxRequire(t, fs, c.specific)
			fxAbsent(t, fs, IDNodeNotReady)
		})
	}
	// Control: the same builder with an unexplained message does produce node-not-ready.
	ev := fxHealthy()
	fxNotReadyNode(ev, "node is shutting down")
	fs := Diagnose(ev)
	fxRequire(t, fs, IDNodeNotReady)
	fxAbsent(t, fs, IDPLEGUnhealthy, IDRuntimeDown, IDCNINotReady, IDNodeUnreachable)
}

// TestReadyMessageNeverLost: whatever else fires, a Ready=False message no specific rule explains must
// reach the person (node-not-ready shows it verbatim).
func TestReadyMessageNeverLost(t *testing.T) {
	const msg = "Missing node capacity for resources: pods"
	ev := fxHealthy()
	fxNotReadyNode(ev, msg)
	fxSetCondition(ev, "FrequentContainerdRestart", corev1.ConditionTrue, "FrequentContainerdRestart",
		"Found 5 matching logs, which meets the threshold of 5", 20*time.Minute)
	fs := Diagnose(ev)
	fxRequire(t, fs, IDRuntimeDown)
	for i := range fs {
		if fxEvidenceHas(&fs[i], msg) {
			return
		}
	}
	t.Errorf("the Ready=False message %q appears in no finding (got %v): node-not-ready is suppressed because runtime-down fired "+
		"from an NPD condition, though runtime-down does not explain this message", msg, fxIDs(fs))
}

func TestPLEGOnOldKubeletAdvice(t *testing.T) {
	// On a current kubelet there is no upgrade advice and no systemd advice off CentOS.
	ev := fxHealthy()
	fxNotReadyNode(ev, fxMsgPLEG)
	f := fxRequire(t, Diagnose(ev), IDPLEGUnhealthy)
	for _, s := range f.NextSteps {
		if strings.Contains(s.Text, "Upgrade the kubelet") || strings.Contains(s.Command, "rpm -q systemd") {
			t.Errorf("v1.30 kubelet on Ubuntu got %q", s)
		}
	}
	if fxEvidenceHas(f, "72709") {
		t.Errorf("v1.30 kubelet blamed for the pre-1.14 deadlock: %q", f.Evidence)
	}
}
