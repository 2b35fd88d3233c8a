package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ktriage/ktriage/actions"
	"github.com/ktriage/ktriage/cluster"
	"github.com/ktriage/ktriage/sanitize"
	"github.com/ktriage/ktriage/views"
)

// Messages of the actions' background work. Each names what it answers, so a late answer for a
// dialog that was closed is dropped.
type (
	permissionsMsg struct {
		perms    actions.Permissions
		auditErr error
	}
	runCordonMsg struct {
		nodes   []string
		cordon  bool
		summary string
	}
	cordonDoneMsg struct {
		cordon  bool
		results []actions.NodeResult
	}
	runDeletePodMsg struct {
		ref   actions.PodRef
		force bool
	}
	deletePodDoneMsg struct {
		ref   actions.PodRef
		force bool
		err   error
	}
	previewDoneMsg struct {
		node string
		seq  int
		plan views.DrainPlan
	}
	finishDoneMsg struct {
		node   string
		result actions.NodeResult
	}
)

// viewAction maps a view's action to the actions package's, for permissions.
var viewAction = map[views.NodeAction]actions.Action{
	views.ActCordon: actions.ActionCordon, views.ActUncordon: actions.ActionUncordon, views.ActDrain: actions.ActionDrain,
	views.ActMaintenance: actions.ActionMaintenance, views.ActDeletePod: actions.ActionDeletePod, views.ActForceDeletePod: actions.ActionDeletePod,
	views.ActNodeShell: actions.ActionNodeShell,
}

// preflight asks, at start, what this user may do and whether the audit log can be written.
func preflight(ctx context.Context, runner *actions.Runner) tea.Cmd {
	return func() tea.Msg {
		return permissionsMsg{perms: runner.Preflight(ctx), auditErr: runner.CheckAudit()}
	}
}

// preflightRetry is how long ktriage waits to ask again when the preflight could not ask at all (the
// API server restarting): one failed request must not withhold every action for the session.
const preflightRetry = 10 * time.Second

func retryPreflight(ctx context.Context, runner *actions.Runner) tea.Cmd {
	return tea.Tick(preflightRetry, func(time.Time) tea.Msg { return preflight(ctx, runner)() })
}

// availability is what the views may offer: nothing in read-only mode (or without a runner), and
// each action only once the preflight allowed it.
func (m Model) availability() views.Availability {
	if m.opts.ReadOnly || m.opts.Actions == nil || m.opts.Actions.ReadOnly() {
		return views.Availability{ReadOnly: true}
	}
	av := views.Availability{Withheld: map[views.NodeAction]string{}}
	for va, a := range viewAction {
		if why := m.withheld(a); why != "" {
			av.Withheld[va] = why
		}
	}
	return av
}

// withheld says why an action is not available now, or "".
func (m Model) withheld(a actions.Action) string {
	switch {
	case !m.permsKnown:
		return "checking permissions…"
	case m.auditErr != nil:
		return "the audit log cannot be written (" + m.auditErr.Error() + ")"
	}
	if ok, why := m.perms.Allowed(a); !ok {
		return why
	}
	return ""
}

func (m *Model) applyAvailability() {
	av := m.availability()
	m.list.SetAvailability(av)
	m.detail.SetAvailability(av)
}

// refusal says why an action may not run now, or "".
func (m Model) refusal(a views.NodeAction) string {
	av := m.availability()
	switch {
	case av.ReadOnly:
		return "read-only mode: ktriage changes nothing"
	case av.Withheld[a] != "":
		return string(a) + " is unavailable: " + sanitize.Line(av.Withheld[a])
	}
	return ""
}

// gate refuses an action that is not available, with a flash saying why.
func (m *Model) gate(a views.NodeAction) bool {
	if why := m.refusal(a); why != "" {
		m.setFlash(why, true)
		return false
	}
	return true
}

