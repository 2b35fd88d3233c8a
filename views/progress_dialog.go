package views

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ktriage/ktriage/themes"
)

// ProgressDialog shows the steps of a short action as they happen (opening a node shell) and
// offers to cancel it.
type ProgressDialog struct {
	Keys   struct{ Cancel key.Binding }
	st     *themes.Styles
	title  string
	steps  []string
	cancel tea.Msg
	width  int
	intentBox
}

// NewProgressDialog shows title; cancel is the intent sent on esc.
func NewProgressDialog(st *themes.Styles, title string, cancel tea.Msg) *ProgressDialog {
	d := &ProgressDialog{st: st, title: title, cancel: cancel}
	d.Keys.Cancel = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))
	return d
}

// AddStep appends a step; the last one is the current.
func (d *ProgressDialog) AddStep(s string) { d.steps = append(d.steps, s) }

// Update answers esc with the cancel intent.
func (d *ProgressDialog) Update(msg tea.Msg) tea.Cmd {
	if kp, ok := msg.(tea.KeyPressMsg); ok && key.Matches(kp, d.Keys.Cancel) {
		d.emit(d.cancel)
	}
	return nil
}

// View lists the steps, done ones muted.
func (d *ProgressDialog) View() string {
	lines := make([]string, 0, len(d.steps)+2)
	for i, s := range d.steps {
		text := ansi.Wrap(clean(s), max(d.width-2, 10), " ")
		if i < len(d.steps)-1 {
			lines = append(lines, d.st.Muted.Render("✓ "+text))
		} else {
			lines = append(lines, "… "+text)
		}
	}
	lines = append(lines, "", d.st.Muted.Render("esc cancel"))
	return strings.Join(lines, "\n")
}

// Title names the action.
func (d *ProgressDialog) Title() string { return clean(d.title) }

// SetSize sets the content width.
func (d *ProgressDialog) SetSize(w, _ int) { d.width = w }

// ShortHelp lists esc.
func (d *ProgressDialog) ShortHelp() []key.Binding { return []key.Binding{d.Keys.Cancel} }

// FullHelp lists esc.
func (d *ProgressDialog) FullHelp() [][]key.Binding { return [][]key.Binding{d.ShortHelp()} }

// Typing is false.
func (d *ProgressDialog) Typing() bool { return false }

// MaxWidth keeps it narrow.
func (d *ProgressDialog) MaxWidth() int { return 80 }
