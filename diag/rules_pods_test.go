package diag

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
)

const (
	fxHostLocal  = `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "4f3c1a9e2b7d": plugin type="flannel" failed (add): failed to delegate add: failed to allocate for range 0: no IP addresses available in range set: 10.244.3.1-10.244.3.126`
	fxHostLocalF = "failed to allocate for range 0: no IP addresses available in range set: 10.244.3.1-10.244.3.126"
	fxTerway     = `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "9ab2": plugin type="terway" failed (add): cmdAdd: error alloc ip rpc error: code = Unknown desc = Aliyun API Error: RequestId: 2095E971-E473-4BA0-853F-0C41CF52651D Status Code: 403 Code: InvalidVSwitchId.IpNotEnough Message: The specified VSwitch has not enough IpAddress.`
	fxTerwayF    = "Code: InvalidVSwitchId.IpNotEnough Message: The specified VSwitch has not enough IpAddress."
	fxCilium     = `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "77c0": plugin type="cilium-cni" failed (add): unable to allocate IP via local cilium agent: [POST /ipam][502] postIpamFailure  No more IPs available`
	fxCiliumF    = "unable to allocate IP via local cilium agent: [POST /ipam][502] postIpamFailure  No more IPs available"
	fxAWSCNI     = `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "e1d2": plugin type="aws-cni" name="aws-cni" failed (add): add cmd: failed to assign an IP address to container`
	fxUnrelated  = `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "51be": plugin type="calico" failed (add): error getting ClusterInformation: connection is unauthorized: Unauthorized`
	fxCgroupNoSp = `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to start sandbox container for pod "nginx-7db9fccd9b-x2k": Error response from daemon: OCI runtime create failed: container_linux.go:348: starting container process caused "process_linux.go:279: applying cgroup configuration for process caused \"mkdir /sys/fs/cgroup/memory/kubepods/besteffort/pod6f0a2c1e/4b2d: no space left on device\"": unknown`
	fxCgroupF    = `mkdir /sys/fs/cgroup/memory/kubepods/besteffort/pod6f0a2c1e/4b2d: no space left on device`
	fxCgroupNoMm = `Error: failed to start container "app": Error response from daemon: OCI runtime create failed: container_linux.go:349: starting container process caused "process_linux.go:297: applying cgroup configuration for process caused \"mkdir /sys/fs/cgroup/memory/kubepods/burstable/pod1d9e/7c3a: cannot allocate memory\"": unknown`
	fxCgroupNoMF = `mkdir /sys/fs/cgroup/memory/kubepods/burstable/pod1d9e/7c3a: cannot allocate memory`
	fxRBD        = `MountVolume.MountDevice failed for volume "pvc-0a1b2c3d" : rpc error: code = Internal desc = rbd: map failed with error an error (exit status 110) occurred while running rbd args: [--id csi-rbd-node -m 10.0.0.5:6789 map replicapool/csi-vol-0a1b]`
	fxRBDF       = `rbd: map failed with error an error (exit status 110) occurred while running rbd args`
	fxMulti      = `Multi-Attach error for volume "pvc-9f8e7d6c" Volume is already exclusively attached to one node and can't be attached to another`
	fxConntrack  = `E0502 15:55:13.889842    2241 conntrack.go:42] conntrack returned error: error looking for path of conntrack: exec: "conntrack": executable file not found in $PATH`
)

// fxSandboxFailing adds n pods stuck in ContainerCreating, each with a FailedCreatePodSandBox event.
func fxSandboxFailing(ev *Evidence, n int, msg string) {
	for i := range n {
		p := fxPod("airflow", fmt.Sprintf("task-runner-%d", i), fxCreating)
		ev.Pods = append(ev.Pods, p)
		ev.Events = append(ev.Events, fxPodEvent(p, corev1.EventTypeWarning, "FailedCreatePodSandBox", msg, 30*time.Second, 37))
	}
}

// fxRunning adds n Running workload pods with pod-network addresses.
func fxRunning(ev *Evidence, n int) {
	for i := range n {
		ev.Pods = append(ev.Pods, fxPod("airflow", fmt.Sprintf("worker-%02d", i)))
	}
}

