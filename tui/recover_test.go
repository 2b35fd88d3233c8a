package tui

import (
	"testing"

	tea "charm.land/bubbletea/v2"
)

type panicky struct{ inView bool }

func (p panicky) Init() tea.Cmd { return nil }
func (p panicky) Update(tea.Msg) (tea.Model, tea.Cmd) {
	if !p.inView {
		panic("boom in update")
	}
	return p, nil
}
func (p panicky) View() tea.View {
	if p.inView {
		panic("boom in view")
	}
	return tea.NewView("")
}

// A panic becomes a quit and a message for the CLI, never a stack trace on the screen.
func TestRecoveringTurnsPanicsIntoAQuit(t *testing.T) {
	r := Recovering(panicky{})
	_, cmd := r.Update(tea.KeyPressMsg{Code: 'j', Text: "j"})
	if _, ok := cmd().(tea.QuitMsg); !ok || r.Panic() != "boom in update" {
		t.Errorf("panic in Update: quit=%v panic=%q", ok, r.Panic())
	}

	v := Recovering(panicky{inView: true})
	if got := v.View().Content; got == "" {
		t.Error("a panic in View should draw a notice")
	}
	_, cmd = v.Update(tea.KeyPressMsg{Code: 'j', Text: "j"})
	if _, ok := cmd().(tea.QuitMsg); !ok || v.Panic() != "boom in view" {
		t.Errorf("after a panic in View the next Update should quit: panic=%q", v.Panic())
	}
}
