package demo

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"

	"github.com/ktriage/ktriage/cluster"
)

var seedTime = time.Date(2026, 7, 1, 9, 30, 0, 0, time.UTC)

type snapshot struct {
	nodes  map[string]corev1.Node
	pods   []corev1.Pod
	events []corev1.Event
	leases map[string]time.Time
}

func take(t *testing.T, cs kubernetes.Interface) snapshot {
	t.Helper()
	ctx := context.Background()
	nodes, err := cs.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pods, err := cs.CoreV1().Pods("").List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	events, err := cs.CoreV1().Events("").List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	leases, err := cs.CoordinationV1().Leases(NodeLeaseNamespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s := snapshot{nodes: map[string]corev1.Node{}, pods: pods.Items, events: events.Items, leases: map[string]time.Time{}}
	for _, n := range nodes.Items {
		s.nodes[n.Name] = n
	}
	for _, l := range leases.Items {
		s.leases[l.Name] = l.Spec.RenewTime.Time
	}
	return s
}

func (s snapshot) podsOn(node string) []corev1.Pod {
	var out []corev1.Pod
	for _, p := range s.pods {
		if p.Spec.NodeName == node {
			out = append(out, p)
		}
	}
	return out
}

func condOf(n corev1.Node, t corev1.NodeConditionType) *corev1.NodeCondition {
	return findCondition(n.Status.Conditions, t)
}

func hasTaint(n corev1.Node, key string, effect corev1.TaintEffect) bool {
	for _, t := range n.Spec.Taints {
		if t.Key == key && t.Effect == effect {
			return true
		}
	}
	return false
}

func TestSeedNodesAndScenarios(t *testing.T) {
	s := take(t, New(seedTime).Interface())
	want := []string{"cp-1", "cp-2", "cp-3", "worker-01", "worker-02", "worker-03", "worker-04", "worker-05", "worker-06",
		"worker-08", "worker-09", "worker-10", "worker-11", "worker-12", "legacy-03", "legacy-07"}
	if got := NodeNames(); !reflect.DeepEqual(got, want) {
		t.Fatalf("NodeNames() = %v", got)
	}
	if len(s.nodes) != len(want) {
		t.Fatalf("%d nodes listed, want %d", len(s.nodes), len(want))
	}
	scen := map[string]string{
		"legacy-07": "pleg-unhealthy", "worker-05": "runtime-down", "worker-06": "cni-not-ready", "worker-08": "pod-ip-exhausted",
		"worker-09": "disk-pressure", "worker-10": "memory-pressure", "legacy-03": "cgroup-leak", "worker-11": "node-unreachable",
		"worker-12": "cordoned",
	}
	for _, name := range want {
		n, ok := s.nodes[name]
		if !ok {
			t.Fatalf("node %s not listed", name)
		}
		if Scenario(name) != scen[name] {
			t.Errorf("Scenario(%s) = %q, want %q", name, Scenario(name), scen[name])
		}
		for _, l := range []string{"kubernetes.io/hostname", "beta.kubernetes.io/arch"} {
			if n.Labels[l] == "" {
				t.Errorf("%s lacks label %s", name, l)
			}
		}
		if len(n.Status.Images) == 0 || n.Status.NodeInfo.BootID == "" || n.Spec.PodCIDR == "" || len(n.Status.Addresses) != 2 {
			t.Errorf("%s lacks images, bootID, podCIDR or addresses", name)
		}
		if age := seedTime.Sub(n.CreationTimestamp.Time); age < 14*day {
			t.Errorf("%s is only %v old", name, age)
		}
		healthy := scen[name] == "" || name == NodeCordoned
		ready := condOf(n, corev1.NodeReady)
		if healthy && (ready.Status != corev1.ConditionTrue || ready.Reason != "KubeletReady") {
			t.Errorf("healthy %s: Ready %s %s", name, ready.Status, ready.Reason)
		}
		cp := strings.HasPrefix(name, "cp-")
		if cp != hasTaint(n, "node-role.kubernetes.io/control-plane", corev1.TaintEffectNoSchedule) {
			t.Errorf("%s: control-plane taint mismatch", name)
		}
	}
	if Scenario(NodeFlapping) != "" || Scenario("nope") != "" {
		t.Error("flapping and unknown nodes have no scenario")
	}
	if c := condOf(s.nodes[NodeWorker02], "KernelReady"); c == nil || c.Status != corev1.ConditionTrue {
		t.Error("worker-02 lacks KernelReady=True")
	}
}

func TestSeedIncidentInvariants(t *testing.T) {
	s := take(t, New(seedTime).Interface())

	pleg := s.nodes[NodePLEG]
	if n := len(s.podsOn(NodePLEG)); n < 150 {
		t.Errorf("legacy-07 has %d pods, want ≥150", n)
	}
	if q := pleg.Status.Capacity[corev1.ResourcePods]; q.Value() != 600 {
		t.Errorf("legacy-07 pods capacity %s", q.String())
	}
	if q := pleg.Status.Allocatable[corev1.ResourcePods]; q.Value() != 600 {
		t.Errorf("legacy-07 pods allocatable %s", q.String())
	}
	if v := pleg.Status.NodeInfo.KubeletVersion; v != "v1.12.10" {
		t.Errorf("legacy-07 kubelet %s", v)
	}
	if m := condOf(pleg, corev1.NodeReady).Message; m != "PLEG is not healthy: pleg was last seen active 3m12s ago; threshold is 3m0s" {
		t.Errorf("legacy-07 Ready message %q", m)
	}

	ipx := s.nodes[NodePodIPExhausted]
	if !strings.HasSuffix(ipx.Spec.PodCIDR, "/25") || !reflect.DeepEqual(ipx.Spec.PodCIDRs, []string{ipx.Spec.PodCIDR}) {
		t.Errorf("worker-08 podCIDR %q %v", ipx.Spec.PodCIDR, ipx.Spec.PodCIDRs)
	}
	creating := 0
	for _, p := range s.podsOn(NodePodIPExhausted) {
		if p.Status.Phase != corev1.PodPending {
			continue
		}
		creating++
		if w := p.Status.ContainerStatuses[0].State.Waiting; w == nil || w.Reason != "ContainerCreating" {
			t.Errorf("%s is not ContainerCreating", p.Name)
		}
		found := false
		for _, e := range s.events {
			if e.InvolvedObject.Name == p.Name && e.Reason == "FailedCreatePodSandBox" && strings.Contains(e.Message, "no IP addresses available") && e.Count > 10 {
				found = true
			}
		}
		if !found {
			t.Errorf("%s has no FailedCreatePodSandBox event about exhausted IPs", p.Name)
		}
	}
	if creating < 4 {
		t.Errorf("worker-08 has %d ContainerCreating pods", creating)
	}

	gone := s.nodes[NodeUnreachable]
	if age := seedTime.Sub(s.leases[NodeUnreachable]); age < 10*time.Minute {
		t.Errorf("worker-11 lease renewed %v ago", age)
	}
	if !hasTaint(gone, "node.kubernetes.io/unreachable", corev1.TaintEffectNoExecute) || !hasTaint(gone, "node.kubernetes.io/unreachable", corev1.TaintEffectNoSchedule) {
		t.Error("worker-11 lacks the unreachable taints")
	}
	for _, c := range []corev1.NodeConditionType{corev1.NodeReady, corev1.NodeMemoryPressure, corev1.NodeDiskPressure, corev1.NodePIDPressure} {
		if cc := condOf(gone, c); cc.Status != corev1.ConditionUnknown || cc.Message != "Kubelet stopped posting node status." {
			t.Errorf("worker-11 %s = %s %q", c, cc.Status, cc.Message)
		}
	}
	terminating := 0
	for _, p := range s.podsOn(NodeUnreachable) {
		if p.DeletionTimestamp != nil {
			terminating++
			if ago := seedTime.Sub(p.DeletionTimestamp.Time); ago < 8*time.Minute || ago > 9*time.Minute {
				t.Errorf("%s deletionTimestamp %v ago", p.Name, ago)
			}
		}
	}
	if terminating == 0 {
		t.Error("no Terminating pods on worker-11")
	}
	if _, ok := s.leases[NodePLEG]; ok {
		t.Error("a 1.12 kubelet has no Lease")
	}
	for name := range s.nodes {
		if name == NodeUnreachable || name == NodePLEG {
			continue
		}
		if age := seedTime.Sub(s.leases[name]); age < 0 || age > 15*time.Second {
			t.Errorf("%s lease renewed %v ago", name, age)
		}
	}

	if n := s.nodes[NodeCordoned]; !n.Spec.Unschedulable || !hasTaint(n, "node.kubernetes.io/unschedulable", corev1.TaintEffectNoSchedule) {
		t.Error("worker-12 is not cordoned")
	}
	if c := condOf(s.nodes[NodeDiskPressure], corev1.NodeDiskPressure); c.Status != corev1.ConditionTrue {
		t.Error("worker-09 has no disk pressure")
	}
	if c := condOf(s.nodes[NodeMemoryPressure], corev1.NodeMemoryPressure); c.Status != corev1.ConditionTrue {
		t.Error("worker-10 has no memory pressure")
	}
	if c := condOf(s.nodes[NodeCgroupLeak], corev1.NodeDiskPressure); c.Status != corev1.ConditionFalse {
		t.Error("legacy-03's disk is not full")
	}
	evicted := map[string]int{}
	for _, p := range s.pods {
		if p.Status.Reason == "Evicted" {
			evicted[p.Spec.NodeName]++
		}
	}
	if evicted[NodeDiskPressure] < 3 || evicted[NodeMemoryPressure] < 1 {
		t.Errorf("evicted pods: %v", evicted)
	}
	for _, p := range s.podsOn(NodeCNINotReady) {
		if strings.HasPrefix(p.Name, "calico-node-") {
			st := p.Status.ContainerStatuses[0]
			if st.State.Waiting == nil || st.State.Waiting.Reason != "CrashLoopBackOff" || st.RestartCount != 37 {
				t.Errorf("worker-06 calico-node: %+v", st.State)
			}
		}
	}
}

func TestSeedReferences(t *testing.T) {
	c := New(seedTime)
	s := take(t, c.Interface())
	ctx := context.Background()
	podByKey := map[string]corev1.Pod{}
	for _, p := range s.pods {
		podByKey[p.Namespace+"/"+p.Name] = p
		if p.Spec.NodeName == "" {
			continue
		}
		n, ok := s.nodes[p.Spec.NodeName]
		if !ok {
			t.Errorf("pod %s/%s on unknown node %s", p.Namespace, p.Name, p.Spec.NodeName)
			continue
		}
		if p.Status.PodIP != "" {
			if p.Spec.HostNetwork {
				if p.Status.PodIP != p.Status.HostIP {
					t.Errorf("host-network pod %s has IP %s, host %s", p.Name, p.Status.PodIP, p.Status.HostIP)
				}
			} else if !cidrContains(n.Spec.PodCIDR, p.Status.PodIP) {
				t.Errorf("pod %s IP %s outside %s", p.Name, p.Status.PodIP, n.Spec.PodCIDR)
			}
		}
		for _, ref := range p.OwnerReferences {
			var err error
			switch ref.Kind {
			case "Node":
				_, err = c.cs.CoreV1().Nodes().Get(ctx, ref.Name, metav1.GetOptions{})
			case "DaemonSet":
				_, err = c.cs.AppsV1().DaemonSets(p.Namespace).Get(ctx, ref.Name, metav1.GetOptions{})
			case "ReplicaSet":
				_, err = c.cs.AppsV1().ReplicaSets(p.Namespace).Get(ctx, ref.Name, metav1.GetOptions{})
			case "StatefulSet":
				_, err = c.cs.AppsV1().StatefulSets(p.Namespace).Get(ctx, ref.Name, metav1.GetOptions{})
			case "Job":
				_, err = c.cs.BatchV1().Jobs(p.Namespace).Get(ctx, ref.Name, metav1.GetOptions{})
			default:
				t.Errorf("pod %s owned by a %s", p.Name, ref.Kind)
			}
			if err != nil {
				t.Errorf("pod %s: owner %s %s: %v", p.Name, ref.Kind, ref.Name, err)
			}
		}
	}
	for _, e := range s.events {
		ref := e.InvolvedObject
		var err error
		switch ref.Kind {
		case "Node":
			if _, ok := s.nodes[ref.Name]; !ok {
				t.Errorf("event %s about unknown node %s", e.Name, ref.Name)
			}
			if e.Namespace != "default" {
				t.Errorf("node event %s in namespace %s", e.Name, e.Namespace)
			}
		case "Pod":
			if _, ok := podByKey[ref.Namespace+"/"+ref.Name]; !ok {
				t.Errorf("event %s about unknown pod %s/%s", e.Name, ref.Namespace, ref.Name)
			}
		case "Deployment":
			_, err = c.cs.AppsV1().Deployments(ref.Namespace).Get(ctx, ref.Name, metav1.GetOptions{})
		case "Job":
			_, err = c.cs.BatchV1().Jobs(ref.Namespace).Get(ctx, ref.Name, metav1.GetOptions{})
		default:
			t.Errorf("event %s about a %s", e.Name, ref.Kind)
		}
		if err != nil {
			t.Errorf("event %s: %v", e.Name, err)
		}
		if cluster.EventLastSeen(&e).After(seedTime) || seedTime.Sub(cluster.EventLastSeen(&e)) > time.Hour {
			t.Errorf("event %s last seen %v before the seed", e.Name, seedTime.Sub(cluster.EventLastSeen(&e)))
		}
	}
}

func TestSeedIsDeterministic(t *testing.T) {
	a, b := New(seedTime), New(seedTime)
	lists := func(c *Cluster) []runtime.Object {
		ctx := context.Background()
		n, _ := c.cs.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
		p, _ := c.cs.CoreV1().Pods("").List(ctx, metav1.ListOptions{})
		e, _ := c.cs.CoreV1().Events("").List(ctx, metav1.ListOptions{})
		l, _ := c.cs.CoordinationV1().Leases("").List(ctx, metav1.ListOptions{})
		d, _ := c.cs.AppsV1().DaemonSets("").List(ctx, metav1.ListOptions{})
		return []runtime.Object{n, p, e, l, d}
	}
	la, lb := lists(a), lists(b)
	for i := range la {
		if !reflect.DeepEqual(la[i], lb[i]) {
			t.Errorf("list %d differs between two seeds", i)
		}
	}
	later := take(t, New(seedTime.Add(time.Hour)).Interface())
	first := take(t, a.Interface())
	if d := later.nodes[NodeCP1].CreationTimestamp.Sub(first.nodes[NodeCP1].CreationTimestamp.Time); d != time.Hour {
		t.Errorf("seeding an hour later moved creation timestamps by %v", d)
	}
}
