package demo

import (
	"context"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// fakeClock advances by step every time it is read; the simulator reads it once per tick.
type fakeClock struct {
	base  time.Time
	step  time.Duration
	calls atomic.Int64
}

func (f *fakeClock) Now() time.Time { return f.base.Add(time.Duration(f.calls.Add(1)) * f.step) }

func (f *fakeClock) peek() time.Time { return f.base.Add(time.Duration(f.calls.Load()) * f.step) }

func eventCount(t *testing.T, c *Cluster, node, reason, component string) int32 {
	t.Helper()
	evs, err := c.cs.CoreV1().Events("").List(context.Background(), metav1.ListOptions{
		FieldSelector: "involvedObject.kind=Node,involvedObject.name=" + node + ",reason=" + reason + ",source=" + component})
	if err != nil {
		t.Fatal(err)
	}
	var n int32
	for _, e := range evs.Items {
		n += e.Count
	}
	return n
}

func TestSimulator(t *testing.T) {
	c := New(seedTime)
	clock := &fakeClock{base: seedTime, step: 3 * time.Second}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	notReadyBefore := eventCount(t, c, NodeFlapping, "NodeNotReady", "kubelet")
	var errs atomic.Int64
	go func() {
		defer close(done)
		c.Run(ctx, SimOptions{Tick: time.Millisecond, Now: clock.Now, Rand: rand.New(rand.NewPCG(1, 2)),
			OnError: func(err error) { errs.Add(1); t.Logf("simulator: %v", err) }})
	}()

	nodes := c.cs.CoreV1().Nodes()
	if _, err := nodes.Patch(ctx, NodeWorker01, types.StrategicMergePatchType, []byte(`{"spec":{"unschedulable":true}}`), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}

	sawNotReady, sawReadyAgain := false, false
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) && !(sawNotReady && sawReadyAgain && clock.peek().Sub(seedTime) > 5*time.Minute) {
		n, err := nodes.Get(ctx, NodeFlapping, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ready := findCondition(n.Status.Conditions, corev1.NodeReady)
		if ready.Status == corev1.ConditionFalse {
			sawNotReady = true
			if ready.Message != MessageCNINotReady || !hasTaint(*n, "node.kubernetes.io/not-ready", corev1.TaintEffectNoSchedule) {
				t.Errorf("worker-04 NotReady: %q, taints %v", ready.Message, n.Spec.Taints)
			}
		} else if sawNotReady {
			sawReadyAgain = true
		}
		time.Sleep(time.Millisecond)
	}
	if !sawNotReady || !sawReadyAgain {
		t.Fatalf("worker-04 did not flap (NotReady seen: %v, Ready again: %v)", sawNotReady, sawReadyAgain)
	}

	cancel()
	select {
	case <-done:
	case <-time.After(time.Second):
		t.Fatal("Run did not return within a second of cancel")
	}

	if got := eventCount(t, c, NodeFlapping, "NodeNotReady", "kubelet"); got <= notReadyBefore {
		t.Errorf("worker-04 NodeNotReady count %d, was %d", got, notReadyBefore)
	}
	s := take(t, c.Interface())
	if s.leases[NodeCP1].Before(seedTime.Add(time.Minute)) {
		t.Errorf("cp-1 lease not renewed: %v", s.leases[NodeCP1])
	}
	if age := seedTime.Sub(s.leases[NodeUnreachable]); age < 14*time.Minute {
		t.Errorf("worker-11's lease was renewed: %v before the seed", age)
	}
	for _, name := range []string{NodeWorker02, NodeCP2} {
		if hb := condOf(s.nodes[name], corev1.NodeReady).LastHeartbeatTime; !hb.After(seedTime) {
			t.Errorf("%s never posted status: %v", name, hb)
		}
	}
	if hb := condOf(s.nodes[NodeUnreachable], corev1.NodeReady).LastHeartbeatTime; hb.After(seedTime) {
		t.Error("worker-11 posted status")
	}
	if !hasTaint(s.nodes[NodeWorker01], taintUnschedulable, corev1.TaintEffectNoSchedule) {
		t.Error("cordoned worker-01 did not get the unschedulable taint")
	}
	if !s.nodes[NodeWorker01].Spec.Unschedulable {
		t.Error("the simulator undid the cordon")
	}
	if got := eventCount(t, c, NodeWorker01, "NodeNotSchedulable", "kubelet"); got != 1 {
		t.Errorf("NodeNotSchedulable events: %d", got)
	}
	if n := len(c.cs.Actions()); n > 2000 {
		t.Errorf("the fake kept %d actions", n)
	}
	if errs.Load() > 0 {
		t.Errorf("%d simulator errors", errs.Load())
	}
}

func TestRunReturnsWhenCancelled(t *testing.T) {
	c := New(seedTime)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	done := make(chan struct{})
	go func() { c.Run(ctx, SimOptions{}); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Second):
		t.Fatal("Run ignored a cancelled context")
	}
}
