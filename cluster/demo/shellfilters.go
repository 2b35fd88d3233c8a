package demo

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// The demo shell's text filters, for after a |: grep, head, tail, wc, sort.

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
