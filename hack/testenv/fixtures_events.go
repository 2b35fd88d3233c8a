package testenv

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// EventSpec describes a core/v1 event about a node or a pod, as a kubelet or controller records it.
type EventSpec struct {
	// Object is the node or pod the event is about.
	Object corev1.ObjectReference
	// Type is Normal or Warning; Reason and Message as the component wrote them.
	Type, Reason, Message string
	// Component is the reporting component (kubelet, kube-controller-manager, …) and Host its node.
	Component, Host string
	// Count and the first and last times it was seen; zero values mean once, now.
	Count               int32
	FirstSeen, LastSeen time.Time
}

// NodeRef refers to a node, for EventSpec.Object.
func NodeRef(name string) corev1.ObjectReference {
	return corev1.ObjectReference{Kind: "Node", Name: name, UID: "", APIVersion: "v1"}
}

// PodRef refers to a pod, for EventSpec.Object.
func PodRef(pod *corev1.Pod) corev1.ObjectReference {
	return corev1.ObjectReference{Kind: "Pod", Namespace: pod.Namespace, Name: pod.Name, UID: pod.UID, APIVersion: "v1"}
}

// RecordEvent creates the event in the namespace of its object (default for nodes).
func (e *Env) RecordEvent(ctx context.Context, spec EventSpec) (*corev1.Event, error) {
	now := time.Now()
	if spec.LastSeen.IsZero() {
		spec.LastSeen = now
	}
	if spec.FirstSeen.IsZero() {
		spec.FirstSeen = spec.LastSeen
	}
	if spec.Count == 0 {
		spec.Count = 1
	}
	if spec.Type == "" {
		spec.Type = corev1.EventTypeNormal
	}
	ns := spec.Object.Namespace
	if ns == "" {
		ns = metav1.NamespaceDefault
	}
	ev := &corev1.Event{
		ObjectMeta:     metav1.ObjectMeta{GenerateName: spec.Object.Name + ".", Namespace: ns},
		InvolvedObject: spec.Object,
		Type:           spec.Type,
		Reason:         spec.Reason,
		Message:        spec.Message,
		Source:         corev1.EventSource{Component: spec.Component, Host: spec.Host},
		Count:          spec.Count,
		FirstTimestamp: metav1.NewTime(spec.FirstSeen),
		LastTimestamp:  metav1.NewTime(spec.LastSeen),
	}
	created, err := e.Client.CoreV1().Events(ns).Create(ctx, ev, metav1.CreateOptions{})
	if err != nil {
		return nil, fmt.Errorf("record event %s on %s: %w", spec.Reason, spec.Object.Name, err)
	}
	return created, nil
}
