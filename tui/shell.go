package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/muesli/cancelreader"
	"k8s.io/client-go/tools/remotecommand"
	"k8s.io/kubectl/pkg/util/interrupt"
	kubectlterm "k8s.io/kubectl/pkg/util/term"

	"github.com/ktriage/ktriage/actions"
	"github.com/ktriage/ktriage/sanitize"
	"github.com/ktriage/ktriage/views"
)

// The node shell's steps: the person confirms, the pod is created and started (progress shown,
// esc cancels), the terminal is handed to the shell with tea.Exec, and the pod is deleted after.
type (
	openShellMsg     struct{ node string }
	cancelShellMsg   struct{ node string }
	shellProgressMsg struct {
		node, step string
		next       <-chan string
	}
	shellOpenedMsg struct {
		node  string
		shell *actions.NodeShell
		err   error
	}
	shellEndedMsg struct {
		node string
		err  error
	}
)

// shellOpening is the shell being opened: its cancel and its progress dialog.
type shellOpening struct {
	node   string
	cancel context.CancelFunc
	dialog *views.ProgressDialog
	// cancelled: esc came, perhaps after the pod was already running.
	cancelled bool
}

// handleShell routes the node shell's intents and results; ok is false for other messages.
func (m Model) handleShell(msg tea.Msg) (_ Model, _ tea.Cmd, ok bool) {
	switch msg := msg.(type) {
	case views.NodeShellMsg:
		return m.confirmShell(msg.Node), nil, true
	case openShellMsg:
		next, cmd := m.openShell(msg.node)
		return next, cmd, true
	case shellProgressMsg:
		if m.shell == nil || m.shell.node != msg.node {
			return m, nil, true
		}
		m.shell.dialog.AddStep(msg.step)
		return m, waitShellProgress(msg.node, msg.next), true
	case cancelShellMsg:
		if m.shell != nil && m.shell.node == msg.node {
			m.shell.cancel()
			m.shell.cancelled = true
			m.shell.dialog.AddStep("cancelling: deleting the pod…")
		}
		return m, nil, true
	case shellOpenedMsg:
		next, cmd := m.shellOpened(msg)
		return next, cmd, true
	case shellEndedMsg:
		var sig errSignalled
		if errors.As(msg.err, &sig) {
			return m, tea.Quit, true // the pod is deleted; the terminal that asked to stop is gone
		}
		if msg.err != nil {
			m.setFlash("shell on "+sanitize.Line(msg.node)+": "+sanitize.Line(msg.err.Error()), true)
		} else {
			m.setFlash("shell on "+sanitize.Line(msg.node)+" closed; its pod was deleted", false)
		}
		return m, nil, true
	}
	return m, nil, false
}

// confirmShell asks before creating a privileged pod, and says exactly what it will be.
func (m Model) confirmShell(node string) Model {
	if !m.gate(views.ActNodeShell) {
		return m
	}
	if m.shell != nil {
		m.setFlash("a shell on "+sanitize.Line(m.shell.node)+" is being opened", true)
		return m
	}
	image, ns := m.opts.Actions.ShellImage(), m.opts.Actions.ShellNamespace()
	body := []string{
		fmt.Sprintf("ktriage creates a privileged pod ktriage-shell-%s-… in namespace %s, pinned to %s:", node, ns, node),
		fmt.Sprintf("  image %s · hostPID, hostNetwork, hostIPC · privileged · tolerates every taint", image),
		fmt.Sprintf("  runs nsenter into the node's namespaces (a root shell) · dies after %s at the latest", actions.DefaultShellLifetime),
		"The pod is deleted when the shell exits. Everything is written to the audit log.",
	}
	m.openDialog(views.NewConfirmDialog(&m.st, "Open a root shell on "+node+"?", body,
		"A root shell on a node can break it: every command runs as root on the host.", openShellMsg{node: node}, "open shell"))
	return m
}

// openShell creates and starts the shell pod in the background, showing its progress.
func (m Model) openShell(node string) (Model, tea.Cmd) {
	ctx, cancel := context.WithCancel(m.actionCtx())
	dialog := views.NewProgressDialog(&m.st, "Opening a shell on "+node, cancelShellMsg{node: node})
	m.shell = &shellOpening{node: node, cancel: cancel, dialog: dialog}
	m.openDialog(dialog)
	progress := make(chan string, 16)
	runner := m.opts.Actions
	open := func() tea.Msg {
		defer close(progress)
		shell, err := runner.OpenNodeShell(ctx, actions.ShellRequest{Node: node, Progress: func(s string) {
			select {
			case progress <- s:
			default: // a slow UI loses a progress line, never the shell
			}
		}})
		return shellOpenedMsg{node: node, shell: shell, err: err}
	}
	return m, tea.Batch(open, waitShellProgress(node, progress))
}

