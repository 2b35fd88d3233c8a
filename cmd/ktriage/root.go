package main

import (
	"github.com/spf13/cobra"
)

// newRootCommand builds the ktriage command tree. Subcommands are added here as they are built.
func newRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "ktriage",
		Short: "Troubleshoot Kubernetes nodes from the terminal",
		Long: "ktriage shows every node with its conditions and load, explains what is wrong with a sick node\n" +
			"and why, and runs the fix (cordon, drain, uncordon) after an explicit confirmation.",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newVersionCommand())
	return root
}
