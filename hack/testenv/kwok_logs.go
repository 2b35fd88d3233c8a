package testenv

// Container logs through kwok. kwok v0.8.0 serves /containerLogs/NS/POD/CONTAINER on its kubelet API
// from files named by its Logs (one pod) and ClusterLogs (pods picked by namespace and name) objects;
// the API server's pods/log reaches it like any kubelet. Read straight from kwok's source:
//
//   - The objects come either as extra documents of a --config file, read once at start, or, with
//     --enable-crds=Logs,ClusterLogs, from custom resources kwok watches (never both for one kind).
//     The testenv uses the resources, so each test points its own pods at its own files.
//   - A pod's Logs object wins over every ClusterLogs; within one, an entry listing the container
//     wins over an entry without containers (which covers every container).
//   - The files are in the CRI format a container runtime writes ("TIMESTAMP STREAM F TEXT"; see
//     WriteCRILog). kwok reads them with the kubelet's own reader (k8s.io/cri-client/pkg/logs), so
//     tailLines, sinceSeconds, sinceTime, limitBytes and timestamps behave as on a node.
//   - follow=true keeps the stream open and sends what is appended to the file (fsnotify on its
//     folder, plus a forced re-read every second). kwok asks no runtime whether the container still
//     runs, so a followed stream only ends when the client goes away. The objects' own `follow`
//     field is read by nothing in v0.8.0.
//   - previous=true reads previousLogsFile instead of logsFile; without one the request fails.
//   - The kubelet API only exists with --server-address (or --node-port); startKwok passes both.

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/dynamic"
)

// kwok's CustomResourceDefinitions for Logs and ClusterLogs, copied unchanged from
// sigs.k8s.io/kwok@v0.8.0/kustomize/crd/bases (Apache-2.0).
var (
	//go:embed testdata/kwok/kwok.x-k8s.io_logs.yaml
	kwokLogsCRD []byte
	//go:embed testdata/kwok/kwok.x-k8s.io_clusterlogs.yaml
	kwokClusterLogsCRD []byte
)

// kwokCRDKinds are the kinds kwok reads from custom resources (its --enable-crds).
var kwokCRDKinds = []string{"Logs", "ClusterLogs"}

var (
	crdGVR         = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
	kwokLogsGVR    = schema.GroupVersionResource{Group: "kwok.x-k8s.io", Version: "v1alpha1", Resource: "logs"}
	kwokClusterGVR = schema.GroupVersionResource{Group: "kwok.x-k8s.io", Version: "v1alpha1", Resource: "clusterlogs"}
)

// installKwokCRDs creates kwok's Logs and ClusterLogs definitions and waits until the API server
// serves them, so kwok's watches start cleanly.
func (e *Env) installKwokCRDs(ctx context.Context) error {
	dyn, err := dynamic.NewForConfig(e.AdminConfig)
	if err != nil {
		return err
	}
	var names []string
	for _, doc := range [][]byte{kwokLogsCRD, kwokClusterLogsCRD} {
		obj := &unstructured.Unstructured{}
		if err := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(doc), 4096).Decode(&obj.Object); err != nil {
			return fmt.Errorf("decode kwok CRD: %w", err)
		}
		if _, err := dyn.Resource(crdGVR).Create(ctx, obj, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("create CRD %s: %w", obj.GetName(), err)
		}
		names = append(names, obj.GetName())
	}
	for _, name := range names {
		err := wait.PollUntilContextCancel(ctx, 100*time.Millisecond, true, func(ctx context.Context) (bool, error) {
			crd, err := dyn.Resource(crdGVR).Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				return false, err
			}
			conds, _, _ := unstructured.NestedSlice(crd.Object, "status", "conditions")
			for _, c := range conds {
				m, _ := c.(map[string]any)
				if m["type"] == "Established" && m["status"] == "True" {
					return true, nil
				}
			}
			return false, nil
		})
		if err != nil {
			return fmt.Errorf("CRD %s never became established: %w", name, err)
		}
	}
	return nil
}

// PodLogFiles are the files kwok serves as container logs: Current for reads and follows,
// Previous for previous=true (optional). Both hold CRI-format lines (WriteCRILog).
type PodLogFiles struct {
	// Containers the files are for; empty means every container of the pod.
	Containers []string
	Current    string
	Previous   string
}

func (f PodLogFiles) object() map[string]any {
	entry := map[string]any{"logsFile": f.Current}
	if f.Previous != "" {
		entry["previousLogsFile"] = f.Previous
	}
	if len(f.Containers) > 0 {
		cs := make([]any, len(f.Containers))
		for i, c := range f.Containers {
			cs[i] = c
		}
		entry["containers"] = cs
	}
	return entry
}

