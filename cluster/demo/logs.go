package demo

import (
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	k8stesting "k8s.io/client-go/testing"
)

// logsReaction serves pods/log (Pods().GetLogs). The fake's GetLogs does not pass the pod's name
// to reactors, so this answers for the pod of the namespace that best fits the options (one with
// the named container, with a previous run if Previous is set); PodLogs and Access answer for an
// exact pod.
func (c *Cluster) logsReaction(action k8stesting.Action) (bool, runtime.Object, error) {
	ga, ok := action.(k8stesting.GenericActionImpl)
	if !ok || ga.GetSubresource() != "log" {
		return false, nil, nil
	}
	opts, _ := ga.GetValue().(*corev1.PodLogOptions)
	if opts == nil {
		opts = &corev1.PodLogOptions{}
	}
	list, err := c.store.List(podsResource, podKind, ga.GetNamespace())
	if err != nil {
		return true, nil, err
	}
	var best *corev1.Pod
	score := -1
	for i := range list.(*corev1.PodList).Items {
		p := &list.(*corev1.PodList).Items[i]
		sc := 0
		for _, st := range p.Status.ContainerStatuses {
			if st.Name == opts.Container || opts.Container == "" {
				sc = 1
				if opts.Previous == (st.LastTerminationState.Terminated != nil) {
					sc = 2
				}
			}
		}
		if sc > score || (sc == score && objectKey(p) < objectKey(best)) {
			best, score = p, sc
		}
	}
	if best == nil {
		return true, nil, apierrors.NewNotFound(podsResource.GroupResource(), "")
	}
	text, err := c.podLogs(best, opts)
	if err != nil {
		return true, nil, err
	}
	return true, &runtime.Unknown{Raw: []byte(text)}, nil
}

// PodLogs returns the logs of a demo pod's container as the API server would, including its
// errors (a container that has not started, a node whose kubelet does not answer). It honours
// the options as Access().PodLogs does, except Follow.
func (c *Cluster) PodLogs(namespace, name string, opts *corev1.PodLogOptions) (string, error) {
	if opts == nil {
		opts = &corev1.PodLogOptions{}
	}
	obj, err := c.store.Get(podsResource, namespace, name)
	if err != nil {
		return "", err
	}
	return c.podLogs(obj.(*corev1.Pod), opts)
}

// podLogs is the log text for the options, without following.
func (c *Cluster) podLogs(p *corev1.Pod, opts *corev1.PodLogOptions) (string, error) {
	if err := validateLogOptions(p.Name, opts); err != nil {
		return "", err
	}
	entries, err := c.containerLog(p, opts, defaultLinePeriod)
	if err != nil {
		return "", err
	}
	w := newLogWriter(opts, c.Now())
	var b strings.Builder
	for _, e := range w.select_(entries) {
		line, ok := w.format(e)
		b.WriteString(line)
		if !ok {
			break
		}
	}
	return b.String(), nil
}

// logEntry is one line of a container's log: when the runtime captured it, and the line as the
// program wrote it (with its own timestamp, if it writes one), without the newline.
type logEntry struct {
	t    time.Time
	line string
}

const (
	// rfc3339NanoFixed is the kubelet's timestamp for timestamps=true (cri-client's RFC3339NanoFixed).
	rfc3339NanoFixed = "2006-01-02T15:04:05.000000000Z07:00"
	// defaultLinePeriod is how often a running demo container writes a line, on average.
	defaultLinePeriod = 2 * time.Second
	// logHistory is how much of a running container's log the demo keeps (the rest was rotated).
	logHistory = 5 * time.Minute
)

// logSource says where a container's log comes from.
type logSource struct {
	running bool      // the container runs: its log grows
	id      string    // its container ID, to notice a restart
	start   time.Time // the grid of its lines starts here
	upto    time.Time // the log was read up to here
}

