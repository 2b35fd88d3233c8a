package main

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// markRunning writes the Running status kwok would write onto every pod still Pending, with many
// workers at once. kwok alone brings pods up at about 60 a second while it also renews thousands of
// nodes' heartbeats; at 150,000 pods that is 40 minutes. Once a pod is Ready, kwok's pod-ready stage
// no longer selects it, so the two never fight over a pod for long (a conflict is simply skipped).
func markRunning(ctx context.Context, client kubernetes.Interface, workers int) error {
	start := time.Now()
	var marked atomic.Int64
	var podIP atomic.Uint32
	// Always the first page: a continue token would expire (etcd compacts) long before 150,000
	// status writes are done, and marked pods leave the selection anyway.
	opts := metav1.ListOptions{FieldSelector: "status.phase=Pending", Limit: 1000}
	for {
		list, err := client.CoreV1().Pods("").List(ctx, opts)
		if err != nil {
			return err
		}
		before := marked.Load()
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(workers)
		for i := range list.Items {
			pod := &list.Items[i]
			if pod.Spec.NodeName == "" {
				continue
			}
			g.Go(func() error {
				n := podIP.Add(1)
				setRunning(pod, fmt.Sprintf("10.%d.%d.%d", 64+n>>16&63, n>>8&255, n&255))
				_, err := client.CoreV1().Pods(pod.Namespace).UpdateStatus(gctx, pod, metav1.UpdateOptions{})
				if apierrors.IsConflict(err) || apierrors.IsNotFound(err) {
					return nil // kwok got there first, or the pod is gone
				}
				if err == nil {
					marked.Add(1)
				}
				return err
			})
		}
		if err := g.Wait(); err != nil {
			return err
		}
		if len(list.Items) == 0 || marked.Load() == before {
			break // none left, or none this round could be marked (kwok owns them)
		}
		if n := marked.Load(); n/10000 != before/10000 {
			fmt.Printf("populate: %d pods marked Running\n", n)
		}
	}
	fmt.Printf("populate: marked %d pods Running in %s\n", marked.Load(), time.Since(start).Round(time.Second))
	return nil
}

// setRunning fills in the status of a started pod the way kwok's pod-ready stage does.
func setRunning(pod *corev1.Pod, ip string) {
	now := metav1.Now()
	pod.Status.Phase = corev1.PodRunning
	pod.Status.HostIP, pod.Status.PodIP = "127.0.0.1", ip
	pod.Status.HostIPs, pod.Status.PodIPs = []corev1.HostIP{{IP: "127.0.0.1"}}, []corev1.PodIP{{IP: ip}}
	pod.Status.StartTime = &now
	pod.Status.Conditions = []corev1.PodCondition{
		{Type: corev1.PodInitialized, Status: corev1.ConditionTrue, LastTransitionTime: now},
		{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: now},
		{Type: corev1.ContainersReady, Status: corev1.ConditionTrue, LastTransitionTime: now},
		{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: now},
	}
	pod.Status.InitContainerStatuses = nil
	for _, c := range pod.Spec.InitContainers {
		pod.Status.InitContainerStatuses = append(pod.Status.InitContainerStatuses, corev1.ContainerStatus{
			Name: c.Name, Image: c.Image, Ready: true,
			State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{Reason: "Completed", StartedAt: now, FinishedAt: now}},
		})
	}
	pod.Status.ContainerStatuses = nil
	for _, c := range pod.Spec.Containers {
		started := true
		pod.Status.ContainerStatuses = append(pod.Status.ContainerStatuses, corev1.ContainerStatus{
			Name: c.Name, Image: c.Image, Ready: true, Started: &started,
			State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: now}},
		})
	}
}
