package demo

// Names of the demo cluster's nodes. The incident nodes are named after what is wrong with them
// in the constant, not in the node name: a real fleet does not label its broken machines.
const (
	NodeCP1 = "cp-1" // control plane, healthy
	NodeCP2 = "cp-2" // control plane, healthy
	NodeCP3 = "cp-3" // control plane, healthy

	NodeWorker01 = "worker-01" // healthy
	NodeWorker02 = "worker-02" // healthy; carries a healthy-when-true KernelReady condition
	NodeWorker03 = "worker-03" // healthy, kubelet one minor version behind

	// NodeFlapping is healthy but flaps between Ready and NotReady while the simulator runs:
	// its calico-node keeps being OOM-killed, and the CNI is not ready until it is back.
	NodeFlapping = "worker-04"
	// NodeRuntimeDown has a crash-looping containerd (runtime-down).
	NodeRuntimeDown = "worker-05"
	// NodeCNINotReady has its calico-node pod in CrashLoopBackOff (cni-not-ready).
	NodeCNINotReady = "worker-06"
	// NodePodIPExhausted has leaked every address of its /25 (pod-ip-exhausted).
	NodePodIPExhausted = "worker-08"
	// NodeDiskPressure is out of ephemeral storage, mostly images (disk-pressure).
	NodeDiskPressure = "worker-09"
	// NodeMemoryPressure is overcommitted and evicting (memory-pressure).
	NodeMemoryPressure = "worker-10"
	// NodeUnreachable stopped posting status 14 minutes before the seed time (node-unreachable).
	NodeUnreachable = "worker-11"
	// NodeCordoned was cordoned two hours before the seed time (cordoned).
	NodeCordoned = "worker-12"
	// NodeCgroupLeak runs a 3.10 kernel that leaked memory cgroups (cgroup-leak).
	NodeCgroupLeak = "legacy-03"
	// NodePLEG runs kubelet v1.12.10 with maxPods raised to 600 and a stuck PLEG (pleg-unhealthy).
	NodePLEG = "legacy-07"
)

// Catalogue rule IDs (shared/scenarios.md) that the incident nodes are built to trigger.
const (
	RuleNodeUnreachable  = "node-unreachable"
	RulePLEGUnhealthy    = "pleg-unhealthy"
	RuleRuntimeDown      = "runtime-down"
	RuleCNINotReady      = "cni-not-ready"
	RulePodIPExhausted   = "pod-ip-exhausted"
	RuleMemoryPressure   = "memory-pressure"
	RuleDiskPressure     = "disk-pressure"
	RuleCgroupLeak       = "cgroup-leak"
	RuleCordoned         = "cordoned"
	RuleStuckTerminating = "stuck-terminating"
)

// nodeOrder is the order nodes were registered in, which is also the order of NodeNames.
var nodeOrder = []string{
	NodeCP1, NodeCP2, NodeCP3,
	NodeWorker01, NodeWorker02, NodeWorker03, NodeFlapping, NodeRuntimeDown, NodeCNINotReady,
	NodePodIPExhausted, NodeDiskPressure, NodeMemoryPressure, NodeUnreachable, NodeCordoned,
	NodeCgroupLeak, NodePLEG,
}

var scenarios = map[string]string{
	NodeRuntimeDown:    RuleRuntimeDown,
	NodeCNINotReady:    RuleCNINotReady,
	NodePodIPExhausted: RulePodIPExhausted,
	NodeDiskPressure:   RuleDiskPressure,
	NodeMemoryPressure: RuleMemoryPressure,
	NodeUnreachable:    RuleNodeUnreachable,
	NodeCordoned:       RuleCordoned,
	NodeCgroupLeak:     RuleCgroupLeak,
	NodePLEG:           RulePLEGUnhealthy,
}

// NodeNames returns the names of all demo nodes: control planes first, then workers, then the
// two legacy machines.
func NodeNames() []string { return append([]string(nil), nodeOrder...) }

// Scenario returns the catalogue rule ID the node was built to demonstrate, "" for a healthy
// node (including NodeFlapping, whose trouble comes and goes) and for unknown names.
func Scenario(node string) string { return scenarios[node] }

// IncidentNodes returns the nodes that have a Scenario, in NodeNames order.
func IncidentNodes() []string {
	var out []string
	for _, n := range nodeOrder {
		if scenarios[n] != "" {
			out = append(out, n)
		}
	}
	return out
}
