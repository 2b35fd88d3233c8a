package themes

import (
	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
)

// Mono returns the theme without colours, for NO_COLOR and for terminals or
// users that want none. Meaning is carried by attributes alone, and the
// attributes are spent carefully so that each keeps a meaning: reverse video
// marks the selected row (and the header bar), bold marks what is wrong,
// underline what needs attention or is a heading, faint what is secondary.
func Mono() Styles {
	plain := lipgloss.NewStyle()
	bold := plain.Bold(true)
	faint := plain.Faint(true)
	underline := plain.Underline(true)

	return Styles{
		Name: "mono",
		Base: plain,

		Header:      plain.Reverse(true),
		HeaderLabel: plain.Reverse(true),
		HeaderValue: plain.Reverse(true).Bold(true),
		Title:       bold,
		Footer:      plain,
		FooterKey:   bold,
		FooterDesc:  faint,
		FlashInfo:   plain,
		FlashError:  bold,

		TableHeader:  bold.Underline(true),
		Row:          plain,
		Cell:         plain,
		SelectedRow:  plain.Reverse(true),
		MarkedRow:    underline,
		RowBroken:    bold,
		Muted:        faint,
		Border:       faint,
		FilterMatch:  bold.Underline(true),
		FilterPrompt: bold,

		StatusReady:    plain,
		StatusNotReady: bold,
		StatusUnknown:  bold,
		StatusCordoned: underline,

		Critical: bold,
		Warning:  underline,
		Info:     plain,
		OK:       plain,

		ConnLive:         plain,
		ConnSyncing:      faint,
		ConnReconnecting: bold,

		TabActive:    bold.Underline(true),
		TabInactive:  faint,
		TabSeparator: faint,

		SectionTitle: bold.Underline(true),
		Label:        faint,
		Value:        plain,

		Dialog:      plain.Border(lipgloss.RoundedBorder()).Padding(0, 1),
		DialogTitle: bold,

		Help: help.Styles{
			Ellipsis:       faint,
			ShortKey:       bold,
			ShortDesc:      faint,
			ShortSeparator: faint,
			FullKey:        bold,
			FullDesc:       faint,
			FullSeparator:  faint,
		},

		TooSmall: bold,
	}
}
