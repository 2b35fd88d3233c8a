package actions_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/kubectl/pkg/drain"

	"github.com/ktriage/ktriage/actions"
)

// previewPods is a node with one pod of every kind a drain treats differently.
func previewPods() []*corev1.Pod {
	return []*corev1.Pod{
		pod("shop", "web-1", "n1", ownedBy("ReplicaSet", "web")),
		pod("shop", "db-0", "n1", ownedBy("StatefulSet", "db")),
		pod("kube-system", "fluentd-x", "n1", ownedBy("DaemonSet", "fluentd")),
		pod("shop", "debug", "n1"),
		pod("shop", "cache-1", "n1", ownedBy("ReplicaSet", "cache"), withEmptyDir),
		pod("kube-system", "etcd-n1", "n1", mirror),
		pod("shop", "migrate", "n1", phase(corev1.PodSucceeded), withEmptyDir),
		// On another node: never part of this node's drain.
		pod("shop", "web-2", "n2", ownedBy("ReplicaSet", "web")),
	}
}

// The preview says, for every option set, what a drain would do with each kind of pod — and the
// pods it promises to evict are exactly those kubectl's drain helper picks.
func TestPreviewDrainClassifiesEveryKindOfPodForEveryOptionSet(t *testing.T) {
	for _, ignoreDS := range []bool{false, true} {
		for _, emptyDir := range []bool{false, true} {
			for _, force := range []bool{false, true} {
				o := actions.DrainOptions{IgnoreDaemonSets: ignoreDS, DeleteEmptyDirData: emptyDir, Force: force,
					GracePeriodSeconds: -1, Timeout: time.Minute}
				t.Run(fmt.Sprintf("ignoreDaemonSets=%v,deleteEmptyDir=%v,force=%v", ignoreDS, emptyDir, force), func(t *testing.T) {
					objs := []runtime.Object{readyNode("n1", corev1.ConditionTrue), readyNode("n2", corev1.ConditionTrue), daemonSet("kube-system", "fluentd")}
					for _, p := range previewPods() {
						objs = append(objs, p)
					}
					f := newFakeCluster(t, objs...)
					r, _ := f.runner()
					pv, err := r.PreviewDrain(t.Context(), "n1", o)
					if err != nil {
						t.Fatal(err)
					}
					plans := map[string]actions.PodPlan{}
					for _, p := range pv.Pods {
						plans[p.Key()] = p
					}
					type want struct {
						d      actions.Disposition
						reason string // a fragment of the reason
					}
					expect := map[string]want{
						"shop/web-1":            {actions.Evict, ""},
						"shop/db-0":             {actions.Evict, ""},
						"kube-system/etcd-n1":   {actions.Skip, "static pod"},
						"shop/migrate":          {actions.Evict, ""},
						"kube-system/fluentd-x": {actions.Block, "ignore DaemonSets"},
						"shop/debug":            {actions.Block, "force"},
						"shop/cache-1":          {actions.Block, "delete emptyDir data"},
					}
					if ignoreDS {
						expect["kube-system/fluentd-x"] = want{actions.Skip, "DaemonSet"}
					}
					if force {
						expect["shop/debug"] = want{actions.Evict, "not be re-created"}
					}
					if emptyDir {
						expect["shop/cache-1"] = want{actions.Evict, "emptyDir data will be lost"}
					}
					if len(pv.Pods) != len(expect) {
						t.Errorf("preview lists %d pods, want the %d on n1: %v", len(pv.Pods), len(expect), keys(pv.Pods))
					}
					for key, w := range expect {
						p, ok := plans[key]
						if !ok {
							t.Errorf("%s missing from the preview", key)
							continue
						}
						if p.Disposition != w.d || !strings.Contains(p.Reason, w.reason) {
							t.Errorf("%s: disposition %d reason %q; want %d with %q", key, p.Disposition, p.Reason, w.d, w.reason)
						}
					}
					if p := plans["shop/web-1"]; p.Owner != "ReplicaSet/web" {
						t.Errorf("web-1 owner = %q, want ReplicaSet/web", p.Owner)
					}
					if wantStart := ignoreDS && emptyDir && force; pv.CanStart() != wantStart {
						t.Errorf("CanStart() = %v, want %v (blocked: %v)", pv.CanStart(), wantStart, keys(pv.With(actions.Block)))
					}
					if pv.Node != "n1" || pv.Unschedulable || pv.Unreachable {
						t.Errorf("preview header = node %q unschedulable %v unreachable %v", pv.Node, pv.Unschedulable, pv.Unreachable)
					}
					agreeWithKubectl(t, f, pv, o)
					if m := f.mutations(); len(m) > 0 {
						t.Errorf("a preview sent %v", m)
					}
				})
			}
		}
	}
}

