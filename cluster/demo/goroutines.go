package demo

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

// The kubelets' goroutine dumps (/debug/pprof/goroutine). legacy-07's 1.12 kubelet has deadlocked
// as in seed 001: 2814 goroutines, and the PLEG relist loop parked in the send to its full event
// channel (pleg/generic.go:261), under runtime.gopark, chansend and chansend1 — frames that
// debug=1 hides, as runtime/pprof does (the "@" line still lists their addresses); debug=2 shows
// the state "[chan send, N minutes]". The other kubelets are healthy: a few hundred goroutines, the
// relist loop idle between passes (its goroutine sleeps in wait.BackoffUntil). Deterministic.

// gframe is one stack frame: the function, its file and line, and the PC's offset in it.
type gframe struct {
	fn   string
	file string
	line int
	off  int
}

// ggroup is a set of goroutines with the same stack.
type ggroup struct {
	count int
	state string // the wait state debug=2 prints
	mins  int    // how long they have waited, in minutes (debug=2); 0 for less than one
	// top are the runtime frames a parked goroutine has above its own (hidden by debug=1).
	top  []gframe
	body []gframe
	// created is the go statement that started them (debug=2).
	created gframe
}

// dumpStyle is what the kubelet was built with.
type dumpStyle struct {
	old bool // Go 1.10, GOPATH build with vendored packages (legacy-07)
}

func (s dumpStyle) goroot(file string) string {
	if s.old {
		return "/usr/local/go/src/" + file
	}
	return file // -trimpath
}

// k8s is a kubernetes source file.
func (s dumpStyle) k8s(file string) string {
	if s.old {
		return "/go/src/k8s.io/kubernetes/_output/dockerized/go/src/k8s.io/kubernetes/" + file
	}
	return "k8s.io/kubernetes/" + file
}

// dep is a dependency's function and file: vendored under k8s.io/kubernetes in the GOPATH era,
// by module path since.
func (s dumpStyle) dep(pkgPath, fn, file string, line, off int) gframe {
	if s.old {
		return gframe{"k8s.io/kubernetes/vendor/" + pkgPath + fn, s.k8s("vendor/" + pkgPath + "/" + file), line, off}
	}
	return gframe{pkgPath + fn, "k8s.io/kubernetes/vendor/" + pkgPath + "/" + file, line, off}
}

func (s dumpStyle) kube(pkg, fn, file string, line, off int) gframe {
	return gframe{"k8s.io/kubernetes/" + pkg + fn, s.k8s(pkg + "/" + file), line, off}
}

func (s dumpStyle) std(fn, file string, line, off int) gframe {
	return gframe{fn, s.goroot(file), line, off}
}

// Runtime frames above a parked goroutine, by why it parked.
func (s dumpStyle) parked(why string) []gframe {
	gopark := s.std("runtime.gopark", "runtime/proc.go", 435, 0xce)
	unlock := s.std("runtime.goparkunlock", "runtime/proc.go", 441, 0x48)
	if s.old {
		gopark = s.std("runtime.gopark", "runtime/proc.go", 292, 0x10a)
		unlock = s.std("runtime.goparkunlock", "runtime/proc.go", 297, 0x5e)
	}
	switch why {
	case "chan send":
		return []gframe{gopark, unlock, s.std("runtime.chansend", "runtime/chan.go", 221, 0x23b), s.std("runtime.chansend1", "runtime/chan.go", 113, 0x35)}
	case "chan receive":
		return []gframe{gopark, unlock, s.std("runtime.chanrecv", "runtime/chan.go", 506, 0x304), s.std("runtime.chanrecv2", "runtime/chan.go", 410, 0x2b)}
	case "select":
		return []gframe{gopark, s.std("runtime.selectgo", "runtime/select.go", 392, 0xe12)}
	case "IO wait":
		return []gframe{gopark, s.std("runtime.netpollblock", "runtime/netpoll.go", 366, 0x9f)}
	case "sleep", "semacquire", "sync.Cond.Wait":
		return []gframe{gopark, unlock}
	}
	return nil
}

