package views

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/ktriage/ktriage/cluster"
	"github.com/ktriage/ktriage/themes"
)

// drainStage is where the drain dialog is.
type drainStage int

const (
	// stageSetup: options on top, the live preview under them.
	stageSetup drainStage = iota
	// stageConfirm: the person types the node's name.
	stageConfirm
	// stageRunning: progress; esc cancels.
	stageRunning
	// stageResult: how the drain ended.
	stageResult
	// stageReboot (maintenance): waiting for the node to come back with a new boot ID.
	stageReboot
	// stageSkipReboot (maintenance): the person asked to uncordon without a reboot; y confirms.
	stageSkipReboot
	// stageFinishing (maintenance): the uncordon is running.
	stageFinishing
	// stageFinished (maintenance): the flow is over, or its last step failed.
	stageFinished
)

// DrainKeyMap are the drain dialog's keys.
type DrainKeyMap struct {
	Up, Down, Toggle, Less, More, Continue, Back, ScrollUp, ScrollDown, CancelDrain, Close, SkipReboot, Uncordon key.Binding
	Yes, No                                                                                                      key.Binding
}

// DefaultDrainKeyMap binds the dialog's keys.
func DefaultDrainKeyMap() DrainKeyMap {
	b := func(help string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(keys[0], help))
	}
	return DrainKeyMap{
		Up: b("option up", "up", "k"), Down: b("option down", "down", "j"),
		Toggle: b("toggle option", "space"), Less: b("less", "left", "h"), More: b("more", "right", "l"),
		Continue: b("continue", "enter"), Back: b("back", "esc"),
		ScrollUp: b("scroll preview up", "pgup"), ScrollDown: b("scroll preview down", "pgdown"),
		CancelDrain: b("cancel the drain (the node stays cordoned)", "esc"), Close: b("close", "enter", "esc"),
		SkipReboot: b("skip waiting for a reboot, uncordon now", "s"), Uncordon: b("uncordon, end maintenance", "enter"),
		Yes: b("yes", "y"), No: b("no", "n", "esc"),
	}
}

// The option rows of the setup stage.
const (
	optIgnoreDaemonSets = iota
	optDeleteEmptyDir
	optForce
	optDisableEviction
	optSkipWait
	optGrace
	optTimeout
	optCount
)

// gracePresets and timeoutPresets are the values ←/→ step through. A zero grace period (kill at
// once) is left out on purpose: it is a force delete, not a drain.
var (
	gracePresets   = []int{-1, 5, 30, 60, 300}
	timeoutPresets = []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 30 * time.Minute}
)

// DrainDialog walks a drain, or a whole maintenance flow, from options and preview through the typed
// confirmation to progress and the result.
type DrainDialog struct {
	Keys        DrainKeyMap
	st          *themes.Styles
	node        string
	maintenance bool
	stage       drainStage
	choices     DrainChoices
	cursor      int
	seq         int
	plan        *DrainPlan
	scroll      int
	input       textinput.Model
	status      DrainStatus
	cancelling  bool
	// resumeNote says the flow is picked up where an earlier session left it.
	resumeNote string
	// view is the node's latest snapshot (the reboot step watches it).
	view          *cluster.NodeView
	drainedBootID string
	finishText    string
	finishOK      bool
	now           time.Time
	width, height int
	intentBox
}

// NewDrainDialog opens a drain of a node with the choices given (actions' defaults for this node).
// Its first intent asks for the preview.
func NewDrainDialog(st *themes.Styles, view *cluster.NodeView, choices DrainChoices, now time.Time) *DrainDialog {
	d := &DrainDialog{Keys: DefaultDrainKeyMap(), st: st, node: view.Summary.Name, choices: choices, view: view, now: now}
	d.input = textinput.New()
	d.input.Prompt = "> "
	d.input.CharLimit = 253
	d.requestPreview()
	return d
}

