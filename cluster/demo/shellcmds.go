package demo

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// The demo shell's commands. Each answers from the node's plan, incident and pods; none runs
// anything. A line may hold pipelines (|) joined by ;, && and ||, with quotes, as the commands
// ktriage suggests are written ("journalctl -u kubelet --since '-1h' | tail -200").

// shellHelp lists what the demo shell answers.
const shellHelp = `The demo shell answers these, from the demo node's state:
  hostname, uptime, date, whoami, uname [-r|-a], cat /etc/os-release
  systemctl status kubelet|containerd|docker|chrony
  journalctl [-u UNIT] [-n N] [--since '-1h'] [-b [-1]] [-k] [-g PATTERN] [--list-boots]
  crictl ps [-a], crictl info
  df [-h] [-i] [PATH...], free [-m|-h]
  dmesg [-T], last reboot, rpm -q systemd, sysctl kernel.pid_max, curl -s localhost:10248/healthz
  cat /var/lib/kubelet/config.yaml, cat /proc/cgroups, grep PATTERN FILE...
  filters after |: grep [-i] [-E] [-v] [-c], head [-n N], tail [-n N], wc -l, sort [-n] [-r]
  help, clear, exit
`

// token is a word or an operator (|, ;, &&, ||) of a command line.
type token struct {
	s  string
	op bool
}

// tokenize splits a line as a shell would: quotes group, operators separate.
func tokenize(line string) ([]token, error) {
	var out []token
	var cur strings.Builder
	inWord := false
	flush := func() {
		if inWord {
			out = append(out, token{s: cur.String()})
			cur.Reset()
			inWord = false
		}
	}
	for i := 0; i < len(line); i++ {
		ch := line[i]
		switch {
		case ch == '\'' || ch == '"':
			end := strings.IndexByte(line[i+1:], ch)
			if end < 0 {
				return nil, fmt.Errorf("unexpected EOF while looking for matching `%c'", ch)
			}
			cur.WriteString(line[i+1 : i+1+end])
			inWord = true
			i += end + 1
		case ch == '\\' && i+1 < len(line):
			cur.WriteByte(line[i+1])
			inWord = true
			i++
		case ch == ' ' || ch == '\t':
			flush()
		case ch == '|' || ch == ';' || ch == '&':
			flush()
			op := string(ch)
			if i+1 < len(line) && (line[i+1] == '|' || line[i+1] == '&') && ch != ';' {
				op += string(line[i+1])
				i++
			}
			out = append(out, token{s: op, op: true})
		case ch == '#' && !inWord:
			flush()
			return out, nil
		default:
			cur.WriteByte(ch)
			inWord = true
		}
	}
	flush()
	return out, nil
}

// execLine runs one line of input: its output, the last status, and whether the shell exits.
func (s *demoShell) execLine(ctx context.Context, line string) (string, int, bool) {
	toks, err := tokenize(line)
	if err != nil {
		return "bash: " + err.Error() + "\n", 2, false
	}
	var out strings.Builder
	code := 0
	next := ";"
	var pipeline [][]string
	var cmd []string
	run := func() bool {
		if cmd != nil {
			pipeline = append(pipeline, cmd)
		}
		cmd = nil
		defer func() { pipeline = nil }()
		if len(pipeline) == 0 {
			return false
		}
		if (next == "&&" && code != 0) || (next == "||" && code == 0) {
			return false
		}
		if len(pipeline) == 1 && pipeline[0][0] == "exit" || pipeline[0][0] == "logout" {
			code = 0
			if len(pipeline[0]) > 1 {
				code, _ = strconv.Atoi(pipeline[0][1])
			}
			return true
		}
		text, c := s.runPipeline(ctx, pipeline)
		out.WriteString(text)
		code = c
		return false
	}
	for _, t := range toks {
		if !t.op {
			if strings.HasPrefix(t.s, "2>") || strings.HasPrefix(t.s, ">") {
				continue // redirections: the demo has nowhere to write
			}
			cmd = append(cmd, t.s)
			continue
		}
		switch t.s {
		case "|":
			if cmd == nil {
				return "bash: syntax error near unexpected token `|'\n", 2, false
			}
			pipeline = append(pipeline, cmd)
			cmd = nil
		case ";", "&&", "||":
			if run() {
				return out.String(), code, true
			}
			next = t.s
		default:
			return "demo shell: background jobs (&) are not simulated (try help)\n", 2, false
		}
	}
	if run() {
		return out.String(), code, true
	}
	return out.String(), code, false
}

