package e2e

// Incident fixtures: one node per catalogue rule (shared/scenarios.md), each in the state a real
// incident leaves in the API — conditions and their messages as the kubelet or node-problem-detector
// writes them, the Lease, taints, node info, pods bound to the node with the statuses the kubelet
// reports, and events in the components' own wording. The nodes carry no kwok annotation, so kwok
// never rewrites them; a heartbeat loop renews the Leases of every node whose kubelet is meant to be
// alive, so the controller manager's node lifecycle controller leaves them as written.

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/utils/ptr"

	"github.com/ktriage/ktriage/hack/testenv"
)

// incident is the fixture of one catalogue entry: how its node differs from a healthy worker, what
// else the incident leaves in the cluster, and what `ktriage check` must say about it.
type incident struct {
	// name is the fixture's name; its node is <run prefix>-<name>.
	name string
	// id and severity are the catalogue's rule ID and severity the node must be reported with; an
	// empty id means the node must have no finding at all, an empty severity any severity.
	id, severity string
	// status is the node's status as check reports it ("" for any).
	status string
	// absent are rule IDs that must not be reported on the node.
	absent []string
	// silent nodes have a kubelet that stopped: their Lease is not renewed.
	silent bool
	// node edits the node before it is created.
	node func(f *fixture, n *corev1.Node)
	// objects creates what the incident left around the node: pods, events, the Lease.
	objects func(ctx context.Context, f *fixture) error
}

// fixture is one incident being built on the shared control plane.
type fixture struct {
	env  *testenv.Env
	ns   string
	node *corev1.Node
	mu   sync.Mutex
	// messages are messages planted on the node, its pods or their events that the finding's
	// evidence must quote verbatim; evidence are other strings its evidence must contain. Both are
	// recorded while the fixture is built.
	messages, evidence []string
}

// quoted records a planted message the finding must quote verbatim, and returns it.
func (f *fixture) quoted(msg string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.messages = append(f.messages, msg)
	return msg
}

// expect records a string the finding's evidence must contain.
func (f *fixture) expect(s string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.evidence = append(f.evidence, s)
}

func (f *fixture) expected() (messages, evidence []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.messages), slices.Clone(f.evidence)
}

// quotes reports whether evidence quotes msg verbatim: in double quotes as it is, or as a Go
// quoted string (with its own quotes and backslashes escaped).
func quotes(evidence, msg string) bool {
	return strings.Contains(evidence, `"`+msg+`"`) || strings.Contains(evidence, strconv.Quote(msg))
}

// fixtureTaintKey keeps other tests' unbound pods off the fixture nodes; no rule reads it.
const fixtureTaintKey = "e2e.ktriage.io/incident-fixture"

// timeAgo is a time in the past, at the API's resolution.
func timeAgo(d time.Duration) metav1.Time {
	return metav1.NewTime(time.Now().Add(-d).Truncate(time.Second))
}

// setCondition replaces or adds a node condition.
func setCondition(n *corev1.Node, c corev1.NodeCondition) {
	for i := range n.Status.Conditions {
		if n.Status.Conditions[i].Type == c.Type {
			n.Status.Conditions[i] = c
			return
		}
	}
	n.Status.Conditions = append(n.Status.Conditions, c)
}

// condition is a node condition that changed `since` ago and was last reported just now.
func nodeCondition(t corev1.NodeConditionType, s corev1.ConditionStatus, reason, msg string, since time.Duration) corev1.NodeCondition {
	return corev1.NodeCondition{Type: t, Status: s, Reason: reason, Message: msg, LastHeartbeatTime: metav1.Now(), LastTransitionTime: timeAgo(since)}
}

// notReady makes the kubelet report Ready=False with its message.
func notReady(msg string, since time.Duration) func(f *fixture, n *corev1.Node) {
	return func(f *fixture, n *corev1.Node) {
		setCondition(n, nodeCondition(corev1.NodeReady, corev1.ConditionFalse, "KubeletNotReady", f.quoted(msg), since))
	}
}

// podOpts describe a fixture pod beyond testenv.PodSpec.
type podOpts struct {
	spec   testenv.PodSpec
	mutate func(*corev1.Pod)
	status corev1.PodStatus
}

// pod creates a pod bound to the fixture's node and writes its status as the kubelet would.
func (f *fixture) pod(ctx context.Context, o podOpts) (*corev1.Pod, error) {
	o.spec.Namespace, o.spec.Node = f.ns, f.node.Name
	p := testenv.Pod(o.spec)
	if o.mutate != nil {
		o.mutate(p)
	}
	pods := f.env.Client.CoreV1().Pods(f.ns)
	created, err := pods.Create(ctx, p, metav1.CreateOptions{})
	if err != nil {
		return nil, fmt.Errorf("create pod %s/%s: %w", f.ns, p.Name, err)
	}
	st := o.status
	if st.HostIP == "" {
		st.HostIP = internalIP(f.node)
		st.HostIPs = []corev1.HostIP{{IP: st.HostIP}}
	}
	if st.PodIP != "" && len(st.PodIPs) == 0 {
		st.PodIPs = []corev1.PodIP{{IP: st.PodIP}}
	}
	if st.StartTime == nil {
		st.StartTime = ptr.To(timeAgo(2 * time.Hour))
	}
	created.Status = st
	updated, err := pods.UpdateStatus(ctx, created, metav1.UpdateOptions{})
	if err != nil {
		return nil, fmt.Errorf("write status of pod %s/%s: %w", f.ns, p.Name, err)
	}
	return updated, nil
}

// event records an event about the node or one of its pods, as component on this node reported it.
func (f *fixture) event(ctx context.Context, obj corev1.ObjectReference, typ, reason, msg, component string, count int32, first, last time.Duration) error {
	_, err := f.env.RecordEvent(ctx, testenv.EventSpec{
		Object: obj, Type: typ, Reason: reason, Message: msg, Component: component, Host: f.node.Name,
		Count: count, FirstSeen: time.Now().Add(-first), LastSeen: time.Now().Add(-last),
	})
	return err
}

func (f *fixture) nodeRef() corev1.ObjectReference { return testenv.NodeRef(f.node.Name) }

// Pod statuses as the kubelet writes them.

func podConditions(ready bool, since metav1.Time) []corev1.PodCondition {
	s := corev1.ConditionFalse
	reason, msg := "ContainersNotReady", "containers with unready status: [main]"
	if ready {
		s, reason, msg = corev1.ConditionTrue, "", ""
	}
	return []corev1.PodCondition{
		{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: timeAgo(2 * time.Hour)},
		{Type: corev1.PodInitialized, Status: corev1.ConditionTrue, LastTransitionTime: timeAgo(2 * time.Hour)},
		{Type: corev1.ContainersReady, Status: s, Reason: reason, Message: msg, LastTransitionTime: since},
		{Type: corev1.PodReady, Status: s, Reason: reason, Message: msg, LastTransitionTime: since},
	}
}

func runningStatus(podIP string) corev1.PodStatus {
	return corev1.PodStatus{
		Phase: corev1.PodRunning, PodIP: podIP, Conditions: podConditions(true, timeAgo(2*time.Hour)),
		ContainerStatuses: []corev1.ContainerStatus{{
			Name: "main", Ready: true, Started: ptr.To(true), Image: "registry.k8s.io/pause:3.10",
			State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: timeAgo(2 * time.Hour)}},
		}},
	}
}