// fxSeed003 is a /25 node with a dozen running pods whose new pods get no address.
func fxSeed003(msg string, failing int) func() *Evidence {
	return func() *Evidence {
		ev := fxHealthy()
		ev.Node.Spec.PodCIDR, ev.Node.Spec.PodCIDRs = "10.244.3.0/25", []string{"10.244.3.0/25"}
		fxRunning(ev, 8)
		fxSandboxFailing(ev, failing, msg)
		return ev
	}
}

// fxCentOS7 puts the node on the 3.10 kernel of seed 000.
func fxCentOS7(ev *Evidence) {
	info := &ev.Node.Status.NodeInfo
	info.KernelVersion, info.OSImage, info.ContainerRuntimeVersion = "3.10.0-957.el7.x86_64", "CentOS Linux 7 (Core)", "docker://18.6.1"
}

func fxCgroupCase(msg string) func() *Evidence {
	return func() *Evidence {
		ev := fxHealthy()
		fxCentOS7(ev)
		fxSandboxFailing(ev, 2, msg)
		return ev
	}
}

// fxManyConfigs gives the node pods mounting perPod distinct ConfigMaps and Secrets each.
func fxManyConfigs(kubelet string, pods, perPod int, projected bool) func() *Evidence {
	return func() *Evidence {
		ev := fxHealthy()
		ev.Node.Status.NodeInfo.KubeletVersion, ev.Cluster.ServerVersion = kubelet, kubelet
		for i := range pods {
			p := fxPod("tenant", fmt.Sprintf("svc-%02d-7d9f", i))
			var sources []corev1.VolumeProjection
			for j := range perPod {
				name := fmt.Sprintf("svc-%02d-conf-%d", i, j)
				switch {
				case projected && j%2 == 0:
					sources = append(sources, corev1.VolumeProjection{ConfigMap: &corev1.ConfigMapProjection{LocalObjectReference: corev1.LocalObjectReference{Name: name}}})
				case projected:
					sources = append(sources, corev1.VolumeProjection{Secret: &corev1.SecretProjection{LocalObjectReference: corev1.LocalObjectReference{Name: name}}})
				case j%2 == 0:
					p.Spec.Volumes = append(p.Spec.Volumes, fxConfigMapVol(name))
				default:
					p.Spec.Volumes = append(p.Spec.Volumes, fxSecretVol(name))
				}
			}
			if projected {
				p.Spec.Volumes = append(p.Spec.Volumes, corev1.Volume{Name: "all", VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{Sources: sources}}})
			}
			ev.Pods = append(ev.Pods, p)
		}
		return ev
	}
}

