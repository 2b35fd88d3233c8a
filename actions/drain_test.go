package actions_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	k8stesting "k8s.io/client-go/testing"

	"github.com/ktriage/ktriage/actions"
)

// progressLog collects every progress report of a drain; it may be read while the drain runs.
type progressLog struct {
	mu   sync.Mutex
	all  []actions.DrainProgress
	seen chan struct{} // closed when wait's condition first holds
	cond func(actions.DrainProgress) bool
}

func (l *progressLog) report(p actions.DrainProgress) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.all = append(l.all, p)
	if l.cond != nil && l.cond(p) {
		l.cond = nil
		close(l.seen)
	}
}

// when arms a condition; the returned channel is closed once a report satisfies it.
func (l *progressLog) when(cond func(actions.DrainProgress) bool) <-chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seen, l.cond = make(chan struct{}), cond
	return l.seen
}

func (l *progressLog) reports() []actions.DrainProgress {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]actions.DrainProgress(nil), l.all...)
}

func podProgress(p actions.DrainProgress, key string) (actions.PodProgress, bool) {
	for _, pp := range p.Pods {
		if pp.Key() == key {
			return pp, true
		}
	}
	return actions.PodProgress{}, false
}

func evictions(f *fakeCluster) []string {
	var out []string
	for _, a := range f.cs.Actions() {
		if a.GetVerb() == "create" && a.GetSubresource() == "eviction" {
			out = append(out, a.GetNamespace())
		}
	}
	return out
}

func drainOpts() actions.DrainOptions {
	return actions.DrainOptions{IgnoreDaemonSets: true, GracePeriodSeconds: -1, Timeout: time.Minute}
}

// A drain cordons the node, evicts exactly the pods kubectl would (through the Eviction API),
// reports each pod's way out in order, and leaves DaemonSet and static pods where they are.
func TestDrainCordonsEvictsAndReportsProgress(t *testing.T) {
	f := newFakeCluster(t, readyNode("n1", corev1.ConditionTrue), daemonSet("kube-system", "fluentd"),
		pod("shop", "web-1", "n1", ownedBy("ReplicaSet", "web")),
		pod("shop", "db-0", "n1", ownedBy("StatefulSet", "db")),
		pod("kube-system", "fluentd-x", "n1", ownedBy("DaemonSet", "fluentd")),
		pod("kube-system", "etcd-n1", "n1", mirror),
		pod("shop", "web-2", "n2", ownedBy("ReplicaSet", "web")))
	r, path := f.runner()
	var log progressLog
	final, err := r.Drain(t.Context(), "n1", drainOpts(), log.report)
	if err != nil || final.Phase != actions.PhaseDone {
		t.Fatalf("drain: phase %q err %v summary %q", final.Phase, err, final.Summary)
	}
	if final.Summary != "drained: 2 pods evicted" {
		t.Errorf("summary = %q, want \"drained: 2 pods evicted\"", final.Summary)
	}
	if final.Ended.IsZero() || final.Ended.Before(final.Started) {
		t.Errorf("started %v ended %v", final.Started, final.Ended)
	}
	if !f.node("n1").Spec.Unschedulable {
		t.Error("the drained node is not cordoned")
	}
	for key, want := range map[[2]string]bool{
		{"shop", "web-1"}: false, {"shop", "db-0"}: false, {"kube-system", "fluentd-x"}: true,
		{"kube-system", "etcd-n1"}: true, {"shop", "web-2"}: true,
	} {
		if got := f.podExists(key[0], key[1]); got != want {
			t.Errorf("pod %s/%s exists = %v after the drain, want %v", key[0], key[1], got, want)
		}
	}
	if n := len(evictions(f)); n != 2 {
		t.Errorf("%d evictions, want 2", n)
	}
	for _, a := range f.cs.Actions() {
		if a.GetVerb() == "delete" && a.GetResource().Resource == "pods" {
			t.Errorf("drain deleted a pod instead of evicting it: %v", a)
		}
	}

	reps := log.reports()
	if len(reps) == 0 {
		t.Fatal("no progress reported")
	}
	if last := reps[len(reps)-1]; !reflect.DeepEqual(last, final) {
		t.Errorf("last report %+v differs from the result %+v", last, final)
	}
	order := map[actions.DrainPhase]int{actions.PhaseCordoning: 0, actions.PhaseEvicting: 1, actions.PhaseDone: 2}
	rank := map[actions.PodState]int{actions.PodPending: 0, actions.PodEvicting: 1, actions.PodTerminating: 2, actions.PodGone: 3}
	for i := 1; i < len(reps); i++ {
		if order[reps[i].Phase] < order[reps[i-1].Phase] {
			t.Errorf("phase went back from %q to %q", reps[i-1].Phase, reps[i].Phase)
		}
		for _, pp := range reps[i].Pods {
			if prev, ok := podProgress(reps[i-1], pp.Key()); ok && rank[pp.State] < rank[prev.State] {
				t.Errorf("%s went back from %q to %q", pp.Key(), prev.State, pp.State)
			}
		}
	}
	if len(final.Pods) != 2 {
		t.Errorf("progress tracks %v, want the 2 evicted pods", final.Pods)
	}
	for _, pp := range final.Pods {
		if pp.State != actions.PodGone || !pp.Settled() {
			t.Errorf("%s ended %q, want gone", pp.Key(), pp.State)
		}
	}
	if got := results(readAudit(t, path)); !reflect.DeepEqual(got, []string{"attempt", "ok"}) {
		t.Errorf("audit results = %v", got)
	}
}

