package diag

import (
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
)

const (
	fxRebooted    = "Node node-1 has been rebooted, boot id: 9b1e4c2a-0d3f-4e5a-8b6c-7d8e9f0a1b2c"
	fxAllocEnforc = `Failed to update Node Allocatable Limits "": failed to set supported cgroup subsystems for cgroup : Failed to set config for supported subsystems : failed to write 7285047296 to memory.limit_in_bytes: write /var/lib/docker/overlay2/5650a1aadf9c/merged/sys/fs/cgroup/memory/memory.limit_in_bytes: invalid argument`
	fxAllocEnforF = "failed to write 7285047296 to memory.limit_in_bytes: write /var/lib/docker/overlay2/5650a1aadf9c/merged/sys/fs/cgroup/memory/memory.limit_in_bytes: invalid argument"
)

// fxNPD are the node-problem-detector conditions of the catalogue as NPD reports them, with the
// severity each deserves when True; runtime ones are reported by runtime-down instead.
var fxNPD = []struct {
	name, reason, msg string
	sev               Severity
	runtime           bool
}{
	{"KernelDeadlock", "DockerHung", "kernel: INFO: task docker:20744 blocked for more than 120 seconds.", SeverityCritical, false},
	{"ReadonlyFilesystem", "FilesystemIsReadOnly", "EXT4-fs error (device sda1): Remounting filesystem read-only", SeverityCritical, false},
	{"XfsShutdown", "XfsHasShutdown", "XFS (dm-0): Filesystem has been shut down due to log error (0x2).", SeverityCritical, false},
	{"FrequentKubeletRestart", "FrequentKubeletRestart", "Found 5 matching logs, which meets the threshold of 5", SeverityWarning, false},
	{"FrequentDockerRestart", "FrequentDockerRestart", "Found 5 matching logs, which meets the threshold of 5", SeverityCritical, true},
	{"FrequentContainerdRestart", "FrequentContainerdRestart", "Found 5 matching logs, which meets the threshold of 5", SeverityCritical, true},
	{"KubeletUnhealthy", "KubeletUnhealthy", "kubelet:health check failed: Get http://127.0.0.1:10248/healthz: dial tcp 127.0.0.1:10248: connect: connection refused", SeverityCritical, false},
	{"ContainerRuntimeUnhealthy", "ContainerRuntimeUnhealthy", "Container runtime on the node is not functioning properly", SeverityCritical, true},
	{"CorruptDockerOverlay2", "CorruptDockerOverlay2", "Corrupted overlay2 layer: lstat /var/lib/docker/overlay2/6c1b/merged: no such file or directory", SeverityCritical, false},
	{"FrequentUnregisterNetDevice", "UnregisterNetDevice", "unregister_netdevice: waiting for eth0 to become free. Usage count = 1", SeverityWarning, false},
	{"DiskSizeCheckFailure", "DiskSizeTooSmall", "boot disk size 20GB is smaller than the recommended 100GB", SeverityWarning, false},
	{"NTPProblem", "NTPIsDown", "NTP service is not running", SeverityWarning, false},
}

func fxNPDCondition(name, reason, msg string) func() *Evidence {
	return func() *Evidence {
		ev := fxHealthy()
		fxSetCondition(ev, corev1.NodeConditionType(name), corev1.ConditionTrue, reason, msg, 25*time.Minute)
		return ev
	}
}

func fxKubelet(kubelet, server string) func() *Evidence {
	return func() *Evidence {
		ev := fxHealthy()
		ev.Node.Status.NodeInfo.KubeletVersion, ev.Cluster.ServerVersion = kubelet, server
		return ev
	}
}

