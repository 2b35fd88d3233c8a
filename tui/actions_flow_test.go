package tui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/client-go/kubernetes"

	"github.com/ktriage/ktriage/actions"
	"github.com/ktriage/ktriage/cluster"
	"github.com/ktriage/ktriage/cluster/demo"
	"github.com/ktriage/ktriage/themes"
)

// liveDemo runs the TUI on a live demo cluster: the real watcher feeds snapshots, and an actions
// runner audits to a temporary file.
func liveDemo(t *testing.T) (*teatest.TestModel, kubernetes.Interface, string) {
	t.Helper()
	return liveDemoWith(t, func(*Options) {})
}

// liveDemoWith is liveDemo with options adjusted by set.
func liveDemoWith(t *testing.T, set func(*Options)) (*teatest.TestModel, kubernetes.Interface, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	dc := demo.New(time.Now())
	kube := dc.Interface()
	audit := filepath.Join(t.TempDir(), "audit.jsonl")
	runner := actions.New(actions.Config{Client: kube, Info: demoInfo, Audit: actions.NewAuditLog(audit),
		EvictionRetryDelay: 50 * time.Millisecond, Access: dc.Access()})
	var tm *teatest.TestModel
	w := cluster.NewWatcher(&cluster.Client{Kube: kube, Info: demoInfo, Health: cluster.NewHealth(nil)},
		cluster.Options{MinInterval: 10 * time.Millisecond}, func(s *cluster.Snapshot) { tm.Send(SnapshotMsg{Snapshot: s}) })
	opts := Options{Styles: themes.Mono(), Info: demoInfo, NoTick: true, Actions: runner, ActionContext: ctx,
		Access: dc.Access(), Kube: kube, Kubelet: w}
	set(&opts)
	m := New(opts)
	tm = teatest.NewTestModel(t, probe{Recovering(m)}, teatest.WithInitialTermSize(140, 44))
	go w.Run(ctx)
	screenShows(t, tm, "worker-05")
	return tm, kube, audit
}

// filterTo keeps only the rows matching name, so the cursor is on that node, and waits for the
// filter and the other texts to be drawn.
func filterTo(t *testing.T, tm *teatest.TestModel, name string, texts ...string) {
	t.Helper()
	tm.Send(keyMsg("/"))
	tm.Type(name)
	tm.Send(keyMsg("enter"))
	screenShows(t, tm, append([]string{"/" + name}, texts...)...)
}

func unschedulable(t *testing.T, kube kubernetes.Interface, name string) bool {
	t.Helper()
	n, err := kube.CoreV1().Nodes().Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return n.Spec.Unschedulable
}

// TestFlowMarkCordonUncordonDrain is the flow on the demo cluster: mark two nodes, cordon
// both, uncordon one; then drain a node through the options, the preview, the typed confirmation and
// the progress to done.
func TestFlowMarkCordonUncordonDrain(t *testing.T) {
	tm, kube, audit := liveDemo(t)

	for _, n := range []string{"worker-01", "worker-02"} {
		filterTo(t, tm, n)
		tm.Send(keyMsg("space"))
		tm.Send(keyMsg("esc")) // clears the filter; the mark stays
		screenShows(t, tm, "• "+n)
	}
	tm.Send(keyMsg("c"))
	screenShows(t, tm, "Cordon 2 node(s)?", "worker-01, worker-02")
	tm.Send(keyMsg("y"))
	screenShows(t, tm, "worker-01: cordoned; worker-02: cordoned")
	eventually(t, "both marked nodes cordoned in the cluster", func() bool {
		return unschedulable(t, kube, "worker-01") && unschedulable(t, kube, "worker-02")
	})

	filterTo(t, tm, "worker-02", "Ready,SchedulingDisabled") // the watcher showed the cordon
	tm.Send(keyMsg("u"))
	screenShows(t, tm, "Uncordon 1 node(s)?")
	tm.Send(keyMsg("y"))
	screenShows(t, tm, "worker-02: uncordoned")
	eventually(t, "worker-02 uncordoned, worker-01 still cordoned", func() bool {
		return unschedulable(t, kube, "worker-01") && !unschedulable(t, kube, "worker-02")
	})
	tm.Send(keyMsg("esc"))

	filterTo(t, tm, "worker-03")
	tm.Send(keyMsg("d"))
	screenShows(t, tm, "Drain worker-03", "to evict", "block")
	tm.Send(keyMsg("j"))
	tm.Send(keyMsg("space")) // delete emptyDir data
	tm.Send(keyMsg("j"))
	tm.Send(keyMsg("space")) // force
	screenShows(t, tm, "[x] delete emptyDir", "[x] force", "0 block")
	tm.Send(keyMsg("enter"))
	screenShows(t, tm, "Type the node's name to confirm")
	tm.Send(keyMsg("enter")) // nothing typed yet: nothing happens
	tm.Type("worker-03")
	tm.Send(keyMsg("enter"))
	screenShows(t, tm, "Drain worker-03", "done", "drained: 11 pods evicted", "enter close")

	pods, err := kube.CoreV1().Pods("").List(context.Background(), metav1.ListOptions{
		FieldSelector: fields.OneTermEqualSelector("spec.nodeName", "worker-03").String()})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pods.Items {
		if ref := metav1.GetControllerOf(&p); (ref == nil || ref.Kind != "DaemonSet") && p.Annotations[corev1.MirrorPodAnnotationKey] == "" {
			t.Errorf("pod %s/%s is still on the drained node", p.Namespace, p.Name)
		}
	}
	log, err := os.ReadFile(audit)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"action":"cordon","node":"worker-01"`, `"action":"uncordon","node":"worker-02"`, `"action":"drain","node":"worker-03"`, `"result":"ok"`} {
		if !strings.Contains(string(log), want) {
			t.Errorf("the audit log lacks %s:\n%s", want, log)
		}
	}
	tm.Send(keyMsg("ctrl+c"))
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(probe).inner.(RecoveringModel).Inner().(Model)
	screen := ansi.Strip(final.render())
	for _, want := range []string{"Drain worker-03", "done", "drained: 11 pods evicted", "enter close"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the final screen lacks %q:\n%s", want, screen)
		}
	}
}

// eventually polls cond for up to 5 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// probe wraps the program's model so a test can read the model while the program runs: the
// renderer draws only the cells that change, so a new line that shares letters with the old one
// never appears whole in the output, while the model's own render does.
type probe struct{ inner tea.Model }

// probeMsg asks the probe for the screen as the model renders it.
type probeMsg chan string

func (p probe) Init() tea.Cmd { return p.inner.Init() }

func (p probe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if ch, ok := msg.(probeMsg); ok {
		ch <- ansi.Strip(p.inner.(RecoveringModel).Inner().(Model).render())
		return p, nil
	}
	next, cmd := p.inner.Update(msg)
	p.inner = next
	return p, cmd
}

func (p probe) View() tea.View { return p.inner.View() }

// screenShows waits until the model's screen contains every one of texts.
func screenShows(t *testing.T, tm *teatest.TestModel, texts ...string) {
	t.Helper()
	var screen string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		ch := make(probeMsg, 1)
		tm.Send(ch)
		select {
		case screen = <-ch:
		case <-time.After(time.Second):
			continue
		}
		all := true
		for _, text := range texts {
			all = all && strings.Contains(screen, text)
		}
		if all {
			return
		}
	}
	t.Fatalf("the screen never showed %q; last screen:\n%s", texts, screen)
}
