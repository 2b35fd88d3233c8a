package cluster

import (
	"fmt"
	"k8s.io/apimachinery/pkg/types"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	resourcehelper "k8s.io/component-helpers/resource"

	"github.com/ktriage/ktriage/diag"
)

// PodRow is one line of the node's Pods tab.
type PodRow struct {
	Namespace, Name string
	// UID tells this pod from a namesake created after it (a StatefulSet's replacement).
	UID types.UID
	// ReadyContainers of TotalContainers are ready ("1/2").
	ReadyContainers, TotalContainers int
	// Status is what kubectl get pods prints: Running, ContainerCreating, CrashLoopBackOff, OOMKilled,
	// Evicted, Terminating, Init:1/2, …
	Status   string
	Restarts int32
	// Message is the longest explanation available (an eviction message, a waiting container's message).
	Message string
	// Requests and limits are kept as plain numbers (millicores, bytes): a resource.Quantity per
	// field would cost several times the memory across 150,000 pods.
	CPURequestMilli, CPULimitMilli int64
	MemRequestBytes, MemLimitBytes int64
	Created                        time.Time
	IP                             string
	OwnerKind, OwnerName           string
	// DeletionTime is set while the pod is terminating: the end of its grace period.
	DeletionTime time.Time
	// TerminatingSince is when the deletion was requested.
	TerminatingSince time.Time
	// GracePeriod is the deletion grace period of a terminating pod.
	GracePeriod time.Duration
	// Terminated pods (Succeeded or Failed) no longer count against the node's resources.
	Terminated bool
	// Broken marks a pod a person should look at: failing, stuck creating, or stuck terminating.
	Broken bool
	// Mirror pods are the API's copies of static pods; they cannot be evicted.
	Mirror bool

	// stored is the cached pod the row was made from; a rebuild reuses the row while the cache
	// still holds the same object. requests and limits are its totals, for the allocation.
	stored           *storedPod
	requests, limits corev1.ResourceList
}

// The limits after which a starting or terminating pod counts as broken are the rules' own.
const (
	stuckAfter            = diag.StuckCreatingAfter
	stuckTerminatingAfter = diag.StuckTerminatingAfter
)

// failedStatuses are container or pod states that are broken whatever their age.
var failedStatuses = map[string]bool{
	"CrashLoopBackOff": true, "Error": true, "ImagePullBackOff": true, "ErrImagePull": true,
	"InvalidImageName": true, "CreateContainerConfigError": true, "CreateContainerError": true,
	"RunContainerError": true, "OOMKilled": true, "Evicted": true, "ContainerStatusUnknown": true,
	"Unknown": true, "Failed": true, "StartError": true, "PreStopHookError": true, "PostStartHookError": true,
}

// pendingStatuses are normal for a young pod and broken for an old one.
var pendingStatuses = map[string]bool{
	"ContainerCreating": true, "PodInitializing": true, "Pending": true,
}

// podRow derives the row for one pod at now.
func podRow(pod *corev1.Pod, now time.Time) PodRow {
	status, restarts, ready, total := podStatus(pod)
	// The spec's resources, as kubectl describe node counts them; shared maps, as equal totals
	// repeat across a workload's replicas.
	req := internResources(resourcehelper.PodRequests(pod, resourcehelper.PodResourcesOptions{}))
	lim := internResources(resourcehelper.PodLimits(pod, resourcehelper.PodResourcesOptions{}))
	r := PodRow{
		requests: req, limits: lim,
		Namespace: intern(pod.Namespace), Name: pod.Name, UID: pod.UID,
		ReadyContainers: ready, TotalContainers: total,
		Status: intern(status), Restarts: restarts, Message: podMessage(pod),
		CPURequestMilli: milli(req, corev1.ResourceCPU), CPULimitMilli: milli(lim, corev1.ResourceCPU),
		MemRequestBytes: value(req, corev1.ResourceMemory), MemLimitBytes: value(lim, corev1.ResourceMemory),
		Created: pod.CreationTimestamp.Time, IP: pod.Status.PodIP,
		Terminated: podTerminated(pod),
		Mirror:     pod.Annotations[corev1.MirrorPodAnnotationKey] != "",
	}
	if ref := metav1.GetControllerOfNoCopy(pod); ref != nil {
		r.OwnerKind, r.OwnerName = intern(ref.Kind), intern(ref.Name)
	}
	if pod.DeletionTimestamp != nil {
		// The API server sets deletionTimestamp to when the grace period ends, so the pod has been
		// terminating since that time minus the grace period.
		r.DeletionTime = pod.DeletionTimestamp.Time
		if pod.DeletionGracePeriodSeconds != nil {
			r.GracePeriod = time.Duration(*pod.DeletionGracePeriodSeconds) * time.Second
		}
		r.TerminatingSince = r.DeletionTime.Add(-r.GracePeriod)
	}
	r.Broken = r.isBroken(now)
	return r
}

