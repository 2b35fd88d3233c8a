// Command floor is the least any client must do to show a cluster's nodes with their allocations:
// a paginated protobuf LIST of every node and of every non-terminated pod, decoded into Go objects,
// nothing else. `make bench` runs it beside ktriage and kubectl; its time is the floor ktriage's
// time to the first complete table is measured against.
//
//	floor --kubeconfig .cache/testenv/kubeconfig [--page 500]
//
// It prints one JSON line: the counts, the wall time of the lists and the bytes the Go heap held.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"

	"golang.org/x/sync/errgroup"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

// Result is what floor prints.
type Result struct {
	Nodes  int     `json:"nodes"`
	Pods   int     `json:"pods"`
	ListMS float64 `json:"listMs"`
}

func main() {
	kubeconfig := flag.String("kubeconfig", ".cache/testenv/kubeconfig", "kubeconfig of the cluster")
	page := flag.Int64("page", 500, "objects per page (500 is what client-go's informers and kubectl ask for)")
	flag.Parse()
	res, err := run(context.Background(), *kubeconfig, *page)
	if err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
	_ = json.NewEncoder(os.Stdout).Encode(res)
}

func run(ctx context.Context, kubeconfig string, page int64) (Result, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return Result{}, err
	}
	cfg.ContentType = "application/vnd.kubernetes.protobuf"
	cfg.AcceptContentTypes = cfg.ContentType
	cfg.QPS, cfg.Burst = 1000, 1000 // the floor is never throttled on the client side
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return Result{}, err
	}
	start := time.Now()
	var res Result
	// Nodes and pods are listed side by side, as any client that wants them both quickly would.
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		res.Nodes, err = listAll(ctx, page, func(o metav1.ListOptions) (int, string, error) {
			l, err := client.CoreV1().Nodes().List(ctx, o)
			if err != nil {
				return 0, "", err
			}
			return len(l.Items), l.Continue, nil
		})
		return err
	})
	g.Go(func() (err error) {
		sel := "status.phase!=Succeeded,status.phase!=Failed"
		res.Pods, err = listAll(ctx, page, func(o metav1.ListOptions) (int, string, error) {
			o.FieldSelector = sel
			l, err := client.CoreV1().Pods("").List(ctx, o)
			if err != nil {
				return 0, "", err
			}
			return len(l.Items), l.Continue, nil
		})
		return err
	})
	if err := g.Wait(); err != nil {
		return Result{}, err
	}
	res.ListMS = float64(time.Since(start).Microseconds()) / 1000
	return res, nil
}

// listAll pages through a list; each page is decoded by the clientset and then dropped.
func listAll(ctx context.Context, page int64, list func(metav1.ListOptions) (int, string, error)) (int, error) {
	total := 0
	opts := metav1.ListOptions{Limit: page}
	for {
		n, next, err := list(opts)
		if err != nil {
			return total, err
		}
		total += n
		if next == "" {
			return total, ctx.Err()
		}
		opts.Continue = next
	}
}
