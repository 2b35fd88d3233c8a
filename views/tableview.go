package views

import (
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/sahilm/fuzzy"

	"github.com/ktriage/ktriage/themes"
)

// TableKeyMap are the keys every table answers to.
type TableKeyMap struct {
	Up, Down, Top, Bottom, PageUp, PageDown key.Binding
	Filter, ApplyFilter, ClearFilter        key.Binding
}

// DefaultTableKeyMap is vim-style movement plus arrows, and / to filter.
func DefaultTableKeyMap() TableKeyMap {
	return TableKeyMap{
		Up:          key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "up")),
		Down:        key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "down")),
		Top:         key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "top")),
		Bottom:      key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "bottom")),
		PageUp:      key.NewBinding(key.WithKeys("pgup", "ctrl+b", "ctrl+u"), key.WithHelp("pgup", "page up")),
		PageDown:    key.NewBinding(key.WithKeys("pgdown", "ctrl+f"), key.WithHelp("pgdn", "page down")),
		Filter:      key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		ApplyFilter: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep filter")),
		ClearFilter: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
	}
}

// TableView is a Table with a fuzzy filter (github.com/sahilm/fuzzy) over chosen columns, matched
// characters highlighted, and the best matches first while a query is active.
type TableView struct {
	Table      Table
	Keys       TableKeyMap
	all        []Row
	searchCols []int
	// search is the searchable text of all, built on the first filtered apply after SetRows, so
	// typing a query costs the matching, not the joining of every row's cells again.
	search    *searchIndex
	input     textinput.Model
	filtering bool
	query     string
	width     int
	height    int
}

// NewTableView makes a table whose filter searches the given columns (all when none are given).
func NewTableView(cols []Column, searchCols ...int) TableView {
	in := textinput.New()
	in.Prompt = "/"
	in.Placeholder = "filter"
	in.CharLimit = 253 // the longest object name Kubernetes allows
	if len(searchCols) == 0 {
		for i := range cols {
			searchCols = append(searchCols, i)
		}
	}
	return TableView{Table: Table{Columns: cols}, Keys: DefaultTableKeyMap(), searchCols: searchCols, input: in}
}

// SetSize sets the outer size; a line goes to the filter prompt while one is shown.
func (v *TableView) SetSize(width, height int) {
	v.width, v.height = width, height
	v.input.SetWidth(max(width-3, 1))
	v.layout()
}

func (v *TableView) layout() {
	h := v.height
	if v.filterShown() {
		h--
	}
	v.Table.SetSize(v.width, h)
}

func (v TableView) filterShown() bool { return v.filtering || v.query != "" }

// SetRows replaces the full row set and re-applies the filter.
func (v *TableView) SetRows(rows []Row) {
	v.all, v.search = rows, nil
	v.apply()
}

// searchIndex is the text a filter searches, one entry per row of TableView.all, and the results of
// the queries typed since: backspace finds its answer cached, and a query that extends a cached
// one searches only that one's matches (a fuzzy match of "ab" is a match of "a").
type searchIndex struct {
	src     rowSource
	offsets [][]int
	results map[string]queryResult
}

// queryResult is one query's rows, in order, and the indexes into TableView.all they came from.
type queryResult struct {
	rows    []Row
	indexes []int
}

// maxCachedQueries bounds the cache; a person types a few dozen queries between two row sets.
const maxCachedQueries = 64

// Filtering reports whether the filter input has focus; the parent must then send it every key.
func (v TableView) Filtering() bool { return v.filtering }

// Query is the active filter text.
func (v TableView) Query() string { return v.query }

// Update handles movement and filter keys. handled is false for keys the table does not use.
func (v TableView) Update(msg tea.Msg) (TableView, tea.Cmd, bool) {
	kp, isKey := msg.(tea.KeyPressMsg)
	if v.filtering {
		if !isKey {
			// Pastes (bracketed paste) and cursor blinks: the input takes them, the results follow.
			var cmd tea.Cmd
			v.input, cmd = v.input.Update(msg)
			_, pasted := msg.(tea.PasteMsg)
			v.syncQuery()
			return v, cmd, pasted
		}
		switch {
		case key.Matches(kp, v.Keys.ClearFilter):
			v.filtering, v.query = false, ""
			v.input.Reset()
			v.input.Blur()
		case key.Matches(kp, v.Keys.ApplyFilter):
			v.filtering = false
			v.input.Blur()
		case kp.String() == "down":
			// Arrows move through the results while typing; letters (j, k) go to the input.
			v.Table.Move(1)
			return v, nil, true
		case kp.String() == "up":
			v.Table.Move(-1)
			return v, nil, true
		default:
			return v.typeKey(kp)
		}
		v.apply()
		return v, nil, true
	}
	if !isKey {
		return v, nil, false
	}
	switch {
	case key.Matches(kp, v.Keys.Up):
		v.Table.Move(-1)
	case key.Matches(kp, v.Keys.Down):
		v.Table.Move(1)
	case key.Matches(kp, v.Keys.Top):
		v.Table.Top()
	case key.Matches(kp, v.Keys.Bottom):
		v.Table.Bottom()
	case key.Matches(kp, v.Keys.PageUp):
		v.Table.Page(-1)
	case key.Matches(kp, v.Keys.PageDown):
		v.Table.Page(1)
	case key.Matches(kp, v.Keys.Filter):
		v.filtering = true
		v.input.SetValue(v.query)
		v.input.CursorEnd()
		v.layout()
		return v, v.input.Focus(), true
	case key.Matches(kp, v.Keys.ClearFilter) && v.query != "":
		v.query = ""
		v.input.Reset()
		v.apply()
	default:
		return v, nil, false
	}
	return v, nil, true
}

