package actions_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	k8stesting "k8s.io/client-go/testing"

	"github.com/ktriage/ktriage/actions"
	"github.com/ktriage/ktriage/cluster"
)

// Every action writes an attempt line before it changes anything and an outcome line after, each
// saying when, on which cluster, as whom, what, to which node, with which options and pods, and how
// it went.
func TestAuditRecordsAttemptAndOutcomeWithWhoWhatWhere(t *testing.T) {
	f := newFakeCluster(t, readyNode("n1", corev1.ConditionTrue),
		pod("shop", "web-1", "n1", ownedBy("ReplicaSet", "web")),
		pod("shop", "web-2", "n1", ownedBy("ReplicaSet", "web")))
	f.username = "alice@example.com"
	r, path := f.runner()
	ctx := t.Context()
	before := time.Now().UTC().Add(-time.Second)

	if res := r.Cordon(ctx, []string{"n1"}, true)[0]; res.Err != nil || !res.Changed || res.Message != "cordoned" {
		t.Fatalf("cordon n1 = %+v, want changed, \"cordoned\"", res)
	}
	opts := actions.DrainOptions{IgnoreDaemonSets: true, DeleteEmptyDirData: true, GracePeriodSeconds: -1, Timeout: time.Minute}
	final, err := r.Drain(ctx, "n1", opts, nil)
	if err != nil || final.Phase != actions.PhaseDone {
		t.Fatalf("drain n1: phase %q, err %v (%s)", final.Phase, err, final.Summary)
	}
	after := time.Now().UTC().Add(time.Second)

	lines := readAudit(t, path)
	if got, want := results(lines), []string{"attempt", "ok", "attempt", "ok"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("audit results = %v, want %v\n%v", got, want, lines)
	}
	for i, l := range lines {
		ts, err := time.Parse(time.RFC3339Nano, l["time"].(string))
		if err != nil || ts.Before(before) || ts.After(after) || !strings.HasSuffix(l["time"].(string), "Z") {
			t.Errorf("line %d: time %v (%v), want a UTC time within the test", i, l["time"], err)
		}
		for field, want := range map[string]string{"context": "prod-eu", "server": "https://10.0.0.1:6443", "user": "alice@example.com", "node": "n1"} {
			if l[field] != want {
				t.Errorf("line %d: %s = %v, want %q", i, field, l[field], want)
			}
		}
		if _, ok := l["error"]; ok {
			t.Errorf("line %d of a successful action carries an error: %v", i, l["error"])
		}
	}
	if lines[0]["action"] != "cordon" || lines[1]["action"] != "cordon" || lines[2]["action"] != "drain" || lines[3]["action"] != "drain" {
		t.Errorf("actions = %v %v %v %v, want cordon, cordon, drain, drain", lines[0]["action"], lines[1]["action"], lines[2]["action"], lines[3]["action"])
	}
	wantOpts := map[string]any{"ignoreDaemonSets": true, "deleteEmptyDirData": true, "force": false, "disableEviction": false,
		"gracePeriodSeconds": float64(-1), "timeout": "1m0s", "skipWaitUnreachable": false}
	for _, i := range []int{2, 3} {
		if !reflect.DeepEqual(lines[i]["options"], wantOpts) {
			t.Errorf("drain line %d options = %v, want %v", i, lines[i]["options"], wantOpts)
		}
	}
	if _, ok := lines[2]["pods"]; ok {
		t.Errorf("the drain's attempt line lists pods before any was evicted: %v", lines[2]["pods"])
	}
	if got, want := lines[3]["pods"], []any{"shop/web-1", "shop/web-2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("drain outcome pods = %v, want the evicted %v", got, want)
	}
}

