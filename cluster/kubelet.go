package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kubeletconfig "k8s.io/kubelet/config/v1beta1"

	"github.com/ktriage/ktriage/diag"
)

// How much of each kubelet answer ktriage reads. A leaking kubelet's /metrics runs to hundreds of
// megabytes (seed 002: 25,749 series per reflector metric); a deadlocked one's goroutine dump to tens.
const (
	configzLimit    = 4 << 20
	goroutinesLimit = 64 << 20
	metricsLimit    = 256 << 20
	nodeLogLimit    = 32 << 20
)

// FetchKubeletConfig reads the kubelet's running configuration from /configz through nodes/proxy.
func FetchKubeletConfig(ctx context.Context, a Access, node string) (*kubeletconfig.KubeletConfiguration, error) {
	body, err := a.NodeProxy(ctx, node, "configz", nil, configzLimit)
	if err != nil {
		return nil, explainProxy(err, node, "configz")
	}
	var wrapper struct {
		KubeletConfig *kubeletconfig.KubeletConfiguration `json:"kubeletconfig"`
	}
	if err := json.Unmarshal(body, &wrapper); err != nil {
		return nil, fmt.Errorf("kubelet configz of %s: not the kubelet's JSON: %w", node, err)
	}
	if wrapper.KubeletConfig == nil {
		return nil, fmt.Errorf("kubelet configz of %s: no kubeletconfig in the answer", node)
	}
	return wrapper.KubeletConfig, nil
}

// FetchGoroutines reads the kubelet's goroutine dump (/debug/pprof/goroutine?debug=1), the view of
// seed 001 that showed the PLEG relist loop blocked on its event channel.
func FetchGoroutines(ctx context.Context, a Access, node string) (string, error) {
	body, err := a.NodeProxy(ctx, node, "debug/pprof/goroutine", url.Values{"debug": {"1"}}, goroutinesLimit)
	if err != nil {
		return "", explainProxy(err, node, "debug/pprof/goroutine")
	}
	return string(body), nil
}

// FetchMetricSeries counts the kubelet's /metrics series by metric name, to spot a cardinality
// leak (seed 002).
func FetchMetricSeries(ctx context.Context, a Access, node string) (map[string]int, error) {
	body, err := a.NodeProxy(ctx, node, "metrics", nil, metricsLimit)
	if err != nil {
		return nil, explainProxy(err, node, "metrics")
	}
	return diag.CountSeries(body), nil
}

// KubeletFacts turns what was fetched from a kubelet into the diagnosis' evidence. Any of the
// inputs may be missing.
func KubeletFacts(cfg *kubeletconfig.KubeletConfiguration, goroutines string, series map[string]int, journal []string) *diag.KubeletFacts {
	f := &diag.KubeletFacts{GoroutineDump: goroutines, MetricSeries: series, Log: journal}
	if goroutines != "" {
		s := diag.SummariseGoroutines(goroutines)
		f.Goroutines = &s
	}
	if cfg != nil {
		if cfg.MaxPods > 0 {
			f.MaxPods = int(cfg.MaxPods)
		}
		f.ConfigMapAndSecretChangeDetectionStrategy = string(cfg.ConfigMapAndSecretChangeDetectionStrategy)
		f.CgroupsPerQOS = cfg.CgroupsPerQOS
	}
	return f
}

// ProxyError is a nodes/proxy read that failed, said in a way a person can act on.
type ProxyError struct {
	Node, Path string
	// Forbidden: RBAC refused nodes/proxy to this user.
	Forbidden bool
	// Disabled: the kubelet answered that the endpoint is switched off.
	Disabled bool
	Err      error
}

func (e *ProxyError) Error() string {
	switch {
	case e.Forbidden:
		return fmt.Sprintf("reading the kubelet of %s needs get nodes/proxy, which RBAC does not grant this user", e.Node)
	case e.Disabled:
		return fmt.Sprintf("the kubelet of %s has /%s switched off: %s", e.Node, e.Path, kubeletMessage(e.Err))
	}
	return fmt.Sprintf("the kubelet of %s (/%s through the API server): %s", e.Node, e.Path, kubeletMessage(e.Err))
}

// kubeletMessage is what the kubelet said. client-go files a plain-text error answer under a
// generic message ("the server does not allow this method…") and keeps the text as a cause.
func kubeletMessage(err error) string {
	var status apierrors.APIStatus
	if errors.As(err, &status) {
		if d := status.Status().Details; d != nil {
			for _, c := range d.Causes {
				if c.Type == metav1.CauseTypeUnexpectedServerResponse && strings.TrimSpace(c.Message) != "" {
					return strings.TrimSpace(c.Message)
				}
			}
		}
	}
	return apiMessage(err)
}