// creatingStatus is a pod whose sandbox the kubelet cannot create: Pending, ContainerCreating.
func creatingStatus(since time.Duration) corev1.PodStatus {
	return corev1.PodStatus{
		Phase: corev1.PodPending, StartTime: ptr.To(timeAgo(since)), Conditions: podConditions(false, timeAgo(since)),
		ContainerStatuses: []corev1.ContainerStatus{{
			Name: "main", Image: "registry.k8s.io/pause:3.10", Started: ptr.To(false),
			State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "ContainerCreating"}},
		}},
	}
}

// crashLoopStatus is a pod whose container keeps exiting: Running phase, waiting in CrashLoopBackOff.
func crashLoopStatus(container, podIP, backoff string, restarts int32) corev1.PodStatus {
	return corev1.PodStatus{
		Phase: corev1.PodRunning, PodIP: podIP, Conditions: podConditions(false, timeAgo(40*time.Minute)),
		ContainerStatuses: []corev1.ContainerStatus{{
			Name: container, Image: "registry.k8s.io/pause:3.10", Started: ptr.To(false), RestartCount: restarts,
			State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff", Message: backoff}},
			LastTerminationState: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
				ExitCode: 1, Reason: "Error", StartedAt: timeAgo(95 * time.Second), FinishedAt: timeAgo(80 * time.Second),
			}},
		}},
	}
}

// evictedStatus is a pod the kubelet evicted at `at` ago with its eviction message.
func evictedStatus(msg string, at time.Duration) corev1.PodStatus {
	when := timeAgo(at)
	return corev1.PodStatus{
		Phase: corev1.PodFailed, Reason: "Evicted", Message: msg,
		Conditions: append(podConditions(false, when), corev1.PodCondition{
			Type: corev1.DisruptionTarget, Status: corev1.ConditionTrue, Reason: "TerminationByKubelet", Message: msg, LastTransitionTime: when,
		}),
		ContainerStatuses: []corev1.ContainerStatus{{
			Name: "main", Image: "registry.k8s.io/pause:3.10", Started: ptr.To(false),
			State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
				ExitCode: 137, Reason: "Error", StartedAt: timeAgo(3 * time.Hour), FinishedAt: when,
			}},
		}},
	}
}

// renameContainer names the pod's only container, as the kubelet reports it in its messages.
func renameContainer(name string) func(*corev1.Pod) {
	return func(p *corev1.Pod) { p.Spec.Containers[0].Name = name }
}

// cidrHost is the address at offset in the node's podCIDR (10.x.y.0/z).
func cidrHost(n *corev1.Node, offset int) string {
	return strings.TrimSuffix(strings.SplitN(n.Spec.PodCIDR, "/", 2)[0], ".0") + "." + strconv.Itoa(offset)
}

