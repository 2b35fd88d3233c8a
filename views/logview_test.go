package views

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ktriage/ktriage/themes"
)

var logT0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// logKey is a key press by name, for the keys the log view uses.
func logKey(s string) tea.KeyPressMsg {
	codes := map[string]rune{
		"enter": tea.KeyEnter, "esc": tea.KeyEscape, "up": tea.KeyUp, "down": tea.KeyDown,
		"pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown, "home": tea.KeyHome, "end": tea.KeyEnd,
		"left": tea.KeyLeft, "right": tea.KeyRight, "backspace": tea.KeyBackspace,
	}
	if c, ok := codes[s]; ok {
		return tea.KeyPressMsg{Code: c}
	}
	return tea.KeyPressMsg{Code: []rune(s)[0], Text: s}
}

// styled is text in a style as the view draws highlights.
func styled(s lipgloss.Style, text string) string {
	var b strings.Builder
	wrapStyle(s).write(&b, text)
	return b.String()
}

func podSource() LogSource {
	return LogSource{Kind: LogPod, Node: "node-1", Namespace: "shop", Pod: "cart-7d9f", Containers: []string{"app", "sidecar"}, TailLines: 500}
}

func journalSource() LogSource {
	return LogSource{Kind: LogJournal, Node: "node-1", Service: "kubelet"}
}

func newTestLog(src LogSource, w, h int) LogView {
	v := NewLogView(themes.Mono(), src, LogViewOptions{MaxLines: 1000, Now: func() time.Time { return logT0.Add(time.Hour) }})
	v.SetSize(w, h)
	return v
}

// tsLine is a pod log line as the API sends it with timestamps=true.
func tsLine(at time.Duration, msg string) string {
	return logT0.Add(at).Format(time.RFC3339Nano) + " " + msg
}

func logFeed(v LogView, lines ...string) LogView {
	v, _ = v.Update(LogLinesMsg{Stream: v.Stream(), Lines: lines})
	return v
}

func logKeys(t *testing.T, v LogView, names ...string) LogView {
	t.Helper()
	for _, n := range names {
		v, _ = v.Update(logKey(n))
	}
	return v
}

func logNumbered(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = tsLine(time.Duration(i)*time.Millisecond, fmt.Sprintf("message %04d", i))
	}
	return out
}

// checkFrame fails unless the frame is exactly w × h.
func checkFrame(t *testing.T, out string, w, h int) {
	t.Helper()
	lines := strings.Split(out, "\n")
	if len(lines) != h {
		t.Errorf("%d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if got := ansi.StringWidth(l); got != w {
			t.Errorf("line %d is %d cells wide, want %d: %q", i, got, w, ansi.Strip(l))
		}
	}
}

func TestLogViewShowsLinesOfItsStreamOnly(t *testing.T) {
	v := newTestLog(podSource(), 80, 10)
	if v.Stream() != 1 || v.Source().Pod != "cart-7d9f" || !v.Source().Follow {
		t.Fatalf("a new pod log view asks for stream %d %+v; want stream 1 following", v.Stream(), v.Source())
	}
	v = logFeed(v, tsLine(0, "listening on :8080"))
	v, _ = v.Update(LogLinesMsg{Stream: 7, Lines: []string{tsLine(time.Second, "from an old stream")}})
	out := ansi.Strip(v.View())
	if !strings.Contains(out, "listening on :8080") {
		t.Errorf("the line is not shown:\n%s", out)
	}
	if strings.Contains(out, "old stream") {
		t.Errorf("a line of another stream was shown:\n%s", out)
	}
	if !strings.Contains(out, "shop/cart-7d9f › app · node-1") {
		t.Errorf("header does not name the pod, container and node:\n%s", out)
	}
	if !strings.Contains(out, "● following") || !strings.Contains(out, "1 line") {
		t.Errorf("status does not say following and the count:\n%s", out)
	}
	checkFrame(t, v.View(), 80, 10)
}

