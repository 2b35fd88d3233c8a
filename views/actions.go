package views

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"k8s.io/apimachinery/pkg/types"

	"github.com/ktriage/ktriage/themes"
)

// NodeAction is something the person asks ktriage to do to nodes or pods. Views only ask: the root
// model checks read-only mode and permissions, confirms, and carries it out.
type NodeAction string

// The actions a view can ask for.
const (
	ActCordon         NodeAction = "cordon"
	ActUncordon       NodeAction = "uncordon"
	ActDrain          NodeAction = "drain"
	ActMaintenance    NodeAction = "maintenance"
	ActDeletePod      NodeAction = "delete-pod"
	ActForceDeletePod NodeAction = "force-delete-pod"
)

// NodeActionMsg is the intent to run an action on nodes (the marked ones, or the selected one).
type NodeActionMsg struct {
	Action NodeAction
	Nodes  []string
}

// PodActionMsg is the intent to delete (or force-delete) one pod of a node.
type PodActionMsg struct {
	Action          NodeAction
	Node            string
	Namespace, Name string
	UID             types.UID
}

// Availability says which actions may be offered: none in read-only mode; the others with the reason
// they are withheld, which help shows next to the key.
type Availability struct {
	// ReadOnly hides every action key.
	ReadOnly bool
	// Withheld maps an action to why it is not offered ("needs patch nodes", "checking permissions").
	Withheld map[NodeAction]string
}

// ActionKeyMap are the action keys, shared by the node list and the node detail.
type ActionKeyMap struct {
	Cordon, Uncordon, Drain, Maintenance key.Binding
	// DeletePod and ForceDeletePod work on the Pods tab.
	DeletePod, ForceDeletePod key.Binding
}

// DefaultActionKeyMap binds c, u, d, m on nodes and ctrl+d, ctrl+k on pods (k9s's delete and kill).
func DefaultActionKeyMap() ActionKeyMap {
	return ActionKeyMap{
		Cordon:         key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "cordon")),
		Uncordon:       key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "uncordon")),
		Drain:          key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "drain")),
		Maintenance:    key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "maintenance (cordon, drain, reboot, uncordon)")),
		DeletePod:      key.NewBinding(key.WithKeys("ctrl+d"), key.WithHelp("ctrl+d", "delete pod")),
		ForceDeletePod: key.NewBinding(key.WithKeys("ctrl+k"), key.WithHelp("ctrl+k", "force delete pod (unreachable node only)")),
	}
}

// apply returns the keymap as the availability allows: in read-only mode every action key is off
// (not offered, not in help); a withheld action stays in help, greyed, with the reason, but does
// nothing except say why.
func (k ActionKeyMap) apply(av Availability, st *themes.Styles) ActionKeyMap {
	d := DefaultActionKeyMap()
	pairs := []struct {
		b   *key.Binding
		def key.Binding
		act NodeAction
	}{
		{&k.Cordon, d.Cordon, ActCordon}, {&k.Uncordon, d.Uncordon, ActUncordon}, {&k.Drain, d.Drain, ActDrain},
		{&k.Maintenance, d.Maintenance, ActMaintenance}, {&k.DeletePod, d.DeletePod, ActDeletePod},
		{&k.ForceDeletePod, d.ForceDeletePod, ActForceDeletePod},
	}
	for _, p := range pairs {
		*p.b = p.def
		p.b.SetEnabled(!av.ReadOnly)
		if why := av.Withheld[p.act]; why != "" {
			p.b.SetHelp(st.Muted.Render(p.def.Help().Key), st.Muted.Render(p.def.Help().Desc+" — unavailable: "+clean(why)))
		}
	}
	return k
}

// nodeBindings are the keys acting on nodes, for help.
func (k ActionKeyMap) nodeBindings() []key.Binding {
	return []key.Binding{k.Cordon, k.Uncordon, k.Drain, k.Maintenance}
}

// matchNode returns the node action a key asks for, or "". Disabled (read-only) keys match nothing.
func (k ActionKeyMap) matchNode(kp tea.KeyPressMsg) NodeAction {
	switch {
	case key.Matches(kp, k.Cordon):
		return ActCordon
	case key.Matches(kp, k.Uncordon):
		return ActUncordon
	case key.Matches(kp, k.Drain):
		return ActDrain
	case key.Matches(kp, k.Maintenance):
		return ActMaintenance
	}
	return ""
}
