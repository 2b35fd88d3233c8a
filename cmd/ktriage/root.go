package main

import (
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericclioptions"
)

// globalOptions are ktriage's own flags; kubectl's connection flags live in configFlags.
type globalOptions struct {
	configFlags *genericclioptions.ConfigFlags
	theme       string
	readOnly    bool
	logFile     string
	// From config.yaml only: the node shell's image and namespace, the log viewer's ring size.
	shellImage, shellNamespace string
	logLines                   int
}

// newRootCommand builds the command tree: `ktriage` opens the TUI on the current kubeconfig context.
func newRootCommand() *cobra.Command {
	opts := &globalOptions{configFlags: genericclioptions.NewConfigFlags(true)}
	root := &cobra.Command{
		Use:   "ktriage",
		Short: "Troubleshoot Kubernetes nodes from the terminal",
		Long: "ktriage shows every node with its conditions and load, explains what is wrong with a sick node\n" +
			"and why, and runs the fix (cordon, drain, uncordon) after an explicit confirmation.\n\n" +
			"It uses the current kubeconfig context; kubectl's connection flags select another.",
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runCluster(cmd.Context(), opts)
		},
		// Every command reads the config file first; flags given on the command line win over it.
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			return applyConfig(opts, cmd.Flags())
		},
	}
	flags := root.PersistentFlags()
	opts.configFlags.AddFlags(flags)
	flags.StringVar(&opts.theme, "theme", "", "colour theme: dark (default), light, high-contrast or mono; NO_COLOR forces mono")
	flags.BoolVar(&opts.readOnly, "readonly", false, "never offer or run an action that changes the cluster (config: readonly: true)")
	flags.StringVar(&opts.logFile, "log-file", "", "where client-go and ktriage log (default $XDG_STATE_HOME/ktriage/ktriage.log)")
	root.AddCommand(newVersionCommand(), newDemoCommand(opts))
	root.AddCommand(newCordonCommands(opts)...)
	root.AddCommand(newDrainCommand(opts))
	root.AddCommand(newCheckCommand(opts), newReportCommand(opts))
	// A mistake on the command line exits 2, like the other errors that mean "could not do it".
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return withExitCode(exitTrouble, err) })
	return root
}
