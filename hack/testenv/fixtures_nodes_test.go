package testenv

import (
	"context"
	"net/netip"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
)

// Two CreateKwokNodes calls on one Env must hand out disjoint podCIDRs: kwok assigns pod IPs from
// the node's podCIDR, so an overlap would give pods on different nodes the same IP. The first node
// of an Env still gets 10.128.0.0/24, and a fixture node from NextNodeIndex overlaps neither.
func TestCreateKwokNodesHandsOutDisjointPodCIDRsAcrossCalls(t *testing.T) {
	ctx := context.Background()
	env := &Env{Client: fake.NewClientset()}
	first, err := env.CreateKwokNodes(ctx, "first", 3)
	if err != nil {
		t.Fatal(err)
	}
	second, err := env.CreateKwokNodes(ctx, "second", 300) // crosses a /16 boundary (index 256)
	if err != nil {
		t.Fatal(err)
	}
	fixture := WorkerNode("fixture", env.NextNodeIndex(), false)
	if _, err := env.CreateNode(ctx, fixture); err != nil {
		t.Fatal(err)
	}

	owner := map[netip.Prefix]string{}
	for _, name := range append(append(append([]string{}, first...), second...), fixture.Name) {
		node, err := env.Client.CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(node.Spec.PodCIDRs) != 1 || node.Spec.PodCIDRs[0] != node.Spec.PodCIDR {
			t.Fatalf("node %s: podCIDRs %v do not match podCIDR %q", name, node.Spec.PodCIDRs, node.Spec.PodCIDR)
		}
		cidr, err := netip.ParsePrefix(node.Spec.PodCIDR)
		if err != nil {
			t.Fatalf("node %s: podCIDR %q does not parse: %v", name, node.Spec.PodCIDR, err)
		}
		for other, otherName := range owner {
			if other.Overlaps(cidr) {
				t.Fatalf("node %s has podCIDR %s, which overlaps %s of node %s: two nodes would hand out the same pod IPs",
					name, cidr, other, otherName)
			}
		}
		owner[cidr] = name
	}
	if got := mustGetPodCIDR(t, env, first[0]); got != "10.128.0.0/24" {
		t.Errorf("first node of the Env has podCIDR %s, want 10.128.0.0/24", got)
	}
	if got := mustGetPodCIDR(t, env, second[0]); got != "10.128.3.0/24" {
		t.Errorf("first node of the second call has podCIDR %s, want 10.128.3.0/24 (after the first call's three)", got)
	}

	// Another Env counts from zero again: the counter is per control plane.
	other := &Env{Client: fake.NewClientset()}
	names, err := other.CreateKwokNodes(ctx, "other", 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := mustGetPodCIDR(t, other, names[0]); got != "10.128.0.0/24" {
		t.Errorf("first node of a fresh Env has podCIDR %s, want 10.128.0.0/24", got)
	}
}

func mustGetPodCIDR(t *testing.T, env *Env, name string) string {
	t.Helper()
	node, err := env.Client.CoreV1().Nodes().Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return node.Spec.PodCIDR
}
