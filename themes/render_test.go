package themes

import (
	"image/color"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// samples are rendered with every style: ASCII, wide runes, emoji, and
// spaces at the edges, which a style must not trim or pad.
var samples = []string{"x", "Ready", " padded  ", "节点 🔥 ok", "a,b=c/d"}

// render renders text with st, failing on styles that produce nothing.
func render(t *testing.T, st lipgloss.Style, text string) string {
	t.Helper()
	out := st.Render(text)
	if !strings.Contains(ansi.Strip(out), strings.TrimSpace(text)) {
		t.Fatalf("Render(%q) = %q lost the text", text, out)
	}
	return out
}

// sgr matches Select Graphic Rendition sequences and captures their
// parameters.
var sgr = regexp.MustCompile("\x1b\\[([0-9;:]*)m")

// colourParams returns the SGR parameters in s that set a colour: 30–38 and
// 40–48 (basic, 256 and true colour), 58 (underline colour), 90–97 and
// 100–107 (bright colours).
func colourParams(s string) []string {
	var bad []string
	for _, m := range sgr.FindAllStringSubmatch(s, -1) {
		for p := range strings.FieldsFuncSeq(m[1], func(r rune) bool { return r == ';' || r == ':' }) {
			n, _ := strconv.Atoi(p)
			switch {
			case n >= 30 && n <= 38, n >= 40 && n <= 48, n == 58,
				n >= 90 && n <= 97, n >= 100 && n <= 107:
				bad = append(bad, p)
			}
			if n == 38 || n == 48 || n == 58 {
				break // the rest are the colour's own parameters
			}
		}
	}
	return bad
}

func TestColourParams(t *testing.T) {
	// The detector itself must see colours, or the mono test proves nothing.
	for _, s := range []string{"\x1b[31mx", "\x1b[1;38;2;1;2;3mx", "\x1b[48;5;4mx", "\x1b[97mx", "\x1b[58:2::1:2:3mx"} {
		if len(colourParams(s)) == 0 {
			t.Errorf("colourParams(%q) found nothing", s)
		}
	}
	for _, s := range []string{"\x1b[1mx\x1b[m", "\x1b[2;4;7mx\x1b[0m", "plain"} {
		if bad := colourParams(s); len(bad) > 0 {
			t.Errorf("colourParams(%q) = %q", s, bad)
		}
	}
}

func TestMonoHasNoColour(t *testing.T) {
	for name, st := range styleFields(Mono()) {
		for _, text := range samples {
			if bad := colourParams(render(t, st, text)); len(bad) > 0 {
				t.Errorf("mono %s sets colours %q", name, bad)
			}
		}
	}
}

func TestMonoUsesAttributes(t *testing.T) {
	s := Mono()
	checks := []struct {
		name string
		st   lipgloss.Style
		ok   bool
	}{
		{"SelectedRow reverse", s.SelectedRow, s.SelectedRow.GetReverse()},
		{"Critical bold", s.Critical, s.Critical.GetBold()},
		{"Warning underline or bold", s.Warning, s.Warning.GetUnderline() || s.Warning.GetBold()},
		{"Muted faint", s.Muted, s.Muted.GetFaint()},
		{"FilterMatch distinct", s.FilterMatch, s.FilterMatch.GetBold() || s.FilterMatch.GetUnderline()},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("mono: want %s", c.name)
		}
		if out := render(t, c.st, "x"); !sgr.MatchString(out) {
			t.Errorf("mono: %s renders no attributes: %q", c.name, out)
		}
	}
}

func TestColourThemesUseColour(t *testing.T) {
	for _, s := range all(t) {
		if s.Name == "mono" {
			continue
		}
		for name, st := range map[string]lipgloss.Style{
			"Critical": s.Critical, "Warning": s.Warning, "OK": s.OK,
			"SelectedRow": s.SelectedRow, "Header": s.Header, "Help.ShortKey": s.Help.ShortKey,
		} {
			if len(colourParams(render(t, st, "x"))) == 0 {
				t.Errorf("%s: %s has no colour", s.Name, name)
			}
		}
	}
}

