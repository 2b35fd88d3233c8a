package testenv

// A kubelet stand-in: an HTTPS server that answers the kubelet endpoints ktriage reads through the
// API server's nodes/proxy (/configz, /logs/, /debug/pprof/goroutine, /metrics) with recorded
// kubelet output, registered as the kubelet of a node kwok does not manage.
//
// kwok cannot play this part: the API server refuses nodes/proxy to any address that is not global
// unicast (isProxyableHostname in k8s.io/kubernetes pkg/registry/core/node/strategy.go answers
// "address not allowed"), and kwok's nodes sit on 127.0.0.1. So the stand-in listens on a global
// unicast address of this machine (HostAddress) with a certificate for that address signed by the
// testenv CA, which the API server checks (--kubelet-certificate-authority), and its node carries
// that address as InternalIP and the port as daemonEndpoints.kubeletEndpoint.Port. Requests reach it
// only through the real API server's proxy, with its authorization and its rewriting of answers.
//
// What it answers follows the v1.37.2 kubelet's server (pkg/kubelet/server/server.go and
// kubelet.go) for the configuration the node log mode describes; see NodeLogMode.

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
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
	"sync"
	"time"
	"unicode"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Recorded kubelet output.
var (
	// configz of a v1.37.2 kubelet on a kubeadm node, the answer to GET /configz.
	//go:embed testdata/kubelet/configz.json
	recordedConfigz []byte
	// The goroutine profile (debug=1) of the kubelet of seed 001: PLEG's relist blocked sending on
	// its full event channel (generic.go:261, the runtime's chansend frames hidden at the top as
	// pprof does), syncLoop sleeping in its backoff, 2,814 goroutines in all. The blocking send
	// exists only before Kubernetes 1.14 (kubernetes#72709 made it non-blocking), so this is the
	// v1.12.10 kubelet's dump whatever version the stand-in's node reports.
	//go:embed testdata/kubelet/goroutine-debug1.txt
	recordedGoroutines string
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

// SeedReflectorLeak is the number of leaked reflectors in seed 002's kubelet metrics: 8,583 series
// of each per-reflector counter and 25,749 (three quantiles each) of each summary.
const SeedReflectorLeak = 8583

// KubeletStandInOptions choose what a stand-in answers.
type KubeletStandInOptions struct {
	NodeLog NodeLogMode
	// Version is the node's kubeletVersion: v1.37.2 unless set (v1.35.3 for NodeLogGateOff).
	Version string
	// Configz sets fields of the recorded configuration (JSON names of kubelet.config.k8s.io/
	// v1beta1, such as "maxPods"), after NodeLog's settings.
	Configz map[string]any
	// Journal replaces the recorded journal (RecordedJournal).
	Journal []JournalEntry
	// Goroutines replaces the recorded goroutine dump (debug=1 text).
	Goroutines string
	// ReflectorLeak is how many leaked reflectors /metrics carries series for, as in seed 002
	// (SeedReflectorLeak); zero serves a kubelet without the leak.
	ReflectorLeak int
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

// KubeletRequest is one request the stand-in answered.
type KubeletRequest struct {
	Method, Path string
	Query        url.Values
	Header       http.Header
	Status       int
}

// KubeletStandIn is a running stand-in and the node it is the kubelet of.
type KubeletStandIn struct {
	// Node is the node's name; IP and Port where the stand-in listens (the node's InternalIP and
	// kubelet endpoint).
	Node string
	IP   net.IP
	Port int

	env      *Env
	opts     KubeletStandInOptions
	configz  []byte // nil: not served (debugging handlers off)
	journal  []JournalEntry
	varLog   string
	srv      *http.Server
	served   chan struct{}
	stopBeat context.CancelFunc
	beatDone chan struct{}

	mu       sync.Mutex
	requests []KubeletRequest
}

// HostAddress returns the address a stand-in kubelet listens on: $KTRIAGE_TESTENV_HOST_IP, or the
// first global unicast IPv4 address of this machine's interfaces (else the first IPv6 one). The
// API server proxies to nothing else. A machine with only loopback and link-local addresses has
// none, and the error says so.
func HostAddress() (net.IP, error) {
	if s := os.Getenv("KTRIAGE_TESTENV_HOST_IP"); s != "" {
		ip := net.ParseIP(s)
		if ip == nil || !ip.IsGlobalUnicast() {
			return nil, fmt.Errorf("KTRIAGE_TESTENV_HOST_IP=%q is not a global unicast address", s)
		}
		return ip, nil
	}
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return nil, fmt.Errorf("list this machine's addresses: %w", err)
	}
	var v6 net.IP
	var seen []string
	for _, a := range addrs {
		ipnet, ok := a.(*net.IPNet)
		if !ok {
			continue
		}
		ip := ipnet.IP
		seen = append(seen, ip.String())
		if ip.IsLoopback() || !ip.IsGlobalUnicast() {
			continue
		}
		if ip4 := ip.To4(); ip4 != nil {
			return ip4, nil
		}
		if v6 == nil {
			v6 = ip
		}
	}
	if v6 != nil {
		return v6, nil
	}
	return nil, fmt.Errorf("this machine has no global unicast address (it has %s): the API server's nodes/proxy "+
		"refuses loopback and link-local kubelet addresses (\"address not allowed\"), so a kubelet stand-in has "+
		"nowhere to listen; give the machine a non-loopback address or set KTRIAGE_TESTENV_HOST_IP",
		strings.Join(seen, ", "))
}

// StartKubeletStandIn starts a stand-in kubelet on HostAddress and creates the node it serves:
// a worker node kwok leaves alone, Ready, with the stand-in's address and port, whose lease the
// stand-in renews like a kubelet. Close stops it and deletes the node.
func (e *Env) StartKubeletStandIn(ctx context.Context, node string, opts KubeletStandInOptions) (_ *KubeletStandIn, err error) {
	ip, err := HostAddress()
	if err != nil {
		return nil, err
	}
	if opts.Version == "" {
		opts.Version = "v1.37.2"
		if opts.NodeLog == NodeLogGateOff {
			opts.Version = "v1.35.3"
		}
	}
	k := &KubeletStandIn{Node: node, IP: ip, env: e, opts: opts, served: make(chan struct{})}
	if k.configz, err = standInConfigz(opts); err != nil {
		return nil, err
	}
	k.journal = opts.Journal
	if k.journal == nil {
		k.journal = RecordedJournal(node, time.Now())
	}
	k.varLog = filepath.Join(e.Dir, "kubelet-"+node, "var", "log")
	if err := writeVarLog(k.varLog); err != nil {
		return nil, err
	}
	if err := writeSyslog(filepath.Join(k.varLog, "syslog"), node, k.journal); err != nil {
		return nil, err
	}

	cert, err := e.pki.issueServing([]net.IP{ip}, []string{node})
	if err != nil {
		return nil, fmt.Errorf("kubelet stand-in certificate: %w", err)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(ip.String(), "0"))
	if err != nil {
		return nil, fmt.Errorf("kubelet stand-in: listen on %s: %w", ip, err)
	}
	k.Port = ln.Addr().(*net.TCPAddr).Port
	k.srv = &http.Server{
		Handler:           k.handler(),
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	go func() {
		defer close(k.served)
		_ = k.srv.ServeTLS(ln, "", "")
	}()
	defer func() {
		if err != nil {
			_ = k.srv.Close()
		}
	}()

	n := WorkerNode(node, e.NextNodeIndex(), false)
	n.Status.Addresses = []corev1.NodeAddress{
		{Type: corev1.NodeInternalIP, Address: ip.String()},
		{Type: corev1.NodeHostName, Address: node},
	}
	n.Status.DaemonEndpoints.KubeletEndpoint.Port = int32(k.Port)
	n.Status.NodeInfo.KubeletVersion = opts.Version
	if _, err := e.CreateNode(ctx, n); err != nil {
		return nil, err
	}
	if err := e.SetLease(ctx, node, time.Now(), 40); err != nil {
		return nil, err
	}
	beatCtx, stop := context.WithCancel(context.Background())
	k.stopBeat, k.beatDone = stop, make(chan struct{})
	go k.heartbeat(beatCtx)
	return k, nil
}

// heartbeat renews the node's lease every 10 s, so the node lifecycle controller keeps it Ready.
func (k *KubeletStandIn) heartbeat(ctx context.Context) {
	defer close(k.beatDone)
	tick := time.NewTicker(10 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			c, cancel := context.WithTimeout(ctx, 5*time.Second)
			_ = k.env.SetLease(c, k.Node, time.Now(), 40)
			cancel()
		}
	}
}

// Close stops the stand-in and deletes its node.
func (k *KubeletStandIn) Close() error {
	k.stopBeat()
	<-k.beatDone
	err := k.srv.Close()
	<-k.served
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if derr := k.env.Client.CoreV1().Nodes().Delete(ctx, k.Node, metav1.DeleteOptions{}); derr != nil && !apierrors.IsNotFound(derr) {
		err = errors.Join(err, derr)
	}
	return err
}

// Requests returns the requests answered so far, oldest first.
func (k *KubeletStandIn) Requests() []KubeletRequest {
	k.mu.Lock()
	defer k.mu.Unlock()
	return slices.Clone(k.requests)
}

// Journal returns the node's journal.
func (k *KubeletStandIn) Journal() []JournalEntry { return slices.Clone(k.journal) }

// Configz returns what the stand-in answers on /configz (nil when it does not serve it).
func (k *KubeletStandIn) Configz() []byte { return bytes.Clone(k.configz) }

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusRecorder) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (k *KubeletStandIn) handler() http.Handler {
	mux := http.NewServeMux()
	debugOff := k.opts.NodeLog == NodeLogDebuggingOff
	disabled := func(msg string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) { http.Error(w, msg, http.StatusMethodNotAllowed) }
	}
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok") })
	mux.HandleFunc("/metrics", k.serveMetrics)
	switch {
	case debugOff:
		// InstallDebuggingDisabledHandlers; /configz belongs to the handlers left out.
		for _, p := range []string{"/logs/", "/debug/pprof/", "/exec/", "/containerLogs/", "/runningpods/"} {
			mux.Handle(p, disabled("Debug endpoints are disabled."))
		}
	default:
		mux.HandleFunc("/configz", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(k.configz)
		})
		mux.HandleFunc("/debug/pprof/goroutine", k.serveGoroutines)
		if k.opts.NodeLog == NodeLogHandlerOff {
			mux.Handle("/logs/", disabled("logs endpoint is disabled."))
		} else {
			mux.Handle("/logs/", http.StripPrefix("/logs/", http.HandlerFunc(k.serveLogs)))
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w}
		mux.ServeHTTP(rec, r)
		k.mu.Lock()
		k.requests = append(k.requests, KubeletRequest{
			Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone(), Status: rec.status,
		})
		k.mu.Unlock()
	})
}

