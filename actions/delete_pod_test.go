package actions_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	k8stesting "k8s.io/client-go/testing"

	"github.com/ktriage/ktriage/actions"
)

// deletes returns the delete requests for pods the fake saw.
func deletes(f *fakeCluster) []k8stesting.DeleteActionImpl {
	var out []k8stesting.DeleteActionImpl
	for _, a := range f.cs.Actions() {
		if d, ok := a.(k8stesting.DeleteActionImpl); ok && a.GetResource().Resource == "pods" {
			out = append(out, d)
		}
	}
	return out
}

// Force delete skips the kubelet, so it is only for pods no kubelet will ever confirm gone: on a node
// whose Ready is Unknown, or whose Node object is gone. Elsewhere it is refused and nothing happens.
func TestForceDeleteOnlyForPodsOnUnreachableOrDeletedNodes(t *testing.T) {
	cases := []struct {
		name    string
		node    *corev1.Node // nil: the pod's node does not exist
		podNode string
		allowed bool
	}{
		{name: "Ready node", node: readyNode("n1", corev1.ConditionTrue), podNode: "n1"},
		{name: "NotReady node (kubelet still reports)", node: readyNode("n1", corev1.ConditionFalse), podNode: "n1"},
		{name: "node without conditions", node: &corev1.Node{}, podNode: "n1"},
		{name: "unscheduled pod", podNode: ""},
		{name: "unreachable node", node: readyNode("n1", corev1.ConditionUnknown), podNode: "n1", allowed: true},
		{name: "deleted node", podNode: "n1", allowed: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			objs := []runtime.Object{pod("shop", "db-0", tc.podNode, ownedBy("StatefulSet", "db"))}
			if tc.node != nil {
				tc.node.Name = "n1"
				objs = append(objs, tc.node)
			}
			f := newFakeCluster(t, objs...)
			r, path := f.runner()
			err := r.DeletePod(t.Context(), actions.PodRef{Namespace: "shop", Name: "db-0"}, true)
			if !tc.allowed {
				if !errors.Is(err, actions.ErrForceNeedsUnreachableNode) {
					t.Fatalf("force delete: %v, want ErrForceNeedsUnreachableNode", err)
				}
				if !strings.Contains(err.Error(), "shop/db-0") {
					t.Errorf("error %q does not name the pod", err)
				}
				if !f.podExists("shop", "db-0") || len(deletes(f)) > 0 {
					t.Error("the refused force delete deleted the pod")
				}
				lines := readAudit(t, path)
				if got := results(lines); !reflect.DeepEqual(got, []string{"attempt", "failed"}) {
					t.Errorf("audit results = %v, want attempt, failed", got)
				} else if e, _ := lines[1]["error"].(string); !strings.Contains(e, "force delete is only for") {
					t.Errorf("audit error = %q, want the refusal", e)
				}
				return
			}
			if err != nil {
				t.Fatalf("force delete: %v", err)
			}
			if f.podExists("shop", "db-0") {
				t.Error("the pod is still there")
			}
			d := deletes(f)
			if len(d) != 1 {
				t.Fatalf("%d delete requests, want 1", len(d))
			}
			opts := d[0].GetDeleteOptions()
			if opts.GracePeriodSeconds == nil || *opts.GracePeriodSeconds != 0 {
				t.Errorf("force delete grace period = %v, want 0", opts.GracePeriodSeconds)
			}
			if opts.Preconditions == nil || opts.Preconditions.UID == nil || *opts.Preconditions.UID != "uid-shop-db-0" {
				t.Errorf("force delete preconditions = %+v, want the pod's UID", opts.Preconditions)
			}
			lines := readAudit(t, path)
			if got := results(lines); !reflect.DeepEqual(got, []string{"attempt", "ok"}) {
				t.Fatalf("audit results = %v, want attempt, ok", got)
			}
			if lines[1]["action"] != "delete-pod" || lines[1]["pod"] != "shop/db-0" || !reflect.DeepEqual(lines[1]["options"], map[string]any{"force": true}) {
				t.Errorf("audit outcome = %v, want delete-pod of shop/db-0 with force", lines[1])
			}
			if tc.podNode != "" && lines[1]["node"] != tc.podNode {
				t.Errorf("audit outcome node = %v, want %s", lines[1]["node"], tc.podNode)
			}
		})
	}
}

// A plain delete keeps the pod's grace period, and is pinned to the pod the person saw by its UID.
func TestDeletePodKeepsTheGracePeriodAndPinsTheUID(t *testing.T) {
	f := newFakeCluster(t, readyNode("n1", corev1.ConditionTrue), pod("shop", "web-1", "n1", ownedBy("ReplicaSet", "web")))
	r, _ := f.runner()
	if err := r.DeletePod(t.Context(), actions.PodRef{Namespace: "shop", Name: "web-1", UID: "uid-shop-web-1"}, false); err != nil {
		t.Fatal(err)
	}
	d := deletes(f)
	if len(d) != 1 {
		t.Fatalf("%d delete requests, want 1", len(d))
	}
	opts := d[0].GetDeleteOptions()
	if opts.GracePeriodSeconds != nil {
		t.Errorf("grace period = %d, want the pod's own (unset)", *opts.GracePeriodSeconds)
	}
	if opts.Preconditions == nil || opts.Preconditions.UID == nil || *opts.Preconditions.UID != "uid-shop-web-1" {
		t.Errorf("preconditions = %+v, want the pod's UID", opts.Preconditions)
	}
}

// A pod replaced since the person looked (a StatefulSet re-created it under the same name) is not
// deleted: the UID they saw is gone.
func TestDeletePodRefusesAReplacedPod(t *testing.T) {
	for _, force := range []bool{false, true} {
		f := newFakeCluster(t, readyNode("n1", corev1.ConditionUnknown), pod("shop", "db-0", "n1", ownedBy("StatefulSet", "db")))
		r, path := f.runner()
		err := r.DeletePod(t.Context(), actions.PodRef{Namespace: "shop", Name: "db-0", UID: types.UID("uid-of-the-old-db-0")}, force)
		if err == nil || !strings.Contains(err.Error(), "replaced") {
			t.Errorf("force=%v: delete of a replaced pod: %v, want an error saying it was replaced", force, err)
		}
		if !f.podExists("shop", "db-0") || len(deletes(f)) > 0 {
			t.Errorf("force=%v: the new pod of the same name was deleted", force)
		}
		if got := results(readAudit(t, path)); !reflect.DeepEqual(got, []string{"attempt", "failed"}) {
			t.Errorf("force=%v: audit results = %v, want attempt, failed", force, got)
		}
	}
}

func TestDeleteMissingPod(t *testing.T) {
	f := newFakeCluster(t)
	r, _ := f.runner()
	err := r.DeletePod(t.Context(), actions.PodRef{Namespace: "shop", Name: "ghost"}, false)
	if err == nil || !strings.Contains(err.Error(), "shop/ghost") {
		t.Errorf("delete of a missing pod: %v, want an error naming it", err)
	}
}