func milli(l corev1.ResourceList, name corev1.ResourceName) int64 {
	q := l[name]
	return q.MilliValue()
}

func value(l corev1.ResourceList, name corev1.ResourceName) int64 {
	q := l[name]
	return q.Value()
}

// CPURequest is the pod's CPU request as a quantity, for printing ("250m", "2").
func (r PodRow) CPURequest() resource.Quantity {
	return *resource.NewMilliQuantity(r.CPURequestMilli, resource.DecimalSI)
}

// CPULimit is the pod's CPU limit as a quantity.
func (r PodRow) CPULimit() resource.Quantity {
	return *resource.NewMilliQuantity(r.CPULimitMilli, resource.DecimalSI)
}

// MemRequest is the pod's memory request as a quantity ("256Mi").
func (r PodRow) MemRequest() resource.Quantity {
	return *resource.NewQuantity(r.MemRequestBytes, resource.BinarySI)
}

// MemLimit is the pod's memory limit as a quantity.
func (r PodRow) MemLimit() resource.Quantity {
	return *resource.NewQuantity(r.MemLimitBytes, resource.BinarySI)
}

func (r PodRow) isBroken(now time.Time) bool {
	switch {
	case !r.DeletionTime.IsZero() && !r.Terminated:
		return r.StuckTerminating(now)
	case failedStatuses[r.Status] || len(r.Status) > 5 && r.Status[:5] == "Init:" && failedStatuses[r.Status[5:]]:
		return true
	case pendingStatuses[r.Status]:
		return now.Sub(r.Created) > stuckAfter
	case r.Status == "Running" && r.ReadyContainers < r.TotalContainers && r.Restarts > 0:
		return true
	}
	return false
}

// StuckTerminating reports whether the pod has been terminating for longer than its grace period plus
// five minutes at now (deletionTimestamp already includes the grace period).
func (r PodRow) StuckTerminating(now time.Time) bool {
	return !r.DeletionTime.IsZero() && !r.Terminated && now.Sub(r.DeletionTime) > stuckTerminatingAfter
}

// podTerminated reports whether the pod has finished for good; kubectl describe node and the scheduler
// leave such pods out of the node's allocations.
func podTerminated(pod *corev1.Pod) bool {
	return pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed
}