// exec runs a one-off command line (exec with sh -c).
func (s *demoShell) exec(ctx context.Context, line string) (string, int) {
	text, code, _ := s.execLine(ctx, line)
	return text, code
}

// runPipeline runs commands whose output feeds the next one's input.
func (s *demoShell) runPipeline(ctx context.Context, cmds [][]string) (string, int) {
	var text string
	code := 0
	for i, args := range cmds {
		var out string
		out, code = s.command(ctx, args, text, i > 0)
		text = out
	}
	return text, code
}

func notSimulated(what string) (string, int) {
	return "demo shell: " + what + " is not simulated (try help)\n", 127
}

// command runs one command with its input (piped says it has one).
func (s *demoShell) command(ctx context.Context, args []string, in string, piped bool) (string, int) {
	name, rest := args[0], args[1:]
	switch name {
	case "help":
		return shellHelp, 0
	case "hostname":
		return s.node + "\n", 0
	case "whoami":
		return "root\n", 0
	case "pwd":
		return "/\n", 0
	case "echo":
		return strings.Join(rest, " ") + "\n", 0
	case "clear":
		return "\x1b[H\x1b[2J", 0
	case "true", ":":
		return "", 0
	case "false":
		return "", 1
	case "date":
		return s.c.Now().UTC().Format("Mon Jan _2 15:04:05 UTC 2006") + "\n", 0
	case "uptime":
		return s.uptime(), 0
	case "uname":
		return s.uname(rest), 0
	case "cat", "less", "more":
		if len(rest) == 0 {
			return in, 0
		}
		return s.cat(rest)
	case "grep", "egrep":
		return s.grep(name, rest, in, piped)
	case "head", "tail":
		return headTail(name, rest, in)
	case "wc":
		return wc(rest, in)
	case "sort":
		return sortLines(rest, in)
	case "systemctl":
		return s.systemctl(rest)
	case "journalctl":
		return s.journalctl(rest)
	case "crictl":
		return s.crictl(rest)
	case "df":
		return s.df(rest)
	case "free":
		return s.free(rest)
	case "dmesg":
		return s.dmesg(rest)
	case "last":
		return s.last(rest)
	case "rpm":
		if !s.p.centos() {
			return "bash: rpm: command not found\n", 127
		}
		if len(rest) == 2 && rest[0] == "-q" && rest[1] == "systemd" {
			if s.node == NodePLEG {
				return "systemd-219-62.el7_6.9.x86_64\n", 0
			}
			return "systemd-219-57.el7_5.3.x86_64\n", 0
		}
		return notSimulated("rpm " + strings.Join(rest, " "))
	case "sysctl":
		if len(rest) == 1 && rest[0] == "kernel.pid_max" {
			if s.p.centos() {
				return "kernel.pid_max = 32768\n", 0
			}
			return "kernel.pid_max = 4194304\n", 0
		}
		return notSimulated("sysctl " + strings.Join(rest, " "))
	case "curl":
		for _, a := range rest {
			if strings.Contains(a, "10248/healthz") {
				if s.node == NodePLEG && s.c.incident(NodePLEG) {
					return "[+]ping ok\n[+]log ok\n[-]syncloop failed: reason withheld\nhealthz check failed\n", 0
				}
				return "ok", 0
			}
		}
		return notSimulated("curl " + strings.Join(rest, " "))
	}
	if name == "docker" && s.p.docker() && len(rest) > 0 && rest[0] == "ps" {
		return s.crictl(rest)
	}
	return notSimulated(name)
}

// --- files ---

