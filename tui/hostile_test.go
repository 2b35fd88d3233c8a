package tui

import (
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/ktriage/ktriage/themes"
	"github.com/ktriage/ktriage/views"
)

// attack is what a hostile workload can put in an event message or a label to take over an operator's
// terminal: set the window title, write the clipboard, clear the screen, move the cursor, ring the bell.
const attack = "\x1b]0;pwned\x07\x1b]52;c;cm0gLXJmIC8=\x07\x1b[2J\x1b[H\x9b31m\x07\x1bP+q\x1b\\evil"

// TestHostileStringsNeverReachTheTerminal renders every screen of a node whose name, labels, taints,
// condition, pod and event carry escape-sequence attacks; the output may contain the theme's own
// colour sequences (SGR) and nothing else.
func TestHostileStringsNeverReachTheTerminal(t *testing.T) {
	name := "evil" // node names are validated by the API server; everything else is free text
	node := &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"x": attack}},
		Spec:       corev1.NodeSpec{Taints: []corev1.Taint{{Key: "k", Value: attack, Effect: corev1.TaintEffect(attack)}}},
		Status: corev1.NodeStatus{
			Conditions: []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionFalse, Reason: attack, Message: attack}, {Type: corev1.NodeConditionType(attack), Status: corev1.ConditionStatus(attack)}},
			NodeInfo:   corev1.NodeSystemInfo{KubeletVersion: attack, KernelVersion: attack, BootID: attack},
			Addresses:  []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: attack}},
			Images:     []corev1.ContainerImage{{Names: []string{attack}, SizeBytes: 1 << 30}},
		},
	}
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "default"},
		Spec:       corev1.PodSpec{NodeName: name, Containers: []corev1.Container{{Name: "c"}}},
		Status: corev1.PodStatus{Phase: corev1.PodFailed, Reason: attack, Message: attack, PodIP: attack,
			ContainerStatuses: []corev1.ContainerStatus{{Name: "c", State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: attack, Message: attack}}}}},
	}
	ev := &corev1.Event{
		ObjectMeta:     metav1.ObjectMeta{Name: "e", Namespace: "default"},
		InvolvedObject: corev1.ObjectReference{Kind: "Node", Name: name},
		Type:           attack, Reason: attack, Message: attack, Count: 1, LastTimestamp: metav1.NewTime(fixedNow.Add(-time.Minute)),
		Source: corev1.EventSource{Component: attack, Host: attack},
	}
	snap := snapshotOf(t, fake.NewClientset(node, pod, ev))
	m := newDemoModel(t, snap, themes.Dark(), 160, 48)
	screens := map[string]string{"list": m.render()}
	m = send(m, views.OpenNodeMsg{Name: name})
	for _, tab := range []views.DetailTab{views.TabOverview, views.TabPods, views.TabEvents, views.TabAllocations} {
		m.detail.SetTab(tab)
		screens[tab.String()] = m.render()
	}
	for screen, out := range screens {
		if bad := nonSGR(out); bad != "" {
			t.Errorf("%s screen: a control sequence from the cluster reached the terminal: %q", screen, bad)
		}
		if !strings.Contains(out, "evil") && screen != "Allocations" {
			t.Errorf("%s screen: the visible text of the hostile string is gone too; it should be shown, defanged", screen)
		}
	}
}

// nonSGR returns the first control character or escape sequence in out that is not a colour/style
// (SGR, ESC [ … m) sequence, or "".
func nonSGR(out string) string {
	for i := 0; i < len(out); i++ {
		c := out[i]
		switch {
		case c == 0x1b:
			j := i + 1
			if j < len(out) && out[j] == '[' {
				j++
				for j < len(out) && (out[j] >= '0' && out[j] <= '9' || out[j] == ';' || out[j] == ':') {
					j++
				}
				if j < len(out) && out[j] == 'm' {
					i = j
					continue
				}
			}
			return out[i:min(i+12, len(out))]
		case c < 0x20 && c != '\n':
			return out[i : i+1]
		case c == 0xc2 && i+1 < len(out) && out[i+1] >= 0x80 && out[i+1] <= 0x9f:
			return out[i : i+2] // a C1 control encoded in UTF-8
		}
	}
	return ""
}
