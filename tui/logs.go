package tui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/ktriage/ktriage/cluster"
	"github.com/ktriage/ktriage/views"
)

// logBatchMsg carries one batch read from the log viewer's stream, with the channel to read the
// next from. Stream is the view's stream id: a batch of a stream the view has left is dropped.
type logBatchMsg struct {
	stream int
	batch  cluster.LogBatch
	next   <-chan cluster.LogBatch
}

// Tail and since defaults for a log viewer opened from a key: enough lines to see a crash loop's
// run, few enough to open at once on a chatty container.
const defaultTailLines = 1000

// openPodLogs shows a pod's log in the viewer and starts reading it.
func (m Model) openPodLogs(msg views.PodLogsMsg) (tea.Model, tea.Cmd) {
	src := views.LogSource{Kind: views.LogPod, Node: msg.Node, Namespace: msg.Namespace, Pod: msg.Pod,
		Containers: msg.Containers, Container: msg.Container, Previous: msg.Previous, TailLines: defaultTailLines}
	return m.openLogView(src)
}

// openJournal shows a service's journal from the node.
func (m Model) openJournal(msg views.NodeJournalMsg) (tea.Model, tea.Cmd) {
	src := views.LogSource{Kind: views.LogJournal, Node: msg.Node, Service: msg.Service,
		Services: cluster.NodeLogServices, TailLines: defaultTailLines}
	return m.openLogView(src)
}

func (m Model) openLogView(src views.LogSource) (tea.Model, tea.Cmd) {
	if m.opts.Access == nil {
		m.setFlash("this connection cannot read logs", true)
		return m, nil
	}
	if m.screen != screenLogs {
		m.logReturn = m.screen
	}
	// Each viewer's stream ids start past every earlier viewer's (a viewer restarts its stream a
	// few times, never a million).
	m.logViews++
	first := m.logViews * 1_000_000
	m.logs = views.NewLogView(m.st, src, views.LogViewOptions{MaxLines: m.opts.LogLines, Now: m.opts.Now, FirstStream: first})
	m.screen = screenLogs
	m.logs.SetSize(m.layout.body.w, m.layout.body.h)
	return m, m.startLogStream(m.logs.Stream(), m.logs.Source())
}

// startLogStream cancels the stream being read and starts reading src as stream id.
func (m *Model) startLogStream(id int, src views.LogSource) tea.Cmd {
	m.stopLogStream()
	ctx, cancel := context.WithCancel(m.actionCtx())
	m.logCancel = cancel
	if src.Kind == views.LogJournal && src.Service == rawDumpService {
		dump := ""
		if k := m.kubelet[src.Node]; k != nil {
			dump = k.dump
		}
		return func() tea.Msg { return rawDumpLines(dump, id) }
	}
	access, kube, now := m.opts.Access, m.opts.Kube, m.opts.Now
	kubeletVersion := ""
	if v := m.snap.Node(src.Node); v != nil {
		kubeletVersion = v.Summary.KubeletVersion
	}
	return func() tea.Msg {
		if src.Kind == views.LogJournal {
			return readJournal(ctx, access, kube, id, src, kubeletVersion)
		}
		return openPodLogStream(ctx, access, kube, id, src, now())
	}
}

// stopLogStream cancels the stream being read, if any.
func (m *Model) stopLogStream() {
	if m.logCancel != nil {
		m.logCancel()
		m.logCancel = nil
	}
}

// openPodLogStream opens the container's log and returns its first batch's waiter.
func openPodLogStream(ctx context.Context, access cluster.Access, kube kubernetes.Interface, id int, src views.LogSource, now time.Time) tea.Msg {
	if err := checkRead(ctx, kube, "get", "pods", "log", src.Namespace); err != nil {
		return views.LogEndMsg{Stream: id, Err: err}
	}
	opts := &corev1.PodLogOptions{Container: src.Container, Previous: src.Previous, Follow: src.Follow, Timestamps: true}
	if src.TailLines > 0 && src.SinceTime.IsZero() {
		opts.TailLines = &src.TailLines
	}
	switch {
	case !src.SinceTime.IsZero():
		opts.SinceTime = &metav1.Time{Time: src.SinceTime}
	case src.Since > 0:
		secs := int64(src.Since / time.Second)
		opts.SinceSeconds = &secs
	}
	rc, err := access.PodLogs(ctx, src.Namespace, src.Pod, opts)
	if err != nil {
		return views.LogEndMsg{Stream: id, Err: fmt.Errorf("logs of %s/%s: %w", src.Namespace, src.Pod, err)}
	}
	return waitLogBatch(id, cluster.StreamLines(ctx, rc))()
}

