package e2e

// These tests run ktriage's actions (package actions) against the real control plane: the API
// server's RBAC, Eviction API and PodDisruptionBudgets, kwok's kubelets and the controller manager's
// node lifecycle. Each test keeps to its own nodes and namespace, so they run side by side on the
// shared control plane.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/util/retry"
	"k8s.io/kubectl/pkg/drain"
	"k8s.io/utils/ptr"

	"github.com/ktriage/ktriage/actions"
	"github.com/ktriage/ktriage/cluster"
	"github.com/ktriage/ktriage/hack/testenv"
)

// unique makes a name no earlier run on the shared control plane used (go test -count=2 runs every
// test again on the same plane).
func unique(prefix string) string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return prefix + "-" + hex.EncodeToString(b)
}

// actionRunner is a runner on the given client with its own audit log; retry is the pause after an
// eviction a budget refused.
func actionRunner(t *testing.T, env *testenv.Env, client kubernetes.Interface, user string, retry time.Duration) (*actions.Runner, string) {
	t.Helper()
	path := t.TempDir() + "/ktriage/audit.jsonl"
	return actions.New(actions.Config{
		Client: client, Info: cluster.Info{Context: "testenv", Server: env.Server, User: user},
		Audit: actions.NewAuditLog(path), EvictionRetryDelay: retry,
	}), path
}

// auditTrail reads an audit log as "action:result" per line, and the lines themselves.
func auditTrail(t *testing.T, path string) ([]string, []actions.AuditEntry) {
	t.Helper()
	raw, err := os.ReadFile(path)
	data := string(raw)
	if err != nil {
		t.Fatalf("read audit log: %v", err)
	}
	var trail []string
	var lines []actions.AuditEntry
	for _, l := range strings.Split(strings.TrimSuffix(data, "\n"), "\n") {
		if l == "" {
			continue
		}
		var e actions.AuditEntry
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("audit line %q: %v", l, err)
		}
		trail = append(trail, e.Action+":"+e.Result)
		lines = append(lines, e)
	}
	return trail, lines
}

func getNode(ctx context.Context, t *testing.T, env *testenv.Env, name string) *corev1.Node {
	t.Helper()
	n, err := env.Client.CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("get node %s: %v", name, err)
	}
	return n
}

// podsOn lists the names of the pods bound to a node, as namespace/name, sorted.
func podsOn(ctx context.Context, t *testing.T, env *testenv.Env, node string) []string {
	t.Helper()
	list, err := env.Client.CoreV1().Pods("").List(ctx, metav1.ListOptions{FieldSelector: "spec.nodeName=" + node})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range list.Items {
		out = append(out, p.Namespace+"/"+p.Name)
	}
	slices.Sort(out)
	return out
}

// progressWatch records a drain's progress reports and lets the test wait for one.
type progressWatch struct {
	mu      sync.Mutex
	last    actions.DrainProgress
	count   int
	changed chan struct{}
}

func newProgressWatch() *progressWatch { return &progressWatch{changed: make(chan struct{}, 1)} }

func (w *progressWatch) report(p actions.DrainProgress) {
	w.mu.Lock()
	w.last, w.count = p, w.count+1
	w.mu.Unlock()
	select {
	case w.changed <- struct{}{}:
	default:
	}
}

func (w *progressWatch) current() actions.DrainProgress {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.last
}

// await waits until a report satisfies ok and returns it.
func (w *progressWatch) await(t *testing.T, timeout time.Duration, what string, ok func(actions.DrainProgress) bool) actions.DrainProgress {
	t.Helper()
	deadline := time.After(timeout)
	for {
		if p := w.current(); ok(p) {
			return p
		}
		select {
		case <-w.changed:
		case <-deadline:
			p := w.current()
			t.Fatalf("%s: not within %s; last progress: phase %q, pods %+v", what, timeout, p.Phase, p.Pods)
			return p
		}
	}
}

// drainAsync runs a drain in the background; the result arrives on the channel.
type drainResult struct {
	final actions.DrainProgress
	err   error
	at    time.Time
}

func drainAsync(ctx context.Context, r *actions.Runner, node string, o actions.DrainOptions, report func(actions.DrainProgress)) <-chan drainResult {
	ch := make(chan drainResult, 1)
	go func() {
		final, err := r.Drain(ctx, node, o, report)
		ch <- drainResult{final, err, time.Now()}
	}()
	return ch
}

