package demo

import (
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
)

// Kinds of pod owners. kindStatic pods are mirror pods owned by their Node; kindBare pods have no
// owner at all (Airflow's KubernetesExecutor creates its task pods directly).
const (
	kindDeployment  = "Deployment"
	kindDaemonSet   = "DaemonSet"
	kindStatefulSet = "StatefulSet"
	kindJob         = "Job"
	kindStatic      = "Node"
	kindBare        = ""
)

// ctr is a container of a workload; req and lim are "cpu/memory" (see resources).
type ctr struct {
	name, image string
	req, lim    string
	ports       []int32
	mounts      map[string]string // volume name → mount path
	args        []string
}

// workload is the pod template of a controller, plus the pods built from it.
type workload struct {
	kind, namespace, name string
	app                   string // app.kubernetes.io/name, defaults to name
	hash                  string // pod-template-hash of the current ReplicaSet or revision
	containers, inits     []ctr
	volumes               []corev1.Volume
	hostNetwork           bool
	priorityClass         string
	serviceAccount        string
	runtimeClass          string
	overhead              corev1.ResourceList
	nodeSelector          map[string]string
	affinity              *corev1.Affinity
	annotations           map[string]string
	restartPolicy         corev1.RestartPolicy
	generateName          string
	rolled                time.Duration // how long ago the current template rolled out
	replicas              int32         // desired, for Deployments and StatefulSets
	pods                  []*corev1.Pod
}

func (w *workload) key() string { return w.namespace + "/" + w.name }

// clone returns the same template under a new hash, as an older ReplicaSet of the Deployment.
func (w *workload) clone(hash string, rolled time.Duration) *workload {
	c := *w
	c.hash, c.rolled, c.pods = hash, rolled, nil
	return &c
}

// previousHash is the pod-template-hash of the ReplicaSet the current one replaced.
func (w *workload) previousHash() string { return templateHash(w.key() + "/previous") }

// ref refers to the workload's controller object (events about a Deployment, a Job, ...).
func (w *workload) ref() corev1.ObjectReference {
	apiVersion := "apps/v1"
	if w.kind == kindJob {
		apiVersion = "batch/v1"
	}
	return corev1.ObjectReference{Kind: w.kind, APIVersion: apiVersion, Namespace: w.namespace, Name: w.name,
		UID: ownerUID(w.kind, w.namespace, w.name)}
}

func (w *workload) podLabels() map[string]string {
	app := w.app
	if app == "" {
		app = w.name
	}
	l := map[string]string{"app.kubernetes.io/name": app}
	switch w.kind {
	case kindDeployment:
		l["pod-template-hash"] = w.hash
	case kindDaemonSet:
		l["controller-revision-hash"] = w.hash
		l["pod-template-generation"] = "3"
	case kindStatefulSet:
		l["controller-revision-hash"] = w.name + "-" + w.hash
	case kindJob:
		l["batch.kubernetes.io/job-name"] = w.name
		l["job-name"] = w.name
		l["batch.kubernetes.io/controller-uid"] = string(ownerUID(kindJob, w.namespace, w.name))
		l["controller-uid"] = string(ownerUID(kindJob, w.namespace, w.name))
	case kindStatic:
		l = map[string]string{"component": w.name, "tier": "control-plane"}
	}
	return l
}

// ownerRefs is the controller reference the pod's controller sets.
func (w *workload) ownerRefs(node string) []metav1.OwnerReference {
	ref := func(apiVersion, kind, name string) []metav1.OwnerReference {
		return []metav1.OwnerReference{{
			APIVersion: apiVersion, Kind: kind, Name: name, UID: ownerUID(kind, w.namespace, name),
			Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true),
		}}
	}
	switch w.kind {
	case kindDeployment:
		rs := w.name + "-" + w.hash
		return ref("apps/v1", "ReplicaSet", rs)
	case kindDaemonSet, kindStatefulSet:
		return ref("apps/v1", w.kind, w.name)
	case kindJob:
		return ref("batch/v1", kindJob, w.name)
	case kindStatic:
		return []metav1.OwnerReference{{APIVersion: "v1", Kind: "Node", Name: node, UID: uid("node", node), Controller: ptr.To(true)}}
	}
	return nil
}

// podSpec is the pod spec the controller stamps out, after API defaulting.
func (w *workload) podSpec(node string) corev1.PodSpec {
	spec := corev1.PodSpec{
		NodeName:                      node,
		HostNetwork:                   w.hostNetwork,
		RestartPolicy:                 corev1.RestartPolicyAlways,
		TerminationGracePeriodSeconds: ptr.To[int64](30),
		DNSPolicy:                     corev1.DNSClusterFirst,
		SchedulerName:                 corev1.DefaultSchedulerName,
		ServiceAccountName:            w.serviceAccount,
		DeprecatedServiceAccount:      w.serviceAccount,
		SecurityContext:               &corev1.PodSecurityContext{},
		EnableServiceLinks:            ptr.To(true),
		PreemptionPolicy:              ptr.To(corev1.PreemptLowerPriority),
		Priority:                      ptr.To[int32](0),
		NodeSelector:                  w.nodeSelector,
		Affinity:                      w.affinity,
		Overhead:                      w.overhead,
	}
	if w.restartPolicy != "" {
		spec.RestartPolicy = w.restartPolicy
	}
	if spec.ServiceAccountName == "" && w.kind != kindStatic {
		spec.ServiceAccountName, spec.DeprecatedServiceAccount = "default", "default"
	}
	if w.runtimeClass != "" {
		spec.RuntimeClassName = ptr.To(w.runtimeClass)
	}
	switch w.priorityClass {
	case "system-node-critical":
		spec.PriorityClassName, spec.Priority = w.priorityClass, ptr.To[int32](2000001000)
	case "system-cluster-critical":
		spec.PriorityClassName, spec.Priority = w.priorityClass, ptr.To[int32](2000000000)
	}
	if w.hostNetwork {
		spec.DNSPolicy = corev1.DNSClusterFirstWithHostNet
	}
	spec.Tolerations = w.tolerations()

	spec.Volumes = append(spec.Volumes, w.volumes...)
	if w.kind != kindStatic {
		spec.Volumes = append(spec.Volumes, apiAccessVolume(w.key()))
	}
	for _, c := range w.inits {
		spec.InitContainers = append(spec.InitContainers, w.container(c))
	}
	for _, c := range w.containers {
		spec.Containers = append(spec.Containers, w.container(c))
	}
	return spec
}

