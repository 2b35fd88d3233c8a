package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"k8s.io/client-go/rest"
	"k8s.io/klog/v2"
)

// stateDir is where ktriage keeps its log (and, later, its audit log): $XDG_STATE_HOME/ktriage, by
// default ~/.local/state/ktriage.
func stateDir() (string, error) {
	base := os.Getenv("XDG_STATE_HOME")
	if base == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("find the state directory: %w", err)
		}
		base = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(base, "ktriage"), nil
}

// setupLogging sends klog (client-go's logger), client-go's API warnings and everything else written
// to stderr to a file, so nothing can reach the terminal while ktriage runs. It returns the log's path
// and a function that restores stderr and closes the log; call it before printing the final error.
func setupLogging(path string) (string, func(), error) {
	if path == "" {
		dir, err := stateDir()
		if err != nil {
			return "", nil, err
		}
		path = filepath.Join(dir, "ktriage.log")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", nil, fmt.Errorf("create log directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return "", nil, fmt.Errorf("open log file: %w", err)
	}
	fs := flag.NewFlagSet("klog", flag.ContinueOnError)
	klog.InitFlags(fs)
	for name, value := range map[string]string{"logtostderr": "false", "alsologtostderr": "false", "stderrthreshold": "FATAL", "one_output": "true"} {
		_ = fs.Set(name, value)
	}
	klog.SetOutput(f)
	klog.LogToStderr(false)
	rest.SetDefaultWarningHandler(rest.NewWarningWriter(klogWriter{}, rest.WarningWriterOptions{Deduplicate: true}))
	restore := captureStderr(f)
	return path, func() { restore(); _ = f.Close() }, nil
}

// klogWriter routes API server warnings ("v1 ComponentStatus is deprecated") into the log.
type klogWriter struct{}

func (klogWriter) Write(p []byte) (int, error) {
	klog.InfoDepth(1, string(p))
	return len(p), nil
}
