package diag

// Fixtures for the rule tests: a healthy node as a kubelet reports it, with its Lease, the pods a
// typical node runs (DaemonSet agents and a few workloads) and the events around it, plus builders that
// break one thing at a time. Names carry the fx prefix so they cannot collide with the package's own.

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// fxNow is when every fixture is judged.
var fxNow = time.Date(2025, time.March, 12, 10, 0, 0, 0, time.UTC)

const fxNodeName = "node-1"

func fxTime(ago time.Duration) metav1.Time { return metav1.NewTime(fxNow.Add(-ago)) }

func fxTimePtr(ago time.Duration) *metav1.Time {
	t := fxTime(ago)
	return &t
}

const day = 24 * time.Hour

func fxCond(t corev1.NodeConditionType, s corev1.ConditionStatus, reason, msg string, since time.Duration) corev1.NodeCondition {
	return corev1.NodeCondition{Type: t, Status: s, Reason: reason, Message: msg,
		LastHeartbeatTime: fxTime(20 * time.Second), LastTransitionTime: fxTime(since)}
}

// fxNode is a healthy worker: kubelet and node-problem-detector conditions all in their healthy state.
func fxNode() *corev1.Node {
	res := corev1.ResourceList{
		corev1.ResourceCPU:              resource.MustParse("4"),
		corev1.ResourceMemory:           resource.MustParse("16Gi"),
		corev1.ResourcePods:             resource.MustParse("110"),
		corev1.ResourceEphemeralStorage: resource.MustParse("100Gi"),
	}
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: fxNodeName, UID: "5d2c0a4e-node-1", CreationTimestamp: fxTime(30 * day),
			Labels: map[string]string{"kubernetes.io/hostname": fxNodeName, "kubernetes.io/os": "linux"}},
		Spec: corev1.NodeSpec{PodCIDR: "10.244.1.0/24", PodCIDRs: []string{"10.244.1.0/24"}},
		Status: corev1.NodeStatus{
			Capacity: res.DeepCopy(), Allocatable: res.DeepCopy(),
			Conditions: []corev1.NodeCondition{
				fxCond("NetworkUnavailable", corev1.ConditionFalse, "CalicoIsUp", "Calico is running on this node", 30*day),
				fxCond(corev1.NodeMemoryPressure, corev1.ConditionFalse, "KubeletHasSufficientMemory", "kubelet has sufficient memory available", 30*day),
				fxCond(corev1.NodeDiskPressure, corev1.ConditionFalse, "KubeletHasNoDiskPressure", "kubelet has no disk pressure", 30*day),
				fxCond(corev1.NodePIDPressure, corev1.ConditionFalse, "KubeletHasSufficientPID", "kubelet has sufficient PID available", 30*day),
				fxCond(corev1.NodeReady, corev1.ConditionTrue, "KubeletReady", "kubelet is posting ready status. AppArmor enabled", 5*day),
				fxCond("KernelDeadlock", corev1.ConditionFalse, "KernelHasNoDeadlock", "kernel has no deadlock", 30*day),
				fxCond("ReadonlyFilesystem", corev1.ConditionFalse, "FilesystemIsNotReadOnly", "Filesystem is not read-only", 30*day),
				fxCond("FrequentContainerdRestart", corev1.ConditionFalse, "NoFrequentContainerdRestart", "containerd is functioning properly", 30*day),
				fxCond("ContainerRuntimeUnhealthy", corev1.ConditionFalse, "ContainerRuntimeIsHealthy", "Container runtime on the node is functioning properly", 30*day),
				fxCond("NTPProblem", corev1.ConditionFalse, "NTPIsUp", "NTP service is up", 30*day),
			},
			Addresses: []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: "10.0.1.17"}, {Type: corev1.NodeHostName, Address: fxNodeName}},
			NodeInfo: corev1.NodeSystemInfo{
				MachineID: "ec2a1b", BootID: "0f6a9d0e-5b1c-4f0e-9a57-1d2b3c4d5e6f", KernelVersion: "5.15.0-1051-aws",
				OSImage: "Ubuntu 22.04.4 LTS", ContainerRuntimeVersion: "containerd://1.7.12", KubeletVersion: "v1.30.4",
				KubeProxyVersion: "v1.30.4", OperatingSystem: "linux", Architecture: "amd64",
			},
			Images: []corev1.ContainerImage{
				{Names: []string{"docker.io/calico/node@sha256:9a1b", "docker.io/calico/node:v3.27.0"}, SizeBytes: 340_000_000},
				{Names: []string{"registry.k8s.io/kube-proxy:v1.30.4"}, SizeBytes: 29_000_000},
				{Names: []string{"ghcr.io/acme/ml-trainer:2.4.1"}, SizeBytes: 7_400_000_000},
			},
		},
	}
}

