// Command testenv starts and stops the test control plane in the background for people and
// benchmarks (`make testenv-up`, `make testenv-down`). The admin kubeconfig is written to
// .cache/testenv/kubeconfig and the read-only one beside it.
//
//	testenv up [--no-controller-manager] [--no-scheduler] [--workload-controllers]
//	testenv down
//	testenv status
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ktriage/ktriage/hack/testenv"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	state, err := stateDir()
	if err == nil {
		switch os.Args[1] {
		case "up":
			err = up(state, os.Args[2:])
		case "down":
			err = down(state)
		case "status":
			err = status(state)
		case "serve": // the background process that up starts
			err = serve(state, os.Args[2:])
		default:
			usage()
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "testenv:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: testenv up [--no-controller-manager] [--no-scheduler] [--workload-controllers] | down | status")
	os.Exit(2)
}

// paths of the background control plane's state under .cache/testenv.
type paths struct{ root string }

func (p paths) run() string        { return filepath.Join(p.root, "run") }
func (p paths) pid() string        { return filepath.Join(p.root, "testenv.pid") }
func (p paths) log() string        { return filepath.Join(p.root, "testenv.log") }
func (p paths) kubeconfig() string { return filepath.Join(p.root, "kubeconfig") }
func (p paths) readOnly() string   { return filepath.Join(p.root, "kubeconfig-readonly") }

func stateDir() (paths, error) {
	if dir := os.Getenv("KTRIAGE_TESTENV_CACHE"); dir != "" {
		return paths{dir}, nil
	}
	root, err := testenv.RepoRoot()
	if err != nil {
		return paths{}, err
	}
	return paths{filepath.Join(root, ".cache", "testenv")}, nil
}

// running returns the pid of a live background control plane, or 0.
func running(p paths) int {
	data, err := os.ReadFile(p.pid())
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || syscall.Kill(pid, 0) != nil {
		return 0
	}
	return pid
}

func up(p paths, args []string) error {
	if pid := running(p); pid != 0 {
		fmt.Printf("testenv: already running (pid %d); kubeconfig %s\n", pid, p.kubeconfig())
		return nil
	}
	if err := os.MkdirAll(p.root, 0o755); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	logFile, err := os.Create(p.log())
	if err != nil {
		return err
	}
	defer logFile.Close()
	_ = os.Remove(p.kubeconfig())
	cmd := exec.Command(self, append([]string{"serve"}, args...)...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true} // outlives this command and its terminal
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.After(4 * time.Minute)
	for {
		if _, err := os.Stat(p.kubeconfig()); err == nil {
			fmt.Printf("testenv: up (pid %d)\n  admin:     %s\n  read-only: %s\n  logs:      %s\n",
				cmd.Process.Pid, p.kubeconfig(), p.readOnly(), p.run())
			return nil
		}
		select {
		case err := <-exited:
			log, _ := os.ReadFile(p.log())
			return fmt.Errorf("control plane did not start (%v):\n%s", err, log)
		case <-deadline:
			_ = cmd.Process.Signal(syscall.SIGTERM)
			return errors.New("control plane did not start within 4 minutes; see " + p.log())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func serve(p paths, args []string) error {
	opts := testenv.DefaultOptions()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	noKCM := fs.Bool("no-controller-manager", false, "do not run kube-controller-manager")
	noSched := fs.Bool("no-scheduler", false, "do not run kube-scheduler")
	fs.BoolVar(&opts.WorkloadControllers, "workload-controllers", false, "run the ReplicaSet, DaemonSet, StatefulSet, … controllers")
	if err := fs.Parse(args); err != nil {
		return err
	}
	opts.ControllerManager, opts.Scheduler = !*noKCM, !*noSched
	opts.Dir = p.run()
	opts.Logf = func(format string, a ...any) { fmt.Printf(format+"\n", a...) }
	_ = os.RemoveAll(opts.Dir)

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	startCtx, cancel := context.WithTimeout(ctx, 4*time.Minute)
	env, err := testenv.New(startCtx, opts)
	cancel()
	if err != nil {
		return err
	}
	defer env.Stop()
	if err := os.WriteFile(p.pid(), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		return err
	}
	defer os.Remove(p.pid())
	// The kubeconfigs appear last: up takes the admin one as the sign that all is ready.
	for src, dst := range map[string]string{env.ReadOnlyKubeconfig: p.readOnly(), env.AdminKubeconfig: p.kubeconfig()} {
		data, err := os.ReadFile(src)
		if err != nil {
			return err
		}
		if err := os.WriteFile(dst+".tmp", data, 0o600); err != nil {
			return err
		}
		if err := os.Rename(dst+".tmp", dst); err != nil {
			return err
		}
	}
	defer os.Remove(p.kubeconfig())
	defer os.Remove(p.readOnly())
	fmt.Println("testenv: serving until SIGTERM")
	<-ctx.Done()
	fmt.Println("testenv: stopping")
	return nil
}

func down(p paths) error {
	pid := running(p)
	if pid == 0 {
		fmt.Println("testenv: not running")
		return nil
	}
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		return err
	}
	for range 300 {
		if syscall.Kill(pid, 0) != nil {
			fmt.Printf("testenv: stopped (pid %d)\n", pid)
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	_ = syscall.Kill(pid, syscall.SIGKILL)
	return fmt.Errorf("pid %d did not stop within 30 s and was killed", pid)
}

func status(p paths) error {
	pid := running(p)
	if pid == 0 {
		fmt.Println("testenv: not running")
		return nil
	}
	fmt.Printf("testenv: running (pid %d); kubeconfig %s\n", pid, p.kubeconfig())
	return nil
}
