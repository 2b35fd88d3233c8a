package cluster

import (
	"runtime"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/ktriage/ktriage/diag"
)

// maxEventsPerNode bounds the events kept for one node (newest first); a crash-looping pod's BackOff
// is one event with a count, so this is plenty for triage.
const maxEventsPerNode = 300

// publishSnapshot rebuilds what changed and hands a new snapshot to the publisher. Before the initial
// lists are done it publishes only the connection state.
func (w *Watcher) publishSnapshot(synced bool) {
	now := w.opts.Now()
	conn := w.connState(synced)
	if !synced && w.gen > 0 && conn.Phase == w.lastConn.Phase && conn.LastError == w.lastConn.LastError {
		return // still syncing, nothing new to say
	}
	w.lastConn = conn
	w.gen++
	snap := &Snapshot{
		Generation: w.gen, TakenAt: now, Synced: synced,
		Conn: conn, LeasesUnavailable: w.leasesUnavailable(), ServerVersion: w.serverVersion(),
	}
	if synced {
		// While the API server is unreachable no lease can arrive, so heartbeats are judged at the
		// moment the connection failed: an outage of ktriage's own must not turn every node red.
		judgeAt := now
		if conn.Phase == ConnReconnecting && !conn.Since.IsZero() && conn.Since.Before(now) {
			judgeAt = conn.Since
		}
		if conn.Phase != w.lastPublishedPhase {
			w.dirty.markClock()
			w.lastPublishedPhase = conn.Phase
		}
		w.rebuild(judgeAt)
		snap.Nodes = make([]*NodeView, 0, len(w.views))
		snap.byName = make(map[string]*NodeView, len(w.views))
		for name, v := range w.views {
			snap.Nodes = append(snap.Nodes, v)
			snap.byName[name] = v
		}
		sort.Slice(snap.Nodes, func(i, j int) bool { return snap.Nodes[i].Summary.Name < snap.Nodes[j].Summary.Name })
		snap.Unscheduled = w.unscheduled
	}
	w.publish(snap)
}

func (w *Watcher) connState(synced bool) ConnState {
	failing, lastErr, since := w.client.Health.state()
	switch {
	case failing:
		return ConnState{Phase: ConnReconnecting, LastError: lastErr, Since: since}
	case !synced:
		return ConnState{Phase: ConnSyncing, Since: since}
	}
	return ConnState{Phase: ConnLive, Since: since}
}

// rebuild replaces the views of changed nodes with new ones; unchanged views are shared with the
// previous snapshot.
func (w *Watcher) rebuild(now time.Time) {
	all, clock, unscheduled, dirty := w.dirty.drain()
	w.pendingChanged = unscheduled || all || w.unscheduled == nil
	if w.pendingChanged {
		// The rules read the pending pods (insufficient-resources), so they are current before any node.
		w.unscheduled = decodePods(w.podsOn(""))
	}
	if all {
		for _, obj := range w.nodes.GetStore().List() {
			dirty[obj.(*corev1.Node).Name] |= dirtyNode | dirtyPods | dirtyEvents | dirtyLease
		}
		for name := range w.views {
			dirty[name] |= dirtyNode
		}
	}
	if clock {
		for name := range w.views {
			dirty[name] |= 0 // present in the map: summary and pod ages re-evaluated below
		}
	}
	type job struct {
		node *corev1.Node
		prev *NodeView
		kind dirtyKind
		view *NodeView
	}
	jobs := make([]job, 0, len(dirty))
	for name, kind := range dirty {
		obj, exists, _ := w.nodes.GetStore().GetByKey(name)
		if !exists {
			delete(w.views, name)
			continue
		}
		jobs = append(jobs, job{node: obj.(*corev1.Node), prev: w.views[name], kind: kind})
	}
	// The first snapshot, a reconnect or the clock rebuilds thousands of nodes: each is built on
	// its own (buildView reads the caches and writes only its view), so every core takes a share.
	parallel(len(jobs), func(i int) {
		jobs[i].view = w.buildView(jobs[i].node, jobs[i].prev, jobs[i].kind, now)
	})
	for _, j := range jobs {
		w.views[j.node.Name] = j.view
	}
}

