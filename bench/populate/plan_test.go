package main

import (
	"fmt"
	"testing"

	"github.com/ktriage/ktriage/hack/testenv"
)

func TestPlanMakesTheRequestedMixExactly(t *testing.T) {
	nodes := make([]string, 50)
	for i := range nodes {
		nodes[i] = fmt.Sprintf("n%d", i)
	}
	p := planPods(nodes, 1000)
	if len(p.pods) != 1000 {
		t.Fatalf("planned %d pods, want 1000", len(p.pods))
	}
	names := map[string]bool{}
	claimed := make([]int32, len(p.owners))
	kinds := map[string]int{}
	emptyDir, perNode := 0, map[string]int{}
	for _, pod := range p.pods {
		key := pod.spec.Namespace + "/" + pod.spec.Name
		if names[key] {
			t.Fatalf("pod %s planned twice", key)
		}
		names[key] = true
		perNode[pod.spec.Node]++
		if pod.spec.EmptyDir {
			emptyDir++
		}
		if pod.owner < 0 {
			kinds["bare"]++
			continue
		}
		o := p.owners[pod.owner]
		if o.namespace != pod.spec.Namespace {
			t.Fatalf("pod %s owned by %s in namespace %s", key, o.name, o.namespace)
		}
		claimed[pod.owner]++
		kinds[o.kind]++
	}
	for i, o := range p.owners {
		if o.kind != testenv.OwnerDaemonSet && claimed[i] != o.replicas {
			t.Errorf("%s %s wants %d replicas but owns %d pods", o.kind, o.name, o.replicas, claimed[i])
		}
	}
	if kinds[testenv.OwnerDaemonSet] != 100 {
		t.Errorf("DaemonSet pods = %d, want one per node for two DaemonSets (100)", kinds[testenv.OwnerDaemonSet])
	}
	for _, k := range []string{testenv.OwnerReplicaSet, testenv.OwnerStatefulSet, "bare"} {
		if kinds[k] == 0 {
			t.Errorf("no %s pods in the mix: %v", k, kinds)
		}
	}
	if emptyDir == 0 {
		t.Error("no emptyDir pods in the mix")
	}
	for _, n := range nodes {
		if perNode[n] != 20 {
			t.Errorf("node %s has %d pods, want an even 20", n, perNode[n])
		}
	}
}
