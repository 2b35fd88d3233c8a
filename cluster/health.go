package cluster

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// ConnPhase is the state of the connection to the API server.
type ConnPhase int

const (
	// ConnSyncing: the informers are still doing their initial list.
	ConnSyncing ConnPhase = iota
	// ConnLive: synced, and the last request to the API server succeeded.
	ConnLive
	// ConnReconnecting: the last request failed; client-go keeps retrying with backoff and the data shown
	// is what was known before the failure.
	ConnReconnecting
)

// String names the phase as the header shows it.
func (p ConnPhase) String() string {
	switch p {
	case ConnLive:
		return "live"
	case ConnReconnecting:
		return "reconnecting"
	}
	return "syncing"
}

// ConnState is the connection health carried by each snapshot.
type ConnState struct {
	Phase ConnPhase
	// LastError is the most recent failure talking to the API server, kept while reconnecting or
	// syncing; empty once live.
	LastError string
	// Since is when the phase began.
	Since time.Time
}

// Health watches the outcome of every request the client makes, which is how ktriage notices an
// outage without polling: a reflector whose watch breaks retries on its own (quietly, with backoff),
// and each retry passes through this transport. The first failure switches to reconnecting; the first
// success after it switches back.
type Health struct {
	mu       sync.Mutex
	failing  bool
	lastErr  string
	since    time.Time
	now      func() time.Time
	onChange func()
}

// NewHealth returns a tracker that starts out healthy.
func NewHealth(now func() time.Time) *Health {
	if now == nil {
		now = time.Now
	}
	return &Health{now: now, since: now()}
}

// WrapTransport observes requests made through rt. It fits rest.Config.WrapTransport.
func (h *Health) WrapTransport(rt http.RoundTripper) http.RoundTripper {
	return roundTripperFunc(func(req *http.Request) (*http.Response, error) {
		resp, err := rt.RoundTrip(req)
		switch {
		case err != nil && (errors.Is(err, context.Canceled) || req.Context().Err() != nil):
			// Our own cancellation (leaving a view, shutting down) says nothing about the server.
		case err != nil:
			h.Observe(err)
		case resp.StatusCode >= http.StatusInternalServerError:
			h.Observe(fmt.Errorf("%s %s: the API server answered %s", req.Method, req.URL.Path, resp.Status))
		default:
			h.Observe(nil)
		}
		return resp, err
	})
}

// Observe records the outcome of one request; nil means the server answered.
func (h *Health) Observe(err error) {
	h.mu.Lock()
	changed := (err != nil) != h.failing || (err != nil && err.Error() != h.lastErr)
	if (err != nil) != h.failing {
		h.since = h.now()
	}
	h.failing = err != nil
	if err != nil {
		h.lastErr = err.Error()
	}
	notify := h.onChange
	h.mu.Unlock()
	if changed && notify != nil {
		notify()
	}
}

// state returns whether requests are failing, the last error and since when.
func (h *Health) state() (failing bool, lastErr string, since time.Time) {
	if h == nil {
		return false, "", time.Time{}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.failing, h.lastErr, h.since
}

// setOnChange registers the callback run (outside the lock) whenever the health changes.
func (h *Health) setOnChange(f func()) {
	if h == nil {
		return
	}
	h.mu.Lock()
	h.onChange = f
	h.mu.Unlock()
}

type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }
