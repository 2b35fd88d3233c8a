package cluster

import (
	"strings"
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ktriage/ktriage/diag"
)

var now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func cond(t corev1.NodeConditionType, s corev1.ConditionStatus, reason, msg string) corev1.NodeCondition {
	return corev1.NodeCondition{Type: t, Status: s, Reason: reason, Message: msg,
		LastHeartbeatTime: metav1.NewTime(now.Add(-10 * time.Second)), LastTransitionTime: metav1.NewTime(now.Add(-time.Hour))}
}

func healthy() []corev1.NodeCondition {
	return []corev1.NodeCondition{
		cond(corev1.NodeReady, corev1.ConditionTrue, "KubeletReady", "kubelet is posting ready status"),
		cond(corev1.NodeMemoryPressure, corev1.ConditionFalse, "KubeletHasSufficientMemory", ""),
		cond(corev1.NodeDiskPressure, corev1.ConditionFalse, "KubeletHasNoDiskPressure", ""),
		cond(corev1.NodePIDPressure, corev1.ConditionFalse, "KubeletHasSufficientPID", ""),
		cond(corev1.NodeNetworkUnavailable, corev1.ConditionFalse, "RouteCreated", ""),
	}
}

func node(conds []corev1.NodeCondition, mutate ...func(*corev1.Node)) *corev1.Node {
	n := testNode("n1", "4", "16Gi")
	n.Labels = map[string]string{"node-role.kubernetes.io/control-plane": "", "node-role.kubernetes.io/worker": "true"}
	n.Status.Conditions = conds
	for _, m := range mutate {
		m(n)
	}
	return n
}

func freshLease(age time.Duration) *coordinationv1.Lease {
	d := int32(40)
	return &coordinationv1.Lease{Spec: coordinationv1.LeaseSpec{LeaseDurationSeconds: &d, RenewTime: &metav1.MicroTime{Time: now.Add(-age)}}}
}

func TestStatusDerivation(t *testing.T) {
	cordon := func(n *corev1.Node) { n.Spec.Unschedulable = true }
	plegMsg := "PLEG is not healthy: pleg was last seen active 3m12s ago; threshold is 3m0s"
	notReady := healthy()
	notReady[0] = cond(corev1.NodeReady, corev1.ConditionFalse, "KubeletNotReady", plegMsg)
	unknown := healthy()
	for i := range unknown {
		unknown[i] = cond(unknown[i].Type, corev1.ConditionUnknown, "NodeStatusUnknown", "Kubelet stopped posting node status.")
	}
	withKernelReady := append(healthy(), cond("KernelReady", corev1.ConditionTrue, "", ""))
	npdUnknown := append(healthy(), cond("KernelDeadlock", corev1.ConditionUnknown, "", ""))
	runtimeNotReady := append(healthy(), cond("ContainerRuntimeReady", corev1.ConditionFalse, "", "containerd is not running"))
	disk := healthy()
	disk[2] = cond(corev1.NodeDiskPressure, corev1.ConditionTrue, "KubeletHasDiskPressure", "kubelet has disk pressure")

	cases := []struct {
		name        string
		node        *corev1.Node
		lease       *coordinationv1.Lease
		status      string
		severity    Severity
		problemsHas []string
		problemsNot []string
	}{
		{"healthy", node(healthy()), freshLease(5 * time.Second), "Ready", SeverityNone, nil, []string{"Ready"}},
		{"healthy with KernelReady=True", node(withKernelReady), freshLease(5 * time.Second), "Ready", SeverityNone, nil, []string{"KernelReady"}},
		{"cordoned", node(healthy(), cordon), freshLease(time.Second), "Ready,SchedulingDisabled", SeverityInfo, []string{"cordoned"}, nil},
		{"pleg", node(notReady), freshLease(time.Second), "NotReady", SeverityCritical, []string{"PLEG stuck 3m12s"}, []string{"NotReady"}},
		{"unknown", node(unknown), freshLease(14 * time.Minute), "Unknown", SeverityCritical, []string{"unreachable 14m"}, []string{"MemoryPressure", "heartbeat"}},
		{"stale lease while Ready", node(healthy()), freshLease(2 * time.Minute), "Ready", SeverityCritical, []string{"unreachable 2m"}, nil},
		{"disk pressure", node(disk), freshLease(time.Second), "Ready", SeverityCritical, []string{"DiskPressure"}, nil},
		{"no conditions yet", node(nil), nil, "Unknown", SeverityNone, nil, nil},
		{"NPD condition silent", node(npdUnknown), freshLease(time.Second), "Ready", SeverityWarning, []string{"KernelDeadlock: Unknown"}, nil},
		{"healthy-when-true condition False", node(runtimeNotReady), freshLease(time.Second), "Ready", SeverityWarning, []string{"ContainerRuntimeReady=False"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := summarise(c.node, c.lease)
			if s.Status != c.status {
				t.Errorf("status = %q, want %q", s.Status, c.status)
			}
			if s.Severity != c.severity {
				t.Errorf("severity = %v, want %v (signals %+v)", s.Severity, c.severity, s.Signals)
			}
			problems := s.ProblemsText()
			for _, want := range c.problemsHas {
				if !strings.Contains(problems, want) {
					t.Errorf("problems %q lack %q", problems, want)
				}
			}
			for _, not := range c.problemsNot {
				if strings.Contains(problems, not) {
					t.Errorf("problems %q must not mention %q", problems, not)
				}
			}
			if strings.Join(s.Roles, ",") != "control-plane,worker" {
				t.Errorf("roles = %v", s.Roles)
			}
		})
	}
}