// file returns a file of the node's filesystem the demo knows.
func (s *demoShell) file(path string) (string, bool) {
	switch path {
	case "/etc/hostname":
		return s.node + "\n", true
	case "/etc/os-release", "/usr/lib/os-release":
		return osRelease(s.p), true
	case "/var/lib/kubelet/config.yaml":
		body, err := configz(s.p)
		if err != nil {
			return "", false
		}
		inner := strings.TrimSuffix(strings.TrimPrefix(string(body), `{"kubeletconfig":`), "}")
		y, err := yaml.JSONToYAML([]byte(inner))
		if err != nil {
			return "", false
		}
		return "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n" + string(y), true
	case "/proc/cgroups":
		return procCgroups(s.p, s.c.incident(s.node)), true
	case "/proc/loadavg":
		l := s.load()
		return fmt.Sprintf("%.2f %.2f %.2f 2/%d %d\n", l[0], l[1], l[2], 900+spread(s.node, 600), 40000+spread(s.node+"pid", 9000)), true
	case "/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf":
		return `# Note: This dropin only works with kubeadm and kubelet v1.11+
[Service]
Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"
Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"
# This is a file that "kubeadm init" and "kubeadm join" generates at runtime, populating the KUBELET_KUBEADM_ARGS variable dynamically
EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env
# This is a file that the user can use for overrides of the kubelet args as a last resort. Preferably, the user should use
# the .NodeRegistration.KubeletExtraArgs object in the configuration files instead. KUBELET_EXTRA_ARGS should be sourced from this file.
EnvironmentFile=-/etc/default/kubelet
ExecStart=
ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS
`, true
	}
	if strings.HasPrefix(path, "/var/log/") {
		if body, found := s.c.serveVarLog(s.p, strings.TrimPrefix(path, "/var/log/")); found && !isDir(s.c, s.p, strings.TrimPrefix(path, "/var/log/")) {
			return string(body), true
		}
	}
	return "", false
}

func (s *demoShell) cat(paths []string) (string, int) {
	var b strings.Builder
	code := 0
	for _, p := range paths {
		body, ok := s.file(p)
		if !ok {
			fmt.Fprintf(&b, "cat: %s: No such file or directory\n", p)
			code = 1
			continue
		}
		b.WriteString(body)
	}
	return b.String(), code
}

func osRelease(p nodePlan) string {
	switch p.os {
	case ubuntu2204:
		return `PRETTY_NAME="Ubuntu 22.04.5 LTS"
NAME="Ubuntu"
VERSION_ID="22.04"
VERSION="22.04.5 LTS (Jammy Jellyfish)"
VERSION_CODENAME=jammy
ID=ubuntu
ID_LIKE=debian
HOME_URL="https://www.ubuntu.com/"
SUPPORT_URL="https://help.ubuntu.com/"
BUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"
PRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"
UBUNTU_CODENAME=jammy
`
	case centos75, centos76:
		return `NAME="CentOS Linux"
VERSION="7 (Core)"
ID="centos"
ID_LIKE="rhel fedora"
VERSION_ID="7"
PRETTY_NAME="CentOS Linux 7 (Core)"
ANSI_COLOR="0;31"
CPE_NAME="cpe:/o:centos:centos:7"
HOME_URL="https://www.centos.org/"
BUG_REPORT_URL="https://bugs.centos.org/"

CENTOS_MANTISBT_PROJECT="CentOS-7"
CENTOS_MANTISBT_PROJECT_VERSION="7"
REDHAT_SUPPORT_PRODUCT="centos"
REDHAT_SUPPORT_PRODUCT_VERSION="7"

`
	}
	return `PRETTY_NAME="Ubuntu 24.04.3 LTS"
NAME="Ubuntu"
VERSION_ID="24.04"
VERSION="24.04.3 LTS (Noble Numbat)"
VERSION_CODENAME=noble
ID=ubuntu
ID_LIKE=debian
HOME_URL="https://www.ubuntu.com/"
SUPPORT_URL="https://help.ubuntu.com/"
BUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"
PRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"
UBUNTU_CODENAME=noble
LOGO=ubuntu-logo
`
}

// procCgroups: cgroup v1 on CentOS (legacy-03's memory controller full of leaked cgroups), v2 on Ubuntu.
func procCgroups(p nodePlan, incident bool) string {
	var b strings.Builder
	b.WriteString("#subsys_name\thierarchy\tnum_cgroups\tenabled\n")
	memory := 412
	if p.name == NodeCgroupLeak && incident {
		memory = 65535
	}
	for i, c := range []string{"cpuset", "cpu", "cpuacct", "blkio", "memory", "devices", "freezer", "net_cls", "perf_event", "net_prio", "hugetlb", "pids"} {
		hier, n := 0, 142
		if p.centos() {
			hier, n = 1+i%11, 318
			if c == "memory" {
				n = memory
			}
		}
		fmt.Fprintf(&b, "%s\t%d\t%d\t1\n", c, hier, n)
	}
	return b.String()
}

