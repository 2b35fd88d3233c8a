package testenv

import (
	"context"
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"
)

// Owner kinds a fixture pod can have.
const (
	OwnerNone        = ""
	OwnerReplicaSet  = "ReplicaSet"
	OwnerDaemonSet   = "DaemonSet"
	OwnerStatefulSet = "StatefulSet"
)

// PodSpec describes a fixture pod: where it runs, who owns it and what it asks for.
type PodSpec struct {
	Namespace, Name, Node string
	// Owner is the owner's kind (OwnerReplicaSet, …) and OwnerRef the reference from CreateOwner.
	Owner    string
	OwnerRef *metav1.OwnerReference
	Labels   map[string]string
	// Requests and limits of the main container ("" for none).
	CPU, Memory, CPULimit, MemoryLimit string
	// EmptyDir mounts a scratch volume (local data a drain must be told to delete).
	EmptyDir bool
	// InitContainer adds an init container whose request is larger than the main one's, which
	// `kubectl describe node` counts instead of the main containers'.
	InitContainer bool
}

// Pod builds the pod object of a spec: image, resources, ownership, tolerations of the node
// lifecycle taints, no service-account token.
func Pod(spec PodSpec) *corev1.Pod {
	labels := map[string]string{"app": spec.Name}
	for k, v := range spec.Labels {
		labels[k] = v
	}
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: spec.Name, Namespace: spec.Namespace, Labels: labels},
		Spec: corev1.PodSpec{
			NodeName:                      spec.Node,
			AutomountServiceAccountToken:  ptr.To(false),
			TerminationGracePeriodSeconds: ptr.To[int64](30),
			Containers: []corev1.Container{{
				Name:      "main",
				Image:     "registry.k8s.io/pause:3.10",
				Resources: resources(spec.CPU, spec.Memory, spec.CPULimit, spec.MemoryLimit),
			}},
		},
	}
	if spec.InitContainer {
		pod.Spec.InitContainers = []corev1.Container{{
			Name: "init", Image: "registry.k8s.io/pause:3.10",
			Resources: resources("1", "1Gi", "", ""),
		}}
	}
	if spec.EmptyDir {
		pod.Spec.Volumes = []corev1.Volume{{Name: "scratch", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}}
		pod.Spec.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "scratch", MountPath: "/scratch"}}
	}
	if spec.OwnerRef != nil {
		pod.OwnerReferences = []metav1.OwnerReference{*spec.OwnerRef}
	}
	return pod
}

func resources(cpu, mem, cpuLimit, memLimit string) corev1.ResourceRequirements {
	var r corev1.ResourceRequirements
	set := func(list *corev1.ResourceList, name corev1.ResourceName, value string) {
		if value == "" {
			return
		}
		if *list == nil {
			*list = corev1.ResourceList{}
		}
		(*list)[name] = resource.MustParse(value)
	}
	set(&r.Requests, corev1.ResourceCPU, cpu)
	set(&r.Requests, corev1.ResourceMemory, mem)
	set(&r.Limits, corev1.ResourceCPU, cpuLimit)
	set(&r.Limits, corev1.ResourceMemory, memLimit)
	return r
}

// EnsureNamespace creates a namespace (if missing) and waits for its default service account,
// without which pods are refused.
func (e *Env) EnsureNamespace(ctx context.Context, name string) error {
	return EnsureNamespace(ctx, e.Client, name)
}

// EnsureNamespace is Env.EnsureNamespace for any client. Without a controller manager nobody makes
// the default service account, so it creates it itself after a short wait.
func EnsureNamespace(ctx context.Context, client kubernetes.Interface, name string) error {
	_, err := client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create namespace %s: %w", name, err)
	}
	deadline := time.Now().Add(5 * time.Second)
	return wait.PollUntilContextCancel(ctx, 100*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		_, err := client.CoreV1().ServiceAccounts(name).Get(ctx, "default", metav1.GetOptions{})
		if err == nil {
			return true, nil
		}
		if !apierrors.IsNotFound(err) {
			return false, err
		}
		if time.Now().After(deadline) {
			_, err := client.CoreV1().ServiceAccounts(name).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default"}}, metav1.CreateOptions{})
			if err != nil && !apierrors.IsAlreadyExists(err) {
				return false, err
			}
		}
		return false, nil
	})
}

// CreateOwner creates the workload object fixture pods point to — a ReplicaSet, DaemonSet or
// StatefulSet selecting app=name — and returns the controller reference for their PodSpec.
// replicas is what the owner claims to want; with the workload controllers off (the default) the
// object never creates or deletes pods itself, but drain and the disruption controller find it.
func (e *Env) CreateOwner(ctx context.Context, kind, namespace, name string, replicas int32) (*metav1.OwnerReference, error) {
	return CreateOwner(ctx, e.Client, kind, namespace, name, replicas)
}

