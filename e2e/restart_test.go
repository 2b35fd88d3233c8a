package e2e

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ktriage/ktriage/hack/testenv"
)

// An API server outage and recovery, as ktriage's reconnect handling will be tested against: the
// server goes away, clients fail, it comes back on the same address with the same data.
func TestAPIServerCanBeStoppedAndRestartedWithItsData(t *testing.T) {
	env := testenv.Start(t, func(o *testenv.Options) { o.Scheduler = false })
	ctx := testContext(t, 2*time.Minute)
	names, err := env.CreateKwokNodes(ctx, "restart", 1)
	if err != nil {
		t.Fatal(err)
	}

	env.StopAPIServer()
	if _, err := env.Client.CoreV1().Nodes().Get(ctx, names[0], metav1.GetOptions{}); err == nil {
		t.Fatal("the API server answered while stopped")
	}

	if err := env.StartAPIServer(ctx); err != nil {
		t.Fatalf("restart: %v", err)
	}
	if _, err := env.Client.CoreV1().Nodes().Get(ctx, names[0], metav1.GetOptions{}); err != nil {
		t.Fatalf("node created before the outage is gone after it: %v", err)
	}
	// kwok reconnects by itself and keeps the node's lease fresh.
	if err := env.WaitForNodeReady(ctx, names[0]); err != nil {
		t.Fatal(err)
	}
}
