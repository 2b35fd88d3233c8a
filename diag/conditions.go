package diag

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// Polarity says which status of a node condition is the healthy one.
type Polarity int

const (
	// HealthyWhenTrue conditions (Ready, and platform conditions such as ContainerRuntimeReady) are good
	// when True.
	HealthyWhenTrue Polarity = iota
	// HealthyWhenFalse conditions (the pressures, NetworkUnavailable, every node-problem-detector
	// condition) report a problem when True.
	HealthyWhenFalse
)

// healthyWhenTrue lists conditions some platforms publish whose name does not end in "Ready" but which
// are good when True. Flagging them as problems is the classic mistake scenarios.md warns about.
var healthyWhenTrue = map[string]bool{
	"EtcdIsVoter": true,
}

// npdSeverity are the node-problem-detector conditions ktriage knows, with how bad each is when True.
var npdSeverity = map[string]Severity{
	"KernelDeadlock": SeverityCritical, "ReadonlyFilesystem": SeverityCritical, "XfsShutdown": SeverityCritical,
	"FrequentKubeletRestart": SeverityWarning, "FrequentDockerRestart": SeverityWarning, "FrequentContainerdRestart": SeverityWarning,
	"KubeletUnhealthy": SeverityCritical, "ContainerRuntimeUnhealthy": SeverityCritical, "CorruptDockerOverlay2": SeverityCritical,
	"FrequentUnregisterNetDevice": SeverityWarning, "DiskSizeCheckFailure": SeverityWarning, "NTPProblem": SeverityWarning,
}

// kubeletConditions are the conditions the kubelet itself maintains.
var kubeletConditions = map[corev1.NodeConditionType]bool{
	corev1.NodeReady: true, corev1.NodeMemoryPressure: true, corev1.NodeDiskPressure: true,
	corev1.NodePIDPressure: true, corev1.NodeNetworkUnavailable: true,
}

// IsKubeletCondition reports whether the kubelet maintains the condition (Ready, the pressures,
// NetworkUnavailable).
func IsKubeletCondition(conditionType string) bool {
	return kubeletConditions[corev1.NodeConditionType(conditionType)]
}

// ConditionPolarity returns the polarity of a condition type: Ready and any name ending in "Ready" (or
// listed as healthy-when-true) is good when True; everything else is a problem when True.
func ConditionPolarity(conditionType string) Polarity {
	if strings.HasSuffix(conditionType, "Ready") || healthyWhenTrue[conditionType] {
		return HealthyWhenTrue
	}
	return HealthyWhenFalse
}

// IsKnownCondition reports whether ktriage knows what the condition means (a kubelet or a
// node-problem-detector condition, or a healthy-when-true platform condition).
func IsKnownCondition(conditionType string) bool {
	_, npd := npdSeverity[conditionType]
	return IsKubeletCondition(conditionType) || npd || ConditionPolarity(conditionType) == HealthyWhenTrue
}

// ConditionIsProblem reports whether the condition, read with its polarity, says something is wrong.
// Unknown is a problem for every condition: the kubelet stopped reporting it.
func ConditionIsProblem(c corev1.NodeCondition) bool {
	switch c.Status {
	case corev1.ConditionUnknown:
		return true
	case corev1.ConditionTrue:
		return ConditionPolarity(string(c.Type)) == HealthyWhenFalse
	case corev1.ConditionFalse:
		return ConditionPolarity(string(c.Type)) == HealthyWhenTrue
	}
	return false
}