func (k *KubeletStandIn) serveGoroutines(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("debug") != "1" {
		http.Error(w, "kubelet stand-in: only the debug=1 goroutine profile is recorded", http.StatusBadRequest)
		return
	}
	dump := k.opts.Goroutines
	if dump == "" {
		dump = recordedGoroutines
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = io.WriteString(w, dump)
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

// standInConfigz is the recorded configz with the node log mode's settings and the caller's.
func standInConfigz(opts KubeletStandInOptions) ([]byte, error) {
	if opts.NodeLog == NodeLogDebuggingOff && opts.Configz == nil {
		return nil, nil
	}
	var doc map[string]map[string]any
	if err := json.Unmarshal(recordedConfigz, &doc); err != nil {
		return nil, fmt.Errorf("recorded configz: %w", err)
	}
	cfg := doc["kubeletconfig"]
	switch opts.NodeLog {
	case NodeLogQueryOn:
		cfg["enableSystemLogQuery"] = true
	case NodeLogQueryOff:
		cfg["enableSystemLogQuery"] = false
	case NodeLogGateOff:
		cfg["enableSystemLogQuery"] = true
		cfg["featureGates"] = map[string]any{"NodeLogQuery": false}
	case NodeLogHandlerOff:
		cfg["enableSystemLogHandler"] = false
		cfg["enableSystemLogQuery"] = true
	case NodeLogDebuggingOff:
		cfg["enableDebuggingHandlers"] = false
	}
	for key, v := range opts.Configz {
		cfg[key] = v
	}
	return json.Marshal(doc)
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

// serveMetrics writes a v1.12-era kubelet's /metrics: runtime, storage and client families (the
// counts of seed 002's table), plus every per-reflector family for ReflectorLeak reflectors, each
// named like the watch-based ConfigMap manager's reflectors client-go left registered.
func (k *KubeletStandIn) serveMetrics(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	bw := bufio.NewWriterSize(w, 64<<10)
	defer bw.Flush()
	writeKubeletMetrics(bw, k.opts.ReflectorLeak)
}

func writeKubeletMetrics(w io.Writer, reflectors int) {
	family := func(name, typ, help string) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
	}
	summary := func(name, labels string, sum float64, count int) {
		for _, q := range []string{"0.5", "0.9", "0.99"} {
			fmt.Fprintf(w, "%s{%squantile=%q} NaN\n", name, labels, q)
		}
		fmt.Fprintf(w, "%s_sum{%s} %g\n%s_count{%s} %d\n", name, strings.TrimSuffix(labels, ","), sum, name, strings.TrimSuffix(labels, ","), count)
	}
	histogram := func(name, labels string, buckets []float64, count int) {
		for i, le := range buckets {
			fmt.Fprintf(w, "%s_bucket{%sle=%q} %d\n", name, labels, strconv.FormatFloat(le, 'g', -1, 64), count*(i+1)/(len(buckets)+1))
		}
		fmt.Fprintf(w, "%s_bucket{%sle=\"+Inf\"} %d\n", name, labels, count)
		fmt.Fprintf(w, "%s_sum{%s} %g\n%s_count{%s} %d\n", name, strings.TrimSuffix(labels, ","), float64(count)*0.7, name, strings.TrimSuffix(labels, ","), count)
	}

	family("go_goroutines", "gauge", "Number of goroutines that currently exist.")
	fmt.Fprintln(w, "go_goroutines 9412")
	family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.")
	fmt.Fprintln(w, "process_resident_memory_bytes 2.570641408e+09")
	family("kubelet_running_pod_count", "gauge", "Number of pods currently running")
	fmt.Fprintln(w, "kubelet_running_pod_count 400")

	// 17 CRI operations: kubelet_runtime_operations and the latency summary (51 quantile series).
	ops := []string{"container_status", "create_container", "exec_sync", "image_status", "list_containers", "list_images",
		"list_podsandbox", "podsandbox_status", "pull_image", "remove_container", "remove_podsandbox", "run_podsandbox",
		"start_container", "status", "stop_container", "stop_podsandbox", "version"}
	family("kubelet_runtime_operations", "counter", "Cumulative number of runtime operations by operation type.")
	for i, op := range ops {
		fmt.Fprintf(w, "kubelet_runtime_operations{operation_type=%q} %d\n", op, 1000+i*37)
	}
	family("kubelet_runtime_operations_latency_microseconds", "summary", "Latency in microseconds of runtime operations. Broken down by operation type.")
	for i, op := range ops {
		summary("kubelet_runtime_operations_latency_microseconds", fmt.Sprintf("operation_type=%q,", op), float64(1000+i*37)*1850, 1000+i*37)
	}
	// 11 docker operations: 33 quantile series.
	dockerOps := []string{"create_container", "info", "inspect_container", "inspect_image", "list_containers", "list_images",
		"remove_container", "start_container", "stop_container", "version", "logs"}
	family("kubelet_docker_operations_latency_microseconds", "summary", "Latency in microseconds of Docker operations. Broken down by operation type.")
	for i, op := range dockerOps {
		summary("kubelet_docker_operations_latency_microseconds", fmt.Sprintf("operation_type=%q,", op), float64(500+i)*2200, 500+i)
	}
	// storage_operation_duration_seconds: 5 plugins × 3 operations × 11 buckets = 165 bucket series.
	family("storage_operation_duration_seconds", "histogram", "Storage operation duration")
	for _, plugin := range []string{"kubernetes.io/configmap", "kubernetes.io/secret", "kubernetes.io/empty-dir", "kubernetes.io/host-path", "kubernetes.io/projected"} {
		for _, op := range []string{"verify_controller_attached_volume", "volume_mount", "volume_unmount"} {
			histogram("storage_operation_duration_seconds", fmt.Sprintf("operation_name=%q,volume_plugin=%q,", op, plugin),
				[]float64{0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 25, 50}, 4000)
		}
	}
	// rest_client_request_latency_seconds: 4 verb/url pairs × 11 buckets = 44 bucket series.
	family("rest_client_request_latency_seconds", "histogram", "Request latency in seconds. Broken down by verb and URL.")
	for _, vu := range [][2]string{{"GET", "https://10.0.0.1:6443/api/v1/namespaces/%7Bnamespace%7D/configmaps/%7Bname%7D"},
		{"GET", "https://10.0.0.1:6443/api/v1/nodes/%7Bname%7D"}, {"PATCH", "https://10.0.0.1:6443/api/v1/nodes/%7Bname%7D/status"},
		{"POST", "https://10.0.0.1:6443/api/v1/namespaces/%7Bnamespace%7D/events"}} {
		histogram("rest_client_request_latency_seconds", fmt.Sprintf("url=%q,verb=%q,", vu[1], vu[0]),
			[]float64{0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512}, 9000)
	}

	if reflectors <= 0 {
		return
	}
	// client-go named each reflector "reflector_" + name + "_" + a process-wide counter, with
	// /, ., - and : replaced by _; the watch-based manager names them object-"NS"/"NAME".
	names := make([]string, reflectors)
	for i := range names {
		names[i] = fmt.Sprintf(`reflector_object_\"jobs_%03d\"_\"hello_world_config_%05d\"_%d`, i/100, i, 3188+i)
	}
	for _, c := range []struct{ name, help string }{
		{"reflector_lists_total", "Total number of API lists done by the reflectors"},
		{"reflector_short_watches_total", "Total number of short API watches done by the reflectors"},
		{"reflector_watches_total", "Total number of API watches done by the reflectors"},
	} {
		family(c.name, "counter", c.help)
		for i, n := range names {
			fmt.Fprintf(w, "%s{name=\"%s\"} %d\n", c.name, n, 1+i%3)
		}
	}
	family("reflector_last_resource_version", "gauge", "Last resource version seen for the reflectors")
	for i, n := range names {
		fmt.Fprintf(w, "reflector_last_resource_version{name=\"%s\"} %d\n", n, 71905040+i)
	}
	for _, s := range []struct{ name, help string }{
		{"reflector_items_per_list", "How many items an API list returns to the reflectors"},
		{"reflector_items_per_watch", "How many items an API watch returns to the reflectors"},
		{"reflector_list_duration_seconds", "How long an API list takes to return and decode for the reflectors"},
		{"reflector_watch_duration_seconds", "How long an API watch takes to return and decode for the reflectors"},
	} {
		family(s.name, "summary", s.help)
		for _, n := range names {
			summary(s.name, "name=\""+n+"\",", 0.012, 1)
		}
	}
}

// issueServing makes a serving certificate for the given addresses and names, signed by the CA.
func (p *pki) issueServing(ips []net.IP, dns []string) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return tls.Certificate{}, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial.Add(serial, big.NewInt(3)),
		Subject:      pkix.Name{CommonName: "kubelet-stand-in"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(365 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     dns,
		IPAddresses:  ips,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.ca, &key.PublicKey, p.caKey)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

// client is an HTTPS client that trusts the CA.
func (p *pki) client(timeout time.Duration) (*http.Client, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(p.caCert) {
		return nil, errors.New("testenv CA does not parse")
	}
	return &http.Client{Timeout: timeout, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}, nil
}