// containerStatusOf finds the container's status, or the API's error for the options.
func (c *Cluster) containerStatusOf(p *corev1.Pod, opts *corev1.PodLogOptions) (*corev1.ContainerStatus, error) {
	name := opts.Container
	if name == "" {
		if len(p.Spec.Containers) != 1 {
			var names []string
			for _, ctr := range p.Spec.Containers {
				names = append(names, ctr.Name)
			}
			return nil, apierrors.NewBadRequest(fmt.Sprintf("a container name must be specified for pod %s, choose one of: %v", p.Name, names))
		}
		name = p.Spec.Containers[0].Name
	}
	for i := range p.Status.ContainerStatuses {
		if p.Status.ContainerStatuses[i].Name == name {
			return &p.Status.ContainerStatuses[i], nil
		}
	}
	for _, ctr := range p.Spec.Containers {
		if ctr.Name == name {
			return nil, apierrors.NewBadRequest(fmt.Sprintf("container %q in pod %q is waiting to start: ContainerCreating", name, p.Name))
		}
	}
	if p.Spec.NodeName == "" {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("container %q in pod %q is waiting to start: no node assigned", name, p.Name))
	}
	return nil, apierrors.NewBadRequest(fmt.Sprintf("container %s is not valid for pod %s", name, p.Name))
}

// containerLog returns the whole log the kubelet would read for the options (tail, since and
// limits not applied), or the error the API server gives.
func (c *Cluster) containerLog(p *corev1.Pod, opts *corev1.PodLogOptions, period time.Duration) ([]logEntry, error) {
	entries, _, err := c.containerLogSource(p, opts, period)
	return entries, err
}

func (c *Cluster) containerLogSource(p *corev1.Pod, opts *corev1.PodLogOptions, period time.Duration) ([]logEntry, logSource, error) {
	st, err := c.containerStatusOf(p, opts)
	if err != nil {
		return nil, logSource{}, err
	}
	name := st.Name
	if !c.alive(p.Spec.NodeName) {
		return nil, logSource{}, apierrors.NewInternalError(fmt.Errorf(`Get "https://%s:10250/containerLogs/%s/%s/%s": dial tcp %s:10250: connect: no route to host`,
			p.Status.HostIP, p.Namespace, p.Name, name, p.Status.HostIP))
	}
	if opts.Previous {
		if st.LastTerminationState.Terminated == nil {
			return nil, logSource{}, apierrors.NewBadRequest(fmt.Sprintf("previous terminated container %q in pod %q not found", name, p.Name))
		}
		return previousLogs(p, name, st.LastTerminationState.Terminated), logSource{}, nil
	}
	if w := st.State.Waiting; w != nil {
		if w.Reason == "CrashLoopBackOff" && st.LastTerminationState.Terminated != nil {
			// As the kubelet: the last run's log, and the stream ends there.
			return previousLogs(p, name, st.LastTerminationState.Terminated), logSource{}, nil
		}
		return nil, logSource{}, apierrors.NewBadRequest(fmt.Sprintf("container %q in pod %q is waiting to start: %s", name, p.Name, w.Reason))
	}
	// The kubelet asks the runtime where the log is: with containerd down it cannot, and an
	// evicted pod's containers are gone.
	if (p.Spec.NodeName == NodeRuntimeDown && c.incident(NodeRuntimeDown)) || p.Status.Reason == "Evicted" {
		return nil, logSource{}, apierrors.NewBadRequest(fmt.Sprintf("unable to retrieve container logs for %s", st.ContainerID))
	}
	now := c.Now()
	if r := st.State.Running; r != nil {
		src := logSource{running: true, id: st.ContainerID, start: r.StartedAt.Time, upto: now}
		return gridLines(p, name, src.start, maxTime(now.Add(-logHistory), src.start), now, period), src, nil
	}
	if t := st.State.Terminated; t != nil {
		end := t.FinishedAt.Time
		return gridLines(p, name, t.StartedAt.Time, maxTime(end.Add(-logHistory), t.StartedAt.Time), end, period), logSource{}, nil
	}
	return nil, logSource{}, nil
}

// gridTime is when the k-th line of a container's log was written: every period on average, each
// line up to a quarter period early or late, so lines come every ~1–3 s at the default period.
func gridTime(p *corev1.Pod, container string, start time.Time, k int, period time.Duration) time.Time {
	return start.Add(time.Duration(k)*period - period/4).
		Add(jitter(fmt.Sprintf("line/%s/%s/%s/%d", p.Namespace, p.Name, container, k), period/2))
}

