package demo

import (
	"context"
	"fmt"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/ktriage/ktriage/cluster"
)

// markMaintenance writes the annotation as ktriage's maintenance flow does, at phase.
func markMaintenance(t *testing.T, c *Cluster, node, phase string, cordon bool) {
	t.Helper()
	ctx := context.Background()
	n, err := c.cs.CoreV1().Nodes().Get(ctx, node, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	m := cluster.Maintenance{Phase: phase, BootID: n.Status.NodeInfo.BootID, Started: c.Now().UTC(), By: User}
	patch := fmt.Sprintf(`{"metadata":{"annotations":{%q:%q}},"spec":{"unschedulable":%v}}`, cluster.MaintenanceAnnotation, m.Encode(), cordon)
	if _, err := c.cs.CoreV1().Nodes().Patch(ctx, node, types.MergePatchType, []byte(patch), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
}

// waitRebooted waits until every node's maintenance flow sees its reboot.
func waitRebooted(t *testing.T, c *Cluster, nodes ...string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for _, name := range nodes {
		for {
			n, err := c.cs.CoreV1().Nodes().Get(context.Background(), name, metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if m, ok := cluster.ParseMaintenance(n); ok && m.Rebooted(n) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s was not rebooted", name)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
}

// A drained node comes back from its reboot repaired, and stays so: worker-11's kubelet talks
// again, worker-04 stops flapping. Nodes not drained for maintenance are never rebooted.
func TestRebootRepairsDrainedNodes(t *testing.T) {
	c := New(seedTime)
	before := take(t, c.Interface())
	markMaintenance(t, c, NodeUnreachable, cluster.MaintenanceDrained, true)
	markMaintenance(t, c, NodeFlapping, cluster.MaintenanceDrained, false)
	markMaintenance(t, c, NodeCordoned, cluster.MaintenanceDraining, true) // drain not finished

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.Run(ctx, SimOptions{Tick: 2 * time.Millisecond, RebootDelay: 30 * time.Millisecond,
			LeaseRenewInterval: 10 * time.Millisecond, StatusInterval: 20 * time.Millisecond,
			FlapInterval: 15 * time.Millisecond, EventInterval: 5 * time.Millisecond,
			OnError: func(err error) { t.Errorf("simulator: %v", err) }})
	}()
	defer func() { cancel(); <-done }()

	waitRebooted(t, c, NodeUnreachable, NodeFlapping)
	rebooted := take(t, c.Interface())
	repairedAt := c.Now()
	// Long enough for many flaps, lease renewals and status posts, had the incidents come back.
	time.Sleep(250 * time.Millisecond)
	after := take(t, c.Interface())

	for _, name := range []string{NodeUnreachable, NodeFlapping} {
		n := after.nodes[name]
		if got, want := n.Status.NodeInfo.BootID, rebooted.nodes[name].Status.NodeInfo.BootID; got != want || got == before.nodes[name].Status.NodeInfo.BootID {
			t.Errorf("%s boot ID %s, at its reboot %s, before %s: rebooted more than once, or not at all", name, got, want, before.nodes[name].Status.NodeInfo.BootID)
		}
		for _, c := range n.Status.Conditions {
			want := corev1.ConditionFalse
			if c.Type == corev1.NodeReady {
				want = corev1.ConditionTrue
			}
			if c.Status != want {
				t.Errorf("%s: %s is %s (%s)", name, c.Type, c.Status, c.Reason)
			}
		}
		if r := condOf(n, corev1.NodeReady); r.Reason != "KubeletReady" || !r.LastHeartbeatTime.After(repairedAt.Add(-time.Second)) {
			t.Errorf("%s: Ready %s, last heartbeat %v (repaired at %v)", name, r.Reason, r.LastHeartbeatTime, repairedAt)
		}
		for _, taint := range n.Spec.Taints {
			if taint.Key != taintUnschedulable {
				t.Errorf("%s keeps taint %s:%s", name, taint.Key, taint.Effect)
			}
		}
		if !after.leases[name].After(rebooted.leases[name]) {
			t.Errorf("%s: lease not renewed after the reboot (%v)", name, after.leases[name])
		}
		evs := eventsAbout(after, name, "Rebooted")
		if len(evs) != 1 || evs[0].Type != corev1.EventTypeWarning || evs[0].Source.Component != "kubelet" ||
			evs[0].Message != fmt.Sprintf("Node %s has been rebooted, boot id: %s", name, n.Status.NodeInfo.BootID) {
			t.Errorf("%s: Rebooted events %+v", name, evs)
		}
		if len(eventsAbout(after, name, "NodeReady")) == 0 {
			t.Errorf("%s: no NodeReady event", name)
		}
	}
	if n := after.nodes[NodeUnreachable]; !n.Spec.Unschedulable || !hasTaint(n, taintUnschedulable, corev1.TaintEffectNoSchedule) {
		t.Error("the reboot uncordoned worker-11")
	}
	if after.nodes[NodeFlapping].Spec.Unschedulable {
		t.Error("the reboot cordoned worker-04")
	}
	if flapsAfterReboot := countOf(eventsAbout(after, NodeFlapping, "NodeNotReady"), "kubelet") - countOf(eventsAbout(rebooted, NodeFlapping, "NodeNotReady"), "kubelet"); flapsAfterReboot != 0 {
		t.Errorf("worker-04 flapped %d times after its reboot", flapsAfterReboot)
	}

	// The kubelet confirmed the deletions it had missed and restarted what was left.
	for _, p := range after.podsOn(NodeUnreachable) {
		if p.DeletionTimestamp != nil {
			t.Errorf("%s is still terminating on the rebooted node", p.Name)
			continue
		}
		if !podReady(&p) || p.Status.ContainerStatuses[0].LastTerminationState.Terminated == nil {
			t.Errorf("%s not restarted: ready=%v, %+v", p.Name, podReady(&p), p.Status.ContainerStatuses[0])
		}
		if _, err := c.PodLogs(p.Namespace, p.Name, &corev1.PodLogOptions{Container: p.Spec.Containers[0].Name}); err != nil {
			t.Errorf("logs of %s after the reboot: %v", p.Name, err)
		}
	}

	for _, name := range NodeNames() {
		if name == NodeUnreachable || name == NodeFlapping {
			continue
		}
		if after.nodes[name].Status.NodeInfo.BootID != before.nodes[name].Status.NodeInfo.BootID {
			t.Errorf("%s was rebooted without being drained for maintenance", name)
		}
	}
	for _, reason := range []string{"NodeNotReady", "ContainerdStart"} {
		node := map[string]string{"NodeNotReady": NodePLEG, "ContainerdStart": NodeRuntimeDown}[reason]
		if len(eventsAbout(after, node, reason)) == 0 || countOf(eventsAbout(after, node, reason), "") <= countOf(eventsAbout(before, node, reason), "") {
			t.Errorf("%s's %s warnings stopped though it was not repaired", node, reason)
		}
	}
}

func eventsAbout(s snapshot, node, reason string) []corev1.Event {
	var out []corev1.Event
	for _, e := range s.events {
		if e.InvolvedObject.Kind == "Node" && e.InvolvedObject.Name == node && e.Reason == reason {
			out = append(out, e)
		}
	}
	return out
}

// countOf sums the counts of events from component ("" for any).
func countOf(evs []corev1.Event, component string) int32 {
	var n int32
	for _, e := range evs {
		if component == "" || e.Source.Component == component {
			n += e.Count
		}
	}
	return n
}

func TestRebootWaitsForTheDelay(t *testing.T) {
	c := New(seedTime)
	markMaintenance(t, c, NodeWorker03, cluster.MaintenanceDrained, true)
	s := newSim(c, SimOptions{}.withDefaults(c))
	ctx := context.Background()
	boot := func() string {
		n, err := c.cs.CoreV1().Nodes().Get(ctx, NodeWorker03, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return n.Status.NodeInfo.BootID
	}
	first := boot()
	start := seedTime.Add(time.Minute)
	for _, at := range []time.Duration{0, time.Second, 5 * time.Second} {
		s.rebootDrained(ctx, start.Add(at))
		if boot() != first {
			t.Fatalf("rebooted %v after it was first seen drained, before the 6s default", at)
		}
	}
	s.rebootDrained(ctx, start.Add(6*time.Second))
	second := boot()
	if second == first {
		t.Fatal("not rebooted 6s after it was first seen drained")
	}
	s.rebootDrained(ctx, start.Add(time.Minute))
	if boot() != second {
		t.Error("rebooted twice in one maintenance flow")
	}
}
