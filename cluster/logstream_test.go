package cluster

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

// collect reads batches until Done, or fails after a while.
func collect(t *testing.T, ch <-chan LogBatch) (lines []string, end LogBatch) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case b, ok := <-ch:
			if !ok {
				t.Fatal("channel closed without a Done batch")
			}
			lines = append(lines, b.Lines...)
			if b.Done {
				return lines, b
			}
		case <-timeout:
			t.Fatal("no end of stream")
		}
	}
}

func TestStreamLinesDeliversLinesAsTheyCome(t *testing.T) {
	r, w := io.Pipe()
	ch := StreamLines(t.Context(), r)
	_, _ = io.WriteString(w, "first\r\nsecond\n")
	b := <-ch // a quiet stream's lines arrive without waiting for a full batch
	if strings.Join(b.Lines, "|") != "first|second" || b.Done {
		t.Fatalf("first batch %+v, want the two lines", b)
	}
	long := strings.Repeat("x", maxLogLine+5000)
	_, _ = io.WriteString(w, long+"\nunterminated")
	w.Close()
	lines, end := collect(t, ch)
	if end.Err != nil {
		t.Errorf("end %v, want a normal end at EOF", end.Err)
	}
	if len(lines) != 2 || len(lines[0]) != maxLogLine || lines[1] != "unterminated" {
		t.Errorf("got %d lines (first %d bytes), want the long line cut to %d and the last line kept", len(lines), len(lines[0]), maxLogLine)
	}
}

func TestStreamLinesEndsOnCancelAndOnBreak(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	r, w := io.Pipe()
	ch := StreamLines(ctx, r)
	_, _ = io.WriteString(w, "one\n")
	cancel()
	if _, end := collect(t, ch); !errors.Is(end.Err, context.Canceled) {
		t.Errorf("end %v, want cancelled", end.Err)
	}

	r, w = io.Pipe()
	ch = StreamLines(t.Context(), r)
	w.CloseWithError(errors.New("http2: stream reset"))
	if _, end := collect(t, ch); end.Err == nil || !strings.Contains(end.Err.Error(), "stream reset") {
		t.Errorf("end %v, want the break reported", end.Err)
	}
}
