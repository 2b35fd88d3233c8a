package demo

import (
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	policyv1beta1 "k8s.io/api/policy/v1beta1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	k8stesting "k8s.io/client-go/testing"
	"k8s.io/utils/ptr"
)

var (
	podsResource = schema.GroupVersionResource{Version: "v1", Resource: "pods"}
	pdbResource  = schema.GroupVersionResource{Group: "policy", Version: "v1", Resource: "poddisruptionbudgets"}
	pdbKind      = schema.GroupVersionKind{Group: "policy", Version: "v1", Kind: "PodDisruptionBudget"}
	podKind      = schema.GroupVersionKind{Version: "v1", Kind: "Pod"}
)

// installReactors puts the demo's reactors in front of the fake's defaults. The fake runs the
// first reactor that handles an action, under its lock, so these see a consistent store.
func (c *Cluster) installReactors() {
	// Prepended last runs first: logs, node shell pods, evictions and pod deletions, then lists,
	// then everything else through the store.
	c.cs.PrependReactor("*", "*", k8stesting.ObjectReaction(c.store))
	c.cs.PrependReactor("list", "*", c.store.listReaction)
	c.cs.PrependWatchReactor("*", c.store.watchReaction)
	c.cs.PrependReactor("delete", "pods", c.deletePodReaction)
	c.cs.PrependReactor("create", "pods", c.evictionReaction)
	c.cs.PrependReactor("create", "pods", c.shellPodReaction)
	c.cs.PrependReactor("get", "pods", c.logsReaction)
	c.installReviewReactors()
}

// deletePodReaction: on a node whose kubelet is gone (unreachable, PLEG stuck, runtime down) a
// graceful delete only marks the pod Terminating, as on a real cluster; a force delete
// (gracePeriodSeconds 0) removes it. Elsewhere the kubelet finishes at once.
func (c *Cluster) deletePodReaction(action k8stesting.Action) (bool, runtime.Object, error) {
	da, ok := action.(k8stesting.DeleteActionImpl)
	if !ok || da.GetSubresource() != "" {
		return false, nil, nil
	}
	opts := da.GetDeleteOptions()
	return true, nil, c.deletePod(da.GetNamespace(), da.GetName(), &opts)
}

func (c *Cluster) deletePod(ns, name string, opts *metav1.DeleteOptions) error {
	obj, err := c.store.Get(podsResource, ns, name)
	if err != nil {
		return err
	}
	pod := obj.(*corev1.Pod)
	if opts != nil && opts.Preconditions != nil {
		if u := opts.Preconditions.UID; u != nil && *u != pod.UID {
			return apierrors.NewConflict(podsResource.GroupResource(), name, fmt.Errorf("the UID in the precondition (%s) does not match the UID in record (%s)", *u, pod.UID))
		}
	}
	grace := int64(30)
	if pod.Spec.TerminationGracePeriodSeconds != nil {
		grace = *pod.Spec.TerminationGracePeriodSeconds
	}
	if opts != nil && opts.GracePeriodSeconds != nil {
		grace = *opts.GracePeriodSeconds
	}
	terminal := pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed
	if grace <= 0 || terminal || pod.Spec.NodeName == "" || c.kubeletFinishesDeletes(pod.Spec.NodeName) {
		if err := c.store.Delete(podsResource, ns, name); err != nil {
			return err
		}
		c.syncBudgets(ns)
		return nil
	}
	// As the API server: the deletion timestamp is when the grace period ends.
	deadline := c.Now().Add(time.Duration(grace) * time.Second)
	if pod.DeletionTimestamp != nil && !deadline.Before(pod.DeletionTimestamp.Time) {
		return nil // already terminating, with an earlier deadline
	}
	pod.DeletionTimestamp = mptr(deadline)
	pod.DeletionGracePeriodSeconds = ptr.To(grace)
	if err := c.store.Update(podsResource, pod, ns); err != nil {
		return err
	}
	c.syncBudgets(ns)
	return nil
}

// evictionReaction serves the pods/eviction subresource (policy/v1 and v1beta1): it refuses with
// 429 when a PodDisruptionBudget would be violated, and otherwise deletes the pod like a
// graceful delete.
func (c *Cluster) evictionReaction(action k8stesting.Action) (bool, runtime.Object, error) {
	ca, ok := action.(k8stesting.CreateActionImpl)
	if !ok || ca.GetSubresource() != "eviction" {
		return false, nil, nil
	}
	var name string
	var opts *metav1.DeleteOptions
	switch ev := ca.GetObject().(type) {
	case *policyv1.Eviction:
		name, opts = ev.Name, ev.DeleteOptions
	case *policyv1beta1.Eviction:
		name, opts = ev.Name, ev.DeleteOptions
	default:
		return true, nil, apierrors.NewBadRequest(fmt.Sprintf("unexpected eviction object %T", ev))
	}
	ns := ca.GetNamespace()
	obj, err := c.store.Get(podsResource, ns, name)
	if err != nil {
		return true, nil, err
	}
	pod := obj.(*corev1.Pod)
	if pod.DeletionTimestamp == nil {
		if err := c.checkDisruptionBudgets(pod); err != nil {
			return true, nil, err
		}
	}
	return true, ca.GetObject(), c.deletePod(ns, name, opts)
}
