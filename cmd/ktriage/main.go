// Command ktriage is a terminal UI for troubleshooting Kubernetes nodes.
package main

import (
	"fmt"
	"os"

	"github.com/ktriage/ktriage/sanitize"
)

func main() {
	if err := newRootCommand().Execute(); err != nil {
		// cobra has been told to stay quiet; the one clear line is ours.
		// The message may quote the kubeconfig or the server; it is sanitised like any cluster string.
		fmt.Fprintln(os.Stderr, "ktriage:", sanitize.Line(err.Error()))
		os.Exit(exitCode(err))
	}
}
