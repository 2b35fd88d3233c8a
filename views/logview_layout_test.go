package views

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/ktriage/ktriage/themes"
)

// Lines of every shape: long ASCII, wide CJK (2 cells a rune), emoji, combining marks, empty.
var logShapes = []string{
	strings.Repeat("0123456789", 23) + "END",
	strings.Repeat("日本語のログ", 12) + "終",
	"👩‍💻 deploy 🚀🚀🚀 " + strings.Repeat("é", 50) + "e\u0301",
	"",
	"short",
}

// No row is ever wider than the view, with wrap on or off, timestamps on or off, scrolled sideways.
func TestLogViewRowsNeverExceedTheWidth(t *testing.T) {
	for _, w := range []int{20, 21, 37, 80} {
		for _, mode := range [][]string{{}, {"w"}, {"t"}, {"t", "w"}, {"l", "l", "l"}, {"t", "l", "l"}} {
			v := newTestLog(podSource(), w, 14)
			for i, s := range logShapes {
				v = logFeed(v, tsLine(time.Duration(i)*time.Second, s))
			}
			v = logKeys(t, v, mode...)
			checkFrame(t, v.View(), w, 14)
			v = logKeys(t, v, "g", "j", "j")
			checkFrame(t, v.View(), w, 14)
		}
	}
}

// With wrap on every character of a long line is on screen, split by display width; with wrap off
// the line is cut with an ellipsis and scrolls sideways.
func TestLogViewWrapShowsAllOfALongLine(t *testing.T) {
	v := newTestLog(podSource(), 20, 20)
	v = logFeed(v, tsLine(0, logShapes[0]), tsLine(time.Second, logShapes[1]))
	out := ansi.Strip(v.View())
	if strings.Contains(out, "END") || !strings.Contains(out, "…") {
		t.Errorf("without wrap a long line is cut with …:\n%s", out)
	}
	v = logKeys(t, v, "w")
	out = ansi.Strip(v.View())
	joined := strings.NewReplacer(" ", "", "\n", "").Replace(out)
	if !strings.Contains(joined, "789END") || !strings.Contains(joined, "のログ終") {
		t.Errorf("with wrap the ends of the long lines are shown:\n%s", out)
	}
	for _, l := range strings.Split(out, "\n")[2:] {
		if strings.Contains(l, "日") && ansi.StringWidth(strings.TrimRight(l, " ")) != 20 {
			t.Errorf("a row of wide runes should fill 20 cells (10 runes): %q", l)
		}
	}
	v = logKeys(t, v, append([]string{"w"}, slices.Repeat([]string{"l"}, 50)...)...)
	if out := ansi.Strip(v.View()); !strings.Contains(out, "END") {
		t.Errorf("scrolling right reaches the end of the long line:\n%s", out)
	}
}

// A 20×5 terminal still gets a header cut with …, a status and rows; smaller ones do not panic.
func TestLogViewTinySizes(t *testing.T) {
	v := newTestLog(podSource(), 20, 5)
	v = logFeed(v, logNumbered(30)...)
	out := v.View()
	checkFrame(t, out, 20, 5)
	if header := ansi.Strip(strings.Split(out, "\n")[0]); !strings.HasSuffix(strings.TrimRight(header, " "), "…") {
		t.Errorf("the header is not cut with …: %q", header)
	}
	if !strings.Contains(ansi.Strip(out), "message 0029") {
		t.Errorf("the newest line is not on screen:\n%s", ansi.Strip(out))
	}
	for _, size := range [][2]int{{20, 5}, {1, 1}, {0, 0}, {3, 2}, {20, 3}, {8, 4}} {
		for _, mode := range [][]string{{}, {"t", "w"}, {"/"}, {"c"}, {"T"}} {
			v := newTestLog(podSource(), size[0], size[1])
			v = logFeed(v, tsLine(0, logShapes[1]), tsLine(0, logShapes[0]))
			v = logKeys(t, v, mode...)
			if out := v.View(); size[0] > 0 {
				checkFrame(t, out, size[0], size[1])
			}
			v = logKeys(t, v, "k", "g", "n", "l", "G")
			_ = v.View()
		}
	}
}

