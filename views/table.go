package views

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ktriage/ktriage/themes"
)

// Column describes one table column.
type Column struct {
	Title string
	// Width is the column's minimum width; Flex columns share what is left over in proportion.
	Width, Flex int
	// Right aligns numbers.
	Right bool
	// Priority decides which columns go first when the terminal is too narrow: lower goes first;
	// 0 never goes.
	Priority int
	// CutMiddle shortens long values in the middle, keeping the end: cloud node names share long
	// prefixes (gke-prod-default-pool-3f2a1b2c-xk9z) and differ at the end.
	CutMiddle bool
}

// Row is one table row of already-sanitised plain text. Styles are applied at render time, only to the
// rows on screen.
type Row struct {
	// Key identifies the row across rebuilds (a node name, namespace/pod), so the cursor can follow it.
	Key   string
	Cells []string
	// CellStyles optionally styles individual cells (a status colour); nil entries use the row style.
	CellStyles []*lipgloss.Style
	// Broken rows are drawn with the theme's RowBroken style.
	Broken bool
	// Marked rows (picked for an action on several rows) are drawn with the theme's MarkedRow style.
	Marked bool
	// Matches are the rune positions matched by the filter, per column.
	Matches map[int][]int
}

// Table is a scrolling table that renders only the rows that fit. It keeps the cursor on the same row
// key when the rows are replaced.
type Table struct {
	Columns []Column
	rows    []Row
	cursor  int
	offset  int
	width   int
	height  int // rows of data, excluding the header
	widths  []int
}

// SetSize sets the table's outer size; one line goes to the header.
func (t *Table) SetSize(width, height int) {
	t.width, t.height = width, max(height-1, 0)
	t.widths = columnWidths(t.Columns, width)
	t.clamp()
}

// SetColumns replaces the columns and lays them out again.
func (t *Table) SetColumns(cols []Column) {
	t.Columns = cols
	t.widths = columnWidths(cols, t.width)
}

// SetRows replaces the rows, keeping the cursor on the row with the same key when it still exists.
func (t *Table) SetRows(rows []Row) {
	key := t.SelectedKey()
	t.rows = rows
	if key != "" {
		for i, r := range rows {
			if r.Key == key {
				t.cursor = i
				break
			}
		}
	}
	t.clamp()
}

// Rows returns the current rows.
func (t *Table) Rows() []Row { return t.rows }

// Cursor returns the index of the selected row.
func (t *Table) Cursor() int { return t.cursor }

// SelectedKey returns the key of the selected row, or "".
func (t *Table) SelectedKey() string {
	if t.cursor < 0 || t.cursor >= len(t.rows) {
		return ""
	}
	return t.rows[t.cursor].Key
}

// Selected returns the selected row and whether there is one.
func (t *Table) Selected() (Row, bool) {
	if t.cursor < 0 || t.cursor >= len(t.rows) {
		return Row{}, false
	}
	return t.rows[t.cursor], true
}

// Move moves the cursor by delta rows.
func (t *Table) Move(delta int) { t.cursor += delta; t.clamp() }

// Top and Bottom jump to the first and last row.
func (t *Table) Top()    { t.cursor = 0; t.clamp() }
func (t *Table) Bottom() { t.cursor = len(t.rows) - 1; t.clamp() }

// Page moves by one screen of rows (negative for up).
func (t *Table) Page(dir int) { t.Move(dir * max(t.height-1, 1)) }

// SelectKey moves the cursor to the row with key, if present.
func (t *Table) SelectKey(key string) {
	for i, r := range t.rows {
		if r.Key == key {
			t.cursor = i
			t.clamp()
			return
		}
	}
}

func (t *Table) clamp() {
	t.cursor = min(max(t.cursor, 0), max(len(t.rows)-1, 0))
	if t.cursor < t.offset {
		t.offset = t.cursor
	}
	if t.height > 0 && t.cursor >= t.offset+t.height {
		t.offset = t.cursor - t.height + 1
	}
	t.offset = max(min(t.offset, len(t.rows)-t.height), 0)
}

// View renders the header and the visible rows, exactly width columns wide and at most height+1 lines.
func (t *Table) View(st *themes.Styles) string {
	var b strings.Builder
	b.WriteString(st.TableHeader.Render(t.line(t.headerCells())))
	end := min(t.offset+t.height, len(t.rows))
	for i := t.offset; i < end; i++ {
		b.WriteByte('\n')
		b.WriteString(t.renderRow(st, t.rows[i], i == t.cursor))
	}
	return b.String()
}

func (t *Table) headerCells() []string {
	cells := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		cells[i] = c.Title
	}
	return cells
}

// line lays plain cells out at the column widths (hidden columns skipped) and pads to the full width.
func (t *Table) line(cells []string) string {
	var b strings.Builder
	first := true
	for i, w := range t.widths {
		if w == 0 {
			continue
		}
		if !first {
			b.WriteString(columnGap)
		}
		first = false
		text, _ := fitColumn(cellAt(cells, i), w, t.Columns[i])
		b.WriteString(text)
	}
	return padRight(b.String(), t.width)
}

