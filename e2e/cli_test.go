package e2e

// These tests run the ktriage binary the way a person would, on kubeconfigs that cannot work. Each
// must end within the request timeout with one clear line, before the TUI could take the terminal.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ktriage/ktriage/hack/testenv"
)

var binary struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// ktriageBinary builds cmd/ktriage once per test binary; removeBuiltBinaries deletes it.
func ktriageBinary(t *testing.T) string {
	t.Helper()
	binary.once.Do(func() {
		root, err := testenv.RepoRoot()
		if err != nil {
			binary.err = err
			return
		}
		if binary.dir, err = os.MkdirTemp("", "ktriage-e2e-bin-"); err != nil {
			binary.err = err
			return
		}
		binary.path = filepath.Join(binary.dir, "ktriage")
		cmd := exec.Command("go", "build", "-o", binary.path, "./cmd/ktriage")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			binary.err = fmt.Errorf("go build ./cmd/ktriage: %v\n%s", err, out)
		}
	})
	if binary.err != nil {
		t.Fatalf("cannot build the ktriage binary: %v", binary.err)
	}
	return binary.path
}

func removeBuiltBinaries() {
	if binary.dir != "" {
		_ = os.RemoveAll(binary.dir)
	}
}

// cliResult is what one run of the binary left behind.
type cliResult struct {
	code           int
	stdout, stderr string
	elapsed        time.Duration
	stateDir       string
}

// runKtriage runs the binary with args, stdin not a terminal, TERM=dumb, no KUBECONFIG, and HOME
// and XDG_STATE_HOME in temporary folders; it kills the binary after limit.
func runKtriage(t *testing.T, limit time.Duration, args ...string) cliResult {
	t.Helper()
	return runKtriageAt(t, limit, t.TempDir(), args...)
}

// runKtriageAt is runKtriage with a given HOME (where a test put ~/.config/ktriage/config.yaml).
func runKtriageAt(t *testing.T, limit time.Duration, home string, args ...string) cliResult {
	t.Helper()
	bin := ktriageBinary(t)
	state := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "XDG_STATE_HOME=" + state, "TERM=dumb"}
	cmd.Stdin = nil // /dev/null: not a terminal
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = time.Second
	start := time.Now()
	err := cmd.Run()
	res := cliResult{stdout: stdout.String(), stderr: stderr.String(), elapsed: time.Since(start), stateDir: state}
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		t.Fatalf("ktriage %s was still running after %s (killed); stderr:\n%s", strings.Join(args, " "), limit, res.stderr)
	case errors.As(err, &exit):
		res.code = exit.ExitCode()
	case err != nil:
		t.Fatalf("run ktriage: %v", err)
	}
	return res
}

// klogLine matches klog's header (I1123 12:00:00.000000 …) anywhere in the output.
var klogLine = regexp.MustCompile(`(?m)^[IWEF]\d{4} \d\d:\d\d:\d\d`)

// expectOneLineFailure checks a failed run the way a person reads it: exit status 1, nothing on
// stdout (so no terminal escape sequences either), one line on stderr that starts with "ktriage: "
// and says what went wrong, and no log lines, stack traces or goroutine dumps.
func expectOneLineFailure(t *testing.T, res cliResult, mentions ...string) {
	t.Helper()
	if res.code != 1 {
		t.Errorf("exit status %d, want 1", res.code)
	}
	if res.stdout != "" {
		t.Errorf("stdout is %q, want nothing (the TUI must not have started)", res.stdout)
	}
	lines := strings.Split(strings.TrimSuffix(res.stderr, "\n"), "\n")
	if len(lines) != 1 || !strings.HasSuffix(res.stderr, "\n") {
		t.Errorf("stderr has %d lines, want exactly one line:\n%s", len(lines), res.stderr)
	}
	if !strings.HasPrefix(res.stderr, "ktriage: ") {
		t.Errorf("stderr %q does not start with \"ktriage: \"", res.stderr)
	}
	for _, bad := range []string{"goroutine", "panic", "\x1b"} {
		if strings.Contains(res.stderr, bad) {
			t.Errorf("stderr contains %q:\n%s", bad, res.stderr)
		}
	}
	if klogLine.MatchString(res.stderr) {
		t.Errorf("stderr contains klog lines:\n%s", res.stderr)
	}
	for _, m := range mentions {
		if !strings.Contains(res.stderr, m) {
			t.Errorf("stderr %q does not mention %q", strings.TrimSpace(res.stderr), m)
		}
	}
	t.Logf("after %s: %s", res.elapsed.Round(time.Millisecond), strings.TrimSpace(res.stderr))
}