// incidents are the fixtures, one per catalogue ID, in catalogue order.
var incidents = []incident{
	{
		name: "unreachable", id: "node-unreachable", severity: "critical", status: "Unknown", silent: true,
		node: func(f *fixture, n *corev1.Node) {
			// What the node lifecycle controller writes once the kubelet has been silent for its grace period.
			lost := f.quoted("Kubelet stopped posting node status.")
			for i := range n.Status.Conditions {
				c := &n.Status.Conditions[i]
				c.Status, c.Reason, c.Message = corev1.ConditionUnknown, "NodeStatusUnknown", lost
				c.LastHeartbeatTime, c.LastTransitionTime = timeAgo(4*time.Minute), timeAgo(3*time.Minute+20*time.Second)
			}
			added := timeAgo(3*time.Minute + 20*time.Second)
			n.Spec.Taints = append(n.Spec.Taints,
				corev1.Taint{Key: corev1.TaintNodeUnreachable, Effect: corev1.TaintEffectNoSchedule, TimeAdded: &added},
				corev1.Taint{Key: corev1.TaintNodeUnreachable, Effect: corev1.TaintEffectNoExecute, TimeAdded: &added})
			f.expect("taint node.kubernetes.io/unreachable:")
		},
		objects: func(ctx context.Context, f *fixture) error {
			f.expect("Lease kube-node-lease/" + f.node.Name + " last renewed 4m")
			return f.env.SetLease(ctx, f.node.Name, time.Now().Add(-4*time.Minute), 40)
		},
	},
	{
		name: "notready", id: "node-not-ready", severity: "critical", status: "NotReady",
		node: notReady("[invalid capacity 0 on image filesystem, missing node capacity for resources: ephemeral-storage]", 7*time.Minute),
	},
	{
		name: "pleg", id: "pleg-unhealthy", severity: "critical", status: "NotReady",
		node: func(f *fixture, n *corev1.Node) {
			notReady("PLEG is not healthy: pleg was last seen active 3m57.138893648s ago; threshold is 3m0s", 4*time.Minute)(f, n)
			n.Status.NodeInfo.KubeletVersion = "v1.12.10"
			f.expect("kubelet v1.12.10 predates the fix for the PLEG deadlock")
		},
	},
	{
		name: "runtime", id: "runtime-down", severity: "critical", status: "NotReady",
		node: func(f *fixture, n *corev1.Node) {
			notReady("container runtime is down, container runtime not ready: RuntimeReady=false reason:ContainerRuntimeNotReady "+
				"message:failed to connect to containerd: dial unix /run/containerd/containerd.sock: connect: connection refused", 6*time.Minute)(f, n)
			setCondition(n, nodeCondition("FrequentContainerdRestart", corev1.ConditionTrue, "FrequentContainerdRestart",
				f.quoted("Found 5 matching logs, which meets the threshold of 5"), 9*time.Minute))
		},
		objects: func(ctx context.Context, f *fixture) error {
			// node-problem-detector's systemd monitor reports every start of the unit.
			return f.event(ctx, f.nodeRef(), corev1.EventTypeWarning, "ContainerdStart",
				f.quoted("Starting containerd container runtime..."), "systemd-monitor", 14, 25*time.Minute, 40*time.Second)
		},
	},
	{
		name: "cni", id: "cni-not-ready", severity: "critical", status: "NotReady",
		node: notReady("container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady "+
			"message:docker: network plugin is not ready: cni config uninitialized", 5*time.Minute),
		objects: func(ctx context.Context, f *fixture) error {
			ds, err := f.env.CreateOwner(ctx, testenv.OwnerDaemonSet, f.ns, "calico-node", 1)
			if err != nil {
				return err
			}
			name := "calico-node-x7k2p"
			backoff := f.quoted(fmt.Sprintf("back-off 5m0s restarting failed container=calico-node pod=%s_%s(3f1c9a7e-5d2b-4c1e-9b8a-2d7e6f0a1b3c)", name, f.ns))
			p, err := f.pod(ctx, podOpts{
				spec:   testenv.PodSpec{Name: name, OwnerRef: ds, Labels: map[string]string{"app": ds.Name}, CPU: "250m"},
				mutate: func(p *corev1.Pod) { p.Spec.HostNetwork = true; renameContainer("calico-node")(p) },
				status: crashLoopStatus("calico-node", internalIP(f.node), backoff, 17),
			})
			if err != nil {
				return err
			}
			return f.event(ctx, testenv.PodRef(p), corev1.EventTypeWarning, "Unhealthy",
				f.quoted("Readiness probe failed: calico/node is not ready: BIRD is not ready: BGP not established with 192.168.1.12"),
				"kubelet", 212, 40*time.Minute, 20*time.Second)
		},
	},
	{
		name: "podip", id: "pod-ip-exhausted", severity: "critical", status: "Ready",
		node: func(f *fixture, n *corev1.Node) {
			// A /25 per node, as in the incident: 125 addresses for a dozen pods.
			cidr := strings.Replace(n.Spec.PodCIDR, "/24", "/25", 1)
			n.Spec.PodCIDR, n.Spec.PodCIDRs = cidr, []string{cidr}
			n.Status.NodeInfo.ContainerRuntimeVersion = "containerd://1.6.28"
		},
		objects: func(ctx context.Context, f *fixture) error {
			ds, err := f.env.CreateOwner(ctx, testenv.OwnerDaemonSet, f.ns, "kube-flannel-ds", 1)
			if err != nil {
				return err
			}
			// A dozen pods run, each with an address from the range.
			if _, err := f.pod(ctx, podOpts{spec: testenv.PodSpec{Name: "kube-flannel-ds-9w2lm", OwnerRef: ds, Labels: map[string]string{"app": ds.Name}, CPU: "100m"},
				mutate: func(p *corev1.Pod) { p.Spec.HostNetwork = true }, status: runningStatus(internalIP(f.node))}); err != nil {
				return err
			}
			for i := range 12 {
				if _, err := f.pod(ctx, podOpts{spec: testenv.PodSpec{Name: fmt.Sprintf("api-%02d", i), CPU: "100m", Memory: "128Mi"},
					status: runningStatus(cidrHost(f.node, 2+i))}); err != nil {
					return err
				}
			}
			// New pods cannot get one: host-local says the range is used up.
			rangeSet := cidrHost(f.node, 1) + "-" + cidrHost(f.node, 126)
			for i, sandbox := range []string{"0c5b1f0e9d7a", "7e2d4c9b1a3f", "b9f3e1d2c4a6"} {
				p, err := f.pod(ctx, podOpts{spec: testenv.PodSpec{Name: fmt.Sprintf("worker-%d", i), CPU: "100m"}, status: creatingStatus(25 * time.Minute)})
				if err != nil {
					return err
				}
				msg := fmt.Sprintf(`Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "%s8c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c": plugin type="flannel" failed (add): failed to delegate add: failed to allocate for range 0: no IP addresses available in range set: %s`, sandbox, rangeSet)
				if i == 0 {
					f.quoted(msg)
				}
				if err := f.event(ctx, testenv.PodRef(p), corev1.EventTypeWarning, "FailedCreatePodSandBox", msg, "kubelet", 96, 25*time.Minute, 15*time.Second); err != nil {
					return err
				}
			}
			f.expect("12 running pods hold a pod-network address; the podCIDR " + f.node.Spec.PodCIDR + " has about 125")
			return nil
		},
	},
	{
		name: "memory", id: "memory-pressure", severity: "critical", status: "Ready",
		node: func(f *fixture, n *corev1.Node) {
			setCondition(n, nodeCondition(corev1.NodeMemoryPressure, corev1.ConditionTrue, "KubeletHasInsufficientMemory",
				f.quoted("kubelet has insufficient memory available"), 6*time.Minute))
		},
		objects: func(ctx context.Context, f *fixture) error {
			if _, err := f.pod(ctx, podOpts{spec: testenv.PodSpec{Name: "batch-7f9c4", CPU: "1", Memory: "1Gi", MemoryLimit: "8Gi"},
				mutate: renameContainer("app"),
				status: evictedStatus(f.quoted("The node was low on resource: memory. Threshold quantity: 100Mi, available: 86532Ki. "+
					"Container app was using 3812044Ki, request is 1Gi, has larger consumption of memory."), 4*time.Minute)}); err != nil {
				return err
			}
			if _, err := f.pod(ctx, podOpts{spec: testenv.PodSpec{Name: "cache-0", CPU: "500m", Memory: "4Gi", MemoryLimit: "96Gi"},
				status: runningStatus(cidrHost(f.node, 5))}); err != nil {
				return err
			}
			if err := f.event(ctx, f.nodeRef(), corev1.EventTypeWarning, "EvictionThresholdMet", f.quoted("Attempting to reclaim memory"),
				"kubelet", 3, 8*time.Minute, 4*time.Minute); err != nil {
				return err
			}
			return f.event(ctx, f.nodeRef(), corev1.EventTypeWarning, "SystemOOM",
				f.quoted("System OOM encountered, victim process: java, pid: 28121"), "kubelet", 1, 6*time.Minute, 6*time.Minute)
		},
	},
	{
		name: "disk", id: "disk-pressure", severity: "critical", status: "Ready",
		node: func(f *fixture, n *corev1.Node) {
			setCondition(n, nodeCondition(corev1.NodeDiskPressure, corev1.ConditionTrue, "KubeletHasDiskPressure",
				f.quoted("kubelet has disk pressure"), 12*time.Minute))
			n.Status.Images = []corev1.ContainerImage{
				{Names: []string{"registry.example.com/ml/trainer@sha256:5b1e", "registry.example.com/ml/trainer:2024.11"}, SizeBytes: 14_318_212_096},
				{Names: []string{"registry.k8s.io/pause:3.10"}, SizeBytes: 320_368},
			}
			f.expect("image registry.example.com/ml/trainer:2024.11: 13Gi")
		},
		objects: func(ctx context.Context, f *fixture) error {
			if _, err := f.pod(ctx, podOpts{spec: testenv.PodSpec{Name: "log-shipper-2xv9q", CPU: "100m", EmptyDir: true},
				mutate: renameContainer("log-shipper"),
				status: evictedStatus(f.quoted("The node was low on resource: ephemeral-storage. Threshold quantity: 10Gi, available: 7681348Ki. "+
					"Container log-shipper was using 48318382Ki, request is 0, has larger consumption of ephemeral-storage."), 9*time.Minute)}); err != nil {
				return err
			}
			return f.event(ctx, f.nodeRef(), corev1.EventTypeWarning, "FreeDiskSpaceFailed",
				f.quoted("Failed to garbage collect required amount of images. Attempted to free 15283760742 bytes, but only found 0 bytes eligible to free."),
				"kubelet", 31, 40*time.Minute, 2*time.Minute)
		},
	},
	{
		name: "inodes", id: "inode-pressure", severity: "warning", status: "Ready",
		node: func(f *fixture, n *corev1.Node) {
			// The kubelet reports running out of inodes as DiskPressure too.
			setCondition(n, nodeCondition(corev1.NodeDiskPressure, corev1.ConditionTrue, "KubeletHasDiskPressure", "kubelet has disk pressure", 15*time.Minute))
		},
		objects: func(ctx context.Context, f *fixture) error {
			if _, err := f.pod(ctx, podOpts{spec: testenv.PodSpec{Name: "thumbnailer-6d8f9", CPU: "200m"},
				status: evictedStatus(f.quoted("The node was low on resource: inodes. Threshold quantity: 655360, available: 1502."), 11*time.Minute)}); err != nil {
				return err
			}
			return f.event(ctx, f.nodeRef(), corev1.EventTypeWarning, "EvictionThresholdMet", f.quoted("Attempting to reclaim inodes"),
				"kubelet", 2, 15*time.Minute, 11*time.Minute)
		},
	},
	{
		name: "pids", id: "pid-pressure", severity: "critical", status: "Ready",
		node: func(f *fixture, n *corev1.Node) {
			setCondition(n, nodeCondition(corev1.NodePIDPressure, corev1.ConditionTrue, "KubeletHasInsufficientPID",
				f.quoted("kubelet has insufficient PID available"), 3*time.Minute))
		},
	},
	{
		name: "full", id: "insufficient-resources", severity: "warning", status: "Ready",
		objects: func(ctx context.Context, f *fixture) error {
			// 30 of 31.8 allocatable cores and 114Gi of 125Gi are requested.
			for i := range 3 {
				if _, err := f.pod(ctx, podOpts{spec: testenv.PodSpec{Name: fmt.Sprintf("spark-exec-%d", i), CPU: "10", Memory: "38Gi"},
					status: runningStatus(cidrHost(f.node, 10+i))}); err != nil {
					return err
				}
			}
			f.expect("cpu requests 30 cores")
			f.expect("(94%)")
			f.expect("memory requests 114Gi")
			return nil
		},
	},
	{
		name: "cgroup", id: "cgroup-leak", severity: "critical", status: "Ready",
		node: func(f *fixture, n *corev1.Node) {
			n.Status.NodeInfo.KernelVersion = "3.10.0-1160.el7.x86_64"
			n.Status.NodeInfo.OSImage = "CentOS Linux 7 (Core)"
			n.Status.NodeInfo.ContainerRuntimeVersion = "docker://19.3.15"
			f.expect("kernel 3.10.0-1160.el7.x86_64 (CentOS Linux 7 (Core)), and the disk is not under pressure")
		},
		objects: func(ctx context.Context, f *fixture) error {
			for i, name := range []string{"web-5d8f7c9b4-h2kqz", "web-5d8f7c9b4-p8r4t"} {
				p, err := f.pod(ctx, podOpts{spec: testenv.PodSpec{Name: name, CPU: "250m", Memory: "256Mi"}, status: creatingStatus(18 * time.Minute)})
				if err != nil {
					return err
				}
				msg := fmt.Sprintf(`Failed to create pod sandbox: rpc error: code = Unknown desc = failed to start sandbox container for pod "%s": `+
					`Error response from daemon: OCI runtime create failed: container_linux.go:349: starting container process caused `+
					`"process_linux.go:297: applying cgroup configuration for process caused \"mkdir /sys/fs/cgroup/memory/kubepods/burstable/pod%s/4f6a0c2e9b1d: no space left on device\"": unknown`,
					name, p.UID)
				if i == 0 {
					f.quoted(msg)
				}
				if err := f.event(ctx, testenv.PodRef(p), corev1.EventTypeWarning, "FailedCreatePodSandBox", msg, "kubelet", 57, 18*time.Minute, 30*time.Second); err != nil {
					return err
				}
			}
			return nil
		},
	},
	{
		name: "stuck", id: "stuck-terminating", severity: "warning", status: "Ready",
		objects: func(ctx context.Context, f *fixture) error {
			owner, err := f.env.CreateOwner(ctx, testenv.OwnerStatefulSet, f.ns, "db", 2)
			if err != nil {
				return err
			}
			for i := range 2 {
				name := fmt.Sprintf("db-%d", i)
				if _, err := f.pod(ctx, podOpts{spec: testenv.PodSpec{Name: name, OwnerRef: owner, Labels: map[string]string{"app": owner.Name}, CPU: "500m", Memory: "1Gi"},
					status: runningStatus(cidrHost(f.node, 20+i))}); err != nil {
					return err
				}
				// Deleted 12 minutes ago with the default 30 s grace period; the kubelet never confirmed.
				if err := backdateDeletion(ctx, f.env, f.ns, name, 12*time.Minute); err != nil {
					return err
				}
				f.expect(fmt.Sprintf("pod %s/%s Terminating for 12m", f.ns, name))
			}
			return nil
		},
	},
	{
		name: "npd", id: "npd-condition", severity: "critical", status: "Ready",
		node: func(f *fixture, n *corev1.Node) {
			setCondition(n, nodeCondition("KernelDeadlock", corev1.ConditionTrue, "DockerHung",
				f.quoted("kernel: INFO: task docker:20744 blocked for more than 120 seconds."), 26*time.Minute))
			setCondition(n, nodeCondition("ReadonlyFilesystem", corev1.ConditionFalse, "FilesystemIsNotReadOnly", "Filesystem is not read-only", 30*24*time.Hour))
		},
	},
	{
		name: "rebooted", id: "node-rebooted", severity: "info", status: "Ready",
		objects: func(ctx context.Context, f *fixture) error {
			msg := fmt.Sprintf("Node %s has been rebooted, boot id: %s", f.node.Name, f.node.Status.NodeInfo.BootID)
			return f.event(ctx, f.nodeRef(), corev1.EventTypeWarning, "Rebooted", f.quoted(msg), "kubelet", 1, 7*time.Minute, 7*time.Minute)
		},
	},
	{
		name: "allocatable", id: "allocatable-enforcement", severity: "warning", status: "Ready",
		objects: func(ctx context.Context, f *fixture) error {
			// Seed 002, verbatim.
			msg := `Failed to update Node Allocatable Limits "": failed to set supported cgroup subsystems for cgroup : Failed to set config for supported subsystems : ` +
				`failed to write 7285047296 to memory.limit_in_bytes: write /var/lib/docker/overlay2/5650a1aadf9c758946073fefa1558446ab582148ddd3ee7e7cb9d269fab20f72/merged/sys/fs/cgroup/memory/memory.limit_in_bytes: invalid argument`
			return f.event(ctx, f.nodeRef(), corev1.EventTypeWarning, "FailedNodeAllocatableEnforcement", f.quoted(msg), "kubelet", 1001, 16*time.Hour, 2*time.Minute)
		},
	},
	{
		name: "skew", id: "kubelet-version-skew", severity: "warning", status: "Ready",
		node: func(f *fixture, n *corev1.Node) {
			n.Status.NodeInfo.KubeletVersion = "v1.12.10"
			n.Status.NodeInfo.KubeProxyVersion = "v1.12.10"
			n.Status.NodeInfo.ContainerRuntimeVersion = "docker://18.9.9"
			f.expect("kubelet v1.12.10 is older than 1.14")
			f.expect("kubelet v1.12.10 is 25 minor versions behind the API server v1.37.2")
		},
	},
	{
		name: "agent", id: "system-pod-unhealthy", severity: "warning", status: "Ready",
		objects: func(ctx context.Context, f *fixture) error {
			ds, err := f.env.CreateOwner(ctx, testenv.OwnerDaemonSet, f.ns, "kube-proxy", 1)
			if err != nil {
				return err
			}
			name := "kube-proxy-q7xkz"
			backoff := fmt.Sprintf("back-off 5m0s restarting failed container=kube-proxy pod=%s_%s(9d2f0b7c-1e4a-4b6d-8c3f-5a7e9b1d2c4f)", name, f.ns)
			p, err := f.pod(ctx, podOpts{
				spec:   testenv.PodSpec{Name: name, OwnerRef: ds, Labels: map[string]string{"app": ds.Name}, CPU: "100m"},
				mutate: func(p *corev1.Pod) { p.Spec.HostNetwork = true; renameContainer("kube-proxy")(p) },
				status: crashLoopStatus("kube-proxy", internalIP(f.node), backoff, 14),
			})
			if err != nil {
				return err
			}
			f.expect(fmt.Sprintf("pod %s/%s: waiting: CrashLoopBackOff; 14 restarts: ", f.ns, name))
			f.quoted(backoff)
			return f.event(ctx, testenv.PodRef(p), corev1.EventTypeWarning, "BackOff", "Back-off restarting failed container kube-proxy in pod "+name+"_"+f.ns+"("+string(p.UID)+")",
				"kubelet", 160, 45*time.Minute, 30*time.Second)
		},
	},
	{
		name: "watches", id: "too-many-config-watches", severity: "warning", status: "Ready",
		node: func(f *fixture, n *corev1.Node) {
			n.Status.NodeInfo.KubeletVersion = "v1.13.12"
			n.Status.NodeInfo.KubeProxyVersion = "v1.13.12"
		},
		objects: func(ctx context.Context, f *fixture) error {
			// 210 distinct objects: three job pods, each mounting 60 ConfigMaps and 10 Secrets of its own.
			// The objects need not exist for a bound pod object; the kubelet would watch each one.
			for j := range 3 {
				mutate := func(p *corev1.Pod) {
					for k := range 70 {
						v := corev1.Volume{Name: fmt.Sprintf("cfg-%02d", k)}
						if k < 60 {
							v.ConfigMap = &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: fmt.Sprintf("job-%d-config-%02d", j, k)}}
						} else {
							v.Secret = &corev1.SecretVolumeSource{SecretName: fmt.Sprintf("job-%d-token-%02d", j, k)}
						}
						p.Spec.Volumes = append(p.Spec.Volumes, v)
						p.Spec.Containers[0].VolumeMounts = append(p.Spec.Containers[0].VolumeMounts,
							corev1.VolumeMount{Name: v.Name, MountPath: "/etc/job/" + v.Name, ReadOnly: true})
					}
				}
				if _, err := f.pod(ctx, podOpts{spec: testenv.PodSpec{Name: fmt.Sprintf("hello-world-%d", j), CPU: "10m"}, mutate: mutate,
					status: runningStatus(cidrHost(f.node, 30+j))}); err != nil {
					return err
				}
			}
			f.expect("210 distinct ConfigMaps and Secrets mounted by the node's pods")
			f.expect("kubelet v1.13.12 watches each one")
			return nil
		},
	},
	{
		name: "volumes", id: "volume-problems", severity: "warning", status: "Ready",
		objects: func(ctx context.Context, f *fixture) error {
			p, err := f.pod(ctx, podOpts{spec: testenv.PodSpec{Name: "postgres-0", CPU: "1", Memory: "2Gi"},
				mutate: func(p *corev1.Pod) {
					p.Spec.Volumes = append(p.Spec.Volumes, corev1.Volume{Name: "data", VolumeSource: corev1.VolumeSource{
						PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "data-postgres-0"}}})
					p.Spec.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "data", MountPath: "/var/lib/postgresql/data"}}
				},
				status: creatingStatus(35 * time.Minute)})
			if err != nil {
				return err
			}
			pv := "pvc-6f1c2a8e-93d4-4b7a-a1e2-0c9d8b7a6f5e"
			if err := f.event(ctx, testenv.PodRef(p), corev1.EventTypeWarning, "FailedMount",
				f.quoted(`MountVolume.MountDevice failed for volume "`+pv+`" : rpc error: code = Internal desc = rbd image replicapool/csi-vol-0a1b2c3d-4e5f-11ef-9a8b-7c6d5e4f3a2b is still being used`),
				"kubelet", 19, 35*time.Minute, 90*time.Second); err != nil {
				return err
			}
			return f.event(ctx, testenv.PodRef(p), corev1.EventTypeWarning, "FailedMount",
				"Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[], failed to process volumes=[]: timed out waiting for the condition",
				"kubelet", 16, 33*time.Minute, 3*time.Minute)
		},
	},
	{
		name: "cordoned", id: "cordoned", severity: "info", status: "Ready,SchedulingDisabled",
		node: func(f *fixture, n *corev1.Node) {
			n.Spec.Unschedulable = true
			added := timeAgo(5 * time.Hour)
			n.Spec.Taints = append(n.Spec.Taints, corev1.Taint{Key: corev1.TaintNodeUnschedulable, Effect: corev1.TaintEffectNoSchedule, TimeAdded: &added})
			f.expect("spec.unschedulable is true")
			f.expect("taint node.kubernetes.io/unschedulable:NoSchedule added 5h")
		},
	},
}

