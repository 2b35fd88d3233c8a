package views

import (
	"math"
	"slices"
)

func (p logPos) before(o logPos) bool { return p.seq < o.seq || p.seq == o.seq && p.row < o.row }

// back is p moved up n rows, stopping at the first row held.
func (v LogView) back(p logPos, n int) logPos {
	first := v.buf.First()
	for n > 0 {
		if p.row >= n {
			p.row -= n
			return p
		}
		n -= p.row + 1
		if p.seq <= first {
			return logPos{first, 0}
		}
		p.seq--
		p.row = v.lineRows(p.seq) - 1
	}
	return p
}

// forward is p moved down n rows, stopping at the last row held.
func (v LogView) forward(p logPos, n int) logPos {
	for n > 0 {
		rows := v.lineRows(p.seq)
		if p.row+n < rows {
			p.row += n
			return p
		}
		n -= rows - p.row
		if p.seq+1 >= v.buf.Next() {
			return logPos{p.seq, rows - 1}
		}
		p = logPos{p.seq + 1, 0}
	}
	return p
}

// bottomTop is the first row shown when the newest row is at the bottom.
func (v LogView) bottomTop() logPos {
	if v.buf.Len() == 0 {
		return logPos{v.buf.Next(), 0}
	}
	last := v.buf.Next() - 1
	return v.back(logPos{last, v.lineRows(last) - 1}, max(v.bodyHeight()-1, 0))
}

// clampPos keeps a first row inside the lines held and no lower than bottomTop.
func (v LogView) clampPos(p logPos) logPos {
	if v.buf.Len() == 0 {
		return logPos{v.buf.Next(), 0}
	}
	if p.seq < v.buf.First() {
		return logPos{v.buf.First(), 0}
	}
	bt := v.bottomTop()
	if p.seq >= v.buf.Next() {
		return bt
	}
	p.row = min(max(p.row, 0), v.lineRows(p.seq)-1)
	if bt.before(p) {
		return bt
	}
	return p
}

// startPos is the first row shown.
func (v LogView) startPos() logPos {
	if v.pinned {
		return v.bottomTop()
	}
	return v.clampPos(v.top)
}

// visibleRows are the rows on screen, top to bottom: from the first row shown down, or, pinned (or
// when that leaves rows empty), walking up from the newest line. Each line on screen is laid out
// once, and no other.
func (v LogView) visibleRows() []logRow {
	h := v.bodyHeight()
	if h <= 0 || v.buf.Len() == 0 {
		return nil
	}
	rows := make([]logRow, 0, h)
	if !v.pinned {
		start := v.top
		if start.seq < v.buf.First() {
			start = logPos{v.buf.First(), 0}
		}
		for seq := start.seq; seq < v.buf.Next() && len(rows) < h; seq++ {
			line := v.lineLayout(seq)
			r := 0
			if seq == start.seq {
				r = min(max(start.row, 0), len(line)-1)
			}
			for ; r < len(line) && len(rows) < h; r++ {
				rows = append(rows, line[r])
			}
		}
		if len(rows) == h {
			return rows
		}
		rows = rows[:0]
	}
	for seq := v.buf.Next() - 1; seq >= v.buf.First() && len(rows) < h; seq-- {
		line := v.lineLayout(seq)
		for r := len(line) - 1; r >= 0 && len(rows) < h; r-- {
			rows = append(rows, line[r])
		}
	}
	slices.Reverse(rows)
	return rows
}

// lineLayout is the rows of a held line.
func (v LogView) lineLayout(seq int64) []logRow {
	if !v.wrap {
		return []logRow{v.cutRow(seq)}
	}
	chunks := wrapped(v.buf.at(seq), v.avail())
	rows := make([]logRow, len(chunks))
	for i, c := range chunks {
		rows[i] = logRow{seq: seq, row: i, logChunk: c}
	}
	return rows
}

// pause unpins the view where it is.
func (v *LogView) pause() {
	if v.pinned {
		v.top = v.bottomTop()
		v.pinned, v.unseen = false, 0
	}
}

