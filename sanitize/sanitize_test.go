package sanitize

import (
	"slices"
	"testing"
	"unsafe"
)

// attack is one hostile or awkward input and what each function must make of it.
type attack struct {
	name string
	in   string
	line string // want from Line
	text string // want from Text
}

var attacks = []attack{
	// Harmless text passes through untouched.
	{"plain", "node-1.eu-west-1.compute.internal", "node-1.eu-west-1.compute.internal", "node-1.eu-west-1.compute.internal"},
	{"empty", "", "", ""},
	{"emoji", "🔥 hot 👩‍💻 ✔️ 🇫🇷", "🔥 hot 👩‍💻 ✔️ 🇫🇷", "🔥 hot 👩‍💻 ✔️ 🇫🇷"},
	{"cjk", "节点未就绪 ノード", "节点未就绪 ノード", "节点未就绪 ノード"},
	{"accents and arabic", "café عربي", "café عربي", "café عربي"},
	{"literal replacement char", "a\uFFFDb", "a\uFFFDb", "a\uFFFDb"},

	// OSC: window title, clipboard, hyperlinks, colours.
	{"title OSC 0 BEL", "\x1b]0;pwned\x07ok", "ok", "ok"},
	{"title OSC 2 ST", "\x1b]2;x\x1b\\ok", "ok", "ok"},
	{"title 8-bit OSC and ST", "a\u009d0;x\u009cb", "ab", "ab"},
	{"clipboard OSC 52", "copy\x1b]52;c;cm0gLXJmIC8K\x07 me", "copy me", "copy me"},
	{"hyperlink OSC 8 keeps text", "see \x1b]8;;https://evil.example\x1b\\docs\x1b]8;;\x1b\\ now", "see docs now", "see docs now"},
	{"palette OSC 4", "\x1b]4;1;rgb:ff/00/00\x07red", "red", "red"},
	{"OSC payload with newline", "a\x1b]0;x\ny\x07b", "ab", "ab"},
	{"OSC aborted by new sequence", "a\x1b]0;x\x1b[31mb", "ab", "ab"},
	{"OSC cancelled by CAN", "a\x1b]0;x\x18b", "ab", "ab"},
	{"OSC unterminated", "safe\x1b]0;evil", "safe", "safe"},
	{"OSC unterminated 8-bit", "safe\u009d0;evil", "safe", "safe"},

	// CSI: cursor movement, erasing, colours, modes.
	{"clear and home", "\x1b[2J\x1b[Hfake prompt$", "fake prompt$", "fake prompt$"},
	{"cursor up and erase line", "ok\x1b[1A\x1b[2Khidden", "okhidden", "okhidden"},
	{"SGR colour", "\x1b[31mred\x1b[0m", "red", "red"},
	{"SGR truecolour", "\x1b[38;2;255;0;0mred\x1b[m", "red", "red"},
	{"8-bit CSI", "\u009b31mred", "red", "red"},
	{"private mode alt screen", "\x1b[?1049hx\x1b[?1049l", "x", "x"},
	{"CSI with intermediate", "\x1b[2 qx", "x", "x"},
	{"CSI unterminated", "x\x1b[31;", "x", "x"},
	{"CSI aborted by non-ASCII", "\x1b[31é", "é", "é"},
	{"CSI with embedded newline", "a\x1b[1\n2Jb", "a b", "a\nb"},
	{"CSI cancelled by SUB", "\x1b[31\x1amred", "mred", "mred"},

	// Other string sequences.
	{"DCS", "a\x1bP1$r0m\x1b\\b", "ab", "ab"},
	{"DCS BEL is payload", "a\x1bPq\x07#0;2;0;0;0\x1b\\b", "ab", "ab"},
	{"8-bit DCS", "a\u0090q#0\u009cb", "ab", "ab"},
	{"SOS", "a\x1bXhidden\x1b\\b", "ab", "ab"},
	{"PM", "a\x1b^hidden\x1b\\b", "ab", "ab"},
	{"APC kitty graphics", "a\x1b_Gf=100;AAAA\x1b\\b", "ab", "ab"},
	{"8-bit APC", "a\u009fhidden\u009cb", "ab", "ab"},

	// Two-character and intermediate ESC sequences.
	{"full reset ESC c", "\x1bcx", "x", "x"},
	{"save cursor ESC 7", "a\x1b7b\x1b8", "ab", "ab"},
	{"charset ESC ( 0", "\x1b(0lqk\x1b(B", "lqk", "lqk"},
	{"screen alignment ESC # 8", "\x1b#8x", "x", "x"},
	{"lone ST", "a\x1b\\b", "ab", "ab"},
	{"ESC ESC", "a\x1b\x1b[1mb", "ab", "ab"},
	{"trailing ESC", "abc\x1b", "abc", "abc"},
	{"ESC before non-ASCII", "\x1bé", "é", "é"},
	{"NEL is C1", "a\u0085b", "ab", "ab"},

	// C0 controls and overwrite tricks.
	{"BEL alone", "ding\x07", "ding", "ding"},
	{"backspace overwrite", "abc\b\b\bxyz", "abcxyz", "abcxyz"},
	{"carriage return overwrite", "Ready\rNotReady", "Ready NotReady", "Ready\nNotReady"},
	{"NUL bytes", "a\x00b\x00", "ab", "ab"},
	{"DEL", "a\x7fb", "ab", "ab"},
	{"vertical tab and form feed", "a\x0b\x0cb", "ab", "ab"},
	{"shift out", "a\x0eb\x0f", "ab", "ab"},

	// Line breaks and tabs.
	{"tab", "a\tb", "a b", "a    b"},
	{"newline", "line1\nline2", "line1 line2", "line1\nline2"},
	{"CRLF", "line1\r\nline2\r\n", "line1 line2", "line1\nline2\n"},
	{"lone CR and LFCR", "a\rb\n\rc\r", "a b c", "a\nb\n\nc\n"},
	{"CR SGR LF is two breaks", "a\r\x1b[0m\nb", "a b", "a\n\nb"},
	{"blank lines collapse in Line", "a\n\n\nb", "a b", "a\n\n\nb"},
	{"leading and trailing breaks", "\n\nmsg\n", "msg", "\n\nmsg\n"},
	{"unicode line separators", "a\u2028b\u2029c", "a b c", "a\nb\nc"},
	{"break then SGR then break", "a\n\x1b[0m\nb", "a b", "a\n\nb"},

	// Bidi controls ("Trojan Source").
	{"RLO override", "file\u202Etxt.exe", "filetxt.exe", "filetxt.exe"},
	{"all bidi controls", "\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u200E\u200F\u061Cx", "x", "x"},

	// Invalid UTF-8.
	{"invalid bytes", "a\xff\xfeb", "a\uFFFDb", "a\uFFFDb"},
	{"raw 8-bit CSI byte", "\x9b31m", "\uFFFD31m", "\uFFFD31m"},
	{"truncated rune", "ab\xe2\x82", "ab\uFFFD", "ab\uFFFD"},
	{"invalid runs separated", "\xff\x00\xff", "\uFFFD\uFFFD", "\uFFFD\uFFFD"},
	{"invalid ends CSI", "\x1b[31\xffm", "\uFFFDm", "\uFFFDm"},
	{"invalid inside OSC is payload", "\x1b]0;\xff\x07ok", "ok", "ok"},
	{"surrogate half", "a\xed\xa0\x80b", "a\uFFFDb", "a\uFFFDb"},
}

