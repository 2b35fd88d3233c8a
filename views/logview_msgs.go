package views

import (
	"fmt"
	"time"
)

// LogKind says what a log view shows.
type LogKind int

const (
	// LogPod is a container's log, read through the API server.
	LogPod LogKind = iota
	// LogJournal is a service's journal on the node, read with the kubelet's node log query.
	LogJournal
)

// String names a kind, for messages and tests.
func (k LogKind) String() string {
	switch k {
	case LogPod:
		return "pod"
	case LogJournal:
		return "journal"
	}
	return fmt.Sprintf("LogKind(%d)", int(k))
}

// LogSource is what to read and how; the root turns it into a request.
type LogSource struct {
	Kind LogKind
	Node string

	// Namespace and Pod name the pod of a pod log.
	Namespace, Pod string
	// Containers are all containers of the pod (init containers included), for the picker.
	Containers []string
	// Container is the container read.
	Container string
	// Previous reads the previous (terminated) instance of the container.
	Previous bool

	// Service is the unit whose journal is read ("kubelet", "containerd", ...).
	Service string
	// Services is what the service picker offers.
	Services []string
	// Document marks a text read once that is not a journal (the kubelet's goroutine dump): the
	// viewer lets a person search it, and names it by Service alone.
	Document bool

	// TailLines is how many of the last lines to read; 0 reads all.
	TailLines int64
	// Since reads only lines this recent; 0 is no limit.
	Since time.Duration
	// SinceTime is set by the view when it resumes a broken or stopped stream: only lines after it
	// (the API takes it to the second; the view drops the lines it already has).
	SinceTime time.Time
	// Follow keeps the stream open (pod logs only; journals are one-shot and reloaded).
	Follow bool
}

// LogViewOptions configure a view.
type LogViewOptions struct {
	// MaxLines is the size of the ring of lines kept; 0 means 10,000.
	MaxLines int
	// Now is the clock (tests set it); nil means time.Now.
	Now func() time.Time
	// FirstStream is the id of the view's first stream (default 1). The root gives each new view
	// ids no earlier view used, so a late batch of a view that was left cannot land in the next.
	FirstStream int
}

// DefaultLogLines is the ring size when LogViewOptions.MaxLines is 0.
const DefaultLogLines = 10000

// LogLinesMsg carries lines read from a stream, sent by the root. Lines are raw, as read from the
// cluster (pod log lines with their RFC 3339 timestamp prefix), without the trailing "\n"; the view
// sanitises them. A message for another stream than the view's current one is dropped.
type LogLinesMsg struct {
	Stream int
	Lines  []string
}

// LogEndMsg says a stream ended, sent by the root: Err nil when it ended normally (the container
// stopped, a one-shot read finished), the error otherwise.
type LogEndMsg struct {
	Stream int
	Err    error
	// Note, when set, says where the lines came from if not from what was asked (a syslog file in
	// place of the journal); the status line shows it.
	Note string
}

// LogStreamMsg is the intent to (re)start reading with these settings under a new stream id; the
// root cancels any older stream. The first stream is started by the root itself from the new view's
// Source and Stream.
type LogStreamMsg struct {
	Stream int
	Source LogSource
}

// LogStopMsg is the intent to close the stream (follow turned off); the view keeps its lines.
type LogStopMsg struct{ Stream int }

// LogSaveMsg is the intent to write the buffered lines to a file. Lines are sanitised, pod log lines
// prefixed with their RFC 3339 timestamp as `kubectl logs --timestamps` prints them.
type LogSaveMsg struct {
	Source LogSource
	Lines  []string
}
