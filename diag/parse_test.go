package diag

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestParsePLEG(t *testing.T) {
	cases := []struct {
		msg       string
		last, thr time.Duration
		ok        bool
	}{
		{fxMsgPLEG, 3*time.Minute + 12500*time.Millisecond, 3 * time.Minute, true},
		{fxMsgPLEGBoth, 58*time.Hour + 29*time.Minute + 3043779855*time.Nanosecond, 3 * time.Minute, true},
		{fxLogPLEG, 58*time.Hour + 29*time.Minute + 3043779855*time.Nanosecond, 3 * time.Minute, true},
		{"PLEG is not healthy: pleg was last seen active 1h0m5s ago; threshold is 3m0s", time.Hour + 5*time.Second, 3 * time.Minute, true},
		{"PLEG is not healthy: pleg was last seen active 250ms ago; threshold is 3m0s", 250 * time.Millisecond, 3 * time.Minute, true},
		// Seed 004 quotes the log line with a full stop after the threshold.
		{"skipping pod synchronization - PLEG is not healthy: pleg was last seen active 3m57.138893648s ago; threshold is 3m0s.",
			3*time.Minute + 57138893648*time.Nanosecond, 3 * time.Minute, true},
		{fxMsgPLEGYet, 0, 0, false},
		{"container runtime is down", 0, 0, false},
		{"", 0, 0, false},
	}
	for _, c := range cases {
		last, thr, ok := ParsePLEG(c.msg)
		if ok != c.ok || last != c.last || thr != c.thr {
			t.Errorf("ParsePLEG(%q) = %v, %v, %v; want %v, %v, %v", c.msg, last, thr, ok, c.last, c.thr, c.ok)
		}
	}
}

