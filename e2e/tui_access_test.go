package e2e

// Logs and node access in a real terminal (tmux) against the real control plane: the kubelet's
// journal through nodes/proxy on a kubelet stand-in, a container's log from kwok, and a node shell
// exec'd through the API server into kwok, its pod deleted when the shell exits.

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/ktriage/ktriage/cluster"
	"github.com/ktriage/ktriage/hack/testenv"
)

func TestTUIJournalLogsAndNodeShellOnTheRealControlPlane(t *testing.T) {
	env := testenv.Shared(t)
	ctx := testContext(t, 3*time.Minute)
	bin := ktriageBinary(t)
	k := startStandIn(ctx, t, env, "tui-kubelet", testenv.KubeletStandInOptions{NodeLog: testenv.NodeLogQueryOn})
	node, ns := kwokNodeAndNamespace(ctx, t, env, unique("tui-shell"))
	if err := env.WaitForNodeReady(ctx, node); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	current, previous := filepath.Join(dir, "current.log"), filepath.Join(dir, "previous.log")
	if err := testenv.WriteCRILog(current, testenv.CRILines(time.Now().Add(-time.Minute), "listening on :8080", "GET /healthz 200")...); err != nil {
		t.Fatal(err)
	}
	if err := testenv.WriteCRILog(previous, testenv.CRILines(time.Now().Add(-time.Hour), "panic: runtime error: index out of range [3] with length 3")...); err != nil {
		t.Fatal(err)
	}
	if err := env.ServePodLogs(ctx, ns, "web", testenv.PodLogFiles{Current: current, Previous: previous}); err != nil {
		t.Fatal(err)
	}
	if err := env.CreatePods(ctx, testenv.PodSpec{Namespace: ns, Name: "web", Node: node}); err != nil {
		t.Fatal(err)
	}
	if err := env.WaitForPodsRunning(ctx, ns, "app=web", 1); err != nil {
		t.Fatal(err)
	}

	home := t.TempDir()
	config := filepath.Join(home, "config", "ktriage", "config.yaml")
	if err := os.MkdirAll(filepath.Dir(config), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(config, []byte("shellNamespace: "+ns+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	termEnv := []string{"HOME=" + home, "XDG_STATE_HOME=" + filepath.Join(home, "state"),
		"XDG_CONFIG_HOME=" + filepath.Join(home, "config"), "TERM=xterm-256color", "KUBECONFIG=" + env.AdminKubeconfig}
	s := startTmux(t, 180, 50, termEnv, bin+" --theme mono")
	s.waitFor(30*time.Second, k.Node, node)

	// The kubelet's journal of the stand-in's node, through the node log query.
	s.keys("/")
	s.text(k.Node)
	s.keys("Enter")
	s.waitFor(10*time.Second, "/"+k.Node)
	s.keys("L")
	s.waitFor(20*time.Second, "Skipping pod synchronization", "PLEG is not healthy")
	s.keys("Escape") // back to the list, still filtered
	s.waitFor(10*time.Second, "esc to clear")
	s.keys("Escape") // the filter cleared: both nodes
	waitForScreen(t, s, 10*time.Second, "the unfiltered list", func(screen string) bool {
		return !strings.Contains(screen, "esc to clear") && strings.Contains(screen, node) && strings.Contains(screen, k.Node)
	})

	s.keys("/")
	s.text(node)
	s.keys("Enter")
	s.waitFor(10*time.Second, "/"+node)
	// A container's log from kwok, followed: a line written to it shows up; p shows the previous run.
	s.keys("Enter")
	s.waitFor(10*time.Second, "Pods(")
	s.keys("2")
	s.keys("/")
	s.text("web")
	s.keys("Enter")
	s.waitFor(10*time.Second, "web")
	s.keys("l")
	s.waitFor(20*time.Second, ns+"/web", "listening on :8080")
	if err := testenv.WriteCRILog(current, testenv.CRILines(time.Now(), "GET /checkout 502 upstream reset")...); err != nil {
		t.Fatal(err)
	}
	s.waitFor(15*time.Second, "GET /checkout 502 upstream reset")
	s.keys("p")
	s.waitFor(15*time.Second, "panic: runtime error: index out of range [3] with length 3")
	s.keys("Escape")
	s.waitFor(10*time.Second, "Pods(")

	// A node shell on the kwok node: the command runs through pods/exec and kwok.
	s.keys("s")
	s.waitFor(10*time.Second, "Open a root shell on "+node+"?")
	s.keys("y")
	s.waitFor(30*time.Second, "Type exit to return to ktriage")
	s.text("echo ktriage-shell-$((40+2))")
	s.keys("Enter")
	s.waitFor(30*time.Second, "ktriage-shell-42")
	pods, err := env.Client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: cluster.NodeShellLabel})
	if err != nil || len(pods.Items) != 1 {
		t.Fatalf("shell pods in %s while the shell runs: %v, %v", ns, pods, err)
	}
	s.text("exit")
	s.keys("Enter")
	s.waitFor(15*time.Second, "shell on "+node+" closed")
	err = wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		_, err := env.Client.CoreV1().Pods(ns).Get(ctx, pods.Items[0].Name, metav1.GetOptions{})
		return apierrors.IsNotFound(err), nil
	})
	if err != nil {
		t.Errorf("the shell pod %s outlived the shell: %v", pods.Items[0].Name, err)
	}
	audit, err := os.ReadFile(filepath.Join(home, "state", "ktriage", "audit.jsonl"))
	if err != nil || !strings.Contains(string(audit), `"action":"node-shell"`) || !strings.Contains(string(audit), `"result":"ok"`) {
		t.Errorf("the audit log does not record the shell session (%v):\n%s", err, audit)
	}
	s.keys("q")
}

// waitForScreen waits until ok accepts the screen.
func waitForScreen(t *testing.T, s *tmuxSession, limit time.Duration, what string, ok func(string) bool) {
	t.Helper()
	var screen string
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if screen = s.screen(); ok(screen) {
			return
		}
	}
	t.Fatalf("the terminal never showed %s; last screen:\n%s", what, screen)
}
