package views

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/ktriage/ktriage/cluster"
	"github.com/ktriage/ktriage/themes"
)

func podColumns() []Column {
	return []Column{
		{Title: "NAMESPACE", Width: 11, Priority: 3},
		{Title: "NAME", Width: 16, Flex: 3},
		{Title: "READY", Width: 5, Right: true, Priority: 6},
		{Title: "STATUS", Width: 17, Flex: 1},
		{Title: "RESTARTS", Width: 8, Right: true, Priority: 7},
		{Title: "CPU", Width: 5, Right: true, Priority: 5},
		{Title: "MEM", Width: 6, Right: true, Priority: 5},
		{Title: "AGE", Width: 5, Right: true, Priority: 8},
		{Title: "IP", Width: 13, Priority: 2},
		{Title: "OWNER", Width: 11, Priority: 1},
	}
}

// podRows renders the Pods tab rows; broken pods first would hide the order people expect, so pods keep
// namespace/name order and broken ones are highlighted instead.
func podRows(v *cluster.NodeView, now time.Time, st *themes.Styles) []Row {
	rows := make([]Row, len(v.PodRows))
	for i, p := range v.PodRows {
		status := p.Status
		if status == "Terminating" {
			status = "Terminating (" + age(now, p.TerminatingSince) + ")"
		}
		restarts := strconv.Itoa(int(p.Restarts))
		cells := []string{
			clean(p.Namespace), clean(p.Name), fmt.Sprintf("%d/%d", p.ReadyContainers, p.TotalContainers),
			clean(status), restarts, qty(p.CPURequest()), qty(p.MemRequest()), age(now, p.Created),
			orNone(clean(p.IP)), orNone(clean(p.OwnerKind)),
		}
		var styles []*lipgloss.Style
		if p.Terminated && !p.Broken {
			styles = allStyles(len(cells), &st.Muted)
		}
		rows[i] = Row{Key: p.Namespace + "/" + p.Name, Cells: cells, Broken: p.Broken, CellStyles: styles}
	}
	return rows
}

func allStyles(n int, s *lipgloss.Style) []*lipgloss.Style {
	out := make([]*lipgloss.Style, n)
	for i := range out {
		out[i] = s
	}
	return out
}

// podPreview is the full text of the selected pod: name, owner and the message that explains its state.
func podPreview(v *cluster.NodeView, key string) string {
	for _, p := range v.PodRows {
		if p.Namespace+"/"+p.Name != key {
			continue
		}
		parts := []string{p.Namespace + "/" + p.Name, p.Status}
		if p.OwnerKind != "" {
			parts = append(parts, "owned by "+p.OwnerKind+" "+p.OwnerName)
		}
		parts = append(parts, fmt.Sprintf("cpu %s/%s  mem %s/%s (request/limit)", qty(p.CPURequest()), qty(p.CPULimit()), qty(p.MemRequest()), qty(p.MemLimit())))
		if p.Message != "" {
			parts = append(parts, p.Message)
		}
		return strings.Join(parts, " · ")
	}
	return ""
}

func eventColumns() []Column {
	return []Column{
		{Title: "LAST SEEN", Width: 9, Right: true},
		{Title: "TYPE", Width: 7, Priority: 3},
		{Title: "REASON", Width: 14, Priority: 5},
		{Title: "OBJECT", Width: 14, Flex: 1, Priority: 2},
		{Title: "SOURCE", Width: 15, Priority: 1},
		{Title: "COUNT", Width: 5, Right: true, Priority: 4},
		{Title: "MESSAGE", Width: 20, Flex: 4},
	}
}

func eventRows(v *cluster.NodeView, now time.Time, st *themes.Styles) []Row {
	rows := make([]Row, len(v.EventRows))
	for i, e := range v.EventRows {
		cells := []string{age(now, e.LastSeen), clean(e.Type), clean(e.Reason), clean(e.Object), clean(e.Component), strconv.Itoa(int(e.Count)), clean(e.Message)}
		var styles []*lipgloss.Style
		if e.Warning() {
			styles = allStyles(len(cells), &st.Warning)
		}
		rows[i] = Row{Key: e.Key, Cells: cells, CellStyles: styles}
	}
	return rows
}

