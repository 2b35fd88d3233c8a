package e2e

// These tests run `ktriage check` and `ktriage report` — the built binary — against the incident
// fixtures of diag_fixtures_test.go on the real control plane: every catalogue rule must fire on
// the node built for it, with the evidence planted there, in the documented JSON schema; the exit
// codes must say what --fail-on promises; the read-only user must be able to run it; and the report
// must carry the same evidence.

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ktriage/ktriage/diag"
	"github.com/ktriage/ktriage/hack/testenv"
)

// checkOutput is `ktriage check -o json` as documented: {cluster, generatedAt, nodes:[{name, status,
// findings:[{id, severity, title, evidence[], why, nextSteps[{text,command,onNode}], actions[{kind,
// label,...}], related[], pods[]}]}]}. It is declared here, not borrowed from package report, so the
// test pins the schema rather than whatever the code happens to write.
type checkOutput struct {
	Cluster     string      `json:"cluster"`
	GeneratedAt time.Time   `json:"generatedAt"`
	Nodes       []checkNode `json:"nodes"`
}

type checkNode struct {
	Name     string         `json:"name"`
	Status   string         `json:"status"`
	Findings []checkFinding `json:"findings"`
}

type checkFinding struct {
	ID        string   `json:"id"`
	Severity  string   `json:"severity"`
	Title     string   `json:"title"`
	Evidence  []string `json:"evidence"`
	Why       string   `json:"why"`
	NextSteps []struct {
		Text    string `json:"text"`
		Command string `json:"command"`
		OnNode  bool   `json:"onNode"`
	} `json:"nextSteps"`
	Actions []struct {
		Kind  string `json:"kind"`
		Label string `json:"label"`
	} `json:"actions"`
	Related []string `json:"related"`
	Pods    []string `json:"pods"`
}

func (c checkOutput) node(name string) *checkNode {
	for i := range c.Nodes {
		if c.Nodes[i].Name == name {
			return &c.Nodes[i]
		}
	}
	return nil
}

func (n *checkNode) finding(id string) *checkFinding {
	for i := range n.Findings {
		if n.Findings[i].ID == id {
			return &n.Findings[i]
		}
	}
	return nil
}

// dump renders a node's findings for a failure message: what check actually said.
func (n *checkNode) dump() string {
	var b strings.Builder
	fmt.Fprintf(&b, "node %s (%s), %d findings:", n.Name, n.Status, len(n.Findings))
	for _, f := range n.Findings {
		fmt.Fprintf(&b, "\n  %s %s: %s", f.Severity, f.ID, f.Title)
		for _, e := range f.Evidence {
			fmt.Fprintf(&b, "\n      evidence: %s", e)
		}
	}
	return b.String()
}

// decodeCheck parses check's JSON output, failing the test when it is not JSON.
func decodeCheck(t *testing.T, res cliResult) checkOutput {
	t.Helper()
	var out checkOutput
	dec := json.NewDecoder(strings.NewReader(res.stdout))
	if err := dec.Decode(&out); err != nil {
		t.Fatalf("check -o json printed something that is not the JSON report (%v); exit %d\nstdout:\n%s\nstderr:\n%s", err, res.code, res.stdout, res.stderr)
	}
	if dec.More() {
		t.Errorf("check -o json printed more than one JSON document:\n%s", res.stdout)
	}
	return out
}