// fxLease is the node's Lease, renewed ago.
func fxLease(ago time.Duration) *coordinationv1.Lease {
	holder, dur := fxNodeName, int32(40)
	renew := metav1.NewMicroTime(fxNow.Add(-ago))
	return &coordinationv1.Lease{
		ObjectMeta: metav1.ObjectMeta{Name: fxNodeName, Namespace: "kube-node-lease"},
		Spec:       coordinationv1.LeaseSpec{HolderIdentity: &holder, LeaseDurationSeconds: &dur, RenewTime: &renew},
	}
}

type fxPodOpt func(*corev1.Pod)

// fxPod is a Running, Ready pod of a ReplicaSet on the node, with a pod-network address.
func fxPod(ns, name string, opts ...fxPodOpt) *corev1.Pod {
	isController := true
	owner := name
	if i := strings.LastIndex(name, "-"); i > 0 {
		owner = name[:i]
	}
	p := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, UID: types.UID(ns + "-" + name + "-uid"), CreationTimestamp: fxTime(2 * day),
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: owner, UID: "rs-uid", Controller: &isController}}},
		Spec: corev1.PodSpec{NodeName: fxNodeName, Containers: []corev1.Container{{Name: "app", Image: "nginx:1.25",
			Resources: corev1.ResourceRequirements{
				Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("128Mi")},
				Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("256Mi")}}}}},
		Status: corev1.PodStatus{
			Phase: corev1.PodRunning, PodIP: "10.244.1.23", HostIP: "10.0.1.17", StartTime: fxTimePtr(2 * day),
			Conditions: []corev1.PodCondition{
				{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: fxTime(2 * day)},
				{Type: corev1.PodInitialized, Status: corev1.ConditionTrue, LastTransitionTime: fxTime(2 * day)},
				{Type: corev1.ContainersReady, Status: corev1.ConditionTrue, LastTransitionTime: fxTime(2 * day)},
				{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: fxTime(2 * day)},
			},
			ContainerStatuses: []corev1.ContainerStatus{{Name: "app", Image: "nginx:1.25", Ready: true, Started: new(true),
				State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: fxTime(2 * day)}}}},
		},
	}
	for _, o := range opts {
		o(p)
	}
	return p
}

// fxDaemonSet makes the pod a DaemonSet's, on the host network when hostNet.
func fxDaemonSet(ds string, hostNet bool) fxPodOpt {
	return func(p *corev1.Pod) {
		p.OwnerReferences[0].Kind, p.OwnerReferences[0].Name = "DaemonSet", ds
		p.Spec.Containers[0].Name = ds
		p.Status.ContainerStatuses[0].Name = ds
		if hostNet {
			p.Spec.HostNetwork, p.Status.PodIP = true, "10.0.1.17"
		}
	}
}

// fxMirror makes the pod the mirror of a static pod.
func fxMirror(p *corev1.Pod) {
	p.Annotations = map[string]string{corev1.MirrorPodAnnotationKey: "3b1f2c"}
	p.OwnerReferences[0].APIVersion, p.OwnerReferences[0].Kind, p.OwnerReferences[0].Name = "v1", "Node", fxNodeName
}

func fxSetPodReady(p *corev1.Pod, ready bool) {
	s := corev1.ConditionTrue
	if !ready {
		s = corev1.ConditionFalse
	}
	for i := range p.Status.Conditions {
		if t := p.Status.Conditions[i].Type; t == corev1.PodReady || t == corev1.ContainersReady {
			p.Status.Conditions[i].Status = s
		}
	}
	for i := range p.Status.ContainerStatuses {
		p.Status.ContainerStatuses[i].Ready = ready
	}
}

// fxCrashLoop: the container keeps crashing and waits in CrashLoopBackOff.
func fxCrashLoop(restarts int32, lastExit time.Duration) fxPodOpt {
	return func(p *corev1.Pod) {
		fxSetPodReady(p, false)
		c := &p.Status.ContainerStatuses[0]
		c.RestartCount, c.Started = restarts, new(false)
		c.State = corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff",
			Message: fmt.Sprintf("back-off 5m0s restarting failed container=%s pod=%s_%s(%s)", c.Name, p.Name, p.Namespace, p.UID)}}
		c.LastTerminationState = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 1, Reason: "Error",
			StartedAt: fxTime(lastExit + 20*time.Second), FinishedAt: fxTime(lastExit)}}
	}
}