// requestNodeAction opens the confirmation (cordon, uncordon) or the dialog (drain, maintenance).
func (m Model) requestNodeAction(msg views.NodeActionMsg) (Model, tea.Cmd) {
	if !m.gate(msg.Action) || len(msg.Nodes) == 0 {
		return m, nil
	}
	switch msg.Action {
	case views.ActCordon, views.ActUncordon:
		return m.confirmCordon(msg.Nodes, msg.Action == views.ActCordon), nil
	case views.ActDrain, views.ActMaintenance:
		return m.openDrain(msg.Nodes[0], msg.Action == views.ActMaintenance)
	}
	return m, nil
}

// confirmCordon asks before cordoning or uncordoning; nodes already as asked are named and left
// out, and if none is left there is nothing to ask.
func (m Model) confirmCordon(nodes []string, cordon bool) Model {
	verb, state := "Uncordon", "schedulable"
	if cordon {
		verb, state = "Cordon", "cordoned"
	}
	var todo, already []string
	for _, n := range nodes {
		if v := m.snap.Node(n); v != nil && v.Summary.Unschedulable == cordon && (cordon || v.Summary.Maintenance == nil) {
			already = append(already, n)
		} else {
			todo = append(todo, n)
		}
	}
	if len(todo) == 0 {
		m.setFlash(fmt.Sprintf("nothing to do: %s already %s", sanitize.Line(strings.Join(already, ", ")), state), false)
		return m
	}
	body := []string{sanitize.Line(strings.Join(todo, ", "))}
	if cordon {
		body = append(body, "New pods will not be scheduled there. Pods already running stay until drained.")
	} else {
		body = append(body, "The scheduler may place new pods there again.")
		for _, n := range todo {
			if v := m.snap.Node(n); v != nil && v.Summary.Maintenance != nil {
				body = append(body, sanitize.Line(n)+" is in a maintenance flow ("+v.Summary.Maintenance.Step(v.Node)+"): uncordoning ends it.")
			}
		}
	}
	if len(already) > 0 {
		body = append(body, "Left alone, already "+state+": "+sanitize.Line(strings.Join(already, ", ")))
	}
	title := fmt.Sprintf("%s %d node(s)?", verb, len(todo))
	summary := fmt.Sprintf("%s %s", strings.ToLower(verb), strings.Join(todo, ", "))
	m.openDialog(views.NewConfirmDialog(&m.st, title, body, "", runCordonMsg{nodes: todo, cordon: cordon, summary: summary}, strings.ToLower(verb)))
	return m
}

func (m *Model) openDialog(d views.Dialog) {
	m.dialog = d
	w, h := views.DialogInner(&m.st, d, m.layout.body.w, m.layout.body.h)
	d.SetSize(w, h)
}

func (m Model) runCordon(msg runCordonMsg) (Model, tea.Cmd) {
	m.dialog = nil
	m.list.ClearMarks()
	runner, ctx := m.opts.Actions, m.actionCtx()
	m.setFlash(sanitize.Line(msg.summary)+"…", false)
	return m, func() tea.Msg {
		return cordonDoneMsg{cordon: msg.cordon, results: runner.Cordon(ctx, msg.nodes, msg.cordon)}
	}
}

func (m Model) cordonDone(msg cordonDoneMsg) Model {
	var ok, failed []string
	for _, r := range msg.results {
		if r.Err != nil {
			failed = append(failed, r.Err.Error())
		} else {
			ok = append(ok, r.Node+": "+r.Message)
		}
	}
	if len(failed) > 0 {
		m.setFlash(sanitize.Line(strings.Join(append(failed, ok...), "; ")), true)
	} else {
		m.setFlash(sanitize.Line(strings.Join(ok, "; ")), false)
	}
	return m
}

