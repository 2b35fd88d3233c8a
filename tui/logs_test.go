package tui

import (
	"context"
	"errors"
	"io"
	"net/url"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	corev1 "k8s.io/api/core/v1"

	"github.com/ktriage/ktriage/cluster"
	"github.com/ktriage/ktriage/themes"
	"github.com/ktriage/ktriage/views"
)

// silentAccess never answers: the test delivers the batches itself.
type silentAccess struct{}

func (silentAccess) PodLogs(ctx context.Context, _, _ string, _ *corev1.PodLogOptions) (io.ReadCloser, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}
func (silentAccess) NodeProxy(ctx context.Context, _, _ string, _ url.Values, _ int64) ([]byte, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}
func (silentAccess) Exec(context.Context, string, string, cluster.ExecOptions) error {
	return errors.New("not used")
}

// A batch still on its way from a viewer the person left must not land in the next viewer, even
// when both are the first stream of their viewer.
func TestLateBatchOfALeftViewerDoesNotLandInTheNext(t *testing.T) {
	m := New(Options{Styles: themes.Mono(), NoTick: true, Access: silentAccess{}})
	next, _ := m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	m = next.(Model)
	open := func(pod string) int {
		next, _ := m.Update(views.PodLogsMsg{Node: "n1", Namespace: "ns", Pod: pod, Containers: []string{"app"}})
		m = next.(Model)
		return m.logs.Stream()
	}
	first := open("pod-a")
	m.goBack()
	second := open("pod-b")
	if first == second {
		t.Fatalf("both viewers read stream %d", first)
	}
	next, _ = m.Update(logBatchMsg{stream: first, batch: cluster.LogBatch{Lines: []string{"2026-11-23T10:00:00.000000000Z line of pod-a"}, Done: true}})
	m = next.(Model)
	next, _ = m.Update(logBatchMsg{stream: second, batch: cluster.LogBatch{Lines: []string{"2026-11-23T10:00:01.000000000Z line of pod-b"}}})
	m = next.(Model)
	screen := ansi.Strip(m.logs.View())
	if strings.Contains(screen, "line of pod-a") || !strings.Contains(screen, "line of pod-b") {
		t.Errorf("pod-b's viewer shows:\n%s", screen)
	}
}
