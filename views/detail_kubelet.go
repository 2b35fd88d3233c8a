package views

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ktriage/ktriage/cluster"
	"github.com/ktriage/ktriage/sanitize"
	"github.com/ktriage/ktriage/themes"
)

// KubeletPanel is what the Kubelet tab shows about a node's kubelet. The root reads the kubelet on
// request (never on a timer) and fills it in; a part not asked for yet is empty.
type KubeletPanel struct {
	// Settings come from /configz; ConfigStatus is "loading…" or why they could not be read.
	Settings     []cluster.KubeletSetting
	ConfigStatus string
	// Goroutines summarise /debug/pprof/goroutine; HasDump says the raw dump can be shown.
	Goroutines       []string
	GoroutinesStatus string
	HasDump          bool
	// Metrics describe /metrics series counts (cardinality leaks).
	Metrics       []string
	MetricsStatus string
}

// KubeletTabKeyMap are the Kubelet tab's own keys.
type KubeletTabKeyMap struct {
	Metrics, RawDump, Refresh key.Binding
}

// DefaultKubeletTabKeyMap binds M (metrics), v (raw goroutine dump) and R (read configz again).
func DefaultKubeletTabKeyMap() KubeletTabKeyMap {
	return KubeletTabKeyMap{
		Metrics: key.NewBinding(key.WithKeys("M"), key.WithHelp("M", "count kubelet metric series")),
		RawDump: key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "raw goroutine dump")),
		Refresh: key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "read configz again")),
	}
}

// SetKubelet shows what is known about the node's kubelet.
func (m *NodeDetail) SetKubelet(p KubeletPanel) {
	m.kubeletPanel = p
	m.layout()
}

// kubeletKey handles the Kubelet tab's keys; handled is false for other keys.
func (m *NodeDetail) kubeletKey(kp tea.KeyPressMsg) bool {
	k := m.Keys.Kubelet
	switch {
	case key.Matches(kp, k.Metrics):
		m.emit(KubeletMetricsMsg{Node: m.name})
	case key.Matches(kp, k.RawDump):
		m.emit(RawGoroutinesMsg{Node: m.name})
	case key.Matches(kp, k.Refresh):
		m.emit(KubeletConfigMsg{Node: m.name, Refresh: true})
	default:
		return false
	}
	return true
}

// panelLine is a line of the panel before wrapping; warn renders it in the warning style.
type panelLine struct {
	text string
	warn bool
}

// kubeletLines renders the panel: configuration, goroutines, metrics, each saying how to fill it.
func kubeletLines(p KubeletPanel, st *themes.Styles, width int) []string {
	var lines []string
	section := func(title, status string, body []panelLine, hint string) {
		if len(lines) > 0 {
			lines = append(lines, "")
		}
		lines = append(lines, st.SectionTitle.Render(title))
		switch {
		case status != "":
			lines = append(lines, "  "+st.Muted.Render(sanitize.Line(status)))
			return
		case len(body) == 0:
			lines = append(lines, "  "+st.Muted.Render(hint))
		}
		for _, b := range body {
			for _, w := range wrapIndented(sanitize.Line(b.text), width, "  ") {
				if b.warn {
					w = st.Warning.Render(w)
				}
				lines = append(lines, w)
			}
		}
	}
	var settings []panelLine
	for _, s := range p.Settings {
		name := s.Name
		if len(name) < 26 {
			name = padRight(name, 26) // a long setting name keeps its whole name, unaligned
		}
		line := name + " " + s.Value
		if s.Note != "" {
			line += "  — " + s.Note
		}
		settings = append(settings, panelLine{text: line, warn: s.Warn})
	}
	section("Configuration (/configz)", p.ConfigStatus, settings, "not read yet — R reads it")
	var goroutines []panelLine
	for _, g := range p.Goroutines {
		goroutines = append(goroutines, panelLine{text: g})
	}
	if p.HasDump {
		goroutines = append(goroutines, panelLine{text: "(v shows the raw dump)"})
	}
	section("Goroutines (/debug/pprof/goroutine)", p.GoroutinesStatus, goroutines, "not fetched — D fetches the goroutine dump")
	var metrics []panelLine
	for _, l := range p.Metrics {
		metrics = append(metrics, panelLine{text: l})
	}
	section("Metrics (/metrics series by name)", p.MetricsStatus, metrics, "not counted — M counts the series")
	return lines
}

// wrapIndented cuts a long line at spaces into pieces of at most width cells, continuation lines
// indented further; a narrow screen gets the line whole (the pane cuts it).
func wrapIndented(s string, width int, indent string) []string {
	const minRoom = 12
	var out []string
	for {
		room := width - len(indent)
		if room < minRoom || ansi.StringWidth(s) <= room {
			return append(out, indent+s)
		}
		cut := ansi.Truncate(s, room, "")
		if i := strings.LastIndex(cut, " "); i > len(cut)/2 {
			cut = cut[:i]
		}
		out = append(out, indent+strings.TrimRight(cut, " "))
		s = strings.TrimLeft(s[len(cut):], " ")
		if !strings.HasPrefix(indent, "    ") {
			indent += "  "
		}
	}
}
