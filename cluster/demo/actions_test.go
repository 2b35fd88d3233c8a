package demo_test

// ktriage's actions against the demo cluster, as `ktriage demo` runs them: the demo must answer the
// RBAC preflight and whoami, apply kubectl's cordon patch, and let a drain finish.

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/client-go/kubernetes"

	"github.com/ktriage/ktriage/actions"
	"github.com/ktriage/ktriage/cluster"
	"github.com/ktriage/ktriage/cluster/demo"
)

func newRunner(t *testing.T, cs kubernetes.Interface) *actions.Runner {
	t.Helper()
	return actions.New(actions.Config{
		Client: cs,
		Info:   cluster.Info{Context: demo.ContextName, Server: demo.Server, User: demo.User},
		Audit:  actions.NewAuditLog(filepath.Join(t.TempDir(), "audit.jsonl")),
		// No budget refuses an eviction in these tests; if one did, the retry would not stall them.
		EvictionRetryDelay: 50 * time.Millisecond,
	})
}

func getNode(t *testing.T, cs kubernetes.Interface, name string) *corev1.Node {
	t.Helper()
	n, err := cs.CoreV1().Nodes().Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func podsOn(t *testing.T, cs kubernetes.Interface, node string) []corev1.Pod {
	t.Helper()
	pods, err := cs.CoreV1().Pods("").List(context.Background(), metav1.ListOptions{
		FieldSelector: fields.OneTermEqualSelector("spec.nodeName", node).String()})
	if err != nil {
		t.Fatal(err)
	}
	return pods.Items
}

func evictionOf(ns, name string) *policyv1.Eviction {
	return &policyv1.Eviction{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
}

// stays reports whether a drain leaves the pod in place: a DaemonSet or static (mirror) pod.
func stays(p corev1.Pod) bool {
	if ref := metav1.GetControllerOf(&p); ref != nil && ref.Kind == "DaemonSet" {
		return true
	}
	return p.Annotations[corev1.MirrorPodAnnotationKey] != ""
}

func TestActionsPreflightWhoamiAndCordon(t *testing.T) {
	cs := demo.New(time.Now()).Interface()
	r := newRunner(t, cs)
	ctx := context.Background()

	perms := r.Preflight(ctx)
	if perms.Err != nil || perms.ReadOnly {
		t.Fatalf("preflight: %+v", perms)
	}
	for _, a := range actions.AllActions {
		if ok, why := perms.Allowed(a); !ok {
			t.Errorf("%s not allowed: %s", a, why)
		}
	}
	if got := r.User(ctx); got != demo.User {
		t.Errorf("User() = %q, want %q", got, demo.User)
	}

	res := r.Cordon(ctx, []string{demo.NodeWorker02}, true)[0]
	if res.Err != nil || !res.Changed || res.Message != "cordoned" {
		t.Fatalf("cordon: %+v", res)
	}
	n := getNode(t, cs, demo.NodeWorker02)
	if !n.Spec.Unschedulable || len(n.Status.Conditions) == 0 {
		t.Fatalf("after cordon: unschedulable=%v, %d conditions", n.Spec.Unschedulable, len(n.Status.Conditions))
	}
	if res := r.Cordon(ctx, []string{demo.NodeWorker02}, true)[0]; res.Err != nil || res.Changed {
		t.Errorf("cordoning again: %+v", res)
	}
	if res := r.Cordon(ctx, []string{demo.NodeWorker02}, false)[0]; res.Err != nil || !res.Changed {
		t.Fatalf("uncordon: %+v", res)
	}
	if getNode(t, cs, demo.NodeWorker02).Spec.Unschedulable {
		t.Error("still cordoned after uncordon")
	}
}

func TestActionsDrainHealthyWorker(t *testing.T) {
	cs := demo.New(time.Now()).Interface()
	r := newRunner(t, cs)
	ctx := context.Background()
	node := demo.NodeWorker01
	opts := actions.DefaultDrainOptions(getNode(t, cs, node))

	// With the defaults, the pods with emptyDir volumes block; budgets allow one disruption each.
	want := map[string]actions.Disposition{
		"data/kafka-0": actions.Evict, "data/redis-": actions.Evict, "ingress-nginx/ingress-nginx-controller-": actions.Evict,
		"kube-system/coredns-": actions.Evict, "ml/feature-store-": actions.Evict, "shop/cart-": actions.Evict,
		"shop/checkout-": actions.Evict, "shop/frontend-": actions.Evict,
		"monitoring/grafana-": actions.Block, "monitoring/prometheus-k8s-0": actions.Block, "shop/catalog-": actions.Block,
		"ceph-csi/csi-rbdplugin-": actions.Skip, "kube-system/calico-node-": actions.Skip, "kube-system/kube-proxy-": actions.Skip,
		"kube-system/node-problem-detector-": actions.Skip, "logging/fluent-bit-": actions.Skip, "monitoring/node-exporter-": actions.Skip,
	}
	pv, err := r.PreviewDrain(ctx, node, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(pv.Pods) != len(podsOn(t, cs, node)) || len(pv.Pods) != len(want) {
		t.Fatalf("preview lists %d pods, the node has %d, want %d", len(pv.Pods), len(podsOn(t, cs, node)), len(want))
	}
	matched := map[string]bool{}
	for _, p := range pv.Pods {
		found := false
		for prefix, d := range want {
			if strings.HasPrefix(p.Key(), prefix) {
				found, matched[prefix] = true, true
				if p.Disposition != d {
					t.Errorf("%s: disposition %d (%s), want %d", p.Key(), p.Disposition, p.Reason, d)
				}
			}
		}
		if !found {
			t.Errorf("unexpected pod %s in the preview", p.Key())
		}
	}
	if len(matched) != len(want) || pv.CanStart() {
		t.Fatalf("matched %d of %d expected pods; CanStart=%v with emptyDir pods", len(matched), len(want), pv.CanStart())
	}

	opts.DeleteEmptyDirData = true
	if pv, err = r.PreviewDrain(ctx, node, opts); err != nil || !pv.CanStart() || len(pv.With(actions.Evict)) != 11 {
		t.Fatalf("with deleteEmptyDirData: %v, CanStart=%v, %d to evict", err, pv.CanStart(), len(pv.With(actions.Evict)))
	}

	var reports int
	final, err := r.Drain(ctx, node, opts, func(actions.DrainProgress) { reports++ })
	if err != nil || final.Phase != actions.PhaseDone {
		t.Fatalf("drain: %v, phase %s: %s", err, final.Phase, final.Summary)
	}
	if final.Evicted() != 11 || reports == 0 {
		t.Errorf("evicted %d pods (want 11), %d progress reports: %s", final.Evicted(), reports, final.Summary)
	}
	for _, p := range podsOn(t, cs, node) {
		if !stays(p) {
			t.Errorf("%s/%s is still on the drained node", p.Namespace, p.Name)
		}
	}
	if !getNode(t, cs, node).Spec.Unschedulable {
		t.Error("the drained node is not cordoned")
	}
}

// After worker-01's checkout pod is gone, its budget (minAvailable 2 of 3) allows no more: the
// preview of worker-02 must say so, and the eviction must be refused, both from the same count.
func TestActionsPreviewAgreesWithBudgets(t *testing.T) {
	cs := demo.New(time.Now()).Interface()
	r := newRunner(t, cs)
	ctx := context.Background()
	opts := actions.DefaultDrainOptions(getNode(t, cs, demo.NodeWorker01))
	opts.DeleteEmptyDirData = true
	if final, err := r.Drain(ctx, demo.NodeWorker01, opts, nil); err != nil {
		t.Fatalf("drain worker-01: %v (%s)", err, final.Summary)
	}
	pv, err := r.PreviewDrain(ctx, demo.NodeWorker02, opts)
	if err != nil {
		t.Fatal(err)
	}
	wait := pv.With(actions.WaitBudget)
	if len(wait) != 1 || !strings.HasPrefix(wait[0].Name, "checkout-") || wait[0].Budget != "checkout" {
		t.Fatalf("pods waiting for a budget on worker-02: %+v", wait)
	}
	if !strings.Contains(wait[0].Reason, "2 of 2 pods healthy, 2 needed") {
		t.Errorf("reason: %q", wait[0].Reason)
	}
	err = cs.PolicyV1().Evictions(wait[0].Namespace).Evict(ctx, evictionOf(wait[0].Namespace, wait[0].Name))
	if err == nil || !strings.Contains(err.Error(), "disruption budget") {
		t.Errorf("evicting %s: %v, want refused by its budget", wait[0].Key(), err)
	}
}

func TestActionsDrainUnreachableNode(t *testing.T) {
	c := demo.New(time.Now())
	cs := c.Interface()
	r := newRunner(t, cs)
	ctx := context.Background()
	node := demo.NodeUnreachable
	opts := actions.DefaultDrainOptions(getNode(t, cs, node))
	if !opts.SkipWaitUnreachable {
		t.Fatal("worker-11 is not unreachable")
	}

	// Every seeded workload pod there is already terminating (the taint eviction controller deleted
	// them); a fresh one shows that an eviction there is given up on once its grace period is over.
	var orig corev1.Pod
	for _, p := range podsOn(t, cs, node) {
		if strings.HasPrefix(p.Name, "frontend-") {
			orig = p
		}
	}
	fresh := orig.DeepCopy()
	fresh.Name, fresh.UID, fresh.ResourceVersion = orig.Name[:len(orig.Name)-5]+"zz9qk", "", ""
	fresh.DeletionTimestamp, fresh.DeletionGracePeriodSeconds = nil, nil
	if _, err := cs.CoreV1().Pods(fresh.Namespace).Create(ctx, fresh, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	pv, err := r.PreviewDrain(ctx, node, opts)
	if err != nil || !pv.CanStart() || !pv.Unreachable {
		t.Fatalf("preview: %v, CanStart=%v, unreachable=%v", err, pv.CanStart(), pv.Unreachable)
	}
	for _, p := range pv.Pods {
		wantEvict := p.Name == fresh.Name
		if (p.Disposition == actions.Evict) != wantEvict || (!wantEvict && p.Disposition != actions.Skip) {
			t.Errorf("%s: disposition %d (%s)", p.Key(), p.Disposition, p.Reason)
		}
	}

	// The fake, like the API server, sets deletionTimestamp to now + grace period; a short grace
	// period keeps the wait short.
	opts.GracePeriodSeconds = 1
	start := time.Now()
	final, err := r.Drain(ctx, node, opts, nil)
	if err != nil || final.Phase != actions.PhaseDone {
		t.Fatalf("drain: %v, phase %s: %s", err, final.Phase, final.Summary)
	}
	if len(final.Pods) != 1 || final.Pods[0].State != actions.PodAbandoned {
		t.Errorf("drain progress: %+v", final.Pods)
	}
	if !strings.Contains(final.Summary, "1 left terminating on the unreachable node") {
		t.Errorf("summary: %q", final.Summary)
	}
	got, err := cs.CoreV1().Pods(fresh.Namespace).Get(ctx, fresh.Name, metav1.GetOptions{})
	if err != nil || got.DeletionTimestamp == nil {
		t.Fatalf("the evicted pod on the unreachable node: %v, deletionTimestamp %v", err, got.DeletionTimestamp)
	}
	if d := got.DeletionTimestamp.Sub(start); d > 2*time.Second {
		t.Errorf("deletionTimestamp %v after the drain started, want about the 1s grace period", d)
	}
	t.Logf("drain of worker-11 took %v", time.Since(start).Round(time.Millisecond))
}

func TestMaintenanceFlowWithSimulator(t *testing.T) {
	c := demo.New(time.Now())
	cs := c.Interface()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.Run(ctx, demo.SimOptions{Tick: 5 * time.Millisecond, RebootDelay: 100 * time.Millisecond,
			// Writes racing ktriage's patches can conflict; the simulator retries on a later tick.
			OnError: func(err error) { t.Logf("simulator: %v", err) }})
	}()
	t.Cleanup(func() { cancel(); <-done })

	r := newRunner(t, cs)
	node := demo.NodeWorker01
	bootBefore := getNode(t, cs, node).Status.NodeInfo.BootID
	opts := actions.DefaultDrainOptions(getNode(t, cs, node))
	opts.DeleteEmptyDirData = true
	final, err := r.StartMaintenance(ctx, node, opts, nil)
	if err != nil || final.Phase != actions.PhaseDone {
		t.Fatalf("start maintenance: %v, phase %s: %s", err, final.Phase, final.Summary)
	}
	m, ok := cluster.ParseMaintenance(getNode(t, cs, node))
	if !ok || m.Phase != cluster.MaintenanceDrained || m.BootID != bootBefore || m.By != demo.User {
		t.Fatalf("maintenance annotation after the drain: %+v (ok=%v)", m, ok)
	}

	var n *corev1.Node
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		n = getNode(t, cs, node)
		if m.Rebooted(n) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("worker-01 was not rebooted: boot ID %s", n.Status.NodeInfo.BootID)
		}
	}
	if !n.Spec.Unschedulable {
		t.Error("the reboot uncordoned the node")
	}
	if m2, _ := cluster.ParseMaintenance(n); m2.Phase != cluster.MaintenanceDrained || !strings.Contains(m2.Step(n), "rebooted and Ready") {
		t.Errorf("after the reboot: %+v, %q", m2, m2.Step(n))
	}
	// The kubelet's events follow the node's status by a moment.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		evs, err := cs.CoreV1().Events("").List(ctx, metav1.ListOptions{FieldSelector: "involvedObject.name=" + node + ",reason=Rebooted"})
		if err != nil {
			t.Fatal(err)
		}
		if len(evs.Items) > 0 {
			if len(evs.Items) != 1 || !strings.HasSuffix(evs.Items[0].Message, "boot id: "+n.Status.NodeInfo.BootID) {
				t.Errorf("Rebooted events: %+v", evs.Items)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no Rebooted event")
		}
	}

	res := r.FinishMaintenance(ctx, node, false)
	if res.Err != nil || !res.Changed {
		t.Fatalf("finish maintenance: %+v", res)
	}
	n = getNode(t, cs, node)
	if _, ok := n.Annotations[cluster.MaintenanceAnnotation]; ok || n.Spec.Unschedulable {
		t.Errorf("after finishing: annotation %q, unschedulable %v", n.Annotations[cluster.MaintenanceAnnotation], n.Spec.Unschedulable)
	}
}
