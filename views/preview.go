package views

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/ktriage/ktriage/sanitize"
	"github.com/ktriage/ktriage/themes"
)

// previewLines is the height of the area under a table that shows the selected row in full.
const previewLines = 2

// previewHeight is the rule plus the preview lines for a view of the given height, or nothing on a
// terminal too short to spare them (the rows matter more there).
func previewHeight(viewHeight int) int {
	if viewHeight < 14 {
		return 0
	}
	return previewLines + 1
}

// renderPreview shows the selected row's full text, wrapped, under a rule, so nothing a table cut is
// lost.
func renderPreview(st *themes.Styles, text string, width, viewHeight int) string {
	if previewHeight(viewHeight) == 0 {
		return ""
	}
	rule := st.Border.Render(strings.Repeat("─", max(width, 0)))
	wrapped := strings.Split(ansi.Wrap(sanitize.Line(text), max(width, 1), " "), "\n")
	if len(wrapped) > previewLines {
		wrapped = wrapped[:previewLines]
		wrapped[previewLines-1] = ansi.Truncate(wrapped[previewLines-1], max(width-1, 0), "") + "…"
	}
	for len(wrapped) < previewLines {
		wrapped = append(wrapped, "")
	}
	return rule + "\n" + st.Muted.Render(strings.Join(wrapped, "\n"))
}