// TestWidthPreserved checks that no style but Dialog pads, trims, wraps or
// frames its content, since the table code relies on that to align columns.
func TestWidthPreserved(t *testing.T) {
	for _, s := range all(t) {
		for name, st := range styleFields(s) {
			if name == "Dialog" {
				continue
			}
			if st.GetHorizontalFrameSize() != 0 || st.GetVerticalFrameSize() != 0 || st.GetWidth() != 0 {
				t.Errorf("%s: %s has a frame or width", s.Name, name)
			}
			for _, text := range samples {
				out := render(t, st, text)
				if got := ansi.Strip(out); got != text {
					t.Errorf("%s: %s.Render(%q) shows %q", s.Name, name, text, got)
				}
				if w, want := lipgloss.Width(out), ansi.StringWidth(text); w != want {
					t.Errorf("%s: %s.Render(%q) is %d cells wide, want %d", s.Name, name, text, w, want)
				}
			}
		}
	}
}

func TestDialogHasRoundedBorder(t *testing.T) {
	for _, s := range all(t) {
		out := ansi.Strip(s.Dialog.Render("hi"))
		if !strings.HasPrefix(out, "╭") || !strings.Contains(out, "╯") {
			t.Errorf("%s: Dialog is not a rounded box:\n%s", s.Name, out)
		}
	}
}

// TestANSI16 checks that colour themes keep their meaning when downsampled to
// the 16 ANSI colours, as bubbletea does on such terminals: problems red,
// warnings yellow, healthy green, and the selection and bars legible.
func TestANSI16(t *testing.T) {
	red := []ansi.BasicColor{ansi.Red, ansi.BrightRed}
	yellow := []ansi.BasicColor{ansi.Yellow, ansi.BrightYellow}
	green := []ansi.BasicColor{ansi.Green, ansi.BrightGreen}
	to16 := func(c color.Color) ansi.BasicColor { return ansi.Convert16(c) }

	for _, s := range all(t) {
		if s.Name == "mono" {
			continue
		}
		for _, c := range []struct {
			field string
			st    lipgloss.Style
			want  []ansi.BasicColor
		}{
			{"Critical", s.Critical, red},
			{"RowBroken", s.RowBroken, red},
			{"StatusNotReady", s.StatusNotReady, red},
			{"FlashError", s.FlashError, red},
			{"ConnReconnecting", s.ConnReconnecting, red},
			{"Warning", s.Warning, yellow},
			{"StatusCordoned", s.StatusCordoned, yellow},
			{"ConnSyncing", s.ConnSyncing, yellow},
			{"OK", s.OK, green},
			{"StatusReady", s.StatusReady, green},
			{"ConnLive", s.ConnLive, green},
		} {
			if got := to16(c.st.GetForeground()); !slices.Contains(c.want, got) {
				t.Errorf("%s: %s is ANSI colour %d in 16 colours, want one of %v", s.Name, c.field, got, c.want)
			}
		}
		for _, field := range []string{"SelectedRow", "Header"} {
			st := styleFields(s)[field]
			if fg, bg := to16(st.GetForeground()), to16(st.GetBackground()); fg == bg {
				t.Errorf("%s: %s has foreground and background both ANSI %d in 16 colours", s.Name, field, fg)
			}
		}
		// Ordinary text must not vanish into the usual background.
		invisible := map[string][]ansi.BasicColor{
			"dark":          {ansi.Black},
			"high-contrast": {ansi.Black},
			"light":         {ansi.White, ansi.BrightWhite},
		}[s.Name]
		for _, field := range []string{"Row", "Muted", "Value", "Label", "Title", "FilterMatch", "Info", "MarkedRow"} {
			if got := to16(styleFields(s)[field].GetForeground()); slices.Contains(invisible, got) {
				t.Errorf("%s: %s is ANSI %d in 16 colours, invisible on a %s background", s.Name, field, got, s.Name)
			}
		}
	}
}
