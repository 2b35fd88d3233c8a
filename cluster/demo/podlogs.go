package demo

import (
	"context"
	"io"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Container logs as Access serves them: the kubelet's reading of the container's log file
// (tail first, then since, then the byte limit, timestamps as the kubelet prints them), and with
// Follow a stream that grows with the container's output until it stops.

// validateLogOptions is the API server's validation of pods/log options.
func validateLogOptions(pod string, opts *corev1.PodLogOptions) error {
	var errs field.ErrorList
	if opts.TailLines != nil && *opts.TailLines < 0 {
		errs = append(errs, field.Invalid(field.NewPath("tailLines"), *opts.TailLines, "must be greater than or equal to 0"))
	}
	if opts.LimitBytes != nil && *opts.LimitBytes < 1 {
		errs = append(errs, field.Invalid(field.NewPath("limitBytes"), *opts.LimitBytes, "must be greater than 0"))
	}
	switch {
	case opts.SinceSeconds != nil && opts.SinceTime != nil:
		errs = append(errs, field.Forbidden(field.NewPath(""), "at most one of `sinceTime` or `sinceSeconds` may be specified"))
	case opts.SinceSeconds != nil && *opts.SinceSeconds < 1:
		errs = append(errs, field.Invalid(field.NewPath("sinceSeconds"), *opts.SinceSeconds, "must be greater than 0"))
	}
	if len(errs) > 0 {
		return apierrors.NewInvalid(schema.GroupKind{Kind: "PodLogOptions"}, pod, errs)
	}
	return nil
}

// logWriter applies the options to log entries as the kubelet's log reader does.
type logWriter struct {
	opts   *corev1.PodLogOptions
	since  time.Time
	remain int64 // bytes left; negative: no limit
}

func newLogWriter(opts *corev1.PodLogOptions, now time.Time) *logWriter {
	w := &logWriter{opts: opts, remain: -1}
	switch {
	case opts.SinceSeconds != nil:
		w.since = now.Add(-time.Duration(*opts.SinceSeconds) * time.Second)
	case opts.SinceTime != nil:
		w.since = opts.SinceTime.Time
	}
	if opts.LimitBytes != nil {
		w.remain = *opts.LimitBytes
	}
	return w
}

// select_ keeps the last TailLines entries, then those not older than since.
func (w *logWriter) select_(entries []logEntry) []logEntry {
	if t := w.opts.TailLines; t != nil && int(*t) < len(entries) {
		entries = entries[len(entries)-int(*t):]
	}
	kept := entries[:0:0]
	for _, e := range entries {
		if w.keep(e) {
			kept = append(kept, e)
		}
	}
	return kept
}

func (w *logWriter) keep(e logEntry) bool { return !e.t.Before(w.since) }

// format renders one entry, cut to the byte limit; ok is false once the limit is reached.
func (w *logWriter) format(e logEntry) (string, bool) {
	line := e.line + "\n"
	if w.opts.Timestamps {
		line = e.t.UTC().Format(rfc3339NanoFixed) + " " + line
	}
	if w.remain < 0 {
		return line, true
	}
	if int64(len(line)) > w.remain {
		line = line[:w.remain]
	}
	w.remain -= int64(len(line))
	return line, w.remain > 0
}

// podLogs is Access's PodLogs.
func (a *access) PodLogs(ctx context.Context, namespace, pod string, opts *corev1.PodLogOptions) (io.ReadCloser, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if opts == nil {
		opts = &corev1.PodLogOptions{}
	}
	obj, err := a.c.store.Get(podsResource, namespace, pod)
	if err != nil {
		return nil, err
	}
	p := obj.(*corev1.Pod)
	if err := validateLogOptions(p.Name, opts); err != nil {
		return nil, err
	}
	entries, src, err := a.c.containerLogSource(p, opts, a.linePeriod)
	if err != nil {
		return nil, err
	}
	w := newLogWriter(opts, a.c.Now())
	var b strings.Builder
	more := true
	for _, e := range w.select_(entries) {
		line, ok := w.format(e)
		b.WriteString(line)
		if more = ok; !more {
			break
		}
	}
	if !opts.Follow || !src.running || !more {
		return io.NopCloser(strings.NewReader(b.String())), nil
	}
	st, _ := a.c.containerStatusOf(p, opts)
	return a.follow(ctx, p, st.Name, src, w, b.String()), nil
}

// logStream is a followed log: a pipe fed by a goroutine until the container stops, the context
// ends or the reader closes it.
type logStream struct {
	*io.PipeReader
	stop chan struct{}
	once sync.Once
}

func (s *logStream) Close() error {
	s.once.Do(func() { close(s.stop) })
	return s.PipeReader.Close()
}

// follow streams first, then the container's new lines as the demo clock reaches them; a real
// ticker paces it. It ends with EOF when the pod is deleted, the container stops or restarts, or
// the node's kubelet goes away, and with the context's error when ctx ends.
func (a *access) follow(ctx context.Context, p *corev1.Pod, container string, src logSource, w *logWriter, first string) io.ReadCloser {
	pr, pw := io.Pipe()
	s := &logStream{PipeReader: pr, stop: make(chan struct{})}
	period := a.linePeriod
	k := gridRange(src.start, src.upto, period)
	for !gridTime(p, container, src.start, k, period).After(src.upto) {
		k++
	}
	stopWatch := context.AfterFunc(ctx, func() { pw.CloseWithError(ctx.Err()) })
	go func() {
		defer stopWatch()
		if first != "" {
			if _, err := io.WriteString(pw, first); err != nil {
				return
			}
		}
		tick := max(period/8, 10*time.Millisecond)
		ticker := time.NewTicker(tick)
		defer ticker.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-s.stop:
				pw.Close()
				return
			case <-ticker.C:
			}
			now := a.c.Now()
			running := a.stillRunning(p, container, src.id)
			for {
				t := gridTime(p, container, src.start, k, period)
				if t.After(now) {
					break
				}
				k++
				line := runningLine(p, container, k-1, t)
				e := logEntry{t: t, line: line}
				if line == "" || !w.keep(e) {
					continue
				}
				text, ok := w.format(e)
				if _, err := io.WriteString(pw, text); err != nil {
					return
				}
				if !ok {
					pw.Close()
					return
				}
			}
			if !running {
				pw.Close()
				return
			}
		}
	}()
	return s
}

// stillRunning reports whether the pod still exists with the container running as it was.
func (a *access) stillRunning(p *corev1.Pod, container, id string) bool {
	obj, err := a.c.store.Get(podsResource, p.Namespace, p.Name)
	if err != nil {
		return false
	}
	cur := obj.(*corev1.Pod)
	if cur.UID != p.UID || !a.c.alive(cur.Spec.NodeName) {
		return false
	}
	for _, st := range cur.Status.ContainerStatuses {
		if st.Name == container {
			return st.State.Running != nil && st.ContainerID == id
		}
	}
	return false
}
