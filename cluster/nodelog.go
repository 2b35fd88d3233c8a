package cluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/version"
	kubeletconfig "k8s.io/kubelet/config/v1beta1"
)

// NodeLogServices are the units the node log query is asked for, in the order a picker offers
// them: the kubelet first, then the container runtimes, then what often runs beside them.
var NodeLogServices = []string{"kubelet", "containerd", "docker", "crio", "chronyd", "kube-proxy"}

// NodeLogQuery is one read of a node's journal through the kubelet's node log query
// (GET /api/v1/nodes/NODE/proxy/logs/?query=SERVICE).
type NodeLogQuery struct {
	Service   string
	SinceTime time.Time // zero: from the start of the journal
	TailLines int       // 0: every line
	Pattern   string    // a regular expression the kubelet filters with
	// KubeletVersion ("v1.33.4"), when known, sharpens the explanation when the query is off.
	KubeletVersion string
}

// NodeLogUnavailableError says the node log query cannot be used on this node, and why.
type NodeLogUnavailableError struct {
	Node string
	// Reasons name the settings in the way, as read from /configz where it could be.
	Reasons []string
	// Fix is what to change on the node.
	Fix string
}

func (e *NodeLogUnavailableError) Error() string {
	return fmt.Sprintf("the node log query is unavailable on %s: %s", e.Node, strings.Join(e.Reasons, "; "))
}

// nodeLogFix is how to turn the node log query on, from the kubelet's documentation.
const nodeLogFix = "set featureGates: {NodeLogQuery: true} (kubelets before 1.36), enableSystemLogHandler: true " +
	"and enableSystemLogQuery: true in the kubelet's configuration and restart it; until then read the " +
	"journal in a node shell (journalctl -u SERVICE)"

// FetchNodeLog reads a service's journal from the node. When the kubelet does not offer the query it
// returns a *NodeLogUnavailableError naming the setting that is off, never the kubelet's
// fallback answer (with the feature gate off it serves an HTML listing of /var/log, with 200 OK).
func FetchNodeLog(ctx context.Context, a Access, node string, q NodeLogQuery) ([]string, error) {
	query := url.Values{"query": {q.Service}}
	if !q.SinceTime.IsZero() {
		query.Set("sinceTime", q.SinceTime.UTC().Format(time.RFC3339))
	}
	if q.TailLines > 0 {
		query.Set("tailLines", strconv.Itoa(q.TailLines))
	}
	if q.Pattern != "" {
		query.Set("pattern", q.Pattern)
	}
	body, err := a.NodeProxy(ctx, node, "logs/", query, nodeLogLimit)
	if err != nil {
		err = explainProxy(err, node, "logs/")
		var pe *ProxyError
		if errors.As(err, &pe) && pe.Disabled {
			return nil, nodeLogUnavailable(ctx, a, node, q.KubeletVersion, pe)
		}
		return nil, err
	}
	if IsDirectoryListing(body) {
		return nil, nodeLogUnavailable(ctx, a, node, q.KubeletVersion, nil)
	}
	return splitLines(body), nil
}

// IsDirectoryListing reports whether a /logs/ answer is the kubelet's file server listing /var/log
// (Go's http.FileServer: "<!doctype html>", a viewport meta, then "<pre>" and links) rather than
// journal text.
func IsDirectoryListing(body []byte) bool {
	head := bytes.ToLower(bytes.TrimSpace(body[:min(len(body), 512)]))
	switch {
	case bytes.HasPrefix(head, []byte("<!doctype html")), bytes.HasPrefix(head, []byte("<html")):
		return true
	case bytes.HasPrefix(head, []byte("<pre>")):
		return bytes.Contains(head, []byte("<a href=")) || bytes.Equal(bytes.TrimSpace(head), []byte("<pre>\n</pre>"))
	}
	return false
}

// nodeLogUnavailable reads /configz to say which setting keeps the query off. disabled is the
// kubelet's refusal when it refused outright (the handler or the debugging handlers are off).
func nodeLogUnavailable(ctx context.Context, a Access, node, kubeletVersion string, disabled *ProxyError) error {
	out := &NodeLogUnavailableError{Node: node, Fix: nodeLogFix}
	cfg, cfgErr := FetchKubeletConfig(ctx, a, node)
	if cfgErr == nil {
		out.Reasons = nodeLogReasons(cfg, kubeletVersion)
	}
	if len(out.Reasons) > 0 {
		return out
	}
	switch {
	case disabled != nil:
		out.Reasons = []string{"the kubelet refuses /logs/: " + kubeletMessage(disabled.Err)}
	default:
		out.Reasons = []string{"the kubelet answered with its directory listing of /var/log, so its node log query is off " +
			"(the NodeLogQuery feature gate, beta and off by default before 1.36, or enableSystemLogQuery: false)"}
	}
	if cfgErr != nil {
		out.Reasons = append(out.Reasons, "/configz could not be read to tell which: "+cfgErr.Error())
	}
	return out
}

