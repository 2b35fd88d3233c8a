package views

import (
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// The geometry of the log body. Everything here walks only the lines on screen (or a screen's worth
// next to them), so the cost of a frame or a key does not grow with the lines held.

// Timestamp layouts: the full one when the width allows it, the time of day when narrow.
const (
	tsFull  = "2006-01-02T15:04:05.000Z07:00"
	tsShort = "15:04:05"
)

// logLayout is where the view's rows go.
type logLayout struct {
	status, input bool // a status line, the search input at the bottom
	body          int  // rows of log
}

func (v LogView) layout() logLayout {
	var l logLayout
	rest := v.height - 1 // the header
	if v.searching && rest > 0 {
		l.input, rest = true, rest-1
	}
	if rest > 0 {
		l.status, rest = true, rest-1
	}
	l.body = max(rest, 0)
	return l
}

func (v LogView) bodyHeight() int { return v.layout().body }

// tsLayout is the timestamp format shown and the cells it takes with its space ("" and 0: none).
func (v LogView) tsLayout() (string, int) {
	if !v.showTS || v.src.Kind != LogPod {
		return "", 0
	}
	switch full := len("2006-01-02T15:04:05.000Z") + 1; {
	case v.width >= full+20:
		return tsFull, full
	case v.width >= len(tsShort)+1+10:
		return tsShort, len(tsShort) + 1
	}
	return "", 0
}

// avail is the width left for the message.
func (v LogView) avail() int {
	_, w := v.tsLayout()
	return max(v.width-w, 1)
}

// logChunk is a run of a line's text: bytes [a, b), cells wide.
type logChunk struct{ a, b, cells int }

// logRow is one screen row: a line's row (rows > 0 only when wrapping) and the part of its text shown.
type logRow struct {
	seq int64
	row int
	logChunk
	left, right bool // the line is cut there (no wrap): an ellipsis is drawn
}

// wrapChunks splits text into rows of at most w cells by display width; a row holds at least one
// grapheme, so a wide rune in a 1-cell column still advances.
func wrapChunks(text string, ascii bool, w int) []logChunk {
	w = max(w, 1)
	if len(text) == 0 {
		return []logChunk{{}}
	}
	if ascii {
		out := make([]logChunk, 0, (len(text)+w-1)/w)
		for a := 0; a < len(text); a += w {
			b := min(a+w, len(text))
			out = append(out, logChunk{a, b, b - a})
		}
		return out
	}
	var out []logChunk
	var state byte
	start, cells := 0, 0
	for i := 0; i < len(text); {
		gw, n := nextGrapheme(text, i, &state)
		if cells+gw > w && i > start {
			out = append(out, logChunk{start, i, cells})
			start, cells = i, 0
		}
		cells += gw
		i += n
	}
	return append(out, logChunk{start, len(text), cells})
}

// nextGrapheme is the width and length of the grapheme at text[i:]. An ASCII character followed by
// another (or by the end) is a grapheme of one cell on its own, sanitised text having no CR LF; only
// the rest goes through the grapheme segmentation.
func nextGrapheme(text string, i int, state *byte) (width, n int) {
	if text[i] < utf8.RuneSelf && (i+1 == len(text) || text[i+1] < utf8.RuneSelf) {
		return 1, 1
	}
	_, width, n, *state = ansi.DecodeSequence(text[i:], *state, nil)
	return width, max(n, 1)
}

// cellRange is the graphemes of text wholly inside cells [from, to).
func cellRange(text string, ascii bool, from, to int) logChunk {
	if ascii {
		a := min(max(from, 0), len(text))
		b := min(max(to, a), len(text))
		return logChunk{a, b, b - a}
	}
	a, start := -1, 0
	var state byte
	for i, cells := 0, 0; i < len(text); {
		gw, n := nextGrapheme(text, i, &state)
		if a < 0 && cells >= from {
			a, start = i, cells
		}
		if a >= 0 && cells+gw > to {
			return logChunk{a, i, cells - start}
		}
		cells += gw
		i += n
		if i == len(text) && a >= 0 {
			return logChunk{a, i, cells - start}
		}
	}
	return logChunk{len(text), len(text), 0}
}

// textWidth is the display width of a line's text.
func textWidth(s string, ascii bool) int {
	if ascii {
		return len(s)
	}
	return ansi.StringWidth(s)
}

// lineRows is how many rows a held line takes.
func (v LogView) lineRows(seq int64) int {
	if !v.wrap {
		return 1
	}
	l := v.buf.at(seq)
	w := v.avail()
	if l.ascii {
		return max((len(l.text)+w-1)/w, 1)
	}
	return len(wrapped(l, w))
}

// wrapped is a line's rows at width w, from its cache when laid out at that width before.
func wrapped(l *logLine, w int) []logChunk {
	if l.chunks == nil || l.wrapW != w {
		l.chunks, l.wrapW = wrapChunks(l.text, l.ascii, w), w
	}
	return l.chunks
}

// cutRow is the row of a line when not wrapping: the cells from the horizontal offset on, with an
// ellipsis where the line goes on beyond either edge.
func (v LogView) cutRow(seq int64) logRow {
	l := v.buf.at(seq)
	w := v.avail()
	r := logRow{seq: seq}
	from := v.xoff
	if v.xoff > 0 && textWidth(l.text, l.ascii) > v.xoff {
		r.left, from = true, from+1
	}
	r.logChunk = cellRange(l.text, l.ascii, from, v.xoff+w)
	if r.b < len(l.text) {
		r.right = true
		r.logChunk = cellRange(l.text, l.ascii, from, v.xoff+w-1)
	}
	return r
}
