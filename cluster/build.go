package cluster

import (
	"sort"
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
	if unscheduled || all || w.unscheduled == nil {
		// The rules read the pending pods (insufficient-resources), so they are current before any node.
		w.unscheduled = w.podsOn("")
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
	for name, kind := range dirty {
		obj, exists, _ := w.nodes.GetStore().GetByKey(name)
		if !exists {
			delete(w.views, name)
			continue
		}
		w.views[name] = w.buildView(obj.(*corev1.Node), w.views[name], kind, now)
	}
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
		v.Pods = w.podsOn(node.Name)
		var was []PodRow
		if prev != nil {
			was = prev.PodRows
		}
		v.PodRows = podRows(v.Pods, was, now)
	} else {
		v.PodRows = reevaluateRows(prev.PodRows, now)
	}
	if prev == nil || kind&(dirtyPods|dirtyNode) != 0 {
		v.Allocation = computeAllocation(node, v.PodRows)
	}
	if prev == nil || kind&(dirtyPods|dirtyEvents) != 0 {
		v.Events = w.eventsFor(node.Name, v.Pods)
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
	diagnoseView(v, now, diag.ClusterFacts{ServerVersion: w.serverVersion(), Pending: w.unscheduled})
	return v
}

// diagnoseView runs the rules over the view's evidence and derives the PROBLEMS column from them.
func diagnoseView(v *NodeView, now time.Time, facts diag.ClusterFacts) {
	v.Findings = diag.Diagnose(v.evidence(now, facts))
	v.Summary.setFindings(v.Node, v.PodRows, v.Findings)
}

// evidence is what the rules read about the view's node, judged at now.
func (v *NodeView) evidence(now time.Time, facts diag.ClusterFacts) *diag.Evidence {
	return &diag.Evidence{
		Node: v.Node, Lease: v.Lease, Pods: v.Pods, Events: v.Events, Now: now,
		Heartbeat: v.Summary.heartbeatFacts(), BootChange: v.BootChange, Cluster: facts, Kubelet: v.Kubelet,
		Requested: v.Allocation.requests,
	}
}

// podRows makes the rows of pods at now, reusing the row of every pod object that is the one a
// previous row was made from: one pod changing on a node of 110 works out one row, not 110.
func podRows(pods []*corev1.Pod, was []PodRow, now time.Time) []PodRow {
	rows := make([]PodRow, len(pods))
	j := 0 // both lists are sorted by namespace and name, so one pass finds the matches
	for i, p := range pods {
		for j < len(was) && was[j].pod != p && podBefore(was[j].pod, p) {
			j++
		}
		if j < len(was) && was[j].pod == p {
			rows[i] = was[j]
			rows[i].Broken = rows[i].isBroken(now)
			continue
		}
		rows[i] = podRow(p, now)
	}
	return rows
}

func podBefore(a, b *corev1.Pod) bool {
	if a.Namespace != b.Namespace {
		return a.Namespace < b.Namespace
	}
	return a.Name < b.Name
}

// reevaluateRows refreshes the time-dependent Broken flag; rows are shared otherwise.
func reevaluateRows(rows []PodRow, now time.Time) []PodRow {
	out := make([]PodRow, len(rows))
	for i, r := range rows {
		r.Broken = r.isBroken(now)
		out[i] = r
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

func (w *Watcher) podsOn(node string) []*corev1.Pod {
	objs, _ := w.pods.GetIndexer().ByIndex(podsByNode, node)
	pods := make([]*corev1.Pod, len(objs))
	for i, o := range objs {
		pods[i] = o.(*corev1.Pod)
	}
	sort.Slice(pods, func(i, j int) bool {
		if pods[i].Namespace != pods[j].Namespace {
			return pods[i].Namespace < pods[j].Namespace
		}
		return pods[i].Name < pods[j].Name
	})
	return pods
}

// eventsFor gathers the node's own events and those of its pods, newest first.
func (w *Watcher) eventsFor(node string, pods []*corev1.Pod) []*corev1.Event {
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
		if p.UID != "" {
			collect(podUIDKey(string(p.UID)))
		}
		collect(subjectKey("Pod", p.Namespace, p.Name)) // events recorded without a UID
	}
	sortEventsNewestFirst(events)
	if len(events) > maxEventsPerNode {
		events = events[:maxEventsPerNode]
	}
	return events
}
