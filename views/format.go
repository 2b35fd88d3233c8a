package views

import (
	"fmt"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/duration"

	"github.com/ktriage/ktriage/sanitize"
)

// age prints how long ago t was, as kubectl does ("5m12s", "3d"); "-" when unknown.
func age(now, t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	d := now.Sub(t)
	if d < 0 {
		d = 0
	}
	return duration.HumanDuration(d)
}

// qty prints a quantity as kubectl does, "0" for none.
func qty(q resource.Quantity) string {
	if q.IsZero() {
		return "0"
	}
	return q.String()
}

// pct prints a whole percentage.
func pct(p int64) string { return fmt.Sprintf("%d%%", p) }

// clean sanitises a string from the cluster for a one-line cell.
func clean(s string) string { return sanitize.Line(s) }

// orNone prints "<none>" for an empty value, as kubectl does.
func orNone(s string) string {
	if s == "" {
		return "<none>"
	}
	return s
}

// joinClean sanitises and joins values.
func joinClean(values []string, sep string) string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = clean(v)
	}
	return strings.Join(out, sep)
}

// bytesHuman prints a byte count in binary units with one decimal ("1.4 GiB").
func bytesHuman(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
