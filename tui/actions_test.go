package tui

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	authorizationv1 "k8s.io/api/authorization/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/ktriage/ktriage/actions"
	"github.com/ktriage/ktriage/cluster/demo"
	"github.com/ktriage/ktriage/themes"
	"github.com/ktriage/ktriage/views"
)

// actionModel is the demo list with a runner over kube, sized 140×44, after the preflight.
func actionModel(t *testing.T, runner *actions.Runner, readOnly bool) Model {
	t.Helper()
	m := New(Options{Styles: themes.Mono(), Info: demoInfo, Now: fixedClock, NoTick: true, ReadOnly: readOnly,
		Actions: runner, ActionContext: context.Background()})
	m = send(m, tea.WindowSizeMsg{Width: 140, Height: 44})
	m = send(m, SnapshotMsg{Snapshot: demoSnapshot(t)})
	if runner != nil {
		m = send(m, permissionsMsg{perms: runner.Preflight(context.Background()), auditErr: runner.CheckAudit()})
	}
	return m
}

func screenText(m Model) string { return ansi.Strip(m.render()) }

func helpScreen(m Model) string { return screenText(send(m, keyMsg("?"))) }

func TestReadOnlyOffersNoAction(t *testing.T) {
	kube := demo.New(fixedNow).Interface()
	runner := actions.New(actions.Config{Client: kube, Info: demoInfo, ReadOnly: true,
		Audit: actions.NewAuditLog(filepath.Join(t.TempDir(), "audit.jsonl"))})
	m := actionModel(t, runner, true)
	for _, k := range []string{"c", "u", "d", "m", "space"} {
		m = send(m, keyMsg(k))
	}
	if m.dialog != nil {
		t.Fatalf("read-only mode opened a dialog:\n%s", screenText(m))
	}
	help := helpScreen(m)
	for _, binding := range []string{`\bc\s+cordon`, `\bu\s+uncordon`, `\bd\s+drain`, `\bm\s+maintenance`, `ctrl\+d\s+delete`} {
		if regexp.MustCompile(binding).MatchString(help) {
			t.Errorf("read-only help offers %s:\n%s", binding, help)
		}
	}
	if !strings.Contains(screenText(m), "read-only") {
		t.Error("the header does not say read-only")
	}
}

// denyingClient answers every SelfSubjectAccessReview with allowed=false except for the verbs listed.
func denyingClient(allowedVerbs ...string) *fake.Clientset {
	cs := fake.NewClientset()
	cs.PrependReactor("create", "selfsubjectaccessreviews", func(a k8stesting.Action) (bool, runtime.Object, error) {
		r := a.(k8stesting.CreateAction).GetObject().(*authorizationv1.SelfSubjectAccessReview)
		for _, v := range allowedVerbs {
			r.Status.Allowed = r.Status.Allowed || r.Spec.ResourceAttributes.Verb == v
		}
		return true, r, nil
	})
	return cs
}

func TestWithheldActionSaysWhatPermissionIsMissing(t *testing.T) {
	runner := actions.New(actions.Config{Client: denyingClient("list", "create", "delete"), Info: demoInfo,
		Audit: actions.NewAuditLog(filepath.Join(t.TempDir(), "audit.jsonl"))})
	m := actionModel(t, runner, false)
	if help := helpScreen(m); !strings.Contains(help, "cordon — unavailable: needs patch nodes") {
		t.Errorf("help does not grey out cordon with the missing permission:\n%s", help)
	}
	m = send(m, keyMsg("c"))
	if m.dialog != nil {
		t.Fatal("a forbidden cordon was offered")
	}
	if got := m.FlashText(); !strings.Contains(got, "needs patch nodes") {
		t.Errorf("flash = %q, want the missing permission", got)
	}
}

