package report

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/duration"

	"github.com/ktriage/ktriage/actions"
	"github.com/ktriage/ktriage/cluster"
	"github.com/ktriage/ktriage/diag"
)

// Triage is everything a node's triage report says: the node as ktriage sees it, the wizard path
// when the report comes from a wizard, and the actions taken from the audit log.
type Triage struct {
	Cluster string
	View    *cluster.NodeView
	Now     time.Time
	// Trail is the wizard walked before the report was written, if any.
	Trail *diag.Trail
	// Audit are the audit log's entries about the node, oldest first.
	Audit []actions.AuditEntry
	// AuditError says why the audit log could not be read, if it could not.
	AuditError string
	Version    string
}

// maxReportEvents bounds the warning events listed.
const maxReportEvents = 25

// FileName is the report's file name: the node and the time, safe on every filesystem.
func (t Triage) FileName() string {
	name := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' {
			return r
		}
		return '_'
	}, t.View.Summary.Name)
	return fmt.Sprintf("ktriage-%s-%s.md", name, t.Now.UTC().Format("20060102-150405"))
}

// Path is where the report goes: dir (or the current directory) joined with FileName.
func (t Triage) Path(dir string) string {
	if dir == "" {
		dir = "."
	}
	return filepath.Join(dir, t.FileName())
}

// Write renders the report as Markdown.
func (t Triage) Write(w io.Writer) error {
	md := &markdown{}
	s := t.View.Summary
	md.line("# Triage report: node %s", md.text(s.Name))
	md.line("")
	md.line("Cluster %s, written %s by ktriage %s.", md.text(t.Cluster), t.Now.UTC().Format(time.RFC3339), md.text(t.Version))
	md.line("")
	t.summary(md)
	t.conditions(md)
	t.findings(md)
	t.trail(md)
	t.events(md)
	t.pods(md)
	t.audit(md)
	_, err := io.WriteString(w, md.String())
	return err
}

func (t Triage) summary(md *markdown) {
	s := t.View.Summary
	md.line("## Summary")
	md.line("")
	row := func(k, v string) {
		if v != "" {
			md.line("| %s | %s |", k, v)
		}
	}
	md.line("| | |")
	md.line("|---|---|")
	row("Status", s.Status)
	row("Problems", md.text(s.ProblemsText()))
	row("Roles", md.text(strings.Join(s.Roles, ", ")))
	row("Internal IP", md.text(s.InternalIP))
	row("Kubelet", md.text(s.KubeletVersion))
	row("Container runtime", md.text(s.ContainerRuntime))
	row("Kernel", md.text(s.KernelVersion))
	row("OS", md.text(s.OSImage))
	row("Boot ID", md.text(s.BootID))
	row("Pod CIDR", md.text(strings.Join(s.PodCIDRs, ", ")))
	row("Pods", fmt.Sprintf("%d of %d", s.PodCount, s.MaxPods))
	if !s.Heartbeat.IsZero() {
		src := "Ready condition"
		if s.HeartbeatFromLease {
			src = "Lease"
		}
		row("Last heartbeat", fmt.Sprintf("%s ago (%s)", duration.HumanDuration(t.Now.Sub(s.Heartbeat)), src))
	}
	if !s.Created.IsZero() {
		row("Age", duration.HumanDuration(t.Now.Sub(s.Created)))
	}
	var taints []string
	for _, taint := range s.Taints {
		taints = append(taints, md.text(taint.ToString()))
	}
	row("Taints", strings.Join(taints, ", "))
	md.line("")
}

func (t Triage) conditions(md *markdown) {
	md.line("## Conditions")
	md.line("")
	md.line("| Type | Status | Reason | Since | Message |")
	md.line("|---|---|---|---|---|")
	for _, c := range t.View.Summary.Conditions {
		status := c.Status
		if c.Problem {
			status = "**" + status + "**"
		}
		since := ""
		if !c.LastTransition.IsZero() {
			since = duration.HumanDuration(t.Now.Sub(c.LastTransition))
		}
		md.line("| %s | %s | %s | %s | %s |", md.text(c.Type), status, md.text(c.Reason), since, md.text(c.Message))
	}
	md.line("")
}