// With options that kubectl refuses (a pod without controller, no force) the drain does not even
// cordon: it names the pods that block it and why.
func TestDrainThatCannotStartChangesNothing(t *testing.T) {
	f := newFakeCluster(t, readyNode("n1", corev1.ConditionTrue),
		pod("shop", "web-1", "n1", ownedBy("ReplicaSet", "web")),
		pod("shop", "debug", "n1"),
		pod("shop", "cache-1", "n1", ownedBy("ReplicaSet", "cache"), withEmptyDir))
	r, path := f.runner()
	final, err := r.Drain(t.Context(), "n1", drainOpts(), nil)
	if err == nil || final.Phase != actions.PhaseFailed {
		t.Fatalf("drain: phase %q err %v, want failed", final.Phase, err)
	}
	for _, want := range []string{"nothing was changed", "2 pods block", "shop/debug", "force", "shop/cache-1", "emptyDir"} {
		if !strings.Contains(final.Summary, want) {
			t.Errorf("summary %q does not say %q", final.Summary, want)
		}
	}
	if f.node("n1").Spec.Unschedulable {
		t.Error("the node was cordoned although the drain could not start")
	}
	if m := f.mutations(); len(m) > 0 {
		t.Errorf("a drain that could not start sent %v", m)
	}
	lines := readAudit(t, path)
	if got := results(lines); !reflect.DeepEqual(got, []string{"attempt", "failed"}) {
		t.Errorf("audit results = %v, want attempt, failed", got)
	} else if e, _ := lines[1]["error"].(string); !strings.Contains(e, "shop/debug") {
		t.Errorf("audit error %q does not name the blocking pod", e)
	}
}

// refuseEvictions makes every eviction of the named pods answer 429 from the budget until allow is
// closed (nil: forever).
func refuseEvictions(f *fakeCluster, budget string, allow <-chan struct{}, pods ...string) {
	f.evict = func(ns, name string) (bool, error) {
		for _, p := range pods {
			if ns+"/"+name != p {
				continue
			}
			select {
			case <-allow:
				return false, nil
			default:
				return true, tooManyRequests(budget)
			}
		}
		return false, nil
	}
}

