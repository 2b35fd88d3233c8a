package testenv

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"
)

// startTimeout bounds a control plane's start; a cold one takes about 20 s on two cores.
const startTimeout = 3 * time.Minute

// InCI reports whether the tests run in CI (CI=true), where a control plane that cannot start is a
// failure and -short never skips the tests that need one.
func InCI() bool { return os.Getenv("CI") == "true" }

// Start starts a control plane for one test and stops it when the test ends. A control plane that
// cannot start fails the test loudly; only `go test -short` outside CI skips it. When the test
// fails, the end of every component's log is written to the test log.
func Start(t testing.TB, configure ...func(*Options)) *Env {
	t.Helper()
	skipIfShort(t)
	opts := DefaultOptions()
	opts.Logf = t.Logf
	for _, c := range configure {
		c(&opts)
	}
	env, err := startWithTimeout(opts)
	if err != nil {
		t.Fatalf("testenv: cannot start the control plane: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("testenv: component logs:\n%s", env.Logs(40))
		}
		env.Stop()
	})
	return env
}

var shared struct {
	once sync.Once
	env  *Env
	err  error
}

// Shared returns a control plane shared by every test of the package, starting it on first use.
// Tests that share it must keep to their own namespaces and node names. The package's TestMain
// must call RunMain so the control plane is stopped when the tests end.
func Shared(t testing.TB) *Env {
	t.Helper()
	skipIfShort(t)
	shared.once.Do(func() {
		opts := DefaultOptions()
		opts.Logf = func(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }
		shared.env, shared.err = startWithTimeout(opts)
	})
	if shared.err != nil {
		t.Fatalf("testenv: cannot start the shared control plane: %v", shared.err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("testenv: component logs:\n%s", shared.env.Logs(40))
		}
	})
	return shared.env
}

// RunMain runs a package's tests and then stops the shared control plane, if one was started.
// Use it as `func TestMain(m *testing.M) { os.Exit(testenv.RunMain(m)) }`.
func RunMain(m *testing.M) int {
	code := m.Run()
	if shared.env != nil {
		shared.env.Stop()
	}
	return code
}

func startWithTimeout(opts Options) (*Env, error) {
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	return New(ctx, opts)
}

func skipIfShort(t testing.TB) {
	if testing.Short() && !InCI() {
		t.Skip("needs the real control plane; skipped by -short (never in CI)")
	}
}
