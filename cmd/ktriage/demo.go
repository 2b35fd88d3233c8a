package main

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/ktriage/ktriage/cluster"
	"github.com/ktriage/ktriage/cluster/demo"
)

// newDemoCommand opens the TUI on the embedded demo cluster: a dozen-odd nodes with the incidents
// of the failure catalogue, kept alive by a simulator. No cluster or kubeconfig is needed.
func newDemoCommand(opts *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "demo",
		Short: "Open ktriage on an embedded demo cluster with realistic node incidents",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDemo(cmd.Context(), opts)
		},
	}
}

func runDemo(ctx context.Context, opts *globalOptions) error {
	return withSession(opts, func(s session) error {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		demoCluster := demo.New(time.Now())
		go demoCluster.Run(ctx, demo.SimOptions{})
		client := &cluster.Client{
			Kube:   demoCluster.Interface(),
			Info:   cluster.Info{Context: demo.ContextName, Server: demo.Server, User: demo.User},
			Health: cluster.NewHealth(nil),
			Access: demoCluster.Access(),
		}
		return runTUI(ctx, client, newRunner(client, opts), s)
	})
}
