package demo

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// The journals of the demo's nodes: what their kubelet, container runtime, systemd and kernel
// logged. They are generated on request from the node's plan, its incident and the demo clock, on a
// grid anchored in time, so two reads agree and a later read only adds lines. The node log query
// (logs/?query=…), the kubelet's file server (/var/log/syslog, /var/log/messages) and the node
// shell's journalctl all read them.

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

// klog is a kubelet line in klog's header format: "E1123 10:00:00.123456    1234 file.go:12] ".
func klog(sev byte, t time.Time, pid int, src, text string) string {
	return fmt.Sprintf("%c%s %7d %s] %s", sev, t.UTC().Format("0102 15:04:05.000000"), pid, src, text)
}

// raw is a klog value written as it is (a JSON object, a list).
type raw string

// kv renders structured klog key/value pairs: strings quoted as klog does, raw values as they are.
func kv(pairs ...any) string {
	var b strings.Builder
	for i := 0; i+1 < len(pairs); i += 2 {
		b.WriteByte(' ')
		b.WriteString(fmt.Sprint(pairs[i]))
		b.WriteByte('=')
		switch v := pairs[i+1].(type) {
		case string:
			b.WriteString(strconv.Quote(v))
		case raw:
			b.WriteString(string(v))
		default:
			fmt.Fprint(&b, v)
		}
	}
	return b.String()
}

// klogS is a structured kubelet line: the message quoted, then its key/value pairs.
func klogS(sev byte, t time.Time, pid int, src, msg string, pairs ...any) string {
	return klog(sev, t, pid, src, strconv.Quote(msg)+kv(pairs...))
}

// logrusValue quotes a value the way logrus' text formatter does (containerd, dockerd).
func logrusValue(s string) string {
	if s == "" {
		return `""`
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-._/@^+", r)) {
			return fmt.Sprintf("%q", s)
		}
	}
	return s
}

// logrus is a containerd or dockerd line.
func logrus(t time.Time, level, msg string, pairs ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "time=%q level=%s msg=%s", t.UTC().Format(time.RFC3339Nano), level, logrusValue(msg))
	for i := 0; i+1 < len(pairs); i += 2 {
		fmt.Fprintf(&b, " %s=%s", pairs[i], logrusValue(pairs[i+1]))
	}
	return b.String()
}

// bareID drops the runtime prefix of a container ID.
func bareID(id string) string {
	if i := strings.Index(id, "://"); i >= 0 {
		return id[i+3:]
	}
	return id
}

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

// bootLines: the machine booting and its daemons starting.
func (j *journal) bootLines(i int, boot time.Time) {
	kpid, rpid := j.kubeletPID(i), j.runtimePID(i)
	rt := j.p.runtimeUnit()
	if j.p.centos() {
		j.emit(boot, "", "kernel", 0, "Linux version "+j.p.os.kernel+" (mockbuild@kbuilder.bsys.centos.org) (gcc version 4.8.5 20150623 (Red Hat 4.8.5-36) (GCC) ) #1 SMP")
		j.emit(boot.Add(2*time.Second), "", "systemd", 1, "systemd 219 running in system mode. (+PAM +AUDIT +SELINUX +IMA -APPARMOR +SMACK +SYSVINIT +UTMP +LIBCRYPTSETUP +GCRYPT +GNUTLS +ACL +XZ +LZ4 -SECCOMP +BLKID +ELFUTILS +KMOD +IDN)")
	} else {
		j.emit(boot, "", "kernel", 0, "Linux version "+j.p.os.kernel+" (buildd@lcy02-amd64-086) (x86_64-linux-gnu-gcc-13 (Ubuntu 13.3.0-6ubuntu2~24.04) 13.3.0, GNU ld (GNU Binutils for Ubuntu) 2.42) #33-Ubuntu SMP")
		j.emit(boot.Add(2*time.Second), "", "systemd", 1, "systemd 255.4-1ubuntu8.11 running in system mode (+PAM +AUDIT +SELINUX +APPARMOR +IMA +SMACK +SECCOMP +GCRYPT -GNUTLS +OPENSSL +ACL +BLKID +CURL +ELFUTILS +FIDO2 +IDN2 -IDN +IPTC +KMOD +LIBCRYPTSETUP +LIBFDISK +PCRE2 -PWQUALITY +P11KIT +QRENCODE +TPM2 +BZIP2 +LZ4 +XZ +ZLIB +ZSTD -BPF_FRAMEWORK -XKBCOMMON +UTMP +SYSVINIT default-hierarchy=unified)")
	}
	rstart := boot.Add(14 * time.Second)
	if j.p.docker() {
		j.emit(rstart, rt, "systemd", 1, "Starting Docker Application Container Engine...")
		j.emit(rstart.Add(40*time.Millisecond), rt, "dockerd", rpid, logrus(rstart.Add(40*time.Millisecond), "info", "Starting up"))
		j.emit(rstart.Add(2*time.Second), rt, "dockerd", rpid, logrus(rstart.Add(2*time.Second), "info", "Docker daemon", "commit", "aa7e414", "graphdriver(s)", "overlay2", "version", strings.TrimPrefix(j.p.os.runtime, "docker://")))
		j.emit(rstart.Add(2100*time.Millisecond), rt, "systemd", 1, "Started Docker Application Container Engine.")
	} else {
		j.emit(rstart, rt, "systemd", 1, "Starting containerd.service - containerd container runtime...")
		j.emit(rstart.Add(60*time.Millisecond), rt, "containerd", rpid, logrus(rstart.Add(60*time.Millisecond), "info", "starting containerd", "revision", "75cb2b7193e4e490e9fbdc236c0e811ccaba3376", "version", strings.TrimPrefix(j.p.os.runtime, "containerd://")))
		j.emit(rstart.Add(900*time.Millisecond), rt, "containerd", rpid, logrus(rstart.Add(900*time.Millisecond), "info", "containerd successfully booted in 0.841223s"))
		j.emit(rstart.Add(910*time.Millisecond), rt, "systemd", 1, "Started containerd.service - containerd container runtime.")
	}
	k := boot.Add(25 * time.Second)
	if j.p.centos() {
		j.emit(k, "kubelet", "systemd", 1, "Started kubelet: The Kubernetes Node Agent.")
		j.emit(k.Add(300*time.Millisecond), "kubelet", "kubelet", kpid, klog('I', k.Add(300*time.Millisecond), kpid, "server.go:417", "Version: "+j.p.os.kubelet))
		j.emit(k.Add(9*time.Second), "kubelet", "kubelet", kpid, klog('I', k.Add(9*time.Second), kpid, "kubelet.go:1799", "Starting kubelet main sync loop."))
		return
	}
	j.emit(k, "kubelet", "systemd", 1, "Started kubelet.service - kubelet: The Kubernetes Node Agent.")
	at := k.Add(250 * time.Millisecond)
	j.emit(at, "kubelet", "kubelet", kpid, klogS('I', at, kpid, "server.go:530", "Kubelet version", "kubeletVersion", j.p.os.kubelet))
	j.emit(at, "kubelet", "kubelet", kpid, klogS('I', at, kpid, "server.go:532", "Golang settings", "GOGC", "", "GOMAXPROCS", "", "GOTRACEBACK", ""))
	if cfg := kubeletConfigOf(j.p); cfg.FeatureGates["NodeLogQuery"] && j.p.minor() >= 36 {
		j.emit(at, "kubelet", "kubelet", kpid, klog('W', at, kpid, "feature_gate.go:354", "Setting GA feature gate NodeLogQuery=true. It will be removed in a future release."))
	}
	at = k.Add(3 * time.Second)
	j.emit(at, "kubelet", "kubelet", kpid, klogS('I', at, kpid, "kubelet_node_status.go:75", "Attempting to register node", "node", j.node))
	j.emit(at.Add(40*time.Millisecond), "kubelet", "kubelet", kpid, klogS('I', at.Add(40*time.Millisecond), kpid, "kubelet_node_status.go:78", "Successfully registered node", "node", j.node))
	j.emit(at.Add(90*time.Millisecond), "kubelet", "kubelet", kpid, klogS('I', at.Add(90*time.Millisecond), kpid, "kubelet.go:2525", "Starting kubelet main sync loop"))
	j.emit(at.Add(15*time.Second), "kubelet", "kubelet", kpid, klogS('I', at.Add(15*time.Second), kpid, "kubelet_node_status.go:501", "Fast updating node status as it just became ready"))
}

