package diag

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// fxSeed002Uniq is seed 002's `curl -s localhost:10255/metrics | sed 's/{.*//' | sort | uniq -c | sort -nr`,
// as the write-up printed it.
var fxSeed002Uniq = map[string]int{
	"reflector_watch_duration_seconds": 25749, "reflector_list_duration_seconds": 25749,
	"reflector_items_per_watch": 25749, "reflector_items_per_list": 25749,
	"reflector_watches_total": 8583, "reflector_watch_duration_seconds_sum": 8583,
	"reflector_watch_duration_seconds_count": 8583, "reflector_short_watches_total": 8583,
	"reflector_lists_total": 8583, "reflector_list_duration_seconds_sum": 8583,
	"reflector_list_duration_seconds_count": 8583, "reflector_last_resource_version": 8583,
	"reflector_items_per_watch_sum": 8583, "reflector_items_per_watch_count": 8583,
	"reflector_items_per_list_sum": 8583, "reflector_items_per_list_count": 8583,
	"storage_operation_duration_seconds_bucket":           165,
	"kubelet_runtime_operations_latency_microseconds":     51,
	"rest_client_request_latency_seconds_bucket":          44,
	"kubelet_docker_operations_latency_microseconds":      33,
	"kubelet_runtime_operations_latency_microseconds_sum": 17,
}

// fxSeed002Exposition writes a /metrics exposition with exactly seed 002's series: 8,583 reflectors, each
// with its summaries (3 quantiles, _sum, _count), counters and gauge; and the healthy families at the
// counts the seed shows.
func fxSeed002Exposition() []byte {
	var b strings.Builder
	b.Grow(28 << 20)
	summaries := []string{"reflector_items_per_list", "reflector_items_per_watch", "reflector_list_duration_seconds", "reflector_watch_duration_seconds"}
	singles := []string{"reflector_last_resource_version", "reflector_lists_total", "reflector_short_watches_total", "reflector_watches_total"}
	reflectors := make([]string, 8583)
	for r := range reflectors {
		reflectors[r] = `{name="reflector_k8s_io_kubernetes_pkg_kubelet_util_manager_watch_based_manager_go_` + strconv.Itoa(1000+r) + `"`
	}
	for _, s := range summaries {
		b.WriteString("# HELP " + s + " How long an individual watch or list lasted.\n# TYPE " + s + " summary\n")
		for _, name := range reflectors {
			for _, q := range []string{"0.5", "0.9", "0.99"} {
				b.WriteString(s + name + `,quantile="` + q + "\"} NaN\n")
			}
			b.WriteString(s + "_sum" + name + "} 0\n" + s + "_count" + name + "} 0\n")
		}
	}
	for _, s := range singles {
		b.WriteString("# HELP " + s + " Total number.\n# TYPE " + s + " counter\n")
		for r, name := range reflectors {
			b.WriteString(s + name + "} " + strconv.Itoa(r) + "\n")
		}
	}
	for _, f := range []struct {
		name string
		n    int
	}{{"storage_operation_duration_seconds_bucket", 165}, {"kubelet_runtime_operations_latency_microseconds", 51},
		{"rest_client_request_latency_seconds_bucket", 44}, {"kubelet_docker_operations_latency_microseconds", 33},
		{"kubelet_runtime_operations_latency_microseconds_sum", 17}} {
		for i := 0; i < f.n; i++ {
			fmt.Fprintf(&b, "%s{operation_type=\"op%d\",le=\"%d\"} %d\n", f.name, i/11, i%11, i)
		}
	}
	return []byte(b.String())
}

func TestCountSeries(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want map[string]int
	}{
		{"empty", "", map[string]int{}},
		{"comments and blank lines", "# HELP up Whether it is up.\n# TYPE up gauge\n\n   \n#\n", map[string]int{}},
		{"a name with and without labels", "up 1\nup{job=\"a\"} 1\nup{job=\"b\"} 0 1700000000000\n", map[string]int{"up": 3}},
		{"histogram parts are names of their own, as sed counts them",
			"h_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 3\nh_count 2\n", map[string]int{"h_bucket": 2, "h_sum": 1, "h_count": 1}},
		{"a brace inside a label value", "m{path=\"/a{b}\"} 1\nm{path=\"}\"} 2\n", map[string]int{"m": 2}},
		{"Windows line endings and no final newline", "a 1\r\nb{x=\"1\"} 2\r\n# c\r\nb 3", map[string]int{"a": 1, "b": 2}},
		{"tabs and leading blanks", "\tgo_goroutines\t376\n  process_open_fds 19\n", map[string]int{"go_goroutines": 1, "process_open_fds": 1}},
		{"quoted names inside the braces", "{\"http.server.duration\",le=\"1\"} 1\n{\"http.server.duration\",le=\"2\"} 1\n{\"a\\\"b\"} 1\n",
			map[string]int{"http.server.duration": 2, `a\"b`: 1}},
		{"braces without a name", "{le=\"1\"} 1\n{\"quoted.label\"=\"x\"} 1\n", map[string]int{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := CountSeries([]byte(c.in)); !maps.Equal(got, c.want) {
				t.Errorf("CountSeries = %v, want %v", got, c.want)
			}
		})
	}
}

