package sanitize

import (
	"strings"
	"unicode/utf8"
)

// Control characters the parser gives a meaning to.
const (
	bel = 0x07 // terminates OSC, as xterm accepts
	can = 0x18 // cancels a sequence in progress
	sub = 0x1a // cancels a sequence in progress, like CAN
	esc = 0x1b // starts a sequence
	del = 0x7f // ignored everywhere
	st8 = 0x9c // 8-bit String Terminator
)

// tabSpaces is what Text writes for a tab.
var tabSpaces = strings.Repeat(" ", TabWidth)

// state is where the parser is within an escape sequence. The states are a
// reduced form of the DEC ANSI parser (vt100.net/emu/dec_ansi_parser): since
// nothing inside a sequence is ever kept, it only needs to know where each
// sequence ends.
type state uint8

const (
	ground   state = iota // ordinary text
	escape                // after ESC
	escInter              // after ESC and intermediate bytes, e.g. ESC ( B
	csi                   // after ESC [ or U+009B, before the final byte
	str                   // inside DCS, SOS, PM or APC, until ST
	osc                   // inside OSC, until ST or BEL
)

// sanitizer holds the output being built and the parser's state.
type sanitizer struct {
	out   strings.Builder
	text  bool // Text mode: keep line breaks and expand tabs
	state state
	// pendingBreak is set in Line mode when line breaks were seen since the
	// last kept rune: they become one space, written only when more text
	// follows so that runs collapse and trailing breaks vanish.
	pendingBreak bool
	// lastInvalid is set when the previous input was an invalid byte, so that
	// a run of them is replaced by one U+FFFD, as strings.ToValidUTF8 does.
	lastInvalid bool
	// skipLF is set right after a CR, so that the LF of a CRLF pair does not
	// count as a second line break.
	skipLF bool
}

// sanitize returns the sanitized form of s, whose first n bytes are known to
// need no change (see safePrefix).
func sanitize(s string, n int, text bool) string {
	z := sanitizer{text: text}
	z.out.Grow(len(s))
	z.out.WriteString(s[:n])
	for i := n; i < len(s); {
		if z.state == ground && !z.skipLF {
			// Copy a run of text that needs no change in one go.
			if m := safePrefix(s[i:], text); m > 0 {
				z.flushBreak()
				z.out.WriteString(s[i : i+m])
				z.lastInvalid = false
				i += m
				continue
			}
		}
		c := s[i]
		if c < utf8.RuneSelf {
			z.feed(rune(c))
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			z.invalid()
		} else {
			z.feed(r)
		}
		i += size
	}
	// Whatever sequence is still open is dropped, payload and all.
	return z.out.String()
}

// feed feeds one decoded rune to the parser.
func (z *sanitizer) feed(r rune) {
	z.lastInvalid = false
	if z.skipLF {
		z.skipLF = false
		if r == '\n' {
			return
		}
	}
	if isC1(r) {
		// In any state a C1 control acts as ESC followed by r-0x40, its
		// 7-bit equivalent; ST ends whatever was open, like ESC \.
		if r == st8 {
			z.state = ground
			return
		}
		z.state = escape
		r -= 0x40
	}
	switch z.state {
	case ground:
		z.onGround(r)
	case escape:
		z.onEscape(r)
	case escInter:
		z.onSequence(r, 0x20, 0x2f)
	case csi:
		z.onSequence(r, 0x20, 0x3f)
	case str, osc:
		z.onString(r)
	}
}

// invalid handles a byte that is not valid UTF-8.
func (z *sanitizer) invalid() {
	switch z.state {
	case str, osc:
		// Part of the payload, dropped with it.
	default:
		// Not a valid byte of ESC or CSI sequences, so it ends them; a
		// terminal would show it as U+FFFD too.
		z.state = ground
		if !z.lastInvalid {
			z.emit(utf8.RuneError)
		}
	}
	z.lastInvalid = true
	z.skipLF = false
}

// onGround handles a rune outside any sequence.
func (z *sanitizer) onGround(r rune) {
	switch {
	case r == esc:
		z.state = escape
	case r < 0x20 || r == del:
		z.control(r)
	case isLineSeparator(r):
		z.lineBreak()
	case isBidi(r):
		// Dropped.
	default:
		z.emit(r)
	}
}

// control handles a C0 control or DEL outside string sequences. Inside ESC and
// CSI sequences a terminal executes C0 controls without leaving the sequence,
// so line breaks found there still count as line breaks.
func (z *sanitizer) control(r rune) {
	switch r {
	case '\t':
		if z.text {
			z.out.WriteString(tabSpaces)
		} else {
			z.emit(' ')
		}
	case '\n':
		z.lineBreak()
	case '\r':
		// A lone CR is a line break too rather than a way to overwrite the
		// line, so that what was written over stays visible and Text and
		// Line split words in the same places.
		z.lineBreak()
		z.skipLF = true
	case can, sub:
		z.state = ground
	}
	// Every other control is dropped.
}

// onEscape handles the rune after ESC (or the 7-bit equivalent of a C1 control).
func (z *sanitizer) onEscape(r rune) {
	switch {
	case r == esc:
		// ESC ESC: the second one starts the sequence afresh.
	case r < 0x20 || r == del:
		z.control(r)
	case r == '[':
		z.state = csi
	case r == ']':
		z.state = osc
	case r == 'P', r == 'X', r == '^', r == '_': // DCS, SOS, PM, APC
		z.state = str
	case r < 0x30:
		z.state = escInter
	case r < 0x7f:
		z.state = ground // final byte of a two-character sequence, e.g. ESC c
	default:
		// Not part of any sequence: the sequence is malformed and ends, and r
		// is ordinary text.
		z.state = ground
		z.onGround(r)
	}
}

// onSequence handles a rune inside an ESC sequence with intermediates or a CSI
// sequence: bytes lo..hi continue it, the next ones up to 0x7E finish it.
func (z *sanitizer) onSequence(r, lo, hi rune) {
	switch {
	case r == esc:
		z.state = escape
	case r < 0x20 || r == del:
		z.control(r)
	case r >= lo && r <= hi:
		// Parameter or intermediate byte.
	case r < 0x7f:
		z.state = ground // final byte
	default:
		z.state = ground
		z.onGround(r)
	}
}

// onString handles a rune inside an OSC, DCS, SOS, PM or APC payload.
func (z *sanitizer) onString(r rune) {
	switch {
	case r == esc:
		// Either the start of ST (ESC \), which the escape state consumes as
		// a two-character sequence, or a new sequence that aborts this one.
		z.state = escape
	case r == bel && z.state == osc, r == can, r == sub:
		z.state = ground
	}
	// Everything else is payload and dropped.
}

// lineBreak records a line break.
func (z *sanitizer) lineBreak() {
	if z.text {
		z.out.WriteByte('\n')
		return
	}
	z.pendingBreak = true
}

// emit writes a rune that is safe to display, preceded by the space that
// stands for pending line breaks in Line mode.
func (z *sanitizer) emit(r rune) {
	z.flushBreak()
	z.out.WriteRune(r)
}

// flushBreak writes the space that stands for pending line breaks in Line
// mode, unless nothing was written yet: breaks at the start separate nothing.
func (z *sanitizer) flushBreak() {
	if z.pendingBreak {
		z.pendingBreak = false
		if z.out.Len() > 0 {
			z.out.WriteByte(' ')
		}
	}
}
