package cluster

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	coordinformers "k8s.io/client-go/informers/coordination/v1"
	coreinformers "k8s.io/client-go/informers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/klog/v2"

	"github.com/ktriage/ktriage/diag"
)

// NodeLeaseNamespace holds the kubelets' heartbeat Leases.
const NodeLeaseNamespace = corev1.NamespaceNodeLease

// Options tune a Watcher. The zero value is ready to use.
type Options struct {
	// MinInterval is the least time between two published snapshots (coalescing); default 100 ms,
	// so at most ten snapshots a second reach the UI whatever the watch traffic (fewer above 1,000
	// nodes: see perNodeInterval).
	MinInterval time.Duration
	// ClockInterval re-evaluates what depends on time alone (stale heartbeats, stuck pods); default 5 s.
	ClockInterval time.Duration
	// Now is the clock; default time.Now.
	Now func() time.Time
	// ServerVersion is the API server's version for the version-skew rule; when empty the watcher asks
	// the server once.
	ServerVersion string
}

// Watcher runs the informers and publishes snapshots. Informer handlers only mark nodes dirty; one
// goroutine (the pump) rebuilds the dirty nodes and publishes, so a storm of watch events costs at most
// one rebuild per MinInterval.
type Watcher struct {
	client    *Client
	opts      Options
	publish   func(*Snapshot)
	nodes     cache.SharedIndexInformer
	pods      cache.SharedIndexInformer
	events    []cache.SharedIndexInformer
	leases    cache.SharedIndexInformer
	handlers  map[cache.SharedIndexInformer]cache.ResourceEventHandlerRegistration
	kick      chan struct{}
	dirty     *dirtySet
	leaseErr  sync.Map     // "reason" → string; set when Leases cannot be read
	leaseSeen sync.Map     // node name → time.Time: when ktriage saw its Lease renewed
	version   atomic.Value // string: the API server's git version
	kubelet   sync.Map     // node name → *diag.KubeletFacts: what a person fetched from its kubelet

	// Owned by the pump goroutine.
	views       map[string]*NodeView
	unscheduled []*corev1.Pod
	// pendingChanged says the unscheduled pods were re-read in this rebuild (the rules read them).
	pendingChanged bool
	gen            uint64
	lastConn       ConnState
	// lastPublishedPhase is the connection phase of the last synced snapshot; a change re-judges
	// every node's heartbeat.
	lastPublishedPhase ConnPhase
}

// Index names on the informer caches.
const (
	podsByNode      = "node"
	eventsBySubject = "subject"
)

