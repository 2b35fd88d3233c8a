// Package testenv starts a real Kubernetes control plane on loopback for tests and benchmarks: etcd,
// kube-apiserver (RBAC, token authentication, service-account keys made at start), and optionally
// kube-controller-manager, kube-scheduler and kwok, which simulates the kubelets of nodes annotated
// kwok.x-k8s.io/node=fake. Every other node is left exactly as a test wrote it.
//
// The binaries come from `make testenv` (see build.sh). Start is the entry point for tests; New and
// Stop serve programs such as cmd/testenv that manage the lifetime themselves.
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// KwokNodeAnnotation marks the nodes whose kubelet kwok simulates (kwok's own convention).
const (
	KwokNodeAnnotation      = "kwok.x-k8s.io/node"
	KwokNodeAnnotationValue = "fake"
)

// Options chooses what a control plane runs. Start from DefaultOptions.
type Options struct {
	// Dir holds certificates, kubeconfigs, etcd's data and the components' logs. Empty means a new
	// temporary folder, removed by Stop.
	Dir string
	// ControllerManager runs kube-controller-manager: node lifecycle (NotReady/Unknown, the
	// not-ready and unreachable taints), PodDisruptionBudget status, service accounts, namespaces,
	// garbage collection.
	ControllerManager bool
	// WorkloadControllers also runs the ReplicaSet, DaemonSet, StatefulSet, Deployment, Job and
	// CronJob controllers. Off by default: fixtures then own their pods outright, and the owner
	// objects they reference exist but never add or remove pods behind a test's back.
	WorkloadControllers bool
	// Scheduler runs kube-scheduler, for pods created without a nodeName.
	Scheduler bool
	// Kwok runs kwok, which plays the kubelet of every node annotated kwok.x-k8s.io/node=fake.
	Kwok bool
	// NodeLeaseDurationSeconds is the lease duration kwok writes for its nodes (it renews at a
	// quarter of it, like a kubelet).
	NodeLeaseDurationSeconds int
	// NodeMonitorGracePeriod is how long the controller manager waits for a heartbeat before it
	// marks a node Unknown; zero keeps the upstream default.
	NodeMonitorGracePeriod time.Duration
	// Logf receives progress lines; nil is silent.
	Logf func(format string, args ...any)
}

// DefaultOptions runs every component, with the workload controllers off.
func DefaultOptions() Options {
	return Options{ControllerManager: true, Scheduler: true, Kwok: true, NodeLeaseDurationSeconds: 40}
}

// Env is a running control plane.
type Env struct {
	// Dir holds the state of this control plane (see Options.Dir).
	Dir string
	// Server is the API server's URL, https://127.0.0.1:PORT.
	Server string
	// AdminKubeconfig and ReadOnlyKubeconfig are kubeconfig files for the admin user (system:masters)
	// and for a user bound to the built-in view ClusterRole plus get/list/watch on nodes.
	AdminKubeconfig    string
	ReadOnlyKubeconfig string
	// AdminConfig and ReadOnlyConfig are the same identities as REST configs (protobuf, high QPS).
	AdminConfig    *rest.Config
	ReadOnlyConfig *rest.Config
	// Client is an admin clientset; ReadOnlyClient acts as the read-only user.
	Client         kubernetes.Interface
	ReadOnlyClient kubernetes.Interface
	// KubeletPort is the port kwok serves the kubelet API on (127.0.0.1), which kwok writes into its
	// nodes' daemonEndpoints so the API server's pod log and exec requests reach it. (Its nodes/proxy
	// requests do not: the API server refuses loopback there; StartKubeletStandIn serves those.)
	KubeletPort int

	opts      Options
	bins      map[string]string
	pki       *pki
	tokens    map[string]string // user → bearer token
	ports     envPorts
	removeDir bool

	mu    sync.Mutex
	procs map[string]*process

	// nodeIndex is the next node index this Env hands out; each node gets its own podCIDR.
	nodeIndex atomic.Int64
}

type envPorts struct {
	etcdClient, etcdPeer, apiserver, controllerManager, scheduler, kubelet int
}

// New starts a control plane and returns once the API server is ready and every other requested
// component is up. On error nothing is left running.
func New(ctx context.Context, opts Options) (_ *Env, err error) {
	bins, err := binaries(opts)
	if err != nil {
		return nil, err
	}
	e := &Env{opts: opts, bins: bins, procs: map[string]*process{}}
	if opts.Dir == "" {
		if e.Dir, err = os.MkdirTemp("", "ktriage-testenv-"); err != nil {
			return nil, err
		}
		e.removeDir = true
	} else {
		e.Dir = opts.Dir
		if err := os.MkdirAll(e.Dir, 0o755); err != nil {
			return nil, err
		}
	}
	defer func() {
		if err != nil {
			e.Stop()
		}
	}()

	if e.pki, err = newPKI(e.Dir); err != nil {
		return nil, fmt.Errorf("make certificates: %w", err)
	}
	ports, err := freePorts(6)
	if err != nil {
		return nil, err
	}
	e.ports = envPorts{ports[0], ports[1], ports[2], ports[3], ports[4], ports[5]}
	e.KubeletPort = e.ports.kubelet
	e.Server = "https://127.0.0.1:" + strconv.Itoa(e.ports.apiserver)
	if err := e.writeTokens(); err != nil {
		return nil, err
	}
	if err := e.setupClients(); err != nil {
		return nil, err
	}

	start := time.Now()
	if err := e.startEtcd(ctx); err != nil {
		return nil, err
	}
	if err := e.StartAPIServer(ctx); err != nil {
		return nil, err
	}
	e.logf("testenv: API server %s ready after %s", e.Server, time.Since(start).Round(time.Millisecond))
	if err := e.grantReadOnly(ctx); err != nil {
		return nil, err
	}
	if err := e.startAgents(ctx); err != nil {
		return nil, err
	}
	e.logf("testenv: control plane up after %s (dir %s)", time.Since(start).Round(time.Millisecond), e.Dir)
	return e, nil
}

