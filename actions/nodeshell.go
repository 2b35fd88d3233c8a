package actions

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	utilrand "k8s.io/apimachinery/pkg/util/rand"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/remotecommand"
	utilexec "k8s.io/client-go/util/exec"
	"k8s.io/utils/ptr"

	"github.com/ktriage/ktriage/cluster"
)

// Node shell defaults. The image needs nsenter and a shell; busybox has both. Air-gapped clusters
// set their own (shellImage in config.yaml).
const (
	DefaultShellImage     = "busybox:1.37"
	DefaultShellNamespace = "default"
	// DefaultShellLifetime is the pod's activeDeadlineSeconds: if ktriage dies without deleting
	// it, the kubelet kills it after this long. A session cannot outlive it either.
	DefaultShellLifetime = time.Hour
	// shellStartTimeout bounds the wait for the pod to run (an image pull on a slow registry).
	shellStartTimeout = 2 * time.Minute
)

// NodeShellCommand enters the node's namespaces from the privileged pod (PID 1 is the node's init,
// thanks to hostPID) and starts bash, or sh where there is no bash.
var NodeShellCommand = []string{"nsenter", "-t", "1", "-m", "-u", "-i", "-n", "-p", "--", "sh", "-c", "bash || sh"}

// ShellRequest asks for a shell on a node.
type ShellRequest struct {
	Node string
	// Image and Namespace default to the runner's (config.yaml, else DefaultShellImage and
	// DefaultShellNamespace); Lifetime to DefaultShellLifetime.
	Image, Namespace string
	Lifetime         time.Duration
	// Progress receives one line per step ("creating pod …", "pulling busybox:1.37 …"); may be nil.
	Progress func(string)
}

func (q *ShellRequest) defaults(r *Runner) {
	if q.Image == "" {
		q.Image = r.shellImage
	}
	if q.Namespace == "" {
		q.Namespace = r.shellNamespace
	}
	if q.Lifetime <= 0 {
		q.Lifetime = DefaultShellLifetime
	}
	if q.Progress == nil {
		q.Progress = func(string) {}
	}
}

// shellNeeds are the permissions a node shell needs in its namespace.
func shellNeeds(namespace string) []Permission {
	return []Permission{
		{Verb: "create", Resource: "pods", Namespace: namespace},
		{Verb: "create", Resource: "pods", Subresource: "exec", Namespace: namespace},
		{Verb: "get", Resource: "pods", Namespace: namespace},
		{Verb: "watch", Resource: "pods", Namespace: namespace},
		{Verb: "delete", Resource: "pods", Namespace: namespace},
	}
}

// NodeShell is a running shell pod. Run attaches a terminal to it; Close deletes it.
type NodeShell struct {
	r      *Runner
	rec    *record
	access cluster.Access
	// Node, Namespace and Pod name the shell pod.
	Node, Namespace, Pod string
	closed               bool
}

// ErrNoAccess is returned when the runner was built without a way to exec into pods.
var ErrNoAccess = errors.New("this connection cannot exec into pods")

// OpenNodeShell creates the privileged shell pod on the node and waits until it runs. It refuses in
// read-only mode and without the RBAC it needs, and writes the attempt to the audit log. On any
// failure the pod is deleted again. The caller must Close the returned shell.
func (r *Runner) OpenNodeShell(ctx context.Context, q ShellRequest) (*NodeShell, error) {
	q.defaults(r)
	if r.access == nil {
		return nil, fmt.Errorf("node shell on %s: %w", q.Node, ErrNoAccess)
	}
	entry := AuditEntry{Action: string(ActionNodeShell), Node: q.Node,
		Options: map[string]any{"image": q.Image, "namespace": q.Namespace}}
	rec, err := r.begin(ctx, entry, shellNeeds(q.Namespace)...)
	if err != nil {
		return nil, fmt.Errorf("node shell on %s: %w", q.Node, err)
	}
	q.Progress(fmt.Sprintf("creating a privileged pod on %s (image %s, namespace %s)", q.Node, q.Image, q.Namespace))
	spec := NodeShellPod(q.Node, q.Image, q.Namespace, q.Lifetime)
	pod, err := r.kube.CoreV1().Pods(q.Namespace).Create(ctx, spec, metav1.CreateOptions{})
	if apierrors.IsForbidden(err) && strings.Contains(err.Error(), spec.Spec.PriorityClassName) {
		// Some clusters keep critical priority classes to kube-system (a ResourceQuota scope, API
		// servers before 1.17): without it the shell still works, except on a node under pressure.
		q.Progress("the cluster refuses priority " + spec.Spec.PriorityClassName + " in " + q.Namespace + "; creating the pod without it")
		spec.Spec.PriorityClassName = ""
		pod, err = r.kube.CoreV1().Pods(q.Namespace).Create(ctx, spec, metav1.CreateOptions{})
	}
	if err != nil {
		err = fmt.Errorf("node shell on %s: create pod: %w", q.Node, err)
		_ = rec.finish(ResultFailed, nil, err)
		return nil, err
	}
	rec.entry.Pod = pod.Namespace + "/" + pod.Name
	s := &NodeShell{r: r, rec: rec, access: r.access, Node: q.Node, Namespace: pod.Namespace, Pod: pod.Name}
	q.Progress("waiting for " + pod.Name + " to start")
	if err := r.waitRunning(ctx, pod, q.Progress); err != nil {
		err = fmt.Errorf("node shell on %s: %w", q.Node, err)
		s.end(ResultFailed, err)
		return nil, err
	}
	return s, nil
}

