package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ktriage/ktriage/cluster"
)

// flap toggles NodeFlapping: calico-node is OOM-killed, the CNI goes away and the kubelet reports
// NotReady; a minute later calico is back and so is the node. Each flip records the events the
// kubelet and the node lifecycle controller record, and marks the node's pods as they do.
func (s *sim) flap(ctx context.Context, now time.Time) {
	nodes := s.cs.CoreV1().Nodes()
	n, err := nodes.Get(ctx, NodeFlapping, metav1.GetOptions{})
	if err != nil {
		s.fail(err)
		return
	}
	down := !s.flapDown
	ready := findCondition(n.Status.Conditions, corev1.NodeReady)
	if ready == nil {
		return
	}
	ready.LastHeartbeatTime, ready.LastTransitionTime = mtime(now), mtime(now)
	var taints []corev1.Taint
	for _, t := range n.Spec.Taints {
		if t.Key != "node.kubernetes.io/not-ready" {
			taints = append(taints, t)
		}
	}
	if down {
		ready.Status, ready.Reason, ready.Message = corev1.ConditionFalse, "KubeletNotReady", MessageCNINotReady
		taints = append(taints,
			taint("node.kubernetes.io/not-ready", corev1.TaintEffectNoSchedule, &now),
			taint("node.kubernetes.io/not-ready", corev1.TaintEffectNoExecute, &now))
	} else {
		ready.Status, ready.Reason, ready.Message = corev1.ConditionTrue, "KubeletReady", "kubelet is posting ready status"
	}
	n.Spec.Taints = taints
	if _, err := nodes.UpdateStatus(ctx, n, metav1.UpdateOptions{}); err != nil {
		s.fail(err)
		return
	}
	s.flapDown = down

	status := "NodeReady"
	if down {
		status = "NodeNotReady"
		s.record(ctx, eventSpec{ref: controllerNodeRef(n.Name), typ: corev1.EventTypeNormal, reason: status,
			msg: nodeStatus(n.Name, status), component: "node-controller"}, now)
	}
	s.record(ctx, eventSpec{ref: kubeletNodeRef(n.Name, n.Status.NodeInfo.KubeletVersion), typ: corev1.EventTypeNormal,
		reason: status, msg: nodeStatus(n.Name, status), component: "kubelet", host: n.Name}, now)

	for _, p := range s.podsOn(ctx, NodeFlapping) {
		if p.Status.Phase != corev1.PodRunning {
			continue
		}
		if strings.HasPrefix(p.Name, "calico-node-") {
			flapCalico(&p, down, now)
		} else {
			setPodCondition(&p, podCondition(corev1.PodReady, boolStatus(!down), now))
		}
		_, err := s.cs.CoreV1().Pods(p.Namespace).UpdateStatus(ctx, &p, metav1.UpdateOptions{})
		s.fail(err)
	}
}

// flapCalico: going down, calico-node was OOM-killed and restarts; coming up, it is ready again.
func flapCalico(p *corev1.Pod, down bool, now time.Time) {
	for i := range p.Status.ContainerStatuses {
		st := &p.Status.ContainerStatuses[i]
		if st.Name != "calico-node" {
			continue
		}
		st.Ready = !down
		if down {
			started := now.Add(-5 * time.Minute)
			if st.State.Running != nil {
				started = st.State.Running.StartedAt.Time
			}
			st.RestartCount++
			st.LastTerminationState = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
				ExitCode: 137, Reason: "OOMKilled", StartedAt: mtime(started), FinishedAt: mtime(now), ContainerID: st.ContainerID,
			}}
			st.ContainerID = "containerd://" + hex64("container", p.Name, now.String())
			st.State = corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: mtime(now.Add(time.Second))}}
		}
	}
	setPodCondition(p, podCondition(corev1.ContainersReady, boolStatus(!down), now))
	setPodCondition(p, podCondition(corev1.PodReady, boolStatus(!down), now))
}

func boolStatus(b bool) corev1.ConditionStatus {
	if b {
		return corev1.ConditionTrue
	}
	return corev1.ConditionFalse
}

// recurringEvent bumps one of the warnings that keep coming, in turn, and now and then records a
// new event.
func (s *sim) recurringEvent(ctx context.Context, now time.Time) {
	s.rotation++
	// The node each warning is about, by turn: once rebooted and repaired, its warnings stop.
	node := [6]string{NodeCNINotReady, NodePodIPExhausted, NodePLEG, NodeRuntimeDown, NodeCNINotReady, NodeMemoryPressure}[s.rotation%6]
	if !s.c.incident(node) {
		return
	}
	switch s.rotation % 6 {
	case 0:
		s.bump(ctx, "Pod", "kube-system", s.agentName(ctx, NodeCNINotReady, "calico-node-"), "BackOff", "kubelet", now, nil)
	case 1:
		pods := s.podsOn(ctx, NodePodIPExhausted)
		var stuck []corev1.Pod
		for _, p := range pods {
			if p.Status.Phase == corev1.PodPending && p.DeletionTimestamp == nil {
				stuck = append(stuck, p)
			}
		}
		if len(stuck) == 0 {
			return
		}
		p := stuck[s.rng.IntN(len(stuck))]
		n, err := s.cs.CoreV1().Nodes().Get(ctx, NodePodIPExhausted, metav1.GetOptions{})
		if err != nil {
			s.fail(err)
			return
		}
		cidr := n.Spec.PodCIDR
		msg := sandboxIPExhausted(hex64("sandbox", p.Name, now.String()), cidr, hostAddr(cidr, cidrHosts(cidr)))
		s.bump(ctx, "Pod", p.Namespace, p.Name, "FailedCreatePodSandBox", "kubelet", now, func(e *corev1.Event) { e.Message = msg })
	case 2:
		s.bump(ctx, "Node", "", NodePLEG, "NodeNotReady", "kubelet", now, nil)
	case 3:
		s.bump(ctx, "Node", "", NodeRuntimeDown, "ContainerdStart", "systemd-monitor", now, nil)
	case 4:
		s.bump(ctx, "Pod", "kube-system", s.agentName(ctx, NodeCNINotReady, "calico-node-"), "Unhealthy", "kubelet", now, nil)
	case 5:
		if s.rotation%4 == 1 {
			// The memory-starved node OOM-kills another JVM: a new event, its message differs.
			pid := 30000 + s.rng.IntN(9000)
			s.record(ctx, eventSpec{ref: kubeletNodeRef(NodeMemoryPressure, ubuntu2404.kubelet), typ: corev1.EventTypeWarning, reason: "SystemOOM",
				msg: fmt.Sprintf("System OOM encountered, victim process: java, pid: %d", pid), component: "kubelet", host: NodeMemoryPressure}, now)
			return
		}
		s.bump(ctx, "Node", "", NodeMemoryPressure, "EvictionThresholdMet", "kubelet", now, nil)
	}
}

