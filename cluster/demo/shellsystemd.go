package demo

import (
	"fmt"
	"strings"
	"time"
)

// The demo shell's systemd: the units it knows, systemctl status and is-active, and how systemd
// prints times.

// unitInfo describes a unit the demo shell knows.
type unitInfo struct {
	unit, desc, docs, path, cmd string
}

func (s *demoShell) unit(name string) (unitInfo, bool) {
	name = strings.TrimSuffix(name, ".service")
	lib := "/usr/lib/systemd/system/"
	switch {
	case name == "kubelet":
		cmd := "/usr/bin/kubelet --bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf --config=/var/lib/kubelet/config.yaml --container-runtime-endpoint=unix:///run/containerd/containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.10"
		if s.p.centos() {
			cmd = "/usr/bin/kubelet --bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf --config=/var/lib/kubelet/config.yaml --cgroup-driver=cgroupfs --network-plugin=cni --pod-infra-container-image=k8s.gcr.io/pause:3.1"
		}
		return unitInfo{"kubelet.service", "kubelet: The Kubernetes Node Agent", "https://kubernetes.io/docs/", lib + "kubelet.service", cmd}, true
	case name == "containerd" && !s.p.docker():
		return unitInfo{"containerd.service", "containerd container runtime", "https://containerd.io", lib + "containerd.service", "/usr/bin/containerd"}, true
	case name == "docker" && s.p.docker():
		return unitInfo{"docker.service", "Docker Application Container Engine", "https://docs.docker.com", lib + "docker.service", "/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock"}, true
	case (name == "chrony" || name == "chronyd") && !s.p.centos():
		return unitInfo{"chrony.service", "chrony, an NTP client/server", "man:chronyd(8) man:chronyc(1) man:chrony.conf(5)", lib + "chrony.service", "/usr/sbin/chronyd -F 1"}, true
	case name == "chronyd" && s.p.centos():
		return unitInfo{"chronyd.service", "NTP client/server", "man:chronyd(8) man:chrony.conf(5)", lib + "chronyd.service", "/usr/sbin/chronyd"}, true
	}
	return unitInfo{}, false
}

// journalUnit is the unit's name in the demo's journal.
func journalUnit(unit string) string {
	u := strings.TrimSuffix(unit, ".service")
	if u == "chronyd" {
		return "chrony"
	}
	return u
}

func (s *demoShell) systemctl(args []string) (string, int) {
	if len(args) == 0 {
		return notSimulated("systemctl")
	}
	verb, units := args[0], args[1:]
	var names []string
	for _, u := range units {
		if !strings.HasPrefix(u, "-") {
			names = append(names, u)
		}
	}
	switch verb {
	case "status":
		var b strings.Builder
		code := 0
		for i, n := range names {
			if i > 0 {
				b.WriteString("\n")
			}
			text, c := s.status(n)
			b.WriteString(text)
			code = max(code, c)
		}
		return b.String(), code
	case "is-active":
		var b strings.Builder
		code := 0
		for _, n := range names {
			state, _ := s.activeState(n)
			b.WriteString(state + "\n")
			if state != "active" {
				code = 3
			}
		}
		return b.String(), code
	}
	return notSimulated("systemctl " + verb)
}

// activeState is the unit's state, and for a crash-looping containerd the details.
func (s *demoShell) activeState(name string) (string, string) {
	if _, ok := s.unit(name); !ok {
		return "inactive", ""
	}
	if journalUnit(name) == "containerd" && s.node == NodeRuntimeDown && s.c.incident(s.node) {
		crash := s.c.now.Add(-26 * minute)
		loop := crash.Add(5 * time.Second)
		since := s.c.Now().Sub(loop) % (27 * time.Second)
		if since < 21*time.Second+880*time.Millisecond {
			return "activating", "start"
		}
		return "activating", "auto-restart"
	}
	return "active", "running"
}