func TestLogViewPickerChoosesContainer(t *testing.T) {
	v := newTestLog(podSource(), 80, 12)
	v = logFeed(v, tsLine(0, "app line"))
	v = logKeys(t, v, "c")
	if !v.Filtering() {
		t.Error("an open picker must get every key (q closes it, not the screen)")
	}
	out := ansi.Strip(v.View())
	if !strings.Contains(out, "container") || !strings.Contains(out, "● app") || !strings.Contains(out, "sidecar") {
		t.Errorf("the picker lists the containers, the current one marked:\n%s", out)
	}
	v = logKeys(t, v, "j", "enter")
	in, ok := v.PopIntent().(LogStreamMsg)
	if !ok || in.Source.Container != "sidecar" || in.Stream != 2 || !in.Source.Follow {
		t.Fatalf("choosing sidecar asked for %+v", in)
	}
	if v.Len() != 0 || v.Filtering() {
		t.Errorf("after choosing: %d lines held, picker open %v", v.Len(), v.Filtering())
	}
	if header := strings.Split(ansi.Strip(v.View()), "\n")[0]; !strings.Contains(header, "› sidecar") {
		t.Errorf("the header names the new container: %q", header)
	}
	v = logKeys(t, v, "c", "esc")
	if v.PopIntent() != nil || v.Filtering() {
		t.Error("esc closes the picker without asking for anything")
	}

	one := podSource()
	one.Containers = []string{"only"}
	o := newTestLog(one, 80, 12)
	o = logKeys(t, o, "c")
	if o.Filtering() || o.Source().Container != "only" {
		t.Errorf("a single-container pod has nothing to pick (filtering %v, container %q)", o.Filtering(), o.Source().Container)
	}

	j := newTestLog(journalSource(), 80, 14)
	j = logKeys(t, j, "c")
	out = ansi.Strip(j.View())
	for _, s := range []string{"kubelet", "containerd", "crio", "chronyd", "kube-proxy"} {
		if !strings.Contains(out, s) {
			t.Errorf("the service picker does not offer %s:\n%s", s, out)
		}
	}
	j = logKeys(t, j, "j", "enter")
	in, _ = j.PopIntent().(LogStreamMsg)
	if in.Source.Service != "containerd" || in.Source.Follow {
		t.Errorf("choosing containerd asked for %+v", in)
	}
	if header := strings.Split(ansi.Strip(j.View()), "\n")[0]; !strings.Contains(header, "node-1 › containerd journal") {
		t.Errorf("journal header: %q", header)
	}
}

func TestLogViewRangePicker(t *testing.T) {
	v := newTestLog(podSource(), 80, 20)
	v = logKeys(t, v, "T")
	out := ansi.Strip(v.View())
	for _, s := range []string{"● tail 500", "tail 5000", "tail all", "since 15m", "since 24h", "● since all"} {
		if !strings.Contains(out, s) {
			t.Errorf("the range picker does not show %q:\n%s", s, out)
		}
	}
	// The cursor starts on the current tail (500): tail 1000, 5000, all, since 5m, 15m, 1h below it.
	v = logKeys(t, v, "j", "j", "j", "j", "j", "j", "enter")
	in, ok := v.PopIntent().(LogStreamMsg)
	if !ok || in.Source.Since != time.Hour || in.Source.TailLines != 500 {
		t.Fatalf("choosing since 1h asked for %+v", in.Source)
	}
	if out := ansi.Strip(v.View()); !strings.Contains(out, "tail 500, since 1h") {
		t.Errorf("the status shows the range:\n%s", out)
	}
	v = logKeys(t, v, "T", "enter")
	if v.PopIntent() != nil {
		t.Error("choosing the current range again read the log again")
	}
}

