package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tmuxSession drives the real binary in a terminal: tmux on its own socket, so it touches no
// session of the person running the tests.
type tmuxSession struct {
	t      *testing.T
	socket string
}

func startTmux(t *testing.T, width, height int, env []string, command string) *tmuxSession {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Fatalf("tmux is needed to drive the TUI end to end (.ci/run installs it): %v", err)
	}
	s := &tmuxSession{t: t, socket: fmt.Sprintf("ktriage-e2e-%d-%d", os.Getpid(), time.Now().UnixNano())}
	args := []string{"-L", s.socket, "-f", "/dev/null", "new-session", "-d", "-x", fmt.Sprint(width), "-y", fmt.Sprint(height)}
	for _, e := range env {
		args = append(args, "-e", e)
	}
	if out, err := exec.Command("tmux", append(args, command)...).CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", s.socket, "kill-server").Run() })
	return s
}

// keys sends tmux key names ("Enter", "Escape") or literal text.
func (s *tmuxSession) keys(keys ...string) {
	s.t.Helper()
	if out, err := exec.Command("tmux", append([]string{"-L", s.socket, "send-keys"}, keys...)...).CombinedOutput(); err != nil {
		s.t.Fatalf("tmux send-keys %q: %v\n%s", keys, err, out)
	}
}

// text types s literally.
func (s *tmuxSession) text(text string) {
	s.t.Helper()
	if out, err := exec.Command("tmux", "-L", s.socket, "send-keys", "-l", text).CombinedOutput(); err != nil {
		s.t.Fatalf("tmux send-keys -l %q: %v\n%s", text, err, out)
	}
}

func (s *tmuxSession) screen() string {
	out, _ := exec.Command("tmux", "-L", s.socket, "capture-pane", "-p").Output()
	return string(out)
}

// waitFor waits until the screen shows every text.
func (s *tmuxSession) waitFor(limit time.Duration, texts ...string) string {
	s.t.Helper()
	var screen string
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		screen = s.screen()
		all := true
		for _, text := range texts {
			all = all && strings.Contains(screen, text)
		}
		if all {
			return screen
		}
	}
	s.t.Fatalf("the terminal never showed %q; last screen:\n%s", texts, screen)
	return ""
}

// The demo's node shell end to end in a real terminal: s asks first and says what it creates, the
// shell pod starts, the terminal goes to the demo's simulated shell (labelled as such), commands
// answer, exit returns to ktriage, and the audit log records the session.
func TestDemoNodeShellInARealTerminal(t *testing.T) {
	bin := ktriageBinary(t)
	home := t.TempDir()
	env := []string{"HOME=" + home, "XDG_STATE_HOME=" + filepath.Join(home, "state"), "XDG_CONFIG_HOME=" + filepath.Join(home, "config"),
		"TERM=xterm-256color", "KUBECONFIG=" + filepath.Join(home, "none")}
	s := startTmux(t, 160, 45, env, bin+" demo --theme mono")
	s.waitFor(20*time.Second, "worker-01", "live")

	s.keys("/")
	s.text("worker-01")
	s.keys("Enter")
	s.waitFor(5*time.Second, "/worker-01")
	s.keys("s")
	s.waitFor(5*time.Second, "Open a root shell on worker-01?", "privileged", "tolerates every taint")
	s.keys("y")
	s.waitFor(20*time.Second, "ktriage demo", "simulated")
	s.text("hostname")
	s.keys("Enter")
	screen := s.waitFor(5*time.Second, "hostname")
	if strings.Count(screen, "worker-01") < 2 {
		t.Errorf("hostname did not answer worker-01:\n%s", screen)
	}
	s.text("exit")
	s.keys("Enter")
	s.waitFor(10*time.Second, "shell on worker-01 closed")

	audit, err := os.ReadFile(filepath.Join(home, "state", "ktriage", "audit.jsonl"))
	if err != nil {
		t.Fatalf("no audit log: %v", err)
	}
	if !strings.Contains(string(audit), `"action":"node-shell"`) || !strings.Contains(string(audit), `"result":"ok"`) {
		t.Errorf("audit log does not record the shell session:\n%s", audit)
	}
	s.keys("q")
}

// The journal and the log viewer in a real terminal: L on the PLEG node shows the kubelet's
// "PLEG is not healthy" line; esc returns.
func TestDemoKubeletJournalInARealTerminal(t *testing.T) {
	bin := ktriageBinary(t)
	home := t.TempDir()
	env := []string{"HOME=" + home, "XDG_STATE_HOME=" + filepath.Join(home, "state"), "TERM=xterm-256color",
		"KUBECONFIG=" + filepath.Join(home, "none")}
	s := startTmux(t, 160, 45, env, bin+" demo --theme mono")
	s.waitFor(20*time.Second, "legacy-07", "live")
	s.keys("/")
	s.text("legacy-07")
	s.keys("Enter")
	s.waitFor(5*time.Second, "/legacy-07")
	s.keys("L")
	s.waitFor(10*time.Second, "kubelet", "PLEG is not healthy")
	s.keys("Escape")
	s.waitFor(5*time.Second, "/legacy-07", "NotReady")
}
