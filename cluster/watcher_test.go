package cluster

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
)

// snapshots collects published snapshots for tests.
type snapshots struct {
	mu   sync.Mutex
	all  []*Snapshot
	cond *sync.Cond
}

func newSnapshots() *snapshots {
	s := &snapshots{}
	s.cond = sync.NewCond(&s.mu)
	return s
}

func (s *snapshots) publish(snap *Snapshot) {
	s.mu.Lock()
	s.all = append(s.all, snap)
	s.mu.Unlock()
	s.cond.Broadcast()
}

// await returns the first snapshot satisfying ok, failing the test after a timeout.
func (s *snapshots) await(t *testing.T, what string, ok func(*Snapshot) bool) *Snapshot {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		s.mu.Lock()
		for _, snap := range s.all {
			if ok(snap) {
				s.mu.Unlock()
				return snap
			}
		}
		s.mu.Unlock()
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no snapshot with %s within 5s", what)
	return nil
}

func (s *snapshots) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.all)
}

func startWatcher(t *testing.T, client *fake.Clientset) *snapshots {
	t.Helper()
	got := newSnapshots()
	w := NewWatcher(&Client{Kube: client, Health: NewHealth(nil)}, Options{MinInterval: 20 * time.Millisecond}, got.publish)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return got
}