// expectTroubleExit checks a run that could not do what was asked: exit 2, nothing on stdout, and
// one line on stderr starting "ktriage: " that mentions each of mentions, without logs or traces.
func expectTroubleExit(t *testing.T, res cliResult, mentions ...string) {
	t.Helper()
	if res.code != 2 {
		t.Errorf("exit status %d, want 2; stdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
	}
	if res.stdout != "" {
		t.Errorf("stdout is %q, want nothing", res.stdout)
	}
	lines := strings.Split(strings.TrimSuffix(res.stderr, "\n"), "\n")
	if len(lines) != 1 || !strings.HasSuffix(res.stderr, "\n") || !strings.HasPrefix(res.stderr, "ktriage: ") {
		t.Errorf("stderr is not one line starting with \"ktriage: \":\n%s", res.stderr)
	}
	if klogLine.MatchString(res.stderr) || strings.Contains(res.stderr, "goroutine") || strings.Contains(res.stderr, "panic") {
		t.Errorf("stderr carries logs or a trace:\n%s", res.stderr)
	}
	for _, m := range mentions {
		if !strings.Contains(res.stderr, m) {
			t.Errorf("stderr %q does not mention %q", strings.TrimSpace(res.stderr), m)
		}
	}
	t.Logf("exit %d after %s: %s", res.code, res.elapsed.Round(time.Millisecond), strings.TrimSpace(res.stderr))
}

// TestCheckReportsEveryCatalogueIncident builds one incident fixture per catalogue rule and runs
// the ktriage binary over them: check -o json (per-rule findings, planted evidence, the schema),
// --fail-on exit codes, the read-only user, and report.
func TestCheckReportsEveryCatalogueIncident(t *testing.T) {
	env := testenv.Shared(t)
	// Build the binary first: the fixtures' ages ("evicted 4m ago") hold only if check runs at once.
	ktriageBinary(t)

	// Every rule ktriage has is covered by exactly one fixture, and nothing else.
	var covered []string
	for _, inc := range incidents {
		covered = append(covered, inc.id)
	}
	if want := diag.RuleIDs(); !slices.Equal(covered, want) {
		t.Fatalf("fixtures cover %v,\nthe catalogue has %v", covered, want)
	}

	run := createIncidents(t, env)
	checked := append(slices.Clone(run.nodeNames), run.healthy)
	admin := []string{"--kubeconfig", env.AdminKubeconfig}
	res := runKtriage(t, 2*time.Minute, append(admin, append([]string{"check", "-o", "json"}, checked...)...)...)
	t.Logf("check -o json over %d nodes: exit %d in %s", len(checked), res.code, res.elapsed.Round(time.Millisecond))
	if res.code != 0 {
		t.Fatalf("check -o json without --fail-on exited %d, want 0; stderr:\n%s", res.code, res.stderr)
	}
	out := decodeCheck(t, res)

	t.Run("schema", func(t *testing.T) {
		checkSchema(t, res.stdout, out, checked)
	})

	t.Run("findings", func(t *testing.T) {
		for _, inc := range incidents {
			t.Run(inc.id, func(t *testing.T) { expectFixtureFindings(t, out, run.nodes[inc.name], inc) })
		}
	})

	t.Run("variants", func(t *testing.T) {
		for _, inc := range variants {
			t.Run(inc.name, func(t *testing.T) { expectFixtureFindings(t, out, run.nodes[inc.name], inc) })
		}
	})

	t.Run("healthy kwok node", func(t *testing.T) {
		n := out.node(run.healthy)
		if n == nil {
			t.Fatalf("the healthy node %s is missing from the output", run.healthy)
		}
		if n.Status != "Ready" {
			t.Errorf("healthy node status %q, want Ready", n.Status)
		}
		for _, f := range n.Findings {
			if f.Severity == "critical" {
				t.Errorf("the healthy kwok node has a critical finding\n%s", n.dump())
				break
			}
		}
	})

	t.Run("fail-on", func(t *testing.T) {
		pleg, cordoned, skew := run.nodeName("pleg"), run.nodeName("cordoned"), run.nodeName("skew")

		res := runKtriage(t, time.Minute, append(admin, "check", pleg, "-o", "json", "--fail-on", "critical")...)
		if res.code != 1 {
			t.Errorf("--fail-on critical on the PLEG node: exit %d, want 1; stderr:\n%s", res.code, res.stderr)
		}
		if got := decodeCheck(t, res); len(got.Nodes) != 1 || got.Nodes[0].finding("pleg-unhealthy") == nil {
			t.Errorf("--fail-on critical still prints the report: got %+v", got.Nodes)
		}
		if lines := strings.Split(strings.TrimSpace(res.stderr), "\n"); len(lines) != 1 || !strings.HasPrefix(lines[0], "ktriage: ") || !strings.Contains(lines[0], "critical") {
			t.Errorf("stderr after --fail-on critical tripped: %q, want one line naming the threshold", res.stderr)
		}

		// cordoned is info, the version skew a warning: nothing critical on these two.
		res = runKtriage(t, time.Minute, append(admin, "check", cordoned, skew, "-o", "json", "--fail-on", "critical")...)
		if res.code != 0 {
			got := decodeCheck(t, res)
			var dumps []string
			for i := range got.Nodes {
				dumps = append(dumps, got.Nodes[i].dump())
			}
			t.Errorf("--fail-on critical on nodes with only info and warning findings: exit %d, want 0; stderr %q\n%s",
				res.code, res.stderr, strings.Join(dumps, "\n"))
		}
		res = runKtriage(t, time.Minute, append(admin, "check", cordoned, skew, "--fail-on", "warning")...)
		if res.code != 1 {
			t.Errorf("--fail-on warning with a warning finding present: exit %d, want 1; stderr:\n%s", res.code, res.stderr)
		}
		if !strings.Contains(res.stdout, "kubelet-version-skew") || !strings.Contains(res.stdout, "cordoned") {
			t.Errorf("the table output lacks the findings:\n%s", res.stdout)
		}

		res = runKtriage(t, time.Minute, append(admin, "check", cordoned, "--fail-on", "severe")...)
		expectTroubleExit(t, res, "--fail-on", "severe")

		res = runKtriage(t, time.Minute, append(admin, "check", "-o", "yaml", cordoned)...)
		expectTroubleExit(t, res, "yaml")

		missing := run.prefix + "-no-such-node"
		res = runKtriage(t, time.Minute, append(admin, "check", "-o", "json", cordoned, missing)...)
		expectTroubleExit(t, res, missing, "not found")

		res = runKtriage(t, time.Minute, append(admin, "report", missing, "--out", t.TempDir())...)
		expectTroubleExit(t, res, missing, "not found")
	})

	t.Run("read-only user", func(t *testing.T) {
		res := runKtriage(t, 2*time.Minute, append([]string{"--kubeconfig", env.ReadOnlyKubeconfig, "check", "-o", "json"}, checked...)...)
		t.Logf("read-only check: exit %d in %s", res.code, res.elapsed.Round(time.Millisecond))
		if res.code != 0 && res.code != 1 {
			t.Fatalf("read-only check exited %d, want 0 or 1; stderr:\n%s", res.code, res.stderr)
		}
		ro := decodeCheck(t, res)
		if ro.Cluster != testenv.ReadOnlyContext {
			t.Errorf("cluster %q, want the read-only context %q", ro.Cluster, testenv.ReadOnlyContext)
		}
		if len(ro.Nodes) != len(checked) {
			t.Fatalf("read-only check reported %d nodes, want %d", len(ro.Nodes), len(checked))
		}
		total := 0
		for _, inc := range incidents {
			n := ro.node(run.nodeName(inc.name))
			if n == nil {
				t.Errorf("node of fixture %q missing for the read-only user", inc.name)
				continue
			}
			total += len(n.Findings)
			// The read-only user may not read Leases; every rule still fires from what it may read.
			if n.finding(inc.id) == nil {
				t.Errorf("read-only user: fixture %q lacks %s\n%s", inc.name, inc.id, n.dump())
			}
		}
		if total == 0 {
			t.Error("the read-only user sees no findings at all")
		}
	})

	t.Run("report", func(t *testing.T) {
		f := run.nodes["podip"]
		dir := filepath.Join(t.TempDir(), "incident-4711")
		res := runKtriage(t, time.Minute, append(admin, "report", f.node.Name, "--out", dir)...)
		if res.code != 0 {
			t.Fatalf("report exited %d; stderr:\n%s", res.code, res.stderr)
		}
		files, err := filepath.Glob(filepath.Join(dir, "*.md"))
		if err != nil || len(files) != 1 {
			t.Fatalf("report wrote %v (%v) into %s, want one Markdown file", files, err, dir)
		}
		if !strings.Contains(res.stdout, files[0]) {
			t.Errorf("report printed %q, want the path it wrote, %s", res.stdout, files[0])
		}
		raw, err := os.ReadFile(files[0])
		if err != nil {
			t.Fatal(err)
		}
		md := string(raw)
		rangeSet := cidrHost(f.node, 1) + "-" + cidrHost(f.node, 126)
		for _, want := range []string{
			"# Triage report: node " + f.node.Name,
			"## Summary", "## Conditions", "## Findings", "## Recent warning events", "## Failing pods", "## Actions taken (audit log)",
			"### CRITICAL `pod-ip-exhausted`",
			"no IP addresses available in range set: " + rangeSet,
			"| Pod CIDR | " + f.node.Spec.PodCIDR + " |",
		} {
			if !strings.Contains(md, want) {
				t.Errorf("the report lacks %q", want)
			}
		}
		if t.Failed() {
			t.Logf("report %s:\n%s", files[0], md)
		}
	})
}

// expectFixtureFindings checks what check said about one fixture's node: the expected finding with
// its severity and planted evidence, the node's status, and none of the findings ruled out.
func expectFixtureFindings(t *testing.T, out checkOutput, f *fixture, inc incident) {
	t.Helper()
	n := out.node(f.node.Name)
	if n == nil {
		t.Fatalf("node %s (fixture %q) is missing from the output", f.node.Name, inc.name)
	}
	if inc.status != "" && n.Status != inc.status {
		t.Errorf("node status %q, want %q", n.Status, inc.status)
	}
	for _, id := range inc.absent {
		if n.finding(id) != nil {
			t.Errorf("fixture %q: %s is reported, and must not be\n%s", inc.name, id, n.dump())
		}
	}
	if inc.id == "" {
		if len(n.Findings) > 0 {
			t.Errorf("fixture %q: want no findings\n%s", inc.name, n.dump())
		}
		return
	}
	got := n.finding(inc.id)
	if got == nil {
		t.Fatalf("fixture %q: no %s finding\n%s", inc.name, inc.id, n.dump())
	}
	if inc.severity != "" && got.Severity != inc.severity {
		t.Errorf("%s has severity %q, want %q", inc.id, got.Severity, inc.severity)
	}
	evidence := strings.Join(got.Evidence, "\n")
	messages, wants := f.expected()
	for _, msg := range messages {
		if !quotes(evidence, msg) {
			t.Errorf("the %s evidence does not quote the planted message %q\n%s", inc.id, msg, n.dump())
		}
	}
	for _, want := range wants {
		if !strings.Contains(evidence, want) {
			t.Errorf("the %s evidence lacks %q\n%s", inc.id, want, n.dump())
		}
	}
	if got.Title == "" || got.Why == "" {
		t.Errorf("%s has no title or no explanation: %+v", inc.id, got)
	}
}

// checkSchema checks the raw JSON has every documented field, with the documented types, and that
// the typed view agrees with the run.
func checkSchema(t *testing.T, raw string, out checkOutput, checked []string) {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal([]byte(raw), &doc); err != nil {
		t.Fatal(err)
	}
	requireKeys(t, "the report", doc, "cluster", "generatedAt", "nodes")
	if out.Cluster != testenv.AdminContext {
		t.Errorf("cluster %q, want the kubeconfig context %q", out.Cluster, testenv.AdminContext)
	}
	if age := time.Since(out.GeneratedAt); age < 0 || age > 5*time.Minute {
		t.Errorf("generatedAt %s is not the time of the run", out.GeneratedAt)
	}
	var names []string
	for _, n := range out.Nodes {
		names = append(names, n.Name)
	}
	if !slices.Equal(names, checked) {
		t.Errorf("nodes %v, want the ones named, in order: %v", names, checked)
	}
	nodes, _ := doc["nodes"].([]any)
	seen := map[string]bool{}
	for _, rn := range nodes {
		node, _ := rn.(map[string]any)
		requireKeys(t, "a node", node, "name", "status", "findings")
		if _, ok := node["findings"].([]any); !ok {
			t.Errorf("node %v: findings is %s, want an array (empty when healthy)", node["name"], jsonKind(node["findings"]))
		}
		findings, _ := node["findings"].([]any)
		for _, rf := range findings {
			f, _ := rf.(map[string]any)
			where := fmt.Sprintf("finding %v on %v", f["id"], node["name"])
			requireKeys(t, where, f, "id", "severity", "title", "evidence", "why", "nextSteps", "actions")
			for _, k := range []string{"evidence", "nextSteps", "actions"} {
				if _, ok := f[k].([]any); !ok {
					t.Errorf("%s: %s is %s, want an array ([] when there are none)", where, k, jsonKind(f[k]))
				}
			}
			if sev, _ := f["severity"].(string); !slices.Contains([]string{"info", "warning", "critical"}, sev) {
				t.Errorf("%s: severity %q", where, f["severity"])
			}
			steps, _ := f["nextSteps"].([]any)
			for _, rs := range steps {
				s, _ := rs.(map[string]any)
				requireKeys(t, where+" next step", s, "text")
				if s["onNode"] != nil {
					seen["nextSteps.onNode"] = true
					if s["command"] == nil {
						t.Errorf("%s: a step to run on the node without a command: %v", where, s)
					}
				}
				if s["command"] != nil {
					seen["nextSteps.command"] = true
				}
			}
			actions, _ := f["actions"].([]any)
			for _, ra := range actions {
				a, _ := ra.(map[string]any)
				requireKeys(t, where+" action", a, "kind", "label")
				seen["actions"] = true
			}
			if _, ok := f["related"].([]any); ok {
				seen["related"] = true
			}
			if _, ok := f["pods"].([]any); ok {
				seen["pods"] = true
			}
		}
	}
	// Optional fields must show up where the fixtures call for them: linked findings (disk and
	// inode pressure on one node), pods (the ones without IPs), commands to run on the node.
	for _, k := range []string{"nextSteps.onNode", "nextSteps.command", "actions", "related", "pods"} {
		if !seen[k] {
			t.Errorf("no finding in the whole run has %s", k)
		}
	}
	// Findings are ordered worst first on each node.
	rank := map[string]int{"critical": 3, "warning": 2, "info": 1}
	for _, n := range out.Nodes {
		if !sort.SliceIsSorted(n.Findings, func(i, j int) bool { return rank[n.Findings[i].Severity] > rank[n.Findings[j].Severity] }) {
			t.Errorf("findings of %s are not worst first\n%s", n.Name, n.dump())
		}
	}
}

// jsonKind names the JSON type of a decoded value.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	case string:
		return "a string"
	}
	return fmt.Sprintf("%T", v)
}