// goroutineDump is the node's /debug/pprof/goroutine answer for the debug parameter.
func goroutineDump(c *Cluster, p nodePlan, debug string) []byte {
	now := c.Now()
	groups := healthyGroups(c, p)
	if p.name == NodePLEG && c.incident(NodePLEG) {
		groups = plegGroups(c, p, now)
	}
	if debug == "2" {
		return debug2(groups, dumpStyle{old: p.minor() < 14})
	}
	return debug1(groups)
}

// pc is a frame's program counter: the function's entry, placed deterministically in the text
// segment (the runtime low, the rest above), plus the offset.
func pc(f gframe) uint64 {
	h := binary.BigEndian.Uint64(digest("entry", f.fn))
	var entry uint64
	switch {
	case strings.HasPrefix(f.fn, "runtime.") || strings.HasPrefix(f.fn, "sync.") || strings.HasPrefix(f.fn, "internal/"):
		entry = 0x402000 + h%0x60000
	case !strings.Contains(strings.SplitN(f.fn, "/", 2)[0], "."):
		entry = 0x470000 + h%0x600000 // the rest of the standard library
	default:
		entry = 0xa00000 + h%0x2c00000
	}
	return entry&^0xf + uint64(f.off)
}

// debug1 renders groups as runtime/pprof's debug=1 count profile.
func debug1(groups []ggroup) []byte {
	type rec struct {
		key   string
		count int
		g     ggroup
	}
	var recs []rec
	seen := map[string]int{}
	total := 0
	for _, g := range groups {
		var key strings.Builder
		key.WriteString("@")
		for _, f := range append(append(append([]gframe(nil), g.top...), g.body...), gframe{fn: "runtime.goexit", off: 1}) {
			fmt.Fprintf(&key, " %#x", pc(f)+1)
		}
		total += g.count
		if i, ok := seen[key.String()]; ok {
			recs[i].count += g.count // the same stack from another go statement: one group
			continue
		}
		seen[key.String()] = len(recs)
		recs = append(recs, rec{key.String(), g.count, g})
	}
	sort.SliceStable(recs, func(i, j int) bool {
		if recs[i].count != recs[j].count {
			return recs[i].count > recs[j].count
		}
		return recs[i].key < recs[j].key
	})
	var b bytes.Buffer
	tw := tabwriter.NewWriter(&b, 1, 8, 1, '\t', 0)
	fmt.Fprintf(tw, "goroutine profile: total %d\n", total)
	for _, r := range recs {
		fmt.Fprintf(tw, "%d %s\n", r.count, r.key)
		frames := r.g.body
		if len(frames) == 0 {
			// Nothing but runtime frames: runtime/pprof prints them all.
			frames = r.g.top
		}
		for _, f := range frames {
			fmt.Fprintf(tw, "#\t%#x\t%s+%#x\t%s:%d\n", pc(f), f.fn, f.off, f.file, f.line)
		}
		fmt.Fprintf(tw, "\n")
	}
	tw.Flush()
	return b.Bytes()
}

// debug2 renders groups as a full goroutine dump (runtime.Stack of all goroutines).
func debug2(groups []ggroup, style dumpStyle) []byte {
	var b bytes.Buffer
	id := 1
	for gi, g := range groups {
		for n := 0; n < g.count; n++ {
			state := g.state
			if g.mins > 0 {
				state = fmt.Sprintf("%s, %d minutes", state, g.mins)
			}
			fmt.Fprintf(&b, "goroutine %d [%s]:\n", id, state)
			frames := g.body
			if len(frames) == 0 {
				frames = g.top
			}
			for fi, f := range frames {
				arg := binary.BigEndian.Uint32(digest("arg", fmt.Sprint(gi, n, fi)))
				if style.old {
					fmt.Fprintf(&b, "%s(0xc42%07x)\n\t%s:%d +%#x\n", f.fn, arg&0xfffffff, f.file, f.line, f.off)
				} else {
					fmt.Fprintf(&b, "%s(0xc00%07x)\n\t%s:%d +%#x\n", f.fn, arg&0xfffffff, f.file, f.line, f.off)
				}
			}
			if g.created.fn != "" {
				if style.old {
					fmt.Fprintf(&b, "created by %s\n\t%s:%d +%#x\n", g.created.fn, g.created.file, g.created.line, g.created.off)
				} else {
					fmt.Fprintf(&b, "created by %s in goroutine %d\n\t%s:%d +%#x\n", g.created.fn, 1+gi%7, g.created.file, g.created.line, g.created.off)
				}
			}
			b.WriteString("\n")
			id += 1 + spread(fmt.Sprint("gid", gi, n), 5)
		}
	}
	return b.Bytes()
}

