package demo

import (
	"fmt"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var nodesResource = schema.GroupVersionResource{Version: "v1", Resource: "nodes"}

// Nodes whose kubelet endpoints (served by Access, see access.go) show something the TUI should be
// able to explain. They are named here, not in names.go: these are not incidents of the catalogue
// with a rule of their own, but what a person finds when reading the kubelet's own answers.
const (
	// NodeLogQueryOff is a healthy, reachable node whose kubelet (v1.36) keeps the node log query
	// off: its configuration predates the fleet's rollout of the query, so enableSystemLogQuery is
	// false (the default) and featureGates does not mention NodeLogQuery (GA and locked on since
	// 1.36, beta and off by default before). GET logs/?query=kubelet answers 200 OK with the kubelet's
	// directory listing of /var/log, as the real kubelet does. The two legacy nodes (kubelets 1.12 and
	// 1.18) predate the node log query altogether and answer the same way, in the older listing
	// format of the Go they were built with ("<pre>" without the doctype).
	NodeLogQueryOff = NodeWorker03
	// NodeReflectorLeak is the node whose /metrics shows seed 002's kubelet memory leak: its 1.12
	// kubelet made a client-go reflector for every ConfigMap and Secret its churned pods mounted
	// (configMapAndSecretChangeDetectionStrategy Watch) and never dropped their metrics, so each
	// reflector_* summary has over 25,000 series.
	NodeReflectorLeak = NodePLEG
	// NodeQOSCgroupsOff runs its kubelet with cgroupsPerQOS false (seed 002's
	// FailedNodeAllocatableEnforcement): /configz says so.
	NodeQOSCgroupsOff = NodePLEG
	// NodeConntrackMissing is the node whose kube-proxy logs `error looking for path of conntrack:
	// exec: "conntrack": executable file not found in $PATH` (seed 002): the CentOS machine lacks
	// conntrack-tools.
	NodeConntrackMissing = NodeCgroupLeak
)

// planTimes is when the node registered and when it last booted before the seed.
func planTimes(p nodePlan, now time.Time) (created, boot time.Time) {
	created = now.Add(-p.age).Add(-jitter("created/"+p.name, 6*hour))
	boot = now.Add(-(9*day + jitter("boot/"+p.name, 30*day)))
	if boot.Before(created) {
		boot = created.Add(2 * minute)
	}
	return created, boot
}

// planOf returns the plan of a demo node.
func planOf(node string) (nodePlan, bool) {
	for _, p := range plans {
		if p.name == node {
			return p, true
		}
	}
	return nodePlan{}, false
}

// planIP is the node's InternalIP.
func planIP(p nodePlan) string { return fmt.Sprintf("10.0.%d.%d", p.zone+1, p.host) }

// recordBoot notes that the simulator rebooted the node; its kubelet started at boot.
func (c *Cluster) recordBoot(node string, boot time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reboots[node] = append(c.reboots[node], boot)
}

// boots returns the node's boots, oldest first: the one before the seed, then the simulator's.
func (c *Cluster) boots(p nodePlan) []time.Time {
	_, boot := planTimes(p, c.now)
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Time{boot}, c.reboots[p.name]...)
}

// bootID is the boot ID the kubelet reports for the boot at t (as nodes.go and reboot.go derive it).
func bootID(node string, t time.Time) string { return string(uid("boot", node, t.String())) }

// docker reports whether the node's runtime is Docker (the two legacy machines).
func (p nodePlan) docker() bool { return strings.HasPrefix(p.os.runtime, "docker") }

// runtimeUnit is the systemd unit of the node's container runtime.
func (p nodePlan) runtimeUnit() string {
	if p.docker() {
		return "docker"
	}
	return "containerd"
}

// minor is the kubelet's minor version (12 for v1.12.10).
func (p nodePlan) minor() int { return kubeletMinor(p.os.kubelet) }

// centos reports whether the node runs CentOS 7.
func (p nodePlan) centos() bool { return strings.HasPrefix(p.os.image, "CentOS") }

// nodeCondition returns the status of a node condition, "" when the node or condition is missing.
func nodeCondition(n *corev1.Node, t corev1.NodeConditionType) corev1.ConditionStatus {
	if n == nil {
		return ""
	}
	if c := findCondition(n.Status.Conditions, t); c != nil {
		return c.Status
	}
	return ""
}

// getNode reads a node from the store, nil when it does not exist.
func (c *Cluster) getNode(name string) *corev1.Node {
	obj, err := c.store.Get(nodesResource, "", name)
	if err != nil {
		return nil
	}
	return obj.(*corev1.Node)
}

// podsOnNode lists the pods bound to the node, sorted by namespace and name.
func (c *Cluster) podsOnNode(node string) []*corev1.Pod {
	list, err := c.store.List(podsResource, podKind, "")
	if err != nil {
		return nil
	}
	var out []*corev1.Pod
	for i := range list.(*corev1.PodList).Items {
		p := &list.(*corev1.PodList).Items[i]
		if p.Spec.NodeName == node {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return objectKey(out[i]) < objectKey(out[j]) })
	return out
}
