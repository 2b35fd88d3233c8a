package views

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/ktriage/ktriage/cluster"
	"github.com/ktriage/ktriage/diag"
	"github.com/ktriage/ktriage/themes"
)

// OpenNodeMsg is the intent to open a node's detail view.
type OpenNodeMsg struct{ Name string }

// Node list columns, in display order.
const (
	colName = iota
	colStatus
	colProblems
	colRoles
	colPods
	colCPU
	colMem
	colVersion
	colAge
	colHeartbeat
)

func nodeColumns() []Column {
	return []Column{
		{Title: "NAME", Width: 12, CutMiddle: true},
		{Title: "STATUS", Width: 8},
		{Title: "PROBLEMS", Width: 26, Flex: 6},
		{Title: "ROLES", Width: 13, Priority: 2},
		{Title: "PODS", Width: 7, Right: true, Priority: 5},
		{Title: "CPU", Width: 4, Right: true, Priority: 6},
		{Title: "MEM", Width: 4, Right: true, Priority: 6},
		{Title: "VERSION", Width: 8, Priority: 3},
		{Title: "AGE", Width: 5, Right: true, Priority: 4},
		{Title: "HEARTBEAT", Width: 9, Right: true, Priority: 7},
	}
}

// SortKey is a node list ordering.
type SortKey int

// Orderings, each bound to a shifted letter as in k9s. SortProblems (sick nodes first) is the default.
const (
	SortProblems SortKey = iota
	SortName
	SortStatus
	SortRoles
	SortPods
	SortCPU
	SortMem
	SortVersion
	SortAge
	SortHeartbeat
)

// sortColumn is the column whose title shows the sort arrow.
var sortColumn = map[SortKey]int{
	SortProblems: colProblems, SortName: colName, SortStatus: colStatus, SortRoles: colRoles,
	SortPods: colPods, SortCPU: colCPU, SortMem: colMem, SortVersion: colVersion, SortAge: colAge, SortHeartbeat: colHeartbeat,
}

// NodeListKeyMap are the node list's own keys.
type NodeListKeyMap struct {
	Open, Mark, ClearMarks key.Binding
	Sorts                  map[SortKey]key.Binding
	Actions                ActionKeyMap
	Access                 AccessKeyMap
	Diag                   DiagKeyMap
}

// DefaultNodeListKeyMap binds enter and the sort keys.
func DefaultNodeListKeyMap() NodeListKeyMap {
	b := func(k, help string) key.Binding { return key.NewBinding(key.WithKeys(k), key.WithHelp(k, help)) }
	return NodeListKeyMap{
		Open:       key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open node")),
		Mark:       key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "mark node")),
		ClearMarks: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear marks")),
		Actions:    DefaultActionKeyMap(),
		Access:     DefaultAccessKeyMap(),
		Diag:       DefaultDiagKeyMap(),
		Sorts: map[SortKey]key.Binding{
			SortProblems: b("P", "sort: problems (sick first)"), SortName: b("N", "sort: name"),
			SortStatus: b("S", "sort: status"), SortRoles: b("R", "sort: roles"), SortPods: b("O", "sort: pods"),
			SortCPU: b("C", "sort: cpu requests"), SortMem: b("M", "sort: memory requests"),
			SortVersion: b("V", "sort: kubelet version"), SortAge: b("A", "sort: age"), SortHeartbeat: b("H", "sort: heartbeat age"),
		},
	}
}

// NodeList is the node table: every node with its status, problems and load.
type NodeList struct {
	Keys   NodeListKeyMap
	table  TableView
	st     themes.Styles
	snap   *cluster.Snapshot
	now    time.Time
	sort   SortKey
	desc   bool
	width  int
	height int
	// marked are the nodes picked for an action on several nodes, by name.
	marked map[string]bool
	// rows caches each node's formatted row (for the theme, at the clock reading rowsAt), so a new
	// snapshot, a sort change or a mark formats only what changed.
	rows     rowCache
	rowsAt   time.Time
	rowsSnap *cluster.Snapshot
	intentBox
}

// rowCache holds formatted rows by node view; node views are immutable, so a pointer names one.
type rowCache map[*cluster.NodeView]cachedRow