func (s *demoShell) status(name string) (string, int) {
	u, ok := s.unit(name)
	if !ok {
		return fmt.Sprintf("Unit %s.service could not be found.\n", strings.TrimSuffix(name, ".service")), 4
	}
	now := s.c.Now()
	j := &journal{c: s.c, p: s.p, node: s.node, seed: s.c.now, now: now, boots: s.c.boots(s.p)}
	boot := s.boot()
	var pid int
	var since time.Time
	switch journalUnit(name) {
	case "kubelet":
		pid, since = j.kubeletPID(len(j.boots)-1), boot.Add(25*time.Second)
	case "chrony":
		pid, since = j.pid("chronyd", len(j.boots)-1, 520, 90), boot.Add(9*time.Second)
	default:
		pid, since = j.runtimePID(len(j.boots)-1), boot.Add(14*time.Second)
	}
	state, sub := s.activeState(name)
	var b strings.Builder
	dot := "●"
	fmt.Fprintf(&b, "%s %s - %s\n", dot, u.unit, u.desc)
	fmt.Fprintf(&b, "     Loaded: loaded (%s; enabled; preset: enabled)\n", u.path)
	if journalUnit(name) == "kubelet" {
		fmt.Fprintf(&b, "    Drop-In: /usr/lib/systemd/system/kubelet.service.d\n             └─10-kubeadm.conf\n")
	}
	code := 0
	if state == "activating" {
		// worker-05's containerd between two crashes.
		crash := s.c.now.Add(-26 * minute)
		loop := crash.Add(5 * time.Second)
		k := int(now.Sub(loop) / (27 * time.Second))
		start := loop.Add(time.Duration(k) * 27 * time.Second)
		cpid := pid + 2000 + k*131 + spread(fmt.Sprint("cpid", k), 90)
		if sub == "start" {
			fmt.Fprintf(&b, "     Active: activating (start) since %s; %s ago\n", systemdTime(start), systemdAgo(now.Sub(start)))
			fmt.Fprintf(&b, "       Docs: %s\n", u.docs)
			fmt.Fprintf(&b, "    Process: %d ExecStartPre=/sbin/modprobe overlay (code=exited, status=0/SUCCESS)\n", cpid-1)
			fmt.Fprintf(&b, "   Main PID: %d (containerd)\n", cpid)
			fmt.Fprintf(&b, "      Tasks: 14\n     Memory: 1.1G (peak: 1.1G)\n        CPU: %.3fs\n", now.Sub(start).Seconds()*0.9)
			fmt.Fprintf(&b, "     CGroup: /system.slice/containerd.service\n             └─%d %s\n", cpid, u.cmd)
		} else {
			failed := start.Add(21*time.Second + 920*time.Millisecond)
			fmt.Fprintf(&b, "     Active: activating (auto-restart) (Result: exit-code) since %s; %s ago\n", systemdTime(failed), systemdAgo(now.Sub(failed)))
			fmt.Fprintf(&b, "       Docs: %s\n", u.docs)
			fmt.Fprintf(&b, "    Process: %d ExecStartPre=/sbin/modprobe overlay (code=exited, status=0/SUCCESS)\n", cpid-1)
			fmt.Fprintf(&b, "    Process: %d ExecStart=/usr/bin/containerd (code=exited, status=1/FAILURE)\n", cpid)
			fmt.Fprintf(&b, "   Main PID: %d (code=exited, status=1/FAILURE)\n", cpid)
			fmt.Fprintf(&b, "        CPU: %d.%03ds\n", 19+k%4, spread(fmt.Sprint("cpu", k), 1000))
		}
		code = 3
	} else {
		fmt.Fprintf(&b, "     Active: %s (%s) since %s; %s ago\n", state, sub, systemdTime(since), systemdAgo(now.Sub(since)))
		fmt.Fprintf(&b, "       Docs: %s\n", u.docs)
		fmt.Fprintf(&b, "   Main PID: %d (%s)\n", pid, strings.Fields(u.cmd)[0][strings.LastIndex(strings.Fields(u.cmd)[0], "/")+1:])
		fmt.Fprintf(&b, "      Tasks: %d (limit: 76951)\n", 18+spread(s.node+name, 40))
		fmt.Fprintf(&b, "     Memory: %.1fM (peak: %.1fM)\n", 60+float64(spread(s.node+name+"m", 900))/10, 120+float64(spread(s.node+name+"p", 900))/10)
		fmt.Fprintf(&b, "        CPU: %s\n", systemdSpan(time.Duration(now.Sub(since).Seconds()*0.02*float64(time.Second))))
		fmt.Fprintf(&b, "     CGroup: /system.slice/%s\n             └─%d %s\n", u.unit, pid, u.cmd)
	}
	b.WriteString("\n")
	lines, _ := s.c.queryJournal(s.p, journalQuery{units: []string{journalUnit(name)}, tail: ptrInt(10)})
	b.WriteString(journalShort(s.node, lines, false))
	return b.String(), code
}

func ptrInt(n int) *int { return &n }

// systemdTime is how systemd prints a timestamp.
func systemdTime(t time.Time) string { return t.UTC().Format("Mon 2006-01-02 15:04:05 UTC") }

// systemdAgo is systemd's relative time ("1 month 5 days", "3 weeks 1 day", "1 day 4h",
// "5h 12min"), before " ago".
func systemdAgo(d time.Duration) string {
	plural := func(n int64, unit string) string {
		if n == 1 {
			return fmt.Sprintf("%d %s", n, unit)
		}
		return fmt.Sprintf("%d %ss", n, unit)
	}
	const (
		month = 2629800 * time.Second // systemd's USEC_PER_MONTH
		year  = 31557600 * time.Second
	)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dmin %ds", int(d.Minutes()), int(d.Seconds())%60)
	case d < day:
		return fmt.Sprintf("%dh %dmin", int(d.Hours()), int(d.Minutes())%60)
	case d < 7*day:
		return fmt.Sprintf("%s %dh", plural(int64(d/day), "day"), int(d.Hours())%24)
	case d < month:
		return plural(int64(d/(7*day)), "week") + " " + plural(int64(d%(7*day)/day), "day")
	case d < year:
		return plural(int64(d/month), "month") + " " + plural(int64(d%month/day), "day")
	}
	return plural(int64(d/year), "year") + " " + plural(int64(d%year/month), "month")
}

// systemdSpan is a CPU time as systemd prints it.
func systemdSpan(d time.Duration) string {
	h, m := int(d.Hours()), int(d.Minutes())%60
	sec := d.Seconds() - float64(int(d.Minutes()))*60
	switch {
	case h > 0:
		return fmt.Sprintf("%dh %dmin %.3fs", h, m, sec)
	case m > 0:
		return fmt.Sprintf("%dmin %.3fs", m, sec)
	}
	return fmt.Sprintf("%.3fs", sec)
}
