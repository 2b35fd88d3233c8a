package demo

import (
	"context"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/tools/cache"
	"k8s.io/utils/ptr"
)

func podsOnNode(t *testing.T, c *Cluster, node string) []corev1.Pod {
	t.Helper()
	pods, err := c.cs.CoreV1().Pods("").List(context.Background(), metav1.ListOptions{
		FieldSelector: fields.OneTermEqualSelector("spec.nodeName", node).String()})
	if err != nil {
		t.Fatal(err)
	}
	return pods.Items
}

func evict(c *Cluster, p corev1.Pod) error {
	return c.cs.PolicyV1().Evictions(p.Namespace).Evict(context.Background(), &policyv1.Eviction{
		ObjectMeta: metav1.ObjectMeta{Name: p.Name, Namespace: p.Namespace}})
}

func TestEvictionDeletesPod(t *testing.T) {
	c := New(seedTime)
	ctx := context.Background()
	var target corev1.Pod
	for _, p := range podsOnNode(t, c, NodeWorker01) {
		if strings.HasPrefix(p.Name, "frontend-") {
			target = p
		}
	}
	if err := evict(c, target); err != nil {
		t.Fatalf("evict %s: %v", target.Name, err)
	}
	if _, err := c.cs.CoreV1().Pods(target.Namespace).Get(ctx, target.Name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Fatalf("evicted pod still there: %v", err)
	}
	if err := evict(c, target); !apierrors.IsNotFound(err) {
		t.Errorf("evicting it again: %v, want NotFound", err)
	}
}

func TestEvictionHonoursDisruptionBudget(t *testing.T) {
	c := New(seedTime)
	var checkout []corev1.Pod
	for _, node := range []string{NodeWorker01, NodeWorker02} {
		for _, p := range podsOnNode(t, c, node) {
			if strings.HasPrefix(p.Name, "checkout-") {
				checkout = append(checkout, p)
			}
		}
	}
	if len(checkout) != 2 {
		t.Fatalf("found %d checkout pods", len(checkout))
	}
	if err := evict(c, checkout[0]); err != nil {
		t.Fatalf("first eviction: %v", err)
	}
	err := evict(c, checkout[1])
	if !apierrors.IsTooManyRequests(err) || !strings.Contains(err.Error(), "disruption budget") {
		t.Fatalf("second eviction: %v, want 429 for the budget", err)
	}
}

