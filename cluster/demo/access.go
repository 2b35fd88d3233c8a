package demo

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/ktriage/ktriage/cluster"
)

// Access returns the demo's cluster.Access: container logs (podlogs.go), the kubelets' own
// endpoints behind nodes/proxy — /configz (kubeletz.go), the node log query and the /var/log file
// server (journal.go, varlog.go), /debug/pprof/goroutine (goroutines.go), /metrics (metrics.go),
// /healthz and /pods — and exec into the node shell pod (shell.go), all answered from the demo's
// state as a real API server and kubelet would, errors included.
func (c *Cluster) Access() cluster.Access {
	return &access{c: c, linePeriod: defaultLinePeriod}
}

type access struct {
	c *Cluster
	// linePeriod is how often a running container writes a line (tests shorten it).
	linePeriod time.Duration
}

var nodesGR = schema.GroupResource{Resource: "nodes"}

// kubeletAnswer is a kubelet's error answer passed on by the API server's proxy, as client-go
// reports it (a text body: the status code's generic message, the body as the cause).
func kubeletAnswer(code int, node, body string) error {
	return apierrors.NewGenericServerResponse(code, http.MethodGet, nodesGR, node, strings.TrimSpace(body), 0, true)
}

// NodeProxy GETs a kubelet path through the API server's node proxy.
func (a *access) NodeProxy(ctx context.Context, node, path string, query url.Values, limit int64) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	n := a.c.getNode(node)
	p, ok := planOf(node)
	if n == nil || !ok {
		return nil, apierrors.NewNotFound(nodesGR, node)
	}
	if !a.c.alive(node) {
		return nil, apierrors.NewServiceUnavailable(fmt.Sprintf("error trying to reach service: dial tcp %s:10250: connect: no route to host", planIP(p)))
	}
	path = strings.TrimPrefix(path, "/")
	data, err := a.kubelet(ctx, p, path, query, limit)
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s of node %s: %w (%d bytes)", path, node, cluster.ErrTooLarge, limit)
	}
	return data, nil
}

// kubelet answers one kubelet path.
func (a *access) kubelet(ctx context.Context, p nodePlan, path string, query url.Values, limit int64) ([]byte, error) {
	switch {
	case path == "configz":
		return configz(p)
	case path == "healthz":
		if p.name == NodePLEG && a.c.incident(NodePLEG) {
			// The sync loop has not run since the PLEG relist wedged.
			return nil, kubeletAnswer(http.StatusInternalServerError, p.name, "[+]ping ok\n[+]log ok\n[-]syncloop failed: reason withheld\nhealthz check failed\n")
		}
		return []byte("ok"), nil
	case path == "pods" || path == "pods/":
		return a.kubeletPods(p)
	case path == "logs" || strings.HasPrefix(path, "logs/"):
		return a.nodeLogs(p, strings.TrimPrefix(strings.TrimPrefix(path, "logs"), "/"), query)
	case path == "debug/pprof/goroutine":
		dump := goroutineDump(a.c, p, query.Get("debug"))
		if d := query.Get("debug"); d == "" || d == "0" {
			// The binary profile; the demo only compresses its text (it is not a valid pprof proto).
			var b bytes.Buffer
			zw := gzip.NewWriter(&b)
			_, _ = zw.Write(dump)
			_ = zw.Close()
			return b.Bytes(), nil
		}
		return dump, nil
	case path == "metrics":
		return metrics(ctx, a.c, p, limit)
	}
	return nil, kubeletAnswer(http.StatusNotFound, p.name, "404 page not found\n")
}

// kubeletPods is the kubelet's /pods: the pods it runs, as a PodList.
func (a *access) kubeletPods(p nodePlan) ([]byte, error) {
	list := corev1.PodList{TypeMeta: metav1.TypeMeta{Kind: "PodList", APIVersion: "v1"}}
	for _, pod := range a.c.podsOnNode(p.name) {
		list.Items = append(list.Items, *pod)
	}
	return json.Marshal(list)
}

// nodeLogQueryOn reports whether the kubelet serves the node log query (the NodeLogQuery gate,
// GA in 1.36, and enableSystemLogQuery).
func nodeLogQueryOn(p nodePlan) bool {
	cfg := kubeletConfigOf(p)
	gate := p.minor() >= 36 || cfg.FeatureGates["NodeLogQuery"]
	return p.minor() >= 27 && gate && cfg.EnableSystemLogQuery != nil && *cfg.EnableSystemLogQuery
}

