// Command ktriage is a terminal UI for troubleshooting Kubernetes nodes.
package main

import (
	"fmt"
	"os"
	"runtime/debug"

	"github.com/ktriage/ktriage/sanitize"
)

func main() {
	if os.Getenv("GOGC") == "" {
		// The Go default lets the heap grow to twice what is live before collecting. At 150,000
		// pods ktriage keeps about 300 MB live and produces garbage steadily (watch events, node
		// rebuilds), so the default means 800 MB resident; 50 keeps it near 600 MB for a few percent
		// more CPU. GOGC and GOMEMLIMIT still win when set.
		debug.SetGCPercent(50)
	}
	if err := newRootCommand().Execute(); err != nil {
		// cobra has been told to stay quiet; the one clear line is ours.
		// The message may quote the kubeconfig or the server; it is sanitised like any cluster string.
		fmt.Fprintln(os.Stderr, "ktriage:", sanitize.Line(err.Error()))
		os.Exit(exitCode(err))
	}
}
