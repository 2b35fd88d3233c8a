// Package demo is ktriage's embedded demo cluster: a client-go fake clientset seeded with a
// realistic fleet of sixteen nodes, most of them in trouble the way shared/scenarios.md
// describes, and a small simulator (Run) that keeps it alive: kubelets renew their leases and
// post status, one node flaps, recurring warnings keep counting up, and a node drained by
// ktriage's maintenance flow is rebooted and comes back repaired.
//
// Everything is visible through List and Watch of the clientset, so `ktriage demo` runs the real
// TUI, informers included, against it. All seeded timestamps are relative to the time passed to
// New, and all names and IDs are derived deterministically, so two seeds are identical.
package demo

import (
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/version"
	fakediscovery "k8s.io/client-go/discovery/fake"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/fake"
)

// What `ktriage demo` shows in its header in place of a kubeconfig context.
const (
	// ContextName is the demo's kubeconfig-style context name.
	ContextName = "demo"
	// ClusterName is the demo cluster's name.
	ClusterName = "ktriage-demo"
	// Server is the demo's API server URL (.invalid: it is never dialled).
	Server = "https://demo.ktriage.invalid:6443"
	// User is the demo's user.
	User = "demo-admin"
)

// Cluster is the embedded demo cluster.
type Cluster struct {
	cs    *fake.Clientset
	store *store
	now   time.Time // the seed time

	mu    sync.Mutex
	clock func() time.Time
	// kubeletGone: nodes whose kubelet does not finish pod deletions (unreachable, PLEG stuck,
	// runtime down): a graceful delete or eviction only marks the pod Terminating there.
	kubeletGone map[string]bool
	// repaired: nodes the simulator rebooted out of their incident (see kubelets.go).
	repaired map[string]bool
	// reboots: when each node booted again after the seed, oldest first (see nodefacts.go).
	reboots map[string][]time.Time
}

// New seeds a demo cluster as it looks at now. The result is deterministic given now.
func New(now time.Time) *Cluster {
	wall := time.Now()
	c := &Cluster{now: now, kubeletGone: map[string]bool{NodeUnreachable: true, NodePLEG: true, NodeRuntimeDown: true},
		repaired: map[string]bool{}, reboots: map[string][]time.Time{}}
	c.clock = func() time.Time { return now.Add(time.Since(wall)) }

	c.cs = fake.NewSimpleClientset()
	c.store = newStore(c.cs.Tracker(), c.Now)
	c.installReactors()
	c.installDiscovery()

	for _, obj := range seed(now) {
		if err := c.store.Add(obj); err != nil {
			panic("demo: seeding " + objectKey(obj) + ": " + err.Error())
		}
	}
	return c
}

// Clientset returns the fake clientset. Use it through kubernetes.Interface like a real one;
// writes made through its Tracker() directly bypass the demo's bookkeeping and are not watched.
func (c *Cluster) Clientset() *fake.Clientset { return c.cs }

// Interface returns the clientset as a kubernetes.Interface.
func (c *Cluster) Interface() kubernetes.Interface { return c.cs }

// SeedTime returns the time the cluster was seeded at (the now passed to New).
func (c *Cluster) SeedTime() time.Time { return c.now }

// Now is the demo's clock: the simulator's while Run runs, otherwise the seed time advanced by
// the wall clock since New.
func (c *Cluster) Now() time.Time {
	c.mu.Lock()
	clock := c.clock
	c.mu.Unlock()
	return clock()
}

func (c *Cluster) setClock(clock func() time.Time) {
	c.mu.Lock()
	c.clock = clock
	c.mu.Unlock()
}

func (c *Cluster) installDiscovery() {
	d, ok := c.cs.Discovery().(*fakediscovery.FakeDiscovery)
	if ok {
		d.FakedServerVersion = &version.Info{
			Major: "1", Minor: "37", GitVersion: ServerVersion,
			GitCommit: "6f1a3e2b9c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f", GitTreeState: "clean",
			BuildDate: "2026-06-11T09:14:52Z", GoVersion: "go1.26.3", Compiler: "gc", Platform: "linux/amd64",
		}
	}
	c.cs.Resources = discoveryResources()
}

// seed builds every object of the demo cluster, in a fixed order.
func seed(now time.Time) []runtime.Object {
	s := newSeeder(now)
	s.build()
	return s.objects()
}
