package demo

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"golang.org/x/term"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilexec "k8s.io/utils/exec"

	"github.com/ktriage/ktriage/cluster"
)

// Exec into a demo pod. The node shell pod gets a stand-in shell, clearly labelled as the demo's:
// no process is started anywhere; a handful of commands answer from the node's state and incident
// (see shellcmds.go). Exec into any other pod is refused with a short error.

// Exec runs a command in a pod's container, as the API server's pods/exec would.
func (a *access) Exec(ctx context.Context, namespace, pod string, opts cluster.ExecOptions) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	obj, err := a.c.store.Get(podsResource, namespace, pod)
	if err != nil {
		return err
	}
	p := obj.(*corev1.Pod)
	container := opts.Container
	if container == "" {
		if len(p.Spec.Containers) != 1 {
			var names []string
			for _, c := range p.Spec.Containers {
				names = append(names, c.Name)
			}
			return apierrors.NewBadRequest(fmt.Sprintf("a container name must be specified for pod %s, choose one of: %v", pod, names))
		}
		container = p.Spec.Containers[0].Name
	}
	found := false
	for _, c := range p.Spec.Containers {
		found = found || c.Name == container
	}
	if !found {
		return apierrors.NewBadRequest(fmt.Sprintf("container %s is not valid for pod %s", container, pod))
	}
	switch {
	case p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed:
		return apierrors.NewBadRequest(fmt.Sprintf("cannot exec into a container in a completed pod; current phase is %s", p.Status.Phase))
	case p.Spec.NodeName == "":
		return apierrors.NewBadRequest(fmt.Sprintf("pod %s does not have a host assigned", pod))
	case !a.c.alive(p.Spec.NodeName):
		return &apierrors.StatusError{ErrStatus: metav1.Status{Status: metav1.StatusFailure, Code: http.StatusInternalServerError,
			Message: fmt.Sprintf("error dialing backend: dial tcp %s:10250: connect: no route to host", planIPOf(p.Spec.NodeName))}}
	}
	running := false
	for _, st := range p.Status.ContainerStatuses {
		if st.Name == container {
			running = st.State.Running != nil
		}
	}
	if !running {
		return fmt.Errorf("unable to upgrade connection: container not found (%q)", container)
	}
	if p.Labels[cluster.NodeShellLabel] == "" || container != cluster.NodeShellContainer {
		return apierrors.NewBadRequest(fmt.Sprintf("ktriage demo: exec into %s/%s (container %s) is not simulated; only ktriage's node shell pods have a stand-in shell",
			namespace, pod, container))
	}
	plan, ok := planOf(p.Spec.NodeName)
	if !ok {
		return apierrors.NewNotFound(nodesGR, p.Spec.NodeName)
	}
	sh := &demoShell{c: a.c, p: plan, node: plan.name}
	return sh.run(ctx, opts)
}

// demoShell is the stand-in for a root shell on a node.
type demoShell struct {
	c    *Cluster
	p    nodePlan
	node string
}

// Banner is the first thing the demo shell prints.
func shellBanner(node string) string {
	return "ktriage demo — a simulated shell on node " + node + ". Nothing here is real; on a real cluster this is a root shell in the node's namespaces.\n" +
		"Type help for the commands it answers, exit to leave.\n"
}

func (s *demoShell) prompt() string {
	if s.p.centos() {
		return "[root@" + s.node + " /]# "
	}
	return "root@" + s.node + ":/# "
}

// script returns the command line the exec asks for, "" for an interactive shell: "sh -c X" runs
// X, unless X only starts a shell ("bash || sh", as ktriage's node shell does).
func script(command []string) string {
	for i, a := range command {
		if a == "-c" && i+1 < len(command) {
			x := strings.TrimSpace(command[i+1])
			for _, w := range strings.Fields(strings.NewReplacer("||", " ", "&&", " ", ";", " ").Replace(x)) {
				if !isShellName(w) {
					return x
				}
			}
			return ""
		}
	}
	if len(command) == 0 || isShellName(command[len(command)-1]) {
		return ""
	}
	// nsenter … -- cmd args: the command after "--", else the whole argv.
	for i, a := range command {
		if a == "--" {
			return strings.Join(command[i+1:], " ")
		}
	}
	return strings.Join(command, " ")
}