func (e *ProxyError) Unwrap() error { return e.Err }

// explainProxy wraps a nodes/proxy error: RBAC, a disabled kubelet endpoint, or the kubelet's own
// answer (the API server relays it, often as "error trying to reach service").
func explainProxy(err error, node, path string) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	pe := &ProxyError{Node: node, Path: path, Err: err}
	switch {
	case apierrors.IsForbidden(err) && strings.Contains(apiMessage(err), "cannot get resource"):
		// The API server's RBAC refusal; a kubelet's own 403 (its authorizer refusing the API
		// server's client certificate) says "Forbidden (user=…)" and is reported as it is.
		pe.Forbidden = true
	case apierrors.IsMethodNotSupported(err) || containsAny(kubeletMessage(err), "endpoints are disabled", "endpoint is disabled"):
		pe.Disabled = true
	}
	return pe
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// KubeletSetting is one line of the kubelet's configuration as the node detail shows it.
type KubeletSetting struct {
	Name, Value string
	// Note explains a value that matters to a catalogue incident; Warn marks it as a problem.
	Note string
	Warn bool
}

// KubeletSettings picks from configz what troubleshooting a node needs: capacity, eviction,
// cgroups and node allocatable, the log handler, and the settings seeds 001 and 002 turn on.
func KubeletSettings(cfg *kubeletconfig.KubeletConfiguration, kubeletVersion string) []KubeletSetting {
	if cfg == nil {
		return nil
	}
	var out []KubeletSetting
	add := func(name, value, note string, warn bool) {
		if value != "" {
			out = append(out, KubeletSetting{Name: name, Value: value, Note: note, Warn: warn})
		}
	}
	maxPodsNote := ""
	if cfg.MaxPods > 110 {
		maxPodsNote = "above the default 110: more PLEG work per relist (seed 001)"
	}
	add("maxPods", fmt.Sprint(cfg.MaxPods), maxPodsNote, false)
	add("evictionHard", joinMap(cfg.EvictionHard), "", false)
	add("evictionSoft", joinMap(cfg.EvictionSoft), "", false)
	add("cgroupDriver", cfg.CgroupDriver, "", false)
	if cfg.CgroupsPerQOS != nil {
		note, warn := "", !*cfg.CgroupsPerQOS
		if warn {
			note = "Node Allocatable is not enforced (FailedNodeAllocatableEnforcement, seed 002)"
		}
		add("cgroupsPerQOS", fmt.Sprint(*cfg.CgroupsPerQOS), note, warn)
	}
	add("enforceNodeAllocatable", strings.Join(cfg.EnforceNodeAllocatable, ","), "", false)
	add("systemReserved", joinMap(cfg.SystemReserved), "", false)
	add("kubeReserved", joinMap(cfg.KubeReserved), "", false)
	if cfg.PodPidsLimit != nil {
		add("podPidsLimit", fmt.Sprint(*cfg.PodPidsLimit), "", false)
	}
	if s := string(cfg.ConfigMapAndSecretChangeDetectionStrategy); s != "" {
		note := ""
		if s == "Watch" {
			note = "one watch per mounted ConfigMap and Secret (too-many-config-watches on 1.12/1.13 kubelets)"
		}
		add("configMapAndSecretChangeDetectionStrategy", s, note, false)
	}
	if off := nodeLogReasons(cfg, kubeletVersion); len(off) > 0 {
		add("node log query", "off", strings.Join(off, "; ")+" (L reads the syslog file instead)", true)
	} else {
		add("node log query", "on", "the journal through the API server (L)", false)
	}
	add("enableSystemLogHandler", boolPtr(cfg.EnableSystemLogHandler, "true (default)"), "", false)
	add("enableSystemLogQuery", boolPtr(cfg.EnableSystemLogQuery, "false (default)"), "", false)
	add("enableDebuggingHandlers", boolPtr(cfg.EnableDebuggingHandlers, "true (default)"), "", false)
	add("featureGates", joinBoolMap(cfg.FeatureGates), "", false)
	add("containerRuntimeEndpoint", cfg.ContainerRuntimeEndpoint, "", false)
	return out
}

func boolPtr(b *bool, unset string) string {
	if b == nil {
		return unset
	}
	return fmt.Sprint(*b)
}

func joinMap(m map[string]string) string {
	parts := make([]string, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, k+"="+m[k])
	}
	return strings.Join(parts, ",")
}

func joinBoolMap(m map[string]bool) string {
	parts := make([]string, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s=%v", k, m[k]))
	}
	return strings.Join(parts, ",")
}