func refusedBy(p actions.DrainProgress, budget string, retries int) (actions.PodProgress, bool) {
	for _, pp := range p.Pods {
		if pp.Budget == budget && pp.Retries >= retries {
			return pp, true
		}
	}
	return actions.PodProgress{}, false
}

// Cordon and uncordon as the admin, and the read-only user's refusal: ktriage names the permission
// it lacks, sends no patch, and the node stays as it was.
func TestActionsCordonRoundTripAndReadOnlyDenial(t *testing.T) {
	t.Parallel()
	env := testenv.Shared(t)
	ctx := testContext(t, 90*time.Second)
	names, err := env.CreateKwokNodes(ctx, unique("act-cordon"), 2)
	if err != nil {
		t.Fatal(err)
	}
	admin, adminAudit := actionRunner(t, env, env.Client, "admin", 0)

	res := admin.Cordon(ctx, names[:1], true)[0]
	if res.Err != nil || !res.Changed || res.Message != "cordoned" {
		t.Fatalf("cordon %s = %+v", names[0], res)
	}
	if !getNode(ctx, t, env, names[0]).Spec.Unschedulable {
		t.Fatal("the API server does not show the node cordoned")
	}
	if res := admin.Cordon(ctx, names[:1], true)[0]; res.Err != nil || res.Changed || res.Message != "already cordoned" {
		t.Errorf("second cordon = %+v, want unchanged, already cordoned", res)
	}

	// The read-only user: the preflight withholds the actions and says why.
	viewer, viewerAudit := actionRunner(t, env, env.ReadOnlyClient, "viewer", 0)
	perms := viewer.Preflight(ctx)
	if perms.Err != nil {
		t.Fatalf("preflight as the read-only user: %v", perms.Err)
	}
	for a, want := range map[actions.Action]string{
		actions.ActionCordon:      "needs patch nodes",
		actions.ActionUncordon:    "needs patch nodes",
		actions.ActionDrain:       "needs patch nodes, create pods/eviction",
		actions.ActionMaintenance: "needs patch nodes, create pods/eviction",
		actions.ActionDeletePod:   "needs delete pods",
	} {
		if ok, why := perms.Allowed(a); ok || why != want {
			t.Errorf("read-only user: Allowed(%s) = %v, %q; want false, %q", a, ok, why, want)
		}
	}
	if ok, _ := admin.Preflight(ctx).Allowed(actions.ActionDrain); !ok {
		t.Error("the admin may not drain, says the preflight")
	}

	// Trying anyway: a clear denial, and neither node changes.
	for _, tc := range []struct {
		node    string
		desired bool
	}{{names[0], false}, {names[1], true}} {
		res := viewer.Cordon(ctx, []string{tc.node}, tc.desired)[0]
		var fe *actions.ForbiddenError
		if !errors.As(res.Err, &fe) || !strings.Contains(res.Err.Error(), "patch nodes") {
			t.Errorf("read-only cordon(%v) of %s: %v, want a ForbiddenError naming patch nodes", tc.desired, tc.node, res.Err)
		}
		if res.Changed {
			t.Errorf("read-only cordon(%v) says it changed %s", tc.desired, tc.node)
		}
	}
	if !getNode(ctx, t, env, names[0]).Spec.Unschedulable || getNode(ctx, t, env, names[1]).Spec.Unschedulable {
		t.Error("the read-only user changed a node's schedulability")
	}
	trail, lines := auditTrail(t, viewerAudit)
	if !slices.Equal(trail, []string{"uncordon:refused", "cordon:refused"}) {
		t.Errorf("read-only audit trail = %v, want two refusals", trail)
	}
	for _, l := range lines {
		if l.User != "viewer" || !strings.Contains(l.Error, "patch nodes") || l.Server != env.Server {
			t.Errorf("read-only audit line = %+v, want user viewer (from the server) and the missing permission", l)
		}
	}

	if res := admin.Cordon(ctx, names[:1], false)[0]; res.Err != nil || !res.Changed || res.Message != "uncordoned" {
		t.Fatalf("uncordon = %+v", res)
	}
	if getNode(ctx, t, env, names[0]).Spec.Unschedulable {
		t.Error("the node is still cordoned after uncordon")
	}
	trail, lines = auditTrail(t, adminAudit)
	want := []string{"cordon:attempt", "cordon:ok", "cordon:attempt", "cordon:no-change", "uncordon:attempt", "uncordon:ok"}
	if !slices.Equal(trail, want) {
		t.Errorf("admin audit trail = %v, want %v", trail, want)
	}
	if len(lines) > 0 && lines[0].User != "admin" {
		t.Errorf("audit user = %q, want admin as the API server knows it", lines[0].User)
	}
}

