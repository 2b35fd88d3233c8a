package views

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ktriage/ktriage/sanitize"
)

// LogKeyMap are the log view's keys.
type LogKeyMap struct {
	Up, Down, PageUp, PageDown, Top, Bottom, Left, Right    key.Binding
	Follow, Resume, Previous, Pick, Range, Timestamps, Wrap key.Binding
	Search, Next, Prev, Save, Back                          key.Binding
	// Confirm and Cancel answer the search input and the pickers.
	Confirm, Cancel key.Binding
}

// DefaultLogKeyMap binds less-like movement, f to follow, / n N to search and one letter per toggle.
func DefaultLogKeyMap() LogKeyMap {
	return LogKeyMap{
		Up:         key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "up")),
		Down:       key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "down")),
		PageUp:     key.NewBinding(key.WithKeys("pgup", "ctrl+b", "ctrl+u"), key.WithHelp("pgup", "page up")),
		PageDown:   key.NewBinding(key.WithKeys("pgdown", "ctrl+f", "ctrl+d", "space"), key.WithHelp("pgdn", "page down")),
		Top:        key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "oldest")),
		Bottom:     key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "newest, follow")),
		Left:       key.NewBinding(key.WithKeys("h", "left"), key.WithHelp("←/h", "scroll left")),
		Right:      key.NewBinding(key.WithKeys("l", "right"), key.WithHelp("→/l", "scroll right")),
		Follow:     key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "follow on/off")),
		Resume:     key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "resume")),
		Previous:   key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "previous container")),
		Pick:       key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "container")),
		Range:      key.NewBinding(key.WithKeys("T"), key.WithHelp("T", "tail/since")),
		Timestamps: key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "timestamps")),
		Wrap:       key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "wrap")),
		Search:     key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search")),
		Next:       key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "next match")),
		Prev:       key.NewBinding(key.WithKeys("N"), key.WithHelp("N", "previous match")),
		Save:       key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "save to file")),
		Back:       key.NewBinding(key.WithKeys("esc", "q"), key.WithHelp("esc", "back")),
		Confirm:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose")),
		Cancel:     key.NewBinding(key.WithKeys("esc", "q"), key.WithHelp("esc", "cancel")),
	}
}

// enableFor disables the keys that mean nothing for the source: journals carry their own timestamps,
// are read once (r reloads) and have no previous instance; a pod with one container has no choice.
func (k *LogKeyMap) enableFor(src LogSource) {
	journal := src.Kind == LogJournal
	k.Timestamps.SetEnabled(!journal)
	k.Follow.SetEnabled(!journal)
	k.Previous.SetEnabled(!journal)
	if journal {
		k.Pick.SetHelp("c", "service")
		k.Resume.SetHelp("r", "reload")
	} else {
		k.Pick.SetEnabled(len(src.Containers) > 1)
	}
}

// ShortHelp is the footer's key hints, for the view's current mode.
func (v LogView) ShortHelp() []key.Binding {
	k := v.Keys
	switch {
	case v.searching:
		confirm := k.Confirm
		confirm.SetHelp("enter", "search")
		return []key.Binding{confirm, k.Cancel}
	case v.picker.open():
		return []key.Binding{k.Confirm, k.Down, k.Up, k.Cancel}
	}
	return []key.Binding{v.followKey(), v.resumeKey(), k.Search, k.Next, k.Pick, k.Previous, k.Range, k.Wrap, k.Timestamps, k.Save, k.Back}
}

// FullHelp lists every key of the view.
func (v LogView) FullHelp() [][]key.Binding {
	k := v.Keys
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom, k.Left, k.Right},
		{v.followKey(), v.resumeKey(), k.Pick, k.Previous, k.Range, k.Save},
		{k.Search, k.Next, k.Prev, k.Wrap, k.Timestamps, k.Back},
	}
}

// followKey names what f does now.
func (v LogView) followKey() key.Binding {
	b := v.Keys.Follow
	switch {
	case v.src.Previous:
		b.SetEnabled(false)
	case v.live() && v.pinned:
		b.SetHelp(b.Help().Key, "stop following")
	default:
		b.SetHelp(b.Help().Key, "follow")
	}
	return b
}

// resumeKey is shown only when r does something.
func (v LogView) resumeKey() key.Binding {
	b := v.Keys.Resume
	if v.src.Kind == LogPod {
		if v.src.Previous {
			b.SetHelp(b.Help().Key, "reload")
		} else {
			b.SetEnabled(v.state == logEnded || v.state == logBroken)
		}
	}
	return b
}

