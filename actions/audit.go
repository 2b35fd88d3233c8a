package actions

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Audit results. An attempt line is written before anything changes; an outcome line after.
const (
	ResultAttempt   = "attempt"
	ResultOK        = "ok"
	ResultNoChange  = "no-change"
	ResultDryRun    = "dry-run"
	ResultCancelled = "cancelled"
	ResultTimedOut  = "timed-out"
	ResultFailed    = "failed"
	ResultRefused   = "refused"
)

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	Time    time.Time `json:"time"`
	Context string    `json:"context"`
	Server  string    `json:"server"`
	// User is the identity the API server sees (SelfSubjectReview), or the kubeconfig's user when the
	// server cannot say.
	User    string   `json:"user"`
	Action  string   `json:"action"`
	Node    string   `json:"node,omitempty"`
	Pod     string   `json:"pod,omitempty"`
	Options any      `json:"options,omitempty"`
	Pods    []string `json:"pods,omitempty"`
	Result  string   `json:"result"`
	Error   string   `json:"error,omitempty"`
}

// AuditLog appends JSON lines to a file. It opens the file for each line with O_APPEND, so earlier
// lines are never rewritten and two ktriage processes on one jump host interleave whole lines.
type AuditLog struct {
	path string
	mu   sync.Mutex
}

// ErrAuditUnavailable wraps why an action was not taken: it could not be recorded.
var ErrAuditUnavailable = errors.New("the audit log cannot be written, so no action is taken")

// NewAuditLog makes an audit log at path; Check tells whether it can be written.
func NewAuditLog(path string) *AuditLog { return &AuditLog{path: path} }

// Path is where the log is written.
func (a *AuditLog) Path() string { return a.path }

// Check creates the file (and its folder) if needed and proves it can be appended to, without
// writing a line.
func (a *AuditLog) Check() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	f, err := a.open()
	if err != nil {
		return err
	}
	return f.Close()
}

// Append writes one entry as one line in one write call.
func (a *AuditLog) Append(e AuditEntry) error {
	line, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("%w: encode: %v", ErrAuditUnavailable, err)
	}
	line = append(line, '\n')
	a.mu.Lock()
	defer a.mu.Unlock()
	f, err := a.open()
	if err != nil {
		return err
	}
	_, werr := f.Write(line)
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrAuditUnavailable, a.path, err)
	}
	return nil
}

func (a *AuditLog) open() (*os.File, error) {
	if a == nil || a.path == "" {
		return nil, fmt.Errorf("%w: no audit log path", ErrAuditUnavailable)
	}
	if err := os.MkdirAll(filepath.Dir(a.path), 0o700); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrAuditUnavailable, err)
	}
	f, err := os.OpenFile(a.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrAuditUnavailable, err)
	}
	return f, nil
}

// ReadAudit returns the audit log's entries about the node (its own actions and those on its pods),
// oldest first. A log that does not exist yet has no entries; lines that cannot be read are skipped.
func ReadAudit(path, node string) ([]AuditEntry, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	var out []AuditEntry
	for _, line := range bytes.Split(data, []byte("\n")) {
		var e AuditEntry
		if len(bytes.TrimSpace(line)) == 0 || json.Unmarshal(line, &e) != nil {
			continue
		}
		if e.Node == node {
			out = append(out, e)
		}
	}
	return out, nil
}
