package diag

import (
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// The test dumps under testdata/: goroutines_kubelet112_pleg_deadlock.txt is a kubelet 1.12 (go1.10)
// debug=1 dump in runtime/pprof's own layout (tabwriter columns), 2814 goroutines in 39 groups, with
// seed 001's relist group verbatim; goroutines_kubelet130_healthy.txt a healthy 1.30 kubelet whose PLEG
// goroutine sleeps in wait.JitterUntil between relists; goroutines_kubelet112_debug2.txt the same
// deadlock as debug=2.

func fxDump(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// fxSeedExcerpt is seed 001's excerpt as the write-up printed it: tabs lost to spaces, groups elided.
const fxSeedExcerpt = `goroutine profile: total 2814
...
1 @ 0x42fcaa 0x42fd5e 0x4066cb 0x406465 0x30d4f3e 0x30d682a 0xad7474 0xad6a0d 0xad693d 0x45d2f1
# 0x30d4f3d k8s.io/kubernetes/pkg/kubelet/pleg.(*GenericPLEG).relist+0x74d /go/src/k8s.io/kubernetes/_output/dockerized/go/src/k8s.io/kubernetes/pkg/kubelet/pleg/generic.go:261
# 0x30d6829 k8s.io/kubernetes/pkg/kubelet/pleg.(*GenericPLEG).(k8s.io/kubernetes/pkg/kubelet/pleg.relist)-fm+0x29 /go/src/k8s.io/kubernetes/_output/dockerized/go/src/k8s.io/kubernetes/pkg/kubelet/pleg/generic.go:130
# 0xad7473 k8s.io/kubernetes/vendor/k8s.io/apimachinery/pkg/util/wait.JitterUntil.func1+0x53 /go/src/k8s.io/kubernetes/_output/dockerized/go/src/k8s.io/kubernetes/vendor/k8s.io/apimachinery/pkg/util/wait/wait.go:133
# 0xad6a0c k8s.io/kubernetes/vendor/k8s.io/apimachinery/pkg/util/wait.JitterUntil+0xbc /go/src/k8s.io/kubernetes/_output/dockerized/go/src/k8s.io/kubernetes/vendor/k8s.io/apimachinery/pkg/util/wait/wait.go:134
# 0xad693c k8s.io/kubernetes/vendor/k8s.io/apimachinery/pkg/util/wait.Until+0x4c /go/src/k8s.io/kubernetes/_output/dockerized/go/src/k8s.io/kubernetes/vendor/k8s.io/apimachinery/pkg/util/wait/wait.go:88
`

const (
	fxK   = "/go/src/k8s.io/kubernetes/_output/dockerized/go/src/k8s.io/kubernetes/"
	fxRel = "k8s.io/kubernetes/pkg/kubelet/pleg.(*GenericPLEG).relist"
	fxFm  = "k8s.io/kubernetes/pkg/kubelet/pleg.(*GenericPLEG).(k8s.io/kubernetes/pkg/kubelet/pleg.relist)-fm"
	fxJU  = "k8s.io/kubernetes/vendor/k8s.io/apimachinery/pkg/util/wait.JitterUntil"
)

// fxD1 builds one debug=1 group: its "@" addresses and frames "func file:line", each at its own address.
func fxD1(count int, at string, frames ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d @ %s\n", count, at)
	for i, f := range frames {
		fn, where, _ := strings.Cut(f, " ")
		fmt.Fprintf(&b, "#\t%#x\t%s+0x%x\t%s\n", 0x30d4f3d+i*0x1000, fn, 0x40+i, where)
	}
	return b.String() + "\n"
}

// fxRelistTail is the relist goroutine below relist: the method value and the wait loop.
var fxRelistTail = []string{
	fxFm + " " + fxK + "pkg/kubelet/pleg/generic.go:130",
	fxJU + ".func1 " + fxK + "vendor/k8s.io/apimachinery/pkg/util/wait/wait.go:133",
	fxJU + " " + fxK + "vendor/k8s.io/apimachinery/pkg/util/wait/wait.go:134",
}

func fxRelistStack(above ...string) []string {
	out := slices.Clone(above)
	out = append(out, fxRel+" "+fxK+"pkg/kubelet/pleg/generic.go:261")
	return append(out, fxRelistTail...)
}

func TestSummariseGoroutines(t *testing.T) {
	cases := []struct {
		name       string
		dump       string
		total      int
		groups     int
		relist     int
		blocked    bool
		frame      string
		top        string // Groups[0].Name()
		topCount   int
		topState   string
		secondName string
	}{
		{name: "seed 001 deadlock, debug=1 as runtime/pprof writes it", dump: fxDump(t, "goroutines_kubelet112_pleg_deadlock.txt"),
			total: 2814, groups: 39, relist: 1, blocked: true, frame: "pkg/kubelet/pleg/generic.go:261",
			top: "net/http.(*persistConn).readLoop", topCount: 1203, secondName: "net/http.(*persistConn).writeLoop"},
		{name: "healthy 1.30 kubelet: relist sleeping in wait.JitterUntil", dump: fxDump(t, "goroutines_kubelet130_healthy.txt"),
			total: 380, groups: 25, relist: 0, blocked: false,
			top: "kubelet.(*podWorkers).UpdatePod.func1", topCount: 118},
		{name: "seed 001 deadlock, debug=2", dump: fxDump(t, "goroutines_kubelet112_debug2.txt"),
			total: 12, groups: 9, relist: 1, blocked: true, frame: "pkg/kubelet/pleg/generic.go:261",
			top: "net/http.(*persistConn).readLoop", topCount: 3, topState: "IO wait", secondName: "net/http.(*persistConn).writeLoop"},
		{name: "seed 001's excerpt as printed: spaces for tabs, groups elided", dump: fxSeedExcerpt,
			total: 2814, groups: 1, relist: 1, blocked: true, frame: "pkg/kubelet/pleg/generic.go:261",
			top: "pleg.(*GenericPLEG).relist", topCount: 1},
		{name: "debug=1 printing the runtime frames: gopark → chansend → chansend1 above relist",
			dump: "goroutine profile: total 1\n" + fxD1(1, "0x42fcaa 0x4066cb 0x406465 0x30d4f3e 0x45d2f1", fxRelistStack(
				"runtime.gopark /usr/local/go/src/runtime/proc.go:292",
				"runtime.chansend /usr/local/go/src/runtime/chan.go:221",
				"runtime.chansend1 /usr/local/go/src/runtime/chan.go:113")...),
			total: 1, groups: 1, relist: 1, blocked: true, frame: "pkg/kubelet/pleg/generic.go:261", top: "pleg.(*GenericPLEG).relist", topCount: 1},
		{name: "debug=1 printing the runtime frames: relist waiting for a GC assist, not a send",
			dump: fxD1(1, "0x42fcaa 0x4066cb 0x406465 0x30d4f3e 0x45d2f1", fxRelistStack(
				"runtime.gopark /usr/local/go/src/runtime/proc.go:292",
				"runtime.gcParkAssist /usr/local/go/src/runtime/mgcmark.go:620",
				"runtime.gcAssistAlloc /usr/local/go/src/runtime/mgcmark.go:470",
				"runtime.mallocgc /usr/local/go/src/runtime/malloc.go:718")...),
			total: 1, groups: 1, relist: 1, blocked: false, frame: "pkg/kubelet/pleg/generic.go:261", top: "pleg.(*GenericPLEG).relist", topCount: 1},
		{name: "relist waiting on the container runtime over gRPC",
			dump: fxD1(1, "0x402535 0x414188 0x5e1a2f 0x30d4f3e 0x45d2f1", slices.Concat([]string{
				"k8s.io/kubernetes/vendor/google.golang.org/grpc/transport.(*Stream).waitOnHeader " + fxK + "vendor/google.golang.org/grpc/transport/transport.go:263",
				"k8s.io/kubernetes/vendor/google.golang.org/grpc.invoke " + fxK + "vendor/google.golang.org/grpc/call.go:81",
				"k8s.io/kubernetes/pkg/kubelet/remote.(*RemoteRuntimeService).ListPodSandbox " + fxK + "pkg/kubelet/remote/remote_runtime.go:189",
				"k8s.io/kubernetes/pkg/kubelet/kuberuntime.(*kubeGenericRuntimeManager).GetPods " + fxK + "pkg/kubelet/kuberuntime/kuberuntime_manager.go:327",
				fxRel + " " + fxK + "pkg/kubelet/pleg/generic.go:203",
			}, fxRelistTail)...),
			total: 1, groups: 1, relist: 1, blocked: false, frame: "pkg/kubelet/pleg/generic.go:203", top: "pleg.(*GenericPLEG).relist", topCount: 1},
		{name: "relist running: its own address is the first on the @ line, nothing hidden",
			dump:  fxD1(1, "0x30d4f3e 0x30e4f3e 0x45d2f1", fxRelistStack()...),
			total: 1, groups: 1, relist: 1, blocked: false, frame: "pkg/kubelet/pleg/generic.go:261", top: "pleg.(*GenericPLEG).relist", topCount: 1},
		{name: "debug=2 without file lines, one relist sending and one in select (the catalogue fixture)",
			dump: "goroutine 412 [chan send, 3509 minutes]:\n" + fxRel + "(0xc000a3c0a0)\n" +
				"goroutine 413 [select]:\n" + fxRel + "(0xc000a3c0a0)\n",
			total: 2, groups: 2, relist: 2, blocked: true, top: "pleg.(*GenericPLEG).relist", topCount: 1, topState: "chan send"},
		{name: "debug=2 relist in select: not a send",
			dump:  "goroutine 413 [select]:\n" + fxRel + "(0xc000a3c0a0)\n\t" + fxK + "pkg/kubelet/pleg/generic.go:261 +0x74d\n",
			total: 1, groups: 1, relist: 1, blocked: false, frame: "pkg/kubelet/pleg/generic.go:261", top: "pleg.(*GenericPLEG).relist", topCount: 1, topState: "select"},
		{name: "debug=2 chan send below relist, in a function relist called",
			dump: "goroutine 413 [chan send]:\nk8s.io/kubernetes/pkg/kubelet/pleg.(*GenericPLEG).updateCache(0xc0)\n\t" + fxK + "pkg/kubelet/pleg/generic.go:390 +0x1\n" +
				fxRel + "(0xc000a3c0a0)\n\t" + fxK + "pkg/kubelet/pleg/generic.go:240 +0x74d\n",
			total: 1, groups: 1, relist: 1, blocked: false, frame: "pkg/kubelet/pleg/generic.go:240", top: "pleg.(*GenericPLEG).relist", topCount: 1, topState: "chan send"},
		{name: "debug=2 kubelet 1.27+: Relist, with the runtime frames printed (GOTRACEBACK=system)",
			dump: "goroutine 88 gp=0xc000682a80 m=nil [chan send, 61 minutes]:\nruntime.gopark(0x0?, 0x0?, 0x0?)\n\t/usr/local/go/src/runtime/proc.go:424 +0xce fp=0xc00 sp=0xc00 pc=0x4\n" +
				"runtime.chansend(0xc0, 0xc0, 0x1, 0x0?)\n\t/usr/local/go/src/runtime/chan.go:260 +0x38d\nruntime.chansend1(0x0?, 0x0?)\n\t/usr/local/go/src/runtime/chan.go:161 +0x17\n" +
				"k8s.io/kubernetes/pkg/kubelet/pleg.(*GenericPLEG).Relist(0xc000b00000)\n\tk8s.io/kubernetes/pkg/kubelet/pleg/generic.go:318 +0x9d5\n" +
				"created by k8s.io/kubernetes/pkg/kubelet/pleg.(*GenericPLEG).Start in goroutine 1\n\tk8s.io/kubernetes/pkg/kubelet/pleg/generic.go:160 +0x1b6\n",
			total: 1, groups: 1, relist: 1, blocked: true, frame: "pkg/kubelet/pleg/generic.go:318", top: "pleg.(*GenericPLEG).Relist", topCount: 1, topState: "chan send"},
		{name: "debug=1 labels lines are not frames; same stacks with other labels are one group",
			dump: "goroutine profile: total 5\n2 @ 0x402535 0x414188 0x41132e 0x412b06\n# labels: {\"handler\":\"a\"}\n#\t0x41132d\tnet/http.(*persistConn).writeLoop+0x3ed\t/usr/local/go/src/net/http/transport.go:1822\n\n" +
				"3 @ 0x402535 0x414188 0x41132e 0x412b06\n# labels: {\"handler\":\"b\"}\n#\t0x41132d\tnet/http.(*persistConn).writeLoop+0x3ed\t/usr/local/go/src/net/http/transport.go:1822\n",
			total: 5, groups: 1, top: "net/http.(*persistConn).writeLoop", topCount: 5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := SummariseGoroutines(c.dump)
			if s.Total != c.total || len(s.Groups) != c.groups {
				t.Errorf("total %d in %d groups, want %d in %d", s.Total, len(s.Groups), c.total, c.groups)
			}
			if s.PLEGRelist != c.relist || s.PLEGBlockedOnEventChannel != c.blocked || s.PLEGFrame != c.frame {
				t.Errorf("relist %d blocked %v at %q, want %d %v %q", s.PLEGRelist, s.PLEGBlockedOnEventChannel, s.PLEGFrame, c.relist, c.blocked, c.frame)
			}
			if len(s.Groups) == 0 {
				t.Fatal("no groups")
			}
			if g := s.Groups[0]; g.Name() != c.top || g.Count != c.topCount || g.State != c.topState {
				t.Errorf("largest group %d × %s [%s], want %d × %s [%s]", g.Count, g.Name(), g.State, c.topCount, c.top, c.topState)
			}
			if c.secondName != "" && s.Groups[1].Name() != c.secondName {
				t.Errorf("second group %s, want %s (ties keep the dump's order)", s.Groups[1].Name(), c.secondName)
			}
			sum := 0
			for i, g := range s.Groups {
				sum += g.Count
				if i > 0 && g.Count > s.Groups[i-1].Count {
					t.Errorf("groups not largest first at %d: %d after %d", i, g.Count, s.Groups[i-1].Count)
				}
				if len(g.Frames) == 0 {
					t.Errorf("group %d has no frames", i)
				}
			}
			if c.name != "seed 001's excerpt as printed: spaces for tabs, groups elided" && sum != s.Total {
				t.Errorf("groups sum to %d, total %d", sum, s.Total)
			}
		})
	}
}

func TestSummariseGoroutinesFrames(t *testing.T) {
	s := SummariseGoroutines(fxSeedExcerpt)
	want := []StackFrame{
		{Func: fxRel, File: "pkg/kubelet/pleg/generic.go", Path: fxK + "pkg/kubelet/pleg/generic.go", Line: 261},
		{Func: fxFm, File: "pkg/kubelet/pleg/generic.go", Path: fxK + "pkg/kubelet/pleg/generic.go", Line: 130},
		{Func: fxJU + ".func1", File: "k8s.io/apimachinery/pkg/util/wait/wait.go", Path: fxK + "vendor/k8s.io/apimachinery/pkg/util/wait/wait.go", Line: 133},
		{Func: fxJU, File: "k8s.io/apimachinery/pkg/util/wait/wait.go", Path: fxK + "vendor/k8s.io/apimachinery/pkg/util/wait/wait.go", Line: 134},
		{Func: "k8s.io/kubernetes/vendor/k8s.io/apimachinery/pkg/util/wait.Until", File: "k8s.io/apimachinery/pkg/util/wait/wait.go", Path: fxK + "vendor/k8s.io/apimachinery/pkg/util/wait/wait.go", Line: 88},
	}
	if len(s.Groups) != 1 || !reflect.DeepEqual(s.Groups[0].Frames, want) {
		t.Errorf("frames\n%+v\nwant\n%+v", s.Groups, want)
	}
	// debug=2 frames: arguments dropped, file and line from the indented line, "created by" not a frame.
	d2 := SummariseGoroutines(fxDump(t, "goroutines_kubelet112_debug2.txt"))
	for _, g := range d2.Groups {
		if g.State != "chan send" || g.Name() != "pleg.(*GenericPLEG).relist" {
			continue
		}
		if g.Frames[0] != want[0] || len(g.Frames) != 5 || g.Frames[4].Func != "k8s.io/kubernetes/vendor/k8s.io/apimachinery/pkg/util/wait.Until" {
			t.Errorf("debug=2 relist frames %+v", g.Frames)
		}
		return
	}
	t.Errorf("no relist group in the debug=2 dump: %+v", d2.Groups)
}

func TestSummariseGoroutinesEmpty(t *testing.T) {
	for _, dump := range []string{"", "\n", "\r\n\r\n", "   \n\t\n"} {
		s := SummariseGoroutines(dump)
		if !reflect.DeepEqual(s, GoroutineSummary{}) {
			t.Errorf("%q: %+v, want the zero summary", dump, s)
		}
		if d := s.Describe(); d != nil {
			t.Errorf("%q: Describe %q, want nil", dump, d)
		}
	}
}

func TestSummariseGoroutinesWindowsLineEndings(t *testing.T) {
	for _, name := range []string{"goroutines_kubelet112_pleg_deadlock.txt", "goroutines_kubelet112_debug2.txt", "goroutines_kubelet130_healthy.txt"} {
		dump := fxDump(t, name)
		crlf := strings.ReplaceAll(dump, "\n", "\r\n")
		if got, want := SummariseGoroutines(crlf), SummariseGoroutines(dump); !reflect.DeepEqual(got, want) {
			t.Errorf("%s with CRLF: %+v\nwant %+v", name, got.Describe(), want.Describe())
		}
	}
}

// TestSummariseGoroutinesTruncated cuts the dumps everywhere: no panic, the header's total kept, never
// more goroutines in the groups than that, and the relist verdict once its group is complete.
func TestSummariseGoroutinesTruncated(t *testing.T) {
	dump := fxDump(t, "goroutines_kubelet112_pleg_deadlock.txt")
	relistEnd := strings.Index(dump, "wait/wait.go:88\n\n1 @") + len("wait/wait.go:88\n")
	for cut := 0; cut <= len(dump); cut += 97 {
		s := SummariseGoroutines(dump[:cut])
		sum := 0
		for _, g := range s.Groups {
			sum += g.Count
		}
		if cut > 30 && s.Total != 2814 {
			t.Fatalf("cut at %d: total %d, want the header's 2814", cut, s.Total)
		}
		if sum > 2814 {
			t.Fatalf("cut at %d: groups hold %d goroutines", cut, sum)
		}
		if cut >= relistEnd && (!s.PLEGBlockedOnEventChannel || s.PLEGFrame != "pkg/kubelet/pleg/generic.go:261") {
			t.Fatalf("cut at %d, after the relist group: blocked %v at %q", cut, s.PLEGBlockedOnEventChannel, s.PLEGFrame)
		}
	}
	d2 := fxDump(t, "goroutines_kubelet112_debug2.txt")
	for cut := 0; cut <= len(d2); cut += 13 {
		SummariseGoroutines(d2[:cut])
	}
	// A frame line cut in the middle of the function's name is not the relist.
	mid := strings.Index(fxSeedExcerpt, "GenericPLEG).relist+")
	if s := SummariseGoroutines(fxSeedExcerpt[:mid]); s.PLEGRelist != 0 || s.PLEGBlockedOnEventChannel {
		t.Errorf("cut inside the relist frame: %+v", s)
	}
}

// TestSummariseGoroutinesLarge reads a dump of a few megabytes: 6,000 debug=2 goroutines.
func TestSummariseGoroutinesLarge(t *testing.T) {
	dump := fxLargeDump(6000)
	if len(dump) < 4<<20 {
		t.Fatalf("dump of %d bytes; want a few MB", len(dump))
	}
	start := time.Now()
	s := SummariseGoroutines(dump)
	t.Logf("%.1f MB in %s", float64(len(dump))/(1<<20), time.Since(start))
	if s.Total != 6001 || len(s.Groups) != 3 || !s.PLEGBlockedOnEventChannel || s.PLEGRelist != 1 {
		t.Errorf("total %d in %d groups, relist %d blocked %v", s.Total, len(s.Groups), s.PLEGRelist, s.PLEGBlockedOnEventChannel)
	}
	if s.Groups[0].Count != 3000 || s.Groups[0].Name() != "net/http.(*persistConn).readLoop" {
		t.Errorf("largest group %d × %s", s.Groups[0].Count, s.Groups[0].Name())
	}
}

// fxLargeDump repeats the debug=2 readLoop and writeLoop goroutines, with different arguments, around
// the blocked relist.
func fxLargeDump(n int) string {
	d2 := fxDump(&testing.T{}, "goroutines_kubelet112_debug2.txt")
	blocks := strings.Split(d2, "\n\n")
	pick := func(prefix string) string {
		for _, b := range blocks {
			if strings.Contains(b, prefix) {
				return b
			}
		}
		panic(prefix)
	}
	read := pick("goroutine 2410917 ")
	write := pick("goroutine 2410918 ")
	relist := pick("goroutine 412 ")
	var b strings.Builder
	for i := 0; i < n; i++ {
		block := write
		if i%2 == 0 {
			block = read
		}
		b.WriteString(strings.ReplaceAll(block, "0xc4216dc5a0", fmt.Sprintf("0xc4%08x", i)))
		b.WriteString("\n\n")
		if i == n/2 {
			b.WriteString(relist + "\n\n")
		}
	}
	return b.String()
}

func BenchmarkSummariseGoroutines(b *testing.B) {
	dump := fxLargeDump(30000)
	b.SetBytes(int64(len(dump)))
	for b.Loop() {
		SummariseGoroutines(dump)
	}
}

func TestGoroutineSummaryDescribe(t *testing.T) {
	cases := []struct {
		name string
		dump string
		want []string
	}{
		{"seed 001 deadlock", fxDump(t, "goroutines_kubelet112_pleg_deadlock.txt"), []string{
			"2814 goroutines",
			"the PLEG relist loop is blocked sending to the PLEG event channel (pkg/kubelet/pleg/generic.go:261) — the kubelet deadlock fixed in 1.14 (kubernetes PR 72709)",
			"1203 × net/http.(*persistConn).readLoop",
			"1203 × net/http.(*persistConn).writeLoop",
			"123 × kubelet.(*podWorkers).UpdatePod.func1",
			"96 × watch.(*StreamWatcher).receive",
			"96 × cache.(*Reflector).Run.func1",
		}},
		{"healthy: no relist on any stack", fxDump(t, "goroutines_kubelet130_healthy.txt"), []string{
			"380 goroutines",
			"118 × kubelet.(*podWorkers).UpdatePod.func1",
			"88 × cache.(*Reflector).Run",
			"88 × watch.(*StreamWatcher).receive",
			"24 × prober.(*worker).run",
			"14 × wait.Until",
		}},
		{"debug=2 with states", fxDump(t, "goroutines_kubelet112_debug2.txt"), []string{
			"12 goroutines",
			"the PLEG relist loop is blocked sending to the PLEG event channel (pkg/kubelet/pleg/generic.go:261) — the kubelet deadlock fixed in 1.14 (kubernetes PR 72709)",
			"3 × net/http.(*persistConn).readLoop [IO wait]",
			"2 × net/http.(*persistConn).writeLoop [select]",
			"1 × net/http.(*conn).serve [running]",
			"1 × main.main [chan receive]",
			"1 × os/signal.loop [syscall]",
		}},
		{"relist waiting on the runtime", fxD1(1, "0x402535 0x414188 0x30d4f3e 0x45d2f1", slices.Concat([]string{
			"k8s.io/kubernetes/pkg/kubelet/kuberuntime.(*kubeGenericRuntimeManager).GetPods " + fxK + "pkg/kubelet/kuberuntime/kuberuntime_manager.go:327",
			fxRel + " " + fxK + "pkg/kubelet/pleg/generic.go:203"}, fxRelistTail)...), []string{
			"1 goroutines",
			"1 in pleg.(*GenericPLEG).relist (pkg/kubelet/pleg/generic.go:203), not blocked on the PLEG event channel",
			"1 × pleg.(*GenericPLEG).relist",
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := SummariseGoroutines(c.dump).Describe(); !slices.Equal(got, c.want) {
				t.Errorf("Describe:\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(c.want, "\n  "))
			}
		})
	}
}

func TestStackGroupName(t *testing.T) {
	fr := func(fns ...string) StackGroup {
		g := StackGroup{Count: 1}
		for _, fn := range fns {
			g.Frames = append(g.Frames, StackFrame{Func: fn})
		}
		return g
	}
	cases := []struct {
		group StackGroup
		want  string
	}{
		{fr("internal/poll.runtime_pollWait", "net.(*conn).Read", "net/http.(*persistConn).readLoop"), "net/http.(*persistConn).readLoop"},
		{fr(fxRel, fxFm, fxJU+".func1", fxJU), "pleg.(*GenericPLEG).relist"},
		{fr(fxJU+".func1", fxJU, "k8s.io/kubernetes/vendor/k8s.io/apimachinery/pkg/util/wait.Until"), "wait.Until"},
		{fr("runtime.gopark", "runtime.goparkunlock", "runtime.timerproc"), "runtime.timerproc"},
		{fr("google.golang.org/grpc/internal/transport.(*controlBuffer).get", "google.golang.org/grpc/internal/transport.newHTTP2Client.func6"), "transport.newHTTP2Client.func6"},
		{fr("main.main"), "main.main"},
		{fr("k8s.io/utils/pkg.Map[go.shape.string]"), "pkg.Map[go.shape.string]"},
		{StackGroup{Count: 1}, "(no frames)"},
	}
	for _, c := range cases {
		if got := c.group.Name(); got != c.want {
			t.Errorf("Name of %+v = %q, want %q", c.group.Frames, got, c.want)
		}
	}
}

func TestShortFile(t *testing.T) {
	cases := map[string]string{
		fxK + "pkg/kubelet/pleg/generic.go":                                  "pkg/kubelet/pleg/generic.go",
		fxK + "vendor/k8s.io/apimachinery/pkg/util/wait/wait.go":             "k8s.io/apimachinery/pkg/util/wait/wait.go",
		"k8s.io/kubernetes/pkg/kubelet/pleg/generic.go":                      "pkg/kubelet/pleg/generic.go",
		"/usr/local/go/src/net/http/transport.go":                            "net/http/transport.go",
		"/root/go/pkg/mod/k8s.io/client-go@v0.30.4/tools/cache/reflector.go": "k8s.io/client-go@v0.30.4/tools/cache/reflector.go",
		`C:\go\src\runtime\proc.go`:                                          "runtime/proc.go",
		"/opt/build/main.go":                                                 "/opt/build/main.go",
		"/workspace/src/k8s.io/kubernetes/_output/local/go/src/k8s.io/kubernetes/vendor/github.com/google/cadvisor/manager/container.go": "github.com/google/cadvisor/manager/container.go",
	}
	for in, want := range cases {
		if got := shortFile(in); got != want {
			t.Errorf("shortFile(%q) = %q, want %q", in, got, want)
		}
	}
}