func TestWatcherPublishesNodesPodsAndEvents(t *testing.T) {
	n1, n2 := node(healthy()), node(healthy())
	n2.Name = "n2"
	web := testPod("web", "n1", corev1.PodRunning, container("app", "500m", "1Gi", "", ""))
	pending := testPod("pending", "", corev1.PodPending, container("app", "1", "1Gi", "", ""))
	ev := &corev1.Event{
		ObjectMeta:     metav1.ObjectMeta{Name: "web.1", Namespace: "default"},
		InvolvedObject: corev1.ObjectReference{Kind: "Pod", Namespace: "default", Name: "web"},
		Type:           corev1.EventTypeWarning, Reason: "BackOff", Message: "Back-off restarting failed container", Count: 4,
		LastTimestamp: metav1.NewTime(now),
	}
	client := fake.NewClientset(n1, n2, web, pending, ev)
	got := startWatcher(t, client)

	snap := got.await(t, "both nodes synced", func(s *Snapshot) bool { return s.Synced && len(s.Nodes) == 2 })
	if snap.Conn.Phase != ConnLive {
		t.Errorf("conn = %v, want live", snap.Conn.Phase)
	}
	v := snap.Node("n1")
	if v.Summary.PodCount != 1 || len(v.EventRows) != 1 || v.EventRows[0].Count != 4 {
		t.Fatalf("n1: %d pods, events %+v; want the web pod and its BackOff event", v.Summary.PodCount, v.EventRows)
	}
	if cpu, _ := v.Allocation.Get(corev1.ResourceCPU); cpu.RequestPct != 12 {
		t.Errorf("cpu requests = %d%%, want 12%% (500m of 4)", cpu.RequestPct)
	}
	if len(snap.Unscheduled) != 1 {
		t.Errorf("unscheduled = %d, want the pending pod", len(snap.Unscheduled))
	}

	// A change to n1's pods produces a new n1 view and shares n2's.
	ctx := context.Background()
	second := testPod("api", "n1", corev1.PodRunning, container("app", "1", "1Gi", "", ""))
	if _, err := client.CoreV1().Pods("default").Create(ctx, second, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	next := got.await(t, "n1 with two pods", func(s *Snapshot) bool { return s.Node("n1") != nil && s.Node("n1").Summary.PodCount == 2 })
	if next.Node("n2") != snap.Node("n2") {
		t.Error("n2's view was rebuilt although nothing about n2 changed")
	}
	if cpu, _ := next.Node("n1").Allocation.Get(corev1.ResourceCPU); cpu.RequestPct != 37 {
		t.Errorf("cpu requests after the new pod = %d%%, want 37%%", cpu.RequestPct)
	}

	// Deleting a node removes it from the snapshot.
	if err := client.CoreV1().Nodes().Delete(ctx, "n2", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	got.await(t, "n2 gone", func(s *Snapshot) bool { return s.Synced && s.Node("n2") == nil && len(s.Nodes) == 1 })
}

func TestWatcherCoalescesStorms(t *testing.T) {
	client := fake.NewClientset(node(healthy()))
	got := newSnapshots()
	var mu sync.Mutex
	var times []time.Time
	publish := func(s *Snapshot) {
		mu.Lock()
		times = append(times, time.Now())
		mu.Unlock()
		got.publish(s)
	}
	w := NewWatcher(&Client{Kube: client, Health: NewHealth(nil)}, Options{MinInterval: 100 * time.Millisecond}, publish)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go w.Run(ctx)
	got.await(t, "synced", func(s *Snapshot) bool { return s.Synced })
	before := got.count()

	start := time.Now()
	for i := range 300 {
		p := testPod(fmt.Sprintf("p%d", i), "n1", corev1.PodRunning, container("app", "1m", "1Mi", "", ""))
		if _, err := client.CoreV1().Pods("default").Create(ctx, p, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	got.await(t, "all 300 pods", func(s *Snapshot) bool { return s.Node("n1") != nil && s.Node("n1").Summary.PodCount == 300 })
	elapsed := time.Since(start)
	published := got.count() - before
	// At most one snapshot per 100 ms, plus one for the edge.
	if limit := int(elapsed/(100*time.Millisecond)) + 2; published > limit {
		t.Errorf("%d snapshots in %v for 300 pod creations; want at most %d (coalesced)", published, elapsed, limit)
	}
	// The UI gets at most ten a second: consecutive snapshots are never closer than the interval.
	mu.Lock()
	defer mu.Unlock()
	for i := 1; i < len(times); i++ {
		if gap := times[i].Sub(times[i-1]); gap < 100*time.Millisecond {
			t.Errorf("snapshots %d and %d reached the UI %v apart; want at least 100ms", i-1, i, gap)
		}
	}
}

func TestHealthTracksFailuresAndRecovery(t *testing.T) {
	h := NewHealth(func() time.Time { return now })
	changes := 0
	h.setOnChange(func() { changes++ })
	h.Observe(nil)
	h.Observe(fmt.Errorf("dial tcp 127.0.0.1:6443: connect: connection refused"))
	if failing, msg, _ := h.state(); !failing || msg == "" {
		t.Fatalf("failing = %v %q after a refused connection", failing, msg)
	}
	h.Observe(nil)
	if failing, _, _ := h.state(); failing {
		t.Fatal("still failing after a success")
	}
	if changes != 2 {
		t.Errorf("%d change notifications, want 2 (fail, recover)", changes)
	}
}

// While ktriage cannot reach the API server no lease can arrive; the nodes must not all turn stale
// because of ktriage's own outage.
func TestOutageDoesNotMakeEveryHeartbeatStale(t *testing.T) {
	var mu sync.Mutex
	clock := now
	nowFn := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	advance := func(d time.Duration) { mu.Lock(); clock = clock.Add(d); mu.Unlock() }

	n := node(healthy())
	lease := freshLease(time.Second)
	lease.Name, lease.Namespace = "n1", NodeLeaseNamespace
	client := fake.NewClientset(n, lease)
	got := newSnapshots()
	health := NewHealth(nowFn)
	w := NewWatcher(&Client{Kube: client, Health: health}, Options{Now: nowFn, MinInterval: 5 * time.Millisecond, ClockInterval: 20 * time.Millisecond}, got.publish)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go w.Run(ctx)
	got.await(t, "synced", func(s *Snapshot) bool { return s.Synced && s.Node("n1") != nil })

	health.Observe(fmt.Errorf("dial tcp 127.0.0.1:6443: connect: connection refused"))
	advance(10 * time.Minute)
	snap := got.await(t, "reconnecting, judged after the clock moved", func(s *Snapshot) bool {
		return s.Conn.Phase == ConnReconnecting && s.TakenAt.Equal(now.Add(10*time.Minute))
	})
	if s := snap.Node("n1").Summary; s.Stale || s.Severity != SeverityNone {
		t.Errorf("during the outage n1 is stale=%v with signals %+v; its lease was fresh when the connection dropped", s.Stale, s.Signals)
	}

	health.Observe(nil)
	snap = got.await(t, "live again", func(s *Snapshot) bool {
		return s.Conn.Phase == ConnLive && s.Synced && s.TakenAt.After(now.Add(time.Minute))
	})
	if !snap.Node("n1").Summary.Stale {
		t.Error("back online with a 10-minute-old lease, n1 should be stale")
	}
}

// A StatefulSet pod re-created on another node keeps its name but not its predecessor's events.
func TestPodEventsFollowThePodUIDNotItsName(t *testing.T) {
	n1, n2 := node(healthy()), node(healthy())
	n2.Name = "n2"
	web := testPod("web-0", "n2", corev1.PodRunning, container("app", "", "", "", ""))
	web.UID = "new-uid"
	old := &corev1.Event{
		ObjectMeta:     metav1.ObjectMeta{Name: "web-0.1", Namespace: "default"},
		InvolvedObject: corev1.ObjectReference{Kind: "Pod", Namespace: "default", Name: "web-0", UID: "old-uid"},
		Type:           corev1.EventTypeWarning, Reason: "FailedMount", Message: "on n1, long ago", LastTimestamp: metav1.NewTime(now),
	}
	current := old.DeepCopy()
	current.Name, current.InvolvedObject.UID, current.Reason, current.Message = "web-0.2", "new-uid", "Started", "on n2"
	got := startWatcher(t, fake.NewClientset(n1, n2, web, old, current))
	snap := got.await(t, "synced", func(s *Snapshot) bool { return s.Synced && s.Node("n2") != nil })
	rows := snap.Node("n2").EventRows
	if len(rows) != 1 || rows[0].Reason != "Started" {
		t.Errorf("n2's events = %+v, want only the current pod's Started event", rows)
	}
}

// A jump host whose clock runs a minute ahead of the kubelets: a lease seen renewing is fresh by
// ktriage's own clock, whatever its renewTime says.
func TestLeaseRenewalsAreTimedByOurOwnClock(t *testing.T) {
	skewed := func() time.Time { return now.Add(time.Minute) }
	lease := freshLease(2 * time.Second) // renewTime by the kubelet's clock, a minute behind ours
	lease.Name, lease.Namespace = "n1", NodeLeaseNamespace
	client := fake.NewClientset(node(healthy()), lease)
	got := newSnapshots()
	w := NewWatcher(&Client{Kube: client, Health: NewHealth(skewed)}, Options{Now: skewed, MinInterval: 5 * time.Millisecond}, got.publish)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go w.Run(ctx)
	got.await(t, "synced", func(s *Snapshot) bool { return s.Synced && s.Node("n1") != nil })

	renewed := lease.DeepCopy()
	renewed.Spec.RenewTime = &metav1.MicroTime{Time: now}
	if _, err := client.CoordinationV1().Leases(NodeLeaseNamespace).Update(ctx, renewed, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	snap := got.await(t, "the renewal", func(s *Snapshot) bool {
		v := s.Node("n1")
		return v != nil && v.Lease != nil && v.Lease.Spec.RenewTime.Equal(&metav1.MicroTime{Time: now})
	})
	if s := snap.Node("n1").Summary; s.Stale || s.Severity != SeverityNone {
		t.Errorf("a lease renewed just now is stale=%v with %+v because the local clock runs a minute ahead", s.Stale, s.Signals)
	}
}