// Run execs the node shell command in the pod with a terminal on the given streams until the
// shell exits or ctx is cancelled.
func (s *NodeShell) Run(ctx context.Context, stdin io.Reader, stdout io.Writer, sizes remotecommand.TerminalSizeQueue) error {
	return s.access.Exec(ctx, s.Namespace, s.Pod, cluster.ExecOptions{
		Container: cluster.NodeShellContainer, Command: NodeShellCommand,
		Stdin: stdin, Stdout: stdout, TTY: true, Sizes: sizes,
	})
}

// Close deletes the shell pod (at once, no grace period) and writes the outcome: runErr is how
// the session ended. It is safe to call twice.
func (s *NodeShell) Close(runErr error) error {
	if s.closed {
		return nil
	}
	result := ResultOK
	var exit utilexec.ExitError
	switch {
	case errors.As(runErr, &exit):
		// The shell's own exit status (exit 3 after a failed systemctl): the session went fine.
		runErr = nil
	case errors.Is(runErr, context.Canceled):
		result = ResultCancelled
	case runErr != nil:
		result = ResultFailed
	}
	return s.end(result, runErr)
}

func (s *NodeShell) end(result string, runErr error) error {
	s.closed = true
	// The session's context may be gone (ktriage quitting): the delete gets its own.
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err := s.r.kube.CoreV1().Pods(s.Namespace).Delete(ctx, s.Pod, metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)})
	if apierrors.IsNotFound(err) {
		err = nil
	}
	if err != nil {
		err = fmt.Errorf("delete shell pod %s/%s: %w (delete it by hand: kubectl -n %s delete pod %s)", s.Namespace, s.Pod, err, s.Namespace, s.Pod)
		if runErr == nil {
			runErr, result = err, ResultFailed
		}
	}
	return errors.Join(err, s.rec.finish(result, []string{s.Namespace + "/" + s.Pod}, runErr))
}

// waitRunning watches the pod until its container runs, reporting each new waiting reason. A pod
// that fails, is deleted, or does not start in time is an error naming why.
func (r *Runner) waitRunning(ctx context.Context, pod *corev1.Pod, progress func(string)) error {
	ctx, cancel := context.WithTimeout(ctx, shellStartTimeout)
	defer cancel()
	w, err := r.kube.CoreV1().Pods(pod.Namespace).Watch(ctx, metav1.ListOptions{
		FieldSelector: fields.OneTermEqualSelector("metadata.name", pod.Name).String(), ResourceVersion: pod.ResourceVersion,
	})
	if err != nil {
		return fmt.Errorf("watch pod %s: %w", pod.Name, err)
	}
	defer w.Stop()
	last := ""
	check := func(p *corev1.Pod) (bool, error) {
		done, why, err := shellPodState(p)
		if why != "" && why != last {
			last = why
			progress(why)
		}
		return done, err
	}
	if done, err := check(pod); done || err != nil {
		return err
	}
	for {
		select {
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) && last != "" {
				return fmt.Errorf("pod %s did not start within %s (%s)", pod.Name, shellStartTimeout, last)
			}
			return ctx.Err()
		case ev, ok := <-w.ResultChan():
			if !ok {
				return fmt.Errorf("watch of pod %s ended before it started", pod.Name)
			}
			switch ev.Type {
			case watch.Deleted:
				return fmt.Errorf("pod %s was deleted before it started", pod.Name)
			case watch.Error:
				return fmt.Errorf("watch pod %s: %w", pod.Name, apierrors.FromObject(ev.Object))
			}
			if p, ok := ev.Object.(*corev1.Pod); ok && p.Name == pod.Name {
				if done, err := check(p); done || err != nil {
					return err
				}
			}
		}
	}
}

