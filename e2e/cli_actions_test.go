package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ktriage/ktriage/hack/testenv"
)

// cliNode is a kwok node with a ReplicaSet pod and a DaemonSet pod in its own namespace.
func cliNode(t *testing.T, env *testenv.Env, prefix string) (node, ns string) {
	t.Helper()
	ctx := testContext(t, 2*time.Minute)
	node, ns = kwokNodeAndNamespace(ctx, t, env, prefix)
	rs, err := env.CreateOwner(ctx, testenv.OwnerReplicaSet, ns, "web", 2)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := env.CreateOwner(ctx, testenv.OwnerDaemonSet, ns, "agent", 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := env.CreatePods(ctx,
		testenv.PodSpec{Namespace: ns, Name: "web-1", Node: node, Owner: testenv.OwnerReplicaSet, OwnerRef: rs},
		testenv.PodSpec{Namespace: ns, Name: "web-2", Node: node, Owner: testenv.OwnerReplicaSet, OwnerRef: rs},
		testenv.PodSpec{Namespace: ns, Name: "agent-1", Node: node, Owner: testenv.OwnerDaemonSet, OwnerRef: ds},
	); err != nil {
		t.Fatal(err)
	}
	if err := env.WaitForPodsRunning(ctx, ns, "", 3); err != nil {
		t.Fatal(err)
	}
	return node, ns
}

func nodeUnschedulable(t *testing.T, env *testenv.Env, name string) bool {
	t.Helper()
	n, err := env.Client.CoreV1().Nodes().Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return n.Spec.Unschedulable
}

func expectExit0(t *testing.T, res cliResult, stdoutMentions ...string) {
	t.Helper()
	if res.code != 0 {
		t.Fatalf("exit status %d, want 0; stdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
	}
	for _, m := range stdoutMentions {
		if !strings.Contains(res.stdout, m) {
			t.Errorf("stdout lacks %q:\n%s", m, res.stdout)
		}
	}
	if res.stderr != "" {
		t.Errorf("stderr is not empty:\n%s", res.stderr)
	}
}

func TestCLICordonUncordonRoundTripIsAuditedAndIdempotent(t *testing.T) {
	env := testenv.Shared(t)
	node, _ := kwokNodeAndNamespace(testContext(t, time.Minute), t, env, "cli-cordon")
	admin := "--kubeconfig=" + env.AdminKubeconfig

	res := runKtriage(t, 30*time.Second, admin, "cordon", node, "--yes")
	expectExit0(t, res, node+": cordoned")
	if !nodeUnschedulable(t, env, node) {
		t.Fatal("ktriage cordon said cordoned but the node is schedulable")
	}
	audit, err := os.ReadFile(filepath.Join(res.stateDir, "ktriage", "audit.jsonl"))
	if err != nil {
		t.Fatalf("no audit log: %v", err)
	}
	for _, want := range []string{`"action":"cordon"`, `"node":"` + node + `"`, `"result":"attempt"`, `"result":"ok"`, `"user":"admin"`} {
		if !strings.Contains(string(audit), want) {
			t.Errorf("the audit log lacks %s:\n%s", want, audit)
		}
	}

	expectExit0(t, runKtriage(t, 30*time.Second, admin, "cordon", node, "--yes"), node+": already cordoned")
	expectExit0(t, runKtriage(t, 30*time.Second, admin, "uncordon", node, "--yes"), node+": uncordoned")
	if nodeUnschedulable(t, env, node) {
		t.Fatal("ktriage uncordon said uncordoned but the node is cordoned")
	}
}

func TestCLIWithoutYesOrTerminalChangesNothing(t *testing.T) {
	env := testenv.Shared(t)
	node, _ := kwokNodeAndNamespace(testContext(t, time.Minute), t, env, "cli-noyes")
	res := runKtriage(t, 30*time.Second, "--kubeconfig="+env.AdminKubeconfig, "cordon", node)
	if res.code != 1 || !strings.Contains(res.stderr, "stdin is not a terminal, so pass --yes") {
		t.Fatalf("exit %d, stderr %q: want a refusal naming --yes", res.code, res.stderr)
	}
	if nodeUnschedulable(t, env, node) {
		t.Fatal("the node was cordoned without confirmation")
	}
}

func TestCLIReadOnlyUserAndReadOnlyConfigAreRefused(t *testing.T) {
	env := testenv.Shared(t)
	node, _ := kwokNodeAndNamespace(testContext(t, time.Minute), t, env, "cli-ro")

	res := runKtriage(t, 30*time.Second, "--kubeconfig="+env.ReadOnlyKubeconfig, "cordon", node, "--yes")
	if res.code != 1 || !strings.Contains(res.stdout, "not permitted: you cannot patch nodes") {
		t.Errorf("read-only user: exit %d, stdout %q, stderr %q: want the missing permission named", res.code, res.stdout, res.stderr)
	}

	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, ".config", "ktriage"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeTestFile(t, filepath.Join(home, ".config", "ktriage", "config.yaml"), "readonly: true\n")
	res = runKtriageAt(t, 30*time.Second, home, "--kubeconfig="+env.AdminKubeconfig, "cordon", node, "--yes")
	expectOneLineFailure(t, res, "read-only")

	writeTestFile(t, filepath.Join(home, ".config", "ktriage", "config.yaml"), "readonyl: true\n")
	res = runKtriageAt(t, 30*time.Second, home, "--kubeconfig="+env.AdminKubeconfig, "cordon", node, "--yes")
	expectOneLineFailure(t, res, "config.yaml", "readonyl")

	if nodeUnschedulable(t, env, node) {
		t.Fatal("a refused cordon changed the node")
	}
}

func TestCLIDrainPreviewsThenDrainsWithProgressLines(t *testing.T) {
	env := testenv.Shared(t)
	node, ns := cliNode(t, env, "cli-drain")
	admin := "--kubeconfig=" + env.AdminKubeconfig

	res := runKtriage(t, 30*time.Second, admin, "drain", node, "--dry-run")
	expectExit0(t, res, "2 to evict, 0 wait for a disruption budget, 0 block, 1 stay",
		"evict  "+ns+"/web-1", "stay   "+ns+"/agent-1", "dry run, nothing changed")
	if nodeUnschedulable(t, env, node) {
		t.Fatal("a dry run cordoned the node")
	}

	res = runKtriage(t, 90*time.Second, admin, "drain", node, "--yes", "--grace-period=1")
	t.Logf("ktriage drain printed:\n%s", res.stdout)
	expectExit0(t, res, "evicting "+node, ns+"/web-1 gone", "drained: 2 pods evicted")
	if !nodeUnschedulable(t, env, node) {
		t.Error("the drained node is not cordoned")
	}
	pods, err := env.Client.CoreV1().Pods(ns).List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(pods.Items) != 1 || pods.Items[0].Name != "agent-1" {
		t.Errorf("after the drain the namespace holds %d pods, want only the DaemonSet's agent-1", len(pods.Items))
	}
}
