package actions

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
)

// Disposition is what a drain will do with a pod.
type Disposition int

// Dispositions, in the order a preview lists them.
const (
	// Evict: the pod will be evicted (or deleted, with eviction disabled).
	Evict Disposition = iota
	// WaitBudget: the pod will be evicted once its PodDisruptionBudget allows; until then every
	// eviction is refused (429) and retried.
	WaitBudget
	// Block: the drain refuses to start while this pod is there with these options.
	Block
	// Skip: the pod stays (DaemonSet, mirror pod, already terminating on an unreachable node).
	Skip
)

// PodPlan is one pod in a drain preview.
type PodPlan struct {
	Namespace, Name string
	// Owner is "Kind/name" of its controller, or "".
	Owner       string
	Disposition Disposition
	// Reason says why a pod is skipped or blocks, or warns about an eviction ("not re-created").
	Reason string
	// Budget names the PodDisruptionBudget that holds the pod back.
	Budget string
}

// Key is "namespace/name".
func (p PodPlan) Key() string { return p.Namespace + "/" + p.Name }

// Preview is what a drain of a node would do, computed before anything changes.
type Preview struct {
	Node          string
	Unschedulable bool
	Unreachable   bool
	// NotReady: the kubelet reports but is not ready (PLEG, runtime down); it may never finish
	// terminating the evicted pods.
	NotReady bool
	Options  DrainOptions
	Pods     []PodPlan
	// BudgetsUnknown is set when PodDisruptionBudgets could not be read; the preview cannot say which
	// evictions they will refuse.
	BudgetsUnknown string
}

// With lists the pods of one disposition.
func (p Preview) With(d Disposition) []PodPlan {
	var out []PodPlan
	for _, pod := range p.Pods {
		if pod.Disposition == d {
			out = append(out, pod)
		}
	}
	return out
}

// CanStart reports whether kubectl's rules let the drain start with these options.
func (p Preview) CanStart() bool { return len(p.With(Block)) == 0 }

// Why the drain rules keep or refuse a pod, for the person choosing options.
const (
	reasonDaemonSet        = "DaemonSet pod: its controller keeps it on the node"
	reasonDaemonSetBlocks  = "DaemonSet pod: turn on \"ignore DaemonSets\""
	reasonMirror           = "static pod (mirror): only the kubelet's manifest removes it"
	reasonTerminating      = "already terminating on an unreachable node: not waited for"
	reasonEmptyDirBlocks   = "uses emptyDir: turn on \"delete emptyDir data\" (its data is lost)"
	reasonEmptyDirWarning  = "emptyDir data will be lost"
	reasonUnmanagedBlocks  = "no controller: turn on \"force\" (nothing re-creates it)"
	reasonUnmanagedWarning = "no controller: it will not be re-created"
)

// PreviewDrain lists what a drain of the node with these options would evict, skip and be blocked
// by, without changing anything. The pods to evict are exactly those kubectl's drain helper picks;
// the reasons for the others follow the helper's filters, in the same order.
func (r *Runner) PreviewDrain(ctx context.Context, nodeName string, o DrainOptions) (Preview, error) {
	node, err := r.kube.CoreV1().Nodes().Get(ctx, nodeName, metav1.GetOptions{})
	if err != nil {
		return Preview{}, fmt.Errorf("drain %s: %w", nodeName, err)
	}
	pv := Preview{Node: nodeName, Unschedulable: node.Spec.Unschedulable, Unreachable: NodeUnreachable(node), NotReady: nodeNotReady(node), Options: o}
	pods, err := r.kube.CoreV1().Pods(metav1.NamespaceAll).List(ctx, metav1.ListOptions{
		FieldSelector: fields.OneTermEqualSelector("spec.nodeName", nodeName).String()})
	if err != nil {
		return pv, fmt.Errorf("drain %s: list its pods: %w", nodeName, err)
	}
	list, errs := r.helper(ctx, o).GetPodsForDeletion(nodeName)
	if list == nil && len(errs) > 0 {
		return pv, fmt.Errorf("drain %s: %w", nodeName, errors.Join(errs...))
	}
	chosen := map[string]bool{}
	if list != nil {
		for _, p := range list.Pods() {
			chosen[p.Namespace+"/"+p.Name] = true
		}
	}
	for i := range pods.Items {
		pv.Pods = append(pv.Pods, r.planPod(ctx, &pods.Items[i], o, chosen))
	}
	pv.BudgetsUnknown = r.applyBudgets(ctx, &pv, pods.Items)
	slices.SortStableFunc(pv.Pods, func(a, b PodPlan) int {
		if a.Disposition != b.Disposition {
			return int(a.Disposition) - int(b.Disposition)
		}
		return strings.Compare(a.Key(), b.Key())
	})
	return pv, nil
}

