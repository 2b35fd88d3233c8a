package demo

import (
	"bytes"
	"context"
	"errors"
	"math"
	"strconv"
)

// The kubelets' /metrics in the Prometheus text format. A healthy kubelet exposes a couple of
// hundred metric names with a few thousand series. NodeReflectorLeak's 1.12 kubelet shows seed
// 002's leak: client-go's reflector metrics had a series per reflector, named after it, and were
// never deleted, and the watch-based ConfigMap and Secret manager made a reflector for every object
// its churned pods mounted: over 8,000 of them, 25,000 series per summary. That exposition (about
// 20 MB) is generated on request, and only up to the limit asked for.
// This file holds the exposition writer and the entry point; the families are in metricskubelet.go
// (healthy) and metricsleak.go (the leak).

// metricsWriter writes an exposition, at most limit+1 bytes.
type metricsWriter struct {
	b     bytes.Buffer
	limit int64
	ctx   context.Context
	n     int
}

var errMetricsFull = errors.New("metrics: limit reached")

func (m *metricsWriter) line(s string) error {
	m.b.WriteString(s)
	m.b.WriteByte('\n')
	m.n++
	if int64(m.b.Len()) > m.limit {
		return errMetricsFull
	}
	if m.n%4096 == 0 && m.ctx.Err() != nil {
		return m.ctx.Err()
	}
	return nil
}

func (m *metricsWriter) family(name, typ, help string) error {
	if err := m.line("# HELP " + name + " " + help); err != nil {
		return err
	}
	return m.line("# TYPE " + name + " " + typ)
}

func (m *metricsWriter) sample(name, labels string, v float64) error {
	if labels != "" {
		name += "{" + labels + "}"
	}
	return m.line(name + " " + promFloat(v))
}

// promFloat formats a sample value as client_golang does.
func promFloat(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// histogram writes one histogram series set: cumulative buckets, sum and count.
func (m *metricsWriter) histogram(name, labels string, buckets []float64, count int, mean float64, seed string) error {
	sep := ""
	if labels != "" {
		sep = ","
	}
	total := 0.0
	for i, le := range buckets {
		// A roughly log-normal spread around the mean.
		share := 1 / (1 + math.Exp(-2.2*(math.Log(le)-math.Log(mean))))
		n := math.Floor(float64(count) * share)
		if i == len(buckets)-1 {
			n = math.Max(n, float64(count)*0.999)
		}
		if n < total {
			n = total
		}
		total = n
		if err := m.sample(name+"_bucket", labels+sep+`le="`+promFloat(le)+`"`, n); err != nil {
			return err
		}
	}
	if err := m.sample(name+"_bucket", labels+sep+`le="+Inf"`, float64(count)); err != nil {
		return err
	}
	jit := 1 + float64(spread(seed, 200)-100)/1000
	if err := m.sample(name+"_sum", labels, math.Round(float64(count)*mean*jit*1e6)/1e6); err != nil {
		return err
	}
	return m.sample(name+"_count", labels, float64(count))
}

// metrics is the node's /metrics answer, cut just past limit (NodeProxy turns that into ErrTooLarge).
func metrics(ctx context.Context, c *Cluster, p nodePlan, limit int64) ([]byte, error) {
	m := &metricsWriter{limit: limit, ctx: ctx}
	var err error
	if p.minor() < 14 {
		m.b.Grow(int(min(limit+1, 24<<20))) // the leak's exposition, without regrowing
		err = legacyMetrics(m, c, p)
	} else {
		err = kubeletMetrics(m, c, p)
	}
	if err != nil && !errors.Is(err, errMetricsFull) {
		return nil, err
	}
	return m.b.Bytes(), nil
}
