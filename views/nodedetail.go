package views

import (
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ktriage/ktriage/cluster"
	"github.com/ktriage/ktriage/sanitize"
	"github.com/ktriage/ktriage/themes"
)

// BackMsg is the intent to leave the current view.
type BackMsg struct{}

// DetailTab is a tab of the node detail view. Later tabs (findings, logs) are appended after these.
type DetailTab int

// The tabs, in the order of the number keys.
const (
	TabOverview DetailTab = iota
	TabPods
	TabEvents
	TabAllocations
	TabFindings
	TabKubelet
)

var tabNames = []string{"Overview", "Pods", "Events", "Allocations", "Findings", "Kubelet"}

// String names the tab.
func (t DetailTab) String() string { return tabNames[t] }

// NodeDetailKeyMap are the detail view's keys.
type NodeDetailKeyMap struct {
	NextTab, PrevTab, Back key.Binding
	Tabs                   []key.Binding
	Actions                ActionKeyMap
	Diag                   DiagKeyMap
	Access                 AccessKeyMap
	Kubelet                KubeletTabKeyMap
}

// DefaultNodeDetailKeyMap binds tab/shift+tab, the tab numbers and esc.
func DefaultNodeDetailKeyMap() NodeDetailKeyMap {
	k := NodeDetailKeyMap{
		NextTab: key.NewBinding(key.WithKeys("tab", "right"), key.WithHelp("tab", "next tab")),
		PrevTab: key.NewBinding(key.WithKeys("shift+tab", "left"), key.WithHelp("shift+tab", "previous tab")),
		Back:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Actions: DefaultActionKeyMap(),
		Diag:    DefaultDiagKeyMap(),
		Access:  DefaultAccessKeyMap(),
		Kubelet: DefaultKubeletTabKeyMap(),
	}
	for i, name := range tabNames {
		n := strconv.Itoa(i + 1)
		k.Tabs = append(k.Tabs, key.NewBinding(key.WithKeys(n), key.WithHelp(n, strings.ToLower(name))))
	}
	return k
}

// NodeDetail shows one node in tabs: Overview, Pods, Events, Allocations, Findings.
type NodeDetail struct {
	Keys     NodeDetailKeyMap
	name     string
	view     *cluster.NodeView
	now      time.Time
	st       themes.Styles
	tab      DetailTab
	overview TextPane
	findings TextPane
	kubelet  TextPane
	// kubeletPanel is what the root read from the kubelet so far.
	kubeletPanel KubeletPanel
	pods         TableView
	events       TableView
	allocPods    TableView
	width        int
	height       int
	intentBox
}

// NewNodeDetail makes the detail view of the named node.
func NewNodeDetail(st themes.Styles, name string) NodeDetail {
	return NodeDetail{
		Keys: DefaultNodeDetailKeyMap(), name: name, st: st, overview: NewTextPane(), findings: NewTextPane(), kubelet: NewTextPane(),
		// Filters search the words people look for, not the numbers: namespace, name, status, IP and
		// owner of a pod; type, reason, object, source and message of an event.
		pods:      NewTableView(podColumns(), 0, 1, 3, 8, 9),
		events:    NewTableView(eventColumns(), 1, 2, 3, 4, 6),
		allocPods: NewTableView(allocationPodColumns(), 0, 1),
	}
}

// SetStyles switches the theme.
func (m *NodeDetail) SetStyles(st themes.Styles) {
	m.st = st
	m.SetNode(m.view, m.now)
}

// Name is the node shown.
func (m NodeDetail) Name() string { return m.name }

// Tab is the tab shown.
func (m NodeDetail) Tab() DetailTab { return m.tab }

// SetTab switches tabs.
func (m *NodeDetail) SetTab(t DetailTab) { m.tab = t; m.layout() }

// Filtering reports whether a filter input has focus (the root then sends it every key).
func (m NodeDetail) Filtering() bool {
	if t := m.currentTable(); t != nil {
		return t.Filtering()
	}
	return false
}

// SetNode shows a new view of the node at time now.
func (m *NodeDetail) SetNode(v *cluster.NodeView, now time.Time) {
	if v != nil && v.Node == nil {
		v = nil // a view without its node has nothing to show
	}
	m.view, m.now = v, now
	if v == nil {
		return
	}
	m.pods.SetRows(podRows(v, now, &m.st))
	m.events.SetRows(eventRows(v, now, &m.st))
	m.allocPods.SetRows(allocationPodRows(v, now))
	m.layout()
}

// SetAvailability turns the action keys on or off and gives withheld ones their reason.
func (m *NodeDetail) SetAvailability(av Availability) {
	m.Keys.Actions = m.Keys.Actions.apply(av, &m.st)
	m.Keys.Access = m.Keys.Access.apply(av, &m.st)
}

// SetSize sets the view's size.
func (m *NodeDetail) SetSize(w, h int) { m.width, m.height = w, h; m.layout() }

