package diag

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// A kubelet's goroutine dump (/debug/pprof/goroutine) in brief: how many goroutines, the largest groups
// of identical stacks, and whether the PLEG relist loop is parked sending to its event channel (seed 001).
//
// Two formats are read. debug=1, what ktriage fetches:
//
//	goroutine profile: total 2814
//	1 @ 0x42fcaa 0x42fd5e 0x4066cb 0x406465 0x30d4f3e 0x30d682a 0xad7474 0xad6a0d 0xad693d 0x45d2f1
//	#	0x30d4f3d	k8s.io/kubernetes/pkg/kubelet/pleg.(*GenericPLEG).relist+0x74d	/go/src/…/pkg/kubelet/pleg/generic.go:261
//	#	0x30d6829	k8s.io/kubernetes/pkg/kubelet/pleg.(*GenericPLEG).(k8s.io/kubernetes/pkg/kubelet/pleg.relist)-fm+0x29	…/generic.go:130
//
// and debug=2, one block per goroutine with its wait state:
//
//	goroutine 412 [chan send, 3509 minutes]:
//	k8s.io/kubernetes/pkg/kubelet/pleg.(*GenericPLEG).relist(0xc000a3c0a0)
//		/go/src/…/pkg/kubelet/pleg/generic.go:261 +0x74d
//	created by …
//
// debug=1 hides the runtime frames at the top of a stack (runtime/pprof's printStackRecord): seed 001's
// relist group lists ten addresses on its "@" line but prints the relist frame first; the four addresses
// before it are hidden runtime frames (for a channel send in go1.10: gopark, goparkunlock, chansend,
// chansend1). So a relist frame that is the first
// one printed, with addresses before its own on the "@" line, is parked in a runtime call that relist
// makes itself, and the only such call that parks is the send to the event channel
// (g.eventChannel <- events[i]; since 1.14 the send is a non-blocking select that drops the event).
// Dumps that print the runtime frames are read by them: runtime.chansend or chansend1 above relist.
// debug=2 says it outright with the state "chan send".

// GoroutineSummary is what a kubelet's goroutine dump says, in brief.
type GoroutineSummary struct {
	// Total is the header's count ("goroutine profile: total 2814"); else the sum of the groups.
	Total int
	// Groups are the distinct stacks, by Count, largest first (ties: first seen).
	Groups []StackGroup
	// PLEGRelist counts goroutines whose stack is in pleg.(*GenericPLEG).relist (Relist since 1.27).
	PLEGRelist int
	// PLEGBlockedOnEventChannel: a relist stack is parked in a channel send (runtime.chansend /
	// chansend1 / gopark … above relist, or hidden above it in debug=1, or the debug=2 state
	// "chan send") — seed 001's deadlock: the relist loop is blocked sending to the PLEG event channel.
	PLEGBlockedOnEventChannel bool
	// PLEGFrame is the relist frame as "pkg/kubelet/pleg/generic.go:261" when found.
	PLEGFrame string
}

// StackGroup is one distinct stack and how many goroutines have it.
type StackGroup struct {
	Count int
	// State is the wait state debug=2 prints ("chan send", "select", "IO wait"); "" in debug=1.
	State string
	// Frames are innermost first, as in the dump.
	Frames []StackFrame
}

// StackFrame is one frame of a stack.
type StackFrame struct {
	// Func is the function as the dump names it, without offset or arguments:
	// "k8s.io/kubernetes/pkg/kubelet/pleg.(*GenericPLEG).relist".
	Func string
	// File is Path shortened to what identifies it: "pkg/kubelet/pleg/generic.go", "net/http/transport.go",
	// "k8s.io/apimachinery/pkg/util/wait/wait.go" (vendored), "" when the dump has no file.
	File string
	// Path is the file as the dump has it ("/go/src/k8s.io/kubernetes/_output/…/generic.go").
	Path string
	Line int
}

// Where gives the frame's place as "pkg/kubelet/pleg/generic.go:261", "" without a file.
func (f StackFrame) Where() string {
	if f.File == "" {
		return ""
	}
	return f.File + ":" + strconv.Itoa(f.Line)
}

// Name is what the group's goroutines are: the outermost frame that is not plumbing (runtime, the
// apimachinery wait loops, method-value wrappers), shortened: "net/http.(*persistConn).readLoop",
// "pleg.(*GenericPLEG).relist"; the outermost frame when all are plumbing ("wait.Until").
func (g StackGroup) Name() string {
	for i := len(g.Frames) - 1; i >= 0; i-- {
		if !plumbing(g.Frames[i].Func) {
			return shortFunc(g.Frames[i].Func)
		}
	}
	if len(g.Frames) > 0 {
		// Only runtime frames (timerproc, gcBgMarkWorker): the outermost says what it is.
		return shortFunc(g.Frames[len(g.Frames)-1].Func)
	}
	return "(no frames)"
}