func TestLine(t *testing.T) {
	for _, tc := range attacks {
		t.Run(tc.name, func(t *testing.T) {
			if got := Line(tc.in); got != tc.line {
				t.Errorf("Line(%q) = %q, want %q", tc.in, got, tc.line)
			}
		})
	}
}

func TestText(t *testing.T) {
	for _, tc := range attacks {
		t.Run(tc.name, func(t *testing.T) {
			if got := Text(tc.in); got != tc.text {
				t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.text)
			}
		})
	}
}

// TestAttacksProperties runs the fuzz properties over the named attacks, so
// they are checked on every plain `go test` run too.
func TestAttacksProperties(t *testing.T) {
	for _, tc := range attacks {
		checkLine(t, tc.in)
		checkText(t, tc.in)
	}
}

func TestLines(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"\x1b[2J", nil},
		{"one", []string{"one"}},
		{"a\nb", []string{"a", "b"}},
		{"a\r\nb\r\n", []string{"a", "b"}},
		{"a\n\n", []string{"a", ""}},
		{"\n", []string{""}},
		{"\x1b[31merr\x1b[0m\n\tat x", []string{"err", "    at x"}},
	}
	for _, tc := range tests {
		if got := Lines(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("Lines(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestNoAlloc checks the fast path: strings that need no change, by far the
// most common, are returned as is, without copying or allocating.
func TestNoAlloc(t *testing.T) {
	inputs := []struct {
		f    func(string) string
		name string
		in   string
	}{
		{Line, "Line", "ip-10-0-12-34.eu-west-1.compute.internal"},
		{Line, "Line", "Back-off restarting failed container app in pod web-5d8f7c9b4-x2x9z"},
		{Line, "Line", "节点 🔥 café"},
		{Text, "Text", "line one\nline two\n"},
		{Text, "Text", "节点\n🔥 café"},
	}
	for _, tc := range inputs {
		if n := testing.AllocsPerRun(100, func() { _ = tc.f(tc.in) }); n != 0 {
			t.Errorf("%s(%q) allocates %v times, want 0", tc.name, tc.in, n)
		}
		if got := tc.f(tc.in); unsafe.StringData(got) != unsafe.StringData(tc.in) {
			t.Errorf("%s(%q) returned a copy", tc.name, tc.in)
		}
	}
}

// TestAllocDirty checks that a string needing work costs a single allocation.
func TestAllocDirty(t *testing.T) {
	in := "\x1b[31mError\x1b[0m: back-off\x07"
	if n := testing.AllocsPerRun(100, func() { _ = Line(in) }); n != 1 {
		t.Errorf("Line allocates %v times, want 1", n)
	}
}
