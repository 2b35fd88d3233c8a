package demo

import (
	"strconv"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

// all returns every workload in a fixed order.
func (c *catalogue) all() []*workload {
	return []*workload{
		c.calicoNode, c.kubeProxy, c.nodeExporter, c.fluentBit, c.npd, c.cephCSI,
		c.etcd, c.apiServer, c.controllerMgr, c.scheduler,
		c.coreDNS, c.calicoControllers, c.metricsServer, c.ingress,
		c.prometheus, c.alertmanager, c.kubeStateMetrics, c.grafana,
		c.frontend, c.checkout, c.cart, c.catalog, c.catalogOld, c.recommendations, c.reports,
		c.paymentsAPI, c.ledgerDB, c.kafka, c.redis,
		c.airflowWorker, c.airflowTask,
		c.trainer, c.tfServing, c.featurePipeline, c.featureStore, c.sparkExec,
		c.searchES, c.indexer, c.analyticsAPI,
		c.loadgen, c.loadgenOld, c.echo,
		c.billing, c.billingNext,
		c.gpuInference,
	}
}

// controllers returns the DaemonSets, Deployments, ReplicaSets, StatefulSets and Jobs that own the
// seeded pods, so that following an owner reference (as kubectl drain does for DaemonSet pods)
// finds the object. Their status counts what was seeded.
func (s *seeder) controllers() []runtime.Object {
	var out []runtime.Object
	seenDeploy := map[string]bool{}
	meta := func(kind string, w *workload, name string, labels map[string]string) metav1.ObjectMeta {
		created := s.now.Add(-w.rolled).Add(-time.Minute)
		if kind == "DaemonSet" || kind == "StatefulSet" || kind == "Deployment" {
			created = s.now.Add(-(w.rolled + 120*day))
		}
		return metav1.ObjectMeta{Name: name, Namespace: w.namespace, UID: ownerUID(kind, w.namespace, name),
			CreationTimestamp: mtime(created), Labels: labels, Generation: 3}
	}
	for _, w := range s.cat.all() {
		labels := map[string]string{"app.kubernetes.io/name": w.podLabels()["app.kubernetes.io/name"]}
		selector := &metav1.LabelSelector{MatchLabels: labels}
		template := corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: w.podLabels()}, Spec: w.podSpec("")}
		running, ready := countPods(w.pods)
		switch w.kind {
		case kindDaemonSet:
			out = append(out, &appsv1.DaemonSet{
				TypeMeta:   metav1.TypeMeta{Kind: "DaemonSet", APIVersion: "apps/v1"},
				ObjectMeta: meta(kindDaemonSet, w, w.name, labels),
				Spec:       appsv1.DaemonSetSpec{Selector: selector, Template: template},
				Status: appsv1.DaemonSetStatus{
					CurrentNumberScheduled: int32(len(w.pods)), DesiredNumberScheduled: int32(len(w.pods)),
					NumberReady: ready, NumberAvailable: ready, NumberUnavailable: int32(len(w.pods)) - ready,
					UpdatedNumberScheduled: int32(len(w.pods)), ObservedGeneration: 3,
				},
			})
		case kindStatefulSet:
			out = append(out, &appsv1.StatefulSet{
				TypeMeta:   metav1.TypeMeta{Kind: "StatefulSet", APIVersion: "apps/v1"},
				ObjectMeta: meta(kindStatefulSet, w, w.name, labels),
				Spec:       appsv1.StatefulSetSpec{Replicas: ptr.To(w.replicas), Selector: selector, Template: template, ServiceName: w.name},
				Status: appsv1.StatefulSetStatus{Replicas: running, ReadyReplicas: ready, AvailableReplicas: ready, CurrentReplicas: running,
					UpdatedReplicas: running, ObservedGeneration: 3, CurrentRevision: w.name + "-" + w.hash, UpdateRevision: w.name + "-" + w.hash},
			})
		case kindJob:
			job := &batchv1.Job{
				TypeMeta:   metav1.TypeMeta{Kind: "Job", APIVersion: "batch/v1"},
				ObjectMeta: meta(kindJob, w, w.name, labels),
				Spec:       batchv1.JobSpec{Parallelism: ptr.To[int32](1), Completions: ptr.To[int32](1), BackoffLimit: ptr.To[int32](6), Template: template},
				Status:     batchv1.JobStatus{Active: running, Ready: ptr.To(ready), StartTime: mptr(s.now.Add(-w.rolled))},
			}
			for _, p := range w.pods {
				if p.Status.Phase == corev1.PodSucceeded {
					job.Status.Succeeded++
				}
			}
			out = append(out, job)
		case kindDeployment:
			if !seenDeploy[w.key()] {
				seenDeploy[w.key()] = true
				out = append(out, &appsv1.Deployment{
					TypeMeta:   metav1.TypeMeta{Kind: "Deployment", APIVersion: "apps/v1"},
					ObjectMeta: meta(kindDeployment, w, w.name, labels),
					Spec:       appsv1.DeploymentSpec{Replicas: ptr.To(w.replicas), Selector: selector, Template: template},
					Status: appsv1.DeploymentStatus{Replicas: w.replicas, UpdatedReplicas: running, ReadyReplicas: ready,
						AvailableReplicas: ready, UnavailableReplicas: max(w.replicas-ready, 0), ObservedGeneration: 3},
				})
			}
			rs := w.name + "-" + w.hash
			rsMeta := meta("ReplicaSet", w, rs, template.Labels)
			rsMeta.OwnerReferences = []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "Deployment", Name: w.name,
				UID: ownerUID(kindDeployment, w.namespace, w.name), Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true)}}
			rsMeta.Annotations = map[string]string{"deployment.kubernetes.io/desired-replicas": itoa(int(w.replicas))}
			desired := int32(0) // a ReplicaSet the Deployment has moved away from is scaled to zero
			if w.hash == templateHash(w.key()) {
				desired = w.replicas
			}
			out = append(out, &appsv1.ReplicaSet{
				TypeMeta:   metav1.TypeMeta{Kind: "ReplicaSet", APIVersion: "apps/v1"},
				ObjectMeta: rsMeta,
				Spec:       appsv1.ReplicaSetSpec{Replicas: ptr.To(desired), Selector: &metav1.LabelSelector{MatchLabels: template.Labels}, Template: template},
				Status:     appsv1.ReplicaSetStatus{Replicas: running, ReadyReplicas: ready, AvailableReplicas: ready, ObservedGeneration: 3},
			})
		}
	}
	return out
}

