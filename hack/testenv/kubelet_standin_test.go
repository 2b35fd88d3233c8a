package testenv

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	kubeletconfig "k8s.io/kubelet/config/v1beta1"
)

// Every configz the stand-in serves must decode, field for field, into the kubelet's own type, and
// carry the settings of its node log mode.
func TestStandInConfigzIsAKubeletConfiguration(t *testing.T) {
	for _, mode := range []NodeLogMode{NodeLogQueryOn, NodeLogQueryOff, NodeLogGateOff, NodeLogHandlerOff} {
		t.Run(mode.String(), func(t *testing.T) {
			raw, err := standInConfigz(KubeletStandInOptions{NodeLog: mode, Configz: map[string]any{"maxPods": 600}})
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				KubeletConfig *kubeletconfig.KubeletConfiguration `json:"kubeletconfig"`
			}
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&doc); err != nil {
				t.Fatalf("configz is not a v1beta1 KubeletConfiguration: %v", err)
			}
			cfg := doc.KubeletConfig
			if cfg == nil || cfg.MaxPods != 600 || cfg.ConfigMapAndSecretChangeDetectionStrategy != kubeletconfig.WatchChangeDetectionStrategy {
				t.Fatalf("configz = %+v, want maxPods 600 and the Watch strategy", cfg)
			}
			query := cfg.EnableSystemLogQuery != nil && *cfg.EnableSystemLogQuery
			handler := cfg.EnableSystemLogHandler == nil || *cfg.EnableSystemLogHandler
			gate, gateSet := cfg.FeatureGates["NodeLogQuery"]
			switch mode {
			case NodeLogQueryOn:
				if !query || !handler || gateSet {
					t.Errorf("query on: enableSystemLogQuery %v, handler %v, gate set %v", query, handler, gateSet)
				}
			case NodeLogQueryOff:
				if query || !handler {
					t.Errorf("query off: enableSystemLogQuery %v, handler %v", query, handler)
				}
			case NodeLogGateOff:
				if !query || !gateSet || gate {
					t.Errorf("gate off: enableSystemLogQuery %v, NodeLogQuery gate %v (set %v)", query, gate, gateSet)
				}
			case NodeLogHandlerOff:
				if handler {
					t.Error("handler off: enableSystemLogHandler is not false")
				}
			}
		})
	}
	if raw, _ := standInConfigz(KubeletStandInOptions{NodeLog: NodeLogDebuggingOff}); raw != nil {
		t.Error("a kubelet with its debugging handlers off serves no /configz")
	}
}

// The metrics must be valid exposition text, and counted as seed 002 counted them
// (sed 's/{.*//' | sort | uniq -c) they must reproduce its table.
func TestStandInMetricsReproduceSeed002(t *testing.T) {
	var buf bytes.Buffer
	writeKubeletMetrics(&buf, SeedReflectorLeak)
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("not valid exposition text: %v", err)
	}
	if got := len(families["reflector_watch_duration_seconds"].GetMetric()); got != SeedReflectorLeak {
		t.Errorf("reflector_watch_duration_seconds has %d series, want one per reflector", got)
	}
	counts := map[string]int{}
	for _, line := range strings.Split(buf.String(), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, _, _ := strings.Cut(line, "{")
		counts[name]++
	}
	want := map[string]int{
		"reflector_watch_duration_seconds": 25749, "reflector_list_duration_seconds": 25749,
		"reflector_items_per_watch": 25749, "reflector_items_per_list": 25749,
		"reflector_watches_total": 8583, "reflector_watch_duration_seconds_sum": 8583,
		"reflector_watch_duration_seconds_count": 8583, "reflector_short_watches_total": 8583,
		"reflector_lists_total": 8583, "reflector_list_duration_seconds_sum": 8583,
		"reflector_list_duration_seconds_count": 8583, "reflector_last_resource_version": 8583,
		"reflector_items_per_watch_sum": 8583, "reflector_items_per_watch_count": 8583,
		"reflector_items_per_list_sum": 8583, "reflector_items_per_list_count": 8583,
		"storage_operation_duration_seconds_bucket": 165, "kubelet_runtime_operations_latency_microseconds": 51,
		"rest_client_request_latency_seconds_bucket": 44, "kubelet_docker_operations_latency_microseconds": 33,
		"kubelet_runtime_operations_latency_microseconds_sum": 17, "kubelet_runtime_operations_latency_microseconds_count": 17,
		"kubelet_runtime_operations": 17,
	}
	for name, n := range want {
		if counts[name] != n {
			t.Errorf("%s: %d series, seed 002 counted %d", name, counts[name], n)
		}
	}

	buf.Reset()
	writeKubeletMetrics(&buf, 0)
	if strings.Contains(buf.String(), "reflector_") {
		t.Error("a kubelet without the leak has reflector series")
	}
}

