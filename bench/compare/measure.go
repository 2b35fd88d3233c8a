package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"time"

	"k8s.io/client-go/kubernetes"
)

// settle is how long after its first table ktriage's memory is read as "after sync": long enough
// for the first diagnosis of every node and a few rounds of Lease renewals.
const settle = 10 * time.Second

// measureRun runs the floor, ktriage and kubectl once each.
func measureRun(ctx context.Context, c config, work string, n int) (round, error) {
	var r round
	wall, peak, out, err := runMeasured(filepath.Join(c.bin, "bench-floor"), "--kubeconfig", c.kubeconfig)
	if err != nil {
		return r, err
	}
	var floor struct{ Nodes, Pods int }
	if err := json.Unmarshal(out, &floor); err != nil {
		return r, fmt.Errorf("floor printed %q: %w", out, err)
	}
	r.Floor = client{Seconds: wall.Seconds(), PeakMB: mb(peak)}
	r.ListedNodes, r.ListedPods = floor.Nodes, floor.Pods

	k, err := startKtriage(filepath.Join(c.bin, "ktriage"), c.kubeconfig, work, n)
	if err != nil {
		return r, err
	}
	defer k.stop()
	first, nodes, pods, err := k.waitFirstTable(5 * time.Minute)
	if err != nil {
		return r, err
	}
	if nodes != floor.Nodes || pods < floor.Pods {
		return r, fmt.Errorf("ktriage's first table showed %d nodes and %d pods; the cluster has %d and %d", nodes, pods, floor.Nodes, floor.Pods)
	}
	if err := sleepCtx(ctx, settle); err != nil {
		return r, err
	}
	rss, peak, err := procMemory(k.pid)
	if err != nil {
		return r, err
	}
	r.Ktriage = client{Seconds: first.Seconds(), PeakMB: mb(peak), SteadyMB: mb(rss)}
	if _, err := k.quit(); err != nil {
		return r, err
	}

	nodesWall, _, _, err := runMeasured(c.kubectl, "--kubeconfig", c.kubeconfig, "get", "nodes")
	if err != nil {
		return r, err
	}
	podsWall, podsPeak, _, err := runMeasured(c.kubectl, "--kubeconfig", c.kubeconfig, "get", "pods", "-A")
	if err != nil {
		return r, err
	}
	r.Kubectl = client{Seconds: (nodesWall + podsWall).Seconds(), PeakMB: mb(podsPeak)}
	return r, nil
}

// measureIdleAndStorm opens ktriage once more, counts the API server's requests while it idles,
// then renews every Lease at once and presses keys meanwhile.
func measureIdleAndStorm(ctx context.Context, c config, kube kubernetes.Interface, work string) (*idle, error) {
	k, err := startKtriage(filepath.Join(c.bin, "ktriage"), c.kubeconfig, work, 999)
	if err != nil {
		return nil, err
	}
	defer k.stop()
	if _, _, _, err := k.waitFirstTable(5 * time.Minute); err != nil {
		return nil, err
	}
	if err := sleepCtx(ctx, settle); err != nil {
		return nil, err
	}
	res := &idle{Minutes: c.idle.Minutes()}
	fmt.Printf("bench: ktriage idles for %s while the API server counts requests\n", c.idle)
	before, err := scrapeRequests(ctx, kube)
	if err != nil {
		return nil, err
	}
	if err := sleepCtx(ctx, c.idle); err != nil {
		return nil, err
	}
	after, err := scrapeRequests(ctx, kube)
	if err != nil {
		return nil, err
	}
	res.Lists = delta(before, after, "LIST")
	res.ListsOfWatched = watchedOnly(res.Lists)
	res.Watches = delta(before, after, "WATCH")
	rss, _, err := procMemory(k.pid)
	if err != nil {
		return nil, err
	}
	res.RSSAfterIdleMB = mb(rss)

	quiet, err := pressKeys(k, 10)
	if err != nil {
		return nil, err
	}
	res.KeyQuietMS = median(quiet)
	stormDone := make(chan error, 1)
	var leases int
	var took time.Duration
	go func() {
		var err error
		leases, took, err = leaseStorm(ctx, kube)
		stormDone <- err
	}()
	var during []float64
	for {
		select {
		case err := <-stormDone:
			if err != nil {
				return nil, fmt.Errorf("lease storm: %w", err)
			}
			res.StormLeases, res.StormSeconds = leases, took.Seconds()
			if len(during) == 0 {
				return nil, fmt.Errorf("the lease storm ended (%s) before a key could be timed", took)
			}
			res.KeyStormMedianMS, res.KeyStormMaxMS = median(during), maxOf(during)
			if err := sleepCtx(ctx, 2*time.Second); err != nil {
				return nil, err
			}
			rec, err := k.quit()
			if err != nil {
				return nil, err
			}
			res.MaxSnapshotsPerSecond = rec.MaxPerSecond
			return res, nil
		default:
		}
		lat, err := pressKeys(k, 1)
		if err != nil {
			return nil, err
		}
		during = append(during, lat...)
	}
}

// pressKeys moves the cursor down and up n times in all, timing each press to its frame.
func pressKeys(k *ktriageRun, n int) ([]float64, error) {
	var out []float64
	for i := range n {
		key := "j"
		if i%2 == 1 {
			key = "k"
		}
		lat, err := k.keyLatency(key, 5*time.Second)
		if err != nil {
			return nil, err
		}
		out = append(out, float64(lat.Microseconds())/1000)
	}
	return out, nil
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func maxOf(xs []float64) float64 {
	m := 0.0
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}

func mb(bytes int64) float64 { return float64(bytes) / (1 << 20) }