// plumbing reports whether a function only carries a goroutine to its real work.
func plumbing(fn string) bool {
	return strings.HasPrefix(fn, "runtime.") || strings.HasPrefix(fn, "internal/runtime/") ||
		strings.HasSuffix(fn, "-fm") ||
		strings.Contains(fn, "k8s.io/apimachinery/pkg/util/wait.")
}

// shortFunc drops the import path of a function outside the standard library:
// "k8s.io/kubernetes/pkg/kubelet/pleg.(*GenericPLEG).relist" → "pleg.(*GenericPLEG).relist";
// "net/http.(*persistConn).readLoop" stays as it is.
func shortFunc(fn string) string {
	end := len(fn)
	if i := strings.IndexAny(fn, "(["); i >= 0 {
		end = i
	}
	slash := strings.LastIndexByte(fn[:end], '/')
	if slash < 0 {
		return fn
	}
	first := fn[:strings.IndexByte(fn, '/')]
	if !strings.Contains(first, ".") {
		return fn // standard library: net/http, internal/poll
	}
	return fn[slash+1:]
}

// shortFile shortens a source path to the part that names it: below the last vendor directory, below
// k8s.io/kubernetes, below the module cache, below GOROOT's or GOPATH's src.
func shortFile(path string) string {
	// A leading "/" lets -trimpath builds' "k8s.io/kubernetes/pkg/…" match too.
	p := "/" + strings.TrimPrefix(strings.ReplaceAll(path, `\`, "/"), "/")
	for _, marker := range []string{"/vendor/", "/k8s.io/kubernetes/", "/pkg/mod/", "/src/"} {
		if i := strings.LastIndex(p, marker); i >= 0 {
			return p[i+len(marker):]
		}
	}
	return path
}

// isRelist reports whether the function is the PLEG's relist (relist before 1.27, Relist after).
func isRelist(fn string) bool {
	return strings.HasSuffix(fn, "pleg.(*GenericPLEG).relist") || strings.HasSuffix(fn, "pleg.(*GenericPLEG).Relist")
}

func isRuntimeFunc(fn string) bool {
	return strings.HasPrefix(fn, "runtime.") || strings.HasPrefix(fn, "internal/runtime/")
}

// isChanSend reports whether the runtime function is a blocking channel send.
func isChanSend(fn string) bool { return fn == "runtime.chansend" || fn == "runtime.chansend1" }

// goroutineEntry is the goroutine or debug=1 group being read.
type goroutineEntry struct {
	count  int
	state  string
	frames []StackFrame
	// debug1 says it came from a debug=1 group; firstPC is the first address of its "@" line and
	// firstFPC the address of its first "#" line (0 when unknown).
	debug1   bool
	firstPC  uint64
	firstFPC uint64
	// createdBy: debug=2's "created by" line was read; the rest of the block is not the stack.
	createdBy bool
}

type goroutineParser struct {
	headerTotal      int
	sawHeader        bool
	cur              *goroutineEntry
	index            map[string]int
	groups           []StackGroup
	key              strings.Builder
	sum              GoroutineSummary
	frameFromBlocked bool
}

// SummariseGoroutines reads a goroutine dump in debug=1 or debug=2 format. It reads line by line in one
// pass (a dump runs to megabytes), tolerates Windows line endings, truncation and lines it does not
// know, and returns the zero summary for an empty dump.
func SummariseGoroutines(dump string) GoroutineSummary {
	p := goroutineParser{index: map[string]int{}}
	for len(dump) > 0 {
		var line string
		if i := strings.IndexByte(dump, '\n'); i >= 0 {
			line, dump = dump[:i], dump[i+1:]
		} else {
			line, dump = dump, ""
		}
		p.line(strings.TrimRight(line, "\r"))
	}
	p.flush()
	s := p.sum
	s.Groups = p.groups
	sort.SliceStable(s.Groups, func(i, j int) bool { return s.Groups[i].Count > s.Groups[j].Count })
	total := 0
	for _, g := range s.Groups {
		total += g.Count
	}
	s.Total = total
	if p.sawHeader && p.headerTotal > 0 {
		s.Total = p.headerTotal
	}
	return s
}

func (p *goroutineParser) line(line string) {
	trimmed := strings.TrimLeft(line, " \t")
	indented := len(trimmed) < len(line)
	trimmed = strings.TrimRight(trimmed, " \t")
	switch {
	case trimmed == "":
		p.flush()
	case strings.HasPrefix(trimmed, "goroutine profile:"):
		p.flush()
		p.sawHeader = true
		if _, n, ok := strings.Cut(trimmed, "total "); ok {
			p.headerTotal, _ = strconv.Atoi(strings.TrimSpace(n))
		}
	case strings.HasPrefix(trimmed, "goroutine ") && len(trimmed) > 10 && isDigit(trimmed[10]):
		// debug=2: "goroutine 412 [chan send, 3509 minutes]:" (or "goroutine 1 gp=0x… m=nil [running]:")
		p.flush()
		e := &goroutineEntry{count: 1}
		if open := strings.IndexByte(trimmed, '['); open >= 0 {
			state := trimmed[open+1:]
			if end := strings.IndexAny(state, ",]"); end >= 0 {
				state = state[:end]
			}
			e.state = strings.TrimSpace(state)
		}
		p.cur = e
	case isDigit(trimmed[0]) && strings.Contains(trimmed, " @"):
		// debug=1: "1 @ 0x42fcaa 0x42fd5e …"
		p.flush()
		countText, rest, _ := strings.Cut(trimmed, " ")
		n, err := strconv.Atoi(countText)
		if err != nil {
			return
		}
		e := &goroutineEntry{count: n, debug1: true}
		rest = strings.TrimLeft(strings.TrimPrefix(strings.TrimLeft(rest, " \t"), "@"), " \t")
		if pc, _ := nextField(rest); pc != "" {
			e.firstPC, _ = strconv.ParseUint(strings.TrimPrefix(pc, "0x"), 16, 64)
		}
		p.cur = e
	case trimmed[0] == '#':
		if p.cur == nil || !p.cur.debug1 || strings.HasPrefix(trimmed, "# labels:") {
			return
		}
		p.debug1Frame(trimmed[1:])
	case p.cur != nil && !p.cur.debug1:
		p.debug2Line(trimmed, indented)
	}
}

// debug1Frame reads "0x30d4f3d	k8s.io/…relist+0x74d	/go/src/…/generic.go:261" (tabs, or spaces where a
// write-up lost them).
func (p *goroutineParser) debug1Frame(s string) {
	addr, rest := nextField(s)
	fn, rest := nextField(rest)
	if fn == "" {
		return // "#	0x45d2f1": an address without symbols
	}
	if i := strings.LastIndex(fn, "+0x"); i > 0 {
		fn = fn[:i]
	}
	f := StackFrame{Func: fn}
	f.Path, f.Line = fileLine(strings.TrimSpace(rest))
	f.File = shortFile(f.Path)
	e := p.cur
	if len(e.frames) == 0 {
		e.firstFPC, _ = strconv.ParseUint(strings.TrimPrefix(addr, "0x"), 16, 64)
	}
	e.frames = append(e.frames, f)
}

// debug2Line reads a function line ("pkg.(*T).m(0xc000…)"), the file line under it
// ("	/path/file.go:261 +0x74d"), or the "created by" line.
func (p *goroutineParser) debug2Line(s string, indented bool) {
	e := p.cur
	if strings.HasPrefix(s, "created by ") {
		e.createdBy = true
		return
	}
	if e.createdBy || strings.HasPrefix(s, "...") {
		return
	}
	if indented || looksLikeFileLine(s) {
		if len(e.frames) == 0 || e.frames[len(e.frames)-1].Path != "" {
			return
		}
		path, line := fileLine(s)
		last := &e.frames[len(e.frames)-1]
		last.Path, last.Line, last.File = path, line, shortFile(path)
		return
	}
	fn := s
	if strings.HasSuffix(fn, ")") {
		if i := strings.LastIndexByte(fn, '('); i > 0 {
			fn = fn[:i]
		}
	}
	e.frames = append(e.frames, StackFrame{Func: fn})
}

// looksLikeFileLine tells a file line that lost its indentation: "/path/file.go:261 +0x74d".
func looksLikeFileLine(s string) bool {
	tok, _ := nextField(s)
	if strings.ContainsAny(tok, "()") {
		return false
	}
	i := strings.LastIndexByte(tok, ':')
	return i > 0 && i+1 < len(tok) && allDigits(tok[i+1:])
}

// fileLine splits "/path/file.go:261 +0x74d" into the path and the line; a path with spaces keeps them.
func fileLine(s string) (string, int) {
	if i := strings.Index(s, " +0x"); i >= 0 {
		s = s[:i]
	}
	if i := strings.Index(s, " fp="); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimSpace(s)
	i := strings.LastIndexByte(s, ':')
	if i <= 0 || !allDigits(s[i+1:]) {
		return s, 0
	}
	n, _ := strconv.Atoi(s[i+1:])
	return s[:i], n
}

// flush ends the entry being read: counts it into its group and judges its PLEG frames.
func (p *goroutineParser) flush() {
	e := p.cur
	p.cur = nil
	if e == nil || e.count <= 0 {
		return
	}
	p.judgePLEG(e)
	p.key.Reset()
	p.key.WriteString(e.state)
	for _, f := range e.frames {
		p.key.WriteByte(0)
		p.key.WriteString(f.Func)
		p.key.WriteByte(' ')
		p.key.WriteString(f.Path)
		p.key.WriteByte(':')
		p.key.WriteString(strconv.Itoa(f.Line))
	}
	k := p.key.String()
	if i, ok := p.index[k]; ok {
		p.groups[i].Count += e.count
		return
	}
	p.index[k] = len(p.groups)
	p.groups = append(p.groups, StackGroup{Count: e.count, State: e.state, Frames: e.frames})
}

// judgePLEG counts a relist stack and decides whether it is parked sending to the event channel.
func (p *goroutineParser) judgePLEG(e *goroutineEntry) {
	r := -1
	for i, f := range e.frames {
		if isRelist(f.Func) {
			r = i
			break
		}
	}
	if r < 0 {
		return
	}
	p.sum.PLEGRelist += e.count
	blocked := false
	above := e.frames[:r]
	onlyRuntime := true
	sends := false
	for _, f := range above {
		if !isRuntimeFunc(f.Func) {
			onlyRuntime = false
		}
		if isChanSend(f.Func) {
			sends = true
		}
	}
	switch {
	case !onlyRuntime:
		// relist called something else that is where the goroutine waits: the runtime over gRPC,
		// a mutex, the cache.
	case sends:
		blocked = true
	case e.state != "":
		blocked = e.state == "chan send"
	case e.debug1 && r == 0:
		// The runtime frames are hidden: the relist frame's own address not being the first of the "@"
		// line means runtime frames were above it. Without the "@" addresses, take relist's only parking
		// call.
		blocked = e.firstPC == 0 || e.firstFPC == 0 || (e.firstPC != e.firstFPC && e.firstPC != e.firstFPC+1)
	}
	where := e.frames[r].Where()
	switch {
	case blocked && !p.frameFromBlocked:
		p.sum.PLEGBlockedOnEventChannel = true
		if where != "" {
			p.sum.PLEGFrame, p.frameFromBlocked = where, true
		}
	case p.sum.PLEGFrame == "":
		p.sum.PLEGFrame = where
	}
}

// nextField splits off the first field separated by spaces or tabs.
func nextField(s string) (field, rest string) {
	s = strings.TrimLeft(s, " \t")
	i := strings.IndexAny(s, " \t")
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i+1:]
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// plegLine says where the relist loop is; "" when the dump has no relist frame.
func (s GoroutineSummary) plegLine() string {
	switch {
	case s.PLEGBlockedOnEventChannel:
		line := "the PLEG relist loop is blocked sending to the PLEG event channel"
		if s.PLEGFrame != "" {
			line += " (" + s.PLEGFrame + ")"
		}
		return line + " — the kubelet deadlock fixed in 1.14 (kubernetes PR 72709)"
	case s.PLEGRelist > 0:
		line := fmt.Sprintf("%d in pleg.(*GenericPLEG).relist", s.PLEGRelist)
		if s.PLEGFrame != "" {
			line += " (" + s.PLEGFrame + ")"
		}
		return line + ", not blocked on the PLEG event channel"
	}
	return ""
}

// headline is the goroutine count and the PLEG verdict.
func (s GoroutineSummary) headline() []string {
	if s.Total == 0 && len(s.Groups) == 0 {
		return nil
	}
	out := []string{fmt.Sprintf("%d goroutines", s.Total)}
	if l := s.plegLine(); l != "" {
		out = append(out, l)
	}
	return out
}

// line renders a group: "1203 × net/http.(*persistConn).readLoop", with debug=2's state.
func (g StackGroup) line() string {
	s := fmt.Sprintf("%d × %s", g.Count, g.Name())
	if g.State != "" {
		s += " [" + g.State + "]"
	}
	return s
}

// Describe renders the summary as a few plain lines for a person: the goroutine count, the PLEG relist
// loop's state when it is in the dump, and the five largest groups. Nil for an empty summary.
func (s GoroutineSummary) Describe() []string {
	out := s.headline()
	for i, g := range s.Groups {
		if i == 5 {
			break
		}
		out = append(out, g.line())
	}
	return out
}