// shellPodState: done when the shell container runs; an error when the pod can no longer start;
// otherwise a line saying what it waits for.
func shellPodState(p *corev1.Pod) (done bool, why string, err error) {
	switch p.Status.Phase {
	case corev1.PodFailed, corev1.PodSucceeded:
		return false, "", fmt.Errorf("pod %s ended (%s): %s %s", p.Name, p.Status.Phase, p.Status.Reason, p.Status.Message)
	}
	for _, st := range p.Status.ContainerStatuses {
		if st.Name != cluster.NodeShellContainer {
			continue
		}
		if st.State.Running != nil {
			return true, "", nil
		}
		if w := st.State.Waiting; w != nil {
			switch w.Reason {
			case "ErrImagePull", "ImagePullBackOff", "InvalidImageName", "CreateContainerConfigError", "CreateContainerError":
				return false, "", fmt.Errorf("pod %s cannot start: %s: %s", p.Name, w.Reason, w.Message)
			}
			return false, "container " + w.Reason, nil
		}
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse && c.Message != "" {
			return false, "not scheduled: " + c.Message, nil
		}
	}
	if p.Status.Phase == "" || p.Status.Phase == corev1.PodPending {
		return false, "pending: the node's kubelet has not started it yet", nil
	}
	return false, string(p.Status.Phase), nil
}

// NodeShellPod is the shell pod for a node: pinned to it by nodeName (no scheduler involved, so
// even a cordoned or NotReady-tainted node gets it), tolerating every taint, privileged in the
// host's PID, network and IPC namespaces, marked as ktriage's, and limited in lifetime. Its
// container sleeps; the shell itself is an exec, so the terminal is ktriage's to attach.
func NodeShellPod(node, image, namespace string, lifetime time.Duration) *corev1.Pod {
	secs := int64(lifetime / time.Second)
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			// A name of its own rather than generateName: it says whose shell it is in kubectl get
			// pods, and fake clientsets (the demo) do not generate names.
			Name:      "ktriage-shell-" + strings.TrimRight(node[:min(len(node), 40)], ".-") + "-" + utilrand.String(5),
			Namespace: namespace,
			Labels: map[string]string{
				cluster.NodeShellLabel: labelValue(node),
				cluster.ManagedByLabel: cluster.ManagedByValue,
			},
			Annotations: map[string]string{cluster.NodeShellLabel: node},
		},
		Spec: corev1.PodSpec{
			NodeName:                      node,
			HostPID:                       true,
			HostNetwork:                   true,
			HostIPC:                       true,
			RestartPolicy:                 corev1.RestartPolicyNever,
			TerminationGracePeriodSeconds: ptr.To[int64](0),
			ActiveDeadlineSeconds:         &secs,
			AutomountServiceAccountToken:  ptr.To(false),
			EnableServiceLinks:            ptr.To(false),
			Tolerations:                   []corev1.Toleration{{Operator: corev1.TolerationOpExists}},
			// A sick node is the point: the kubelet admits critical pods under disk or memory
			// pressure, when it rejects every other new pod.
			PriorityClassName: "system-node-critical",
			Containers: []corev1.Container{{
				Name:            cluster.NodeShellContainer,
				Image:           image,
				Command:         []string{"sleep", fmt.Sprint(secs)},
				Stdin:           true,
				TTY:             true,
				SecurityContext: &corev1.SecurityContext{Privileged: ptr.To(true)},
			}},
		},
	}
}

// labelValue fits a node name into a label value (63 characters); longer names are cut and given
// a hash suffix so two long names do not collide. The annotation keeps the full name.
func labelValue(s string) string {
	if len(validation.IsValidLabelValue(s)) == 0 {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	return s[:52] + "-" + hex.EncodeToString(sum[:])[:10]
}