func TestParseVersion(t *testing.T) {
	cases := []struct {
		in   string
		want version
		ok   bool
	}{
		{"v1.12.10", version{1, 12, 10}, true},
		{"v1.28.3-eks-abc", version{1, 28, 3}, true},
		{"v1.27.4+k3s1", version{1, 27, 4}, true},
		{"v1.30.4-gke.1348000", version{1, 30, 4}, true},
		{"1.30", version{1, 30, 0}, true},
		{"v1.9.11", version{1, 9, 11}, true},
		{"", version{}, false},
		{"unknown", version{}, false},
	}
	for _, c := range cases {
		got, ok := parseVersion(c.in)
		if ok != c.ok || got != c.want {
			t.Errorf("parseVersion(%q) = %+v, %v; want %+v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
	for _, c := range []struct {
		v, server version
		behind    int
	}{
		{version{1, 28, 3}, version{1, 32, 1}, 4},
		{version{1, 28, 3}, version{1, 31, 0}, 3},
		{version{1, 31, 0}, version{1, 30, 4}, -1},
		{version{1, 30, 0}, version{1, 30, 9}, 0},
	} {
		if got := c.v.minorsBehind(c.server); got != c.behind {
			t.Errorf("%+v.minorsBehind(%+v) = %d, want %d", c.v, c.server, got, c.behind)
		}
	}
	if !(version{1, 13, 12}).lessThan(1, 14) || (version{1, 14, 0}).lessThan(1, 14) || (version{2, 0, 0}).lessThan(1, 14) {
		t.Error("lessThan(1, 14) wrong around 1.14")
	}
}

func TestCIDRAddresses(t *testing.T) {
	cases := []struct {
		cidr string
		n    int
		ok   bool
	}{
		{"10.244.1.0/24", 253, true},
		{"10.244.3.0/25", 125, true},
		{"10.244.3.0/26", 61, true},
		{"10.244.3.0/29", 5, true},
		{"10.244.3.0/30", 1, true}, // network, broadcast and gateway leave one
		{"10.0.0.0/8", 1 << 24, true},
		{"fd00:10:244:1::/64", 1 << 24, true},
		{"not-a-cidr", 0, false},
		{"", 0, false},
	}
	for _, c := range cases {
		n, ok := cidrAddresses(c.cidr)
		if n != c.n || ok != c.ok {
			t.Errorf("cidrAddresses(%q) = %d, %v; want %d, %v", c.cidr, n, ok, c.n, c.ok)
		}
	}
}

func TestKernel310(t *testing.T) {
	for k, want := range map[string]bool{
		"3.10.0-957.el7.x86_64":          true,
		"3.10.0-1160.108.1.el7.x86_64":   true,
		"3.100.0":                        false,
		"4.3.10-1":                       false,
		"5.15.0-1051-aws":                false,
		"4.18.0-513.5.1.el8_9.x86_64":    false,
		"6.1.0-18-cloud-amd64 3.10.0 x ": false,
	} {
		if got := kernel310.MatchString(k); got != want {
			t.Errorf("kernel310(%q) = %v, want %v", k, got, want)
		}
	}
}

func TestHeartbeat(t *testing.T) {
	lease := fxLease(50 * time.Second)
	last, fromLease, valid := LastHeartbeat(lease, fxNow.Add(-time.Minute))
	if !last.Equal(fxNow.Add(-50*time.Second)) || !fromLease || valid != 40*time.Second {
		t.Errorf("LastHeartbeat(lease) = %v, %v, %v", last, fromLease, valid)
	}
	last, fromLease, valid = LastHeartbeat(nil, fxNow.Add(-time.Minute))
	if !last.Equal(fxNow.Add(-time.Minute)) || fromLease || valid != 40*time.Second {
		t.Errorf("LastHeartbeat(nil) = %v, %v, %v", last, fromLease, valid)
	}
	long := int32(120)
	lease.Spec.LeaseDurationSeconds = &long
	if _, _, valid := LastHeartbeat(lease, time.Time{}); valid != 2*time.Minute {
		t.Errorf("lease duration 120s read as %v", valid)
	}
	cases := []struct {
		ago       time.Duration
		fromLease bool
		stale     bool
	}{
		{39 * time.Second, true, false},
		{41 * time.Second, true, true},
		{5 * time.Minute, false, false},
		{5*time.Minute + 41*time.Second, false, true},
	}
	for _, c := range cases {
		if got := HeartbeatStale(fxNow.Add(-c.ago), c.fromLease, 40*time.Second, fxNow); got != c.stale {
			t.Errorf("HeartbeatStale(%v ago, lease %v) = %v", c.ago, c.fromLease, got)
		}
	}
	if HeartbeatStale(time.Time{}, true, 40*time.Second, fxNow) {
		t.Error("no heartbeat at all counted as stale")
	}
}

func TestEventTimesAndCounts(t *testing.T) {
	e := fxNodeEvent(corev1.EventTypeWarning, "Rebooted", fxRebooted, 10*time.Minute, 1)
	if got := EventLastSeen(e); !got.Equal(fxNow.Add(-10 * time.Minute)) {
		t.Errorf("lastTimestamp: %v", got)
	}
	e.Series = &corev1.EventSeries{Count: 7, LastObservedTime: metav1.NewMicroTime(fxNow.Add(-time.Minute))}
	if got := EventLastSeen(e); !got.Equal(fxNow.Add(-time.Minute)) || EventCount(e) != 7 {
		t.Errorf("series: %v ×%d", got, EventCount(e))
	}
	e = &corev1.Event{EventTime: metav1.NewMicroTime(fxNow.Add(-2 * time.Minute))}
	if got := EventLastSeen(e); !got.Equal(fxNow.Add(-2*time.Minute)) || EventCount(e) != 1 {
		t.Errorf("eventTime: %v ×%d", got, EventCount(e))
	}
	// An events.k8s.io event from an hour and a half ago is history.
	ev := fxHealthy()
	old := fxNodeEvent(corev1.EventTypeWarning, "Rebooted", fxRebooted, 0, 1)
	old.LastTimestamp, old.FirstTimestamp = metav1.Time{}, metav1.Time{}
	old.EventTime = metav1.NewMicroTime(fxNow.Add(-90 * time.Minute))
	ev.Events = append(ev.Events, old)
	fxAbsent(t, Diagnose(ev), IDNodeRebooted)
	old.EventTime = metav1.NewMicroTime(fxNow.Add(-9 * time.Minute))
	fxRequire(t, Diagnose(ev), IDNodeRebooted)
}
