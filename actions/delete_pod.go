package actions

import (
	"context"
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
)

// PodRef names the pod to delete. With a UID, only that pod is deleted, not a namesake a
// StatefulSet created since the person looked.
type PodRef struct {
	Namespace, Name string
	UID             types.UID
}

// ErrForceNeedsUnreachableNode refuses a force delete of a pod whose node still reports: the kubelet
// may still run its containers, and a StatefulSet would start a second copy.
var ErrForceNeedsUnreachableNode = errors.New("force delete is only for pods on an unreachable node (Ready Unknown) or a deleted node")

// DeletePod deletes a pod with its grace period. With force, the grace period is 0 and the API
// object goes at once, without waiting for the kubelet: allowed only when the pod's node is
// unreachable or gone, where no kubelet will ever confirm the deletion.
func (r *Runner) DeletePod(ctx context.Context, ref PodRef, force bool) error {
	perm := PermDeletePods
	perm.Namespace = ref.Namespace
	options := map[string]any{"force": force}
	rec, err := r.begin(ctx, AuditEntry{Action: string(ActionDeletePod), Pod: ref.Namespace + "/" + ref.Name, Options: options}, perm)
	if err != nil {
		return fmt.Errorf("delete pod %s/%s: %w", ref.Namespace, ref.Name, err)
	}
	node, err := r.deletePod(ctx, ref, force)
	rec.entry.Node = node
	result := ResultOK
	if err != nil {
		result = ResultFailed
	}
	if aerr := rec.finish(result, []string{ref.Namespace + "/" + ref.Name}, err); aerr != nil {
		err = errors.Join(err, aerr)
	}
	if err != nil {
		return fmt.Errorf("delete pod %s/%s: %w", ref.Namespace, ref.Name, err)
	}
	return nil
}

func (r *Runner) deletePod(ctx context.Context, ref PodRef, force bool) (node string, err error) {
	pod, err := r.kube.CoreV1().Pods(ref.Namespace).Get(ctx, ref.Name, metav1.GetOptions{})
	if err != nil {
		return "", err
	}
	if ref.UID != "" && pod.UID != ref.UID {
		return pod.Spec.NodeName, errors.New("the pod was replaced by a new one with the same name; nothing was deleted")
	}
	opts := metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &pod.UID}}
	if force {
		if err := r.requireUnreachable(ctx, pod); err != nil {
			return pod.Spec.NodeName, err
		}
		opts.GracePeriodSeconds = ptr.To[int64](0)
	}
	return pod.Spec.NodeName, r.kube.CoreV1().Pods(ref.Namespace).Delete(ctx, ref.Name, opts)
}

func (r *Runner) requireUnreachable(ctx context.Context, pod *corev1.Pod) error {
	if pod.Spec.NodeName == "" {
		return ErrForceNeedsUnreachableNode
	}
	node, err := r.kube.CoreV1().Nodes().Get(ctx, pod.Spec.NodeName, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		return nil
	case err != nil:
		return err
	case !NodeUnreachable(node):
		return ErrForceNeedsUnreachableNode
	}
	return nil
}