func podPositives() []fxCase {
	return []fxCase{
		// pod-ip-exhausted
		{id: IDPodIPExhausted, name: "seed 003: host-local range used up on a /25 with a dozen pods", primary: true, sev: SeverityCritical,
			build: fxSeed003(fxHostLocal, 3),
			verbatim: []string{fxHostLocalF, "FailedCreatePodSandBox ×37 on pod airflow/task-runner-0",
				"12 running pods hold a pod-network address; the podCIDR 10.244.3.0/25 has about 125: far more addresses are reserved than pods run"},
			title: "(3 pods cannot start)", pods: []string{"airflow/task-runner-0", "airflow/task-runner-1", "airflow/task-runner-2"},
			not: []string{IDCgroupLeak, IDCNINotReady, IDVolumeProblems},
			check: func(t *testing.T, f *Finding, _ []Finding) {
				if !strings.Contains(f.Why, "never released") {
					t.Errorf("leak not explained: %q", f.Why)
				}
				fxAssertOnNode(t, f, "/var/lib/cni/networks/")
				fxAssertOnNode(t, f, "ip -o link show type veth")
			}},
		{id: IDPodIPExhausted, name: "Terway IpNotEnough", sev: SeverityCritical, build: fxSeed003(fxTerway, 1), verbatim: []string{fxTerwayF}},
		{id: IDPodIPExhausted, name: "Cilium No more IPs available", sev: SeverityCritical, build: fxSeed003(fxCilium, 1), verbatim: []string{fxCiliumF}},
		{id: IDPodIPExhausted, name: "AWS VPC CNI", sev: SeverityCritical, build: fxSeed003(fxAWSCNI, 1), verbatim: []string{"failed to assign an IP address to container"}},
		{id: IDPodIPExhausted, name: "range genuinely full, five pods failing", sev: SeverityCritical,
			build: func() *Evidence {
				ev := fxHealthy()
				fxRunning(ev, 60)
				ev.Node.Spec.PodCIDR, ev.Node.Spec.PodCIDRs = "10.244.3.0/26", []string{"10.244.3.0/26"}
				fxSandboxFailing(ev, 5, fxHostLocal)
				return ev
			},
			verbatim: []string{"… and 2 more pods failing the same way", "64 running pods hold a pod-network address; the podCIDR 10.244.3.0/26 has about 61"},
			check: func(t *testing.T, f *Finding, _ []Finding) {
				if fxEvidenceHas(f, "leaked") || strings.Contains(f.Why, "never released") {
					t.Errorf("a full range reported as a leak: %q / %q", f.Evidence, f.Why)
				}
				if len(f.Pods) != 5 {
					t.Errorf("Pods %v, want the 5 failing pods", f.Pods)
				}
			}},

		// cgroup-leak
		{id: IDCgroupLeak, name: "seed 000: no space left on device for a memory cgroup", primary: true, sev: SeverityCritical,
			build:    fxCgroupCase(fxCgroupNoSp),
			verbatim: []string{fxCgroupF, "kernel 3.10.0-957.el7.x86_64 (CentOS Linux 7 (Core)), and the disk is not under pressure"},
			pods:     []string{"airflow/task-runner-0", "airflow/task-runner-1"}, title: "2 pods cannot start",
			not: []string{IDDiskPressure, IDPodIPExhausted},
			check: func(t *testing.T, f *Finding, _ []Finding) {
				fxAssertOnNode(t, f, "grep memory /proc/cgroups")
				fxAssertOnNode(t, f, "cgroup.memory=nokmem")
				if !slices.ContainsFunc(f.NextSteps, func(s NextStep) bool {
					return strings.Contains(s.Text, "--ignore-daemonsets --delete-emptydir-data --force")
				}) {
					t.Errorf("no maintenance step with the drain flags: %v", f.NextSteps)
				}
			}},
		{id: IDCgroupLeak, name: "cannot allocate memory", sev: SeverityCritical, build: fxCgroupCase(fxCgroupNoMm), verbatim: []string{fxCgroupNoMF}},
		{id: IDCgroupLeak, name: "container waiting with the error, no event", sev: SeverityCritical,
			build: func() *Evidence {
				ev := fxHealthy()
				fxCentOS7(ev)
				ev.Pods = append(ev.Pods, fxPod("airflow", "task-runner-0", fxWaiting("RunContainerError", fxCgroupNoMm)))
				return ev
			},
			verbatim: []string{fxCgroupNoMF}, pods: []string{"airflow/task-runner-0"}},
		{id: IDCgroupLeak, name: "kernel 3.10 on RHEL 7.9", sev: SeverityCritical,
			build: func() *Evidence {
				ev := fxCgroupCase(fxCgroupNoSp)()
				ev.Node.Status.NodeInfo.KernelVersion, ev.Node.Status.NodeInfo.OSImage = "3.10.0-1160.108.1.el7.x86_64", "Red Hat Enterprise Linux Server 7.9 (Maipo)"
				return ev
			},
			verbatim: []string{"kernel 3.10.0-1160.108.1.el7.x86_64"}},

		// stuck-terminating
		{id: IDStuckTerminating, name: "on an unreachable node", primary: true, sev: SeverityWarning,
			build: func() *Evidence {
				ev := fxHealthy()
				fxUnreachable(ev, 40*time.Minute)
				ev.Pods[4] = fxPod("default", "web-6d4cf56db6-4xk9t", fxTerminating(20*time.Minute, 30), fxNotReady)
				ev.Pods[5] = fxPod("default", "web-6d4cf56db6-9zq2m", fxTerminating(20*time.Minute, 30), fxNotReady)
				return ev
			},
			verbatim: []string{"pod default/web-6d4cf56db6-4xk9t Terminating for 20m (grace period 30s)"},
			pods:     []string{"default/web-6d4cf56db6-4xk9t", "default/web-6d4cf56db6-9zq2m"}, title: "2 pods are stuck Terminating",
			also: []string{IDNodeUnreachable},
			check: func(t *testing.T, f *Finding, _ []Finding) {
				if !slices.Contains(f.Related, IDNodeUnreachable) {
					t.Errorf("Related %v lacks node-unreachable", f.Related)
				}
				if s := fxStep(t, f, "--grace-period=0 --force"); s.OnNode {
					t.Errorf("force delete marked OnNode: %+v", s)
				}
				for _, a := range f.Actions {
					if a.Kind != ActDeletePod || !a.Force || !slices.Contains(f.Pods, a.Pod) {
						t.Errorf("action %+v: want a forced delete of a stuck pod", a)
					}
				}
			}},
		{id: IDStuckTerminating, name: "on a Ready node", sev: SeverityWarning,
			build: func() *Evidence {
				ev := fxHealthy()
				ev.Pods[6] = fxPod("shop", "cart-7f9c8d6b5-lq2rw", fxTerminating(10*time.Minute, 30))
				return ev
			},
			pods: []string{"shop/cart-7f9c8d6b5-lq2rw"}, not: []string{IDNodeUnreachable},
			check: func(t *testing.T, f *Finding, _ []Finding) {
				fxAssertOnNode(t, f, "journalctl -u kubelet")
				for _, a := range f.Actions {
					if a.Force {
						t.Errorf("force delete offered while the kubelet is alive: %+v", a)
					}
				}
			}},
		{id: IDStuckTerminating, name: "long grace period counted", sev: SeverityWarning,
			build: func() *Evidence {
				ev := fxHealthy()
				ev.Pods[6] = fxPod("shop", "cart-7f9c8d6b5-lq2rw", fxTerminating(10*time.Minute, 3600))
				return ev
			},
			verbatim: []string{"pod shop/cart-7f9c8d6b5-lq2rw Terminating for 70m (grace period 3600s)"}},

		// system-pod-unhealthy
		{id: IDSystemPodUnhealthy, name: "kube-proxy crash-looping", primary: true, sev: SeverityWarning,
			build: func() *Evidence {
				ev := fxHealthy()
				fxReplacePod(ev, fxPod("kube-system", "kube-proxy-7xk2p", fxDaemonSet("kube-proxy", true), fxCrashLoop(23, 3*time.Minute)))
				return ev
			},
			verbatim: []string{"pod kube-system/kube-proxy-7xk2p: waiting: CrashLoopBackOff; 23 restarts"},
			pods:     []string{"kube-system/kube-proxy-7xk2p"}, title: "kube-system/kube-proxy-7xk2p", not: []string{IDCNINotReady},
			check: func(t *testing.T, f *Finding, _ []Finding) {
				fxStep(t, f, "kubectl logs -n kube-system kube-proxy-7xk2p --all-containers --previous")
				for _, a := range f.Actions {
					if a.Pod != "kube-system/kube-proxy-7xk2p" || a.Force {
						t.Errorf("action %+v", a)
					}
				}
			}},
		{id: IDSystemPodUnhealthy, name: "static pod not Ready", sev: SeverityWarning,
			build: func() *Evidence {
				ev := fxHealthy()
				ev.Pods = append(ev.Pods, fxPod("kube-system", "haproxy-node-1", fxMirror, fxNotReady))
				return ev
			},
			verbatim: []string{"pod kube-system/haproxy-node-1: Running but not Ready"}},
		{id: IDSystemPodUnhealthy, name: "CSI node plugin not Ready", sev: SeverityWarning,
			build: func() *Evidence {
				ev := fxHealthy()
				fxReplacePod(ev, fxPod("kube-system", "ebs-csi-node-2kq9j", fxDaemonSet("ebs-csi-node", false), fxNotReady))
				return ev
			},
			pods: []string{"kube-system/ebs-csi-node-2kq9j"}, not: []string{IDCNINotReady}},
		{id: IDSystemPodUnhealthy, name: "log agent restarting", sev: SeverityWarning,
			build: func() *Evidence {
				ev := fxHealthy()
				ev.Pods = append(ev.Pods, fxPod("logging", "fluent-bit-8k2x9", fxDaemonSet("fluent-bit", false), fxRestarted(3, 10*time.Minute)))
				return ev
			},
			verbatim: []string{"pod logging/fluent-bit-8k2x9: 3 restarts"}},
		{id: IDSystemPodUnhealthy, name: "kube-proxy cannot find conntrack (seed 002)", sev: SeverityWarning,
			build: func() *Evidence {
				ev := fxHealthy()
				ev.PodLogs = map[string][]string{"kube-system/kube-proxy-7xk2p": {"I0502 15:55:13.1 2241 proxier.go:790] syncProxyRules took 31ms", fxConntrack}}
				return ev
			},
			verbatim: []string{"log of kube-system/kube-proxy-7xk2p", "install conntrack-tools"}},

		// volume-problems
		{id: IDVolumeProblems, name: "Ceph rbd map fails", primary: true, sev: SeverityWarning,
			build: func() *Evidence {
				ev := fxHealthy()
				p := fxPod("db", "mysql-0", fxCreating)
				ev.Pods = append(ev.Pods, p)
				ev.Events = append(ev.Events, fxPodEvent(p, corev1.EventTypeWarning, "FailedMount", fxRBD, time.Minute, 14))
				return ev
			},
			verbatim: []string{fxRBDF, "FailedMount ×14 on pod db/mysql-0"}, pods: []string{"db/mysql-0"}, title: "for 1 pods",
			check: func(t *testing.T, f *Finding, _ []Finding) {
				if s := fxStep(t, f, "ceph health detail"); s.OnNode {
					t.Errorf("ceph step marked OnNode")
				}
				fxStep(t, f, "kubectl describe pod -n db mysql-0")
			}},
		{id: IDVolumeProblems, name: "Multi-Attach", sev: SeverityWarning,
			build: func() *Evidence {
				ev := fxHealthy()
				p := fxPod("db", "mysql-0", fxCreating)
				ev.Pods = append(ev.Pods, p)
				ev.Events = append(ev.Events, fxPodEvent(p, corev1.EventTypeWarning, "FailedAttachVolume", fxMulti, 2*time.Minute, 3))
				return ev
			},
			verbatim: []string{"Volume is already exclusively attached to one node and can't be attached to another"}},
		{id: IDVolumeProblems, name: "event without a pod UID", sev: SeverityWarning,
			build: func() *Evidence {
				ev := fxHealthy()
				p := fxPod("db", "mysql-0", fxCreating)
				ev.Pods = append(ev.Pods, p)
				e := fxPodEvent(p, corev1.EventTypeWarning, "FailedAttachVolume", "AttachVolume.Attach failed for volume \"pvc-77\" : rpc error: code = DeadlineExceeded desc = context deadline exceeded", time.Minute, 2)
				e.InvolvedObject.UID = ""
				ev.Events = append(ev.Events, e)
				return ev
			},
			pods: []string{"db/mysql-0"}, verbatim: []string{"rpc error: code = DeadlineExceeded desc = context deadline exceeded"}},

		// too-many-config-watches
		{id: IDTooManyConfigWatches, name: "kubelet 1.12, 212 ConfigMaps and Secrets", primary: true, sev: SeverityWarning,
			build:    fxManyConfigs("v1.12.10", 30, 7, false),
			verbatim: []string{"212 distinct ConfigMaps and Secrets", "kubelet v1.12.10"}, also: []string{IDKubeletVersionSkew},
			check: func(t *testing.T, f *Finding, _ []Finding) {
				fxAssertOnNode(t, f, "configMapAndSecretChangeDetectionStrategy")
			}},
		{id: IDTooManyConfigWatches, name: "kubelet 1.13 with projected volumes", sev: SeverityWarning,
			build: fxManyConfigs("v1.13.12", 25, 9, true), verbatim: []string{"227 distinct ConfigMaps and Secrets"}},
		{id: IDTooManyConfigWatches, name: "kubelet 1.12 explicitly on Watch", sev: SeverityWarning,
			build: func() *Evidence {
				ev := fxManyConfigs("v1.12.10", 30, 7, false)()
				ev.Kubelet = &KubeletFacts{ConfigMapAndSecretChangeDetectionStrategy: "Watch"}
				return ev
			}},
	}
}