func infoPositives() []fxCase {
	cases := []fxCase{
		// npd-condition, beyond the catalogue's named conditions (added below)
		{id: IDNPDCondition, name: "unknown custom condition", sev: SeverityWarning,
			build:    fxNPDCondition("GPUUnhealthy", "NvidiaXid79", "GPU 0000:3b:00.0 has fallen off the bus"),
			verbatim: []string{"condition GPUUnhealthy=True (NvidiaXid79)", "GPU 0000:3b:00.0 has fallen off the bus"},
			check: func(t *testing.T, f *Finding, _ []Finding) {
				if !strings.Contains(f.Label, "unknown condition") {
					t.Errorf("label %q does not say the condition is unknown", f.Label)
				}
			}},
		{id: IDNPDCondition, name: "healthy-when-True platform condition False", sev: SeverityWarning,
			build: func() *Evidence {
				ev := fxHealthy()
				fxSetCondition(ev, "ContainerRuntimeReady", corev1.ConditionFalse, "ContainerRuntimeNotReady", "containerd is not responding", 5*time.Minute)
				return ev
			},
			verbatim: []string{"condition ContainerRuntimeReady=False (ContainerRuntimeNotReady)", "containerd is not responding"}},
		{id: IDNPDCondition, name: "detector stopped reporting", sev: SeverityWarning,
			build: func() *Evidence {
				ev := fxHealthy()
				fxSetCondition(ev, "KernelDeadlock", corev1.ConditionUnknown, "NoData", "", time.Hour)
				return ev
			},
			check: func(t *testing.T, f *Finding, _ []Finding) {
				if !strings.HasSuffix(f.Label, ": Unknown") || len(f.Actions) != 0 {
					t.Errorf("label %q, actions %v: want an Unknown label and no node actions", f.Label, f.Actions)
				}
			}},

		// node-rebooted
		{id: IDNodeRebooted, name: "Rebooted event", primary: true, sev: SeverityInfo,
			build:    fxWithEvent(corev1.EventTypeWarning, "Rebooted", fxRebooted, 20*time.Minute),
			verbatim: []string{fxRebooted}, title: "rebooted",
			check: func(t *testing.T, f *Finding, _ []Finding) {
				fxAssertOnNode(t, f, "last reboot")
				fxAssertOnNode(t, f, "journalctl -k -b -1")
			}},
		{id: IDNodeRebooted, name: "boot ID changed while watching", sev: SeverityInfo,
			build: func() *Evidence {
				ev := fxHealthy()
				ev.BootChange = &BootChange{From: "0f6a9d0e", To: "9b1e4c2a", At: fxNow.Add(-5 * time.Minute)}
				return ev
			},
			verbatim: []string{"boot ID changed 5m", "from 0f6a9d0e to 9b1e4c2a"}, title: "rebooted"},
		{id: IDNodeRebooted, name: "Ready again 4 minutes ago", sev: SeverityInfo,
			build: func() *Evidence {
				ev := fxHealthy()
				ev.Node.Status.Conditions[4].LastTransitionTime = fxTime(4 * time.Minute)
				return ev
			},
			title: "Ready again recently"},

		// allocatable-enforcement
		{id: IDAllocatableEnforcement, name: "FailedNodeAllocatableEnforcement ×1001 (seed 002)", primary: true, sev: SeverityWarning,
			build: func() *Evidence {
				ev := fxHealthy()
				ev.Events = append(ev.Events, fxNodeEvent(corev1.EventTypeWarning, "FailedNodeAllocatableEnforcement", fxAllocEnforc, 2*time.Minute, 1001))
				return ev
			},
			verbatim: []string{fxAllocEnforF, "FailedNodeAllocatableEnforcement ×1001 on node"},
			check: func(t *testing.T, f *Finding, _ []Finding) {
				s := fxStep(t, f, "cgroupsPerQOS")
				if !s.OnNode || !strings.Contains(s.Text, "--cgroups-per-qos=true --enforce-node-allocatable=pods") {
					t.Errorf("step %+v", s)
				}
			}},
		{id: IDAllocatableEnforcement, name: "cgroupsPerQOS false in configz", sev: SeverityWarning,
			build: func() *Evidence {
				ev := fxHealthy()
				ev.Kubelet = &KubeletFacts{CgroupsPerQOS: new(false)}
				return ev
			},
			verbatim: []string{"cgroupsPerQOS is false"}},

		// kubelet-version-skew
		{id: IDKubeletVersionSkew, name: "v1.12.10, before the PLEG fix", primary: true, sev: SeverityWarning,
			build: fxKubelet("v1.12.10", "v1.12.10"), verbatim: []string{"kubelet v1.12.10 is older than 1.14"}},
		{id: IDKubeletVersionSkew, name: "EKS four minors behind", sev: SeverityWarning,
			build: fxKubelet("v1.28.3-eks-abc", "v1.32.1-eks-5e2a1b"), verbatim: []string{"kubelet v1.28.3-eks-abc is 4 minor versions behind the API server v1.32.1-eks-5e2a1b"}},
		{id: IDKubeletVersionSkew, name: "k3s four minors behind", sev: SeverityWarning,
			build: fxKubelet("v1.27.4+k3s1", "v1.31.2+k3s1"), verbatim: []string{"kubelet v1.27.4+k3s1 is 4 minor versions behind"}, title: "skew"},
		{id: IDKubeletVersionSkew, name: "kubelet newer than the API server", sev: SeverityWarning,
			build: fxKubelet("v1.31.0", "v1.30.4"), verbatim: []string{"kubelet v1.31.0 is newer than the API server v1.30.4"}},
		{id: IDKubeletVersionSkew, name: "old kubelet, API server unknown", sev: SeverityWarning,
			build: fxKubelet("v1.13.12", ""), verbatim: []string{"v1.13.12 is older than 1.14"}},

		// cordoned
		{id: IDCordoned, name: "cordoned four hours ago", primary: true, sev: SeverityInfo,
			build: func() *Evidence {
				ev := fxHealthy()
				ev.Node.Spec.Unschedulable = true
				ev.Node.Spec.Taints = []corev1.Taint{{Key: corev1.TaintNodeUnschedulable, Effect: corev1.TaintEffectNoSchedule, TimeAdded: fxTimePtr(4 * time.Hour)}}
				return ev
			},
			verbatim: []string{"spec.unschedulable is true", "taint node.kubernetes.io/unschedulable:NoSchedule added 4h ago"},
			title:    "cordoned for 4h",
			check: func(t *testing.T, f *Finding, _ []Finding) {
				if len(f.Actions) != 1 || f.Actions[0].Kind != ActUncordon {
					t.Errorf("actions %v, want only uncordon", f.Actions)
				}
			}},
		{id: IDCordoned, name: "cordoned without the taint", sev: SeverityInfo,
			build: func() *Evidence { ev := fxHealthy(); ev.Node.Spec.Unschedulable = true; return ev },
			title: "The node is cordoned"},
	}
	for _, n := range fxNPD {
		c := fxCase{id: IDNPDCondition, name: n.name, sev: n.sev, build: fxNPDCondition(n.name, n.reason, n.msg),
			primary: n.name == "KernelDeadlock", verbatim: []string{"condition " + n.name + "=True (" + n.reason + ")", n.msg}, title: n.name}
		if n.runtime {
			c.id, c.not, c.title = IDRuntimeDown, []string{IDNPDCondition}, ""
		} else {
			c.check = func(t *testing.T, f *Finding, all []Finding) {
				if f.Label != n.name || strings.Contains(f.Label, "unknown") {
					t.Errorf("label %q", f.Label)
				}
				if len(f.NextSteps) < 2 || !f.NextSteps[0].OnNode || f.NextSteps[0].Command == "" {
					t.Errorf("first step must be a command on the node: %v", f.NextSteps)
				}
				if !strings.Contains(f.NextSteps[len(f.NextSteps)-1].Text, n.msg) {
					t.Errorf("the reporter's message is not among the next steps: %v", f.NextSteps)
				}
				if n.name == "NTPProblem" {
					fxAssertOnNode(t, f, "systemctl status chronyd")
				}
				if fxFind(all, IDRuntimeDown) != nil {
					t.Errorf("%s is not a runtime condition", n.name)
				}
			}
		}
		cases = append(cases, c)
	}
	return cases
}