func (t Triage) findings(md *markdown) {
	md.line("## Findings")
	if len(t.View.Findings) == 0 {
		md.line("")
		md.line("No rule found anything wrong.")
	}
	for _, f := range t.View.Findings {
		md.finding(f, "###")
	}
	md.line("")
}

func (t Triage) trail(md *markdown) {
	if t.Trail == nil || len(t.Trail.Steps) == 0 {
		return
	}
	md.line("## Guided diagnosis: %s", md.text(t.Trail.Wizard))
	md.line("")
	for i, s := range t.Trail.Steps {
		line := fmt.Sprintf("%d. **%s** — %s", i+1, md.text(s.Title), md.text(s.Result))
		if s.Command != "" {
			line += " (ran " + md.code(s.Command) + ")"
		}
		if s.Answer != "" {
			line += " Answer: **" + md.text(s.Answer) + "**"
		}
		md.line("%s", line)
		for _, e := range s.Evidence {
			md.line("   - %s", md.text(e))
		}
	}
	md.line("")
}

func (t Triage) events(md *markdown) {
	md.line("## Recent warning events")
	md.line("")
	n := 0
	for _, e := range t.View.EventRows {
		if !e.Warning() {
			continue
		}
		if n == 0 {
			md.line("| Last seen | Reason | Object | Count | Message |")
			md.line("|---|---|---|---|---|")
		}
		if n == maxReportEvents {
			md.line("")
			md.line("(%d shown; more on the node's Events tab.)", maxReportEvents)
			break
		}
		n++
		md.line("| %s ago | %s | %s | %d | %s |", duration.HumanDuration(t.Now.Sub(e.LastSeen)), md.text(e.Reason), md.text(e.Object), e.Count, md.text(e.Message))
	}
	if n == 0 {
		md.line("None.")
	}
	md.line("")
}

func (t Triage) pods(md *markdown) {
	md.line("## Failing pods")
	md.line("")
	n := 0
	for _, r := range t.View.PodRows {
		if !r.Broken {
			continue
		}
		if n == 0 {
			md.line("| Pod | Status | Restarts | Message |")
			md.line("|---|---|---|---|")
		}
		n++
		md.line("| %s/%s | %s | %d | %s |", md.text(r.Namespace), md.text(r.Name), md.text(r.Status), r.Restarts, md.text(r.Message))
	}
	if n == 0 {
		md.line("None.")
	}
	md.line("")
}

func (t Triage) audit(md *markdown) {
	md.line("## Actions taken (audit log)")
	md.line("")
	if t.AuditError != "" {
		md.line("The audit log could not be read: %s", md.text(t.AuditError))
		return
	}
	if len(t.Audit) == 0 {
		md.line("None recorded by ktriage on this machine.")
		return
	}
	md.line("| Time | User | Action | Pod | Result | Error |")
	md.line("|---|---|---|---|---|---|")
	for _, e := range t.Audit {
		md.line("| %s | %s | %s | %s | %s | %s |", e.Time.UTC().Format(time.RFC3339), md.text(e.User), md.text(e.Action), md.text(e.Pod), md.text(e.Result), md.text(e.Error))
	}
}

// WriteFile writes the report into dir (the current directory when empty) and returns its path. A
// dir ending in ".md" is taken as the file to write.
func (t Triage) WriteFile(dir string) (string, error) {
	path := t.Path(dir)
	if strings.HasSuffix(dir, ".md") {
		path = dir
	} else if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", fmt.Errorf("write report: %w", err)
		}
	}
	var b strings.Builder
	if err := t.Write(&b); err != nil {
		return "", err
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		return "", fmt.Errorf("write report: %w", err)
	}
	return path, nil
}
