package e2e

// These tests run ktriage's watcher (package cluster) against the real control plane and check what
// a person at the node list would see: every node and pod, allocations that match kubectl describe
// node, changes within a couple of seconds, an outage survived without a restart, and a read-only
// user who may not read Leases.

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/rest"

	"github.com/ktriage/ktriage/cluster"
	"github.com/ktriage/ktriage/diag"
	"github.com/ktriage/ktriage/hack/testenv"
)

// published is one snapshot as the watcher handed it over, with the time it did.
type published struct {
	snap *cluster.Snapshot
	at   time.Time
}

// watch is a running cluster.Watcher whose snapshots arrive on a channel, as tea.Program.Send
// would deliver them to the UI. Only the test goroutine reads it.
type watch struct {
	client *cluster.Client
	ch     chan published
	last   *cluster.Snapshot
	count  int
}

// startWatch runs a watcher on cfg until the test ends, and fails the test if it does not stop
// within 10 s of its context ending.
func startWatch(t *testing.T, cfg *rest.Config, user string) *watch {
	t.Helper()
	client, err := cluster.NewClientFromConfig(cfg, cluster.Info{Context: "testenv", User: user}, "ktriage-e2e", 10*time.Second)
	if err != nil {
		t.Fatalf("build ktriage's client: %v", err)
	}
	w := &watch{client: client, ch: make(chan published, 1024)}
	ctx, cancel := context.WithCancel(context.Background())
	watcher := cluster.NewWatcher(client, cluster.Options{}, func(s *cluster.Snapshot) {
		select {
		case w.ch <- published{snap: s, at: time.Now()}:
		case <-ctx.Done():
		}
	})
	done := make(chan struct{})
	go func() {
		defer close(done)
		watcher.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Errorf("the watcher was still running 10s after its context ended")
		}
	})
	return w
}

// await returns the next snapshot that satisfies ok, failing the test with what after timeout.
func (w *watch) await(t *testing.T, timeout time.Duration, what string, ok func(*cluster.Snapshot) bool) published {
	t.Helper()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		select {
		case p := <-w.ch:
			w.last = p.snap
			w.count++
			if ok(p.snap) {
				return p
			}
		case <-timer.C:
			t.Fatalf("%s: no such snapshot within %s (%d snapshots seen; last: %s)", what, timeout, w.count, describe(w.last))
			return published{}
		}
	}
}

// describe summarises a snapshot for a failure message.
func describe(s *cluster.Snapshot) string {
	if s == nil {
		return "none"
	}
	return fmt.Sprintf("generation %d, synced=%v, connection %s (last error %q), %d nodes, leases unavailable %q",
		s.Generation, s.Synced, s.Conn.Phase, s.Conn.LastError, len(s.Nodes), s.LeasesUnavailable)
}

