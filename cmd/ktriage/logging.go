package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"k8s.io/client-go/rest"
	"k8s.io/klog/v2"
)

// stateDir is where ktriage keeps its log and its audit log: $XDG_STATE_HOME/ktriage, by default
// ~/.local/state/ktriage.
func stateDir() (string, error) { return xdgDir("XDG_STATE_HOME", ".local", "state") }

// xdgDir is $<env>/ktriage, or ~/<fallback…>/ktriage when the variable is unset (the XDG base
// directory rule).
func xdgDir(env string, fallback ...string) (string, error) {
	base := os.Getenv(env)
	if base == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("no $%s and no home directory: %w", env, err)
		}
		base = filepath.Join(append([]string{home}, fallback...)...)
	}
	return filepath.Join(base, "ktriage"), nil
}

// setupLogging sends klog (client-go's logger) and client-go's API warnings to the log file, so
// nothing they print reaches the terminal. When the state directory cannot be written (a read-only
// home on a jump host) it falls back to a temporary file rather than refusing to start. The caller
// closes the returned file.
func setupLogging(path string) (*os.File, string, error) {
	f, path, err := openLog(path)
	if err != nil {
		return nil, "", err
	}
	fs := flag.NewFlagSet("klog", flag.ContinueOnError)
	klog.InitFlags(fs)
	for name, value := range map[string]string{"logtostderr": "false", "alsologtostderr": "false", "stderrthreshold": "FATAL", "one_output": "true"} {
		_ = fs.Set(name, value)
	}
	klog.SetOutput(f)
	klog.LogToStderr(false)
	rest.SetDefaultWarningHandler(rest.NewWarningWriter(klogWriter{}, rest.WarningWriterOptions{Deduplicate: true}))
	return f, path, nil
}

func openLog(path string) (*os.File, string, error) {
	explicit := path != ""
	if !explicit {
		dir, err := stateDir()
		if err == nil {
			path = filepath.Join(dir, "ktriage.log")
		}
	}
	if path != "" {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err == nil {
			if f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600); err == nil {
				return f, path, nil
			} else if explicit {
				return nil, "", fmt.Errorf("open log file: %w", err)
			}
		} else if explicit {
			return nil, "", fmt.Errorf("create log directory: %w", err)
		}
	}
	f, err := os.CreateTemp("", "ktriage-*.log")
	if err != nil {
		return nil, "", fmt.Errorf("no writable place for the log (state directory or %s): %w", os.TempDir(), err)
	}
	return f, f.Name(), nil
}

// klogWriter routes API server warnings ("v1 ComponentStatus is deprecated") into the log.
type klogWriter struct{}

func (klogWriter) Write(p []byte) (int, error) {
	klog.InfoDepth(1, string(p))
	return len(p), nil
}
