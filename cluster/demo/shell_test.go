package demo

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/remotecommand"
	"k8s.io/utils/ptr"

	"github.com/ktriage/ktriage/cluster"
)

// shellPod is a node shell pod as ktriage's actions make it.
func shellPod(node string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "ktriage-shell-" + node + "-x7k2q", Namespace: "default",
			Labels: map[string]string{cluster.NodeShellLabel: node, cluster.ManagedByLabel: cluster.ManagedByValue}},
		Spec: corev1.PodSpec{
			NodeName: node, HostPID: true, HostNetwork: true, HostIPC: true, RestartPolicy: corev1.RestartPolicyNever,
			TerminationGracePeriodSeconds: ptr.To[int64](0),
			Tolerations:                   []corev1.Toleration{{Operator: corev1.TolerationOpExists}},
			Containers: []corev1.Container{{Name: cluster.NodeShellContainer, Image: "busybox:1.37", Command: []string{"sleep", "3600"},
				Stdin: true, TTY: true, SecurityContext: &corev1.SecurityContext{Privileged: ptr.To(true)}}},
		},
	}
}

// startShell creates the shell pod and waits up to wait for it to run; it returns the pod as last seen.
func startShell(t *testing.T, c *Cluster, node string, wait time.Duration) *corev1.Pod {
	t.Helper()
	ctx := context.Background()
	created, err := c.cs.CoreV1().Pods("default").Create(ctx, shellPod(node), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if created.Status.Phase != corev1.PodPending {
		t.Errorf("a new pod's phase is %q", created.Status.Phase)
	}
	end := time.Now().Add(wait)
	for {
		p, err := c.cs.CoreV1().Pods("default").Get(ctx, created.Name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if podReady(p) || time.Now().After(end) {
			return p
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestShellPodLifecycle(t *testing.T) {
	t.Parallel()
	c := New(seedTime)
	pods := c.cs.CoreV1().Pods("default")
	start := time.Now()
	// The unreachable node's kubelet never sees its pod; the one of the node whose runtime is down
	// skips pod synchronisation: both stay Pending.
	var stuck []*corev1.Pod
	for _, node := range []string{NodeUnreachable, NodeRuntimeDown} {
		p, err := pods.Create(context.Background(), shellPod(node), metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		stuck = append(stuck, p)
	}
	p := startShell(t, c, NodeWorker01, 3*time.Second)
	if p.Status.Phase != corev1.PodRunning || !podReady(p) || p.Status.ContainerStatuses[0].State.Running == nil {
		t.Fatalf("the shell pod on a live node is not running: %+v", p.Status)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("the shell pod took %s to run", d)
	}
	if p.Status.PodIP != "10.0.1.21" || p.Status.HostIP != "10.0.1.21" {
		t.Errorf("a host-network pod's IPs: %s %s", p.Status.PodIP, p.Status.HostIP)
	}
	// Their kubelets would have acted by now: the live one ran its pod.
	time.Sleep(time.Until(start.Add(time.Second)))
	for _, s := range stuck {
		got, err := pods.Get(context.Background(), s.Name, metav1.GetOptions{})
		if err != nil || got.Status.Phase != corev1.PodPending || len(got.Status.ContainerStatuses) != 0 {
			t.Errorf("the shell pod on %s: %v %+v", s.Spec.NodeName, err, got.Status)
		}
	}

	// Deleting it removes it (no grace period).
	for _, name := range []string{p.Name, stuck[0].Name} {
		if err := pods.Delete(context.Background(), name, metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)}); err != nil {
			t.Fatal(err)
		}
		if _, err := pods.Get(context.Background(), name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("%s still there after delete: %v", name, err)
		}
	}
}

func TestShellPodWithSimulator(t *testing.T) {
	t.Parallel()
	c := New(seedTime)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		c.Run(ctx, SimOptions{Tick: 20 * time.Millisecond, OnError: func(err error) { t.Errorf("simulator: %v", err) }})
		close(done)
	}()
	defer func() { cancel(); <-done }()
	p := startShell(t, c, NodeWorker02, 3*time.Second)
	if !podReady(p) {
		t.Fatalf("the shell pod did not run while the simulator runs: %+v", p.Status)
	}
}

// pipeTerminal drives an exec with a terminal through pipes and collects what it prints.
type pipeTerminal struct {
	in  *io.PipeWriter
	mu  sync.Mutex
	out bytes.Buffer
}

func (p *pipeTerminal) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.Write(b)
}

func (p *pipeTerminal) waitFor(t *testing.T, s string) {
	t.Helper()
	for end := time.Now().Add(3 * time.Second); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		p.mu.Lock()
		ok := strings.Contains(p.out.String(), s)
		p.mu.Unlock()
		if ok {
			return
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	t.Fatalf("the terminal never showed %q:\n%s", s, p.out.String())
}

type fixedSizes struct{ sent bool }

func (f *fixedSizes) Next() *remotecommand.TerminalSize {
	if f.sent {
		return nil
	}
	f.sent = true
	return &remotecommand.TerminalSize{Width: 120, Height: 40}
}

func TestExecNodeShell(t *testing.T) {
	t.Parallel()
	c := New(seedTime)
	a := c.Access()
	p := startShell(t, c, NodeWorker01, 3*time.Second)
	if !podReady(p) {
		t.Fatal("the shell pod did not start")
	}
	inR, inW := io.Pipe()
	term := &pipeTerminal{in: inW}
	done := make(chan error, 1)
	go func() {
		done <- a.Exec(context.Background(), p.Namespace, p.Name, cluster.ExecOptions{Container: cluster.NodeShellContainer,
			Command: []string{"nsenter", "-t", "1", "-m", "-u", "-i", "-n", "-p", "--", "sh", "-c", "bash || sh"},
			Stdin:   inR, Stdout: term, TTY: true, Sizes: &fixedSizes{}})
	}()
	term.waitFor(t, "Nothing here is real")
	term.waitFor(t, "root@worker-01:/# ")
	if _, err := io.WriteString(inW, "hostname\r"); err != nil {
		t.Fatal(err)
	}
	term.waitFor(t, "worker-01\r\n")
	_, _ = io.WriteString(inW, "frobnicate --now\r")
	term.waitFor(t, "demo shell: frobnicate is not simulated (try help)")
	_, _ = io.WriteString(inW, "journalctl -u kubelet -n 3 | wc -l\r")
	term.waitFor(t, "3\r\n")
	_, _ = io.WriteString(inW, "exit\r")
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("exit ended the shell with %v", err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("exit did not end the shell")
	}

	// A cancelled context ends it too.
	inR2, _ := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		done <- a.Exec(ctx, p.Namespace, p.Name, cluster.ExecOptions{Container: cluster.NodeShellContainer, Command: []string{"sh"}, Stdin: inR2, Stdout: io.Discard, TTY: true})
	}()
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancel ended the shell with %v", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("cancel did not end the shell")
	}

	// A one-off command, without a terminal.
	var out bytes.Buffer
	if err := a.Exec(context.Background(), p.Namespace, p.Name, cluster.ExecOptions{Command: []string{"sh", "-c", "uname -r; cat /etc/os-release | grep PRETTY"}, Stdout: &out}); err != nil {
		t.Fatal(err)
	}
	if out.String() != "6.8.0-1031-aws\nPRETTY_NAME=\"Ubuntu 24.04.3 LTS\"\n" {
		t.Errorf("one-off command: %q", out.String())
	}
	if err := a.Exec(context.Background(), p.Namespace, p.Name, cluster.ExecOptions{Command: []string{"sh", "-c", "nosuch"}, Stdout: &out}); err == nil || !strings.Contains(err.Error(), "exit code 127") {
		t.Errorf("an unknown one-off command: %v", err)
	}

	// Any other pod: a short, clear refusal.
	proxy := podNamed(t, c, NodeWorker01, "kube-proxy-")
	err := a.Exec(context.Background(), proxy.Namespace, proxy.Name, cluster.ExecOptions{Command: []string{"sh"}, Stdout: &out})
	if !apierrors.IsBadRequest(err) || !strings.Contains(err.Error(), "not simulated") {
		t.Errorf("exec into kube-proxy: %v", err)
	}
}

func TestShellAnswersFromTheNode(t *testing.T) {
	t.Parallel()
	c := New(seedTime)
	run := func(node, line string) string {
		plan, _ := planOf(node)
		text, _ := (&demoShell{c: c, p: plan, node: node}).exec(context.Background(), line)
		return text
	}
	if got := run(NodeDiskPressure, "df -h /"); !strings.Contains(got, " 96% /") {
		t.Errorf("worker-09's disk is not full:\n%s", got)
	}
	if got := run(NodeMemoryPressure, "free -m"); !strings.Contains(got, "          85\n") {
		t.Errorf("worker-10's free memory:\n%s", got)
	}
	if got := run(NodeRuntimeDown, "systemctl status containerd"); !strings.Contains(got, "Active: activating (") || !strings.Contains(got, "restart counter is at") {
		t.Errorf("worker-05's containerd:\n%s", got)
	}
	if got := run(NodeRuntimeDown, "crictl ps"); !strings.Contains(got, "connect: connection refused") {
		t.Errorf("crictl on worker-05:\n%s", got)
	}
	if got := run(NodePLEG, "journalctl -u kubelet -n 20 | grep -c 'PLEG is not healthy'"); got == "0\n" || got == "" {
		t.Errorf("legacy-07's kubelet journal has no PLEG lines: %q", got)
	}
	if got := run(NodePLEG, "rpm -q systemd"); got != "systemd-219-62.el7_6.9.x86_64\n" {
		t.Errorf("legacy-07's systemd: %q", got)
	}
	if got := run(NodeCgroupLeak, "grep memory /proc/cgroups"); !strings.Contains(got, "65535") {
		t.Errorf("legacy-03's memory cgroups: %q", got)
	}
	if got := run(NodeWorker01, "crictl ps | grep kube-proxy"); !strings.Contains(got, "Running") {
		t.Errorf("crictl ps on worker-01: %q", got)
	}
	if got := run(NodeWorker03, "cat /etc/os-release | head -1; uname -r"); got != "PRETTY_NAME=\"Ubuntu 22.04.5 LTS\"\n5.15.0-1089-aws\n" {
		t.Errorf("worker-03's release: %q", got)
	}
}