// --- text filters ---

func (s *demoShell) grep(name string, args []string, in string, piped bool) (string, int) {
	ignore, invert, count, number, extended := false, false, false, false, name == "egrep"
	after, before := 0, 0
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if len(a) > 1 && a[0] == '-' && len(rest) == 0 {
			switch {
			case a == "-A" || a == "-B":
				if i+1 < len(args) {
					n, _ := strconv.Atoi(args[i+1])
					if a == "-A" {
						after = n
					} else {
						before = n
					}
					i++
				}
				continue
			case strings.HasPrefix(a, "-A") || strings.HasPrefix(a, "-B"):
				n, _ := strconv.Atoi(a[2:])
				if a[1] == 'A' {
					after = n
				} else {
					before = n
				}
				continue
			}
			for _, f := range a[1:] {
				switch f {
				case 'i':
					ignore = true
				case 'v':
					invert = true
				case 'c':
					count = true
				case 'n':
					number = true
				case 'E':
					extended = true
				case 'r', 'h', 's', 'w':
				default:
					return fmt.Sprintf("grep: invalid option -- '%c'\n", f), 2
				}
			}
			continue
		}
		rest = append(rest, a)
	}
	if len(rest) == 0 {
		return "Usage: grep [OPTION]... PATTERNS [FILE]...\n", 2
	}
	pattern := rest[0]
	if !extended {
		pattern = strings.NewReplacer(`\|`, "|", `\(`, "(", `\)`, ")", "|", `\|`, "(", `\(`, ")", `\)`, "+", `\+`, "?", `\?`).Replace(pattern)
	}
	if ignore {
		pattern = "(?i)" + pattern
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return "grep: Invalid regular expression\n", 2
	}
	type src struct{ name, text string }
	var srcs []src
	code := 0
	var errs strings.Builder
	if len(rest) == 1 {
		srcs = []src{{"", in}}
		if !piped {
			return "", 1
		}
	}
	for _, f := range rest[1:] {
		body, ok := s.file(f)
		if !ok {
			fmt.Fprintf(&errs, "grep: %s: No such file or directory\n", f)
			code = 2
			continue
		}
		srcs = append(srcs, src{f, body})
	}
	var b strings.Builder
	matched := false
	for _, sc := range srcs {
		lines := splitText(sc.text)
		n := 0
		printed := -1
		for i, l := range lines {
			if re.MatchString(l) == invert {
				continue
			}
			n++
			matched = true
			if count {
				continue
			}
			for j := max(i-before, printed+1); j <= min(i+after, len(lines)-1); j++ {
				if len(srcs) > 1 {
					b.WriteString(sc.name + ":")
				}
				if number {
					fmt.Fprintf(&b, "%d:", j+1)
				}
				b.WriteString(lines[j] + "\n")
				printed = j
			}
		}
		if count {
			if len(srcs) > 1 {
				b.WriteString(sc.name + ":")
			}
			fmt.Fprintf(&b, "%d\n", n)
		}
	}
	b.WriteString(errs.String())
	if code == 0 && !matched {
		code = 1
	}
	return b.String(), code
}

func splitText(text string) []string {
	text = strings.TrimSuffix(text, "\n")
	if text == "" {
		return nil
	}
	return strings.Split(text, "\n")
}

func joinLines(lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	return strings.Join(lines, "\n") + "\n"
}

// lineCount reads head/tail's -n N, -N, --lines=N.
func lineCount(args []string, def int) int {
	n := def
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-n" && i+1 < len(args):
			n, _ = strconv.Atoi(strings.TrimPrefix(args[i+1], "+"))
			i++
		case strings.HasPrefix(a, "--lines="):
			n, _ = strconv.Atoi(strings.TrimPrefix(a, "--lines="))
		case strings.HasPrefix(a, "-n"):
			n, _ = strconv.Atoi(a[2:])
		case len(a) > 1 && a[0] == '-' && a[1] >= '0' && a[1] <= '9':
			n, _ = strconv.Atoi(a[1:])
		}
	}
	return n
}

