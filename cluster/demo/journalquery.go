package demo

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Reading a node's journal: queries as the kubelet and journalctl pass them, and its boots.

// journalQuery is a query of a node's journal, as the kubelet passes it to journalctl.
type journalQuery struct {
	units        []string // empty: every unit
	since, until *time.Time
	tail         *int
	pattern      *regexp.Regexp
	boot         *int
}

// query runs q and returns the matching entries, and a message when journalctl fails (a boot that
// is not in the journal).
func (c *Cluster) queryJournal(p nodePlan, q journalQuery) ([]jline, string) {
	from := time.Time{}
	to := c.Now()
	if q.since != nil {
		from = q.since.Truncate(time.Second)
	}
	if q.until != nil {
		to = minTime(to, q.until.Truncate(time.Second))
	}
	j := c.journalOf(p, from, to)
	units := map[string]bool{}
	for _, u := range q.units {
		units[strings.TrimSuffix(u, ".service")] = true
	}
	bootIdx := -1
	if q.boot != nil {
		bootIdx = len(j.boots) - 1 + *q.boot
		if bootIdx < 0 || j.oldestBoot() > bootIdx {
			return nil, fmt.Sprintf("Data from the specified boot (%d) is not available: No such boot ID in journal", *q.boot)
		}
	}
	var out []jline
	for _, l := range j.lines {
		if len(units) > 0 && !units[l.unit] {
			continue
		}
		if bootIdx >= 0 && l.boot != bootIdx {
			continue
		}
		if q.pattern != nil && !q.pattern.MatchString(l.msg) {
			continue
		}
		out = append(out, l)
	}
	if q.tail != nil && *q.tail < len(out) {
		out = out[len(out)-max(*q.tail, 0):]
	}
	return out, ""
}

// oldestBoot is the first boot the journal still holds.
func (j *journal) oldestBoot() int {
	for i := range j.boots {
		if _, end := j.segment(i); end.After(j.start) {
			return i
		}
	}
	return len(j.boots) - 1
}

// journalPattern compiles a --grep pattern as journalctl does: case-insensitive when it is all
// lower case.
func journalPattern(pattern string) (*regexp.Regexp, error) {
	if pattern == "" {
		return nil, nil
	}
	if strings.ToLower(pattern) == pattern {
		pattern = "(?i)" + pattern
	}
	return regexp.Compile(pattern)
}

// bootIDs are the journal's boot IDs, by boot index.
func (c *Cluster) bootIDs(p nodePlan) []string {
	var out []string
	for _, t := range c.boots(p) {
		out = append(out, bootID(p.name, t))
	}
	return out
}