// quietKubelet: what a healthy kubelet logs now and then.
func (j *journal) quietKubelet(i int, lo, hi time.Time) {
	pid := j.kubeletPID(i)
	if !j.structured() {
		j.tick("kubelet-quiet", lo.Add(time.Minute), 4*minute+17*time.Second, lo, hi, func(k int, t time.Time) {
			if len(j.pods) == 0 {
				return
			}
			p := j.pods[spread(fmt.Sprint(j.node, k), len(j.pods))]
			if j.p.docker() && j.p.minor() < 14 {
				j.emit(t, "kubelet", "kubelet", pid, klog('W', t, pid, "docker_sandbox.go:384",
					fmt.Sprintf("failed to read pod IP from plugin/docker: NetworkPlugin cni failed on the status hook for pod %q: CNI failed to retrieve network namespace path: cannot find network namespace for the terminated container %q",
						p.Name+"_"+p.Namespace, hex64("dead", p.Name, fmt.Sprint(k)))))
				return
			}
			j.emit(t, "kubelet", "kubelet", pid, klog('W', t, pid, "watcher.go:87", fmt.Sprintf(
				`Error while processing event ("/sys/fs/cgroup/memory/kubepods/besteffort/pod%s/%s": 0x40000100 == IN_CREATE|IN_ISDIR): inotify_add_watch /sys/fs/cgroup/memory/kubepods/besteffort/pod%s/%s: no such file or directory`,
				p.UID, hex64("exec", p.Name, fmt.Sprint(k)), p.UID, hex64("exec", p.Name, fmt.Sprint(k)))))
		})
		return
	}
	j.tick("kubelet-quiet", lo.Add(time.Minute), 5*minute+11*time.Second, lo, hi, func(k int, t time.Time) {
		if len(j.pods) == 0 {
			return
		}
		p := j.pods[spread(fmt.Sprint(j.node, "q", k), len(j.pods))]
		switch spread(fmt.Sprint(j.node, "kind", k), 3) {
		case 0, 1:
			id := hex64("exec", p.Name, fmt.Sprint(k))
			slice := "kubepods-besteffort.slice/kubepods-besteffort-pod" + strings.ReplaceAll(string(p.UID), "-", "_") + ".slice"
			path := "/sys/fs/cgroup/kubepods.slice/kubepods-besteffort.slice/" + slice[len("kubepods-besteffort.slice/"):] + "/cri-containerd-" + id + ".scope"
			j.emit(t, "kubelet", "kubelet", pid, klog('W', t, pid, "watcher.go:93", fmt.Sprintf(
				"Error while processing event (%q: 0x40000100 == IN_CREATE|IN_ISDIR): inotify_add_watch %s: no such file or directory", path, path)))
		default:
			j.emit(t, "kubelet", "kubelet", pid, klogS('I', t, pid, "kubelet.go:2614", "SyncLoop (probe)",
				"probe", "readiness", "status", "ready", "pod", p.Namespace+"/"+p.Name))
		}
	})
	if strings.HasPrefix(j.node, "cp-") {
		j.tick("static-status", lo.Add(2*minute), 10*time.Minute, lo, hi, func(k int, t time.Time) {
			for n, c := range []string{"etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"} {
				at := t.Add(time.Duration(n) * 3 * time.Millisecond)
				j.emit(at, "kubelet", "kubelet", pid, klogS('I', at, pid, "kubelet_getters.go:218", "Pod status updated",
					"pod", "kube-system/"+c+"-"+j.node, "status", raw("\"Running\"")))
			}
		})
	}
}

// quietRuntime: the container runtime's everyday lines. down: the runtime crash-loops from the
// incident on (worker-05), see runtimeDown.
func (j *journal) quietRuntime(i int, lo, hi time.Time, down bool) {
	pid := j.runtimePID(i)
	unit := j.p.runtimeUnit()
	if down {
		hi = minTime(hi, j.seed.Add(-26*minute))
	}
	if j.p.docker() {
		j.tick("docker-quiet", lo.Add(2*minute), 3*minute+43*time.Second, lo, hi, func(k int, t time.Time) {
			id := hex64("dockerd", j.node, fmt.Sprint(k))
			if j.p.minor() < 14 {
				j.emit(t, unit, "dockerd", pid, logrus(t, "info", "shim reaped", "id", id, "module", "containerd/tasks"))
				return
			}
			j.emit(t, unit, "dockerd", pid, logrus(t, "info", "ignoring event", "container", id, "module", "libcontainerd",
				"namespace", "moby", "topic", "/tasks/delete", "type", "*events.TaskDelete"))
		})
		return
	}
	j.tick("containerd-quiet", lo.Add(3*minute), 6*minute+29*time.Second, lo, hi, func(k int, t time.Time) {
		id := hex64("containerd", j.node, fmt.Sprint(k))
		if k%2 == 0 {
			j.emit(t, unit, "containerd", pid, logrus(t, "info", fmt.Sprintf("RemoveContainer for %q", id)))
			t2 := t.Add(31 * time.Millisecond)
			j.emit(t2, unit, "containerd", pid, logrus(t2, "info", fmt.Sprintf("RemoveContainer for %q returns successfully", id)))
			return
		}
		j.emit(t, unit, "containerd", pid, logrus(t, "info", "shim disconnected", "id", id, "namespace", "k8s.io"))
		t2 := t.Add(2 * time.Millisecond)
		j.emit(t2, unit, "containerd", pid, logrus(t2, "warning", "cleaning up after shim disconnected", "id", id, "namespace", "k8s.io"))
		t3 := t.Add(3 * time.Millisecond)
		j.emit(t3, unit, "containerd", pid, logrus(t3, "info", "cleaning up dead shim", "namespace", "k8s.io"))
	})
}