// openDrain opens the drain or maintenance dialog on a node, with actions' defaults for it.
func (m Model) openDrain(node string, maintenance bool) (Model, tea.Cmd) {
	if m.drain != nil {
		m.setFlash("a drain of "+sanitize.Line(m.drain.node)+" is running: one drain at a time", true)
		return m, nil
	}
	v := m.snap.Node(node)
	if v == nil {
		m.setFlash("node "+sanitize.Line(node)+" no longer exists", true)
		return m, nil
	}
	choices := views.DrainChoices(actions.DefaultDrainOptions(v.Node))
	var d *views.DrainDialog
	if maintenance {
		d = views.NewMaintenanceDialog(&m.st, v, choices, m.now)
	} else {
		d = views.NewDrainDialog(&m.st, v, choices, m.now)
	}
	m.openDialog(d)
	return m.handleIntent(d.PopIntent())
}

func (m Model) previewDrain(msg views.PreviewDrainMsg) (Model, tea.Cmd) {
	runner, ctx := m.opts.Actions, m.actionCtx()
	return m, func() tea.Msg {
		pv, err := runner.PreviewDrain(ctx, msg.Node, actions.DrainOptions(msg.Choices))
		return previewDoneMsg{node: msg.Node, seq: msg.Seq, plan: planOf(pv, err)}
	}
}

// drainDialog is the open drain dialog of a node, or nil.
func (m Model) drainDialog(node string) *views.DrainDialog {
	if d, ok := m.dialog.(*views.DrainDialog); ok && d.Node() == node {
		return d
	}
	return nil
}

func (m Model) startDrainRun(msg views.StartDrainMsg) (Model, tea.Cmd) {
	act := views.ActDrain
	if msg.Maintenance {
		act = views.ActMaintenance
	}
	refused := m.refusal(act)
	if m.drain != nil {
		refused = "a drain of " + m.drain.node + " is running: one drain at a time"
	}
	if refused != "" {
		// The dialog already shows a drain starting: end it, or it would wait for nothing.
		if d := m.drainDialog(msg.Node); d != nil {
			d.SetEnded(views.DrainStatus{Phase: "not started", Summary: "nothing was changed: " + refused}, "")
		}
		return m, nil
	}
	run, cmd := startDrain(m.actionCtx(), m.opts.Actions, msg.Node, actions.DrainOptions(msg.Choices), msg.Maintenance)
	m.drain = run
	return m, cmd
}

func (m Model) drainProgress(msg drainProgressMsg) (Model, tea.Cmd) {
	if d := m.drainDialog(msg.node); d != nil {
		d.SetStatus(statusOf(msg.progress))
	}
	if m.drain == nil || m.drain.node != msg.node {
		return m, nil
	}
	return m, m.drain.next()
}

func (m Model) drainEnded(msg drainEndedMsg) Model {
	if m.drain != nil && m.drain.node == msg.node {
		m.drain = nil
	}
	errText := ""
	if msg.err != nil {
		errText = msg.err.Error()
	}
	if d := m.drainDialog(msg.node); d != nil {
		d.SetEnded(statusOf(msg.final), errText)
	}
	summary := msg.final.Summary
	if summary == "" && msg.err != nil {
		summary = msg.err.Error()
	}
	m.setFlash("drain "+sanitize.Line(msg.node)+": "+sanitize.Line(summary), msg.err != nil)
	return m
}

func (m Model) cancelDrain(msg views.CancelDrainMsg) Model {
	if m.drain != nil && m.drain.node == msg.Node {
		m.drain.cancel()
	}
	return m
}

func (m Model) finishMaintenance(msg views.FinishMaintenanceMsg) (Model, tea.Cmd) {
	if m.drain != nil && m.drain.node == msg.Node {
		// The flow is still being recorded on the node; an uncordon now could be undone by it.
		return m.finishDone(finishDoneMsg{node: msg.Node, result: actions.NodeResult{Node: msg.Node,
			Err: fmt.Errorf("the drain of %s is still finishing; try again in a moment", msg.Node)}}), nil
	}
	if why := m.refusal(views.ActUncordon); why != "" {
		return m.finishDone(finishDoneMsg{node: msg.Node, result: actions.NodeResult{Node: msg.Node, Err: errors.New(why)}}), nil
	}
	runner, ctx, skipped := m.opts.Actions, m.actionCtx(), msg.SkippedReboot
	return m, func() tea.Msg {
		return finishDoneMsg{node: msg.Node, result: runner.FinishMaintenance(ctx, msg.Node, skipped)}
	}
}