// parallelFrom is the number of items from which parallel spreads work over the cores.
const parallelFrom = 64

// parallel calls f(0) … f(n-1), on every core when n is large enough to be worth it.
func parallel(n int, f func(int)) {
	workers := min(runtime.GOMAXPROCS(0), n/parallelFrom+1)
	if workers <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				f(i)
			}
		})
	}
	wg.Wait()
}

// buildView makes a new view of node from the previous one, recomputing only what kind says changed
// (and the time-dependent parts always).
func (w *Watcher) buildView(node *corev1.Node, prev *NodeView, kind dirtyKind, now time.Time) *NodeView {
	v := &NodeView{Node: node}
	if prev != nil {
		*v = *prev
		v.Node = node
	}
	if prev == nil || kind&dirtyLease != 0 {
		v.Lease = w.lease(node.Name)
	}
	if prev == nil || kind&dirtyPods != 0 {
		v.stored = w.podsOn(node.Name)
	}
	// The rules read the pods: decoded once here for them and for the rows, then dropped. Only a
	// node that merely aged may need neither (see agedQuietly).
	var pods []*corev1.Pod
	if prev == nil || kind&^dirtyLease != 0 {
		pods = decodePods(v.stored)
	}
	if prev == nil || kind&dirtyPods != 0 {
		var was []PodRow
		if prev != nil {
			was = prev.PodRows
		}
		v.PodRows = podRows(v.stored, pods, was, now)
	} else {
		v.PodRows = reevaluateRows(prev.PodRows, now)
	}
	if prev == nil || kind&(dirtyPods|dirtyNode) != 0 {
		v.Allocation = computeAllocation(node, v.PodRows)
	}
	if prev == nil || kind&(dirtyPods|dirtyEvents) != 0 {
		v.Events = w.eventsFor(node.Name, v.stored)
		v.EventRows = make([]EventRow, len(v.Events))
		for i, e := range v.Events {
			v.EventRows[i] = eventRow(e)
		}
	}
	v.Kubelet = w.kubeletFacts(node.Name)
	v.Summary = summariseNode(node, v.Lease, v.PodRows, now, w.leaseSeenAt(node.Name))
	if prev != nil && prev.Node != nil {
		if was := prev.Node.Status.NodeInfo.BootID; was != "" && node.Status.NodeInfo.BootID != "" && was != node.Status.NodeInfo.BootID {
			v.BootChange = &diag.BootChange{From: was, To: node.Status.NodeInfo.BootID, At: now}
		}
	}
	if pods == nil && w.agedQuietly(prev, v) {
		v.Summary.setFindings(v.Node, v.PodRows, nil)
		return v
	}
	if pods == nil {
		pods = decodePods(v.stored)
	}
	diagnoseView(v, pods, now, diag.ClusterFacts{ServerVersion: w.serverVersion(), Pending: w.unscheduled})
	return v
}

// agedQuietly reports whether a node that only aged since its last view (a Lease renewal, the
// clock) can keep having no findings without running the rules, which would decode all its pods:
// every 5 s for every node, that is most of ktriage's idle CPU at 150,000 pods. Time alone adds a
// finding only through a heartbeat going stale or a pod becoming stuck creating or terminating,
// which the summary and the rows already judge; a new Pending pod, a reboot seen live or any finding
// already there sends the node through the rules as before.
func (w *Watcher) agedQuietly(prev, v *NodeView) bool {
	if prev == nil || len(prev.Findings) != 0 || v.BootChange != nil || w.pendingChanged || v.Summary.Stale != prev.Summary.Stale {
		return false
	}
	for i := range v.PodRows {
		if v.PodRows[i].Broken != prev.PodRows[i].Broken {
			return false
		}
	}
	return true
}

// diagnoseView runs the rules over the view's evidence and derives the PROBLEMS column from them.
func diagnoseView(v *NodeView, pods []*corev1.Pod, now time.Time, facts diag.ClusterFacts) {
	v.Findings = diag.Diagnose(v.evidence(pods, now, facts))
	v.Summary.setFindings(v.Node, v.PodRows, v.Findings)
}

