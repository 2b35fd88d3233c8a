package views

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ktriage/ktriage/themes"
)

// Dialog is a modal over the current screen: it gets every key first and answers with intents (run
// this, cancel that, close me) that the root carries out.
type Dialog interface {
	Update(msg tea.Msg) tea.Cmd
	// View is the dialog's content; the root draws it in a box.
	View() string
	Title() string
	SetSize(w, h int)
	PopIntent() tea.Msg
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
	// Typing reports whether a text field has the focus, so q and ? are typed, not obeyed.
	Typing() bool
	// MaxWidth caps the box's width (0: the whole body); a short question reads better narrow.
	MaxWidth() int
}

// CloseDialogMsg is the intent to close the dialog on top.
type CloseDialogMsg struct{}

// RenderDialog draws a dialog in the theme's box, centred in the body (w × h). The box is as tall
// as its content needs, up to the body: the drain dialog's tables take the room, a question does not.
func RenderDialog(st *themes.Styles, d Dialog, w, h int) string {
	boxW := dialogWidth(d, w)
	frameW, frameH := st.Dialog.GetFrameSize()
	innerW := max(boxW-frameW, 1)
	content := strings.Split(d.View(), "\n")
	innerH := min(len(content)+1, max(h-frameH, 1))
	title := st.DialogTitle.Render(ansi.Truncate(d.Title(), innerW, "…"))
	body := fitLines(strings.Join(content, "\n"), innerW, innerH-1)
	box := st.Dialog.Width(boxW).Render(title + "\n" + body)
	return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, box)
}

// DialogInner is the content size a dialog gets in a w × h body (one line goes to the title).
func DialogInner(st *themes.Styles, d Dialog, w, h int) (int, int) {
	frameW, frameH := st.Dialog.GetFrameSize()
	return max(dialogWidth(d, w)-frameW, 1), max(h-frameH-1, 1)
}

func dialogWidth(d Dialog, w int) int {
	if m := d.MaxWidth(); m > 0 {
		return min(w, m)
	}
	return w
}

// fitLines cuts text to w columns and h lines, padding with empty lines.
func fitLines(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if lipgloss.Width(l) > w {
			lines[i] = ansi.Truncate(l, w, "…")
		}
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// ConfirmKeyMap are a confirmation's keys.
type ConfirmKeyMap struct{ Yes, No key.Binding }

// ConfirmDialog asks a yes/no question about an action, saying exactly what will change.
type ConfirmDialog struct {
	Keys  ConfirmKeyMap
	st    *themes.Styles
	title string
	body  []string
	// warning is shown in the critical style (force delete).
	warning string
	yes     tea.Msg
	width   int
	intentBox
}

// NewConfirmDialog asks title; body says what will happen; yes is the intent sent on y or enter.
func NewConfirmDialog(st *themes.Styles, title string, body []string, warning string, yes tea.Msg, yesLabel string) *ConfirmDialog {
	return &ConfirmDialog{st: st, title: title, body: body, warning: warning, yes: yes,
		Keys: ConfirmKeyMap{
			Yes: key.NewBinding(key.WithKeys("y", "enter"), key.WithHelp("y/enter", yesLabel)),
			No:  key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "cancel")),
		}}
}

// Update answers y/enter with the action's intent and n/esc with closing.
func (d *ConfirmDialog) Update(msg tea.Msg) tea.Cmd {
	kp, ok := msg.(tea.KeyPressMsg)
	switch {
	case !ok:
	case key.Matches(kp, d.Keys.Yes):
		d.emit(d.yes)
	case key.Matches(kp, d.Keys.No):
		d.emit(CloseDialogMsg{})
	}
	return nil
}

// View lists what will happen, then the warning.
func (d *ConfirmDialog) View() string {
	lines := make([]string, 0, len(d.body)+3)
	// Bodies quote node names, annotations and server errors: sanitised here, whoever built them.
	for _, l := range d.body {
		lines = append(lines, ansi.Wrap(clean(l), max(d.width, 10), " "))
	}
	if d.warning != "" {
		lines = append(lines, "", d.st.Critical.Render(ansi.Wrap(clean(d.warning), max(d.width, 10), " ")))
	}
	lines = append(lines, "", d.st.Muted.Render("y confirm · n cancel"))
	return strings.Join(lines, "\n")
}

// Title is the question.
func (d *ConfirmDialog) Title() string { return clean(d.title) }

// SetSize sets the content width.
func (d *ConfirmDialog) SetSize(w, _ int) { d.width = w }

// ShortHelp lists y and n.
func (d *ConfirmDialog) ShortHelp() []key.Binding { return []key.Binding{d.Keys.Yes, d.Keys.No} }

// FullHelp lists y and n.
func (d *ConfirmDialog) FullHelp() [][]key.Binding { return [][]key.Binding{d.ShortHelp()} }

// Typing is false: a confirmation has no text field.
func (d *ConfirmDialog) Typing() bool { return false }

// MaxWidth keeps a question narrow enough to read at a glance.
func (d *ConfirmDialog) MaxWidth() int { return 80 }
