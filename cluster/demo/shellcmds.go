package demo

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// The demo shell's commands. Each answers from the node's plan, incident and pods; none runs
// anything. A line may hold pipelines (|) joined by ;, && and ||, with quotes, as the commands
// ktriage suggests are written ("journalctl -u kubelet --since '-1h' | tail -200").
// This file holds the parsing of a line and the dispatch of its commands; the commands are in
// shellfiles.go, shellfilters.go, shellmachine.go, shellsystemd.go, shelljournal.go and shellcrictl.go.

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