func TestUnwritableAuditLogWithholdsActions(t *testing.T) {
	dir := t.TempDir()
	runner := actions.New(actions.Config{Client: demo.New(fixedNow).Interface(), Info: demoInfo,
		Audit: actions.NewAuditLog(filepath.Join(dir, "audit.jsonl", "x"))}) // a file where a folder must be
	if err := os.WriteFile(filepath.Join(dir, "audit.jsonl"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	m := actionModel(t, runner, false)
	m = send(m, keyMsg("d"))
	if m.dialog != nil {
		t.Fatal("a drain was offered although it could not be audited")
	}
	if got := m.FlashText(); !strings.Contains(got, "audit log cannot be written") {
		t.Errorf("flash = %q, want the audit log named as the reason", got)
	}
}

func TestCordonOfAlreadyCordonedNodeIsANoOpWithAMessage(t *testing.T) {
	runner := actions.New(actions.Config{Client: demo.New(fixedNow).Interface(), Info: demoInfo,
		Audit: actions.NewAuditLog(filepath.Join(t.TempDir(), "audit.jsonl"))})
	m := actionModel(t, runner, false)
	m.list.Select(demo.NodeCordoned)
	m = send(m, keyMsg("c"))
	if m.dialog != nil {
		t.Fatalf("cordoning a cordoned node asked for confirmation:\n%s", screenText(m))
	}
	if got := m.FlashText(); got != "nothing to do: "+demo.NodeCordoned+" already cordoned" {
		t.Errorf("flash = %q", got)
	}
}

func TestForceDeleteOnlyOnUnreachableNode(t *testing.T) {
	runner := actions.New(actions.Config{Client: demo.New(fixedNow).Interface(), Info: demoInfo,
		Audit: actions.NewAuditLog(filepath.Join(t.TempDir(), "audit.jsonl"))})
	for _, tc := range []struct {
		node      string
		wantForce bool
	}{{"worker-01", false}, {demo.NodeUnreachable, true}} {
		m := actionModel(t, runner, false)
		m = send(m, views.OpenNodeMsg{Name: tc.node})
		m = send(m, keyMsg("2")) // Pods tab
		m = send(m, tea.KeyPressMsg{Code: 'k', Mod: tea.ModCtrl})
		if got := m.dialog != nil; got != tc.wantForce {
			t.Fatalf("%s: force delete offered = %v, want %v; flash %q", tc.node, got, tc.wantForce, m.FlashText())
		}
		if tc.wantForce && !strings.Contains(screenText(m), "second copy") {
			t.Errorf("the force delete does not warn:\n%s", screenText(m))
		}
	}
}

func TestCtrlCDuringADrainAsksTwice(t *testing.T) {
	m := actionModel(t, nil, true)
	m.drain = &drainRun{node: "worker-01", cancel: func() {}}
	next, cmd := m.Update(keyMsg("ctrl+c"))
	if cmd != nil {
		t.Fatal("the first ctrl+c during a drain quit")
	}
	if !strings.Contains(next.(Model).FlashText(), "a drain of worker-01 is running") {
		t.Errorf("flash = %q", next.(Model).FlashText())
	}
	if _, cmd := next.Update(keyMsg("ctrl+c")); cmd == nil {
		t.Error("the second ctrl+c did not quit")
	}
}

// Dialogs must draw (or give way to the too-small notice) at any size, without a panic and without a
// line wider than the terminal.
func TestDialogsFitTinyTerminals(t *testing.T) {
	runner := actions.New(actions.Config{Client: demo.New(fixedNow).Interface(), Info: demoInfo,
		Audit: actions.NewAuditLog(filepath.Join(t.TempDir(), "audit.jsonl"))})
	for _, open := range []string{"c", "d", "m"} {
		m := actionModel(t, runner, false)
		m.list.Select("worker-01")
		m = send(m, keyMsg(open))
		if m.dialog == nil {
			t.Fatalf("%s opened no dialog; flash %q", open, m.FlashText())
		}
		for _, size := range [][2]int{{40, 8}, {41, 9}, {20, 5}, {60, 12}, {200, 60}} {
			m = send(m, tea.WindowSizeMsg{Width: size[0], Height: size[1]})
			out := m.render()
			if size[0] < minWidth || size[1] < minHeight {
				if !strings.Contains(out, "too small") || ansi.StringWidth(out) > size[0] {
					t.Errorf("%dx%d: %q, want the one-line notice", size[0], size[1], out)
				}
				continue
			}
			assertScreenSize(t, out, size[0], size[1])
		}
	}
}