// handleKey runs a key of the log itself (no input or picker open).
func (v LogView) handleKey(kp tea.KeyPressMsg) (LogView, tea.Cmd) {
	k := v.Keys
	switch {
	case key.Matches(kp, k.Up):
		v.scrollUp(1)
	case key.Matches(kp, k.Down):
		v.scrollDown(1)
	case key.Matches(kp, k.PageUp):
		v.scrollUp(max(v.bodyHeight()-1, 1))
	case key.Matches(kp, k.PageDown):
		v.scrollDown(max(v.bodyHeight()-1, 1))
	case key.Matches(kp, k.Top):
		v.scrollTop()
	case key.Matches(kp, k.Bottom):
		v.pin()
	case key.Matches(kp, k.Left):
		v.scrollSideways(-1)
	case key.Matches(kp, k.Right):
		v.scrollSideways(1)
	case key.Matches(kp, k.Follow):
		v.toggleFollow()
	case key.Matches(kp, k.Resume):
		v.resumeOrReload()
	case key.Matches(kp, k.Previous):
		v.src.Previous = !v.src.Previous
		v.src.Follow = !v.src.Previous
		v.restart()
	case key.Matches(kp, k.Pick):
		v.openSourcePicker()
	case key.Matches(kp, k.Range):
		v.openRangePicker()
	case key.Matches(kp, k.Timestamps):
		v.showTS = !v.showTS
		v.top.row = 0
	case key.Matches(kp, k.Wrap):
		v.wrap = !v.wrap
		v.top.row, v.xoff = 0, 0
	case key.Matches(kp, k.Search):
		return v, v.openSearch()
	case key.Matches(kp, k.Next):
		v.jump(1)
	case key.Matches(kp, k.Prev):
		v.jump(-1)
	case key.Matches(kp, k.Save):
		if v.buf.Len() == 0 {
			v.flash = "nothing to save yet"
			break
		}
		v.emit(LogSaveMsg{Source: v.src, Lines: v.saveLines()})
	case kp.String() == "esc" && v.query != "":
		v.setQuery("") // the first esc ends the search, the next one leaves
		v.input.Reset()
	case key.Matches(kp, k.Back):
		v.emit(BackMsg{})
	}
	return v, nil
}

// toggleFollow: on a live stream pinned to the end, f stops it; paused, it pins the view again;
// otherwise it resumes following after the last line held.
func (v *LogView) toggleFollow() {
	switch {
	case v.src.Previous:
		v.flash = "the previous container's log is complete; p for the current one"
	case v.live() && v.pinned:
		v.stop()
	case v.live():
		v.pin()
	default:
		v.resume()
	}
}

// resumeOrReload: journals and previous logs are read again from scratch; a pod log whose stream
// ended resumes after its last line.
func (v *LogView) resumeOrReload() {
	switch {
	case v.src.Kind == LogJournal || v.src.Previous:
		v.restart()
	case v.state == logEnded || v.state == logBroken || v.state == logStopped:
		v.resume()
	case v.live():
		v.flash = "already following"
	default:
		v.flash = "still reading"
	}
}

// openSearch focuses the search input on the active query.
func (v *LogView) openSearch() tea.Cmd {
	v.searching = true
	v.confirmed = v.query
	v.confirmedCur, _, v.hadCur = v.buf.Current()
	v.input.SetValue(v.query)
	v.input.CursorEnd()
	return v.input.Focus()
}

// updateSearch feeds the search input; matches are highlighted as the query is typed, enter jumps to
// the nearest one and esc puts the previous search back.
func (v LogView) updateSearch(msg tea.Msg) (LogView, tea.Cmd) {
	if kp, ok := msg.(tea.KeyPressMsg); ok {
		v.flash = ""
		switch {
		case key.Matches(kp, v.Keys.Confirm):
			v.searching = false
			v.input.Blur()
			v.setQuery(v.input.Value())
			v.confirmed = v.query
			if v.query != "" {
				v.jumpFirst()
			}
			return v, nil
		case kp.String() == "esc":
			v.searching = false
			v.input.Blur()
			v.input.SetValue(v.confirmed)
			v.setQuery(v.confirmed)
			if v.hadCur {
				v.buf.setCurrent(v.confirmedCur)
			}
			return v, nil
		}
	}
	var cmd tea.Cmd
	v.input, cmd = v.input.Update(msg)
	v.setQuery(v.input.Value())
	return v, cmd
}

// setQuery searches for q (sanitised; "" ends the search).
func (v *LogView) setQuery(q string) {
	q = sanitize.Line(q)
	if q == v.query {
		return
	}
	v.query = q
	v.buf.setQuery(q)
}