func isShellName(w string) bool {
	switch strings.TrimPrefix(strings.TrimPrefix(w, "/usr"), "/bin/") {
	case "sh", "bash", "ash", "-l", "-i", "-il":
		return true
	}
	return false
}

// run is the session: a one-off command, or an interactive shell until exit, end of input or ctx.
func (s *demoShell) run(ctx context.Context, opts cluster.ExecOptions) error {
	out := &guardedWriter{w: opts.Stdout}
	if out.w == nil {
		out.w = io.Discard
	}
	defer out.close()
	if x := script(opts.Command); x != "" {
		text, code := s.exec(ctx, x)
		if opts.TTY {
			text = strings.ReplaceAll(text, "\n", "\r\n")
		}
		_, _ = io.WriteString(out, text)
		return exitError(code)
	}
	if opts.Stdin == nil {
		return nil // a shell without input ends at once
	}
	done := make(chan error, 1)
	if opts.TTY {
		t := term.NewTerminal(struct {
			io.Reader
			io.Writer
		}{&ctrlCReader{r: opts.Stdin}, out}, s.prompt())
		if opts.Sizes != nil {
			go func() {
				for size := opts.Sizes.Next(); size != nil; size = opts.Sizes.Next() {
					_ = t.SetSize(int(size.Width), int(size.Height))
				}
			}()
		}
		// What the shell prints goes through the terminal, which keeps the prompt in place; the
		// "exit" of ctrl-D follows the prompt on its line, as bash prints it.
		bye := func(text string) { _, _ = io.WriteString(out, strings.ReplaceAll(text, "\n", "\r\n")) }
		go func() {
			done <- s.interactive(ctx, t.ReadLine, func(text string) { _, _ = t.Write([]byte(text)) }, bye)
		}()
	} else {
		sc := bufio.NewScanner(opts.Stdin)
		read := func() (string, error) {
			if sc.Scan() {
				return sc.Text(), nil
			}
			if err := sc.Err(); err != nil {
				return "", err
			}
			return "", io.EOF
		}
		write := func(text string) { _, _ = io.WriteString(out, text) }
		go func() { done <- s.interactive(ctx, read, write, write) }()
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// interactive reads lines and answers them until exit or end of input.
func (s *demoShell) interactive(ctx context.Context, readLine func() (string, error), write, bye func(string)) error {
	write(shellBanner(s.node))
	for {
		line, err := readLine()
		if errors.Is(err, io.EOF) {
			bye("exit\n")
			return nil
		}
		if err != nil && !errors.Is(err, term.ErrPasteIndicator) {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		text, code, exit := s.execLine(ctx, line)
		write(text)
		if exit {
			return exitError(code)
		}
	}
}

// exitError is what the exec returns for the shell's exit status, as remotecommand does.
func exitError(code int) error {
	if code == 0 {
		return nil
	}
	return utilexec.CodeExitError{Err: fmt.Errorf("command terminated with exit code %d", code), Code: code}
}

// guardedWriter stops writing once the session is over, so a late answer cannot reach the caller.
type guardedWriter struct {
	mu     sync.Mutex
	w      io.Writer
	closed bool
}

func (g *guardedWriter) Write(b []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return 0, io.ErrClosedPipe
	}
	return g.w.Write(b)
}

func (g *guardedWriter) close() {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
}

// ctrlCReader turns ctrl-C into "erase the line, enter" for term.Terminal, which would otherwise
// end the session on it: a shell abandons the line instead.
type ctrlCReader struct {
	r       io.Reader
	pending []byte
}

func (c *ctrlCReader) Read(b []byte) (int, error) {
	if len(c.pending) == 0 {
		buf := make([]byte, len(b))
		n, err := c.r.Read(buf)
		for _, ch := range buf[:n] {
			if ch == 3 {
				c.pending = append(c.pending, 21, '\r')
				continue
			}
			c.pending = append(c.pending, ch)
		}
		if len(c.pending) == 0 {
			return 0, err
		}
	}
	n := copy(b, c.pending)
	c.pending = c.pending[n:]
	return n, nil
}
