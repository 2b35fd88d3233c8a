package cluster

import (
	"encoding/json"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// MaintenanceAnnotation is where ktriage's maintenance flow (cordon → drain → reboot → uncordon)
// records its progress on the node itself, so a restarted ktriage, or a colleague's, knows where the
// node is in the flow.
const MaintenanceAnnotation = "ktriage.io/maintenance"

// Maintenance phases, in order. The flow ends by removing the annotation.
const (
	// MaintenanceDraining: the node is cordoned and its pods are being (or were partly) evicted.
	MaintenanceDraining = "draining"
	// MaintenanceDrained: the node is empty and waits to be rebooted or repaired.
	MaintenanceDrained = "drained"
)

// Maintenance is the state the annotation holds.
type Maintenance struct {
	Phase string `json:"phase"`
	// BootID is the node's boot ID when the flow started; a different one means it rebooted.
	BootID  string    `json:"bootID,omitempty"`
	Started time.Time `json:"started"`
	By      string    `json:"by,omitempty"`
}

// Encode is the annotation's value.
func (m Maintenance) Encode() string {
	b, _ := json.Marshal(m)
	return string(b)
}

// ParseMaintenance reads a node's maintenance state; ok is false when the node is not in one (or the
// annotation is not ktriage's JSON).
func ParseMaintenance(node *corev1.Node) (m Maintenance, ok bool) {
	if node == nil {
		return m, false
	}
	raw, found := node.Annotations[MaintenanceAnnotation]
	if !found || json.Unmarshal([]byte(raw), &m) != nil || m.Phase == "" {
		return Maintenance{}, false
	}
	return m, true
}

// Rebooted reports whether a node in maintenance came back: Ready, with a boot ID other than the
// one recorded when the flow started.
func (m Maintenance) Rebooted(node *corev1.Node) bool {
	if node == nil || m.BootID == "" || node.Status.NodeInfo.BootID == "" || node.Status.NodeInfo.BootID == m.BootID {
		return false
	}
	for _, c := range node.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// Step says in words where a node is in the flow.
func (m Maintenance) Step(node *corev1.Node) string {
	switch {
	case m.Phase == MaintenanceDraining:
		return "maintenance: cordoned, drain not finished"
	case m.Rebooted(node):
		return "maintenance: rebooted and Ready — uncordon to finish"
	case m.Phase == MaintenanceDrained:
		return "maintenance: drained, waiting for reboot or repair"
	}
	return "maintenance: " + m.Phase
}
