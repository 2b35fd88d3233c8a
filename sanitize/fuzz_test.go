package sanitize

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// seeds are escape-sequence attacks and edge cases the fuzzers start from, in
// addition to the files under testdata/fuzz.
var seeds = []string{
	"plain ascii",
	"\x1b]0;pwned\x07",
	"\x1b]2;x\x1b\\",
	"\x1b]52;c;cm0gLXJmIC8K\x07",
	"\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\",
	"\x1b[2J\x1b[H",
	"\x1b[31mred\x1b[0m",
	"\u009b31m",
	"\u009d0;x\u009c",
	"\x1bP1$r0m\x1b\\",
	"\x1b_Gf=100\x1b\\",
	"abc\b\b\bxyz",
	"a\x00b",
	"\u202Eevil\u202C",
	"\xff\xfe",
	"\x1b]0;evil",
	"\x1b[",
	"a\r\nb\n\n\tc\r",
	"🔥 节点 \u2028",
	"\x1b\x1b\x1b[\x18\x1a\x7f",
}

func FuzzLine(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		checkLine(t, in)
	})
}

func FuzzText(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		checkText(t, in)
	})
}

// checkLine asserts the properties Line must have on any input.
func checkLine(t *testing.T, in string) {
	t.Helper()
	out := Line(in)
	checkSafe(t, "Line", in, out, false)
	if again := Line(out); again != out {
		t.Errorf("Line not idempotent on %q: %q then %q", in, out, again)
	}
	if len(out) > 3*len(in) {
		t.Errorf("Line(%q) = %q: %d bytes from %d", in, out, len(out), len(in))
	}
	if _, _, bad := firstBad(in, false); bad == "" && out != in {
		t.Errorf("Line(%q) = %q changed a clean string", in, out)
	}
}

// checkText asserts the properties Text must have on any input.
func checkText(t *testing.T, in string) {
	t.Helper()
	out := Text(in)
	checkSafe(t, "Text", in, out, true)
	if again := Text(out); again != out {
		t.Errorf("Text not idempotent on %q: %q then %q", in, out, again)
	}
	// A tab, the worst case, grows from 1 to TabWidth bytes.
	if len(out) > TabWidth*len(in) {
		t.Errorf("Text(%q) = %q: %d bytes from %d", in, out, len(out), len(in))
	}
	if _, _, bad := firstBad(in, true); bad == "" && out != in {
		t.Errorf("Text(%q) = %q changed a clean string", in, out)
	}
	// Text and Line agree on everything but line breaks and tabs.
	flat := func(s string) string {
		return strings.Join(strings.Fields(s), " ")
	}
	if a, b := flat(Line(in)), flat(out); a != b {
		t.Errorf("Line and Text disagree on %q: %q vs %q", in, a, b)
	}
	if got := strings.Join(Lines(in), "\n"); got != strings.TrimSuffix(out, "\n") {
		t.Errorf("Lines(%q) joined = %q, want %q", in, got, out)
	}
}

// checkSafe asserts that out holds nothing a terminal could act on.
func checkSafe(t *testing.T, fn, in, out string, keepNewline bool) {
	t.Helper()
	if i, r, bad := firstBad(out, keepNewline); bad != "" {
		t.Fatalf("%s(%q) = %q has %s %U at byte %d", fn, in, out, bad, r, i)
	}
}

// firstBad finds the first thing in s that must not reach a terminal and says
// what it is, or returns "" if s is safe. It is written independently of the
// package's own checks so that the two can be compared.
func firstBad(s string, keepNewline bool) (i int, r rune, what string) {
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			return i, r, "invalid UTF-8"
		case r == '\n' && keepNewline:
		case r < 0x20:
			return i, r, "a C0 control"
		case r == 0x7f:
			return i, r, "DEL"
		case r >= 0x80 && r <= 0x9f:
			return i, r, "a C1 control"
		case unicode.Is(unicode.Bidi_Control, r):
			return i, r, "a bidi control"
		case r == '\u2028' || r == '\u2029':
			return i, r, "a line separator"
		}
	}
	return 0, 0, ""
}

func BenchmarkLine(b *testing.B) {
	cases := []struct{ name, in string }{
		{"plain80", strings.Repeat("node-1 Ready ", 7)[:80]},
		{"unicode80", strings.Repeat("节点 🔥 ok ", 8)},
		{"escapes", "\x1b[1;31mError:\x1b[0m back-off \x1b]8;;https://x.example\x1b\\restarting\x1b]8;;\x1b\\ failed container\x07\r\n"},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.in)))
			b.ReportAllocs()
			for b.Loop() {
				_ = Line(c.in)
			}
		})
	}
}

func BenchmarkText(b *testing.B) {
	in := strings.Repeat("\x1b[32mINFO\x1b[0m\tserving on :8080\r\n", 20)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		_ = Text(in)
	}
}