// Scale and correctness: on a cluster of 50 nodes and 1,000 running pods, ktriage's node list shows
// every node with its real pod count, and its allocated CPU and memory (and percentages) are those
// kubectl describe node prints — both while the pods arrive and when ktriage starts on a full cluster.
func TestWatcherShowsEveryNodeWithExactAllocationsAt50NodesAnd1000Pods(t *testing.T) {
	// An own control plane: 50 nodes and 1,000 pods would weigh on every test sharing one.
	env := testenv.Start(t, func(o *testenv.Options) { o.Scheduler = false })
	ctx := testContext(t, 5*time.Minute)
	const nodes, pods, ns = 50, 1000, "scale"

	// A watcher that is up before the cluster fills sees it fill through watch events.
	early := startWatch(t, env.AdminConfig, "admin")
	early.await(t, time.Minute, "initial sync of the empty cluster", func(s *cluster.Snapshot) bool { return s.Synced })

	start := time.Now()
	names, err := env.CreateKwokNodes(ctx, "scale", nodes)
	if err != nil {
		t.Fatal(err)
	}
	if err := env.EnsureNamespace(ctx, ns); err != nil {
		t.Fatal(err)
	}
	specs := make([]testenv.PodSpec, pods)
	for i := range specs {
		spec := testenv.PodSpec{
			Namespace: ns, Name: fmt.Sprintf("pod-%04d", i), Node: names[i%nodes],
			// Distinct requests per pod, so a pod counted twice or missed changes the sum.
			CPU: fmt.Sprintf("%dm", 10+i), Memory: fmt.Sprintf("%dMi", 16+i),
		}
		if i%3 == 0 {
			spec.CPULimit, spec.MemoryLimit = fmt.Sprintf("%dm", 2*(10+i)), fmt.Sprintf("%dMi", 2*(16+i))
		}
		// The init container asks for 1 CPU and 1Gi: it dominates small pods and not large ones.
		spec.InitContainer = i%7 == 0
		specs[i] = spec
	}
	if err := env.CreatePods(ctx, specs...); err != nil {
		t.Fatal(err)
	}
	if err := env.WaitForPodsRunning(ctx, ns, "", pods); err != nil {
		t.Fatalf("the %d pods never all ran on the kwok nodes: %v", pods, err)
	}
	t.Logf("%d nodes and %d pods running after %s", nodes, pods, time.Since(start).Round(time.Millisecond))

	want := expectedAllocations(t, specs)
	nodeObj, err := env.Client.CoreV1().Nodes().Get(ctx, names[0], metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	allocatable := nodeObj.Status.Allocatable

	// The early watcher converges on the full cluster.
	caughtUp := time.Now()
	var mismatch string
	got := early.await(t, 30*time.Second, "the watcher that saw the cluster fill shows all nodes, pods and requests", func(s *cluster.Snapshot) bool {
		mismatch = checkScaleSnapshot(s, names, want, allocatable)
		return mismatch == ""
	})
	if lag := got.at.Sub(caughtUp); lag > 0 {
		t.Logf("watcher running through the fill caught up %s after the pods were seen running (generation %d)",
			lag.Round(time.Millisecond), got.snap.Generation)
	} else {
		t.Logf("watcher running through the fill had caught up %s before the poll saw every pod running (generation %d)",
			(-lag).Round(time.Millisecond), got.snap.Generation)
	}

	// A watcher started on the full cluster is exact in its very first synced snapshot.
	started := time.Now()
	late := startWatch(t, env.AdminConfig, "admin")
	first := late.await(t, time.Minute, "initial sync of the full cluster", func(s *cluster.Snapshot) bool { return s.Synced })
	t.Logf("first synced snapshot of %d nodes and %d pods after %s", nodes, pods, first.at.Sub(started).Round(time.Millisecond))
	if msg := checkScaleSnapshot(first.snap, names, want, allocatable); msg != "" {
		t.Fatalf("first synced snapshot of a watcher started on the full cluster is wrong: %s", msg)
	}
	if first.snap.Conn.Phase != cluster.ConnLive {
		t.Errorf("connection shows %s once synced, want live", first.snap.Conn.Phase)
	}
}

// nodeAllocation is what kubectl describe node prints for one node's cpu and memory.
type nodeAllocation struct {
	pods                           int
	cpuReq, cpuLim, memReq, memLim resource.Quantity
}

// expectedAllocations sums the specs per node by kubectl's rule, computed here independently from
// the specs rather than from the pods: a pod asks for the larger of its init container and the sum of
// its app containers, per resource; limits only where a container sets them.
func expectedAllocations(t *testing.T, specs []testenv.PodSpec) map[string]*nodeAllocation {
	t.Helper()
	initCPU, initMem := resource.MustParse("1"), resource.MustParse("1Gi")
	larger := func(a, b resource.Quantity) resource.Quantity {
		if a.Cmp(b) >= 0 {
			return a
		}
		return b
	}
	out := map[string]*nodeAllocation{}
	for _, s := range specs {
		a := out[s.Node]
		if a == nil {
			a = &nodeAllocation{}
			out[s.Node] = a
		}
		a.pods++
		cpu, mem := resource.MustParse(s.CPU), resource.MustParse(s.Memory)
		if s.InitContainer {
			cpu, mem = larger(cpu, initCPU), larger(mem, initMem)
		}
		a.cpuReq.Add(cpu)
		a.memReq.Add(mem)
		if s.CPULimit != "" {
			a.cpuLim.Add(resource.MustParse(s.CPULimit))
		}
		if s.MemoryLimit != "" {
			a.memLim.Add(resource.MustParse(s.MemoryLimit))
		}
	}
	return out
}

// kubectlPercent is kubectl describe node's percentage: milli-units for cpu, whole units otherwise,
// as a float fraction truncated toward zero.
func kubectlPercent(name corev1.ResourceName, used, allocatable resource.Quantity) int64 {
	if name == corev1.ResourceCPU {
		return int64(float64(used.MilliValue()) / float64(allocatable.MilliValue()) * 100)
	}
	return int64(float64(used.Value()) / float64(allocatable.Value()) * 100)
}

// checkScaleSnapshot returns what is wrong with s, or "".
func checkScaleSnapshot(s *cluster.Snapshot, names []string, want map[string]*nodeAllocation, allocatable corev1.ResourceList) string {
	if !s.Synced {
		return "not synced"
	}
	if len(s.Nodes) != len(names) {
		return fmt.Sprintf("the node list has %d nodes, want %d", len(s.Nodes), len(names))
	}
	for _, name := range names {
		v := s.Node(name)
		if v == nil {
			return fmt.Sprintf("node %s is missing", name)
		}
		w := want[name]
		if v.Summary.PodCount != w.pods {
			return fmt.Sprintf("node %s shows %d pods, want %d", name, v.Summary.PodCount, w.pods)
		}
		if v.Summary.Ready != cluster.ReadyTrue {
			return fmt.Sprintf("node %s is %s, want Ready", name, v.Summary.Ready)
		}
		for _, r := range []struct {
			name     corev1.ResourceName
			req, lim resource.Quantity
		}{{corev1.ResourceCPU, w.cpuReq, w.cpuLim}, {corev1.ResourceMemory, w.memReq, w.memLim}} {
			got, ok := v.Allocation.Get(r.name)
			if !ok {
				return fmt.Sprintf("node %s has no %s allocation row", name, r.name)
			}
			if got.Requests.Cmp(r.req) != 0 || got.Limits.Cmp(r.lim) != 0 {
				return fmt.Sprintf("node %s %s requests/limits = %s/%s, want %s/%s (kubectl describe node)",
					name, r.name, got.Requests.String(), got.Limits.String(), r.req.String(), r.lim.String())
			}
			alloc := allocatable[r.name]
			if wantReq, wantLim := kubectlPercent(r.name, r.req, alloc), kubectlPercent(r.name, r.lim, alloc); got.RequestPct != wantReq || got.LimitPct != wantLim {
				return fmt.Sprintf("node %s %s = %d%% requested, %d%% limited of %s allocatable, want %d%% and %d%% (kubectl describe node)",
					name, r.name, got.RequestPct, got.LimitPct, alloc.String(), wantReq, wantLim)
			}
		}
	}
	return ""
}

// Live updates: when a node's kubelet reports NotReady, the node list shows it NotReady, with the
// kubelet's message, within two seconds — and shows it Ready again as quickly when it recovers.
func TestNodeGoingNotReadyShowsWithinTwoSeconds(t *testing.T) {
	env := testenv.Shared(t)
	ctx := testContext(t, 2*time.Minute)
	// Not a kwok node: kwok would rewrite the Ready condition this test writes.
	node := testenv.WorkerNode("live-notready", env.NextNodeIndex(), false)
	if _, err := env.CreateNode(ctx, node); err != nil {
		t.Fatal(err)
	}
	w := startWatch(t, env.AdminConfig, "admin")
	w.await(t, time.Minute, "node "+node.Name+" listed as Ready", func(s *cluster.Snapshot) bool {
		v := s.Node(node.Name)
		return s.Synced && v != nil && v.Summary.Ready == cluster.ReadyTrue
	})

	const message = "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized"
	setReady := func(status corev1.ConditionStatus, reason, msg string) time.Time {
		t.Helper()
		now := metav1.Now()
		patch := fmt.Sprintf(`{"status":{"conditions":[{"type":"Ready","status":%q,"reason":%q,"message":%q,"lastHeartbeatTime":%q,"lastTransitionTime":%q}]}}`,
			status, reason, msg, now.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
		if _, err := env.Client.CoreV1().Nodes().Patch(ctx, node.Name, types.StrategicMergePatchType, []byte(patch), metav1.PatchOptions{}, "status"); err != nil {
			t.Fatalf("patch the Ready condition of %s: %v", node.Name, err)
		}
		return time.Now()
	}

	patched := setReady(corev1.ConditionFalse, "KubeletNotReady", message)
	got := w.await(t, 10*time.Second, "node "+node.Name+" shown NotReady with the kubelet's message", func(s *cluster.Snapshot) bool {
		v := s.Node(node.Name)
		return v != nil && v.Summary.Ready == cluster.ReadyFalse
	})
	latency := got.at.Sub(patched)
	t.Logf("Ready=False patch → snapshot: %s", latency.Round(time.Millisecond))
	if latency > 2*time.Second {
		t.Errorf("NotReady reached the node list %s after the patch, want within 2s", latency.Round(time.Millisecond))
	}
	v := got.snap.Node(node.Name)
	if v.Summary.Status != "NotReady" {
		t.Errorf("STATUS column shows %q, want NotReady", v.Summary.Status)
	}
	// The kubelet's message names the CNI, so the cni-not-ready finding explains the NotReady and
	// quotes the message verbatim.
	var finding *diag.Finding
	for i, f := range v.Findings {
		if f.ID == diag.IDCNINotReady {
			finding = &v.Findings[i]
		}
	}
	switch {
	case finding == nil || !v.Summary.HasFinding(diag.IDCNINotReady):
		t.Errorf("PROBLEMS shows %q, want the cni-not-ready finding", v.Summary.ProblemsText())
	case !strings.Contains(strings.Join(finding.Evidence, "\n"), message):
		t.Errorf("cni-not-ready evidence %q lacks the kubelet's message %q", finding.Evidence, message)
	case finding.Severity != diag.SeverityCritical || v.Summary.Severity != cluster.SeverityCritical:
		t.Errorf("cni-not-ready has severity %s (node %s), want critical", finding.Severity, v.Summary.Severity)
	}

	patched = setReady(corev1.ConditionTrue, "KubeletReady", "kubelet is posting ready status")
	got = w.await(t, 10*time.Second, "node "+node.Name+" shown Ready again", func(s *cluster.Snapshot) bool {
		v := s.Node(node.Name)
		return v != nil && v.Summary.Ready == cluster.ReadyTrue
	})
	latency = got.at.Sub(patched)
	t.Logf("Ready=True patch → snapshot: %s", latency.Round(time.Millisecond))
	if latency > 2*time.Second {
		t.Errorf("recovery reached the node list %s after the patch, want within 2s", latency.Round(time.Millisecond))
	}
	if p := got.snap.Node(node.Name).Summary.ProblemsText(); strings.Contains(p, "NotReady") {
		t.Errorf("PROBLEMS still shows %q after the node recovered", p)
	}
}

// Reconnect: when the API server goes away, ktriage says it is reconnecting (and why) while still
// showing the nodes it knew; when the server comes back it turns live again by itself and shows
// changes made after the outage, without being restarted.
func TestWatcherReconnectsAfterAnAPIServerOutage(t *testing.T) {
	// Only etcd and the API server: the outage is the point, and nothing else needs to run.
	env := testenv.Start(t, func(o *testenv.Options) {
		o.Scheduler, o.Kwok, o.ControllerManager = false, false, false
	})
	ctx := testContext(t, 4*time.Minute)
	before := testenv.WorkerNode("outage-before", env.NextNodeIndex(), false)
	if _, err := env.CreateNode(ctx, before); err != nil {
		t.Fatal(err)
	}
	w := startWatch(t, env.AdminConfig, "admin")
	w.await(t, time.Minute, "live snapshot with node "+before.Name, func(s *cluster.Snapshot) bool {
		return s.Synced && s.Conn.Phase == cluster.ConnLive && s.Node(before.Name) != nil
	})

	stopped := time.Now()
	env.StopAPIServer()
	gone := time.Now()
	t.Logf("API server stopped in %s (SIGTERM, then SIGKILL after 10s)", gone.Sub(stopped).Round(time.Millisecond))
	down := w.await(t, 30*time.Second, "reconnecting snapshot with the error after the API server stopped", func(s *cluster.Snapshot) bool {
		return s.Conn.Phase == cluster.ConnReconnecting && s.Conn.LastError != ""
	})
	t.Logf("API server gone → reconnecting: %s (%s after the stop began; error: %s)",
		down.at.Sub(gone).Round(time.Millisecond), down.at.Sub(stopped).Round(time.Millisecond), down.snap.Conn.LastError)
	if !down.snap.Synced || down.snap.Node(before.Name) == nil {
		t.Errorf("while reconnecting the node list lost what it knew: %s", describe(down.snap))
	}

	restarted := time.Now()
	if err := env.StartAPIServer(ctx); err != nil {
		t.Fatalf("restart the API server: %v", err)
	}
	ready := time.Now()
	t.Logf("API server ready again after %s", ready.Sub(restarted).Round(time.Millisecond))
	live := w.await(t, 60*time.Second, "live snapshot after the API server came back", func(s *cluster.Snapshot) bool {
		return s.Conn.Phase == cluster.ConnLive
	})
	t.Logf("API server restart begun → live: %s", live.at.Sub(restarted).Round(time.Millisecond))
	if live.snap.Conn.LastError != "" {
		t.Errorf("live snapshot still carries the error %q", live.snap.Conn.LastError)
	}

	// Changes made after the outage reach the node list: a new node, and a label on the old one.
	after := testenv.WorkerNode("outage-after", env.NextNodeIndex(), false)
	if _, err := env.CreateNode(ctx, after); err != nil {
		t.Fatal(err)
	}
	label := []byte(`{"metadata":{"labels":{"node-role.kubernetes.io/after-outage":""}}}`)
	if _, err := env.Client.CoreV1().Nodes().Patch(ctx, before.Name, types.StrategicMergePatchType, label, metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	changed := time.Now()
	seen := w.await(t, 45*time.Second, "snapshot with the node created and the role added after the outage", func(s *cluster.Snapshot) bool {
		v := s.Node(before.Name)
		return s.Node(after.Name) != nil && v != nil && containsString(v.Summary.Roles, "after-outage")
	})
	t.Logf("change after the outage → snapshot: %s; outage to fully recovered: %s",
		seen.at.Sub(changed).Round(time.Millisecond), seen.at.Sub(stopped).Round(time.Millisecond))
	if seen.snap.Conn.Phase != cluster.ConnLive {
		t.Errorf("connection shows %s after recovering, want live", seen.snap.Conn.Phase)
	}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Read-only user: a user who may list nodes, pods and events but not Leases still gets a complete,
// live node list; ktriage says Leases are unavailable and takes heartbeats from the Ready condition
// instead of reporting an outage.
func TestReadOnlyUserWithoutLeasesSeesHeartbeatsFromReadyCondition(t *testing.T) {
	env := testenv.Shared(t)
	ctx := testContext(t, 2*time.Minute)
	names, err := env.CreateKwokNodes(ctx, "readonly", 1)
	if err != nil {
		t.Fatal(err)
	}
	name := names[0]
	if err := env.WaitForNodeReady(ctx, name); err != nil {
		t.Fatal(err)
	}
	// The node has a Lease (kwok renews it), which the read-only user is not allowed to read.
	err = wait.PollUntilContextCancel(ctx, 200*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		_, err := env.Client.CoordinationV1().Leases(testenv.NodeLeaseNamespace).Get(ctx, name, metav1.GetOptions{})
		return err == nil, nil
	})
	if err != nil {
		t.Fatalf("kwok never created the Lease of %s: %v", name, err)
	}
	if _, err := env.ReadOnlyClient.CoordinationV1().Leases(testenv.NodeLeaseNamespace).List(ctx, metav1.ListOptions{}); err == nil {
		t.Fatal("the read-only user may list Leases; this test needs a user who may not")
	}

	w := startWatch(t, env.ReadOnlyConfig, "read-only")
	got := w.await(t, time.Minute, "synced snapshot for the read-only user with node "+name, func(s *cluster.Snapshot) bool {
		return s.Synced && s.Node(name) != nil
	})
	s := got.snap
	if s.LeasesUnavailable == "" {
		t.Errorf("the snapshot does not say Leases are unavailable to this user")
	}
	if s.Conn.Phase != cluster.ConnLive || s.Conn.LastError != "" {
		t.Errorf("connection shows %s (error %q) for a user merely denied Leases, want live with no error", s.Conn.Phase, s.Conn.LastError)
	}
	v := s.Node(name)
	if v.Summary.HeartbeatFromLease {
		t.Errorf("heartbeat of %s claims to come from a Lease this user cannot read", name)
	}
	var readyHeartbeat time.Time
	for _, c := range v.Node.Status.Conditions {
		if c.Type == corev1.NodeReady {
			readyHeartbeat = c.LastHeartbeatTime.Time
		}
	}
	if v.Summary.Heartbeat.IsZero() || !v.Summary.Heartbeat.Equal(readyHeartbeat) {
		t.Errorf("heartbeat of %s = %v, want the Ready condition's lastHeartbeatTime %v", name, v.Summary.Heartbeat, readyHeartbeat)
	}
	if v.Summary.Ready != cluster.ReadyTrue {
		t.Errorf("node %s shows %s to the read-only user, want Ready", name, v.Summary.Ready)
	}
	if p := v.Summary.ProblemsText(); strings.Contains(p, "heartbeat") {
		t.Errorf("PROBLEMS shows %q for a healthy node whose Lease this user cannot read", p)
	}
}
