package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ktriage/ktriage/actions"
	"github.com/ktriage/ktriage/cluster"
	"github.com/ktriage/ktriage/themes"
	"github.com/ktriage/ktriage/tui"
)

// runCluster opens the TUI on the cluster the kubeconfig flags select. It checks the connection first,
// within the request timeout, so a bad kubeconfig or an unreachable server ends with one clear line
// before the TUI takes the terminal.
func runCluster(ctx context.Context, opts *globalOptions) error {
	return withSession(opts, func(s session) error {
		client, err := connect(ctx, opts)
		if err != nil {
			return err
		}
		return runTUI(ctx, client, newRunner(client, opts), s)
	})
}

// auditPath is where the audit log lives: $XDG_STATE_HOME/ktriage/audit.jsonl ("" when there is no
// state directory, which makes every action refuse).
func auditPath() string {
	if dir, err := stateDir(); err == nil {
		return filepath.Join(dir, "audit.jsonl")
	}
	return ""
}

// newRunner builds the actions runner for a client: read-only as asked, auditing to
// $XDG_STATE_HOME/ktriage/audit.jsonl.
func newRunner(client *cluster.Client, opts *globalOptions) *actions.Runner {
	path := auditPath()
	return actions.New(actions.Config{Client: client.Kube, Info: client.Info, Audit: actions.NewAuditLog(path), ReadOnly: opts.readOnly,
		Access: client.Access, ShellImage: opts.shellImage, ShellNamespace: opts.shellNamespace})
}

// actionsGrace is how long ktriage waits on the way out for cancelled actions to record their
// outcome in the audit log.
const actionsGrace = 15 * time.Second

// connect builds the client the flags select and checks it within the request timeout. A
// credential plugin may prompt (device code, MFA) while it connects: stderr is still the
// terminal's here, as with kubectl.
func connect(ctx context.Context, opts *globalOptions) (*cluster.Client, error) {
	client, err := cluster.NewClient(opts.configFlags.ToRawKubeConfigLoader(), "ktriage/"+buildVersion())
	if err != nil {
		return nil, err
	}
	if err := client.Check(ctx); err != nil {
		return nil, err
	}
	return client, nil
}

// session is what every TUI run shares: the UI options and the log.
type session struct {
	ui      tui.Options
	log     *os.File
	logPath string
}

// withSession resolves the UI options and routes logging to the log file for the length of run.
func withSession(opts *globalOptions, run func(session) error) error {
	ui, err := uiOptions(opts)
	if err != nil {
		return err
	}
	log, logPath, err := setupLogging(opts.logFile)
	if err != nil {
		return err
	}
	defer log.Close()
	return run(session{ui: ui, log: log, logPath: logPath})
}

// uiOptions turns the flags into the root model's options. Without --theme the dark theme is a first
// guess; the model asks the terminal for its background and turns light if it is.
func uiOptions(opts *globalOptions) (tui.Options, error) {
	styles, err := themes.FromEnv(opts.theme, os.LookupEnv)
	if err != nil {
		return tui.Options{}, err
	}
	return tui.Options{Styles: styles, ReadOnly: opts.readOnly, AutoTheme: opts.theme == "" && styles.Name != "mono",
		LogLines: opts.logLines}, nil
}

// runTUI runs the program and the watcher that feeds it until the person quits. While it runs, file
// descriptor 2 points at the log: whatever writes to stderr behind ktriage's back (a credential plugin
// refreshing a token, the runtime's fatal-error dump) cannot draw over the screen.
func runTUI(ctx context.Context, client *cluster.Client, runner *actions.Runner, s session) error {
	opts := s.ui
	opts.Info = client.Info
	opts.Version = buildVersion()
	restore := captureStderr(s.log)
	defer restore()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	actionCtx, cancelActions := context.WithCancel(context.Background())
	defer func() {
		// A drain still running when the person quits is cancelled, and recorded as such.
		cancelActions()
		runner.Wait(actionsGrace)
	}()
	opts.Actions, opts.ActionContext = runner, actionCtx
	opts.Access, opts.Kube = client.Access, client.Kube
	probe := newBenchProbe()
	defer probe.close()
	defer startProfiles()()
	if probe != nil {
		opts.FirstTable = probe.firstTable
	}
	var p *tea.Program
	watcher := cluster.NewWatcher(client, cluster.Options{Now: opts.Now}, func(s *cluster.Snapshot) {
		probe.snapshotPublished(time.Now())
		p.Send(tui.SnapshotMsg{Snapshot: s})
	})
	opts.Kubelet = watcher
	model := tui.New(opts)
	p = tea.NewProgram(tui.Recovering(model), tea.WithContext(ctx))
	go watcher.Run(ctx)
	final, err := p.Run()
	if err != nil && !errors.Is(err, tea.ErrProgramKilled) && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("terminal: %w", err)
	}
	if r, ok := final.(tui.RecoveringModel); ok && r.Panic() != "" {
		return fmt.Errorf("internal error: %s (details in %s)", r.Panic(), s.logPath)
	}
	return nil
}
