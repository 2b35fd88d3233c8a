package testenv

// The kubelet stand-in's /logs/: the node log modes (NodeLogMode), the node log query and the
// journal it answers from (JournalEntry, RecordedJournal), and the node's /var/log with its syslog.

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"regexp/syntax"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// NodeLogMode is how a stand-in kubelet is configured for the node log query (GET /logs/?query=…),
// each with the matching settings in its /configz.
type NodeLogMode int

const (
	// NodeLogQueryOn: enableSystemLogQuery: true on a v1.37 kubelet (where the NodeLogQuery gate is
	// GA and locked on). ?query=SERVICE answers from the node's journal as journalctl
	// --output=short-precise --utc prints it, honouring sinceTime, untilTime, tailLines and pattern.
	NodeLogQueryOn NodeLogMode = iota
	// NodeLogQueryOff: enableSystemLogQuery: false, its default. /logs/ is then a plain file server
	// of /var/log, which ignores the query and answers with its HTML directory listing, 200 OK.
	NodeLogQueryOff
	// NodeLogGateOff: a v1.35.3 kubelet with featureGates NodeLogQuery: false (beta, and off by
	// default before 1.36) and enableSystemLogQuery: true. The same listing.
	NodeLogGateOff
	// NodeLogHandlerOff: enableSystemLogHandler: false. /logs/ answers 405 Method Not Allowed,
	// "logs endpoint is disabled." (getHandlerForDisabledEndpoint; not a 404).
	NodeLogHandlerOff
	// NodeLogDebuggingOff: enableDebuggingHandlers: false. /logs/ and /debug/pprof/ answer 405,
	// "Debug endpoints are disabled.", and /configz is not served at all (404).
	NodeLogDebuggingOff
)

func (m NodeLogMode) String() string {
	switch m {
	case NodeLogQueryOn:
		return "query on"
	case NodeLogQueryOff:
		return "enableSystemLogQuery off"
	case NodeLogGateOff:
		return "NodeLogQuery gate off"
	case NodeLogHandlerOff:
		return "enableSystemLogHandler off"
	case NodeLogDebuggingOff:
		return "enableDebuggingHandlers off"
	}
	return "NodeLogMode(" + strconv.Itoa(int(m)) + ")"
}

// JournalEntry is one entry of the node's journal.
type JournalEntry struct {
	Time    time.Time
	Unit    string // systemd unit, "kubelet.service"
	Ident   string // syslog identifier, "kubelet"
	PID     int
	Message string
}

// Format renders the entry as journalctl --output=short-precise --utc prints it.
func (j JournalEntry) Format(hostname string) string {
	return fmt.Sprintf("%s %s %s[%d]: %s", j.Time.UTC().Format("Jan 02 15:04:05.000000"), hostname, j.Ident, j.PID, j.Message)
}

// SyslogLine renders the entry as rsyslog's traditional file format writes it to /var/log/syslog.
func (j JournalEntry) SyslogLine(hostname string) string {
	return fmt.Sprintf("%s %s %s[%d]: %s", j.Time.UTC().Format("Jan _2 15:04:05"), hostname, j.Ident, j.PID, j.Message)
}

// serveLogs is the kubelet's log server below /logs/: with the query on (kubelet.go Run), a query
// goes to the journal and anything else to the file server of /var/log; with it off, the file server
// answers everything, query or not.
func (k *KubeletStandIn) serveLogs(w http.ResponseWriter, r *http.Request) {
	files := http.FileServer(http.Dir(k.varLog))
	if k.opts.NodeLog != NodeLogQueryOn {
		files.ServeHTTP(w, r)
		return
	}
	q, err := parseNodeLogQuery(r.URL.Query())
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if q == nil {
		files.ServeHTTP(w, r)
		return
	}
	if r.URL.Path != "/" && r.URL.Path != "" {
		http.Error(w, "path not allowed in query mode", http.StatusNotAcceptable)
		return
	}
	if err := q.validate(); err != nil {
		http.Error(w, err.Error(), http.StatusNotAcceptable)
		return
	}
	if len(q.services) == 0 {
		r.URL.Path = filepath.ToSlash(q.files[0])
		files.ServeHTTP(w, r)
		return
	}
	// journalServer.ServeHTTP
	var out io.Writer = w
	w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
	if r.Header.Get("Accept-Encoding") == "gzip" {
		w.Header().Set("Content-Encoding", "gzip")
		gz, _ := gzip.NewWriterLevel(w, gzip.BestSpeed)
		defer gz.Close()
		out = gz
	}
	k.copyJournal(out, q)
}