// NewMaintenanceDialog opens the maintenance flow of a node, where the node's recorded state says it
// is: a node already drained waits for its reboot; one whose drain did not finish drains again.
func NewMaintenanceDialog(st *themes.Styles, view *cluster.NodeView, choices DrainChoices, now time.Time) *DrainDialog {
	d := NewDrainDialog(st, view, choices, now)
	d.maintenance = true
	if m := view.Summary.Maintenance; m != nil {
		switch m.Phase {
		case cluster.MaintenanceDrained:
			d.stage, d.drainedBootID = stageReboot, m.BootID
			d.pending = nil // no preview needed
			d.resumeNote = "resumed: " + m.By + " drained this node at " + m.Started.Format(time.RFC3339) + " (flow started)"
		case cluster.MaintenanceDraining:
			d.resumeNote = "resumed: the node is cordoned but its drain did not finish; drain again to go on"
		}
	}
	return d
}

// Node is the node the dialog drains.
func (d *DrainDialog) Node() string { return d.node }

// SetPlan shows the preview answering request seq; answers to older requests are dropped.
func (d *DrainDialog) SetPlan(seq int, plan DrainPlan) {
	if seq == d.seq {
		d.plan = &plan
		d.scroll = 0
	}
}

// SetStatus shows the drain's progress. The dialog moves on only with SetEnded, once the action
// has returned (in a maintenance flow, after the flow was recorded on the node).
func (d *DrainDialog) SetStatus(s DrainStatus) {
	if d.stage == stageRunning {
		d.status = s
	}
}

// SetEnded shows how the drain ended; errText is the action's error, if any. A maintenance drain
// that ended well moves on to the reboot step.
func (d *DrainDialog) SetEnded(s DrainStatus, errText string) {
	if d.stage != stageRunning {
		return
	}
	if errText != "" && !strings.Contains(s.Summary, errText) {
		s.Summary = strings.TrimSpace(s.Summary + " " + errText)
		s.Success = false
	}
	s.Final = true
	d.status, d.cancelling, d.stage = s, false, stageResult
	if d.maintenance && s.Success {
		d.stage = stageReboot
		if d.view != nil && d.drainedBootID == "" {
			d.drainedBootID = d.view.Summary.BootID
		}
	}
}

// SetFinished shows how the maintenance flow's uncordon went.
func (d *DrainDialog) SetFinished(text string, ok bool) {
	d.stage, d.finishText, d.finishOK = stageFinished, text, ok
}

// SetNode gives the dialog the node's latest snapshot and the time.
func (d *DrainDialog) SetNode(v *cluster.NodeView, now time.Time) {
	if v != nil {
		d.view = v
		if m := v.Summary.Maintenance; m != nil && m.BootID != "" {
			d.drainedBootID = m.BootID
		}
	}
	d.now = now
}

// Rebooted reports whether the node came back with a new boot ID.
func (d *DrainDialog) Rebooted() bool {
	if d.view == nil || d.view.Node == nil {
		return false
	}
	m := cluster.Maintenance{BootID: d.drainedBootID}
	return m.Rebooted(d.view.Node)
}

// SetSize sets the content size.
func (d *DrainDialog) SetSize(w, h int) {
	d.width, d.height = w, h
	d.input.SetWidth(max(w-4, 10))
}

// MaxWidth is 0: the preview and the progress use the whole body.
func (d *DrainDialog) MaxWidth() int { return 0 }

// Typing is true while the node's name is typed.
func (d *DrainDialog) Typing() bool { return d.stage == stageConfirm }

func (d *DrainDialog) requestPreview() {
	d.seq++
	d.plan = nil
	d.emit(PreviewDrainMsg{Node: d.node, Choices: d.choices, Seq: d.seq})
}