// quietSystem: chrony and the rest of the machine.
func (j *journal) quietSystem(i int, lo, hi time.Time) {
	cpid := j.pid("chronyd", i, 520, 90)
	if j.p.centos() {
		j.tick("sessions", lo.Add(5*minute), 10*minute, lo, hi, func(k int, t time.Time) {
			j.emit(t, "", "systemd", 1, "Created slice User Slice of root.")
			j.emit(t.Add(2*time.Millisecond), "", "systemd", 1, fmt.Sprintf("Started Session %d of user root.", 3100+k))
			j.emit(t.Add(400*time.Millisecond), "", "systemd", 1, "Removed slice User Slice of root.")
		})
		j.tick("chrony", lo.Add(3*hour), 7*hour, lo, hi, func(k int, t time.Time) {
			j.emit(t, "chronyd", "chronyd", cpid, "Selected source 169.254.169.123")
		})
		return
	}
	// Calico's veths, as pods come and go.
	j.tick("veth", lo.Add(17*minute), 23*minute+11*time.Second, lo, hi, func(k int, t time.Time) {
		j.emit(t, "", "kernel", 0, fmt.Sprintf("cali%s: Caught tx_queue_len zero misconfig", hex64("veth", j.node, fmt.Sprint(k))[:11]))
	})
	j.emit(lo.Add(9*time.Second), "chrony", "chronyd", cpid, "chronyd version 4.5 starting (+CMDMON +NTP +REFCLOCK +RTC +PRIVDROP +SCFILTER +SIGND +ASYNCDNS +NTS +SECHASH +IPV6 -DEBUG)")
	j.emit(lo.Add(15*time.Second), "chrony", "chronyd", cpid, "Selected source 169.254.169.123")
	j.tick("chrony", lo.Add(2*hour), 6*hour+20*minute, lo, hi, func(k int, t time.Time) {
		j.emit(t, "chrony", "chronyd", cpid, fmt.Sprintf("Source 2620:2d:4000:1::%d replaced with 2620:2d:4000:1::%d (ntp.ubuntu.com)", 40+k%3, 40+(k+1)%3))
	})
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
			ev := func(typ, data string) raw {
				return raw(fmt.Sprintf(`{"ID":%q,"Type":%q,"Data":%q}`, p.UID, typ, data))
			}
			old := hex64("container", p.Name, "kube-controller-manager", at.String())
			j.emit(at.Add(400*time.Millisecond), "kubelet", "kubelet", pid, klogS('I', at.Add(400*time.Millisecond), pid, "kubelet.go:2636", "SyncLoop (PLEG): event for pod", "pod", "kube-system/"+p.Name, "event", ev("ContainerDied", old)))
			j.emit(at.Add(500*time.Millisecond), "kubelet", "kubelet", pid, klogS('I', at.Add(500*time.Millisecond), pid, "scope.go:117", "RemoveContainer", "containerID", old))
			j.emit(at.Add(12*time.Second), "kubelet", "kubelet", pid, klogS('I', at.Add(12*time.Second), pid, "kubelet.go:2636", "SyncLoop (PLEG): event for pod", "pod", "kube-system/"+p.Name, "event", ev("ContainerStarted", hex64("container", p.Name, "kube-controller-manager", "after", at.String()))))
		}
	}
}

// containerdSocketRefused is the gRPC error of a dead containerd.
const containerdSocketRefused = containerdSockDown

// runtimeDown: worker-05's containerd was OOM-killed 26 minutes before the seed and keeps failing
// to come back: each start walks the overlayfs snapshots (millions of small files, seed 003), the
// CRI plugin gives up recovering its state and containerd exits 1; systemd restarts it five
// seconds later. The kubelet cannot reach it and skips pod synchronisation.
func (j *journal) runtimeDown(end time.Time) {
	crash := j.seed.Add(-26 * minute)
	rpid := j.runtimePID(0)
	if !crash.After(end) {
		j.emit(crash, "", "kernel", 0, fmt.Sprintf("Out of memory: Killed process %d (containerd) total-vm:9817344kB, anon-rss:7904532kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:16204kB oom_score_adj:-999", rpid))
		j.emit(crash.Add(80*time.Millisecond), "containerd", "systemd", 1, "containerd.service: A process of this unit has been killed by the OOM killer.")
		j.emit(crash.Add(90*time.Millisecond), "containerd", "systemd", 1, "containerd.service: Main process exited, code=killed, status=9/KILL")
		j.emit(crash.Add(95*time.Millisecond), "containerd", "systemd", 1, "containerd.service: Failed with result 'oom-kill'.")
		j.emit(crash.Add(99*time.Millisecond), "containerd", "systemd", 1, "containerd.service: Consumed 4d 2h 11min 8.332s CPU time, 7.5G memory peak, 0B memory swap peak.")
	}
	const cycle = 27 * time.Second
	loop := crash.Add(5 * time.Second)
	snapshots := "/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots"
	// systemd restarts it RestartSec=5s after each exit: the cycles keep their pace.
	j.tickJ("containerd-restart", loop, cycle, 30*time.Millisecond, loop, end, func(k int, t time.Time) {
		pid := rpid + 2000 + k*131 + spread(fmt.Sprint("cpid", k), 90)
		j.emit(t, "containerd", "systemd", 1, fmt.Sprintf("containerd.service: Scheduled restart job, restart counter is at %d.", k+1))
		j.emit(t.Add(2*time.Millisecond), "containerd", "systemd", 1, "Stopped containerd.service - containerd container runtime.")
		j.emit(t.Add(4*time.Millisecond), "containerd", "systemd", 1, "Starting containerd.service - containerd container runtime...")
		at := t.Add(61 * time.Millisecond)
		j.emit(at, "containerd", "containerd", pid, logrus(at, "info", "starting containerd", "revision", "75cb2b7193e4e490e9fbdc236c0e811ccaba3376", "version", "v2.1.4"))
		at = t.Add(97 * time.Millisecond)
		j.emit(at, "containerd", "containerd", pid, logrus(at, "info", "loading plugin", "id", "io.containerd.snapshotter.v1.overlayfs", "type", "io.containerd.snapshotter.v1"))
		at = t.Add(412 * time.Millisecond)
		j.emit(at, "containerd", "containerd", pid, logrus(at, "info", "Start recovering state"))
		at = t.Add(21*time.Second + 880*time.Millisecond + jitter(fmt.Sprint(j.node, "run", k), 40*time.Millisecond))
		reason := fmt.Sprintf("failed to recover state: failed to list snapshots: walk %s/%d/fs: context deadline exceeded", snapshots, 48211+spread(fmt.Sprint("snap", k), 900))
		j.emit(at, "containerd", "containerd", pid, logrus(at, "fatal", "Failed to run CRI service", "error", reason))
		at = at.Add(40 * time.Millisecond)
		j.emit(at, "containerd", "systemd", 1, "containerd.service: Main process exited, code=exited, status=1/FAILURE")
		j.emit(at.Add(time.Millisecond), "containerd", "systemd", 1, "containerd.service: Failed with result 'exit-code'.")
		j.emit(at.Add(2*time.Millisecond), "containerd", "systemd", 1, "Failed to start containerd.service - containerd container runtime.")
		j.emit(at.Add(3*time.Millisecond), "containerd", "systemd", 1, fmt.Sprintf("containerd.service: Consumed %d.%03ds CPU time, 1.%dG memory peak, 0B memory swap peak.", 19+k%4, spread(fmt.Sprint("cpu", k), 1000), 1+k%3))
	})

	kpid := j.kubeletPID(0)
	down := j.seed.Add(-(25*minute + 40*time.Second))
	grpc := "rpc error: code = Unavailable desc = " + strings.TrimPrefix(containerdSocketRefused, "rpc error: code = Unavailable desc = ")
	if !down.After(end) {
		cond := fmt.Sprintf(`{"type":"Ready","status":"False","lastHeartbeatTime":%q,"lastTransitionTime":%q,"reason":"KubeletNotReady","message":%s}`,
			down.UTC().Format(time.RFC3339), down.UTC().Format(time.RFC3339), strconv.Quote(MessageRuntimeDown))
		j.emit(down, "kubelet", "kubelet", kpid, klogS('I', down, kpid, "setters.go:603", "Node became not ready", "node", j.node, "condition", raw(cond)))
	}
	j.tick("kubelet-runtime", crash.Add(time.Second), 5*time.Second, crash, end, func(k int, t time.Time) {
		j.emit(t, "kubelet", "kubelet", kpid, klogS('E', t, kpid, "log.go:32", "ListPodSandbox with filter from runtime service failed",
			"err", grpc, "filter", "&PodSandboxFilter{Id:,State:nil,LabelSelector:map[string]string{},}"))
		at := t.Add(120 * time.Microsecond)
		j.emit(at, "kubelet", "kubelet", kpid, klogS('E', at, kpid, "kuberuntime_sandbox.go:305", "Failed to list pod sandboxes", "err", grpc))
		at = t.Add(180 * time.Microsecond)
		j.emit(at, "kubelet", "kubelet", kpid, klogS('E', at, kpid, "generic.go:256", "GenericPLEG: Unable to retrieve pods", "err", grpc))
		at = t.Add(2*time.Second + 310*time.Millisecond)
		j.emit(at, "kubelet", "kubelet", kpid, klogS('E', at, kpid, "kubelet.go:3117", "Container runtime sanity check failed", "err", grpc))
		if t.After(down) {
			at = t.Add(2*time.Second + 900*time.Millisecond)
			j.emit(at, "kubelet", "kubelet", kpid, klogS('E', at, kpid, "kubelet.go:2697", "Skipping pod synchronization", "err", MessageRuntimeDown))
		}
	})
	for n, p := range j.pods {
		if p.DeletionTimestamp == nil {
			continue
		}
		uid := string(p.UID)
		from := p.DeletionTimestamp.Add(-30 * time.Second)
		j.tick("killpod/"+p.Name, from.Add(time.Duration(n)*7*time.Second), 53*time.Second, from, end, func(k int, t time.Time) {
			err := fmt.Sprintf("failed to %q for %q with KillPodSandboxError: %q", "KillPodSandbox", uid, grpc)
			j.emit(t, "kubelet", "kubelet", kpid, klogS('E', t, kpid, "pod_workers.go:1301", "Error syncing pod, skipping",
				"err", err, "pod", p.Namespace+"/"+p.Name, "podUID", uid))
		})
	}
}