// nodeLogQuery is the kubelet's parsed ?query=… request (kubelet_server_journal.go).
type nodeLogQuery struct {
	services, files []string
	since, until    *time.Time
	tailLines, boot *int
	pattern         string
	hasOptions      bool
}

func parseNodeLogQuery(v url.Values) (*nodeLogQuery, error) {
	q := &nodeLogQuery{}
	var errs []string
	queries, ok := v["query"]
	for _, s := range queries {
		switch {
		case strings.ContainsAny(s, `/\`):
			q.files = append(q.files, s)
		case strings.TrimSpace(s) != "":
			q.services = append(q.services, s)
		}
	}
	if ok && len(q.files) == 0 && len(q.services) == 0 {
		errs = append(errs, fmt.Sprintf("query: Invalid value: %q: may not be empty", queries))
	}
	parseTime := func(name string) *time.Time {
		s := v.Get(name)
		if s == "" {
			return nil
		}
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s: Invalid value: %q: invalid time format", name, s))
			return nil
		}
		return &t
	}
	parseInt := func(name string) *int {
		s := v.Get(name)
		if s == "" {
			return nil
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s: Invalid value: %q: %v", name, s, err))
			return nil
		}
		return &n
	}
	q.since, q.until = parseTime("sinceTime"), parseTime("untilTime")
	q.boot, q.tailLines = parseInt("boot"), parseInt("tailLines")
	q.pattern = v.Get("pattern")
	if len(errs) > 0 {
		return nil, errors.New(strings.Join(errs, ", "))
	}
	q.hasOptions = q.since != nil || q.until != nil || q.boot != nil || q.tailLines != nil || q.pattern != ""
	if len(q.services) == 0 && len(q.files) == 0 && !q.hasOptions {
		return nil, nil
	}
	return q, nil
}

var safeServiceName = regexp.MustCompile(`^[a-zA-Z0-9-_.@]+$`)

func (q *nodeLogQuery) validate() error {
	var errs []string
	for _, s := range q.services {
		if !safeServiceName.MatchString(s) {
			errs = append(errs, fmt.Sprintf("query: Invalid value: %q: input contains unsupported characters", s))
		}
	}
	switch {
	case len(q.files) == 0 && len(q.services) == 0:
		errs = append(errs, "query: Required value: cannot be empty with options")
	case len(q.files) > 0 && len(q.services) > 0:
		errs = append(errs, fmt.Sprintf("query: Invalid value: \"%v, %v\": cannot specify a file and service", q.files, q.services))
	case len(q.files) > 1:
		errs = append(errs, fmt.Sprintf("query: Invalid value: %v: cannot specify more than one file", q.files))
	case len(q.files) == 1 && q.hasOptions:
		errs = append(errs, fmt.Sprintf("query: Invalid value: %v: cannot specify file with options", q.files))
	}
	if q.since != nil && q.until != nil && q.since.After(*q.until) {
		errs = append(errs, "untilTime: Invalid value: must be after `sinceTime`")
	}
	if q.boot != nil && *q.boot > 0 {
		errs = append(errs, fmt.Sprintf("boot: Invalid value: %d: must be less than 1", *q.boot))
	}
	if q.tailLines != nil && (*q.tailLines < 0 || *q.tailLines > 100000) {
		errs = append(errs, fmt.Sprintf("tailLines: Invalid value: %d: must be between 0 and 100000, inclusive", *q.tailLines))
	}
	if _, err := syntax.Parse(q.pattern, syntax.Perl); err != nil {
		errs = append(errs, fmt.Sprintf("pattern: Invalid value: %q: %v", q.pattern, err))
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, ", "))
	}
	return nil
}

// copyJournal writes what journalctl --utc --no-pager --output=short-precise [--since] [--until]
// [--pager-end --lines=N] --unit=… [--grep=…] prints for the services the journal knows; services
// it does not know go to the kubelet's file heuristics, as in copyForBoot.
func (k *KubeletStandIn) copyJournal(w io.Writer, q *nodeLogQuery) {
	units := map[string]bool{}
	for _, e := range k.journal {
		units[e.Unit] = true
	}
	var native, fileLoggers []string
	for _, s := range q.services {
		if units[s] || units[s+".service"] {
			native = append(native, s)
		} else {
			fileLoggers = append(fileLoggers, s)
		}
	}
	if len(native) > 0 {
		var grep *regexp.Regexp
		if q.pattern != "" {
			expr := q.pattern
			if !strings.ContainsFunc(expr, unicode.IsUpper) {
				expr = "(?i)" + expr // journalctl --grep is case-insensitive for all-lowercase patterns
			}
			grep = regexp.MustCompile(expr)
		}
		// journalctl takes --since and --until in whole seconds ("2006-01-02 15:04:05").
		var since, until time.Time
		if q.since != nil {
			since = q.since.UTC().Truncate(time.Second)
		}
		if q.until != nil {
			until = q.until.UTC().Truncate(time.Second)
		}
		var lines []string
		for _, e := range k.journal {
			if !slices.ContainsFunc(native, func(s string) bool { return e.Unit == s || e.Unit == s+".service" }) {
				continue
			}
			if (!since.IsZero() && e.Time.Before(since)) || (!until.IsZero() && e.Time.After(until)) {
				continue
			}
			if grep != nil && !grep.MatchString(e.Message) {
				continue
			}
			lines = append(lines, e.Format(k.Node))
		}
		if q.tailLines != nil && len(lines) > *q.tailLines {
			lines = lines[len(lines)-*q.tailLines:]
		}
		if len(lines) == 0 {
			_, _ = io.WriteString(w, "-- No entries --\n")
		}
		for _, l := range lines {
			_, _ = io.WriteString(w, l+"\n")
		}
	}
	if len(fileLoggers) > 0 && q.hasOptions {
		fmt.Fprintf(w, "\noptions present and query resolved to log files for %v\ntry without specifying options\n", fileLoggers)
		return
	}
	for _, s := range fileLoggers {
		found := false
		for _, name := range []string{s, s + ".log", s + "/" + s + ".log"} {
			if data, err := os.ReadFile(filepath.Join(k.varLog, name)); err == nil {
				_, _ = w.Write(data)
				found = true
				break
			}
		}
		if !found {
			fmt.Fprintf(w, "\nlog not found for %s\n", s)
		}
	}
}

// writeVarLog fills a folder like a node's /var/log, for the file server's listing.
func writeVarLog(dir string) error {
	files := map[string]string{
		"alternatives.log":      "update-alternatives 2026-11-02 09:14:31: run with --install /usr/bin/iptables iptables /usr/sbin/iptables-nft 20\n",
		"auth.log":              "",
		"btmp":                  "",
		"cloud-init.log":        "2026-11-02 09:12:04,117 - util.py[DEBUG]: Cloud-init v. 24.1.3 running 'init-local'\n",
		"cloud-init-output.log": "Cloud-init v. 24.1.3 finished at Mon, 02 Nov 2026 09:13:55 +0000. Up 48.72 seconds\n",
		"dpkg.log":              "2026-11-02 09:14:31 status installed kubelet:amd64 1.37.2-1.1\n",
		"kern.log":              "",
		"lastlog":               "",
		"syslog":                "",
		"wtmp":                  "",
		"apt/history.log":       "",
		"apt/term.log":          "",
		"containers/.keep":      "",
		"journal/.keep":         "",
		"pods/kube-system_kube-proxy-x2k8d_0f3c/.keep": "",
		"private/.keep": "",
	}
	for name, content := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if filepath.Base(name) == ".keep" {
			continue
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// SyslogPadding is how much older syslog precedes the journal's entries in the stand-in's
// /var/log/syslog: more than the 4 MiB ktriage reads from its end, as on a node that has run a while.
const SyslogPadding = 5 << 20

// writeSyslog writes /var/log/syslog as rsyslog keeps it: days of older lines from other daemons,
// then every journal entry.
func writeSyslog(path, node string, journal []JournalEntry) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 256<<10)
	at := time.Now().UTC().Add(-72 * time.Hour)
	if len(journal) > 0 {
		at = journal[0].Time.Add(-72 * time.Hour)
	}
	written := 0
	for i := 0; written < SyslogPadding; i++ {
		at = at.Add(4 * time.Second)
		var line string
		switch i % 3 {
		case 0:
			line = fmt.Sprintf("%s %s systemd[1]: Started session-%d.scope - Session %d of User ubuntu.", at.Format("Jan _2 15:04:05"), node, 4000+i, 4000+i)
		case 1:
			line = fmt.Sprintf("%s %s CRON[%d]: (root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)", at.Format("Jan _2 15:04:05"), node, 20000+i%30000)
		default:
			line = fmt.Sprintf("%s %s systemd-networkd[412]: ens5: DHCPv4 lease renewed, address 10.0.%d.%d/20", at.Format("Jan _2 15:04:05"), node, i%16, 1+i%250)
		}
		n, _ := w.WriteString(line + "\n")
		written += n
	}
	for _, e := range journal {
		_, _ = w.WriteString(e.SyslogLine(node) + "\n")
	}
	if err := w.Flush(); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// RecordedJournal is the node journal a stand-in serves unless told otherwise: an hour of a
// kubelet and containerd up to now, the last twelve minutes of it a PLEG that stopped relisting
// (kubelet "Skipping pod synchronization" every 30 s, the node turning NotReady) while containerd
// struggles to remove containers, as in seed 001.
func RecordedJournal(node string, now time.Time) []JournalEntry {
	now = now.UTC().Truncate(time.Second)
	const kubeletPID, containerdPID = 1187, 642
	klog := func(sev byte, at time.Time, src, msg string) string {
		return fmt.Sprintf("%c%s %7d %s] %s", sev, at.Format("0102 15:04:05.000000"), kubeletPID, src, msg)
	}
	var out []JournalEntry
	kubelet := func(at time.Time, sev byte, src, msg string) {
		out = append(out, JournalEntry{Time: at, Unit: "kubelet.service", Ident: "kubelet", PID: kubeletPID, Message: klog(sev, at, src, msg)})
	}
	containerd := func(at time.Time, level, msg string) {
		out = append(out, JournalEntry{Time: at, Unit: "containerd.service", Ident: "containerd", PID: containerdPID,
			Message: fmt.Sprintf("time=%q level=%s msg=%s", at.Format(time.RFC3339Nano), level, msg)})
	}
	start := now.Add(-60 * time.Minute)
	stuck := now.Add(-12 * time.Minute)
	for i := 0; ; i++ {
		at := start.Add(time.Duration(i)*90*time.Second + time.Duration(i*7919%1000000)*time.Microsecond)
		if !at.Before(stuck) {
			break
		}
		pod := fmt.Sprintf("load/burst-%04d", i)
		id := fmt.Sprintf("%016x", uint64(i)*0x9e3779b97f4a7c15)
		kubelet(at, 'I', "kubelet.go:2528", fmt.Sprintf(`"SyncLoop (PLEG): event for pod" pod=%q event={"ID":"%s","Type":"ContainerStarted","Data":"%s"}`, pod, id[:8], id))
		kubelet(at.Add(40*time.Millisecond), 'I', "pod_startup_latency_tracker.go:104", fmt.Sprintf(`"Observed pod startup duration" pod=%q podStartSLOduration=%.3f`, pod, 2.0+float64(i%9)/10))
		containerd(at.Add(2*time.Second), "info", fmt.Sprintf(`"RemoveContainer for \"%s\" returns successfully"`, id))
	}
	kubelet(stuck, 'I', "kubelet_node_status.go:715", fmt.Sprintf(`"Recording event message for node" node=%q event="NodeNotReady"`, node))
	for i := 0; ; i++ {
		at := stuck.Add(time.Duration(i)*30*time.Second + 120397*time.Microsecond)
		if at.After(now) {
			break
		}
		since := 3*time.Minute + 912*time.Millisecond + time.Duration(i)*30*time.Second
		msg := fmt.Sprintf("PLEG is not healthy: pleg was last seen active %s ago; threshold is 3m0s", since)
		if i == 0 {
			kubelet(at, 'I', "setters.go:602", fmt.Sprintf(`"Node became not ready" node=%q condition={"type":"Ready","status":"False","reason":"KubeletNotReady","message":%q}`, node, msg))
		}
		kubelet(at, 'E', "kubelet.go:2412", fmt.Sprintf(`"Skipping pod synchronization" err=%q`, msg))
		containerd(at.Add(5*time.Second), "error", fmt.Sprintf(`"ContainerStatus for \"%016x\" failed" error="rpc error: code = DeadlineExceeded desc = context deadline exceeded"`, uint64(i+7)*0x2545f4914f6cdd1d))
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	return out
}
