//go:build !unix

package main

import "os"

// captureStderr is a no-op where file descriptors cannot be redirected.
func captureStderr(*os.File) (restore func() *os.File) {
	return func() *os.File { return os.Stderr }
}
