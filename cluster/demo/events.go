package demo

import (
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// eventSpec is one core/v1 Event the way a component's event recorder writes it.
type eventSpec struct {
	ref         corev1.ObjectReference
	typ         string // corev1.EventTypeNormal or Warning
	reason, msg string
	count       int32
	first, last time.Time
	component   string // source.component: kubelet, node-controller, ...
	host        string // source.host: the node, for node agents
	// series: written through events.k8s.io/v1 (the scheduler): eventTime and series are set,
	// firstTimestamp, lastTimestamp and count are not, as the core/v1 view of such events shows.
	series   bool
	instance string // reportingInstance for series events
	action   string
}

// key identifies "the same event" as client-go's event correlator does: the recorder bumps
// count and lastTimestamp of an existing event with this key instead of writing a new one.
func (e eventSpec) key() string {
	return fmt.Sprintf("%s/%s/%s/%s/%s/%s/%s/%s", e.component, e.host, e.ref.Kind, e.ref.Namespace, e.ref.Name, e.ref.FieldPath, e.typ, e.reason) + "/" + e.msg
}

// eventName is what the recorder names an event: the object's name and the time in hex nanoseconds.
func eventName(objName string, t time.Time) string {
	return fmt.Sprintf("%s.%x", objName, t.UnixNano())
}

func (e eventSpec) object(name string) *corev1.Event {
	ns := e.ref.Namespace
	if ns == "" {
		ns = metav1.NamespaceDefault
	}
	if e.count == 0 {
		e.count = 1
	}
	if e.first.IsZero() {
		e.first = e.last
	}
	ev := &corev1.Event{
		TypeMeta: metav1.TypeMeta{Kind: "Event", APIVersion: "v1"},
		ObjectMeta: metav1.ObjectMeta{
			Name: name, Namespace: ns,
			UID:               uid("event", ns, name),
			CreationTimestamp: mtime(e.first),
		},
		InvolvedObject: e.ref,
		Reason:         e.reason,
		Message:        e.msg,
		Type:           e.typ,
	}
	if e.series {
		ev.EventTime = metav1.NewMicroTime(e.first)
		ev.ReportingController = e.component
		ev.ReportingInstance = e.instance
		ev.Action = e.action
		if e.count > 1 {
			ev.Series = &corev1.EventSeries{Count: e.count, LastObservedTime: metav1.NewMicroTime(e.last)}
		}
		return ev
	}
	ev.Source = corev1.EventSource{Component: e.component, Host: e.host}
	ev.FirstTimestamp = mtime(e.first)
	ev.LastTimestamp = mtime(e.last)
	ev.Count = e.count
	ev.ReportingController = e.component
	ev.ReportingInstance = e.host
	return ev
}

// kubeletNodeRef is the reference a kubelet puts on its node's events: before 1.37 it used the
// node name as the UID; 1.37 sends no UID for most of them.
func kubeletNodeRef(node, kubeletVersion string) corev1.ObjectReference {
	ref := corev1.ObjectReference{Kind: "Node", APIVersion: "v1", Name: node}
	if kubeletMinor(kubeletVersion) < 37 {
		ref.UID = types.UID(node)
	}
	return ref
}

// controllerNodeRef is the node lifecycle controller's reference: the node's real UID.
func controllerNodeRef(node string) corev1.ObjectReference {
	return corev1.ObjectReference{Kind: "Node", APIVersion: "v1", Name: node, UID: uid("node", node)}
}

// podRef refers to a pod, or with container set to one of its containers (spec.containers{name}).
func podRef(p *corev1.Pod, container string) corev1.ObjectReference {
	ref := corev1.ObjectReference{Kind: "Pod", APIVersion: "v1", Namespace: p.Namespace, Name: p.Name, UID: p.UID}
	if container != "" {
		ref.FieldPath = fmt.Sprintf("spec.containers{%s}", container)
	}
	return ref
}

// addEvent names the event after its first occurrence and adds it to the seed.
func (s *seeder) addEvent(e eventSpec) *corev1.Event {
	t := e.first
	if t.IsZero() {
		t = e.last
	}
	t = t.Add(jitter("event/"+e.key(), time.Second))
	name := eventName(e.ref.Name, t)
	for s.eventNames[name] {
		t = t.Add(time.Microsecond)
		name = eventName(e.ref.Name, t)
	}
	s.eventNames[name] = true
	ev := e.object(name)
	s.events = append(s.events, ev)
	return ev
}

// kubeletEvent: an event the node's kubelet recorded about the node.
func (s *seeder) kubeletEvent(node, typ, reason, msg string, count int32, first, last time.Time) {
	nb := s.nodes[node]
	s.addEvent(eventSpec{ref: kubeletNodeRef(node, nb.plan.os.kubelet), typ: typ, reason: reason, msg: msg,
		count: count, first: first, last: last, component: "kubelet", host: node})
}

// nodeAgentEvent: an event another agent on the node (node-problem-detector's monitors) recorded.
func (s *seeder) nodeAgentEvent(node, component, typ, reason, msg string, count int32, first, last time.Time) {
	s.addEvent(eventSpec{ref: corev1.ObjectReference{Kind: "Node", Name: node, UID: types.UID(node)}, typ: typ, reason: reason, msg: msg,
		count: count, first: first, last: last, component: component, host: node})
}

// nodeControllerEvent: the node lifecycle controller's "Node x status is now: y" and friends.
func (s *seeder) nodeControllerEvent(node, reason, msg string, count int32, first, last time.Time) {
	s.addEvent(eventSpec{ref: controllerNodeRef(node), typ: corev1.EventTypeNormal, reason: reason, msg: msg,
		count: count, first: first, last: last, component: "node-controller"})
}

// podEvent: an event the kubelet of the pod's node recorded about the pod or one of its containers.
func (s *seeder) podEvent(p *corev1.Pod, container, typ, reason, msg string, count int32, first, last time.Time) {
	s.addEvent(eventSpec{ref: podRef(p, container), typ: typ, reason: reason, msg: msg,
		count: count, first: first, last: last, component: "kubelet", host: p.Spec.NodeName})
}

// controllerPodEvent: an event a controller recorded about a pod.
func (s *seeder) controllerPodEvent(p *corev1.Pod, component, typ, reason, msg string, at time.Time) {
	s.addEvent(eventSpec{ref: podRef(p, ""), typ: typ, reason: reason, msg: msg, first: at, last: at, component: component})
}

// schedulerEvent: the scheduler writes through events.k8s.io/v1.
func (s *seeder) schedulerEvent(p *corev1.Pod, typ, reason, msg string, count int32, first, last time.Time) {
	s.addEvent(eventSpec{ref: podRef(p, ""), typ: typ, reason: reason, msg: msg, count: count, first: first, last: last,
		component: "default-scheduler", instance: "default-scheduler-" + NodeCP2, action: "Scheduling", series: true})
}

// startupEvents: what a pod that started at start left behind (events live an hour, so only for
// recently started pods): scheduled, image already present or pulled, created, started.
func (s *seeder) startupEvents(p *corev1.Pod, pulled bool) {
	start := p.Status.StartTime.Time
	s.schedulerEvent(p, corev1.EventTypeNormal, "Scheduled",
		fmt.Sprintf("Successfully assigned %s/%s to %s", p.Namespace, p.Name, p.Spec.NodeName), 1, start.Add(-2*time.Second), start.Add(-2*time.Second))
	for _, c := range p.Spec.Containers {
		at := start.Add(time.Second)
		if pulled {
			s.podEvent(p, c.Name, corev1.EventTypeNormal, "Pulling", fmt.Sprintf("Pulling image %q", c.Image), 1, at, at)
			took := 2*time.Second + jitter("pull/"+p.Name, 9*time.Second)
			at = at.Add(took)
			s.podEvent(p, c.Name, corev1.EventTypeNormal, "Pulled",
				fmt.Sprintf("Successfully pulled image %q in %v (%v including waiting). Image size: %d bytes.", c.Image, took.Round(time.Millisecond), took.Round(time.Millisecond), imageSizes[c.Image]), 1, at, at)
		} else {
			s.podEvent(p, c.Name, corev1.EventTypeNormal, "Pulled", fmt.Sprintf("Container image %q already present on machine and can be accessed by the pod", c.Image), 1, at, at)
		}
		s.podEvent(p, c.Name, corev1.EventTypeNormal, "Created", "Container created", 1, at.Add(time.Second), at.Add(time.Second))
		s.podEvent(p, c.Name, corev1.EventTypeNormal, "Started", "Container started", 1, at.Add(2*time.Second), at.Add(2*time.Second))
	}
}
