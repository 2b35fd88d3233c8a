package e2e

// These tests prove the test control plane is real: kwok plays kubelets, the controller manager
// computes disruption budgets, the API server enforces RBAC. Later tests stand on them.

import (
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/ktriage/ktriage/hack/testenv"
)

func testContext(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func TestAPIServerReportsItsRealVersion(t *testing.T) {
	env := testenv.Shared(t)
	v, err := env.Client.Discovery().ServerVersion()
	if err != nil {
		t.Fatalf("server version: %v", err)
	}
	if v.GitVersion != "v1.37.2" {
		t.Errorf("/version says %q, want v1.37.2", v.GitVersion)
	}
}

func TestKwokNodeTurnsReadyAndRenewsItsLease(t *testing.T) {
	env := testenv.Shared(t)
	ctx := testContext(t, 90*time.Second)
	names, err := env.CreateKwokNodes(ctx, "harness-ready", 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := env.WaitForNodeReady(ctx, names[0]); err != nil {
		t.Fatalf("node %s never turned Ready: %v", names[0], err)
	}
	node, err := env.Client.CoreV1().Nodes().Get(ctx, names[0], metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ip := internalIP(node); ip != "127.0.0.1" {
		t.Errorf("kwok node InternalIP = %q, want 127.0.0.1 (where kwok's kubelet API listens)", ip)
	}
	if port := node.Status.DaemonEndpoints.KubeletEndpoint.Port; int(port) != env.KubeletPort {
		t.Errorf("kubelet endpoint port = %d, want kwok's %d", port, env.KubeletPort)
	}

	// kwok renews the lease at a quarter of its 40 s duration, like a kubelet.
	var first *metav1.MicroTime
	err = wait.PollUntilContextCancel(ctx, 500*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		lease, err := env.Client.CoordinationV1().Leases(testenv.NodeLeaseNamespace).Get(ctx, names[0], metav1.GetOptions{})
		if apierrors.IsNotFound(err) || (err == nil && lease.Spec.RenewTime == nil) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		if first == nil {
			first = lease.Spec.RenewTime
			return false, nil
		}
		return lease.Spec.RenewTime.After(first.Time), nil
	})
	if err != nil {
		t.Fatalf("lease of %s was not renewed (first renew time %v): %v", names[0], first, err)
	}
}

func TestPodOnKwokNodeBecomesRunning(t *testing.T) {
	env := testenv.Shared(t)
	ctx := testContext(t, 60*time.Second)
	node, ns := kwokNodeAndNamespace(ctx, t, env, "harness-pods")
	if err := env.CreatePods(ctx, testenv.PodSpec{Namespace: ns, Name: "web", Node: node, CPU: "250m", Memory: "256Mi"}); err != nil {
		t.Fatal(err)
	}
	if err := env.WaitForPodsRunning(ctx, ns, "app=web", 1); err != nil {
		t.Fatalf("pod never became Running and Ready: %v", err)
	}
	pod, err := env.Client.CoreV1().Pods(ns).Get(ctx, "web", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// kwok hands out addresses from the node's podCIDR (10.128.x.0/24, distinct per node of the Env).
	n, err := env.Client.CoreV1().Nodes().Get(ctx, node, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cidr, err := netip.ParsePrefix(n.Spec.PodCIDR)
	if err != nil || !strings.HasPrefix(n.Spec.PodCIDR, "10.128.") {
		t.Fatalf("node %s has podCIDR %q, want a /24 in 10.128.0.0/16 (%v)", node, n.Spec.PodCIDR, err)
	}
	if ip, err := netip.ParseAddr(pod.Status.PodIP); err != nil || !cidr.Contains(ip) {
		t.Errorf("pod IP %q is not from the node's podCIDR %s", pod.Status.PodIP, cidr)
	}
}

func TestEvictionIsRefusedWhileThePDBIsExhausted(t *testing.T) {
	env := testenv.Shared(t)
	ctx := testContext(t, 90*time.Second)
	node, ns := kwokNodeAndNamespace(ctx, t, env, "harness-pdb")
	owner, err := env.CreateOwner(ctx, testenv.OwnerReplicaSet, ns, "api", 2)
	if err != nil {
		t.Fatal(err)
	}
	err = env.CreatePods(ctx,
		testenv.PodSpec{Namespace: ns, Name: "api-a", Node: node, OwnerRef: owner, CPU: "100m"},
		testenv.PodSpec{Namespace: ns, Name: "api-b", Node: node, OwnerRef: owner, CPU: "100m"})
	if err != nil {
		t.Fatal(err)
	}
	if err := env.WaitForPodsRunning(ctx, ns, "app=api", 2); err != nil {
		t.Fatal(err)
	}
	if _, err := env.CreatePDB(ctx, ns, "api-pdb", "api", 2); err != nil {
		t.Fatal(err)
	}
	if err := env.WaitForPDB(ctx, ns, "api-pdb", 0); err != nil {
		t.Fatalf("disruption controller never settled the budget at 0 allowed: %v", err)
	}

	evict := func() error {
		return env.Client.CoreV1().Pods(ns).EvictV1(ctx, &policyv1.Eviction{
			ObjectMeta: metav1.ObjectMeta{Name: "api-a", Namespace: ns},
		})
	}
	err = evict()
	if !apierrors.IsTooManyRequests(err) {
		t.Fatalf("eviction under an exhausted PDB: got %v, want 429 Too Many Requests", err)
	}
	if !strings.Contains(err.Error(), "disruption budget") {
		t.Errorf("429 does not mention the disruption budget: %v", err)
	}

	patch := []byte(`{"spec":{"minAvailable":1}}`)
	if _, err := env.Client.PolicyV1().PodDisruptionBudgets(ns).Patch(ctx, "api-pdb", types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := env.WaitForPDB(ctx, ns, "api-pdb", 1); err != nil {
		t.Fatalf("budget never allowed one disruption after relaxing it: %v", err)
	}
	if err := evict(); err != nil {
		t.Fatalf("eviction once the budget allows it: %v", err)
	}
	err = wait.PollUntilContextCancel(ctx, 200*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		_, err := env.Client.CoreV1().Pods(ns).Get(ctx, "api-a", metav1.GetOptions{})
		return apierrors.IsNotFound(err), nil
	})
	if err != nil {
		t.Fatalf("evicted pod was never removed (kwok finalises deletions): %v", err)
	}
}

func TestReadOnlyUserIsDeniedPatchNodes(t *testing.T) {
	env := testenv.Shared(t)
	ctx := testContext(t, 30*time.Second)
	names, err := env.CreateKwokNodes(ctx, "harness-rbac", 1)
	if err != nil {
		t.Fatal(err)
	}
	ro := env.ReadOnlyClient.CoreV1()
	if _, err := ro.Nodes().List(ctx, metav1.ListOptions{}); err != nil {
		t.Fatalf("read-only user cannot list nodes: %v", err)
	}
	if _, err := ro.Pods("").List(ctx, metav1.ListOptions{Limit: 1}); err != nil {
		t.Fatalf("read-only user cannot list pods: %v", err)
	}
	cordon := []byte(`{"spec":{"unschedulable":true}}`)
	_, err = ro.Nodes().Patch(ctx, names[0], types.StrategicMergePatchType, cordon, metav1.PatchOptions{})
	if !apierrors.IsForbidden(err) {
		t.Fatalf("read-only cordon: got %v, want Forbidden", err)
	}
	node, err := env.Client.CoreV1().Nodes().Get(ctx, names[0], metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if node.Spec.Unschedulable {
		t.Error("node is cordoned after a denied patch")
	}
	err = ro.Pods("default").EvictV1(ctx, &policyv1.Eviction{ObjectMeta: metav1.ObjectMeta{Name: "any", Namespace: "default"}})
	if !apierrors.IsForbidden(err) {
		t.Errorf("read-only eviction: got %v, want Forbidden", err)
	}
}

func TestFixtureNodeKeepsTheStatusItWasGiven(t *testing.T) {
	env := testenv.Shared(t)
	ctx := testContext(t, 30*time.Second)
	node := testenv.WorkerNode("harness-pleg", 7, false)
	node.Status.NodeInfo.KubeletVersion = "v1.12.10"
	if _, err := env.CreateNode(ctx, node); err != nil {
		t.Fatal(err)
	}
	const pleg = "PLEG is not healthy: pleg was last seen active 3m4.5s ago; threshold is 3m0s"
	notReady := corev1.NodeCondition{
		Type: corev1.NodeReady, Status: corev1.ConditionFalse, Reason: "KubeletNotReady", Message: pleg,
		LastHeartbeatTime: metav1.Now(), LastTransitionTime: metav1.Now(),
	}
	if err := env.SetNodeConditions(ctx, node.Name, notReady); err != nil {
		t.Fatal(err)
	}
	renewed := time.Now().Add(-5 * time.Second).Truncate(time.Microsecond)
	if err := env.SetLease(ctx, node.Name, renewed, 40); err != nil {
		t.Fatal(err)
	}
	if _, err := env.RecordEvent(ctx, testenv.EventSpec{
		Object: testenv.NodeRef(node.Name), Type: corev1.EventTypeNormal, Reason: "NodeNotReady",
		Message: "Node " + node.Name + " status is now: NodeNotReady", Component: "kubelet", Host: node.Name, Count: 3,
	}); err != nil {
		t.Fatal(err)
	}

	// Give kwok time to act if it (wrongly) managed this node: it initialises its nodes within a second.
	time.Sleep(3 * time.Second)
	got, err := env.Client.CoreV1().Nodes().Get(ctx, node.Name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var ready *corev1.NodeCondition
	for i := range got.Status.Conditions {
		if got.Status.Conditions[i].Type == corev1.NodeReady {
			ready = &got.Status.Conditions[i]
		}
	}
	if ready == nil || ready.Status != corev1.ConditionFalse || ready.Message != pleg {
		t.Fatalf("Ready condition = %+v, want False with the PLEG message as written", ready)
	}
	if got.Status.NodeInfo.KubeletVersion != "v1.12.10" || internalIP(got) == "127.0.0.1" {
		t.Errorf("fixture node was rewritten: kubelet %s, InternalIP %s", got.Status.NodeInfo.KubeletVersion, internalIP(got))
	}
	lease, err := env.Client.CoordinationV1().Leases(testenv.NodeLeaseNamespace).Get(ctx, node.Name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !lease.Spec.RenewTime.Time.Equal(renewed) {
		t.Errorf("lease renew time = %v, want %v as written", lease.Spec.RenewTime.Time, renewed)
	}
	events, err := env.Client.CoreV1().Events("default").List(ctx, metav1.ListOptions{
		FieldSelector: "involvedObject.kind=Node,involvedObject.name=" + node.Name,
	})
	if err != nil {
		t.Fatal(err)
	}
	// The node controller records its own RegisteredNode event beside ours.
	var recorded []corev1.Event
	for _, ev := range events.Items {
		if ev.Reason == "NodeNotReady" {
			recorded = append(recorded, ev)
		}
	}
	if len(recorded) != 1 || recorded[0].Count != 3 || recorded[0].Source.Component != "kubelet" {
		t.Errorf("got %d NodeNotReady events (%v), want the one recorded, with count 3 from the kubelet", len(recorded), recorded)
	}
}

// kwokNodeAndNamespace creates a kwok node and a namespace, both named after the test's prefix.
func kwokNodeAndNamespace(ctx context.Context, t *testing.T, env *testenv.Env, prefix string) (node, namespace string) {
	t.Helper()
	names, err := env.CreateKwokNodes(ctx, prefix, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := env.EnsureNamespace(ctx, prefix); err != nil {
		t.Fatal(err)
	}
	return names[0], prefix
}

func internalIP(node *corev1.Node) string {
	for _, a := range node.Status.Addresses {
		if a.Type == corev1.NodeInternalIP {
			return a.Address
		}
	}
	return ""
}
