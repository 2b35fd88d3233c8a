package e2e

// The node shell (actions.Runner.OpenNodeShell) on the real control plane: the privileged pod pinned
// to a kwok node, a shell exec'd into it through the API server's pods/exec and kwok's ClusterExec
// (testenv's kwok_exec.go: kwok runs the command on this machine, with an nsenter stand-in), the pod
// deleted afterwards, and the refusals: read-only mode and a user RBAC denies.

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/tools/remotecommand"

	"github.com/ktriage/ktriage/actions"
	"github.com/ktriage/ktriage/cluster"
	"github.com/ktriage/ktriage/hack/testenv"
)

// shellRunner is an action runner with ktriage's Access, putting shell pods in namespace ns.
func shellRunner(t *testing.T, env *testenv.Env, c *cluster.Client, user, ns string, readOnly bool) (*actions.Runner, string) {
	t.Helper()
	path := t.TempDir() + "/ktriage/audit.jsonl"
	return actions.New(actions.Config{
		Client: c.Kube, Info: cluster.Info{Context: "testenv", Server: env.Server, User: user},
		Audit: actions.NewAuditLog(path), Access: c.Access, ShellNamespace: ns, ReadOnly: readOnly,
	}), path
}

// syncBuffer is a bytes.Buffer written by the exec's stream goroutine and read by the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// oneSize reports one terminal size, then none.
type oneSize struct{ sent bool }

func (o *oneSize) Next() *remotecommand.TerminalSize {
	if o.sent {
		return nil
	}
	o.sent = true
	return &remotecommand.TerminalSize{Width: 120, Height: 40}
}

func shellPods(ctx context.Context, t *testing.T, env *testenv.Env, ns string) []corev1.Pod {
	t.Helper()
	list, err := env.Client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: cluster.NodeShellLabel})
	if err != nil {
		t.Fatal(err)
	}
	return list.Items
}

func TestNodeShellExecsIntoItsPodAndDeletesIt(t *testing.T) {
	t.Parallel()
	env := testenv.Shared(t)
	ctx := testContext(t, 2*time.Minute)
	node, ns := kwokNodeAndNamespace(ctx, t, env, unique("shell"))
	c := ktriageClient(t, env.AdminConfig, "admin")
	r, audit := shellRunner(t, env, c, "admin", ns, false)

	var progress []string
	began := time.Now()
	shell, err := r.OpenNodeShell(ctx, actions.ShellRequest{Node: node, Progress: func(s string) { progress = append(progress, s) }})
	if err != nil {
		t.Fatalf("open a node shell on %s: %v (progress %q)", node, err, progress)
	}
	t.Logf("shell pod %s running after %s; progress %q", shell.Pod, time.Since(began).Round(time.Millisecond), progress)
	closed := false
	t.Cleanup(func() {
		if !closed {
			_ = shell.Close(errors.New("test ended"))
		}
	})

	pod, err := env.Client.CoreV1().Pods(ns).Get(ctx, shell.Pod, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("the shell pod: %v", err)
	}
	spec := pod.Spec
	if pod.Labels[cluster.NodeShellLabel] != node || spec.NodeName != node || !spec.HostPID || !spec.HostNetwork || !spec.HostIPC ||
		spec.ActiveDeadlineSeconds == nil || *spec.ActiveDeadlineSeconds <= 0 ||
		!slices.ContainsFunc(spec.Tolerations, func(t corev1.Toleration) bool { return t.Operator == corev1.TolerationOpExists && t.Key == "" }) ||
		len(spec.Containers) != 1 || spec.Containers[0].SecurityContext == nil || spec.Containers[0].SecurityContext.Privileged == nil ||
		!*spec.Containers[0].SecurityContext.Privileged {
		t.Errorf("shell pod is not a privileged host-namespace pod pinned to %s that tolerates every taint and has a deadline: labels %v, spec %+v",
			node, pod.Labels, spec)
	}
	if pod.Status.Phase != corev1.PodRunning {
		t.Errorf("OpenNodeShell returned with the pod %s", pod.Status.Phase)
	}

	callsBefore, err := env.NsenterCalls()
	if err != nil {
		t.Fatal(err)
	}
	stdin, typing := io.Pipe()
	var out syncBuffer
	done := make(chan error, 1)
	go func() { done <- shell.Run(ctx, stdin, &out, &oneSize{}) }()
	// Type as a person would: a command, and exit once its output shows. (kwok closes the terminal
	// as soon as the shell exits and drops output it has not copied yet, so "…; exit" on one line
	// can lose the answer.) Only a shell that ran the line prints 42; the echo of the typed line
	// shows $((40+2)).
	typeLine := func(line string) {
		go func() { _, _ = io.WriteString(typing, line+"\n") }()
	}
	typeLine("echo ktriage-shell-$((40+2))")
	var runErr error
	deadline := time.After(30 * time.Second)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	answered := false
	for finished := false; !finished; {
		select {
		case runErr = <-done:
			finished = true
		case <-tick.C:
			if !answered && strings.Contains(out.String(), "ktriage-shell-42") {
				answered = true
				typeLine("exit")
			}
		case <-deadline:
			t.Fatalf("the shell did not answer and exit within 30 s; terminal so far: %q", out.String())
		}
	}
	_ = typing.Close()
	if runErr != nil {
		t.Errorf("shell session: %v; terminal: %q", runErr, out.String())
	}
	if !answered {
		t.Errorf("the shell ended without showing the command's output ktriage-shell-42; terminal: %q", out.String())
	}
	calls, err := env.NsenterCalls()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(calls[len(callsBefore):], func(c []string) bool { return slices.Equal(c, actions.NodeShellCommand[1:]) }) {
		t.Errorf("nsenter calls %q, want a new one with %q", calls[len(callsBefore):], actions.NodeShellCommand[1:])
	}

	closed = true
	if err := shell.Close(runErr); err != nil {
		t.Fatalf("close the shell: %v", err)
	}
	err = wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		_, err := env.Client.CoreV1().Pods(ns).Get(ctx, shell.Pod, metav1.GetOptions{})
		return apierrors.IsNotFound(err), nil
	})
	if err != nil {
		t.Errorf("the shell pod %s was not deleted: %v", shell.Pod, err)
	}
	trail, lines := auditTrail(t, audit)
	if !slices.Equal(trail, []string{"node-shell:attempt", "node-shell:ok"}) {
		t.Errorf("audit trail %q, want an attempt and ok", trail)
	} else if last := lines[len(lines)-1]; last.Node != node || !slices.Contains(last.Pods, ns+"/"+shell.Pod) {
		t.Errorf("audit line %+v does not name the node and the pod", last)
	}
}