// fxRestarted: Running and Ready again after restarts, the last one lastExit ago.
func fxRestarted(restarts int32, lastExit time.Duration) fxPodOpt {
	return func(p *corev1.Pod) {
		c := &p.Status.ContainerStatuses[0]
		c.RestartCount = restarts
		c.State.Running.StartedAt = fxTime(lastExit - 5*time.Second)
		c.LastTerminationState = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 137, Reason: "OOMKilled",
			StartedAt: fxTime(lastExit + time.Hour), FinishedAt: fxTime(lastExit)}}
	}
}

// fxNotReady: Running, but its readiness probe fails.
func fxNotReady(p *corev1.Pod) { fxSetPodReady(p, false) }

// fxCreating: Pending in ContainerCreating, no address yet.
func fxCreating(p *corev1.Pod) {
	p.CreationTimestamp = fxTime(12 * time.Minute)
	p.Status.Phase, p.Status.PodIP, p.Status.StartTime = corev1.PodPending, "", fxTimePtr(12*time.Minute)
	fxSetPodReady(p, false)
	c := &p.Status.ContainerStatuses[0]
	c.Started = new(false)
	c.State = corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "ContainerCreating"}}
}

// fxWaiting: the container waits with the reason and message (RunContainerError, CreateContainerError).
func fxWaiting(reason, msg string) fxPodOpt {
	return func(p *corev1.Pod) {
		fxSetPodReady(p, false)
		p.Status.ContainerStatuses[0].State = corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: reason, Message: msg}}
	}
}

// fxEvicted: the kubelet evicted the pod ago with the message.
func fxEvicted(msg string, ago time.Duration) fxPodOpt {
	return func(p *corev1.Pod) {
		p.Status.Phase, p.Status.Reason, p.Status.Message, p.Status.PodIP = corev1.PodFailed, "Evicted", msg, ""
		p.Status.Conditions = append(p.Status.Conditions, corev1.PodCondition{Type: corev1.DisruptionTarget, Status: corev1.ConditionTrue,
			Reason: "TerminationByKubelet", Message: msg, LastTransitionTime: fxTime(ago)})
		for i := range p.Status.Conditions {
			if t := p.Status.Conditions[i].Type; t == corev1.PodReady || t == corev1.ContainersReady {
				p.Status.Conditions[i].Status, p.Status.Conditions[i].LastTransitionTime = corev1.ConditionFalse, fxTime(ago)
			}
		}
		c := &p.Status.ContainerStatuses[0]
		c.Ready = false
		c.State = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 137, Reason: "Error",
			StartedAt: fxTime(2 * day), FinishedAt: fxTime(ago)}}
	}
}

// fxTerminating: deletion was requested with the grace period; deletionTimestamp is deletedAgo.
func fxTerminating(deletedAgo time.Duration, grace int64) fxPodOpt {
	return func(p *corev1.Pod) {
		p.DeletionTimestamp, p.DeletionGracePeriodSeconds = fxTimePtr(deletedAgo), &grace
	}
}

func fxRequests(cpu, mem string) fxPodOpt {
	return func(p *corev1.Pod) {
		p.Spec.Containers[0].Resources.Requests = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu), corev1.ResourceMemory: resource.MustParse(mem)}
	}
}

func fxVolumes(vols ...corev1.Volume) fxPodOpt {
	return func(p *corev1.Pod) { p.Spec.Volumes = append(p.Spec.Volumes, vols...) }
}

func fxConfigMapVol(name string) corev1.Volume {
	return corev1.Volume{Name: "cm-" + name, VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
		LocalObjectReference: corev1.LocalObjectReference{Name: name}}}}
}

func fxSecretVol(name string) corev1.Volume {
	return corev1.Volume{Name: "secret-" + name, VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: name}}}
}

// fxPending is a pod no node took, with the scheduler's message.
func fxPending(ns, name, cpu, mem, msg string) *corev1.Pod {
	p := fxPod(ns, name, fxRequests(cpu, mem))
	p.Spec.NodeName = ""
	p.Status = corev1.PodStatus{Phase: corev1.PodPending, Conditions: []corev1.PodCondition{{Type: corev1.PodScheduled,
		Status: corev1.ConditionFalse, Reason: corev1.PodReasonUnschedulable, Message: msg, LastTransitionTime: fxTime(5 * time.Minute)}}}
	return p
}