// variants are further fixtures that probe the rules with the other signals the catalogue lists
// for an entry, the boundaries it draws, and the conditions it says must not be flagged.
var variants = []incident{
	{
		// Platform conditions that are healthy when True (the catalogue's "Condition polarity").
		name: "polarity", id: "", status: "Ready",
		node: func(f *fixture, n *corev1.Node) {
			setCondition(n, nodeCondition("ContainerRuntimeReady", corev1.ConditionTrue, "ContainerRuntimeIsReady", "Container runtime is ready", 30*24*time.Hour))
			setCondition(n, nodeCondition("KernelReady", corev1.ConditionTrue, "KernelIsReady", "Kernel is ready", 30*24*time.Hour))
			setCondition(n, nodeCondition("EtcdIsVoter", corev1.ConditionTrue, "EtcdIsVoter", "Etcd is a voter in the cluster", 30*24*time.Hour))
			setCondition(n, nodeCondition(corev1.NodeNetworkUnavailable, corev1.ConditionFalse, "RouteCreated", "RouteController created a route", 30*24*time.Hour))
		},
	},
	{
		// The kubelet went silent a minute ago: the Lease says so before anything marks the node Unknown.
		name: "lease-stale", id: "node-unreachable", severity: "critical", silent: true,
		node: func(f *fixture, n *corev1.Node) {
			for i := range n.Status.Conditions {
				n.Status.Conditions[i].LastHeartbeatTime = timeAgo(2 * time.Minute)
			}
		},
		objects: func(ctx context.Context, f *fixture) error {
			f.expect("Lease kube-node-lease/" + f.node.Name + " last renewed 2m")
			return f.env.SetLease(ctx, f.node.Name, time.Now().Add(-2*time.Minute), 40)
		},
	},
	{
		// node-problem-detector's health checker sees the runtime failing before the kubelet does.
		name: "runtime-npd", id: "runtime-down", severity: "critical", status: "Ready", absent: []string{"npd-condition"},
		node: func(f *fixture, n *corev1.Node) {
			setCondition(n, nodeCondition("ContainerRuntimeUnhealthy", corev1.ConditionTrue, "ContainerdUnhealthy",
				f.quoted("containerd:Service containerd is unhealthy: crictl --timeout=2s pods: context deadline exceeded"), 2*time.Minute))
		},
	},
	{
		// Seed 000 began as one unhealthy calico pod: here the agent runs but fails its readiness probe.
		name: "cni-agent", id: "cni-not-ready", severity: "critical", status: "Ready", absent: []string{"system-pod-unhealthy"},
		objects: func(ctx context.Context, f *fixture) error {
			ds, err := f.env.CreateOwner(ctx, testenv.OwnerDaemonSet, f.ns, "cilium", 1)
			if err != nil {
				return err
			}
			st := runningStatus(internalIP(f.node))
			st.Conditions = podConditions(false, timeAgo(12*time.Minute))
			st.ContainerStatuses[0].Name, st.ContainerStatuses[0].Ready = "cilium-agent", false
			p, err := f.pod(ctx, podOpts{
				spec:   testenv.PodSpec{Name: "cilium-8xk2m", OwnerRef: ds, Labels: map[string]string{"app": ds.Name}, CPU: "100m"},
				mutate: func(p *corev1.Pod) { p.Spec.HostNetwork = true; renameContainer("cilium-agent")(p) },
				status: st,
			})
			if err != nil {
				return err
			}
			f.expect(fmt.Sprintf("pod %s/cilium-8xk2m: Running but not Ready", f.ns))
			return f.event(ctx, testenv.PodRef(p), corev1.EventTypeWarning, "Unhealthy",
				f.quoted(`Readiness probe failed: Get "http://127.0.0.1:9879/healthz": dial tcp 127.0.0.1:9879: connect: connection refused`),
				"kubelet", 73, 12*time.Minute, 10*time.Second)
		},
	},
	{
		// Terway's wording for an empty vSwitch.
		name: "ip-terway", id: "pod-ip-exhausted", severity: "critical", status: "Ready",
		objects: func(ctx context.Context, f *fixture) error {
			p, err := f.pod(ctx, podOpts{spec: testenv.PodSpec{Name: "checkout-7c9d5", CPU: "200m"}, status: creatingStatus(9 * time.Minute)})
			if err != nil {
				return err
			}
			return f.event(ctx, testenv.PodRef(p), corev1.EventTypeWarning, "FailedCreatePodSandBox",
				f.quoted(`Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "5e0c2f9a1b7d": plugin type="terway" failed (add): `+
					`cmdAdd: error alloc ip rpc error: code = Unknown desc = error get allocated pod networking, rpc error: code = Unknown desc = IpNotEnough: vswitch vsw-2ze6v3ya8y3gjxlk9vhxd has no available ip`),
				"kubelet", 41, 9*time.Minute, 20*time.Second)
		},
	},
	{
		// The same kernel leak as runc reports it when kmem limits cannot be set.
		name: "cgroup-enomem", id: "cgroup-leak", severity: "critical", status: "Ready",
		node: func(f *fixture, n *corev1.Node) {
			n.Status.NodeInfo.KernelVersion = "3.10.0-862.el7.x86_64"
			n.Status.NodeInfo.OSImage = "CentOS Linux 7 (Core)"
			n.Status.NodeInfo.ContainerRuntimeVersion = "docker://18.6.1"
		},
		objects: func(ctx context.Context, f *fixture) error {
			p, err := f.pod(ctx, podOpts{spec: testenv.PodSpec{Name: "report-28731460-x2m7k", CPU: "100m"}, status: creatingStatus(6 * time.Minute)})
			if err != nil {
				return err
			}
			return f.event(ctx, testenv.PodRef(p), corev1.EventTypeWarning, "FailedCreatePodSandBox",
				f.quoted(`Failed to create pod sandbox: rpc error: code = Unknown desc = failed to start sandbox container for pod "report-28731460-x2m7k": Error response from daemon: `+
					`OCI runtime create failed: container_linux.go:348: starting container process caused "process_linux.go:279: applying cgroup configuration for process caused `+
					`\"mkdir /sys/fs/cgroup/memory/kubepods/besteffort/pod`+string(p.UID)+`/9a8b7c6d5e4f: cannot allocate memory\"": unknown`),
				"kubelet", 12, 6*time.Minute, 25*time.Second)
		},
	},
	{
		// "no space left on device" on a node whose disk really is full is disk pressure, not the leak.
		name: "cgroup-diskfull", id: "disk-pressure", severity: "critical", status: "Ready", absent: []string{"cgroup-leak"},
		node: func(f *fixture, n *corev1.Node) {
			n.Status.NodeInfo.KernelVersion = "3.10.0-1160.el7.x86_64"
			n.Status.NodeInfo.OSImage = "CentOS Linux 7 (Core)"
			setCondition(n, nodeCondition(corev1.NodeDiskPressure, corev1.ConditionTrue, "KubeletHasDiskPressure", "kubelet has disk pressure", 8*time.Minute))
		},
		objects: func(ctx context.Context, f *fixture) error {
			p, err := f.pod(ctx, podOpts{spec: testenv.PodSpec{Name: "etl-5b6c7-q9w8e", CPU: "100m"}, status: creatingStatus(5 * time.Minute)})
			if err != nil {
				return err
			}
			return f.event(ctx, testenv.PodRef(p), corev1.EventTypeWarning, "FailedCreatePodSandBox",
				`Failed to create pod sandbox: rpc error: code = Unknown desc = failed to create a sandbox for pod "etl-5b6c7-q9w8e": Error response from daemon: `+
					`mkdir /var/lib/docker/overlay2/1f2e3d4c5b6a/merged/sys/fs/cgroup: no space left on device`,
				"kubelet", 9, 5*time.Minute, 30*time.Second)
		},
	},
	{
		// The kubelet stopped reporting MemoryPressure ten minutes ago; its evictions are still news.
		name: "memory-recent", id: "memory-pressure", status: "Ready",
		node: func(f *fixture, n *corev1.Node) {
			setCondition(n, nodeCondition(corev1.NodeMemoryPressure, corev1.ConditionFalse, "KubeletHasSufficientMemory", "kubelet has sufficient memory available", 10*time.Minute))
		},
		objects: func(ctx context.Context, f *fixture) error {
			_, err := f.pod(ctx, podOpts{spec: testenv.PodSpec{Name: "indexer-0", CPU: "2", Memory: "6Gi"}, mutate: renameContainer("indexer"),
				status: evictedStatus(f.quoted("The node was low on resource: memory. Threshold quantity: 100Mi, available: 51200Ki. "+
					"Container indexer was using 14680064Ki, request is 6Gi, has larger consumption of memory."), 20*time.Minute)})
			return err
		},
	},
	{
		// A custom node-problem-detector rule ktriage does not know.
		name: "npd-custom", id: "npd-condition", severity: "warning", status: "Ready",
		node: func(f *fixture, n *corev1.Node) {
			setCondition(n, nodeCondition("GPUXidErrors", corev1.ConditionTrue, "XidError79",
				f.quoted("NVRM: Xid (PCI:0000:3b:00): 79, pid=2261, GPU has fallen off the bus."), 45*time.Minute))
		},
	},
	{
		// Calico marks the node's network unavailable while the kubelet still says Ready.
		name: "calico-down", id: "cni-not-ready", severity: "critical", status: "Ready",
		node: func(f *fixture, n *corev1.Node) {
			setCondition(n, nodeCondition(corev1.NodeNetworkUnavailable, corev1.ConditionTrue, "CalicoIsDown",
				f.quoted("Calico is shutting down on this node"), 3*time.Minute))
		},
	},
	{
		// node-problem-detector's kernel monitor saw the OOM killer; MemoryPressure never turned True.
		name: "oom-killing", id: "memory-pressure", status: "Ready",
		objects: func(ctx context.Context, f *fixture) error {
			return f.event(ctx, f.nodeRef(), corev1.EventTypeWarning, "OOMKilling",
				f.quoted("Out of memory: Killed process 28121 (java) total-vm:19267556kB, anon-rss:15532232kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:31312kB oom_score_adj:969"),
				"kernel-monitor", 1, 8*time.Minute, 8*time.Minute)
		},
	},
	{
		// A kubelet newer than the API server: nodes upgraded before the control plane.
		name: "skew-newer", id: "kubelet-version-skew", severity: "warning", status: "Ready",
		node: func(f *fixture, n *corev1.Node) {
			n.Status.NodeInfo.KubeletVersion = "v1.38.1"
			f.expect("kubelet v1.38.1 is newer than the API server v1.37.2")
		},
	},
	{
		// A static pod (kubespray's nginx-proxy on every worker) crash-looping: its mirror pod is
		// owned by the node.
		name: "static-agent", id: "system-pod-unhealthy", severity: "warning", status: "Ready",
		objects: func(ctx context.Context, f *fixture) error {
			name := "nginx-proxy-" + f.node.Name
			backoff := fmt.Sprintf("back-off 2m40s restarting failed container=nginx-proxy pod=%s_%s(6a1f3c5e7b9d)", name, f.ns)
			_, err := f.pod(ctx, podOpts{
				spec: testenv.PodSpec{Name: name, CPU: "25m"},
				mutate: func(p *corev1.Pod) {
					p.Annotations = map[string]string{
						corev1.MirrorPodAnnotationKey: "6a1f3c5e7b9d0e2f4a6c8b0d1e3f5a7c",
						"kubernetes.io/config.hash":   "6a1f3c5e7b9d0e2f4a6c8b0d1e3f5a7c",
						"kubernetes.io/config.source": "file",
					}
					p.OwnerReferences = []metav1.OwnerReference{{APIVersion: "v1", Kind: "Node", Name: f.node.Name, UID: f.node.UID, Controller: ptr.To(true)}}
					p.Spec.HostNetwork = true
					renameContainer("nginx-proxy")(p)
				},
				status: crashLoopStatus("nginx-proxy", internalIP(f.node), f.quoted(backoff), 6),
			})
			return err
		},
	},
	{
		// The volume is still attached to the node it came from.
		name: "multi-attach", id: "volume-problems", severity: "warning", status: "Ready",
		objects: func(ctx context.Context, f *fixture) error {
			p, err := f.pod(ctx, podOpts{spec: testenv.PodSpec{Name: "elasticsearch-data-2", CPU: "2", Memory: "8Gi"}, status: creatingStatus(14 * time.Minute)})
			if err != nil {
				return err
			}
			return f.event(ctx, testenv.PodRef(p), corev1.EventTypeWarning, "FailedAttachVolume",
				f.quoted(`Multi-Attach error for volume "pvc-0b3e8d71-5c2a-4f9e-8d6b-1a2c3e4f5a6b" Volume is already exclusively attached to one node and can't be attached to another`),
				"attachdetach-controller", 1, 14*time.Minute, 14*time.Minute)
		},
	},
	{
		// Events older than an hour are history: a reboot this morning and an enforcement failure
		// fixed since are not current problems.
		name: "old-events", id: "", status: "Ready",
		objects: func(ctx context.Context, f *fixture) error {
			msg := fmt.Sprintf("Node %s has been rebooted, boot id: %s", f.node.Name, f.node.Status.NodeInfo.BootID)
			if err := f.event(ctx, f.nodeRef(), corev1.EventTypeWarning, "Rebooted", msg, "kubelet", 1, 3*time.Hour, 3*time.Hour); err != nil {
				return err
			}
			return f.event(ctx, f.nodeRef(), corev1.EventTypeWarning, "FailedNodeAllocatableEnforcement",
				`Failed to update Node Allocatable Limits ["kubepods"]: failed to set supported cgroup subsystems for cgroup [kubepods]: failed to find subsystem mount for required subsystem: pids`,
				"kubelet", 240, 6*time.Hour, 65*time.Minute)
		},
	},
	{
		// Four minor versions behind the API server: one more than supported.
		name: "skew-4", id: "kubelet-version-skew", severity: "warning", status: "Ready",
		node: func(f *fixture, n *corev1.Node) {
			n.Status.NodeInfo.KubeletVersion = "v1.33.9"
			f.expect("kubelet v1.33.9 is 4 minor versions behind the API server v1.37.2")
		},
	},
	{
		// Three minor versions behind is supported.
		name: "skew-3", id: "", status: "Ready",
		node: func(f *fixture, n *corev1.Node) { n.Status.NodeInfo.KubeletVersion = "v1.34.5" },
	},
}