// podStatus ports kubectl's printPod (k8s.io/kubernetes pkg/printers/internalversion, v1.37): the
// pod's reason, then the first unfinished init container, then the last container with a waiting or
// terminated reason; restartable init containers (sidecars) count towards ready/total and, once the
// pod is initialised, theirs are the only init restarts counted; Terminating applies only to pods that
// have not finished. One deliberate difference: an evicted pod says Evicted.
func podStatus(pod *corev1.Pod) (status string, restarts int32, ready, total int) {
	status = string(pod.Status.Phase)
	if pod.Status.Reason != "" {
		status = pod.Status.Reason
	}
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodScheduled && c.Reason == corev1.PodReasonSchedulingGated {
			status = corev1.PodReasonSchedulingGated
		}
	}
	total = len(pod.Spec.Containers)
	sidecars := map[string]bool{}
	for _, c := range pod.Spec.InitContainers {
		if c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways {
			sidecars[c.Name] = true
			total++
		}
	}
	var sidecarRestarts int32
	initializing := false
	for i, c := range pod.Status.InitContainerStatuses {
		restarts += c.RestartCount
		if sidecars[c.Name] {
			sidecarRestarts += c.RestartCount
		}
		switch {
		case c.State.Terminated != nil && c.State.Terminated.ExitCode == 0:
			continue
		case sidecars[c.Name] && c.Started != nil && *c.Started:
			if c.Ready {
				ready++
			}
			continue
		case c.State.Terminated != nil:
			status = "Init:" + terminatedReason(c.State.Terminated)
		case c.State.Waiting != nil && c.State.Waiting.Reason != "" && c.State.Waiting.Reason != "PodInitializing":
			status = "Init:" + c.State.Waiting.Reason
		default:
			status = fmt.Sprintf("Init:%d/%d", i, len(pod.Spec.InitContainers))
		}
		initializing = true
		break
	}
	if !initializing || podConditionTrue(pod, corev1.PodInitialized) {
		restarts = sidecarRestarts
		hasRunning, errorReason := false, ""
		for i := len(pod.Status.ContainerStatuses) - 1; i >= 0; i-- {
			c := pod.Status.ContainerStatuses[i]
			restarts += c.RestartCount
			switch {
			case c.State.Waiting != nil && c.State.Waiting.Reason != "":
				status = c.State.Waiting.Reason
			case c.State.Terminated != nil:
				status = terminatedReason(c.State.Terminated)
				if c.State.Terminated.ExitCode != 0 {
					errorReason = status
				}
			case c.Ready && c.State.Running != nil:
				hasRunning = true
				ready++
			}
		}
		if status == "Completed" {
			switch {
			case hasRunning && podConditionTrue(pod, corev1.PodReady):
				status = "Running"
			case errorReason != "":
				status = errorReason
			case hasRunning:
				status = "NotReady"
			}
		}
	}
	if pod.Status.Reason == "Evicted" {
		// Kubelets mark an evicted pod's containers Error or ContainerStatusUnknown; "Evicted" is the
		// fact that matters during triage.
		status = "Evicted"
	}
	switch {
	case pod.DeletionTimestamp != nil && pod.Status.Reason == "NodeLost":
		status = "Unknown"
	case pod.DeletionTimestamp != nil && !podTerminated(pod):
		status = "Terminating"
	}
	return status, restarts, ready, total
}

func terminatedReason(t *corev1.ContainerStateTerminated) string {
	switch {
	case t.Reason != "":
		return t.Reason
	case t.Signal != 0:
		return fmt.Sprintf("Signal:%d", t.Signal)
	default:
		return fmt.Sprintf("ExitCode:%d", t.ExitCode)
	}
}

func podConditionTrue(pod *corev1.Pod, t corev1.PodConditionType) bool {
	for _, c := range pod.Status.Conditions {
		if c.Type == t {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// podMessage is the most useful explanation the pod carries: its own message (evictions), else the first
// waiting or terminated container message.
func podMessage(pod *corev1.Pod) string {
	if pod.Status.Message != "" {
		return pod.Status.Message
	}
	for _, list := range [][]corev1.ContainerStatus{pod.Status.InitContainerStatuses, pod.Status.ContainerStatuses} {
		for _, c := range list {
			if c.State.Waiting != nil && c.State.Waiting.Message != "" {
				return c.State.Waiting.Message
			}
			if c.State.Terminated != nil && c.State.Terminated.Message != "" {
				return c.State.Terminated.Message
			}
			if t := c.LastTerminationState.Terminated; t != nil && t.Reason == "OOMKilled" {
				return fmt.Sprintf("last restart: OOMKilled (exit code %d)", t.ExitCode)
			}
		}
	}
	return ""
}
