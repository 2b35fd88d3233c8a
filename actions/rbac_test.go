package actions_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/ktriage/ktriage/actions"
	"github.com/ktriage/ktriage/cluster"
)

// A permission the user lacks refuses the action before anything is sent: the error names the
// permission the way RBAC spells it, and the audit log keeps the refusal.
func TestDeniedPermissionRefusesTheActionBeforeTouchingTheCluster(t *testing.T) {
	cases := []struct {
		name   string
		denied []actions.Permission
		run    func(r *actions.Runner, f *fakeCluster) error
		want   []string
	}{
		{
			name: "cordon without patch nodes", denied: []actions.Permission{actions.PermPatchNodes},
			run: func(r *actions.Runner, f *fakeCluster) error {
				return r.Cordon(f.t.Context(), []string{"n1"}, true)[0].Err
			},
			want: []string{"patch nodes"},
		},
		{
			name: "uncordon without patch nodes", denied: []actions.Permission{actions.PermPatchNodes},
			run: func(r *actions.Runner, f *fakeCluster) error {
				return r.FinishMaintenance(f.t.Context(), "n2", false).Err
			},
			want: []string{"patch nodes"},
		},
		{
			name: "drain without evictions", denied: []actions.Permission{actions.PermCreateEviction},
			run: func(r *actions.Runner, f *fakeCluster) error {
				_, err := r.Drain(f.t.Context(), "n1", actions.DefaultDrainOptions(f.node("n1")), nil)
				return err
			},
			want: []string{"create pods/eviction"},
		},
		{
			name: "drain without patch nodes or list pods", denied: []actions.Permission{actions.PermPatchNodes, actions.PermListPods},
			run: func(r *actions.Runner, f *fakeCluster) error {
				_, err := r.Drain(f.t.Context(), "n1", actions.DefaultDrainOptions(f.node("n1")), nil)
				return err
			},
			want: []string{"patch nodes", "list pods"},
		},
		{
			name: "drain with eviction disabled without delete pods", denied: []actions.Permission{actions.PermDeletePods},
			run: func(r *actions.Runner, f *fakeCluster) error {
				o := actions.DefaultDrainOptions(f.node("n1"))
				o.DisableEviction = true
				_, err := r.Drain(f.t.Context(), "n1", o, nil)
				return err
			},
			want: []string{"delete pods"},
		},
		{
			name: "maintenance without evictions", denied: []actions.Permission{actions.PermCreateEviction},
			run: func(r *actions.Runner, f *fakeCluster) error {
				_, err := r.StartMaintenance(f.t.Context(), "n1", actions.DefaultDrainOptions(f.node("n1")), nil)
				return err
			},
			want: []string{"create pods/eviction"},
		},
		{
			name: "delete pod without delete pods", denied: []actions.Permission{actions.PermDeletePods},
			run: func(r *actions.Runner, f *fakeCluster) error {
				return r.DeletePod(f.t.Context(), actions.PodRef{Namespace: "shop", Name: "web-1"}, false)
			},
			want: []string{"delete pods in shop"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cordoned := readyNode("n2", corev1.ConditionTrue)
			cordoned.Spec.Unschedulable = true
			f := newFakeCluster(t, readyNode("n1", corev1.ConditionTrue), cordoned,
				pod("shop", "web-1", "n1", ownedBy("ReplicaSet", "web")))
			f.deny(tc.denied...)
			r, path := f.runner()

			err := tc.run(r, f)
			var fe *actions.ForbiddenError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v (%T), want a ForbiddenError", err, err)
			}
			if !reflect.DeepEqual(fe.Missing, tc.want) {
				t.Errorf("ForbiddenError.Missing = %q, want %q", fe.Missing, tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %q", err, w)
				}
			}
			if !strings.Contains(err.Error(), "nothing was changed") {
				t.Errorf("error %q does not say that nothing changed", err)
			}
			if m := f.mutations(); len(m) > 0 {
				t.Errorf("a refused action still sent %v", m)
			}
			if f.node("n1").Spec.Unschedulable || !f.node("n2").Spec.Unschedulable {
				t.Error("a node's schedulability changed")
			}
			if _, ok := f.node("n1").Annotations[cluster.MaintenanceAnnotation]; ok {
				t.Error("maintenance was recorded on the node")
			}
			if !f.podExists("shop", "web-1") {
				t.Error("the pod is gone")
			}
			lines := readAudit(t, path)
			if got := results(lines); len(got) == 0 || got[len(got)-1] != "refused" || strings.Contains(strings.Join(got, ","), "attempt") {
				t.Errorf("audit results = %v, want one refused line and no attempt", got)
			} else if e, _ := lines[len(lines)-1]["error"].(string); !strings.Contains(e, tc.want[0]) {
				t.Errorf("refused line's error %q does not name %q", e, tc.want[0])
			}
		})
	}
}

