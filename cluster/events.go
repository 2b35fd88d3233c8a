package cluster

import (
	"sort"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/ktriage/ktriage/diag"
)

// EventRow is one line of the node's Events tab.
type EventRow struct {
	// Key identifies the event (namespace/name), so a selection survives new events arriving.
	Key                   string
	Type, Reason, Message string
	// Object names what the event is about: "node" or "pod <namespace>/<name>".
	Object string
	// Count is how many times the event happened (at least 1).
	Count               int32
	FirstSeen, LastSeen time.Time
	// Source is the reporting component and host, such as "kubelet, worker-06"; Component is the
	// component alone (kubelet and node-controller both report NodeNotReady).
	Source, Component string
}

// Warning reports whether the event is of type Warning.
func (e EventRow) Warning() bool { return e.Type == corev1.EventTypeWarning }

// EventLastSeen is when the event last happened (see diag.EventLastSeen).
func EventLastSeen(e *corev1.Event) time.Time { return diag.EventLastSeen(e) }

func eventRow(e *corev1.Event) EventRow {
	r := EventRow{
		Key:  e.Namespace + "/" + e.Name,
		Type: e.Type, Reason: e.Reason, Message: e.Message,
		Count: diag.EventCount(e), FirstSeen: e.FirstTimestamp.Time, LastSeen: EventLastSeen(e),
	}
	if r.FirstSeen.IsZero() {
		r.FirstSeen = r.LastSeen
	}
	if e.InvolvedObject.Kind == "Pod" {
		r.Object = "pod " + e.InvolvedObject.Namespace + "/" + e.InvolvedObject.Name
	} else {
		r.Object = "node"
	}
	component, host := e.Source.Component, e.Source.Host
	if component == "" {
		component = e.ReportingController
	}
	if host == "" {
		host = e.ReportingInstance
	}
	r.Source, r.Component = component, component
	if host != "" && host != component {
		if r.Source != "" {
			r.Source += ", "
		}
		r.Source += host
	}
	return r
}

// sortEventsNewestFirst orders events by last-seen time, newest first, with a stable tie-break so the
// table does not jitter.
func sortEventsNewestFirst(events []*corev1.Event) {
	sort.Slice(events, func(i, j int) bool {
		ti, tj := EventLastSeen(events[i]), EventLastSeen(events[j])
		if !ti.Equal(tj) {
			return ti.After(tj)
		}
		return events[i].Name < events[j].Name
	})
}
