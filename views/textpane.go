package views

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// TextPane scrolls a list of pre-rendered lines; only the lines on screen are joined.
type TextPane struct {
	lines  []string
	offset int
	width  int
	height int
	keys   TableKeyMap
}

// NewTextPane makes an empty pane using the table movement keys.
func NewTextPane() TextPane { return TextPane{keys: DefaultTableKeyMap()} }

// SetSize sets the pane's size.
func (p *TextPane) SetSize(w, h int) { p.width, p.height = w, h; p.clamp() }

// SetLines replaces the content, keeping the scroll position where possible.
func (p *TextPane) SetLines(lines []string) { p.lines = lines; p.clamp() }

func (p *TextPane) clamp() {
	p.offset = max(min(p.offset, len(p.lines)-p.height), 0)
}

// Update scrolls on movement keys; handled is false for other keys.
func (p TextPane) Update(msg tea.Msg) (TextPane, bool) {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return p, false
	}
	switch {
	case key.Matches(kp, p.keys.Up):
		p.offset--
	case key.Matches(kp, p.keys.Down):
		p.offset++
	case key.Matches(kp, p.keys.Top):
		p.offset = 0
	case key.Matches(kp, p.keys.Bottom):
		p.offset = len(p.lines)
	case key.Matches(kp, p.keys.PageUp):
		p.offset -= max(p.height-1, 1)
	case key.Matches(kp, p.keys.PageDown):
		p.offset += max(p.height-1, 1)
	default:
		return p, false
	}
	p.clamp()
	return p, true
}

// View renders the visible lines, each padded or cut to the width.
func (p TextPane) View() string {
	end := min(p.offset+p.height, len(p.lines))
	out := make([]string, 0, p.height)
	for _, l := range p.lines[p.offset:end] {
		out = append(out, padRight(l, p.width))
	}
	return strings.Join(out, "\n")
}

// ShortHelp lists the scroll keys.
func (p TextPane) ShortHelp() []key.Binding { return []key.Binding{p.keys.Down, p.keys.Up} }
