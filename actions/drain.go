package actions

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// Drain cordons the node and evicts its pods through kubectl's drain helper, reporting every change
// to report (which must not block for long). Before anything changes it checks that kubectl's rules
// let the drain start with these options; if not, it names the pods that block and changes nothing.
// It ends when the pods are gone, when ctx is cancelled or when the options' timeout passes; the node
// then stays cordoned, and the final progress says what is left and why.
func (r *Runner) Drain(ctx context.Context, node string, o DrainOptions, report func(DrainProgress)) (DrainProgress, error) {
	rec, err := r.begin(ctx, AuditEntry{Action: string(ActionDrain), Node: node, Options: o.auditOptions()}, drainNeeds(ActionDrain, o)...)
	if err != nil {
		return DrainProgress{Node: node, Phase: PhaseFailed, Err: err, Summary: err.Error()}, fmt.Errorf("drain %s: %w", node, err)
	}
	final := r.drain(ctx, node, o, report)
	result := drainResult(final.Phase)
	// The audit lists every pod whose eviction the API server accepted: gone, still terminating when
	// the drain ended (cancelled, timed out), or left terminating on an unreachable node. Listing only
	// the gone ones made a drain of an unreachable node look, in the log, as if it evicted nothing.
	var evicted []string
	for _, p := range final.Pods {
		switch p.State {
		case PodGone, PodTerminating, PodAbandoned:
			evicted = append(evicted, p.Key())
		}
	}
	var outcome error
	if final.Phase != PhaseDone {
		outcome = errors.New(final.Summary)
	}
	if err := rec.finish(result, evicted, outcome); err != nil {
		outcome = errors.Join(outcome, err)
	}
	if outcome != nil {
		return final, fmt.Errorf("drain %s: %w", node, outcome)
	}
	return final, nil
}

// drainResult is the audit result of a drain that ended in phase.
func drainResult(phase DrainPhase) string {
	if result, ok := map[DrainPhase]string{PhaseDone: ResultOK, PhaseCancelled: ResultCancelled, PhaseTimedOut: ResultTimedOut}[phase]; ok {
		return result
	}
	return ResultFailed
}

func (r *Runner) drain(ctx context.Context, node string, o DrainOptions, report func(DrainProgress)) DrainProgress {
	t := &tracker{report: report, now: r.now, p: DrainProgress{Node: node, Phase: PhaseCordoning, Started: r.now()}}
	end := func(phase DrainPhase, summary string, err error) DrainProgress {
		if phase == PhaseFailed && ctx.Err() != nil {
			// A failure because the person cancelled (during the preview or the cordon) is a cancel.
			phase, summary, err = PhaseCancelled, "cancelled before any pod was evicted: "+summary, nil
		}
		t.update(func(p *DrainProgress) { p.Phase, p.Summary, p.Err, p.Ended = phase, summary, err, r.now() })
		return t.current()
	}
	// A zero timeout means no limit, as in kubectl.
	runCtx, cancel := context.WithCancel(ctx)
	if o.Timeout > 0 {
		runCtx, cancel = context.WithTimeout(ctx, o.Timeout)
	}
	defer cancel()

	pv, err := r.PreviewDrain(runCtx, node, o)
	if err != nil {
		return end(PhaseFailed, err.Error(), err)
	}
	if pv.NotReady {
		t.terminatingNote = "the node is NotReady: its kubelet may never confirm the deletion (\"don't wait for pods that cannot terminate\" or a force delete ends the wait)"
	}
	if !pv.CanStart() {
		return end(PhaseFailed, "nothing was changed: "+blockersText(pv.With(Block)), nil)
	}
	if _, err := r.setUnschedulable(runCtx, node, true); err != nil {
		return end(PhaseFailed, "cordon failed, nothing was evicted: "+err.Error(), err)
	}

	h := r.helper(runCtx, o)
	// After the cordon no new pod lands here, so this list is the one to evict.
	list, errs := h.GetPodsForDeletion(node)
	if len(errs) > 0 {
		err := errors.Join(errs...)
		return end(PhaseFailed, "the node is cordoned but nothing was evicted: "+err.Error(), err)
	}
	pods := list.Pods()
	t.update(func(p *DrainProgress) {
		p.Phase = PhaseEvicting
		for _, pod := range pods {
			p.Pods = append(p.Pods, PodProgress{Namespace: pod.Namespace, Name: pod.Name, State: PodPending, Since: r.now()})
		}
	})
	h.Client = observedClient{Interface: r.kube, onEvict: func(ctx context.Context, ns, name string, err error) {
		r.observeEviction(ctx, t, ns, name, err)
	}}
	h.OnPodDeletionOrEvictionStarted = func(pod *corev1.Pod, usingEviction bool) {
		t.pod(pod.Namespace, pod.Name, func(pp *PodProgress) {
			switch {
			case !usingEviction:
				pp.State, pp.Detail = PodTerminating, t.terminatingNote // deleted; now waiting for it to go
			case pp.State == PodPending:
				pp.State = PodEvicting
			}
		})
	}
	h.OnPodDeletionOrEvictionFinished = func(pod *corev1.Pod, _ bool, err error) {
		t.pod(pod.Namespace, pod.Name, func(pp *PodProgress) {
			if err != nil {
				pp.State, pp.Detail = PodFailed, err.Error()
				return
			}
			pp.State, pp.Detail = PodGone, ""
		})
	}
	runErr := h.DeleteOrEvictPods(pods)

	switch {
	case ctx.Err() != nil:
		return end(PhaseCancelled, leftText("cancelled", t.current()), nil)
	case errors.Is(runCtx.Err(), context.DeadlineExceeded):
		return end(PhaseTimedOut, leftText("timed out after "+o.Timeout.String(), t.current()), nil)
	case runErr != nil:
		return end(PhaseFailed, leftText("failed: "+runErr.Error(), t.current()), runErr)
	}
	// The helper stops waiting, silently, for pods that outlived their grace period on an
	// unreachable node.
	t.update(func(p *DrainProgress) {
		for i := range p.Pods {
			if !p.Pods[i].Settled() {
				p.Pods[i].State, p.Pods[i].Since = PodAbandoned, r.now()
				p.Pods[i].Detail = "still terminating on the unreachable node; its controller re-creates it elsewhere"
			}
		}
	})
	cur := t.current()
	summary := fmt.Sprintf("drained: %d pods evicted", cur.Evicted())
	if n := len(cur.Remaining()); n > 0 {
		// Their evictions were accepted: they count as evicted, and the rest of the line says why
		// they are still listed.
		summary = fmt.Sprintf("drained: %d pods evicted, %d left terminating on the unreachable node (not waited for; their controllers re-create them elsewhere)", cur.Evicted()+n, n)
	}
	return end(PhaseDone, summary, nil)
}