func TestDeleteOnDeadNodeLeavesPodTerminating(t *testing.T) {
	c := New(seedTime)
	ctx := context.Background()
	var ds corev1.Pod
	for _, p := range podsOnNode(t, c, NodeUnreachable) {
		if strings.HasPrefix(p.Name, "fluent-bit-") {
			ds = p
		}
	}
	if err := evict(c, ds); err != nil {
		t.Fatal(err)
	}
	got, err := c.cs.CoreV1().Pods(ds.Namespace).Get(ctx, ds.Name, metav1.GetOptions{})
	if err != nil || got.DeletionTimestamp == nil || *got.DeletionGracePeriodSeconds != 30 {
		t.Fatalf("pod on unreachable node after eviction: %v %v", err, got.DeletionTimestamp)
	}
	if err := c.cs.CoreV1().Pods(ds.Namespace).Delete(ctx, ds.Name, metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.cs.CoreV1().Pods(ds.Namespace).Get(ctx, ds.Name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Fatalf("force-deleted pod still there: %v", err)
	}
}

func TestNodePatchAndConflicts(t *testing.T) {
	c := New(seedTime)
	ctx := context.Background()
	nodes := c.cs.CoreV1().Nodes()
	before, _ := nodes.Get(ctx, NodeWorker01, metav1.GetOptions{})

	n, err := nodes.Patch(ctx, NodeWorker01, types.StrategicMergePatchType, []byte(`{"spec":{"unschedulable":true}}`), metav1.PatchOptions{})
	if err != nil || !n.Spec.Unschedulable {
		t.Fatalf("strategic merge patch: %v, unschedulable=%v", err, n != nil && n.Spec.Unschedulable)
	}
	if n.ResourceVersion == before.ResourceVersion || n.ResourceVersion == "" {
		t.Errorf("resourceVersion %q after patch, %q before", n.ResourceVersion, before.ResourceVersion)
	}
	if len(n.Status.Conditions) != len(before.Status.Conditions) || len(n.Spec.Taints) != len(before.Spec.Taints) {
		t.Error("the patch lost other fields")
	}
	n, err = nodes.Patch(ctx, NodeWorker01, types.MergePatchType, []byte(`{"spec":{"unschedulable":null}}`), metav1.PatchOptions{})
	if err != nil || n.Spec.Unschedulable {
		t.Fatalf("merge patch: %v", err)
	}
	n, err = nodes.Patch(ctx, NodeWorker01, types.JSONPatchType, []byte(`[{"op":"add","path":"/metadata/labels/demo","value":"yes"}]`), metav1.PatchOptions{})
	if err != nil || n.Labels["demo"] != "yes" {
		t.Fatalf("json patch: %v", err)
	}
	before.Spec.Unschedulable = true
	if _, err := nodes.Update(ctx, before, metav1.UpdateOptions{}); !apierrors.IsConflict(err) {
		t.Errorf("update from a stale copy: %v, want Conflict", err)
	}
}

func TestFieldSelectors(t *testing.T) {
	c := New(seedTime)
	ctx := context.Background()
	pods := podsOnNode(t, c, NodePLEG)
	if len(pods) < 150 {
		t.Fatalf("%d pods on legacy-07", len(pods))
	}
	for _, p := range pods {
		if p.Spec.NodeName != NodePLEG {
			t.Fatalf("field selector let %s through", p.Name)
		}
	}
	evs, err := c.cs.CoreV1().Events("").List(ctx, metav1.ListOptions{FieldSelector: "involvedObject.kind=Node,involvedObject.name=" + NodeDiskPressure})
	if err != nil || len(evs.Items) < 4 {
		t.Fatalf("node events of worker-09: %d, %v", len(evs.Items), err)
	}
	if _, err := c.cs.CoreV1().Pods("").List(ctx, metav1.ListOptions{FieldSelector: "spec.bogus=x"}); !apierrors.IsBadRequest(err) {
		t.Errorf("unknown field selector: %v, want BadRequest", err)
	}
}

// A plain Watch from "now" on a resource with hundreds of objects must not overflow (the fake's
// own watcher panics past 100 unread events), and must filter.
func TestWatchWithoutResourceVersion(t *testing.T) {
	c := New(seedTime)
	ctx := context.Background()
	w, err := c.cs.CoreV1().Pods("").Watch(ctx, metav1.ListOptions{FieldSelector: "spec.nodeName=" + NodePLEG})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	want := len(podsOnNode(t, c, NodePLEG))
	got := 0
	timeout := time.After(5 * time.Second)
	for got < want {
		select {
		case e := <-w.ResultChan():
			if e.Type != watch.Added || e.Object.(*corev1.Pod).Spec.NodeName != NodePLEG {
				t.Fatalf("unexpected %s %T", e.Type, e.Object)
			}
			got++
		case <-timeout:
			t.Fatalf("got %d of %d pods", got, want)
		}
	}
}

func TestInformersSeeEverything(t *testing.T) {
	c := New(seedTime)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := informers.NewSharedInformerFactory(c.Interface(), 0)
	nodes := f.Core().V1().Nodes().Informer()
	pods := f.Core().V1().Pods().Informer()
	events := f.Core().V1().Events().Informer()
	leaseInf := f.Coordination().V1().Leases().Informer()
	updated := make(chan string, 16)
	_, _ = nodes.AddEventHandler(cache.ResourceEventHandlerFuncs{UpdateFunc: func(old, new any) {
		o, n := old.(*corev1.Node), new.(*corev1.Node)
		if o.ResourceVersion != n.ResourceVersion && n.Spec.Unschedulable {
			updated <- n.Name
		}
	}})
	f.Start(ctx.Done())
	defer func() { cancel(); f.Shutdown() }()
	if !cache.WaitForCacheSync(ctx.Done(), nodes.HasSynced, pods.HasSynced, events.HasSynced, leaseInf.HasSynced) {
		t.Fatal("caches did not sync")
	}
	s := take(t, c.Interface())
	if len(nodes.GetStore().List()) != len(s.nodes) || len(pods.GetStore().List()) != len(s.pods) ||
		len(events.GetStore().List()) != len(s.events) || len(leaseInf.GetStore().List()) != len(s.leases) {
		t.Fatalf("informers hold %d nodes, %d pods, %d events, %d leases",
			len(nodes.GetStore().List()), len(pods.GetStore().List()), len(events.GetStore().List()), len(leaseInf.GetStore().List()))
	}
	if _, err := c.cs.CoreV1().Nodes().Patch(ctx, NodeWorker03, types.MergePatchType, []byte(`{"spec":{"unschedulable":true}}`), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	select {
	case name := <-updated:
		if name != NodeWorker03 {
			t.Errorf("update for %s", name)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the informer did not see the cordon")
	}
}

func TestLogs(t *testing.T) {
	c := New(seedTime)
	var calico corev1.Pod
	for _, p := range podsOnNode(t, c, NodeCNINotReady) {
		if strings.HasPrefix(p.Name, "calico-node-") {
			calico = p
		}
	}
	out, err := c.PodLogs(calico.Namespace, calico.Name, &corev1.PodLogOptions{Container: "calico-node", Previous: true})
	if err != nil || !strings.Contains(out, "Calico node failed to start") {
		t.Fatalf("previous logs: %v %q", err, out)
	}
	for _, p := range podsOnNode(t, c, NodeUnreachable) {
		if _, err := c.PodLogs(p.Namespace, p.Name, &corev1.PodLogOptions{Container: p.Spec.Containers[0].Name}); err == nil || !strings.Contains(err.Error(), "no route to host") {
			t.Errorf("logs from the unreachable node: %v", err)
		}
		break
	}
	raw, err := c.cs.CoreV1().Pods("kube-system").GetLogs("ignored", &corev1.PodLogOptions{Container: "calico-node", Previous: true}).DoRaw(context.Background())
	if err != nil || len(raw) == 0 || string(raw) == "fake logs" {
		t.Errorf("GetLogs through the clientset: %v %q", err, raw)
	}
}
