package tui

import (
	"fmt"
	"runtime/debug"
	"sync"

	tea "charm.land/bubbletea/v2"
	"k8s.io/klog/v2"
)

// RecoveringModel wraps the root model so a panic in Update or View never paints a stack trace over
// the user's terminal: the stack goes to the log once, the program quits cleanly, and the CLI prints
// one line pointing at the log.
type RecoveringModel struct {
	inner tea.Model
	// state is shared by the copies bubbletea makes of the model, so a panic seen in View (a value
	// receiver) is remembered and ends the program at the next Update.
	state *recoverState
}

type recoverState struct {
	mu       sync.Mutex
	panicked string
}

func (s *recoverState) record(where string, p any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.panicked != "" {
		return
	}
	s.panicked = fmt.Sprint(p)
	klog.Errorf("panic in %s: %v\n%s", where, p, debug.Stack())
}

func (s *recoverState) get() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.panicked
}

// Recovering wraps m.
func Recovering(m tea.Model) RecoveringModel {
	return RecoveringModel{inner: m, state: &recoverState{}}
}

// Panic is the recovered panic's message, or "".
func (r RecoveringModel) Panic() string { return r.state.get() }

// Inner is the wrapped model.
func (r RecoveringModel) Inner() tea.Model { return r.inner }

// Init delegates.
func (r RecoveringModel) Init() tea.Cmd { return r.inner.Init() }

// Update delegates, turning a panic (here or in an earlier View) into a logged error and a clean quit.
func (r RecoveringModel) Update(msg tea.Msg) (m tea.Model, cmd tea.Cmd) {
	if r.state.get() != "" {
		return r, tea.Quit
	}
	defer func() {
		if p := recover(); p != nil {
			r.state.record("Update", p)
			m, cmd = r, tea.Quit
		}
	}()
	inner, cmd := r.inner.Update(msg)
	r.inner = inner
	return r, cmd
}

// View delegates; after a panic it draws a one-line notice.
func (r RecoveringModel) View() (v tea.View) {
	const notice = "ktriage hit an internal error; press any key to quit (details in the log)"
	if r.state.get() != "" {
		return tea.NewView(notice)
	}
	defer func() {
		if p := recover(); p != nil {
			r.state.record("View", p)
			v = tea.NewView(notice)
		}
	}()
	return r.inner.View()
}