// summarise derives the node's summary with its signals, as the watcher does.
func summarise(n *corev1.Node, lease *coordinationv1.Lease) NodeSummary {
	v := &NodeView{Node: n, Lease: lease}
	v.Summary = summariseNode(n, lease, nil, now, time.Time{})
	diagnoseView(v, nil, now, diag.ClusterFacts{})
	return v.Summary
}

func TestHeartbeatFallsBackToReadyCondition(t *testing.T) {
	s := summariseNode(node(healthy()), nil, nil, now, time.Time{})
	if s.HeartbeatFromLease || !s.Heartbeat.Equal(now.Add(-10*time.Second)) {
		t.Errorf("heartbeat = %v from lease %v, want the Ready condition's heartbeat", s.Heartbeat, s.HeartbeatFromLease)
	}
	// Without a Lease the kubelet posts status every 5 minutes; 3 minutes of quiet is normal.
	if s.HeartbeatStale(now.Add(3 * time.Minute)) {
		t.Error("a 3-minute-old condition heartbeat counted as stale")
	}
	if !s.HeartbeatStale(now.Add(10 * time.Minute)) {
		t.Error("a 10-minute-old condition heartbeat not counted as stale")
	}
}

func TestPodStatus(t *testing.T) {
	waiting := func(reason string) corev1.ContainerStatus {
		return corev1.ContainerStatus{Name: "app", State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: reason}}, RestartCount: 7}
	}
	running := corev1.ContainerStatus{Name: "app", Ready: true, State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}}
	old := metav1.NewTime(now.Add(-time.Hour))
	mk := func(mut func(p *corev1.Pod)) *corev1.Pod {
		p := testPod("p", "n1", corev1.PodRunning, container("app", "", "", "", ""))
		p.CreationTimestamp = old
		mut(p)
		return p
	}
	cases := []struct {
		name   string
		pod    *corev1.Pod
		status string
		broken bool
	}{
		{"running", mk(func(p *corev1.Pod) { p.Status.ContainerStatuses = []corev1.ContainerStatus{running} }), "Running", false},
		{"crashloop", mk(func(p *corev1.Pod) {
			p.Status.ContainerStatuses = []corev1.ContainerStatus{waiting("CrashLoopBackOff")}
		}), "CrashLoopBackOff", true},
		{"creating for an hour", mk(func(p *corev1.Pod) {
			p.Status.Phase = corev1.PodPending
			p.Status.ContainerStatuses = []corev1.ContainerStatus{waiting("ContainerCreating")}
		}), "ContainerCreating", true},
		{"creating just now", mk(func(p *corev1.Pod) {
			p.CreationTimestamp = metav1.NewTime(now.Add(-10 * time.Second))
			p.Status.Phase = corev1.PodPending
			p.Status.ContainerStatuses = []corev1.ContainerStatus{waiting("ContainerCreating")}
		}), "ContainerCreating", false},
		{"evicted", mk(func(p *corev1.Pod) {
			p.Status.Phase, p.Status.Reason = corev1.PodFailed, "Evicted"
			p.Status.Message = "The node was low on resource: ephemeral-storage."
		}), "Evicted", true},
		{"oomkilled", mk(func(p *corev1.Pod) {
			p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "app", State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{Reason: "OOMKilled", ExitCode: 137}}}}
		}), "OOMKilled", true},
		{"init", mk(func(p *corev1.Pod) {
			p.Spec.InitContainers = []corev1.Container{{Name: "a"}, {Name: "b"}}
			p.Status.InitContainerStatuses = []corev1.ContainerStatus{
				{Name: "a", State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 0}}},
				{Name: "b", State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}},
			}
		}), "Init:1/2", false},
		{"terminating within grace", mk(func(p *corev1.Pod) {
			dt := metav1.NewTime(now.Add(-20 * time.Second))
			p.DeletionTimestamp = &dt
		}), "Terminating", false},
		{"terminating for 9 minutes", mk(func(p *corev1.Pod) {
			dt := metav1.NewTime(now.Add(-9 * time.Minute))
			p.DeletionTimestamp = &dt
		}), "Terminating", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := podRow(c.pod, now)
			if r.Status != c.status || r.Broken != c.broken {
				t.Errorf("status %q broken %v, want %q broken %v", r.Status, r.Broken, c.status, c.broken)
			}
		})
	}
}