// incidentRun is the fixtures of one test run on the shared control plane.
type incidentRun struct {
	prefix    string
	ns        string
	healthy   string              // a kwok node, for contrast
	nodes     map[string]*fixture // incident name → fixture
	nodeNames []string            // in table order: incidents, then variants
}

func (r *incidentRun) nodeName(incident string) string { return r.nodes[incident].node.Name }

// createIncidents builds every incident fixture, each on its own node, plus one healthy kwok node;
// it keeps the live nodes' Leases renewed until the test ends and deletes the nodes afterwards.
func createIncidents(t *testing.T, env *testenv.Env) *incidentRun {
	t.Helper()
	ctx := testContext(t, 3*time.Minute)
	start := time.Now()
	run := &incidentRun{prefix: unique("inc"), nodes: map[string]*fixture{}}
	run.ns = run.prefix
	if err := env.EnsureNamespace(ctx, run.ns); err != nil {
		t.Fatal(err)
	}
	all := slices.Concat(incidents, variants)
	for _, inc := range all {
		n := testenv.WorkerNode(run.prefix+"-"+inc.name, env.NextNodeIndex(), false)
		n.Spec.Taints = append(n.Spec.Taints, corev1.Taint{Key: fixtureTaintKey, Value: run.prefix, Effect: corev1.TaintEffectNoSchedule})
		run.nodes[inc.name] = &fixture{env: env, ns: run.ns, node: n}
		run.nodeNames = append(run.nodeNames, n.Name)
	}
	t.Cleanup(func() { deleteIncidents(t, env, run) })

	// Leases of the nodes whose kubelet is alive, renewed every 5 s as a kubelet would (every 10 s
	// for a 40 s lease), so the node lifecycle controller never marks them Unknown.
	var live []string
	for _, inc := range all {
		if !inc.silent {
			live = append(live, run.nodes[inc.name].node.Name)
		}
	}
	stop := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(5 * time.Second)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				for _, name := range live {
					_ = env.SetLease(ctx, name, time.Now(), 40) // a node not created yet gets its Lease next round
				}
				cancel()
			}
		}
	}()
	t.Cleanup(func() { close(stop); <-stopped })

	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for _, inc := range all {
		f := run.nodes[inc.name]
		g.Go(func() error {
			if inc.node != nil {
				inc.node(f, f.node)
			}
			created, err := env.CreateNode(gctx, f.node)
			if err != nil {
				return err
			}
			f.node = created
			if !inc.silent {
				if err := env.SetLease(gctx, created.Name, time.Now(), 40); err != nil {
					return fmt.Errorf("lease of %s: %w", created.Name, err)
				}
			}
			if inc.objects != nil {
				if err := inc.objects(gctx, f); err != nil {
					return fmt.Errorf("fixture %s: %w", inc.name, err)
				}
			}
			return nil
		})
	}
	g.Go(func() error {
		names, err := env.CreateKwokNodes(gctx, run.prefix+"-healthy", 1)
		if err != nil {
			return err
		}
		run.healthy = names[0]
		return env.WaitForNodeReady(gctx, names[0])
	})
	if err := g.Wait(); err != nil {
		t.Fatalf("building the incident fixtures: %v", err)
	}
	// The pending pod waits for the scheduler's verdict on the full node.
	if err := pendingOnFullNode(ctx, env, run); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d incident fixtures and healthy node %s built in %s (prefix %s)", len(all), run.healthy,
		time.Since(start).Round(time.Millisecond), run.prefix)
	return run
}