// The preflight asks about each permission once and says, per action, what is missing in words a
// person can take to their cluster admin.
func TestPreflightSaysWhichActionsNeedWhat(t *testing.T) {
	cases := []struct {
		name   string
		denied []actions.Permission
		want   map[actions.Action]string // "" = allowed
	}{
		{
			name: "everything allowed",
			want: map[actions.Action]string{actions.ActionCordon: "", actions.ActionUncordon: "", actions.ActionDrain: "",
				actions.ActionMaintenance: "", actions.ActionDeletePod: ""},
		},
		{
			name: "no patch nodes", denied: []actions.Permission{actions.PermPatchNodes},
			want: map[actions.Action]string{actions.ActionCordon: "needs patch nodes", actions.ActionUncordon: "needs patch nodes",
				actions.ActionDrain: "needs patch nodes", actions.ActionMaintenance: "needs patch nodes", actions.ActionDeletePod: ""},
		},
		{
			name: "no evictions", denied: []actions.Permission{actions.PermCreateEviction},
			want: map[actions.Action]string{actions.ActionCordon: "", actions.ActionUncordon: "",
				actions.ActionDrain: "needs create pods/eviction", actions.ActionMaintenance: "needs create pods/eviction", actions.ActionDeletePod: ""},
		},
		{
			name: "no exec", denied: []actions.Permission{{Verb: "create", Resource: "pods", Subresource: "exec", Namespace: "default"}},
			want: map[actions.Action]string{actions.ActionCordon: "", actions.ActionDrain: "",
				actions.ActionNodeShell: "needs create pods/exec in default"},
		},
		{
			name: "viewer", denied: []actions.Permission{actions.PermPatchNodes, actions.PermCreateEviction, actions.PermDeletePods},
			want: map[actions.Action]string{actions.ActionCordon: "needs patch nodes", actions.ActionUncordon: "needs patch nodes",
				actions.ActionDrain: "needs patch nodes, create pods/eviction", actions.ActionMaintenance: "needs patch nodes, create pods/eviction",
				actions.ActionDeletePod: "needs delete pods"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeCluster(t)
			f.deny(tc.denied...)
			r, _ := f.runner()
			p := r.Preflight(t.Context())
			if p.ReadOnly || p.Err != nil {
				t.Fatalf("Preflight = %+v, want an answer", p)
			}
			for a, want := range tc.want {
				ok, why := p.Allowed(a)
				if ok != (want == "") || why != want {
					t.Errorf("Allowed(%s) = %v, %q; want %v, %q", a, ok, why, want == "", want)
				}
			}
			for perm, n := range f.asked {
				if n != 1 {
					t.Errorf("asked about %q %d times, want once", perm, n)
				}
			}
			// 7 for the node actions, 5 for the node shell in its namespace.
			if len(f.asked) != 12 {
				t.Errorf("asked about %v, want the 12 distinct permissions the actions need", f.asked)
			}
		})
	}
}

// When the server cannot answer the preflight, actions are withheld and the reason shown.
func TestPreflightThatCannotAskWithholdsActions(t *testing.T) {
	f := newFakeCluster(t, readyNode("n1", corev1.ConditionTrue))
	f.reviewErr = errors.New("connection refused")
	r, _ := f.runner()
	p := r.Preflight(t.Context())
	if p.Err == nil {
		t.Fatalf("Preflight = %+v, want an error", p)
	}
	for _, a := range actions.AllActions {
		if ok, why := p.Allowed(a); ok || !strings.HasPrefix(why, "permissions unknown: ") || !strings.Contains(why, "connection refused") {
			t.Errorf("Allowed(%s) = %v, %q; want false, \"permissions unknown: … connection refused\"", a, ok, why)
		}
	}
	// The action itself refuses too, and changes nothing.
	err := r.Cordon(t.Context(), []string{"n1"}, true)[0].Err
	if err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("cordon when permissions cannot be checked: %v", err)
	}
	if m := f.mutations(); len(m) > 0 {
		t.Errorf("sent %v although permissions could not be checked", m)
	}
}

func TestPermissionStringReadsLikeRBAC(t *testing.T) {
	for p, want := range map[actions.Permission]string{
		actions.PermPatchNodes:                                                                     "patch nodes",
		actions.PermCreateEviction:                                                                 "create pods/eviction",
		{Verb: "delete", Resource: "pods", Namespace: "shop"}:                                      "delete pods in shop",
		{Verb: "get", Group: "apps", Resource: "daemonsets"}:                                       "get daemonsets.apps",
		{Verb: "create", Group: "", Resource: "nodes", Subresource: "proxy"}:                       "create nodes/proxy",
		{Verb: "update", Group: "policy", Resource: "poddisruptionbudgets", Subresource: "status"}: "update poddisruptionbudgets.policy/status",
	} {
		if got := p.String(); got != want {
			t.Errorf("%#v.String() = %q, want %q", p, got, want)
		}
	}
}
