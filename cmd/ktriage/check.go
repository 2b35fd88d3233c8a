package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/spf13/cobra"

	"github.com/ktriage/ktriage/cluster"
	"github.com/ktriage/ktriage/diag"
	"github.com/ktriage/ktriage/report"
)

// checkOptions are the flags of `ktriage check`.
type checkOptions struct {
	output  string
	failOn  string
	timeout time.Duration
}

// Exit codes of check and report: 1 means findings at or above --fail-on; 2 means ktriage could not
// do what was asked (connection, permissions, usage).
const (
	exitFindings = 1
	exitTrouble  = 2
)

func newCheckCommand(opts *globalOptions) *cobra.Command {
	co := &checkOptions{}
	cmd := &cobra.Command{
		Use:   "check [NODE...]",
		Short: "Print the findings for all nodes, or the named ones, without the TUI",
		Long: "check reads the cluster once, runs every diagnosis rule and prints the findings.\n\n" +
			"Exit codes: 0 when nothing is at or above --fail-on (or it is not set), 1 when something is,\n" +
			"2 when the cluster could not be read or the command line is wrong.",
		Example: "  ktriage check\n  ktriage check worker-05 -o markdown > worker-05.md\n  ktriage check -o json --fail-on critical",
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCheck(cmd, opts, co, args)
		},
	}
	cmd.Flags().StringVarP(&co.output, "output", "o", "table", "output format: table, json or markdown")
	cmd.Flags().StringVar(&co.failOn, "fail-on", "", "exit 1 when a finding at or above this severity exists: warning or critical")
	cmd.Flags().DurationVar(&co.timeout, "timeout", time.Minute, "how long to wait for the cluster's nodes, pods and events")
	return cmd
}

func runCheck(cmd *cobra.Command, opts *globalOptions, co *checkOptions, names []string) error {
	var failOn diag.Severity
	switch co.failOn {
	case "":
	case "warning", "critical":
		failOn, _ = diag.ParseSeverity(co.failOn)
	default:
		return usageError("--fail-on %q: want warning or critical", co.failOn)
	}
	if co.output != "table" && co.output != "json" && co.output != "markdown" {
		return usageError("--output %q: want table, json or markdown", co.output)
	}
	snap, client, err := collect(cmd.Context(), opts, co.timeout)
	if err != nil {
		return withExitCode(exitTrouble, err)
	}
	check, err := report.NewCheck(snap, clusterName(client.Info), names, snap.TakenAt)
	if err != nil {
		return withExitCode(exitTrouble, err)
	}
	out := cmd.OutOrStdout()
	switch co.output {
	case "json":
		err = check.WriteJSON(out)
	case "markdown":
		err = check.WriteMarkdown(out)
	default:
		err = check.WriteTable(out, len(names) > 0 && len(names) <= 3)
	}
	if err != nil {
		return withExitCode(exitTrouble, err)
	}
	if failOn != diag.SeverityNone {
		if n := check.Count(failOn); n > 0 {
			return withExitCode(exitFindings, fmt.Errorf("%d findings at or above %s", n, failOn))
		}
	}
	return nil
}

// collect connects like the TUI and takes one synced snapshot, with klog routed to the log file.
func collect(ctx context.Context, opts *globalOptions, timeout time.Duration) (*cluster.Snapshot, *cluster.Client, error) {
	var snap *cluster.Snapshot
	var client *cluster.Client
	err := withSession(opts, func(session) error {
		ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
		defer stop()
		var err error
		if client, err = connect(ctx, opts); err != nil {
			return err
		}
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		snap, err = cluster.Collect(ctx, client, cluster.Options{})
		return err
	})
	return snap, client, err
}

// clusterName names the cluster in reports: the kubeconfig context, or the server.
func clusterName(info cluster.Info) string {
	if info.Context != "" {
		return info.Context
	}
	return info.Server
}
