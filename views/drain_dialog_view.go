package views

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"k8s.io/apimachinery/pkg/util/duration"
)

// Title names the node and, in a maintenance flow, the step.
func (d *DrainDialog) Title() string {
	if !d.maintenance {
		return "Drain " + clean(d.node)
	}
	step := map[drainStage]string{
		stageSetup: "1–2 of 4: cordon and drain", stageConfirm: "1–2 of 4: cordon and drain",
		stageRunning: "2 of 4: drain", stageResult: "2 of 4: drain", stageReboot: "3 of 4: reboot or repair",
		stageSkipReboot: "3 of 4: reboot or repair",
		stageFinishing:  "4 of 4: uncordon", stageFinished: "4 of 4: uncordon",
	}[d.stage]
	return "Maintenance of " + clean(d.node) + " — step " + step
}

// View draws the current stage.
func (d *DrainDialog) View() string {
	var lines []string
	if d.resumeNote != "" {
		lines = append(lines, d.st.Info.Render(clean(d.resumeNote)))
	}
	switch d.stage {
	case stageSetup:
		lines = append(lines, d.setupView()...)
	case stageConfirm:
		lines = append(lines, d.confirmView()...)
	case stageRunning, stageResult:
		lines = append(lines, d.progressView()...)
	case stageReboot:
		lines = append(lines, d.rebootView()...)
	case stageSkipReboot:
		lines = append(lines, "Uncordon "+clean(d.node)+" without waiting for it to come back with a new boot ID?",
			d.st.Warning.Render("Whatever the reboot or repair was meant to fix may still be wrong; new pods will be scheduled there."),
			"", d.st.Muted.Render("y uncordon now · n keep waiting"))
	case stageFinishing:
		lines = append(lines, "uncordoning "+clean(d.node)+"…")
	case stageFinished:
		style := d.st.OK
		if !d.finishOK {
			style = d.st.Critical
		}
		lines = append(lines, style.Render(clean(d.finishText)), "", d.st.Muted.Render("enter close"))
	}
	return strings.Join(lines, "\n")
}

// setupLines is how many lines the options take, with their heading and the preview's heading.
const setupLines = optCount + 3

func (d *DrainDialog) setupView() []string {
	c := d.choices
	check := func(on bool) string {
		if on {
			return "[x]"
		}
		return "[ ]"
	}
	grace := "each pod's own"
	if c.GracePeriodSeconds >= 0 {
		grace = fmt.Sprintf("%ds", c.GracePeriodSeconds)
	}
	opts := []string{
		check(c.IgnoreDaemonSets) + " ignore DaemonSets (leave their pods in place)",
		check(c.DeleteEmptyDirData) + " delete emptyDir data (evict pods with local scratch data; it is lost)",
		check(c.Force) + " force (evict pods without a controller; nothing re-creates them)",
		check(c.DisableEviction) + " disable eviction (delete pods: bypasses PodDisruptionBudgets)",
		check(c.SkipWaitUnreachable) + " don't wait for pods that cannot terminate (unreachable node)",
		"grace period  ‹ " + grace + " ›",
		"timeout       ‹ " + c.Timeout.String() + " ›",
	}
	lines := []string{d.st.SectionTitle.Render("Options")}
	for i, o := range opts {
		if i == d.cursor {
			lines = append(lines, d.st.SelectedRow.Render("› "+o))
		} else {
			lines = append(lines, "  "+o)
		}
	}
	lines = append(lines, "")
	return append(lines, d.planView()...)
}