// NewWatcher prepares informers on the client; publish receives every snapshot, from the pump
// goroutine (it should hand the snapshot over and return quickly, e.g. with tea.Program.Send).
func NewWatcher(client *Client, opts Options, publish func(*Snapshot)) *Watcher {
	if opts.MinInterval <= 0 {
		opts.MinInterval = 100 * time.Millisecond
	}
	if opts.ClockInterval <= 0 {
		opts.ClockInterval = 5 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	w := &Watcher{
		client: client, opts: opts, publish: publish,
		kick: make(chan struct{}, 1), dirty: newDirtySet(), views: map[string]*NodeView{},
	}
	kube := client.Kube
	w.nodes = coreinformers.NewNodeInformer(kube, 0, cache.Indexers{})
	w.pods = coreinformers.NewPodInformer(kube, metav1.NamespaceAll, 0, cache.Indexers{podsByNode: indexPodByNode})
	// Two event informers, one per subject kind, so events about Deployments, Services and the rest of
	// the cluster never reach ktriage's memory.
	for _, kind := range []string{"Node", "Pod"} {
		w.events = append(w.events, coreinformers.NewFilteredEventInformer(kube, metav1.NamespaceAll, 0,
			cache.Indexers{eventsBySubject: indexEventBySubject(kind)}, fieldSelector("involvedObject.kind="+kind)))
	}
	w.leases = coordinformers.NewLeaseInformer(kube, NodeLeaseNamespace, 0, cache.Indexers{})

	mustTransform(w.nodes, TransformNode)
	mustTransform(w.pods, storePod)
	mustTransform(w.leases, TransformLease)
	for _, inf := range w.events {
		mustTransform(inf, TransformEvent)
	}
	w.addHandlers()
	client.Health.setOnChange(w.wake)
	return w
}

func fieldSelector(sel string) func(*metav1.ListOptions) {
	return func(o *metav1.ListOptions) { o.FieldSelector = sel }
}

func mustTransform(inf cache.SharedIndexInformer, f cache.TransformFunc) {
	if err := inf.SetTransform(f); err != nil {
		panic(fmt.Sprintf("informer transform set after start: %v", err)) // programming error
	}
}

func indexPodByNode(obj any) ([]string, error) {
	if pod, ok := obj.(*storedPod); ok {
		return []string{pod.node}, nil
	}
	return nil, nil
}

// indexEventBySubject indexes the events about one kind of object. The kind check repeats the field
// selector for API servers (and fakes) that do not apply it, so no event is counted twice.
func indexEventBySubject(kind string) cache.IndexFunc {
	return func(obj any) ([]string, error) {
		e, ok := obj.(*corev1.Event)
		switch {
		case !ok || e.InvolvedObject.Kind != kind:
			return nil, nil
		case kind == "Pod" && e.InvolvedObject.UID != "":
			// By UID: a StatefulSet's web-0 re-created on another node must not inherit the events
			// of its predecessor.
			return []string{podUIDKey(string(e.InvolvedObject.UID))}, nil
		}
		return []string{subjectKey(kind, e.InvolvedObject.Namespace, e.InvolvedObject.Name)}, nil
	}
}

func podUIDKey(uid string) string { return "PodUID/" + uid }

func subjectKey(kind, namespace, name string) string {
	if kind == "Node" {
		return "Node/" + name
	}
	return kind + "/" + namespace + "/" + name
}

// Run starts the informers and the pump and blocks until ctx ends.
func (w *Watcher) Run(ctx context.Context) {
	leaseCtx, stopLeases := context.WithCancel(ctx)
	defer stopLeases()
	for _, inf := range append([]cache.SharedIndexInformer{w.nodes, w.pods}, w.events...) {
		w.setErrorHandler(inf, nil)
		go inf.RunWithContext(ctx)
	}
	w.setErrorHandler(w.leases, stopLeases)
	go w.leases.RunWithContext(leaseCtx)
	if w.opts.ServerVersion == "" {
		go w.fetchServerVersion()
	}
	w.pump(ctx)
}

// fetchServerVersion asks the API server its version once; the version-skew rule needs it. Failure
// only means that rule compares with nothing.
func (w *Watcher) fetchServerVersion() {
	info, err := w.client.Kube.Discovery().ServerVersion()
	if err != nil {
		klog.V(2).Info("server version unknown", "err", err)
		return
	}
	w.version.Store(info.GitVersion)
	w.dirty.markAll()
	w.wake()
}

// serverVersion is the API server's version, "" until known.
func (w *Watcher) serverVersion() string {
	if w.opts.ServerVersion != "" {
		return w.opts.ServerVersion
	}
	v, _ := w.version.Load().(string)
	return v
}

// setErrorHandler routes reflector errors to the health tracker (and to klog, which writes to
// ktriage's log file, never the terminal). A forbidden Lease list is not an outage: the read-only
// user may not read Leases, so ktriage stops that informer and falls back to the Ready condition.
func (w *Watcher) setErrorHandler(inf cache.SharedIndexInformer, stopOnForbidden context.CancelFunc) {
	_ = inf.SetWatchErrorHandlerWithContext(func(ctx context.Context, r *cache.Reflector, err error) {
		klog.FromContext(ctx).V(2).Info("watch failed", "reflector", r.TypeDescription(), "err", err)
		if stopOnForbidden != nil && apierrors.IsForbidden(err) {
			w.leaseErr.Store("reason", "this user may not list Leases in "+NodeLeaseNamespace+"; heartbeats come from the Ready condition")
			stopOnForbidden()
			w.dirty.markAll() // every node's heartbeat now comes from its Ready condition
			w.wake()
			return
		}
		if apierrors.IsResourceExpired(err) || apierrors.IsGone(err) {
			return // the reflector re-lists; routine
		}
		w.client.Health.Observe(err)
	})
}

// SetKubeletFacts adds what was read from a node's kubelet (configz, goroutines, metrics, its
// journal) to the node's evidence, replacing what was set before, and re-diagnoses it. The facts
// are kept until replaced: the kubelet is read on request, never polled.
func (w *Watcher) SetKubeletFacts(node string, facts *diag.KubeletFacts) {
	w.kubelet.Store(node, facts)
	w.dirty.mark(node, dirtyNode)
	w.wake()
}

func (w *Watcher) kubeletFacts(node string) *diag.KubeletFacts {
	if f, ok := w.kubelet.Load(node); ok {
		return f.(*diag.KubeletFacts)
	}
	return nil
}

// wake asks the pump to publish soon.
func (w *Watcher) wake() {
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

func (w *Watcher) leasesUnavailable() string {
	if v, ok := w.leaseErr.Load("reason"); ok {
		return v.(string)
	}
	return ""
}

// synced reports whether the initial lists are done; the Lease informer counts as done once it is
// known to be forbidden.
func (w *Watcher) synced() bool {
	for _, inf := range append([]cache.SharedIndexInformer{w.nodes, w.pods}, w.events...) {
		if !w.handlers[inf].HasSynced() {
			return false
		}
	}
	return w.handlers[w.leases].HasSynced() || w.leasesUnavailable() != ""
}

// perNodeInterval stretches the publish interval in big clusters: a new snapshot costs the UI time
// in proportion to the nodes it lists, and at 5,000 nodes whose Leases renew every 10 s there is
// always something new. Two snapshots a second are plenty for a table whose ages count seconds.
const perNodeInterval = 100 * time.Microsecond

// publishInterval is the least time between two snapshots: MinInterval, or more above 1,000 nodes.
func (w *Watcher) publishInterval() time.Duration {
	return max(w.opts.MinInterval, time.Duration(len(w.views))*perNodeInterval)
}

// pump publishes a snapshot whenever something changed, at most once per MinInterval, and re-evaluates
// time-dependent signals every ClockInterval.
func (w *Watcher) pump(ctx context.Context) {
	clock := time.NewTicker(w.opts.ClockInterval)
	defer clock.Stop()
	syncPoll := time.NewTicker(50 * time.Millisecond) // only until the initial lists are done
	defer syncPoll.Stop()
	wasSynced := false
	w.publishSnapshot(false)
	last := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-w.kick:
		case <-clock.C:
			w.dirty.markClock()
		case <-syncPoll.C:
			if !w.synced() {
				continue
			}
			syncPoll.Stop()
		}
		synced := wasSynced || w.synced()
		if synced && !wasSynced {
			wasSynced = true
			w.dirty.markAll()
		}
		if wait := w.publishInterval() - time.Since(last); wait > 0 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
		}
		w.publishSnapshot(synced)
		// Measured from the end of the publication: however long a rebuild takes, two snapshots
		// reach the UI at least MinInterval apart, so never more than ten in any second.
		last = time.Now()
	}
}
