package diag

// KubeletNotes are the lines the node detail's "Kubelet" section shows from what was read from the
// kubelet: the /metrics cardinality leaks (DescribeLeaks) and the goroutine dump's headline — the
// goroutine count, where the PLEG relist loop is, and the largest group of identical stacks. They are
// not findings: a leak alone is no catalogue rule (it shows in memory-pressure's evidence when the
// node is short of memory, and the relist loop in pleg-unhealthy's). Nil when nothing was read.
func KubeletNotes(k *KubeletFacts) []string {
	if k == nil {
		return nil
	}
	out := DescribeLeaks(CardinalityLeaks(k.MetricSeries))
	if g := k.goroutines(); g != nil {
		out = append(out, g.headline()...)
		if len(g.Groups) > 0 {
			out = append(out, "largest group: "+g.Groups[0].line())
		}
	}
	return out
}