// layout sizes the tab bodies: two lines for the title and tabs, the preview under tables.
func (m *NodeDetail) layout() {
	body := max(m.height-2, 0)
	tableH := max(body-m.previewHeight(), 1)
	m.pods.SetSize(m.width, tableH)
	m.events.SetSize(m.width, tableH)
	if m.view != nil {
		m.overview.SetLines(overviewLines(m.view, m.now, &m.st, m.width))
		m.findings.SetLines(findingLines(m.view.Findings, &m.st, m.width))
		m.kubelet.SetLines(kubeletLines(m.kubeletPanel, &m.st, m.width))
		summary := len(allocationSummary(m.view, &m.st, m.width)) + 1
		m.allocPods.SetSize(m.width, max(tableH-summary, 1))
	}
	m.overview.SetSize(m.width, body)
	m.findings.SetSize(m.width, body)
	m.kubelet.SetSize(m.width, body)
}

func (m *NodeDetail) currentTable() *TableView {
	switch m.tab {
	case TabPods:
		return &m.pods
	case TabEvents:
		return &m.events
	case TabAllocations:
		return &m.allocPods
	}
	return nil
}

// Update routes keys: a focused filter first, then tab switching and back, then the tab body.
func (m NodeDetail) Update(msg tea.Msg) (NodeDetail, tea.Cmd) {
	kp, isKey := msg.(tea.KeyPressMsg)
	if t := m.currentTable(); t != nil && (t.Filtering() || isKey && key.Matches(kp, m.Keys.Back) && t.Query() != "") {
		var cmd tea.Cmd
		*t, cmd, _ = t.Update(msg)
		return m, cmd
	}
	if isKey {
		switch {
		case key.Matches(kp, m.Keys.Back):
			m.emit(BackMsg{})
			return m, nil
		case key.Matches(kp, m.Keys.NextTab):
			m.enterTab((m.tab + 1) % DetailTab(len(tabNames)))
			return m, nil
		case key.Matches(kp, m.Keys.PrevTab):
			m.enterTab((m.tab + DetailTab(len(tabNames)) - 1) % DetailTab(len(tabNames)))
			return m, nil
		}
		if intent := m.Keys.Access.matchNode(kp, m.name); intent != nil {
			m.emit(intent)
			return m, nil
		}
		if m.tab == TabPods && key.Matches(kp, m.Keys.Access.Logs) {
			m.emitPodLogs()
			return m, nil
		}
		if m.tab == TabKubelet && m.kubeletKey(kp) {
			return m, nil
		}
		if intent := m.Keys.Diag.matchDiag(kp, m.name); intent != nil {
			m.emit(intent)
			return m, nil
		}
		if act := m.Keys.Actions.matchNode(kp); act != "" {
			m.emit(NodeActionMsg{Action: act, Nodes: []string{m.name}})
			return m, nil
		}
		if m.tab == TabPods && (key.Matches(kp, m.Keys.Actions.DeletePod) || key.Matches(kp, m.Keys.Actions.ForceDeletePod)) {
			m.emitPodAction(key.Matches(kp, m.Keys.Actions.ForceDeletePod))
			return m, nil
		}
		for i, b := range m.Keys.Tabs {
			if key.Matches(kp, b) {
				m.enterTab(DetailTab(i))
				return m, nil
			}
		}
	}
	if t := m.currentTable(); t != nil {
		var cmd tea.Cmd
		*t, cmd, _ = t.Update(msg)
		return m, cmd
	}
	if m.tab == TabFindings {
		m.findings, _ = m.findings.Update(msg)
		return m, nil
	}
	if m.tab == TabKubelet {
		m.kubelet, _ = m.kubelet.Update(msg)
		return m, nil
	}
	m.overview, _ = m.overview.Update(msg)
	return m, nil
}

// enterTab switches tabs; entering the Kubelet tab asks for the kubelet's configuration the
// first time (it is read on request, never polled).
func (m *NodeDetail) enterTab(t DetailTab) {
	m.SetTab(t)
	p := m.kubeletPanel
	if t == TabKubelet && len(p.Settings) == 0 && p.ConfigStatus == "" {
		m.emit(KubeletConfigMsg{Node: m.name})
	}
}

// emitPodLogs asks for the selected pod's logs; a pod with a failing container opens on it.
func (m *NodeDetail) emitPodLogs() {
	if m.view == nil {
		return
	}
	sel := m.pods.Table.SelectedKey()
	for _, p := range m.view.Pods() {
		if p.Namespace+"/"+p.Name != sel {
			continue
		}
		msg := PodLogsMsg{Node: m.name, Namespace: p.Namespace, Pod: p.Name}
		for _, c := range p.Spec.InitContainers {
			msg.Containers = append(msg.Containers, c.Name)
		}
		for _, c := range p.Spec.Containers {
			msg.Containers = append(msg.Containers, c.Name)
		}
		msg.Container = LogsContainer(p, false)
		m.emit(msg)
		return
	}
}

