package cluster

import (
	"context"
	"errors"
	"io"
	"net/url"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// kubeletStub is an Access whose nodes/proxy answers come from a map of path → body or error.
type kubeletStub struct {
	bodies  map[string]string
	errs    map[string]error
	queries []url.Values
}

func (k *kubeletStub) PodLogs(context.Context, string, string, *corev1.PodLogOptions) (io.ReadCloser, error) {
	return nil, errors.New("not used")
}

func (k *kubeletStub) NodeProxy(_ context.Context, _, path string, q url.Values, limit int64) ([]byte, error) {
	k.queries = append(k.queries, q)
	if err := k.errs[path]; err != nil {
		return nil, err
	}
	body, ok := k.bodies[path]
	if !ok {
		return nil, apierrors.NewNotFound(schema.GroupResource{Resource: "nodes"}, path)
	}
	if int64(len(body)) > limit {
		return nil, ErrTooLarge
	}
	return []byte(body), nil
}

func (k *kubeletStub) Exec(context.Context, string, string, ExecOptions) error {
	return errors.New("not used")
}

// dirListing is what a kubelet with the NodeLogQuery gate off answers to /logs/?query=kubelet: Go's
// http.FileServer listing of /var/log, with 200 OK.
const dirListing = "<!doctype html>\n<meta name=\"viewport\" content=\"width=device-width\">\n<pre>\n" +
	"<a href=\"alternatives.log\">alternatives.log</a>\n<a href=\"apt/\">apt/</a>\n<a href=\"containers/\">containers/</a>\n" +
	"<a href=\"journal/\">journal/</a>\n<a href=\"pods/\">pods/</a>\n</pre>\n"

func configz(fields string) string { return `{"kubeletconfig":{` + fields + `}}` }

func TestIsDirectoryListing(t *testing.T) {
	cases := []struct {
		body string
		want bool
	}{
		{dirListing, true},
		{"<pre>\n<a href=\"syslog\">syslog</a>\n</pre>\n", true}, // Go before 1.21 had no doctype
		{"  <!DOCTYPE html>\n<pre>\n</pre>", true},
		{"Nov 23 10:00:00.123456 n1 kubelet[812]: I1123 10:00:00.123456     812 kubelet.go:2453] \"SyncLoop ADD\"\n", false},
		{"-- No entries --\n", false},
		{"", false},
		{"<pre> is how this container logs </pre>\n", false},
	}
	for _, c := range cases {
		if got := IsDirectoryListing([]byte(c.body)); got != c.want {
			t.Errorf("IsDirectoryListing(%.40q) = %v, want %v", c.body, got, c.want)
		}
	}
}

func TestFetchNodeLogReadsTheJournalWithTheQuery(t *testing.T) {
	k := &kubeletStub{bodies: map[string]string{"logs/": "line one\r\nline two\n"}}
	lines, err := FetchNodeLog(t.Context(), k, "n1", NodeLogQuery{Service: "containerd", TailLines: 200, Pattern: "fail"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(lines, "|") != "line one|line two" {
		t.Errorf("lines %q, want the two journal lines without line endings", lines)
	}
	q := k.queries[0]
	if q.Get("query") != "containerd" || q.Get("tailLines") != "200" || q.Get("pattern") != "fail" || q.Has("sinceTime") {
		t.Errorf("query %v, want query=containerd tailLines=200 pattern=fail and no sinceTime", q)
	}
}

// The kubelet's HTML listing is never returned as log lines; the error names the setting that is off,
// read from /configz.
func TestFetchNodeLogExplainsWhyTheQueryIsOff(t *testing.T) {
	cases := []struct {
		name, configz, version string
		want, notWant          []string
	}{
		{
			name:    "gate off by default before 1.36",
			configz: configz(`"enableSystemLogHandler":true,"enableSystemLogQuery":true`), version: "v1.33.4",
			want:    []string{"NodeLogQuery feature gate is off", "off by default before 1.36"},
			notWant: []string{"enableSystemLogQuery is not true"},
		},
		{
			name:    "gate on, query setting off",
			configz: configz(`"featureGates":{"NodeLogQuery":true},"enableSystemLogHandler":true`), version: "v1.33.4",
			want:    []string{"enableSystemLogQuery is not true"},
			notWant: []string{"feature gate"},
		},
		{
			name:    "1.36 has the gate on; only the setting is missing",
			configz: configz(`"enableSystemLogHandler":true,"enableSystemLogQuery":false`), version: "v1.36.1-eks-4f4795d",
			want:    []string{"enableSystemLogQuery is not true"},
			notWant: []string{"feature gate"},
		},
		{
			name:    "a kubelet older than the feature",
			configz: configz(`"enableSystemLogHandler":true`), version: "v1.12.10",
			want:    []string{"the kubelet is v1.12.10; the node log query exists from kubelet 1.27"},
			notWant: []string{"feature gate is off", "enableSystemLogQuery is not true"},
		},
		{
			name:    "gate explicitly off",
			configz: configz(`"featureGates":{"NodeLogQuery":false},"enableSystemLogQuery":true`), version: "v1.37.2",
			want:    []string{"NodeLogQuery feature gate is off on the kubelet"},
			notWant: []string{"off by default"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			k := &kubeletStub{bodies: map[string]string{"logs/": dirListing, "configz": c.configz}}
			lines, err := FetchNodeLog(t.Context(), k, "n1", NodeLogQuery{Service: "kubelet", KubeletVersion: c.version})
			var un *NodeLogUnavailableError
			if !errors.As(err, &un) {
				t.Fatalf("lines %q, err %v; want a NodeLogUnavailableError", lines, err)
			}
			if lines != nil {
				t.Errorf("the listing came back as %d log lines", len(lines))
			}
			msg := err.Error()
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("%q does not say %q", msg, w)
				}
			}
			for _, w := range c.notWant {
				if strings.Contains(msg, w) {
					t.Errorf("%q wrongly says %q", msg, w)
				}
			}
			if !strings.Contains(un.Fix, "enableSystemLogQuery: true") {
				t.Errorf("fix %q does not say how to turn it on", un.Fix)
			}
		})
	}
}

func TestFetchNodeLogWhenTheHandlerIsDisabled(t *testing.T) {
	disabled := apierrors.NewGenericServerResponse(405, "get", schema.GroupResource{Resource: "nodes"}, "n1", "logs endpoint is disabled.", 0, true)
	k := &kubeletStub{errs: map[string]error{"logs/": disabled},
		bodies: map[string]string{"configz": configz(`"enableSystemLogHandler":false`)}}
	_, err := FetchNodeLog(t.Context(), k, "n1", NodeLogQuery{Service: "kubelet"})
	if err == nil || !strings.Contains(err.Error(), "enableSystemLogHandler is false") {
		t.Errorf("err = %v, want it to name enableSystemLogHandler", err)
	}

	// Without /configz the refusal itself is reported, and why the setting could not be named.
	k = &kubeletStub{errs: map[string]error{"logs/": disabled}}
	_, err = FetchNodeLog(t.Context(), k, "n1", NodeLogQuery{Service: "kubelet"})
	if err == nil || !strings.Contains(err.Error(), "logs endpoint is disabled") || !strings.Contains(err.Error(), "/configz could not be read") {
		t.Errorf("err = %v, want the kubelet's refusal and the configz failure", err)
	}
}

func TestProxyErrorsSayWhatToDo(t *testing.T) {
	forbidden := apierrors.NewForbidden(schema.GroupResource{Resource: "nodes/proxy"}, "n1",
		errors.New(`User "viewer" cannot get resource "nodes/proxy" in API group "" at the cluster scope`))
	k := &kubeletStub{errs: map[string]error{"configz": forbidden, "debug/pprof/goroutine": context.Canceled}}
	_, err := FetchKubeletConfig(t.Context(), k, "n1")
	var pe *ProxyError
	if !errors.As(err, &pe) || !pe.Forbidden || !strings.Contains(err.Error(), "needs get nodes/proxy") {
		t.Errorf("err = %v, want an RBAC explanation", err)
	}
	if _, err := FetchGoroutines(t.Context(), k, "n1"); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want a cancellation to stay a cancellation", err)
	}
}