var fxEventSeq int

func fxEvent(kind, ns, name string, uid types.UID, typ, reason, msg string, ago time.Duration, count int32) *corev1.Event {
	fxEventSeq++
	return &corev1.Event{
		ObjectMeta:     metav1.ObjectMeta{Name: fmt.Sprintf("%s.%x", name, 0x17f00000+fxEventSeq), Namespace: ns, CreationTimestamp: fxTime(ago + time.Hour)},
		InvolvedObject: corev1.ObjectReference{Kind: kind, Namespace: ns, Name: name, UID: uid, APIVersion: "v1"},
		Type:           typ, Reason: reason, Message: msg, Count: count,
		Source:         corev1.EventSource{Component: "kubelet", Host: fxNodeName},
		FirstTimestamp: fxTime(ago + time.Duration(count)*time.Minute), LastTimestamp: fxTime(ago),
	}
}

// fxNodeEvent is an event about the node (the kubelet and node-problem-detector record them in default).
func fxNodeEvent(typ, reason, msg string, ago time.Duration, count int32) *corev1.Event {
	return fxEvent("Node", "default", fxNodeName, types.UID(fxNodeName), typ, reason, msg, ago, count)
}

func fxPodEvent(p *corev1.Pod, typ, reason, msg string, ago time.Duration, count int32) *corev1.Event {
	return fxEvent("Pod", p.Namespace, p.Name, p.UID, typ, reason, msg, ago, count)
}

// fxHealthy is the evidence of a healthy node: fresh Lease, agents and workloads Running and Ready,
// only Normal events.
func fxHealthy() *Evidence {
	kubeProxy := fxPod("kube-system", "kube-proxy-7xk2p", fxDaemonSet("kube-proxy", true))
	calico := fxPod("kube-system", "calico-node-h8d4x", fxDaemonSet("calico-node", true))
	csi := fxPod("kube-system", "ebs-csi-node-2kq9j", fxDaemonSet("ebs-csi-node", false))
	exporter := fxPod("monitoring", "node-exporter-5x8fz", fxDaemonSet("node-exporter", true))
	web1 := fxPod("default", "web-6d4cf56db6-4xk9t")
	web2 := fxPod("default", "web-6d4cf56db6-9zq2m")
	cart := fxPod("shop", "cart-7f9c8d6b5-lq2rw", fxVolumes(fxConfigMapVol("cart-config"), fxSecretVol("cart-db")))
	return &Evidence{
		Node:  fxNode(),
		Lease: fxLease(8 * time.Second),
		Pods:  []*corev1.Pod{kubeProxy, calico, csi, exporter, web1, web2, cart},
		Events: []*corev1.Event{
			fxNodeEvent(corev1.EventTypeNormal, "RegisteredNode", "Node node-1 event: Registered Node node-1 in Controller", 5*day, 1),
			fxPodEvent(web2, corev1.EventTypeNormal, "Pulled", `Container image "nginx:1.25" already present on machine`, 40*time.Minute, 1),
			fxPodEvent(web2, corev1.EventTypeNormal, "Started", "Started container app", 40*time.Minute, 1),
		},
		Now:     fxNow,
		Cluster: ClusterFacts{ServerVersion: "v1.30.4"},
	}
}

// fxSetCondition sets (or adds) a node condition that changed since ago.
func fxSetCondition(ev *Evidence, t corev1.NodeConditionType, s corev1.ConditionStatus, reason, msg string, since time.Duration) {
	c := fxCond(t, s, reason, msg, since)
	for i := range ev.Node.Status.Conditions {
		if ev.Node.Status.Conditions[i].Type == t {
			ev.Node.Status.Conditions[i] = c
			return
		}
	}
	ev.Node.Status.Conditions = append(ev.Node.Status.Conditions, c)
}

func fxNotReadyNode(ev *Evidence, msg string) {
	fxSetCondition(ev, corev1.NodeReady, corev1.ConditionFalse, "KubeletNotReady", msg, 4*time.Minute)
}