// The attack strings an attacker can log: clear screen, clipboard write, window title, C1 CSI, BEL,
// carriage-return overwrite, DCS.
var logAttacks = []string{
	"\x1b[2J\x1b[Hcleared",
	"\x1b]52;c;cm0gLXJmIC8=\x07clip",
	"\x1b]0;pwned\x07title",
	"\u009b31mcsi",
	"ring\x07bell",
	"visible\rhidden-overwrite",
	"\x1bP+q\x1b\\dcs evil",
	"\x9d8;;http://x\x9chyperlink",
}

// Hostile bytes in log lines, in the pod's names and in the containers offered never reach the
// terminal: only the theme's own SGR sequences may be in the frame.
func TestLogViewHostileBytesNeverReachTheTerminal(t *testing.T) {
	src := podSource()
	src.Pod = "evil\x1b]0;t\x07pod"
	src.Containers = []string{"app\x1b[2J", "side\u009bcar"}
	v := newTestLog(src, 100, 20)
	for i, a := range logAttacks {
		v = logFeed(v, tsLine(time.Duration(i)*time.Second, a))
	}
	frames := map[string]string{"plain": v.View()}
	frames["timestamps+wrap"] = logKeys(t, v, "t", "w").View()
	frames["picker"] = logKeys(t, v, "c").View()
	frames["search"] = logKeys(t, v, "/", "e", "v", "i", "l", "enter").View()
	for name, out := range frames {
		if bad := logNonSGR(out); bad != "" {
			t.Errorf("%s: a control sequence from the cluster reached the terminal: %q", name, bad)
		}
	}
	plain := ansi.Strip(frames["plain"])
	for _, want := range []string{"cleared", "clip", "csi", "bell", "visible hidden-overwrite", "dcs evil"} {
		if !strings.Contains(plain, want) {
			t.Errorf("the visible text %q of a hostile line is gone; it should be shown, defanged", want)
		}
	}
	v, _ = v.Update(logKey("S"))
	save, ok := v.PopIntent().(LogSaveMsg)
	if !ok {
		t.Fatal("S did not ask to save")
	}
	for _, l := range save.Lines {
		if strings.ContainsFunc(l, func(r rune) bool { return r < 0x20 || r >= 0x7f && r < 0xa0 }) {
			t.Errorf("saved line keeps a control character: %q", l)
		}
	}
}

// logNonSGR returns the first control character or escape sequence in out that is not a style (SGR)
// sequence, or "".
func logNonSGR(out string) string {
	for i := 0; i < len(out); i++ {
		c := out[i]
		if c == 0x1b {
			j := i + 1
			if j < len(out) && out[j] == '[' {
				j++
				for j < len(out) && (out[j] >= '0' && out[j] <= '9' || out[j] == ';' || out[j] == ':') {
					j++
				}
				if j < len(out) && out[j] == 'm' {
					i = j
					continue
				}
			}
			return out[i:min(i+12, len(out))]
		}
		if c < 0x20 && c != '\n' || c == 0x7f {
			return out[i:min(i+4, len(out))]
		}
	}
	for _, r := range out {
		if r >= 0x80 && r < 0xa0 {
			return string(r)
		}
	}
	return ""
}

