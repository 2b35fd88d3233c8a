package tui

// rect is a region of the screen.
type rect struct{ x, y, w, h int }

// layout is where each part of the screen goes, recomputed only when the terminal is resized.
type layout struct {
	header, body, footer rect
	// tooSmall is set when the terminal cannot hold a usable screen; View then shows one line.
	tooSmall bool
}

// Minimum usable size: the header, a few rows and the footer.
const (
	minWidth     = 40
	minHeight    = 8
	headerHeight = 2
	footerHeight = 1
)

// computeLayout splits the screen into header, body and footer.
func computeLayout(w, h int) layout {
	if w < minWidth || h < minHeight {
		return layout{tooSmall: true, body: rect{w: max(w, 0), h: 0}}
	}
	return layout{
		header: rect{0, 0, w, headerHeight},
		body:   rect{0, headerHeight, w, h - headerHeight - footerHeight},
		footer: rect{0, h - footerHeight, w, footerHeight},
	}
}