func (s *sim) agentName(ctx context.Context, node, prefix string) string {
	for _, p := range s.podsOn(ctx, node) {
		if strings.HasPrefix(p.Name, prefix) {
			return p.Name
		}
	}
	return ""
}

// eventKey identifies the event the simulator bumps: involved object, reason and reporting
// component (the message may change, as with combined events).
func eventKey(e *corev1.Event) string {
	component := e.Source.Component
	if component == "" {
		component = e.ReportingController
	}
	return eventKeyOf(e.InvolvedObject.Kind, e.InvolvedObject.Namespace, e.InvolvedObject.Name, e.Reason, component)
}

func eventKeyOf(kind, ns, name, reason, component string) string {
	return strings.Join([]string{kind, ns, name, reason, component}, "/")
}

// bump counts one more occurrence of an existing event, as the event recorder does: count and
// lastTimestamp for core/v1 events, series for events.k8s.io ones.
func (s *sim) bump(ctx context.Context, kind, ns, name, reason, component string, now time.Time, mutate func(*corev1.Event)) {
	if name == "" {
		return
	}
	ref, ok := s.events[eventKeyOf(kind, ns, name, reason, component)]
	if !ok {
		return
	}
	evNS, evName, _ := strings.Cut(ref, "/")
	events := s.cs.CoreV1().Events(evNS)
	e, err := events.Get(ctx, evName, metav1.GetOptions{})
	if err != nil {
		s.fail(err)
		return
	}
	touch(e, now)
	if mutate != nil {
		mutate(e)
	}
	_, err = events.Update(ctx, e, metav1.UpdateOptions{})
	s.fail(err)
}

func touch(e *corev1.Event, now time.Time) {
	if e.Series != nil || (!e.EventTime.IsZero() && e.FirstTimestamp.IsZero()) {
		if e.Series == nil {
			e.Series = &corev1.EventSeries{Count: 1}
		}
		e.Series.Count++
		e.Series.LastObservedTime = metav1.NewMicroTime(now)
		return
	}
	e.Count++
	e.LastTimestamp = mtime(now)
}

// record is the event recorder: bump the event with the same key and message, or create one.
func (s *sim) record(ctx context.Context, spec eventSpec, now time.Time) {
	key := eventKeyOf(spec.ref.Kind, spec.ref.Namespace, spec.ref.Name, spec.reason, spec.component)
	if ref, ok := s.events[key]; ok {
		evNS, evName, _ := strings.Cut(ref, "/")
		if e, err := s.cs.CoreV1().Events(evNS).Get(ctx, evName, metav1.GetOptions{}); err == nil && e.Message == spec.msg {
			touch(e, now)
			_, err = s.cs.CoreV1().Events(evNS).Update(ctx, e, metav1.UpdateOptions{})
			s.fail(err)
			return
		}
	}
	spec.first, spec.last, spec.count = now, now, 1
	// The recorder names an event after its object and the time in nanoseconds; events about one
	// object recorded at the same instant (a node's reboot) take the next free nanosecond.
	var created *corev1.Event
	var err error
	for i := range 8 {
		e := spec.object(eventName(spec.ref.Name, now.Add(time.Duration(i))))
		created, err = s.cs.CoreV1().Events(e.Namespace).Create(ctx, e, metav1.CreateOptions{})
		if !apierrors.IsAlreadyExists(err) {
			break
		}
	}
	if err != nil {
		s.fail(err)
		return
	}
	s.events[key] = created.Namespace + "/" + created.Name
}

// expireEvents deletes events not seen for EventTTL, as the API server's TTL does.
func (s *sim) expireEvents(ctx context.Context, now time.Time) {
	events, err := s.cs.CoreV1().Events("").List(ctx, metav1.ListOptions{})
	if err != nil {
		s.fail(err)
		return
	}
	for _, e := range events.Items {
		if now.Sub(cluster.EventLastSeen(&e)) > s.opts.EventTTL {
			s.fail(s.cs.CoreV1().Events(e.Namespace).Delete(ctx, e.Name, metav1.DeleteOptions{}))
		}
	}
}
