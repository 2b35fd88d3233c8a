package demo

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// legacy-07's 1.12 kubelet's /metrics: a few plain families and the leaked reflector metrics
// (seed 002), a series set per reflector.

// legacyMetrics: legacy-07's 1.12 kubelet, its reflector metrics leaking (seed 002).
func legacyMetrics(m *metricsWriter, c *Cluster, p nodePlan) error {
	pods := c.podsOnNode(p.name)
	up := c.Now().Sub(c.boots(p)[0]).Seconds()
	calls := int(up / 10)
	summary := func(name, help, labels string, mean float64, count int) error {
		sep := ""
		if labels != "" {
			sep = ","
		}
		for i, q := range []string{"0.5", "0.9", "0.99"} {
			if err := m.sample(name, labels+sep+`quantile="`+q+`"`, math.Round(mean*float64(1+i*i)*100)/100); err != nil {
				return err
			}
		}
		if err := m.sample(name+"_sum", labels, math.Round(mean*float64(count))); err != nil {
			return err
		}
		return m.sample(name+"_count", labels, float64(count))
	}
	simple := []struct {
		name, typ, help string
		v               float64
	}{
		{"cadvisor_version_info", "gauge", "A metric with a constant '1' value labeled by kernel version, OS version, docker version, cadvisor version & cadvisor revision.", 1},
		{"get_token_count", "counter", "Counter of total Token() requests to the alternate token source", 0},
		{"get_token_fail_count", "counter", "Counter of failed Token() requests to the alternate token source", 0},
		{"go_goroutines", "gauge", "Number of goroutines that currently exist.", 2814},
		{"go_memstats_alloc_bytes", "gauge", "Number of bytes allocated and still in use.", 2.58422e+09},
		{"go_memstats_heap_inuse_bytes", "gauge", "Number of heap bytes that are in use.", 2.5966e+09},
		{"go_memstats_heap_objects", "gauge", "Number of allocated objects.", 3.1244817e+07},
		{"go_memstats_sys_bytes", "gauge", "Number of bytes obtained from system.", 2.8617e+09},
		{"go_threads", "gauge", "Number of OS threads created.", 58},
		{"kubelet_running_container_count", "gauge", "Number of containers currently running", float64(2 * len(pods))},
		{"kubelet_running_pod_count", "gauge", "Number of pods currently running", float64(len(pods))},
		{"process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.", math.Round(up * 0.41)},
		{"process_max_fds", "gauge", "Maximum number of open file descriptors.", 1e6},
		{"process_open_fds", "gauge", "Number of open file descriptors.", 1371},
		{"process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", 2.7301e+09},
		{"process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.", float64(c.boots(p)[0].Unix() + 25)},
		{"process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.", 4.81e+09},
	}
	type fam = struct {
		name  string
		write func() error
	}
	var fams []fam
	for _, s := range simple {
		s := s
		fams = append(fams, fam{s.name, func() error {
			if err := m.family(s.name, s.typ, s.help); err != nil {
				return err
			}
			labels := ""
			if s.name == "cadvisor_version_info" {
				labels = `cadvisorRevision="",cadvisorVersion="",dockerVersion="18.06.1-ce",kernelVersion="3.10.0-957.el7.x86_64",osVersion="CentOS Linux 7 (Core)"`
			}
			return m.sample(s.name, labels, s.v)
		}})
	}
	ops := []string{"container_status", "create_container", "exec_sync", "image_status", "list_containers", "list_images", "list_podsandbox",
		"podsandbox_status", "remove_container", "remove_podsandbox", "run_podsandbox", "start_container", "status", "stop_container",
		"stop_podsandbox", "update_runtime_config", "version"}
	fams = append(fams,
		fam{"kubelet_runtime_operations", func() error {
			if err := m.family("kubelet_runtime_operations", "counter", "Cumulative number of runtime operations by operation type."); err != nil {
				return err
			}
			for _, op := range ops {
				if err := m.sample("kubelet_runtime_operations", `operation_type="`+op+`"`, float64(calls*(1+spread(op, 30))/10)); err != nil {
					return err
				}
			}
			return nil
		}},
		fam{"kubelet_runtime_operations_latency_microseconds", func() error {
			if err := m.family("kubelet_runtime_operations_latency_microseconds", "summary", "Latency in microseconds of runtime operations. Broken down by operation type."); err != nil {
				return err
			}
			for _, op := range ops {
				if err := summary("kubelet_runtime_operations_latency_microseconds", "", `operation_type="`+op+`"`, float64(900+spread(op, 90000)), calls*(1+spread(op, 30))/10); err != nil {
					return err
				}
			}
			return nil
		}},
		fam{"kubelet_pleg_relist_interval_microseconds", func() error {
			// The relist loop has not finished a pass since it wedged: no observations in the window.
			if err := m.family("kubelet_pleg_relist_interval_microseconds", "summary", "Interval in microseconds between relisting in PLEG."); err != nil {
				return err
			}
			for _, q := range []string{"0.5", "0.9", "0.99"} {
				if err := m.sample("kubelet_pleg_relist_interval_microseconds", `quantile="`+q+`"`, math.NaN()); err != nil {
					return err
				}
			}
			if err := m.sample("kubelet_pleg_relist_interval_microseconds_sum", "", 2.5914e+11); err != nil {
				return err
			}
			return m.sample("kubelet_pleg_relist_interval_microseconds_count", "", float64(int(up)-4000))
		}},
	)
	fams = append(fams, reflectorFamilies(m)...)
	sort.SliceStable(fams, func(i, j int) bool { return fams[i].name < fams[j].name })
	for _, f := range fams {
		if err := f.write(); err != nil {
			return err
		}
	}
	return nil
}

