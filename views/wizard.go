package views

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ktriage/ktriage/diag"
	"github.com/ktriage/ktriage/themes"
)

// WizardKeyMap are the wizard view's keys.
type WizardKeyMap struct {
	Up, Down, Select, Back, Forward, PageUp, PageDown, Choose, Report, Close key.Binding
}

// DefaultWizardKeyMap binds arrows, enter, 1–9 (answers), tab (another wizard), r and esc.
func DefaultWizardKeyMap() WizardKeyMap {
	return WizardKeyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "previous choice")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "next choice")),
		Select:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "continue / choose")),
		Back:     key.NewBinding(key.WithKeys("left", "h", "backspace"), key.WithHelp("←", "previous step")),
		Forward:  key.NewBinding(key.WithKeys("right", "l"), key.WithHelp("→", "next step")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+b"), key.WithHelp("pgup", "scroll up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+f"), key.WithHelp("pgdn", "scroll down")),
		Choose:   key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "another wizard")),
		Report:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "write triage report")),
		Close:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close")),
	}
}

// routable are the actions the wizard offers as choices; the others stay in the text.
var routable = map[diag.ActionKind]bool{
	diag.ActCordon: true, diag.ActUncordon: true, diag.ActDrain: true, diag.ActMaintenance: true, diag.ActDeletePod: true,
	diag.ActPodLogs: true, diag.ActNodeShell: true, diag.ActNodeLog: true, diag.ActGoroutines: true,
}

// WizardView walks one node through a guided diagnosis: first a choice of wizard (the one that fits
// the findings proposed), then one step at a time with the path taken above it.
type WizardView struct {
	Keys     WizardKeyMap
	st       themes.Styles
	node     string
	facts    *diag.Facts
	wizards  []*diag.Wizard
	reason   string
	picking  bool
	choice   int
	walk     diag.Walk
	cursor   int
	offset   int
	width    int
	height   int
	readOnly bool
	intentBox
}

// NewWizardView opens the wizard choice for the node, the proposed wizard selected.
func NewWizardView(st themes.Styles, node string, facts *diag.Facts) WizardView {
	w := WizardView{Keys: DefaultWizardKeyMap(), st: st, node: node, facts: facts, wizards: diag.Wizards(), picking: true}
	proposed, reason := diag.Propose(facts.Findings)
	w.reason = reason
	for i, wz := range w.wizards {
		if wz.ID == proposed {
			w.choice = i
		}
	}
	return w
}

// Node is the node walked.
func (w WizardView) Node() string { return w.node }

// Walking reports whether a wizard was chosen, and which.
func (w WizardView) Walking() (string, bool) {
	if w.picking {
		return "", false
	}
	return w.walk.Wizard.ID, true
}

// Current is the visit on screen (tests read it).
func (w WizardView) Current() diag.Visit { return w.walk.Current() }

// Trail is the path walked so far, for the report; nil before a wizard is chosen.
func (w WizardView) Trail() *diag.Trail {
	if w.picking {
		return nil
	}
	t := w.walk.Trail()
	return &t
}

// SetFacts re-evaluates the page on screen against the node's new state.
func (w *WizardView) SetFacts(f *diag.Facts) {
	w.facts = f
	if !w.picking {
		w.walk.Refresh(f)
		w.clampCursor()
	}
}

// SetReadOnly hides the actions that would change the cluster.
func (w *WizardView) SetReadOnly(ro bool) { w.readOnly = ro }

// SetStyles switches the theme.
func (w *WizardView) SetStyles(st themes.Styles) { w.st = st }

// SetSize sets the view's size.
func (w *WizardView) SetSize(width, height int) { w.width, w.height = width, height }

// choices are the selectable items of the page: answers, or the conclusion's actions and the report.
func (w WizardView) choices() []string {
	if w.picking {
		out := make([]string, len(w.wizards))
		for i, wz := range w.wizards {
			out[i] = wz.Title
		}
		return out
	}
	p := w.walk.Current().Page
	switch p.Status {
	case diag.StatusQuestion:
		out := make([]string, len(p.Answers))
		for i, a := range p.Answers {
			out[i] = a.Label
		}
		return out
	case diag.StatusConclusion:
		var out []string
		for _, a := range w.actions() {
			out = append(out, a.Label)
		}
		return append(out, "write the triage report")
	}
	return nil
}

