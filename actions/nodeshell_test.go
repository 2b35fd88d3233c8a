package actions_test

import (
	"context"
	"errors"
	"io"
	"net/url"
	"slices"
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
	utilexec "k8s.io/client-go/util/exec"

	"github.com/ktriage/ktriage/actions"
	"github.com/ktriage/ktriage/cluster"
)

// execRecorder is a cluster.Access that records execs and answers them with a fixed output.
type execRecorder struct {
	mu    sync.Mutex
	execs []cluster.ExecOptions
	pods  []string
	err   error
}

func (e *execRecorder) PodLogs(context.Context, string, string, *corev1.PodLogOptions) (io.ReadCloser, error) {
	return nil, errors.New("not used")
}

func (e *execRecorder) NodeProxy(context.Context, string, string, url.Values, int64) ([]byte, error) {
	return nil, errors.New("not used")
}

func (e *execRecorder) Exec(_ context.Context, ns, pod string, opts cluster.ExecOptions) error {
	e.mu.Lock()
	e.execs = append(e.execs, opts)
	e.pods = append(e.pods, ns+"/"+pod)
	e.mu.Unlock()
	if opts.Stdout != nil {
		_, _ = io.WriteString(opts.Stdout, "root@node:/# ")
	}
	return e.err
}

// startPods plays the kubelet: it moves every shell pod created in ns to the given container
// state once it appears.
func (f *fakeCluster) startPods(ctx context.Context, ns string, state corev1.ContainerState) {
	go func() {
		for ctx.Err() == nil {
			list, err := f.cs.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
			if err == nil {
				for i := range list.Items {
					p := &list.Items[i]
					if len(p.Status.ContainerStatuses) > 0 {
						continue
					}
					p.Status.Phase = corev1.PodPending
					if state.Running != nil {
						p.Status.Phase = corev1.PodRunning
					}
					p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: cluster.NodeShellContainer, State: state}}
					_, _ = f.cs.CoreV1().Pods(ns).UpdateStatus(ctx, p, metav1.UpdateOptions{})
				}
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
}

func shellPods(t *testing.T, f *fakeCluster) []corev1.Pod {
	t.Helper()
	list, err := f.cs.CoreV1().Pods("").List(t.Context(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return list.Items
}

func TestNodeShellCreatesPrivilegedPodExecsAndDeletesIt(t *testing.T) {
	f := newFakeCluster(t, readyNode("n1", corev1.ConditionTrue))
	rec := &execRecorder{}
	r, auditPath := f.runner(func(c *actions.Config) { c.Access = rec; c.ShellImage = "registry.local/tools:1" })
	f.startPods(t.Context(), "default", corev1.ContainerState{Running: &corev1.ContainerStateRunning{}})

	var progress []string
	shell, err := r.OpenNodeShell(t.Context(), actions.ShellRequest{Node: "n1", Progress: func(s string) { progress = append(progress, s) }})
	if err != nil {
		t.Fatalf("OpenNodeShell: %v", err)
	}
	pods := shellPods(t, f)
	if len(pods) != 1 {
		t.Fatalf("%d pods, want the one shell pod", len(pods))
	}
	p := pods[0]
	spec := p.Spec
	switch {
	case spec.NodeName != "n1":
		t.Errorf("nodeName %q, want n1 (pinned, no scheduler)", spec.NodeName)
	case !spec.HostPID || !spec.HostNetwork || !spec.HostIPC:
		t.Errorf("host namespaces pid=%v net=%v ipc=%v, want all", spec.HostPID, spec.HostNetwork, spec.HostIPC)
	case len(spec.Tolerations) != 1 || spec.Tolerations[0].Operator != corev1.TolerationOpExists || spec.Tolerations[0].Key != "":
		t.Errorf("tolerations %+v, want one that tolerates every taint", spec.Tolerations)
	case spec.ActiveDeadlineSeconds == nil || *spec.ActiveDeadlineSeconds != int64(actions.DefaultShellLifetime/time.Second):
		t.Errorf("activeDeadlineSeconds %v, want %v", spec.ActiveDeadlineSeconds, actions.DefaultShellLifetime)
	case spec.PriorityClassName != "system-node-critical":
		t.Errorf("priority class %q, want system-node-critical so a node under pressure admits it", spec.PriorityClassName)
	case spec.Containers[0].Image != "registry.local/tools:1":
		t.Errorf("image %q, want the configured one", spec.Containers[0].Image)
	case spec.Containers[0].SecurityContext == nil || !*spec.Containers[0].SecurityContext.Privileged:
		t.Error("the shell container is not privileged")
	case p.Labels[cluster.NodeShellLabel] != "n1" || p.Labels[cluster.ManagedByLabel] != cluster.ManagedByValue:
		t.Errorf("labels %v, want ktriage's node-shell marks", p.Labels)
	case p.Namespace != "default" || !strings.HasPrefix(p.Name, "ktriage-shell-n1-"):
		t.Errorf("pod %s/%s, want default/ktriage-shell-n1-…", p.Namespace, p.Name)
	}
	if len(progress) == 0 || !strings.Contains(progress[0], "creating a privileged pod on n1") {
		t.Errorf("progress %q, want a first line about creating the pod", progress)
	}

	var out strings.Builder
	if err := shell.Run(t.Context(), strings.NewReader("exit\n"), &out, nil); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if len(rec.execs) != 1 || !slices.Equal(rec.execs[0].Command, actions.NodeShellCommand) || !rec.execs[0].TTY ||
		rec.execs[0].Container != cluster.NodeShellContainer || rec.pods[0] != "default/"+p.Name {
		t.Fatalf("execs %+v into %v, want one TTY exec of the nsenter command into the shell pod", rec.execs, rec.pods)
	}
	if out.String() != "root@node:/# " {
		t.Errorf("terminal got %q, want the pod's output", out.String())
	}
	if err := shell.Close(nil); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if n := len(shellPods(t, f)); n != 0 {
		t.Errorf("%d pods left after Close, want the shell pod deleted", n)
	}
	lines := readAudit(t, auditPath)
	if got := results(lines); !slices.Equal(got, []string{actions.ResultAttempt, actions.ResultOK}) {
		t.Errorf("audit results %v, want attempt then ok", got)
	}
	if last := lines[len(lines)-1]; last["action"] != "node-shell" || last["node"] != "n1" || last["pod"] != "default/"+p.Name {
		t.Errorf("audit outcome %v, want node-shell on n1 naming the pod", last)
	}
}

func TestNodeShellThatCannotStartIsDeletedAndSaysWhy(t *testing.T) {
	f := newFakeCluster(t, readyNode("n1", corev1.ConditionTrue))
	r, auditPath := f.runner(func(c *actions.Config) { c.Access = &execRecorder{} })
	f.startPods(t.Context(), "default", corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{
		Reason: "ErrImagePull", Message: `failed to pull image "busybox:1.37": dial tcp: lookup registry-1.docker.io: no such host`}})

	_, err := r.OpenNodeShell(t.Context(), actions.ShellRequest{Node: "n1"})
	if err == nil || !strings.Contains(err.Error(), "ErrImagePull") || !strings.Contains(err.Error(), "no such host") {
		t.Fatalf("err = %v, want the image pull failure", err)
	}
	if n := len(shellPods(t, f)); n != 0 {
		t.Errorf("%d pods left, want the failed shell pod deleted", n)
	}
	if got := results(readAudit(t, auditPath)); !slices.Equal(got, []string{actions.ResultAttempt, actions.ResultFailed}) {
		t.Errorf("audit results %v, want attempt then failed", got)
	}
}

func TestNodeShellCancelledWhileWaitingDeletesThePod(t *testing.T) {
	f := newFakeCluster(t, readyNode("n1", corev1.ConditionTrue))
	r, _ := f.runner(func(c *actions.Config) { c.Access = &execRecorder{} })
	ctx, cancel := context.WithCancel(t.Context())
	_, err := r.OpenNodeShell(ctx, actions.ShellRequest{Node: "n1", Progress: func(s string) {
		if strings.HasPrefix(s, "waiting") {
			cancel() // the person pressed esc while the pod was pending
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want cancelled", err)
	}
	if n := len(shellPods(t, f)); n != 0 {
		t.Errorf("%d pods left, want the pending shell pod deleted", n)
	}
}

func TestNodeShellRefusedWithoutExecOrInReadOnly(t *testing.T) {
	f := newFakeCluster(t, readyNode("n1", corev1.ConditionTrue))
	f.deny(actions.Permission{Verb: "create", Resource: "pods", Subresource: "exec", Namespace: "default"})
	r, _ := f.runner(func(c *actions.Config) { c.Access = &execRecorder{} })
	_, err := r.OpenNodeShell(t.Context(), actions.ShellRequest{Node: "n1"})
	var forbidden *actions.ForbiddenError
	if !errors.As(err, &forbidden) || !strings.Contains(err.Error(), "create pods/exec in default") {
		t.Errorf("err = %v, want a refusal naming create pods/exec", err)
	}

	ro, _ := f.runner(func(c *actions.Config) { c.Access = &execRecorder{}; c.ReadOnly = true })
	if _, err := ro.OpenNodeShell(t.Context(), actions.ShellRequest{Node: "n1"}); !errors.Is(err, actions.ErrReadOnly) {
		t.Errorf("read-only err = %v, want ErrReadOnly", err)
	}
	if n := len(shellPods(t, f)); n != 0 || slices.ContainsFunc(f.mutations(), func(m string) bool { return strings.Contains(m, "pods") }) {
		t.Errorf("%d pods, mutations %v: a refused shell must create nothing", n, f.mutations())
	}
}

// A cluster that keeps critical priority to kube-system still gets a shell, without the priority;
// the shell's own exit status is how the session ended, not a failure of ktriage.
func TestNodeShellWithoutCriticalPriorityAndANonZeroExit(t *testing.T) {
	f := newFakeCluster(t, readyNode("n1", corev1.ConditionTrue))
	f.cs.PrependReactor("create", "pods", func(a k8stesting.Action) (bool, runtime.Object, error) {
		p := a.(k8stesting.CreateAction).GetObject().(*corev1.Pod)
		if p.Spec.PriorityClassName != "" {
			return true, nil, apierrors.NewForbidden(schema.GroupResource{Resource: "pods"}, p.Name,
				errors.New("pods with system-node-critical priorityClass is not permitted in default namespace"))
		}
		return false, nil, nil
	})
	rec := &execRecorder{err: utilexec.CodeExitError{Err: errors.New("command terminated with exit code 3"), Code: 3}}
	r, auditPath := f.runner(func(c *actions.Config) { c.Access = rec })
	f.startPods(t.Context(), "default", corev1.ContainerState{Running: &corev1.ContainerStateRunning{}})
	var progress []string
	shell, err := r.OpenNodeShell(t.Context(), actions.ShellRequest{Node: "n1", Progress: func(s string) { progress = append(progress, s) }})
	if err != nil {
		t.Fatalf("OpenNodeShell: %v", err)
	}
	if !slices.ContainsFunc(progress, func(s string) bool { return strings.Contains(s, "refuses priority system-node-critical") }) {
		t.Errorf("progress %q does not say the priority was dropped", progress)
	}
	if pods := shellPods(t, f); len(pods) != 1 || pods[0].Spec.PriorityClassName != "" {
		t.Fatalf("pods %v, want one shell pod without a priority class", pods)
	}
	runErr := shell.Run(t.Context(), strings.NewReader(""), io.Discard, nil)
	if err := shell.Close(runErr); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if got := results(readAudit(t, auditPath)); !slices.Equal(got, []string{actions.ResultAttempt, actions.ResultOK}) {
		t.Errorf("audit results %v, want attempt then ok for a shell that exited 3", got)
	}
}