// Update handles a key for the current stage.
func (d *DrainDialog) Update(msg tea.Msg) tea.Cmd {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		if d.stage == stageConfirm {
			var cmd tea.Cmd
			d.input, cmd = d.input.Update(msg)
			return cmd
		}
		return nil
	}
	switch d.stage {
	case stageSetup:
		d.updateSetup(kp)
	case stageConfirm:
		return d.updateConfirm(kp)
	case stageRunning:
		if key.Matches(kp, d.Keys.CancelDrain) && !d.cancelling {
			d.cancelling = true
			d.emit(CancelDrainMsg{Node: d.node})
		}
	case stageResult, stageFinished:
		if key.Matches(kp, d.Keys.Close) {
			d.emit(CloseDialogMsg{})
		}
	case stageSkipReboot:
		switch {
		case key.Matches(kp, d.Keys.Yes):
			d.stage = stageFinishing
			d.emit(FinishMaintenanceMsg{Node: d.node, SkippedReboot: true})
		case key.Matches(kp, d.Keys.No):
			d.stage = stageReboot
		}
	case stageReboot:
		switch {
		case key.Matches(kp, d.Keys.Uncordon) && d.Rebooted():
			d.stage = stageFinishing
			d.emit(FinishMaintenanceMsg{Node: d.node})
		case key.Matches(kp, d.Keys.SkipReboot):
			d.stage = stageSkipReboot
		case key.Matches(kp, d.Keys.Back):
			d.emit(CloseDialogMsg{})
		}
	}
	return nil
}

func (d *DrainDialog) updateSetup(kp tea.KeyPressMsg) {
	switch {
	case key.Matches(kp, d.Keys.Back):
		d.emit(CloseDialogMsg{})
	case key.Matches(kp, d.Keys.Up):
		d.cursor = (d.cursor + optCount - 1) % optCount
	case key.Matches(kp, d.Keys.Down):
		d.cursor = (d.cursor + 1) % optCount
	case key.Matches(kp, d.Keys.Toggle), key.Matches(kp, d.Keys.More):
		d.change(1)
	case key.Matches(kp, d.Keys.Less):
		d.change(-1)
	case key.Matches(kp, d.Keys.ScrollDown) && d.plan != nil:
		d.scroll = min(d.scroll+max(d.previewRows()-1, 1), max(len(d.plan.Rows)-d.previewRows(), 0))
	case key.Matches(kp, d.Keys.ScrollUp):
		d.scroll = max(d.scroll-max(d.previewRows()-1, 1), 0)
	case key.Matches(kp, d.Keys.Continue):
		if d.canContinue() {
			d.stage = stageConfirm
			d.input.SetValue("")
			d.input.Focus()
		}
	}
}

// canContinue: a preview for the current options exists and nothing blocks.
func (d *DrainDialog) canContinue() bool {
	return d.plan != nil && d.plan.Err == "" && d.plan.Count(PlanBlock) == 0
}

// change toggles the option under the cursor, or steps its value; either way the preview is redone.
func (d *DrainDialog) change(dir int) {
	c := &d.choices
	switch d.cursor {
	case optIgnoreDaemonSets:
		c.IgnoreDaemonSets = !c.IgnoreDaemonSets
	case optDeleteEmptyDir:
		c.DeleteEmptyDirData = !c.DeleteEmptyDirData
	case optForce:
		c.Force = !c.Force
	case optDisableEviction:
		c.DisableEviction = !c.DisableEviction
	case optSkipWait:
		c.SkipWaitUnreachable = !c.SkipWaitUnreachable
	case optGrace:
		c.GracePeriodSeconds = step(gracePresets, c.GracePeriodSeconds, dir)
	case optTimeout:
		c.Timeout = step(timeoutPresets, c.Timeout, dir)
	}
	d.requestPreview()
}

// step moves to the next (dir 1) or previous preset, wrapping; an unknown value starts at the first.
func step[T comparable](presets []T, cur T, dir int) T {
	for i, p := range presets {
		if p == cur {
			return presets[(i+dir+len(presets))%len(presets)]
		}
	}
	return presets[0]
}

func (d *DrainDialog) updateConfirm(kp tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(kp, d.Keys.Back):
		d.stage = stageSetup
		d.input.Blur()
		return nil
	case key.Matches(kp, d.Keys.Continue):
		if d.input.Value() == d.node {
			d.input.Blur()
			d.stage = stageRunning
			d.status = DrainStatus{Phase: "starting", Started: d.now}
			d.emit(StartDrainMsg{Node: d.node, Choices: d.choices, Maintenance: d.maintenance})
		}
		return nil
	}
	var cmd tea.Cmd
	d.input, cmd = d.input.Update(kp)
	return cmd
}