// gridRange is the indexes of a container's lines written in [from, to].
func gridRange(start, from time.Time, period time.Duration) int {
	if !from.After(start) {
		return 0
	}
	return max(int(from.Sub(start)/period)-1, 0)
}

// gridLines are a running (or finished) container's lines written in [from, to].
func gridLines(p *corev1.Pod, container string, start, from, to time.Time, period time.Duration) []logEntry {
	var out []logEntry
	for k := gridRange(start, from, period); ; k++ {
		t := gridTime(p, container, start, k, period)
		if t.After(to) {
			return out
		}
		if t.Before(from) || t.Before(start) {
			continue
		}
		if line := runningLine(p, container, k, t); line != "" {
			out = append(out, logEntry{t: t, line: line})
		}
	}
}

// entry is a line a program wrote at t with its own timestamp; the runtime captured it a little
// later, with nanoseconds.
func entry(t time.Time, format string, args ...any) logEntry {
	line := appTime(t) + " " + fmt.Sprintf(format, args...)
	return logEntry{t: t.Add(20*time.Microsecond + jitter(line, 900*time.Microsecond)), line: line}
}

// appTime is the timestamp the demo's programs print.
func appTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000") }

// klogTime is klog's header timestamp, for programs logging with klog (kube-proxy).
func klogTime(t time.Time) string { return t.UTC().Format("0102 15:04:05.000000") }

// previousLogs: the end of a container's last run.
func previousLogs(p *corev1.Pod, container string, t *corev1.ContainerStateTerminated) []logEntry {
	start, end := t.StartedAt.Time, t.FinishedAt.Time
	var out []logEntry
	add := func(at time.Time, format string, args ...any) { out = append(out, entry(at, format, args...)) }
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	switch {
	case strings.HasPrefix(container, "calico-node"):
		add(start.Add(ms(112)), "[INFO][9] startup/startup.go 432: Early log level set to info")
		add(start.Add(ms(112)), "[INFO][9] startup/utils.go 126: Using NODENAME environment for node name %s", p.Spec.NodeName)
		add(start.Add(ms(113)), "[INFO][9] startup/utils.go 138: Determined node name: %s", p.Spec.NodeName)
		add(start.Add(ms(114)), "[INFO][9] startup/startup.go 95: Starting node %s with version v3.30.2", p.Spec.NodeName)
		add(start.Add(ms(116)), "[INFO][9] startup/startup.go 106: Setting NetworkUnavailable to true")
		add(start.Add(ms(900)), "[INFO][9] startup/startup.go 756: Using autodetected IPv4 address on interface ens5: %s/24", p.Status.HostIP)
		if t.Reason == "OOMKilled" {
			add(start.Add(2*time.Second), "[INFO][61] felix/daemon.go 410: Successfully loaded configuration. GOMAXPROCS=4 builddate=\"2025-07-09T21:53:04+0000\" config=&config.Config{...} gitcommit=\"e2b9a7e4b\"")
			add(end.Add(-2*time.Second), "[INFO][61] felix/int_dataplane.go 1954: Applying dataplane updates")
			add(end.Add(-ms(1400)), "[INFO][61] felix/route_table.go 1185: Syncing routes: adding new route. ifaceName=\"cali4c6f8a1d2e3\" ipVersion=0x4 targetCIDR=10.244.14.37/32")
			break
		}
		add(start.Add(ms(1100)), "[INFO][9] startup/startup.go 437: Checking datastore connection")
		for i, at := 0, start.Add(ms(1100)); at.Add(10 * time.Second).Before(end.Add(-10 * time.Second)); i++ {
			at = at.Add(10 * time.Second)
			add(at, "[INFO][9] startup/startup.go 461: Hit error connecting to datastore - retry error=Get \"https://10.96.0.1:443/api/v1/nodes/foo\": net/http: TLS handshake timeout")
		}
		add(end.Add(-10*time.Second), "[WARNING][9] startup/startup.go 473: Unable to access datastore to query node configuration")
		add(end.Add(-ms(40)), `[ERROR][9] startup/startup.go 158: failed to query kubeadm's config map error=Get "https://10.96.0.1:443/api/v1/namespaces/kube-system/configmaps/kubeadm-config?timeout=2s": net/http: TLS handshake timeout`)
		add(end.Add(-ms(2)), "[WARNING][9] startup/utils.go 48: Terminating")
		out = append(out, logEntry{t: end.Add(-ms(1) + 312*time.Microsecond + 77), line: "Calico node failed to start"})
	case t.Reason == "OOMKilled":
		add(start, "INFO  [main] c.e.search.IndexerApplication : Started IndexerApplication in 14.2 seconds (process running for 15.1)")
		add(end.Add(-40*time.Second), "WARN  [gc] GC overhead: 91%% of the last 60s spent in GC, heap 5.8g/6.0g")
		add(end.Add(-3*time.Second), "INFO  [bulk-3] c.e.search.BulkIndexer : flushed 50000 documents to search-es (4112 ms)")
	default:
		add(start, "starting %s", container)
		add(end, "received SIGTERM, shutting down")
	}
	// The runtime reads the lines in the order they were written.
	for i := 1; i < len(out); i++ {
		if !out[i].t.After(out[i-1].t) {
			out[i].t = out[i-1].t.Add(11*time.Microsecond + time.Duration(i)*173)
		}
	}
	return out
}

