package actions

import (
	"context"
	"io"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/kubectl/pkg/drain"
)

// DrainOptions are kubectl drain's options, with ktriage's defaults.
type DrainOptions struct {
	// IgnoreDaemonSets leaves DaemonSet pods in place (their controller would re-create them anyway).
	IgnoreDaemonSets bool
	// DeleteEmptyDirData evicts pods with emptyDir volumes; their data is lost.
	DeleteEmptyDirData bool
	// Force evicts pods without a controller; nothing re-creates them.
	Force bool
	// DisableEviction deletes pods instead of evicting them: PodDisruptionBudgets are bypassed.
	DisableEviction bool
	// GracePeriodSeconds overrides each pod's terminationGracePeriodSeconds; -1 keeps the pod's own.
	GracePeriodSeconds int
	// Timeout ends the drain with what is left and why.
	Timeout time.Duration
	// SkipWaitUnreachable stops waiting for pods whose deletion has passed its grace period: on an
	// unreachable node no kubelet will ever confirm it, and the drain would otherwise never finish.
	SkipWaitUnreachable bool
}

// DefaultDrainTimeout bounds a drain unless the person picks another timeout.
const DefaultDrainTimeout = 5 * time.Minute

// DefaultDrainOptions are ktriage's defaults for a node: DaemonSets ignored, pods' own grace periods,
// a 5 minute timeout, and not waiting for pods that cannot terminate when the node is unreachable.
func DefaultDrainOptions(node *corev1.Node) DrainOptions {
	return DrainOptions{IgnoreDaemonSets: true, GracePeriodSeconds: -1, Timeout: DefaultDrainTimeout,
		SkipWaitUnreachable: NodeUnreachable(node)}
}

// NodeUnreachable reports whether the node's Ready condition is Unknown: its kubelet has stopped
// reporting, so pods on it cannot be confirmed gone.
func NodeUnreachable(node *corev1.Node) bool { return readyStatus(node) == corev1.ConditionUnknown }

// nodeNotReady reports whether the node's Ready condition is False: the kubelet reports, but is not
// ready (PLEG, runtime down).
func nodeNotReady(node *corev1.Node) bool { return readyStatus(node) == corev1.ConditionFalse }

// readyStatus is the status of the node's Ready condition, or "" without one.
func readyStatus(node *corev1.Node) corev1.ConditionStatus {
	if node == nil {
		return ""
	}
	for _, c := range node.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status
		}
	}
	return ""
}

// auditOptions is how the options appear in the audit log.
func (o DrainOptions) auditOptions() map[string]any {
	return map[string]any{
		"ignoreDaemonSets": o.IgnoreDaemonSets, "deleteEmptyDirData": o.DeleteEmptyDirData, "force": o.Force,
		"disableEviction": o.DisableEviction, "gracePeriodSeconds": o.GracePeriodSeconds,
		"timeout": o.Timeout.String(), "skipWaitUnreachable": o.SkipWaitUnreachable,
	}
}

// helper builds kubectl's drain helper for these options.
func (r *Runner) helper(ctx context.Context, o DrainOptions) *drain.Helper {
	h := &drain.Helper{
		Ctx: ctx, Client: r.kube,
		Force: o.Force, GracePeriodSeconds: o.GracePeriodSeconds, IgnoreAllDaemonSets: o.IgnoreDaemonSets,
		DeleteEmptyDirData: o.DeleteEmptyDirData, DisableEviction: o.DisableEviction, Timeout: o.Timeout,
		EvictErrorRetryDelay: r.retryDelay,
		// ktriage reports progress from the helper's callbacks, not its text.
		Out: io.Discard, ErrOut: io.Discard,
	}
	if o.SkipWaitUnreachable {
		// kubectl counts from the deletion timestamp, which is the eviction time plus the grace
		// period: a pod is given up on one second after its grace period ends.
		h.SkipWaitForDeleteTimeoutSeconds = skipWaitSeconds
	}
	return h
}

// skipWaitSeconds is how long after its deletion timestamp a pod on an unreachable node stops being
// waited for.
const skipWaitSeconds = 1