// writeKubeconfig writes a kubeconfig for server (TLS not verified, a made-up token) and returns its path.
func writeKubeconfig(t *testing.T, server string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kubeconfig")
	cfg := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: %s
    insecure-skip-tls-verify: true
users:
- name: u
  user:
    token: not-a-real-token
contexts:
- name: ctx
  context:
    cluster: c
    user: u
current-context: ctx
`, server)
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// A person who mistypes --kubeconfig gets one line naming the file, not a stack trace.
func TestCLIMissingKubeconfigFailsWithOneLine(t *testing.T) {
	res := runKtriage(t, 30*time.Second, "--kubeconfig", "/nonexistent/path")
	expectOneLineFailure(t, res, "/nonexistent/path")
}

// A kubeconfig that is not YAML at all gets one line naming the file.
func TestCLIGarbageKubeconfigFailsWithOneLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kubeconfig")
	garbage := []byte("\x00\x01\x02garbage\xff\xfe: [unclosed\n\x7f{{{ :::\n\tkey: - - -\n")
	if err := os.WriteFile(path, garbage, 0o600); err != nil {
		t.Fatal(err)
	}
	res := runKtriage(t, 30*time.Second, "--kubeconfig", path)
	expectOneLineFailure(t, res, path)
}

// A context that the kubeconfig does not have is named in the one line.
func TestCLIUnknownContextFailsWithOneLine(t *testing.T) {
	env := testenv.Shared(t)
	res := runKtriage(t, 30*time.Second, "--kubeconfig", env.AdminKubeconfig, "--context", "does-not-exist")
	expectOneLineFailure(t, res, "does-not-exist")
}

// A server that refuses connections is reported at once, well within the request timeout, with
// the address that was tried.
func TestCLIRefusedConnectionFailsWithinTheRequestTimeout(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now: connections are refused
	res := runKtriage(t, 30*time.Second, "--kubeconfig", writeKubeconfig(t, "https://"+addr), "--request-timeout", "3s")
	expectOneLineFailure(t, res, addr)
	if limit := 3*time.Second + 2*time.Second; res.elapsed > limit {
		t.Errorf("took %s to give up on a refused connection, want within %s (request timeout + 2s)", res.elapsed.Round(time.Millisecond), limit)
	}
	if _, err := os.Stat(filepath.Join(res.stateDir, "ktriage", "ktriage.log")); err != nil {
		t.Errorf("no log under $XDG_STATE_HOME/ktriage: %v", err)
	}
}

// A server that accepts the connection and then never answers (a black hole: a dead load balancer,
// a firewall that drops) ends at the request timeout with a line saying so, not a hang.
func TestCLIBlackholeServerFailsAtTheRequestTimeout(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var held []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c) // accept and hold: never read, never write
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range held {
			c.Close()
		}
	})
	addr := l.Addr().String()
	res := runKtriage(t, 30*time.Second, "--kubeconfig", writeKubeconfig(t, "https://"+addr), "--request-timeout", "2s")
	expectOneLineFailure(t, res, addr, "2s")
	if limit := 2*time.Second + 2*time.Second; res.elapsed > limit {
		t.Errorf("took %s to give up on a server that never answers, want within %s (request timeout + 2s)", res.elapsed.Round(time.Millisecond), limit)
	}
	mu.Lock()
	accepted := len(held)
	mu.Unlock()
	if accepted == 0 {
		t.Errorf("ktriage never connected to the black hole at %s; the test proved nothing", addr)
	}
}

// `ktriage version` prints the version and exits 0 without a cluster.
func TestCLIVersionExitsZero(t *testing.T) {
	res := runKtriage(t, 30*time.Second, "version")
	if res.code != 0 {
		t.Errorf("ktriage version exited %d, want 0; stderr:\n%s", res.code, res.stderr)
	}
	if !strings.HasPrefix(res.stdout, "ktriage ") || strings.Count(res.stdout, "\n") != 1 {
		t.Errorf("ktriage version printed %q, want one line starting with \"ktriage \"", res.stdout)
	}
	if res.stderr != "" {
		t.Errorf("ktriage version wrote to stderr: %q", res.stderr)
	}
}

// TestCLINoKubeconfigAnywhere: a person on a fresh jump host with no kubeconfig is told so, instead of
// being told that nothing listens on localhost:8080.
func TestCLINoKubeconfigAnywhere(t *testing.T) {
	res := runKtriage(t, 10*time.Second)
	expectOneLineFailure(t, res, "no kubeconfig found")
	if strings.Contains(res.stderr, "8080") {
		t.Errorf("stderr %q mentions localhost:8080; the problem is the missing kubeconfig", res.stderr)
	}
}

// TestCLICredentialPluginMessagesAreShownBeforeTheError: a kubeconfig exec plugin speaks to the person
// on stderr (a device-code login prompt, say) before the TUI starts, so its lines must be visible, as
// with kubectl; ktriage's own report is still one line, the last.
func TestCLICredentialPluginMessagesAreShownBeforeTheError(t *testing.T) {
	kubeconfig := filepath.Join(t.TempDir(), "config")
	writeTestFile(t, kubeconfig, `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: sh, args: ["-c", "echo 'plugin: open https://login.example/device and enter ABCD' >&2; exit 3"], interactiveMode: Never}}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`)
	res := runKtriage(t, 10*time.Second, "--kubeconfig", kubeconfig, "--request-timeout", "3s")
	lines := strings.Split(strings.TrimSuffix(res.stderr, "\n"), "\n")
	if res.code != 1 || len(lines) != 2 {
		t.Fatalf("exit %d, stderr %q; want exit 1, the plugin's line, then ktriage's", res.code, res.stderr)
	}
	if !strings.Contains(lines[0], "login.example/device") {
		t.Errorf("the plugin's prompt is not shown: %q", res.stderr)
	}
	if !strings.HasPrefix(lines[1], "ktriage: ") || klogLine.MatchString(res.stderr) {
		t.Errorf("ktriage's report is not one plain last line: %q", res.stderr)
	}
}

// TestCLIControlCharactersInKubeconfigAreDefanged: a server URL with a newline and an escape sequence
// still yields one plain line.
func TestCLIControlCharactersInKubeconfigAreDefanged(t *testing.T) {
	kubeconfig := filepath.Join(t.TempDir(), "config")
	writeTestFile(t, kubeconfig, "apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: \"https://127.0.0.1:1\\n\\u001b[31mred\"}}]\nusers: [{name: u, user: {token: x}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n")
	res := runKtriage(t, 10*time.Second, "--kubeconfig", kubeconfig, "--request-timeout", "3s")
	expectOneLineFailure(t, res)
	if strings.ContainsRune(res.stderr, 0x1b) {
		t.Errorf("an escape sequence from the kubeconfig reached the terminal: %q", res.stderr)
	}
}

func writeTestFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