func requireKeys(t *testing.T, what string, obj map[string]any, keys ...string) {
	t.Helper()
	if obj == nil {
		t.Errorf("%s is not a JSON object", what)
		return
	}
	for _, k := range keys {
		if _, ok := obj[k]; !ok {
			t.Errorf("%s lacks %q: %v", what, k, obj)
		}
	}
}

// A server nobody listens on: check exits 2 at once with one line naming the address.
func TestCheckUnreachableServerExitsTwo(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // connections are refused from now on
	kubeconfig := writeKubeconfig(t, "https://"+addr)
	for _, args := range [][]string{
		{"check", "-o", "json", "--fail-on", "critical"},
		{"check", "worker-05"},
		{"report", "worker-05", "--out", t.TempDir()},
	} {
		res := runKtriage(t, 30*time.Second, append([]string{"--kubeconfig", kubeconfig, "--request-timeout", "3s"}, args...)...)
		expectTroubleExit(t, res, addr)
		if limit := 3*time.Second + 2*time.Second; res.elapsed > limit {
			t.Errorf("%v took %s to give up on a refused connection, want within %s", args, res.elapsed.Round(time.Millisecond), limit)
		}
	}
}

// Usage mistakes exit 2 before any connection is tried.
func TestCheckUsageErrorsExitTwo(t *testing.T) {
	kubeconfig := writeKubeconfig(t, "https://127.0.0.1:1")
	for _, tc := range []struct {
		args     []string
		mentions []string
	}{
		{[]string{"check", "--fail-on", "info"}, []string{"--fail-on", "info"}},
		{[]string{"check", "--fail-on", "CRITICAL"}, []string{"--fail-on"}},
		{[]string{"check", "-o", "xml"}, []string{"xml"}},
		{[]string{"check", "--no-such-flag"}, []string{"no-such-flag"}},
		{[]string{"report"}, nil},
	} {
		res := runKtriage(t, 30*time.Second, append([]string{"--kubeconfig", kubeconfig}, tc.args...)...)
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) { expectTroubleExit(t, res, tc.mentions...) })
	}
}
