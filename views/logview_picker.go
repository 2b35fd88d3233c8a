package views

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// pickerKind says which list a picker shows.
type pickerKind int

const (
	pickerNone   pickerKind = iota
	pickerSource            // the pod's containers, or the node's services
	pickerRange             // tail and since
)

// pickItem is one choice; apply sets it on a source.
type pickItem struct {
	label   string
	current bool
	apply   func(*LogSource)
}

// logPicker is a small list drawn over the top of the log.
type logPicker struct {
	kind   pickerKind
	title  string
	items  []pickItem
	cursor int
}

func (p logPicker) open() bool { return p.kind != pickerNone }

// Tail and since choices of the range picker (0 = all).
var (
	logTailChoices  = []int64{100, 500, 1000, 5000, 0}
	logSinceChoices = []time.Duration{5 * time.Minute, 15 * time.Minute, time.Hour, 6 * time.Hour, 24 * time.Hour, 0}
)

// newPicker makes a picker with the cursor on the first current item.
func newPicker(kind pickerKind, title string, items []pickItem) logPicker {
	p := logPicker{kind: kind, title: title, items: items}
	if i := slices.IndexFunc(items, func(it pickItem) bool { return it.current }); i >= 0 {
		p.cursor = i
	}
	return p
}

// openSourcePicker lists the pod's containers, or the node services whose journal can be read.
func (v *LogView) openSourcePicker() {
	if v.src.Kind == LogJournal {
		names := v.src.Services
		if !slices.Contains(names, v.src.Service) {
			names = append([]string{v.src.Service}, names...)
		}
		items := make([]pickItem, len(names))
		for i, n := range names {
			items[i] = pickItem{label: clean(n), current: n == v.src.Service, apply: func(s *LogSource) { s.Service = n }}
		}
		v.picker = newPicker(pickerSource, "service", items)
		return
	}
	items := make([]pickItem, len(v.src.Containers))
	for i, n := range v.src.Containers {
		items[i] = pickItem{label: clean(n), current: n == v.src.Container, apply: func(s *LogSource) { s.Container = n }}
	}
	v.picker = newPicker(pickerSource, "container", items)
}

// openRangePicker lists how much to read: the last lines, or the lines since a time ago.
func (v *LogView) openRangePicker() {
	var items []pickItem
	for _, n := range logTailChoices {
		items = append(items, pickItem{label: "tail " + tailLabel(n), current: v.src.TailLines == n,
			apply: func(s *LogSource) { s.TailLines = n }})
	}
	for _, d := range logSinceChoices {
		items = append(items, pickItem{label: "since " + sinceLabel(d), current: v.src.Since == d,
			apply: func(s *LogSource) { s.Since = d }})
	}
	v.picker = newPicker(pickerRange, "range", items)
}

func tailLabel(n int64) string {
	if n == 0 {
		return "all"
	}
	return fmt.Sprint(n)
}

// sinceLabel prints 5m, 1h, 24h; 0 is all.
func sinceLabel(d time.Duration) string {
	switch {
	case d == 0:
		return "all"
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return d.String()
}

// updatePicker moves in the list; enter reads the choice (when it changes anything) from scratch.
func (v *LogView) updatePicker(kp tea.KeyPressMsg) {
	k := v.Keys
	p := &v.picker
	switch {
	case key.Matches(kp, k.Up):
		p.cursor = (p.cursor - 1 + len(p.items)) % len(p.items)
	case key.Matches(kp, k.Down):
		p.cursor = (p.cursor + 1) % len(p.items)
	case key.Matches(kp, k.Top):
		p.cursor = 0
	case key.Matches(kp, k.Bottom):
		p.cursor = len(p.items) - 1
	case key.Matches(kp, k.Confirm):
		next := v.src
		p.items[p.cursor].apply(&next)
		v.picker = logPicker{}
		if next.Container != v.src.Container || next.Service != v.src.Service ||
			next.TailLines != v.src.TailLines || next.Since != v.src.Since {
			v.src = next
			v.restart()
		}
	case key.Matches(kp, k.Cancel):
		v.picker = logPicker{}
	}
}

// pickerLines are the picker's rows, each of width w: its title and a window of items around the
// cursor, h rows in all.
func (v LogView) pickerLines(w, h int) []string {
	p := v.picker
	out := []string{padRight(v.st.DialogTitle.Render(ansi.Truncate(p.title, w, "…")), w)}
	n := min(len(p.items), max(h-1, 1))
	first := min(max(p.cursor-n/2, 0), len(p.items)-n)
	for i := first; i < first+n; i++ {
		it := p.items[i]
		mark := "  "
		if it.current {
			mark = "● "
		}
		line := padRight(ansi.Truncate(mark+it.label, w, "…"), w)
		if i == p.cursor {
			line = v.st.SelectedRow.Render(line)
		}
		out = append(out, line)
	}
	return out
}

// overlayPicker draws the picker over the body rows: boxed, two cells in, when there is room; in
// plain rows across the width otherwise.
func (v LogView) overlayPicker(body []string) []string {
	frameW, frameH := v.st.Dialog.GetFrameSize()
	innerW := ansi.StringWidth(v.picker.title)
	for _, it := range v.picker.items {
		innerW = max(innerW, ansi.StringWidth(it.label)+2)
	}
	innerW += 2
	const x = 2
	if len(body) < frameH+2 || v.width < x+frameW+8 {
		lines := v.pickerLines(v.width, len(body))
		if len(lines) > len(body) {
			lines = lines[1:] // no room for the title
		}
		copy(body, lines)
		return body
	}
	innerW = min(innerW, v.width-x-frameW)
	box := v.st.Dialog.Width(innerW + frameW).Render(strings.Join(v.pickerLines(innerW, len(body)-frameH), "\n"))
	for i, bl := range strings.Split(box, "\n") {
		if i >= len(body) {
			break
		}
		left := padRight(ansi.Truncate(body[i], x, ""), x)
		right := ansi.Cut(body[i], x+ansi.StringWidth(bl), v.width)
		body[i] = padRight(left+bl+right, v.width)
	}
	return body
}