// pendingOnFullNode creates a pod that may only run on the "full" node and waits until the real
// scheduler has declared it unschedulable for lack of CPU there.
func pendingOnFullNode(ctx context.Context, env *testenv.Env, run *incidentRun) error {
	f := run.nodes["full"]
	// The API server taints a new node not-ready until the node lifecycle controller sees it Ready.
	err := wait.PollUntilContextTimeout(ctx, 250*time.Millisecond, 60*time.Second, true, func(ctx context.Context) (bool, error) {
		n, err := env.Client.CoreV1().Nodes().Get(ctx, f.node.Name, metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		return !slices.ContainsFunc(n.Spec.Taints, func(t corev1.Taint) bool { return t.Key == corev1.TaintNodeNotReady }), nil
	})
	if err != nil {
		return fmt.Errorf("the not-ready taint never left %s: %w", f.node.Name, err)
	}
	p := testenv.Pod(testenv.PodSpec{Namespace: run.ns, Name: "spark-driver", CPU: "4", Memory: "8Gi"})
	p.Spec.NodeSelector = map[string]string{"kubernetes.io/hostname": f.node.Name}
	p.Spec.Tolerations = []corev1.Toleration{{Key: fixtureTaintKey, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule}}
	if _, err := env.Client.CoreV1().Pods(run.ns).Create(ctx, p, metav1.CreateOptions{}); err != nil {
		return err
	}
	var last string
	err = wait.PollUntilContextTimeout(ctx, 250*time.Millisecond, 60*time.Second, true, func(ctx context.Context) (bool, error) {
		got, err := env.Client.CoreV1().Pods(run.ns).Get(ctx, p.Name, metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		for _, c := range got.Status.Conditions {
			if c.Type == corev1.PodScheduled && c.Reason == corev1.PodReasonUnschedulable {
				last = c.Message
			}
		}
		return strings.Contains(last, "Insufficient cpu"), nil
	})
	if err != nil {
		return fmt.Errorf("the scheduler never found %s/%s short of CPU (last message %q): %w", run.ns, p.Name, last, err)
	}
	// The scheduler rewrites its message as nodes come and go; its gist stays.
	f.expect(fmt.Sprintf("pod %s/%s Pending, short of cpu here: \"0/", run.ns, p.Name))
	f.expect("Insufficient cpu")
	return nil
}

// deleteIncidents removes the fixture nodes and namespace so later tests on the shared control
// plane do not find them; the pod garbage collector removes the pods of deleted nodes.
func deleteIncidents(t *testing.T, env *testenv.Env, run *incidentRun) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	names := slices.Clone(run.nodeNames)
	if run.healthy != "" {
		names = append(names, run.healthy)
	}
	for _, name := range names {
		if err := env.Client.CoreV1().Nodes().Delete(ctx, name, metav1.DeleteOptions{}); err != nil && !strings.Contains(err.Error(), "not found") {
			t.Logf("cleanup: delete node %s: %v", name, err)
		}
	}
	if err := env.Client.CoreV1().Namespaces().Delete(ctx, run.ns, metav1.DeleteOptions{}); err != nil {
		t.Logf("cleanup: delete namespace %s: %v", run.ns, err)
	}
}

// backdateDeletion deletes a pod the way a person would (default grace period) and then moves its
// deletion back by `ago`, as if it had been deleted then and its kubelet never confirmed.
//
// The API server sets metadata.deletionTimestamp itself, to now plus the grace period, and refuses
// to change it afterwards; a pod only becomes stuck-terminating by waiting five minutes past it.
// Rather than make every run wait that long, the pod's stored object is rewritten in etcd with the
// older timestamp — the exact object the API server would be serving after the wait — and the test
// then reads it back through the API server.
func backdateDeletion(ctx context.Context, env *testenv.Env, ns, name string, ago time.Duration) error {
	pods := env.Client.CoreV1().Pods(ns)
	if err := pods.Delete(ctx, name, metav1.DeleteOptions{}); err != nil {
		return fmt.Errorf("delete pod %s/%s: %w", ns, name, err)
	}
	p, err := pods.Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return err
	}
	if p.DeletionTimestamp == nil || p.DeletionGracePeriodSeconds == nil {
		return fmt.Errorf("pod %s/%s was deleted at once; it should wait for its kubelet", ns, name)
	}
	grace := time.Duration(*p.DeletionGracePeriodSeconds) * time.Second
	when := metav1.NewTime(time.Now().Add(-ago + grace).Truncate(time.Second))
	p.DeletionTimestamp = &when
	p.ResourceVersion = ""
	p.APIVersion, p.Kind = "v1", "Pod"
	stored, err := json.Marshal(p)
	if err != nil {
		return err
	}
	url, err := etcdClientURL(env)
	if err != nil {
		return err
	}
	if err := etcdPut(ctx, url, "/registry/pods/"+ns+"/"+name, stored); err != nil {
		return fmt.Errorf("rewrite pod %s/%s in etcd: %w", ns, name, err)
	}
	// Both a quorum read and the API server's watch cache (which ktriage's informers list from) must
	// serve the rewritten object.
	return wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 10*time.Second, true, func(ctx context.Context) (bool, error) {
		got, err := pods.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		cached, err := pods.Get(ctx, name, metav1.GetOptions{ResourceVersion: "0"})
		if err != nil {
			return false, err
		}
		return got.DeletionTimestamp.Equal(&when) && cached.DeletionTimestamp.Equal(&when), nil
	})
}