// nodeLogQuery is the kubelet's parsed query (kubelet_server_journal.go).
type nodeLogQuery struct {
	services, files []string
	since, until    *time.Time
	tail, boot      *int
	pattern         string
}

func (q *nodeLogQuery) hasOptions() bool {
	return q.since != nil || q.until != nil || q.tail != nil || q.boot != nil || q.pattern != ""
}

// parseNodeLogQuery is the kubelet's newNodeLogQuery; nil without any parameter it knows.
func parseNodeLogQuery(query url.Values) (*nodeLogQuery, field.ErrorList) {
	var errs field.ErrorList
	var q nodeLogQuery
	queries, ok := query["query"]
	for _, s := range queries {
		if strings.ContainsAny(s, `/\`) {
			q.files = append(q.files, s)
		} else if strings.TrimSpace(s) != "" {
			q.services = append(q.services, s)
		}
	}
	if ok && len(q.files) == 0 && len(q.services) == 0 {
		errs = append(errs, field.Invalid(field.NewPath("query"), queries, "may not be empty"))
	}
	parseTime := func(key string) *time.Time {
		v := query.Get(key)
		if v == "" {
			return nil
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			errs = append(errs, field.Invalid(field.NewPath(key), v, "invalid time format"))
			return nil
		}
		return &t
	}
	parseInt := func(key string) *int {
		v := query.Get(key)
		if v == "" {
			return nil
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			errs = append(errs, field.Invalid(field.NewPath(key), v, err.Error()))
			return nil
		}
		return &n
	}
	q.since, q.until = parseTime("sinceTime"), parseTime("untilTime")
	q.boot, q.tail = parseInt("boot"), parseInt("tailLines")
	q.pattern = query.Get("pattern")
	if len(errs) > 0 {
		return nil, errs
	}
	if len(q.services) == 0 && len(q.files) == 0 && !q.hasOptions() {
		return nil, nil
	}
	return &q, nil
}

// validate is the kubelet's nodeLogQuery.validate.
func (q *nodeLogQuery) validate(c *Cluster, p nodePlan) field.ErrorList {
	var errs field.ErrorList
	for _, s := range q.services {
		switch {
		case len(s) > 256:
			errs = append(errs, field.Invalid(field.NewPath("query"), s, "length must be less than 256"))
		case unsafeServiceName.MatchString(s):
			errs = append(errs, field.Invalid(field.NewPath("query"), s, "input contains unsupported characters"))
		}
	}
	if len(q.services) > 4 {
		errs = append(errs, field.TooMany(field.NewPath("query"), len(q.services), 4))
	}
	switch {
	case len(q.files) == 0 && len(q.services) == 0:
		errs = append(errs, field.Required(field.NewPath("query"), "cannot be empty with options"))
	case len(q.files) > 0 && len(q.services) > 0:
		errs = append(errs, field.Invalid(field.NewPath("query"), fmt.Sprintf("%v, %v", q.files, q.services), "cannot specify a file and service"))
	case len(q.files) > 1:
		errs = append(errs, field.Invalid(field.NewPath("query"), q.files, "cannot specify more than one file"))
	case len(q.files) == 1 && q.hasOptions():
		errs = append(errs, field.Invalid(field.NewPath("query"), q.files, "cannot specify file with options"))
	case len(q.files) == 1:
		if _, found := c.serveVarLog(p, q.files[0]); !found {
			errs = append(errs, field.Invalid(field.NewPath("query"), q.files, (&os.PathError{Op: "statat", Path: q.files[0], Err: os.ErrNotExist}).Error()))
		}
	}
	if q.since != nil && q.until != nil && q.since.After(*q.until) {
		errs = append(errs, field.Invalid(field.NewPath("untilTime"), q.until, "must be after `sinceTime`"))
	}
	if q.boot != nil && *q.boot > 0 {
		errs = append(errs, field.Invalid(field.NewPath("boot"), *q.boot, "must be less than 1"))
	}
	if q.tail != nil {
		if msgs := utilvalidation.IsInRange(*q.tail, 0, 100000); len(msgs) > 0 {
			errs = append(errs, field.Invalid(field.NewPath("tailLines"), *q.tail, msgs[0]))
		}
	}
	if _, err := syntax.Parse(q.pattern, syntax.Perl); err != nil {
		errs = append(errs, field.Invalid(field.NewPath("pattern"), q.pattern, err.Error()))
	}
	return errs
}

// nodeLogs serves logs/<sub>: the node log query when the kubelet has it on and a query is given,
// the /var/log file server otherwise.
func (a *access) nodeLogs(p nodePlan, sub string, query url.Values) ([]byte, error) {
	fileServer := func(path string) ([]byte, error) {
		if body, found := a.c.serveVarLog(p, path); found {
			return body, nil
		}
		return nil, kubeletAnswer(http.StatusNotFound, p.name, "404 page not found\n")
	}
	if !nodeLogQueryOn(p) {
		return fileServer(sub)
	}
	q, errs := parseNodeLogQuery(query)
	if len(errs) > 0 {
		return nil, kubeletAnswer(http.StatusBadRequest, p.name, errs.ToAggregate().Error()+"\n")
	}
	if q == nil {
		return fileServer(sub)
	}
	if sub != "" {
		return nil, kubeletAnswer(http.StatusNotAcceptable, p.name, "path not allowed in query mode\n")
	}
	if errs := q.validate(a.c, p); len(errs) > 0 {
		return nil, kubeletAnswer(http.StatusNotAcceptable, p.name, errs.ToAggregate().Error()+"\n")
	}
	if len(q.files) == 1 {
		return fileServer(q.files[0])
	}
	return []byte(a.c.journalAnswer(p, q)), nil
}

var unsafeServiceName = regexp.MustCompile(`[^a-zA-Z\-_.:0-9@]+`)

// nativeUnits are the units in a node's journal (journalctl --field _SYSTEMD_UNIT).
func nativeUnits(p nodePlan) string {
	units := []string{"chrony.service", "containerd.service", "cron.service", "kubelet.service", "rsyslog.service",
		"snap.amazon-ssm-agent.amazon-ssm-agent.service", "ssh.service", "systemd-journald.service",
		"systemd-logind.service", "systemd-networkd.service", "systemd-resolved.service", "systemd-udevd.service"}
	if p.docker() {
		units = append(units, "docker.service")
	}
	return strings.Join(units, "\n")
}

// journalAnswer is what the kubelet writes for a query of services: journalctl's output for those
// in the journal, then its heuristics for the others (log files under /var/log).
func (c *Cluster) journalAnswer(p nodePlan, q *nodeLogQuery) string {
	var native, files []string
	units := nativeUnits(p)
	for _, s := range q.services {
		if strings.Contains(units, s+".service") {
			native = append(native, s)
		} else {
			files = append(files, s)
		}
	}
	var b strings.Builder
	if len(native) > 0 {
		jq := journalQuery{units: native, since: q.since, until: q.until, tail: q.tail, boot: q.boot}
		jq.pattern, _ = journalPattern(q.pattern)
		lines, failed := c.queryJournal(p, jq)
		if failed != "" {
			b.WriteString(failed + "\n")
		} else {
			b.WriteString(formatJournal(p.name, c.bootIDs(p), lines))
		}
	}
	if len(files) > 0 && q.hasOptions() {
		fmt.Fprintf(&b, "\noptions present and query resolved to log files for %v\ntry without specifying options\n", files)
		return b.String()
	}
	for _, s := range files {
		found := false
		for _, name := range []string{s, s + ".log", s + "/" + s + ".log"} {
			if isDir(c, p, name) {
				continue // the kubelet's heuristics take a directory for a missing file
			}
			if body, ok := c.serveVarLog(p, name); ok {
				b.Write(body)
				found = true
				break
			}
		}
		if !found {
			fmt.Fprintf(&b, "\nlog not found for %s\n", s)
		}
	}
	return b.String()
}

func isDir(c *Cluster, p nodePlan, name string) bool {
	for _, e := range c.varLogRoot(p) {
		if e.name == strings.Trim(name, "/") {
			return e.dir
		}
	}
	return false
}

// NodeProxyTail serves the end of a kubelet file, as the kubelet's file server answers a Range
// request (cluster.ProxyTailer).
func (a *access) NodeProxyTail(ctx context.Context, node, path string, lastBytes int64) ([]byte, error) {
	data, err := a.NodeProxy(ctx, node, path, nil, 1<<40)
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > lastBytes {
		data = data[int64(len(data))-lastBytes:]
	}
	return data, nil
}
