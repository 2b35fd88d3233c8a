package demo

import (
	"fmt"
	"sort"
	"strconv"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes/scheme"
	k8stesting "k8s.io/client-go/testing"
)

// maxTombstones is how many deletions per resource a watch can be resumed across; a watch from
// an older resourceVersion gets 410 Gone, as from the API server, and the reflector relists.
const maxTombstones = 512

// store wraps the fake clientset's ObjectTracker so that the objects behave like the API
// server's where ktriage (and client-go's informers) can tell the difference:
//
//   - every write stamps a fresh, cluster-wide metadata.resourceVersion (the plain tracker
//     leaves it empty, so "skip updates whose resourceVersion did not change" would drop all);
//   - Update and Patch with a stale resourceVersion fail with a Conflict, so RetryOnConflict works
//     and a simulator write cannot silently undo a cordon;
//   - Create fills in uid, creationTimestamp and a name from generateName;
//   - List honours field selectors (kubectl drain lists pods by spec.nodeName) and returns items
//     sorted by namespace and name;
//   - Watch honours label and field selectors, can be resumed from a resourceVersion, and queues
//     without bound (the tracker's own watcher panics once 100 events are unread).
//
// All writes reach it through the clientset's reactors, which run one at a time under the fake's
// lock; mu guards what the watch goroutines share with them.
type store struct {
	k8stesting.ObjectTracker
	clock func() time.Time

	mu         sync.Mutex
	rv         int64
	watchers   map[schema.GroupVersionResource]map[*watcher]struct{}
	tombstones map[schema.GroupVersionResource][]tombstone
	floor      map[schema.GroupVersionResource]int64 // newest resourceVersion of a dropped tombstone
	uidSeq     int
}

type tombstone struct {
	rv  int64
	obj runtime.Object
}

// kindFor maps the resources of the clientset's scheme to their kinds, the way the tracker
// guesses them, so a watch can list what it starts from.
var kindFor = func() map[schema.GroupVersionResource]schema.GroupVersionKind {
	m := map[schema.GroupVersionResource]schema.GroupVersionKind{}
	for gvk := range scheme.Scheme.AllKnownTypes() {
		if gvk.Version == runtime.APIVersionInternal {
			continue
		}
		gvr, _ := meta.UnsafeGuessKindToResource(gvk)
		m[gvr] = gvk
	}
	return m
}()

func newStore(inner k8stesting.ObjectTracker, clock func() time.Time) *store {
	return &store{
		ObjectTracker: inner,
		clock:         clock,
		watchers:      map[schema.GroupVersionResource]map[*watcher]struct{}{},
		tombstones:    map[schema.GroupVersionResource][]tombstone{},
		floor:         map[schema.GroupVersionResource]int64{},
	}
}

func (s *store) nextRV() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rv++
	return strconv.FormatInt(s.rv, 10)
}

func (s *store) currentRV() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strconv.FormatInt(s.rv, 10)
}

// Add seeds an object, stamping its resourceVersion; seeding does not notify watchers.
func (s *store) Add(obj runtime.Object) error {
	m, err := meta.Accessor(obj)
	if err != nil {
		return err
	}
	m.SetResourceVersion(s.nextRV())
	return s.ObjectTracker.Add(obj)
}

// Create fills in what the API server would and stores the object.
func (s *store) Create(gvr schema.GroupVersionResource, obj runtime.Object, ns string, opts ...metav1.CreateOptions) error {
	m, err := meta.Accessor(obj)
	if err != nil {
		return err
	}
	if m.GetName() == "" && m.GetGenerateName() != "" {
		s.mu.Lock()
		s.uidSeq++
		seq := s.uidSeq
		s.mu.Unlock()
		m.SetName(m.GetGenerateName() + suffix(fmt.Sprintf("generated/%s/%d", gvr.Resource, seq), 5))
	}
	if m.GetName() == "" {
		return apierrors.NewInvalid(schema.GroupKind{Group: gvr.Group, Kind: gvr.Resource}, "", nil)
	}
	if m.GetUID() == "" {
		m.SetUID(uid("created", gvr.Resource, ns, m.GetName(), s.clock().String()))
	}
	if ts := m.GetCreationTimestamp(); ts.IsZero() {
		m.SetCreationTimestamp(metav1.NewTime(s.clock().Truncate(time.Second)))
	}
	m.SetResourceVersion(s.nextRV())
	if err := s.ObjectTracker.Create(gvr, obj, ns, opts...); err != nil {
		return err
	}
	s.notify(gvr, watch.Added, obj)
	return nil
}

