package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/ktriage/ktriage/actions"
	"github.com/ktriage/ktriage/report"
	"github.com/ktriage/ktriage/sanitize"
)

func newReportCommand(opts *globalOptions) *cobra.Command {
	var out string
	timeout := time.Minute
	cmd := &cobra.Command{
		Use:   "report NODE",
		Short: "Write a node's triage report (Markdown) to paste into a ticket",
		Long: "report writes the node's summary, conditions, findings with their evidence, recent warning events,\n" +
			"failing pods and the actions ktriage took on it (from the audit log) into a Markdown file.",
		Example: "  ktriage report worker-05\n  ktriage report worker-05 --out /tmp/incident-4711",
		Args: func(cmd *cobra.Command, args []string) error {
			if err := cobra.ExactArgs(1)(cmd, args); err != nil {
				return usageError("%v", err)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			snap, client, err := collect(cmd.Context(), opts, timeout)
			if err != nil {
				return withExitCode(exitTrouble, err)
			}
			v := snap.Node(args[0])
			if v == nil {
				return withExitCode(exitTrouble, fmt.Errorf("node %q not found", args[0]))
			}
			t := report.Triage{Cluster: clusterName(client.Info), View: v, Now: snap.TakenAt, Version: buildVersion()}
			t.Audit, err = actions.ReadAudit(auditPath(), v.Summary.Name)
			if err != nil {
				t.AuditError = err.Error()
			}
			path, err := t.WriteFile(out)
			if err != nil {
				return withExitCode(exitTrouble, err)
			}
			fmt.Fprintln(cmd.OutOrStdout(), "wrote", sanitize.Line(path))
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "directory to write the report in (default: the current directory), or a file ending in .md")
	cmd.Flags().DurationVar(&timeout, "timeout", timeout, "how long to wait for the cluster's nodes, pods and events")
	return cmd
}