// planPod classifies one pod. chosen holds the pods kubectl's helper will delete: they are evicted,
// whatever ktriage's own reading says, so the preview never promises what the drain won't do.
func (r *Runner) planPod(ctx context.Context, pod *corev1.Pod, o DrainOptions, chosen map[string]bool) PodPlan {
	plan := PodPlan{Namespace: pod.Namespace, Name: pod.Name}
	ref := metav1.GetControllerOf(pod)
	if ref != nil {
		plan.Owner = ref.Kind + "/" + ref.Name
	}
	plan.Disposition, plan.Reason = r.classify(ctx, pod, ref, o)
	if chosen[plan.Key()] {
		if plan.Disposition != Evict {
			plan.Reason = ""
		}
		plan.Disposition = Evict
	} else if plan.Disposition == Evict {
		// The helper refused a pod these rules would evict (a DaemonSet it could not read, …).
		plan.Disposition, plan.Reason = Block, "kubectl's drain rules refuse it"
	}
	return plan
}

// classify follows kubectl's drain filters (skip deleted, DaemonSet, mirror, local storage,
// unreplicated) to say why.
func (r *Runner) classify(ctx context.Context, pod *corev1.Pod, ref *metav1.OwnerReference, o DrainOptions) (Disposition, string) {
	finished := pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed
	switch {
	case o.SkipWaitUnreachable && pod.DeletionTimestamp != nil && int(time.Since(pod.DeletionTimestamp.Time).Seconds()) > skipWaitSeconds: // kubectl reads the wall clock
		return Skip, reasonTerminating
	case ref != nil && ref.Kind == "DaemonSet" && ref.APIVersion == appsv1.SchemeGroupVersion.String() && !finished:
		_, err := r.kube.AppsV1().DaemonSets(pod.Namespace).Get(ctx, ref.Name, metav1.GetOptions{})
		switch {
		case apierrors.IsNotFound(err) && o.Force:
			return Evict, "its DaemonSet is gone"
		case err != nil:
			return Block, "DaemonSet " + ref.Name + ": " + err.Error()
		case !o.IgnoreDaemonSets:
			return Block, reasonDaemonSetBlocks
		}
		return Skip, reasonDaemonSet
	case hasAnnotation(pod, corev1.MirrorPodAnnotationKey):
		return Skip, reasonMirror
	}
	var warnings []string
	if !finished && hasEmptyDir(pod) {
		if !o.DeleteEmptyDirData {
			return Block, reasonEmptyDirBlocks
		}
		warnings = append(warnings, reasonEmptyDirWarning)
	}
	if !finished && ref == nil {
		if !o.Force {
			return Block, reasonUnmanagedBlocks
		}
		warnings = append(warnings, reasonUnmanagedWarning)
	}
	return Evict, strings.Join(warnings, "; ")
}

func hasEmptyDir(pod *corev1.Pod) bool {
	for _, v := range pod.Spec.Volumes {
		if v.EmptyDir != nil {
			return true
		}
	}
	return false
}

