// Package sanitize makes untrusted strings safe to print in a terminal.
//
// Everything ktriage shows comes from a Kubernetes cluster: node names, labels,
// event messages, container log lines. Any of them may have been written by a
// hostile (or merely careless) workload, and a terminal obeys whatever control
// sequences it is sent: an event message could clear the screen, move the
// cursor to draw a fake prompt, set the window title (OSC 0/2), write the
// clipboard (OSC 52), plant a hyperlink (OSC 8) or ring the bell. So every such
// string goes through [Line] (table cells, headers) or [Text] (multi-line
// views) before it reaches a lipgloss style.
//
// What is removed:
//
//   - every escape sequence, in its 7-bit form (ESC followed by CSI, OSC, DCS,
//     SOS, PM or APC introducers, or a plain two-character ESC sequence) and
//     in its 8-bit C1 form (U+009B CSI, U+009D OSC, U+0090 DCS, ...). String
//     sequences end at ST (ESC \ or U+009C), and OSC also at BEL, as terminals
//     do; CAN and SUB abort a sequence, as in the DEC parser;
//   - every other C0 control (U+0000–U+001F), DEL (U+007F) and C1 control
//     (U+0080–U+009F), so backspace or carriage-return overwrite tricks
//     cannot hide text either;
//   - Unicode bidirectional controls that reorder text ("Trojan Source",
//     CVE-2021-42574): U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C.
//
// Each maximal run of invalid UTF-8 bytes becomes one U+FFFD, so the output is
// always valid UTF-8. Printable text, including emoji (with their zero-width
// joiners and variation selectors) and CJK, is kept as is.
//
// A sequence left unterminated at the end of the input is dropped together
// with its payload: "\x1b]0;evil" sanitizes to "". The payload is not shown
// because it cannot be told apart from a complete sequence whose terminator
// was cut off by truncation, and the sequence never displays text either.
//
// The parsing follows the DEC/ECMA-48 state machine closely enough that the
// text kept is the text a terminal would have printed (though nothing is
// allowed to overwrite anything), but safety does not depend on that: the output never contains a single control
// character, so no sequence can survive, however the parser is confused.
package sanitize

import (
	"strings"
	"unicode/utf8"
)

// TabWidth is the number of spaces [Text] writes for a tab. A tab is expanded
// to a fixed number of spaces rather than to the next tab stop because the
// column it starts at is only known when the text is laid out.
const TabWidth = 4

// Line sanitizes s for display on a single line, such as a table cell.
//
// Escape sequences and control characters are removed as described in the
// package documentation. A tab becomes one space. Line breaks (LF, CR, CRLF,
// U+2028, U+2029) become one space, so a multi-line message stays on one line;
// a run of consecutive line breaks counts as one, and line breaks at the start
// or end of s are dropped because they separate nothing.
//
// A string that needs no change, which is the common case, is returned as is
// without allocating.
func Line(s string) string {
	i := safePrefix(s, false)
	if i == len(s) {
		return s
	}
	return sanitize(s, i, false)
}

// Text sanitizes s for display as a block of lines, such as a log view or an
// event message in a detail pane.
//
// It removes what [Line] removes but keeps line breaks: LF, CRLF, CR, U+2028
// and U+2029 each become "\n". A lone CR counts as a line break, not as a
// return to the start of the line, so that text written over (a progress
// bar, or a "Ready\rNotReady" trick) stays visible. A tab becomes [TabWidth]
// spaces.
//
// A string that needs no change is returned as is without allocating.
func Text(s string) string {
	i := safePrefix(s, true)
	if i == len(s) {
		return s
	}
	return sanitize(s, i, true)
}

// Lines sanitizes s with [Text] and splits it into lines. A final line break
// ends the last line rather than starting an empty one, so "a\nb\n" gives
// ["a" "b"], like reading lines from a file. When nothing is left (s is empty
// or all escape sequences), Lines returns nil.
func Lines(s string) []string {
	t := Text(s)
	if t == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(t, "\n"), "\n")
}

// safePrefix returns the length of the longest prefix of s that needs no
// sanitizing; keepNewline says whether '\n' is allowed (Text) or not (Line).
// It lets clean strings through without allocating, and lets sanitize copy the
// clean prefix of a dirty string in one go.
func safePrefix(s string, keepNewline bool) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f || c == '\n' && keepNewline {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			return i
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || isC1(r) || isBidi(r) || isLineSeparator(r) {
			return i
		}
		i += size
	}
	return len(s)
}

// isC1 reports whether r is a C1 control; U+009B, for instance, is the 8-bit
// form of CSI, which a terminal decoding UTF-8 may treat just like ESC [.
func isC1(r rune) bool { return r >= 0x80 && r <= 0x9f }

// isLineSeparator reports whether r is one of the Unicode line or paragraph
// separators, which terminals do not render as breaks but which mean one.
func isLineSeparator(r rune) bool { return r == '\u2028' || r == '\u2029' }

// isBidi reports whether r is a bidirectional formatting control. They can make
// a terminal that implements bidi show text in a different order than it is
// stored, so that what the user reads differs from what is there.
func isBidi(r rune) bool {
	switch {
	case r >= '\u202a' && r <= '\u202e': // LRE, RLE, PDF, LRO, RLO
		return true
	case r >= '\u2066' && r <= '\u2069': // LRI, RLI, FSI, PDI
		return true
	case r == '\u200e', r == '\u200f', r == '\u061c': // LRM, RLM, ALM
		return true
	}
	return false
}
