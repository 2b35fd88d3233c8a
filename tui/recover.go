package tui

import (
	"fmt"
	"runtime/debug"

	tea "charm.land/bubbletea/v2"
	"k8s.io/klog/v2"
)

// RecoveringModel wraps the root model so a panic in Update or View never paints a stack trace over
// the user's terminal: the stack goes to the log, the program quits cleanly, and the CLI prints one
// line pointing at the log.
type RecoveringModel struct {
	inner    tea.Model
	panicked string
}

// Recovering wraps m.
func Recovering(m tea.Model) RecoveringModel { return RecoveringModel{inner: m} }

// Panic is the recovered panic's message, or "".
func (r RecoveringModel) Panic() string { return r.panicked }

// Inner is the wrapped model.
func (r RecoveringModel) Inner() tea.Model { return r.inner }

// Init delegates.
func (r RecoveringModel) Init() tea.Cmd { return r.inner.Init() }

// Update delegates, turning a panic into a logged error and a clean quit.
func (r RecoveringModel) Update(msg tea.Msg) (m tea.Model, cmd tea.Cmd) {
	defer func() {
		if p := recover(); p != nil {
			r.panicked = fmt.Sprint(p)
			klog.Errorf("panic in Update: %v\n%s", p, debug.Stack())
			m, cmd = r, tea.Quit
		}
	}()
	inner, cmd := r.inner.Update(msg)
	r.inner = inner
	return r, cmd
}

// View delegates; after a panic it draws nothing.
func (r RecoveringModel) View() (v tea.View) {
	if r.panicked != "" {
		return tea.NewView("")
	}
	defer func() {
		if p := recover(); p != nil {
			klog.Errorf("panic in View: %v\n%s", p, debug.Stack())
			v = tea.NewView("ktriage hit an internal error; press ctrl+c and see the log")
		}
	}()
	return r.inner.View()
}
