package cluster

import (
	"bufio"
	"context"
	"errors"
	"io"
	"time"
)

// LogBatch is a run of lines read from a log stream, or its end (Done, with the error that ended
// it; nil when the stream simply finished, as a stopped container's does).
type LogBatch struct {
	Lines []string
	Done  bool
	Err   error
	// Note says where the lines came from when that is not what was asked (a syslog file read
	// because the node log query is unavailable).
	Note string
}

// Batching: a chatty container must not cost one UI message per line, and a quiet one must not
// wait for a full batch before its line shows.
const (
	logBatchInterval = 50 * time.Millisecond
	logBatchLines    = 2000
	// maxLogLine bounds one line; a container printing a megabyte without a newline gets it cut.
	maxLogLine = 64 << 10
)

// StreamLines reads r line by line and delivers batches on the returned channel until the
// stream ends or ctx is cancelled; r is closed when it returns. The channel is closed after the
// batch with Done set. Lines carry no line ending.
func StreamLines(ctx context.Context, r io.ReadCloser) <-chan LogBatch {
	out := make(chan LogBatch, 4)
	lines := make(chan string, logBatchLines)
	var readErr error
	go func() {
		defer close(lines)
		readErr = readLines(r, lines)
	}()
	go func() {
		defer close(out)
		defer r.Close()
		stop := context.AfterFunc(ctx, func() { r.Close() }) // unblocks the reader
		defer stop()
		tick := time.NewTicker(logBatchInterval)
		defer tick.Stop()
		var batch []string
		// send drops the batch once ctx is cancelled: nobody wants the lines any more, and the
		// reader, closed by the AfterFunc, ends the loop soon.
		send := func(b LogBatch) {
			select {
			case out <- b:
			case <-ctx.Done():
			}
		}
		for {
			select {
			case line, ok := <-lines:
				if !ok {
					err := readErr
					if ctx.Err() != nil {
						err = ctx.Err()
					}
					if len(batch) > 0 && ctx.Err() == nil {
						send(LogBatch{Lines: batch})
					}
					// The end is worth telling even after a cancel, to a reader still there; one
					// that left does not keep this goroutine for long.
					select {
					case out <- LogBatch{Done: true, Err: err}:
					case <-time.After(time.Second):
					}
					return
				}
				batch = append(batch, line)
				if len(batch) >= logBatchLines {
					send(LogBatch{Lines: batch})
					batch = nil
				}
			case <-tick.C:
				if len(batch) > 0 {
					send(LogBatch{Lines: batch})
					batch = nil
				}
			}
		}
	}()
	return out
}

// readLines splits r into lines, cutting any longer than maxLogLine. io.EOF is a normal end.
func readLines(r io.Reader, lines chan<- string) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var long []byte
	for {
		chunk, err := br.ReadSlice('\n')
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			if len(long) < maxLogLine {
				long = append(long, chunk[:min(len(chunk), maxLogLine-len(long))]...)
			}
			continue
		case len(chunk) > 0 || len(long) > 0:
			line := chunk
			if len(long) > 0 {
				if len(long) < maxLogLine {
					long = append(long, chunk[:min(len(chunk), maxLogLine-len(long))]...)
				}
				line, long = long, nil
			}
			line = trimEOL(line)
			lines <- string(line)
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

func trimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b
}
