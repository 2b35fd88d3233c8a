package report

import (
	"fmt"
	"strings"

	"github.com/ktriage/ktriage/diag"
	"github.com/ktriage/ktriage/sanitize"
)

// markdown builds a Markdown document. Everything from the cluster passes the sanitiser (a report is
// often read with cat) and is escaped where Markdown would interpret it.
type markdown struct{ strings.Builder }

func (m *markdown) line(format string, args ...any) {
	fmt.Fprintf(&m.Builder, format, args...)
	m.WriteByte('\n')
}

// mdSpecial are characters Markdown may interpret inside running text.
var mdSpecial = strings.NewReplacer(`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "<", "&lt;", ">", "&gt;", "[", `\[`, "]", `\]`, "#", `\#`, "|", `\|`)

// text escapes a cluster string for running text and table cells.
func (m *markdown) text(s string) string { return mdSpecial.Replace(sanitize.Line(s)) }

// code renders s as an inline code span, with a fence longer than any backtick run inside.
func (m *markdown) code(s string) string {
	s = sanitize.Line(s)
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// block renders lines verbatim in a fenced block.
func (m *markdown) block(lines []string) {
	fence := "```"
	for _, l := range lines {
		for strings.Contains(l, fence) {
			fence += "`"
		}
	}
	m.line("%stext", fence)
	for _, l := range lines {
		m.line("%s", sanitize.Line(l))
	}
	m.line("%s", fence)
}

// finding writes one finding: heading, evidence verbatim, why, next steps, actions, related.
func (m *markdown) finding(f diag.Finding, heading string) {
	m.line("")
	m.line("%s %s %s: %s", heading, strings.ToUpper(f.Severity.String()), m.code(f.ID), m.text(f.Title))
	m.line("")
	if len(f.Evidence) > 0 {
		m.line("Evidence:")
		m.line("")
		m.block(f.Evidence)
		m.line("")
	}
	m.line("**Why it matters.** %s", m.text(f.Why))
	if len(f.NextSteps) > 0 {
		m.line("")
		m.line("Next steps:")
		m.line("")
		for i, s := range f.NextSteps {
			item := m.text(s.Text)
			switch {
			case s.Command != "" && s.OnNode:
				item += " — **on the node:** " + m.code(s.Command)
			case s.Command != "":
				item += ": " + m.code(s.Command)
			}
			m.line("%d. %s", i+1, item)
		}
	}
	if len(f.Actions) > 0 {
		var labels []string
		for _, a := range f.Actions {
			labels = append(labels, m.text(a.Label))
		}
		m.line("")
		m.line("ktriage can: %s.", strings.Join(labels, "; "))
	}
	if len(f.Related) > 0 {
		var ids []string
		for _, id := range f.Related {
			ids = append(ids, m.code(id))
		}
		m.line("")
		m.line("Related findings: %s.", strings.Join(ids, ", "))
	}
}