// CreateOwner is Env.CreateOwner for any client.
func CreateOwner(ctx context.Context, client kubernetes.Interface, kind, namespace, name string, replicas int32) (*metav1.OwnerReference, error) {
	selector := &metav1.LabelSelector{MatchLabels: map[string]string{"app": name}}
	template := corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": name}},
		Spec:       Pod(PodSpec{Name: name}).Spec,
	}
	meta := metav1.ObjectMeta{Name: name, Namespace: namespace}
	apps := client.AppsV1()
	var obj metav1.Object
	var err error
	switch kind {
	case OwnerReplicaSet:
		obj, err = apps.ReplicaSets(namespace).Create(ctx, &appsv1.ReplicaSet{ObjectMeta: meta,
			Spec: appsv1.ReplicaSetSpec{Replicas: &replicas, Selector: selector, Template: template}}, metav1.CreateOptions{})
	case OwnerDaemonSet:
		obj, err = apps.DaemonSets(namespace).Create(ctx, &appsv1.DaemonSet{ObjectMeta: meta,
			Spec: appsv1.DaemonSetSpec{Selector: selector, Template: template}}, metav1.CreateOptions{})
	case OwnerStatefulSet:
		obj, err = apps.StatefulSets(namespace).Create(ctx, &appsv1.StatefulSet{ObjectMeta: meta,
			Spec: appsv1.StatefulSetSpec{Replicas: &replicas, Selector: selector, Template: template, ServiceName: name}}, metav1.CreateOptions{})
	default:
		return nil, fmt.Errorf("unknown owner kind %q", kind)
	}
	if err != nil {
		return nil, fmt.Errorf("create %s %s/%s: %w", kind, namespace, name, err)
	}
	return ControllerRef(kind, obj), nil
}

// ControllerRef is the controller reference a pod of an apps/v1 owner carries.
func ControllerRef(kind string, owner metav1.Object) *metav1.OwnerReference {
	return &metav1.OwnerReference{
		APIVersion: "apps/v1", Kind: kind, Name: owner.GetName(), UID: owner.GetUID(),
		Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true),
	}
}

// CreatePods creates fixture pods concurrently. Pods on kwok nodes turn Running within seconds;
// pods on other nodes stay Pending until a test writes their status (SetPodStatus).
func (e *Env) CreatePods(ctx context.Context, specs ...PodSpec) error {
	return parallel(ctx, len(specs), 16, func(ctx context.Context, i int) error {
		spec := specs[i]
		if spec.OwnerRef != nil {
			spec.Labels = mergeLabels(spec.Labels, map[string]string{"app": spec.OwnerRef.Name})
		}
		_, err := e.Client.CoreV1().Pods(spec.Namespace).Create(ctx, Pod(spec), metav1.CreateOptions{})
		if err != nil {
			return fmt.Errorf("create pod %s/%s: %w", spec.Namespace, spec.Name, err)
		}
		return nil
	})
}

func mergeLabels(a, b map[string]string) map[string]string {
	out := make(map[string]string, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// SetPodStatus writes a pod's status, for pods on nodes kwok does not manage.
func (e *Env) SetPodStatus(ctx context.Context, namespace, name string, status corev1.PodStatus) error {
	pod, err := e.Client.CoreV1().Pods(namespace).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return err
	}
	pod.Status = status
	_, err = e.Client.CoreV1().Pods(namespace).UpdateStatus(ctx, pod, metav1.UpdateOptions{})
	return err
}

// WaitForPodsRunning waits until every pod selected in the namespace is Running and Ready, and there
// are at least want of them.
func (e *Env) WaitForPodsRunning(ctx context.Context, namespace, selector string, want int) error {
	return wait.PollUntilContextCancel(ctx, 250*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		pods, err := e.Client.CoreV1().Pods(namespace).List(ctx, metav1.ListOptions{LabelSelector: selector})
		if err != nil {
			return false, err
		}
		if len(pods.Items) < want {
			return false, nil
		}
		for i := range pods.Items {
			if !podReady(&pods.Items[i]) {
				return false, nil
			}
		}
		return true, nil
	})
}

func podReady(pod *corev1.Pod) bool {
	if pod.Status.Phase != corev1.PodRunning {
		return false
	}
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// CreatePDB creates a PodDisruptionBudget over app=<app> with minAvailable pods.
func (e *Env) CreatePDB(ctx context.Context, namespace, name, app string, minAvailable int) (*policyv1.PodDisruptionBudget, error) {
	pdb := &policyv1.PodDisruptionBudget{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace},
		Spec: policyv1.PodDisruptionBudgetSpec{
			MinAvailable: ptr.To(intstr.FromInt(minAvailable)),
			Selector:     &metav1.LabelSelector{MatchLabels: map[string]string{"app": app}},
		},
	}
	created, err := e.Client.PolicyV1().PodDisruptionBudgets(namespace).Create(ctx, pdb, metav1.CreateOptions{})
	if err != nil {
		return nil, fmt.Errorf("create PDB %s/%s: %w", namespace, name, err)
	}
	return created, nil
}

// WaitForPDB waits until the disruption controller has observed the budget's current generation
// and allows exactly disruptionsAllowed evictions.
func (e *Env) WaitForPDB(ctx context.Context, namespace, name string, disruptionsAllowed int32) error {
	return wait.PollUntilContextCancel(ctx, 200*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		pdb, err := e.Client.PolicyV1().PodDisruptionBudgets(namespace).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		return pdb.Status.ObservedGeneration == pdb.Generation && pdb.Status.DisruptionsAllowed == disruptionsAllowed, nil
	})
}