// networkNotReady is the kubelet's line while the CNI is down, every runtime sync (5 s).
func (j *journal) networkNotReady(from, to time.Time) {
	pid := j.kubeletPID(0)
	j.tick("netnotready", from, 5*time.Second, from, to, func(k int, t time.Time) {
		j.emit(t, "kubelet", "kubelet", pid, klogS('E', t, pid, "kubelet.go:3117", "Container runtime network not ready",
			"networkReady", "NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized"))
	})
}

func plegEvent(p *corev1.Pod, typ, data string) raw {
	return raw(fmt.Sprintf(`{"ID":%q,"Type":%q,"Data":%q}`, p.UID, typ, data))
}

// cniNotReady: calico-node on worker-06 starts, fails to reach the datastore, exits and waits out
// its five-minute back-off, for three hours; the CNI stays uninitialised.
func (j *journal) cniNotReady(end time.Time) {
	down := j.seed.Add(-(3*hour + 9*minute))
	j.networkNotReady(down, end)
	calico := j.pod("kube-system", "calico-node-")
	if calico == nil {
		return
	}
	kpid, rpid := j.kubeletPID(0), j.runtimePID(0)
	key := "kube-system/" + calico.Name
	lastExit := j.seed.Add(-(2*minute + 41*time.Second))
	const backoff = 5*minute + 3*time.Second
	first := lastExit.Add(-36 * backoff)
	sandbox := hex64("sandbox", calico.Namespace, calico.Name)
	j.tick("calico-run", first, backoff, first, end, func(k int, exit time.Time) {
		ran := 20*time.Second + jitter(fmt.Sprint("ran", k), 40*time.Second)
		start := exit.Add(-ran)
		id := hex64("container", calico.Name, "calico-node", fmt.Sprint(k))
		at := start.Add(-200 * time.Millisecond)
		j.emit(at, "containerd", "containerd", rpid, logrus(at, "info", fmt.Sprintf("CreateContainer within sandbox %q for container &ContainerMetadata{Name:calico-node,Attempt:%d,}", sandbox, k+1)))
		j.emit(at.Add(60*time.Millisecond), "containerd", "containerd", rpid, logrus(at.Add(60*time.Millisecond), "info", fmt.Sprintf("CreateContainer within sandbox %q for &ContainerMetadata{Name:calico-node,Attempt:%d,} returns container id %q", sandbox, k+1, id)))
		j.emit(at.Add(70*time.Millisecond), "containerd", "containerd", rpid, logrus(at.Add(70*time.Millisecond), "info", fmt.Sprintf("StartContainer for %q", id)))
		j.emit(start, "containerd", "containerd", rpid, logrus(start, "info", fmt.Sprintf("StartContainer for %q returns successfully", id)))
		j.emit(start.Add(900*time.Millisecond), "kubelet", "kubelet", kpid, klogS('I', start.Add(900*time.Millisecond), kpid, "kubelet.go:2636", "SyncLoop (PLEG): event for pod", "pod", key, "event", plegEvent(calico, "ContainerStarted", id)))
		for pr := 10 * time.Second; pr < ran; pr += 10 * time.Second {
			at := start.Add(pr)
			j.emit(at, "kubelet", "kubelet", kpid, klogS('I', at, kpid, "prober.go:107", "Probe failed", "probeType", "Readiness", "pod", key,
				"podUID", string(calico.UID), "containerName", "calico-node", "probeResult", "failure", "output", calicoBIRDDown+"\n"))
		}
		j.emit(exit, "containerd", "containerd", rpid, logrus(exit, "info", "shim disconnected", "id", id, "namespace", "k8s.io"))
		j.emit(exit.Add(time.Millisecond), "containerd", "containerd", rpid, logrus(exit.Add(time.Millisecond), "warning", "cleaning up after shim disconnected", "id", id, "namespace", "k8s.io"))
		at = exit.Add(800 * time.Millisecond)
		j.emit(at, "kubelet", "kubelet", kpid, klogS('I', at, kpid, "generic.go:358", "Generic (PLEG): container finished", "podID", string(calico.UID), "containerID", id, "exitCode", 1))
		j.emit(at.Add(time.Millisecond), "kubelet", "kubelet", kpid, klogS('I', at.Add(time.Millisecond), kpid, "kubelet.go:2636", "SyncLoop (PLEG): event for pod", "pod", key, "event", plegEvent(calico, "ContainerDied", id)))
		backoffMsg := fmt.Sprintf("back-off 5m0s restarting failed container=calico-node pod=%s_%s(%s)", calico.Name, calico.Namespace, calico.UID)
		err := fmt.Sprintf("failed to %q for %q with CrashLoopBackOff: %q", "StartContainer", "calico-node", backoffMsg)
		for w := 11 * time.Second; w < backoff-ran-10*time.Second; w += 14*time.Second + jitter(fmt.Sprint("bo", k, w), 3*time.Second) {
			at := exit.Add(w)
			j.emit(at, "kubelet", "kubelet", kpid, klogS('E', at, kpid, "pod_workers.go:1301", "Error syncing pod, skipping", "err", err, "pod", key, "podUID", string(calico.UID)))
		}
	})
}

