package cluster

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/tools/clientcmd/api"
)

// Info names the cluster and identity for the header.
type Info struct {
	Context, Server, User string
}

// Client is a connection to one cluster: the typed clientset ktriage uses everywhere, the REST config
// it was built from (nil for the demo cluster), what to show in the header, and the health tracker that
// watches every request.
type Client struct {
	Kube   kubernetes.Interface
	Config *rest.Config
	Info   Info
	Health *Health
	// Access reads logs and the kubelet's endpoints on demand and execs into pods.
	Access Access
	// RequestTimeout bounds one-shot requests (the startup check, later the on-demand reads). Watches
	// are not bounded by it: an http.Client timeout would cut every watch stream.
	RequestTimeout time.Duration
}

// Wire settings: protobuf is several times cheaper to decode than JSON at scale; the QPS leaves room
// for the informers' initial lists and on-demand reads without tripping client-side throttling.
const (
	protobufContentType   = "application/vnd.kubernetes.protobuf"
	defaultQPS            = 50
	defaultBurst          = 100
	defaultRequestTimeout = 10 * time.Second
)

// NewClient builds a client from a kubeconfig loader (kubectl's flags resolve into one). userAgent
// identifies ktriage in the API server's audit log.
func NewClient(loader clientcmd.ClientConfig, userAgent string) (*Client, error) {
	raw, err := loader.RawConfig()
	if merged, ok := loader.(interface{ MergedRawConfig() (api.Config, error) }); ok && err == nil {
		// Merged applies --context, --cluster and --user, which the plain raw config ignores.
		raw, err = merged.MergedRawConfig()
	}
	if err != nil {
		return nil, fmt.Errorf("read kubeconfig: %w", err)
	}
	cfg, err := loader.ClientConfig()
	if err != nil {
		return nil, kubeconfigError(err)
	}
	if len(raw.Clusters) == 0 && cfg.Host == legacyDefaultServer && os.Getenv("KUBERNETES_SERVICE_HOST") == "" {
		// No kubeconfig anywhere and no --server: clientcmd would quietly fall back to
		// localhost:8080 and the person would be told that nothing listens there.
		return nil, errNoKubeconfig
	}
	info := Info{Context: raw.CurrentContext, Server: cfg.Host}
	if ctx, ok := raw.Contexts[info.Context]; ok {
		info.User = ctx.AuthInfo
	}
	if cfg.Impersonate.UserName != "" {
		info.User = cfg.Impersonate.UserName + " (as)"
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = defaultRequestTimeout
	}
	return NewClientFromConfig(cfg, info, userAgent, timeout)
}

// NewClientFromConfig builds a client from a REST config, as tests do with the testenv's config.
func NewClientFromConfig(cfg *rest.Config, info Info, userAgent string, requestTimeout time.Duration) (*Client, error) {
	cfg = rest.CopyConfig(cfg)
	cfg.ContentType = protobufContentType
	cfg.AcceptContentTypes = protobufContentType + ",application/json"
	if cfg.QPS == 0 {
		cfg.QPS, cfg.Burst = defaultQPS, defaultBurst
	}
	cfg.Timeout = 0
	if userAgent != "" {
		cfg.UserAgent = userAgent
	}
	health := NewHealth(nil)
	cfg.Wrap(health.WrapTransport)
	kube, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("build client for %s: %w", cfg.Host, err)
	}
	if info.Server == "" {
		info.Server = cfg.Host
	}
	return &Client{Kube: kube, Config: cfg, Info: info, Health: health, Access: NewAPIAccess(kube, cfg),
		RequestTimeout: requestTimeout}, nil
}

// Check makes sure the API server answers and lets this user list nodes, within the request timeout, so
// the CLI can fail with one clear line before the TUI takes the terminal.
func (c *Client) Check(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, c.RequestTimeout)
	defer cancel()
	_, err := c.Kube.CoreV1().Nodes().List(ctx, metav1.ListOptions{Limit: 1})
	if err == nil {
		return nil
	}
	return Explain(err, c.Info.Server, c.RequestTimeout)
}

// Explain turns a client error into one line a person can act on.
func Explain(err error, server string, timeout time.Duration) error {
	var urlErr *url.Error
	var netErr net.Error
	switch {
	case apierrors.IsForbidden(err):
		return fmt.Errorf("the API server at %s refused to list nodes for this user (RBAC): %s", server, apiMessage(err))
	case apierrors.IsUnauthorized(err):
		return fmt.Errorf("the API server at %s did not accept the credentials in the kubeconfig (401 Unauthorized)", server)
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &netErr) && netErr.Timeout():
		return fmt.Errorf("the API server at %s did not answer within %s", server, timeout)
	case errors.As(err, &urlErr):
		return fmt.Errorf("cannot reach the API server at %s: %v", server, urlErr.Err)
	}
	return fmt.Errorf("the API server at %s: %w", server, err)
}

func apiMessage(err error) string {
	var status apierrors.APIStatus
	if errors.As(err, &status) {
		return status.Status().Message
	}
	return err.Error()
}

// legacyDefaultServer is where clientcmd points a client that has no configuration at all.
const legacyDefaultServer = "http://localhost:8080"

var errNoKubeconfig = errors.New("no kubeconfig found: set KUBECONFIG, pass --kubeconfig, or create ~/.kube/config (or pass --server)")

// kubeconfigError rewords clientcmd's errors about missing or broken kubeconfigs.
func kubeconfigError(err error) error {
	if clientcmd.IsEmptyConfig(err) {
		return errNoKubeconfig
	}
	return fmt.Errorf("kubeconfig: %w", err)
}