func (m Model) finishDone(msg finishDoneMsg) Model {
	text, ok := "maintenance of "+msg.node+" is done: uncordoned", msg.result.Err == nil
	if !ok {
		text = msg.result.Err.Error()
	}
	if d := m.drainDialog(msg.node); d != nil {
		d.SetFinished(text, ok)
	}
	m.setFlash(sanitize.Line(text), !ok)
	return m
}

// requestPodAction confirms a pod deletion. A force delete is offered only for a pod on an
// unreachable (or deleted) node, with a warning about what it can break.
func (m Model) requestPodAction(msg views.PodActionMsg) Model {
	if !m.gate(msg.Action) {
		return m
	}
	force := msg.Action == views.ActForceDeletePod
	v := m.snap.Node(msg.Node)
	pod := sanitize.Line(msg.Namespace + "/" + msg.Name)
	if force && v != nil && v.Summary.Ready != cluster.ReadyUnknown {
		m.setFlash("force delete is only for pods on an unreachable node; "+sanitize.Line(msg.Node)+" is "+v.Summary.Status+": use ctrl+d", true)
		return m
	}
	body := []string{pod + " on " + sanitize.Line(msg.Node) + " is deleted with its grace period.", ownerNote(v, msg)}
	warning, title, label := "", "Delete pod "+pod+"?", "delete"
	if force {
		body[0] = pod + " is removed from the API at once (grace period 0), without waiting for the kubelet of the unreachable node " + sanitize.Line(msg.Node) + "."
		warning = "If the node is in fact still running it, its containers keep running; a StatefulSet may then start a second copy with the same identity and storage."
		title, label = "Force delete pod "+pod+"?", "force delete"
	}
	ref := actions.PodRef{Namespace: msg.Namespace, Name: msg.Name, UID: msg.UID}
	m.openDialog(views.NewConfirmDialog(&m.st, title, body, warning, runDeletePodMsg{ref: ref, force: force}, label))
	return m
}

// ownerNote says whether the deleted pod comes back.
func ownerNote(v *cluster.NodeView, msg views.PodActionMsg) string {
	if v != nil {
		for _, r := range v.PodRows {
			if r.Namespace == msg.Namespace && r.Name == msg.Name && r.OwnerKind != "" {
				return "Its " + sanitize.Line(r.OwnerKind) + " (" + sanitize.Line(r.OwnerName) + ") creates a replacement."
			}
		}
	}
	return "It has no controller: nothing re-creates it."
}

func (m Model) runDeletePod(msg runDeletePodMsg) (Model, tea.Cmd) {
	m.dialog = nil
	runner, ctx := m.opts.Actions, m.actionCtx()
	return m, func() tea.Msg {
		return deletePodDoneMsg{ref: msg.ref, force: msg.force, err: runner.DeletePod(ctx, msg.ref, msg.force)}
	}
}

func (m Model) deletePodDone(msg deletePodDoneMsg) Model {
	if msg.err != nil {
		m.setFlash(sanitize.Line(msg.err.Error()), true)
	} else {
		m.setFlash("deleted pod "+sanitize.Line(msg.ref.Namespace+"/"+msg.ref.Name), false)
	}
	return m
}

// actionCtx is the context actions run under: cancelled when ktriage quits.
func (m Model) actionCtx() context.Context {
	if m.opts.ActionContext != nil {
		return m.opts.ActionContext
	}
	return context.Background()
}
