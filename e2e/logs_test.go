package e2e

// Container logs as ktriage reads them (cluster.Access.PodLogs, cluster.StreamLines) through the
// real API server's pods/log, served by kwok from files this test writes (testenv.ServePodLogs):
// a plain read, tail and since, timestamps, the previous container's log, and a follow that shows
// lines appended while it streams.

import (
	"context"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"

	"github.com/ktriage/ktriage/cluster"
	"github.com/ktriage/ktriage/hack/testenv"
)

// ktriageClient is the client ktriage builds, on one of the testenv's identities.
func ktriageClient(t *testing.T, cfg *rest.Config, user string) *cluster.Client {
	t.Helper()
	c, err := cluster.NewClientFromConfig(cfg, cluster.Info{Context: "testenv", User: user}, "ktriage-e2e", 10*time.Second)
	if err != nil {
		t.Fatalf("build ktriage's client: %v", err)
	}
	return c
}

// readLog reads a whole (not followed) container log through ktriage's Access.
func readLog(ctx context.Context, t *testing.T, a cluster.Access, ns, pod string, opts *corev1.PodLogOptions) []string {
	t.Helper()
	rc, err := a.PodLogs(ctx, ns, pod, opts)
	if err != nil {
		t.Fatalf("pod logs %s/%s %+v: %v", ns, pod, opts, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("read pod logs %s/%s: %v", ns, pod, err)
	}
	text := strings.TrimSuffix(string(data), "\n")
	if text == "" {
		return nil
	}
	return strings.Split(text, "\n")
}

func TestPodLogsStreamThroughTheAPIServerFromKwok(t *testing.T) {
	t.Parallel()
	env := testenv.Shared(t)
	ctx := testContext(t, 2*time.Minute)
	node, ns := kwokNodeAndNamespace(ctx, t, env, unique("logs"))

	dir := t.TempDir()
	current, previous := filepath.Join(dir, "current.log"), filepath.Join(dir, "previous.log")
	start := time.Now().Add(-10 * time.Minute).UTC().Truncate(time.Second)
	texts := []string{
		`{"level":"info","ts":"start","msg":"listening","addr":":8080"}`,
		`{"level":"info","msg":"connected to postgres","host":"db.shop.svc"}`,
		`{"level":"warn","msg":"slow query","ms":1840}`,
		`{"level":"error","msg":"upstream timed out","upstream":"payments"}`,
		`{"level":"info","msg":"GET /healthz 200"}`,
	}
	// One line a minute, so sinceTime can cut between them.
	var lines []testenv.CRILine
	for i, text := range texts {
		lines = append(lines, testenv.CRILine{Time: start.Add(time.Duration(i) * time.Minute), Text: text})
	}
	lines[3].Stream = "stderr"
	if err := testenv.WriteCRILog(current, lines...); err != nil {
		t.Fatal(err)
	}
	crash := []string{"panic: runtime error: invalid memory address or nil pointer dereference",
		"[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x6f5c2a]", "goroutine 1 [running]:"}
	if err := testenv.WriteCRILog(previous, testenv.CRILines(start.Add(-time.Hour), crash...)...); err != nil {
		t.Fatal(err)
	}
	if err := env.ServePodLogs(ctx, ns, "api", testenv.PodLogFiles{Current: current, Previous: previous}); err != nil {
		t.Fatal(err)
	}
	if err := env.CreatePods(ctx, testenv.PodSpec{Namespace: ns, Name: "api", Node: node}); err != nil {
		t.Fatal(err)
	}
	if err := env.WaitForPodsRunning(ctx, ns, "app=api", 1); err != nil {
		t.Fatal(err)
	}
	a := ktriageClient(t, env.AdminConfig, "admin").Access

	if got := readLog(ctx, t, a, ns, "api", &corev1.PodLogOptions{Container: "main"}); !slices.Equal(got, texts) {
		t.Errorf("log = %q, want both streams' lines as written: %q", got, texts)
	}
	if got := readLog(ctx, t, a, ns, "api", &corev1.PodLogOptions{TailLines: ptr.To[int64](2)}); !slices.Equal(got, texts[3:]) {
		t.Errorf("tailLines=2: %q, want %q", got, texts[3:])
	}
	since := metav1.NewTime(start.Add(2 * time.Minute))
	if got := readLog(ctx, t, a, ns, "api", &corev1.PodLogOptions{SinceTime: &since}); !slices.Equal(got, texts[2:]) {
		t.Errorf("sinceTime=%s: %q, want %q", since.UTC().Format(time.RFC3339), got, texts[2:])
	}
	stamped := readLog(ctx, t, a, ns, "api", &corev1.PodLogOptions{Timestamps: true, TailLines: ptr.To[int64](1)})
	// The kubelet's fixed-width RFC 3339 (nine fraction digits), as kwok uses its log reader.
	if want := start.Add(4*time.Minute).Format("2006-01-02T15:04:05.000000000Z07:00") + " " + texts[4]; len(stamped) != 1 || stamped[0] != want {
		t.Errorf("timestamps: %q, want %q", stamped, want)
	}
	if got := readLog(ctx, t, a, ns, "api", &corev1.PodLogOptions{Previous: true}); !slices.Equal(got, crash) {
		t.Errorf("previous: %q, want the crashed container's %q", got, crash)
	}

	// A namespace-wide rule serves pods without a rule of their own; the pod's own still wins.
	shared := filepath.Join(dir, "namespace.log")
	if err := testenv.WriteCRILog(shared, testenv.CRILines(start, "served to the whole namespace")...); err != nil {
		t.Fatal(err)
	}
	if err := env.ServeNamespaceLogs(ctx, ns, testenv.PodLogFiles{Current: shared}); err != nil {
		t.Fatal(err)
	}
	if err := env.CreatePods(ctx, testenv.PodSpec{Namespace: ns, Name: "other", Node: node}); err != nil {
		t.Fatal(err)
	}
	if err := env.WaitForPodsRunning(ctx, ns, "app=other", 1); err != nil {
		t.Fatal(err)
	}
	if got := readLog(ctx, t, a, ns, "other", &corev1.PodLogOptions{}); !slices.Equal(got, []string{"served to the whole namespace"}) {
		t.Errorf("pod without its own log rule: %q, want the namespace's", got)
	}
	if got := readLog(ctx, t, a, ns, "api", &corev1.PodLogOptions{TailLines: ptr.To[int64](1)}); !slices.Equal(got, texts[4:]) {
		t.Errorf("pod with its own rule under a namespace rule: %q, want its own %q", got, texts[4:])
	}

	// The built-in view role grants pods/log: the read-only user reads logs too.
	viewer := ktriageClient(t, env.ReadOnlyConfig, "viewer").Access
	if got := readLog(ctx, t, viewer, ns, "api", &corev1.PodLogOptions{TailLines: ptr.To[int64](1)}); !slices.Equal(got, texts[4:]) {
		t.Errorf("read-only user's tail: %q, want %q", got, texts[4:])
	}
}

// A followed log shows the lines written to the container's log while it streams, and the stream
// ends promptly when the reader goes away.
func TestFollowedPodLogShowsAppendedLines(t *testing.T) {
	t.Parallel()
	env := testenv.Shared(t)
	ctx := testContext(t, 2*time.Minute)
	node, ns := kwokNodeAndNamespace(ctx, t, env, unique("follow"))
	current := filepath.Join(t.TempDir(), "current.log")
	start := time.Now().UTC()
	if err := testenv.WriteCRILog(current, testenv.CRILines(start, "starting worker", "queue depth 0")...); err != nil {
		t.Fatal(err)
	}
	if err := env.ServePodLogs(ctx, ns, "worker", testenv.PodLogFiles{Current: current}); err != nil {
		t.Fatal(err)
	}
	if err := env.CreatePods(ctx, testenv.PodSpec{Namespace: ns, Name: "worker", Node: node}); err != nil {
		t.Fatal(err)
	}
	if err := env.WaitForPodsRunning(ctx, ns, "app=worker", 1); err != nil {
		t.Fatal(err)
	}
	a := ktriageClient(t, env.AdminConfig, "admin").Access

	streamCtx, stop := context.WithCancel(ctx)
	defer stop()
	rc, err := a.PodLogs(streamCtx, ns, "worker", &corev1.PodLogOptions{Follow: true})
	if err != nil {
		t.Fatalf("follow: %v", err)
	}
	batches := cluster.StreamLines(streamCtx, rc)
	var got []string
	await := func(want []string, within time.Duration) time.Duration {
		t.Helper()
		began := time.Now()
		deadline := time.After(within)
		for !slices.Equal(got, want) {
			select {
			case b, ok := <-batches:
				if !ok || b.Done {
					t.Fatalf("the followed stream ended (err %v) with %q, want %q", b.Err, got, want)
				}
				got = append(got, b.Lines...)
				if len(got) > len(want) {
					t.Fatalf("followed lines %q, want %q", got, want)
				}
			case <-deadline:
				t.Fatalf("followed lines after %s: %q, want %q", within, got, want)
			}
		}
		return time.Since(began)
	}
	await([]string{"starting worker", "queue depth 0"}, 20*time.Second)

	appended := []string{"queue depth 412", "worker 3: job 8812 failed: context deadline exceeded"}
	if err := testenv.WriteCRILog(current, testenv.CRILines(time.Now(), appended...)...); err != nil {
		t.Fatal(err)
	}
	took := await([]string{"starting worker", "queue depth 0", appended[0], appended[1]}, 15*time.Second)
	t.Logf("appended lines arrived after %s", took.Round(time.Millisecond))

	// Nothing else arrives: kwok does not repeat lines.
	select {
	case b := <-batches:
		if len(b.Lines) > 0 || b.Done {
			t.Fatalf("unexpected after the appended lines: %+v", b)
		}
	case <-time.After(1500 * time.Millisecond):
	}

	stop()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case _, ok := <-batches:
			if !ok {
				return
			}
		case <-deadline:
			t.Fatal("the followed stream did not end within 5 s of its reader going away")
		}
	}
}
