package tui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/ktriage/ktriage/views"
)

// handleAccess routes reading from nodes (logs, journals, the kubelet) and entering them (the node
// shell); ok is false for other messages.
func (m Model) handleAccess(msg tea.Msg) (_ Model, _ tea.Cmd, ok bool) {
	var next tea.Model
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case views.PodLogsMsg:
		next, cmd = m.openPodLogs(msg)
	case views.NodeJournalMsg:
		next, cmd = m.openJournal(msg)
	case logBatchMsg:
		next, cmd = m.handleLogBatch(msg)
	case views.LogStreamMsg, views.LogStopMsg, views.LogSaveMsg:
		next, cmd = m.handleLogIntent(msg)
	default:
		if n, c, ok := m.handleKubelet(msg); ok {
			return n, c, true
		}
		return m.handleShell(msg)
	}
	return next.(Model), cmd, true
}
