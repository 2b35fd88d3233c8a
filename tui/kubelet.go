package tui

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"k8s.io/client-go/kubernetes"
	kubeletconfig "k8s.io/kubelet/config/v1beta1"

	"github.com/ktriage/ktriage/cluster"
	"github.com/ktriage/ktriage/diag"
	"github.com/ktriage/ktriage/views"
)

// KubeletSink receives what was read from a node's kubelet, to add it to the node's evidence (the
// watcher re-diagnoses the node).
type KubeletSink interface {
	SetKubeletFacts(node string, facts *diag.KubeletFacts)
}

// kubeletReadTimeout bounds one read of the kubelet: a wedged kubelet may accept the connection
// and never answer, and the API server does not time proxied requests out.
const kubeletReadTimeout = time.Minute

// kubeletState is what has been read from one node's kubelet, on request.
type kubeletState struct {
	cfg           *kubeletconfig.KubeletConfiguration
	cfgErr        error
	cfgLoading    bool
	dump          string
	summary       *diag.GoroutineSummary
	dumpErr       error
	dumpLoading   bool
	series        map[string]int
	seriesErr     error
	seriesLoading bool
	journal       []string
}

// Results of the kubelet reads, addressed by node.
type (
	kubeletConfigDone struct {
		node string
		cfg  *kubeletconfig.KubeletConfiguration
		err  error
	}
	goroutinesDone struct {
		node, dump string
		err        error
	}
	metricsDone struct {
		node   string
		series map[string]int
		err    error
	}
)

// kubeletOf returns the node's state, creating it.
func (m *Model) kubeletOf(node string) *kubeletState {
	if m.kubelet == nil {
		m.kubelet = map[string]*kubeletState{}
	}
	k := m.kubelet[node]
	if k == nil {
		k = &kubeletState{}
		m.kubelet[node] = k
	}
	return k
}

// handleKubelet routes the kubelet intents and results; ok is false for other messages.
func (m Model) handleKubelet(msg tea.Msg) (_ Model, _ tea.Cmd, ok bool) {
	switch msg := msg.(type) {
	case views.KubeletConfigMsg:
		return m, m.fetchConfig(msg.Node, msg.Refresh), true
	case views.KubeletGoroutinesMsg:
		m = m.showKubeletTab(msg.Node)
		return m, tea.Batch(m.fetchConfig(msg.Node, false), m.fetchGoroutines(msg.Node)), true
	case views.KubeletMetricsMsg:
		return m, m.fetchMetrics(msg.Node), true
	case views.RawGoroutinesMsg:
		next, cmd := m.showRawDump(msg.Node)
		return next, cmd, true
	case kubeletConfigDone:
		k := m.kubeletOf(msg.node)
		k.cfg, k.cfgErr, k.cfgLoading = msg.cfg, msg.err, false
		if msg.err != nil {
			k.cfg = nil
		}
	case goroutinesDone:
		k := m.kubeletOf(msg.node)
		k.dumpLoading, k.dumpErr = false, msg.err
		if msg.err == nil {
			s := diag.SummariseGoroutines(msg.dump)
			k.dump, k.summary = msg.dump, &s
			m.setFlash(fmt.Sprintf("kubelet of %s: %d goroutines", msg.node, s.Total), false)
		}
	case metricsDone:
		k := m.kubeletOf(msg.node)
		k.seriesLoading, k.seriesErr = false, msg.err
		if msg.err == nil {
			k.series = msg.series
		}
	default:
		return m, nil, false
	}
	node := resultNode(msg)
	m.publishKubelet(node)
	m.pushKubeletPanel()
	return m, nil, true
}

func resultNode(msg tea.Msg) string {
	switch msg := msg.(type) {
	case kubeletConfigDone:
		return msg.node
	case goroutinesDone:
		return msg.node
	case metricsDone:
		return msg.node
	}
	return ""
}

// showKubeletTab opens the node's detail on its Kubelet tab.
func (m Model) showKubeletTab(node string) Model {
	if m.screen != screenDetail || m.detail.Name() != node {
		m = m.openNode(node)
		if m.screen != screenDetail {
			return m // the node is gone; openNode said so
		}
	}
	m.detail.SetTab(views.TabKubelet)
	m.pushKubeletPanel()
	return m
}

// fetchConfig reads /configz unless it was read (or is being read) already.
func (m *Model) fetchConfig(node string, refresh bool) tea.Cmd {
	k := m.kubeletOf(node)
	if k.cfgLoading || (k.cfg != nil && !refresh) {
		return nil
	}
	return m.readKubelet(node, &k.cfgLoading, &k.cfgErr, func(ctx context.Context, a cluster.Access, err error) tea.Msg {
		if err != nil {
			return kubeletConfigDone{node: node, err: err}
		}
		cfg, err := cluster.FetchKubeletConfig(ctx, a, node)
		return kubeletConfigDone{node: node, cfg: cfg, err: err}
	})
}

// fetchGoroutines reads the goroutine dump, each time it is asked for: it changes.
func (m *Model) fetchGoroutines(node string) tea.Cmd {
	k := m.kubeletOf(node)
	return m.readKubelet(node, &k.dumpLoading, &k.dumpErr, func(ctx context.Context, a cluster.Access, err error) tea.Msg {
		if err != nil {
			return goroutinesDone{node: node, err: err}
		}
		dump, err := cluster.FetchGoroutines(ctx, a, node)
		return goroutinesDone{node: node, dump: dump, err: err}
	})
}

