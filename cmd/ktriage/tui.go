package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	tea "charm.land/bubbletea/v2"

	"github.com/ktriage/ktriage/cluster"
	"github.com/ktriage/ktriage/themes"
	"github.com/ktriage/ktriage/tui"
)

// runCluster opens the TUI on the cluster the kubeconfig flags select. It checks the connection first,
// within the request timeout, so a bad kubeconfig or an unreachable server ends with one clear line
// before the TUI takes the terminal.
func runCluster(ctx context.Context, opts *globalOptions) error {
	return withSession(opts, func(ui tui.Options, logPath string) error {
		client, err := cluster.NewClient(opts.configFlags.ToRawKubeConfigLoader(), "ktriage/"+buildVersion())
		if err != nil {
			return err
		}
		if err := client.Check(ctx); err != nil {
			return err
		}
		return runTUI(ctx, client, ui, logPath)
	})
}

// withSession resolves the UI options and routes logging (and stderr) to the log file for the length
// of run; stderr is the terminal's again by the time the error is printed.
func withSession(opts *globalOptions, run func(ui tui.Options, logPath string) error) error {
	ui, err := uiOptions(opts)
	if err != nil {
		return err
	}
	logPath, closeLog, err := setupLogging(opts.logFile)
	if err != nil {
		return err
	}
	defer closeLog()
	return run(ui, logPath)
}

// uiOptions turns the flags into the root model's options. Without --theme the dark theme is a first
// guess; the model asks the terminal for its background and turns light if it is.
func uiOptions(opts *globalOptions) (tui.Options, error) {
	styles, err := themes.FromEnv(opts.theme, os.LookupEnv)
	if err != nil {
		return tui.Options{}, err
	}
	return tui.Options{Styles: styles, ReadOnly: opts.readOnly, AutoTheme: opts.theme == "" && styles.Name != "mono"}, nil
}

// runTUI runs the program and the watcher that feeds it until the person quits.
func runTUI(ctx context.Context, client *cluster.Client, opts tui.Options, logPath string) error {
	opts.Info = client.Info
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	model := tui.New(opts)
	p := tea.NewProgram(tui.Recovering(model), tea.WithContext(ctx))
	watcher := cluster.NewWatcher(client, cluster.Options{Now: opts.Now}, func(s *cluster.Snapshot) {
		p.Send(tui.SnapshotMsg{Snapshot: s})
	})
	go watcher.Run(ctx)
	final, err := p.Run()
	if err != nil && !errors.Is(err, tea.ErrProgramKilled) && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("terminal: %w", err)
	}
	if r, ok := final.(tui.RecoveringModel); ok && r.Panic() != "" {
		return fmt.Errorf("internal error: %s (details in %s)", r.Panic(), logPath)
	}
	return nil
}