// observeEviction records the API server's answer to one eviction request.
func (r *Runner) observeEviction(ctx context.Context, t *tracker, ns, name string, err error) {
	switch {
	case err == nil:
		t.pod(ns, name, func(pp *PodProgress) { pp.State, pp.Detail = PodTerminating, t.terminatingNote })
	case apierrors.IsTooManyRequests(err):
		budget, detail := r.refusingBudget(ctx, ns, name, err)
		t.pod(ns, name, func(pp *PodProgress) {
			pp.State, pp.Budget, pp.Detail = PodRefused, budget, detail
			pp.Retries++
		})
	case apierrors.IsNotFound(err):
		// The pod went on its own before its eviction (a Job finished, a ReplicaSet scaled down).
		// kubectl's helper counts it done without calling back, so mark it gone here; otherwise the
		// drain would end calling it "still terminating on the unreachable node".
		t.pod(ns, name, func(pp *PodProgress) { pp.State, pp.Detail = PodGone, "" })
	default:
		t.pod(ns, name, func(pp *PodProgress) { pp.Detail = err.Error() })
	}
}

// refusingBudget names the PodDisruptionBudget behind a 429 and gives the server's explanation. The
// eviction API names the budget in a status cause ("The disruption budget web needs 2 healthy pods
// and has 2 currently"), which costs no request and needs no permission to list budgets; when a
// server words it otherwise, the budgets selecting the pod are read instead.
func (r *Runner) refusingBudget(ctx context.Context, ns, name string, err error) (budget, detail string) {
	detail = err.Error()
	var status apierrors.APIStatus
	if errors.As(err, &status) && status.Status().Details != nil {
		for _, c := range status.Status().Details.Causes {
			if c.Type == policyv1.DisruptionBudgetCause {
				detail = c.Message
				if m := budgetInCause.FindStringSubmatch(c.Message); m != nil {
					return m[1], detail
				}
			}
		}
	}
	pod, perr := r.kube.CoreV1().Pods(ns).Get(ctx, name, metav1.GetOptions{})
	if perr != nil {
		return "", detail
	}
	list, lerr := r.kube.PolicyV1().PodDisruptionBudgets(ns).List(ctx, metav1.ListOptions{})
	if lerr != nil {
		return "", detail
	}
	var names []string
	for i := range list.Items {
		sel, serr := metav1.LabelSelectorAsSelector(list.Items[i].Spec.Selector)
		if serr == nil && sel.Matches(labels.Set(pod.Labels)) {
			names = append(names, list.Items[i].Name)
		}
	}
	return strings.Join(names, ","), detail
}

// budgetInCause reads the budget's name from the eviction API's cause message.
var budgetInCause = regexp.MustCompile(`^The disruption budget (\S+) needs `)

// blockersText names the pods that keep a drain from starting, and why.
func blockersText(blocked []PodPlan) string {
	parts := make([]string, 0, len(blocked))
	for _, b := range blocked {
		parts = append(parts, b.Key()+" ("+b.Reason+")")
	}
	return fmt.Sprintf("%d pods block the drain: %s", len(blocked), strings.Join(parts, "; "))
}

// leftText sums up a drain that ended early: how many pods went, which are left and why. The node
// stays cordoned.
func leftText(how string, p DrainProgress) string {
	left := p.Remaining()
	s := fmt.Sprintf("%s: %d of %d pods evicted; the node stays cordoned", how, p.Evicted(), len(p.Pods))
	if len(left) == 0 {
		return s
	}
	parts := make([]string, 0, len(left))
	for _, pod := range left {
		parts = append(parts, pod.Key()+" ("+pod.Why()+")")
	}
	return s + "; left: " + strings.Join(parts, "; ")
}

// Why says in a few words what holds a pod.
func (p PodProgress) Why() string {
	switch {
	case p.State == PodRefused && p.Budget != "":
		return fmt.Sprintf("PodDisruptionBudget %s refused %d evictions: %s", p.Budget, p.Retries, p.Detail)
	case p.Detail != "":
		return string(p.State) + ": " + p.Detail
	}
	return string(p.State)
}
