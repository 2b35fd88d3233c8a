package views

import (
	"fmt"
	"slices"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// Typing, extending and deleting a query gives exactly the rows and highlights a fresh search of
// the same query gives: the per-query cache and the narrowing to a cached query's matches are
// invisible, and new rows drop what was cached.
func TestFilterCacheMatchesAFreshSearch(t *testing.T) {
	rows := func(extra string) []Row {
		var out []Row
		for i := range 300 {
			name := fmt.Sprintf("node-%03d", i)
			problems := []string{"<none>", "PLEG stuck", "disk pressure", "not ready"}[i%4]
			out = append(out, Row{Key: name, Cells: []string{name, problems + extra}})
		}
		return out
	}
	cols := []Column{{Title: "NAME", Width: 12}, {Title: "PROBLEMS", Width: 20, Flex: 1}}
	fresh := func(rs []Row, q string) []Row {
		v := NewTableView(cols, 0, 1)
		v.SetSize(80, 20)
		v.SetRows(rs)
		v.query = q
		v.apply()
		return v.Table.Rows()
	}
	same := func(a, b []Row) bool {
		return slices.EqualFunc(a, b, func(x, y Row) bool { return x.Key == y.Key && fmt.Sprint(x.Matches) == fmt.Sprint(y.Matches) })
	}
	v := NewTableView(cols, 0, 1)
	v.SetSize(80, 20)
	v.SetRows(rows(""))
	v, _, _ = v.Update(press("/"))
	typed := ""
	for _, k := range []string{"n", "o", "1", "p", "backspace", "backspace", "d", "backspace", "2"} {
		if k == "backspace" {
			typed = typed[:len(typed)-1]
		} else {
			typed += k
		}
		msg := press(k)
		if k == "backspace" {
			msg = tea.KeyPressMsg{Code: tea.KeyBackspace}
		}
		v, _, _ = v.Update(msg)
		if v.Query() != typed {
			t.Fatalf("query %q, want %q", v.Query(), typed)
		}
		got, want := v.Table.Rows(), fresh(rows(""), typed)
		if !same(got, want) || len(want) == 0 {
			t.Fatalf("after %q: %v, a fresh search finds %v", typed, keys(got), keys(want))
		}
	}
	// New rows (a new snapshot) must not be answered from the old rows' cache.
	v.SetRows(rows(" pleg"))
	if got, want := v.Table.Rows(), fresh(rows(" pleg"), typed); !same(got, want) {
		t.Errorf("after new rows: %v, want %v", keys(got), keys(want))
	}
}
