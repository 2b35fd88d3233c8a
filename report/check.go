package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ktriage/ktriage/cluster"
	"github.com/ktriage/ktriage/diag"
	"github.com/ktriage/ktriage/sanitize"
)

// Check is the result of `ktriage check`, and its JSON schema: one entry per node checked, with its
// findings worst first.
type Check struct {
	Cluster     string      `json:"cluster"`
	GeneratedAt time.Time   `json:"generatedAt"`
	Nodes       []CheckNode `json:"nodes"`
}

// CheckNode is one node's status and findings.
type CheckNode struct {
	Name     string         `json:"name"`
	Status   string         `json:"status"`
	Findings []diag.Finding `json:"findings"`
}

// NewCheck collects the findings of the named nodes (all nodes when names is empty). An unknown
// name is an error, so a typo does not pass as "no findings".
func NewCheck(snap *cluster.Snapshot, clusterName string, names []string, now time.Time) (Check, error) {
	c := Check{Cluster: clusterName, GeneratedAt: now.UTC(), Nodes: []CheckNode{}}
	views := snap.Nodes
	if len(names) > 0 {
		views = nil
		for _, name := range names {
			v := snap.Node(name)
			if v == nil {
				return Check{}, fmt.Errorf("node %q not found", name)
			}
			views = append(views, v)
		}
	}
	for _, v := range views {
		// Scripts read lists: an empty one is [], never null.
		findings := make([]diag.Finding, len(v.Findings))
		for i, f := range v.Findings {
			f.Evidence = nonNil(f.Evidence)
			f.NextSteps = nonNil(f.NextSteps)
			f.Actions = nonNil(f.Actions)
			findings[i] = f
		}
		c.Nodes = append(c.Nodes, CheckNode{Name: v.Summary.Name, Status: v.Summary.Status, Findings: findings})
	}
	return c, nil
}

// Count returns how many findings are at or above the severity.
func (c Check) Count(sev diag.Severity) int {
	n := 0
	for _, node := range c.Nodes {
		n += diag.AtLeast(node.Findings, sev)
	}
	return n
}

// WriteJSON writes the check as indented JSON.
func (c Check) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(c)
}

// WriteTable writes one line per finding; with details (a few named nodes) each finding is followed
// by its evidence and next steps. Healthy nodes are counted, not listed.
func (c Check) WriteTable(w io.Writer, details bool) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NODE\tSTATUS\tSEVERITY\tRULE\tFINDING")
	healthy := 0
	for _, node := range c.Nodes {
		if len(node.Findings) == 0 {
			healthy++
			continue
		}
		for _, f := range node.Findings {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", sanitize.Line(node.Name), node.Status, f.Severity, f.ID, sanitize.Line(f.Title))
			if details {
				tw.Flush()
				writeDetails(w, f)
			}
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	crit, warn := 0, 0
	for _, node := range c.Nodes {
		switch diag.Worst(node.Findings) {
		case diag.SeverityCritical:
			crit++
		case diag.SeverityWarning:
			warn++
		}
	}
	_, err := fmt.Fprintf(w, "\n%d nodes checked: %d critical, %d warning, %d without findings\n", len(c.Nodes), crit, warn, healthy)
	return err
}

// writeDetails prints a finding's evidence and next steps, indented under its table line.
func writeDetails(w io.Writer, f diag.Finding) {
	for _, e := range f.Evidence {
		fmt.Fprintln(w, "    evidence:", sanitize.Line(e))
	}
	for _, s := range f.NextSteps {
		fmt.Fprintln(w, "    next:", sanitize.Line(s.String()))
	}
	if len(f.Related) > 0 {
		fmt.Fprintln(w, "    related:", strings.Join(f.Related, ", "))
	}
}

// WriteMarkdown writes the check as Markdown: a summary table, then each node's findings in full.
func (c Check) WriteMarkdown(w io.Writer) error {
	md := &markdown{}
	md.line("# ktriage check: %s", md.text(c.Cluster))
	md.line("")
	md.line("Generated %s.", c.GeneratedAt.Format(time.RFC3339))
	md.line("")
	md.line("| Node | Status | Critical | Warning | Info |")
	md.line("|---|---|---|---|---|")
	for _, node := range c.Nodes {
		counts := map[diag.Severity]int{}
		for _, f := range node.Findings {
			counts[f.Severity]++
		}
		md.line("| %s | %s | %d | %d | %d |", md.text(node.Name), node.Status, counts[diag.SeverityCritical], counts[diag.SeverityWarning], counts[diag.SeverityInfo])
	}
	for _, node := range c.Nodes {
		if len(node.Findings) == 0 {
			continue
		}
		md.line("")
		md.line("## %s (%s)", md.text(node.Name), node.Status)
		for _, f := range node.Findings {
			md.finding(f, "###")
		}
	}
	_, err := io.WriteString(w, md.String())
	return err
}

// nonNil turns a nil list into an empty one, so JSON shows [] rather than null.
func nonNil[T any](list []T) []T {
	if list == nil {
		return []T{}
	}
	return list
}