// While a PodDisruptionBudget refuses, the drain retries; its progress names the budget, counts the
// refusals and shows the server's explanation. Once the budget allows, the drain finishes.
func TestDrainRetriesWhileABudgetRefusesAndFinishesWhenItAllows(t *testing.T) {
	f := newFakeCluster(t, readyNode("n1", corev1.ConditionTrue),
		pod("shop", "web-1", "n1", ownedBy("ReplicaSet", "web")),
		pod("shop", "db-0", "n1", ownedBy("StatefulSet", "db")),
		pdb("shop", "web-pdb", "web-1", 0))
	allow := make(chan struct{})
	refuseEvictions(f, "web-pdb", allow, "shop/web-1")
	r, path := f.runner()
	var log progressLog
	refused := log.when(func(p actions.DrainProgress) bool {
		pp, _ := podProgress(p, "shop/web-1")
		return pp.Retries >= 3
	})
	go func() {
		select {
		case <-refused:
			close(allow)
		case <-time.After(10 * time.Second):
		}
	}()
	o := drainOpts()
	o.Timeout = 15 * time.Second // ends the test if the refusals are never counted
	final, err := r.Drain(t.Context(), "n1", o, log.report)
	if err != nil || final.Phase != actions.PhaseDone {
		t.Fatalf("drain: phase %q err %v summary %q", final.Phase, err, final.Summary)
	}
	var sawRefused bool
	for _, p := range log.reports() {
		pp, _ := podProgress(p, "shop/web-1")
		if pp.State != actions.PodRefused {
			continue
		}
		sawRefused = true
		if pp.Budget != "web-pdb" || pp.Retries < 1 || !strings.Contains(pp.Detail, "needs 2 healthy pods") {
			t.Errorf("refused progress = %+v, want budget web-pdb, retries counted, the server's explanation", pp)
		}
		if why := pp.Why(); !strings.Contains(why, "PodDisruptionBudget web-pdb refused") {
			t.Errorf("Why() = %q", why)
		}
		if db, _ := podProgress(p, "shop/db-0"); !db.Settled() {
			continue
		}
		if w, ok := p.WaitingOn(); !ok || w.Key() != "shop/web-1" {
			t.Errorf("WaitingOn() = %v %v while web-1 is refused", w.Key(), ok)
		}
	}
	if !sawRefused {
		t.Error("no progress report showed web-1 refused by its budget")
	}
	pp, _ := podProgress(final, "shop/web-1")
	if pp.State != actions.PodGone || pp.Retries < 3 {
		t.Errorf("web-1 ended %+v, want gone after at least 3 refusals", pp)
	}
	if f.podExists("shop", "web-1") || f.podExists("shop", "db-0") {
		t.Error("a pod survived the drain")
	}
	if got := results(readAudit(t, path)); !reflect.DeepEqual(got, []string{"attempt", "ok"}) {
		t.Errorf("audit results = %v", got)
	}
}

// Cancelling a drain that waits on a budget ends it at once: the node stays cordoned, the summary
// says what is left and why, and the audit log records the cancellation.
func TestCancelledDrainStopsPromptlyAndLeavesTheNodeCordoned(t *testing.T) {
	f := newFakeCluster(t, readyNode("n1", corev1.ConditionTrue),
		pod("shop", "web-1", "n1", ownedBy("ReplicaSet", "web")),
		pod("shop", "db-0", "n1", ownedBy("StatefulSet", "db")),
		pdb("shop", "web-pdb", "web-1", 0))
	refuseEvictions(f, "web-pdb", nil, "shop/web-1")
	r, path := f.runner(func(c *actions.Config) { c.EvictionRetryDelay = 200 * time.Millisecond })
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var log progressLog
	refused := log.when(func(p actions.DrainProgress) bool {
		pp, _ := podProgress(p, "shop/web-1")
		db, _ := podProgress(p, "shop/db-0")
		return pp.Retries >= 1 && db.State == actions.PodGone
	})
	var cancelled time.Time
	go func() {
		<-refused
		cancelled = time.Now()
		cancel()
	}()
	final, err := r.Drain(ctx, "n1", drainOpts(), log.report)
	took := time.Since(cancelled)
	if final.Phase != actions.PhaseCancelled || err == nil {
		t.Fatalf("drain: phase %q err %v, want cancelled", final.Phase, err)
	}
	if took > 2*time.Second {
		t.Errorf("the drain ended %s after it was cancelled, want within the retry delay", took)
	}
	for _, want := range []string{"cancelled", "1 of 2 pods evicted", "stays cordoned", "shop/web-1", "web-pdb"} {
		if !strings.Contains(final.Summary, want) {
			t.Errorf("summary %q does not say %q", final.Summary, want)
		}
	}
	if !f.node("n1").Spec.Unschedulable {
		t.Error("the node was uncordoned by the cancellation")
	}
	lines := readAudit(t, path)
	if got := results(lines); !reflect.DeepEqual(got, []string{"attempt", "cancelled"}) {
		t.Fatalf("audit results = %v, want attempt, cancelled", got)
	}
	if got := lines[1]["pods"]; !reflect.DeepEqual(got, []any{"shop/db-0"}) {
		t.Errorf("cancelled outcome lists pods %v, want the one evicted, shop/db-0", got)
	}
}