// flapping: worker-04's calico-node is OOM-killed every few minutes; the CNI is down until it is
// back, and the kubelet reports NotReady meanwhile.
func (j *journal) flapping(end time.Time) {
	calico := j.pod("kube-system", "calico-node-")
	if calico == nil {
		return
	}
	kpid, rpid := j.kubeletPID(0), j.runtimePID(0)
	lastKill := j.seed.Add(-(2*minute + 10*time.Second))
	start := lastKill.Add(-8 * 6 * minute)
	period := 6 * minute
	kill := func(k int, t time.Time) {
		id := hex64("container", calico.Name, "calico-node", "oom", fmt.Sprint(k))
		vpid := 40000 + spread(fmt.Sprint(j.node, "oom", k), 20000)
		j.emit(t, "", "kernel", 0, fmt.Sprintf("Memory cgroup out of memory: Killed process %d (calico-node) total-vm:1902212kB, anon-rss:522816kB, file-rss:48312kB, shmem-rss:0kB, UID:0 pgtables:1488kB oom_score_adj:-997", vpid))
		j.emit(t.Add(3*time.Millisecond), "containerd", "containerd", rpid, logrus(t.Add(3*time.Millisecond), "info", fmt.Sprintf("TaskOOM event container_id:%q", id)))
		at := t.Add(900 * time.Millisecond)
		j.emit(at, "kubelet", "kubelet", kpid, klogS('I', at, kpid, "kubelet.go:2636", "SyncLoop (PLEG): event for pod", "pod", "kube-system/"+calico.Name, "event", plegEvent(calico, "ContainerDied", id)))
		notReady := t.Add(6 * time.Second)
		cond := fmt.Sprintf(`{"type":"Ready","status":"False","lastHeartbeatTime":%q,"lastTransitionTime":%q,"reason":"KubeletNotReady","message":%s}`,
			notReady.UTC().Format(time.RFC3339), notReady.UTC().Format(time.RFC3339), strconv.Quote(MessageCNINotReady))
		j.emit(notReady, "kubelet", "kubelet", kpid, klogS('I', notReady, kpid, "setters.go:603", "Node became not ready", "node", j.node, "condition", raw(cond)))
		j.networkNotReady(notReady, t.Add(55*time.Second))
		up := t.Add(58 * time.Second)
		j.emit(up, "kubelet", "kubelet", kpid, klogS('I', up, kpid, "kubelet_node_status.go:501", "Fast updating node status as it just became ready"))
	}
	j.tick("calico-oom", start, period, start, minTime(end, j.seed), kill)
	// While the simulator runs, it flaps about every two minutes.
	j.tick("calico-oom-live", j.seed.Add(time.Minute), 2*minute, j.seed, end, func(k int, t time.Time) { kill(1000+k, t) })
}

// ipExhausted: worker-08's CNI has no address left; every sandbox of the five new pods fails.
func (j *journal) ipExhausted(end time.Time) {
	kpid, rpid := j.kubeletPID(0), j.runtimePID(0)
	last := hostAddr(j.p.podCIDR, cidrHosts(j.p.podCIDR))
	for _, p := range j.pods {
		if p.Status.Phase != corev1.PodPending || p.Status.StartTime == nil || len(p.Status.ContainerStatuses) == 0 ||
			p.Status.ContainerStatuses[0].State.Waiting == nil || p.Status.ContainerStatuses[0].State.Waiting.Reason != "ContainerCreating" {
			continue
		}
		key := p.Namespace + "/" + p.Name
		full := fmt.Sprintf("%s_%s(%s)", p.Name, p.Namespace, p.UID)
		since := p.Status.StartTime.Time
		j.tick("sandbox/"+p.Name, since.Add(2*time.Second), 31*time.Second, since, end, func(k int, t time.Time) {
			sb := hex64("sandbox", p.Name, fmt.Sprint(k))
			cni := fmt.Sprintf("failed to setup network for sandbox %q: plugin type=%q failed (add): failed to allocate for range 0: no IP addresses available in range set: %s-%s",
				sb, "calico", hostAddr(j.p.podCIDR, 1), last)
			j.emit(t, "containerd", "containerd", rpid, logrus(t, "error", fmt.Sprintf("RunPodSandbox for &PodSandboxMetadata{Name:%s,Uid:%s,Namespace:%s,Attempt:0,} failed, error", p.Name, p.UID, p.Namespace), "error", cni))
			grpc := "rpc error: code = Unknown desc = " + cni
			at := t.Add(2 * time.Millisecond)
			j.emit(at, "kubelet", "kubelet", kpid, klogS('E', at, kpid, "log.go:32", "RunPodSandbox from runtime service failed", "err", grpc))
			j.emit(at.Add(50*time.Microsecond), "kubelet", "kubelet", kpid, klogS('E', at.Add(50*time.Microsecond), kpid, "kuberuntime_sandbox.go:72", "Failed to create sandbox for pod", "err", grpc, "pod", key))
			j.emit(at.Add(90*time.Microsecond), "kubelet", "kubelet", kpid, klogS('E', at.Add(90*time.Microsecond), kpid, "kuberuntime_manager.go:1237", "CreatePodSandbox for pod failed", "err", grpc, "pod", key))
			inner := fmt.Sprintf("Failed to create sandbox for pod %q: %s", full, grpc)
			err := fmt.Sprintf("failed to %q for %q with CreatePodSandboxError: %q", "CreatePodSandbox", full, inner)
			j.emit(at.Add(140*time.Microsecond), "kubelet", "kubelet", kpid, klogS('E', at.Add(140*time.Microsecond), kpid, "pod_workers.go:1301", "Error syncing pod, skipping", "err", err, "pod", key, "podUID", string(p.UID)))
		})
	}
}

