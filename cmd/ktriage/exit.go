package main

import (
	"errors"
	"fmt"
)

// exitError carries the process exit code an error should end with. Plain errors exit 1.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// withExitCode marks err to end the process with code; nil stays nil.
func withExitCode(code int, err error) error {
	if err == nil {
		return nil
	}
	return &exitError{code: code, err: err}
}

// exitCode is the process exit code for an error returned by the root command.
func exitCode(err error) int {
	var e *exitError
	if errors.As(err, &e) {
		return e.code
	}
	return 1
}

// usageError is a mistake on the command line (exit 2, as for connection errors in check and report).
func usageError(format string, args ...any) error {
	return withExitCode(2, fmt.Errorf(format, args...))
}