// evidence is what the rules read about the view's node, judged at now; pods are its decoded pods.
func (v *NodeView) evidence(pods []*corev1.Pod, now time.Time, facts diag.ClusterFacts) *diag.Evidence {
	return &diag.Evidence{
		Node: v.Node, Lease: v.Lease, Pods: pods, Events: v.Events, Now: now,
		Heartbeat: v.Summary.heartbeatFacts(), BootChange: v.BootChange, Cluster: facts, Kubelet: v.Kubelet,
		Requested: v.Allocation.requests,
	}
}

// podRows makes the rows of the stored pods (pods are the same, decoded) at now, reusing the row of
// every pod the cache still holds as the same object: one pod changing on a node of 110 works out
// one row, not 110.
func podRows(stored []*storedPod, pods []*corev1.Pod, was []PodRow, now time.Time) []PodRow {
	rows := make([]PodRow, len(stored))
	j := 0 // both lists are sorted by namespace and name, so one pass finds the matches
	for i, s := range stored {
		for j < len(was) && was[j].stored != s && storedBefore(was[j].stored, s) {
			j++
		}
		if j < len(was) && was[j].stored == s {
			rows[i] = was[j]
			rows[i].Broken = rows[i].isBroken(now)
			continue
		}
		rows[i] = podRow(pods[i], now)
		rows[i].stored = s
	}
	return rows
}

func storedBefore(a, b *storedPod) bool {
	if a.namespace != b.namespace {
		return a.namespace < b.namespace
	}
	return a.name < b.name
}

// reevaluateRows refreshes the time-dependent Broken flag; while no flag changes, the rows are the
// previous view's (snapshots never change them), so an aging node costs no copy.
func reevaluateRows(rows []PodRow, now time.Time) []PodRow {
	var out []PodRow
	for i := range rows {
		broken := rows[i].isBroken(now)
		if broken == rows[i].Broken && out == nil {
			continue
		}
		if out == nil {
			out = slices.Clone(rows)
		}
		out[i].Broken = broken
	}
	if out == nil {
		return rows
	}
	return out
}

// leaseSeenAt is when ktriage last saw the node's Lease renewed, by its own clock, or zero.
func (w *Watcher) leaseSeenAt(node string) time.Time {
	if t, ok := w.leaseSeen.Load(node); ok {
		return t.(time.Time)
	}
	return time.Time{}
}

func (w *Watcher) lease(node string) *coordinationv1.Lease {
	if w.leasesUnavailable() != "" {
		return nil // access was lost: what the cache holds is no longer renewed
	}
	obj, exists, _ := w.leases.GetStore().GetByKey(NodeLeaseNamespace + "/" + node)
	if !exists {
		return nil
	}
	return obj.(*coordinationv1.Lease)
}

// podsOn returns the stored pods bound to node ("" for the unscheduled), sorted by namespace and name.
func (w *Watcher) podsOn(node string) []*storedPod {
	objs, _ := w.pods.GetIndexer().ByIndex(podsByNode, node)
	pods := make([]*storedPod, len(objs))
	for i, o := range objs {
		pods[i] = o.(*storedPod)
	}
	sort.Slice(pods, func(i, j int) bool { return storedBefore(pods[i], pods[j]) })
	return pods
}

// eventsFor gathers the node's own events and those of its pods, newest first.
func (w *Watcher) eventsFor(node string, pods []*storedPod) []*corev1.Event {
	var events []*corev1.Event
	collect := func(key string) {
		for _, inf := range w.events {
			objs, _ := inf.GetIndexer().ByIndex(eventsBySubject, key)
			for _, o := range objs {
				events = append(events, o.(*corev1.Event))
			}
		}
	}
	collect(subjectKey("Node", "", node))
	for _, p := range pods {
		if p.uid != "" {
			collect(podUIDKey(string(p.uid)))
		}
		collect(subjectKey("Pod", p.namespace, p.name)) // events recorded without a UID
	}
	sortEventsNewestFirst(events)
	if len(events) > maxEventsPerNode {
		events = events[:maxEventsPerNode]
	}
	return events
}
