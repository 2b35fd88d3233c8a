package demo

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kubeletconfig "k8s.io/kubelet/config/v1beta1"
	"k8s.io/utils/ptr"

	"github.com/ktriage/ktriage/cluster"
)

// podNamed returns the node's pod whose name starts with prefix.
func podNamed(t *testing.T, c *Cluster, node, prefix string) corev1.Pod {
	t.Helper()
	for _, p := range podsOnNode(t, c, node) {
		if strings.HasPrefix(p.Name, prefix) {
			return p
		}
	}
	t.Fatalf("no pod %s* on %s", prefix, node)
	return corev1.Pod{}
}

func readLogs(t *testing.T, a cluster.Access, p corev1.Pod, opts *corev1.PodLogOptions) (string, error) {
	t.Helper()
	r, err := a.PodLogs(context.Background(), p.Namespace, p.Name, opts)
	if err != nil {
		return "", err
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	return string(b), err
}

var criTimestamp = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z `)

func TestPodLogsOptions(t *testing.T) {
	t.Parallel()
	c := New(seedTime)
	a := c.Access()
	proxy := podNamed(t, c, NodeWorker01, "kube-proxy-")
	opts := func(o corev1.PodLogOptions) *corev1.PodLogOptions { o.Container = "kube-proxy"; return &o }

	all, err := readLogs(t, a, proxy, opts(corev1.PodLogOptions{}))
	if err != nil || strings.Count(all, "\n") < 50 {
		t.Fatalf("kube-proxy's log: %v, %d lines", err, strings.Count(all, "\n"))
	}

	stamped, _ := readLogs(t, a, proxy, opts(corev1.PodLogOptions{Timestamps: true, TailLines: ptr.To[int64](3)}))
	lines := splitText(stamped)
	if len(lines) != 3 {
		t.Fatalf("tailLines 3 gave %d lines: %q", len(lines), stamped)
	}
	allLines := splitText(all)
	for i, l := range lines {
		if !criTimestamp.MatchString(l) {
			t.Errorf("line without the kubelet's timestamp: %q", l)
		}
		if want := allLines[len(allLines)-3+i]; l[31:] != want {
			t.Errorf("timestamped tail line %d is %q, want %q after the stamp", i, l, want)
		}
		// The program's own timestamp (klog's) stays in the line.
		if !regexp.MustCompile(`^[IWE]\d{4} \d\d:\d\d:\d\d\.\d{6} `).MatchString(l[31:]) {
			t.Errorf("kube-proxy's own klog header is gone: %q", l)
		}
	}

	since, _ := readLogs(t, a, proxy, opts(corev1.PodLogOptions{SinceSeconds: ptr.To[int64](20), Timestamps: true}))
	cutoff := c.Now().Add(-21 * time.Second)
	n := 0
	for _, l := range splitText(since) {
		ts, err := time.Parse(time.RFC3339Nano, l[:30])
		if err != nil || ts.Before(cutoff) {
			t.Errorf("sinceSeconds 20 returned %q", l)
		}
		n++
	}
	if n == 0 || n >= len(allLines) {
		t.Errorf("sinceSeconds 20 kept %d of %d lines", n, len(allLines))
	}
	sinceTime, _ := readLogs(t, a, proxy, opts(corev1.PodLogOptions{SinceTime: &metav1.Time{Time: c.Now().Add(time.Hour)}}))
	if sinceTime != "" {
		t.Errorf("sinceTime in the future returned %q", sinceTime)
	}

	limited, _ := readLogs(t, a, proxy, opts(corev1.PodLogOptions{LimitBytes: ptr.To[int64](100)}))
	if len(limited) != 100 || !strings.HasPrefix(all, limited) {
		t.Errorf("limitBytes 100 returned %d bytes", len(limited))
	}

	// The crash-looping calico-node: its last run, convincingly failing, with or without Previous.
	calico := podNamed(t, c, NodeCNINotReady, "calico-node-")
	prev, err := readLogs(t, a, calico, &corev1.PodLogOptions{Container: "calico-node", Previous: true})
	if err != nil || !strings.Contains(prev, "Hit error connecting to datastore") || !strings.HasSuffix(prev, "Calico node failed to start\n") {
		t.Errorf("calico-node's previous log: %v\n%s", err, prev)
	}
	if cur, err := readLogs(t, a, calico, &corev1.PodLogOptions{Container: "calico-node"}); err != nil || cur != prev {
		t.Errorf("a container in CrashLoopBackOff should show its last run: %v", err)
	}

	// The API's errors come back as errors, not in the stream.
	for _, n := range NodeNames() {
		fresh := podsOnNode(t, c, n)
		if len(fresh) == 0 || n == NodeUnreachable {
			continue
		}
		p := fresh[0]
		if st := p.Status.ContainerStatuses; len(st) > 0 && st[0].State.Running != nil && st[0].LastTerminationState.Terminated == nil {
			_, err := readLogs(t, a, p, &corev1.PodLogOptions{Container: st[0].Name, Previous: true})
			if !apierrors.IsBadRequest(err) || !strings.Contains(err.Error(), "previous terminated container") {
				t.Errorf("previous of a container that never restarted: %v", err)
			}
			break
		}
	}
	if _, err := readLogs(t, a, proxy, opts(corev1.PodLogOptions{TailLines: ptr.To[int64](-1)})); !apierrors.IsInvalid(err) {
		t.Errorf("negative tailLines: %v", err)
	}
	gone := podsOnNode(t, c, NodeUnreachable)[0]
	if _, err := readLogs(t, a, gone, &corev1.PodLogOptions{Container: gone.Spec.Containers[0].Name}); err == nil || !strings.Contains(err.Error(), "no route to host") {
		t.Errorf("logs from the unreachable node: %v", err)
	}
	for _, p := range podsOnNode(t, c, NodePodIPExhausted) {
		if p.Status.Phase == corev1.PodPending {
			_, err := readLogs(t, a, p, &corev1.PodLogOptions{Container: p.Spec.Containers[0].Name})
			if !apierrors.IsBadRequest(err) || !strings.Contains(err.Error(), "is waiting to start: ContainerCreating") {
				t.Errorf("logs of a ContainerCreating pod: %v", err)
			}
			break
		}
	}
}

func TestKubeProxyCantFindConntrack(t *testing.T) {
	t.Parallel()
	c := New(seedTime)
	proxy := podNamed(t, c, NodeConntrackMissing, "kube-proxy-")
	out, err := readLogs(t, c.Access(), proxy, &corev1.PodLogOptions{Container: "kube-proxy", TailLines: ptr.To[int64](200)})
	// diag's system-pod-unhealthy rule looks for this phrase in the fetched log lines.
	if err != nil || !strings.Contains(out, `error looking for path of conntrack: exec: \"conntrack\": executable file not found in $PATH`) {
		t.Errorf("kube-proxy on %s: %v\n%s", NodeConntrackMissing, err, out)
	}
	healthy, _ := readLogs(t, c.Access(), podNamed(t, c, NodeWorker01, "kube-proxy-"), &corev1.PodLogOptions{Container: "kube-proxy"})
	if strings.Contains(healthy, "conntrack") {
		t.Error("a healthy kube-proxy complains about conntrack")
	}
}