func TestPodRulePositives(t *testing.T) { fxRunAll(t, podPositives()) }

func TestPodRuleNegatives(t *testing.T) {
	cases := []struct {
		name   string
		build  func() *Evidence
		absent []string
	}{
		{"/24 with 30 pods and one unrelated sandbox error", func() *Evidence {
			ev := fxHealthy()
			fxRunning(ev, 23)
			fxSandboxFailing(ev, 1, fxUnrelated)
			return ev
		}, []string{IDPodIPExhausted, IDCgroupLeak}},
		{"kernel 3.10 without cgroup errors", func() *Evidence {
			ev := fxHealthy()
			fxCentOS7(ev)
			fxSandboxFailing(ev, 1, fxUnrelated)
			return ev
		}, []string{IDCgroupLeak}},
		{"no space left on device with DiskPressure=True", func() *Evidence {
			ev := fxCgroupCase(fxCgroupNoSp)()
			fxSetCondition(ev, corev1.NodeDiskPressure, corev1.ConditionTrue, "KubeletHasDiskPressure", "kubelet has disk pressure", 10*time.Minute)
			return ev
		}, []string{IDCgroupLeak}},
		{"cgroup errors on a 5.15 kernel", func() *Evidence {
			ev := fxHealthy()
			fxSandboxFailing(ev, 2, fxCgroupNoSp)
			return ev
		}, []string{IDCgroupLeak}},
		{"kernel 3.10, disk full while writing a layer", func() *Evidence {
			ev := fxHealthy()
			fxCentOS7(ev)
			fxSandboxFailing(ev, 1, `failed to register layer: Error processing tar file(exit status 1): write /usr/lib/jvm/libjvm.so: no space left on device`)
			return ev
		}, []string{IDCgroupLeak}},
		{"deleted 4 minutes ago", func() *Evidence {
			ev := fxHealthy()
			ev.Pods[6] = fxPod("shop", "cart-7f9c8d6b5-lq2rw", fxTerminating(4*time.Minute, 30))
			return ev
		}, []string{IDStuckTerminating}},
		{"grace period still running", func() *Evidence {
			ev := fxHealthy()
			ev.Pods[6] = fxPod("shop", "cart-7f9c8d6b5-lq2rw", fxTerminating(-20*time.Minute, 3600))
			return ev
		}, []string{IDStuckTerminating}},
		{"finished pod with an old deletionTimestamp", func() *Evidence {
			ev := fxHealthy()
			p := fxPod("batch", "report-1", fxTerminating(2*time.Hour, 30))
			p.Status.Phase = corev1.PodSucceeded
			ev.Pods = append(ev.Pods, p)
			return ev
		}, []string{IDStuckTerminating}},
		{"merely unready agents on an Unknown node", func() *Evidence {
			ev := fxHealthy()
			fxUnreachable(ev, 10*time.Minute)
			return ev
		}, []string{IDSystemPodUnhealthy}},
		{"merely unready agents on a NotReady node", func() *Evidence {
			ev := fxHealthy()
			fxNotReadyNode(ev, "Missing node capacity for resources: pods")
			for _, p := range ev.Pods {
				fxNotReady(p)
			}
			return ev
		}, []string{IDSystemPodUnhealthy}},
		{"a crash-looping Deployment in kube-system is no node agent", func() *Evidence {
			ev := fxHealthy()
			ev.Pods = append(ev.Pods, fxPod("kube-system", "coredns-5d78c9869d-q8x2v", fxCrashLoop(11, time.Minute)))
			return ev
		}, []string{IDSystemPodUnhealthy, IDCNINotReady}},
		{"agent that restarted three days ago", func() *Evidence {
			ev := fxHealthy()
			fxReplacePod(ev, fxPod("kube-system", "kube-proxy-7xk2p", fxDaemonSet("kube-proxy", true), fxRestarted(2, 3*day)))
			return ev
		}, []string{IDSystemPodUnhealthy}},
		{"agent being replaced (Terminating)", func() *Evidence {
			ev := fxHealthy()
			fxReplacePod(ev, fxPod("kube-system", "ebs-csi-node-2kq9j", fxDaemonSet("ebs-csi-node", false), fxNotReady, fxTerminating(-10*time.Second, 30)))
			return ev
		}, []string{IDSystemPodUnhealthy}},
		{"FailedMount for a pod that mounted in the end", func() *Evidence {
			ev := fxHealthy()
			ev.Events = append(ev.Events, fxPodEvent(ev.Pods[4], corev1.EventTypeWarning, "FailedMount", fxRBD, 10*time.Minute, 2))
			return ev
		}, []string{IDVolumeProblems}},
		{"FailedMount two hours ago", func() *Evidence {
			ev := fxHealthy()
			p := fxPod("db", "mysql-0", fxCreating)
			ev.Pods = append(ev.Pods, p)
			ev.Events = append(ev.Events, fxPodEvent(p, corev1.EventTypeWarning, "FailedMount", fxRBD, 2*time.Hour, 40))
			return ev
		}, []string{IDVolumeProblems}},
		{"config watches on kubelet 1.20", fxManyConfigs("v1.20.15", 30, 7, false), []string{IDTooManyConfigWatches}},
		{"config watches on kubelet 1.14", fxManyConfigs("v1.14.10", 30, 7, false), []string{IDTooManyConfigWatches}},
		{"kubelet 1.12 with exactly 200", fxManyConfigs("v1.12.10", 22, 9, false), []string{IDTooManyConfigWatches}},
		{"kubelet 1.12 on the Cache strategy", func() *Evidence {
			ev := fxManyConfigs("v1.12.10", 30, 7, false)()
			ev.Kubelet = &KubeletFacts{ConfigMapAndSecretChangeDetectionStrategy: "Cache"}
			return ev
		}, []string{IDTooManyConfigWatches}},
		{"kubelet 1.12, one ConfigMap mounted by 250 pods", func() *Evidence {
			ev := fxHealthy()
			ev.Node.Status.NodeInfo.KubeletVersion = "v1.12.10"
			for i := range 250 {
				ev.Pods = append(ev.Pods, fxPod("tenant", fmt.Sprintf("svc-%03d", i), fxVolumes(fxConfigMapVol("shared-config"))))
			}
			return ev
		}, []string{IDTooManyConfigWatches}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { fxAbsent(t, Diagnose(c.build()), c.absent...) })
	}
}

// TestSandboxFailuresOfRecoveredPods: a sandbox error from earlier in the hour on a pod that is now
// Running and Ready says nothing about the node now; pod-ip-exhausted's catalogue signal is pods stuck
// in ContainerCreating.
func TestSandboxFailuresOfRecoveredPods(t *testing.T) {
	for _, c := range []struct {
		id, msg string
		build   func(ev *Evidence)
	}{
		{IDPodIPExhausted, fxHostLocal, func(*Evidence) {}},
		{IDCgroupLeak, fxCgroupNoSp, fxCentOS7},
	} {
		t.Run(c.id, func(t *testing.T) {
			ev := fxHealthy()
			c.build(ev)
			// web-…-9zq2m started 40 minutes ago after its sandbox failed for a while.
			web := ev.Pods[5]
			ev.Events = append(ev.Events, fxPodEvent(web, corev1.EventTypeWarning, "FailedCreatePodSandBox", c.msg, 42*time.Minute, 6))
			fxAbsent(t, Diagnose(ev), c.id)
		})
	}
}