// actions are the conclusion's actions ktriage can route.
func (w WizardView) actions() []diag.Action {
	var out []diag.Action
	if w.readOnly {
		return nil
	}
	for _, a := range w.walk.Current().Page.Actions {
		if routable[a.Kind] {
			out = append(out, a)
		}
	}
	return out
}

func (w *WizardView) clampCursor() {
	n := len(w.choices())
	w.cursor = max(min(w.cursor, n-1), 0)
}

// Update handles the wizard's keys.
func (w WizardView) Update(msg tea.Msg) (WizardView, tea.Cmd) {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return w, nil
	}
	n := len(w.choices())
	switch {
	case key.Matches(kp, w.Keys.Close):
		w.emit(BackMsg{})
	case key.Matches(kp, w.Keys.Up):
		if w.picking {
			w.choice = max(w.choice-1, 0)
		} else {
			w.cursor = max(w.cursor-1, 0)
		}
	case key.Matches(kp, w.Keys.Down):
		if w.picking {
			w.choice = min(w.choice+1, n-1)
		} else {
			w.cursor = min(w.cursor+1, max(n-1, 0))
		}
	case key.Matches(kp, w.Keys.PageUp):
		w.offset = max(w.offset-max(w.height/2, 1), 0)
	case key.Matches(kp, w.Keys.PageDown):
		w.offset += max(w.height/2, 1)
	case key.Matches(kp, w.Keys.Report):
		w.emit(ReportMsg{Node: w.node, Trail: w.Trail()})
	case w.picking && key.Matches(kp, w.Keys.Select):
		w.walk = diag.Begin(w.wizards[w.choice], w.facts)
		w.picking, w.cursor, w.offset = false, 0, 0
	case w.picking:
	case key.Matches(kp, w.Keys.Choose):
		w.picking = true
	case key.Matches(kp, w.Keys.Back):
		w.moved(w.walk.Back())
	case key.Matches(kp, w.Keys.Forward):
		w.moved(w.walk.Forward(w.facts) || w.walk.Continue(w.facts))
	case key.Matches(kp, w.Keys.Select):
		w.choose(w.cursor)
	default:
		if d, err := strconv.Atoi(kp.String()); err == nil && d >= 1 && d <= n && w.walk.Current().Page.Status == diag.StatusQuestion {
			w.choose(d - 1)
		}
	}
	return w, nil
}

func (w *WizardView) moved(ok bool) {
	if ok {
		w.cursor, w.offset = 0, 0
		if a := w.walk.Current().Answer; a >= 0 {
			w.cursor = a
		}
	}
}

// choose acts on the page: continue a check, answer a question, or take a conclusion's choice.
func (w *WizardView) choose(i int) {
	p := w.walk.Current().Page
	switch p.Status {
	case diag.StatusQuestion:
		w.moved(w.walk.Answer(i, w.facts))
	case diag.StatusConclusion:
		acts := w.actions()
		if i < len(acts) {
			w.emit(WizardActionMsg{Node: w.node, Action: acts[i]})
		} else {
			w.emit(ReportMsg{Node: w.node, Trail: w.Trail()})
		}
	default:
		w.moved(w.walk.Continue(w.facts))
	}
}

// statusMark is the path's mark for a page outcome.
func (w WizardView) statusMark(s diag.Status) string {
	switch s {
	case diag.StatusOK:
		return w.st.OK.Render("✓")
	case diag.StatusProblem:
		return w.st.Critical.Render("✗")
	case diag.StatusQuestion:
		return w.st.Warning.Render("?")
	case diag.StatusConclusion:
		return w.st.Info.Render("■")
	}
	return w.st.Info.Render("•")
}

// View renders the title, the path taken, and the current page.
func (w WizardView) View() string {
	if w.width <= 0 || w.height <= 0 {
		return ""
	}
	var head, body []string
	cursorLine := -1
	if w.picking {
		head = append(head, w.st.Title.Render("Guided diagnosis of "+clean(w.node)), w.st.Muted.Render("Proposed: "+clean(w.reason)))
		for i, wz := range w.wizards {
			line := "  " + wz.Title
			if i == w.choice {
				line = w.st.SelectedRow.Render("▶ " + wz.Title)
				cursorLine = len(body)
			}
			body = append(body, line)
			body = append(body, wrapLines("    "+w.st.Muted.Render(wz.Purpose), w.width, "    ")...)
		}
	} else {
		head = append(head, w.st.Title.Render(w.walk.Wizard.Title)+w.st.Muted.Render(" · node "+clean(w.node)))
		head = append(head, w.pathLines()...)
		body, cursorLine = w.pageLines()
	}
	head = append(head, w.st.Muted.Render(strings.Repeat("─", max(w.width, 1))))
	room := max(w.height-len(head), 1)
	offset := min(w.offset, max(len(body)-room, 0))
	if cursorLine >= 0 && cursorLine >= offset+room {
		offset = cursorLine - room + 1
	}
	body = body[offset:min(len(body), offset+room)]
	lines := append(head, body...)
	for i, l := range lines {
		lines[i] = padRight(l, w.width)
	}
	return strings.Join(lines[:min(len(lines), w.height)], "\n")
}