func TestLogViewTimestampToggle(t *testing.T) {
	v := newTestLog(podSource(), 80, 6)
	v = logFeed(v, tsLine(123*time.Millisecond, "started"))
	if out := ansi.Strip(v.View()); strings.Contains(out, "2026-11-23") || !strings.Contains(out, "started") {
		t.Errorf("timestamps are off by default; got:\n%s", out)
	}
	v = logKeys(t, v, "t")
	if out := ansi.Strip(v.View()); !strings.Contains(out, "2026-11-23T10:00:00.123Z started") {
		t.Errorf("t shows the timestamp; got:\n%s", out)
	}
	v = logKeys(t, v, "t")
	if out := ansi.Strip(v.View()); strings.Contains(out, "2026-11-23") {
		t.Errorf("t again hides it; got:\n%s", out)
	}
	if v.PopIntent() != nil {
		t.Error("the timestamps toggle must not read the log again")
	}

	j := newTestLog(journalSource(), 80, 6)
	line := "Nov 23 10:00:00 node-1 kubelet[812]: I1123 10:00:00.1 PLEG is not healthy"
	j = logFeed(j, line)
	j = logKeys(t, j, "t")
	if out := ansi.Strip(j.View()); !strings.Contains(out, line) {
		t.Errorf("a journal line is shown as it is, with its own prefix; got:\n%s", out)
	}
	for _, b := range j.ShortHelp() {
		if b.Enabled() && b.Help().Key == "t" {
			t.Error("the journal's help offers the timestamps toggle, which does nothing there")
		}
	}
}

func TestLogViewPreviousToggle(t *testing.T) {
	v := newTestLog(podSource(), 80, 6)
	v = logFeed(v, tsLine(0, "current instance"))
	v = logKeys(t, v, "p")
	in, ok := v.PopIntent().(LogStreamMsg)
	if !ok {
		t.Fatal("p did not ask for a new stream")
	}
	if in.Stream != 2 || !in.Source.Previous || in.Source.Follow || in.Source.Container != "app" {
		t.Errorf("p asked for %+v; want stream 2, previous, not following, same container", in)
	}
	if v.Stream() != 2 || v.Len() != 0 {
		t.Errorf("stream %d with %d lines; want stream 2 and the lines cleared", v.Stream(), v.Len())
	}
	v = logFeed(v, tsLine(0, "panic: out of memory"))
	v, _ = v.Update(LogEndMsg{Stream: 2})
	out := ansi.Strip(v.View())
	if !strings.Contains(strings.Split(out, "\n")[0], "previous") {
		t.Errorf("the header does not say previous:\n%s", out)
	}
	if !strings.Contains(out, "panic: out of memory") || strings.Contains(out, "container terminated") {
		t.Errorf("the previous log ended is shown as complete:\n%s", out)
	}
	v = logKeys(t, v, "p")
	in, _ = v.PopIntent().(LogStreamMsg)
	if in.Stream != 3 || in.Source.Previous || !in.Source.Follow {
		t.Errorf("p again asked for %+v; want the current instance, following", in)
	}
}

func TestLogViewFollowPinnedThenPausedByScrolling(t *testing.T) {
	v := newTestLog(podSource(), 60, 12) // 10 rows of log
	v = logFeed(v, logNumbered(100)...)
	if out := ansi.Strip(v.View()); !strings.Contains(out, "message 0099") {
		t.Fatalf("following shows the newest line:\n%s", out)
	}
	v = logFeed(v, tsLine(time.Second, "newer"))
	if out := ansi.Strip(v.View()); !strings.Contains(out, "newer") {
		t.Errorf("a new line while following is shown:\n%s", out)
	}
	for _, k := range []string{"k", "pgup", "g"} {
		p := logKeys(t, v, k)
		if p.Following() || !strings.Contains(ansi.Strip(p.View()), "paused") {
			t.Errorf("%s did not pause following:\n%s", k, ansi.Strip(p.View()))
		}
	}
	v = logKeys(t, v, "pgup")
	v = logFeed(v, tsLine(2*time.Second, "while paused"))
	out := ansi.Strip(v.View())
	if strings.Contains(out, "while paused") || !strings.Contains(out, "(1 new)") {
		t.Errorf("paused, a new line must not move the view but be counted:\n%s", out)
	}
	v = logKeys(t, v, "G")
	out = ansi.Strip(v.View())
	if !strings.Contains(out, "while paused") || !strings.Contains(out, "● following") {
		t.Errorf("G returns to the newest line, following:\n%s", out)
	}
}