func TestKubeletFactsFromConfigz(t *testing.T) {
	k := &kubeletStub{bodies: map[string]string{"configz": configz(`"maxPods":250,"cgroupsPerQOS":false,"configMapAndSecretChangeDetectionStrategy":"Watch","evictionHard":{"memory.available":"100Mi"}`)}}
	cfg, err := FetchKubeletConfig(t.Context(), k, "n1")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.EvictionHard["memory.available"] != "100Mi" {
		t.Errorf("evictionHard %v, want memory.available 100Mi", cfg.EvictionHard)
	}
	f := KubeletFacts(cfg, "", nil, nil)
	if f.MaxPods != 250 || f.CgroupsPerQOS == nil || *f.CgroupsPerQOS || f.ConfigMapAndSecretChangeDetectionStrategy != "Watch" {
		t.Errorf("facts %+v, want maxPods 250, cgroupsPerQOS false, strategy Watch", f)
	}

	k.bodies["configz"] = "<html>not json</html>"
	if _, err := FetchKubeletConfig(t.Context(), k, "n1"); err == nil || !strings.Contains(err.Error(), "not the kubelet's JSON") {
		t.Errorf("err = %v, want a clear decoding error", err)
	}
}

// tailStub answers Range reads with the last bytes of the body, as the kubelet's file server does.
type tailStub struct{ *kubeletStub }

