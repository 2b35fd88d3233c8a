package demo

import (
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// The healthy part of the fleet, the flapping node, the cordoned node, pods nobody can place, and
// events that concern every node.

// controlPlanes: each runs the four static control-plane pods. The controller manager on cp-1
// lost its leader lease 37 minutes ago and restarted, so every node has a fresh RegisteredNode.
func (s *seeder) controlPlanes() {
	c := s.cat
	for _, n := range []string{NodeCP1, NodeCP2, NodeCP3} {
		for _, w := range []*workload{c.etcd, c.apiServer, c.controllerMgr, c.scheduler} {
			s.pod(w, n)
		}
	}
	kcm := s.find("kube-system", "kube-controller-manager-"+NodeCP1)
	s.apply(kcm, restarted("kube-controller-manager", 3, 1, "Error", s.ago(37*minute+20*time.Second)))
}

// healthyWorkers spreads the cluster's services over worker-01 to worker-03. The catalog
// Deployment rolled out 27 minutes ago, so its pods still have their start-up events.
func (s *seeder) healthyWorkers() {
	c := s.cat
	placement := map[string][]*workload{
		NodeWorker01: {c.coreDNS, c.frontend, c.checkout, c.cart, c.catalog, c.prometheus, c.kafka, c.ingress, c.grafana, c.redis, c.featureStore},
		NodeWorker02: {c.coreDNS, c.frontend, c.checkout, c.cart, c.catalog, c.prometheus, c.kafka, c.ingress, c.kubeStateMetrics, c.paymentsAPI, c.ledgerDB},
		NodeWorker03: {c.frontend, c.checkout, c.cart, c.catalog, c.alertmanager, c.kafka, c.paymentsAPI, c.ledgerDB, c.metricsServer, c.calicoControllers, c.featureStore},
	}
	for _, node := range []string{NodeWorker01, NodeWorker02, NodeWorker03} {
		for _, w := range placement[node] {
			p := s.pod(w, node)
			if w == c.catalog {
				s.startupEvents(p, node != NodeWorker02)
			}
		}
	}
	job := s.pod(c.reports, NodeWorker02, completed(s.ago(44*minute)))
	s.startupEvents(job, false)
	s.controllerEvent(c.reports, "job-controller", corev1.EventTypeNormal, "SuccessfulCreate", "Created pod: "+job.Name, s.ago(52*minute))
	s.controllerEvent(c.reports, "job-controller", corev1.EventTypeNormal, "Completed", "Job completed", s.ago(44*minute))

	// worker-02's platform reports a condition where True is the healthy state.
	w2 := s.nodes[NodeWorker02]
	w2.set(condition("KernelReady", corev1.ConditionTrue, "KernelModulesLoaded",
		"required kernel modules (br_netfilter, overlay, ip_vs, nf_conntrack) are loaded", s.ago(40*time.Second), w2.boot.Add(25*time.Second)))

	rs := c.catalog.name + "-" + c.catalog.hash
	old := c.catalog.name + "-" + c.catalogOld.hash
	s.controllerEvent(c.catalog, "deployment-controller", corev1.EventTypeNormal, "ScalingReplicaSet",
		fmt.Sprintf("Scaled up replica set %s from 0 to 1", rs), s.ago(27*minute))
	s.controllerEvent(c.catalog, "deployment-controller", corev1.EventTypeNormal, "ScalingReplicaSet",
		fmt.Sprintf("Scaled down replica set %s from 4 to 0", old), s.ago(25*minute))
}

// flapping: worker-04's calico-node has a memory limit it keeps hitting; every OOM kill takes the
// CNI down until calico is back, and the kubelet reports the node NotReady meanwhile. The
// simulator keeps it flapping.
func (s *seeder) flapping() {
	c, node := s.cat, NodeFlapping
	for _, w := range []*workload{c.frontend, c.catalog, c.indexer, c.analyticsAPI} {
		p := s.pod(w, node)
		if w == c.catalog {
			s.startupEvents(p, true)
		}
	}
	lastKill := s.ago(2*minute + 10*time.Second)
	calico := s.agent(node, c.calicoNode.name)
	s.apply(calico, oomKilled("calico-node", 11, lastKill))
	// nine flaps in the last hour, the last one two minutes ago
	s.kubeletEvent(node, corev1.EventTypeNormal, "NodeNotReady", nodeStatus(node, "NodeNotReady"), 9, s.ago(56*minute), lastKill.Add(6*time.Second))
	s.kubeletEvent(node, corev1.EventTypeNormal, "NodeReady", nodeStatus(node, "NodeReady"), 9, s.ago(55*minute), lastKill.Add(58*time.Second))
	s.nodeControllerEvent(node, "NodeNotReady", nodeStatus(node, "NodeNotReady"), 9, s.ago(56*minute), lastKill.Add(9*time.Second))
	s.podEvent(calico, "calico-node", corev1.EventTypeWarning, "Unhealthy",
		"Readiness probe failed: calico/node is not ready: BIRD is not ready: Error querying BIRD: unable to connect to BIRDv4 socket: dial unix /var/run/calico/bird.ctl: connect: connection refused",
		27, s.ago(56*minute), lastKill.Add(20*time.Second))
	s.podEvent(calico, "calico-node", corev1.EventTypeNormal, "Pulled",
		fmt.Sprintf("Container image %q already present on machine and can be accessed by the pod", imgCalicoNode), 11, s.ago(9*hour), lastKill.Add(12*time.Second))
}

// cordoned: worker-12 was cordoned and drained two hours ago for a kernel upgrade that has not
// happened yet; only its DaemonSet pods are left.
func (s *seeder) cordoned() {
	nb := s.nodes[NodeCordoned]
	at := s.ago(2*hour + 3*minute)
	nb.node.Spec.Unschedulable = true
	nb.taint(taint("node.kubernetes.io/unschedulable", corev1.TaintEffectNoSchedule, &at))
}

// pendingPods: the two recommendations replicas replacing those evicted from worker-05 need more
// memory than any schedulable node has free; gpu-inference asks for a GPU node the cluster lacks.
func (s *seeder) pendingPods() {
	c := s.cat
	taints := "9 node(s) had untolerated taint(s)"
	for i := 0; i < 2; i++ {
		created := s.ago(19*minute + time.Duration(i)*7*time.Second)
		msg := "0/16 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) were unschedulable, 5 Insufficient memory, " + taints +
			". preemption: 0/16 nodes are available: 11 Preemption is not helpful for scheduling, 5 No preemption victims found for incoming pod."
		p := s.pod(c.recommendations, "", unschedulable(created, msg))
		s.schedulerEvent(p, corev1.EventTypeWarning, "FailedScheduling", msg, int32(9+i), created.Add(time.Second), s.ago(time.Duration(70+40*i)*time.Second))
	}
	created := s.ago(18 * minute)
	msg := "0/16 nodes are available: 1 node(s) were unschedulable, 6 node(s) didn't match Pod's node affinity/selector, " + taints +
		". preemption: 0/16 nodes are available: 16 Preemption is not helpful for scheduling."
	p := s.pod(c.gpuInference, "", unschedulable(created, msg))
	s.schedulerEvent(p, corev1.EventTypeWarning, "FailedScheduling", msg, 7, created.Add(time.Second), s.ago(3*minute+12*time.Second))
}

// clusterEvents: the node lifecycle controller re-registered every node when it took over.
func (s *seeder) clusterEvents() {
	at := s.ago(37 * minute)
	for _, n := range nodeOrder {
		s.nodeControllerEvent(n, "RegisteredNode", fmt.Sprintf("Node %s event: Registered Node %s in Controller", n, n), 1, at, at)
	}
}

// nodeStatus is the message of the "Node x status is now: y" events.
func nodeStatus(node, status string) string {
	return fmt.Sprintf("Node %s status is now: %s", node, status)
}

// find returns a seeded pod.
func (s *seeder) find(namespace, name string) *corev1.Pod {
	for _, p := range s.pods {
		if p.Namespace == namespace && p.Name == name {
			return p
		}
	}
	panic("demo: no pod " + namespace + "/" + name)
}

// controllerEvent: an event a controller recorded about the workload's controller object.
func (s *seeder) controllerEvent(w *workload, component, typ, reason, msg string, at time.Time) {
	s.addEvent(eventSpec{ref: w.ref(), typ: typ, reason: reason, msg: msg, first: at, last: at, component: component})
}