func TestLogViewFollowOffThenOnResumesAfterTheLastLine(t *testing.T) {
	v := newTestLog(podSource(), 80, 10)
	v = logFeed(v, tsLine(100*time.Millisecond, "a"), tsLine(1500*time.Millisecond, "b"))
	v = logKeys(t, v, "f")
	if in, ok := v.PopIntent().(LogStopMsg); !ok || in.Stream != 1 {
		t.Fatalf("f while following gave %#v, want LogStopMsg for stream 1", in)
	}
	v, _ = v.Update(LogEndMsg{Stream: 1, Err: errors.New("context canceled")})
	if out := ansi.Strip(v.View()); strings.Contains(out, "broken") || !strings.Contains(out, "f to follow") {
		t.Errorf("a stream closed on request is not broken:\n%s", out)
	}
	v = logKeys(t, v, "f")
	in, ok := v.PopIntent().(LogStreamMsg)
	if !ok {
		t.Fatal("f while stopped did not ask for a stream")
	}
	if in.Stream != 2 || !in.Source.Follow || !in.Source.SinceTime.Equal(logT0.Add(1500*time.Millisecond)) || in.Source.TailLines != 0 {
		t.Errorf("f asked for %+v; want stream 2 following since the last line's time, no tail", in)
	}
	// The API resumes at the second: lines up to the last one held come again.
	v = logFeed(v, tsLine(time.Second, "b-earlier-dup"), tsLine(1500*time.Millisecond, "b"), tsLine(2*time.Second, "c"), tsLine(2*time.Second, "c2"))
	if got := strings.Join(v.saveLines(), "|"); strings.Count(got, "b") != 1 || !strings.Contains(got, "c2") || v.Len() != 4 {
		t.Errorf("after resuming held %q; want a, b, c, c2 with nothing twice", got)
	}
}

func TestLogViewEndedAndBrokenStreamsAndResume(t *testing.T) {
	v := newTestLog(podSource(), 90, 10)
	v = logFeed(v, tsLine(0, "shutting down"))
	v, _ = v.Update(LogEndMsg{Stream: 1})
	out := ansi.Strip(v.View())
	if !strings.Contains(out, "stream ended: container terminated") || !strings.Contains(out, "shutting down") {
		t.Errorf("an ended stream says so and keeps its lines:\n%s", out)
	}
	v = logKeys(t, v, "r")
	in, ok := v.PopIntent().(LogStreamMsg)
	if !ok || in.Stream != 2 || !in.Source.SinceTime.Equal(logT0) {
		t.Fatalf("r after the end asked for %+v, want stream 2 since the last line", in)
	}
	if v.Len() != 1 {
		t.Errorf("resuming cleared the lines (%d held)", v.Len())
	}
	v, _ = v.Update(LogEndMsg{Stream: 1, Err: errors.New("stale")}) // the old stream, late
	v, _ = v.Update(LogEndMsg{Stream: 2, Err: errors.New("http2: client connection lost")})
	out = ansi.Strip(v.View())
	if !strings.Contains(out, "stream broken: http2: client connection lost") || strings.Contains(out, "stale") {
		t.Errorf("a broken stream says why (and only the current one counts):\n%s", out)
	}

	j := newTestLog(journalSource(), 80, 10)
	j = logFeed(j, "Nov 23 10:00:00 node-1 kubelet[1]: hello")
	j, _ = j.Update(LogEndMsg{Stream: 1})
	j = logKeys(t, j, "r")
	in, ok = j.PopIntent().(LogStreamMsg)
	if !ok || in.Stream != 2 || in.Source.Service != "kubelet" || in.Source.Follow || !in.Source.SinceTime.IsZero() {
		t.Errorf("r on a journal asked for %+v, want a reload of the same journal", in)
	}
	if j.Len() != 0 {
		t.Error("a journal reload keeps the old lines")
	}
}

