package actions

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/ktriage/ktriage/cluster"
)

// ErrReadOnly is returned by every action when ktriage runs with --readonly (flag or config).
var ErrReadOnly = errors.New("read-only mode (--readonly, or readonly: true in config.yaml): nothing in the cluster is changed")

// Config builds a Runner.
type Config struct {
	// Client talks to the cluster; Info names it (context, server, kubeconfig user) in the audit log.
	Client kubernetes.Interface
	Info   cluster.Info
	// Audit receives a line before and after every action; without it no action runs.
	Audit *AuditLog
	// ReadOnly refuses every action, below any UI.
	ReadOnly bool
	// EvictionRetryDelay is the pause after an eviction refused with 429 (a PodDisruptionBudget);
	// zero means kubectl's 5 s.
	EvictionRetryDelay time.Duration
	Now                func() time.Time
	// Access execs into the node shell pod; without it no node shell is offered.
	Access cluster.Access
	// ShellImage and ShellNamespace are where node shell pods come from and go
	// (DefaultShellImage, DefaultShellNamespace when empty).
	ShellImage, ShellNamespace string
}

// Runner carries out actions on one cluster. Each action refuses in read-only mode, checks the
// permissions it needs with SelfSubjectAccessReview before touching anything, and writes an attempt
// line to the audit log first: an action that cannot be recorded is not taken.
type Runner struct {
	kube       kubernetes.Interface
	info       cluster.Info
	audit      *AuditLog
	readOnly   bool
	retryDelay time.Duration
	now        func() time.Time
	access     cluster.Access

	shellImage, shellNamespace string

	whoOnce sync.Once
	who     string

	// inflight counts actions between their attempt and outcome lines (Wait).
	inflight sync.WaitGroup
}

// DefaultEvictionRetryDelay is kubectl drain's pause between evictions refused by a budget.
const DefaultEvictionRetryDelay = 5 * time.Second

// New makes a runner.
func New(cfg Config) *Runner {
	r := &Runner{kube: cfg.Client, info: cfg.Info, audit: cfg.Audit, readOnly: cfg.ReadOnly,
		retryDelay: cfg.EvictionRetryDelay, now: cfg.Now, access: cfg.Access,
		shellImage: cfg.ShellImage, shellNamespace: cfg.ShellNamespace}
	if r.shellImage == "" {
		r.shellImage = DefaultShellImage
	}
	if r.shellNamespace == "" {
		r.shellNamespace = DefaultShellNamespace
	}
	if r.retryDelay <= 0 {
		r.retryDelay = DefaultEvictionRetryDelay
	}
	if r.now == nil {
		r.now = time.Now
	}
	return r
}

// ShellImage is the node shell pod's image.
func (r *Runner) ShellImage() string { return r.shellImage }

// ShellNamespace is where node shell pods are created.
func (r *Runner) ShellNamespace() string { return r.shellNamespace }

// ReadOnly reports whether the runner refuses every action.
func (r *Runner) ReadOnly() bool { return r.readOnly }

// AuditPath is where actions are recorded ("" without an audit log).
func (r *Runner) AuditPath() string {
	if r.audit == nil {
		return ""
	}
	return r.audit.Path()
}

// User is the identity the API server sees, from a SelfSubjectReview, asked once. When the server
// cannot answer (an old server, a denial) it is the kubeconfig's user, marked as such.
func (r *Runner) User(ctx context.Context) string {
	r.whoOnce.Do(func() {
		r.who = r.info.User + " (kubeconfig)"
		review, err := r.kube.AuthenticationV1().SelfSubjectReviews().Create(ctx, &authenticationv1.SelfSubjectReview{}, metav1.CreateOptions{})
		if err == nil && review.Status.UserInfo.Username != "" {
			r.who = review.Status.UserInfo.Username
		}
	})
	return r.who
}

// record is one action's audit trail: begin writes the attempt, finish the outcome.
type record struct {
	r     *Runner
	entry AuditEntry
}

// begin refuses in read-only mode, checks the permissions the action needs and writes the attempt
// line. Only when all three pass may the caller change the cluster.
func (r *Runner) begin(ctx context.Context, entry AuditEntry, needs ...Permission) (*record, error) {
	if r.readOnly {
		return nil, ErrReadOnly
	}
	if r.audit == nil {
		return nil, fmt.Errorf("%w: no audit log configured", ErrAuditUnavailable)
	}
	if err := r.require(ctx, needs...); err != nil {
		entry.Result, entry.Error = ResultRefused, err.Error()
		r.stamp(ctx, &entry)
		// The refusal is worth keeping, but a failure to write it changes nothing: nothing was done.
		_ = r.audit.Append(entry)
		return nil, err
	}
	entry.Result = ResultAttempt
	r.stamp(ctx, &entry)
	if err := r.audit.Append(entry); err != nil {
		return nil, err
	}
	r.inflight.Add(1)
	return &record{r: r, entry: entry}, nil
}

func (r *Runner) stamp(ctx context.Context, e *AuditEntry) {
	e.Time = r.now().UTC()
	e.Context, e.Server, e.User = r.info.Context, r.info.Server, r.User(ctx)
}

// finish writes the outcome line. The action has happened by now, so a failure to write is
// returned alongside, never instead of, the action's own result.
func (rec *record) finish(result string, pods []string, actionErr error) error {
	defer rec.r.inflight.Done()
	e := rec.entry
	e.Time = rec.r.now().UTC()
	e.Result, e.Pods, e.Error = result, pods, ""
	if actionErr != nil {
		e.Error = actionErr.Error()
	}
	return rec.r.audit.Append(e)
}

// CheckAudit tells whether the audit log can be written; without it no action is offered.
func (r *Runner) CheckAudit() error {
	if r.audit == nil {
		return fmt.Errorf("%w: no audit log configured", ErrAuditUnavailable)
	}
	return r.audit.Check()
}

// Wait waits, at most timeout, for running actions to write their outcome; ktriage calls it on the
// way out after cancelling them, so a drain cut short by quitting is still recorded as cancelled.
func (r *Runner) Wait(timeout time.Duration) bool {
	done := make(chan struct{})
	go func() { r.inflight.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(timeout):
		return false
	}
}
