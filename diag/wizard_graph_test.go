package diag

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// graphFacts is a minimal node for evaluating every step.
func graphFacts() *Facts {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n1"}}
	n.Status.Conditions = []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue, LastHeartbeatTime: metav1.NewTime(now)}}
	ev := &Evidence{Node: n, Now: now}
	return &Facts{Evidence: ev, Findings: Diagnose(ev)}
}

// Every wizard is a graph whose edges all lead to existing steps, whose steps are all reachable, and
// whose every path ends in a conclusion (no step leads back: a cycle would trap the person).
func TestWizardGraphsAreSound(t *testing.T) {
	f := graphFacts()
	for _, w := range Wizards() {
		if w.Steps[w.Start] == nil {
			t.Fatalf("%s: start step %q missing", w.ID, w.Start)
		}
		if WizardByID(w.ID) == nil {
			t.Errorf("%s: not found by ID", w.ID)
		}
		reached := map[string]bool{}
		var visit func(step string, onPath map[string]bool)
		visit = func(step string, onPath map[string]bool) {
			if onPath[step] {
				t.Errorf("%s: a cycle through %q", w.ID, step)
				return
			}
			s := w.Steps[step]
			if s == nil {
				t.Errorf("%s: an edge leads to missing step %q", w.ID, step)
				return
			}
			reached[step] = true
			onPath[step] = true
			defer delete(onPath, step)
			// Follow the edges a step can take for any facts: the static ones of this evaluation, and
			// the Next of every check (checks branch on facts; their targets are listed in edges).
			for _, next := range edges(w, step, f) {
				visit(next, onPath)
			}
			p := s(f)
			if p.Status == StatusConclusion && (p.Next != "" || len(p.Answers) > 0) {
				t.Errorf("%s/%s: a conclusion that leads on", w.ID, step)
			}
			if p.Status != StatusConclusion && p.Next == "" && len(p.Answers) == 0 {
				t.Errorf("%s/%s: a dead end that is no conclusion", w.ID, step)
			}
			if p.Status == StatusQuestion && len(p.Answers) < 2 {
				t.Errorf("%s/%s: a question with fewer than two answers", w.ID, step)
			}
		}
		visit(w.Start, map[string]bool{})
		for step := range w.Steps {
			if !reached[step] && !branchTargets[w.ID+"/"+step] {
				t.Errorf("%s: step %q is never reached", w.ID, step)
			}
		}
	}
}

// branchTargets are steps reached only under facts other than graphFacts' healthy node.
var branchTargets = map[string]bool{}

// edges lists where a step can lead: its answers, its Next under these facts, and, for the steps
// that branch on findings, every branch.
func edges(w *Wizard, step string, f *Facts) []string {
	p := w.Steps[step](f)
	var out []string
	for _, a := range p.Answers {
		out = append(out, a.Next)
	}
	if p.Next != "" {
		out = append(out, p.Next)
	}
	for _, extra := range factBranches[w.ID+"/"+step] {
		out = append(out, extra)
		branchTargets[w.ID+"/"+extra] = true
	}
	return out
}

// factBranches are the branches of steps that choose their next step from the findings.
var factBranches = map[string][]string{
	WizardNotReady + "/heartbeat":     {"machine-up"},
	WizardNotReady + "/ready-message": {"pleg", "runtime", "cni", "pressure", "end-not-ready"},
	WizardPodsWontStart + "/stuck":    {"ip", "cgroup", "end-volume", "end-image", "end-other"},
}

func TestWalkBackForwardAndAnswers(t *testing.T) {
	f := graphFacts()
	w := Begin(WizardByID(WizardMaintenance), f)
	if w.Current().Step != "state" || !w.Continue(f) || w.Current().Step != "moves" || !w.Continue(f) {
		t.Fatalf("continue did not walk state → moves → work: at %q", w.Current().Step)
	}
	if w.Current().Page.Status != StatusQuestion || w.Continue(f) {
		t.Fatal("a question continued without an answer")
	}
	w.Answer(0, f)
	if w.Current().Step != "end-reboot" || !w.Done() {
		t.Fatalf("answer 0 led to %q", w.Current().Step)
	}
	w.Back()
	if w.Current().Step != "work" || w.Current().Answer != 0 {
		t.Fatalf("back shows %q answered %d", w.Current().Step, w.Current().Answer)
	}
	w.Forward(f)
	if w.Current().Step != "end-reboot" {
		t.Fatal("forward did not return to the conclusion")
	}
	w.Back()
	w.Answer(1, f)
	if w.Current().Step != "end-repair" || len(w.Path()) != 4 {
		t.Fatalf("a different answer did not replace the path: at %q, path %d", w.Current().Step, len(w.Path()))
	}
	trail := w.Trail()
	if len(trail.Steps) != 4 || trail.Steps[2].Answer != "No: a repair without a reboot" {
		t.Fatalf("trail = %+v", trail)
	}
}
