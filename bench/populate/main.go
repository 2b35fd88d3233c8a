// Command populate fills a testenv cluster with kwok nodes and pods of a realistic mix, quickly:
// concurrent creates over protobuf at a high QPS.
//
//	go run ./bench/populate --kubeconfig .cache/testenv/kubeconfig --nodes 5000 --pods 150000
//
// Every node gets a kube-proxy and a node-exporter DaemonSet pod; the rest are spread round-robin:
// ReplicaSet pods in groups of ten, every tenth group a StatefulSet, one pod in fifty bare, one in
// seven with an emptyDir, one in five with an init container, requests and limits of several sizes.
// Owners exist as real objects. Re-running with the same sizes creates only what is missing. Pods
// still Pending afterwards get the Running status kwok would give them (--mark-running), then it waits
// until every pod is Running (--wait).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/ktriage/ktriage/hack/testenv"
)

func main() {
	kubeconfig := flag.String("kubeconfig", ".cache/testenv/kubeconfig", "kubeconfig of the cluster to fill")
	nodes := flag.Int("nodes", 1000, "kwok nodes to create")
	pods := flag.Int("pods", 30000, "pods to create in all (DaemonSet pods included)")
	workers := flag.Int("workers", 32, "concurrent creates")
	waitRunning := flag.Bool("wait", true, "wait until every pod is Running")
	mark := flag.Bool("mark-running", true, "write the Running status of pods still Pending instead of waiting for kwok alone")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *kubeconfig, *nodes, *pods, *workers, *waitRunning, *mark); err != nil {
		fmt.Fprintln(os.Stderr, "populate:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, kubeconfig string, nodeCount, podCount, workers int, waitRunning, mark bool) error {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return fmt.Errorf("load kubeconfig: %w", err)
	}
	cfg.ContentType = "application/vnd.kubernetes.protobuf"
	cfg.AcceptContentTypes = "application/vnd.kubernetes.protobuf,application/json"
	cfg.QPS, cfg.Burst = 5000, 10000
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}

	start := time.Now()
	nodeNames := make([]string, nodeCount)
	for i := range nodeNames {
		nodeNames[i] = fmt.Sprintf("kwok-node-%05d", i)
	}
	if err := each(ctx, nodeCount, workers, "nodes", func(ctx context.Context, i int) error {
		_, err := client.CoreV1().Nodes().Create(ctx, testenv.WorkerNode(nodeNames[i], i, true), metav1.CreateOptions{})
		return ignoreExists(err)
	}); err != nil {
		return err
	}
	fmt.Printf("populate: %d nodes after %s\n", nodeCount, time.Since(start).Round(time.Second))

	plan := planPods(nodeNames, podCount)
	for _, ns := range plan.namespaces {
		if err := testenv.EnsureNamespace(ctx, client, ns); err != nil {
			return err
		}
	}
	refs := make([]*metav1.OwnerReference, len(plan.owners))
	if err := each(ctx, len(plan.owners), workers, "owners", func(ctx context.Context, i int) error {
		o := plan.owners[i]
		ref, err := testenv.CreateOwner(ctx, client, o.kind, o.namespace, o.name, o.replicas)
		if apierrors.IsAlreadyExists(err) {
			ref, err = existingOwner(ctx, client, o)
		}
		refs[i] = ref
		return err
	}); err != nil {
		return err
	}
	podStart := time.Now()
	if err := each(ctx, len(plan.pods), workers, "pods", func(ctx context.Context, i int) error {
		p := plan.pods[i]
		spec := p.spec
		if p.owner >= 0 {
			spec.OwnerRef = refs[p.owner]
			spec.Labels = map[string]string{"app": plan.owners[p.owner].name}
		}
		_, err := client.CoreV1().Pods(spec.Namespace).Create(ctx, testenv.Pod(spec), metav1.CreateOptions{})
		return ignoreExists(err)
	}); err != nil {
		return err
	}
	elapsed := time.Since(podStart)
	fmt.Printf("populate: %d pods created in %s (%.0f pods/s)\n", len(plan.pods), elapsed.Round(time.Second),
		float64(len(plan.pods))/elapsed.Seconds())
	if mark {
		if err := markRunning(ctx, client, workers); err != nil {
			return err
		}
	}
	if waitRunning {
		if err := waitForRunning(ctx, client, len(plan.pods)); err != nil {
			return err
		}
	}
	fmt.Printf("populate: done in %s\n", time.Since(start).Round(time.Second))
	return nil
}

// each runs fn for 0…n-1 on workers goroutines, printing progress every five seconds.
func each(ctx context.Context, n, workers int, what string, fn func(context.Context, int) error) error {
	var done atomic.Int64
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	ticker := time.NewTicker(5 * time.Second)
	defer ticker.Stop()
	finished := make(chan struct{})
	go func() {
		for {
			select {
			case <-ticker.C:
				fmt.Printf("populate: %s %d/%d\n", what, done.Load(), n)
			case <-finished:
				return
			}
		}
	}()
	defer close(finished)
	for i := range n {
		g.Go(func() error {
			if err := fn(gctx, i); err != nil {
				return fmt.Errorf("%s #%d: %w", what, i, err)
			}
			done.Add(1)
			return nil
		})
	}
	return g.Wait()
}

func ignoreExists(err error) error {
	if apierrors.IsAlreadyExists(err) {
		return nil
	}
	return err
}

// waitForRunning counts Running pods with paginated lists until all are.
func waitForRunning(ctx context.Context, client kubernetes.Interface, want int) error {
	start := time.Now()
	for {
		running := 0
		opts := metav1.ListOptions{FieldSelector: "status.phase=Running", Limit: 5000}
		for {
			list, err := client.CoreV1().Pods("").List(ctx, opts)
			if err != nil {
				return err
			}
			running += len(list.Items)
			if list.Continue == "" {
				break
			}
			opts.Continue = list.Continue
		}
		fmt.Printf("populate: %d/%d pods Running\n", running, want)
		if running >= want {
			fmt.Printf("populate: all Running %s after the last create\n", time.Since(start).Round(time.Second))
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Second):
		}
	}
}