// pathLines lists the steps taken (the last few), the current one highlighted, with the answers given.
func (w WizardView) pathLines() []string {
	path := w.walk.Path()
	pos := w.walk.Position()
	const shown = 5
	start := max(0, pos-shown+1)
	var out []string
	if start > 0 {
		out = append(out, w.st.Muted.Render(fmt.Sprintf("  … %d earlier steps", start)))
	}
	for i := start; i < len(path) && i <= pos+1; i++ {
		v := path[i]
		text := v.Page.Title
		if v.Answer >= 0 {
			text += " → " + v.Page.Answers[v.Answer].Label
		}
		line := fmt.Sprintf(" %s %d. %s", w.statusMark(v.Page.Status), i+1, clean(text))
		if i == pos {
			line = w.st.TabActive.Render("▶") + line[1:]
		} else if i > pos {
			line = w.st.Muted.Render(line)
		}
		out = append(out, truncateTo(line, w.width))
	}
	return out
}

// pageLines renders the current page; cursorLine is the line of the selected choice.
func (w WizardView) pageLines() (lines []string, cursorLine int) {
	p := w.walk.Current().Page
	cursorLine = -1
	resultStyle := w.st.Info
	switch p.Status {
	case diag.StatusOK:
		resultStyle = w.st.OK
	case diag.StatusProblem:
		resultStyle = w.st.Critical
	case diag.StatusQuestion:
		resultStyle = w.st.Warning
	}
	lines = append(lines, wrapLines(w.st.SectionTitle.Render(clean(p.Title)), w.width, "  ")...)
	if p.Result != "" {
		lines = append(lines, wrapLines("  "+resultStyle.Render(clean(p.Result)), w.width, "  ")...)
	}
	lines = append(lines, pageBody(&w.st, w.width, p.Evidence, p.Why, p.NextSteps, nil)...)
	if p.Command != "" {
		where := "Run:"
		if p.OnNode {
			where = "Run on the node:"
		}
		lines = append(lines, "", "  "+w.st.Label.Render(where))
		lines = append(lines, wrapLines("    "+w.st.Value.Render(clean(p.Command)), w.width, "      ")...)
	}
	choices := w.choices()
	if len(choices) > 0 {
		label := "What did you see?"
		if p.Status == diag.StatusConclusion {
			label = "What ktriage can do now"
		}
		lines = append(lines, "", "  "+w.st.Label.Render(label))
		for i, c := range choices {
			prefix := "    "
			if p.Status == diag.StatusQuestion {
				prefix = fmt.Sprintf("    %d. ", i+1)
			}
			line := prefix + clean(c)
			if i == w.cursor {
				cursorLine = len(lines)
				line = w.st.SelectedRow.Render(truncateTo("  ▶ "+strings.TrimLeft(prefix, " ")+clean(c), w.width))
			}
			lines = append(lines, line)
		}
	} else if p.Next != "" {
		lines = append(lines, "", "  "+w.st.Muted.Render("enter: next step"))
	}
	return lines, cursorLine
}

// truncateTo cuts a styled line to width.
func truncateTo(s string, width int) string { return ansi.Truncate(s, max(width, 1), "…") }

// ShortHelp is the footer's key hints.
func (w WizardView) ShortHelp() []key.Binding {
	if w.picking {
		return []key.Binding{w.Keys.Select, w.Keys.Up, w.Keys.Down, w.Keys.Close}
	}
	return []key.Binding{w.Keys.Select, w.Keys.Back, w.Keys.Forward, w.Keys.Report, w.Keys.Choose, w.Keys.Close}
}

// FullHelp lists every key of the view.
func (w WizardView) FullHelp() [][]key.Binding {
	k := w.Keys
	return [][]key.Binding{{k.Select, k.Up, k.Down, k.Back, k.Forward}, {k.PageUp, k.PageDown, k.Choose, k.Report, k.Close}}
}
