package main

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/ktriage/ktriage/hack/testenv"
)

type ownerPlan struct {
	kind, namespace, name string
	replicas              int32
}

type podPlan struct {
	spec  testenv.PodSpec
	owner int // index into plan.owners, -1 for a bare pod
}

type plan struct {
	namespaces []string
	owners     []ownerPlan
	pods       []podPlan
}

// sizes of requests and limits, cycled through so allocations differ from node to node.
var sizes = []struct{ cpu, mem, cpuLimit, memLimit string }{
	{"50m", "64Mi", "", "128Mi"},
	{"100m", "128Mi", "500m", "256Mi"},
	{"250m", "512Mi", "1", "1Gi"},
	{"500m", "1Gi", "", ""},
	{"1", "2Gi", "2", "4Gi"},
}

const groupSize = 10

// planPods decides every owner and pod up front, deterministically, so a re-run recreates the same
// names and owners claim exactly the pods made for them.
func planPods(nodes []string, total int) plan {
	p := plan{namespaces: []string{"kube-system", "monitoring"}}
	for i := range 10 {
		p.namespaces = append(p.namespaces, fmt.Sprintf("team-%02d", i))
	}
	// Node agents first: one pod of each DaemonSet on every node, while the total allows.
	for _, ds := range []struct{ ns, name string }{{"kube-system", "kube-proxy"}, {"monitoring", "node-exporter"}} {
		if len(p.pods)+len(nodes) > total {
			break
		}
		p.owners = append(p.owners, ownerPlan{testenv.OwnerDaemonSet, ds.ns, ds.name, 0})
		owner := len(p.owners) - 1
		for i, node := range nodes {
			p.pods = append(p.pods, podPlan{owner: owner, spec: testenv.PodSpec{
				Namespace: ds.ns, Name: fmt.Sprintf("%s-%05d", ds.name, i), Node: node, CPU: "100m", Memory: "128Mi", MemoryLimit: "256Mi",
			}})
		}
	}
	remaining := total - len(p.pods)
	for i := 0; i < remaining; i++ {
		group := i / groupSize
		ns := p.namespaces[2+group%10]
		node := nodes[i%len(nodes)]
		size := sizes[i%len(sizes)]
		spec := testenv.PodSpec{
			Namespace: ns, Node: node, CPU: size.cpu, Memory: size.mem, CPULimit: size.cpuLimit, MemoryLimit: size.memLimit,
			EmptyDir: i%7 == 3, InitContainer: i%5 == 2,
		}
		if i%50 == 49 {
			spec.Name = fmt.Sprintf("debug-%06d", i)
			p.pods = append(p.pods, podPlan{owner: -1, spec: spec})
			continue
		}
		if i%groupSize == 0 || len(p.owners) == 0 {
			kind, name := testenv.OwnerReplicaSet, fmt.Sprintf("web-%05d", group)
			if group%10 == 9 {
				kind, name = testenv.OwnerStatefulSet, fmt.Sprintf("db-%05d", group)
			}
			p.owners = append(p.owners, ownerPlan{kind, ns, name, 0})
		}
		owner := len(p.owners) - 1
		o := &p.owners[owner]
		spec.Namespace = o.namespace
		spec.Name = fmt.Sprintf("%s-%d", o.name, o.replicas)
		o.replicas++
		p.pods = append(p.pods, podPlan{owner: owner, spec: spec})
	}
	return p
}

// existingOwner looks up an owner made by an earlier run.
func existingOwner(ctx context.Context, client kubernetes.Interface, o ownerPlan) (*metav1.OwnerReference, error) {
	var obj metav1.Object
	var err error
	apps := client.AppsV1()
	switch o.kind {
	case testenv.OwnerReplicaSet:
		obj, err = apps.ReplicaSets(o.namespace).Get(ctx, o.name, metav1.GetOptions{})
	case testenv.OwnerDaemonSet:
		obj, err = apps.DaemonSets(o.namespace).Get(ctx, o.name, metav1.GetOptions{})
	default:
		obj, err = apps.StatefulSets(o.namespace).Get(ctx, o.name, metav1.GetOptions{})
	}
	if err != nil {
		return nil, err
	}
	return testenv.ControllerRef(o.kind, obj), nil
}