// renderRow styles a row. The selected row is rendered from plain cells in one style so its background
// runs the full width; other rows style cell by cell.
func (t *Table) renderRow(st *themes.Styles, r Row, selected bool) string {
	if selected {
		return st.SelectedRow.Render(t.line(r.Cells))
	}
	if r.Marked {
		return st.MarkedRow.Render(t.line(r.Cells))
	}
	base := st.Cell
	if r.Broken {
		base = st.RowBroken
	}
	var b strings.Builder
	used, first := 0, true
	for i, w := range t.widths {
		if w == 0 {
			continue
		}
		if !first {
			b.WriteString(columnGap)
			used += len(columnGap)
		}
		first = false
		style := base
		if i < len(r.CellStyles) && r.CellStyles[i] != nil {
			style = *r.CellStyles[i]
		}
		text, shift := fitColumn(cellAt(r.Cells, i), w, t.Columns[i])
		b.WriteString(highlight(text, shift(r.Matches[i]), style, st.FilterMatch))
		used += w
	}
	if used < t.width {
		b.WriteString(strings.Repeat(" ", t.width-used))
	}
	return b.String()
}

// columnGap separates columns.
const columnGap = "  "

func cellAt(cells []string, i int) string {
	if i < len(cells) {
		return cells[i]
	}
	return ""
}

// fitColumn fits a cell to its column and returns how filter-match positions move with the cut.
func fitColumn(s string, w int, c Column) (string, func([]int) []int) {
	same := func(p []int) []int { return p }
	runes := []rune(s)
	if !c.CutMiddle || ansi.StringWidth(s) <= w || w < 5 || len(runes) != ansi.StringWidth(s) {
		return fit(s, w, c.Right), same
	}
	head := (w - 1) / 2
	tail := w - 1 - head
	cut := len(runes) - tail
	shift := func(positions []int) []int {
		var out []int
		for _, p := range positions {
			switch {
			case p < head:
				out = append(out, p)
			case p >= cut:
				out = append(out, p-cut+head+1)
			}
		}
		return out
	}
	return string(runes[:head]) + "…" + string(runes[cut:]), shift
}

// fit truncates (with an ellipsis) or pads text to exactly w cells.
func fit(s string, w int, right bool) string {
	if ansi.StringWidth(s) > w {
		s = ansi.Truncate(s, w, "…")
	}
	pad := w - ansi.StringWidth(s)
	if pad <= 0 {
		return s
	}
	if right {
		return strings.Repeat(" ", pad) + s
	}
	return s + strings.Repeat(" ", pad)
}

func padRight(s string, w int) string {
	if n := ansi.StringWidth(s); n < w {
		return s + strings.Repeat(" ", w-n)
	} else if n > w {
		return ansi.Truncate(s, w, "")
	}
	return s
}

// highlight styles the runes at positions (indexes into the untruncated cell text; alignment padding
// may shift them, so positions are matched against the trimmed text) with match, the rest with base.
func highlight(text string, positions []int, base, match lipgloss.Style) string {
	if len(positions) == 0 {
		return base.Render(text)
	}
	lead := len(text) - len(strings.TrimLeft(text, " "))
	want := make(map[int]bool, len(positions))
	for _, p := range positions {
		want[p+lead] = true
	}
	var b, run strings.Builder
	inMatch := false
	flush := func() {
		if run.Len() == 0 {
			return
		}
		if inMatch {
			b.WriteString(match.Render(run.String()))
		} else {
			b.WriteString(base.Render(run.String()))
		}
		run.Reset()
	}
	for i, r := range []rune(text) {
		if want[i] != inMatch {
			flush()
			inMatch = want[i]
		}
		run.WriteRune(r)
	}
	flush()
	return b.String()
}

// columnWidths gives each column its minimum width, hides the lowest-priority columns until the rest
// fit, and shares the leftover among flex columns. A hidden column has width 0.
func columnWidths(cols []Column, total int) []int {
	widths := make([]int, len(cols))
	visible := make([]bool, len(cols))
	for i := range cols {
		visible[i] = true
	}
	need := func() int {
		n, count := 0, 0
		for i, c := range cols {
			if visible[i] {
				n += c.Width
				count++
			}
		}
		return n + max(count-1, 0)*len(columnGap)
	}
	for need() > total {
		drop, lowest := -1, 1<<30
		for i, c := range cols {
			if visible[i] && c.Priority > 0 && c.Priority < lowest {
				drop, lowest = i, c.Priority
			}
		}
		if drop < 0 {
			break
		}
		visible[drop] = false
	}
	flexTotal := 0
	for i, c := range cols {
		if visible[i] {
			widths[i] = c.Width
			flexTotal += c.Flex
		}
	}
	spare := total - need()
	if spare > 0 && flexTotal > 0 {
		given := 0
		lastFlex := -1
		for i, c := range cols {
			if visible[i] && c.Flex > 0 {
				extra := spare * c.Flex / flexTotal
				widths[i] += extra
				given += extra
				lastFlex = i
			}
		}
		widths[lastFlex] += spare - given
	}
	return widths
}