// cachedRow is a node's formatted row and the two ages it shows, which alone change with the clock.
type cachedRow struct {
	row            Row
	age, heartbeat string
}

// rowsFor returns the rows of nodes at m.now. A snapshot shares the views of unchanged nodes with
// the one before, so at 5,000 nodes ten snapshots a second re-format only the nodes that changed;
// for the others only the AGE and HEARTBEAT cells are redone, and only when their text changed.
func (m *NodeList) rowsFor(nodes []*cluster.NodeView) rowCache {
	sameClock := m.now.Equal(m.rowsAt)
	if sameClock && m.snap == m.rowsSnap && m.rows != nil {
		return m.rows // a sort change, a mark, a resize: every row is as it was
	}
	next := make(rowCache, len(nodes))
	for _, n := range nodes {
		c, ok := m.rows[n]
		if ok && sameClock { // shared with the previous snapshot, same clock: nothing to redo
			next[n] = c
			continue
		}
		created, heartbeat := age(m.now, n.Summary.Created), age(m.now, n.Summary.Heartbeat)
		switch {
		case !ok:
			c = cachedRow{row: m.nodeRow(n), age: created, heartbeat: heartbeat}
		case c.age != created || c.heartbeat != heartbeat:
			c.row.Cells = slices.Clone(c.row.Cells)
			c.row.Cells[colAge], c.row.Cells[colHeartbeat] = created, heartbeat
			c.age, c.heartbeat = created, heartbeat
		}
		next[n] = c
	}
	m.rows, m.rowsAt, m.rowsSnap = next, m.now, m.snap
	return next
}

// NewNodeList makes an empty node list; the filter searches name, status, problems and roles.
func NewNodeList(st themes.Styles) NodeList {
	return NodeList{Keys: DefaultNodeListKeyMap(), st: st, marked: map[string]bool{},
		table: NewTableView(nodeColumns(), colName, colStatus, colProblems, colRoles)}
}

// SetSize sets the list's size.
func (m *NodeList) SetSize(w, h int) {
	m.width, m.height = w, h
	m.table.SetSize(w, h-previewHeight(h))
	m.rebuild()
}

// wideLayout is the width from which NAME and STATUS get room for their longest values
// ("Ready,SchedulingDisabled"); below it PROBLEMS keeps priority.
const wideLayout = 120

// SetSnapshot shows a new snapshot at time now; the cursor stays on the same node.
func (m *NodeList) SetSnapshot(s *cluster.Snapshot, now time.Time) {
	m.snap, m.now = s, now
	m.rebuild()
}

// SetStyles switches the theme (when the terminal's background turns out to be light).
func (m *NodeList) SetStyles(st themes.Styles) {
	m.st = st
	m.rows = nil
	m.rebuild()
}

// Selected returns the name of the node under the cursor, or "".
func (m NodeList) Selected() string { return m.table.Table.SelectedKey() }

// Marked lists the marked nodes in display order.
func (m NodeList) Marked() []string {
	var out []string
	for _, r := range m.table.Table.Rows() {
		if m.marked[r.Key] {
			out = append(out, r.Key)
		}
	}
	return out
}

// ClearMarks unmarks every node.
func (m *NodeList) ClearMarks() {
	clear(m.marked)
	m.rebuild()
}

// SetAvailability turns the action keys on or off and gives withheld ones their reason.
func (m *NodeList) SetAvailability(av Availability) {
	m.Keys.Actions = m.Keys.Actions.apply(av, &m.st)
	m.Keys.Access = m.Keys.Access.apply(av, &m.st)
}

// targets are the nodes an action on several nodes applies to: the marked ones, or the selected one.
func (m NodeList) targets() []string {
	if marked := m.Marked(); len(marked) > 0 {
		return marked
	}
	if name := m.Selected(); name != "" {
		return []string{name}
	}
	return nil
}

// Select moves the cursor to a node.
func (m *NodeList) Select(name string) { m.table.Table.SelectKey(name) }

// Filtering reports whether the filter input has focus.
func (m NodeList) Filtering() bool { return m.table.Filtering() }

// VisibleNames lists the nodes in display order (after filter and sort).
func (m NodeList) VisibleNames() []string {
	rows := m.table.Table.Rows()
	names := make([]string, len(rows))
	for i, r := range rows {
		names[i] = r.Key
	}
	return names
}

