package tui

import (
	"context"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"k8s.io/client-go/kubernetes"

	"github.com/ktriage/ktriage/actions"
	"github.com/ktriage/ktriage/cluster"
	"github.com/ktriage/ktriage/sanitize"
	"github.com/ktriage/ktriage/themes"
	"github.com/ktriage/ktriage/views"
)

// SnapshotMsg carries a new cluster snapshot from the watcher's pump to the UI.
type SnapshotMsg struct{ Snapshot *cluster.Snapshot }

// tickMsg refreshes ages and heartbeats once a second; it carries no data from the cluster.
type tickMsg time.Time

// Options configure the root model.
type Options struct {
	Styles themes.Styles
	Info   cluster.Info
	// ReadOnly is shown in the header and withholds every action.
	ReadOnly bool
	// Actions carries out what the person confirms; nil offers no action (as read-only).
	Actions *actions.Runner
	// ActionContext is cancelled when ktriage quits, which cancels a running drain.
	ActionContext context.Context
	// Now is the clock (tests pin it); default time.Now.
	Now func() time.Time
	// NoTick disables the once-a-second refresh (golden tests).
	NoTick bool
	// AutoTheme asks the terminal for its background colour and switches to the light theme on a
	// light background; set it when the person did not choose a theme.
	AutoTheme bool
	// ReportDir is where triage reports are written; "" is the current directory.
	ReportDir string
	// Version is ktriage's version, written into reports.
	Version string
	// Access reads logs and the kubelet and execs the node shell; nil offers none of them.
	Access cluster.Access
	// Kube answers RBAC questions before reads (SelfSubjectAccessReview); nil skips them.
	Kube kubernetes.Interface
	// Kubelet receives what was read from kubelets, for the diagnosis; may be nil.
	Kubelet KubeletSink
	// LogLines is the log viewer's ring size; 0 means views.DefaultLogLines.
	LogLines int
	// FirstTable, when set, is called after every frame of the node list that shows a synced
	// snapshot, so the first call marks the first complete table (`make bench` times it).
	FirstTable func(*cluster.Snapshot)
}

// screen is which view has the focus.
type screen int

const (
	screenList screen = iota
	screenDetail
	screenWizard
	screenLogs
)

// Model is ktriage's root model: it owns the navigation stack (list → detail), the header and footer,
// the help overlay and the flash line, and turns snapshots into view updates.
type Model struct {
	opts   Options
	st     themes.Styles
	keys   GlobalKeyMap
	help   help.Model
	snap   *cluster.Snapshot
	now    time.Time
	width  int
	height int
	screen screen
	list   views.NodeList
	detail views.NodeDetail
	wizard views.WizardView
	// wizardReturn is the screen the wizard was opened from.
	wizardReturn screen
	// logs is the log viewer; logReturn the screen it was opened from; logCancel stops its stream.
	logs      views.LogView
	logReturn screen
	logCancel context.CancelFunc
	// logViews counts the viewers opened, to give each its own stream ids.
	logViews int
	// kubelet is what was read from each node's kubelet, on request.
	kubelet map[string]*kubeletState
	// shell is the node shell being opened, or nil.
	shell *shellOpening
	// showHelp is the ? overlay.
	showHelp bool
	flash    flash
	layout   layout

	// dialog is the modal on top (a confirmation, the drain dialog), or nil.
	dialog views.Dialog
	// drain is the running drain, or nil: one at a time.
	drain *drainRun
	// perms is the RBAC preflight's answer, once permsKnown; auditErr says the audit log cannot be
	// written, which withholds every action.
	perms      actions.Permissions
	permsKnown bool
	auditErr   error
	// quitArmed is set by a first ctrl+c while a drain runs; a second one quits anyway.
	quitArmed bool
}

// flash is a one-line message in the footer that expires.
type flash struct {
	text  string
	err   bool
	until time.Time
}

// New builds the root model.
func New(opts Options) Model {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	h := help.New()
	h.Styles = opts.Styles.Help
	m := Model{opts: opts, st: opts.Styles, keys: DefaultGlobalKeyMap(), help: h,
		now: opts.Now(), list: views.NewNodeList(opts.Styles)}
	m.applyAvailability()
	return m
}

// Init starts the clock.
func (m Model) Init() tea.Cmd {
	var cmds []tea.Cmd
	if m.opts.AutoTheme {
		cmds = append(cmds, tea.RequestBackgroundColor)
	}
	if !m.opts.NoTick {
		cmds = append(cmds, tick())
	}
	if !m.availability().ReadOnly {
		cmds = append(cmds, preflight(m.actionCtx(), m.opts.Actions))
	}
	return tea.Batch(cmds...)
}

func tick() tea.Cmd {
	return tea.Tick(time.Second, func(t time.Time) tea.Msg { return tickMsg(t) })
}

