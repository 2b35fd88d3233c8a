package diag

import (
	stdbytes "bytes" // diag has its own bytes (a byte count for people)
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// The kubelet's /metrics cardinality: seed 002's kubelet leaked memory through its client-go reflector
// metrics, and `curl localhost:10255/metrics | sed 's/{.*//' | sort | uniq -c` showed it:
// 25,749 series of reflector_watch_duration_seconds and the like.

// leakSeriesThreshold is how many series one metric name may have before it counts as a leak.
//
// A healthy kubelet's largest names are histogram buckets and per-object families, a few hundred series
// at most: seed 002's own healthy ones top out at 165 (storage_operation_duration_seconds_bucket);
// kubelet_runtime_operations_duration_seconds_bucket is about 15 buckets × 25 operations ≈ 375;
// rest_client_request_duration_seconds_bucket a few verbs × hosts × 12 buckets; per-volume gauges
// (kubelet_volume_stats_*) one series per mounted PVC, bounded by the pods (110 by default). Even on a
// 1.12/1.13 kubelet the reflector summaries of its live watches are 3 quantiles × the ConfigMaps and
// Secrets its pods mount; more than 250 of those already stalls the kubelet (too-many-config-watches),
// which is 750 series. 2000 sits well above all of these and far below what a leak reaches in days
// (seed 002: 8,583 and 25,749).
const leakSeriesThreshold = 2000

// CountSeries counts the series per metric name in a Prometheus text exposition, as
// `sed 's/{.*//' | sort | uniq -c` would: a sample line's name up to '{' or whitespace; comments and blank
// lines skipped. A name quoted inside the braces (`{"name.with.dots",le="1"}`, text format 1.0.0
// escaping) counts under that name. One pass, no copy of the input; it is fine with hundreds of
// megabytes.
func CountSeries(exposition []byte) map[string]int {
	counts := map[string]*int{}
	b := exposition
	for len(b) > 0 {
		var line []byte
		if i := stdbytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			line, b = b, nil
		}
		name := seriesName(line)
		if len(name) == 0 {
			continue
		}
		// Looking up with string(name) does not allocate; only a new name is copied.
		if n := counts[string(name)]; n != nil {
			*n++
			continue
		}
		one := 1
		counts[string(name)] = &one
	}
	out := make(map[string]int, len(counts))
	for name, n := range counts {
		out[name] = *n
	}
	return out
}

// seriesName is the metric name of one exposition line; nil for comments and blank lines.
func seriesName(line []byte) []byte {
	i := 0
	for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
		i++
	}
	line = line[i:]
	if len(line) == 0 || line[0] == '#' {
		return nil
	}
	if line[0] == '{' {
		return quotedName(line[1:])
	}
	end := 0
	for end < len(line) {
		c := line[end]
		if c == '{' || c == ' ' || c == '\t' || c == '\r' {
			break
		}
		end++
	}
	return line[:end]
}

// quotedName reads the quoted metric name at the start of a label set: `"http.server.duration",le="1"}`.
// It returns nil when the braces start with a label instead.
func quotedName(s []byte) []byte {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	if len(s) == 0 || s[0] != '"' {
		return nil
	}
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			rest := stdbytes.TrimLeft(s[i+1:], " \t")
			if len(rest) > 0 && rest[0] == '=' {
				return nil // {"label"="value"} is a quoted label name, not the metric's
			}
			return s[1:i]
		}
	}
	return nil
}

// SeriesCount is one metric name and its number of series.
type SeriesCount struct {
	Name   string
	Series int
}

// CardinalityLeaks returns the metric names with more series than a healthy kubelet ever exposes
// (leakSeriesThreshold), largest first, ties by name.
func CardinalityLeaks(series map[string]int) []SeriesCount {
	var out []SeriesCount
	for name, n := range series {
		if n > leakSeriesThreshold {
			out = append(out, SeriesCount{name, n})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Series != out[j].Series {
			return out[i].Series > out[j].Series
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// isReflectorMetric reports whether the name is one of client-go's reflector metrics, removed from
// kubernetes in 1.14 for leaking (kubernetes PR 74636).
func isReflectorMetric(name string) bool { return strings.HasPrefix(name, "reflector_") }

// reflectorLeakExplanation says what leaking reflector metrics mean and what to do. Kubernetes issue
// 73587 ("memory leak in kubelet 1.12.5"): since 1.12 the kubelet opens a reflector per Secret and
// ConfigMap its pods mount, and a reflector's metrics stay after it stops; PR 74636 removed the metrics,
// released in 1.14.
const reflectorLeakExplanation = "the kubelet's reflector metrics grow with every watch it ever opened — " +
	"the memory leak of kubelets 1.12 and 1.13 (client-go reflector metrics, removed in 1.14 by kubernetes PR 74636); " +
	"the kubelet's memory grows until it is OOM-killed. Upgrade the kubelet; until then restart it to release the memory."

// DescribeLeaks renders leaks as plain lines a person reads: the five largest names with their series,
// how many more there are, and what a leak of the reflector metrics means.
func DescribeLeaks(leaks []SeriesCount) []string {
	if len(leaks) == 0 {
		return nil
	}
	var out []string
	reflector := false
	for i, l := range leaks {
		reflector = reflector || isReflectorMetric(l.Name)
		if i < 5 {
			out = append(out, l.Name+": "+thousands(l.Series)+" series")
		}
	}
	if more := len(leaks) - 5; more > 0 {
		sum := 0
		for _, l := range leaks[5:] {
			sum += l.Series
		}
		out = append(out, fmt.Sprintf("… and %d more metric names over %s series each (%s series)",
			more, thousands(leakSeriesThreshold), thousands(sum)))
	}
	if reflector {
		return append(out, reflectorLeakExplanation)
	}
	return append(out, "a healthy kubelet has at most a few hundred series per metric name; every series it "+
		"keeps costs memory, so a name that keeps growing is a leak — compare with the kubelet of a healthy node, "+
		"and restart this one if its memory keeps growing")
}

// reflectorLeakEvidence is one line on the reflector metrics leak for a memory finding, "" without one.
func reflectorLeakEvidence(k *KubeletFacts) string {
	if k == nil {
		return ""
	}
	var top SeriesCount
	names, sum := 0, 0
	for _, l := range CardinalityLeaks(k.MetricSeries) {
		if !isReflectorMetric(l.Name) {
			continue
		}
		if names == 0 {
			top = l
		}
		names++
		sum += l.Series
	}
	if names == 0 {
		return ""
	}
	return fmt.Sprintf("kubelet /metrics: %s: %s series; %d reflector_* metric names over %s series each, %s series in all "+
		"— the reflector metrics leak of kubelets 1.12 and 1.13 (removed in 1.14 by kubernetes PR 74636)",
		top.Name, thousands(top.Series), names, thousands(leakSeriesThreshold), thousands(sum))
}

// thousands renders 25749 as "25,749".
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