// Update handles the list's keys.
func (m NodeList) Update(msg tea.Msg) (NodeList, tea.Cmd) {
	var cmd tea.Cmd
	var handled bool
	m.table, cmd, handled = m.table.Update(msg)
	if handled || m.table.Filtering() {
		return m, cmd
	}
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, cmd
	}
	switch {
	case key.Matches(kp, m.Keys.Open):
		if name := m.Selected(); name != "" {
			m.emit(OpenNodeMsg{Name: name})
		}
		return m, nil
	case key.Matches(kp, m.Keys.Mark):
		if name := m.Selected(); name != "" {
			m.marked[name] = !m.marked[name]
			if !m.marked[name] {
				delete(m.marked, name)
			}
			m.rebuild()
			m.table.Table.Move(1)
		}
		return m, nil
	case key.Matches(kp, m.Keys.ClearMarks) && len(m.marked) > 0:
		m.ClearMarks()
		return m, nil
	case key.Matches(kp, m.Keys.Diag.NextCritical):
		m.nextCritical()
		return m, nil
	}
	if intent := m.Keys.Diag.matchDiag(kp, m.Selected()); intent != nil {
		m.emit(intent)
		return m, nil
	}
	if name := m.Selected(); name != "" {
		if intent := m.Keys.Access.matchNode(kp, name); intent != nil {
			m.emit(intent)
			return m, nil
		}
	}
	switch act := m.Keys.Actions.matchNode(kp); act {
	case ActCordon, ActUncordon:
		if nodes := m.targets(); len(nodes) > 0 {
			m.emit(NodeActionMsg{Action: act, Nodes: nodes})
		}
		return m, nil
	case ActDrain, ActMaintenance:
		// A drain needs the person's eyes on one node's pods: it takes the selected node only.
		if name := m.Selected(); name != "" {
			m.emit(NodeActionMsg{Action: act, Nodes: []string{name}})
		}
		return m, nil
	}
	for sk, b := range m.Keys.Sorts {
		if key.Matches(kp, b) {
			if m.sort == sk {
				m.desc = !m.desc
			} else {
				m.sort, m.desc = sk, false
			}
			m.rebuild()
			return m, nil
		}
	}
	return m, cmd
}

func (m *NodeList) rebuild() {
	if m.snap == nil {
		m.table.SetRows(nil)
		return
	}
	for name := range m.marked {
		if m.snap.Node(name) == nil {
			delete(m.marked, name) // a deleted node cannot be acted on
		}
	}
	nodes := sortNodes(m.snap.Nodes, m.sort, m.desc, m.now)
	rows := make([]Row, len(nodes))
	cache := m.rowsFor(nodes)
	for i, n := range nodes {
		rows[i] = m.withMark(cache[n].row)
	}
	cols := nodeColumns()
	nameW, statusW := 8, 8
	for _, n := range nodes {
		nameW = max(nameW, len(n.Summary.Name))
		statusW = max(statusW, len(n.Summary.Status))
	}
	if len(m.marked) > 0 {
		nameW += len([]rune(markPrefix))
	}
	if m.width >= wideLayout {
		cols[colName].Width, cols[colStatus].Width = min(nameW, 40), min(statusW, 24)
	} else {
		cols[colName].Width = min(nameW, 20)
	}
	// ▼ is each key's natural order (worst, largest or oldest first; names A→Z), ▲ the reverse.
	arrow := " ▼"
	if m.desc {
		arrow = " ▲"
	}
	cols[sortColumn[m.sort]].Title += arrow
	m.table.Table.SetColumns(cols)
	m.table.SetRows(rows)
}

