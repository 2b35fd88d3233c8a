package themes

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
)

// palette is the handful of colours a colour theme is made of. Each comment
// gives the ANSI colour the value becomes on a 16-colour terminal, which is
// what the hex values were chosen for (see the package documentation).
type palette struct {
	name string

	// bg and fg are set only where the theme paints its own background
	// (high-contrast); nil keeps the terminal's colours.
	bg, fg color.Color

	text   color.Color // ordinary text
	muted  color.Color // secondary text
	subtle color.Color // rules, separators, borders
	accent color.Color // titles, keys, matches

	red, yellow, green, cyan, magenta color.Color

	barFg, barBg color.Color // header and footer bars
	selFg, selBg color.Color // selected row

	// boldProblems makes problems bold as well as coloured, so that they
	// stand out even to users who cannot tell the hues apart.
	boldProblems bool
}

// darkPalette is for dark terminal backgrounds.
var darkPalette = palette{
	name:    "dark",
	text:    lipgloss.Color("#d0d0d0"), // bright white
	muted:   lipgloss.Color("#8a8a8a"), // white (light grey)
	subtle:  lipgloss.Color("#585858"), // bright black
	accent:  lipgloss.Color("#5fafff"), // bright blue
	red:     lipgloss.Color("#ff5f5f"), // bright red
	yellow:  lipgloss.Color("#ffff87"), // bright yellow; #ffd75f would be red
	green:   lipgloss.Color("#5fd75f"), // bright green
	cyan:    lipgloss.Color("#5fd7d7"), // bright cyan
	magenta: lipgloss.Color("#d787d7"), // bright magenta
	barFg:   lipgloss.Color("#d0d0d0"), // bright white
	barBg:   lipgloss.Color("#303030"), // black
	selFg:   lipgloss.Color("#ffffff"), // bright white
	selBg:   lipgloss.Color("#005f87"), // blue
}

// lightPalette is for light terminal backgrounds: darker hues, and an olive
// yellow, since a bright yellow is unreadable on white.
var lightPalette = palette{
	name:    "light",
	text:    lipgloss.Color("#1c1c1c"), // black
	muted:   lipgloss.Color("#6c6c6c"), // bright black
	subtle:  lipgloss.Color("#8a8a8a"), // white (light grey)
	accent:  lipgloss.Color("#005faf"), // blue
	red:     lipgloss.Color("#af0000"), // red
	yellow:  lipgloss.Color("#878700"), // yellow (olive)
	green:   lipgloss.Color("#008700"), // green
	cyan:    lipgloss.Color("#008787"), // cyan
	magenta: lipgloss.Color("#870087"), // magenta
	barFg:   lipgloss.Color("#1c1c1c"), // black
	barBg:   lipgloss.Color("#d7d7d7"), // white (light grey)
	selFg:   lipgloss.Color("#ffffff"), // bright white
	selBg:   lipgloss.Color("#005faf"), // blue
}

// highContrastPalette is pure white on pure black with fully saturated
// colours, which every profile renders as the bright ANSI colours.
var highContrastPalette = palette{
	name:         "high-contrast",
	bg:           lipgloss.Color("#000000"), // black
	fg:           lipgloss.Color("#ffffff"), // bright white
	text:         lipgloss.Color("#ffffff"), // bright white
	muted:        lipgloss.Color("#c6c6c6"), // bright white, still readable
	subtle:       lipgloss.Color("#ffffff"), // bright white
	accent:       lipgloss.Color("#00ffff"), // bright cyan
	red:          lipgloss.Color("#ff0000"), // bright red
	yellow:       lipgloss.Color("#ffff00"), // bright yellow
	green:        lipgloss.Color("#00ff00"), // bright green
	cyan:         lipgloss.Color("#00ffff"), // bright cyan
	magenta:      lipgloss.Color("#ff00ff"), // bright magenta
	barFg:        lipgloss.Color("#000000"), // black
	barBg:        lipgloss.Color("#ffffff"), // bright white
	selFg:        lipgloss.Color("#000000"), // black
	selBg:        lipgloss.Color("#ffff00"), // bright yellow
	boldProblems: true,
}

// fromPalette builds the Styles of a colour theme.
func fromPalette(p palette) Styles {
	plain := lipgloss.NewStyle()
	fg := func(c color.Color) lipgloss.Style { return plain.Foreground(c) }
	problem := func(c color.Color) lipgloss.Style { return fg(c).Bold(p.boldProblems) }
	bar := plain.Foreground(p.barFg).Background(p.barBg)

	base := plain
	if p.bg != nil {
		base = base.Background(p.bg)
	}
	if p.fg != nil {
		base = base.Foreground(p.fg)
	}

	return Styles{
		Name: p.name,
		Base: base,

		Header:      bar.Bold(true),
		HeaderLabel: bar,
		HeaderValue: bar.Bold(true),
		Title:       fg(p.accent).Bold(true),
		Footer:      plain,
		FooterKey:   fg(p.accent).Bold(true),
		FooterDesc:  fg(p.muted),
		FlashInfo:   fg(p.cyan),
		FlashError:  fg(p.red).Bold(true),

		TableHeader:  fg(p.text).Bold(true).Underline(true),
		Row:          fg(p.text),
		Cell:         plain,
		SelectedRow:  plain.Foreground(p.selFg).Background(p.selBg).Bold(true),
		MarkedRow:    fg(p.magenta).Bold(true),
		RowBroken:    problem(p.red),
		Muted:        fg(p.muted),
		Border:       fg(p.subtle),
		FilterMatch:  fg(p.accent).Bold(true).Underline(true),
		FilterPrompt: fg(p.accent).Bold(true),

		StatusReady:    fg(p.green),
		StatusNotReady: fg(p.red).Bold(true),
		StatusUnknown:  problem(p.magenta),
		StatusCordoned: problem(p.yellow),

		Critical: fg(p.red).Bold(true),
		Warning:  problem(p.yellow),
		Info:     fg(p.cyan),
		OK:       fg(p.green),

		ConnLive:         fg(p.green),
		ConnSyncing:      fg(p.yellow),
		ConnReconnecting: fg(p.red).Bold(true),

		TabActive:    fg(p.accent).Bold(true).Underline(true),
		TabInactive:  fg(p.muted),
		TabSeparator: fg(p.subtle),

		SectionTitle: fg(p.accent).Bold(true),
		Label:        fg(p.muted),
		Value:        fg(p.text),

		Dialog: base.Border(lipgloss.RoundedBorder()).
			BorderForeground(p.accent).
			Padding(0, 1),
		DialogTitle: fg(p.accent).Bold(true),

		Help: help.Styles{
			Ellipsis:       fg(p.subtle),
			ShortKey:       fg(p.accent),
			ShortDesc:      fg(p.muted),
			ShortSeparator: fg(p.subtle),
			FullKey:        fg(p.accent),
			FullDesc:       fg(p.muted),
			FullSeparator:  fg(p.subtle),
		},

		TooSmall: fg(p.yellow).Bold(true),
	}
}