// Update handles one message family per branch.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.resize(msg.Width, msg.Height)
		return m, nil
	case SnapshotMsg:
		return m.handleSnapshot(msg.Snapshot), nil
	case tickMsg:
		m.now = m.opts.Now()
		m.refresh()
		return m, tick()
	case views.OpenNodeMsg:
		return m.openNode(msg.Name), nil
	case views.BackMsg:
		m.goBack()
		return m, nil
	case permissionsMsg:
		m.perms, m.auditErr, m.permsKnown = msg.perms, msg.auditErr, true
		m.applyAvailability()
		if msg.perms.Err != nil {
			return m, retryPreflight(m.actionCtx(), m.opts.Actions)
		}
		return m, nil
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	case tea.BackgroundColorMsg:
		if m.opts.AutoTheme && !msg.IsDark() {
			m.setStyles(themes.Light())
		}
		return m, nil
	}
	if next, cmd, ok := m.handleAction(msg); ok {
		return next, cmd
	}
	if next, cmd, ok := m.handleDiagnosis(msg); ok {
		return next, cmd
	}
	if next, cmd, ok := m.handleAccess(msg); ok {
		return next, cmd
	}
	if m.dialog != nil && m.dialog.Typing() {
		return m.dialogUpdate(msg) // the text field's cursor blink
	}
	return m.forward(msg)
}

// handleAction routes the intents and results of actions; ok is false for other messages.
func (m Model) handleAction(msg tea.Msg) (_ Model, _ tea.Cmd, ok bool) {
	switch msg := msg.(type) {
	case views.NodeActionMsg:
		next, cmd := m.requestNodeAction(msg)
		return next, cmd, true
	case views.PodActionMsg:
		return m.requestPodAction(msg), nil, true
	case views.CloseDialogMsg:
		m.dialog = nil
		return m, nil, true
	case runCordonMsg:
		next, cmd := m.runCordon(msg)
		return next, cmd, true
	case cordonDoneMsg:
		return m.cordonDone(msg), nil, true
	case runDeletePodMsg:
		next, cmd := m.runDeletePod(msg)
		return next, cmd, true
	case deletePodDoneMsg:
		return m.deletePodDone(msg), nil, true
	case views.PreviewDrainMsg:
		next, cmd := m.previewDrain(msg)
		return next, cmd, true
	case previewDoneMsg:
		if d := m.drainDialog(msg.node); d != nil {
			d.SetPlan(msg.seq, msg.plan)
		}
		return m, nil, true
	case views.StartDrainMsg:
		next, cmd := m.startDrainRun(msg)
		return next, cmd, true
	case drainProgressMsg:
		next, cmd := m.drainProgress(msg)
		return next, cmd, true
	case drainEndedMsg:
		return m.drainEnded(msg), nil, true
	case views.CancelDrainMsg:
		return m.cancelDrain(msg), nil, true
	case views.FinishMaintenanceMsg:
		next, cmd := m.finishMaintenance(msg)
		return next, cmd, true
	case finishDoneMsg:
		return m.finishDone(msg), nil, true
	}
	return m, nil, false
}

// handleIntent carries out a view's intent now, within the same Update.
func (m Model) handleIntent(intent tea.Msg) (Model, tea.Cmd) {
	if intent == nil {
		return m, nil
	}
	next, cmd := m.Update(intent)
	return next.(Model), cmd
}

// dialogUpdate hands a message to the dialog and carries out its intent.
func (m Model) dialogUpdate(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := m.dialog.Update(msg)
	next, more := m.handleIntent(m.dialog.PopIntent())
	return next, tea.Batch(cmd, more)
}

func (m *Model) resize(w, h int) {
	m.width, m.height = w, h
	m.layout = computeLayout(w, h)
	m.help.SetWidth(w)
	m.list.SetSize(m.layout.body.w, m.layout.body.h)
	m.detail.SetSize(m.layout.body.w, m.layout.body.h)
	m.wizard.SetSize(m.layout.body.w, m.layout.body.h)
	m.logs.SetSize(m.layout.body.w, m.layout.body.h)
	if m.dialog != nil {
		m.dialog.SetSize(views.DialogInner(&m.st, m.dialog, m.layout.body.w, m.layout.body.h))
	}
}

func (m Model) handleSnapshot(s *cluster.Snapshot) Model {
	m.snap = s
	m.now = m.opts.Now()
	if m.screen == screenDetail && s.Synced && s.Node(m.detail.Name()) == nil {
		m.screen = screenList
		m.setFlash("node "+sanitize.Line(m.detail.Name())+" was deleted", true)
	}
	if m.screen == screenWizard && s.Synced && s.Node(m.wizard.Node()) == nil {
		m.screen = screenList
		m.setFlash("node "+sanitize.Line(m.wizard.Node())+" was deleted", true)
	}
	m.refresh()
	return m
}

