package views

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	corev1 "k8s.io/api/core/v1"

	"github.com/ktriage/ktriage/themes"
)

// Intents to read from a node or to enter it. The root checks permissions and carries them out.
type (
	// PodLogsMsg opens the log viewer on a pod's container.
	PodLogsMsg struct {
		Node, Namespace, Pod string
		// Containers are the pod's containers (init containers first) for the picker; Container is
		// the one to show first ("" picks the first, or the one a finding names).
		Containers []string
		Container  string
		Previous   bool
	}
	// NodeJournalMsg opens the node's journal of a service through the kubelet's node log query.
	NodeJournalMsg struct{ Node, Service string }
	// KubeletGoroutinesMsg fetches and summarises the kubelet's goroutine dump.
	KubeletGoroutinesMsg struct{ Node string }
	// KubeletMetricsMsg fetches the kubelet's /metrics and counts its series by name.
	KubeletMetricsMsg struct{ Node string }
	// KubeletConfigMsg fetches the kubelet's running configuration (/configz); Refresh reads it again.
	KubeletConfigMsg struct {
		Node    string
		Refresh bool
	}
	// RawGoroutinesMsg shows the raw goroutine dump already fetched, in the log viewer.
	RawGoroutinesMsg struct{ Node string }
	// NodeShellMsg asks for a root shell on the node.
	NodeShellMsg struct{ Node string }
)

// ActNodeShell is the node shell as an action (it creates a privileged pod), for availability.
const ActNodeShell NodeAction = "node-shell"

// AccessKeyMap are the keys that read from a node or enter it, shared by the node list and the
// node detail (Logs works on the Pods tab).
type AccessKeyMap struct {
	Logs, Journal, Goroutines, Shell key.Binding
}

// DefaultAccessKeyMap binds l (pod logs), L (kubelet journal), D (goroutines) and s (node shell).
func DefaultAccessKeyMap() AccessKeyMap {
	return AccessKeyMap{
		Logs:       key.NewBinding(key.WithKeys("l"), key.WithHelp("l", "pod logs")),
		Journal:    key.NewBinding(key.WithKeys("L"), key.WithHelp("L", "node journal (kubelet, containerd, …)")),
		Goroutines: key.NewBinding(key.WithKeys("D"), key.WithHelp("D", "kubelet goroutines")),
		Shell:      key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "node shell")),
	}
}

// apply turns the shell key off in read-only mode and greys it with the reason when withheld; the
// reads stay on (RBAC for them is checked when they are asked for).
func (k AccessKeyMap) apply(av Availability, st *themes.Styles) AccessKeyMap {
	k.Shell = DefaultAccessKeyMap().Shell
	k.Shell.SetEnabled(!av.ReadOnly)
	if why := av.Withheld[ActNodeShell]; why != "" {
		h := k.Shell.Help()
		k.Shell.SetHelp(st.Muted.Render(h.Key), st.Muted.Render(h.Desc+" — unavailable: "+clean(why)))
	}
	return k
}

// matchNode returns the intent a node-level key asks for on node, or nil.
func (k AccessKeyMap) matchNode(kp tea.KeyPressMsg, node string) tea.Msg {
	switch {
	case key.Matches(kp, k.Journal):
		return NodeJournalMsg{Node: node, Service: "kubelet"}
	case key.Matches(kp, k.Goroutines):
		return KubeletGoroutinesMsg{Node: node}
	case key.Matches(kp, k.Shell):
		return NodeShellMsg{Node: node}
	}
	return nil
}

// nodeBindings are the node-level keys, for help.
func (k AccessKeyMap) nodeBindings() []key.Binding {
	return []key.Binding{k.Journal, k.Goroutines, k.Shell}
}

// LogsContainer is the container whose logs explain a pod's trouble: the first one crash-looping
// (waiting after a terminated run), else the first with restarts or a failed exit, init containers
// first; for previous logs, the first with a terminated run. A pod without trouble opens on its
// kubectl.kubernetes.io/default-container, else its first regular container (never an init
// container that finished long ago).
func LogsContainer(p *corev1.Pod, previous bool) string {
	statuses := append(append([]corev1.ContainerStatus(nil), p.Status.InitContainerStatuses...), p.Status.ContainerStatuses...)
	for _, st := range statuses {
		if st.State.Waiting != nil && st.LastTerminationState.Terminated != nil {
			return st.Name
		}
	}
	for _, st := range statuses {
		if previous && st.LastTerminationState.Terminated != nil ||
			!previous && (st.RestartCount > 0 || st.State.Terminated != nil && st.State.Terminated.ExitCode != 0) {
			return st.Name
		}
	}
	if c := p.Annotations["kubectl.kubernetes.io/default-container"]; c != "" {
		return c
	}
	if len(p.Spec.Containers) > 0 {
		return p.Spec.Containers[0].Name
	}
	return ""
}
