package tui

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/ktriage/ktriage/actions"
	"github.com/ktriage/ktriage/cluster"
	"github.com/ktriage/ktriage/diag"
	"github.com/ktriage/ktriage/report"
	"github.com/ktriage/ktriage/sanitize"
	"github.com/ktriage/ktriage/views"
)

// reportDoneMsg is the outcome of writing a triage report.
type reportDoneMsg struct {
	path string
	err  error
}

// handleDiagnosis routes the wizard's and the reports' intents; ok is false for other messages.
func (m Model) handleDiagnosis(msg tea.Msg) (_ Model, _ tea.Cmd, ok bool) {
	switch msg := msg.(type) {
	case views.StartWizardMsg:
		return m.openWizard(msg.Node), nil, true
	case views.ReportMsg:
		next, cmd := m.writeReport(msg)
		return next, cmd, true
	case reportDoneMsg:
		if msg.err != nil {
			m.setFlash("report not written: "+sanitize.Line(msg.err.Error()), true)
		} else {
			m.setFlash("triage report written to "+sanitize.Line(msg.path), false)
		}
		return m, nil, true
	case views.WizardActionMsg:
		next, cmd := m.wizardAction(msg)
		return next, cmd, true
	case views.FlashMsg:
		m.setFlash(msg.Text, msg.Err)
		return m, nil, true
	}
	return m, nil, false
}

// openWizard shows the wizard choice for the node, over the screen it came from.
func (m Model) openWizard(node string) Model {
	facts := m.snap.Facts(node)
	if facts == nil {
		m.setFlash("node "+sanitize.Line(node)+" no longer exists", true)
		return m
	}
	m.wizard = views.NewWizardView(m.st, node, facts)
	m.wizard.SetReadOnly(m.availability().ReadOnly)
	m.wizard.SetSize(m.layout.body.w, m.layout.body.h)
	if m.screen != screenWizard {
		m.wizardReturn = m.screen
	}
	m.screen = screenWizard
	return m
}

// writeReport writes the node's triage report in a command: the snapshot's view, the wizard trail
// and the audit log's entries about the node.
func (m Model) writeReport(msg views.ReportMsg) (Model, tea.Cmd) {
	v := m.snap.Node(msg.Node)
	if v == nil {
		m.setFlash("node "+sanitize.Line(msg.Node)+" no longer exists", true)
		return m, nil
	}
	t := report.Triage{Cluster: m.opts.Info.Context, View: v, Now: m.opts.Now(), Trail: msg.Trail, Version: m.opts.Version}
	if t.Cluster == "" {
		t.Cluster = m.opts.Info.Server
	}
	auditPath := ""
	if m.opts.Actions != nil {
		auditPath = m.opts.Actions.AuditPath()
	}
	dir := m.opts.ReportDir
	m.setFlash("writing the triage report of "+sanitize.Line(msg.Node)+"…", false)
	return m, func() tea.Msg {
		if auditPath != "" {
			entries, err := actions.ReadAudit(auditPath, t.View.Summary.Name)
			t.Audit = entries
			if err != nil {
				t.AuditError = err.Error()
			}
		}
		path, err := t.WriteFile(dir)
		return reportDoneMsg{path: path, err: err}
	}
}

// wizardAction turns a conclusion's action into the same intent its key would send.
func (m Model) wizardAction(msg views.WizardActionMsg) (Model, tea.Cmd) {
	a := msg.Action
	switch a.Kind {
	case diag.ActCordon, diag.ActUncordon, diag.ActDrain, diag.ActMaintenance:
		return m.handleIntent(views.NodeActionMsg{Action: views.NodeAction(a.Kind), Nodes: []string{msg.Node}})
	case diag.ActDeletePod:
		v := m.snap.Node(msg.Node)
		if v == nil {
			return m, nil
		}
		for _, r := range v.PodRows {
			if r.Namespace+"/"+r.Name == a.Pod {
				act := views.ActDeletePod
				if a.Force {
					act = views.ActForceDeletePod
				}
				return m.handleIntent(views.PodActionMsg{Action: act, Node: msg.Node, Namespace: r.Namespace, Name: r.Name, UID: r.UID})
			}
		}
		m.setFlash("pod "+sanitize.Line(a.Pod)+" is no longer on the node", true)
	case diag.ActPodLogs:
		return m.handleIntent(podLogsIntent(m.snap.Node(msg.Node), msg.Node, a))
	case diag.ActNodeLog:
		return m.handleIntent(views.NodeJournalMsg{Node: msg.Node, Service: a.Service})
	case diag.ActGoroutines:
		return m.handleIntent(views.KubeletGoroutinesMsg{Node: msg.Node})
	case diag.ActNodeShell:
		return m.handleIntent(views.NodeShellMsg{Node: msg.Node})
	}
	return m, nil
}

// podLogsIntent opens the logs a finding points at, with the pod's containers for the picker.
func podLogsIntent(v *cluster.NodeView, node string, a diag.Action) tea.Msg {
	msg := views.PodLogsMsg{Node: node, Previous: a.Previous}
	msg.Namespace, msg.Pod, _ = strings.Cut(a.Pod, "/")
	if v == nil {
		return msg
	}
	for _, p := range v.Pods() {
		if p.Namespace != msg.Namespace || p.Name != msg.Pod {
			continue
		}
		for _, c := range p.Spec.InitContainers {
			msg.Containers = append(msg.Containers, c.Name)
		}
		for _, c := range p.Spec.Containers {
			msg.Containers = append(msg.Containers, c.Name)
		}
		msg.Container = views.LogsContainer(p, a.Previous)
	}
	return msg
}