// A failed action's outcome line carries the error; a node already as asked is recorded as no-change.
func TestAuditRecordsFailuresAndNoChange(t *testing.T) {
	n := readyNode("n1", corev1.ConditionTrue)
	n.Spec.Unschedulable = true
	f := newFakeCluster(t, n)
	r, path := f.runner()
	ctx := t.Context()

	res := r.Cordon(ctx, []string{"n1", "no-such-node"}, true)
	if res[0].Err != nil || res[0].Changed || res[0].Message != "already cordoned" {
		t.Errorf("cordon of a cordoned node = %+v, want unchanged, \"already cordoned\"", res[0])
	}
	if res[1].Err == nil || !apierrors.IsNotFound(res[1].Err) || !strings.Contains(res[1].Err.Error(), "no-such-node") {
		t.Errorf("cordon of a missing node: error %v, want NotFound naming the node", res[1].Err)
	}
	lines := readAudit(t, path)
	if got, want := results(lines), []string{"attempt", "no-change", "attempt", "failed"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("audit results = %v, want %v", got, want)
	}
	if e, _ := lines[3]["error"].(string); !strings.Contains(e, "not found") {
		t.Errorf("failed outcome's error = %q, want the API's not found", e)
	}
	if lines[3]["node"] != "no-such-node" {
		t.Errorf("failed outcome's node = %v, want no-such-node", lines[3]["node"])
	}
}

// When the API server cannot say who the user is (SelfSubjectReview refused or unsupported), the
// audit names the kubeconfig's user and says so.
func TestAuditUserFallsBackToTheKubeconfigUser(t *testing.T) {
	for name, review := range map[string]func(k8stesting.Action) (bool, runtime.Object, error){
		"empty answer": nil,
		"forbidden": func(k8stesting.Action) (bool, runtime.Object, error) {
			return true, nil, apierrors.NewForbidden(schema.GroupResource{Group: "authentication.k8s.io", Resource: "selfsubjectreviews"}, "", errors.New("no"))
		},
		"old server": func(k8stesting.Action) (bool, runtime.Object, error) {
			return true, nil, apierrors.NewNotFound(schema.GroupResource{Group: "authentication.k8s.io", Resource: "selfsubjectreviews"}, "")
		},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFakeCluster(t, readyNode("n1", corev1.ConditionTrue))
			if review != nil {
				f.cs.PrependReactor("create", "selfsubjectreviews", review)
			}
			r, path := f.runner()
			if res := r.Cordon(t.Context(), []string{"n1"}, true)[0]; res.Err != nil {
				t.Fatal(res.Err)
			}
			for i, l := range readAudit(t, path) {
				if l["user"] != "kube-admin (kubeconfig)" {
					t.Errorf("line %d: user = %v, want \"kube-admin (kubeconfig)\"", i, l["user"])
				}
			}
		})
	}
}

// The log is only ever appended to: what was there before — other sessions' lines, earlier
// actions — stays byte for byte, and two runners (two ktriage processes) share one file.
func TestAuditAppendsWithoutRewritingEarlierLines(t *testing.T) {
	f := newFakeCluster(t, readyNode("n1", corev1.ConditionTrue), readyNode("n2", corev1.ConditionTrue))
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	earlier := `{"time":"2026-01-02T03:04:05Z","context":"old","server":"https://old","user":"bob","action":"cordon","node":"x","result":"attempt"}` + "\n" +
		`{ "some": "line written by an older ktriage, spaced oddly" }` + "\n"
	if err := os.WriteFile(path, []byte(earlier), 0o600); err != nil {
		t.Fatal(err)
	}
	one := actions.New(actions.Config{Client: f.cs, Info: testInfo, Audit: actions.NewAuditLog(path)})
	two := actions.New(actions.Config{Client: f.cs, Info: cluster.Info{Context: "other", User: "carol"}, Audit: actions.NewAuditLog(path)})

	var snapshots []string
	for _, step := range []func(){
		func() { one.Cordon(t.Context(), []string{"n1"}, true) },
		func() { two.Cordon(t.Context(), []string{"n2"}, true) },
		func() { one.Cordon(t.Context(), []string{"n1"}, false) },
	} {
		step()
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		snapshots = append(snapshots, string(data))
	}
	prev := earlier
	for i, s := range snapshots {
		if !strings.HasPrefix(s, prev) || len(s) <= len(prev) {
			t.Fatalf("after step %d the log does not start with what it held before:\nbefore: %q\nafter:  %q", i, prev, s)
		}
		if added := strings.Count(s[len(prev):], "\n"); added != 2 {
			t.Errorf("step %d added %d lines, want 2 (attempt and outcome)", i, added)
		}
		prev = s
	}
	lines := readAudit(t, path)
	if len(lines) != 8 || lines[4]["context"] != "other" || lines[4]["user"] != "carol (kubeconfig)" {
		t.Errorf("the second runner's lines are missing or not its own: %v", lines)
	}
}

