package demo

import (
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"
)

// NodeLeaseNamespace holds the kubelets' heartbeat Leases.
const NodeLeaseNamespace = corev1.NamespaceNodeLease

// LeaseDurationSeconds is the kubelets' lease duration (the kubelet default).
const LeaseDurationSeconds = 40

// seeder accumulates the objects of one seed.
type seeder struct {
	now        time.Time
	cat        *catalogue
	nodes      map[string]*nodeBuilder
	pods       []*corev1.Pod
	events     []*corev1.Event
	eventNames map[string]bool
	podSeq     map[string]int
	ipNext     map[string]int
	agents     map[string]map[string]*corev1.Pod // node → DaemonSet name → its pod there
}

func newSeeder(now time.Time) *seeder {
	return &seeder{
		now: now, cat: newCatalogue(),
		nodes: map[string]*nodeBuilder{}, eventNames: map[string]bool{},
		podSeq: map[string]int{}, ipNext: map[string]int{}, agents: map[string]map[string]*corev1.Pod{},
	}
}

func (s *seeder) ago(d time.Duration) time.Time { return s.now.Add(-d) }

// build describes the cluster: every node healthy first, then what went wrong where.
func (s *seeder) build() {
	for _, p := range plans {
		s.nodes[p.name] = s.newNode(p)
	}
	for _, name := range nodeOrder {
		s.nodeAgents(name)
	}
	s.controlPlanes()
	s.healthyWorkers()
	s.flapping()
	s.runtimeDown()
	s.cniNotReady()
	s.podIPExhausted()
	s.diskPressure()
	s.memoryPressure()
	s.unreachable()
	s.cordoned()
	s.cgroupLeak()
	s.pleg()
	s.pendingPods()
	s.clusterEvents()
}

// nodeAgents runs the DaemonSets a node gets: the CNI, kube-proxy and the log and metrics agents
// everywhere; node-problem-detector and the Ceph CSI plugin on the managed workers.
func (s *seeder) nodeAgents(node string) {
	c := s.cat
	ds := []*workload{c.calicoNode, c.kubeProxy, c.nodeExporter, c.fluentBit}
	if s.nodes[node].plan.npd {
		ds = append(ds, c.npd, c.cephCSI)
	}
	s.agents[node] = map[string]*corev1.Pod{}
	for _, w := range ds {
		s.agents[node][w.name] = s.pod(w, node)
	}
}

// agent returns the pod a DaemonSet runs on node.
func (s *seeder) agent(node, daemonSet string) *corev1.Pod { return s.agents[node][daemonSet] }

// podsOn returns the seeded pods bound to node.
func (s *seeder) podsOn(node string) []*corev1.Pod {
	var out []*corev1.Pod
	for _, p := range s.pods {
		if p.Spec.NodeName == node {
			out = append(out, p)
		}
	}
	return out
}

// apply changes an already built pod.
func (s *seeder) apply(p *corev1.Pod, opts ...podOpt) {
	for _, o := range opts {
		o(s, p)
	}
}

// markPodsNotReady does what the node lifecycle controller does when a node stops being Ready.
func (s *seeder) markPodsNotReady(node string, at time.Time) {
	for _, p := range s.podsOn(node) {
		if p.Status.Phase == corev1.PodRunning {
			s.apply(p, markedNotReady(at))
		}
	}
}

func (s *seeder) runtimeOf(p *corev1.Pod) string {
	if nb := s.nodes[p.Spec.NodeName]; nb != nil {
		return nb.plan.os.runtime
	}
	return "containerd://"
}

// objects returns everything in a stable order: namespaces, nodes, leases, controllers, pods,
// disruption budgets, events.
func (s *seeder) objects() []runtime.Object {
	var out []runtime.Object
	for _, ns := range namespaces(s.now) {
		out = append(out, ns)
	}
	for _, name := range nodeOrder {
		nb := s.nodes[name]
		var images []string
		for _, p := range s.podsOn(name) {
			for _, c := range append(append([]corev1.Container(nil), p.Spec.InitContainers...), p.Spec.Containers...) {
				images = append(images, c.Image)
			}
		}
		nb.node.Status.Images = nodeImages(append(images, nb.extraImages...))
		out = append(out, nb.node)
	}
	for _, name := range nodeOrder {
		if l := s.nodes[name].leaseObject(); l != nil {
			out = append(out, l)
		}
	}
	out = append(out, s.controllers()...)
	for _, p := range s.pods {
		out = append(out, p)
	}
	pdbs := disruptionBudgets(s.now)
	// Each budget's condition has not changed since shortly after it was created.
	withBudgetStatus(pdbs, s.pods, s.ago(200*day-time.Minute))
	for _, pdb := range pdbs {
		out = append(out, pdb)
	}
	for _, e := range s.events {
		out = append(out, e)
	}
	return out
}

// leaseObject is the node's heartbeat Lease as its kubelet keeps it, nil for kubelets without one.
func (b *nodeBuilder) leaseObject() *coordinationv1.Lease {
	if b.lease == nil {
		return nil
	}
	renew := metav1.NewMicroTime(*b.lease)
	return &coordinationv1.Lease{
		TypeMeta: metav1.TypeMeta{Kind: "Lease", APIVersion: "coordination.k8s.io/v1"},
		ObjectMeta: metav1.ObjectMeta{
			Name: b.plan.name, Namespace: NodeLeaseNamespace,
			UID:               uid("lease", b.plan.name),
			CreationTimestamp: b.node.CreationTimestamp,
			OwnerReferences: []metav1.OwnerReference{{
				APIVersion: "v1", Kind: "Node", Name: b.plan.name, UID: b.node.UID,
			}},
		},
		Spec: coordinationv1.LeaseSpec{
			HolderIdentity:       ptr.To(b.plan.name),
			LeaseDurationSeconds: ptr.To[int32](LeaseDurationSeconds),
			RenewTime:            &renew,
		},
	}
}
