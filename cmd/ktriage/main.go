// Command ktriage is a terminal UI for troubleshooting Kubernetes nodes.
package main

import (
	"fmt"
	"os"
)

func main() {
	if err := newRootCommand().Execute(); err != nil {
		// cobra has been told to stay quiet; the one clear line is ours.
		fmt.Fprintln(os.Stderr, "ktriage:", err)
		os.Exit(1)
	}
}