// Read-only mode and a user without the permissions: no shell, a clear reason, no pod, no exec.
func TestNodeShellIsRefusedWithoutPermission(t *testing.T) {
	t.Parallel()
	env := testenv.Shared(t)
	ctx := testContext(t, 90*time.Second)
	node, ns := kwokNodeAndNamespace(ctx, t, env, unique("shell-ro"))

	admin := ktriageClient(t, env.AdminConfig, "admin")
	r, _ := shellRunner(t, env, admin, "admin", ns, true)
	if _, err := r.OpenNodeShell(ctx, actions.ShellRequest{Node: node}); !errors.Is(err, actions.ErrReadOnly) {
		t.Errorf("node shell in read-only mode: %v, want the read-only refusal", err)
	}

	viewer := ktriageClient(t, env.ReadOnlyConfig, "viewer")
	r, audit := shellRunner(t, env, viewer, "viewer", ns, false)
	_, err := r.OpenNodeShell(ctx, actions.ShellRequest{Node: node})
	var forbidden *actions.ForbiddenError
	if !errors.As(err, &forbidden) {
		t.Fatalf("node shell as the read-only user: %v, want a ForbiddenError", err)
	}
	for _, need := range []string{"create pods in " + ns, "create pods/exec in " + ns} {
		if !slices.Contains(forbidden.Missing, need) {
			t.Errorf("refusal %q does not name %q", err, need)
		}
	}
	if !strings.Contains(err.Error(), node) {
		t.Errorf("refusal %q does not name the node", err)
	}
	if trail, _ := auditTrail(t, audit); !slices.Equal(trail, []string{"node-shell:refused"}) {
		t.Errorf("audit trail %q, want the refusal", trail)
	}
	if pods := shellPods(ctx, t, env, ns); len(pods) != 0 {
		t.Errorf("a refused node shell left pod %s", pods[0].Name)
	}

	// Straight at the API: the read-only user may not create pods, nor exec into one.
	_, err = viewer.Kube.CoreV1().Pods(ns).Create(ctx, actions.NodeShellPod(node, actions.DefaultShellImage, ns, time.Minute), metav1.CreateOptions{})
	if !apierrors.IsForbidden(err) {
		t.Errorf("read-only user creating the shell pod: %v, want Forbidden", err)
	}
	if err := env.CreatePods(ctx, testenv.PodSpec{Namespace: ns, Name: "app", Node: node}); err != nil {
		t.Fatal(err)
	}
	if err := env.WaitForPodsRunning(ctx, ns, "app=app", 1); err != nil {
		t.Fatal(err)
	}
	marker := filepath.Join(t.TempDir(), "ran")
	err = viewer.Access.Exec(ctx, ns, "app", cluster.ExecOptions{Command: []string{"touch", marker}, Stdout: io.Discard, Stderr: io.Discard})
	// The refusal arrives as the failed upgrade of the stream, with the API server's reason in it.
	if err == nil || !strings.Contains(err.Error(), "forbidden") || !strings.Contains(err.Error(), `"pods/exec"`) {
		t.Errorf("read-only user's exec: %v, want the API server's refusal naming pods/exec", err)
	}
	if _, statErr := os.Stat(marker); statErr == nil {
		t.Error("the refused exec ran its command")
	}
	// The same exec as the admin runs it: the refusal above was RBAC's, not a broken exec path.
	if err := admin.Access.Exec(ctx, ns, "app", cluster.ExecOptions{Command: []string{"touch", marker}, Stdout: io.Discard, Stderr: io.Discard}); err != nil {
		t.Fatalf("admin exec: %v", err)
	}
	if _, statErr := os.Stat(marker); statErr != nil {
		t.Errorf("the admin's exec did not run its command: %v", statErr)
	}
}