// waitLoop is the frames of a wait.Until loop calling fn (GOPATH era: JitterUntil.func1 → JitterUntil → Until).
func (s dumpStyle) waitLoop() []gframe {
	if s.old {
		return []gframe{
			s.dep("k8s.io/apimachinery/pkg/util/wait", ".JitterUntil.func1", "wait.go", 133, 0x53),
			s.dep("k8s.io/apimachinery/pkg/util/wait", ".JitterUntil", "wait.go", 134, 0xbc),
			s.dep("k8s.io/apimachinery/pkg/util/wait", ".Until", "wait.go", 88, 0x4c),
		}
	}
	return []gframe{
		s.dep("k8s.io/apimachinery/pkg/util/wait", ".BackoffUntil.func1", "backoff.go", 233, 0x2e),
		s.dep("k8s.io/apimachinery/pkg/util/wait", ".BackoffUntil", "backoff.go", 234, 0xb3),
		s.dep("k8s.io/apimachinery/pkg/util/wait", ".JitterUntil", "backoff.go", 210, 0x85),
		s.dep("k8s.io/apimachinery/pkg/util/wait", ".Until", "backoff.go", 163, 0x3d),
	}
}

// idleWaitLoop is a wait.Until goroutine between two calls: parked in BackoffUntil's select.
func (s dumpStyle) idleWaitLoop() []gframe {
	if s.old {
		return []gframe{
			s.dep("k8s.io/apimachinery/pkg/util/wait", ".JitterUntil", "wait.go", 153, 0x12a),
			s.dep("k8s.io/apimachinery/pkg/util/wait", ".Until", "wait.go", 88, 0x4c),
		}
	}
	return []gframe{
		s.dep("k8s.io/apimachinery/pkg/util/wait", ".BackoffUntil", "backoff.go", 227, 0xa5),
		s.dep("k8s.io/apimachinery/pkg/util/wait", ".JitterUntil", "backoff.go", 210, 0x85),
		s.dep("k8s.io/apimachinery/pkg/util/wait", ".Until", "backoff.go", 163, 0x3d),
	}
}

