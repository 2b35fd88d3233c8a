package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ktriage/ktriage/cluster"
	"github.com/ktriage/ktriage/sanitize"
	"github.com/ktriage/ktriage/views"
)

// View draws the screen.
func (m Model) View() tea.View {
	v := tea.NewView(m.render())
	if m.opts.FirstTable != nil && m.screen == screenList && m.snap != nil && m.snap.Synced && m.width > 0 {
		m.opts.FirstTable(m.snap)
	}
	v.AltScreen = true
	v.WindowTitle = "ktriage"
	if c := m.st.Base.GetBackground(); c != nil {
		v.BackgroundColor = c
	}
	return v
}

// render returns the screen content as a string (goldens compare it).
func (m Model) render() string {
	if m.width == 0 {
		return ""
	}
	if m.layout.tooSmall {
		msg := fmt.Sprintf("terminal too small (%dx%d): ktriage needs %dx%d", m.width, m.height, minWidth, minHeight)
		return m.st.TooSmall.Render(ansi.Truncate(msg, m.width, "…"))
	}
	body := m.body()
	return strings.Join([]string{m.header(), fitBlock(body, m.layout.body.w, m.layout.body.h), m.footer()}, "\n")
}

func (m Model) body() string {
	switch {
	case m.showHelp:
		return m.helpView()
	case m.dialog != nil:
		return views.RenderDialog(&m.st, m.dialog, m.layout.body.w, m.layout.body.h)
	case m.snap == nil || !m.snap.Synced:
		return m.syncingView()
	case m.screen == screenLogs:
		return m.logs.View()
	case m.screen == screenWizard:
		return m.wizard.View()
	case m.screen == screenDetail:
		return m.detail.View()
	case len(m.snap.Nodes) == 0:
		return m.list.View() + "\n" + m.st.Muted.Render("  no nodes in this cluster")
	}
	return m.list.View()
}

func (m Model) syncingView() string {
	text := "  loading nodes, pods and events…"
	if m.snap != nil && m.snap.Conn.LastError != "" {
		text += "\n  " + m.st.FlashError.Render("waiting for the API server: "+sanitize.Line(m.snap.Conn.LastError))
	}
	return m.st.Muted.Render(text)
}

// header is two lines: where (context, server, user) and what (node counts, connection).
func (m Model) header() string {
	st := m.st
	info := m.opts.Info
	pair := func(label, value string) string {
		return st.HeaderLabel.Render(label+" ") + st.HeaderValue.Render(sanitize.Line(value))
	}
	first := st.Title.Render("ktriage") + "  " + pair("ctx", info.Context) + "  " + pair("user", info.User) + "  " + pair("server", info.Server)
	if m.opts.ReadOnly {
		first += "  " + st.Warning.Render("read-only")
	}

	c := m.snap.Counts()
	counts := []string{st.HeaderValue.Render(fmt.Sprintf("%d nodes", c.Total))}
	if c.Ready > 0 {
		counts = append(counts, st.StatusReady.Render(fmt.Sprintf("%d ready", c.Ready)))
	}
	if c.NotReady > 0 {
		counts = append(counts, st.StatusNotReady.Render(fmt.Sprintf("%d not ready", c.NotReady)))
	}
	if c.Unknown > 0 {
		counts = append(counts, st.StatusUnknown.Render(fmt.Sprintf("%d unknown", c.Unknown)))
	}
	if c.Cordoned > 0 {
		counts = append(counts, st.StatusCordoned.Render(fmt.Sprintf("%d cordoned", c.Cordoned)))
	}
	second := strings.Join(counts, st.Muted.Render(" · ")) + "   " + m.connText()
	return fitLine(first, m.width) + "\n" + fitLine(second, m.width)
}

// connText shows the connection state; while reconnecting it names the last error.
func (m Model) connText() string {
	if m.snap == nil {
		return m.st.ConnSyncing.Render("● connecting")
	}
	conn := m.snap.Conn
	switch conn.Phase {
	case cluster.ConnLive:
		text := m.st.ConnLive.Render("● live")
		if m.snap.LeasesUnavailable != "" {
			text += m.st.Muted.Render(" (no lease access)")
		}
		return text
	case cluster.ConnReconnecting:
		return m.st.ConnReconnecting.Render("● reconnecting: " + sanitize.Line(conn.LastError))
	}
	return m.st.ConnSyncing.Render("● syncing")
}

// footer shows the flash message when there is one, else the focused view's key hints.
func (m Model) footer() string {
	if text := m.FlashText(); text != "" {
		style := m.st.FlashInfo
		if m.flash.err {
			style = m.st.FlashError
		}
		return fitLine(style.Render(text), m.width)
	}
	return fitLine(m.help.ShortHelpView(append(m.focusedShortHelp(), m.keys.Help, m.keys.Quit)), m.width)
}

func (m Model) focusedShortHelp() []key.Binding {
	if m.dialog != nil {
		return m.dialog.ShortHelp()
	}
	switch m.screen {
	case screenLogs:
		return m.logs.ShortHelp()
	case screenWizard:
		return m.wizard.ShortHelp()
	case screenDetail:
		return m.detail.ShortHelp()
	}
	return m.list.ShortHelp()
}

func (m Model) helpView() string {
	var groups [][]key.Binding
	if m.dialog != nil {
		groups = m.dialog.FullHelp()
	} else if m.screen == screenLogs {
		groups = m.logs.FullHelp()
	} else if m.screen == screenWizard {
		groups = m.wizard.FullHelp()
	} else if m.screen == screenDetail {
		groups = m.detail.FullHelp()
	} else {
		groups = m.list.FullHelp()
	}
	groups = append(groups, m.keys.bindings())
	return m.st.SectionTitle.Render("Keys") + m.st.Muted.Render("  (? or esc to close)") + "\n\n" + m.help.FullHelpView(groups)
}

// fitLine cuts or pads a styled line to exactly w cells.
func fitLine(s string, w int) string {
	if n := ansi.StringWidth(s); n > w {
		return ansi.Truncate(s, w, "…")
	} else if n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}

// fitBlock makes a block exactly h lines of w cells, so the footer stays at the bottom.
func fitBlock(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		lines[i] = fitLine(l, w)
	}
	for len(lines) < h {
		lines = append(lines, strings.Repeat(" ", w))
	}
	return strings.Join(lines, "\n")
}
