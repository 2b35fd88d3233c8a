// Command etcd is the upstream etcd server at the version k8s.io/kubernetes itself requires. It is
// built here instead of taken from Debian (3.4) because 3.4 lacks the progress notifications that
// the API server's streaming lists (WatchList) need.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