// evictionLines: the eviction manager picks a pod and evicts it.
func (j *journal) evictionLines(t time.Time, resource string, victim string, ranked []string) {
	pid := j.kubeletPID(0)
	var q []string
	for _, r := range ranked {
		q = append(q, strconv.Quote(r))
	}
	j.emit(t, "kubelet", "kubelet", pid, klogS('I', t, pid, "eviction_manager.go:377", "Eviction manager: attempting to reclaim", "resourceName", resource))
	j.emit(t.Add(time.Millisecond), "kubelet", "kubelet", pid, klogS('I', t.Add(time.Millisecond), pid, "eviction_manager.go:388", "Eviction manager: must evict pod(s) to reclaim", "resourceName", resource))
	j.emit(t.Add(2*time.Millisecond), "kubelet", "kubelet", pid, klogS('I', t.Add(2*time.Millisecond), pid, "eviction_manager.go:406", "Eviction manager: pods ranked for eviction", "pods", raw("["+strings.Join(q, ",")+"]")))
	at := t.Add(31*time.Second + 200*time.Millisecond)
	j.emit(at, "kubelet", "kubelet", pid, klogS('I', at, pid, "eviction_manager.go:627", "Eviction manager: pod is evicted successfully", "pod", victim))
	j.emit(at.Add(time.Millisecond), "kubelet", "kubelet", pid, klogS('I', at.Add(time.Millisecond), pid, "eviction_manager.go:208", "Eviction manager: pods evicted, waiting for pod to be cleaned up", "pods", raw("["+strconv.Quote(victim)+"]")))
}

// ranked lists the node's running pods of the namespaces given, as the eviction manager ranks them.
func (j *journal) ranked(namespaces ...string) []string {
	var out []string
	for _, p := range j.pods {
		if p.Status.Phase == corev1.PodRunning && p.DeletionTimestamp == nil {
			for _, ns := range namespaces {
				if p.Namespace == ns {
					out = append(out, p.Namespace+"/"+p.Name)
				}
			}
		}
	}
	return out
}

// diskPressure: worker-09's image GC cannot free anything and the eviction manager evicts.
func (j *journal) diskPressure(end time.Time) {
	pid := j.kubeletPID(0)
	since := j.seed.Add(-41 * minute)
	j.tick("imagegc", since.Add(-2*hour), 5*minute+2*time.Second, since.Add(-2*hour-5*minute), end, func(k int, t time.Time) {
		j.emit(t, "kubelet", "kubelet", pid, klogS('I', t, pid, "image_gc_manager.go:383", "Disk usage on image filesystem is over the high threshold, trying to free bytes down to the low threshold",
			"usage", 91, "highThreshold", 85, "amountToFree", 4236547891, "lowThreshold", 80))
		at := t.Add(220 * time.Millisecond)
		j.emit(at, "kubelet", "kubelet", pid, klogS('E', at, pid, "kubelet.go:1570", "Image garbage collection failed multiple times in a row", "err", MessageImageGCFailed))
	})
	j.tick("reclaim", since, 10*time.Second, since, end, func(k int, t time.Time) {
		if k%6 == 0 {
			j.emit(t, "kubelet", "kubelet", pid, klogS('I', t, pid, "eviction_manager.go:377", "Eviction manager: attempting to reclaim", "resourceName", "ephemeral-storage"))
		}
	})
	ranked := j.ranked("ml")
	for i := 0; i < 4; i++ {
		at := j.seed.Add(-(6*minute + time.Duration(i)*23*minute + jitter(fmt.Sprint("ev", i), 4*minute)))
		if at.After(end) {
			continue
		}
		victim := "ml/feature-store-evicted"
		for _, p := range j.pods {
			if p.Status.Reason == "Evicted" && p.Status.Phase == corev1.PodFailed && p.Status.Message != "" && strings.HasPrefix(p.Name, "feature-store") {
				if c := findPodCondition(p, corev1.DisruptionTarget); c != nil && c.LastTransitionTime.Time.Equal(mtime(at).Time) {
					victim = p.Namespace + "/" + p.Name
				}
			}
		}
		j.evictionLines(at, "ephemeral-storage", victim, append([]string{victim}, ranked...))
	}
}

func findPodCondition(p *corev1.Pod, t corev1.PodConditionType) *corev1.PodCondition {
	for i := range p.Status.Conditions {
		if p.Status.Conditions[i].Type == t {
			return &p.Status.Conditions[i]
		}
	}
	return nil
}

// memoryPressure: worker-10's JVMs outgrow the machine: system OOMs, an eviction, an OOM kill.
func (j *journal) memoryPressure(end time.Time) {
	pid := j.kubeletPID(0)
	since := j.seed.Add(-(16*minute + 20*time.Second))
	j.tick("reclaim", since, 10*time.Second, since, end, func(k int, t time.Time) {
		if k%3 == 0 {
			j.emit(t, "kubelet", "kubelet", pid, klogS('I', t, pid, "eviction_manager.go:377", "Eviction manager: attempting to reclaim", "resourceName", "memory"))
		}
	})
	for i, vpid := range []int{19022, 24730, 28311} {
		at := j.seed.Add(-time.Duration(23-8*i) * minute)
		if at.After(end) {
			continue
		}
		j.emit(at, "", "kernel", 0, fmt.Sprintf("Out of memory: Killed process %d (java) total-vm:9734412kB, anon-rss:6112904kB, file-rss:22108kB, shmem-rss:0kB, UID:1000 pgtables:13080kB oom_score_adj:969", vpid))
		at = at.Add(600 * time.Millisecond)
		j.emit(at, "kubelet", "kubelet", pid, klogS('I', at, pid, "manager.go:1199", "Got sys oom event", "event",
			raw(fmt.Sprintf(`{"Pid":%d,"ProcessName":"java","TimeOfDeath":%q,"ContainerName":"/","VictimContainerName":"/kubepods.slice/kubepods-burstable.slice","Constraint":"CONSTRAINT_NONE"}`, vpid, at.UTC().Format(time.RFC3339Nano)))))
	}
	evictedAt := j.seed.Add(-13 * minute)
	if !evictedAt.After(end) {
		victim := "search/search-indexer"
		for _, p := range j.pods {
			if p.Status.Reason == "Evicted" {
				victim = p.Namespace + "/" + p.Name
			}
		}
		j.evictionLines(evictedAt.Add(-31*time.Second), "memory", victim, append([]string{victim}, j.ranked("search")...))
	}
	killed := j.seed.Add(-(6*minute + 5*time.Second))
	if p := j.oomKilledIndexer(); p != nil && !killed.After(end) {
		id := hex64("container", p.Name, "indexer", killed.String())
		j.emit(killed, "", "kernel", 0, fmt.Sprintf("Memory cgroup out of memory: Killed process %d (java) total-vm:9912004kB, anon-rss:6291204kB, file-rss:20196kB, shmem-rss:0kB, UID:1000 pgtables:13344kB oom_score_adj:969", 31407))
		rpid := j.runtimePID(0)
		j.emit(killed.Add(4*time.Millisecond), "containerd", "containerd", rpid, logrus(killed.Add(4*time.Millisecond), "info", fmt.Sprintf("TaskOOM event container_id:%q", id)))
		at := killed.Add(time.Second)
		j.emit(at, "kubelet", "kubelet", pid, klogS('I', at, pid, "kubelet.go:2636", "SyncLoop (PLEG): event for pod", "pod", p.Namespace+"/"+p.Name, "event", plegEvent(p, "ContainerDied", id)))
	}
}

