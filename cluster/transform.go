package cluster

import (
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ktriage/ktriage/diag"
)

// The informer transforms below run before an object enters the cache, so ktriage holds one stripped
// copy of each object: only what it shows or what a diagnosis rule reads. At 150,000 pods the pod
// transform is the difference between a few hundred megabytes and several gigabytes.

// keptPodAnnotations are the only pod annotations ktriage reads: mirror pods cannot be evicted.
var keptPodAnnotations = []string{corev1.MirrorPodAnnotationKey, "kubernetes.io/config.source"}

// stripMeta drops managedFields and annotations, keeping only the listed annotations.
func stripMeta(m *metav1.ObjectMeta, keepAnnotations ...string) {
	m.ManagedFields = nil
	var kept map[string]string
	for _, k := range keepAnnotations {
		if v, ok := m.Annotations[k]; ok {
			if kept == nil {
				kept = map[string]string{}
			}
			kept[k] = v
		}
	}
	m.Annotations = kept
	m.Finalizers = nil
}

// TransformPod keeps a pod's identity, owners, placement, resources, volumes by kind and name, and
// status; it drops env, commands, probes, mounts, affinity, the bodies of volumes and a bound pod's
// tolerations.
func TransformPod(obj any) (any, error) {
	pod, ok := obj.(*corev1.Pod)
	if !ok {
		return obj, nil
	}
	stripMeta(&pod.ObjectMeta, keptPodAnnotations...)
	stripContainers(pod.Spec.InitContainers)
	stripContainers(pod.Spec.Containers)
	pod.Spec.EphemeralContainers = nil
	pod.Spec.Affinity = nil
	pod.Spec.TopologySpreadConstraints = nil
	pod.Spec.ReadinessGates = nil
	pod.Spec.DNSConfig = nil
	pod.Spec.HostAliases = nil
	pod.Spec.SecurityContext = nil
	pod.Spec.ImagePullSecrets = nil
	pod.Spec.ResourceClaims = nil
	pod.Spec.SchedulingGates = nil
	if pod.Spec.NodeName != "" {
		// Only a pending pod's tolerations matter (the scheduling wizard); admission gives every pod
		// two, which would otherwise be kept 150,000 times.
		pod.Spec.Tolerations = nil
	}
	for i := range pod.Spec.Volumes {
		pod.Spec.Volumes[i].VolumeSource = stripVolumeSource(pod.Spec.Volumes[i].VolumeSource)
	}
	pod.Status.Conditions = keptConditions(pod)
	stripContainerStatuses(pod.Status.InitContainerStatuses)
	stripContainerStatuses(pod.Status.ContainerStatuses)
	pod.Status.EphemeralContainerStatuses = nil
	pod.Status.PodIPs = nil
	pod.Status.HostIPs = nil
	pod.Status.ResourceClaimStatuses = nil
	return pod, nil
}

// keptConditions drops the True ContainersReady and PodReadyToStartContainers conditions, which
// nothing reads (Ready says the same), except on a failed pod, whose conditions date its eviction.
func keptConditions(pod *corev1.Pod) []corev1.PodCondition {
	var out []corev1.PodCondition
	for _, c := range pod.Status.Conditions {
		redundant := c.Status == corev1.ConditionTrue && (c.Type == corev1.ContainersReady || c.Type == corev1.PodReadyToStartContainers)
		if redundant && pod.Status.Phase != corev1.PodFailed {
			continue
		}
		c.LastProbeTime = metav1.Time{}
		out = append(out, c)
	}
	return out
}

func stripContainers(cs []corev1.Container) {
	for i := range cs {
		c := &cs[i]
		*c = corev1.Container{
			Name:          c.Name,
			Image:         c.Image,
			Resources:     c.Resources,
			RestartPolicy: c.RestartPolicy,
		}
	}
}

func stripContainerStatuses(cs []corev1.ContainerStatus) {
	for i := range cs {
		c := &cs[i]
		c.ImageID = ""
		c.ContainerID = ""
		c.VolumeMounts = nil
		c.AllocatedResourcesStatus = nil
		c.User = nil
	}
}

// stripVolumeSource keeps which kind of volume it is (emptyDir matters to drain, hostPath to disk
// pressure) and the names of ConfigMaps and Secrets (each is a kubelet watch), nothing else.
func stripVolumeSource(v corev1.VolumeSource) corev1.VolumeSource {
	var out corev1.VolumeSource
	switch {
	case v.EmptyDir != nil:
		out.EmptyDir = v.EmptyDir
	case v.HostPath != nil:
		out.HostPath = &corev1.HostPathVolumeSource{Path: v.HostPath.Path}
	case v.ConfigMap != nil:
		out.ConfigMap = &corev1.ConfigMapVolumeSource{LocalObjectReference: v.ConfigMap.LocalObjectReference}
	case v.Secret != nil:
		out.Secret = &corev1.SecretVolumeSource{SecretName: v.Secret.SecretName}
	case v.PersistentVolumeClaim != nil:
		out.PersistentVolumeClaim = &corev1.PersistentVolumeClaimVolumeSource{ClaimName: v.PersistentVolumeClaim.ClaimName}
	case v.Projected != nil:
		var sources []corev1.VolumeProjection
		for _, s := range v.Projected.Sources {
			switch {
			case s.ConfigMap != nil:
				sources = append(sources, corev1.VolumeProjection{ConfigMap: &corev1.ConfigMapProjection{LocalObjectReference: s.ConfigMap.LocalObjectReference}})
			case s.Secret != nil:
				sources = append(sources, corev1.VolumeProjection{Secret: &corev1.SecretProjection{LocalObjectReference: s.Secret.LocalObjectReference}})
			}
		}
		out.Projected = &corev1.ProjectedVolumeSource{Sources: sources}
	}
	return out
}

// TransformNode drops managedFields, annotations (but ktriage's maintenance state) and the image list beyond what the overview shows.
func TransformNode(obj any) (any, error) {
	node, ok := obj.(*corev1.Node)
	if !ok {
		return obj, nil
	}
	stripMeta(&node.ObjectMeta, MaintenanceAnnotation)
	node.Status.VolumesAttached = nil
	node.Status.VolumesInUse = nil
	node.Status.Images = largestImages(node.Status.Images, maxImages)
	return node, nil
}

// maxImages is how many of a node's images ktriage keeps: enough for the disk-pressure evidence.
const maxImages = 10

func largestImages(images []corev1.ContainerImage, n int) []corev1.ContainerImage {
	out := diag.LargestImages(images)
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// TransformEvent keeps what the Events tab and the rules read.
func TransformEvent(obj any) (any, error) {
	e, ok := obj.(*corev1.Event)
	if !ok {
		return obj, nil
	}
	stripMeta(&e.ObjectMeta)
	e.Related = nil
	e.InvolvedObject.APIVersion = ""
	e.InvolvedObject.FieldPath = ""
	e.InvolvedObject.ResourceVersion = ""
	return e, nil
}

// TransformLease keeps the renew time and duration.
func TransformLease(obj any) (any, error) {
	l, ok := obj.(*coordinationv1.Lease)
	if !ok {
		return obj, nil
	}
	stripMeta(&l.ObjectMeta)
	l.OwnerReferences = nil
	return l, nil
}