// A kwok node with one pod of each kind: the preview says, for every option set, what kubectl's
// rules do with each (and agrees with kubectl's helper against the real server); a drain that those
// rules refuse changes nothing; the drain with force and emptyDir deletion leaves only the
// DaemonSet's pod.
func TestActionsDrainPreviewsEachKindOfPodAndLeavesOnlyDaemonSetPods(t *testing.T) {
	t.Parallel()
	env := testenv.Shared(t)
	ctx := testContext(t, 2*time.Minute)
	node, ns := kwokNodeAndNamespace(ctx, t, env, unique("act-drain"))
	owners := map[string]*metav1.OwnerReference{}
	for name, kind := range map[string]string{"web": testenv.OwnerReplicaSet, "cache": testenv.OwnerReplicaSet,
		"db": testenv.OwnerStatefulSet, "agent": testenv.OwnerDaemonSet} {
		ref, err := env.CreateOwner(ctx, kind, ns, name, 1)
		if err != nil {
			t.Fatal(err)
		}
		owners[name] = ref
	}
	err := env.CreatePods(ctx,
		testenv.PodSpec{Namespace: ns, Name: "web-1", Node: node, OwnerRef: owners["web"]},
		testenv.PodSpec{Namespace: ns, Name: "db-0", Node: node, OwnerRef: owners["db"]},
		testenv.PodSpec{Namespace: ns, Name: "agent-x", Node: node, OwnerRef: owners["agent"]},
		testenv.PodSpec{Namespace: ns, Name: "debug", Node: node},
		testenv.PodSpec{Namespace: ns, Name: "cache-1", Node: node, OwnerRef: owners["cache"], EmptyDir: true},
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := env.WaitForPodsRunning(ctx, ns, "", 5); err != nil {
		t.Fatal(err)
	}
	r, path := actionRunner(t, env, env.Client, "admin", time.Second)
	key := func(name string) string { return ns + "/" + name }

	for _, ignoreDS := range []bool{false, true} {
		for _, emptyDir := range []bool{false, true} {
			for _, force := range []bool{false, true} {
				o := actions.DrainOptions{IgnoreDaemonSets: ignoreDS, DeleteEmptyDirData: emptyDir, Force: force,
					GracePeriodSeconds: -1, Timeout: time.Minute}
				pv, err := r.PreviewDrain(ctx, node, o)
				if err != nil {
					t.Fatal(err)
				}
				want := map[string]actions.Disposition{
					key("web-1"): actions.Evict, key("db-0"): actions.Evict,
					key("agent-x"): actions.Block, key("debug"): actions.Block, key("cache-1"): actions.Block,
				}
				if ignoreDS {
					want[key("agent-x")] = actions.Skip
				}
				if force {
					want[key("debug")] = actions.Evict
				}
				if emptyDir {
					want[key("cache-1")] = actions.Evict
				}
				got := map[string]actions.Disposition{}
				for _, p := range pv.Pods {
					got[p.Key()] = p.Disposition
					if p.Disposition == actions.Block && p.Reason == "" {
						t.Errorf("%+v: %s blocks without a reason", o, p.Key())
					}
				}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("options ignoreDS=%v emptyDir=%v force=%v: preview %v, want %v", ignoreDS, emptyDir, force, got, want)
				}
				// kubectl's helper, on the same server with the same options, picks the same pods.
				h := &drain.Helper{Ctx: ctx, Client: env.Client, IgnoreAllDaemonSets: ignoreDS, DeleteEmptyDirData: emptyDir,
					Force: force, GracePeriodSeconds: -1}
				list, _ := h.GetPodsForDeletion(node)
				var helper, ours []string
				for _, p := range list.Pods() {
					helper = append(helper, p.Namespace+"/"+p.Name)
				}
				for _, p := range append(pv.With(actions.Evict), pv.With(actions.WaitBudget)...) {
					ours = append(ours, p.Key())
				}
				slices.Sort(helper)
				slices.Sort(ours)
				if !slices.Equal(helper, ours) {
					t.Errorf("options ignoreDS=%v emptyDir=%v force=%v: preview evicts %v, kubectl's helper %v", ignoreDS, emptyDir, force, ours, helper)
				}
			}
		}
	}

	// kubectl's rules refuse the default options here (a pod without controller, an emptyDir):
	// nothing changes.
	final, err := r.Drain(ctx, node, actions.DefaultDrainOptions(getNode(ctx, t, env, node)), nil)
	if err == nil || final.Phase != actions.PhaseFailed || !strings.Contains(final.Summary, key("debug")) || !strings.Contains(final.Summary, key("cache-1")) {
		t.Fatalf("drain with default options: phase %q err %v summary %q; want failed naming debug and cache-1", final.Phase, err, final.Summary)
	}
	if getNode(ctx, t, env, node).Spec.Unschedulable || len(podsOn(ctx, t, env, node)) != 5 {
		t.Fatal("a drain that could not start changed the node or its pods")
	}

	o := actions.DefaultDrainOptions(getNode(ctx, t, env, node))
	o.Force, o.DeleteEmptyDirData, o.Timeout = true, true, time.Minute
	w := newProgressWatch()
	start := time.Now()
	final, err = r.Drain(ctx, node, o, w.report)
	if err != nil || final.Phase != actions.PhaseDone {
		t.Fatalf("drain: phase %q err %v summary %q", final.Phase, err, final.Summary)
	}
	t.Logf("drained 4 pods from a kwok node in %s", time.Since(start).Round(time.Millisecond))
	if final.Summary != "drained: 4 pods evicted" {
		t.Errorf("summary = %q, want \"drained: 4 pods evicted\"", final.Summary)
	}
	if left := podsOn(ctx, t, env, node); !slices.Equal(left, []string{key("agent-x")}) {
		t.Errorf("pods left on the node = %v, want only the DaemonSet's %s", left, key("agent-x"))
	}
	if !getNode(ctx, t, env, node).Spec.Unschedulable {
		t.Error("the drained node is not cordoned")
	}
	trail, lines := auditTrail(t, path)
	if !slices.Equal(trail, []string{"drain:attempt", "drain:failed", "drain:attempt", "drain:ok"}) {
		t.Errorf("audit trail = %v", trail)
	} else {
		evicted := slices.Clone(lines[3].Pods)
		slices.Sort(evicted)
		if want := []string{key("cache-1"), key("db-0"), key("debug"), key("web-1")}; !slices.Equal(evicted, want) {
			t.Errorf("audit lists evicted pods %v, want %v", evicted, want)
		}
	}
}