func TestRecordedGoroutineDumpIsConsistent(t *testing.T) {
	lines := strings.Split(recordedGoroutines, "\n")
	m := regexp.MustCompile(`^goroutine profile: total (\d+)$`).FindStringSubmatch(lines[0])
	if m == nil {
		t.Fatalf("first line %q is not a debug=1 goroutine profile header", lines[0])
	}
	total, _ := strconv.Atoi(m[1])
	sum := 0
	for _, l := range lines {
		if n, _, ok := strings.Cut(l, " @ "); ok {
			c, err := strconv.Atoi(n)
			if err != nil {
				t.Fatalf("line %q", l)
			}
			sum += c
		}
	}
	if sum != total {
		t.Errorf("stacks count %d goroutines, header says %d", sum, total)
	}
	if !strings.Contains(recordedGoroutines, "1 @ 0x42fcaa 0x42fd5e 0x4066cb 0x406465 0x30d4f3e") ||
		!strings.Contains(recordedGoroutines, "pleg.(*GenericPLEG).relist+0x74d") ||
		!strings.Contains(recordedGoroutines, "pkg/kubelet/pleg/generic.go:261") {
		t.Error("the PLEG relist goroutine of seed 001 is missing")
	}
}

// The node log query as the v1.37 kubelet answers it, exercised on the handler directly.
func TestStandInNodeLogQuery(t *testing.T) {
	now := time.Date(2026, 11, 23, 16, 0, 0, 0, time.UTC)
	k := &KubeletStandIn{Node: "node-a", opts: KubeletStandInOptions{NodeLog: NodeLogQueryOn},
		journal: RecordedJournal("node-a", now), varLog: t.TempDir()}
	if err := writeVarLog(k.varLog); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(k.handler())
	defer srv.Close()
	get := func(query string) (int, string) {
		t.Helper()
		resp, err := http.Get(srv.URL + "/logs/?" + query)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}

	code, body := get("query=kubelet&tailLines=3")
	lines := strings.Split(strings.TrimSuffix(body, "\n"), "\n")
	if code != 200 || len(lines) != 3 {
		t.Fatalf("tailLines=3: %d, %q", code, body)
	}
	for _, l := range lines {
		if !regexp.MustCompile(`^Nov 23 15:5\d:\d\d\.\d{6} node-a kubelet\[1187\]: E1123 `).MatchString(l) {
			t.Errorf("line %q is not journalctl short-precise output of the kubelet's latest errors", l)
		}
	}
	if !strings.Contains(lines[2], `"Skipping pod synchronization" err="PLEG is not healthy: pleg was last seen active`) {
		t.Errorf("last line %q", lines[2])
	}

	// journalctl --grep is case-insensitive for an all-lowercase pattern.
	_, body = get("query=kubelet&pattern=" + "node+became")
	if n := strings.Count(body, "\n"); n != 1 || !strings.Contains(body, "Node became not ready") {
		t.Errorf("pattern: %q", body)
	}
	_, body = get("query=kubelet&query=containerd&sinceTime=" + now.Add(-time.Minute).Format(time.RFC3339))
	if !strings.Contains(body, "containerd[642]") || !strings.Contains(body, "kubelet[1187]") || strings.Count(body, "\n") > 6 {
		t.Errorf("two services over the last minute: %q", body)
	}
	if _, body = get("query=crio"); body != "\nlog not found for crio\n" {
		t.Errorf("unknown service: %q", body)
	}
	if code, body = get("query=kubelet&tailLines=-1"); code != http.StatusNotAcceptable {
		t.Errorf("tailLines=-1: %d %q", code, body)
	}
	if code, body = get(""); code != 200 || !strings.Contains(body, `<a href="syslog">syslog</a>`) {
		t.Errorf("no query: want the /var/log listing, got %d %q", code, body)
	}
}

func TestNsenterStandIn(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "nsenter")
	if err := os.WriteFile(script, []byte(nsenterStandIn), 0o755); err != nil {
		t.Fatal(err)
	}
	calls := filepath.Join(dir, "calls")
	run := func(args ...string) (string, error) {
		cmd := exec.Command(script, args...)
		cmd.Env = append(os.Environ(), "KTRIAGE_TESTENV_NSENTER_LOG="+calls)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := run("-t", "1", "-m", "-u", "-i", "-n", "-p", "--", "sh", "-c", "echo in $((6*7))")
	if err != nil || out != "in 42\n" {
		t.Fatalf("node shell command: %q, %v", out, err)
	}
	if out, err := run("-t", "2", "-m", "--", "true"); err == nil || !strings.Contains(out, "must be PID 1") {
		t.Errorf("target 2: %q, %v", out, err)
	}
	e := &Env{Dir: dir}
	_ = os.Rename(calls, filepath.Join(dir, "nsenter-calls.log"))
	got, err := e.NsenterCalls()
	if err != nil || len(got) != 2 || strings.Join(got[0], " ") != "-t 1 -m -u -i -n -p -- sh -c echo in $((6*7))" {
		t.Errorf("recorded calls = %q, %v", got, err)
	}
}
