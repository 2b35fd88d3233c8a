package views

import tea "charm.land/bubbletea/v2"

// intentBox holds the intent (OpenNodeMsg, BackMsg, …) a view's last Update produced. The root takes
// it with PopIntent within the same Update, rather than through a tea.Cmd, so keys typed right after
// enter or esc reach the screen they were typed for.
type intentBox struct{ pending tea.Msg }

// PopIntent returns and forgets the pending intent, or nil.
func (b *intentBox) PopIntent() tea.Msg {
	in := b.pending
	b.pending = nil
	return in
}

func (b *intentBox) emit(msg tea.Msg) { b.pending = msg }