// Stop terminates every component, newest first, and removes a temporary Dir. It is safe to call
// more than once.
func (e *Env) Stop() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, name := range []string{binKwok, binScheduler, binControllerManager, binAPIServer, binEtcd} {
		if p := e.procs[name]; p != nil {
			p.stop(10 * time.Second)
		}
	}
	if e.removeDir {
		_ = os.RemoveAll(e.Dir)
	}
}

// StopAPIServer stops only the API server, as an outage would; StartAPIServer brings it back on
// the same address with the same data.
func (e *Env) StopAPIServer() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if p := e.procs[binAPIServer]; p != nil {
		p.stop(10 * time.Second)
	}
}

// StartAPIServer starts the API server (again) and waits until it reports ready.
func (e *Env) StartAPIServer(ctx context.Context) error {
	p, err := e.launch(binAPIServer, e.apiserverArgs())
	if err != nil {
		return err
	}
	transport, err := e.adminTransport()
	if err != nil {
		return err
	}
	client := &http.Client{Transport: transport, Timeout: 5 * time.Second}
	return p.waitFor(ctx, "wait for /readyz", func(ctx context.Context) error {
		return getOK(ctx, client, e.Server+"/readyz")
	})
}

// Logs returns the last n lines of each running or exited component's log, for a failed test.
func (e *Env) Logs(n int) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out string
	for _, name := range []string{binEtcd, binAPIServer, binControllerManager, binScheduler, binKwok} {
		if p := e.procs[name]; p != nil {
			out += fmt.Sprintf("----- %s (%s) -----\n%s\n", name, p.logPath, p.logTail(n))
		}
	}
	return out
}

func (e *Env) logf(format string, args ...any) {
	if e.opts.Logf != nil {
		e.opts.Logf(format, args...)
	}
}

// launch starts a component, replacing a stopped one of the same name. env (KEY=value) is added
// to the test's environment.
func (e *Env) launch(name string, args []string, env ...string) (*process, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if old := e.procs[name]; old.running() {
		return nil, fmt.Errorf("%s is already running", name)
	}
	p := &process{name: name, path: e.bins[name], args: args, env: env, logPath: filepath.Join(e.Dir, name+".log")}
	if err := p.start(); err != nil {
		return nil, err
	}
	e.procs[name] = p
	return p, nil
}

func (e *Env) startEtcd(ctx context.Context) error {
	data := filepath.Join(e.Dir, "etcd")
	client := "http://127.0.0.1:" + strconv.Itoa(e.ports.etcdClient)
	peer := "http://127.0.0.1:" + strconv.Itoa(e.ports.etcdPeer)
	p, err := e.launch(binEtcd, []string{
		"--name=testenv",
		"--data-dir=" + data,
		"--listen-client-urls=" + client,
		"--advertise-client-urls=" + client,
		"--listen-peer-urls=" + peer,
		"--initial-advertise-peer-urls=" + peer,
		"--initial-cluster=testenv=" + peer,
		// A throwaway cluster: durability buys nothing and fsync costs seconds under load.
		"--unsafe-no-fsync=true",
		// Room for the 150,000-pod benchmark cluster.
		"--quota-backend-bytes=8589934592",
		"--log-level=warn",
	})
	if err != nil {
		return err
	}
	httpClient := &http.Client{Timeout: 2 * time.Second}
	return p.waitFor(ctx, "wait for /health", func(ctx context.Context) error {
		return getOK(ctx, httpClient, client+"/health")
	})
}

func (e *Env) apiserverArgs() []string {
	return []string{
		"--etcd-servers=http://127.0.0.1:" + strconv.Itoa(e.ports.etcdClient),
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		// The kubernetes Service's endpoints may not point at loopback, and nothing here needs them.
		"--endpoint-reconciler-type=none",
		"--secure-port=" + strconv.Itoa(e.ports.apiserver),
		"--tls-cert-file=" + e.pki.serveCert,
		"--tls-private-key-file=" + e.pki.serveKey,
		"--token-auth-file=" + filepath.Join(e.Dir, "tokens.csv"),
		"--authorization-mode=RBAC",
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + e.pki.saPublic,
		"--service-account-signing-key-file=" + e.pki.saPrivate,
		"--service-cluster-ip-range=10.96.0.0/16",
		// Node shells are privileged pods.
		"--allow-privileged=true",
		// Reach kwok's kubelet API for nodes/proxy and pod logs, verifying its certificate.
		"--kubelet-preferred-address-types=InternalIP,Hostname",
		"--kubelet-certificate-authority=" + e.pki.caFile,
		// Generous limits so populating thousands of pods is bound by CPU, not by admission.
		"--max-requests-inflight=800",
		"--max-mutating-requests-inflight=400",
		"--cert-dir=" + filepath.Join(e.Dir, "apiserver-certs"),
	}
}

// startAgents starts the controller manager, the scheduler and kwok side by side and waits for
// each to prove it works.
func (e *Env) startAgents(ctx context.Context) error {
	type starter func(context.Context) error
	var starters []starter
	if e.opts.ControllerManager {
		starters = append(starters, e.startControllerManager)
	}
	if e.opts.Scheduler {
		starters = append(starters, e.startScheduler)
	}
	if e.opts.Kwok {
		starters = append(starters, e.startKwok)
	}
	errs := make(chan error, len(starters))
	for _, s := range starters {
		go func() { errs <- s(ctx) }()
	}
	var first error
	for range starters {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}

// newToken makes a random bearer token.
func newToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