// scrollUp moves up n rows, pausing the view; with everything on one screen there is nowhere to go.
func (v *LogView) scrollUp(n int) {
	p := v.startPos()
	np := v.back(p, n)
	if v.buf.Len() == 0 || v.pinned && np == p {
		return
	}
	v.pause()
	v.top = np
}

// scrollDown moves down n rows; reaching the newest row pins the view again.
func (v *LogView) scrollDown(n int) {
	if v.pinned || v.buf.Len() == 0 {
		return
	}
	v.top = v.clampPos(v.forward(v.clampPos(v.top), n))
	if v.top == v.bottomTop() {
		v.pin()
	}
}

// scrollTop shows the oldest line held.
func (v *LogView) scrollTop() {
	if v.buf.Len() == 0 || v.bottomTop() == (logPos{v.buf.First(), 0}) {
		return
	}
	v.pause()
	v.top = logPos{v.buf.First(), 0}
}

// scrollSideways moves the cut lines a quarter of the width left or right, no further than the
// widest line on screen needs.
func (v *LogView) scrollSideways(dir int) {
	if v.wrap {
		v.flash = "wrap is on: w to cut long lines and scroll sideways"
		return
	}
	w := v.avail()
	widest := 0
	for _, r := range v.visibleRows() {
		l := v.buf.at(r.seq)
		widest = max(widest, textWidth(l.text, l.ascii))
	}
	v.xoff = min(max(v.xoff+dir*max(w/4, 1), 0), max(widest-w+2, 0))
}

// jump makes the next (dir > 0) or previous match current and scrolls it into view. Without a
// current match, n starts from the top of the screen and N from its bottom.
func (v *LogView) jump(dir int) {
	if v.query == "" {
		v.flash = "no search: / to search"
		return
	}
	rows := v.visibleRows()
	var (
		m           logMatch
		wrapped, ok bool
		top, bottom = v.buf.First(), v.buf.First()
	)
	if len(rows) > 0 {
		top, bottom = rows[0].seq, rows[len(rows)-1].seq
	}
	if dir > 0 {
		m, wrapped, ok = v.buf.nextMatch(logMatch{top, -1})
	} else {
		m, wrapped, ok = v.buf.prevMatch(logMatch{bottom, math.MaxInt})
	}
	if !ok {
		v.flash = "no match for " + v.query
		return
	}
	switch {
	case wrapped && dir > 0:
		v.flash = "search hit bottom, continuing at top"
	case wrapped:
		v.flash = "search hit top, continuing at bottom"
	}
	v.show(m)
}

// jumpFirst makes current the newest match on screen or above it (or else the first below) and
// shows it: after a search, the nearest occurrence in the past.
func (v *LogView) jumpFirst() {
	rows := v.visibleRows()
	bottom := v.buf.First()
	if len(rows) > 0 {
		bottom = rows[len(rows)-1].seq
	}
	m, wrapped, ok := v.buf.prevBefore(logMatch{bottom, math.MaxInt})
	if !ok {
		v.flash = "no match for " + v.query
		return
	}
	if wrapped {
		m, _, _ = v.buf.nextAfter(logMatch{bottom, math.MaxInt})
	}
	v.show(m)
}

// show scrolls a match into view, pausing the view: sideways when lines are cut, and a third down the
// screen when its row is not on screen already.
func (v *LogView) show(m logMatch) {
	v.pause()
	l := v.buf.at(m.seq)
	w := v.avail()
	row := 0
	if v.wrap {
		for i, c := range wrapped(l, w) {
			if m.off >= c.a {
				row = i
			}
		}
	} else {
		start := textWidth(l.text[:m.off], l.ascii)
		end := start + textWidth(l.text[m.off:min(m.off+len(v.buf.Query()), len(l.text))], l.ascii)
		lo, hi := v.xoff, v.xoff+w
		if v.xoff > 0 {
			lo++
		}
		if textWidth(l.text, l.ascii) > hi {
			hi--
		}
		if start < lo || end > hi {
			v.xoff = max(start-w/3, 0)
		}
	}
	for _, r := range v.visibleRows() {
		if r.seq == m.seq && r.row == row {
			return
		}
	}
	v.top = v.clampPos(v.back(logPos{m.seq, row}, v.bodyHeight()/3))
}
