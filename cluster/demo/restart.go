package demo

import (
	"context"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

// restartPods does what the kubelet does with its pods after a reboot: pods whose deletion was
// requested are gone (it confirms the deletion; on a node that was unreachable these are the pods
// a drain gave up waiting for), and every other running pod has its containers started again —
// those the drain left, DaemonSet and static pods.
func (s *sim) restartPods(ctx context.Context, n *corev1.Node, boot, up, now time.Time) {
	runtime := runtimePrefix(n.Status.NodeInfo.ContainerRuntimeVersion)
	for _, p := range s.podsOn(ctx, n.Name) {
		pods := s.cs.CoreV1().Pods(p.Namespace)
		switch {
		case p.DeletionTimestamp != nil:
			s.fail(pods.Delete(ctx, p.Name, metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0),
				Preconditions: &metav1.Preconditions{UID: &p.UID}}))
		case p.Status.Phase == corev1.PodRunning:
			restartedByReboot(&p, runtime, boot, up, now)
			_, err := pods.UpdateStatus(ctx, &p, metav1.UpdateOptions{})
			s.fail(err)
		}
	}
}

// restartedByReboot: each container's last run ended with the machine (the kubelet reports exit
// code 255, reason Unknown, for a container it finds gone after a reboot) and a new one started
// once the kubelet was up; the pod is ready now. Pod IPs are kept: the demo does not re-run IPAM.
func restartedByReboot(p *corev1.Pod, runtime string, boot, up, now time.Time) {
	for i := range p.Status.ContainerStatuses {
		st := &p.Status.ContainerStatuses[i]
		if st.ContainerID != "" {
			ended := &corev1.ContainerStateTerminated{ExitCode: 255, Reason: "Unknown", FinishedAt: mtime(boot), ContainerID: st.ContainerID}
			if r := st.State.Running; r != nil {
				ended.StartedAt = r.StartedAt
			}
			st.LastTerminationState = corev1.ContainerState{Terminated: ended}
			st.RestartCount++
		}
		st.ContainerID = runtime + hex64("container", p.Namespace, p.Name, st.Name, boot.String())
		st.State = corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: mtime(up)}}
		st.Ready, st.Started = true, ptr.To(true)
	}
	setPodCondition(p, podCondition(corev1.PodReadyToStartContainers, corev1.ConditionTrue, up))
	setPodCondition(p, podCondition(corev1.ContainersReady, corev1.ConditionTrue, now))
	setPodCondition(p, podCondition(corev1.PodReady, corev1.ConditionTrue, now))
}