// A drain that outlasts its timeout ends timed out, naming the pod it waited on and the budget.
func TestDrainTimesOutNamingWhatIsLeft(t *testing.T) {
	f := newFakeCluster(t, readyNode("n1", corev1.ConditionTrue),
		pod("shop", "web-1", "n1", ownedBy("ReplicaSet", "web")),
		pdb("shop", "web-pdb", "web-1", 0))
	refuseEvictions(f, "web-pdb", nil, "shop/web-1")
	r, path := f.runner(func(c *actions.Config) { c.EvictionRetryDelay = 50 * time.Millisecond })
	o := drainOpts()
	o.Timeout = 500 * time.Millisecond
	start := time.Now()
	final, err := r.Drain(t.Context(), "n1", o, nil)
	if final.Phase != actions.PhaseTimedOut || err == nil {
		t.Fatalf("drain: phase %q err %v, want timed out", final.Phase, err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("a 500ms drain took %s", took)
	}
	for _, want := range []string{"timed out after 500ms", "0 of 1 pods evicted", "shop/web-1", "PodDisruptionBudget web-pdb"} {
		if !strings.Contains(final.Summary, want) {
			t.Errorf("summary %q does not say %q", final.Summary, want)
		}
	}
	if !f.node("n1").Spec.Unschedulable {
		t.Error("the node is not cordoned after a timed-out drain")
	}
	if got := results(readAudit(t, path)); !reflect.DeepEqual(got, []string{"attempt", "timed-out"}) {
		t.Errorf("audit results = %v, want attempt, timed-out", got)
	}
}

// On an unreachable node evicted pods never finish terminating (no kubelet confirms it). The
// default options stop waiting for them once their grace period is over, so the drain finishes
// and says which pods were left.
func TestDrainOfAnUnreachableNodeDoesNotWaitForeverForTerminatingPods(t *testing.T) {
	setup := func(t *testing.T) (*fakeCluster, *corev1.Node) {
		node := readyNode("n1", corev1.ConditionUnknown)
		f := newFakeCluster(t, node,
			pod("shop", "web-1", "n1", ownedBy("ReplicaSet", "web")),
			pod("shop", "db-0", "n1", ownedBy("StatefulSet", "db")))
		// The API server marks the pod terminating; its grace period has run out by the time the
		// drain looks again, and nothing ever removes it.
		f.evict = func(ns, name string) (bool, error) {
			// Reactors run under the fake's lock: use its tracker, not its client.
			obj, err := f.cs.Tracker().Get(podsGVR, ns, name, metav1.GetOptions{})
			if err != nil {
				return true, err
			}
			p := obj.(*corev1.Pod)
			p.DeletionTimestamp = &metav1.Time{Time: time.Now().Add(-10 * time.Second)}
			return true, f.cs.Tracker().Update(podsGVR, p, ns)
		}
		return f, node
	}
	t.Run("default options", func(t *testing.T) {
		f, node := setup(t)
		r, path := f.runner()
		o := actions.DefaultDrainOptions(node)
		o.Timeout = 20 * time.Second
		final, err := r.Drain(t.Context(), "n1", o, nil)
		if err != nil || final.Phase != actions.PhaseDone {
			t.Fatalf("drain: phase %q err %v summary %q", final.Phase, err, final.Summary)
		}
		if !strings.Contains(final.Summary, "2 left terminating on the unreachable node") {
			t.Errorf("summary %q does not say 2 pods were left terminating", final.Summary)
		}
		for _, pp := range final.Pods {
			if pp.State != actions.PodAbandoned || !strings.Contains(pp.Detail, "unreachable") {
				t.Errorf("%s ended %q (%q), want not waited for", pp.Key(), pp.State, pp.Detail)
			}
		}
		// The audit names the pods the drain evicted, although they are still terminating.
		lines := readAudit(t, path)
		if got := results(lines); !reflect.DeepEqual(got, []string{"attempt", "ok"}) {
			t.Fatalf("audit results = %v", got)
		}
		if got := lines[1]["pods"]; !reflect.DeepEqual(got, []any{"shop/db-0", "shop/web-1"}) && !reflect.DeepEqual(got, []any{"shop/web-1", "shop/db-0"}) {
			t.Errorf("audit outcome pods = %v, want both evicted pods", got)
		}
	})
	t.Run("waiting for them", func(t *testing.T) {
		f, node := setup(t)
		r, _ := f.runner()
		o := actions.DefaultDrainOptions(node)
		o.SkipWaitUnreachable = false
		o.Timeout = 1500 * time.Millisecond
		final, _ := r.Drain(t.Context(), "n1", o, nil)
		if final.Phase != actions.PhaseTimedOut {
			t.Errorf("drain that waits for pods on an unreachable node: phase %q (%s), want timed out", final.Phase, final.Summary)
		}
	})
}

// A pod that disappears on its own between the drain's list and its eviction (a Job finished, a
// ReplicaSet scaled down) is gone, not "left terminating on an unreachable node".
func TestDrainCountsAPodThatVanishedAsGone(t *testing.T) {
	f := newFakeCluster(t, readyNode("n1", corev1.ConditionTrue),
		pod("shop", "web-1", "n1", ownedBy("ReplicaSet", "web")),
		pod("shop", "db-0", "n1", ownedBy("StatefulSet", "db")))
	f.evict = func(ns, name string) (bool, error) {
		if ns+"/"+name != "shop/web-1" {
			return false, nil
		}
		_ = f.cs.Tracker().Delete(podsGVR, ns, name)
		return true, apierrors.NewNotFound(schema.GroupResource{Resource: "pods"}, name)
	}
	r, _ := f.runner()
	final, err := r.Drain(t.Context(), "n1", drainOpts(), nil)
	if err != nil || final.Phase != actions.PhaseDone {
		t.Fatalf("drain: phase %q err %v summary %q", final.Phase, err, final.Summary)
	}
	if strings.Contains(final.Summary, "unreachable") || final.Summary != "drained: 2 pods evicted" {
		t.Errorf("summary = %q, want \"drained: 2 pods evicted\" on this reachable node", final.Summary)
	}
	if pp, _ := podProgress(final, "shop/web-1"); pp.State != actions.PodGone {
		t.Errorf("web-1 ended %q (%q), want gone", pp.State, pp.Detail)
	}
}

// With eviction disabled the drain deletes pods, bypassing budgets.
func TestDrainWithEvictionDisabledDeletesPods(t *testing.T) {
	f := newFakeCluster(t, readyNode("n1", corev1.ConditionTrue),
		pod("shop", "web-1", "n1", ownedBy("ReplicaSet", "web")),
		pdb("shop", "web-pdb", "web-1", 0))
	refuseEvictions(f, "web-pdb", nil, "shop/web-1")
	r, _ := f.runner()
	o := drainOpts()
	o.DisableEviction, o.GracePeriodSeconds = true, 5
	final, err := r.Drain(t.Context(), "n1", o, nil)
	if err != nil || final.Phase != actions.PhaseDone {
		t.Fatalf("drain: phase %q err %v summary %q", final.Phase, err, final.Summary)
	}
	if n := len(evictions(f)); n != 0 {
		t.Errorf("%d evictions with eviction disabled", n)
	}
	d := deletes(f)
	if len(d) != 1 || d[0].GetDeleteOptions().GracePeriodSeconds == nil || *d[0].GetDeleteOptions().GracePeriodSeconds != 5 {
		t.Errorf("delete requests = %+v, want one with grace period 5", d)
	}
	if f.podExists("shop", "web-1") {
		t.Error("the pod is still there")
	}
}

// A failed cordon stops the drain before any eviction.
func TestDrainOfAMissingNodeFails(t *testing.T) {
	f := newFakeCluster(t)
	r, path := f.runner()
	final, err := r.Drain(t.Context(), "gone", drainOpts(), nil)
	if err == nil || final.Phase != actions.PhaseFailed || !strings.Contains(final.Summary, "gone") {
		t.Errorf("drain of a missing node: phase %q err %v summary %q", final.Phase, err, final.Summary)
	}
	if m := f.mutations(); len(m) > 0 {
		t.Errorf("a drain of a missing node sent %v", m)
	}
	if got := results(readAudit(t, path)); !reflect.DeepEqual(got, []string{"attempt", "failed"}) {
		t.Errorf("audit results = %v", got)
	}
}

// A zero timeout is no limit, as in kubectl; it used to expire before the first eviction.
func TestDrainWithZeroTimeoutHasNoLimit(t *testing.T) {
	f := newFakeCluster(t, readyNode("n1", corev1.ConditionTrue), pod("shop", "web-1", "n1", ownedBy("ReplicaSet", "web")))
	r, _ := f.runner()
	o := drainOpts()
	o.Timeout = 0
	final, err := r.Drain(t.Context(), "n1", o, nil)
	if err != nil || final.Phase != actions.PhaseDone {
		t.Fatalf("drain with no timeout: phase %q err %v summary %q", final.Phase, err, final.Summary)
	}
}

// A user who may not list PodDisruptionBudgets still learns which one refuses: the eviction API
// names it in its answer.
func TestRefusingBudgetIsNamedWithoutListingBudgets(t *testing.T) {
	f := newFakeCluster(t, readyNode("n1", corev1.ConditionTrue), pod("shop", "web-1", "n1", ownedBy("ReplicaSet", "web")))
	f.cs.PrependReactor("list", "poddisruptionbudgets", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(schema.GroupResource{Group: "policy", Resource: "poddisruptionbudgets"}, "", errors.New("no"))
	})
	refuseEvictions(f, "web-pdb", nil, "shop/web-1")
	r, _ := f.runner()
	var log progressLog
	o := drainOpts()
	o.Timeout = 2 * time.Second
	final, _ := r.Drain(t.Context(), "n1", o, log.report)
	if final.Phase != actions.PhaseTimedOut || !strings.Contains(final.Summary, "PodDisruptionBudget web-pdb refused") {
		t.Errorf("phase %q summary %q: want a timeout naming web-pdb", final.Phase, final.Summary)
	}
}

// On a NotReady node (PLEG, runtime down) the kubelet may never finish terminating what was evicted:
// a drain that times out says so, and names the way out.
func TestDrainOnANotReadyNodeExplainsPodsThatNeverTerminate(t *testing.T) {
	f := newFakeCluster(t, readyNode("n1", corev1.ConditionFalse), pod("shop", "web-1", "n1", ownedBy("ReplicaSet", "web")))
	f.evict = func(string, string) (bool, error) { return true, nil } // accepted; the pod never goes
	r, _ := f.runner()
	o := drainOpts()
	o.Timeout = 2 * time.Second
	final, _ := r.Drain(t.Context(), "n1", o, nil)
	if final.Phase != actions.PhaseTimedOut || !strings.Contains(final.Summary, "the node is NotReady: its kubelet may never confirm") {
		t.Errorf("phase %q summary %q: want a timeout that explains the NotReady node", final.Phase, final.Summary)
	}
}
