//go:build unix

package main

import (
	"os"

	"golang.org/x/sys/unix"
)

// captureStderr points file descriptor 2 at the log file until restore is called. Whatever writes to
// stderr behind ktriage's back — a kubeconfig credential plugin, the Go runtime's fatal-error dump,
// a library's stray print — then lands in the log instead of on the TUI or around the one error
// line. restore puts the terminal back and returns the original stderr.
func captureStderr(log *os.File) (restore func() *os.File) {
	saved, err := unix.Dup(2)
	if err != nil {
		return func() *os.File { return os.Stderr }
	}
	if err := unix.Dup2(int(log.Fd()), 2); err != nil {
		unix.Close(saved)
		return func() *os.File { return os.Stderr }
	}
	return func() *os.File {
		_ = unix.Dup2(saved, 2)
		unix.Close(saved)
		return os.Stderr
	}
}
