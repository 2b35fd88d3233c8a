package diag

import "slices"

// A wizard walks one node through a guided diagnosis: each step checks something and shows the
// result with its evidence and why it matters, or asks the person about what only the node can tell
// (with the exact command to run there), and branches on the result or the answer. It ends with a
// conclusion: what is wrong, what to do, and the actions on offer.

// Wizard is a guided flow as a graph of steps.
type Wizard struct {
	ID    string
	Title string
	// Purpose says when to use it, in one line.
	Purpose string
	Start   string
	Steps   map[string]Step
}

// Step evaluates to a page against the node's current facts. Steps are pure functions, so a page is
// re-evaluated when the facts change while the person looks at it.
type Step func(f *Facts) Page

// Facts are what the steps read: the node's evidence and the findings the rules drew from it.
type Facts struct {
	Evidence *Evidence
	Findings []Finding
}

// Finding returns the finding with the ID, or nil.
func (f *Facts) Finding(id string) *Finding {
	for i := range f.Findings {
		if f.Findings[i].ID == id {
			return &f.Findings[i]
		}
	}
	return nil
}

// Status is the outcome a page shows.
type Status int

// Page outcomes.
const (
	// StatusOK: the check found nothing wrong.
	StatusOK Status = iota
	// StatusProblem: the check found what is wrong.
	StatusProblem
	// StatusInfo: the step shows something to know, neither good nor bad.
	StatusInfo
	// StatusQuestion: the step asks the person.
	StatusQuestion
	// StatusConclusion: the walk ends here.
	StatusConclusion
)

// String names the status for reports.
func (s Status) String() string {
	return [...]string{"ok", "problem", "info", "question", "conclusion"}[s]
}

// Page is what one step shows.
type Page struct {
	// Title says what is checked or asked ("Is the kubelet posting status?").
	Title  string
	Status Status
	// Result is the outcome in one sentence.
	Result   string
	Evidence []string
	Why      string
	// Next is the step a check continues to; "" on questions and conclusions.
	Next string
	// Question pages: Command is what to run (on the node when OnNode), Answers the choices.
	Command string
	OnNode  bool
	Answers []Answer
	// Conclusion pages: the findings concluded, what to do, and the actions on offer.
	Findings  []string
	NextSteps []NextStep
	Actions   []Action
}

// Answer is one choice of a question and where it leads.
type Answer struct {
	Label string
	Next  string
}

// Visit is one step on the path taken: its page as last evaluated and, for a question, the answer.
type Visit struct {
	Step   string
	Page   Page
	Answer int // index into Page.Answers; -1 when not answered
}

// Walk is one person's way through a wizard. Back and Forward move along the path without losing it;
// answering a question differently drops the path after it.
type Walk struct {
	Wizard *Wizard
	path   []Visit
	pos    int
}

// Begin starts a walk at the wizard's first step.
func Begin(w *Wizard, f *Facts) Walk {
	return Walk{Wizard: w, path: []Visit{{Step: w.Start, Page: w.Steps[w.Start](f), Answer: -1}}}
}

// Current is the visit shown.
func (w Walk) Current() Visit { return w.path[w.pos] }

// Path is the whole path taken, including visits ahead of the current one after Back.
func (w Walk) Path() []Visit { return slices.Clone(w.path) }

// Position is the index of the current visit in Path.
func (w Walk) Position() int { return w.pos }

// Done reports whether the current page concludes the walk.
func (w Walk) Done() bool { return w.Current().Page.Status == StatusConclusion }

// Continue follows a check's result to its next step. It reports whether it moved.
func (w *Walk) Continue(f *Facts) bool {
	cur := w.Current()
	if cur.Page.Next == "" {
		return false
	}
	if w.pos+1 < len(w.path) && w.path[w.pos+1].Step == cur.Page.Next {
		return w.Forward(f)
	}
	w.goTo(cur.Page.Next, f)
	return true
}

// Answer records the answer to the current question and moves to where it leads.
func (w *Walk) Answer(i int, f *Facts) bool {
	cur := w.Current()
	if i < 0 || i >= len(cur.Page.Answers) {
		return false
	}
	if cur.Answer == i && w.pos+1 < len(w.path) {
		return w.Forward(f)
	}
	w.path = slices.Clone(w.path[:w.pos+1])
	w.path[w.pos].Answer = i
	w.goTo(cur.Page.Answers[i].Next, f)
	return true
}

func (w *Walk) goTo(step string, f *Facts) {
	w.path = append(slices.Clone(w.path[:w.pos+1]), Visit{Step: step, Page: w.Wizard.Steps[step](f), Answer: -1})
	w.pos++
}

// Back shows the previous visit.
func (w *Walk) Back() bool {
	if w.pos == 0 {
		return false
	}
	w.pos--
	return true
}

// Forward shows the next visit of the path again, re-evaluated.
func (w *Walk) Forward(f *Facts) bool {
	if w.pos+1 >= len(w.path) {
		return false
	}
	w.pos++
	w.Refresh(f)
	return true
}

// Refresh re-evaluates the current page against new facts. A check whose result now leads elsewhere
// drops the path after it.
func (w *Walk) Refresh(f *Facts) {
	path := slices.Clone(w.path)
	v := &path[w.pos]
	page := w.Wizard.Steps[v.Step](f)
	if v.Page.Next != page.Next || len(v.Page.Answers) != len(page.Answers) {
		path = path[:w.pos+1]
		if len(page.Answers) != len(v.Page.Answers) {
			v.Answer = -1
		}
	}
	v.Page = page
	w.path = path
}

// Trail is the path taken up to the current step, for the triage report.
func (w Walk) Trail() Trail {
	t := Trail{Wizard: w.Wizard.Title}
	for _, v := range w.path[:w.pos+1] {
		s := TrailStep{Title: v.Page.Title, Status: v.Page.Status, Result: v.Page.Result, Evidence: v.Page.Evidence, Command: v.Page.Command}
		if v.Answer >= 0 {
			s.Answer = v.Page.Answers[v.Answer].Label
		}
		t.Steps = append(t.Steps, s)
	}
	return t
}

// Trail records a walk for a report.
type Trail struct {
	Wizard string
	Steps  []TrailStep
}

// TrailStep is one step of a trail.
type TrailStep struct {
	Title    string
	Status   Status
	Result   string
	Evidence []string
	Command  string
	Answer   string
}
