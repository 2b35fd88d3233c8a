package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/httpstream"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/remotecommand"
)

// Access reads from nodes on demand, always through the API server (never SSH): container logs
// (pods/log), the kubelet's own endpoints behind nodes/proxy (the node log query, /configz,
// /debug/pprof, /metrics), and exec into a pod (pods/exec) for the node shell. A real cluster and
// the embedded demo each provide one, so the TUI code paths are the same for both.
type Access interface {
	// PodLogs streams a container's log. With opts.Follow the stream stays open until the
	// container stops, the context is cancelled or the connection breaks.
	PodLogs(ctx context.Context, namespace, pod string, opts *corev1.PodLogOptions) (io.ReadCloser, error)
	// NodeProxy GETs the kubelet path (for example "configz", "logs/", "debug/pprof/goroutine",
	// "metrics") of the node through /api/v1/nodes/NODE/proxy/PATH, reading at most limit bytes
	// of the answer (ErrTooLarge beyond). A kubelet's error answer is an error carrying its status.
	NodeProxy(ctx context.Context, node, path string, query url.Values, limit int64) ([]byte, error)
	// Exec runs a command in a pod's container with the given streams, until it exits or the
	// context is cancelled.
	Exec(ctx context.Context, namespace, pod string, opts ExecOptions) error
}

// ExecOptions are the command and streams of an Exec.
type ExecOptions struct {
	Container string
	Command   []string
	Stdin     io.Reader
	Stdout    io.Writer
	Stderr    io.Writer // ignored with TTY: a terminal has one output stream
	TTY       bool
	// Sizes reports the terminal's size, first at start and then on every resize; nil for none.
	Sizes remotecommand.TerminalSizeQueue
}

// ErrTooLarge is returned by NodeProxy when the answer exceeds the limit asked for.
var ErrTooLarge = errors.New("the kubelet's answer is larger than ktriage reads")

// apiAccess is Access over a real API server.
type apiAccess struct {
	kube kubernetes.Interface
	cfg  *rest.Config
}

// NewAPIAccess reads through the API server at cfg with the clientset built from it.
func NewAPIAccess(kube kubernetes.Interface, cfg *rest.Config) Access {
	return &apiAccess{kube: kube, cfg: cfg}
}

func (a *apiAccess) PodLogs(ctx context.Context, namespace, pod string, opts *corev1.PodLogOptions) (io.ReadCloser, error) {
	return a.kube.CoreV1().Pods(namespace).GetLogs(pod, opts).Stream(ctx)
}

func (a *apiAccess) NodeProxy(ctx context.Context, node, path string, query url.Values, limit int64) ([]byte, error) {
	req := a.kube.CoreV1().RESTClient().Get().AbsPath(proxyPath(node, path))
	for k, vs := range query {
		for _, v := range vs {
			req = req.Param(k, v)
		}
	}
	// Stream rather than DoRaw: /metrics of a leaking kubelet runs to hundreds of megabytes, and
	// a body read in full before the limit is checked would be held in memory anyway.
	return readBounded(ctx, req, node, path, limit, fmt.Sprintf("%d bytes", limit))
}

// readBounded streams a nodes/proxy answer and reads at most limit bytes of it; more is an
// ErrTooLarge error saying why (the limit, or an ignored Range request).
func readBounded(ctx context.Context, req *rest.Request, node, path string, limit int64, why string) ([]byte, error) {
	body, err := req.Stream(ctx)
	if err != nil {
		return nil, err
	}
	defer body.Close()
	data, err := io.ReadAll(io.LimitReader(body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s of node %s: %w", path, node, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s of node %s: %w (%s)", path, node, ErrTooLarge, why)
	}
	return data, nil
}

// proxyPath is the API path of a kubelet path behind nodes/proxy, as one segment: AbsPath keeps a
// single segment's trailing slash ("logs/"), which Suffix would drop, leaving the request to a
// redirect that not every proxy in between rewrites.
func proxyPath(node, path string) string {
	return "/api/v1/nodes/" + url.PathEscape(node) + "/proxy/" + strings.TrimPrefix(path, "/")
}

// NodeProxyTail reads the last bytes of a file the kubelet serves with a Range request (the kubelet's
// file server honours it; the API server's proxy passes it on). An answer longer than asked means
// the range was ignored: it is refused rather than read from the start of a large file.
func (a *apiAccess) NodeProxyTail(ctx context.Context, node, path string, lastBytes int64) ([]byte, error) {
	req := a.kube.CoreV1().RESTClient().Get().AbsPath(proxyPath(node, path)).SetHeader("Range", fmt.Sprintf("bytes=-%d", lastBytes))
	return readBounded(ctx, req, node, path, lastBytes, "the kubelet ignored the Range request")
}

func (a *apiAccess) Exec(ctx context.Context, namespace, pod string, opts ExecOptions) error {
	if a.cfg == nil {
		return errors.New("exec needs a REST config")
	}
	req := a.kube.CoreV1().RESTClient().Post().Resource("pods").Namespace(namespace).Name(pod).SubResource("exec").
		VersionedParams(&corev1.PodExecOptions{
			Container: opts.Container, Command: opts.Command,
			Stdin: opts.Stdin != nil, Stdout: opts.Stdout != nil, Stderr: opts.Stderr != nil && !opts.TTY, TTY: opts.TTY,
		}, scheme.ParameterCodec)
	exec, err := newExecutor(a.cfg, req.URL())
	if err != nil {
		return fmt.Errorf("exec into %s/%s: %w", namespace, pod, err)
	}
	streams := remotecommand.StreamOptions{Stdin: opts.Stdin, Stdout: opts.Stdout, Tty: opts.TTY, TerminalSizeQueue: opts.Sizes}
	if !opts.TTY {
		streams.Stderr = opts.Stderr
	}
	return exec.StreamWithContext(ctx, streams)
}

// newExecutor prefers the WebSocket protocol (API servers since 1.30) and falls back to SPDY when
// the server or a proxy in between refuses the upgrade, as kubectl does.
func newExecutor(cfg *rest.Config, u *url.URL) (remotecommand.Executor, error) {
	ws, err := remotecommand.NewWebSocketExecutor(cfg, http.MethodGet, u.String())
	if err != nil {
		return nil, err
	}
	spdy, err := remotecommand.NewSPDYExecutor(cfg, http.MethodPost, u)
	if err != nil {
		return nil, err
	}
	return remotecommand.NewFallbackExecutor(ws, spdy, func(err error) bool {
		return httpstream.IsUpgradeFailure(err) || httpstream.IsHTTPSProxyError(err)
	})
}

// The node shell pod's markings. ktriage creates the pod (package actions) and the demo cluster
// recognises it, so both need the names; cluster is the package both import.
const (
	// NodeShellLabel marks a node shell pod; its value is the node's name.
	NodeShellLabel = "ktriage.io/node-shell"
	// ManagedByLabel and ManagedByValue mark every object ktriage creates.
	ManagedByLabel = "app.kubernetes.io/managed-by"
	ManagedByValue = "ktriage"
	// NodeShellContainer is the shell pod's one container.
	NodeShellContainer = "shell"
)
