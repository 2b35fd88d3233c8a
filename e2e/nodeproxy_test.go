package e2e

// The kubelet's own endpoints as ktriage reads them through the real API server's nodes/proxy
// (cluster.Access.NodeProxy and the cluster.Fetch… functions): /configz, the goroutine dump,
// /metrics and the node log query, answered by a kubelet stand-in (testenv.StartKubeletStandIn) with
// recorded kubelet output. Every request goes through the API server: its RBAC, its proxy, its
// rewriting of HTML.

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ktriage/ktriage/cluster"
	"github.com/ktriage/ktriage/diag"
	"github.com/ktriage/ktriage/hack/testenv"
)

// startStandIn starts a kubelet stand-in for a new node and stops it when the test ends. A machine
// without a global unicast address fails the test: the API server proxies to nothing else.
func startStandIn(ctx context.Context, t *testing.T, env *testenv.Env, prefix string, opts testenv.KubeletStandInOptions) *testenv.KubeletStandIn {
	t.Helper()
	k, err := env.StartKubeletStandIn(ctx, unique(prefix), opts)
	if err != nil {
		t.Fatalf("kubelet stand-in: %v", err)
	}
	t.Cleanup(func() {
		if err := k.Close(); err != nil {
			t.Errorf("stop the kubelet stand-in of %s: %v", k.Node, err)
		}
	})
	return k
}

// proxied asserts the stand-in answered a request for path that came through the API server's
// proxy (which adds X-Forwarded-For) and returns it.
func proxied(t *testing.T, k *testenv.KubeletStandIn, path string) testenv.KubeletRequest {
	t.Helper()
	reqs := k.Requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		if reqs[i].Path == path {
			if reqs[i].Header.Get("X-Forwarded-For") == "" {
				t.Errorf("request for %s reached the kubelet without the API server's X-Forwarded-For: %v", path, reqs[i].Header)
			}
			return reqs[i]
		}
	}
	t.Fatalf("the kubelet stand-in never received %s (got %d requests)", path, len(reqs))
	return testenv.KubeletRequest{}
}

// kubeletLines is what journalctl prints for the node's kubelet entries kept by keep.
func kubeletLines(k *testenv.KubeletStandIn, keep func(testenv.JournalEntry) bool) []string {
	var out []string
	for _, e := range k.Journal() {
		if e.Unit == "kubelet.service" && keep(e) {
			out = append(out, e.Format(k.Node))
		}
	}
	return out
}