func headTail(name string, args []string, in string) (string, int) {
	lines := splitText(in)
	n := lineCount(args, 10)
	if n > len(lines) {
		n = len(lines)
	}
	if name == "head" {
		return joinLines(lines[:n]), 0
	}
	return joinLines(lines[len(lines)-n:]), 0
}

func wc(args []string, in string) (string, int) {
	lines := strings.Count(in, "\n")
	if len(args) > 0 && args[0] == "-l" {
		return fmt.Sprintf("%d\n", lines), 0
	}
	return fmt.Sprintf("%7d %7d %7d\n", lines, len(strings.Fields(in)), len(in)), 0
}

func sortLines(args []string, in string) (string, int) {
	lines := splitText(in)
	numeric, reverse := false, false
	for _, a := range args {
		numeric = numeric || strings.ContainsAny(a, "nh") && strings.HasPrefix(a, "-")
		reverse = reverse || strings.Contains(a, "r") && strings.HasPrefix(a, "-")
	}
	key := func(s string) float64 {
		f := strings.Fields(s)
		if len(f) == 0 {
			return 0
		}
		v, _ := strconv.ParseFloat(strings.TrimRight(f[0], "KMGTkmgt"), 64)
		return v
	}
	sort.SliceStable(lines, func(i, j int) bool {
		less := lines[i] < lines[j]
		if numeric {
			less = key(lines[i]) < key(lines[j])
		}
		if reverse {
			return !less && lines[i] != lines[j]
		}
		return less
	})
	return joinLines(lines), 0
}

// --- the machine ---

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

// --- systemd ---

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

// journalShort prints entries as journalctl's default "short" output (seconds), or
// short-precise (microseconds).
func journalShort(host string, lines []jline, precise bool) string {
	if precise {
		return formatJournal(host, nil, lines)
	}
	if len(lines) == 0 {
		return "-- No entries --\n"
	}
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l.t.UTC().Format("Jan 02 15:04:05"))
		b.WriteByte(' ')
		b.WriteString(host)
		b.WriteByte(' ')
		writeIdent(&b, l)
		b.WriteString(l.msg)
		b.WriteByte('\n')
	}
	return b.String()
}

// parseSince reads journalctl's --since/--until: "-1h", "-30min", "2 hours ago", "today",
// "yesterday", "2026-11-23 09:00:00".
func parseSince(v string, now time.Time) (time.Time, bool) {
	v = strings.TrimSpace(v)
	switch v {
	case "now":
		return now, true
	case "today":
		return now.UTC().Truncate(24 * time.Hour), true
	case "yesterday":
		return now.UTC().Truncate(24 * time.Hour).Add(-24 * time.Hour), true
	}
	span := func(s string) (time.Duration, bool) {
		s = strings.ReplaceAll(s, " ", "")
		m := regexp.MustCompile(`^([0-9]+)(us|ms|s|sec|seconds?|m|min|minutes?|h|hr|hours?|d|days?|w|weeks?)$`).FindStringSubmatch(s)
		if m == nil {
			return 0, false
		}
		n, _ := strconv.Atoi(m[1])
		unit := map[byte]time.Duration{'u': time.Microsecond, 's': time.Second, 'h': time.Hour, 'd': day, 'w': 7 * day}[m[2][0]]
		switch {
		case m[2] == "ms":
			unit = time.Millisecond
		case m[2] == "m" || strings.HasPrefix(m[2], "min"):
			unit = time.Minute
		}
		return time.Duration(n) * unit, true
	}
	if strings.HasPrefix(v, "-") {
		if d, ok := span(v[1:]); ok {
			return now.Add(-d), true
		}
	}
	if strings.HasSuffix(v, " ago") {
		if d, ok := span(strings.TrimSuffix(v, " ago")); ok {
			return now.Add(-d), true
		}
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02", time.RFC3339} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, true
		}
	}
	for _, layout := range []string{"15:04:05", "15:04"} {
		if t, err := time.Parse(layout, v); err == nil {
			d := now.UTC().Truncate(24 * time.Hour)
			return d.Add(time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute + time.Duration(t.Second())*time.Second), true
		}
	}
	return time.Time{}, false
}