func TestPodLogsFollow(t *testing.T) {
	t.Parallel()
	c := New(seedTime)
	a := c.Access().(*access)
	a.linePeriod = 100 * time.Millisecond
	proxy := podNamed(t, c, NodeWorker02, "kube-proxy-")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r, err := a.PodLogs(ctx, proxy.Namespace, proxy.Name, &corev1.PodLogOptions{Container: "kube-proxy", Follow: true, TailLines: ptr.To[int64](2), Timestamps: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	lines := make(chan string, 100)
	ended := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			lines <- sc.Text()
		}
		ended <- sc.Err()
	}()
	var got []string
	deadline := time.After(5 * time.Second)
	for len(got) < 5 {
		select {
		case l := <-lines:
			got = append(got, l)
		case err := <-ended:
			t.Fatalf("the followed log ended: %v after %q", err, got)
		case <-deadline:
			t.Fatalf("no new lines while following: %q", got)
		}
	}
	for i, l := range got {
		if !criTimestamp.MatchString(l) {
			t.Errorf("followed line without timestamp: %q", l)
		}
		if i > 0 && l[:30] < got[i-1][:30] {
			t.Errorf("lines out of order: %q after %q", l, got[i-1])
		}
	}
	cancel()
	select {
	case <-ended:
	case <-time.After(2 * time.Second):
		t.Fatal("the stream did not end when the context was cancelled")
	}

	// Deleting the pod ends the stream with EOF.
	r2, err := a.PodLogs(context.Background(), proxy.Namespace, proxy.Name, &corev1.PodLogOptions{Container: "kube-proxy", Follow: true, TailLines: ptr.To[int64](1)})
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Close()
	if err := c.cs.CoreV1().Pods(proxy.Namespace).Delete(context.Background(), proxy.Name, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := io.ReadAll(r2); done <- err }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("stream of a deleted pod ended with %v, want EOF", err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("the stream did not end when the pod was deleted")
	}

	// A crash-looping container streams its last run and ends, as the real API does.
	calico := podNamed(t, c, NodeCNINotReady, "calico-node-")
	r3, err := a.PodLogs(context.Background(), calico.Namespace, calico.Name, &corev1.PodLogOptions{Container: "calico-node", Follow: true})
	if err != nil {
		t.Fatal(err)
	}
	go func() { b, err := io.ReadAll(r3); done <- errors.Join(err, errors.New(string(b))) }()
	select {
	case err := <-done:
		if !strings.Contains(err.Error(), "Calico node failed to start") {
			t.Errorf("followed crash-looping container: %v", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("following a crash-looping container did not end")
	}
}

func proxyGet(t *testing.T, a cluster.Access, node, path string, q url.Values) string {
	t.Helper()
	b, err := a.NodeProxy(context.Background(), node, path, q, 64<<20)
	if err != nil {
		t.Fatalf("%s of %s: %v", path, node, err)
	}
	return string(b)
}

func configOf(t *testing.T, a cluster.Access, node string) *kubeletconfig.KubeletConfiguration {
	t.Helper()
	var w struct {
		KubeletConfig *kubeletconfig.KubeletConfiguration `json:"kubeletconfig"`
	}
	if err := json.Unmarshal([]byte(proxyGet(t, a, node, "configz", nil)), &w); err != nil || w.KubeletConfig == nil {
		t.Fatalf("configz of %s does not decode: %v", node, err)
	}
	return w.KubeletConfig
}

func TestConfigz(t *testing.T) {
	t.Parallel()
	a := New(seedTime).Access()
	for _, n := range NodeNames() {
		if n == NodeUnreachable {
			continue
		}
		cfg := configOf(t, a, n)
		if cfg.MaxPods == 0 || cfg.CgroupsPerQOS == nil || cfg.ConfigMapAndSecretChangeDetectionStrategy == "" || cfg.EvictionHard["memory.available"] != "100Mi" {
			t.Errorf("%s: configz lacks the kubelet's defaults: %+v", n, cfg)
		}
	}
	pleg := configOf(t, a, NodePLEG)
	if pleg.MaxPods != 600 || *pleg.CgroupsPerQOS || pleg.ConfigMapAndSecretChangeDetectionStrategy != kubeletconfig.WatchChangeDetectionStrategy ||
		pleg.EnableSystemLogQuery != nil || pleg.FeatureGates != nil || pleg.ContainerRuntimeEndpoint != "" || pleg.CgroupDriver != "cgroupfs" {
		t.Errorf("legacy-07's 1.12 kubelet: maxPods %d cgroupsPerQOS %v strategy %q logQuery %v gates %v endpoint %q driver %q",
			pleg.MaxPods, *pleg.CgroupsPerQOS, pleg.ConfigMapAndSecretChangeDetectionStrategy, pleg.EnableSystemLogQuery, pleg.FeatureGates, pleg.ContainerRuntimeEndpoint, pleg.CgroupDriver)
	}
	w1 := configOf(t, a, NodeWorker01)
	if !w1.FeatureGates["NodeLogQuery"] || !*w1.EnableSystemLogQuery || !*w1.CgroupsPerQOS || w1.ContainerRuntimeEndpoint != "unix:///run/containerd/containerd.sock" {
		t.Errorf("worker-01: gates %v logQuery %v", w1.FeatureGates, *w1.EnableSystemLogQuery)
	}
	off := configOf(t, a, NodeLogQueryOff)
	if _, set := off.FeatureGates["NodeLogQuery"]; set || *off.EnableSystemLogQuery {
		t.Errorf("%s should have the node log query off: gates %v enableSystemLogQuery %v", NodeLogQueryOff, off.FeatureGates, *off.EnableSystemLogQuery)
	}
	if got := configOf(t, a, NodeDiskPressure).EvictionHard["nodefs.available"]; got != "10Gi" {
		t.Errorf("worker-09's nodefs threshold is %q; its evictions quote 10Gi", got)
	}
}

func TestNodeLogQuery(t *testing.T) {
	t.Parallel()
	c := New(seedTime)
	a := c.Access()
	journal := proxyGet(t, a, NodeRuntimeDown, "logs/", url.Values{"query": {"kubelet"}})
	for _, want := range []string{`"Skipping pod synchronization" err="[container runtime is down`, `"Container runtime sanity check failed"`, "worker-05 kubelet["} {
		if !strings.Contains(journal, want) {
			t.Errorf("worker-05's kubelet journal lacks %q", want)
		}
	}
	line := regexp.MustCompile(`^[A-Z][a-z]{2} \d\d \d\d:\d\d:\d\d\.\d{6} worker-05 kubelet\[\d+\]: [IWE]\d{4} `)
	for _, l := range splitText(journal)[:5] {
		if !line.MatchString(l) {
			t.Errorf("not journalctl's short-precise format: %q", l)
		}
	}

	containerd := proxyGet(t, a, NodeRuntimeDown, "logs/", url.Values{"query": {"containerd"}, "sinceTime": {c.Now().Add(-5 * time.Minute).UTC().Format(time.RFC3339)}})
	for _, want := range []string{"containerd.service: Main process exited, code=exited, status=1/FAILURE", "Scheduled restart job, restart counter is at ", `level=fatal msg="Failed to run CRI service"`} {
		if !strings.Contains(containerd, want) {
			t.Errorf("worker-05's containerd journal lacks %q:\n%s", want, containerd)
		}
	}
	m := regexp.MustCompile(`restart counter is at (\d+)\.`).FindAllStringSubmatch(containerd, -1)
	if n, _ := strconv.Atoi(m[len(m)-1][1]); n < 50 {
		t.Errorf("restart counter %d, want ~57 by now", n)
	}
	if strings.Contains(containerd, "kubelet[") {
		t.Error("query=containerd returned kubelet lines")
	}

	tail := proxyGet(t, a, NodeRuntimeDown, "logs/", url.Values{"query": {"kubelet"}, "tailLines": {"7"}, "pattern": {"skipping pod"}})
	lines := splitText(tail)
	if len(lines) != 7 {
		t.Errorf("tailLines 7 gave %d lines", len(lines))
	}
	for _, l := range lines {
		if !strings.Contains(l, "Skipping pod synchronization") { // the pattern is lower case: journalctl matches any case
			t.Errorf("pattern not applied: %q", l)
		}
	}

	if got := proxyGet(t, a, NodeWorker01, "logs/", url.Values{"query": {"kube-proxy"}}); got != "\nlog not found for kube-proxy\n" {
		t.Errorf("a service the node does not run: %q", got)
	}
	if got := proxyGet(t, a, NodeWorker01, "logs/", url.Values{"query": {"docker"}, "tailLines": {"10"}}); !strings.Contains(got, "options present and query resolved to log files for [docker]") {
		t.Errorf("a missing service with options: %q", got)
	}
	if got := proxyGet(t, a, NodeWorker01, "logs/", url.Values{"query": {"kubelet"}, "boot": {"-1"}}); !strings.Contains(got, "No such boot ID in journal") {
		t.Errorf("the previous boot of a node that never rebooted: %q", got)
	}
	_, err := a.NodeProxy(context.Background(), NodeWorker01, "logs/", url.Values{"query": {"kubelet"}, "tailLines": {"x"}}, 1<<20)
	var status apierrors.APIStatus
	if !apierrors.IsBadRequest(err) || !errors.As(err, &status) || !strings.Contains(status.Status().Details.Causes[0].Message, "tailLines") {
		t.Errorf("a bad tailLines: %v", err)
	}
	if _, err := a.NodeProxy(context.Background(), NodeWorker01, "logs/syslog", url.Values{"query": {"kubelet"}}, 1<<20); err == nil || !strings.Contains(err.Error(), "unable to respond") && !strings.Contains(err.Error(), "path not allowed") {
		t.Errorf("a path in query mode: %v", err)
	}
}

func TestNodeLogQueryOff(t *testing.T) {
	t.Parallel()
	c := New(seedTime)
	a := c.Access()
	// Go 1.2x's http.FileServer listing, 200 OK: the kubelet ignores the query.
	got := proxyGet(t, a, NodeLogQueryOff, "logs/", url.Values{"query": {"kubelet"}, "tailLines": {"100"}})
	want := "<!doctype html>\n<meta name=\"viewport\" content=\"width=device-width\">\n<pre>\n<a href=\"alternatives.log\">alternatives.log</a>\n"
	if !strings.HasPrefix(got, want) || !strings.HasSuffix(got, "</pre>\n") || !strings.Contains(got, "<a href=\"pods/\">pods/</a>\n") {
		t.Errorf("%s's logs/ is not the kubelet's directory listing:\n%s", NodeLogQueryOff, got)
	}
	// The 1.12 kubelet was built with Go 1.10: no doctype.
	old := proxyGet(t, a, NodePLEG, "logs/", url.Values{"query": {"kubelet"}})
	if !strings.HasPrefix(old, "<pre>\n<a href=\"anaconda/\">anaconda/</a>\n") || !strings.Contains(old, "<a href=\"messages\">messages</a>") {
		t.Errorf("legacy-07's logs/:\n%s", old)
	}
	// Its kubelet's lines are in /var/log/messages, with the line diag's PLEG rule looks for.
	messages := proxyGet(t, a, NodePLEG, "logs/messages", nil)
	found := false
	for _, l := range splitText(messages) {
		found = found || strings.Contains(l, "skipping pod synchronization") && strings.Contains(l, "PLEG is not healthy")
	}
	if !found || !strings.Contains(messages, " legacy-07 kubelet: I") {
		t.Errorf("legacy-07's /var/log/messages lacks the PLEG line")
	}
	if _, err := a.NodeProxy(context.Background(), NodePLEG, "logs/nosuch.log", nil, 1<<20); !apierrors.IsNotFound(err) {
		t.Errorf("a missing file: %v", err)
	}
}

func TestGoroutineDumps(t *testing.T) {
	t.Parallel()
	c := New(seedTime)
	a := c.Access()
	dump := proxyGet(t, a, NodePLEG, "debug/pprof/goroutine", url.Values{"debug": {"1"}})
	if !strings.HasPrefix(dump, "goroutine profile: total 2814\n") {
		t.Errorf("legacy-07's dump header: %q", dump[:40])
	}
	groups := strings.Split(dump, "\n\n")
	if len(groups) < 24 {
		t.Errorf("%d groups, want dozens", len(groups))
	}
	var relist string
	for _, g := range groups {
		if strings.Contains(g, "pleg.(*GenericPLEG).relist+0x74d") {
			relist = g
		}
	}
	lines := strings.Split(strings.TrimPrefix(relist, "goroutine profile: total 2814\n"), "\n")
	if len(lines) < 3 || !strings.HasPrefix(lines[0], "1 @ ") || !strings.Contains(lines[1], "k8s.io/kubernetes/pkg/kubelet/pleg.(*GenericPLEG).relist+0x74d") ||
		!strings.HasSuffix(lines[1], "pkg/kubelet/pleg/generic.go:261") {
		t.Fatalf("no relist group parked in generic.go:261:\n%s", relist)
	}
	// runtime/pprof hides the runtime frames on top (gopark, goparkunlock, chansend, chansend1), but
	// their addresses come first on the "@" line.
	pcs := strings.Fields(lines[0])[2:]
	framePC := strings.Fields(lines[1])[1]
	if len(pcs) != 10 {
		t.Errorf("relist's stack has %d addresses, want 10 as in seed 001", len(pcs))
	}
	if pc, _ := strconv.ParseUint(pcs[4], 0, 64); strconv.FormatUint(pc-1, 16) != strings.TrimPrefix(framePC, "0x") {
		t.Errorf("the relist frame (%s) is not the fifth address of %v", framePC, pcs)
	}
	full := proxyGet(t, a, NodePLEG, "debug/pprof/goroutine", url.Values{"debug": {"2"}})
	if !regexp.MustCompile(`goroutine \d+ \[chan send, \d+ minutes\]:\nk8s.io/kubernetes/pkg/kubelet/pleg.\(\*GenericPLEG\).relist\(`).MatchString(full) {
		t.Error("debug=2 does not show the relist goroutine in a chan send")
	}

	healthy := proxyGet(t, a, NodeWorker01, "debug/pprof/goroutine", url.Values{"debug": {"1"}})
	total, _ := strconv.Atoi(strings.TrimPrefix(strings.SplitN(healthy, "\n", 2)[0], "goroutine profile: total "))
	if total < 100 || total > 1000 || strings.Contains(healthy, "GenericPLEG).relist") {
		t.Errorf("worker-01's dump: total %d, relist present %v", total, strings.Contains(healthy, "relist"))
	}
	if strings.Contains(proxyGet(t, a, NodeWorker01, "debug/pprof/goroutine", url.Values{"debug": {"2"}}), "chan send") {
		t.Error("a healthy kubelet has a goroutine blocked in a chan send")
	}
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	c := New(seedTime)
	a := c.Access()
	leak := proxyGet(t, a, NodeReflectorLeak, "metrics", nil)
	series := strings.Count(leak, "\nreflector_watch_duration_seconds{")
	if series < 20000 || len(leak) > 30<<20 {
		t.Errorf("the leaking kubelet has %d reflector_watch_duration_seconds series in %d bytes", series, len(leak))
	}
	_, err := a.NodeProxy(context.Background(), NodeReflectorLeak, "metrics", nil, 4<<20)
	if !errors.Is(err, cluster.ErrTooLarge) {
		t.Errorf("metrics over the limit: %v", err)
	}

	healthy := proxyGet(t, a, NodeWorker01, "metrics", nil)
	names := map[string]bool{}
	for _, l := range strings.Split(healthy, "\n") {
		if strings.HasPrefix(l, "# TYPE ") {
			names[strings.Fields(l)[2]] = true
		}
	}
	if len(names) < 100 || strings.Contains(healthy, "reflector_") || !strings.Contains(healthy, `kubelet_node_name{node="worker-01"} 1`) {
		t.Errorf("worker-01's metrics: %d names", len(names))
	}
}

func TestProxyErrors(t *testing.T) {
	t.Parallel()
	a := New(seedTime).Access()
	for _, path := range []string{"configz", "logs/", "metrics", "debug/pprof/goroutine"} {
		_, err := a.NodeProxy(context.Background(), NodeUnreachable, path, nil, 1<<20)
		if !apierrors.IsServiceUnavailable(err) || !strings.Contains(err.Error(), "error trying to reach service: dial tcp 10.0.1.31:10250: connect: no route to host") {
			t.Errorf("%s of the unreachable node: %v", path, err)
		}
	}
	if _, err := a.NodeProxy(context.Background(), "worker-99", "configz", nil, 1<<20); !apierrors.IsNotFound(err) {
		t.Errorf("an unknown node: %v", err)
	}
	if _, err := a.NodeProxy(context.Background(), NodeWorker01, "configz", nil, 100); !errors.Is(err, cluster.ErrTooLarge) {
		t.Errorf("configz over a 100-byte limit: %v", err)
	}
	if _, err := a.NodeProxy(context.Background(), NodeWorker01, "nosuch", nil, 1<<20); !apierrors.IsNotFound(err) {
		t.Errorf("an unknown kubelet path: %v", err)
	}
	if _, err := a.NodeProxy(context.Background(), NodePLEG, "healthz", nil, 1<<20); err == nil || !strings.Contains(err.Error(), "syncloop failed") {
		t.Errorf("legacy-07's healthz: %v", err)
	}
}