func (j *journal) oomKilledIndexer() *corev1.Pod {
	for _, p := range j.pods {
		for _, st := range p.Status.ContainerStatuses {
			if t := st.LastTerminationState.Terminated; t != nil && t.Reason == "OOMKilled" && st.Name == "indexer" {
				return p
			}
		}
	}
	return nil
}

// unreachable: worker-11's last minutes before it went silent: the kernel hung on its disk.
func (j *journal) unreachable(end time.Time) {
	for k := 0; k < 3; k++ {
		at := end.Add(-time.Duration(3-k) * 2 * minute).Add(-7 * time.Second)
		j.emit(at, "", "kernel", 0, "INFO: task jbd2/nvme0n1p1-8:412 blocked for more than 120 seconds.")
		j.emit(at.Add(time.Millisecond), "", "kernel", 0, "      Not tainted "+j.p.os.kernel+" #33-Ubuntu")
		j.emit(at.Add(2*time.Millisecond), "", "kernel", 0, `"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.`)
	}
}

// cgroupLeak: legacy-03's 3.10 kernel cannot make another memory cgroup; the new billing-worker
// pods fail to start, and the kernel complains about its slab.
func (j *journal) cgroupLeak(end time.Time) {
	kpid, rpid := j.kubeletPID(0), j.runtimePID(0)
	for _, p := range j.pods {
		if p.Status.Phase != corev1.PodPending || p.Status.StartTime == nil {
			continue
		}
		since := p.Status.StartTime.Time
		full := fmt.Sprintf("%s_%s(%s)", p.Name, p.Namespace, p.UID)
		sandbox := len(p.Status.ContainerStatuses) > 0 && p.Status.ContainerStatuses[0].State.Waiting != nil &&
			p.Status.ContainerStatuses[0].State.Waiting.Reason == "ContainerCreating"
		j.tick("cg/"+p.Name, since.Add(3*time.Second), 15*time.Second, since, end, func(k int, t time.Time) {
			if sandbox {
				id := hex64("sandbox", p.Name, fmt.Sprint(k))
				daemon := strings.TrimPrefix(cgroupError(p, id), "Error response from daemon: ")
				j.emit(t, "docker", "dockerd", rpid, logrus(t, "error", fmt.Sprintf("Handler for POST /v1.40/containers/%s/start returned error: %s", id, daemon)))
				grpc := fmt.Sprintf("rpc error: code = Unknown desc = failed to start sandbox container for pod %q: %s", p.Name, cgroupError(p, id))
				at := t.Add(3 * time.Millisecond)
				j.emit(at, "kubelet", "kubelet", kpid, klog('E', at, kpid, "remote_runtime.go:113", "RunPodSandbox from runtime service failed: "+grpc))
				j.emit(at.Add(60*time.Microsecond), "kubelet", "kubelet", kpid, klog('E', at.Add(60*time.Microsecond), kpid, "kuberuntime_sandbox.go:69", fmt.Sprintf("CreatePodSandbox for pod %q failed: %s", full, grpc)))
				j.emit(at.Add(110*time.Microsecond), "kubelet", "kubelet", kpid, klog('E', at.Add(110*time.Microsecond), kpid, "kuberuntime_manager.go:733", fmt.Sprintf("createPodSandbox for pod %q failed: %s", full, grpc)))
				j.emit(at.Add(160*time.Microsecond), "kubelet", "kubelet", kpid, klog('E', at.Add(160*time.Microsecond), kpid, "pod_workers.go:191",
					fmt.Sprintf("Error syncing pod %s (%q), skipping: failed to %q for %q with CreatePodSandboxError: %q", p.UID, full, "CreatePodSandbox", full,
						fmt.Sprintf("CreatePodSandbox for pod %q failed: %s", full, grpc))))
				return
			}
			id := hex64("container", p.Name, "failed")
			grpc := fmt.Sprintf("rpc error: code = Unknown desc = failed to start container %q: %s", id, cgroupError(p, id))
			j.emit(t, "kubelet", "kubelet", kpid, klog('E', t, kpid, "remote_runtime.go:248", fmt.Sprintf("StartContainer %q from runtime service failed: %s", id, grpc)))
			j.emit(t.Add(80*time.Microsecond), "kubelet", "kubelet", kpid, klog('E', t.Add(80*time.Microsecond), kpid, "pod_workers.go:191",
				fmt.Sprintf("Error syncing pod %s (%q), skipping: failed to %q for %q with RunContainerError: %q", p.UID, full, "StartContainer", "billing-worker", grpc)))
		})
	}
	since := j.seed.Add(-35 * minute)
	j.tick("slub", since, 3*minute+20*time.Second, since, end, func(k int, t time.Time) {
		j.emit(t, "", "kernel", 0, "SLUB: Unable to allocate memory on node -1 (gfp=0x8020)")
		j.emit(t.Add(time.Microsecond), "", "kernel", 0, fmt.Sprintf("  cache: kmalloc-256(%d:%s), object size: 256, buffer size: 256, default order: 1, min order: 0", 20000+spread(fmt.Sprint("slub", k), 9000), hex64("slub", fmt.Sprint(k))[:7]))
		j.emit(t.Add(2*time.Microsecond), "", "kernel", 0, "  node 0: slabs: 4, objs: 128, free: 0")
	})
}

// plegEpisodes are legacy-07's NotReady spells before the current one: (PLEG stuck since, Ready
// again at). The events say 47 NotReady since 2d7h before the seed, the last Ready 9m30s before.
func (j *journal) plegEpisodes() [][2]time.Time {
	first := j.seed.Add(-(2*day + 7*hour))
	lastReady := j.seed.Add(-(9*minute + 30*time.Second))
	lastStart := lastReady.Add(-4 * minute)
	var out [][2]time.Time
	for e := 0; e < 46; e++ {
		notReady := first.Add(time.Duration(e) * lastStart.Sub(first) / 45)
		ready := notReady.Add(4 * minute)
		if e < 45 {
			ready = ready.Add(-jitter(fmt.Sprint("plegready", e), 50*time.Second))
		}
		out = append(out, [2]time.Time{notReady.Add(-3 * minute), ready})
	}
	return out
}

