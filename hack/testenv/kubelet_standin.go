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
//
// This file holds the options, the stand-in's server and its request log, and the node it
// registers and whose lease it renews. kubelet_standin_tls.go has its address and certificate,
// kubelet_standin_logs.go its /logs/ and the node's journal and /var/log, and
// kubelet_standin_recorded.go the recorded configz, goroutine dump and metrics.

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

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
