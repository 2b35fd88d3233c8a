package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
)

// requestCounts are the API server's apiserver_request_total counters summed by verb and resource,
// keyed "LIST pods".
type requestCounts map[string]float64

// scrapeRequests reads apiserver_request_total from the API server's /metrics.
func scrapeRequests(ctx context.Context, client kubernetes.Interface) (requestCounts, error) {
	data, err := client.CoreV1().RESTClient().Get().AbsPath("/metrics").DoRaw(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the API server's /metrics: %w", err)
	}
	counts := requestCounts{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "apiserver_request_total{") {
			continue
		}
		end := strings.LastIndexByte(line, '}')
		value, err := strconv.ParseFloat(strings.TrimSpace(line[end+1:]), 64)
		if err != nil {
			continue
		}
		labels := line[len("apiserver_request_total{"):end]
		key := label(labels, "verb") + " " + label(labels, "resource")
		if sub := label(labels, "subresource"); sub != "" {
			key += "/" + sub
		}
		counts[key] += value
	}
	return counts, sc.Err()
}

// label returns one label's value from a Prometheus label set (values here never hold quotes).
func label(labels, name string) string {
	i := strings.Index(labels, name+`="`)
	if i < 0 || (i > 0 && labels[i-1] != ',') {
		return ""
	}
	rest := labels[i+len(name)+2:]
	if j := strings.IndexByte(rest, '"'); j >= 0 {
		return rest[:j]
	}
	return ""
}

// delta returns after − before for the keys whose verb is one of verbs, sorted, without zeros.
func delta(before, after requestCounts, verbs ...string) []string {
	var out []string
	for key, v := range after {
		verb, _, _ := strings.Cut(key, " ")
		if !contains(verbs, verb) {
			continue
		}
		if d := v - before[key]; d > 0 {
			out = append(out, fmt.Sprintf("%s %.0f", key, d))
		}
	}
	sort.Strings(out)
	return out
}

// watched are the resources ktriage's informers watch; a LIST of anything else while it idles comes
// from another client (the API server's own repair loops list Services every few minutes).
var watched = []string{"nodes", "pods", "events", "leases"}

// watchedOnly keeps the "VERB resource n" entries about the resources ktriage watches.
func watchedOnly(entries []string) []string {
	var out []string
	for _, e := range entries {
		if f := strings.Fields(e); len(f) == 3 && contains(watched, f[1]) {
			out = append(out, e)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// leaseStorm renews every node's Lease as fast as it can, the way a fleet of kubelets does after an
// API server restart, and returns how long it took.
func leaseStorm(ctx context.Context, client kubernetes.Interface) (int, time.Duration, error) {
	leases, err := client.CoordinationV1().Leases("kube-node-lease").List(ctx, metav1.ListOptions{ResourceVersion: "0"})
	if err != nil {
		return 0, 0, err
	}
	start := time.Now()
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(64)
	for _, l := range leases.Items {
		name := l.Name
		g.Go(func() error {
			now := metav1.NewMicroTime(time.Now()).UTC().Format("2006-01-02T15:04:05.000000Z07:00")
			patch := []byte(`{"spec":{"renewTime":"` + now + `"}}`)
			_, err := client.CoordinationV1().Leases("kube-node-lease").Patch(gctx, name, types.MergePatchType, patch, metav1.PatchOptions{})
			return err
		})
	}
	err = g.Wait()
	return len(leases.Items), time.Since(start), err
}