// refresh pushes the current snapshot and clock into the views.
func (m *Model) refresh() {
	m.list.SetSnapshot(m.snap, m.now)
	if m.screen == screenDetail {
		m.detail.SetNode(m.snap.Node(m.detail.Name()), m.now)
	}
	if m.screen == screenWizard {
		if f := m.snap.Facts(m.wizard.Node()); f != nil {
			m.wizard.SetFacts(f)
		}
	}
	if d, ok := m.dialog.(*views.DrainDialog); ok {
		d.SetNode(m.snap.Node(d.Node()), m.now)
	}
}

func (m Model) openNode(name string) Model {
	v := m.snap.Node(name)
	if v == nil {
		m.setFlash("node "+sanitize.Line(name)+" no longer exists", true)
		return m
	}
	m.detail = views.NewNodeDetail(m.st, name)
	m.detail.SetAvailability(m.availability())
	m.detail.SetSize(m.layout.body.w, m.layout.body.h)
	m.detail.SetNode(v, m.now)
	m.screen = screenDetail
	return m
}

// setStyles switches every view to another theme.
func (m *Model) setStyles(st themes.Styles) {
	m.st = st
	m.help.Styles = st.Help
	m.list.SetStyles(st)
	m.detail.SetStyles(st)
	m.wizard.SetStyles(st)
	m.logs.SetStyles(st)
	m.applyAvailability() // withheld actions are greyed in the theme's own muted style
}

func (m *Model) setFlash(text string, isErr bool) {
	m.flash = flash{text: text, err: isErr, until: m.opts.Now().Add(5 * time.Second)}
}

// handleKey routes a key: the help overlay, then ctrl+c, then a focused filter, then global keys, then
// the focused view.
func (m Model) handleKey(kp tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if key.Matches(kp, m.keys.ForceQuit) {
		if m.drain != nil && !m.quitArmed {
			m.quitArmed = true
			m.setFlash("a drain of "+sanitize.Line(m.drain.node)+" is running: esc in its dialog cancels it; ctrl+c again quits and cancels it", true)
			return m, nil
		}
		return m, tea.Quit
	}
	m.quitArmed = false
	if m.showHelp {
		if key.Matches(kp, m.keys.Help, m.keys.Close, m.keys.Quit) {
			m.showHelp = false
		}
		return m, nil
	}
	if m.dialog != nil {
		if key.Matches(kp, m.keys.Help) && !m.dialog.Typing() {
			m.showHelp = true
			return m, nil
		}
		return m.dialogUpdate(kp)
	}
	if m.focusedFiltering() {
		return m.forward(kp)
	}
	switch {
	case key.Matches(kp, m.keys.Help):
		m.showHelp = true
		return m, nil
	case key.Matches(kp, m.keys.Quit) && m.screen == screenList:
		return m, tea.Quit
	case key.Matches(kp, m.keys.Quit):
		m.goBack()
		return m, nil
	}
	return m.forward(kp)
}

// goBack leaves the screen: a wizard returns to where it was opened, which is brought up to date
// (a hidden screen is not refreshed while the wizard shows).
func (m *Model) goBack() {
	if m.screen == screenLogs {
		m.stopLogStream()
		m.screen = m.logReturn
		m.refresh()
		return
	}
	if m.screen == screenWizard {
		m.screen = m.wizardReturn
	} else {
		m.screen = screenList
	}
	m.refresh()
}

func (m Model) focusedFiltering() bool {
	switch m.screen {
	case screenWizard:
		return false
	case screenLogs:
		return m.logs.Filtering()
	case screenDetail:
		return m.detail.Filtering()
	}
	return m.list.Filtering()
}

// forward hands a message to the focused view.
func (m Model) forward(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	var intent tea.Msg
	switch m.screen {
	case screenLogs:
		m.logs, cmd = m.logs.Update(msg)
		intent = m.logs.PopIntent()
	case screenWizard:
		m.wizard, cmd = m.wizard.Update(msg)
		intent = m.wizard.PopIntent()
	case screenDetail:
		m.detail, cmd = m.detail.Update(msg)
		intent = m.detail.PopIntent()
	default:
		m.list, cmd = m.list.Update(msg)
		intent = m.list.PopIntent()
	}
	if intent != nil {
		// Handled now, not through a command: a key typed right after enter belongs to the new screen.
		next, more := m.Update(intent)
		return next, tea.Batch(cmd, more)
	}
	return m, cmd
}

// Snapshot returns the snapshot on screen (tests read it).
func (m Model) Snapshot() *cluster.Snapshot { return m.snap }

// Screen names the focused view for tests: "list", "detail:<node>" or "wizard:<node>".
func (m Model) Screen() string {
	if m.screen == screenWizard {
		return "wizard:" + m.wizard.Node()
	}
	if m.screen == screenLogs {
		return "logs:" + m.logs.Source().Node
	}
	if m.screen == screenDetail {
		return "detail:" + m.detail.Name()
	}
	return "list"
}

// FlashText is the current flash message, if any.
func (m Model) FlashText() string {
	if m.opts.Now().After(m.flash.until) {
		return ""
	}
	return m.flash.text
}
