// Command compare is `make bench`: it starts a test control plane, fills it with kwok nodes and
// pods, and measures side by side, several times, how long it takes and how much memory it costs
// to see every node with its allocations:
//
//   - floor: bench/floor, a paginated protobuf LIST of nodes and non-terminated pods, decoded;
//   - ktriage: from process start to the first complete node table, in a 200×50 tmux pane, with
//     its peak RSS and its RSS once synced;
//   - kubectl: kubectl get nodes, then kubectl get pods -A.
//
// Then it leaves one ktriage idle (counting the API server's requests by verb, which must show no
// LIST), renews every node's Lease at once while pressing keys, and prints medians and ratios.
//
//	BENCH_NODES=1000 BENCH_PODS=30000 BENCH_RUNS=3 BENCH_IDLE=5m make bench
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"syscall"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/ktriage/ktriage/hack/testenv"
)

type config struct {
	nodes, pods, runs int
	idle              time.Duration
	kubeconfig        string // an already running, already populated cluster; "" starts one
	bin               string // where ktriage, bench-floor, populate and the testenv's kubectl are
	kubectl           string
	out               string // a JSON copy of the results; "" writes none
}

func main() {
	var c config
	flag.IntVar(&c.nodes, "nodes", envInt("BENCH_NODES", 1000), "kwok nodes (BENCH_NODES)")
	flag.IntVar(&c.pods, "pods", envInt("BENCH_PODS", 30000), "pods (BENCH_PODS)")
	flag.IntVar(&c.runs, "runs", envInt("BENCH_RUNS", 3), "measured runs of each client (BENCH_RUNS)")
	flag.DurationVar(&c.idle, "idle", envDuration("BENCH_IDLE", 5*time.Minute), "how long ktriage idles while its requests are counted (BENCH_IDLE)")
	flag.StringVar(&c.kubeconfig, "kubeconfig", os.Getenv("BENCH_KUBECONFIG"), "measure this running cluster instead of starting and populating one (BENCH_KUBECONFIG)")
	flag.StringVar(&c.bin, "bin", "bin", "folder of the ktriage, bench-floor and populate binaries")
	flag.StringVar(&c.out, "out", os.Getenv("BENCH_OUT"), "also write the results as JSON to this file (BENCH_OUT)")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, c); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, c config) error {
	binDir, err := testenv.BinDir()
	if err != nil {
		return err
	}
	c.kubectl = filepath.Join(binDir, "kubectl")
	if _, err := os.Stat(c.kubectl); err != nil {
		return fmt.Errorf("kubectl is missing (%v): run `make testenv`", err)
	}
	work, err := os.MkdirTemp("", "ktriage-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	if c.kubeconfig == "" {
		env, err := startCluster(ctx, c)
		if err != nil {
			return err
		}
		defer env.Stop()
		c.kubeconfig = env.AdminKubeconfig
	}
	client, err := adminClient(c.kubeconfig)
	if err != nil {
		return err
	}
	res := results{Nodes: c.nodes, Pods: c.pods, Runs: c.runs, CPUs: runtime.NumCPU()}
	// One unmeasured list warms the API server's caches, so the first measured client is not
	// charged for them.
	if _, _, _, err := runMeasured(filepath.Join(c.bin, "bench-floor"), "--kubeconfig", c.kubeconfig); err != nil {
		return err
	}
	for i := range c.runs {
		r, err := measureRun(ctx, c, work, i)
		if err != nil {
			return err
		}
		res.Each = append(res.Each, r)
		fmt.Printf("bench: run %d: %s\n", i+1, r)
	}
	if c.idle > 0 {
		if res.Idle, err = measureIdleAndStorm(ctx, c, client, work); err != nil {
			return err
		}
	}
	res.summarise()
	res.print(os.Stdout)
	if c.out != "" {
		data, _ := json.MarshalIndent(res, "", "  ")
		return os.WriteFile(c.out, append(data, '\n'), 0o644)
	}
	return nil
}

// startCluster starts a control plane with kwok (no controller manager or scheduler: populate
// binds every pod itself, and they would only add noise) and fills it.
func startCluster(ctx context.Context, c config) (*testenv.Env, error) {
	opts := testenv.DefaultOptions()
	opts.ControllerManager, opts.Scheduler = false, false
	opts.Logf = func(format string, a ...any) { fmt.Printf("bench: testenv: "+format+"\n", a...) }
	startCtx, cancel := context.WithTimeout(ctx, 4*time.Minute)
	defer cancel()
	env, err := testenv.New(startCtx, opts)
	if err != nil {
		return nil, fmt.Errorf("start the test control plane: %w", err)
	}
	fmt.Printf("bench: populating %d nodes and %d pods\n", c.nodes, c.pods)
	cmd := exec.CommandContext(ctx, filepath.Join(c.bin, "populate"), "--kubeconfig", env.AdminKubeconfig,
		"--nodes", fmt.Sprint(c.nodes), "--pods", fmt.Sprint(c.pods))
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		env.Stop()
		return nil, fmt.Errorf("populate: %w", err)
	}
	return env, nil
}

func adminClient(kubeconfig string) (kubernetes.Interface, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return nil, err
	}
	cfg.QPS, cfg.Burst = 2000, 2000
	cfg.ContentType = "application/vnd.kubernetes.protobuf"
	return kubernetes.NewForConfig(cfg)
}
