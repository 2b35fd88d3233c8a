package diag

import (
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/duration"
)

// recentWindow is how far back an event still counts as a sign of a current problem. Kubernetes keeps
// events for an hour by default, but a cluster may keep them longer; older ones are history.
const recentWindow = time.Hour

// EventLastSeen is when the event last happened, whichever API generation recorded it: the series, the
// legacy lastTimestamp, or the eventTime of events written through events.k8s.io.
func EventLastSeen(e *corev1.Event) time.Time {
	switch {
	case e.Series != nil && !e.Series.LastObservedTime.IsZero():
		return e.Series.LastObservedTime.Time
	case !e.LastTimestamp.IsZero():
		return e.LastTimestamp.Time
	case !e.EventTime.IsZero():
		return e.EventTime.Time
	}
	return e.CreationTimestamp.Time
}

// EventCount is how many times the event happened (at least 1).
func EventCount(e *corev1.Event) int32 {
	n := e.Count
	if e.Series != nil && e.Series.Count > n {
		n = e.Series.Count
	}
	return max(n, 1)
}

// recent reports whether the event happened within the window before now.
func (ev *Evidence) recent(e *corev1.Event, window time.Duration) bool {
	return ev.Now.Sub(EventLastSeen(e)) <= window
}

// nodeEvents are the recent events about the node itself that satisfy match.
func (ev *Evidence) nodeEvents(match func(*corev1.Event) bool) []*corev1.Event {
	var out []*corev1.Event
	for _, e := range ev.Events {
		if e.InvolvedObject.Kind == "Node" && ev.recent(e, recentWindow) && match(e) {
			out = append(out, e)
		}
	}
	return out
}

// podEvents are the recent events about the pod that satisfy match (nil matches all).
func (ev *Evidence) podEvents(p *corev1.Pod, match func(*corev1.Event) bool) []*corev1.Event {
	var out []*corev1.Event
	for _, e := range ev.Events {
		if !isEventOf(e, p) || !ev.recent(e, recentWindow) {
			continue
		}
		if match == nil || match(e) {
			out = append(out, e)
		}
	}
	return out
}

// anyPodEvents are the recent events about any of the node's pods that satisfy match, with the pod.
func (ev *Evidence) anyPodEvents(match func(*corev1.Event) bool) []podEvent {
	byUID := make(map[string]*corev1.Pod, len(ev.Pods))
	byName := make(map[string]*corev1.Pod, len(ev.Pods))
	for _, p := range ev.Pods {
		byUID[string(p.UID)] = p
		byName[podKey(p)] = p
	}
	var out []podEvent
	for _, e := range ev.Events {
		if e.InvolvedObject.Kind != "Pod" || !ev.recent(e, recentWindow) || !match(e) {
			continue
		}
		p := byUID[string(e.InvolvedObject.UID)]
		if p == nil && e.InvolvedObject.UID == "" {
			p = byName[e.InvolvedObject.Namespace+"/"+e.InvolvedObject.Name]
		}
		if p != nil {
			out = append(out, podEvent{pod: p, event: e})
		}
	}
	return out
}

type podEvent struct {
	pod   *corev1.Pod
	event *corev1.Event
}

// isEventOf reports whether the event is about the pod: by UID, or by name when the event carries none.
func isEventOf(e *corev1.Event, p *corev1.Pod) bool {
	if e.InvolvedObject.Kind != "Pod" || e.InvolvedObject.Namespace != p.Namespace || e.InvolvedObject.Name != p.Name {
		return false
	}
	return e.InvolvedObject.UID == "" || e.InvolvedObject.UID == p.UID
}

// quoteEvent renders an event as evidence: type, reason, count, subject, age and the message verbatim.
func (ev *Evidence) quoteEvent(e *corev1.Event) string {
	subject := "node"
	if e.InvolvedObject.Kind == "Pod" {
		subject = "pod " + e.InvolvedObject.Namespace + "/" + e.InvolvedObject.Name
	}
	count := ""
	if n := EventCount(e); n > 1 {
		count = fmt.Sprintf(" ×%d", n)
	}
	return fmt.Sprintf("event %s %s%s on %s, last %s ago: %s", e.Type, e.Reason, count, subject,
		ago(ev.Now, EventLastSeen(e)), quote(e.Message))
}

// quoteEvents quotes up to limit events and says how many more there were.
func (ev *Evidence) quoteEvents(events []*corev1.Event, limit int) []string {
	var out []string
	for i, e := range events {
		if i == limit {
			out = append(out, fmt.Sprintf("… and %d more such events", len(events)-limit))
			break
		}
		out = append(out, ev.quoteEvent(e))
	}
	return out
}

// ago renders the time since t like kubectl does ("3m12s").
func ago(now, t time.Time) string {
	if t.IsZero() {
		return "an unknown time"
	}
	return duration.HumanDuration(now.Sub(t))
}

// reasonIs matches events by reason.
func reasonIs(reasons ...string) func(*corev1.Event) bool {
	return func(e *corev1.Event) bool {
		for _, r := range reasons {
			if e.Reason == r {
				return true
			}
		}
		return false
	}
}

// messageHas matches events whose message contains any of the fragments, ignoring case.
func messageHas(fragments ...string) func(*corev1.Event) bool {
	return func(e *corev1.Event) bool { return containsAny(e.Message, fragments...) }
}

// containsAny reports whether s contains any of the fragments, ignoring case.
func containsAny(s string, fragments ...string) bool {
	lower := strings.ToLower(s)
	for _, f := range fragments {
		if strings.Contains(lower, strings.ToLower(f)) {
			return true
		}
	}
	return false
}
