package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ktriage/ktriage/actions"
	"github.com/ktriage/ktriage/cluster"
	"github.com/ktriage/ktriage/sanitize"
)

// scriptOptions are the flags every non-interactive action shares.
type scriptOptions struct {
	dryRun, yes bool
}

func (o *scriptOptions) addFlags(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&o.dryRun, "dry-run", false, "show what would change and change nothing")
	cmd.Flags().BoolVarP(&o.yes, "yes", "y", false, "do not ask for confirmation (needed when stdin is not a terminal)")
}

// newCordonCommands builds `ktriage cordon` and `ktriage uncordon`.
func newCordonCommands(opts *globalOptions) []*cobra.Command {
	var out []*cobra.Command
	for _, cordon := range []bool{true, false} {
		verb := map[bool]string{true: "cordon", false: "uncordon"}[cordon]
		so := &scriptOptions{}
		cmd := &cobra.Command{
			Use:   verb + " NODE...",
			Short: map[bool]string{true: "Mark nodes unschedulable", false: "Mark nodes schedulable again (ends a maintenance flow)"}[cordon],
			Args:  cobra.MinimumNArgs(1),
			RunE: func(cmd *cobra.Command, nodes []string) error {
				return runScript(cmd.Context(), opts, func(ctx context.Context, client *cluster.Client, runner *actions.Runner) error {
					return cordonNodes(ctx, cmd, client, runner, nodes, cordon, so)
				})
			},
		}
		so.addFlags(cmd)
		out = append(out, cmd)
	}
	return out
}

// runScript connects like the TUI (one clear line on a bad kubeconfig or unreachable server), logs
// to the log file, and cancels the action on ctrl+c.
func runScript(ctx context.Context, opts *globalOptions, run func(context.Context, *cluster.Client, *actions.Runner) error) error {
	return withSession(opts, func(session) error {
		ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
		defer stop()
		client, err := connect(ctx, opts)
		if err != nil {
			return err
		}
		return run(ctx, client, newRunner(client, opts))
	})
}

func cordonNodes(ctx context.Context, cmd *cobra.Command, client *cluster.Client, runner *actions.Runner, nodes []string, cordon bool, so *scriptOptions) error {
	out := cmd.OutOrStdout()
	verb := map[bool]string{true: "cordon", false: "uncordon"}[cordon]
	if runner.ReadOnly() {
		return actions.ErrReadOnly
	}
	if so.dryRun {
		for _, name := range nodes {
			node, err := client.Kube.CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				return fmt.Errorf("%s %s: %w", verb, name, err)
			}
			state := "schedulable"
			if node.Spec.Unschedulable {
				state = "cordoned"
			}
			fmt.Fprintf(out, "%s: %s now; would %s (dry run: nothing changed)\n", sanitize.Line(name), state, verb)
		}
		return nil
	}
	if err := confirm(cmd, so, fmt.Sprintf("%s %s? [y/N] ", verb, strings.Join(nodes, ", ")), "y"); err != nil {
		return err
	}
	var failed int
	for _, r := range runner.Cordon(ctx, nodes, cordon) {
		if r.Err != nil {
			failed++
			fmt.Fprintf(out, "%s: failed: %s\n", sanitize.Line(r.Node), sanitize.Line(r.Err.Error()))
			continue
		}
		fmt.Fprintf(out, "%s: %s\n", sanitize.Line(r.Node), r.Message)
	}
	if failed > 0 {
		return fmt.Errorf("%s failed on %d of %d nodes", verb, failed, len(nodes))
	}
	return nil
}

// confirm asks on the terminal unless --yes; without a terminal it refuses rather than guess.
// want is the answer that confirms ("y", or the node's name for a drain).
func confirm(cmd *cobra.Command, so *scriptOptions, question, want string) error {
	if so.yes {
		return nil
	}
	in := cmd.InOrStdin()
	if f, ok := in.(*os.File); !ok || !term.IsTerminal(int(f.Fd())) {
		return errors.New("not confirmed: stdin is not a terminal, so pass --yes to act (or --dry-run to look)")
	}
	fmt.Fprint(cmd.OutOrStdout(), question)
	answer, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	answer = strings.TrimSpace(answer)
	if answer != want && !(want == "y" && strings.EqualFold(answer, "yes")) {
		return errors.New("not confirmed: nothing was changed")
	}
	return nil
}

// stamp prefixes a progress line with the elapsed time.
func stamp(start time.Time) string {
	return fmt.Sprintf("[%5s]", time.Since(start).Truncate(time.Second))
}