func eventPreview(v *cluster.NodeView, key string, now time.Time) string {
	for _, e := range v.EventRows {
		if e.Key == key {
			return fmt.Sprintf("%s %s on %s, %d× (first %s ago, last %s ago, from %s): %s",
				e.Type, e.Reason, e.Object, e.Count, age(now, e.FirstSeen), age(now, e.LastSeen), orNone(e.Source), e.Message)
		}
	}
	return ""
}

func allocationPodColumns() []Column {
	return []Column{
		{Title: "NAMESPACE", Width: 11, Priority: 2},
		{Title: "NAME", Width: 16, Flex: 1},
		{Title: "CPU REQ", Width: 11, Right: true},
		{Title: "CPU LIM", Width: 11, Right: true, Priority: 4},
		{Title: "MEM REQ", Width: 12, Right: true},
		{Title: "MEM LIM", Width: 12, Right: true, Priority: 4},
		{Title: "AGE", Width: 5, Right: true, Priority: 1},
	}
}

// allocationPodRows lists non-terminated pods by CPU request, then memory request, largest first, with
// each figure's share of allocatable as kubectl describe node prints it.
func allocationPodRows(v *cluster.NodeView, now time.Time) []Row {
	alloc := v.Node.Status.Allocatable
	if len(alloc) == 0 {
		alloc = v.Node.Status.Capacity
	}
	rows := slices.Clone(v.PodRows)
	rows = slices.DeleteFunc(rows, func(p cluster.PodRow) bool { return p.Terminated })
	slices.SortStableFunc(rows, func(a, b cluster.PodRow) int {
		return cmp.Or(cmp.Compare(b.CPURequestMilli, a.CPURequestMilli), cmp.Compare(b.MemRequestBytes, a.MemRequestBytes))
	})
	cpuAlloc, memAlloc := alloc[corev1.ResourceCPU], alloc[corev1.ResourceMemory]
	out := make([]Row, len(rows))
	for i, p := range rows {
		out[i] = Row{Key: p.Namespace + "/" + p.Name, Cells: []string{
			clean(p.Namespace), clean(p.Name),
			share(p.CPURequest(), cpuAlloc, corev1.ResourceCPU), share(p.CPULimit(), cpuAlloc, corev1.ResourceCPU),
			share(p.MemRequest(), memAlloc, corev1.ResourceMemory), share(p.MemLimit(), memAlloc, corev1.ResourceMemory),
			age(now, p.Created),
		}}
	}
	return out
}

// allocationSummary renders the "Allocated resources" table of kubectl describe node.
func allocationSummary(v *cluster.NodeView, st *themes.Styles, width int) []string {
	out := []string{
		st.SectionTitle.Render("Allocated resources") + st.Muted.Render("  (total limits may be over 100 percent, i.e., overcommitted)"),
		st.TableHeader.Render(padRight(fmt.Sprintf("  %-24s %-20s %-20s", "RESOURCE", "REQUESTS", "LIMITS"), width)),
	}
	for _, r := range v.Allocation.Resources {
		req, lim := qty(r.Requests), qty(r.Limits)
		if r.HasPercent {
			req += fmt.Sprintf(" (%d%%)", r.RequestPct)
			lim += fmt.Sprintf(" (%d%%)", r.LimitPct)
		}
		line := fmt.Sprintf("  %-24s %-20s %-20s", clean(string(r.Name)), req, lim)
		switch {
		case r.Overcommitted:
			line = st.Warning.Render(line + "  overcommitted")
		case r.HasPercent && r.RequestPct >= 90:
			line = st.Warning.Render(line + "  nearly full")
		}
		out = append(out, line)
	}
	return out
}

// share prints a quantity with its percentage of allocatable, as kubectl describe node does.
func share(q, of resource.Quantity, name corev1.ResourceName) string {
	if of.IsZero() {
		return qty(q)
	}
	return fmt.Sprintf("%s (%d%%)", qty(q), cluster.Percent(name, q, of))
}
