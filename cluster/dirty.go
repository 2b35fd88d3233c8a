package cluster

import (
	"sync"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/tools/cache"
)

// dirtyKind says what changed about a node, so a rebuild redoes only that part: a Lease renewal (the
// most frequent change by far) recomputes the summary but not the pod rows or the event list.
type dirtyKind uint8

const (
	dirtyNode dirtyKind = 1 << iota
	dirtyLease
	dirtyPods
	dirtyEvents
)

// dirtySet collects changes between two rebuilds. Informer handlers write it; the pump drains it.
type dirtySet struct {
	mu          sync.Mutex
	all         bool
	clock       bool
	unscheduled bool
	nodes       map[string]dirtyKind
}

func newDirtySet() *dirtySet { return &dirtySet{nodes: map[string]dirtyKind{}} }

func (d *dirtySet) mark(node string, kind dirtyKind) {
	d.mu.Lock()
	d.nodes[node] |= kind
	d.mu.Unlock()
}

func (d *dirtySet) markUnscheduled() {
	d.mu.Lock()
	d.unscheduled = true
	d.mu.Unlock()
}

func (d *dirtySet) markAll() {
	d.mu.Lock()
	d.all = true
	d.mu.Unlock()
}

func (d *dirtySet) markClock() {
	d.mu.Lock()
	d.clock = true
	d.mu.Unlock()
}

// drain returns the collected changes and starts a new collection.
func (d *dirtySet) drain() (all, clock, unscheduled bool, nodes map[string]dirtyKind) {
	d.mu.Lock()
	defer d.mu.Unlock()
	all, clock, unscheduled, nodes = d.all, d.clock, d.unscheduled, d.nodes
	d.all, d.clock, d.unscheduled, d.nodes = false, false, false, map[string]dirtyKind{}
	return all, clock, unscheduled, nodes
}

// addHandlers wires the informers to the dirty set. Handlers never build anything: they note which
// node changed and wake the pump.
func (w *Watcher) addHandlers() {
	on := func(f func(obj any)) cache.ResourceEventHandlerFuncs {
		return cache.ResourceEventHandlerFuncs{
			AddFunc: func(obj any) { f(obj); w.wake() },
			UpdateFunc: func(oldObj, newObj any) {
				f(oldObj)
				f(newObj)
				w.wake()
			},
			DeleteFunc: func(obj any) {
				if tomb, ok := obj.(cache.DeletedFinalStateUnknown); ok {
					obj = tomb.Obj
				}
				f(obj)
				w.wake()
			},
		}
	}
	w.handlers = map[cache.SharedIndexInformer]cache.ResourceEventHandlerRegistration{}
	w.mustHandle(w.nodes, on(func(obj any) {
		if n, ok := obj.(*corev1.Node); ok {
			w.dirty.mark(n.Name, dirtyNode)
		}
	}))
	// Renewals seen live are timed by ktriage's own clock: a jump host whose clock is off by a minute
	// must not see every healthy node's lease as stale. (Leases not yet seen renewing are judged by
	// their renewTime, which comes from the kubelet's clock.) The time is stored before the node is
	// marked, so the rebuild that follows sees it.
	leases := on(func(obj any) {
		if l, ok := obj.(*coordinationv1.Lease); ok {
			w.dirty.mark(l.Name, dirtyLease)
		}
	})
	markLease := leases.UpdateFunc
	leases.UpdateFunc = func(oldObj, newObj any) {
		o, ok1 := oldObj.(*coordinationv1.Lease)
		n, ok2 := newObj.(*coordinationv1.Lease)
		if ok1 && ok2 && n.Spec.RenewTime != nil && (o.Spec.RenewTime == nil || !o.Spec.RenewTime.Equal(n.Spec.RenewTime)) {
			w.leaseSeen.Store(n.Name, w.opts.Now())
		}
		markLease(oldObj, newObj)
	}
	markDeleted := leases.DeleteFunc
	leases.DeleteFunc = func(obj any) {
		if l, ok := obj.(*coordinationv1.Lease); ok {
			w.leaseSeen.Delete(l.Name)
		} else if tomb, ok := obj.(cache.DeletedFinalStateUnknown); ok {
			if l, ok := tomb.Obj.(*coordinationv1.Lease); ok {
				w.leaseSeen.Delete(l.Name)
			}
		}
		markDeleted(obj)
	}
	w.mustHandle(w.leases, leases)
	w.mustHandle(w.pods, on(func(obj any) {
		if p, ok := obj.(*storedPod); ok {
			if p.node == "" {
				w.dirty.markUnscheduled()
			} else {
				w.dirty.mark(p.node, dirtyPods)
			}
		}
	}))
	for _, inf := range w.events {
		w.mustHandle(inf, on(w.markEventSubject))
	}
}

// markEventSubject marks the node an event is about: the node itself, or the node its pod runs on.
func (w *Watcher) markEventSubject(obj any) {
	e, ok := obj.(*corev1.Event)
	if !ok {
		return
	}
	switch e.InvolvedObject.Kind {
	case "Node":
		w.dirty.mark(e.InvolvedObject.Name, dirtyEvents)
	case "Pod":
		item, exists, _ := w.pods.GetStore().GetByKey(e.InvolvedObject.Namespace + "/" + e.InvolvedObject.Name)
		if !exists {
			return
		}
		if p := item.(*storedPod); p.node != "" {
			w.dirty.mark(p.node, dirtyEvents)
		} else {
			w.dirty.markUnscheduled()
		}
	}
}

// mustHandle adds h to inf and keeps the registration, whose HasSynced says when h has seen every
// object of the initial list (the informer's own HasSynced comes earlier: handlers run asynchronously).
func (w *Watcher) mustHandle(inf cache.SharedIndexInformer, h cache.ResourceEventHandler) {
	reg, err := inf.AddEventHandler(h)
	if err != nil {
		panic("add event handler: " + err.Error()) // only fails after the informer stopped
	}
	w.handlers[inf] = reg
}
