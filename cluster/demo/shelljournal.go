package demo

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The demo shell's readers of the node's journal and boots: journalctl, dmesg, last reboot.

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
		writeEntry(&b, "Jan 02 15:04:05", host, l)
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