// planView is the preview: a count per group, then one line per pod, scrolled.
func (d *DrainDialog) planView() []string {
	switch {
	case d.plan == nil:
		return []string{d.st.SectionTitle.Render("Preview"), d.st.Muted.Render("  reading the node's pods…")}
	case d.plan.Err != "":
		return []string{d.st.SectionTitle.Render("Preview"), d.st.Critical.Render("  " + clean(d.plan.Err))}
	}
	p := d.plan
	head := fmt.Sprintf("Preview: %d to evict · %d wait for a disruption budget · %d block · %d stay",
		p.Count(PlanEvict), p.Count(PlanWait), p.Count(PlanBlock), p.Count(PlanSkip))
	lines := []string{d.st.SectionTitle.Render(head)}
	if p.Note != "" {
		lines = append(lines, d.st.Warning.Render("  "+clean(p.Note)))
	}
	if len(p.Rows) == 0 {
		lines = append(lines, d.st.Muted.Render("  no pods on this node"))
	}
	scroll := min(d.scroll, max(len(p.Rows)-1, 0))
	podW := 8
	for _, r := range p.Rows {
		podW = max(podW, min(lipgloss.Width(clean(r.Pod)), 40))
	}
	budget, shown := d.previewRows(), 0
	for _, r := range p.Rows[scroll:] {
		rowLines := d.planRowLines(r, podW)
		if len(rowLines) > budget && shown > 0 {
			break
		}
		for _, l := range rowLines[:min(len(rowLines), budget)] {
			lines = append(lines, "  "+d.planStyle(r.Group).Render(l))
		}
		budget -= len(rowLines)
		shown++
		if budget <= 0 {
			break
		}
	}
	if more := len(p.Rows) - scroll - shown; more > 0 {
		lines = append(lines, d.st.Muted.Render(fmt.Sprintf("  … %d more (pgdown)", more)))
	}
	footer := "enter continue · space/←/→ change option · esc cancel"
	if p.Count(PlanBlock) > 0 {
		footer = "blocked: change an option above (or deal with those pods) · esc cancel"
	}
	return append(lines, "", d.st.Muted.Render(footer))
}

// planRowLines renders one pod of the preview. Why a pod blocks or waits is what the person must
// read, so that reason wraps onto further lines; the other rows keep to one line.
func (d *DrainDialog) planRowLines(r PlanRow, podW int) []string {
	width := max(d.width-2, 10)
	head := fmt.Sprintf("%-5s  %-*s  ", planGroupLabels[r.Group], podW, ansi.Truncate(clean(r.Pod), podW, "…"))
	rest := clean(r.Reason)
	if r.Owner != "" {
		rest = strings.TrimSpace(rest + "  (" + clean(r.Owner) + ")")
	}
	if r.Group != PlanBlock && r.Group != PlanWait {
		return []string{ansi.Truncate(head+rest, width, "…")}
	}
	restW := max(width-lipgloss.Width(head), 10)
	wrapped := strings.Split(ansi.Wrap(rest, restW, " "), "\n")
	out := make([]string, len(wrapped))
	for i, w := range wrapped {
		prefix := head
		if i > 0 {
			prefix = strings.Repeat(" ", lipgloss.Width(head))
		}
		out[i] = ansi.Truncate(prefix+strings.TrimLeft(w, " "), width, "…")
	}
	return out
}

// previewRows is how many pod lines fit under the options.
func (d *DrainDialog) previewRows() int { return max(d.height-setupLines-4, 3) }

func (d *DrainDialog) planStyle(g PlanGroup) lipgloss.Style {
	switch g {
	case PlanBlock:
		return d.st.Critical
	case PlanWait:
		return d.st.Warning
	case PlanSkip:
		return d.st.Muted
	}
	return d.st.Value
}

func (d *DrainDialog) confirmView() []string {
	p := d.plan
	what := fmt.Sprintf("%s will be cordoned, then %d pods evicted", clean(d.node), p.Count(PlanEvict)+p.Count(PlanWait))
	if d.choices.DisableEviction {
		what = fmt.Sprintf("%s will be cordoned, then %d pods deleted (no eviction: disruption budgets are bypassed)", clean(d.node), p.Count(PlanEvict))
	}
	lines := []string{what + fmt.Sprintf("; %d stay. Timeout %s.", p.Count(PlanSkip), d.choices.Timeout)}
	if n := p.Count(PlanWait); n > 0 {
		lines = append(lines, d.st.Warning.Render(fmt.Sprintf("%d pods wait for a PodDisruptionBudget: the drain retries until it allows them or times out.", n)))
	}
	if d.maintenance {
		lines = append(lines, "Then reboot or repair the node; ktriage waits for it to come back and uncordons it.")
	}
	lines = append(lines, "", "Type the node's name to confirm:", d.input.View())
	if v := d.input.Value(); v != "" && v != d.node {
		lines = append(lines, d.st.Muted.Render("  (does not match yet)"))
	}
	return append(lines, "", d.st.Muted.Render("enter drain · esc back"))
}