func (v TableView) typeKey(kp tea.KeyPressMsg) (TableView, tea.Cmd, bool) {
	var cmd tea.Cmd
	v.input, cmd = v.input.Update(kp)
	v.syncQuery()
	return v, cmd, true
}

// syncQuery applies the input's text when it changed.
func (v *TableView) syncQuery() {
	if q := v.input.Value(); q != v.query {
		v.query = q
		v.apply()
		v.Table.Top()
	}
}

// apply filters the rows by the query; with an empty query every row shows in its given order.
func (v *TableView) apply() {
	v.layout()
	q := strings.TrimSpace(v.query)
	if q == "" {
		v.Table.SetRows(v.all)
		return
	}
	v.Table.SetRows(v.filter(q))
}

// filter returns the rows matching q, best first, from the cache when it can.
func (v *TableView) filter(q string) []Row {
	if v.search == nil {
		v.search = &searchIndex{src: make(rowSource, len(v.all)), offsets: make([][]int, len(v.all)), results: map[string]queryResult{}}
		for i, r := range v.all {
			v.search.src[i], v.search.offsets[i] = searchText(r, v.searchCols)
		}
	}
	idx := v.search
	if res, ok := idx.results[q]; ok {
		return res.rows
	}
	// Search the matches of the longest cached query q extends, else every row.
	var candidates []int
	for p, res := range idx.results {
		if strings.HasPrefix(q, p) && (candidates == nil || len(res.indexes) < len(candidates)) {
			candidates = res.indexes
		}
	}
	src := idx.src
	if candidates != nil {
		src = make(rowSource, len(candidates))
		for i, c := range candidates {
			src[i] = idx.src[c]
		}
	}
	matches := fuzzy.FindFromNoSort(q, src)
	sort.SliceStable(matches, func(i, j int) bool { return matches[i].Score > matches[j].Score })
	res := queryResult{rows: make([]Row, len(matches)), indexes: make([]int, len(matches))}
	for i, m := range matches {
		at := m.Index
		if candidates != nil {
			at = candidates[at]
		}
		r := v.all[at]
		r.Matches = matchesByColumn(idx.src[at], m.MatchedIndexes, idx.offsets[at], v.searchCols)
		res.rows[i], res.indexes[i] = r, at
	}
	// Keep the indexes in row order: a later, longer query's matches keep the order of the rows.
	slices.Sort(res.indexes)
	if len(idx.results) >= maxCachedQueries {
		clear(idx.results)
	}
	idx.results[q] = res
	return res.rows
}

type rowSource []string

func (s rowSource) String(i int) string { return s[i] }
func (s rowSource) Len() int            { return len(s) }

// searchText joins the searchable cells with spaces; offsets are the byte offsets where each starts.
func searchText(r Row, cols []int) (string, []int) {
	var b strings.Builder
	offsets := make([]int, len(cols))
	for i, c := range cols {
		if i > 0 {
			b.WriteByte(' ')
		}
		offsets[i] = b.Len()
		b.WriteString(cellAt(r.Cells, c))
	}
	return b.String(), offsets
}

// matchesByColumn turns fuzzy's byte indexes into the joined text into rune positions per column.
func matchesByColumn(text string, idx []int, offsets []int, cols []int) map[int][]int {
	out := map[int][]int{}
	for _, bi := range idx {
		col := 0
		for i := range offsets {
			if bi >= offsets[i] {
				col = i
			}
		}
		runePos := utf8.RuneCountInString(text[offsets[col]:bi])
		out[cols[col]] = append(out[cols[col]], runePos)
	}
	return out
}

// View renders the filter prompt (when shown) and the table.
func (v TableView) View(st *themes.Styles) string {
	table := v.Table.View(st)
	if !v.filterShown() {
		return table
	}
	var prompt string
	if v.filtering {
		prompt = v.input.View()
	} else {
		prompt = st.FilterPrompt.Render("/"+v.query) + st.Muted.Render("  (/ to edit, esc to clear)")
	}
	return padRight(prompt, v.width) + "\n" + table
}

// ShortHelp lists the table keys for the footer.
func (v TableView) ShortHelp() []key.Binding {
	if v.filtering {
		return []key.Binding{v.Keys.ApplyFilter, v.Keys.ClearFilter}
	}
	return []key.Binding{v.Keys.Down, v.Keys.Up, v.Keys.Filter}
}

// FullHelp lists every table key.
func (v TableView) FullHelp() []key.Binding {
	k := v.Keys
	return []key.Binding{k.Up, k.Down, k.Top, k.Bottom, k.PageUp, k.PageDown, k.Filter, k.ApplyFilter, k.ClearFilter}
}