// agreeWithKubectl checks the pods the preview will evict (now or once a budget allows) against
// kubectl's drain helper run with the same options.
func agreeWithKubectl(t *testing.T, f *fakeCluster, pv actions.Preview, o actions.DrainOptions) {
	t.Helper()
	h := &drain.Helper{Ctx: t.Context(), Client: f.cs, Force: o.Force, IgnoreAllDaemonSets: o.IgnoreDaemonSets,
		DeleteEmptyDirData: o.DeleteEmptyDirData, GracePeriodSeconds: o.GracePeriodSeconds, DisableEviction: o.DisableEviction}
	if o.SkipWaitUnreachable {
		h.SkipWaitForDeleteTimeoutSeconds = 1
	}
	list, _ := h.GetPodsForDeletion(pv.Node)
	var helper []string
	for _, p := range list.Pods() {
		helper = append(helper, p.Namespace+"/"+p.Name)
	}
	ours := keys(append(pv.With(actions.Evict), pv.With(actions.WaitBudget)...))
	slices.Sort(helper)
	slices.Sort(ours)
	if !slices.Equal(ours, helper) {
		t.Errorf("preview evicts %v, kubectl's drain helper %v", ours, helper)
	}
}

func keys(plans []actions.PodPlan) []string {
	out := make([]string, 0, len(plans))
	for _, p := range plans {
		out = append(out, p.Key())
	}
	return out
}

// The preview orders pods evict, wait, block, skip, and by name within each.
func TestPreviewDrainListsPodsInDispositionOrder(t *testing.T) {
	objs := []runtime.Object{readyNode("n1", corev1.ConditionTrue), readyNode("n2", corev1.ConditionTrue), daemonSet("kube-system", "fluentd"),
		pdb("shop", "db-pdb", "db-0", 0)}
	for _, p := range previewPods() {
		objs = append(objs, p)
	}
	f := newFakeCluster(t, objs...)
	r, _ := f.runner()
	pv, err := r.PreviewDrain(t.Context(), "n1", actions.DrainOptions{IgnoreDaemonSets: true, Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"shop/migrate", "shop/web-1", "shop/db-0", "shop/cache-1", "shop/debug", "kube-system/etcd-n1", "kube-system/fluentd-x"}
	if got := keys(pv.Pods); !slices.Equal(got, want) {
		t.Errorf("preview order = %v, want %v", got, want)
	}
}

// A PodDisruptionBudget that allows no disruption now holds its pods back; one that allows some lets
// that many through and holds the rest.
func TestPreviewDrainShowsWhichPodsABudgetHoldsBack(t *testing.T) {
	f := newFakeCluster(t, readyNode("n1", corev1.ConditionTrue),
		pod("shop", "web-1", "n1", ownedBy("ReplicaSet", "web"), labelled("tier", "web")),
		pod("shop", "web-2", "n1", ownedBy("ReplicaSet", "web"), labelled("tier", "web")),
		pod("shop", "web-3", "n1", ownedBy("ReplicaSet", "web"), labelled("tier", "web")),
		pod("shop", "db-0", "n1", ownedBy("StatefulSet", "db"), labelled("tier", "db")),
		pod("other", "db-0", "n1", ownedBy("StatefulSet", "db"), labelled("tier", "db")),
		tierPDB("shop", "web-pdb", "web", 1),
		tierPDB("shop", "db-pdb", "db", 0),
	)
	r, _ := f.runner()
	o := actions.DrainOptions{IgnoreDaemonSets: true, Timeout: time.Minute}
	pv, err := r.PreviewDrain(t.Context(), "n1", o)
	if err != nil {
		t.Fatal(err)
	}
	if pv.BudgetsUnknown != "" {
		t.Fatalf("BudgetsUnknown = %q", pv.BudgetsUnknown)
	}
	waiting := pv.With(actions.WaitBudget)
	var web, db int
	for _, p := range waiting {
		switch {
		case strings.HasPrefix(p.Name, "web-") && p.Budget == "web-pdb":
			web++
		case p.Key() == "shop/db-0" && p.Budget == "db-pdb":
			db++
		default:
			t.Errorf("%s held back by %q", p.Key(), p.Budget)
		}
		if !strings.Contains(p.Reason, p.Budget) {
			t.Errorf("%s: reason %q does not name its budget", p.Key(), p.Reason)
		}
	}
	if web != 2 || db != 1 {
		t.Errorf("held back: %d web pods (want 2 of 3: the budget allows 1), %d shop/db-0 (want 1); preview %+v", web, db, pv.Pods)
	}
	if evict := keys(pv.With(actions.Evict)); len(evict) != 2 || !slices.Contains(evict, "other/db-0") {
		t.Errorf("evicted now = %v, want one web pod and other/db-0 (a budget in another namespace does not apply)", evict)
	}
	if !pv.CanStart() {
		t.Error("a budget makes the drain wait, it does not block it from starting")
	}
	agreeWithKubectl(t, f, pv, o)

	o.DisableEviction = true
	pv, err = r.PreviewDrain(t.Context(), "n1", o)
	if err != nil {
		t.Fatal(err)
	}
	if w := pv.With(actions.WaitBudget); len(w) != 0 {
		t.Errorf("with eviction disabled budgets are bypassed, but %v wait for one", keys(w))
	}
}

// A DaemonSet pod whose DaemonSet is gone is an orphan: force evicts it, like kubectl; without
// force it blocks.
func TestPreviewDrainOrphanedDaemonSetPod(t *testing.T) {
	for _, force := range []bool{false, true} {
		f := newFakeCluster(t, readyNode("n1", corev1.ConditionTrue), pod("kube-system", "old-agent-x", "n1", ownedBy("DaemonSet", "old-agent")))
		r, _ := f.runner()
		o := actions.DrainOptions{IgnoreDaemonSets: true, Force: force, Timeout: time.Minute}
		pv, err := r.PreviewDrain(t.Context(), "n1", o)
		if err != nil {
			t.Fatal(err)
		}
		want := actions.Block
		if force {
			want = actions.Evict
		}
		if len(pv.Pods) != 1 || pv.Pods[0].Disposition != want {
			t.Errorf("force=%v: orphaned DaemonSet pod %+v, want disposition %d", force, pv.Pods, want)
		}
		agreeWithKubectl(t, f, pv, o)
	}
}

// On an unreachable node, a pod already terminating past its grace period is not waited for.
func TestPreviewDrainSkipsPodsStuckTerminatingOnAnUnreachableNode(t *testing.T) {
	stuck := pod("shop", "web-1", "n1", ownedBy("ReplicaSet", "web"))
	stuck.DeletionTimestamp = &metav1.Time{Time: time.Now().Add(-time.Minute)}
	stuck.Finalizers = []string{"example.com/hold"}
	node := readyNode("n1", corev1.ConditionUnknown)
	f := newFakeCluster(t, node, stuck, pod("shop", "web-2", "n1", ownedBy("ReplicaSet", "web")))
	r, _ := f.runner()
	o := actions.DefaultDrainOptions(node)
	if !o.SkipWaitUnreachable || !o.IgnoreDaemonSets || o.GracePeriodSeconds != -1 || o.Timeout != actions.DefaultDrainTimeout {
		t.Fatalf("DefaultDrainOptions(unreachable node) = %+v", o)
	}
	pv, err := r.PreviewDrain(t.Context(), "n1", o)
	if err != nil {
		t.Fatal(err)
	}
	if !pv.Unreachable {
		t.Error("preview of a node whose Ready is Unknown does not say it is unreachable")
	}
	if skip := pv.With(actions.Skip); len(skip) != 1 || skip[0].Key() != "shop/web-1" {
		t.Errorf("skipped = %v, want shop/web-1 (terminating on the unreachable node)", keys(skip))
	}
	agreeWithKubectl(t, f, pv, o)
	if o := actions.DefaultDrainOptions(readyNode("ok", corev1.ConditionTrue)); o.SkipWaitUnreachable {
		t.Error("DefaultDrainOptions of a Ready node skips waiting")
	}
	if o := actions.DefaultDrainOptions(readyNode("nr", corev1.ConditionFalse)); o.SkipWaitUnreachable {
		t.Error("DefaultDrainOptions of a NotReady (not Unknown) node skips waiting")
	}
}

func TestPreviewDrainOfAMissingNode(t *testing.T) {
	f := newFakeCluster(t)
	r, _ := f.runner()
	if _, err := r.PreviewDrain(t.Context(), "nope", actions.DrainOptions{Timeout: time.Minute}); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("preview of a missing node: %v, want an error naming it", err)
	}
}