func (d *DrainDialog) progressView() []string {
	s := d.status
	elapsed := d.now.Sub(s.Started)
	if s.Final {
		elapsed = s.Ended.Sub(s.Started)
	}
	head := fmt.Sprintf("%s — %d of %d evicted · %d remaining · %s elapsed (timeout %s)",
		s.Phase, s.Evicted, s.Total, s.Total-s.Evicted, formatElapsed(elapsed), d.choices.Timeout)
	lines := []string{head, d.bar(s.Evicted, s.Total)}
	if s.Waiting != "" && !s.Final {
		lines = append(lines, d.st.Warning.Render(ansi.Wrap("waiting on "+clean(s.Waiting), max(d.width, 10), " ")))
	}
	if s.Final {
		style := d.st.OK
		if !s.Success {
			style = d.st.Critical
		}
		lines = append(lines, "", style.Render(ansi.Wrap(clean(s.Summary), max(d.width, 10), " ")))
	}
	if len(s.Remaining) > 0 {
		lines = append(lines, "", d.st.SectionTitle.Render("Still on the node"))
		for _, r := range s.Remaining {
			text := clean(r.Pod) + "  " + clean(r.State)
			if r.Why != "" {
				text += " — " + clean(r.Why)
			}
			lines = append(lines, "  "+ansi.Truncate(text, max(d.width-2, 1), "…"))
		}
	}
	switch {
	case s.Final && d.stage == stageRunning:
		lines = append(lines, "", d.st.Muted.Render("finishing…"))
	case d.cancelling:
		lines = append(lines, "", d.st.Warning.Render("cancelling… in-flight evictions stop within a few seconds; the node stays cordoned"))
	case s.Final:
		lines = append(lines, "", d.st.Muted.Render("enter close"))
	default:
		lines = append(lines, "", d.st.Muted.Render("esc cancel the drain (the node stays cordoned)"))
	}
	return lines
}

// bar is a text progress bar.
func (d *DrainDialog) bar(done, total int) string {
	w := max(min(d.width-8, 50), 10)
	filled := w
	if total > 0 {
		filled = w * done / total
	}
	pct := 100
	if total > 0 {
		pct = 100 * done / total
	}
	return d.st.OK.Render(strings.Repeat("█", filled)) + d.st.Muted.Render(strings.Repeat("░", w-filled)) + fmt.Sprintf(" %3d%%", pct)
}

func (d *DrainDialog) rebootView() []string {
	lines := []string{clean(d.node) + " is drained and cordoned. Reboot or repair it now; ktriage watches for it to come back.", ""}
	ready, boot := "unknown", ""
	if d.view != nil {
		ready = d.view.Summary.Status
		boot = d.view.Summary.BootID
	}
	lines = append(lines,
		"  boot ID when drained  "+clean(shortID(d.drainedBootID)),
		"  boot ID now           "+clean(shortID(boot)),
		"  status                "+clean(ready), "")
	if d.Rebooted() {
		lines = append(lines, d.st.OK.Render("✓ the node is back: Ready with a new boot ID."), "",
			d.st.Muted.Render("enter uncordon and end maintenance · esc close (resume later with m)"))
		return lines
	}
	lines = append(lines, d.st.Warning.Render("waiting for Ready with a new boot ID…"), "",
		d.st.Muted.Render("s skip waiting: uncordon now · esc close (the flow stays recorded on the node; m resumes it)"))
	return lines
}

func shortID(id string) string {
	if id == "" {
		return "—"
	}
	if len(id) > 13 {
		return id[:13] + "…"
	}
	return id
}

func formatElapsed(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	return duration.HumanDuration(d.Truncate(time.Second))
}

// ShortHelp is the current stage's keys.
func (d *DrainDialog) ShortHelp() []key.Binding {
	k := d.Keys
	switch d.stage {
	case stageSetup:
		return []key.Binding{k.Continue, k.Toggle, k.Down, k.Back}
	case stageConfirm:
		return []key.Binding{k.Continue, k.Back}
	case stageRunning:
		return []key.Binding{k.CancelDrain}
	case stageReboot:
		return []key.Binding{k.Uncordon, k.SkipReboot, k.Back}
	case stageSkipReboot:
		return []key.Binding{k.Yes, k.No}
	}
	return []key.Binding{k.Close}
}

// FullHelp lists every key of the dialog.
func (d *DrainDialog) FullHelp() [][]key.Binding {
	k := d.Keys
	return [][]key.Binding{{k.Up, k.Down, k.Toggle, k.Less, k.More, k.ScrollUp, k.ScrollDown}, {k.Continue, k.Back, k.CancelDrain, k.SkipReboot, k.Uncordon}}
}