var etcdURL struct {
	once sync.Once
	url  string
	err  error
}

// etcdClientURL finds the client URL of the shared control plane's etcd, from the command line of
// the etcd process this test binary started with its data under env.Dir.
func etcdClientURL(env *testenv.Env) (string, error) {
	etcdURL.once.Do(func() {
		want := "--data-dir=" + filepath.Join(env.Dir, "etcd")
		procs, err := os.ReadDir("/proc")
		if err != nil {
			etcdURL.err = err
			return
		}
		for _, p := range procs {
			if _, err := strconv.Atoi(p.Name()); err != nil {
				continue
			}
			raw, err := os.ReadFile(filepath.Join("/proc", p.Name(), "cmdline"))
			if err != nil {
				continue
			}
			args := strings.Split(string(raw), "\x00")
			if !slices.Contains(args, want) {
				continue
			}
			for _, a := range args {
				if v, ok := strings.CutPrefix(a, "--advertise-client-urls="); ok {
					etcdURL.url = v
					return
				}
			}
		}
		etcdURL.err = fmt.Errorf("found no etcd process running with %s", want)
	})
	return etcdURL.url, etcdURL.err
}

// etcdPut writes a key through etcd's JSON gateway (POST /v3/kv/put, base64 key and value).
func etcdPut(ctx context.Context, url, key string, value []byte) error {
	body, err := json.Marshal(map[string]string{
		"key":   base64.StdEncoding.EncodeToString([]byte(key)),
		"value": base64.StdEncoding.EncodeToString(value),
	})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+"/v3/kv/put", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", resp.Status, strings.TrimSpace(string(out)))
	}
	return nil
}