// budgetFixture is a kwok node with n ReplicaSet pods and a PodDisruptionBudget that allows no
// disruption (minAvailable n).
func budgetFixture(ctx context.Context, t *testing.T, env *testenv.Env, prefix string, n int) (node, ns, budget string) {
	t.Helper()
	node, ns = kwokNodeAndNamespace(ctx, t, env, prefix)
	owner, err := env.CreateOwner(ctx, testenv.OwnerReplicaSet, ns, "api", int32(n))
	if err != nil {
		t.Fatal(err)
	}
	var specs []testenv.PodSpec
	for i := range n {
		specs = append(specs, testenv.PodSpec{Namespace: ns, Name: fmt.Sprintf("api-%d", i), Node: node, OwnerRef: owner})
	}
	if err := env.CreatePods(ctx, specs...); err != nil {
		t.Fatal(err)
	}
	if err := env.WaitForPodsRunning(ctx, ns, "app=api", n); err != nil {
		t.Fatal(err)
	}
	budget = "api-pdb"
	if _, err := env.CreatePDB(ctx, ns, budget, "api", n); err != nil {
		t.Fatal(err)
	}
	if err := env.WaitForPDB(ctx, ns, budget, 0); err != nil {
		t.Fatalf("the budget never settled at 0 disruptions allowed: %v", err)
	}
	return node, ns, budget
}

