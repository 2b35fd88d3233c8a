package tui

import (
	"context"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"k8s.io/client-go/kubernetes"

	"github.com/ktriage/ktriage/cluster"
	"github.com/ktriage/ktriage/cluster/demo"
	"github.com/ktriage/ktriage/themes"
)

// fixedNow pins every clock in these tests, so renders are byte-for-byte reproducible.
var fixedNow = time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)

func fixedClock() time.Time { return fixedNow }

var demoInfo = cluster.Info{Context: demo.ContextName, Server: demo.Server, User: demo.User}

// demoSnapshot runs the real watcher (informers, transforms, summaries) over a freshly seeded demo
// cluster and returns its first synced snapshot. The simulator does not run: the data is the seed.
func demoSnapshot(t *testing.T) *cluster.Snapshot {
	t.Helper()
	return snapshotOf(t, demo.New(fixedNow).Interface())
}

// snapshotOf runs the watcher over a clientset and returns the first synced snapshot.
func snapshotOf(t *testing.T, client kubernetes.Interface) *cluster.Snapshot {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	snap, err := cluster.Collect(ctx, &cluster.Client{Kube: client, Info: demoInfo, Health: cluster.NewHealth(fixedClock)},
		cluster.Options{Now: fixedClock, MinInterval: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// newDemoModel is the root model sized w×h in the given theme, showing the demo snapshot.
func newDemoModel(t *testing.T, snap *cluster.Snapshot, theme themes.Styles, w, h int) Model {
	t.Helper()
	m := New(Options{Styles: theme, Info: demoInfo, Now: fixedClock, NoTick: true})
	m = send(m, tea.WindowSizeMsg{Width: w, Height: h})
	return send(m, SnapshotMsg{Snapshot: snap})
}

// send runs one message through Update, and the command it returns if that yields a message at once
// (intents such as OpenNodeMsg travel that way).
func send(m Model, msg tea.Msg) Model {
	next, cmd := m.Update(msg)
	m = next.(Model)
	if cmd != nil {
		if out := runCmd(cmd); out != nil {
			m = send(m, out)
		}
	}
	return m
}

// runCmd runs a command that answers immediately; commands that wait (ticks, blinks) are skipped.
func runCmd(cmd tea.Cmd) tea.Msg {
	ch := make(chan tea.Msg, 1)
	go func() { ch <- cmd() }()
	select {
	case msg := <-ch:
		switch msg.(type) {
		case tea.BatchMsg, tickMsg:
			return nil
		}
		return msg
	case <-time.After(50 * time.Millisecond):
		return nil
	}
}

func keyMsg(s string) tea.KeyPressMsg {
	switch s {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	}
	r := []rune(s)[0]
	return tea.KeyPressMsg{Code: r, Text: s}
}

func typeText(m Model, s string) Model {
	for _, r := range s {
		m = send(m, keyMsg(string(r)))
	}
	return m
}
