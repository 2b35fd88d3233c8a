package demo

import (
	"fmt"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// The journals of the demo's nodes: what their kubelet, container runtime, systemd and kernel
// logged. They are generated on request from the node's plan, its incident and the demo clock, on a
// grid anchored in time, so two reads agree and a later read only adds lines. The node log query
// (logs/?query=…), the kubelet's file server (/var/log/syslog, /var/log/messages) and the node
// shell's journalctl all read them.
// This file holds the journal's model and its generation over a window, boot by boot; the lines
// themselves are in journalquiet.go (everyday), journalnode.go and journalpods.go (incidents), their
// formats in journalformat.go, and the queries in journalquery.go.

// journalRetention is how far back a journal goes: journald vacuums older entries.
const journalRetention = 3 * day

// jline is one journal entry.
type jline struct {
	t time.Time
	// unit is the systemd unit the entry belongs to ("kubelet", "containerd", "docker", "chrony");
	// "" for the kernel and the rest. systemd's own lines about a unit carry that unit, as
	// journalctl -u shows them.
	unit  string
	ident string // SYSLOG_IDENTIFIER: kubelet, containerd, dockerd, systemd, kernel, chronyd
	pid   int    // 0 for the kernel
	msg   string
	boot  int // index into the journal's boots
}

// journal is one node's journal as of now.
type journal struct {
	c     *Cluster
	p     nodePlan
	node  string
	seed  time.Time
	now   time.Time
	boots []time.Time
	start time.Time // retention start
	pods  []*corev1.Pod

	lines []jline
	lo    time.Time // the window being generated
	hi    time.Time
}

// journalOf generates the node's journal between from and to (clipped to what it holds).
func (c *Cluster) journalOf(p nodePlan, from, to time.Time) *journal {
	now := c.Now()
	j := &journal{c: c, p: p, node: p.name, seed: c.now, now: now, boots: c.boots(p), pods: c.podsOnNode(p.name)}
	j.start = now.Add(-journalRetention)
	j.lo, j.hi = maxTime(from, j.start), minTime(to, now)
	if !j.lo.After(j.hi) {
		j.generate()
	}
	sort.SliceStable(j.lines, func(a, b int) bool { return j.lines[a].t.Before(j.lines[b].t) })
	return j
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// segment is the span of boot i: from the boot to the machine going down before the next one, or
// now; an unreachable node's first boot ends when it went silent.
func (j *journal) segment(i int) (time.Time, time.Time) {
	end := j.now
	if i+1 < len(j.boots) {
		end = j.boots[i+1].Add(-20 * time.Second)
	}
	if i == 0 && j.node == NodeUnreachable {
		end = minTime(end, j.seed.Add(-(14*minute + 30*time.Second)))
	}
	return j.boots[i], end
}

// emit adds a line when it falls in the window being generated.
func (j *journal) emit(t time.Time, unit, ident string, pid int, msg string) {
	if t.Before(j.lo) || t.After(j.hi) {
		return
	}
	j.lines = append(j.lines, jline{t: t, unit: unit, ident: ident, pid: pid, msg: msg, boot: j.bootAt(t)})
}

func (j *journal) bootAt(t time.Time) int {
	b := 0
	for i, bt := range j.boots {
		if !t.Before(bt) {
			b = i
		}
	}
	return b
}

// tick calls f for each tick of a stream that starts at start and ticks every period (each tick
// a deterministic jitter of up to a quarter period late), for the ticks in [lo, hi) that fall in
// the window being generated.
func (j *journal) tick(seed string, start time.Time, period time.Duration, lo, hi time.Time, f func(k int, t time.Time)) {
	j.tickJ(seed, start, period, period/4, lo, hi, f)
}

// tickJ is tick with the jitter's bound.
func (j *journal) tickJ(seed string, start time.Time, period, jit time.Duration, lo, hi time.Time, f func(k int, t time.Time)) {
	// Ticks a period either side of the window may have lines in it; emit drops the rest.
	lo, hi = maxTime(lo, j.lo.Add(-period)), minTime(hi, j.hi.Add(period))
	if !lo.Before(hi) || period <= 0 {
		return
	}
	k0 := 0
	if lo.After(start) {
		k0 = int(lo.Sub(start)/period) - 1
	}
	k0 = max(k0, 0)
	for k := k0; ; k++ {
		t := start.Add(time.Duration(k) * period).Add(jitter(fmt.Sprintf("%s/%s/%d", j.node, seed, k), jit))
		if !t.Before(hi) {
			return
		}
		if !t.Before(lo) && !t.Before(start) {
			f(k, t)
		}
	}
}

// pid is a process ID for a daemon of boot i, started early in boot: deterministic per node.
func (j *journal) pid(daemon string, i, base, spreadN int) int {
	return base + spread(fmt.Sprintf("pid/%s/%s/%d", j.node, daemon, i), spreadN)
}

func (j *journal) kubeletPID(i int) int {
	if j.p.centos() {
		// The legacy kubelets were restarted by hand many times since the machines booted.
		return j.pid("kubelet", i, 180000, 400000)
	}
	return j.pid("kubelet", i, 1000, 400)
}

func (j *journal) runtimePID(i int) int { return j.pid(j.p.runtimeUnit(), i, 640, 300) }

// pod returns the node's pod whose name starts with prefix, nil if none.
func (j *journal) pod(namespace, prefix string) *corev1.Pod {
	for _, p := range j.pods {
		if p.Namespace == namespace && strings.HasPrefix(p.Name, prefix) {
			return p
		}
	}
	return nil
}

// structured reports whether the node's kubelet writes structured (key="value") log lines.
func (j *journal) structured() bool { return j.p.minor() >= 20 }

// generate fills j.lines for the window [j.lo, j.hi].
func (j *journal) generate() {
	for i := range j.boots {
		lo, hi := j.segment(i)
		if hi.Before(j.start) || lo.After(j.hi) || hi.Before(j.lo) {
			continue
		}
		j.bootLines(i, lo)
		incident := i == 0 && Scenario(j.node) != "" || i == 0 && j.node == NodeFlapping
		j.quietKubelet(i, lo, hi)
		j.quietRuntime(i, lo, hi, incident && j.node == NodeRuntimeDown)
		j.quietSystem(i, lo, hi)
		if i == 0 {
			j.incident(hi)
		}
	}
}

// incident adds the lines of the node's trouble, up to end (the reboot that repaired it).
func (j *journal) incident(end time.Time) {
	switch j.node {
	case NodeRuntimeDown:
		j.runtimeDown(end)
	case NodeCNINotReady:
		j.cniNotReady(end)
	case NodeFlapping:
		j.flapping(end)
	case NodePodIPExhausted:
		j.ipExhausted(end)
	case NodeDiskPressure:
		j.diskPressure(end)
	case NodeMemoryPressure:
		j.memoryPressure(end)
	case NodeUnreachable:
		j.unreachable(end)
	case NodeCgroupLeak:
		j.cgroupLeak(end)
	case NodePLEG:
		j.pleg(end)
	case NodeCP1:
		at := j.seed.Add(-(37*minute + 20*time.Second))
		pid := j.kubeletPID(0)
		if p := j.pod("kube-system", "kube-controller-manager-"); p != nil {
			old := hex64("container", p.Name, "kube-controller-manager", at.String())
			j.emit(at.Add(400*time.Millisecond), "kubelet", "kubelet", pid, klogS('I', at.Add(400*time.Millisecond), pid, "kubelet.go:2636", "SyncLoop (PLEG): event for pod", "pod", "kube-system/"+p.Name, "event", plegEvent(p, "ContainerDied", old)))
			j.emit(at.Add(500*time.Millisecond), "kubelet", "kubelet", pid, klogS('I', at.Add(500*time.Millisecond), pid, "scope.go:117", "RemoveContainer", "containerID", old))
			j.emit(at.Add(12*time.Second), "kubelet", "kubelet", pid, klogS('I', at.Add(12*time.Second), pid, "kubelet.go:2636", "SyncLoop (PLEG): event for pod", "pod", "kube-system/"+p.Name, "event", plegEvent(p, "ContainerStarted", hex64("container", p.Name, "kube-controller-manager", "after", at.String()))))
		}
	}
}
