package actions

import (
	"slices"
	"sync"
	"time"
)

// DrainPhase is where a drain is.
type DrainPhase string

// Drain phases. The last four are final.
const (
	PhaseCordoning DrainPhase = "cordoning"
	PhaseEvicting  DrainPhase = "evicting"
	PhaseDone      DrainPhase = "done"
	PhaseCancelled DrainPhase = "cancelled"
	PhaseTimedOut  DrainPhase = "timed out"
	PhaseFailed    DrainPhase = "failed"
)

// Final reports whether the drain has ended.
func (p DrainPhase) Final() bool {
	return p == PhaseDone || p == PhaseCancelled || p == PhaseTimedOut || p == PhaseFailed
}

// PodState is where one pod of a drain is.
type PodState string

// Pod states.
const (
	PodPending     PodState = "pending"
	PodEvicting    PodState = "evicting"
	PodRefused     PodState = "refused by PodDisruptionBudget"
	PodTerminating PodState = "terminating"
	PodGone        PodState = "gone"
	PodAbandoned   PodState = "not waited for"
	PodFailed      PodState = "failed"
)

// PodProgress is one pod of a running drain.
type PodProgress struct {
	Namespace, Name string
	State           PodState
	// Budget names the PodDisruptionBudget that refused the last eviction; Retries counts refusals.
	Budget  string
	Retries int
	// Detail is the API server's last word on this pod ("The disruption budget web needs 2 healthy
	// pods and has 2 currently") or why it was given up on.
	Detail string
	// Since is when the pod entered its state.
	Since time.Time
}

// Key is "namespace/name".
func (p PodProgress) Key() string { return p.Namespace + "/" + p.Name }

// Settled reports whether ktriage is no longer waiting for the pod.
func (p PodProgress) Settled() bool {
	return p.State == PodGone || p.State == PodAbandoned || p.State == PodFailed
}

// DrainProgress is a drain as it runs; every change produces a new one.
type DrainProgress struct {
	Node    string
	Phase   DrainPhase
	Started time.Time
	// Ended is set with a final phase.
	Ended time.Time
	Pods  []PodProgress
	// Summary is one line for a final phase: what happened, what is left and why.
	Summary string
	Err     error
}

// Evicted counts the pods that are gone.
func (p DrainProgress) Evicted() int {
	n := 0
	for _, pod := range p.Pods {
		if pod.State == PodGone {
			n++
		}
	}
	return n
}

// Remaining lists the pods still on the node (or given up on), the longest-waiting first.
func (p DrainProgress) Remaining() []PodProgress {
	var out []PodProgress
	for _, pod := range p.Pods {
		if pod.State != PodGone {
			out = append(out, pod)
		}
	}
	slices.SortStableFunc(out, func(a, b PodProgress) int { return a.Since.Compare(b.Since) })
	return out
}

// WaitingOn is the pod the drain has waited on longest, if any.
func (p DrainProgress) WaitingOn() (PodProgress, bool) {
	for _, pod := range p.Remaining() {
		if !pod.Settled() {
			return pod, true
		}
	}
	return PodProgress{}, false
}

// Elapsed is the drain's running time at now (or its total once ended).
func (p DrainProgress) Elapsed(now time.Time) time.Duration {
	if !p.Ended.IsZero() {
		return p.Ended.Sub(p.Started)
	}
	return now.Sub(p.Started)
}

// tracker holds a drain's progress and reports every change, in order, to its observer.
type tracker struct {
	mu     sync.Mutex
	p      DrainProgress
	report func(DrainProgress)
	now    func() time.Time
	// terminatingNote explains, on a NotReady node, why evicted pods may never finish terminating.
	terminatingNote string
}

// update changes the progress under the lock and reports a copy, also under the lock, so the
// observer sees changes in the order they happened.
func (t *tracker) update(change func(*DrainProgress)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	change(&t.p)
	if t.report != nil {
		t.report(t.snapshot())
	}
}

func (t *tracker) snapshot() DrainProgress {
	c := t.p
	c.Pods = slices.Clone(t.p.Pods)
	return c
}

// current returns a copy of the progress.
func (t *tracker) current() DrainProgress {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.snapshot()
}

// pod changes one pod's progress.
func (t *tracker) pod(namespace, name string, change func(*PodProgress)) {
	t.update(func(p *DrainProgress) {
		for i := range p.Pods {
			if p.Pods[i].Namespace == namespace && p.Pods[i].Name == name {
				before := p.Pods[i].State
				change(&p.Pods[i])
				if p.Pods[i].State != before {
					p.Pods[i].Since = t.now()
				}
				return
			}
		}
	})
}