// countPods counts the pods that are neither terminal nor terminating, and those of them that are Ready.
func countPods(pods []*corev1.Pod) (running, ready int32) {
	for _, p := range pods {
		if p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed || p.DeletionTimestamp != nil {
			continue
		}
		running++
		if podReady(p) {
			ready++
		}
	}
	return running, ready
}

func podReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// namespaces of the demo cluster.
func namespaces(now time.Time) []runtime.Object {
	ages := []struct {
		name string
		age  time.Duration
	}{
		{"default", 431 * day}, {"kube-system", 431 * day}, {"kube-public", 431 * day}, {NodeLeaseNamespace, 431 * day},
		{"ceph-csi", 400 * day}, {"monitoring", 398 * day}, {"logging", 398 * day}, {"ingress-nginx", 420 * day},
		{"shop", 380 * day}, {"payments", 301 * day}, {"data", 260 * day}, {"ml", 190 * day}, {"search", 120 * day},
		{"legacy-billing", 431 * day}, {"perf-test", 9 * day},
	}
	var out []runtime.Object
	for _, a := range ages {
		out = append(out, &corev1.Namespace{
			TypeMeta: metav1.TypeMeta{Kind: "Namespace", APIVersion: "v1"},
			ObjectMeta: metav1.ObjectMeta{Name: a.name, UID: uid("namespace", a.name), CreationTimestamp: mtime(now.Add(-a.age)),
				Labels: map[string]string{"kubernetes.io/metadata.name": a.name}},
			Spec:   corev1.NamespaceSpec{Finalizers: []corev1.FinalizerName{corev1.FinalizerKubernetes}},
			Status: corev1.NamespaceStatus{Phase: corev1.NamespaceActive},
		})
	}
	return out
}

// disruptionBudgets protect checkout, CoreDNS, Kafka and the ledger database; the eviction
// reactor honours them. Their status is filled in from the pods (budgets.go).
func disruptionBudgets(now time.Time) []*policyv1.PodDisruptionBudget {
	pdb := func(ns, name, app string, minAvailable, maxUnavailable *intstr.IntOrString) *policyv1.PodDisruptionBudget {
		return &policyv1.PodDisruptionBudget{
			TypeMeta: metav1.TypeMeta{Kind: "PodDisruptionBudget", APIVersion: "policy/v1"},
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, UID: uid("pdb", ns, name),
				CreationTimestamp: mtime(now.Add(-200 * day)), Generation: 1},
			Spec: policyv1.PodDisruptionBudgetSpec{
				MinAvailable: minAvailable, MaxUnavailable: maxUnavailable,
				Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app.kubernetes.io/name": app}},
			},
		}
	}
	two, one := intstr.FromInt32(2), intstr.FromInt32(1)
	return []*policyv1.PodDisruptionBudget{
		pdb("shop", "checkout", "checkout", &two, nil),
		pdb("kube-system", "coredns", "coredns", nil, &one),
		pdb("data", "kafka", "kafka", nil, &one),
		pdb("payments", "ledger-db", "ledger-db", &one, nil),
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