func TestInfoRulePositives(t *testing.T) { fxRunAll(t, infoPositives()) }

func TestInfoRuleNegatives(t *testing.T) {
	cases := []struct {
		name   string
		build  func() *Evidence
		absent []string
	}{
		{"brand-new node's first Ready", func() *Evidence {
			ev := fxHealthy()
			ev.Node.CreationTimestamp = fxTime(3 * time.Minute)
			ev.Node.Status.Conditions[4].LastTransitionTime = fxTime(2 * time.Minute)
			return ev
		}, []string{IDNodeRebooted}},
		{"Ready again 15 minutes ago", func() *Evidence {
			ev := fxHealthy()
			ev.Node.Status.Conditions[4].LastTransitionTime = fxTime(15 * time.Minute)
			return ev
		}, []string{IDNodeRebooted}},
		{"Rebooted two hours ago", fxWithEvent(corev1.EventTypeWarning, "Rebooted", fxRebooted, 2*time.Hour), []string{IDNodeRebooted}},
		{"Rebooted event of another node", func() *Evidence {
			ev := fxHealthy()
			e := fxNodeEvent(corev1.EventTypeWarning, "Rebooted", fxRebooted, 5*time.Minute, 1)
			e.InvolvedObject.Kind = "Pod"
			ev.Events = append(ev.Events, e)
			return ev
		}, []string{IDNodeRebooted}},
		{"FailedNodeAllocatableEnforcement two hours ago", func() *Evidence {
			ev := fxHealthy()
			ev.Events = append(ev.Events, fxNodeEvent(corev1.EventTypeWarning, "FailedNodeAllocatableEnforcement", fxAllocEnforc, 2*time.Hour, 30))
			return ev
		}, []string{IDAllocatableEnforcement}},
		{"cgroupsPerQOS true", func() *Evidence {
			ev := fxHealthy()
			ev.Kubelet = &KubeletFacts{CgroupsPerQOS: new(true)}
			return ev
		}, []string{IDAllocatableEnforcement}},
		{"EKS three minors behind", fxKubelet("v1.28.3-eks-abc", "v1.31.0-eks-7f3c2d"), []string{IDKubeletVersionSkew}},
		{"k3s same version", fxKubelet("v1.27.4+k3s1", "v1.27.4+k3s1"), []string{IDKubeletVersionSkew}},
		{"kubelet 1.14, the first with the PLEG fix", fxKubelet("v1.14.0", "v1.14.10"), []string{IDKubeletVersionSkew}},
		{"API server version unknown", fxKubelet("v1.30.4", ""), []string{IDKubeletVersionSkew}},
		{"kubelet version unknown", fxKubelet("", "v1.30.4"), []string{IDKubeletVersionSkew}},
		{"schedulable node", fxHealthy, []string{IDCordoned}},
		{"NPD condition Unknown on an Unknown node", func() *Evidence {
			ev := fxHealthy()
			fxUnreachable(ev, 10*time.Minute)
			fxSetCondition(ev, "KernelDeadlock", corev1.ConditionUnknown, "NoData", "", 10*time.Minute)
			return ev
		}, []string{IDNPDCondition}},
		{"custom and platform conditions in their healthy state", func() *Evidence {
			ev := fxHealthy()
			fxSetCondition(ev, "GPUUnhealthy", corev1.ConditionFalse, "GPUIsHealthy", "all GPUs healthy", day)
			fxSetCondition(ev, "VMEventScheduled", corev1.ConditionFalse, "NoVMEventScheduled", "VM has no scheduled event", day)
			fxSetCondition(ev, "FrequentUnregisterNetDevice", corev1.ConditionFalse, "NoFrequentUnregisterNetDevice", "node is functioning properly", day)
			return ev
		}, []string{IDNPDCondition}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { fxAbsent(t, Diagnose(c.build()), c.absent...) })
	}
}

