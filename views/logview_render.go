package views

import (
	"strconv"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// View draws the header, the status line, the rows of log on screen and, while searching, the
// search input: exactly the view's height in lines, none wider than its width. Only the rows on
// screen are laid out, so a frame costs the same with 100 lines held as with 100,000.
func (v LogView) View() string {
	if v.width <= 0 || v.height <= 0 {
		return ""
	}
	lay := v.layout()
	out := make([]string, 0, v.height)
	out = append(out, fitRow(v.headerLine(), v.width))
	if lay.status {
		out = append(out, fitRow(v.statusLine(), v.width))
	}
	body := v.bodyLines(lay.body)
	if v.picker.open() && len(body) > 0 {
		body = v.overlayPicker(body)
	}
	out = append(out, body...)
	if lay.input {
		out = append(out, fitRow(v.input.View(), v.width))
	}
	return strings.Join(out, "\n")
}

// fitRow cuts a styled row to w cells with an ellipsis, and pads it to w.
func fitRow(s string, w int) string {
	if ansi.StringWidth(s) > w {
		s = ansi.Truncate(s, w, "…")
	}
	return padRight(s, w)
}

// headerLine names what is read: "ns/pod › container previous · node", "node › kubelet journal".
func (v LogView) headerLine() string {
	st, s := &v.st, v.src
	sep := st.Muted.Render(" › ")
	if s.Kind == LogJournal {
		what := st.Muted.Render(" journal")
		if s.Document {
			what = ""
		}
		return st.Title.Render(clean(s.Node)) + sep + st.Value.Render(clean(s.Service)) + what
	}
	h := st.Title.Render(clean(s.Namespace) + "/" + clean(s.Pod))
	if s.Container != "" {
		h += sep + st.Value.Render(clean(s.Container))
	}
	if s.Previous {
		h += " " + st.Warning.Render("previous instance")
	}
	if s.Node != "" {
		h += st.Muted.Render(" · " + clean(s.Node))
	}
	return h
}

// statusLine is the stream's state, a transient message, the search, how many lines are held and
// the range read.
func (v LogView) statusLine() string {
	st := &v.st
	parts := []string{v.stateText()}
	if v.flash != "" {
		parts = append(parts, st.FlashInfo.Render(v.flash))
	}
	if v.query != "" {
		parts = append(parts, v.searchStatus())
	}
	parts = append(parts, st.Muted.Render(v.countText()))
	if r := v.rangeText(); r != "" {
		parts = append(parts, st.Muted.Render(r))
	}
	if v.live() && !v.lastTS.IsZero() {
		if d := v.now().Sub(v.lastTS); d >= time.Minute {
			parts = append(parts, st.Muted.Render("last line "+age(v.now(), v.lastTS)+" ago"))
		}
	}
	return strings.Join(parts, st.Muted.Render(" · "))
}

// stateText says whether the log is following, paused, loading, ended or broken, and what key to press.
func (v LogView) stateText() string {
	st := &v.st
	again := " — r to resume"
	if v.src.Kind == LogJournal || v.src.Previous {
		again = " — r to reload"
	}
	switch v.state {
	case logLoading:
		return st.Muted.Render("loading…")
	case logStopped:
		return st.Muted.Render("not following — f to follow")
	case logBroken:
		if v.req.Kind == LogJournal {
			return st.Critical.Render("could not read: "+v.endErr) + st.Muted.Render(again)
		}
		return st.Critical.Render("stream broken: "+v.endErr) + st.Muted.Render(again)
	case logEnded:
		switch {
		case v.endNote != "":
			return st.Warning.Render(v.endNote) + st.Muted.Render(again)
		case v.req.Document:
			return st.Muted.Render("read" + again)
		case v.req.Kind == LogJournal:
			return st.Muted.Render("journal read" + again)
		case v.req.Previous:
			return st.Muted.Render("end of the previous instance's log" + again)
		case v.req.Follow:
			return st.Warning.Render("stream ended: container terminated") + st.Muted.Render(again)
		}
		return st.Muted.Render("end of log — f to follow")
	}
	if !v.req.Follow {
		return st.Muted.Render("reading…")
	}
	if v.pinned {
		return st.OK.Render("● following")
	}
	if v.unseen > 0 {
		return st.Warning.Render("paused") + st.Muted.Render(" ("+thousands(int64(v.unseen))+" new) — G or f to follow")
	}
	return st.Warning.Render("paused") + st.Muted.Render(" — G or f to follow")
}

// searchStatus is the query and where the current match is among the matches ("3/17").
func (v LogView) searchStatus() string {
	st := &v.st
	q := st.FilterPrompt.Render("/" + v.query)
	n := v.buf.Matches()
	switch _, i, ok := v.buf.Current(); {
	case n == 0:
		return q + " " + st.Warning.Render("no match")
	case ok:
		return q + " " + st.Value.Render(thousands(int64(i+1))+"/"+thousands(int64(n)))
	}
	if n == 1 {
		return q + " " + st.Value.Render("1 match")
	}
	return q + " " + st.Value.Render(thousands(int64(n))+" matches")
}

// countText is "1,234 lines", or "last 10,000 lines · 3,412 older dropped" once the ring is full.
func (v LogView) countText() string {
	n := int64(v.buf.Len())
	unit := " lines"
	if n == 1 {
		unit = " line"
	}
	if d := v.buf.Dropped(); d > 0 {
		return "last " + thousands(n) + unit + " · " + thousands(d) + " older dropped"
	}
	return thousands(n) + unit
}

// rangeText is the range chosen: "tail 500", "since 1h", both, or "" for everything.
func (v LogView) rangeText() string {
	var parts []string
	if v.src.TailLines > 0 {
		parts = append(parts, "tail "+thousands(v.src.TailLines))
	}
	if v.src.Since > 0 {
		parts = append(parts, "since "+sinceLabel(v.src.Since))
	}
	return strings.Join(parts, ", ")
}

// thousands prints n with comma separators.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// bodyLines are the h rows of log, padded to the width; the first says so when there are none.
func (v LogView) bodyLines(h int) []string {
	if h <= 0 {
		return nil
	}
	out := make([]string, 0, h)
	rows := v.visibleRows()
	kit := v.rowKit()
	for _, r := range rows {
		out = append(out, v.renderRow(r, &kit))
	}
	if len(rows) == 0 {
		msg := "waiting for lines…"
		if v.state == logEnded || v.state == logBroken || v.state == logStopped {
			msg = "no lines"
		}
		out = append(out, fitRow(v.st.Muted.Render(msg), v.width))
	}
	for len(out) < h {
		out = append(out, strings.Repeat(" ", v.width))
	}
	return out
}

// styleWrap is a style taken apart into the sequences before and after its text, once per frame,
// so that styling a piece of a row costs two writes rather than a Render. Themes' text styles have
// no padding, margin or width, so the parts are the same for any text; when a probe does not come
// back whole, the style is rendered as usual.
type styleWrap struct {
	pre, post string
	style     lipgloss.Style
	ok        bool
}

func wrapStyle(s lipgloss.Style) styleWrap {
	const probe = "x"
	out := s.Render(probe)
	i := strings.Index(out, probe)
	if i < 0 || strings.Count(out, probe) != 1 {
		return styleWrap{style: s}
	}
	return styleWrap{pre: out[:i], post: out[i+len(probe):], style: s, ok: true}
}

func (w styleWrap) write(b *strings.Builder, text string) {
	if !w.ok {
		b.WriteString(w.style.Render(text))
		return
	}
	b.WriteString(w.pre)
	b.WriteString(text)
	b.WriteString(w.post)
}

// logRowKit is what drawing the rows of a frame needs, worked out once.
type logRowKit struct {
	format                string // timestamp layout, "" for none
	prefW                 int    // cells the timestamp takes with its space
	muted, match, current styleWrap
	cur                   logMatch
	hasCur                bool
	qlen                  int
}

func (v LogView) rowKit() logRowKit {
	k := logRowKit{muted: wrapStyle(v.st.Muted), qlen: len(v.buf.Query())}
	k.format, k.prefW = v.tsLayout()
	if k.qlen > 0 {
		k.match, k.current = wrapStyle(v.st.FilterMatch), wrapStyle(v.st.SelectedRow)
		k.cur, _, k.hasCur = v.buf.Current()
	}
	return k
}

// renderRow draws one row: the timestamp (or the indent of a continuation), the text with the
// search's matches highlighted, and the ellipses of a cut line; padded to the width.
func (v LogView) renderRow(r logRow, k *logRowKit) string {
	l := v.buf.at(r.seq)
	var b strings.Builder
	b.Grow(r.b - r.a + v.width + 32)
	width := r.cells
	if k.prefW > 0 {
		if r.row == 0 && !l.ts.IsZero() {
			k.muted.write(&b, l.ts.UTC().Format(k.format))
			b.WriteByte(' ')
		} else {
			b.WriteString(strings.Repeat(" ", k.prefW))
		}
		width += k.prefW
	}
	if r.left {
		k.muted.write(&b, "…")
		width++
	}
	v.writeHighlighted(&b, l, r, k)
	if r.right {
		k.muted.write(&b, "…")
		width++
	}
	if width > v.width {
		return fitRow(b.String(), v.width)
	}
	b.WriteString(strings.Repeat(" ", v.width-width))
	return b.String()
}

// writeHighlighted writes the row's text with the matches on it styled, the current one apart.
func (v LogView) writeHighlighted(b *strings.Builder, l *logLine, r logRow, k *logRowKit) {
	text := l.text
	var offs []int
	if k.qlen > 0 {
		offs = v.buf.matchesOn(r.seq)
	}
	pos := r.a
	for _, off := range offs {
		s, e := max(off, r.a), min(off+k.qlen, r.b)
		if s >= e {
			continue
		}
		b.WriteString(text[pos:s])
		if k.hasCur && k.cur.seq == r.seq && k.cur.off == off {
			k.current.write(b, text[s:e])
		} else {
			k.match.write(b, text[s:e])
		}
		pos = e
	}
	b.WriteString(text[pos:r.b])
}
