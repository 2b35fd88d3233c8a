package views

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/ktriage/ktriage/diag"
	"github.com/ktriage/ktriage/themes"
)

// findingLines renders the Findings tab: each finding by severity with its evidence quoted, why it
// matters, the next steps (commands for the node marked as such), the actions and related findings.
func findingLines(findings []diag.Finding, st *themes.Styles, width int) []string {
	if len(findings) == 0 {
		return []string{st.OK.Render("No rule found anything wrong with this node.")}
	}
	var out []string
	for i, f := range findings {
		if i > 0 {
			out = append(out, "")
		}
		sev := st.Severity(f.Severity.String())
		out = append(out, wrapLines(sev.Render(strings.ToUpper(f.Severity.String()))+" "+st.Title.Render(clean(f.Title))+" "+st.Muted.Render("["+f.ID+"]"), width, "")...)
		out = append(out, pageBody(st, width, f.Evidence, f.Why, f.NextSteps, f.Actions)...)
		if len(f.Related) > 0 {
			out = append(out, "  "+st.Label.Render("Related:")+" "+strings.Join(f.Related, ", "))
		}
	}
	return out
}

// pageBody renders evidence, why, next steps and actions, shared by findings and wizard pages.
func pageBody(st *themes.Styles, width int, evidence []string, why string, steps []diag.NextStep, actions []diag.Action) []string {
	var out []string
	if len(evidence) > 0 {
		out = append(out, "  "+st.Label.Render("Evidence"))
		for _, e := range evidence {
			out = append(out, wrapLines("    "+st.Value.Render(clean(e)), width, "      ")...)
		}
	}
	if why != "" {
		out = append(out, "  "+st.Label.Render("Why it matters"))
		out = append(out, wrapLines("    "+clean(why), width, "    ")...)
	}
	if len(steps) > 0 {
		out = append(out, "  "+st.Label.Render("Next steps"))
		for i, s := range steps {
			out = append(out, wrapLines(fmt.Sprintf("    %d. %s", i+1, clean(s.Text)), width, "       ")...)
			if s.Command != "" {
				where := "run:"
				if s.OnNode {
					where = "on the node:"
				}
				out = append(out, wrapLines("       "+st.Warning.Render(where)+" "+st.Value.Render(clean(s.Command)), width, "         ")...)
			}
		}
	}
	if len(actions) > 0 {
		var labels []string
		for _, a := range actions {
			label := clean(a.Label)
			k := actionKeys[a.Kind]
			if a.Kind == diag.ActNodeLog && a.Service != "kubelet" {
				k = "L, then c for " + clean(a.Service)
			}
			if k != "" {
				label += " " + st.Muted.Render("("+k+")")
			}
			labels = append(labels, label)
		}
		out = append(out, wrapLines("  "+st.Label.Render("ktriage can:")+" "+strings.Join(labels, "; "), width, "    ")...)
	}
	return out
}

// actionKeys say which key takes a finding's action from the node (the wizard offers them all as
// choices too).
var actionKeys = map[diag.ActionKind]string{
	diag.ActCordon: "c", diag.ActUncordon: "u", diag.ActDrain: "d", diag.ActMaintenance: "m",
	diag.ActNodeShell: "s", diag.ActNodeLog: "L", diag.ActGoroutines: "D", diag.ActPodLogs: "l on the Pods tab",
	diag.ActDeletePod: "ctrl+d on the Pods tab",
}

// wrapLines word-wraps a styled line to width, indenting continuation lines.
func wrapLines(s string, width int, indent string) []string {
	if width < 12 {
		return []string{ansi.Truncate(s, max(width, 1), "…")}
	}
	lines := strings.Split(ansi.Wrap(s, width-len(indent), " "), "\n")
	for i := 1; i < len(lines); i++ {
		lines[i] = indent + lines[i]
	}
	return lines
}