// runningLine is the k-th line a running container writes, at t; "" for a container that writes
// nothing (the node shell's sleep).
func runningLine(p *corev1.Pod, container string, k int, t time.Time) string {
	seed := fmt.Sprintf("%s/%s/%d", p.Name, container, k)
	switch {
	case container == "calico-node":
		switch k % 4 {
		case 0:
			return entry(t, "[INFO][%d] felix/summary.go 100: Summarising 12 dataplane reconciliation loops over 1m0.4s: avg=%dms longest=%dms (resync-routes-v4)", 60+k%7, 3+spread(seed, 4), 12+spread(seed+"l", 20)).line
		case 1:
			return entry(t, "[INFO][%d] felix/int_dataplane.go 1954: Applying dataplane updates", 60+k%7).line
		case 2:
			return entry(t, "[INFO][%d] felix/int_dataplane.go 1968: Finished applying updates to dataplane. msecToApply=%d.%03d", 60+k%7, spread(seed, 4), spread(seed+"f", 1000)).line
		default:
			return entry(t, "[INFO][%d] felix/health.go 336: Overall health status changed: live=true ready=true", 60+k%7).line
		}
	case container == "kube-proxy":
		if p.Spec.NodeName == NodeConntrackMissing && k%5 == 2 {
			return fmt.Sprintf(`E%s       1 cleanup.go:70] "Failed to delete stale service connections" err="error deleting connection tracking state for UDP service IP: 10.96.0.10, error: error looking for path of conntrack: exec: \"conntrack\": executable file not found in $PATH" IP="10.96.0.10"`, klogTime(t))
		}
		if k%2 == 0 {
			return fmt.Sprintf(`I%s       1 proxier.go:805] "Syncing iptables rules"`, klogTime(t))
		}
		return fmt.Sprintf(`I%s       1 proxier.go:799] "SyncProxyRules complete" elapsed="%dms"`, klogTime(t), 11+spread(seed, 30))
	case container == "shell" || container == "loadgen":
		return ""
	case p.Namespace == "shop" || p.Namespace == "payments" || p.Namespace == "search":
		paths := []string{"/healthz", "/api/v1/items", "/api/v1/cart", "/metrics", "/api/v1/orders", "/readyz"}
		status := 200
		if spread(seed+"s", 40) == 0 {
			status = 503
		}
		return entry(t, "INFO request method=GET path=%s status=%d duration=%dms", paths[spread(seed+"p", len(paths))], status, 1+spread(seed, 9)).line
	default:
		return entry(t, "level=info msg=\"%s running\" component=%s", container, container).line
	}
}