// An audit log that cannot be written blocks every action: nothing changes in the cluster and the
// error says why.
func TestUnwritableAuditLogBlocksTheAction(t *testing.T) {
	paths := map[string]func(t *testing.T) string{
		"a directory where the file should be": func(t *testing.T) string {
			p := filepath.Join(t.TempDir(), "audit.jsonl")
			if err := os.Mkdir(p, 0o700); err != nil {
				t.Fatal(err)
			}
			return p
		},
		"a file where the folder should be": func(t *testing.T) string {
			dir := filepath.Join(t.TempDir(), "ktriage")
			if err := os.WriteFile(dir, []byte("not a folder"), 0o600); err != nil {
				t.Fatal(err)
			}
			return filepath.Join(dir, "audit.jsonl")
		},
		"no path": func(*testing.T) string { return "" },
	}
	if os.Geteuid() != 0 { // root writes through permission bits
		paths["a read-only folder"] = func(t *testing.T) string {
			dir := t.TempDir()
			if err := os.Chmod(dir, 0o500); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = os.Chmod(dir, 0o700) })
			return filepath.Join(dir, "audit.jsonl")
		}
	}
	for name, makePath := range paths {
		t.Run(name, func(t *testing.T) {
			n1 := readyNode("n1", corev1.ConditionTrue)
			cordoned := readyNode("n2", corev1.ConditionTrue)
			cordoned.Spec.Unschedulable = true
			f := newFakeCluster(t, n1, cordoned, pod("shop", "web-1", "n1", ownedBy("ReplicaSet", "web")))
			path := makePath(t)
			r := actions.New(actions.Config{Client: f.cs, Info: testInfo, Audit: actions.NewAuditLog(path)})
			ctx := t.Context()
			if err := actions.NewAuditLog(path).Check(); !errors.Is(err, actions.ErrAuditUnavailable) {
				t.Errorf("Check() = %v, want ErrAuditUnavailable", err)
			}
			check := func(what string, err error) {
				t.Helper()
				if !errors.Is(err, actions.ErrAuditUnavailable) {
					t.Errorf("%s with an unwritable audit log: error %v, want ErrAuditUnavailable", what, err)
				}
			}
			res := r.Cordon(ctx, []string{"n1"}, true)[0]
			check("cordon", res.Err)
			if res.Changed {
				t.Error("cordon says it changed the node although it could not be recorded")
			}
			check("uncordon", r.Cordon(ctx, []string{"n2"}, false)[0].Err)
			opts := actions.DefaultDrainOptions(n1)
			_, err := r.Drain(ctx, "n1", opts, nil)
			check("drain", err)
			_, err = r.StartMaintenance(ctx, "n1", opts, nil)
			check("start maintenance", err)
			check("delete pod", r.DeletePod(ctx, actions.PodRef{Namespace: "shop", Name: "web-1"}, false))

			if m := f.mutations(); len(m) > 0 {
				t.Errorf("actions that could not be recorded changed the cluster: %v", m)
			}
			if f.node("n1").Spec.Unschedulable || !f.node("n2").Spec.Unschedulable {
				t.Error("a node's schedulability changed")
			}
			if _, ok := f.node("n1").Annotations[cluster.MaintenanceAnnotation]; ok {
				t.Error("maintenance was recorded on the node")
			}
			if !f.podExists("shop", "web-1") {
				t.Error("the pod was deleted")
			}
		})
	}
}

// A runner without an audit log takes no action at all.
func TestRunnerWithoutAuditLogTakesNoAction(t *testing.T) {
	f := newFakeCluster(t, readyNode("n1", corev1.ConditionTrue))
	r := actions.New(actions.Config{Client: f.cs, Info: testInfo})
	if err := r.Cordon(t.Context(), []string{"n1"}, true)[0].Err; !errors.Is(err, actions.ErrAuditUnavailable) {
		t.Errorf("cordon without an audit log: %v, want ErrAuditUnavailable", err)
	}
	if f.node("n1").Spec.Unschedulable {
		t.Error("the node was cordoned without an audit log")
	}
	if r.AuditPath() != "" {
		t.Errorf("AuditPath() = %q without an audit log", r.AuditPath())
	}
}