// fxUnreachable makes the node silent for the duration, as the node lifecycle controller then shows it:
// kubelet conditions Unknown, unreachable taints, every pod marked not ready.
func fxUnreachable(ev *Evidence, silent time.Duration) {
	const msg = "Kubelet stopped posting node status."
	for _, t := range []corev1.NodeConditionType{corev1.NodeMemoryPressure, corev1.NodeDiskPressure, corev1.NodePIDPressure, corev1.NodeReady} {
		fxSetCondition(ev, t, corev1.ConditionUnknown, "NodeStatusUnknown", msg, silent-40*time.Second)
		c := ev.condition(t)
		c.LastHeartbeatTime = fxTime(silent)
	}
	ev.Lease = fxLease(silent)
	ev.Node.Spec.Taints = append(ev.Node.Spec.Taints,
		corev1.Taint{Key: corev1.TaintNodeUnreachable, Effect: corev1.TaintEffectNoSchedule, TimeAdded: fxTimePtr(silent - 40*time.Second)},
		corev1.Taint{Key: corev1.TaintNodeUnreachable, Effect: corev1.TaintEffectNoExecute, TimeAdded: fxTimePtr(silent - 45*time.Second)})
	for _, p := range ev.Pods {
		fxSetPodReady(p, false)
	}
}

// fxReplacePod swaps the pod of the same name (the fixture's calico-node, say) for p, or adds p.
func fxReplacePod(ev *Evidence, p *corev1.Pod) {
	for i, q := range ev.Pods {
		if q.Namespace == p.Namespace && q.Name == p.Name {
			ev.Pods[i] = p
			return
		}
	}
	ev.Pods = append(ev.Pods, p)
}

// ---- assertions ----

func fxIDs(fs []Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.ID
	}
	return out
}

func fxFind(fs []Finding, id string) *Finding {
	for i := range fs {
		if fs[i].ID == id {
			return &fs[i]
		}
	}
	return nil
}

func fxRequire(t *testing.T, fs []Finding, id string) *Finding {
	t.Helper()
	f := fxFind(fs, id)
	if f == nil {
		t.Fatalf("%s did not fire; findings: %v", id, fxIDs(fs))
	}
	return f
}

func fxAbsent(t *testing.T, fs []Finding, ids ...string) {
	t.Helper()
	for _, id := range ids {
		if f := fxFind(fs, id); f != nil {
			t.Errorf("%s fired but must not: %q, evidence %q", id, f.Title, f.Evidence)
		}
	}
}

// fxEvidenceHas reports whether an evidence line contains s unchanged.
func fxEvidenceHas(f *Finding, s string) bool {
	for _, line := range f.Evidence {
		if strings.Contains(line, s) {
			return true
		}
	}
	return false
}

func fxAssertEvidence(t *testing.T, f *Finding, s string) {
	t.Helper()
	if !fxEvidenceHas(f, s) {
		t.Errorf("%s: no evidence line contains %q; evidence:\n  %s", f.ID, s, strings.Join(f.Evidence, "\n  "))
	}
}

func fxActionKinds(f *Finding) []ActionKind {
	var out []ActionKind
	for _, a := range f.Actions {
		if a.Kind.IsLink() {
			continue // links to evidence (journal, goroutines) are not in the catalogue's column
		}
		if !slices.Contains(out, a.Kind) {
			out = append(out, a.Kind)
		}
	}
	slices.Sort(out)
	return out
}

func fxAssertActions(t *testing.T, f *Finding, want ...ActionKind) {
	t.Helper()
	want = slices.Clone(want)
	slices.Sort(want)
	want = slices.Compact(want)
	if got := fxActionKinds(f); !slices.Equal(got, want) {
		t.Errorf("%s: actions %v, want %v", f.ID, got, want)
	}
}

// fxStep returns the first next step whose command contains the fragment.
func fxStep(t *testing.T, f *Finding, fragment string) NextStep {
	t.Helper()
	for _, s := range f.NextSteps {
		if strings.Contains(s.Command, fragment) {
			return s
		}
	}
	t.Fatalf("%s: no next step runs %q; steps: %v", f.ID, fragment, f.NextSteps)
	return NextStep{}
}

// fxAssertOnNode checks the step running the command is marked to run on the node.
func fxAssertOnNode(t *testing.T, f *Finding, fragment string) {
	t.Helper()
	if s := fxStep(t, f, fragment); !s.OnNode {
		t.Errorf("%s: step %q must be marked OnNode", f.ID, s.Command)
	}
}

func fxAssertPods(t *testing.T, f *Finding, want ...string) {
	t.Helper()
	for _, p := range want {
		if !slices.Contains(f.Pods, p) {
			t.Errorf("%s: Pods %v lacks %s", f.ID, f.Pods, p)
		}
	}
}