func (w *workload) container(c ctr) corev1.Container {
	out := corev1.Container{
		Name: c.name, Image: c.image, Args: c.args,
		Resources:                resources(c.req, c.lim),
		TerminationMessagePath:   corev1.TerminationMessagePathDefault,
		TerminationMessagePolicy: corev1.TerminationMessageReadFile,
		ImagePullPolicy:          corev1.PullIfNotPresent,
	}
	// API defaulting: a limit without a request requests the limit.
	for r, lim := range out.Resources.Limits {
		if out.Resources.Requests == nil {
			out.Resources.Requests = corev1.ResourceList{}
		}
		if _, ok := out.Resources.Requests[r]; !ok {
			out.Resources.Requests[r] = lim
		}
	}
	for _, p := range c.ports {
		out.Ports = append(out.Ports, corev1.ContainerPort{ContainerPort: p, Protocol: corev1.ProtocolTCP})
	}
	for _, v := range w.volumes {
		if path, ok := c.mounts[v.Name]; ok {
			out.VolumeMounts = append(out.VolumeMounts, corev1.VolumeMount{Name: v.Name, MountPath: path})
		}
	}
	if w.kind != kindStatic {
		out.VolumeMounts = append(out.VolumeMounts, corev1.VolumeMount{
			Name: apiAccessVolume(w.key()).Name, ReadOnly: true, MountPath: "/var/run/secrets/kubernetes.io/serviceaccount",
		})
	}
	return out
}

// tolerations: DaemonSet pods tolerate every node condition, static pods everything that
// evicts, other pods the default five minutes on a not-ready or unreachable node.
func (w *workload) tolerations() []corev1.Toleration {
	exists := func(key string, effect corev1.TaintEffect) corev1.Toleration {
		return corev1.Toleration{Key: key, Operator: corev1.TolerationOpExists, Effect: effect}
	}
	switch w.kind {
	case kindStatic:
		return []corev1.Toleration{{Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute}}
	case kindDaemonSet:
		t := []corev1.Toleration{
			{Operator: corev1.TolerationOpExists},
			exists("node.kubernetes.io/not-ready", corev1.TaintEffectNoExecute),
			exists("node.kubernetes.io/unreachable", corev1.TaintEffectNoExecute),
			exists("node.kubernetes.io/disk-pressure", corev1.TaintEffectNoSchedule),
			exists("node.kubernetes.io/memory-pressure", corev1.TaintEffectNoSchedule),
			exists("node.kubernetes.io/pid-pressure", corev1.TaintEffectNoSchedule),
			exists("node.kubernetes.io/unschedulable", corev1.TaintEffectNoSchedule),
		}
		if w.hostNetwork {
			t = append(t, exists("node.kubernetes.io/network-unavailable", corev1.TaintEffectNoSchedule))
		}
		return t
	}
	five := ptr.To[int64](300)
	return []corev1.Toleration{
		{Key: "node.kubernetes.io/not-ready", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: five},
		{Key: "node.kubernetes.io/unreachable", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: five},
	}
}

// apiAccessVolume is the projected service-account token volume every pod gets.
func apiAccessVolume(seed string) corev1.Volume {
	return corev1.Volume{
		Name: "kube-api-access-" + suffix("api/"+seed, 5),
		VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{
			DefaultMode: ptr.To[int32](0o644),
			Sources: []corev1.VolumeProjection{
				{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{ExpirationSeconds: ptr.To[int64](3607), Path: "token"}},
				{ConfigMap: &corev1.ConfigMapProjection{
					LocalObjectReference: corev1.LocalObjectReference{Name: "kube-root-ca.crt"},
					Items:                []corev1.KeyToPath{{Key: "ca.crt", Path: "ca.crt"}},
				}},
				{DownwardAPI: &corev1.DownwardAPIProjection{Items: []corev1.DownwardAPIVolumeFile{{
					Path: "namespace", FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.namespace"},
				}}}},
			},
		}},
	}
}

func emptyDir(name, limit string) corev1.Volume {
	v := corev1.Volume{Name: name, VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}
	if limit != "" {
		q := qty(limit)
		v.EmptyDir.SizeLimit = &q
	}
	return v
}

func hostPath(name, path string) corev1.Volume {
	return corev1.Volume{Name: name, VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: path}}}
}

func configMapVolume(name, cm string) corev1.Volume {
	return corev1.Volume{Name: name, VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
		LocalObjectReference: corev1.LocalObjectReference{Name: cm}, DefaultMode: ptr.To[int32](0o644),
	}}}
}

// ownerUID is the UID of a controller object, shared by the object and its pods' references.
func ownerUID(kind, namespace, name string) types.UID {
	return uid("owner", kind, namespace, name)
}

func (w *workload) String() string { return fmt.Sprintf("%s %s", w.kind, w.key()) }
