package tui

import (
	"context"
	"slices"

	tea "charm.land/bubbletea/v2"

	"github.com/ktriage/ktriage/actions"
	"github.com/ktriage/ktriage/views"
)

// drainRun is a drain (or maintenance drain) running in the background. Its progress reaches the
// UI through a one-slot mailbox that keeps only the latest state, so a slow screen never holds the
// drain back and never shows a stale state last.
type drainRun struct {
	node     string
	cancel   context.CancelFunc
	progress chan actions.DrainProgress
	done     chan drainEndedMsg
	// start runs the drain; the first command calls it in a goroutine.
	start func()
}

// drainProgressMsg is a drain's latest progress.
type drainProgressMsg struct {
	node     string
	progress actions.DrainProgress
}

// drainEndedMsg is a drain's final state.
type drainEndedMsg struct {
	node  string
	final actions.DrainProgress
	err   error
}

// startDrain prepares a drain; the returned command starts it in a goroutine (no work in Update)
// and delivers its first message.
func startDrain(parent context.Context, runner *actions.Runner, node string, opts actions.DrainOptions, maintenance bool) (*drainRun, tea.Cmd) {
	ctx, cancel := context.WithCancel(parent)
	run := &drainRun{node: node, cancel: cancel, progress: make(chan actions.DrainProgress, 1), done: make(chan drainEndedMsg, 1)}
	report := func(p actions.DrainProgress) {
		// The tracker calls this under its lock, so there is one writer: drop the stale value, if
		// any, and put the new one.
		select {
		case <-run.progress:
		default:
		}
		run.progress <- p
	}
	run.start = func() {
		defer cancel()
		var final actions.DrainProgress
		var err error
		if maintenance {
			final, err = runner.StartMaintenance(ctx, node, opts, report)
		} else {
			final, err = runner.Drain(ctx, node, opts, report)
		}
		run.done <- drainEndedMsg{node: node, final: final, err: err}
	}
	next := run.next()
	return run, func() tea.Msg {
		go run.start()
		return next()
	}
}

// next waits for the drain's next progress or its end.
func (r *drainRun) next() tea.Cmd {
	return func() tea.Msg {
		select {
		case p := <-r.progress:
			return drainProgressMsg{node: r.node, progress: p}
		case end := <-r.done:
			return end
		}
	}
}

// planOf turns an actions preview into what the dialog shows.
func planOf(pv actions.Preview, err error) views.DrainPlan {
	if err != nil {
		return views.DrainPlan{Err: err.Error()}
	}
	groups := map[actions.Disposition]views.PlanGroup{
		actions.Evict: views.PlanEvict, actions.WaitBudget: views.PlanWait, actions.Block: views.PlanBlock, actions.Skip: views.PlanSkip,
	}
	plan := views.DrainPlan{Note: pv.BudgetsUnknown}
	for _, p := range pv.Pods {
		plan.Rows = append(plan.Rows, views.PlanRow{Group: groups[p.Disposition], Pod: p.Key(), Owner: p.Owner, Reason: p.Reason})
	}
	// What stops or slows the drain is what the person must read, so it comes first on a short
	// screen: blockers, then pods waiting for a budget, then the evictions and the pods that stay.
	rank := map[views.PlanGroup]int{views.PlanBlock: 0, views.PlanWait: 1, views.PlanEvict: 2, views.PlanSkip: 3}
	slices.SortStableFunc(plan.Rows, func(a, b views.PlanRow) int { return rank[a.Group] - rank[b.Group] })
	return plan
}

// statusOf turns a drain's progress into what the dialog shows.
func statusOf(p actions.DrainProgress) views.DrainStatus {
	s := views.DrainStatus{
		Phase: string(p.Phase), Final: p.Phase.Final(), Success: p.Phase == actions.PhaseDone,
		Started: p.Started, Ended: p.Ended, Total: len(p.Pods), Evicted: p.Evicted(), Summary: p.Summary,
	}
	if w, ok := p.WaitingOn(); ok {
		s.Waiting = w.Key() + ": " + w.Why()
	}
	for _, r := range p.Remaining() {
		s.Remaining = append(s.Remaining, views.ProgressRow{Pod: r.Key(), State: string(r.State), Why: r.Why()})
	}
	return s
}
