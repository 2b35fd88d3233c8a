package testenv

// Recorded kubelet output the stand-in serves: /configz (the recorded configuration with the node
// log mode's settings), the /debug/pprof/goroutine dump, and the generated /metrics.

import (
	"bufio"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// Recorded kubelet output.
var (
	// configz of a v1.37.2 kubelet on a kubeadm node, the answer to GET /configz.
	//go:embed testdata/kubelet/configz.json
	recordedConfigz []byte
	// The goroutine profile (debug=1) of the kubelet of seed 001: PLEG's relist blocked sending on
	// its full event channel (generic.go:261, the runtime's chansend frames hidden at the top as
	// pprof does), syncLoop sleeping in its backoff, 2,814 goroutines in all. The blocking send
	// exists only before Kubernetes 1.14 (kubernetes#72709 made it non-blocking), so this is the
	// v1.12.10 kubelet's dump whatever version the stand-in's node reports.
	//go:embed testdata/kubelet/goroutine-debug1.txt
	recordedGoroutines string
)

// SeedReflectorLeak is the number of leaked reflectors in seed 002's kubelet metrics: 8,583 series
// of each per-reflector counter and 25,749 (three quantiles each) of each summary.
const SeedReflectorLeak = 8583

func (k *KubeletStandIn) serveGoroutines(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("debug") != "1" {
		http.Error(w, "kubelet stand-in: only the debug=1 goroutine profile is recorded", http.StatusBadRequest)
		return
	}
	dump := k.opts.Goroutines
	if dump == "" {
		dump = recordedGoroutines
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = io.WriteString(w, dump)
}

// standInConfigz is the recorded configz with the node log mode's settings and the caller's.
func standInConfigz(opts KubeletStandInOptions) ([]byte, error) {
	if opts.NodeLog == NodeLogDebuggingOff && opts.Configz == nil {
		return nil, nil
	}
	var doc map[string]map[string]any
	if err := json.Unmarshal(recordedConfigz, &doc); err != nil {
		return nil, fmt.Errorf("recorded configz: %w", err)
	}
	cfg := doc["kubeletconfig"]
	switch opts.NodeLog {
	case NodeLogQueryOn:
		cfg["enableSystemLogQuery"] = true
	case NodeLogQueryOff:
		cfg["enableSystemLogQuery"] = false
	case NodeLogGateOff:
		cfg["enableSystemLogQuery"] = true
		cfg["featureGates"] = map[string]any{"NodeLogQuery": false}
	case NodeLogHandlerOff:
		cfg["enableSystemLogHandler"] = false
		cfg["enableSystemLogQuery"] = true
	case NodeLogDebuggingOff:
		cfg["enableDebuggingHandlers"] = false
	}
	for key, v := range opts.Configz {
		cfg[key] = v
	}
	return json.Marshal(doc)
}

// serveMetrics writes a v1.12-era kubelet's /metrics: runtime, storage and client families (the
// counts of seed 002's table), plus every per-reflector family for ReflectorLeak reflectors, each
// named like the watch-based ConfigMap manager's reflectors client-go left registered.
func (k *KubeletStandIn) serveMetrics(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	bw := bufio.NewWriterSize(w, 64<<10)
	defer bw.Flush()
	writeKubeletMetrics(bw, k.opts.ReflectorLeak)
}

func writeKubeletMetrics(w io.Writer, reflectors int) {
	family := func(name, typ, help string) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
	}
	summary := func(name, labels string, sum float64, count int) {
		for _, q := range []string{"0.5", "0.9", "0.99"} {
			fmt.Fprintf(w, "%s{%squantile=%q} NaN\n", name, labels, q)
		}
		fmt.Fprintf(w, "%s_sum{%s} %g\n%s_count{%s} %d\n", name, strings.TrimSuffix(labels, ","), sum, name, strings.TrimSuffix(labels, ","), count)
	}
	histogram := func(name, labels string, buckets []float64, count int) {
		for i, le := range buckets {
			fmt.Fprintf(w, "%s_bucket{%sle=%q} %d\n", name, labels, strconv.FormatFloat(le, 'g', -1, 64), count*(i+1)/(len(buckets)+1))
		}
		fmt.Fprintf(w, "%s_bucket{%sle=\"+Inf\"} %d\n", name, labels, count)
		fmt.Fprintf(w, "%s_sum{%s} %g\n%s_count{%s} %d\n", name, strings.TrimSuffix(labels, ","), float64(count)*0.7, name, strings.TrimSuffix(labels, ","), count)
	}

	family("go_goroutines", "gauge", "Number of goroutines that currently exist.")
	fmt.Fprintln(w, "go_goroutines 9412")
	family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.")
	fmt.Fprintln(w, "process_resident_memory_bytes 2.570641408e+09")
	family("kubelet_running_pod_count", "gauge", "Number of pods currently running")
	fmt.Fprintln(w, "kubelet_running_pod_count 400")

	// 17 CRI operations: kubelet_runtime_operations and the latency summary (51 quantile series).
	ops := []string{"container_status", "create_container", "exec_sync", "image_status", "list_containers", "list_images",
		"list_podsandbox", "podsandbox_status", "pull_image", "remove_container", "remove_podsandbox", "run_podsandbox",
		"start_container", "status", "stop_container", "stop_podsandbox", "version"}
	family("kubelet_runtime_operations", "counter", "Cumulative number of runtime operations by operation type.")
	for i, op := range ops {
		fmt.Fprintf(w, "kubelet_runtime_operations{operation_type=%q} %d\n", op, 1000+i*37)
	}
	family("kubelet_runtime_operations_latency_microseconds", "summary", "Latency in microseconds of runtime operations. Broken down by operation type.")
	for i, op := range ops {
		summary("kubelet_runtime_operations_latency_microseconds", fmt.Sprintf("operation_type=%q,", op), float64(1000+i*37)*1850, 1000+i*37)
	}
	// 11 docker operations: 33 quantile series.
	dockerOps := []string{"create_container", "info", "inspect_container", "inspect_image", "list_containers", "list_images",
		"remove_container", "start_container", "stop_container", "version", "logs"}
	family("kubelet_docker_operations_latency_microseconds", "summary", "Latency in microseconds of Docker operations. Broken down by operation type.")
	for i, op := range dockerOps {
		summary("kubelet_docker_operations_latency_microseconds", fmt.Sprintf("operation_type=%q,", op), float64(500+i)*2200, 500+i)
	}
	// storage_operation_duration_seconds: 5 plugins × 3 operations × 11 buckets = 165 bucket series.
	family("storage_operation_duration_seconds", "histogram", "Storage operation duration")
	for _, plugin := range []string{"kubernetes.io/configmap", "kubernetes.io/secret", "kubernetes.io/empty-dir", "kubernetes.io/host-path", "kubernetes.io/projected"} {
		for _, op := range []string{"verify_controller_attached_volume", "volume_mount", "volume_unmount"} {
			histogram("storage_operation_duration_seconds", fmt.Sprintf("operation_name=%q,volume_plugin=%q,", op, plugin),
				[]float64{0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 25, 50}, 4000)
		}
	}
	// rest_client_request_latency_seconds: 4 verb/url pairs × 11 buckets = 44 bucket series.
	family("rest_client_request_latency_seconds", "histogram", "Request latency in seconds. Broken down by verb and URL.")
	for _, vu := range [][2]string{{"GET", "https://10.0.0.1:6443/api/v1/namespaces/%7Bnamespace%7D/configmaps/%7Bname%7D"},
		{"GET", "https://10.0.0.1:6443/api/v1/nodes/%7Bname%7D"}, {"PATCH", "https://10.0.0.1:6443/api/v1/nodes/%7Bname%7D/status"},
		{"POST", "https://10.0.0.1:6443/api/v1/namespaces/%7Bnamespace%7D/events"}} {
		histogram("rest_client_request_latency_seconds", fmt.Sprintf("url=%q,verb=%q,", vu[1], vu[0]),
			[]float64{0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512}, 9000)
	}

	if reflectors <= 0 {
		return
	}
	// client-go named each reflector "reflector_" + name + "_" + a process-wide counter, with
	// /, ., - and : replaced by _; the watch-based manager names them object-"NS"/"NAME".
	names := make([]string, reflectors)
	for i := range names {
		names[i] = fmt.Sprintf(`reflector_object_\"jobs_%03d\"_\"hello_world_config_%05d\"_%d`, i/100, i, 3188+i)
	}
	for _, c := range []struct{ name, help string }{
		{"reflector_lists_total", "Total number of API lists done by the reflectors"},
		{"reflector_short_watches_total", "Total number of short API watches done by the reflectors"},
		{"reflector_watches_total", "Total number of API watches done by the reflectors"},
	} {
		family(c.name, "counter", c.help)
		for i, n := range names {
			fmt.Fprintf(w, "%s{name=\"%s\"} %d\n", c.name, n, 1+i%3)
		}
	}
	family("reflector_last_resource_version", "gauge", "Last resource version seen for the reflectors")
	for i, n := range names {
		fmt.Fprintf(w, "reflector_last_resource_version{name=\"%s\"} %d\n", n, 71905040+i)
	}
	for _, s := range []struct{ name, help string }{
		{"reflector_items_per_list", "How many items an API list returns to the reflectors"},
		{"reflector_items_per_watch", "How many items an API watch returns to the reflectors"},
		{"reflector_list_duration_seconds", "How long an API list takes to return and decode for the reflectors"},
		{"reflector_watch_duration_seconds", "How long an API watch takes to return and decode for the reflectors"},
	} {
		family(s.name, "summary", s.help)
		for _, n := range names {
			summary(s.name, "name=\""+n+"\",", 0.012, 1)
		}
	}
}