// pleg: legacy-07's 1.12 kubelet. Its PLEG relist has been stuck for a while at a time for two
// days; since 3m12s before the seed it is deadlocked (seed 001), and the sync loop logs that it
// skips pod synchronisation every five seconds.
func (j *journal) pleg(end time.Time) {
	pid := j.kubeletPID(0)
	boot := j.boots[0]
	spell := func(e int, stuck, ready time.Time) {
		notReady := stuck.Add(3 * time.Minute).Add(time.Duration(90+spread(fmt.Sprint("nr", e), 800)) * time.Millisecond)
		j.tick(fmt.Sprint("pleg", e), notReady, 5*time.Second, notReady, minTime(ready, end), func(k int, t time.Time) {
			j.emit(t, "kubelet", "kubelet", pid, klog('I', t, pid, "kubelet.go:1829",
				fmt.Sprintf("skipping pod synchronization - [PLEG is not healthy: pleg was last seen active %s ago; threshold is 3m0s]", t.Sub(stuck))))
		})
		at := notReady.Add(40 * time.Millisecond)
		mono := fmt.Sprintf("m=+%.9f", at.Sub(boot.Add(25*time.Second)).Seconds())
		ts := at.UTC().Format("2006-01-02 15:04:05.999999999 -0700 MST") + " " + mono
		j.emit(at, "kubelet", "kubelet", pid, klog('I', at, pid, "kubelet_node_status.go:657",
			fmt.Sprintf("Node became not ready: {Type:Ready Status:False LastHeartbeatTime:%s LastTransitionTime:%s Reason:KubeletNotReady Message:PLEG is not healthy: pleg was last seen active %s ago; threshold is 3m0s}",
				ts, ts, at.Sub(stuck))))
		if ready.Before(end) && ready.Before(j.seed) {
			j.emit(ready, "kubelet", "kubelet", pid, klog('I', ready, pid, "kubelet_node_status.go:442", "Recording NodeReady event message for node "+j.node))
		}
	}
	for e, ep := range j.plegEpisodes() {
		spell(e, ep[0], ep[1])
	}
	stuck := j.seed.Add(-(3*minute + 12*time.Second))
	spell(99, stuck, j.now.Add(time.Hour))
	// Docker keeps failing to stop the containers of pods deleted hours ago.
	rpid := j.runtimePID(0)
	j.tick("docker-kill", stuck.Add(-2*hour), 47*time.Second, stuck.Add(-2*hour), end, func(k int, t time.Time) {
		id := hex64("loadgen-old", fmt.Sprint(k%14))
		j.emit(t, "docker", "dockerd", rpid, logrus(t, "info", fmt.Sprintf("Container %s failed to exit within 30 seconds of signal 15 - using the force", id)))
	})
}

// journalQuery is a query of a node's journal, as the kubelet passes it to journalctl.
type journalQuery struct {
	units        []string // empty: every unit
	since, until *time.Time
	tail         *int
	pattern      *regexp.Regexp
	boot         *int
}

// query runs q and returns the matching entries, and a message when journalctl fails (a boot that
// is not in the journal).
func (c *Cluster) queryJournal(p nodePlan, q journalQuery) ([]jline, string) {
	from := time.Time{}
	to := c.Now()
	if q.since != nil {
		from = q.since.Truncate(time.Second)
	}
	if q.until != nil {
		to = minTime(to, q.until.Truncate(time.Second))
	}
	j := c.journalOf(p, from, to)
	units := map[string]bool{}
	for _, u := range q.units {
		units[strings.TrimSuffix(u, ".service")] = true
	}
	bootIdx := -1
	if q.boot != nil {
		bootIdx = len(j.boots) - 1 + *q.boot
		if bootIdx < 0 || j.oldestBoot() > bootIdx {
			return nil, fmt.Sprintf("Data from the specified boot (%d) is not available: No such boot ID in journal", *q.boot)
		}
	}
	var out []jline
	for _, l := range j.lines {
		if len(units) > 0 && !units[l.unit] {
			continue
		}
		if bootIdx >= 0 && l.boot != bootIdx {
			continue
		}
		if q.pattern != nil && !q.pattern.MatchString(l.msg) {
			continue
		}
		out = append(out, l)
	}
	if q.tail != nil && *q.tail < len(out) {
		out = out[len(out)-max(*q.tail, 0):]
	}
	return out, ""
}

// oldestBoot is the first boot the journal still holds.
func (j *journal) oldestBoot() int {
	for i := range j.boots {
		if _, end := j.segment(i); end.After(j.start) {
			return i
		}
	}
	return len(j.boots) - 1
}

// journalPattern compiles a --grep pattern as journalctl does: case-insensitive when it is all
// lower case.
func journalPattern(pattern string) (*regexp.Regexp, error) {
	if pattern == "" {
		return nil, nil
	}
	if strings.ToLower(pattern) == pattern {
		pattern = "(?i)" + pattern
	}
	return regexp.Compile(pattern)
}

// formatJournal prints entries as journalctl --utc --output=short-precise does, with its marker
// between boots and "-- No entries --" for none.
func formatJournal(host string, boots []string, lines []jline) string {
	if len(lines) == 0 {
		return "-- No entries --\n"
	}
	var b strings.Builder
	for i, l := range lines {
		if i > 0 && l.boot != lines[i-1].boot && l.boot < len(boots) {
			fmt.Fprintf(&b, "-- Boot %s --\n", strings.ReplaceAll(boots[l.boot], "-", ""))
		}
		b.WriteString(l.t.UTC().Format("Jan 02 15:04:05.000000"))
		b.WriteByte(' ')
		b.WriteString(host)
		b.WriteByte(' ')
		writeIdent(&b, l)
		b.WriteString(l.msg)
		b.WriteByte('\n')
	}
	return b.String()
}

func writeIdent(b *strings.Builder, l jline) {
	b.WriteString(l.ident)
	if l.pid > 0 {
		fmt.Fprintf(b, "[%d]", l.pid)
	}
	b.WriteString(": ")
}

// syslogFile is /var/log/syslog as Ubuntu's rsyslog writes it (RFC 3339 timestamps with
// microseconds), or /var/log/messages as CentOS 7's does (traditional timestamps, no PID).
func syslogFile(host string, centos bool, lines []jline) string {
	var b strings.Builder
	for _, l := range lines {
		if centos {
			b.WriteString(l.t.UTC().Format("Jan _2 15:04:05"))
			b.WriteByte(' ')
			b.WriteString(host)
			b.WriteByte(' ')
			b.WriteString(l.ident)
			b.WriteString(": ")
		} else {
			b.WriteString(l.t.UTC().Format("2006-01-02T15:04:05.000000-07:00"))
			b.WriteByte(' ')
			b.WriteString(host)
			b.WriteByte(' ')
			writeIdent(&b, l)
		}
		b.WriteString(l.msg)
		b.WriteByte('\n')
	}
	return b.String()
}

// bootIDs are the journal's boot IDs, by boot index.
func (c *Cluster) bootIDs(p nodePlan) []string {
	var out []string
	for _, t := range c.boots(p) {
		out = append(out, bootID(p.name, t))
	}
	return out
}