// emitPodAction asks to delete the selected pod.
func (m *NodeDetail) emitPodAction(force bool) {
	if m.view == nil {
		return
	}
	key := m.pods.Table.SelectedKey()
	for _, r := range m.view.PodRows {
		if r.Namespace+"/"+r.Name == key {
			act := ActDeletePod
			if force {
				act = ActForceDeletePod
			}
			m.emit(PodActionMsg{Action: act, Node: m.name, Namespace: r.Namespace, Name: r.Name, UID: r.UID})
			return
		}
	}
}

// View renders the title, the tab bar and the current tab.
func (m NodeDetail) View() string {
	if m.view == nil {
		return ""
	}
	lines := []string{padRight(m.title(), m.width), padRight(m.tabBar(), m.width)}
	switch m.tab {
	case TabOverview:
		lines = append(lines, m.overview.View())
	case TabFindings:
		lines = append(lines, m.findings.View())
	case TabKubelet:
		lines = append(lines, m.kubelet.View())
	case TabAllocations:
		lines = append(lines, strings.Join(allocationSummary(m.view, &m.st, m.width), "\n"), "", m.allocPods.View(&m.st))
		lines = append(lines, m.preview(podPreview(m.view, m.allocPods.Table.SelectedKey())))
	case TabPods:
		lines = append(lines, m.pods.View(&m.st), m.preview(podPreview(m.view, m.pods.Table.SelectedKey())))
	case TabEvents:
		lines = append(lines, m.events.View(&m.st), m.preview(eventPreview(m.view, m.events.Table.SelectedKey(), m.now)))
	}
	return strings.Join(lines, "\n")
}

func (m NodeDetail) title() string {
	s := m.view.Summary
	parts := []string{m.st.Title.Render(sanitize.Line(s.Name)), m.st.Status(s.Status).Render(s.Status)}
	if s.KubeletVersion != "" {
		parts = append(parts, m.st.Muted.Render(sanitize.Line(s.KubeletVersion)))
	}
	if s.InternalIP != "" {
		parts = append(parts, m.st.Muted.Render(sanitize.Line(s.InternalIP)))
	}
	if p := s.ProblemsText(); p != "" {
		parts = append(parts, m.st.Severity(s.Severity.String()).Render(sanitize.Line(p)))
	}
	return strings.Join(parts, "  ")
}

func (m NodeDetail) tabBar() string {
	counts := []string{"", "(" + strconv.Itoa(len(m.view.PodRows)) + ")", "(" + strconv.Itoa(len(m.view.EventRows)) + ")", "",
		"(" + strconv.Itoa(len(m.view.Findings)) + ")", ""}
	var parts []string
	for i, name := range tabNames {
		label := strconv.Itoa(i+1) + " " + name + counts[i]
		if DetailTab(i) == m.tab {
			parts = append(parts, m.st.TabActive.Render(label))
		} else {
			parts = append(parts, m.st.TabInactive.Render(label))
		}
	}
	return strings.Join(parts, m.st.TabSeparator.Render(" │ "))
}

func (m NodeDetail) previewHeight() int { return previewHeight(m.height) }

func (m NodeDetail) preview(text string) string { return renderPreview(&m.st, text, m.width, m.height) }

// ShortHelp is the footer's key hints.
func (m NodeDetail) ShortHelp() []key.Binding {
	if t := m.currentTable(); t != nil {
		if t.Filtering() {
			return t.ShortHelp()
		}
		return append(t.ShortHelp(), m.Keys.NextTab, m.Keys.Back)
	}
	if m.tab == TabKubelet {
		return append(m.kubelet.ShortHelp(), m.Keys.Access.Goroutines, m.Keys.Kubelet.Metrics, m.Keys.Kubelet.RawDump, m.Keys.NextTab, m.Keys.Back)
	}
	return append(m.overview.ShortHelp(), m.Keys.Diag.Wizard, m.Keys.NextTab, m.Keys.Back)
}

// FullHelp lists every key of the view.
func (m NodeDetail) FullHelp() [][]key.Binding {
	a := m.Keys.Actions
	actions := append(a.nodeBindings(), a.DeletePod, a.ForceDeletePod)
	access := append([]key.Binding{m.Keys.Access.Logs}, m.Keys.Access.nodeBindings()...)
	access = append(access, m.Keys.Kubelet.Metrics, m.Keys.Kubelet.RawDump, m.Keys.Kubelet.Refresh)
	return [][]key.Binding{append([]key.Binding{m.Keys.NextTab, m.Keys.PrevTab, m.Keys.Back}, m.Keys.Tabs...), actions,
		[]key.Binding{m.Keys.Diag.Wizard, m.Keys.Diag.Report}, access, m.pods.FullHelp()}
}