// ServePodLogs makes kwok serve the files as the logs of one pod's containers (a kwok Logs object
// named after the pod, replacing an earlier one) and waits until kwok's kubelet API answers from
// them. The pod need not exist yet. The object goes with the namespace.
func (e *Env) ServePodLogs(ctx context.Context, namespace, pod string, files ...PodLogFiles) error {
	if len(files) == 0 {
		return errors.New("ServePodLogs: no files")
	}
	var entries []any
	for _, f := range files {
		entries = append(entries, f.object())
	}
	obj := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "kwok.x-k8s.io/v1alpha1", "kind": "Logs",
		"metadata": map[string]any{"name": pod, "namespace": namespace},
		"spec":     map[string]any{"logs": entries},
	}}
	dyn, err := dynamic.NewForConfig(e.AdminConfig)
	if err != nil {
		return err
	}
	res := dyn.Resource(kwokLogsGVR).Namespace(namespace)
	if err := res.Delete(ctx, pod, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("replace kwok Logs %s/%s: %w", namespace, pod, err)
	}
	if _, err := res.Create(ctx, obj, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("create kwok Logs %s/%s: %w", namespace, pod, err)
	}
	container := "main"
	if len(files[0].Containers) > 0 {
		container = files[0].Containers[0]
	}
	return e.waitForKwokLogs(ctx, namespace, pod, container)
}

// ServeNamespaceLogs makes kwok serve the files as the logs of every pod in the namespace that has
// no Logs object of its own (a ClusterLogs object named testenv-NAMESPACE), for fixtures with many
// pods. It waits until kwok answers from them. The object is cluster-wide and outlives the
// namespace; it only ever matches that namespace's name.
func (e *Env) ServeNamespaceLogs(ctx context.Context, namespace string, files ...PodLogFiles) error {
	if len(files) == 0 {
		return errors.New("ServeNamespaceLogs: no files")
	}
	var entries []any
	for _, f := range files {
		entries = append(entries, f.object())
	}
	name := "testenv-" + namespace
	obj := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "kwok.x-k8s.io/v1alpha1", "kind": "ClusterLogs",
		"metadata": map[string]any{"name": name},
		"spec": map[string]any{
			"selector": map[string]any{"matchNamespaces": []any{namespace}},
			"logs":     entries,
		},
	}}
	dyn, err := dynamic.NewForConfig(e.AdminConfig)
	if err != nil {
		return err
	}
	res := dyn.Resource(kwokClusterGVR)
	if err := res.Delete(ctx, name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("replace kwok ClusterLogs %s: %w", name, err)
	}
	if _, err := res.Create(ctx, obj, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("create kwok ClusterLogs %s: %w", name, err)
	}
	container := "main"
	if len(files[0].Containers) > 0 {
		container = files[0].Containers[0]
	}
	// kwok does not check that a pod exists before it serves its log.
	return e.waitForKwokLogs(ctx, namespace, "testenv-probe", container)
}

// waitForKwokLogs asks kwok's kubelet API (directly, not through the API server) for a container's
// log until kwok has a rule for it: its watch of Logs objects takes a moment to deliver a new one.
func (e *Env) waitForKwokLogs(ctx context.Context, namespace, pod, container string) error {
	client, err := e.kwokClient()
	if err != nil {
		return err
	}
	u := fmt.Sprintf("https://127.0.0.1:%d/containerLogs/%s/%s/%s?tailLines=0", e.KubeletPort,
		url.PathEscape(namespace), url.PathEscape(pod), url.PathEscape(container))
	var last string
	err = wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return false, err
		}
		resp, err := client.Do(req)
		if err != nil {
			last = err.Error()
			return false, nil
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		resp.Body.Close()
		last = resp.Status + ": " + strings.TrimSpace(string(body))
		// Until kwok's watch delivers the rule it answers "no logs found for container …". Any
		// other answer, a missing file included, comes from the rule.
		return !strings.Contains(string(body), "no logs found for container"), nil
	})
	if err != nil {
		return fmt.Errorf("kwok never served the logs of %s/%s (last answer: %s): %w", namespace, pod, last, err)
	}
	return nil
}

// kwokClient is an HTTPS client that trusts kwok's kubelet API.
func (e *Env) kwokClient() (*http.Client, error) {
	return e.pki.client(5 * time.Second)
}

// CRILine is one line of a container log as a runtime writes it.
type CRILine struct {
	Time   time.Time
	Stream string // "stdout" (the default) or "stderr"
	Text   string
}

// WriteCRILog appends lines to a container log file in the CRI format kwok and the kubelet read:
// "2026-11-23T16:04:05.123456789Z stdout F text". It creates the file if needed.
func WriteCRILog(path string, lines ...CRILine) error {
	var b strings.Builder
	for _, l := range lines {
		stream := l.Stream
		if stream == "" {
			stream = "stdout"
		}
		for _, text := range strings.Split(strings.TrimSuffix(l.Text, "\n"), "\n") {
			b.WriteString(l.Time.UTC().Format(time.RFC3339Nano))
			b.WriteString(" " + stream + " F " + text + "\n")
		}
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(b.String()); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// CRILines makes one stdout line per text, a millisecond apart from start.
func CRILines(start time.Time, texts ...string) []CRILine {
	out := make([]CRILine, len(texts))
	for i, t := range texts {
		out[i] = CRILine{Time: start.Add(time.Duration(i) * time.Millisecond), Text: t}
	}
	return out
}