func (s *demoShell) journalctl(args []string) (string, int) {
	q := journalQuery{}
	var units []string
	kernel, precise, follow, listBoots := false, false, false, false
	lines := -1
	now := s.c.Now()
	for i := 0; i < len(args); i++ {
		a := args[i]
		val := func() (string, bool) {
			if i+1 < len(args) {
				i++
				return args[i], true
			}
			return "", false
		}
		switch {
		case a == "-u" || a == "--unit":
			if v, ok := val(); ok {
				units = append(units, v)
			}
		case strings.HasPrefix(a, "--unit="):
			units = append(units, strings.TrimPrefix(a, "--unit="))
		case strings.HasPrefix(a, "-u") && len(a) > 2:
			units = append(units, a[2:])
		case a == "-n" || a == "--lines":
			lines = 10
			if i+1 < len(args) {
				if n, err := strconv.Atoi(args[i+1]); err == nil {
					lines = n
					i++
				}
			}
		case strings.HasPrefix(a, "--lines="):
			lines, _ = strconv.Atoi(strings.TrimPrefix(a, "--lines="))
		case strings.HasPrefix(a, "-n") && len(a) > 2:
			lines, _ = strconv.Atoi(a[2:])
		case a == "-e" || a == "--pager-end":
			if lines < 0 {
				lines = 1000
			}
		case a == "--since" || a == "-S" || a == "--until" || a == "-U" || strings.HasPrefix(a, "--since=") || strings.HasPrefix(a, "--until="):
			v, ok := "", true
			if k, after, has := strings.Cut(a, "="); has {
				a, v = k, after
			} else {
				v, ok = val()
			}
			t, parsed := parseSince(v, now)
			if !ok || !parsed {
				return fmt.Sprintf("Failed to parse timestamp: %s\n", v), 1
			}
			if a == "--since" || a == "-S" {
				q.since = &t
			} else {
				q.until = &t
			}
		case a == "-b" || a == "--boot":
			b := 0
			if i+1 < len(args) {
				if n, err := strconv.Atoi(args[i+1]); err == nil {
					b = n
					i++
				}
			}
			q.boot = &b
		case a == "-k" || a == "--dmesg":
			kernel = true
			if q.boot == nil {
				q.boot = ptrInt(0)
			}
		case a == "-f" || a == "--follow":
			follow = true
		case a == "-g" || a == "--grep":
			if v, ok := val(); ok {
				re, err := journalPattern(v)
				if err != nil {
					return "Failed to compile pattern: " + err.Error() + "\n", 1
				}
				q.pattern = re
			}
		case a == "-o" || a == "--output":
			if v, ok := val(); ok {
				precise = v == "short-precise"
			}
		case strings.HasPrefix(a, "--output="):
			precise = strings.TrimPrefix(a, "--output=") == "short-precise"
		case a == "--list-boots":
			listBoots = true
		case a == "--no-pager" || a == "-l" || a == "--full" || a == "-x" || a == "-q" || a == "--quiet" || a == "--utc" || a == "-a" || a == "--no-hostname":
		default:
			return fmt.Sprintf("journalctl: unrecognized option '%s' (demo shell)\n", a), 1
		}
	}
	if listBoots {
		return s.listBoots(), 0
	}
	for _, u := range units {
		q.units = append(q.units, journalUnit(u))
	}
	if lines < 0 && q.since == nil && follow {
		lines = 10
	}
	result, failed := s.c.queryJournal(s.p, q)
	if failed != "" {
		return failed + "\n", 1
	}
	if kernel {
		kept := result[:0]
		for _, l := range result {
			if l.ident == "kernel" {
				kept = append(kept, l)
			}
		}
		result = kept
	}
	note := ""
	if lines < 0 && q.since == nil && len(result) > 200 {
		// journalctl would page through all of it; the demo shows the end.
		lines = 200
		note = "-- demo shell: showing the last 200 entries; use -n N or --since to choose --\n"
	}
	if lines >= 0 && lines < len(result) {
		result = result[len(result)-lines:]
	}
	out := note + journalShort(s.node, result, precise)
	if follow {
		out += "-- demo shell: following (-f) is not simulated; run it again for new lines --\n"
	}
	return out, 0
}

