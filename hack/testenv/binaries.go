package testenv

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// The components a control plane is made of, as named in the cache's bin folder.
const (
	binEtcd              = "etcd"
	binAPIServer         = "kube-apiserver"
	binControllerManager = "kube-controller-manager"
	binScheduler         = "kube-scheduler"
	binKwok              = "kwok"
	kwokStagesFile       = "kwok-stages.yaml"
)

// ErrBinariesMissing is returned when the control-plane binaries have not been built.
var ErrBinariesMissing = errors.New("control-plane binaries are missing: run `make testenv` (it builds them once into .cache/testenv)")

// BinDir returns the folder holding the control-plane binaries: $KTRIAGE_TESTENV_BIN, or
// .cache/testenv/bin at the root of the ktriage checkout that contains the working directory.
func BinDir() (string, error) {
	if dir := os.Getenv("KTRIAGE_TESTENV_BIN"); dir != "" {
		return dir, nil
	}
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	if cache := os.Getenv("KTRIAGE_TESTENV_CACHE"); cache != "" {
		return filepath.Join(cache, "bin"), nil
	}
	return filepath.Join(root, ".cache", "testenv", "bin"), nil
}

// RepoRoot walks up from the working directory to the go.mod of module github.com/ktriage/ktriage.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.HasPrefix(string(data), "module github.com/ktriage/ktriage\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no ktriage checkout above the working directory")
		}
		dir = parent
	}
}

// binaries resolves and checks every file a control plane with these options needs.
func binaries(opts Options) (map[string]string, error) {
	dir, err := BinDir()
	if err != nil {
		return nil, err
	}
	names := []string{binEtcd, binAPIServer}
	if opts.ControllerManager {
		names = append(names, binControllerManager)
	}
	if opts.Scheduler {
		names = append(names, binScheduler)
	}
	if opts.Kwok {
		names = append(names, binKwok, kwokStagesFile)
	}
	paths := make(map[string]string, len(names))
	for _, name := range names {
		path := filepath.Join(dir, name)
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("%w (looked for %s)", ErrBinariesMissing, path)
		}
		paths[name] = path
	}
	return paths, nil
}