func waitShellProgress(node string, ch <-chan string) tea.Cmd {
	return func() tea.Msg {
		step, ok := <-ch
		if !ok {
			return nil
		}
		return shellProgressMsg{node: node, step: step, next: ch}
	}
}

// shellOpened hands the terminal to the shell, or says why there is none.
func (m Model) shellOpened(msg shellOpenedMsg) (Model, tea.Cmd) {
	cancelled := false
	if m.shell != nil && m.shell.node == msg.node {
		cancelled = m.shell.cancelled
		m.shell = nil
		m.dialog = nil
	}
	if cancelled && msg.err == nil {
		// The pod came up just as the person cancelled: no shell, and the pod goes.
		shell := msg.shell
		return m, func() tea.Msg { return shellEndedMsg{node: msg.node, err: shell.Close(context.Canceled)} }
	}
	if msg.err != nil {
		if errors.Is(msg.err, context.Canceled) {
			m.setFlash("shell on "+sanitize.Line(msg.node)+" cancelled; its pod was deleted", false)
		} else {
			m.setFlash(sanitize.Line(msg.err.Error()), true)
		}
		return m, nil
	}
	exec := &shellExec{ctx: m.actionCtx(), shell: msg.shell}
	return m, tea.Exec(exec, func(err error) tea.Msg { return shellEndedMsg{node: msg.node, err: err} })
}

// shellExec is the node shell as a tea.ExecCommand: bubbletea releases the terminal, Run puts it in
// raw mode, relays it to the pod's exec stream with the terminal's size, and deletes the pod after.
type shellExec struct {
	ctx    context.Context
	shell  *actions.NodeShell
	stdin  io.Reader
	stdout io.Writer
}

func (e *shellExec) SetStdin(r io.Reader)  { e.stdin = r }
func (e *shellExec) SetStdout(w io.Writer) { e.stdout = w }
func (e *shellExec) SetStderr(io.Writer)   {} // a terminal has one output stream

// errSignalled: ktriage was told to stop (the terminal hung up, a kill) while the shell ran.
type errSignalled struct{ sig os.Signal }

func (e errSignalled) Error() string {
	return "ktriage received " + e.sig.String() + " during the shell"
}

// Run relays the terminal until the shell exits. The pod is deleted whatever happens, also when a
// signal ends ktriage meanwhile (an SSH session to the jump host that drops): the signal cancels the
// exec instead of killing the process, so Close still runs.
func (e *shellExec) Run() (err error) {
	defer func() { err = errors.Join(err, e.shell.Close(err)) }()
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGHUP, syscall.SIGINT, syscall.SIGTERM, syscall.SIGQUIT)
	defer signal.Stop(sigs)
	var got os.Signal
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		select {
		case got = <-sigs:
			cancel()
		case <-ctx.Done():
		}
	}()
	defer func() {
		cancel()
		<-watched
		if got != nil {
			err = errSignalled{got}
		}
	}()
	fmt.Fprintf(e.stdout, "\r\nktriage: root shell on node %s (pod %s/%s). Type exit to return to ktriage.\r\n\r\n",
		sanitize.Line(e.shell.Node), e.shell.Namespace, e.shell.Pod)
	in := e.stdin
	// The exec stream keeps reading stdin after the shell exits; a cancellable reader makes sure
	// that reader lets go, so the first key typed back in ktriage is not swallowed.
	if cr, cerr := cancelreader.NewReader(e.stdin); cerr == nil {
		defer cr.Close()
		defer cr.Cancel()
		in = cr
	}
	// A Parent handler keeps kubectl's terminal code from calling os.Exit on a signal: the
	// watcher above cancels the exec instead, and the terminal is restored on the way out.
	tty := kubectlterm.TTY{In: e.stdin, Out: e.stdout, Raw: true, Parent: interrupt.New(func(os.Signal) {})}
	if _, ok := e.stdout.(*os.File); !ok {
		tty.Out = os.Stdout // for the size only; bubbletea may wrap its output writer
	}
	var sizes remotecommand.TerminalSizeQueue
	if q := tty.MonitorSize(tty.GetSize()); q != nil {
		sizes = sizeQueue{q}
	}
	err = tty.Safe(func() error { return e.shell.Run(ctx, in, e.stdout, sizes) })
	if errors.Is(err, context.Canceled) && got == nil {
		err = nil // ktriage is quitting: not an error of the shell
	}
	// Let the terminal settle before bubbletea redraws over the shell's last lines.
	time.Sleep(50 * time.Millisecond)
	return err
}

// sizeQueue turns kubectl's terminal size events into remotecommand's (two copies of one type,
// kept apart so that kubectl's terminal package does not depend on client-go).
type sizeQueue struct{ q kubectlterm.TerminalSizeQueue }

func (s sizeQueue) Next() *remotecommand.TerminalSize {
	next := s.q.Next()
	if next == nil {
		return nil
	}
	return &remotecommand.TerminalSize{Width: next.Width, Height: next.Height}
}