// TestHealthyWhenTrueConditionsNotFlagged: platforms that publish good-when-True conditions
// (ContainerRuntimeReady, KernelReady, EtcdIsVoter) must not make a healthy node look broken.
func TestHealthyWhenTrueConditionsNotFlagged(t *testing.T) {
	ev := fxHealthy()
	fxSetCondition(ev, "ContainerRuntimeReady", corev1.ConditionTrue, "ContainerRuntimeIsReady", "containerd is ready", day)
	fxSetCondition(ev, "KernelReady", corev1.ConditionTrue, "KernelIsReady", "kernel is ready", day)
	fxSetCondition(ev, "EtcdIsVoter", corev1.ConditionTrue, "MemberIsVoter", "node is a voting member of the etcd cluster", day)
	if fs := Diagnose(ev); len(fs) != 0 {
		t.Errorf("healthy node with healthy-when-True conditions: %v", fxIDs(fs))
		for _, f := range fs {
			t.Logf("%s: %q", f.ID, f.Evidence)
		}
	}
	// Control: flipping one of them to False is reported.
	fxSetCondition(ev, "EtcdIsVoter", corev1.ConditionFalse, "MemberNotLearner", "node is not a voting member", time.Minute)
	fxRequire(t, Diagnose(ev), IDNPDCondition)
}