func (s tailStub) NodeProxyTail(_ context.Context, _, path string, last int64) ([]byte, error) {
	body := s.bodies[path]
	if int64(len(body)) > last {
		body = body[int64(len(body))-last:]
	}
	return []byte(body), nil
}

func TestFetchSyslogServiceReadsTheServiceLinesOfOldKubelets(t *testing.T) {
	syslog := "Jul  1 09:29:58 legacy-07 dockerd: time=\"…\" level=info msg=\"ignoring event\"\n" +
		"Jul  1 09:29:59 legacy-07 kubelet: I0701 kubelet.go:1829] skipping pod synchronization - [PLEG is not healthy: …]\n" +
		"Jul  1 09:30:01 legacy-07 systemd: Started Session 4 of user root.\n" +
		"Jul  1 09:30:02 legacy-07 kubelet[1234]: E0701 pod_workers.go:190] Error syncing pod\n"
	k := &kubeletStub{bodies: map[string]string{"logs/": dirListing + "<a href=\"messages\">messages</a>\n", "logs/messages": syslog}}
	lines, file, err := FetchSyslogService(t.Context(), k, "legacy-07", "kubelet", 0)
	if err != nil {
		t.Fatal(err)
	}
	if file != "/var/log/messages" || len(lines) != 2 || !strings.Contains(lines[0], "PLEG is not healthy") || !strings.Contains(lines[1], "kubelet[1234]") {
		t.Errorf("from %s got %q, want the two kubelet lines of /var/log/messages", file, lines)
	}
	if lines, _, _ := FetchSyslogService(t.Context(), k, "legacy-07", "kubelet", 1); len(lines) != 1 || !strings.Contains(lines[0], "Error syncing pod") {
		t.Errorf("tail 1 = %q, want the last kubelet line", lines)
	}

	// Through a Range read of a file larger than the tail, the first (cut) line is dropped.
	big := strings.Repeat("Jul  1 00:00:00 legacy-07 kubelet: old line\n", syslogTailBytes/40) + syslog
	ts := tailStub{&kubeletStub{bodies: map[string]string{"logs/": dirListing + "<a href=\"messages\">messages</a>\n", "logs/messages": big}}}
	lines, _, err = FetchSyslogService(t.Context(), ts, "legacy-07", "kubelet", 0)
	if err != nil || len(lines) == 0 || !strings.HasPrefix(lines[0], "Jul  1 00:00:00 legacy-07 kubelet: old line") || !strings.Contains(lines[len(lines)-1], "Error syncing pod") {
		t.Errorf("err %v, %d lines, first %q: want whole lines from the tail only", err, len(lines), lines[:min(1, len(lines))])
	}

	// No syslog file in the listing: a clear error, no lines.
	k = &kubeletStub{bodies: map[string]string{"logs/": "<pre>\n<a href=\"pods/\">pods/</a>\n</pre>\n"}}
	if _, _, err := FetchSyslogService(t.Context(), k, "n1", "kubelet", 0); err == nil || !strings.Contains(err.Error(), "no /var/log/messages or /var/log/syslog") {
		t.Errorf("err = %v, want it to say there is no syslog file", err)
	}
}
