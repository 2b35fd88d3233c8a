package views

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ktriage/ktriage/diag"
)

// DiagKeyMap are the diagnosis keys the node list and the node detail share.
type DiagKeyMap struct {
	Wizard, Report, NextCritical key.Binding
}

// DefaultDiagKeyMap binds w (guided diagnosis), r (triage report) and ! (next critical node).
func DefaultDiagKeyMap() DiagKeyMap {
	return DiagKeyMap{
		Wizard:       key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "guided diagnosis")),
		Report:       key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "write triage report")),
		NextCritical: key.NewBinding(key.WithKeys("!"), key.WithHelp("!", "next critical node")),
	}
}

// StartWizardMsg is the intent to walk a node through a guided diagnosis.
type StartWizardMsg struct{ Node string }

// ReportMsg is the intent to write the node's triage report; Trail is the wizard walked, if any.
type ReportMsg struct {
	Node  string
	Trail *diag.Trail
}

// WizardActionMsg is the intent to take an action a wizard's conclusion offers.
type WizardActionMsg struct {
	Node   string
	Action diag.Action
}

// matchDiag returns the intent for a diagnosis key on the node, or nil.
func (k DiagKeyMap) matchDiag(kp tea.KeyPressMsg, node string) tea.Msg {
	switch {
	case node == "":
		return nil
	case key.Matches(kp, k.Wizard):
		return StartWizardMsg{Node: node}
	case key.Matches(kp, k.Report):
		return ReportMsg{Node: node}
	}
	return nil
}

// FlashMsg asks the root to show a one-line message in the footer.
type FlashMsg struct {
	Text string
	Err  bool
}