// fetchMetrics counts the kubelet's metric series by name.
func (m *Model) fetchMetrics(node string) tea.Cmd {
	k := m.kubeletOf(node)
	return m.readKubelet(node, &k.seriesLoading, &k.seriesErr, func(ctx context.Context, a cluster.Access, err error) tea.Msg {
		if err != nil {
			return metricsDone{node: node, err: err}
		}
		series, err := cluster.FetchMetricSeries(ctx, a, node)
		return metricsDone{node: node, series: series, err: err}
	})
}

// readKubelet starts one read of a node's kubelet unless the same read is under way: it marks it
// loading, and returns the command that asks RBAC first (the read gets the refusal as err) and then
// reads, within kubeletReadTimeout.
func (m *Model) readKubelet(node string, loading *bool, lastErr *error, read func(context.Context, cluster.Access, error) tea.Msg) tea.Cmd {
	if m.opts.Access == nil || *loading {
		return nil
	}
	*loading, *lastErr = true, nil
	m.pushKubeletPanel()
	parent, access, kube := m.actionCtx(), m.opts.Access, m.opts.Kube
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(parent, kubeletReadTimeout)
		defer cancel()
		return read(ctx, access, checkRead(ctx, kube, "get", "nodes", "proxy", ""))
	}
}

// noteKubeletJournal keeps the kubelet's journal lines for the diagnosis (the PLEG rule quotes
// "skipping pod synchronization"). Only the latest read is kept, bounded by the viewer's tail.
func (m *Model) noteKubeletJournal(node string, lines []string) {
	k := m.kubeletOf(node)
	k.journal = lines
	m.publishKubelet(node)
}

// publishKubelet hands the node's kubelet facts to the watcher, which re-diagnoses the node.
func (m *Model) publishKubelet(node string) {
	k := m.kubelet[node]
	if k == nil || m.opts.Kubelet == nil {
		return
	}
	facts := cluster.KubeletFacts(k.cfg, "", k.series, k.journal)
	facts.GoroutineDump, facts.Goroutines = k.dump, k.summary // summarised once, on arrival
	m.opts.Kubelet.SetKubeletFacts(node, facts)
}

// pushKubeletPanel shows the kubelet state of the detail's node in its Kubelet tab.
func (m *Model) pushKubeletPanel() {
	if m.detail.Name() == "" {
		return
	}
	node := m.detail.Name()
	k := m.kubelet[node]
	if k == nil {
		m.detail.SetKubelet(views.KubeletPanel{})
		return
	}
	version := ""
	if v := m.snap.Node(node); v != nil {
		version = v.Summary.KubeletVersion
	}
	p := views.KubeletPanel{Settings: cluster.KubeletSettings(k.cfg, version), HasDump: k.dump != ""}
	p.ConfigStatus = status(k.cfgLoading, k.cfgErr, "reading /configz…")
	p.GoroutinesStatus = status(k.dumpLoading, k.dumpErr, "fetching the goroutine dump…")
	p.MetricsStatus = status(k.seriesLoading, k.seriesErr, "reading /metrics…")
	if k.summary != nil {
		p.Goroutines = k.summary.Describe()
	}
	if k.series != nil {
		p.Metrics = diag.DescribeLeaks(diag.CardinalityLeaks(k.series))
		if len(p.Metrics) == 0 {
			p.Metrics = []string{fmt.Sprintf("%d metric names, none with a runaway number of series", len(k.series))}
		}
		p.Metrics = append(p.Metrics, topSeries(k.series, 5)...)
	}
	m.detail.SetKubelet(p)
}

// topSeries lists the n metric names with the most series.
func topSeries(series map[string]int, n int) []string {
	names := slices.Collect(maps.Keys(series))
	slices.SortFunc(names, func(a, b string) int {
		if series[a] != series[b] {
			return series[b] - series[a]
		}
		return strings.Compare(a, b)
	})
	var out []string
	for _, name := range names[:min(n, len(names))] {
		out = append(out, fmt.Sprintf("%8d  %s", series[name], name))
	}
	return out
}

func status(loading bool, err error, loadingText string) string {
	switch {
	case loading:
		return loadingText
	case err != nil:
		return err.Error()
	}
	return ""
}

// checkRead asks RBAC before a read, so a refusal is one clear line instead of the API's 403.
// When the question itself fails the read goes ahead: its own answer will say what is wrong.
func checkRead(ctx context.Context, kube kubernetes.Interface, verb, resource, subresource, namespace string) error {
	if kube == nil {
		return nil
	}
	ok, err := cluster.CanI(ctx, kube, verb, "", resource, subresource, namespace)
	if err != nil || ok {
		return nil
	}
	what := resource + "/" + subresource
	where := ""
	if namespace != "" {
		where = " in " + namespace
	}
	return fmt.Errorf("RBAC does not let this user %s %s%s, which this needs (nothing was read)", verb, what, where)
}

// rawDumpService names the raw goroutine dump when the log viewer shows it: it is searchable
// there like a journal, and reloading it shows the dump fetched last.
const rawDumpService = "goroutine dump"

// showRawDump opens the fetched goroutine dump in the log viewer.
func (m Model) showRawDump(node string) (Model, tea.Cmd) {
	k := m.kubelet[node]
	if k == nil || k.dump == "" {
		m.setFlash("no goroutine dump of "+node+" yet: D fetches it", true)
		return m, nil
	}
	next, cmd := m.openLogView(views.LogSource{Kind: views.LogJournal, Node: node, Service: rawDumpService,
		Services: []string{rawDumpService}, Document: true})
	return next.(Model), cmd
}

// rawDumpLines serves the dump fetched last as one batch, for the viewer.
func rawDumpLines(dump string, id int) tea.Msg {
	return logBatchMsg{stream: id, batch: cluster.LogBatch{Lines: strings.Split(strings.TrimSuffix(dump, "\n"), "\n"), Done: true}}
}
