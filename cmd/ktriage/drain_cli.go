package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ktriage/ktriage/actions"
	"github.com/ktriage/ktriage/cluster"
	"github.com/ktriage/ktriage/sanitize"
)

// drainFlags are kubectl drain's options under kubectl's names.
type drainFlags struct {
	scriptOptions
	opts actions.DrainOptions
	// skipWait is applied only when given; otherwise it follows the node (on when it is Unknown).
	skipWait bool
}

// newDrainCommand builds `ktriage drain NODE...`: for each node a preview, a confirmation, then
// progress as lines.
func newDrainCommand(opts *globalOptions) *cobra.Command {
	f := &drainFlags{}
	cmd := &cobra.Command{
		Use:   "drain NODE...",
		Short: "Cordon nodes and evict their pods, with a preview first and progress as lines",
		Long: "For each node in turn: print what a drain would evict, skip and be blocked by, ask for the node's\n" +
			"name (or take --yes), cordon it and evict its pods, printing each eviction, each refusal by a\n" +
			"PodDisruptionBudget and what is left when it times out. Exits non-zero unless every node drained.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, nodes []string) error {
			return runScript(cmd.Context(), opts, func(ctx context.Context, client *cluster.Client, runner *actions.Runner) error {
				for _, node := range nodes {
					if err := drainNode(ctx, cmd, client, runner, node, f); err != nil {
						return err
					}
				}
				return nil
			})
		},
	}
	f.addFlags(cmd)
	fl := cmd.Flags()
	fl.BoolVar(&f.opts.IgnoreDaemonSets, "ignore-daemonsets", true, "leave DaemonSet pods in place")
	fl.BoolVar(&f.opts.DeleteEmptyDirData, "delete-emptydir-data", false, "evict pods with emptyDir volumes (their data is lost)")
	fl.BoolVar(&f.opts.Force, "force", false, "evict pods without a controller (nothing re-creates them)")
	fl.BoolVar(&f.opts.DisableEviction, "disable-eviction", false, "delete pods instead of evicting them (bypasses PodDisruptionBudgets)")
	fl.IntVar(&f.opts.GracePeriodSeconds, "grace-period", -1, "seconds each pod gets to terminate; -1 keeps the pod's own")
	fl.DurationVar(&f.opts.Timeout, "timeout", actions.DefaultDrainTimeout, "give up after this long, naming what is left")
	fl.BoolVar(&f.skipWait, "skip-wait-unreachable", false, "stop waiting for pods past their grace period (default: on when the node is Unknown)")
	return cmd
}

func drainNode(ctx context.Context, cmd *cobra.Command, client *cluster.Client, runner *actions.Runner, name string, f *drainFlags) error {
	out := cmd.OutOrStdout()
	if runner.ReadOnly() {
		return actions.ErrReadOnly
	}
	node, err := client.Kube.CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return fmt.Errorf("drain %s: %w", name, err)
	}
	o := f.opts
	o.SkipWaitUnreachable = actions.DefaultDrainOptions(node).SkipWaitUnreachable
	if cmd.Flags().Changed("skip-wait-unreachable") {
		o.SkipWaitUnreachable = f.skipWait
	}
	pv, err := runner.PreviewDrain(ctx, name, o)
	if err != nil {
		return err
	}
	printPreview(out, pv)
	if !pv.CanStart() {
		return fmt.Errorf("drain %s: %d pods block it with these options; nothing was changed", name, len(pv.With(actions.Block)))
	}
	if f.dryRun {
		fmt.Fprintf(out, "%s: dry run, nothing changed\n", sanitize.Line(name))
		return nil
	}
	if err := confirm(cmd, &f.scriptOptions, fmt.Sprintf("type %q to cordon and drain it: ", name), name); err != nil {
		return err
	}
	start := time.Now()
	printer := &progressPrinter{out: out, start: start, seen: map[string]string{}}
	final, err := runner.Drain(ctx, name, o, printer.print)
	fmt.Fprintf(out, "%s %s: %s\n", stamp(start), sanitize.Line(name), sanitize.Line(final.Summary))
	return err
}

// printPreview prints a drain preview, one line per pod, grouped.
func printPreview(out io.Writer, pv actions.Preview) {
	fmt.Fprintf(out, "drain %s: %d to evict, %d wait for a disruption budget, %d block, %d stay\n", sanitize.Line(pv.Node),
		len(pv.With(actions.Evict)), len(pv.With(actions.WaitBudget)), len(pv.With(actions.Block)), len(pv.With(actions.Skip)))
	labels := map[actions.Disposition]string{actions.Evict: "evict", actions.WaitBudget: "wait", actions.Block: "BLOCK", actions.Skip: "stay"}
	for _, p := range pv.Pods {
		line := fmt.Sprintf("  %-5s  %s", labels[p.Disposition], p.Key())
		if p.Owner != "" {
			line += "  " + p.Owner
		}
		if p.Reason != "" {
			line += " — " + p.Reason
		}
		fmt.Fprintln(out, sanitize.Line(line))
	}
	if pv.BudgetsUnknown != "" {
		fmt.Fprintln(out, "  note: "+sanitize.Line(pv.BudgetsUnknown))
	}
}

// progressPrinter prints what changed in a drain's progress, once per change: an eviction
// accepted, a pod gone, each refusal by a budget.
type progressPrinter struct {
	out   io.Writer
	start time.Time
	phase actions.DrainPhase
	// seen is the last printed state of each pod ("terminating", "refused 3").
	seen map[string]string
}

func (p *progressPrinter) print(d actions.DrainProgress) {
	if d.Phase != p.phase && !d.Phase.Final() {
		p.phase = d.Phase
		fmt.Fprintf(p.out, "%s %s %s (%d pods)\n", stamp(p.start), d.Phase, sanitize.Line(d.Node), len(d.Pods))
	}
	for _, pod := range d.Pods {
		state := string(pod.State)
		if pod.State == actions.PodRefused {
			state = fmt.Sprintf("%s %d", state, pod.Retries)
		}
		if p.seen[pod.Key()] == state || pod.State == actions.PodPending {
			continue
		}
		p.seen[pod.Key()] = state
		line := fmt.Sprintf("%s %s %s", stamp(p.start), pod.Key(), pod.State)
		switch pod.State {
		case actions.PodRefused:
			line += fmt.Sprintf(" (%s, retry %d): %s", pod.Budget, pod.Retries, pod.Detail)
		case actions.PodGone:
			line += fmt.Sprintf(" (%d of %d evicted)", d.Evicted(), len(d.Pods))
		default:
			if pod.Detail != "" {
				line += ": " + pod.Detail
			}
		}
		fmt.Fprintln(p.out, sanitize.Line(strings.TrimSpace(line)))
	}
}
