package demo

import (
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// Incidents where the node itself is not Ready: runtime down, CNI down, unreachable, PLEG stuck.

const (
	// MessageCNINotReady is the kubelet's Ready message while the CNI plugin is not initialised.
	MessageCNINotReady = "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized"
	containerdSockDown = `rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial unix /run/containerd/containerd.sock: connect: connection refused"`
	// MessageRuntimeDown is worker-05's Ready message: containerd keeps dying.
	MessageRuntimeDown = "[container runtime is down, container runtime not ready: RuntimeReady=false reason: message:runtime is not ready: " + containerdSockDown + "]"
	// MessageKubeletStopped is what the node lifecycle controller writes into every kubelet
	// condition of a node whose kubelet went silent.
	MessageKubeletStopped = "Kubelet stopped posting node status."
	calicoBIRDDown        = "calico/node is not ready: BIRD is not ready: Error querying BIRD: unable to connect to BIRDv4 socket: dial unix /var/run/calico/bird.ctl: connect: connection refused"
)

// plegMessage is the kubelet's Ready message while its PLEG relist is stuck.
func plegMessage(lastActive time.Duration) string {
	return fmt.Sprintf("PLEG is not healthy: pleg was last seen active %s ago; threshold is 3m0s", formatAgo(lastActive))
}

// runtimeDown: containerd on worker-05 has been crash-looping for 26 minutes (its state directory
// holds millions of small files, seed 003). The kubelet is alive, renews its lease and reports
// NotReady; it cannot kill containers, so the pods the taint manager evicted stay Terminating.
func (s *seeder) runtimeDown() {
	c, node, nb := s.cat, NodeRuntimeDown, s.nodes[NodeRuntimeDown]
	down := s.ago(25*minute + 40*time.Second)
	nb.notReady(MessageRuntimeDown, down)
	nb.set(condition("FrequentContainerdRestart", corev1.ConditionTrue, "FrequentContainerdRestart",
		"Found 18 matching logs, which meets the threshold of 5", s.ago(40*time.Second), s.ago(21*minute)))
	nb.set(condition("ContainerRuntimeUnhealthy", corev1.ConditionTrue, "ContainerdUnhealthy",
		"containerd health check failed: crictl pods: "+containerdSockDown, s.ago(40*time.Second), s.ago(24*minute)))

	evictedAt := down.Add(5*time.Minute + 2*time.Second)
	for _, w := range []*workload{c.recommendations, c.cart, c.checkout} {
		p := s.pod(w, node, terminating(evictedAt.Add(30*time.Second)))
		s.controllerPodEvent(p, "taint-eviction-controller", corev1.EventTypeNormal, "TaintManagerEviction",
			fmt.Sprintf("Marking for deletion Pod %s/%s", p.Namespace, p.Name), evictedAt)
		ctr := p.Spec.Containers[0].Name
		s.podEvent(p, ctr, corev1.EventTypeNormal, "Killing", "Stopping container "+ctr, 1, evictedAt, evictedAt)
		s.podEvent(p, "", corev1.EventTypeWarning, "FailedKillPod",
			fmt.Sprintf(`error killing pod: failed to "KillPodSandbox" for "%s" with KillPodSandboxError: %q`, p.UID, containerdSockDown),
			int32(30+spread(p.Name, 12)), evictedAt.Add(31*time.Second), s.ago(jitter("fkp/"+p.Name, 50*time.Second)))
	}
	s.markPodsNotReady(node, down.Add(4*time.Second))

	s.nodeAgentEvent(node, "systemd-monitor", corev1.EventTypeWarning, "ContainerdStart", "Starting containerd container runtime...",
		57, s.ago(26*minute), s.ago(19*time.Second))
	s.nodeAgentEvent(node, "health-checker", corev1.EventTypeWarning, "ContainerdUnhealthy",
		"containerd health check failed: crictl pods: "+containerdSockDown, 1, s.ago(24*minute), s.ago(24*minute))
	s.kubeletEvent(node, corev1.EventTypeNormal, "NodeNotReady", nodeStatus(node, "NodeNotReady"), 1, down, down)
	s.nodeControllerEvent(node, "NodeNotReady", nodeStatus(node, "NodeNotReady"), 1, down.Add(3*time.Second), down.Add(3*time.Second))
}

// cniNotReady: calico-node on worker-06 has been crash-looping for three hours, so the CNI is not
// initialised, the node is NotReady and everything but the DaemonSet pods has long moved away.
func (s *seeder) cniNotReady() {
	c, node, nb := s.cat, NodeCNINotReady, s.nodes[NodeCNINotReady]
	down := s.ago(3*hour + 9*minute)
	nb.notReady(MessageCNINotReady, down)
	nb.set(condition(corev1.NodeNetworkUnavailable, corev1.ConditionTrue, "CalicoIsDown", "Calico is shutting down on this node", down.Add(-20*time.Second), down.Add(-20*time.Second)))
	tainted := down.Add(2 * time.Second)
	nb.taint(taint("node.kubernetes.io/network-unavailable", corev1.TaintEffectNoSchedule, &tainted))

	calico := s.agent(node, c.calicoNode.name)
	lastExit := s.ago(2*minute + 41*time.Second)
	s.markPodsNotReady(node, down.Add(5*time.Second))
	s.apply(calico, crashLoop("calico-node", 37, 1, lastExit))

	s.podEvent(calico, "calico-node", corev1.EventTypeWarning, "BackOff",
		fmt.Sprintf("Back-off restarting failed container calico-node in pod %s_%s(%s)", calico.Name, calico.Namespace, calico.UID),
		809, down.Add(4*minute), s.ago(11*time.Second))
	s.podEvent(calico, "calico-node", corev1.EventTypeWarning, "Unhealthy", "Readiness probe failed: "+calicoBIRDDown,
		1043, down, s.ago(2*minute+50*time.Second))
	s.podEvent(calico, "calico-node", corev1.EventTypeWarning, "Unhealthy",
		`Liveness probe failed: calico/node is not ready: Felix is not live: Get "http://localhost:9099/liveness": dial tcp 127.0.0.1:9099: connect: connection refused`,
		96, down.Add(time.Minute), s.ago(2*minute+55*time.Second))
	s.podEvent(calico, "calico-node", corev1.EventTypeNormal, "Pulled",
		fmt.Sprintf("Container image %q already present on machine and can be accessed by the pod", imgCalicoNode), 37, down, lastExit.Add(-40*time.Second))
}

// unreachable: worker-11 went silent 14 minutes ago (it is down, or cut off). The node lifecycle
// controller set its conditions Unknown and tainted it; five minutes later the taint eviction
// controller deleted its pods, which stay Terminating because no kubelet confirms.
func (s *seeder) unreachable() {
	c, node, nb := s.cat, NodeUnreachable, s.nodes[NodeUnreachable]
	lastPost := s.ago(14*minute + 30*time.Second)
	unknownAt := lastPost.Add(40 * time.Second)
	lastRenew := lastPost.Add(2 * time.Second)
	nb.lease = &lastRenew
	nb.heartbeat(lastPost)
	for i := range nb.node.Status.Conditions {
		cond := &nb.node.Status.Conditions[i]
		if kubeletCondition(cond.Type) {
			cond.Status, cond.Reason, cond.Message = corev1.ConditionUnknown, "NodeStatusUnknown", MessageKubeletStopped
			cond.LastTransitionTime = mtime(unknownAt)
		}
	}
	tainted := unknownAt.Add(time.Second)
	nb.taint(
		taint("node.kubernetes.io/unreachable", corev1.TaintEffectNoExecute, &tainted),
		taint("node.kubernetes.io/unreachable", corev1.TaintEffectNoSchedule, &tainted),
	)

	evictedAt := tainted.Add(5 * time.Minute)
	for _, w := range []*workload{c.recommendations, c.frontend, c.catalog, c.grafana} {
		p := s.pod(w, node, terminating(evictedAt.Add(30*time.Second)))
		s.controllerPodEvent(p, "taint-eviction-controller", corev1.EventTypeNormal, "TaintManagerEviction",
			fmt.Sprintf("Marking for deletion Pod %s/%s", p.Namespace, p.Name), evictedAt)
	}
	for _, p := range s.podsOn(node) {
		s.apply(p, markedNotReady(unknownAt.Add(time.Second)))
		s.controllerPodEvent(p, "node-controller", corev1.EventTypeWarning, "NodeNotReady", "Node is not ready", unknownAt.Add(time.Second))
	}
	s.nodeControllerEvent(node, "NodeNotReady", nodeStatus(node, "NodeNotReady"), 1, unknownAt, unknownAt)
}

// pleg: legacy-07 is a CentOS 7.6 machine with kubelet 1.12.10 whose maxPods was raised from
// 110 to 600 for a load test (seed 001). The pod churn keeps wedging the PLEG relist, so it flaps,
// and pods the test deleted hours ago are still Terminating. A 1.12 kubelet has no Lease; it
// posts its status every ten seconds instead.
func (s *seeder) pleg() {
	c, node, nb := s.cat, NodePLEG, s.nodes[NodePLEG]
	nb.noLease()
	nb.heartbeat(s.ago(4 * time.Second))
	down := s.ago(12 * time.Second)
	nb.notReady(plegMessage(3*time.Minute+12*time.Second), down)

	for i := 0; i < 6; i++ {
		s.pod(c.echo, node)
	}
	for i := 0; i < 150; i++ {
		s.pod(c.loadgen, node)
	}
	for i := 0; i < 14; i++ {
		deleted := s.ago(20*minute + time.Duration(i)*17*minute + jitter(fmt.Sprint("lgdel", i), 5*minute))
		p := s.pod(c.loadgenOld, node, terminating(deleted.Add(30*time.Second)))
		if s.now.Sub(deleted) < time.Hour {
			s.podEvent(p, "loadgen", corev1.EventTypeNormal, "Killing", "Killing container with id docker://loadgen:Need to kill Pod", 1, deleted, deleted)
		}
	}
	s.markPodsNotReady(node, down.Add(5*time.Second))

	first := s.ago(2*day + 7*hour)
	s.kubeletEvent(node, corev1.EventTypeNormal, "NodeNotReady", nodeStatus(node, "NodeNotReady"), 47, first, down)
	s.kubeletEvent(node, corev1.EventTypeNormal, "NodeReady", nodeStatus(node, "NodeReady"), 46, first.Add(4*minute), s.ago(9*minute+30*time.Second))
	s.nodeControllerEvent(node, "NodeNotReady", nodeStatus(node, "NodeNotReady"), 47, first.Add(3*time.Second), down.Add(3*time.Second))
}