// A budget at zero disruptions: the preview and the progress name it, the drain retries, and
// relaxing the budget lets the drain finish.
func TestActionsDrainWaitsForAPodDisruptionBudgetAndFinishesWhenRelaxed(t *testing.T) {
	t.Parallel()
	env := testenv.Shared(t)
	ctx := testContext(t, 2*time.Minute)
	node, ns, budget := budgetFixture(ctx, t, env, unique("act-pdb"), 2)
	r, path := actionRunner(t, env, env.Client, "admin", time.Second)
	o := actions.DefaultDrainOptions(getNode(ctx, t, env, node))

	pv, err := r.PreviewDrain(ctx, node, o)
	if err != nil {
		t.Fatal(err)
	}
	if waiting := pv.With(actions.WaitBudget); len(waiting) != 2 || waiting[0].Budget != budget || !pv.CanStart() {
		t.Errorf("preview = %+v, want both pods waiting for %s and the drain able to start", pv.Pods, budget)
	}

	w := newProgressWatch()
	done := drainAsync(ctx, r, node, o, w.report)
	p := w.await(t, 30*time.Second, "two refusals by "+budget, func(p actions.DrainProgress) bool {
		_, ok := refusedBy(p, budget, 2)
		return ok
	})
	pp, _ := refusedBy(p, budget, 2)
	if pp.State != actions.PodRefused || !strings.Contains(pp.Detail, budget) || !strings.Contains(pp.Why(), "PodDisruptionBudget "+budget) {
		t.Errorf("refused pod progress = %+v (why %q), want refused by %s with the server's reason", pp, pp.Why(), budget)
	}
	if !getNode(ctx, t, env, node).Spec.Unschedulable {
		t.Error("the node is not cordoned while the drain waits")
	}
	select {
	case res := <-done:
		t.Fatalf("the drain ended while the budget allowed nothing: %q %s", res.final.Phase, res.final.Summary)
	default:
	}

	relaxed := time.Now()
	patch := []byte(`{"spec":{"minAvailable":0}}`)
	if _, err := env.Client.PolicyV1().PodDisruptionBudgets(ns).Patch(ctx, budget, types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	var res drainResult
	select {
	case res = <-done:
	case <-time.After(45 * time.Second):
		t.Fatalf("the drain did not finish within 45s of relaxing the budget; progress %+v", w.current().Pods)
	}
	t.Logf("budget relaxed → drain done: %s", res.at.Sub(relaxed).Round(time.Millisecond))
	if res.err != nil || res.final.Phase != actions.PhaseDone || res.final.Summary != "drained: 2 pods evicted" {
		t.Fatalf("drain: phase %q err %v summary %q", res.final.Phase, res.err, res.final.Summary)
	}
	for _, pp := range res.final.Pods {
		if pp.State != actions.PodGone {
			t.Errorf("%s ended %q", pp.Key(), pp.State)
		}
	}
	if left := podsOn(ctx, t, env, node); len(left) != 0 {
		t.Errorf("pods left on the node: %v", left)
	}
	if trail, _ := auditTrail(t, path); !slices.Equal(trail, []string{"drain:attempt", "drain:ok"}) {
		t.Errorf("audit trail = %v", trail)
	}
}

// A drain held by a budget past its timeout ends timed out, naming the pod it waited on and the
// budget; the node stays cordoned.
func TestActionsDrainTimesOutOnAnExhaustedBudget(t *testing.T) {
	t.Parallel()
	env := testenv.Shared(t)
	ctx := testContext(t, 2*time.Minute)
	node, ns, budget := budgetFixture(ctx, t, env, unique("act-timeout"), 1)
	r, path := actionRunner(t, env, env.Client, "admin", time.Second)
	o := actions.DefaultDrainOptions(getNode(ctx, t, env, node))
	o.Timeout = 20 * time.Second
	start := time.Now()
	final, err := r.Drain(ctx, node, o, nil)
	took := time.Since(start)
	if err == nil || final.Phase != actions.PhaseTimedOut {
		t.Fatalf("drain: phase %q err %v summary %q, want timed out", final.Phase, err, final.Summary)
	}
	if took < 20*time.Second || took > 30*time.Second {
		t.Errorf("a drain with a 20s timeout ended after %s", took.Round(time.Millisecond))
	}
	for _, want := range []string{"timed out after 20s", "0 of 1 pods evicted", "stays cordoned", ns + "/api-0", "PodDisruptionBudget " + budget} {
		if !strings.Contains(final.Summary, want) {
			t.Errorf("summary %q does not say %q", final.Summary, want)
		}
	}
	if !getNode(ctx, t, env, node).Spec.Unschedulable {
		t.Error("the node is not cordoned after the timed-out drain")
	}
	if left := podsOn(ctx, t, env, node); len(left) != 1 {
		t.Errorf("pods on the node = %v, want the one the budget protects", left)
	}
	if trail, _ := auditTrail(t, path); !slices.Equal(trail, []string{"drain:attempt", "drain:timed-out"}) {
		t.Errorf("audit trail = %v", trail)
	}
}

// Cancelling a drain that waits on a budget returns within the retry pause; the node stays cordoned
// and the audit log records the cancellation.
func TestActionsCancelledDrainReturnsPromptly(t *testing.T) {
	t.Parallel()
	env := testenv.Shared(t)
	ctx := testContext(t, 2*time.Minute)
	node, ns, budget := budgetFixture(ctx, t, env, unique("act-cancel"), 1)
	const retryDelay = time.Second
	r, path := actionRunner(t, env, env.Client, "admin", retryDelay)
	drainCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	w := newProgressWatch()
	done := drainAsync(drainCtx, r, node, actions.DefaultDrainOptions(getNode(ctx, t, env, node)), w.report)
	w.await(t, 30*time.Second, "a refusal by "+budget, func(p actions.DrainProgress) bool {
		_, ok := refusedBy(p, budget, 1)
		return ok
	})
	cancelled := time.Now()
	cancel()
	var res drainResult
	select {
	case res = <-done:
	case <-time.After(retryDelay + 5*time.Second):
		t.Fatalf("the drain was still running %s after it was cancelled", retryDelay+5*time.Second)
	}
	t.Logf("cancel → drain returned: %s", res.at.Sub(cancelled).Round(time.Millisecond))
	if res.final.Phase != actions.PhaseCancelled || res.err == nil {
		t.Fatalf("drain: phase %q err %v, want cancelled", res.final.Phase, res.err)
	}
	if !strings.Contains(res.final.Summary, ns+"/api-0") || !strings.Contains(res.final.Summary, "stays cordoned") {
		t.Errorf("summary %q does not name the pod left and say the node stays cordoned", res.final.Summary)
	}
	if !getNode(ctx, t, env, node).Spec.Unschedulable {
		t.Error("the node is not cordoned after the cancelled drain")
	}
	trail, lines := auditTrail(t, path)
	if !slices.Equal(trail, []string{"drain:attempt", "drain:cancelled"}) {
		t.Fatalf("audit trail = %v, want attempt then cancelled", trail)
	}
	if !strings.Contains(lines[1].Error, "cancelled") || lines[1].Node != node {
		t.Errorf("cancelled line = %+v", lines[1])
	}
}

// The maintenance flow on a kwok node: start drains and records the boot ID; a reboot (new boot
// ID, still Ready) is recognised; finish uncordons and removes the record.
func TestActionsMaintenanceFlowOnAKwokNode(t *testing.T) {
	t.Parallel()
	env := testenv.Shared(t)
	ctx := testContext(t, 90*time.Second)
	node, ns := kwokNodeAndNamespace(ctx, t, env, unique("act-maint"))
	owner, err := env.CreateOwner(ctx, testenv.OwnerReplicaSet, ns, "web", 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := env.CreatePods(ctx, testenv.PodSpec{Namespace: ns, Name: "web-1", Node: node, OwnerRef: owner}); err != nil {
		t.Fatal(err)
	}
	if err := env.WaitForPodsRunning(ctx, ns, "app=web", 1); err != nil {
		t.Fatal(err)
	}
	if err := env.WaitForNodeReady(ctx, node); err != nil {
		t.Fatal(err)
	}
	bootID := getNode(ctx, t, env, node).Status.NodeInfo.BootID
	r, path := actionRunner(t, env, env.Client, "admin", time.Second)

	final, err := r.StartMaintenance(ctx, node, actions.DefaultDrainOptions(getNode(ctx, t, env, node)), nil)
	if err != nil || final.Phase != actions.PhaseDone {
		t.Fatalf("start maintenance: phase %q err %v summary %q", final.Phase, err, final.Summary)
	}
	n := getNode(ctx, t, env, node)
	m, ok := cluster.ParseMaintenance(n)
	if !ok || m.Phase != cluster.MaintenanceDrained || m.BootID != bootID || m.By != "admin" || !n.Spec.Unschedulable {
		t.Fatalf("after start: record %+v (%v), unschedulable %v; want drained with boot ID %s by admin, cordoned", m, ok, n.Spec.Unschedulable, bootID)
	}
	if m.Rebooted(n) {
		t.Error("Rebooted() before the reboot")
	}
	if left := podsOn(ctx, t, env, node); len(left) != 0 {
		t.Errorf("pods left after the maintenance drain: %v", left)
	}

	// The reboot: the kubelet comes back with a new boot ID.
	err = retry.RetryOnConflict(retry.DefaultRetry, func() error {
		n, err := env.Client.CoreV1().Nodes().Get(ctx, node, metav1.GetOptions{})
		if err != nil {
			return err
		}
		n.Status.NodeInfo.BootID = "11111111-2222-4333-8444-555555555555"
		_, err = env.Client.CoreV1().Nodes().UpdateStatus(ctx, n, metav1.UpdateOptions{})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	n = getNode(ctx, t, env, node)
	m, _ = cluster.ParseMaintenance(n)
	if !m.Rebooted(n) {
		t.Fatalf("Rebooted() = false after the boot ID changed on a Ready node (record %+v, boot ID %s)", m, n.Status.NodeInfo.BootID)
	}

	if res := r.FinishMaintenance(ctx, node, false); res.Err != nil || !res.Changed {
		t.Fatalf("finish maintenance = %+v", res)
	}
	n = getNode(ctx, t, env, node)
	if n.Spec.Unschedulable {
		t.Error("the node is still cordoned after finishing")
	}
	if _, ok := n.Annotations[cluster.MaintenanceAnnotation]; ok {
		t.Errorf("the maintenance record is still on the node: %v", n.Annotations)
	}
	trail, _ := auditTrail(t, path)
	want := []string{"maintenance:attempt", "drain:attempt", "drain:ok", "maintenance:ok", "uncordon:attempt", "uncordon:ok"}
	if !slices.Equal(trail, want) {
		t.Errorf("audit trail = %v, want %v", trail, want)
	}
}

// A node whose kubelet stopped reporting: the controller manager marks it Unknown, evicted pods
// never finish terminating there, and a drain with ktriage's default options still completes —
// it stops waiting for each pod once its grace period is over — and says which pods it left.
func TestActionsDrainOfAnUnknownNodeCompletes(t *testing.T) {
	t.Parallel()
	// Its own control plane: the node monitor's grace period is short here, which would mark the
	// shared plane's kwok nodes Unknown between their lease renewals.
	const grace = 5 * time.Second
	env := testenv.Start(t, func(o *testenv.Options) {
		o.Scheduler, o.Kwok = false, false
		o.NodeMonitorGracePeriod = grace
	})
	ctx := testContext(t, 2*time.Minute)
	node := testenv.WorkerNode("act-unknown", env.NextNodeIndex(), false)
	if _, err := env.CreateNode(ctx, node); err != nil {
		t.Fatal(err)
	}
	// The kubelet's last heartbeat: a minute ago, and never again.
	if err := env.SetLease(ctx, node.Name, time.Now().Add(-time.Minute), 40); err != nil {
		t.Fatal(err)
	}
	const ns = "act-unknown"
	if err := env.EnsureNamespace(ctx, ns); err != nil {
		t.Fatal(err)
	}
	owner, err := env.CreateOwner(ctx, testenv.OwnerReplicaSet, ns, "web", 2)
	if err != nil {
		t.Fatal(err)
	}
	const podGrace = 3 // seconds: how long an evicted pod is given before the drain stops waiting
	for _, name := range []string{"web-1", "web-2"} {
		p := testenv.Pod(testenv.PodSpec{Namespace: ns, Name: name, Node: node.Name, OwnerRef: owner, Labels: map[string]string{"app": "web"}})
		p.Spec.TerminationGracePeriodSeconds = ptr.To[int64](podGrace)
		if _, err := env.Client.CoreV1().Pods(ns).Create(ctx, p, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := env.SetPodStatus(ctx, ns, name, corev1.PodStatus{Phase: corev1.PodRunning}); err != nil {
			t.Fatal(err)
		}
	}

	start := time.Now()
	var unknown *corev1.Node
	err = wait.PollUntilContextTimeout(ctx, 250*time.Millisecond, 60*time.Second, true, func(ctx context.Context) (bool, error) {
		n, err := env.Client.CoreV1().Nodes().Get(ctx, node.Name, metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		unknown = n
		return actions.NodeUnreachable(n), nil
	})
	if err != nil {
		t.Fatalf("the controller manager never marked %s Unknown: %v", node.Name, err)
	}
	t.Logf("node marked Unknown %s after its pods were created", time.Since(start).Round(time.Millisecond))

	r, path := actionRunner(t, env, env.Client, "admin", time.Second)
	o := actions.DefaultDrainOptions(unknown)
	if !o.SkipWaitUnreachable {
		t.Fatal("DefaultDrainOptions of an Unknown node waits for its pods")
	}
	pv, err := r.PreviewDrain(ctx, node.Name, o)
	if err != nil || !pv.Unreachable || len(pv.With(actions.Evict)) != 2 {
		t.Fatalf("preview: %+v, %v; want the node unreachable and both pods evicted", pv, err)
	}
	start = time.Now()
	final, err := r.Drain(ctx, node.Name, o, nil)
	took := time.Since(start)
	t.Logf("drain of the Unknown node: %s in %s", final.Summary, took.Round(time.Millisecond))
	if err != nil || final.Phase != actions.PhaseDone {
		t.Fatalf("drain: phase %q err %v summary %q", final.Phase, err, final.Summary)
	}
	if took > podGrace*time.Second+10*time.Second {
		t.Errorf("the drain took %s, want about the pods' %ds grace period", took.Round(time.Millisecond), podGrace)
	}
	if !strings.Contains(final.Summary, "2 left terminating on the unreachable node") {
		t.Errorf("summary %q does not say the 2 pods were left terminating", final.Summary)
	}
	for _, pp := range final.Pods {
		if pp.State != actions.PodAbandoned {
			t.Errorf("%s ended %q, want %q", pp.Key(), pp.State, actions.PodAbandoned)
		}
	}
	// The pods really are still there, terminating: only a kubelet (or a force delete) removes them.
	for _, name := range []string{"web-1", "web-2"} {
		p, err := env.Client.CoreV1().Pods(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil || p.DeletionTimestamp == nil {
			t.Errorf("pod %s: %v, deletion timestamp %v; want it still there, terminating", name, err, p.GetDeletionTimestamp())
		}
	}
	if !getNode(ctx, t, env, node.Name).Spec.Unschedulable {
		t.Error("the node is not cordoned")
	}
	if trail, _ := auditTrail(t, path); !slices.Equal(trail, []string{"drain:attempt", "drain:ok"}) {
		t.Errorf("audit trail = %v", trail)
	}

	// On this node a force delete is allowed, and it removes the pod at once.
	if err := r.DeletePod(ctx, actions.PodRef{Namespace: ns, Name: "web-1"}, true); err != nil {
		t.Fatalf("force delete on the Unknown node: %v", err)
	}
	if _, err := env.Client.CoreV1().Pods(ns).Get(ctx, "web-1", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("pod web-1 after a force delete: %v, want not found", err)
	}
}

// Force delete is refused on a node whose kubelet still reports, and nothing is deleted.
func TestActionsForceDeleteRefusedOnAReadyNode(t *testing.T) {
	t.Parallel()
	env := testenv.Shared(t)
	ctx := testContext(t, 60*time.Second)
	node, ns := kwokNodeAndNamespace(ctx, t, env, unique("act-force"))
	if err := env.CreatePods(ctx, testenv.PodSpec{Namespace: ns, Name: "db-0", Node: node}); err != nil {
		t.Fatal(err)
	}
	if err := env.WaitForNodeReady(ctx, node); err != nil {
		t.Fatal(err)
	}
	r, _ := actionRunner(t, env, env.Client, "admin", 0)
	err := r.DeletePod(ctx, actions.PodRef{Namespace: ns, Name: "db-0"}, true)
	if !errors.Is(err, actions.ErrForceNeedsUnreachableNode) {
		t.Fatalf("force delete on a Ready node: %v, want ErrForceNeedsUnreachableNode", err)
	}
	p, err := env.Client.CoreV1().Pods(ns).Get(ctx, "db-0", metav1.GetOptions{})
	if err != nil || p.DeletionTimestamp != nil {
		t.Errorf("pod after a refused force delete: %v, terminating %v", err, p.GetDeletionTimestamp())
	}
	// A stale UID (the pod the person saw was replaced) deletes nothing either.
	err = r.DeletePod(ctx, actions.PodRef{Namespace: ns, Name: "db-0", UID: "0f0f0f0f-0000-4000-8000-000000000000"}, false)
	if err == nil || !strings.Contains(err.Error(), "replaced") {
		t.Errorf("delete with a stale UID: %v, want a refusal", err)
	}
	if err := r.DeletePod(ctx, actions.PodRef{Namespace: ns, Name: "db-0", UID: p.UID}, false); err != nil {
		t.Errorf("plain delete with the right UID: %v", err)
	}
}