// reflectorCount is how many reflectors legacy-07's kubelet has made since it started.
const reflectorCount = 8412

// reflectorName is the metric label of the i-th leaked reflector: client-go 1.12 named a reflector
// "reflector_" + its name + "_" + a process-wide counter, with "/", ".", "-" and ":" made "_"; the
// watch-based ConfigMap and Secret manager named its reflectors object-"namespace"/"name".
func reflectorName(i int) string {
	object := fmt.Sprintf("loadgen-run-%05d", 3000+i/2)
	if i%2 == 1 {
		object = "loadgen-token-" + suffix(fmt.Sprint("token", i/2), 5)
	}
	name := fmt.Sprintf("reflector_object-%q/%q_%d", "perf-test", object, 41+i+i/97)
	return strings.NewReplacer("/", "_", ".", "_", "-", "_", ":", "_").Replace(name)
}

func reflectorFamilies(m *metricsWriter) []struct {
	name  string
	write func() error
} {
	type fam = struct {
		name  string
		write func() error
	}
	labels := make([]string, reflectorCount)
	for i := range labels {
		labels[i] = `name="` + strings.ReplaceAll(reflectorName(i), `"`, `\"`) + `"`
	}
	label := func(i int) string { return labels[i] }
	live := func(i int) bool { return i >= reflectorCount-236 } // the watches still open
	summary := func(name, help string, mean float64) fam {
		return fam{name, func() error {
			if err := m.family(name, "summary", help); err != nil {
				return err
			}
			for i := 0; i < reflectorCount; i++ {
				l := label(i)
				for _, q := range []string{"0.5", "0.9", "0.99"} {
					v := math.NaN() // no observation in the summary's ten-minute window
					if live(i) {
						v = mean
					}
					if err := m.sample(name, l+`,quantile="`+q+`"`, v); err != nil {
						return err
					}
				}
				if err := m.sample(name+"_sum", l, math.Round(mean*float64(1+i%3)*1000)/1000); err != nil {
					return err
				}
				if err := m.sample(name+"_count", l, float64(1+i%3)); err != nil {
					return err
				}
			}
			return nil
		}}
	}
	counter := func(name, typ, help string, v func(i int) float64) fam {
		return fam{name, func() error {
			if err := m.family(name, typ, help); err != nil {
				return err
			}
			for i := 0; i < reflectorCount; i++ {
				if err := m.sample(name, label(i), v(i)); err != nil {
					return err
				}
			}
			return nil
		}}
	}
	return []fam{
		summary("reflector_items_per_list", "How many items an API list returns to the reflectors", 1),
		summary("reflector_items_per_watch", "How many items an API watch returns to the reflectors", 0),
		counter("reflector_last_resource_version", "gauge", "Last resource version seen for the reflectors", func(i int) float64 { return float64(18472113 + i*37) }),
		summary("reflector_list_duration_seconds", "How long an API list takes to return and decode for the reflectors", 0.004),
		counter("reflector_lists_total", "counter", "Total number of API lists done by the reflectors", func(int) float64 { return 1 }),
		counter("reflector_short_watches_total", "counter", "Total number of short API watches done by the reflectors", func(int) float64 { return 0 }),
		summary("reflector_watch_duration_seconds", "How long an API watch takes to return and decode for the reflectors", 411.6),
		counter("reflector_watches_total", "counter", "Total number of API watches done by the reflectors", func(i int) float64 { return float64(1 + i%3) }),
	}
}
