package cluster

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// Collect takes one synced snapshot of the cluster and stops watching: what `ktriage check` and
// `ktriage report` read. It asks the server's version first so the version-skew rule has it. It fails
// when ctx ends before the initial lists are done, naming the last connection error.
func Collect(ctx context.Context, client *Client, opts Options) (*Snapshot, error) {
	if opts.ServerVersion == "" {
		if info, err := client.Kube.Discovery().ServerVersion(); err == nil {
			opts.ServerVersion = info.GitVersion
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		once sync.Once
		mu   sync.Mutex
		last ConnState
	)
	got := make(chan *Snapshot, 1)
	w := NewWatcher(client, opts, func(s *Snapshot) {
		mu.Lock()
		last = s.Conn
		mu.Unlock()
		if s.Synced {
			once.Do(func() { got <- s })
		}
	})
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	select {
	case s := <-got:
		return s, nil
	case <-ctx.Done():
		mu.Lock()
		defer mu.Unlock()
		if last.LastError != "" {
			return nil, fmt.Errorf("could not read the cluster: %s", last.LastError)
		}
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, errors.New("could not read the cluster: timed out listing nodes, pods and events")
		}
		return nil, ctx.Err()
	}
}
