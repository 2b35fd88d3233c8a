package views

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestLogsContainerOpensWhereTheTroubleIs(t *testing.T) {
	running := corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}
	done := corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 0}}
	crashed := corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 1, Reason: "Error"}}
	backoff := corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff"}}
	pod := func(ann map[string]string, init []corev1.ContainerStatus, ctrs ...corev1.ContainerStatus) *corev1.Pod {
		p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Annotations: ann}}
		p.Status.InitContainerStatuses = init
		for _, c := range init {
			p.Spec.InitContainers = append(p.Spec.InitContainers, corev1.Container{Name: c.Name})
		}
		for _, c := range ctrs {
			p.Spec.Containers = append(p.Spec.Containers, corev1.Container{Name: c.Name})
		}
		p.Status.ContainerStatuses = ctrs
		return p
	}
	cases := []struct {
		name     string
		p        *corev1.Pod
		previous bool
		want     string
	}{
		{"healthy pod with a finished init container opens on its first container",
			pod(nil, []corev1.ContainerStatus{{Name: "install-cni", State: done}}, corev1.ContainerStatus{Name: "calico-node", State: running}), false, "calico-node"},
		{"the default-container annotation wins for a healthy pod",
			pod(map[string]string{"kubectl.kubernetes.io/default-container": "app"}, nil,
				corev1.ContainerStatus{Name: "istio-proxy", State: running}, corev1.ContainerStatus{Name: "app", State: running}), false, "app"},
		{"a crash-looping sidecar beats the default container",
			pod(map[string]string{"kubectl.kubernetes.io/default-container": "app"}, nil,
				corev1.ContainerStatus{Name: "app", State: running},
				corev1.ContainerStatus{Name: "log-shipper", State: backoff, LastTerminationState: crashed, RestartCount: 9}), false, "log-shipper"},
		{"previous logs open on the container that has a previous run",
			pod(nil, nil, corev1.ContainerStatus{Name: "app", State: running},
				corev1.ContainerStatus{Name: "worker", State: running, LastTerminationState: crashed, RestartCount: 1}), true, "worker"},
		{"a failing init container is where a pending pod's trouble is",
			pod(nil, []corev1.ContainerStatus{{Name: "migrate", State: backoff, LastTerminationState: crashed}},
				corev1.ContainerStatus{Name: "app", State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "PodInitializing"}}}), false, "migrate"},
	}
	for _, c := range cases {
		if got := LogsContainer(c.p, c.previous); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}