// Update stores obj if its resourceVersion is empty or current, keeping uid and creationTimestamp.
func (s *store) Update(gvr schema.GroupVersionResource, obj runtime.Object, ns string, opts ...metav1.UpdateOptions) error {
	if err := s.precondition(gvr, obj, ns); err != nil {
		return err
	}
	if err := s.ObjectTracker.Update(gvr, obj, ns, opts...); err != nil {
		return err
	}
	s.notify(gvr, watch.Modified, obj)
	return nil
}

// Patch stores a patched object (the reactor applied the patch to the current object).
func (s *store) Patch(gvr schema.GroupVersionResource, obj runtime.Object, ns string, opts ...metav1.PatchOptions) error {
	if err := s.precondition(gvr, obj, ns); err != nil {
		return err
	}
	if err := s.ObjectTracker.Patch(gvr, obj, ns, opts...); err != nil {
		return err
	}
	s.notify(gvr, watch.Modified, obj)
	return nil
}

// Apply is server-side apply as the plain tracker does it (a strategic merge), then restamped.
func (s *store) Apply(gvr schema.GroupVersionResource, cfg runtime.Object, ns string, opts ...metav1.PatchOptions) error {
	if err := s.ObjectTracker.Apply(gvr, cfg, ns, opts...); err != nil {
		return err
	}
	m, err := meta.Accessor(cfg)
	if err != nil {
		return err
	}
	obj, err := s.ObjectTracker.Get(gvr, ns, m.GetName())
	if err != nil {
		return err
	}
	if err := meta.NewAccessor().SetResourceVersion(obj, ""); err != nil {
		return err
	}
	return s.Update(gvr, obj, ns)
}

// precondition checks obj's resourceVersion against the stored object, carries over what the API
// server never lets a client change, and stamps the next resourceVersion.
func (s *store) precondition(gvr schema.GroupVersionResource, obj runtime.Object, ns string) error {
	m, err := meta.Accessor(obj)
	if err != nil {
		return err
	}
	cur, err := s.ObjectTracker.Get(gvr, ns, m.GetName())
	if err != nil {
		return err
	}
	cm, err := meta.Accessor(cur)
	if err != nil {
		return err
	}
	if rv := m.GetResourceVersion(); rv != "" && rv != cm.GetResourceVersion() {
		return apierrors.NewConflict(gvr.GroupResource(), m.GetName(),
			fmt.Errorf("the object has been modified; please apply your changes to the latest version and try again"))
	}
	m.SetUID(cm.GetUID())
	m.SetCreationTimestamp(cm.GetCreationTimestamp())
	m.SetResourceVersion(s.nextRV())
	return nil
}

// Delete removes the object and keeps a tombstone so a resumed watch still sees the deletion.
func (s *store) Delete(gvr schema.GroupVersionResource, ns, name string, opts ...metav1.DeleteOptions) error {
	obj, err := s.ObjectTracker.Get(gvr, ns, name)
	if err != nil {
		return err
	}
	if err := s.ObjectTracker.Delete(gvr, ns, name, opts...); err != nil {
		return err
	}
	rv := s.nextRV()
	if err := meta.NewAccessor().SetResourceVersion(obj, rv); err != nil {
		return err
	}
	n, _ := strconv.ParseInt(rv, 10, 64)
	s.mu.Lock()
	ts := append(s.tombstones[gvr], tombstone{rv: n, obj: obj})
	if len(ts) > maxTombstones {
		s.floor[gvr] = ts[len(ts)-maxTombstones-1].rv
		ts = append([]tombstone(nil), ts[len(ts)-maxTombstones:]...)
	}
	s.tombstones[gvr] = ts
	s.mu.Unlock()
	s.notify(gvr, watch.Deleted, obj)
	return nil
}

// list returns the objects of a resource in a namespace ("" for all), sorted by namespace and name,
// that match sel.
func (s *store) list(gvr schema.GroupVersionResource, gvk schema.GroupVersionKind, ns string, sel selector) (runtime.Object, error) {
	obj, err := s.ObjectTracker.List(gvr, gvk, ns)
	if err != nil {
		return nil, err
	}
	items, err := meta.ExtractList(obj)
	if err != nil {
		return nil, err
	}
	kept := items[:0]
	for _, item := range items {
		if sel.matches(item) {
			kept = append(kept, item)
		}
	}
	sort.SliceStable(kept, func(i, j int) bool { return objectKey(kept[i]) < objectKey(kept[j]) })
	if err := meta.SetList(obj, kept); err != nil {
		return nil, err
	}
	if lm, err := meta.ListAccessor(obj); err == nil {
		lm.SetResourceVersion(s.currentRV())
	}
	return obj, nil
}

