package views

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/ktriage/ktriage/sanitize"
	"github.com/ktriage/ktriage/themes"
)

// logState is the state of the current stream.
type logState int

const (
	logLoading   logState = iota // asked for, nothing received yet
	logStreaming                 // lines arriving
	logStopped                   // follow turned off by the user
	logEnded                     // ended normally
	logBroken                    // ended with an error
)

// logPos is a scroll position: a line and a row of it (rows > 0 only when wrapping).
type logPos struct {
	seq int64
	row int
}

// LogView shows a container's log or a node service's journal: a bounded ring of sanitised lines,
// following the stream's end, with search, wrap, timestamps and pickers for the container (or
// service), the previous instance and the range read. It never reads the cluster: it asks the root
// with LogStreamMsg and LogStopMsg, and the root feeds it LogLinesMsg and LogEndMsg.
type LogView struct {
	Keys LogKeyMap

	st     themes.Styles
	src    LogSource // the settings chosen
	req    LogSource // what the current stream asked for
	now    func() time.Time
	buf    *logBuf
	stream int
	state  logState
	endErr string

	lastTS     time.Time // timestamp of the newest line received
	dedupAfter time.Time // a resumed stream: drop lines not after this
	unseen     int       // lines that arrived while paused

	pinned bool // stick to the newest line
	// endNote is the root's remark on where an ended read's lines came from.
	endNote string
	top     logPos // first row shown when not pinned
	xoff    int    // horizontal scroll, in cells, when not wrapping
	wrap    bool
	showTS  bool

	searching bool
	query     string // the active search, as typed
	confirmed string // the search before the input opened, for esc
	// confirmedCur is the current match before the input opened, if hadCur.
	confirmedCur logMatch
	hadCur       bool
	input        textinput.Model
	picker       logPicker
	flash        string

	width, height int
	intentBox
}

// NewLogView makes a view for src; the root starts stream 1 with Source. Pod logs follow unless
// Previous is set (a terminated container's log is complete); journals never follow. A pod with
// containers but none chosen reads the first; a journal without a service reads the kubelet's.
func NewLogView(st themes.Styles, src LogSource, opts LogViewOptions) LogView {
	if opts.MaxLines <= 0 {
		opts.MaxLines = DefaultLogLines
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	src.SinceTime = time.Time{}
	switch src.Kind {
	case LogJournal:
		src.Follow, src.Previous = false, false
		if src.Service == "" {
			src.Service = "kubelet"
		}
		if len(src.Services) == 0 {
			src.Services = []string{"kubelet", "containerd", "docker", "crio", "chronyd", "kube-proxy"}
		}
	default:
		src.Follow = !src.Previous
		if src.Container == "" && len(src.Containers) > 0 {
			src.Container = src.Containers[0]
		}
	}
	in := textinput.New()
	in.Prompt = "/"
	in.Placeholder = "search"
	in.CharLimit = 256
	in.SetStyles(inputStyles(st, in.Styles()))
	v := LogView{
		Keys: DefaultLogKeyMap(), st: st, src: src, req: src, now: opts.Now,
		buf: newLogBuf(opts.MaxLines), stream: max(opts.FirstStream, 1), pinned: true, input: in,
	}
	v.Keys.enableFor(src)
	return v
}

// SetStyles switches the theme.
func (v *LogView) SetStyles(st themes.Styles) {
	v.st = st
	v.input.SetStyles(inputStyles(st, v.input.Styles()))
}

// inputStyles dresses the search input in the theme (no colours of its own under mono).
func inputStyles(st themes.Styles, s textinput.Styles) textinput.Styles {
	state := textinput.StyleState{Text: st.Cell, Placeholder: st.Muted, Suggestion: st.Muted, Prompt: st.FilterPrompt}
	s.Focused, s.Blurred = state, state
	return s
}

// SetSize sets the view's size; the view draws exactly h lines of w columns.
func (v *LogView) SetSize(w, h int) {
	v.width, v.height = max(w, 0), max(h, 0)
	v.input.SetWidth(max(w-2, 1))
}

// Source is what the current stream reads (a resumed stream has SinceTime set).
func (v LogView) Source() LogSource { return v.req }

// Stream is the current stream id; it starts at 1.
func (v LogView) Stream() int { return v.stream }

// Filtering reports whether the view wants every key: the search input has the focus or a picker is
// open (so q and ? are typed or close the picker instead of leaving the screen).
func (v LogView) Filtering() bool { return v.searching || v.picker.open() }

// Following reports whether the stream follows the log and the view is pinned to its end.
func (v LogView) Following() bool { return v.live() && v.pinned }

// Len is the number of lines held.
func (v LogView) Len() int { return v.buf.Len() }

// live is true while the current stream is a follow stream still open.
func (v LogView) live() bool {
	return v.req.Follow && (v.state == logLoading || v.state == logStreaming)
}

// Update handles the stream's messages and the keys.
func (v LogView) Update(msg tea.Msg) (LogView, tea.Cmd) {
	switch msg := msg.(type) {
	case LogLinesMsg:
		v.addLines(msg)
		return v, nil
	case LogEndMsg:
		v.endStream(msg)
		return v, nil
	}
	if v.searching {
		return v.updateSearch(msg)
	}
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return v, nil
	}
	v.flash = ""
	if v.picker.open() {
		v.updatePicker(kp)
		return v, nil
	}
	return v.handleKey(kp)
}