func TestLogViewSearchHighlightsAndJumps(t *testing.T) {
	st := themes.Mono()
	v := newTestLog(podSource(), 80, 8) // 6 rows of log
	var lines []string
	for i := range 40 {
		msg := fmt.Sprintf("line %02d ok", i)
		if i == 5 || i == 20 || i == 35 {
			msg = fmt.Sprintf("line %02d ERROR disk full", i)
		}
		lines = append(lines, tsLine(time.Duration(i)*time.Millisecond, msg))
	}
	v = logFeed(v, lines...)
	v = logKeys(t, v, "/", "e", "r", "r", "o", "r")
	if !v.Filtering() {
		t.Fatal("the search input does not take the keys")
	}
	v = logKeys(t, v, "enter")
	if v.Filtering() {
		t.Fatal("enter did not close the search input")
	}
	out := v.View()
	// Enter goes to the newest match at or above the bottom: line 35, on screen, current.
	if !strings.Contains(out, styled(st.SelectedRow, "ERROR")) || !strings.Contains(ansi.Strip(out), "/error 3/3") {
		t.Errorf("the current match is not highlighted or counted:\n%s", ansi.Strip(out))
	}
	v = logKeys(t, v, "n")
	out = v.View()
	plain := ansi.Strip(out)
	if !strings.Contains(plain, "search hit bottom, continuing at top") || !strings.Contains(plain, "line 05 ERROR") || !strings.Contains(plain, "1/3") {
		t.Errorf("n after the last match wraps to the first:\n%s", plain)
	}
	if v.Following() || !strings.Contains(plain, "paused") {
		t.Errorf("jumping to a match pauses following:\n%s", plain)
	}
	v = logKeys(t, v, "n")
	if plain := ansi.Strip(v.View()); !strings.Contains(plain, "line 20 ERROR") || !strings.Contains(plain, "2/3") {
		t.Errorf("n goes to the next match:\n%s", plain)
	}
	v = logKeys(t, v, "N", "N")
	if plain := ansi.Strip(v.View()); !strings.Contains(plain, "search hit top, continuing at bottom") || !strings.Contains(plain, "3/3") {
		t.Errorf("N before the first match wraps to the last:\n%s", plain)
	}
	// Other matches on screen are highlighted too, in the match style.
	v = logFeed(v, tsLine(time.Second, "error again"), tsLine(time.Second, "and error"))
	v = logKeys(t, v, "G")
	if out := v.View(); !strings.Contains(out, styled(st.FilterMatch, "error")) || !strings.Contains(ansi.Strip(out), "/error 3/5") {
		t.Errorf("matches in new lines are found and highlighted:\n%s", ansi.Strip(out))
	}
	// esc clears the search first, then leaves.
	v = logKeys(t, v, "esc")
	if v.PopIntent() != nil || strings.Contains(ansi.Strip(v.View()), "/error") {
		t.Error("the first esc should clear the search, not leave")
	}
	v = logKeys(t, v, "esc")
	if _, ok := v.PopIntent().(BackMsg); !ok {
		t.Error("esc without a search did not go back")
	}
}

func TestLogViewSearchInputEscRestoresThePreviousSearch(t *testing.T) {
	v := newTestLog(podSource(), 80, 8)
	v = logFeed(v, tsLine(0, "alpha"), tsLine(0, "beta"))
	v = logKeys(t, v, "/", "b", "e", "enter", "/", "backspace", "backspace", "a", "l")
	if !strings.Contains(ansi.Strip(v.View()), "/al") {
		t.Errorf("the search follows the typing:\n%s", ansi.Strip(v.View()))
	}
	v = logKeys(t, v, "esc")
	if plain := ansi.Strip(v.View()); !strings.Contains(plain, "/be 1/1") || v.Filtering() {
		t.Errorf("esc in the input puts the previous search back:\n%s", plain)
	}
}
