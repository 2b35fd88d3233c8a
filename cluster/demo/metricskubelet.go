package demo

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// A healthy modern kubelet's /metrics: its metric families, bucket layouts and feature gates.

var (
	defBuckets     = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}
	runtimeBuckets = []float64{0.005, 0.0125, 0.03125, 0.078125, 0.1953125, 0.48828125, 1.220703125, 3.0517578125, 7.62939453125, 19.073486328125, 47.6837158203125, 119.20928955078125, 298.0232238769531, 745.0580596923828}
	podBuckets     = []float64{0.5, 1, 2, 3, 4, 5, 6, 8, 10, 20, 30, 45, 60, 120, 180, 240, 300, 360, 480, 600, 900, 1200, 1800, 2700, 3600}
	relistBuckets  = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}
)

// kubeletMetrics: a healthy modern kubelet's exposition.
func kubeletMetrics(m *metricsWriter, c *Cluster, p nodePlan) error {
	pods := c.podsOnNode(p.name)
	running, containers := 0, 0
	for _, pod := range pods {
		if pod.Status.Phase == corev1.PodRunning {
			running++
		}
		for _, st := range pod.Status.ContainerStatuses {
			if st.State.Running != nil {
				containers++
			}
		}
	}
	up := c.Now().Sub(c.boots(p)[len(c.boots(p))-1]).Seconds()
	calls := int(up / 10)
	type fam struct {
		name, typ, help string
		write           func(name string) error
	}
	one := func(v float64) func(string) error {
		return func(name string) error { return m.sample(name, "", v) }
	}
	labeled := func(labels []string, v func(i int) float64) func(string) error {
		return func(name string) error {
			for i, l := range labels {
				if err := m.sample(name, l, v(i)); err != nil {
					return err
				}
			}
			return nil
		}
	}
	hist := func(labels []string, buckets []float64, count func(i int) int, mean func(i int) float64) func(string) error {
		return func(name string) error {
			for i, l := range labels {
				if err := m.histogram(name, l, buckets, count(i), mean(i), name+l); err != nil {
					return err
				}
			}
			return nil
		}
	}
	ops := []string{"container_status", "create_container", "exec_sync", "image_fs_info", "image_status", "list_containers",
		"list_images", "list_podsandbox", "list_podsandbox_stats", "podsandbox_status", "remove_container", "remove_podsandbox",
		"run_podsandbox", "start_container", "status", "stop_container", "stop_podsandbox", "update_runtime_config", "version"}
	var opLabels []string
	for _, op := range ops {
		opLabels = append(opLabels, `operation_type="`+op+`"`)
	}
	opCount := func(i int) int { return 1 + calls*(1+spread(ops[i], 40))/10 }
	opMean := func(i int) float64 { return 0.002 + float64(spread(ops[i]+"m", 40))/1000 }
	verbs := []string{"GET", "PATCH", "POST", "PUT", "WATCH"}
	var restLabels []string
	for _, v := range verbs {
		restLabels = append(restLabels, `host="10.0.1.10:6443",verb="`+v+`"`)
	}
	var codeLabels []string
	for _, v := range verbs {
		codeLabels = append(codeLabels, `code="200",host="10.0.1.10:6443",method="`+v+`"`)
	}
	codeLabels = append(codeLabels, `code="201",host="10.0.1.10:6443",method="POST"`, `code="404",host="10.0.1.10:6443",method="GET"`, `code="409",host="10.0.1.10:6443",method="PUT"`)
	var features []string
	for _, f := range knownFeatures {
		features = append(features, fmt.Sprintf(`name=%q,stage=%q`, f.name, f.stage))
	}
	fams := []fam{
		{"aggregator_discovery_aggregation_count_total", "counter", "[ALPHA] Counter of number of times discovery was aggregated", one(0)},
		{"apiserver_audit_event_total", "counter", "[ALPHA] Counter of audit events generated and sent to the audit backend.", one(0)},
		{"apiserver_audit_requests_rejected_total", "counter", "[ALPHA] Counter of apiserver requests rejected due to an error in audit logging backend.", one(0)},
		{"apiserver_client_certificate_expiration_seconds", "histogram", "[ALPHA] Distribution of the remaining lifetime on the certificate used to authenticate a request.",
			hist([]string{""}, []float64{0, 1800, 3600, 7200, 21600, 43200, 86400, 172800, 345600, 604800, 2.592e+06, 7.776e+06, 1.5552e+07, 3.1104e+07}, func(int) int { return calls / 6 }, func(int) float64 { return 2.9e7 })},
		{"apiserver_delegated_authn_request_duration_seconds", "histogram", "[ALPHA] Request latency in seconds. Broken down by status code.",
			hist([]string{`code="201"`}, []float64{0.25, 0.5, 0.7, 1, 1.5, 3, 5, 10}, func(int) int { return 40 + calls/200 }, func(int) float64 { return 0.004 })},
		{"apiserver_delegated_authn_request_total", "counter", "[ALPHA] Number of HTTP requests partitioned by status code.", labeled([]string{`code="201"`}, func(int) float64 { return float64(40 + calls/200) })},
		{"apiserver_delegated_authz_request_duration_seconds", "histogram", "[ALPHA] Request latency in seconds. Broken down by status code.",
			hist([]string{`code="201"`}, []float64{0.25, 0.5, 0.7, 1, 1.5, 3, 5, 10}, func(int) int { return 40 + calls/200 }, func(int) float64 { return 0.003 })},
		{"apiserver_delegated_authz_request_total", "counter", "[ALPHA] Number of HTTP requests partitioned by status code.", labeled([]string{`code="201"`}, func(int) float64 { return float64(40 + calls/200) })},
		{"apiserver_envelope_encryption_dek_cache_fill_percent", "gauge", "[ALPHA] Percent of the cache slots currently occupied by cached DEKs.", one(0)},
		{"apiserver_storage_data_key_generation_failures_total", "counter", "[ALPHA] Total number of failed data encryption key(DEK) generation operations.", one(0)},
		{"apiserver_storage_envelope_transformation_cache_misses_total", "counter", "[ALPHA] Total number of cache misses while accessing key decryption key(KEK).", one(0)},
		{"apiserver_webhooks_x509_insecure_sha1_total", "counter", "[ALPHA] Counts the number of requests to servers with insecure SHA1 signatures in their serving certificate OR the number of connection failures due to the insecure SHA1 signatures (either/or, based on the runtime environment)", one(0)},
		{"apiserver_webhooks_x509_missing_san_total", "counter", "[ALPHA] Counts the number of requests to servers missing SAN extension in their serving certificate OR the number of connection failures due to the lack of x509 certificate SAN extension missing (either/or, based on the runtime environment)", one(0)},
		{"authentication_token_cache_active_fetch_count", "gauge", "[ALPHA] ", labeled([]string{`status="blocking"`, `status="in_flight"`}, func(int) float64 { return 0 })},
		{"authentication_token_cache_fetch_total", "counter", "[ALPHA] ", labeled([]string{`status="ok"`}, func(int) float64 { return float64(12 + calls/600) })},
		{"authentication_token_cache_request_total", "counter", "[ALPHA] ", labeled([]string{`status="hit"`, `status="miss"`}, func(i int) float64 { return float64([]int{calls / 30, 12 + calls/600}[i]) })},
		{"cardinality_enforcement_unexpected_categorizations_total", "counter", "[ALPHA] The count of unexpected categorizations during cardinality enforcement.", one(0)},
		{"csi_operations_seconds", "histogram", "[ALPHA] Container Storage Interface operation duration with gRPC error code status total",
			hist([]string{`driver_name="rbd.csi.ceph.com",grpc_status_code="OK",method_name="/csi.v1.Node/NodeGetCapabilities",migrated="false"`}, []float64{0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 25, 50, 120, 300, 600}, func(int) int { return calls / 9 }, func(int) float64 { return 0.0007 })},
		{"disabled_metrics_total", "counter", "[BETA] The count of disabled metrics.", one(0)},
		{"go_gc_duration_seconds", "summary", "A summary of the wall-time pause (stop-the-world) duration in garbage collection cycles.", func(name string) error {
			for _, q := range []string{"0", "0.25", "0.5", "0.75", "1"} {
				v, _ := strconv.ParseFloat(q, 64)
				if err := m.sample(name, `quantile="`+q+`"`, 2.1e-05+v*0.00031); err != nil {
					return err
				}
			}
			if err := m.sample(name+"_sum", "", float64(calls)*0.00012); err != nil {
				return err
			}
			return m.sample(name+"_count", "", float64(calls/3))
		}},
		{"go_gc_gogc_percent", "gauge", "Heap size target percentage configured by the user, otherwise 100. This value is set by the GOGC environment variable, and the runtime/debug.SetGCPercent function. Sourced from /gc/gogc:percent.", one(100)},
		{"go_gc_gomemlimit_bytes", "gauge", "Go runtime memory limit configured by the user, otherwise math.MaxInt64. This value is set by the GOMEMLIMIT environment variable, and the runtime/debug.SetMemoryLimit function. Sourced from /gc/gomemlimit:bytes.", one(9.223372036854776e+18)},
		{"go_goroutines", "gauge", "Number of goroutines that currently exist.", one(float64(300 + 3*len(pods)))},
		{"go_info", "gauge", "Information about the Go environment.", labeled([]string{`version="go1.26.3"`}, func(int) float64 { return 1 })},
	}
	for _, name := range []string{"alloc_bytes", "alloc_bytes_total", "buck_hash_sys_bytes", "frees_total", "gc_sys_bytes", "heap_alloc_bytes",
		"heap_idle_bytes", "heap_inuse_bytes", "heap_objects", "heap_released_bytes", "heap_sys_bytes", "last_gc_time_seconds", "mallocs_total",
		"mcache_inuse_bytes", "mcache_sys_bytes", "mspan_inuse_bytes", "mspan_sys_bytes", "next_gc_bytes", "other_sys_bytes",
		"stack_inuse_bytes", "stack_sys_bytes", "sys_bytes"} {
		typ := "gauge"
		if strings.HasSuffix(name, "_total") {
			typ = "counter"
		}
		fams = append(fams, fam{"go_memstats_" + name, typ, "Go runtime memory statistic " + strings.ReplaceAll(name, "_", " ") + ".",
			one(float64(1 << 20 * (4 + spread(p.name+name, 90))))})
	}
	fams = append(fams,
		fam{"go_sched_gomaxprocs_threads", "gauge", "The current runtime.GOMAXPROCS setting, or the number of operating system threads that can execute user-level Go code simultaneously. Sourced from /sched/gomaxprocs:threads.", one(float64(p.machine.cpu))},
		fam{"go_threads", "gauge", "Number of OS threads created.", one(float64(20 + p.machine.cpu*2))},
		fam{"hidden_metrics_total", "counter", "[BETA] The count of hidden metrics.", one(0)},
		fam{"kubelet_active_pods", "gauge", "[ALPHA] The number of pods the kubelet considers active and which are being considered when admitting new pods. static is true if the pod is not from the apiserver.",
			labeled([]string{`static=""`, `static="true"`}, func(i int) float64 { return float64([]int{running, 0}[i]) })},
		fam{"kubelet_certificate_manager_client_expiration_renew_errors", "counter", "[BETA] Counter of certificate renewal errors.", one(0)},
		fam{"kubelet_certificate_manager_client_ttl_seconds", "gauge", "[ALPHA] Gauge of the TTL (time-to-live) of the Kubelet's client certificate. The value is in seconds until certificate expiry (negative if already expired). If client certificate is invalid or unused, the value will be +INF.", one(2.4e7)},
		fam{"kubelet_cgroup_manager_duration_seconds", "histogram", "[ALPHA] Duration in seconds for cgroup manager operations. Broken down by method.",
			hist([]string{`operation_type="create"`, `operation_type="destroy"`, `operation_type="update"`}, defBuckets, func(i int) int { return calls / (5 + i) }, func(int) float64 { return 0.008 })},
		fam{"kubelet_cgroup_version", "gauge", "[ALPHA] cgroup version on the hosts.", one(2)},
		fam{"kubelet_container_log_filesystem_used_bytes", "gauge", "[ALPHA] Bytes used by the container's logs on the filesystem.", func(name string) error {
			for _, pod := range pods {
				for _, st := range pod.Status.ContainerStatuses {
					l := fmt.Sprintf(`container=%q,namespace=%q,pod=%q,uid=%q`, st.Name, pod.Namespace, pod.Name, pod.UID)
					if err := m.sample(name, l, float64(4096*(1+spread(pod.Name+st.Name, 2000)))); err != nil {
						return err
					}
				}
			}
			return nil
		}},
		fam{"kubelet_containers_per_pod_count", "histogram", "[ALPHA] The number of containers per pod.",
			hist([]string{""}, []float64{1, 2, 4, 8, 16}, func(int) int { return len(pods) }, func(int) float64 { return 1.3 })},
		fam{"kubelet_cpu_manager_pinning_errors_total", "counter", "[ALPHA] The number of cpu core allocations which required pinning failed.", one(0)},
		fam{"kubelet_cpu_manager_pinning_requests_total", "counter", "[ALPHA] The number of cpu core allocations which required pinning.", one(0)},
		fam{"kubelet_desired_pods", "gauge", "[ALPHA] The number of pods the kubelet is being instructed to run. static is true if the pod is not from the apiserver.",
			labeled([]string{`static=""`, `static="true"`}, func(i int) float64 { return float64([]int{len(pods), 0}[i]) })},
		fam{"kubelet_evictions", "counter", "[ALPHA] Cumulative number of pod evictions by eviction signal", func(name string) error {
			if p.name == NodeDiskPressure {
				return m.sample(name, `eviction_signal="nodefs.available"`, 4)
			}
			if p.name == NodeMemoryPressure {
				return m.sample(name, `eviction_signal="memory.available"`, 1)
			}
			return nil
		}},
		fam{"kubelet_graceful_shutdown_end_time_seconds", "gauge", "[ALPHA] Last graceful shutdown end time since unix epoch in seconds", one(0)},
		fam{"kubelet_graceful_shutdown_start_time_seconds", "gauge", "[ALPHA] Last graceful shutdown start time since unix epoch in seconds", one(0)},
		fam{"kubelet_http_inflight_requests", "gauge", "[ALPHA] Number of the inflight http requests",
			labeled([]string{`long_running="false",method="GET",path="metrics",server_type="readwrite"`}, func(int) float64 { return 1 })},
		fam{"kubelet_http_requests_duration_seconds", "histogram", "[ALPHA] Duration in seconds to serve http requests",
			hist([]string{`long_running="false",method="GET",path="metrics",server_type="readwrite"`, `long_running="false",method="GET",path="metrics/cadvisor",server_type="readwrite"`, `long_running="false",method="GET",path="metrics/probes",server_type="readwrite"`, `long_running="false",method="GET",path="stats",server_type="readwrite"`},
				defBuckets, func(i int) int { return calls / (3 + i) }, func(i int) float64 { return 0.004 * float64(1+i) })},
		fam{"kubelet_http_requests_total", "counter", "[ALPHA] Number of the http requests received since the server started",
			labeled([]string{`long_running="false",method="GET",path="metrics",server_type="readwrite"`, `long_running="false",method="GET",path="metrics/cadvisor",server_type="readwrite"`, `long_running="false",method="GET",path="metrics/probes",server_type="readwrite"`, `long_running="false",method="GET",path="stats",server_type="readwrite"`},
				func(i int) float64 { return float64(calls / (3 + i)) })},
		fam{"kubelet_image_garbage_collected_total", "counter", "[ALPHA] Total number of images garbage collected by the kubelet, whether through disk usage or image age.",
			labeled([]string{`reason="age"`, `reason="space"`}, func(i int) float64 { return float64(spread(p.name+"gc", 12) * (1 - i)) })},
		fam{"kubelet_lifecycle_handler_http_fallbacks_total", "counter", "[ALPHA] The number of times lifecycle handlers successfully fell back to http from https.", one(0)},
		fam{"kubelet_managed_ephemeral_containers", "gauge", "[ALPHA] Current number of ephemeral containers in pods managed by this kubelet.", one(0)},
		fam{"kubelet_memory_manager_pinning_errors_total", "counter", "[ALPHA] The number of memory pages allocations which required pinning that failed.", one(0)},
		fam{"kubelet_memory_manager_pinning_requests_total", "counter", "[ALPHA] The number of memory pages allocations which required pinning.", one(0)},
		fam{"kubelet_mirror_pods", "gauge", "[ALPHA] The number of mirror pods the kubelet will try to create (one per admitted static pod)", one(float64(staticPods(pods)))},
		fam{"kubelet_node_name", "gauge", "[ALPHA] The node's name. The count is always 1.", labeled([]string{`node="` + p.name + `"`}, func(int) float64 { return 1 })},
		fam{"kubelet_node_startup_duration_seconds", "gauge", "[ALPHA] Duration in seconds of node startup in total.", one(38.2)},
		fam{"kubelet_node_startup_post_registration_duration_seconds", "gauge", "[ALPHA] Duration in seconds of node startup after registration.", one(11.7)},
		fam{"kubelet_node_startup_pre_kubelet_duration_seconds", "gauge", "[ALPHA] Duration in seconds of node startup before kubelet starts.", one(24.9)},
		fam{"kubelet_node_startup_pre_registration_duration_seconds", "gauge", "[ALPHA] Duration in seconds of node startup before registration.", one(0.82)},
		fam{"kubelet_node_startup_registration_duration_seconds", "gauge", "[ALPHA] Duration in seconds of node startup during registration.", one(0.79)},
		fam{"kubelet_orphan_pod_cleaned_volumes", "gauge", "[ALPHA] The total number of orphaned Pods whose volumes were cleaned in the last periodic sweep.", one(0)},
		fam{"kubelet_orphan_pod_cleaned_volumes_errors", "gauge", "[ALPHA] The number of orphaned Pods whose volumes failed to be cleaned in the last periodic sweep.", one(0)},
		fam{"kubelet_orphaned_runtime_pods_total", "counter", "[ALPHA] Number of pods that have been detected in the container runtime without being already known to the pod worker. This typically indicates the kubelet was restarted while a pod was force deleted in the API or in the local configuration, which is unusual.", one(0)},
		fam{"kubelet_pleg_discard_events", "counter", "[ALPHA] The number of discard events in PLEG.", one(0)},
		fam{"kubelet_pleg_last_seen_seconds", "gauge", "[ALPHA] Timestamp in seconds when PLEG was last seen active.", one(float64(c.Now().Unix()))},
		fam{"kubelet_pleg_relist_duration_seconds", "histogram", "[ALPHA] Duration in seconds for relisting pods in PLEG.",
			hist([]string{""}, relistBuckets, func(int) int { return int(up) }, func(int) float64 { return 0.011 })},
		fam{"kubelet_pleg_relist_interval_seconds", "histogram", "[ALPHA] Interval in seconds between relisting in PLEG.",
			hist([]string{""}, relistBuckets, func(int) int { return int(up) }, func(int) float64 { return 1.01 })},
		fam{"kubelet_pod_start_duration_seconds", "histogram", "[ALPHA] Duration in seconds from kubelet seeing a pod for the first time to the pod starting to run",
			hist([]string{""}, podBuckets, func(int) int { return len(pods) }, func(int) float64 { return 4.1 })},
		fam{"kubelet_pod_start_sli_duration_seconds", "histogram", "[ALPHA] Duration in seconds to start a pod, excluding time to pull images and run init containers, measured from pod creation timestamp to when all its containers are reported as started and observed via watch",
			hist([]string{""}, podBuckets, func(int) int { return len(pods) }, func(int) float64 { return 2.3 })},
		fam{"kubelet_pod_worker_duration_seconds", "histogram", "[ALPHA] Duration in seconds to sync a single pod. Broken down by operation type: create, update, or sync",
			hist([]string{`operation_type="create"`, `operation_type="sync"`, `operation_type="update"`}, defBuckets, func(i int) int { return []int{len(pods), calls, len(pods) * 3}[i] }, func(int) float64 { return 0.02 })},
		fam{"kubelet_preemptions", "counter", "[ALPHA] Cumulative number of pod preemptions by preemption resource", func(string) error { return nil }},
		fam{"kubelet_restarted_pods_total", "counter", "[ALPHA] Number of pods that have been restarted because they were deleted and recreated with the same UID while the kubelet was watching them (common for static pods, extremely uncommon for API pods)",
			labeled([]string{`static=""`, `static="true"`}, func(int) float64 { return 0 })},
		fam{"kubelet_run_podsandbox_duration_seconds", "histogram", "[ALPHA] Duration in seconds of the run_podsandbox operations. Broken down by RuntimeClass.Handler.",
			hist([]string{`runtime_handler=""`}, defBuckets, func(int) int { return len(pods) }, func(int) float64 { return 0.4 })},
		fam{"kubelet_running_containers", "gauge", "[ALPHA] Number of containers currently running",
			labeled([]string{`container_state="created"`, `container_state="exited"`, `container_state="running"`, `container_state="unknown"`}, func(i int) float64 { return float64([]int{0, len(pods) / 3, containers, 0}[i]) })},
		fam{"kubelet_running_pods", "gauge", "[ALPHA] Number of pods that have a running pod sandbox", one(float64(running))},
		fam{"kubelet_runtime_operations_duration_seconds", "histogram", "[ALPHA] Duration in seconds of runtime operations. Broken down by operation type.",
			hist(opLabels, runtimeBuckets, opCount, opMean)},
		fam{"kubelet_runtime_operations_errors_total", "counter", "[ALPHA] Cumulative number of runtime operation errors by operation type.", func(name string) error {
			if p.name == NodeRuntimeDown || p.name == NodePodIPExhausted || p.name == NodeCNINotReady {
				for _, l := range []string{`operation_type="list_podsandbox"`, `operation_type="run_podsandbox"`, `operation_type="status"`} {
					if err := m.sample(name, l, float64(30+spread(p.name+l, 400))); err != nil {
						return err
					}
				}
			}
			return nil
		}},
		fam{"kubelet_runtime_operations_total", "counter", "[ALPHA] Cumulative number of runtime operations by operation type.", labeled(opLabels, func(i int) float64 { return float64(opCount(i)) })},
		fam{"kubelet_started_containers_errors_total", "counter", "[ALPHA] Cumulative number of errors when starting containers", func(string) error { return nil }},
		fam{"kubelet_started_containers_total", "counter", "[ALPHA] Cumulative number of containers started",
			labeled([]string{`container_type="container"`, `container_type="init_container"`}, func(i int) float64 { return float64([]int{containers + 3, 3 * len(pods) / 10}[i]) })},
		fam{"kubelet_started_pods_errors_total", "counter", "[ALPHA] Cumulative number of errors when starting pods", one(0)},
		fam{"kubelet_started_pods_total", "counter", "[ALPHA] Cumulative number of pods started", one(float64(len(pods)))},
		fam{"kubelet_volume_metric_collection_duration_seconds", "histogram", "[ALPHA] Duration in seconds to calculate volume stats",
			hist([]string{`metric_source="fsinfo"`}, []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}, func(int) int { return calls / 6 }, func(int) float64 { return 0.0004 })},
		fam{"kubelet_working_pods", "gauge", "[ALPHA] Number of pods the kubelet is actually running, broken down by lifecycle phase, whether the pod is desired, orphaned, or runtime only (also orphaned), and whether the pod is static. An orphaned pod has been removed from local configuration or force deleted in the API and consumes resources that are not otherwise visible.",
			labeled([]string{`config="desired",lifecycle="sync",static=""`, `config="desired",lifecycle="terminated",static=""`, `config="desired",lifecycle="terminating",static=""`, `config="orphan",lifecycle="sync",static=""`},
				func(i int) float64 { return float64([]int{running, len(pods) - running, 0, 0}[i]) })},
		fam{"kubernetes_build_info", "gauge", "[ALPHA] A metric with a constant '1' value labeled by major, minor, git version, git commit, git tree state, build date, Go version, and compiler from which Kubernetes was built, and platform on which it is running.",
			labeled([]string{fmt.Sprintf(`build_date="2026-06-11T09:14:52Z",compiler="gc",git_commit="6f1a3e2b9c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f",git_tree_state="clean",git_version=%q,go_version="go1.26.3",major="1",minor="%d",platform="linux/amd64"`, p.os.kubelet, p.minor())}, func(int) float64 { return 1 })},
		fam{"kubernetes_feature_enabled", "gauge", "[BETA] This metric records the data about the stage and enablement of a k8s feature.",
			labeled(features, func(i int) float64 {
				if knownFeatures[i].on || knownFeatures[i].name == "NodeLogQuery" && nodeLogQueryOn(p) {
					return 1
				}
				return 0
			})},
		fam{"plugin_manager_total_plugins", "gauge", "[ALPHA] Number of plugins in Plugin Manager",
			labeled([]string{`socket_path="/var/lib/kubelet/plugins_registry/rbd.csi.ceph.com-reg.sock",state="actual_state_of_world"`, `socket_path="/var/lib/kubelet/plugins_registry/rbd.csi.ceph.com-reg.sock",state="desired_state_of_world"`}, func(int) float64 { return 1 })},
		fam{"process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.", one(math.Round(up*0.031*100) / 100)},
		fam{"process_max_fds", "gauge", "Maximum number of open file descriptors.", one(1e6)},
		fam{"process_network_receive_bytes_total", "counter", "Number of bytes received by the process over the network.", one(math.Round(up * 21000))},
		fam{"process_network_transmit_bytes_total", "counter", "Number of bytes sent by the process over the network.", one(math.Round(up * 14000))},
		fam{"process_open_fds", "gauge", "Number of open file descriptors.", one(float64(40 + len(pods)))},
		fam{"process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", one(float64(90<<20 + len(pods)<<20))},
		fam{"process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.", one(float64(c.boots(p)[len(c.boots(p))-1].Add(25 * 1e9).Unix()))},
		fam{"process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.", one(2.9e9)},
		fam{"process_virtual_memory_max_bytes", "gauge", "Maximum amount of virtual memory available in bytes.", one(1.8446744073709552e+19)},
		fam{"prober_probe_total", "counter", "[ALPHA] Cumulative number of a liveness, readiness or startup probe for a container by result.", func(name string) error {
			for _, pod := range pods {
				for _, ctr := range pod.Spec.Containers {
					for _, kind := range []struct {
						typ   string
						probe *corev1.Probe
					}{{"Liveness", ctr.LivenessProbe}, {"Readiness", ctr.ReadinessProbe}} {
						if kind.probe == nil {
							continue
						}
						l := fmt.Sprintf(`container=%q,namespace=%q,pod=%q,pod_uid=%q,probe_type=%q,result="successful"`, ctr.Name, pod.Namespace, pod.Name, pod.UID, kind.typ)
						if err := m.sample(name, l, float64(calls)); err != nil {
							return err
						}
					}
				}
			}
			return nil
		}},
		fam{"registered_metrics_total", "counter", "[BETA] The count of registered metrics broken by stability level and deprecation version.",
			labeled([]string{`deprecated_version="",stability_level="ALPHA"`, `deprecated_version="",stability_level="BETA"`, `deprecated_version="",stability_level="STABLE"`}, func(i int) float64 { return float64([]int{151, 5, 6}[i]) })},
		fam{"rest_client_exec_plugin_certificate_rotation_age", "histogram", "[ALPHA] Histogram of the number of seconds the last auth exec plugin client certificate lived before being rotated. If auth exec plugin client certificates are unused, histogram will contain no data.",
			hist([]string{""}, []float64{600, 1800, 3600, 14400, 86400, 604800, 2.592e+06, 7.776e+06, 1.5552e+07, 3.1104e+07, 1.24416e+08}, func(int) int { return 0 }, func(int) float64 { return 1 })},
		fam{"rest_client_exec_plugin_ttl_seconds", "gauge", "[ALPHA] Gauge of the shortest TTL (time-to-live) of the client certificate(s) managed by the auth exec plugin. The value is in seconds until certificate expiry (negative if already expired). If auth exec plugins are unused or manage no TLS certificates, the value will be +INF.", one(math.Inf(1))},
		fam{"rest_client_rate_limiter_duration_seconds", "histogram", "[ALPHA] Client side rate limiter latency in seconds. Broken down by verb, and host.",
			hist(restLabels, []float64{0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60}, func(i int) int { return calls / (2 + i) }, func(int) float64 { return 0.00001 })},
		fam{"rest_client_request_duration_seconds", "histogram", "[ALPHA] Request latency in seconds. Broken down by verb, and host.",
			hist(restLabels, []float64{0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60}, func(i int) int { return calls / (2 + i) }, func(i int) float64 { return 0.006 * float64(1+i) })},
		fam{"rest_client_requests_total", "counter", "[ALPHA] Number of HTTP requests, partitioned by status code, method, and host.", labeled(codeLabels, func(i int) float64 { return float64(calls/(2+i%5)) / float64(1+i/5*30) })},
		fam{"rest_client_transport_cache_entries", "gauge", "[ALPHA] Number of transport entries in the internal cache.", one(2)},
		fam{"rest_client_transport_create_calls_total", "counter", "[ALPHA] Number of calls to get a new transport, partitioned by the result of the operation hit: obtained from the cache, miss: created and added to the cache, uncacheable: created and not cached",
			labeled([]string{`result="hit"`, `result="miss"`, `result="uncacheable"`}, func(i int) float64 { return float64([]int{9, 2, 1}[i]) })},
		fam{"storage_operation_duration_seconds", "histogram", "[ALPHA] Storage operation duration",
			hist([]string{`migrated="false",operation_name="volume_mount",status="success",volume_plugin="kubernetes.io/configmap"`, `migrated="false",operation_name="volume_mount",status="success",volume_plugin="kubernetes.io/empty-dir"`, `migrated="false",operation_name="volume_mount",status="success",volume_plugin="kubernetes.io/host-path"`, `migrated="false",operation_name="volume_mount",status="success",volume_plugin="kubernetes.io/projected"`, `migrated="false",operation_name="volume_unmount",status="success",volume_plugin="kubernetes.io/projected"`, `migrated="false",operation_name="verify_controller_attached_volume",status="success",volume_plugin="kubernetes.io/projected"`},
				[]float64{0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 25, 50, 120, 300, 600}, func(i int) int { return len(pods) * (1 + i%2) }, func(int) float64 { return 0.03 })},
		fam{"volume_manager_selinux_container_errors_total", "gauge", "[ALPHA] Number of errors when kubelet cannot compute SELinux context for a container. Kubelet can't start such a Pod then and it will retry, therefore value of this metric may not represent the actual nr. of containers.", one(0)},
		fam{"volume_manager_selinux_volume_context_mismatch_errors_total", "gauge", "[ALPHA] Number of errors when a Pod defines different SELinux contexts for its containers that use the same volume. Kubelet can't start such a Pod then and it will retry, therefore value of this metric may not represent the actual nr. of Pods.", one(0)},
		fam{"volume_manager_total_volumes", "gauge", "[ALPHA] Number of volumes in Volume Manager",
			labeled([]string{`plugin_name="kubernetes.io/configmap",state="actual_state_of_world"`, `plugin_name="kubernetes.io/configmap",state="desired_state_of_world"`, `plugin_name="kubernetes.io/empty-dir",state="actual_state_of_world"`, `plugin_name="kubernetes.io/empty-dir",state="desired_state_of_world"`, `plugin_name="kubernetes.io/host-path",state="actual_state_of_world"`, `plugin_name="kubernetes.io/host-path",state="desired_state_of_world"`, `plugin_name="kubernetes.io/projected",state="actual_state_of_world"`, `plugin_name="kubernetes.io/projected",state="desired_state_of_world"`},
				func(i int) float64 { return float64([]int{2, 2, 3, 3, 9, 9, len(pods), len(pods)}[i]) })},
	)
	for _, w := range []string{"adds_total", "depth", "longest_running_processor_seconds", "queue_duration_seconds", "retries_total", "unfinished_work_seconds", "work_duration_seconds"} {
		typ := "gauge"
		switch {
		case strings.HasSuffix(w, "_total"):
			typ = "counter"
		case w == "queue_duration_seconds" || w == "work_duration_seconds":
			typ = "histogram"
		}
		name := "workqueue_" + w
		queues := []string{`name="DynamicCABundle-client-ca-bundle"`, `name="DynamicServingCertificateController"`}
		write := labeled(queues, func(i int) float64 {
			if typ == "counter" {
				return float64(calls / 90)
			}
			return 0
		})
		if typ == "histogram" {
			write = hist(queues, []float64{1e-08, 1e-07, 1e-06, 9.999999999999999e-06, 9.999999999999999e-05, 0.001, 0.01, 0.1, 1, 10}, func(int) int { return calls / 90 }, func(int) float64 { return 0.00004 })
		}
		fams = append(fams, fam{name, typ, "[ALPHA] Workqueue metric " + strings.ReplaceAll(w, "_", " ") + ".", write})
	}
	sort.SliceStable(fams, func(i, j int) bool { return fams[i].name < fams[j].name })
	for _, f := range fams {
		if f.name == "kubernetes_feature_enabled" && p.minor() < 26 {
			continue // no feature metric before 1.26
		}
		if err := m.family(f.name, f.typ, f.help); err != nil {
			return err
		}
		if err := f.write(f.name); err != nil {
			return err
		}
	}
	return nil
}