func TestTransformPodKeepsWhatViewsNeed(t *testing.T) {
	p := testPod("web", "n1", corev1.PodRunning, container("app", "100m", "64Mi", "", ""))
	p.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "SECRET", Value: "x"}}
	p.Spec.Containers[0].Command = []string{"/bin/app", "--flag"}
	p.Annotations = map[string]string{"kubectl.kubernetes.io/last-applied-configuration": strings.Repeat("x", 4096), corev1.MirrorPodAnnotationKey: "abc"}
	p.ManagedFields = []metav1.ManagedFieldsEntry{{Manager: "kubectl"}}
	p.Spec.Volumes = []corev1.Volume{
		{Name: "cfg", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "app-config"}, Items: []corev1.KeyToPath{{Key: "k", Path: "p"}}}}},
		{Name: "scratch", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
	}
	out, _ := TransformPod(p)
	got := out.(*corev1.Pod)
	if got.Spec.Containers[0].Env != nil || got.Spec.Containers[0].Command != nil || got.ManagedFields != nil {
		t.Error("env, command or managedFields survived the transform")
	}
	if len(got.Annotations) != 1 || got.Annotations[corev1.MirrorPodAnnotationKey] != "abc" {
		t.Errorf("annotations = %v, want only the mirror annotation", got.Annotations)
	}
	if got.Spec.Containers[0].Resources.Requests.Cpu().String() != "100m" {
		t.Error("requests lost")
	}
	if got.Spec.Volumes[0].ConfigMap == nil || got.Spec.Volumes[0].ConfigMap.Name != "app-config" || got.Spec.Volumes[0].ConfigMap.Items != nil {
		t.Errorf("configMap volume = %+v, want the name only", got.Spec.Volumes[0].ConfigMap)
	}
	if got.Spec.Volumes[1].EmptyDir == nil {
		t.Error("emptyDir volume lost; drain needs it")
	}
}

// Sidecars (restartable init containers) count towards READY, and once the pod is initialised only
// their restarts count, as kubectl get pods prints them.
func TestPodStatusSidecarsAndTerminalDeletes(t *testing.T) {
	always := corev1.ContainerRestartPolicyAlways
	started := true
	pod := testPod("web", "n1", corev1.PodRunning, container("app", "", "", "", ""))
	pod.CreationTimestamp = metav1.NewTime(now.Add(-time.Hour))
	pod.Spec.InitContainers = []corev1.Container{{Name: "migrate"}, {Name: "proxy", RestartPolicy: &always}}
	pod.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodInitialized, Status: corev1.ConditionTrue}}
	pod.Status.InitContainerStatuses = []corev1.ContainerStatus{
		{Name: "migrate", RestartCount: 3, State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 0}}},
		{Name: "proxy", Started: &started, Ready: false, State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}},
	}
	pod.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "app", Ready: true, State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}}}
	r := podRow(pod, now)
	if r.ReadyContainers != 1 || r.TotalContainers != 2 || r.Restarts != 0 || r.Status != "Running" {
		t.Errorf("got %d/%d %s restarts %d; kubectl prints 1/2 Running 0", r.ReadyContainers, r.TotalContainers, r.Status, r.Restarts)
	}

	done := testPod("job", "n1", corev1.PodSucceeded, container("job", "", "", "", ""))
	done.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "job", State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{Reason: "Completed"}}}}
	dt := metav1.NewTime(now.Add(-time.Hour))
	done.DeletionTimestamp = &dt
	if r := podRow(done, now); r.Status != "Completed" || r.Broken {
		t.Errorf("a finished pod being deleted shows %q broken=%v; kubectl shows Completed", r.Status, r.Broken)
	}
}