// TestCountSeriesSeed002 counts an exposition with seed 002's leak and gets the seed's own uniq -c.
func TestCountSeriesSeed002(t *testing.T) {
	exp := fxSeed002Exposition()
	if len(exp) < 20<<20 {
		t.Fatalf("exposition of %d bytes; seed 002's runs to tens of MB", len(exp))
	}
	if got := CountSeries(exp); !maps.Equal(got, fxSeed002Uniq) {
		for name, n := range fxSeed002Uniq {
			if got[name] != n {
				t.Errorf("%s: %d series, want %d", name, got[name], n)
			}
		}
		t.Errorf("%d names, want %d", len(got), len(fxSeed002Uniq))
	}
}

func BenchmarkCountSeries(b *testing.B) {
	exp := fxSeed002Exposition()
	b.SetBytes(int64(len(exp)))
	for b.Loop() {
		CountSeries(exp)
	}
}

func fxHealthyMetrics(t *testing.T) map[string]int {
	t.Helper()
	b, err := os.ReadFile("testdata/metrics_kubelet_healthy.txt")
	if err != nil {
		t.Fatal(err)
	}
	return CountSeries(b)
}

func TestCardinalityLeaks(t *testing.T) {
	healthy := fxHealthyMetrics(t)
	if healthy["kubelet_runtime_operations_duration_seconds_bucket"] != 375 || healthy["go_goroutines"] != 1 {
		t.Fatalf("healthy exposition miscounted: %v", healthy)
	}
	cases := []struct {
		name   string
		series map[string]int
		want   []SeriesCount
	}{
		{"nil", nil, nil},
		{"healthy kubelet", healthy, nil},
		{"at the threshold is healthy, one over is not", map[string]int{"a": 2000, "b": 2001},
			[]SeriesCount{{"b", 2001}}},
		{"seed 002: largest first, ties by name", fxSeed002Uniq, []SeriesCount{
			{"reflector_items_per_list", 25749}, {"reflector_items_per_watch", 25749},
			{"reflector_list_duration_seconds", 25749}, {"reflector_watch_duration_seconds", 25749},
			{"reflector_items_per_list_count", 8583}, {"reflector_items_per_list_sum", 8583},
			{"reflector_items_per_watch_count", 8583}, {"reflector_items_per_watch_sum", 8583},
			{"reflector_last_resource_version", 8583}, {"reflector_list_duration_seconds_count", 8583},
			{"reflector_list_duration_seconds_sum", 8583}, {"reflector_lists_total", 8583},
			{"reflector_short_watches_total", 8583}, {"reflector_watch_duration_seconds_count", 8583},
			{"reflector_watch_duration_seconds_sum", 8583}, {"reflector_watches_total", 8583},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := CardinalityLeaks(c.series); !slices.Equal(got, c.want) {
				t.Errorf("CardinalityLeaks = %v\nwant %v", got, c.want)
			}
		})
	}
}

func TestDescribeLeaks(t *testing.T) {
	cases := []struct {
		name    string
		leaks   []SeriesCount
		want    []string // lines in order
		wantNot []string
	}{
		{name: "none", leaks: nil},
		{name: "seed 002", leaks: CardinalityLeaks(fxSeed002Uniq), want: []string{
			"reflector_items_per_list: 25,749 series",
			"reflector_items_per_watch: 25,749 series",
			"reflector_list_duration_seconds: 25,749 series",
			"reflector_watch_duration_seconds: 25,749 series",
			"reflector_items_per_list_count: 8,583 series",
			"… and 11 more metric names over 2,000 series each (94,413 series)",
			"the kubelet's reflector metrics grow with every watch it ever opened — the memory leak of kubelets 1.12 and 1.13 " +
				"(client-go reflector metrics, removed in 1.14 by kubernetes PR 74636); the kubelet's memory grows until it is " +
				"OOM-killed. Upgrade the kubelet; until then restart it to release the memory.",
		}},
		{name: "a leak that is not the reflector metrics", leaks: []SeriesCount{{"apiserver_storage_objects", 4200}},
			want: []string{"apiserver_storage_objects: 4,200 series",
				"a healthy kubelet has at most a few hundred series per metric name; every series it keeps costs memory, so a name " +
					"that keeps growing is a leak — compare with the kubelet of a healthy node, and restart this one if its memory keeps growing"},
			wantNot: []string{"74636", "reflector"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := DescribeLeaks(c.leaks)
			if !slices.Equal(got, c.want) {
				t.Errorf("DescribeLeaks:\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(c.want, "\n  "))
			}
			for _, s := range c.wantNot {
				if strings.Contains(strings.Join(got, "\n"), s) {
					t.Errorf("says %q: %q", s, got)
				}
			}
		})
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 25749: "25,749", 205992: "205,992", 1234567: "1,234,567", -4200: "-4,200"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