// tierPDB is a budget over tier=<tier>.
func tierPDB(ns, name, tier string, allowed int32) *policyv1.PodDisruptionBudget {
	b := pdb(ns, name, "", allowed)
	b.Spec.Selector = &metav1.LabelSelector{MatchLabels: map[string]string{"tier": tier}}
	return b
}

// The eviction API lets some pods go without spending a budget: pods not running, pods already
// terminating, and unready pods while the budget is satisfied anyway. The preview must not show
// those as waiting.
func TestPreviewDoesNotHoldBackPodsABudgetDoesNotCount(t *testing.T) {
	unready := func(p *corev1.Pod) { p.Status.Conditions = nil }
	pending := func(p *corev1.Pod) { p.Status.Phase = corev1.PodPending }
	f := newFakeCluster(t, readyNode("n1", corev1.ConditionTrue),
		pdb("shop", "web-pdb", "web", 0),
		pod("shop", "web-1", "n1", ownedBy("ReplicaSet", "web"), func(p *corev1.Pod) { p.Labels["app"] = "web" }),
		pod("shop", "web-2", "n1", ownedBy("ReplicaSet", "web"), func(p *corev1.Pod) { p.Labels["app"] = "web" }, unready),
		pod("shop", "web-3", "n1", ownedBy("ReplicaSet", "web"), func(p *corev1.Pod) { p.Labels["app"] = "web" }, pending))
	r, _ := f.runner()
	pv, err := r.PreviewDrain(t.Context(), "n1", actions.DrainOptions{IgnoreDaemonSets: true, Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if got := keys(pv.With(actions.WaitBudget)); !slices.Equal(got, []string{"shop/web-1"}) {
		t.Errorf("pods held back by the budget = %v, want only the ready, running shop/web-1", got)
	}
}