func TestKubeletEndpointsThroughTheAPIServerProxy(t *testing.T) {
	t.Parallel()
	env := testenv.Shared(t)
	ctx := testContext(t, 2*time.Minute)
	k := startStandIn(ctx, t, env, "standin", testenv.KubeletStandInOptions{
		NodeLog: testenv.NodeLogQueryOn, ReflectorLeak: testenv.SeedReflectorLeak,
		Configz: map[string]any{"maxPods": 600},
	})
	a := ktriageClient(t, env.AdminConfig, "admin").Access

	raw, err := a.NodeProxy(ctx, k.Node, "configz", nil, 1<<20)
	if err != nil {
		t.Fatalf("nodes/%s/proxy/configz: %v", k.Node, err)
	}
	if string(raw) != string(k.Configz()) {
		t.Errorf("configz through the proxy differs from the kubelet's answer:\n%s\nwant\n%s", raw, k.Configz())
	}
	req := proxied(t, k, "/configz")
	t.Logf("the kubelet saw: %s %s, User-Agent %q, X-Forwarded-For %q", req.Method, req.Path,
		req.Header.Get("User-Agent"), req.Header.Get("X-Forwarded-For"))

	cfg, err := cluster.FetchKubeletConfig(ctx, a, k.Node)
	if err != nil {
		t.Fatalf("FetchKubeletConfig: %v", err)
	}
	if cfg.MaxPods != 600 || cfg.EnableSystemLogQuery == nil || !*cfg.EnableSystemLogQuery || string(cfg.ConfigMapAndSecretChangeDetectionStrategy) != "Watch" {
		t.Errorf("kubelet config: maxPods %d, enableSystemLogQuery %v, strategy %q; want 600, true, Watch",
			cfg.MaxPods, cfg.EnableSystemLogQuery, cfg.ConfigMapAndSecretChangeDetectionStrategy)
	}

	dump, err := cluster.FetchGoroutines(ctx, a, k.Node)
	if err != nil {
		t.Fatalf("FetchGoroutines: %v", err)
	}
	if got := proxied(t, k, "/debug/pprof/goroutine").Query.Get("debug"); got != "1" {
		t.Errorf("goroutine dump asked with debug=%q, want 1", got)
	}
	sum := diag.SummariseGoroutines(dump)
	if sum.Total != 2814 || !sum.PLEGBlockedOnEventChannel || sum.PLEGFrame != "pkg/kubelet/pleg/generic.go:261" {
		t.Errorf("goroutine summary: total %d, PLEG blocked %v at %q; want seed 001's 2814 goroutines and the relist blocked at pkg/kubelet/pleg/generic.go:261",
			sum.Total, sum.PLEGBlockedOnEventChannel, sum.PLEGFrame)
	}

	began := time.Now()
	series, err := cluster.FetchMetricSeries(ctx, a, k.Node)
	if err != nil {
		t.Fatalf("FetchMetricSeries: %v", err)
	}
	t.Logf("/metrics of %d reflectors (about 23 MB) read and counted in %s", testenv.SeedReflectorLeak, time.Since(began).Round(time.Millisecond))
	for name, want := range map[string]int{
		"reflector_watch_duration_seconds": 25749, "reflector_items_per_list": 25749,
		"reflector_lists_total": 8583, "reflector_last_resource_version": 8583,
		"storage_operation_duration_seconds_bucket": 165, "kubelet_runtime_operations": 17,
	} {
		if series[name] != want {
			t.Errorf("metric series %s = %d, want %d as in seed 002", name, series[name], want)
		}
	}

	lines, err := cluster.FetchNodeLog(ctx, a, k.Node, cluster.NodeLogQuery{Service: "kubelet", TailLines: 5})
	if err != nil {
		t.Fatalf("FetchNodeLog kubelet, 5 lines: %v", err)
	}
	all := kubeletLines(k, func(testenv.JournalEntry) bool { return true })
	if want := all[len(all)-5:]; !slices.Equal(lines, want) {
		t.Errorf("journal tail:\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	if q := proxied(t, k, "/logs/").Query; q.Get("query") != "kubelet" || q.Get("tailLines") != "5" {
		t.Errorf("node log query sent %v, want query=kubelet&tailLines=5", q)
	}

	since := time.Now().Add(-3 * time.Minute)
	lines, err = cluster.FetchNodeLog(ctx, a, k.Node, cluster.NodeLogQuery{Service: "kubelet", SinceTime: since, Pattern: "PLEG is not healthy"})
	if err != nil {
		t.Fatalf("FetchNodeLog kubelet since %s matching PLEG: %v", since.Format(time.RFC3339), err)
	}
	want := kubeletLines(k, func(e testenv.JournalEntry) bool {
		return !e.Time.Before(since.UTC().Truncate(time.Second)) && strings.Contains(e.Message, "PLEG is not healthy")
	})
	if len(want) < 5 || !slices.Equal(lines, want) {
		t.Errorf("journal since %s matching PLEG:\n%s\nwant\n%s", since.UTC().Format(time.RFC3339),
			strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	if q := proxied(t, k, "/logs/").Query; q.Get("pattern") != "PLEG is not healthy" || q.Get("sinceTime") == "" {
		t.Errorf("node log query sent %v, want the pattern and sinceTime", q)
	}
}

// A kubelet without the node log query: ktriage never shows its fallback answer as journal lines,
// and says which setting is in the way, read from the kubelet's /configz.
func TestNodeLogQueryOffIsExplained(t *testing.T) {
	t.Parallel()
	env := testenv.Shared(t)
	for _, tc := range []struct {
		mode testenv.NodeLogMode
		// the kubelet's answer to /logs/?query=kubelet, as ktriage receives it through the proxy
		status int
		// what the explanation must name, and what it must not blame
		reason, notBlamed string
	}{
		// On v1.37 the NodeLogQuery gate is GA and locked on: blaming it would send people to the
		// wrong setting.
		{testenv.NodeLogQueryOff, 200, "enableSystemLogQuery", "feature gate"},
		{testenv.NodeLogGateOff, 200, "NodeLogQuery feature gate", "enableSystemLogQuery"},
		{testenv.NodeLogHandlerOff, 405, "enableSystemLogHandler is false", "feature gate"},
		{testenv.NodeLogDebuggingOff, 405, "Debug endpoints are disabled", "feature gate"},
	} {
		t.Run(tc.mode.String(), func(t *testing.T) {
			t.Parallel()
			ctx := testContext(t, 90*time.Second)
			k := startStandIn(ctx, t, env, "nodelog", testenv.KubeletStandInOptions{NodeLog: tc.mode})
			a := ktriageClient(t, env.AdminConfig, "admin").Access

			body, rawErr := a.NodeProxy(ctx, k.Node, "logs/", url.Values{"query": {"kubelet"}}, 1<<20)
			if got := proxied(t, k, "/logs/").Status; got != tc.status {
				t.Errorf("the kubelet answered /logs/?query=kubelet with %d, want %d", got, tc.status)
			}
			if tc.status == 200 {
				if rawErr != nil || !cluster.IsDirectoryListing(body) {
					t.Errorf("raw answer through the proxy (err %v) is not recognised as the /var/log listing:\n%s", rawErr, body)
				}
				t.Logf("the listing as the API server relays it begins %q", body[:min(len(body), 120)])
			} else {
				t.Logf("raw 405 through the proxy: %v", rawErr)
			}

			// As the UI asks: with the kubelet version the node reports.
			node, err := env.Client.CoreV1().Nodes().Get(ctx, k.Node, metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			lines, err := cluster.FetchNodeLog(ctx, a, k.Node, cluster.NodeLogQuery{
				Service: "kubelet", TailLines: 100, KubeletVersion: node.Status.NodeInfo.KubeletVersion})
			var unavailable *cluster.NodeLogUnavailableError
			if !errors.As(err, &unavailable) {
				t.Fatalf("FetchNodeLog = %d lines, err %v; want a NodeLogUnavailableError", len(lines), err)
			}
			if len(lines) != 0 {
				t.Errorf("FetchNodeLog returned %d lines with the error", len(lines))
			}
			msg := err.Error()
			t.Logf("ktriage says: %s", msg)
			if !strings.Contains(msg, tc.reason) || !strings.Contains(msg, k.Node) {
				t.Errorf("explanation %q does not name %q and the node", msg, tc.reason)
			}
			if strings.Contains(msg, tc.notBlamed) {
				t.Errorf("explanation %q blames %q, which is not in the way on this %s kubelet", msg, tc.notBlamed,
					node.Status.NodeInfo.KubeletVersion)
			}
			if unavailable.Fix == "" {
				t.Error("the explanation offers no fix")
			}
			if tc.mode != testenv.NodeLogDebuggingOff {
				proxied(t, k, "/configz") // the reasons came from the kubelet's configuration
			}

			// The fallback the log viewer then offers: the service's lines from /var/log/syslog,
			// of which only the end is read (a Range request the API server passes on).
			lines, file, err := cluster.FetchSyslogService(ctx, a, k.Node, "kubelet", 20)
			if tc.status != 200 {
				if err == nil || !strings.Contains(err.Error(), "disabled") {
					t.Errorf("syslog fallback where /logs/ is refused: %d lines, %v; want the refusal", len(lines), err)
				}
				return
			}
			if err != nil {
				t.Fatalf("syslog fallback: %v", err)
			}
			var want []string
			for _, e := range k.Journal() {
				if e.Unit == "kubelet.service" {
					want = append(want, e.SyslogLine(k.Node))
				}
			}
			want = want[len(want)-20:]
			if file != "/var/log/syslog" || !slices.Equal(lines, want) {
				t.Errorf("syslog fallback from %s:\n%s\nwant from /var/log/syslog:\n%s", file, strings.Join(lines, "\n"), strings.Join(want, "\n"))
			}
			req := proxied(t, k, "/logs/syslog")
			if req.Header.Get("Range") == "" || req.Status != 206 {
				t.Errorf("/var/log/syslog was read with Range %q, status %d; want a ranged read (206) of its end", req.Header.Get("Range"), req.Status)
			}
		})
	}
}

// The read-only user may not use nodes/proxy: the API server refuses before any request reaches the
// kubelet, and ktriage says which permission is missing.
func TestReadOnlyUserCannotReachTheKubelet(t *testing.T) {
	t.Parallel()
	env := testenv.Shared(t)
	ctx := testContext(t, 90*time.Second)
	k := startStandIn(ctx, t, env, "standin-ro", testenv.KubeletStandInOptions{NodeLog: testenv.NodeLogQueryOn})
	viewer := ktriageClient(t, env.ReadOnlyConfig, "viewer")
	admin := ktriageClient(t, env.AdminConfig, "admin")

	if ok, err := cluster.CanI(ctx, viewer.Kube, "get", "", "nodes", "proxy", ""); err != nil || ok {
		t.Errorf("can the read-only user get nodes/proxy: %v, %v; want false", ok, err)
	}
	if ok, err := cluster.CanI(ctx, admin.Kube, "get", "", "nodes", "proxy", ""); err != nil || !ok {
		t.Errorf("can the admin get nodes/proxy: %v, %v; want true", ok, err)
	}

	for _, fetch := range []struct {
		what string
		run  func() error
	}{
		{"configz", func() error { _, err := cluster.FetchKubeletConfig(ctx, viewer.Access, k.Node); return err }},
		{"goroutines", func() error { _, err := cluster.FetchGoroutines(ctx, viewer.Access, k.Node); return err }},
		{"metrics", func() error { _, err := cluster.FetchMetricSeries(ctx, viewer.Access, k.Node); return err }},
		{"journal", func() error {
			_, err := cluster.FetchNodeLog(ctx, viewer.Access, k.Node, cluster.NodeLogQuery{Service: "kubelet"})
			return err
		}},
	} {
		err := fetch.run()
		var pe *cluster.ProxyError
		if !errors.As(err, &pe) || !pe.Forbidden {
			t.Errorf("%s as the read-only user: %v; want a Forbidden ProxyError", fetch.what, err)
			continue
		}
		if !strings.Contains(err.Error(), "nodes/proxy") {
			t.Errorf("%s refusal %q does not name nodes/proxy", fetch.what, err)
		}
	}
	if reqs := k.Requests(); len(reqs) != 0 {
		t.Errorf("the kubelet received %d requests from a user RBAC refuses (first %s)", len(reqs), reqs[0].Path)
	}
}

// kwok's nodes sit on 127.0.0.1, which the API server does not proxy to: ktriage passes its reason
// on instead of a bare failure.
func TestNodeProxyToALoopbackNodeIsRefusedWithTheReason(t *testing.T) {
	t.Parallel()
	env := testenv.Shared(t)
	ctx := testContext(t, 60*time.Second)
	names, err := env.CreateKwokNodes(ctx, unique("loopback"), 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := env.WaitForNodeReady(ctx, names[0]); err != nil {
		t.Fatal(err)
	}
	_, err = cluster.FetchKubeletConfig(ctx, ktriageClient(t, env.AdminConfig, "admin").Access, names[0])
	if err == nil || !strings.Contains(err.Error(), "address not allowed") {
		t.Fatalf("configz of a kwok node on 127.0.0.1: %v; want the API server's \"address not allowed\"", err)
	}
	t.Logf("ktriage says: %v", err)
}