// listReaction serves List calls with field selectors applied and a current resourceVersion.
func (s *store) listReaction(action k8stesting.Action) (bool, runtime.Object, error) {
	la, ok := action.(k8stesting.ListActionImpl)
	if !ok {
		return false, nil, nil
	}
	r := la.GetListRestrictions()
	sel, err := newSelector(la.GetResource(), r.Labels, r.Fields)
	if err != nil {
		return true, nil, err
	}
	obj, err := s.list(la.GetResource(), la.GetKind(), la.GetNamespace(), sel)
	return true, obj, err
}

// watchReaction starts a watch: from "" or "0" it first reports every matching object as Added
// (as the API server does); from a resourceVersion it reports what changed after it.
func (s *store) watchReaction(action k8stesting.Action) (bool, watch.Interface, error) {
	wa, ok := action.(k8stesting.WatchActionImpl)
	if !ok {
		return false, nil, nil
	}
	gvr, ns := wa.GetResource(), wa.GetNamespace()
	r := wa.GetWatchRestrictions()
	sel, err := newSelector(gvr, r.Labels, r.Fields)
	if err != nil {
		return true, nil, err
	}
	var from int64
	if r.ResourceVersion != "" && r.ResourceVersion != "0" {
		from, err = strconv.ParseInt(r.ResourceVersion, 10, 64)
		if err != nil {
			return true, nil, apierrors.NewBadRequest(fmt.Sprintf("invalid resourceVersion %q", r.ResourceVersion))
		}
	}
	gvk, ok := kindFor[gvr]
	if !ok {
		return true, nil, apierrors.NewNotFound(gvr.GroupResource(), "")
	}
	current, err := s.list(gvr, gvk, ns, selector{})
	if err != nil {
		return true, nil, err
	}
	items, err := meta.ExtractList(current)
	if err != nil {
		return true, nil, err
	}

	w := newWatcher(s, gvr, ns, sel)
	var added []watch.Event
	for _, item := range items {
		if !sel.matches(item) {
			continue
		}
		w.seen[objectKey(item)] = true
		if from == 0 || resourceVersion(item) > from {
			added = append(added, watch.Event{Type: watch.Added, Object: item.DeepCopyObject()})
		}
	}
	s.mu.Lock()
	if from > 0 && from < s.floor[gvr] {
		floor := s.floor[gvr]
		s.mu.Unlock()
		return true, nil, apierrors.NewResourceExpired(fmt.Sprintf("too old resource version: %d (%d)", from, floor))
	}
	var initial []watch.Event
	if from > 0 {
		for _, t := range s.tombstones[gvr] {
			if t.rv > from && inNamespace(t.obj, ns) && sel.matches(t.obj) {
				initial = append(initial, watch.Event{Type: watch.Deleted, Object: t.obj.DeepCopyObject()})
			}
		}
	}
	initial = append(initial, added...)
	if s.watchers[gvr] == nil {
		s.watchers[gvr] = map[*watcher]struct{}{}
	}
	s.watchers[gvr][w] = struct{}{}
	s.mu.Unlock()

	w.start(initial)
	return true, w, nil
}

func (s *store) notify(gvr schema.GroupVersionResource, typ watch.EventType, obj runtime.Object) {
	s.mu.Lock()
	targets := make([]*watcher, 0, len(s.watchers[gvr]))
	for w := range s.watchers[gvr] {
		if inNamespace(obj, w.ns) {
			targets = append(targets, w)
		}
	}
	s.mu.Unlock()
	for _, w := range targets {
		w.push(typ, obj)
	}
}

func (s *store) unregister(w *watcher) {
	s.mu.Lock()
	delete(s.watchers[w.gvr], w)
	s.mu.Unlock()
}

func inNamespace(obj runtime.Object, ns string) bool {
	if ns == "" {
		return true
	}
	m, err := meta.Accessor(obj)
	return err == nil && m.GetNamespace() == ns
}

func objectKey(obj runtime.Object) string {
	m, err := meta.Accessor(obj)
	if err != nil {
		return ""
	}
	return types.NamespacedName{Namespace: m.GetNamespace(), Name: m.GetName()}.String()
}

func resourceVersion(obj runtime.Object) int64 {
	m, err := meta.Accessor(obj)
	if err != nil {
		return 0
	}
	n, _ := strconv.ParseInt(m.GetResourceVersion(), 10, 64)
	return n
}