// applyBudgets marks the pods a PodDisruptionBudget will hold back: per budget, as many evictions go
// through as it allows now; the rest wait for replacements to become healthy elsewhere. It returns
// why budgets could not be read, or "". Evictions are the only thing budgets stop: with eviction
// disabled they are bypassed.
func (r *Runner) applyBudgets(ctx context.Context, pv *Preview, pods []corev1.Pod) string {
	if pv.Options.DisableEviction {
		return ""
	}
	byKey := make(map[string]*corev1.Pod, len(pods))
	namespaces := map[string]bool{}
	for i := range pods {
		byKey[pods[i].Namespace+"/"+pods[i].Name] = &pods[i]
	}
	for _, plan := range pv.Pods {
		if plan.Disposition == Evict {
			namespaces[plan.Namespace] = true
		}
	}
	budgets := map[string]int32{}
	for _, ns := range slices.Sorted(maps.Keys(namespaces)) {
		list, err := r.kube.PolicyV1().PodDisruptionBudgets(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return "PodDisruptionBudgets not checked: " + err.Error()
		}
		for i := range pv.Pods {
			plan := &pv.Pods[i]
			if plan.Namespace != ns || plan.Disposition != Evict {
				continue
			}
			pod := byKey[plan.Key()]
			pdb := budgetFor(pod, list.Items)
			if pdb == nil || !budgetCounts(pod, pdb) {
				continue
			}
			key := ns + "/" + pdb.Name
			left, seen := budgets[key]
			if !seen {
				left = pdb.Status.DisruptionsAllowed
			}
			if left > 0 {
				budgets[key] = left - 1
				continue
			}
			budgets[key] = 0
			plan.Disposition, plan.Budget = WaitBudget, pdb.Name
			plan.Reason = fmt.Sprintf("PodDisruptionBudget %s allows %d disruptions now (%d of %d pods healthy, %d needed): the drain retries until it allows one",
				pdb.Name, pdb.Status.DisruptionsAllowed, pdb.Status.CurrentHealthy, pdb.Status.ExpectedPods, pdb.Status.DesiredHealthy)
		}
	}
	return ""
}

// budgetCounts reports whether evicting the pod spends the budget, as the eviction API decides:
// pods that are not running (pending, finished) or already terminating skip the check, and an
// unready pod goes without spending it when the budget allows unhealthy pods to be evicted
// (AlwaysAllow) or is satisfied anyway (the default policy, with enough healthy pods).
func budgetCounts(pod *corev1.Pod, pdb *policyv1.PodDisruptionBudget) bool {
	if pod.DeletionTimestamp != nil || pod.Status.Phase != corev1.PodRunning {
		return false
	}
	if podReady(pod) {
		return true
	}
	policy := pdb.Spec.UnhealthyPodEvictionPolicy
	if policy != nil && *policy == policyv1.AlwaysAllow {
		return false
	}
	return pdb.Status.CurrentHealthy < pdb.Status.DesiredHealthy
}

func podReady(pod *corev1.Pod) bool {
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// budgetFor finds the budget whose selector matches the pod, as the eviction API does.
func budgetFor(pod *corev1.Pod, pdbs []policyv1.PodDisruptionBudget) *policyv1.PodDisruptionBudget {
	if pod == nil {
		return nil
	}
	for i := range pdbs {
		sel, err := metav1.LabelSelectorAsSelector(pdbs[i].Spec.Selector)
		// A nil selector matches nothing and an empty one everything, as in policy/v1.
		if err == nil && sel.Matches(labels.Set(pod.Labels)) {
			return &pdbs[i]
		}
	}
	return nil
}

// hasAnnotation is kubectl's test for a mirror pod: the key is present, whatever its value.
func hasAnnotation(pod *corev1.Pod, key string) bool {
	_, ok := pod.Annotations[key]
	return ok
}
