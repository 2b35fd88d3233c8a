package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ktriageRun is ktriage running in a tmux pane of a real terminal size, as a person would run it.
type ktriageRun struct {
	socket  string
	pid     int
	report  string
	started time.Time
}

// probeRecord is what ktriage writes to KTRIAGE_BENCH_REPORT (cmd/ktriage/bench_probe.go).
type probeRecord struct {
	FirstTable *struct {
		Nodes      int   `json:"nodes"`
		Pods       int   `json:"pods"`
		AtUnixNano int64 `json:"atUnixNano"`
	} `json:"firstTable"`
	Snapshots    int `json:"snapshots"`
	MaxPerSecond int `json:"maxPerSecond"`
}

// startKtriage opens ktriage on the cluster in a 200×50 tmux pane. Its audit log and its own log go
// to dir, so a benchmark never writes to the person's state directory.
func startKtriage(bin, kubeconfig, dir string, n int) (*ktriageRun, error) {
	r := &ktriageRun{socket: fmt.Sprintf("ktriage-bench-%d-%d", os.Getpid(), n), report: filepath.Join(dir, fmt.Sprintf("probe-%d.json", n))}
	_ = os.Remove(r.report)
	command := fmt.Sprintf("exec env KTRIAGE_BENCH_REPORT=%q XDG_STATE_HOME=%q %q --kubeconfig %q --log-file %q",
		r.report, dir, bin, kubeconfig, filepath.Join(dir, fmt.Sprintf("ktriage-%d.log", n)))
	r.started = time.Now()
	if err := r.tmux("new-session", "-d", "-s", "bench", "-x", "200", "-y", "50", command); err != nil {
		return nil, err
	}
	out, err := exec.Command("tmux", "-L", r.socket, "display-message", "-p", "-t", "bench", "#{pane_pid}").Output()
	if err != nil {
		r.stop()
		return nil, fmt.Errorf("tmux: find ktriage's pid: %w", err)
	}
	r.pid, err = strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		r.stop()
		return nil, fmt.Errorf("tmux: pane pid %q", out)
	}
	return r, nil
}

func (r *ktriageRun) tmux(args ...string) error {
	out, err := exec.Command("tmux", append([]string{"-L", r.socket}, args...)...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("tmux %s: %v: %s", args[0], err, out)
	}
	return nil
}

// probe reads ktriage's latest record; ok is false until it has written one.
func (r *ktriageRun) probe() (rec probeRecord, ok bool) {
	data, err := os.ReadFile(r.report)
	if err != nil || json.Unmarshal(data, &rec) != nil {
		return rec, false
	}
	return rec, true
}

// waitFirstTable waits for the first complete node table and returns the time from the start of
// the process to it, with the counts it showed.
func (r *ktriageRun) waitFirstTable(limit time.Duration) (time.Duration, int, int, error) {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if rec, ok := r.probe(); ok && rec.FirstTable != nil {
			at := time.Unix(0, rec.FirstTable.AtUnixNano)
			return at.Sub(r.started), rec.FirstTable.Nodes, rec.FirstTable.Pods, nil
		}
		if !r.alive() {
			return 0, 0, 0, fmt.Errorf("ktriage exited before it showed the table; screen:\n%s", r.screen())
		}
		time.Sleep(10 * time.Millisecond)
	}
	return 0, 0, 0, fmt.Errorf("no complete node table within %s; screen:\n%s", limit, r.screen())
}

func (r *ktriageRun) alive() bool {
	_, err := os.Stat(fmt.Sprintf("/proc/%d", r.pid))
	return err == nil
}

// screen captures the pane's text.
func (r *ktriageRun) screen() string {
	out, _ := exec.Command("tmux", "-L", r.socket, "capture-pane", "-p", "-t", "bench").Output()
	return string(out)
}

// selectedLine finds the footer's status line, which names the node under the cursor ("name ·
// Ready · …"); a snapshot arriving meanwhile changes other lines but not which node it names.
var selectedLine = regexp.MustCompile(`(?m)^(\S+) · `)

func selectedNode(screen string) string {
	m := selectedLine.FindAllStringSubmatch(screen, -1)
	if len(m) == 0 {
		return ""
	}
	return m[len(m)-1][1]
}

// keyLatency presses key and measures how long until the cursor is seen on another node.
func (r *ktriageRun) keyLatency(key string, limit time.Duration) (time.Duration, error) {
	before := selectedNode(r.screen())
	if before == "" {
		return 0, fmt.Errorf("no node under the cursor; screen:\n%s", r.screen())
	}
	start := time.Now()
	if err := r.tmux("send-keys", "-t", "bench", key); err != nil {
		return 0, err
	}
	for time.Since(start) < limit {
		if now := selectedNode(r.screen()); now != before && now != "" {
			return time.Since(start), nil
		}
		time.Sleep(2 * time.Millisecond)
	}
	return 0, fmt.Errorf("the cursor did not move within %s of pressing %q", limit, key)
}

// quit presses q, waits for ktriage to exit and returns its final probe record.
func (r *ktriageRun) quit() (probeRecord, error) {
	defer r.stop()
	if err := r.tmux("send-keys", "-t", "bench", "q"); err != nil {
		return probeRecord{}, err
	}
	for start := time.Now(); time.Since(start) < 20*time.Second; time.Sleep(20 * time.Millisecond) {
		if !r.alive() {
			rec, _ := r.probe()
			return rec, nil
		}
	}
	return probeRecord{}, errors.New("ktriage did not exit within 20 s of q")
}

func (r *ktriageRun) stop() { _ = exec.Command("tmux", "-L", r.socket, "kill-server").Run() }
