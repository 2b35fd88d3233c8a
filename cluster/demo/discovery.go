package demo

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// discoveryResources is what the fake discovery client reports: the resources ktriage reads,
// and pods/eviction in policy/v1 so kubectl's drain helper uses the Eviction API.
func discoveryResources() []*metav1.APIResourceList {
	verbs := metav1.Verbs{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}
	res := func(name, kind string, namespaced bool, shortNames ...string) metav1.APIResource {
		singular := kind
		return metav1.APIResource{Name: name, SingularName: lower(singular), Namespaced: namespaced, Kind: kind, Verbs: verbs, ShortNames: shortNames}
	}
	sub := func(name, kind string, namespaced bool, group, version string, verbs ...string) metav1.APIResource {
		return metav1.APIResource{Name: name, Namespaced: namespaced, Kind: kind, Group: group, Version: version, Verbs: verbs}
	}
	return []*metav1.APIResourceList{
		{GroupVersion: "v1", APIResources: []metav1.APIResource{
			res("events", "Event", true, "ev"),
			res("namespaces", "Namespace", false, "ns"),
			res("nodes", "Node", false, "no"),
			sub("nodes/proxy", "NodeProxyOptions", false, "", "", "create", "delete", "get", "patch", "update"),
			sub("nodes/status", "Node", false, "", "", "get", "patch", "update"),
			res("pods", "Pod", true, "po"),
			sub("pods/eviction", "Eviction", true, "policy", "v1", "create"),
			sub("pods/log", "Pod", true, "", "", "get"),
			sub("pods/status", "Pod", true, "", "", "get", "patch", "update"),
		}},
		{GroupVersion: "apps/v1", APIResources: []metav1.APIResource{
			res("daemonsets", "DaemonSet", true, "ds"),
			res("deployments", "Deployment", true, "deploy"),
			res("replicasets", "ReplicaSet", true, "rs"),
			res("statefulsets", "StatefulSet", true, "sts"),
		}},
		{GroupVersion: "batch/v1", APIResources: []metav1.APIResource{res("jobs", "Job", true)}},
		{GroupVersion: "coordination.k8s.io/v1", APIResources: []metav1.APIResource{res("leases", "Lease", true)}},
		{GroupVersion: "events.k8s.io/v1", APIResources: []metav1.APIResource{res("events", "Event", true, "ev")}},
		{GroupVersion: "policy/v1", APIResources: []metav1.APIResource{res("poddisruptionbudgets", "PodDisruptionBudget", true, "pdb")}},
	}
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
