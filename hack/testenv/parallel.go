package testenv

import (
	"context"

	"golang.org/x/sync/errgroup"
)

// parallel runs fn for 0…n-1 with at most workers at once and returns the first error.
func parallel(ctx context.Context, n, workers int, fn func(context.Context, int) error) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for i := range n {
		g.Go(func() error { return fn(ctx, i) })
	}
	return g.Wait()
}
