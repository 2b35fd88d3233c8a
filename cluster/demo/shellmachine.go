package demo

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// The demo shell's commands about the machine: its boot, load, uptime, uname, and its disks and
// memory (df, free).

func (s *demoShell) boot() time.Time {
	b := s.c.boots(s.p)
	return b[len(b)-1]
}

// load is the node's load average: high where the machine struggles.
func (s *demoShell) load() [3]float64 {
	base := 0.2 + float64(spread(s.node+"load", 60))/100*float64(s.p.machine.cpu)/8
	if s.c.incident(s.node) {
		switch s.node {
		case NodePLEG:
			base = 38.6
		case NodeMemoryPressure:
			base = 6.9
		case NodeDiskPressure:
			base = 3.4
		case NodeRuntimeDown:
			base = 2.1
		}
	}
	return [3]float64{base * 1.07, base, base * 0.94}
}

func (s *demoShell) uptime() string {
	now := s.c.Now().UTC()
	up := now.Sub(s.boot())
	days := int(up.Hours()) / 24
	hm := fmt.Sprintf("%2d:%02d", int(up.Hours())%24, int(up.Minutes())%60)
	upText := hm
	if days > 0 {
		plural := "s"
		if days == 1 {
			plural = ""
		}
		upText = fmt.Sprintf("%d day%s, %s", days, plural, hm)
	}
	l := s.load()
	return fmt.Sprintf(" %s up %s,  1 user,  load average: %.2f, %.2f, %.2f\n", now.Format("15:04:05"), upText, l[0], l[1], l[2])
}

func (s *demoShell) uname(args []string) string {
	if len(args) == 0 || args[0] == "-s" {
		return "Linux\n"
	}
	switch args[0] {
	case "-r":
		return s.p.os.kernel + "\n"
	case "-n":
		return s.node + "\n"
	case "-m":
		return "x86_64\n"
	}
	build := "#33-Ubuntu SMP PREEMPT_DYNAMIC Fri Jun 20 18:11:46 UTC 2025"
	if s.p.os == ubuntu2204 {
		build = "#99-Ubuntu SMP Tue Jun 17 10:45:16 UTC 2025"
	}
	if s.p.centos() {
		build = "#1 SMP Tue Oct 30 14:13:26 UTC 2018"
		if s.p.os == centos75 {
			build = "#1 SMP Tue Jun 26 16:32:21 UTC 2018"
		}
	}
	return fmt.Sprintf("Linux %s %s %s x86_64 x86_64 x86_64 GNU/Linux\n", s.node, s.p.os.kernel, build)
}

// dfSize prints a size as df -h does: powers of 1024, one decimal below 10, rounded up.
func dfSize(b float64) string {
	units := []string{"", "K", "M", "G", "T"}
	u := 0
	for b >= 1024 && u < len(units)-1 {
		b /= 1024
		u++
	}
	if u == 0 {
		return fmt.Sprintf("%.0f", b)
	}
	if b < 10 {
		return strconv.FormatFloat(math.Ceil(b*10)/10, 'f', 1, 64) + units[u]
	}
	return fmt.Sprintf("%.0f%s", math.Ceil(b), units[u])
}