func (m *NodeList) nodeRow(n *cluster.NodeView) Row {
	s := n.Summary
	st := &m.st
	statusStyle := st.Status(s.Status)
	problemStyle := st.Severity(s.Severity.String())
	heartbeat := age(m.now, s.Heartbeat)
	var hbStyle *lipgloss.Style
	if s.Stale {
		hbStyle = &st.Critical
	}
	roles := "<none>"
	if len(s.Roles) > 0 {
		roles = joinClean(s.Roles, ",")
	}
	pods := strconv.Itoa(s.PodCount) + "/" + strconv.FormatInt(s.MaxPods, 10)
	cells := []string{
		clean(s.Name), s.Status, orNone(clean(s.ProblemsText())), roles, pods,
		pct(requestPct(n, "cpu")), pct(requestPct(n, "memory")), clean(s.KubeletVersion),
		age(m.now, s.Created), heartbeat,
	}
	styles := make([]*lipgloss.Style, len(cells))
	styles[colStatus] = &statusStyle
	if s.Severity > cluster.SeverityNone {
		styles[colProblems] = &problemStyle
	} else {
		styles[colProblems] = &st.Muted
	}
	styles[colHeartbeat] = hbStyle
	return Row{Key: s.Name, Cells: cells, CellStyles: styles}
}

// withMark returns the row as a marked node shows, leaving the cached row as it is.
func (m *NodeList) withMark(r Row) Row {
	if !m.marked[r.Key] {
		return r
	}
	cells := slices.Clone(r.Cells)
	cells[colName] = markPrefix + cells[colName]
	r.Cells, r.Marked = cells, true
	return r
}

// markPrefix starts a marked node's name, for terminals where the marked style does not show.
const markPrefix = "• "

// View renders the list.
func (m NodeList) View() string {
	if previewHeight(m.height) == 0 {
		return m.table.View(&m.st)
	}
	// Pad the table so the preview stays at the bottom however few nodes there are.
	table := m.table.View(&m.st)
	if n := strings.Count(table, "\n") + 1; n < m.height-previewHeight(m.height) {
		table += strings.Repeat("\n", m.height-previewHeight(m.height)-n)
	}
	return table + "\n" + renderPreview(&m.st, m.selectedPreview(), m.width, m.height)
}

// selectedPreview is the selected node's problems in full, with the evidence behind each.
func (m NodeList) selectedPreview() string {
	v := m.snap.Node(m.Selected())
	if v == nil {
		return ""
	}
	s := v.Summary
	parts := []string{s.Name + " · " + s.Status}
	if len(s.Signals) == 0 {
		parts = append(parts, "no problems seen")
	}
	for _, sig := range s.Signals {
		text := sig.Text
		if sig.Detail != "" && !strings.Contains(sig.Text, sig.Detail) {
			text += " — " + sig.Detail
		}
		parts = append(parts, text)
	}
	return strings.Join(parts, " · ")
}

// ShortHelp is the footer's key hints.
func (m NodeList) ShortHelp() []key.Binding {
	if m.table.Filtering() {
		return m.table.ShortHelp()
	}
	// The footer is narrow: what a person looking at a sick node needs first, no arrows.
	a := m.Keys.Actions
	return []key.Binding{m.Keys.Open, m.Keys.Diag.NextCritical, m.Keys.Diag.Wizard, m.table.Keys.Filter, a.Cordon, a.Drain, a.Maintenance, m.Keys.Mark, a.Uncordon}
}

// nextCritical moves the cursor to the next node below it (wrapping) that has a critical finding,
// or says there is none.
func (m *NodeList) nextCritical() {
	rows := m.table.Table.Rows()
	start := m.table.Table.Cursor()
	for i := 1; i <= len(rows); i++ {
		name := rows[(start+i)%len(rows)].Key
		if v := m.snap.Node(name); v != nil && diag.Worst(v.Findings) == diag.SeverityCritical {
			m.Select(name)
			return
		}
	}
	m.emit(FlashMsg{Text: "no node has a critical finding"})
}

// FullHelp lists every key of the list, grouped.
func (m NodeList) FullHelp() [][]key.Binding {
	sorts := make([]key.Binding, 0, len(m.Keys.Sorts))
	for k := SortProblems; k <= SortHeartbeat; k++ {
		sorts = append(sorts, m.Keys.Sorts[k])
	}
	actions := append([]key.Binding{m.Keys.Mark, m.Keys.ClearMarks}, m.Keys.Actions.nodeBindings()...)
	d := m.Keys.Diag
	return [][]key.Binding{append([]key.Binding{m.Keys.Open}, m.table.FullHelp()...), actions, {d.NextCritical, d.Wizard, d.Report},
		m.Keys.Access.nodeBindings(), sorts}
}