// The ring keeps the last MaxLines lines however many arrive, says how many it dropped, and a frame
// stays the size of the screen.
func TestLogViewRingKeepsTheLastLines(t *testing.T) {
	v := NewLogView(themes.Mono(), podSource(), LogViewOptions{})
	v.SetSize(100, 30)
	all := logNumbered(50000)
	for i := 0; i < len(all); i += 500 {
		v = logFeed(v, all[i:i+500]...)
	}
	if v.Len() != 10000 {
		t.Fatalf("holds %d lines, want the default 10,000", v.Len())
	}
	out := v.View()
	plain := ansi.Strip(out)
	if !strings.Contains(plain, "last 10,000 lines · 40,000 older dropped") {
		t.Errorf("the status does not count the dropped lines:\n%s", strings.Split(plain, "\n")[1])
	}
	if !strings.Contains(plain, "message 49999") {
		t.Error("the newest line is not shown")
	}
	checkFrame(t, out, 100, 30)
	v = logKeys(t, v, "g")
	if plain := ansi.Strip(v.View()); !strings.Contains(plain, "message 40000") || strings.Contains(plain, "message 39999") {
		t.Errorf("the oldest line held is 40000:\n%s", plain)
	}
	if len(out) > 100*30*8 {
		t.Errorf("a frame of 100×30 is %d bytes", len(out))
	}
}

func TestLogViewSaveCarriesTheLinesWithTimestamps(t *testing.T) {
	v := newTestLog(podSource(), 80, 10)
	v = logKeys(t, v, "S")
	if v.PopIntent() != nil {
		t.Error("saving an empty log asked to write a file")
	}
	v = logFeed(v, tsLine(1500*time.Millisecond, "one"), "no timestamp here")
	v = logKeys(t, v, "S")
	in, ok := v.PopIntent().(LogSaveMsg)
	if !ok {
		t.Fatal("S did not ask to save")
	}
	want := []string{"2026-11-23T10:00:01.5Z one", "no timestamp here"}
	if strings.Join(in.Lines, "\n") != strings.Join(want, "\n") || in.Source.Pod != "cart-7d9f" {
		t.Errorf("save carries %q for %s, want %q", in.Lines, in.Source.Pod, want)
	}
}

// BenchmarkLogViewView draws one frame of a full 10,000-line ring with wrap and timestamps on.
func BenchmarkLogViewView(b *testing.B) {
	v := NewLogView(themes.Dark(), podSource(), LogViewOptions{})
	v.SetSize(160, 45)
	lines := logNumbered(10000)
	for i := range lines {
		if i%7 == 0 {
			lines[i] += " " + strings.Repeat("payload=日本語 ", 30)
		}
	}
	v = logFeed(v, lines...)
	v, _ = v.Update(logKey("w"))
	v, _ = v.Update(logKey("t"))
	b.ReportAllocs()
	for b.Loop() {
		_ = v.View()
	}
}

// A frame lays out only the lines on screen, however many are held: with wrap on, 10,000 lines held
// and the view pinned or scrolled to the top, no more lines are wrapped than there are rows.
func TestLogViewLaysOutOnlyTheLinesOnScreen(t *testing.T) {
	for _, move := range []string{"G", "g"} {
		v := NewLogView(themes.Mono(), podSource(), LogViewOptions{})
		v.SetSize(60, 22)
		long := make([]string, 10000)
		for i := range long {
			long[i] = tsLine(time.Duration(i), "日本語 "+strings.Repeat("x", i%90))
		}
		v = logFeed(v, long...)
		v = logKeys(t, v, "w", move)
		for seq := v.buf.First(); seq < v.buf.Next(); seq++ {
			v.buf.at(seq).chunks = nil // count what the frame lays out, not the key
		}
		_ = v.View()
		laidOut := 0
		for seq := v.buf.First(); seq < v.buf.Next(); seq++ {
			if v.buf.at(seq).chunks != nil {
				laidOut++
			}
		}
		if laidOut == 0 || laidOut > 20 {
			t.Errorf("%s: %d of 10,000 lines were laid out for 20 rows", move, laidOut)
		}
	}
}

// Keys that mean nothing for a journal do nothing there.
func TestLogViewJournalIgnoresPodOnlyKeys(t *testing.T) {
	j := newTestLog(journalSource(), 80, 10)
	j = logFeed(j, "Nov 23 10:00:00 node-1 kubelet[1]: hello")
	j = logKeys(t, j, "f", "p")
	if in := j.PopIntent(); in != nil || j.Stream() != 1 {
		t.Errorf("f and p on a journal gave %#v (stream %d)", in, j.Stream())
	}
	if header := strings.Split(ansi.Strip(j.View()), "\n")[0]; strings.Contains(header, "previous") {
		t.Errorf("journal header: %q", header)
	}
}