// readJournal reads a service's journal in one go (the node log query does not follow).
func readJournal(ctx context.Context, access cluster.Access, kube kubernetes.Interface, id int, src views.LogSource, kubeletVersion string) tea.Msg {
	ctx, cancel := context.WithTimeout(ctx, kubeletReadTimeout)
	defer cancel()
	if err := checkRead(ctx, kube, "get", "nodes", "proxy", ""); err != nil {
		return views.LogEndMsg{Stream: id, Err: err}
	}
	q := cluster.NodeLogQuery{Service: src.Service, TailLines: int(src.TailLines), KubeletVersion: kubeletVersion}
	if src.Since > 0 {
		q.SinceTime = time.Now().Add(-src.Since)
	}
	lines, err := cluster.FetchNodeLog(ctx, access, src.Node, q)
	var un *cluster.NodeLogUnavailableError
	if errors.As(err, &un) {
		// Old kubelets still serve /var/log: the service's lines in the syslog file are the journal
		// a person would have grepped on the node.
		lines, file, ferr := cluster.FetchSyslogService(ctx, access, src.Node, src.Service, int(src.TailLines))
		if ferr != nil {
			return views.LogEndMsg{Stream: id, Err: journalError(err)}
		}
		note := fmt.Sprintf("%s lines from %s — the node log query is unavailable: %s", src.Service, file, strings.Join(un.Reasons, "; "))
		return logBatchMsg{stream: id, batch: cluster.LogBatch{Lines: lines, Done: true, Note: note}}
	}
	if err != nil {
		return views.LogEndMsg{Stream: id, Err: journalError(err)}
	}
	return logBatchMsg{stream: id, batch: cluster.LogBatch{Lines: lines, Done: true}}
}

// journalError adds the fix to an unavailable node log query, in one line.
func journalError(err error) error {
	var un *cluster.NodeLogUnavailableError
	if errors.As(err, &un) {
		return fmt.Errorf("%w — to fix: %s", err, un.Fix)
	}
	return err
}

// waitLogBatch waits for the next batch of a stream.
func waitLogBatch(id int, ch <-chan cluster.LogBatch) tea.Cmd {
	return func() tea.Msg {
		b, ok := <-ch
		if !ok {
			b = cluster.LogBatch{Done: true}
		}
		return logBatchMsg{stream: id, batch: b, next: ch}
	}
}

// handleLogBatch hands a batch to the viewer and waits for the next one.
func (m Model) handleLogBatch(msg logBatchMsg) (tea.Model, tea.Cmd) {
	if m.screen != screenLogs || msg.stream != m.logs.Stream() {
		return m, nil // a stream the viewer left; its context is cancelled already
	}
	if len(msg.batch.Lines) > 0 {
		m.logs, _ = m.logs.Update(views.LogLinesMsg{Stream: msg.stream, Lines: msg.batch.Lines})
		if src := m.logs.Source(); src.Kind == views.LogJournal && src.Service == "kubelet" {
			m.noteKubeletJournal(src.Node, msg.batch.Lines)
		}
	}
	if msg.batch.Done {
		err := msg.batch.Err
		if errors.Is(err, context.Canceled) {
			err = nil
		}
		m.logs, _ = m.logs.Update(views.LogEndMsg{Stream: msg.stream, Err: err, Note: msg.batch.Note})
		return m, nil
	}
	return m, waitLogBatch(msg.stream, msg.next)
}

// handleLogIntent carries out what the viewer asked for.
func (m Model) handleLogIntent(intent tea.Msg) (tea.Model, tea.Cmd) {
	switch in := intent.(type) {
	case views.LogStreamMsg:
		return m, m.startLogStream(in.Stream, in.Source)
	case views.LogStopMsg:
		m.stopLogStream()
	case views.LogSaveMsg:
		path, err := saveLog(m.opts.ReportDir, in, m.opts.Now())
		if err != nil {
			m.setFlash("save log: "+err.Error(), true)
		} else {
			m.setFlash(fmt.Sprintf("saved %d lines to %s", len(in.Lines), path), false)
		}
	}
	return m, nil
}

// unsafeName matches what must not go into a file name.
var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// saveLog writes the lines to DIR/<node|pod>-<container|service>-<time>.log.
func saveLog(dir string, in views.LogSaveMsg, now time.Time) (string, error) {
	parts := []string{in.Source.Node, in.Source.Service}
	if in.Source.Kind == views.LogPod {
		parts = []string{in.Source.Namespace, in.Source.Pod, in.Source.Container}
		if in.Source.Previous {
			parts = append(parts, "previous")
		}
	}
	name := unsafeName.ReplaceAllString(strings.Join(parts, "_"), "-") + "-" + now.UTC().Format("20060102T150405Z") + ".log"
	path := filepath.Join(dir, name)
	data := strings.Join(in.Lines, "\n")
	if len(in.Lines) > 0 {
		data += "\n"
	}
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		return "", err
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return path, nil
}