func staticPods(pods []*corev1.Pod) int {
	n := 0
	for _, p := range pods {
		if p.Annotations["kubernetes.io/config.mirror"] != "" {
			n++
		}
	}
	return n
}

// knownFeatures is a sample of the feature gates kubernetes_feature_enabled lists (one series each).
var knownFeatures = func() []struct {
	name, stage string
	on          bool
} {
	type f = struct {
		name, stage string
		on          bool
	}
	out := []f{
		{"AllAlpha", "ALPHA", false}, {"AllBeta", "BETA", false}, {"AnonymousAuthConfigurableEndpoints", "", true},
		{"ContainerCheckpoint", "BETA", true}, {"CPUManagerPolicyAlphaOptions", "ALPHA", false}, {"CPUManagerPolicyBetaOptions", "BETA", true},
		{"DisableCPUQuotaWithExclusiveCPUs", "BETA", true}, {"DynamicResourceAllocation", "", true}, {"EventedPLEG", "ALPHA", false},
		{"GracefulNodeShutdown", "", true}, {"ImageMaximumGCAge", "", true}, {"InPlacePodVerticalScaling", "", true},
		{"KubeletCgroupDriverFromCRI", "", true}, {"KubeletCrashLoopBackOffMax", "BETA", true}, {"KubeletFineGrainedAuthz", "", true},
		{"KubeletPodResourcesDynamicResources", "BETA", true}, {"KubeletPSI", "BETA", true}, {"KubeletTracing", "", true},
		{"MemoryQoS", "ALPHA", false}, {"NodeLogQuery", "", false}, {"NodeSwap", "", true}, {"PodLevelResources", "BETA", true},
		{"PodLifecycleSleepAction", "", true}, {"PodReadyToStartContainersCondition", "", true}, {"ProcMountType", "BETA", true},
		{"RecursiveReadOnlyMounts", "", true}, {"SidecarContainers", "", true}, {"SupplementalGroupsPolicy", "", true},
		{"TopologyManagerPolicyAlphaOptions", "ALPHA", false}, {"UserNamespacesSupport", "BETA", true},
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}()