func (s *demoShell) df(args []string) (string, int) {
	human, inodes := false, false
	var paths []string
	for _, a := range args {
		switch {
		case strings.HasPrefix(a, "-"):
			human = human || strings.Contains(a, "h")
			inodes = inodes || strings.Contains(a, "i")
		default:
			paths = append(paths, a)
		}
	}
	gi := float64(1 << 30)
	size := float64(s.p.machine.diskGi) * 0.97 * gi
	usedPct := 0.18 + float64(spread(s.node+"disk", 27))/100
	if s.node == NodeDiskPressure && s.c.incident(s.node) {
		usedPct = 0.957
	}
	root := "/dev/root"
	if s.p.centos() {
		root = "/dev/xvda1"
	}
	mem := float64(s.p.machine.memGi) * gi
	type fs struct {
		dev, mount  string
		size, used  float64
		inodes, iu  float64
		pathPrefixs []string
	}
	rootInodes := size / 16384
	iusedPct := 0.04 + float64(spread(s.node+"inodes", 10))/100
	if s.node == NodeRuntimeDown {
		iusedPct = 0.71 // millions of small files under /var/lib/containerd (seed 003)
	}
	fss := []fs{
		{root, "/", size, size * usedPct, rootInodes, rootInodes * iusedPct, nil},
		{"tmpfs", "/dev/shm", mem / 2, 0, mem / 2 / 4096 / 64, 1, nil},
		{"tmpfs", "/run", mem / 5, 1.3 * 1024 * 1024, mem / 5 / 4096 / 16, 900, nil},
		{"tmpfs", "/run/lock", 5 * 1024 * 1024, 0, 1280, 3, nil},
	}
	if !s.p.centos() {
		fss = append(fss, fs{"/dev/nvme0n1p16", "/boot", 881 * 1024 * 1024, 133 * 1024 * 1024, 58000, 610, nil},
			fs{"/dev/nvme0n1p15", "/boot/efi", 105 * 1024 * 1024, 6.1 * 1024 * 1024, 0, 0, nil})
	}
	var b strings.Builder
	switch {
	case inodes:
		fmt.Fprintf(&b, "%-15s %9s %8s %9s %5s %s\n", "Filesystem", "Inodes", "IUsed", "IFree", "IUse%", "Mounted on")
	case human:
		fmt.Fprintf(&b, "%-15s %5s %5s %5s %4s %s\n", "Filesystem", "Size", "Used", "Avail", "Use%", "Mounted on")
	default:
		fmt.Fprintf(&b, "%-15s %10s %10s %10s %4s %s\n", "Filesystem", "1K-blocks", "Used", "Available", "Use%", "Mounted on")
	}
	show := fss
	if len(paths) > 0 {
		show = nil
		for _, p := range paths {
			if !strings.HasPrefix(p, "/") {
				fmt.Fprintf(&b, "df: %s: No such file or directory\n", p)
				continue
			}
			show = append(show, fss[0])
		}
	}
	pct := func(used, total float64) string {
		if total == 0 {
			return "-"
		}
		return fmt.Sprintf("%d%%", int(math.Ceil(used/total*100)))
	}
	for _, f := range show {
		switch {
		case inodes:
			fmt.Fprintf(&b, "%-15s %9.0f %8.0f %9.0f %5s %s\n", f.dev, f.inodes, f.iu, f.inodes-f.iu, pct(f.iu, f.inodes), f.mount)
		case human:
			fmt.Fprintf(&b, "%-15s %5s %5s %5s %4s %s\n", f.dev, dfSize(f.size), dfSize(f.used), dfSize(f.size-f.used), pct(f.used, f.size), f.mount)
		default:
			fmt.Fprintf(&b, "%-15s %10.0f %10.0f %10.0f %4s %s\n", f.dev, f.size/1024, f.used/1024, (f.size-f.used)/1024, pct(f.used, f.size), f.mount)
		}
	}
	return b.String(), 0
}

func (s *demoShell) free(args []string) (string, int) {
	unit := 1024.0 * 1024 // -m
	human := false
	for _, a := range args {
		switch a {
		case "-g":
			unit = 1 << 30
		case "-k":
			unit = 1024
		case "-h", "--human":
			human = true
		}
	}
	memKi := float64(s.p.machine.memGi)*1024*1024 - 380*1024 - float64(s.p.machine.memGi)*2100
	total := memKi * 1024
	var used, avail, cache float64
	if s.node == NodeMemoryPressure && s.c.incident(s.node) {
		avail = 85 * 1024 * 1024
		cache = 324 * 1024 * 1024
		used = total - 112*1024*1024 - cache
	} else {
		frac := 0.25 + float64(spread(s.node+"mem", 35))/100
		used = total * frac
		cache = total * 0.2
		avail = total - used
	}
	shared := 4.0 * 1024 * 1024
	freeMem := total - used - cache
	f := func(v float64) string {
		if human {
			return dfSize(v)
		}
		return fmt.Sprintf("%.0f", v/unit)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%20s%12s%12s%12s%12s%12s\n", "total", "used", "free", "shared", "buff/cache", "available")
	fmt.Fprintf(&b, "Mem:%16s%12s%12s%12s%12s%12s\n", f(total), f(used), f(freeMem), f(shared), f(cache), f(avail))
	fmt.Fprintf(&b, "Swap:%15s%12s%12s\n", f(0), f(0), f(0))
	return b.String(), 0
}