// nodeLogReasons lists every kubelet setting that keeps the node log query off.
func nodeLogReasons(cfg *kubeletconfig.KubeletConfiguration, kubeletVersion string) []string {
	var reasons []string
	if cfg.EnableDebuggingHandlers != nil && !*cfg.EnableDebuggingHandlers {
		reasons = append(reasons, "enableDebuggingHandlers is false in the kubelet's configuration (it also turns /logs/ off)")
	}
	if cfg.EnableSystemLogHandler != nil && !*cfg.EnableSystemLogHandler {
		reasons = append(reasons, "enableSystemLogHandler is false in the kubelet's configuration")
	}
	if v, err := version.ParseGeneric(kubeletVersion); err == nil && !v.AtLeast(version.MajorMinor(1, 27)) {
		// Older kubelets have no node log query at all: no setting turns it on.
		return append(reasons, "the kubelet is "+kubeletVersion+"; the node log query exists from kubelet 1.27 (beta in 1.30, on by default from 1.36)")
	}
	if gate, set := cfg.FeatureGates["NodeLogQuery"]; (set && !gate) || (!set && !nodeLogQueryOnByDefault(kubeletVersion)) {
		what := "the NodeLogQuery feature gate is off on the kubelet"
		if !set {
			what += " (beta and off by default before 1.36; featureGates does not set it)"
		}
		reasons = append(reasons, what)
	}
	if cfg.EnableSystemLogQuery == nil || !*cfg.EnableSystemLogQuery {
		reasons = append(reasons, "enableSystemLogQuery is not true in the kubelet's configuration (it defaults to false)")
	}
	return reasons
}

// nodeLogQueryOnByDefault: the gate is GA and locked on from 1.36. An unknown version is assumed
// older, the conservative reading when configz does not set the gate.
func nodeLogQueryOnByDefault(kubeletVersion string) bool {
	v, err := version.ParseGeneric(kubeletVersion)
	return err == nil && v.AtLeast(version.MajorMinor(1, 36))
}

// splitLines splits text into lines without their line endings; a final newline adds no line.
func splitLines(body []byte) []string {
	text := strings.TrimSuffix(string(body), "\n")
	if text == "" {
		return nil
	}
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines
}

// ProxyTailer is an Access that can read only the end of a file the kubelet serves (an HTTP Range
// request through nodes/proxy), so a large /var/log/messages costs its tail, not its whole size.
type ProxyTailer interface {
	NodeProxyTail(ctx context.Context, node, path string, lastBytes int64) ([]byte, error)
}

// syslogTailBytes is how much of the end of /var/log/messages or syslog is read for a service.
const syslogTailBytes = 4 << 20

// syslogFiles are the files old kubelets' services log to, by distribution family.
var syslogFiles = []string{"messages", "syslog"}

// hrefs finds the links of the kubelet's directory listing.
var hrefs = regexp.MustCompile(`<a href="([^"]+)">`)

// FetchSyslogService reads a service's lines from the node's syslog file (/var/log/messages or
// /var/log/syslog) through the kubelet's file server, for kubelets without the node log query
// (before 1.27, or with it off). It returns the lines, at most tailLines (0: all it read), and the
// file they came from.
func FetchSyslogService(ctx context.Context, a Access, node, service string, tailLines int) ([]string, string, error) {
	listing, err := a.NodeProxy(ctx, node, "logs/", nil, nodeLogLimit)
	if err != nil {
		return nil, "", explainProxy(err, node, "logs/")
	}
	if !IsDirectoryListing(listing) {
		return nil, "", fmt.Errorf("the kubelet of %s does not list /var/log", node)
	}
	file := ""
	for _, m := range hrefs.FindAllSubmatch(listing, -1) {
		if name := string(m[1]); slices.Contains(syslogFiles, name) && file == "" {
			file = name
		}
	}
	if file == "" {
		return nil, "", fmt.Errorf("the kubelet of %s lists no /var/log/messages or /var/log/syslog", node)
	}
	var body []byte
	partial := false
	if t, ok := a.(ProxyTailer); ok {
		body, err = t.NodeProxyTail(ctx, node, "logs/"+file, syslogTailBytes)
		partial = len(body) >= syslogTailBytes
	} else {
		body, err = a.NodeProxy(ctx, node, "logs/"+file, nil, syslogTailBytes)
	}
	if err != nil {
		return nil, "", explainProxy(err, node, "logs/"+file)
	}
	lines := splitLines(body)
	if partial && len(lines) > 0 {
		lines = lines[1:] // the read began inside a line
	}
	// syslog writes "Jul  1 09:29:59 host kubelet: …" or "host kubelet[812]: …".
	var out []string
	for _, l := range lines {
		if strings.Contains(l, " "+service+": ") || strings.Contains(l, " "+service+"[") {
			out = append(out, l)
		}
	}
	if tailLines > 0 && len(out) > tailLines {
		out = out[len(out)-tailLines:]
	}
	return out, "/var/log/" + file, nil
}
