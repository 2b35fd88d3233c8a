package demo

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// How journal entries are written: the daemons' line formats (klog, logrus), and the journal
// printed as journalctl and rsyslog print it.

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
		writeEntry(&b, "Jan 02 15:04:05.000000", host, l)
	}
	return b.String()
}

// writeEntry writes an entry as a line: its time in layout, the host, the identifier (with the
// PID, if any) and the message.
func writeEntry(b *strings.Builder, layout, host string, l jline) {
	b.WriteString(l.t.UTC().Format(layout))
	b.WriteByte(' ')
	b.WriteString(host)
	b.WriteByte(' ')
	writeIdent(b, l)
	b.WriteString(l.msg)
	b.WriteByte('\n')
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
	layout := "2006-01-02T15:04:05.000000-07:00"
	if centos {
		layout = "Jan _2 15:04:05"
	}
	for _, l := range lines {
		if centos {
			l.pid = 0 // no PID in /var/log/messages
		}
		writeEntry(&b, layout, host, l)
	}
	return b.String()
}