// addLines sanitises and stores the lines of the current stream.
func (v *LogView) addLines(msg LogLinesMsg) {
	if msg.Stream != v.stream {
		return
	}
	for _, raw := range msg.Lines {
		l := v.parse(raw)
		if !l.ts.IsZero() && !v.dedupAfter.IsZero() {
			if !l.ts.After(v.dedupAfter) {
				continue // already held: the resumed stream starts at the second of the last line
			}
			v.dedupAfter = time.Time{}
		}
		v.buf.push(l)
		if !l.ts.IsZero() {
			v.lastTS = l.ts
		}
		if !v.pinned {
			v.unseen++
		}
	}
	if v.state == logLoading {
		v.state = logStreaming
	}
}

// parse sanitises a raw line and, for pod logs, splits off the timestamp the API prefixed.
func (v *LogView) parse(raw string) logLine {
	s := sanitize.Line(raw)
	l := logLine{text: s}
	if v.src.Kind == LogPod {
		if ts, rest, ok := splitTimestamp(s); ok {
			l.ts, l.text = ts, rest
		}
	}
	l.ascii = isASCII(l.text)
	return l
}

// splitTimestamp splits "2026-11-23T10:00:00.123456789Z message" into its time and message.
func splitTimestamp(s string) (time.Time, string, bool) {
	tok, rest, _ := strings.Cut(s, " ")
	if len(tok) < 20 || tok[4] != '-' || tok[10] != 'T' {
		return time.Time{}, s, false
	}
	ts, err := time.Parse(time.RFC3339Nano, tok)
	if err != nil {
		return time.Time{}, s, false
	}
	return ts, rest, true
}

// endStream records how the current stream ended; the lines stay.
func (v *LogView) endStream(msg LogEndMsg) {
	if msg.Stream != v.stream || v.state == logStopped {
		return
	}
	if msg.Err != nil {
		v.state, v.endErr = logBroken, sanitize.Line(msg.Err.Error())
		return
	}
	v.state, v.endNote = logEnded, sanitize.Line(msg.Note)
	if v.src.Document {
		v.scrollTop() // a document is read from its start; a log from its newest line
	}
}

// restart asks for a new stream with the chosen settings, clearing the lines.
func (v *LogView) restart() {
	v.buf.reset()
	v.lastTS, v.xoff = time.Time{}, 0
	v.pin()
	v.start(v.src, time.Time{})
}

// resume follows the log again from after the last line held (pod logs); without a timestamp to
// resume from, it starts over.
func (v *LogView) resume() {
	req := v.src
	req.Follow = true
	v.src.Follow = true
	if v.lastTS.IsZero() {
		v.restart()
		return
	}
	req.SinceTime, req.TailLines, req.Since = v.lastTS, 0, 0
	v.pin()
	v.start(req, v.lastTS)
}

// start emits the intent for a new stream.
func (v *LogView) start(req LogSource, dedupAfter time.Time) {
	v.stream++
	v.req = req
	v.state, v.endErr, v.endNote = logLoading, "", ""
	v.dedupAfter = dedupAfter
	v.emit(LogStreamMsg{Stream: v.stream, Source: req})
}

// stop closes a follow stream, keeping the lines.
func (v *LogView) stop() {
	v.state = logStopped
	v.src.Follow = false
	v.emit(LogStopMsg{Stream: v.stream})
}

// pin sticks the view to the newest line.
func (v *LogView) pin() { v.pinned, v.unseen = true, 0 }

// saveLines are the lines held, as LogSaveMsg carries them.
func (v LogView) saveLines() []string {
	out := make([]string, 0, v.buf.Len())
	for seq := v.buf.First(); seq < v.buf.Next(); seq++ {
		l := v.buf.at(seq)
		if l.ts.IsZero() {
			out = append(out, l.text)
			continue
		}
		out = append(out, l.ts.UTC().Format(time.RFC3339Nano)+" "+l.text)
	}
	return out
}
