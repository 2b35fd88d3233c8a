package diag

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
)

func TestConditionPolarity(t *testing.T) {
	cases := []struct {
		name string
		want Polarity
	}{
		{"Ready", HealthyWhenTrue},
		{"ContainerRuntimeReady", HealthyWhenTrue},
		{"KernelReady", HealthyWhenTrue},
		{"EtcdIsVoter", HealthyWhenTrue},
		{"MemoryPressure", HealthyWhenFalse},
		{"DiskPressure", HealthyWhenFalse},
		{"PIDPressure", HealthyWhenFalse},
		{"NetworkUnavailable", HealthyWhenFalse},
		{"KernelDeadlock", HealthyWhenFalse},
		{"ReadonlyFilesystem", HealthyWhenFalse},
		{"NTPProblem", HealthyWhenFalse},
		{"GPUUnhealthy", HealthyWhenFalse},
		{"ReadyForMaintenance", HealthyWhenFalse}, // "Ready" must be the suffix, not a prefix
	}
	for _, c := range cases {
		if got := ConditionPolarity(c.name); got != c.want {
			t.Errorf("ConditionPolarity(%q) = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestConditionIsProblem(t *testing.T) {
	cases := []struct {
		name   string
		status corev1.ConditionStatus
		want   bool
	}{
		{"Ready", corev1.ConditionTrue, false},
		{"Ready", corev1.ConditionFalse, true},
		{"Ready", corev1.ConditionUnknown, true},
		{"MemoryPressure", corev1.ConditionTrue, true},
		{"MemoryPressure", corev1.ConditionFalse, false},
		{"NetworkUnavailable", corev1.ConditionTrue, true},
		{"NetworkUnavailable", corev1.ConditionFalse, false},
		{"KernelDeadlock", corev1.ConditionTrue, true},
		{"KernelDeadlock", corev1.ConditionFalse, false},
		{"KernelDeadlock", corev1.ConditionUnknown, true},
		{"ContainerRuntimeReady", corev1.ConditionTrue, false},
		{"ContainerRuntimeReady", corev1.ConditionFalse, true},
		{"KernelReady", corev1.ConditionTrue, false},
		{"EtcdIsVoter", corev1.ConditionTrue, false},
		{"EtcdIsVoter", corev1.ConditionFalse, true},
		{"SomeVendorCheck", corev1.ConditionTrue, true},
		{"SomeVendorCheck", corev1.ConditionFalse, false},
		{"SomeVendorCheck", "", false},
	}
	for _, c := range cases {
		cond := corev1.NodeCondition{Type: corev1.NodeConditionType(c.name), Status: c.status}
		if got := ConditionIsProblem(cond); got != c.want {
			t.Errorf("ConditionIsProblem(%s=%s) = %v, want %v", c.name, c.status, got, c.want)
		}
	}
}

func TestKnownConditions(t *testing.T) {
	for _, name := range []string{"Ready", "MemoryPressure", "DiskPressure", "PIDPressure", "NetworkUnavailable"} {
		if !IsKubeletCondition(name) || !IsKnownCondition(name) {
			t.Errorf("%s: kubelet %v, known %v", name, IsKubeletCondition(name), IsKnownCondition(name))
		}
	}
	for _, n := range fxNPD {
		if IsKubeletCondition(n.name) || !IsKnownCondition(n.name) {
			t.Errorf("NPD condition %s: kubelet %v, known %v", n.name, IsKubeletCondition(n.name), IsKnownCondition(n.name))
		}
	}
	for _, name := range []string{"ContainerRuntimeReady", "KernelReady", "EtcdIsVoter"} {
		if IsKubeletCondition(name) || !IsKnownCondition(name) {
			t.Errorf("platform condition %s: kubelet %v, known %v", name, IsKubeletCondition(name), IsKnownCondition(name))
		}
	}
	for _, name := range []string{"GPUUnhealthy", "VMEventScheduled", ""} {
		if IsKnownCondition(name) {
			t.Errorf("%q reported as known", name)
		}
	}
}
