package demo

import (
	"fmt"
	"strconv"
	"sync"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
)

// watcher is one watch on the store. Events are queued without bound and handed to the consumer
// by a goroutine that ends when the watch is stopped.
type watcher struct {
	store *store
	gvr   schema.GroupVersionResource
	ns    string
	sel   selector

	mu    sync.Mutex
	queue []watch.Event
	seen  map[string]bool // objects the consumer currently holds: to turn selector exits into Deleted

	wake chan struct{}
	out  chan watch.Event
	done chan struct{}
	once sync.Once
}

var _ watch.Interface = (*watcher)(nil)

func newWatcher(s *store, gvr schema.GroupVersionResource, ns string, sel selector) *watcher {
	return &watcher{
		store: s, gvr: gvr, ns: ns, sel: sel,
		seen: map[string]bool{},
		wake: make(chan struct{}, 1),
		out:  make(chan watch.Event),
		done: make(chan struct{}),
	}
}

// ResultChan implements watch.Interface.
func (w *watcher) ResultChan() <-chan watch.Event { return w.out }

// Stop implements watch.Interface; it may be called more than once.
func (w *watcher) Stop() {
	w.once.Do(func() {
		close(w.done)
		w.store.unregister(w)
	})
}

func (w *watcher) start(initial []watch.Event) {
	w.mu.Lock()
	w.queue = append(w.queue, initial...)
	w.mu.Unlock()
	go w.run()
	w.signal()
}

func (w *watcher) signal() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// push translates a store event for this watch's selector: an object entering the selection is
// Added, one leaving it is Deleted, one never selected is dropped.
func (w *watcher) push(typ watch.EventType, obj runtime.Object) {
	key := objectKey(obj)
	match := w.sel.matches(obj)
	w.mu.Lock()
	had := w.seen[key]
	switch {
	case typ == watch.Deleted:
		delete(w.seen, key)
		if !had {
			w.mu.Unlock()
			return
		}
	case match && !had:
		typ = watch.Added
		w.seen[key] = true
	case !match && had:
		typ = watch.Deleted
		delete(w.seen, key)
	case !match:
		w.mu.Unlock()
		return
	}
	w.queue = append(w.queue, watch.Event{Type: typ, Object: obj.DeepCopyObject()})
	w.mu.Unlock()
	w.signal()
}

func (w *watcher) run() {
	defer close(w.out)
	for {
		w.mu.Lock()
		batch := w.queue
		w.queue = nil
		w.mu.Unlock()
		for _, e := range batch {
			select {
			case w.out <- e:
			case <-w.done:
				return
			}
		}
		select {
		case <-w.wake:
		case <-w.done:
			return
		}
	}
}

// selector is a parsed label and field selector; the zero value matches everything.
type selector struct {
	labels   labels.Selector
	fields   fields.Selector
	fieldsOf func(runtime.Object) fields.Set
}

// newSelector checks the field selector against the fields the API server supports for the
// resource and returns the same error it would for any other field.
func newSelector(gvr schema.GroupVersionResource, l labels.Selector, f fields.Selector) (selector, error) {
	sel := selector{fieldsOf: fieldsFor(gvr)}
	if l != nil && !l.Empty() {
		sel.labels = l
	}
	if f != nil && !f.Empty() {
		sample := sel.fieldsOf(nil)
		for _, r := range f.Requirements() {
			if _, ok := sample[r.Field]; !ok {
				return selector{}, apierrors.NewBadRequest(fmt.Sprintf("field label not supported: %s", r.Field))
			}
		}
		sel.fields = f
	}
	return sel, nil
}

func (s selector) matches(obj runtime.Object) bool {
	if s.labels != nil {
		m, err := meta.Accessor(obj)
		if err != nil || !s.labels.Matches(labels.Set(m.GetLabels())) {
			return false
		}
	}
	if s.fields != nil && !s.fields.Matches(s.fieldsOf(obj)) {
		return false
	}
	return true
}

// fieldsFor returns the field-selector fields of a resource, the subset the API server supports
// that ktriage and kubectl use. Called with nil it returns the keys with empty values.
func fieldsFor(gvr schema.GroupVersionResource) func(runtime.Object) fields.Set {
	switch {
	case gvr.Group == "" && gvr.Resource == "pods":
		return func(obj runtime.Object) fields.Set {
			p, _ := obj.(*corev1.Pod)
			if p == nil {
				p = &corev1.Pod{}
			}
			set := objectFields(p)
			set["spec.nodeName"] = p.Spec.NodeName
			set["spec.restartPolicy"] = string(p.Spec.RestartPolicy)
			set["spec.schedulerName"] = p.Spec.SchedulerName
			set["spec.serviceAccountName"] = p.Spec.ServiceAccountName
			set["spec.hostNetwork"] = strconv.FormatBool(p.Spec.HostNetwork)
			set["status.phase"] = string(p.Status.Phase)
			set["status.podIP"] = p.Status.PodIP
			set["status.nominatedNodeName"] = p.Status.NominatedNodeName
			return set
		}
	case gvr.Group == "" && gvr.Resource == "nodes":
		return func(obj runtime.Object) fields.Set {
			n, _ := obj.(*corev1.Node)
			if n == nil {
				n = &corev1.Node{}
			}
			set := objectFields(n)
			set["spec.unschedulable"] = strconv.FormatBool(n.Spec.Unschedulable)
			return set
		}
	case gvr.Group == "" && gvr.Resource == "events":
		return func(obj runtime.Object) fields.Set {
			e, _ := obj.(*corev1.Event)
			if e == nil {
				e = &corev1.Event{}
			}
			set := objectFields(e)
			set["involvedObject.kind"] = e.InvolvedObject.Kind
			set["involvedObject.namespace"] = e.InvolvedObject.Namespace
			set["involvedObject.name"] = e.InvolvedObject.Name
			set["involvedObject.uid"] = string(e.InvolvedObject.UID)
			set["involvedObject.apiVersion"] = e.InvolvedObject.APIVersion
			set["involvedObject.resourceVersion"] = e.InvolvedObject.ResourceVersion
			set["involvedObject.fieldPath"] = e.InvolvedObject.FieldPath
			set["reason"] = e.Reason
			set["reportingComponent"] = e.ReportingController
			set["source"] = e.Source.Component
			set["type"] = e.Type
			return set
		}
	case gvr.Group == coordinationv1.GroupName && gvr.Resource == "leases":
		return func(obj runtime.Object) fields.Set {
			l, _ := obj.(*coordinationv1.Lease)
			if l == nil {
				l = &coordinationv1.Lease{}
			}
			return objectFields(l)
		}
	default:
		return func(obj runtime.Object) fields.Set {
			if obj == nil {
				return fields.Set{"metadata.name": "", "metadata.namespace": ""}
			}
			m, err := meta.Accessor(obj)
			if err != nil {
				return fields.Set{}
			}
			return objectFields(m)
		}
	}
}

func objectFields(m interface {
	GetName() string
	GetNamespace() string
}) fields.Set {
	return fields.Set{"metadata.name": m.GetName(), "metadata.namespace": m.GetNamespace()}
}