func (s *demoShell) listBoots() string {
	var b strings.Builder
	b.WriteString("IDX BOOT ID                          FIRST ENTRY                  LAST ENTRY\n")
	j := s.c.journalOf(s.p, time.Time{}, s.c.Now())
	ids := s.c.bootIDs(s.p)
	first, last := map[int]time.Time{}, map[int]time.Time{}
	for _, l := range j.lines {
		if _, ok := first[l.boot]; !ok {
			first[l.boot] = l.t
		}
		last[l.boot] = l.t
	}
	for i := range j.boots {
		if _, ok := first[i]; !ok {
			continue
		}
		fmt.Fprintf(&b, "%3d %s %s  %s\n", i-(len(j.boots)-1), strings.ReplaceAll(ids[i], "-", ""), systemdTime(first[i]), systemdTime(last[i]))
	}
	return b.String()
}

func (s *demoShell) dmesg(args []string) (string, int) {
	human := false
	for _, a := range args {
		human = human || strings.Contains(a, "T")
	}
	boot := s.boot()
	lines, _ := s.c.queryJournal(s.p, journalQuery{boot: ptrInt(0)})
	var b strings.Builder
	for _, l := range lines {
		if l.ident != "kernel" {
			continue
		}
		if human {
			fmt.Fprintf(&b, "[%s] %s\n", l.t.UTC().Format("Mon Jan _2 15:04:05 2006"), l.msg)
		} else {
			fmt.Fprintf(&b, "[%12.6f] %s\n", l.t.Sub(boot).Seconds(), l.msg)
		}
	}
	return b.String(), 0
}

func (s *demoShell) last(args []string) (string, int) {
	if len(args) == 0 || args[0] != "reboot" {
		return notSimulated("last " + strings.Join(args, " "))
	}
	var b strings.Builder
	boots := s.c.boots(s.p)
	for i := len(boots) - 1; i >= 0; i-- {
		end := "still running"
		if i < len(boots)-1 {
			d := boots[i+1].Sub(boots[i])
			end = fmt.Sprintf("- %s  (%s)", boots[i+1].Add(-20*time.Second).UTC().Format("15:04"), lastSpan(d))
		}
		fmt.Fprintf(&b, "reboot   system boot  %-16s %s   %s\n", s.p.os.kernel, boots[i].UTC().Format("Mon Jan _2 15:04"), end)
	}
	created, _ := planTimes(s.p, s.c.now)
	fmt.Fprintf(&b, "\nwtmp begins %s\n", created.UTC().Format("Mon Jan _2 15:04:05 2006"))
	return b.String(), 0
}

func lastSpan(d time.Duration) string {
	days := int(d.Hours()) / 24
	if days > 0 {
		return fmt.Sprintf("%d+%02d:%02d", days, int(d.Hours())%24, int(d.Minutes())%60)
	}
	return fmt.Sprintf("%02d:%02d", int(d.Hours()), int(d.Minutes())%60)
}

// --- containers ---

// humanAgo is docker/go-units' HumanDuration, as crictl prints CREATED.
func humanAgo(d time.Duration) string {
	var s string
	switch seconds := int(d.Seconds()); {
	case seconds < 1:
		s = "Less than a second"
	case seconds == 1:
		s = "1 second"
	case seconds < 60:
		s = fmt.Sprintf("%d seconds", seconds)
	default:
		minutes := int(d.Minutes())
		hours := int(d.Hours() + 0.5)
		switch {
		case minutes == 1:
			s = "About a minute"
		case minutes < 60:
			s = fmt.Sprintf("%d minutes", minutes)
		case hours == 1:
			s = "About an hour"
		case hours < 48:
			s = fmt.Sprintf("%d hours", hours)
		case hours < 24*7*2:
			s = fmt.Sprintf("%d days", hours/24)
		case hours < 24*30*2:
			s = fmt.Sprintf("%d weeks", hours/24/7)
		case hours < 24*365*2:
			s = fmt.Sprintf("%d months", hours/24/30)
		default:
			s = fmt.Sprintf("%d years", int(d.Hours())/24/365)
		}
	}
	return s + " ago"
}

func (s *demoShell) crictl(args []string) (string, int) {
	if len(args) == 0 {
		return notSimulated("crictl")
	}
	endpoint := "unix:///run/containerd/containerd.sock"
	if s.p.docker() {
		endpoint = "unix:///var/run/dockershim.sock"
	}
	if s.node == NodeRuntimeDown && s.c.incident(s.node) {
		return fmt.Sprintf("time=%q level=fatal msg=%q\n", s.c.Now().UTC().Format(time.RFC3339),
			fmt.Sprintf("validate service connection: validate CRI v1 runtime API for endpoint %q: %s", endpoint, containerdSockDown)), 1
	}
	switch args[0] {
	case "ps":
		all := false
		for _, a := range args[1:] {
			all = all || a == "-a" || a == "--all"
		}
		return s.crictlPS(all), 0
	case "info":
		return s.crictlInfo(), 0
	}
	return notSimulated("crictl " + args[0])
}

