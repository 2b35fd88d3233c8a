package demo

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ktriage/ktriage/cluster"
)

// The reboot that ktriage's maintenance flow (cordon → drain → reboot → uncordon) waits for. On a
// real cluster a person or the cloud reboots the drained machine; in the demo the simulator does,
// and the node comes back repaired, so the flow can be followed to its end.

// reboot is the simulator's plan for one node in maintenance.
type reboot struct {
	// flow identifies the maintenance flow (its start and the boot ID it recorded): a node is
	// rebooted once per flow, however long it then stays drained.
	flow string
	// seen is when the simulator first saw the node drained; it reboots RebootDelay later.
	seen time.Time
	done bool
}

// rebootDrained reboots, RebootDelay after it first saw them, the nodes whose maintenance
// annotation says drained. A node not in ktriage's maintenance flow is never rebooted. The node
// stays cordoned: ending the flow (uncordon) is ktriage's.
func (s *sim) rebootDrained(ctx context.Context, now time.Time) {
	nodes, err := s.cs.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		s.fail(err)
		return
	}
	drained := map[string]bool{}
	for i := range nodes.Items {
		n := &nodes.Items[i]
		m, ok := cluster.ParseMaintenance(n)
		if !ok || m.Phase != cluster.MaintenanceDrained {
			continue
		}
		drained[n.Name] = true
		flow := m.Started.UTC().Format(time.RFC3339Nano) + "/" + m.BootID
		r, ok := s.reboots[n.Name]
		if !ok || r.flow != flow {
			// A boot ID other than the recorded one: the node already rebooted in this flow (a
			// previous run of the simulator rebooted it).
			s.reboots[n.Name] = reboot{flow: flow, seen: now, done: m.BootID != "" && n.Status.NodeInfo.BootID != m.BootID}
			continue
		}
		if r.done || now.Sub(r.seen) < s.opts.RebootDelay {
			continue
		}
		if s.reboot(ctx, n, r.seen, now) {
			r.done = true
			s.reboots[n.Name] = r
		}
	}
	for name := range s.reboots {
		if !drained[name] {
			delete(s.reboots, name) // the flow ended or went back to draining
		}
	}
}

// reboot brings the node back from a reboot that began when it was first seen drained: a new boot
// ID, the incident cleared, its pods restarted, and the kubelet's events. It reports whether the
// node was written; if not (a conflict with a concurrent write), the next tick tries again.
func (s *sim) reboot(ctx context.Context, n *corev1.Node, began, now time.Time) bool {
	// The machine went down when the wait began, booted halfway through it and its kubelet started
	// soon after; it is Ready now. Every time stays in order and none is in the future.
	boot := began.Add(now.Sub(began) / 2)
	up := boot.Add(now.Sub(boot) / 2)
	n.Status.NodeInfo.BootID = string(uid("boot", n.Name, boot.String()))
	repairConditions(n, now)
	syncConditionTaints(n)
	if _, err := s.cs.CoreV1().Nodes().UpdateStatus(ctx, n, metav1.UpdateOptions{}); err != nil {
		s.fail(err)
		return false
	}
	s.c.repair(n.Name)
	s.c.recordBoot(n.Name, boot)
	// The kubelet renews its Lease as it starts and has just posted its status.
	s.nextLease[n.Name] = now
	s.nextStatus[n.Name] = now.Add(s.opts.StatusInterval)

	s.restartPods(ctx, n, boot, up, now)

	ref := kubeletNodeRef(n.Name, n.Status.NodeInfo.KubeletVersion)
	kubelet := func(typ, reason, msg string, at time.Time) {
		s.record(ctx, eventSpec{ref: ref, typ: typ, reason: reason, msg: msg, component: "kubelet", host: n.Name}, at)
	}
	kubelet(corev1.EventTypeNormal, "Starting", "Starting kubelet.", up)
	kubelet(corev1.EventTypeWarning, "Rebooted", fmt.Sprintf("Node %s has been rebooted, boot id: %s", n.Name, n.Status.NodeInfo.BootID), up)
	kubelet(corev1.EventTypeNormal, "NodeReady", nodeStatus(n.Name, "NodeReady"), now)
	return true
}

// repairConditions sets the conditions of the kubelet, Calico and node-problem-detector to their
// healthy state as of now. Ready changes at now even if it was True: the restarted kubelet reported
// NotReady until its runtime and network were up. The other conditions keep their transition time
// when their status does not change, as the kubelet's setters do. Conditions of other agents (like
// worker-02's KernelReady) are left alone.
func repairConditions(n *corev1.Node, now time.Time) {
	healthy := map[corev1.NodeConditionType]healthyCondition{}
	for _, h := range healthyNode {
		healthy[h.typ] = h
	}
	for _, h := range npdHealthy {
		healthy[h.typ] = healthyCondition{h.typ, corev1.ConditionFalse, h.reason, h.message}
	}
	for i := range n.Status.Conditions {
		c := &n.Status.Conditions[i]
		h, ok := healthy[c.Type]
		if !ok {
			continue
		}
		if c.Status != h.status || c.Type == corev1.NodeReady {
			c.LastTransitionTime = mtime(now)
		}
		c.Status, c.Reason, c.Message = h.status, h.reason, h.message
		c.LastHeartbeatTime = mtime(now)
	}
}
