package views

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ktriage/ktriage/themes"
)

func press(s string) tea.KeyPressMsg {
	switch s {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	}
	r := []rune(s)[0]
	return tea.KeyPressMsg{Code: r, Text: s}
}

func TestColumnWidthsHideLowPriorityColumnsFirst(t *testing.T) {
	cols := nodeColumns()
	w := columnWidths(cols, 80)
	hidden := map[string]bool{}
	total := 0
	for i, c := range cols {
		if w[i] == 0 {
			hidden[c.Title] = true
			continue
		}
		total += w[i] + len(columnGap)
	}
	total -= len(columnGap)
	if !hidden["ROLES"] || !hidden["VERSION"] {
		t.Errorf("at 80 columns ROLES and VERSION should go first; hidden = %v", hidden)
	}
	if hidden["NAME"] || hidden["STATUS"] || hidden["PROBLEMS"] || hidden["HEARTBEAT"] {
		t.Errorf("essential columns hidden at 80: %v", hidden)
	}
	if total != 80 {
		t.Errorf("columns fill %d cells, want exactly 80", total)
	}
	for i, c := range columnWidths(cols, 200) {
		if c == 0 {
			t.Errorf("column %s hidden at 200 columns", cols[i].Title)
		}
	}
}

func TestTableRendersOnlyVisibleRowsAtExactWidth(t *testing.T) {
	tbl := Table{Columns: []Column{{Title: "NAME", Width: 10, Flex: 1}, {Title: "N", Width: 3, Right: true}}}
	var rows []Row
	for i := range 1000 {
		rows = append(rows, Row{Key: fmt.Sprint(i), Cells: []string{fmt.Sprintf("node-%04d-with-a-long-name", i), fmt.Sprint(i)}})
	}
	tbl.SetRows(rows)
	tbl.SetSize(30, 11)
	mono := themes.Mono()
	out := tbl.View(&mono)
	lines := strings.Split(out, "\n")
	if len(lines) != 11 {
		t.Fatalf("%d lines, want header + 10 rows", len(lines))
	}
	for _, l := range lines {
		if w := ansi.StringWidth(l); w != 30 {
			t.Errorf("line %q is %d cells wide, want 30", ansi.Strip(l), w)
		}
	}
	if !strings.Contains(lines[1], "…") {
		t.Errorf("long name not cut with an ellipsis: %q", ansi.Strip(lines[1]))
	}
	tbl.Bottom()
	if last := ansi.Strip(strings.Split(tbl.View(&mono), "\n")[10]); !strings.Contains(last, "999") {
		t.Errorf("after G the last row shown is %q, want row 999", last)
	}
}

func TestCursorFollowsRowWhenRowsMove(t *testing.T) {
	tbl := Table{Columns: []Column{{Title: "NAME", Width: 10}}}
	tbl.SetSize(20, 10)
	tbl.SetRows([]Row{{Key: "a"}, {Key: "b"}, {Key: "c"}})
	tbl.Move(1)
	tbl.SetRows([]Row{{Key: "c"}, {Key: "a"}, {Key: "b"}})
	if got := tbl.SelectedKey(); got != "b" {
		t.Errorf("selected %q after reorder, want b", got)
	}
	tbl.SetRows([]Row{{Key: "a"}})
	if got := tbl.SelectedKey(); got != "a" {
		t.Errorf("selected %q after b vanished, want the nearest row a", got)
	}
}

func TestFilterFuzzyMatchesAndHighlights(t *testing.T) {
	v := NewTableView([]Column{{Title: "NAME", Width: 12}, {Title: "PROBLEMS", Width: 20, Flex: 1}}, 0, 1)
	v.SetSize(60, 10)
	v.SetRows([]Row{
		{Key: "worker-01", Cells: []string{"worker-01", "<none>"}},
		{Key: "legacy-07", Cells: []string{"legacy-07", "NotReady: PLEG not healthy"}},
		{Key: "worker-02", Cells: []string{"worker-02", "<none>"}},
	})
	v, _, _ = v.Update(press("/"))
	for _, r := range "pleg" {
		v, _, _ = v.Update(press(string(r)))
	}
	rows := v.Table.Rows()
	if len(rows) != 1 || rows[0].Key != "legacy-07" {
		t.Fatalf("filter pleg kept %v, want only legacy-07", keys(rows))
	}
	if got := rows[0].Matches[1]; len(got) != 4 {
		t.Errorf("matched positions in PROBLEMS = %v, want the 4 letters of PLEG", got)
	}
	v, _, _ = v.Update(press("enter"))
	if v.Filtering() || v.Query() != "pleg" || len(v.Table.Rows()) != 1 {
		t.Errorf("enter should keep the filter: filtering=%v query=%q rows=%d", v.Filtering(), v.Query(), len(v.Table.Rows()))
	}
	v, _, _ = v.Update(press("esc"))
	if v.Query() != "" || len(v.Table.Rows()) != 3 {
		t.Errorf("esc should clear the filter: query=%q rows=%d", v.Query(), len(v.Table.Rows()))
	}
}

func keys(rows []Row) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.Key
	}
	return out
}

// A node name pasted from an alert filters the list like typed text.
func TestPasteIntoFilter(t *testing.T) {
	v := NewTableView([]Column{{Title: "NAME", Width: 12}})
	v.SetSize(60, 10)
	v.SetRows([]Row{{Key: "worker-01", Cells: []string{"worker-01"}}, {Key: "legacy-07", Cells: []string{"legacy-07"}}})
	v, _, _ = v.Update(press("/"))
	v, _, _ = v.Update(tea.PasteMsg{Content: "legacy-07"})
	if rows := v.Table.Rows(); len(rows) != 1 || rows[0].Key != "legacy-07" || v.Query() != "legacy-07" {
		t.Errorf("after pasting, query %q rows %v; want only legacy-07", v.Query(), keys(rows))
	}
}

// Cloud node names differ at the end; a narrow NAME column keeps the end and the filter highlight.
func TestCutMiddleKeepsTheDistinctEnd(t *testing.T) {
	col := Column{Width: 15, CutMiddle: true}
	text, shift := fitColumn("gke-prod-default-pool-3f2a1b2c-xk9z", 15, col)
	if text != "gke-pro…c-xk9z" && !strings.HasSuffix(text, "xk9z") {
		t.Errorf("cut to %q, want the unique end kept", text)
	}
	if ansi.StringWidth(text) != 15 {
		t.Errorf("cut to %d cells, want 15", ansi.StringWidth(text))
	}
	// "xk9z" starts at rune 31 of the full name; after the cut it is the last four cells.
	if got := shift([]int{0, 31, 34, 10}); len(got) != 3 || got[1] != 11 || got[2] != 14 {
		t.Errorf("shifted match positions = %v, want [0 11 14] (the cut-away 10 dropped)", got)
	}
}