func (s *demoShell) crictlPS(all bool) string {
	now := s.c.Now()
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 20, 1, 3, ' ', 0)
	fmt.Fprintln(tw, "CONTAINER\tIMAGE\tCREATED\tSTATE\tNAME\tATTEMPT\tPOD ID\tPOD\tNAMESPACE")
	type row struct {
		at   time.Time
		line string
	}
	var rows []row
	for _, p := range s.c.podsOnNode(s.node) {
		podID := hex64("sandbox", p.Namespace, p.Name)[:13]
		for _, st := range p.Status.ContainerStatuses {
			image := hex64("image", st.Image)[:13]
			if r := st.State.Running; r != nil && st.ContainerID != "" {
				rows = append(rows, row{r.StartedAt.Time, fmt.Sprintf("%s\t%s\t%s\tRunning\t%s\t%d\t%s\t%s\t%s",
					bareID(st.ContainerID)[:13], image, humanAgo(now.Sub(r.StartedAt.Time)), st.Name, st.RestartCount, podID, p.Name, p.Namespace)})
			}
			if !all {
				continue
			}
			if t := st.LastTerminationState.Terminated; t != nil && t.ContainerID != "" {
				rows = append(rows, row{t.StartedAt.Time, fmt.Sprintf("%s\t%s\t%s\tExited\t%s\t%d\t%s\t%s\t%s",
					bareID(t.ContainerID)[:13], image, humanAgo(now.Sub(t.StartedAt.Time)), st.Name, max(st.RestartCount-1, 0), podID, p.Name, p.Namespace)})
			}
			if t := st.State.Terminated; t != nil && st.ContainerID != "" {
				rows = append(rows, row{t.StartedAt.Time, fmt.Sprintf("%s\t%s\t%s\tExited\t%s\t%d\t%s\t%s\t%s",
					bareID(st.ContainerID)[:13], image, humanAgo(now.Sub(t.StartedAt.Time)), st.Name, st.RestartCount, podID, p.Name, p.Namespace)})
			}
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].at.After(rows[j].at) })
	for _, r := range rows {
		fmt.Fprintln(tw, r.line)
	}
	tw.Flush()
	return b.String()
}

func (s *demoShell) crictlInfo() string {
	netReady, reason, msg := "true", `""`, `""`
	if n := s.c.getNode(s.node); n != nil {
		if ready := findCondition(n.Status.Conditions, corev1.NodeReady); ready != nil && strings.Contains(ready.Message, "NetworkPluginNotReady") {
			netReady, reason, msg = "false", `"NetworkPluginNotReady"`, `"Network plugin returns error: cni plugin not initialized"`
		}
	}
	return fmt.Sprintf(`{
  "status": {
    "conditions": [
      {
        "type": "RuntimeReady",
        "status": true,
        "reason": "",
        "message": ""
      },
      {
        "type": "NetworkReady",
        "status": %s,
        "reason": %s,
        "message": %s
      },
      {
        "type": "ContainerdHasNoDeprecationWarnings",
        "status": true,
        "reason": "",
        "message": ""
      }
    ]
  },
  "cniconfig": {
    "PluginDirs": [
      "/opt/cni/bin"
    ],
    "PluginConfDir": "/etc/cni/net.d",
    "PluginMaxConfNum": 1,
    "Prefix": "eth"
  },
  "config": {
    "containerd": {
      "defaultRuntimeName": "runc",
      "snapshotter": "overlayfs"
    },
    "enableSelinux": false,
    "sandboxImage": "registry.k8s.io/pause:3.10",
    "containerdRootDir": "/var/lib/containerd",
    "stateDir": "/run/containerd/io.containerd.grpc.v1.cri"
  },
  "golang": "go1.24.6",
  "lastCNILoadStatus": "OK"
}
`, netReady, reason, msg)
}

// --- disks and memory ---

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
