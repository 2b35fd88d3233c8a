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
// the named container, with a previous run if Previous is set); PodLogs answers for an exact pod.
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
// errors (a container that has not started, a node whose kubelet does not answer). The TUI's
// demo mode can call it directly, since the fake clientset's GetLogs cannot name the pod.
func (c *Cluster) PodLogs(namespace, name string, opts *corev1.PodLogOptions) (string, error) {
	if opts == nil {
		opts = &corev1.PodLogOptions{}
	}
	obj, err := c.store.Get(podsResource, namespace, name)
	if err != nil {
		return "", err
	}
	text, err := c.podLogs(obj.(*corev1.Pod), opts)
	if err != nil {
		return "", err
	}
	if opts.TailLines != nil {
		lines := strings.SplitAfter(text, "\n")
		if len(lines) > 0 && lines[len(lines)-1] == "" {
			lines = lines[:len(lines)-1]
		}
		if n := int(*opts.TailLines); n >= 0 && n < len(lines) {
			lines = lines[len(lines)-n:]
		}
		text = strings.Join(lines, "")
	}
	return text, nil
}

func (c *Cluster) podLogs(p *corev1.Pod, opts *corev1.PodLogOptions) (string, error) {
	name := opts.Container
	if name == "" {
		if len(p.Spec.Containers) != 1 {
			var names []string
			for _, ctr := range p.Spec.Containers {
				names = append(names, ctr.Name)
			}
			return "", apierrors.NewBadRequest(fmt.Sprintf("a container name must be specified for pod %s, choose one of: %v", p.Name, names))
		}
		name = p.Spec.Containers[0].Name
	}
	var st *corev1.ContainerStatus
	for i := range p.Status.ContainerStatuses {
		if p.Status.ContainerStatuses[i].Name == name {
			st = &p.Status.ContainerStatuses[i]
		}
	}
	if st == nil {
		if p.Spec.NodeName == "" {
			return "", apierrors.NewBadRequest(fmt.Sprintf("container %q in pod %q is waiting to start: no node assigned", name, p.Name))
		}
		return "", apierrors.NewBadRequest(fmt.Sprintf("container %s is not valid for pod %s", name, p.Name))
	}
	if !c.alive(p.Spec.NodeName) {
		return "", apierrors.NewInternalError(fmt.Errorf(`Get "https://%s:10250/containerLogs/%s/%s/%s": dial tcp %s:10250: connect: no route to host`,
			p.Status.HostIP, p.Namespace, p.Name, name, p.Status.HostIP))
	}
	if opts.Previous {
		if st.LastTerminationState.Terminated == nil {
			return "", apierrors.NewBadRequest(fmt.Sprintf("previous terminated container %q in pod %q not found", name, p.Name))
		}
		return previousLogs(p, name, st.LastTerminationState.Terminated), nil
	}
	if w := st.State.Waiting; w != nil {
		if w.Reason == "CrashLoopBackOff" && st.LastTerminationState.Terminated != nil {
			return previousLogs(p, name, st.LastTerminationState.Terminated), nil
		}
		return "", apierrors.NewBadRequest(fmt.Sprintf("container %q in pod %q is waiting to start: %s", name, p.Name, w.Reason))
	}
	since := c.Now().Add(-3 * time.Minute)
	if r := st.State.Running; r != nil && r.StartedAt.After(since) {
		since = r.StartedAt.Time
	}
	return runningLogs(p, name, since), nil
}

func logLine(t time.Time, format string, args ...any) string {
	return t.UTC().Format("2006-01-02 15:04:05.000") + " " + fmt.Sprintf(format, args...) + "\n"
}

// previousLogs: the end of a container's last run.
func previousLogs(p *corev1.Pod, container string, t *corev1.ContainerStateTerminated) string {
	start, end := t.StartedAt.Time, t.FinishedAt.Time
	var b strings.Builder
	switch {
	case strings.HasPrefix(container, "calico-node"):
		b.WriteString(logLine(start, "[INFO][9] startup/startup.go 432: Early log level set to info"))
		b.WriteString(logLine(start, "[INFO][9] startup/utils.go 126: Using NODENAME environment for node name %s", p.Spec.NodeName))
		b.WriteString(logLine(start.Add(time.Second), "[INFO][9] startup/startup.go 756: Using autodetected IPv4 address on interface ens5: %s/24", p.Status.HostIP))
		if t.Reason == "OOMKilled" {
			b.WriteString(logLine(end.Add(-2*time.Second), "[INFO][61] felix/int_dataplane.go 1954: Applying dataplane updates"))
			break
		}
		b.WriteString(logLine(start.Add(2*time.Second), "[WARNING][9] startup/startup.go 1148: Unable to access datastore to query node configuration"))
		b.WriteString(logLine(start.Add(12*time.Second), `[ERROR][9] startup/startup.go 158: failed to query kubeadm's config map error=Get "https://10.96.0.1:443/api/v1/namespaces/kube-system/configmaps/kubeadm-config?timeout=2s": net/http: TLS handshake timeout`))
		b.WriteString(logLine(end, "[WARNING][9] startup/utils.go 48: Terminating"))
		b.WriteString("Calico node failed to start\n")
	case t.Reason == "OOMKilled":
		b.WriteString(logLine(start, "INFO  [main] c.e.search.IndexerApplication : Started IndexerApplication in 14.2 seconds (process running for 15.1)"))
		b.WriteString(logLine(end.Add(-40*time.Second), "WARN  [gc] GC overhead: 91%% of the last 60s spent in GC, heap 5.8g/6.0g"))
		b.WriteString(logLine(end.Add(-3*time.Second), "INFO  [bulk-3] c.e.search.BulkIndexer : flushed 50000 documents to search-es (4112 ms)"))
	default:
		b.WriteString(logLine(start, "starting %s", container))
		b.WriteString(logLine(end, "received SIGTERM, shutting down"))
	}
	return b.String()
}

// runningLogs: a few recent lines of a running container.
func runningLogs(p *corev1.Pod, container string, since time.Time) string {
	var b strings.Builder
	for i := 0; i < 6; i++ {
		at := since.Add(time.Duration(i) * 20 * time.Second)
		switch {
		case container == "calico-node":
			b.WriteString(logLine(at, "[INFO][%d] felix/summary.go 100: Summarising 12 dataplane reconciliation loops over 1m0.4s: avg=4ms longest=19ms (resync-routes-v4)", 60+i))
		case container == "kube-proxy":
			b.WriteString(logLine(at, "I%s proxier.go:805] \"SyncProxyRules complete\" elapsed=\"%dms\"", at.UTC().Format("0102 15:04:05.000000"), 11+spread(p.Name+fmt.Sprint(i), 30)))
		case p.Namespace == "shop" || p.Namespace == "payments" || p.Namespace == "search":
			b.WriteString(logLine(at, `INFO request method=GET path=/healthz status=200 duration=%dms`, 1+spread(p.Name+fmt.Sprint(i), 9)))
		default:
			b.WriteString(logLine(at, "level=info msg=\"%s running\" component=%s", container, container))
		}
	}
	return b.String()
}
