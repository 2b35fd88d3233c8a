package demo

import (
	"context"
	"math/rand/v2"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/client-go/kubernetes"
)

// SimOptions configure the simulator. Zero values take the defaults.
type SimOptions struct {
	// Tick is how often the simulator wakes up (default 2s). Each tick does a little work.
	Tick time.Duration
	// Now is the simulated clock, read once per tick (default: Cluster.Now, the seed time
	// advanced by the wall clock). Run makes it the cluster's clock while it runs.
	Now func() time.Time
	// Rand drives the simulator's choices (default: a fixed seed, so a run with a fake clock is
	// reproducible). Run uses it from its own goroutine only.
	Rand *rand.Rand
	// LeaseRenewInterval is how often a kubelet renews its Lease (default 10s, the kubelet's).
	LeaseRenewInterval time.Duration
	// StatusInterval is how often a healthy kubelet posts its status when nothing changed
	// (default 1m; the kubelet's nodeStatusReportFrequency is 5m, shortened for the demo).
	StatusInterval time.Duration
	// FlapInterval is how long NodeFlapping stays Ready or NotReady (default 60s).
	FlapInterval time.Duration
	// EventInterval is the mean time between recurring events (default 15s).
	EventInterval time.Duration
	// EventTTL is how long an event lives after it was last seen, as on the API server
	// (default 1h; negative keeps events forever).
	EventTTL time.Duration
	// RebootDelay is how long a node waits, drained for maintenance, before the simulator reboots
	// and repairs it (default 6s, counted from the tick that first saw it drained): long enough for
	// the person to see the flow wait for the reboot, short enough not to bore them.
	RebootDelay time.Duration
	// OnError, if set, is told about writes that failed (they are retried on a later tick).
	OnError func(error)
}

func (o SimOptions) withDefaults(c *Cluster) SimOptions {
	if o.Tick <= 0 {
		o.Tick = 2 * time.Second
	}
	if o.Now == nil {
		c.mu.Lock()
		o.Now = c.clock // not c.Now: Run makes o.Now the cluster's clock
		c.mu.Unlock()
	}
	if o.Rand == nil {
		o.Rand = rand.New(rand.NewPCG(0x6b747269, 0x61676500)) //nolint:gosec // a demo, not crypto
	}
	if o.LeaseRenewInterval <= 0 {
		o.LeaseRenewInterval = 10 * time.Second
	}
	if o.StatusInterval <= 0 {
		o.StatusInterval = time.Minute
	}
	if o.FlapInterval <= 0 {
		o.FlapInterval = time.Minute
	}
	if o.EventInterval <= 0 {
		o.EventInterval = 15 * time.Second
	}
	if o.EventTTL == 0 {
		o.EventTTL = time.Hour
	}
	if o.RebootDelay <= 0 {
		o.RebootDelay = 6 * time.Second
	}
	return o
}

// sim is the simulator's state; it lives in Run's goroutine only.
type sim struct {
	c    *Cluster
	cs   kubernetes.Interface
	opts SimOptions
	rng  *rand.Rand

	nextLease  map[string]time.Time
	nextStatus map[string]time.Time
	nextFlap   time.Time
	flapDown   bool
	nextEvent  time.Time
	nextGC     time.Time
	rotation   int
	events     map[string]string // eventKey → namespace/name of the event to bump
	reboots    map[string]reboot // node → the reboot its maintenance flow waits for
}

// Run keeps the demo cluster alive until ctx is done: kubelets renew their Leases and post
// status, the node lifecycle controller mirrors cordons into taints, NodeFlapping flaps,
// recurring warnings count up, old events expire, and a node drained by ktriage's maintenance
// flow is rebooted and comes back repaired (see reboot.go). Every change goes through the
// clientset, so watches see it. Run returns promptly when ctx is cancelled and leaves no
// goroutine behind; run one simulator per Cluster at a time.
func (c *Cluster) Run(ctx context.Context, opts SimOptions) {
	opts = opts.withDefaults(c)
	c.setClock(opts.Now)
	s := newSim(c, opts)
	s.init(ctx, opts.Now())

	ticker := time.NewTicker(opts.Tick)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		s.step(ctx, opts.Now())
		// The fake records every action it serves; a long demo must not keep them all.
		c.cs.ClearActions()
	}
}

// newSim makes the simulator's state; opts have their defaults.
func newSim(c *Cluster, opts SimOptions) *sim {
	return &sim{c: c, cs: c.cs, opts: opts, rng: opts.Rand,
		nextLease: map[string]time.Time{}, nextStatus: map[string]time.Time{}, events: map[string]string{},
		reboots: map[string]reboot{}}
}

func (s *sim) fail(err error) {
	if err != nil && s.opts.OnError != nil && !apierrors.IsNotFound(err) {
		s.opts.OnError(err)
	}
}

// init schedules each kubelet's next lease renewal and status post from what is stored, so the
// kubelets stay staggered, and indexes the events the simulator will bump.
func (s *sim) init(ctx context.Context, now time.Time) {
	for _, name := range nodeOrder {
		s.nextLease[name] = now
		s.nextStatus[name] = now.Add(jitter("status/"+name, s.opts.StatusInterval))
	}
	leases, err := s.cs.CoordinationV1().Leases(NodeLeaseNamespace).List(ctx, metav1.ListOptions{})
	s.fail(err)
	if err == nil {
		for _, l := range leases.Items {
			if l.Spec.RenewTime != nil {
				s.nextLease[l.Name] = l.Spec.RenewTime.Add(s.opts.LeaseRenewInterval)
			}
		}
	}
	s.nextFlap = now.Add(s.opts.FlapInterval)
	s.nextEvent = now.Add(s.opts.EventInterval / 2)
	s.nextGC = now.Add(time.Minute)
	events, err := s.cs.CoreV1().Events("").List(ctx, metav1.ListOptions{})
	s.fail(err)
	if err == nil {
		for _, e := range events.Items {
			s.events[eventKey(&e)] = e.Namespace + "/" + e.Name
		}
	}
}

