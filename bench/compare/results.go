package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// client is one client's figures in one run.
type client struct {
	Seconds  float64 `json:"seconds"`
	PeakMB   float64 `json:"peakMB"`
	SteadyMB float64 `json:"steadyMB,omitempty"`
}

// round is one round of the three clients.
type round struct {
	Floor       client `json:"floor"`
	Ktriage     client `json:"ktriage"`
	Kubectl     client `json:"kubectl"`
	ListedNodes int    `json:"listedNodes"`
	ListedPods  int    `json:"listedPods"`
}

func (r round) String() string {
	return fmt.Sprintf("floor %.2f s %.0f MB · ktriage %.2f s peak %.0f MB steady %.0f MB · kubectl %.2f s %.0f MB",
		r.Floor.Seconds, r.Floor.PeakMB, r.Ktriage.Seconds, r.Ktriage.PeakMB, r.Ktriage.SteadyMB, r.Kubectl.Seconds, r.Kubectl.PeakMB)
}

// idle is what one ktriage did while idle and during a Lease storm.
type idle struct {
	Minutes float64 `json:"minutes"`
	// Lists and Watches are the API server's request counts by resource over the idle time, from
	// every client (kwok's included).
	Lists            []string `json:"lists"`
	ListsOfWatched   []string `json:"listsOfWatched"`
	Watches          []string `json:"watches"`
	RSSAfterIdleMB   float64  `json:"rssAfterIdleMB"`
	KeyQuietMS       float64  `json:"keyQuietMs"`
	StormLeases      int      `json:"stormLeases"`
	StormSeconds     float64  `json:"stormSeconds"`
	KeyStormMedianMS float64  `json:"keyStormMedianMs"`
	KeyStormMaxMS    float64  `json:"keyStormMaxMs"`
	// MaxSnapshotsPerSecond is the most snapshots that reached ktriage's UI in any one second.
	MaxSnapshotsPerSecond int `json:"maxSnapshotsPerSecond"`
}

type results struct {
	Nodes  int     `json:"nodes"`
	Pods   int     `json:"pods"`
	Runs   int     `json:"runs"`
	CPUs   int     `json:"cpus"`
	Each   []round `json:"each"`
	Median round   `json:"median"`
	Idle   *idle   `json:"idle,omitempty"`
	Ratios ratios  `json:"ratios"`
	When   string  `json:"when"`
}

type ratios struct {
	KtriageOverFloor   float64 `json:"ktriageOverFloor"`
	KtriageOverKubectl float64 `json:"ktriageOverKubectl"`
}

// summarise takes the median of every figure over the runs.
func (r *results) summarise() {
	pick := func(f func(round) float64) float64 {
		var xs []float64
		for _, e := range r.Each {
			xs = append(xs, f(e))
		}
		return median(xs)
	}
	m := &r.Median
	m.Floor = client{Seconds: pick(func(e round) float64 { return e.Floor.Seconds }), PeakMB: pick(func(e round) float64 { return e.Floor.PeakMB })}
	m.Ktriage = client{Seconds: pick(func(e round) float64 { return e.Ktriage.Seconds }), PeakMB: pick(func(e round) float64 { return e.Ktriage.PeakMB }),
		SteadyMB: pick(func(e round) float64 { return e.Ktriage.SteadyMB })}
	m.Kubectl = client{Seconds: pick(func(e round) float64 { return e.Kubectl.Seconds }), PeakMB: pick(func(e round) float64 { return e.Kubectl.PeakMB })}
	if len(r.Each) > 0 {
		m.ListedNodes, m.ListedPods = r.Each[0].ListedNodes, r.Each[0].ListedPods
	}
	if m.Floor.Seconds > 0 && m.Kubectl.Seconds > 0 {
		r.Ratios = ratios{KtriageOverFloor: m.Ktriage.Seconds / m.Floor.Seconds, KtriageOverKubectl: m.Ktriage.Seconds / m.Kubectl.Seconds}
	}
	r.When = time.Now().UTC().Format(time.RFC3339)
}

func (r *results) print(w io.Writer) {
	m := r.Median
	fmt.Fprintf(w, "\nktriage bench: %d nodes, %d pods (listed: %d, %d), %d CPUs, median of %d runs\n\n",
		r.Nodes, r.Pods, m.ListedNodes, m.ListedPods, r.CPUs, r.Runs)
	fmt.Fprintf(w, "  %-44s %9s %10s %12s\n", "", "time", "peak RSS", "RSS synced")
	fmt.Fprintf(w, "  %-44s %8.2fs %7.0f MB\n", "floor (paginated protobuf LIST + decode)", m.Floor.Seconds, m.Floor.PeakMB)
	fmt.Fprintf(w, "  %-44s %8.2fs %7.0f MB %9.0f MB\n", "ktriage (start → first complete node table)", m.Ktriage.Seconds, m.Ktriage.PeakMB, m.Ktriage.SteadyMB)
	fmt.Fprintf(w, "  %-44s %8.2fs %7.0f MB\n", "kubectl get nodes + kubectl get pods -A", m.Kubectl.Seconds, m.Kubectl.PeakMB)
	fmt.Fprintf(w, "\n  ktriage/floor %.2f×   ktriage/kubectl %.2f×\n", r.Ratios.KtriageOverFloor, r.Ratios.KtriageOverKubectl)
	if i := r.Idle; i != nil {
		fmt.Fprintf(w, "\n  idle %.0f min: LIST of nodes, pods, events or leases: %s (all LISTs, any client: %s)\n",
			i.Minutes, orNone(i.ListsOfWatched), orNone(i.Lists))
		fmt.Fprintf(w, "                 WATCH requests (all clients): %s\n", orNone(i.Watches))
		fmt.Fprintf(w, "                 ktriage RSS after idling: %.0f MB\n", i.RSSAfterIdleMB)
		fmt.Fprintf(w, "  lease storm: %d Leases renewed in %.2f s; key → frame %.0f ms median, %.0f ms max (quiet: %.0f ms);\n",
			i.StormLeases, i.StormSeconds, i.KeyStormMedianMS, i.KeyStormMaxMS, i.KeyQuietMS)
		fmt.Fprintf(w, "               at most %d snapshots reached the UI in any one second\n", i.MaxSnapshotsPerSecond)
	}
}

func orNone(xs []string) string {
	if len(xs) == 0 {
		return "none"
	}
	return strings.Join(xs, ", ")
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func envDuration(name string, def time.Duration) time.Duration {
	if v, ok := os.LookupEnv(name); ok {
		if d, err := time.ParseDuration(v); err == nil {
			return d
		}
	}
	return def
}