func cat(parts ...[]gframe) []gframe {
	var out []gframe
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// commonGroups are what every kubelet runs, scaled to its pods: cadvisor's housekeeping per
// container, a pod worker per pod, probe workers, the API server's and its own HTTP connections.
func commonGroups(s dumpStyle, pods, containers, probes, procs int) []ggroup {
	cadvisor := "github.com/google/cadvisor/manager"
	podWorker := s.kube("pkg/kubelet", ".(*podWorkers).podWorkerLoop", "pod_workers.go", 1246, 0x135)
	podWorkerGo := s.kube("pkg/kubelet", ".(*podWorkers).UpdatePod.func1", "pod_workers.go", 947, 0x8f)
	if s.old {
		podWorker = s.kube("pkg/kubelet", ".(*podWorkers).managePodLoop", "pod_workers.go", 146, 0x2ec)
		podWorkerGo = s.kube("pkg/kubelet", ".(*podWorkers).UpdatePod.func1", "pod_workers.go", 200, 0x89)
	}
	readLoop := cat([]gframe{
		s.std("internal/poll.runtime_pollWait", "runtime/netpoll.go", 351, 0x85),
		s.std("internal/poll.(*pollDesc).wait", "internal/poll/fd_poll_runtime.go", 84, 0x27),
		s.std("internal/poll.(*pollDesc).waitRead", "internal/poll/fd_poll_runtime.go", 89, 0x25),
		s.std("internal/poll.(*FD).Read", "internal/poll/fd_unix.go", 165, 0x27a),
		s.std("net.(*netFD).Read", "net/fd_posix.go", 68, 0x25),
		s.std("net.(*conn).Read", "net/net.go", 196, 0x45),
		s.std("crypto/tls.(*atLeastReader).Read", "crypto/tls/conn.go", 816, 0x3b),
		s.std("bytes.(*Buffer).ReadFrom", "bytes/buffer.go", 217, 0x98),
		s.std("crypto/tls.(*Conn).readFromUntil", "crypto/tls/conn.go", 838, 0xde),
		s.std("crypto/tls.(*Conn).readRecordOrCCS", "crypto/tls/conn.go", 627, 0x3cf),
		s.std("crypto/tls.(*Conn).readRecord", "crypto/tls/conn.go", 589, 0x13),
		s.std("crypto/tls.(*Conn).Read", "crypto/tls/conn.go", 1392, 0x165),
		s.std("net/http.(*connReader).Read", "net/http/server.go", 806, 0x14a),
		s.std("bufio.(*Reader).fill", "bufio/bufio.go", 113, 0x103),
		s.std("bufio.(*Reader).Peek", "bufio/bufio.go", 152, 0x53),
		s.std("net/http.(*conn).serve", "net/http/server.go", 2145, 0x785),
	})
	return []ggroup{
		{count: containers, state: "select", top: s.parked("select"),
			body:    []gframe{s.dep(cadvisor, ".(*containerData).housekeeping", "container.go", 509, 0x3e5)},
			created: s.dep(cadvisor, ".(*containerData).Start", "container.go", 114, 0x4f)},
		{count: pods, state: "chan receive", top: s.parked("chan receive"), body: []gframe{podWorker, podWorkerGo}, created: podWorkerGo},
		{count: probes, state: "select", top: s.parked("select"),
			body:    []gframe{s.kube("pkg/kubelet/prober", ".(*worker).run", "worker.go", 176, 0x1b5)},
			created: s.kube("pkg/kubelet/prober", ".(*manager).AddPod", "prober_manager.go", 203, 0x43c)},
		{count: 6 + pods/20, state: "IO wait", top: s.parked("IO wait"), body: readLoop,
			created: s.std("net/http.(*Server).Serve", "net/http/server.go", 3454, 0x485)},
		{count: procs, state: "GC worker (idle)", top: []gframe{
			s.std("runtime.gopark", "runtime/proc.go", 435, 0xce),
			s.std("runtime.gcBgMarkWorker", "runtime/mgc.go", 1463, 0xeb)}},
		{count: 1, state: "syscall", body: []gframe{
			s.std("os/signal.signal_recv", "runtime/sigqueue.go", 152, 0x29),
			s.std("os/signal.loop", "os/signal/signal_unix.go", 23, 0x13)}},
	}
}

// healthyGroups: a kubelet at work, its PLEG relist idle between passes.
func healthyGroups(c *Cluster, p nodePlan) []ggroup {
	s := dumpStyle{old: p.minor() < 14}
	pods := c.podsOnNode(p.name)
	containers, probes := 20, 0
	for _, pod := range pods {
		containers += 2 * len(pod.Spec.Containers)
		for _, ctr := range pod.Spec.Containers {
			if ctr.ReadinessProbe != nil {
				probes++
			}
			if ctr.LivenessProbe != nil {
				probes++
			}
		}
	}
	groups := commonGroups(s, len(pods), containers, probes, p.machine.cpu)
	groups = append(groups, daemonGroups(s)...)
	syncLoop := s.kube("pkg/kubelet", ".(*Kubelet).syncLoopIteration", "kubelet.go", 2532, 0x16b)
	groups = append(groups,
		ggroup{count: 1, state: "select", top: s.parked("select"), body: []gframe{syncLoop,
			s.kube("pkg/kubelet", ".(*Kubelet).syncLoop", "kubelet.go", 2467, 0x4f3),
			s.kube("pkg/kubelet", ".(*Kubelet).Run", "kubelet.go", 1859, 0xbc5)},
			created: s.kube("cmd/kubelet/app", ".startKubelet", "server.go", 1266, 0x85)},
		// The PLEG: its wait.Until goroutine sleeps between relists.
		ggroup{count: 1, state: "select", top: s.parked("select"), body: s.idleWaitLoop(),
			created: s.kube("pkg/kubelet/pleg", ".(*GenericPLEG).Start", "generic.go", 155, 0x7a)},
		ggroup{count: 64 + len(pods), state: "select", top: s.parked("select"), body: s.idleWaitLoop(),
			created: s.dep("k8s.io/apimachinery/pkg/util/wait", ".Until", "backoff.go", 163, 0x3d)},
		ggroup{count: 9 + len(pods)/4, state: "select", top: s.parked("select"), body: []gframe{
			s.dep("k8s.io/client-go/tools/cache", ".(*Reflector).watch", "reflector.go", 431, 0x3f2),
			s.dep("k8s.io/client-go/tools/cache", ".(*Reflector).ListAndWatchWithContext", "reflector.go", 361, 0x3a5)},
			created: s.dep("k8s.io/client-go/tools/cache", ".(*Reflector).RunWithContext", "reflector.go", 313, 0x13a)},
		ggroup{count: 3, state: "IO wait", top: s.parked("IO wait"), body: []gframe{
			s.dep("google.golang.org/grpc/internal/transport", ".(*http2Client).reader", "http2_client.go", 1676, 0x1b6)},
			created: s.dep("google.golang.org/grpc/internal/transport", ".NewHTTP2Client", "http2_client.go", 419, 0x1e0c)},
		ggroup{count: 1, state: "select", top: s.parked("select"), body: []gframe{
			s.dep("k8s.io/klog/v2", ".(*flushDaemon).run.func1", "klog.go", 1141, 0x125)},
			created: s.dep("k8s.io/klog/v2", ".(*flushDaemon).run", "klog.go", 1137, 0x157)},
	)
	return groups
}

// plegGroups: legacy-07's deadlocked 1.12 kubelet (seed 001). The relist loop waits on a full event
// channel nobody reads, the sync loop sleeps between "skipping pod synchronization" lines, and the
// ConfigMap and Secret watches beyond the API server's 250 streams wait for a slot.
func plegGroups(c *Cluster, p nodePlan, now time.Time) []ggroup {
	s := dumpStyle{old: true}
	stuck := int(now.Sub(c.now.Add(-(3*minute + 12*time.Second))) / time.Minute)
	up := int(now.Sub(c.boots(p)[0].Add(25*time.Second)) / time.Minute)
	groups := commonGroups(s, 187, 702, 24, p.machine.cpu)
	for i := range groups {
		groups[i].mins = up / (3 + i)
	}
	relist := s.kube("pkg/kubelet/pleg", ".(*GenericPLEG).relist", "generic.go", 261, 0x74d)
	relistFm := s.kube("pkg/kubelet/pleg", ".(*GenericPLEG).(k8s.io/kubernetes/pkg/kubelet/pleg.relist)-fm", "generic.go", 130, 0x29)
	h2 := "golang.org/x/net/http2"
	watchStuck := cat([]gframe{
		s.std("sync.runtime_notifyListWait", "runtime/sema.go", 510, 0xeb),
		s.std("sync.(*Cond).Wait", "sync/cond.go", 56, 0x80),
		s.dep(h2, ".(*ClientConn).awaitOpenSlotForRequest", "transport.go", 1022, 0x76),
		s.dep(h2, ".(*ClientConn).roundTrip", "transport.go", 837, 0x1d6),
		s.dep(h2, ".(*Transport).RoundTripOpt", "transport.go", 379, 0x13e),
		s.dep(h2, ".(*Transport).RoundTrip", "transport.go", 341, 0x3a),
		s.std("net/http.(*Transport).RoundTrip", "net/http/transport.go", 380, 0xbef),
		s.dep("k8s.io/client-go/transport", ".(*userAgentRoundTripper).RoundTrip", "round_trippers.go", 160, 0x7a),
		s.std("net/http.send", "net/http/client.go", 252, 0x1be),
		s.std("net/http.(*Client).send", "net/http/client.go", 176, 0xfa),
		s.std("net/http.(*Client).Do", "net/http/client.go", 615, 0x28d),
		s.dep("k8s.io/client-go/rest", ".(*Request).Watch", "request.go", 485, 0x1b0),
		s.dep("k8s.io/client-go/tools/cache", ".(*ListWatch).Watch", "listwatch.go", 107, 0x63),
		s.dep("k8s.io/client-go/tools/cache", ".(*Reflector).ListAndWatch", "reflector.go", 302, 0x1a1b),
		s.dep("k8s.io/client-go/tools/cache", ".(*Reflector).Run.func1", "reflector.go", 204, 0x33),
	}, s.waitLoop()[:2], []gframe{
		s.dep("k8s.io/apimachinery/pkg/util/wait", ".Until", "wait.go", 88, 0x4c),
		s.dep("k8s.io/client-go/tools/cache", ".(*Reflector).Run", "reflector.go", 203, 0x18b)})
	watching := []gframe{
		s.dep("k8s.io/client-go/tools/cache", ".(*Reflector).watchHandler", "reflector.go", 363, 0x2bb),
		s.dep("k8s.io/client-go/tools/cache", ".(*Reflector).ListAndWatch", "reflector.go", 316, 0x12a9),
		s.dep("k8s.io/client-go/tools/cache", ".(*Reflector).Run.func1", "reflector.go", 204, 0x33),
	}
	groups = append(groups,
		ggroup{count: 1, state: "chan send", mins: stuck, top: s.parked("chan send"),
			body:    cat([]gframe{relist, relistFm}, s.waitLoop()),
			created: s.kube("pkg/kubelet/pleg", ".(*GenericPLEG).Start", "generic.go", 130, 0x88)},
		ggroup{count: 1, state: "sleep", top: s.parked("sleep"), body: []gframe{
			s.std("time.Sleep", "runtime/time.go", 102, 0x166),
			s.kube("pkg/kubelet", ".(*Kubelet).syncLoop", "kubelet.go", 1832, 0x1cb),
			s.kube("pkg/kubelet", ".(*Kubelet).Run", "kubelet.go", 1414, 0x8a1)},
			created: s.kube("cmd/kubelet/app", ".startKubelet", "server.go", 981, 0x77)},
		ggroup{count: 236, state: "select", mins: up / 9, top: s.parked("select"), body: watching,
			created: s.kube("pkg/kubelet/util/manager", ".(*objectCache).newReflector", "watch_based_manager.go", 124, 0x44e)},
		ggroup{count: 1071, state: "semacquire", mins: up / 11, top: s.parked("semacquire"), body: watchStuck,
			created: s.kube("pkg/kubelet/util/manager", ".(*objectCache).newReflector", "watch_based_manager.go", 124, 0x44e)},
		ggroup{count: 2, state: "IO wait", top: s.parked("IO wait"), body: []gframe{
			s.std("internal/poll.runtime_pollWait", "runtime/netpoll.go", 173, 0x57),
			s.std("internal/poll.(*pollDesc).wait", "internal/poll/fd_poll_runtime.go", 85, 0x9b),
			s.std("internal/poll.(*pollDesc).waitRead", "internal/poll/fd_poll_runtime.go", 90, 0x3d),
			s.std("internal/poll.(*FD).Read", "internal/poll/fd_unix.go", 157, 0x17d),
			s.std("net.(*netFD).Read", "net/fd_unix.go", 202, 0x4f),
			s.std("net.(*conn).Read", "net/net.go", 176, 0x6a),
			s.dep(h2, ".(*clientConnReadLoop).run", "transport.go", 1555, 0xd1)},
			created: s.dep(h2, ".(*Transport).newClientConn", "transport.go", 583, 0x652)},
		ggroup{count: 1, state: "chan receive", top: s.parked("chan receive"), body: []gframe{
			s.dep("github.com/golang/glog", ".(*loggingT).flushDaemon", "glog.go", 882, 0x8b)},
			created: s.dep("github.com/golang/glog", ".init.0", "glog.go", 410, 0x203)},
		ggroup{count: 4, state: "timer goroutine (idle)", top: []gframe{
			s.std("runtime.gopark", "runtime/proc.go", 292, 0x10a),
			s.std("runtime.goparkunlock", "runtime/proc.go", 297, 0x5e),
			s.std("runtime.timerproc", "runtime/time.go", 253, 0x2f4)}},
		ggroup{count: 38, state: "IO wait", top: s.parked("IO wait"), body: []gframe{
			s.std("internal/poll.runtime_pollWait", "runtime/netpoll.go", 173, 0x57),
			s.std("internal/poll.(*pollDesc).wait", "internal/poll/fd_poll_runtime.go", 85, 0x9b),
			s.std("internal/poll.(*pollDesc).waitRead", "internal/poll/fd_poll_runtime.go", 90, 0x3d),
			s.std("internal/poll.(*FD).Read", "internal/poll/fd_unix.go", 157, 0x17d),
			s.std("net.(*netFD).Read", "net/fd_unix.go", 202, 0x4f),
			s.std("net.(*conn).Read", "net/net.go", 176, 0x6a),
			s.std("net/http.(*persistConn).Read", "net/http/transport.go", 1453, 0x136),
			s.std("bufio.(*Reader).fill", "bufio/bufio.go", 100, 0x11e),
			s.std("bufio.(*Reader).Peek", "bufio/bufio.go", 132, 0x3a),
			s.std("net/http.(*persistConn).readLoop", "net/http/transport.go", 1601, 0x185)},
			created: s.std("net/http.(*Transport).dialConn", "net/http/transport.go", 1237, 0xb03)},
		ggroup{count: 38, state: "select", top: s.parked("select"), body: []gframe{
			s.std("net/http.(*persistConn).writeLoop", "net/http/transport.go", 1822, 0x14b)},
			created: s.std("net/http.(*Transport).dialConn", "net/http/transport.go", 1238, 0xb28)},
	)
	groups = append(groups, daemonGroups(s)...)
	groups = append(groups,
		// The pod config's updates channel (50 slots) is read by the sync loop too: full, so the
		// source merger waits on it as well.
		ggroup{count: 1, state: "chan send", mins: stuck, top: s.parked("chan send"), body: cat([]gframe{
			s.kube("pkg/kubelet/config", ".(*podStorage).Merge", "config.go", 187, 0x5bf),
			s.kube("pkg/util/config", ".(*Mux).listen", "config.go", 103, 0xf4),
			s.kube("pkg/util/config", ".(*Mux).(k8s.io/kubernetes/pkg/util/config.listen)-fm", "config.go", 92, 0x44)}, s.waitLoop()),
			created: s.kube("pkg/util/config", ".(*Mux).Channel", "config.go", 92, 0x1d7)},
		ggroup{count: 3, state: "chan receive", top: s.parked("chan receive"), body: []gframe{
			s.kube("pkg/kubelet/dockershim/libdocker", ".(*kubeDockerClient).redirectResponseToOutputStream", "kube_docker_client.go", 589, 0x1a4),
			s.kube("pkg/kubelet/dockershim/libdocker", ".(*kubeDockerClient).holdHijackedConnection.func1", "kube_docker_client.go", 609, 0x6b)},
			created: s.kube("pkg/kubelet/dockershim/libdocker", ".(*kubeDockerClient).holdHijackedConnection", "kube_docker_client.go", 608, 0xa6)},
	)
	sum := 0
	for _, g := range groups {
		sum += g.count
	}
	// The kubelet's other wait.Until loops, asleep between runs, make up the total of seed 001.
	groups = append(groups, ggroup{count: 2814 - sum, state: "select", top: s.parked("select"), body: s.idleWaitLoop(),
		created: s.dep("k8s.io/apimachinery/pkg/util/wait", ".Until", "wait.go", 88, 0x4c)})
	return groups
}

// daemonGroups are the kubelet's long-lived loops: its servers, managers and informers.
func daemonGroups(s dumpStyle) []ggroup {
	wait := "k8s.io/apimachinery/pkg/util/wait"
	accept := func(caller gframe) []gframe {
		return []gframe{
			s.std("internal/poll.runtime_pollWait", "runtime/netpoll.go", 351, 0x85),
			s.std("internal/poll.(*pollDesc).wait", "internal/poll/fd_poll_runtime.go", 84, 0x27),
			s.std("internal/poll.(*pollDesc).waitRead", "internal/poll/fd_poll_runtime.go", 89, 0x25),
			s.std("internal/poll.(*FD).Accept", "internal/poll/fd_unix.go", 613, 0x28c),
			s.std("net.(*netFD).accept", "net/fd_unix.go", 161, 0x29),
			s.std("net.(*TCPListener).accept", "net/tcpsock_posix.go", 159, 0x1b),
			s.std("net.(*TCPListener).Accept", "net/tcpsock.go", 380, 0x30),
			s.std("net/http.(*Server).Serve", "net/http/server.go", 3424, 0x30c),
			caller,
		}
	}
	sel := func(count int, body ...gframe) ggroup {
		return ggroup{count: count, state: "select", top: s.parked("select"), body: body}
	}
	recv := func(count int, body ...gframe) ggroup {
		return ggroup{count: count, state: "chan receive", top: s.parked("chan receive"), body: body}
	}
	return []ggroup{
		{count: 1, state: "IO wait", top: s.parked("IO wait"), body: accept(s.kube("pkg/kubelet/server", ".ListenAndServeKubeletServer", "server.go", 197, 0x2a5))},
		{count: 1, state: "IO wait", top: s.parked("IO wait"), body: accept(s.kube("pkg/kubelet/server", ".ListenAndServeKubeletReadOnlyServer", "server.go", 222, 0x1c5))},
		{count: 1, state: "IO wait", top: s.parked("IO wait"), body: accept(s.kube("cmd/kubelet/app", ".startKubelet.func2", "server.go", 1243, 0x5e))},
		sel(1, s.kube("pkg/kubelet/status", ".(*manager).Start.func1", "status_manager.go", 231, 0x14b)),
		sel(1, append([]gframe{s.kube("pkg/kubelet/volumemanager/populator", ".(*desiredStateOfWorldPopulator).populatorLoop", "desired_state_of_world_populator.go", 160, 0x4d)}, s.idleWaitLoop()...)...),
		sel(1, append([]gframe{s.kube("pkg/kubelet/volumemanager/reconciler", ".(*reconciler).reconciliationLoopFunc.func1", "reconciler.go", 137, 0x3e)}, s.idleWaitLoop()...)...),
		{count: 1, state: "sleep", top: s.parked("sleep"), body: []gframe{
			s.std("time.Sleep", "runtime/time.go", 338, 0x167),
			s.kube("pkg/kubelet/eviction", ".(*managerImpl).Start.func1", "eviction_manager.go", 208, 0x151)}},
		sel(1, s.dep("github.com/google/cadvisor/manager", ".(*manager).globalHousekeeping", "manager.go", 400, 0x1b7)),
		sel(1, s.dep("github.com/google/cadvisor/manager", ".(*manager).watchForNewContainers.func1", "manager.go", 1183, 0xde)),
		recv(1, s.dep("github.com/google/cadvisor/manager", ".(*manager).watchForNewOoms.func1", "manager.go", 1271, 0x9b)),
		sel(1, s.dep(wait, ".(*Group).Start.func1", "wait.go", 72, 0x4c)),
		recv(7, s.dep("k8s.io/client-go/tools/cache", ".(*processorListener).run.func1", "shared_informer.go", 1071, 0x5a),
			s.dep(wait, ".BackoffUntil.func1", "backoff.go", 233, 0x2e)),
		sel(7, s.dep("k8s.io/client-go/tools/cache", ".(*processorListener).pop", "shared_informer.go", 1041, 0x12a),
			s.dep(wait, ".(*Group).Start.func1", "wait.go", 72, 0x4c)),
		sel(2, s.dep("google.golang.org/grpc/internal/transport", ".(*controlBuffer).get", "controlbuf.go", 426, 0x105),
			s.dep("google.golang.org/grpc/internal/transport", ".(*loopyWriter).run", "controlbuf.go", 564, 0x7f)),
		sel(2, s.dep("google.golang.org/grpc/internal/grpcsync", ".(*CallbackSerializer).run", "callback_serializer.go", 88, 0x10a)),
	}
}