// step is one tick: a handful of writes at most.
func (s *sim) step(ctx context.Context, now time.Time) {
	if ctx.Err() != nil {
		return
	}
	// Reboots first, so the same tick's lease renewals and status posts see the node back.
	s.rebootDrained(ctx, now)
	s.renewLeases(ctx, now)
	s.postStatus(ctx, now)
	if !now.Before(s.nextFlap) && s.c.incident(NodeFlapping) {
		s.flap(ctx, now)
		s.nextFlap = now.Add(s.jittered(s.opts.FlapInterval, 10))
	}
	if !now.Before(s.nextEvent) {
		s.recurringEvent(ctx, now)
		s.nextEvent = now.Add(s.jittered(s.opts.EventInterval, 3))
	}
	if s.opts.EventTTL > 0 && !now.Before(s.nextGC) {
		s.expireEvents(ctx, now)
		s.nextGC = now.Add(time.Minute)
	}
}

// jittered returns d ± d/frac.
func (s *sim) jittered(d time.Duration, frac int64) time.Duration {
	spread := int64(d) / frac
	if spread <= 0 {
		return d
	}
	return d - time.Duration(spread) + time.Duration(s.rng.Int64N(2*spread))
}

func (s *sim) renewLeases(ctx context.Context, now time.Time) {
	leases := s.cs.CoordinationV1().Leases(NodeLeaseNamespace)
	for _, name := range nodeOrder {
		if !s.c.alive(name) || now.Before(s.nextLease[name]) {
			continue
		}
		s.nextLease[name] = now.Add(s.opts.LeaseRenewInterval)
		l, err := leases.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			s.fail(err)
			continue
		}
		renew := metav1.NewMicroTime(now)
		l.Spec.RenewTime = &renew
		_, err = leases.Update(ctx, l, metav1.UpdateOptions{})
		s.fail(err)
	}
}

// postStatus: kubelets post their status on their own schedule (legacy-07's 1.12 kubelet every
// ten seconds), and the node lifecycle controller keeps the unschedulable taint in line with
// spec.unschedulable for every node (a cordon made through the TUI gets its taint) and drops the
// taints of conditions that cleared.
func (s *sim) postStatus(ctx context.Context, now time.Time) {
	nodes, err := s.cs.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		s.fail(err)
		return
	}
	for i := range nodes.Items {
		n := &nodes.Items[i]
		changed := s.syncCordonTaint(ctx, n, now)
		if syncConditionTaints(n) {
			changed = true
		}
		if s.c.alive(n.Name) && !now.Before(s.nextStatus[n.Name]) {
			interval := s.opts.StatusInterval
			if n.Name == NodePLEG {
				interval = 10 * time.Second
				if c := findCondition(n.Status.Conditions, corev1.NodeReady); c != nil && c.Status == corev1.ConditionFalse {
					c.Message = plegMessage(now.Sub(s.c.now.Add(-(3*time.Minute + 12*time.Second))))
				}
			}
			s.nextStatus[n.Name] = now.Add(interval)
			for j := range n.Status.Conditions {
				if kubeletCondition(n.Status.Conditions[j].Type) {
					n.Status.Conditions[j].LastHeartbeatTime = mtime(now)
				}
			}
			changed = true
		}
		if changed {
			_, err := s.cs.CoreV1().Nodes().UpdateStatus(ctx, n, metav1.UpdateOptions{})
			s.fail(err)
		}
	}
}

const taintUnschedulable = "node.kubernetes.io/unschedulable"

// syncCordonTaint adds or removes the unschedulable taint, and records the kubelet's event.
func (s *sim) syncCordonTaint(ctx context.Context, n *corev1.Node, now time.Time) bool {
	has := -1
	for i, t := range n.Spec.Taints {
		if t.Key == taintUnschedulable {
			has = i
		}
	}
	switch {
	case n.Spec.Unschedulable && has < 0:
		n.Spec.Taints = append(n.Spec.Taints, taint(taintUnschedulable, corev1.TaintEffectNoSchedule, &now))
		s.nodeStatusEvent(ctx, n, "NodeNotSchedulable", now)
		return true
	case !n.Spec.Unschedulable && has >= 0:
		n.Spec.Taints = append(n.Spec.Taints[:has:has], n.Spec.Taints[has+1:]...)
		s.nodeStatusEvent(ctx, n, "NodeSchedulable", now)
		return true
	}
	return false
}

func (s *sim) nodeStatusEvent(ctx context.Context, n *corev1.Node, status string, now time.Time) {
	if !s.c.alive(n.Name) {
		return
	}
	s.record(ctx, eventSpec{ref: kubeletNodeRef(n.Name, n.Status.NodeInfo.KubeletVersion), typ: corev1.EventTypeNormal,
		reason: status, msg: nodeStatus(n.Name, status), component: "kubelet", host: n.Name}, now)
}

// podsOn lists the pods bound to a node, through the field selector the API server supports.
func (s *sim) podsOn(ctx context.Context, node string) []corev1.Pod {
	pods, err := s.cs.CoreV1().Pods("").List(ctx, metav1.ListOptions{FieldSelector: fields.OneTermEqualSelector("spec.nodeName", node).String()})
	if err != nil {
		s.fail(err)
		return nil
	}
	return pods.Items
}
