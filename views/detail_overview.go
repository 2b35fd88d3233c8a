package views

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
	corev1 "k8s.io/api/core/v1"

	"github.com/ktriage/ktriage/cluster"
	"github.com/ktriage/ktriage/sanitize"
	"github.com/ktriage/ktriage/themes"
)

// overviewLines renders the Overview tab: conditions (problems highlighted, their messages in full),
// addresses, node info, taints, capacity against allocatable, labels and the largest images.
func overviewLines(v *cluster.NodeView, now time.Time, st *themes.Styles, width int) []string {
	var out []string
	section := func(title string) {
		if len(out) > 0 {
			out = append(out, "")
		}
		out = append(out, st.SectionTitle.Render(title))
	}
	s := v.Summary

	section("Conditions")
	out = append(out, conditionLines(s.Conditions, now, st, width)...)

	section("Addresses")
	var addrs []string
	for _, a := range v.Node.Status.Addresses {
		addrs = append(addrs, st.Label.Render(clean(string(a.Type)))+" "+st.Value.Render(clean(a.Address)))
	}
	out = append(out, "  "+orNone(strings.Join(addrs, "   ")))

	section("Node info")
	info := v.Node.Status.NodeInfo
	pairs := [][2]string{
		{"Kubelet", info.KubeletVersion}, {"Kernel", info.KernelVersion}, {"OS image", info.OSImage},
		{"Runtime", info.ContainerRuntimeVersion}, {"Arch", info.OperatingSystem + "/" + info.Architecture},
		{"Boot ID", info.BootID}, {"Pod CIDR", strings.Join(s.PodCIDRs, ", ")},
		{"Created", age(now, s.Created) + " ago"}, {"Heartbeat", heartbeatText(s, now)},
	}
	for _, p := range pairs {
		out = append(out, "  "+st.Label.Render(fmt.Sprintf("%-10s", p[0]))+" "+st.Value.Render(orNone(clean(p[1]))))
	}

	section("Taints")
	if len(s.Taints) == 0 {
		out = append(out, "  "+st.Muted.Render("<none>"))
	}
	for _, t := range s.Taints {
		line := clean(t.Key)
		if t.Value != "" {
			line += "=" + clean(t.Value)
		}
		line += ":" + clean(string(t.Effect))
		if t.TimeAdded != nil {
			line += st.Muted.Render("  since " + age(now, t.TimeAdded.Time))
		}
		out = append(out, "  "+line)
	}

	section("Capacity / allocatable")
	out = append(out, "  "+st.TableHeader.Render(fmt.Sprintf("%-26s %12s %12s", "RESOURCE", "CAPACITY", "ALLOCATABLE")))
	for _, name := range resourceNames(v.Node.Status.Capacity) {
		c, a := v.Node.Status.Capacity[name], v.Node.Status.Allocatable[name]
		out = append(out, fmt.Sprintf("  %-26s %12s %12s", clean(string(name)), qty(c), qty(a)))
	}

	section("Labels")
	keys := make([]string, 0, len(v.Node.Labels))
	for k := range v.Node.Labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		out = append(out, "  "+st.Label.Render(clean(k))+"="+clean(v.Node.Labels[k]))
	}

	section("Largest images")
	if len(v.Node.Status.Images) == 0 {
		out = append(out, "  "+st.Muted.Render("<none reported>"))
	}
	for _, img := range v.Node.Status.Images {
		name := "<untagged>"
		for _, n := range img.Names {
			if !strings.Contains(n, "@sha256:") {
				name = n
				break
			}
		}
		out = append(out, fmt.Sprintf("  %10s  %s", bytesHuman(img.SizeBytes), clean(name)))
	}
	return out
}

// conditionLines lays conditions out as a small table; a problem condition is highlighted and its
// message follows in full, wrapped, because that message is usually the diagnosis.
func conditionLines(conds []cluster.Condition, now time.Time, st *themes.Styles, width int) []string {
	if len(conds) == 0 {
		return []string{"  " + st.Muted.Render("<no conditions reported>")}
	}
	tw, rw := 4, 6
	for _, c := range conds {
		tw = max(tw, min(len(c.Type)+1, 28))
		rw = max(rw, min(len(c.Reason), 24))
	}
	header := fmt.Sprintf("  %-*s %-7s %-*s %6s  %s", tw, "TYPE", "STATUS", rw, "REASON", "SINCE", "MESSAGE")
	out := []string{st.TableHeader.Render(padRight(header, width))}
	msgWidth := max(width-(2+tw+1+7+1+rw+1+6+2), 10)
	for _, c := range conds {
		typ := clean(c.Type)
		if c.Unknown {
			typ += "?"
		}
		msg := clean(c.Message)
		line := fmt.Sprintf("  %-*s %-7s %-*s %6s  %s", tw, fitPlain(typ, tw), fitPlain(clean(c.Status), 7), rw, fitPlain(clean(c.Reason), rw),
			age(now, c.LastTransition), fitPlain(msg, msgWidth))
		if !c.Problem {
			out = append(out, line)
			continue
		}
		style := st.Critical
		if c.Unknown || !isKubeletCondition(c.Type) {
			style = st.Warning
		}
		out = append(out, style.Render(line))
		if ansi.StringWidth(msg) > msgWidth {
			for _, l := range strings.Split(ansi.Wordwrap(sanitize.Line(c.Message), max(width-6, 10), " "), "\n") {
				out = append(out, "    "+style.Render("↳ "+l))
			}
		}
	}
	return out
}

func isKubeletCondition(t string) bool {
	switch corev1.NodeConditionType(t) {
	case corev1.NodeReady, corev1.NodeMemoryPressure, corev1.NodeDiskPressure, corev1.NodePIDPressure, corev1.NodeNetworkUnavailable:
		return true
	}
	return false
}

func heartbeatText(s cluster.NodeSummary, now time.Time) string {
	if s.Heartbeat.IsZero() {
		return "unknown"
	}
	src := "lease"
	if !s.HeartbeatFromLease {
		src = "Ready condition"
	}
	text := age(now, s.Heartbeat) + " ago (" + src + ")"
	if s.Stale {
		text += " — stale"
	}
	return text
}

func fitPlain(s string, w int) string {
	if ansi.StringWidth(s) > w {
		return ansi.Truncate(s, w, "…")
	}
	return s
}

// resourceNames orders cpu, memory, pods, ephemeral-storage first, then the rest alphabetically.
func resourceNames(l corev1.ResourceList) []corev1.ResourceName {
	first := []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory, corev1.ResourcePods, corev1.ResourceEphemeralStorage}
	var out, rest []corev1.ResourceName
	for _, n := range first {
		if _, ok := l[n]; ok {
			out = append(out, n)
		}
	}
	for n := range l {
		if n != corev1.ResourceCPU && n != corev1.ResourceMemory && n != corev1.ResourcePods && n != corev1.ResourceEphemeralStorage {
			rest = append(rest, n)
		}
	}
	sort.Slice(rest, func(i, j int) bool { return rest[i] < rest[j] })
	return append(out, rest...)
}
