package demo

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// nodeBuilder builds one node: newNode gives a healthy node of its plan, the incident files then
// describe what is wrong with it through the methods below.
type nodeBuilder struct {
	s     *seeder
	plan  nodePlan
	node  *corev1.Node
	ip    string
	boot  time.Time // when the kubelet last started
	lease *time.Time
	// extraImages are on the node's disk besides those of its pods.
	extraImages []string
}

func (s *seeder) newNode(p nodePlan) *nodeBuilder {
	created, boot := planTimes(p, s.now)
	b := &nodeBuilder{s: s, plan: p, ip: fmt.Sprintf("10.0.%d.%d", p.zone+1, p.host), boot: boot}
	n := &corev1.Node{
		TypeMeta: metav1.TypeMeta{Kind: "Node", APIVersion: "v1"},
		ObjectMeta: metav1.ObjectMeta{
			Name:              p.name,
			UID:               uid("node", p.name),
			CreationTimestamp: mtime(created),
			Labels:            b.labels(),
			Annotations: map[string]string{
				"node.alpha.kubernetes.io/ttl":                           "0",
				"volumes.kubernetes.io/controller-managed-attach-detach": "true",
				"projectcalico.org/IPv4Address":                          b.ip + "/24",
			},
		},
		Spec: corev1.NodeSpec{PodCIDR: p.podCIDR, PodCIDRs: []string{p.podCIDR}},
		Status: corev1.NodeStatus{
			Addresses: []corev1.NodeAddress{
				{Type: corev1.NodeInternalIP, Address: b.ip},
				{Type: corev1.NodeHostName, Address: p.name},
			},
			DaemonEndpoints: corev1.NodeDaemonEndpoints{KubeletEndpoint: corev1.DaemonEndpoint{Port: 10250}},
			NodeInfo:        b.nodeInfo(),
		},
	}
	if strings.HasPrefix(p.os.runtime, "containerd") {
		n.Annotations["kubeadm.alpha.kubernetes.io/cri-socket"] = "unix:///run/containerd/containerd.sock"
	} else {
		n.Annotations["kubeadm.alpha.kubernetes.io/cri-socket"] = "/var/run/dockershim.sock"
	}
	b.node = n
	b.capacity(p.machine, p.maxPods)
	hb := s.now.Add(-(5*time.Second + jitter("heartbeat/"+p.name, 50*time.Second)))
	b.node.Status.Conditions = b.healthyConditions(hb)
	if b.isControlPlane() {
		n.Labels["node-role.kubernetes.io/control-plane"] = ""
		n.Labels["node.kubernetes.io/exclude-from-external-load-balancers"] = ""
		n.Spec.Taints = append(n.Spec.Taints, taint("node-role.kubernetes.io/control-plane", corev1.TaintEffectNoSchedule, nil))
	}
	renew := s.now.Add(-(time.Second + jitter("lease/"+p.name, 9*time.Second)))
	b.lease = &renew
	return b
}

func (b *nodeBuilder) isControlPlane() bool { return strings.HasPrefix(b.plan.name, "cp-") }

func (b *nodeBuilder) labels() map[string]string {
	p := b.plan
	l := map[string]string{
		"beta.kubernetes.io/arch": "amd64",
		"beta.kubernetes.io/os":   "linux",
		"kubernetes.io/hostname":  p.name,
	}
	if p.os.legacyLabels {
		// Registered by a 1.12 kubelet, before the GA labels existed; the zone label of that era.
		l["beta.kubernetes.io/instance-type"] = p.machine.instanceType
		l["failure-domain.beta.kubernetes.io/region"] = region
		l["failure-domain.beta.kubernetes.io/zone"] = zoneName(p.zone)
		return l
	}
	l["kubernetes.io/arch"] = "amd64"
	l["kubernetes.io/os"] = "linux"
	l["node.kubernetes.io/instance-type"] = p.machine.instanceType
	l["topology.kubernetes.io/region"] = region
	l["topology.kubernetes.io/zone"] = zoneName(p.zone)
	if !b.isControlPlane() {
		l["node-role.kubernetes.io/worker"] = ""
	}
	return l
}

func (b *nodeBuilder) nodeInfo() corev1.NodeSystemInfo {
	p := b.plan
	sys := strings.ToUpper(string(uid("system", p.name)))
	info := corev1.NodeSystemInfo{
		MachineID:               hex64("machine", p.name)[:32],
		SystemUUID:              "ec2" + strings.ToLower(sys[3:]),
		BootID:                  string(uid("boot", p.name, b.boot.String())),
		KernelVersion:           p.os.kernel,
		OSImage:                 p.os.image,
		ContainerRuntimeVersion: p.os.runtime,
		KubeletVersion:          p.os.kubelet,
		OperatingSystem:         "linux",
		Architecture:            "amd64",
	}
	if kubeletMinor(p.os.kubelet) < 31 {
		// Kubelets stopped filling in the deprecated kube-proxy version in 1.31 (KEP-4004).
		info.KubeProxyVersion = p.os.kubelet
	}
	if kubeletMinor(p.os.kubelet) >= 30 {
		info.Swap = &corev1.NodeSwapStatus{Capacity: new(int64)}
	}
	return info
}

// kubeletMinor returns 37 for "v1.37.2".
func kubeletMinor(version string) int {
	parts := strings.Split(strings.TrimPrefix(version, "v"), ".")
	if len(parts) < 2 {
		return 0
	}
	n, _ := strconv.Atoi(parts[1])
	return n
}

// capacity fills capacity and allocatable the way the kubelet computes them: allocatable is
// capacity less kube-reserved, system-reserved and the hard eviction threshold.
func (b *nodeBuilder) capacity(m machine, maxPods int) {
	if maxPods == 0 {
		maxPods = 110
	}
	memKi := int64(m.memGi)*1024*1024 - 380*1024 - int64(m.memGi)*2100 // firmware and kernel reservations
	diskKi := int64(m.diskGi)*1024*1024 - int64(m.diskGi)*15_000       // filesystem overhead
	reservedCPU := 80 + (m.cpu-4)*5
	reservedMemKi := int64(1024+512+100) * 1024
	b.node.Status.Capacity = corev1.ResourceList{
		corev1.ResourceCPU:              *resource.NewQuantity(int64(m.cpu), resource.DecimalSI),
		corev1.ResourceMemory:           qty(fmt.Sprintf("%dKi", memKi)),
		corev1.ResourceEphemeralStorage: qty(fmt.Sprintf("%dKi", diskKi)),
		corev1.ResourcePods:             *resource.NewQuantity(int64(maxPods), resource.DecimalSI),
		"hugepages-1Gi":                 qty("0"),
		"hugepages-2Mi":                 qty("0"),
	}
	b.node.Status.Allocatable = corev1.ResourceList{
		corev1.ResourceCPU:              qty(fmt.Sprintf("%dm", m.cpu*1000-reservedCPU)),
		corev1.ResourceMemory:           qty(fmt.Sprintf("%dKi", memKi-reservedMemKi)),
		corev1.ResourceEphemeralStorage: *resource.NewQuantity(diskKi*1024/10*9, resource.DecimalSI),
		corev1.ResourcePods:             *resource.NewQuantity(int64(maxPods), resource.DecimalSI),
		"hugepages-1Gi":                 qty("0"),
		"hugepages-2Mi":                 qty("0"),
	}
}

// healthyConditions are what a healthy kubelet, Calico and (where it runs) node-problem-detector
// report; transitions date from the kubelet's last start.
func (b *nodeBuilder) healthyConditions(hb time.Time) []corev1.NodeCondition {
	up := b.boot.Add(40 * time.Second)
	var conds []corev1.NodeCondition
	if b.plan.npd {
		npdHB := b.s.now.Add(-(20*time.Second + jitter("npd/"+b.plan.name, 4*minute)))
		for _, c := range npdHealthy {
			conds = append(conds, condition(c.typ, corev1.ConditionFalse, c.reason, c.message, npdHB, b.boot.Add(90*time.Second)))
		}
	}
	calico := b.boot.Add(70 * time.Second)
	for _, h := range healthyNode {
		switch h.typ {
		case corev1.NodeNetworkUnavailable:
			conds = append(conds, condition(h.typ, h.status, h.reason, h.message, calico, calico))
		case corev1.NodeReady:
			conds = append(conds, condition(h.typ, h.status, h.reason, h.message, hb, up.Add(15*time.Second)))
		default:
			conds = append(conds, condition(h.typ, h.status, h.reason, h.message, hb, up))
		}
	}
	return conds
}

// healthyCondition is a node condition in its healthy state.
type healthyCondition struct {
	typ             corev1.NodeConditionType
	status          corev1.ConditionStatus
	reason, message string
}

// healthyNode are the conditions Calico (NetworkUnavailable) and the kubelet report on a healthy
// node, in the order they appear on one.
var healthyNode = []healthyCondition{
	{corev1.NodeNetworkUnavailable, corev1.ConditionFalse, "CalicoIsUp", "Calico is running on this node"},
	{corev1.NodeMemoryPressure, corev1.ConditionFalse, "KubeletHasSufficientMemory", "kubelet has sufficient memory available"},
	{corev1.NodeDiskPressure, corev1.ConditionFalse, "KubeletHasNoDiskPressure", "kubelet has no disk pressure"},
	{corev1.NodePIDPressure, corev1.ConditionFalse, "KubeletHasSufficientPID", "kubelet has sufficient PID available"},
	{corev1.NodeReady, corev1.ConditionTrue, "KubeletReady", "kubelet is posting ready status"},
}

type npdCondition struct {
	typ             corev1.NodeConditionType
	reason, message string
}

// npdHealthy are node-problem-detector's conditions in their healthy state, with its default
// reasons and messages.
var npdHealthy = []npdCondition{
	{"KernelDeadlock", "KernelHasNoDeadlock", "kernel has no deadlock"},
	{"ReadonlyFilesystem", "FilesystemIsNotReadOnly", "Filesystem is not read-only"},
	{"FrequentUnregisterNetDevice", "NoFrequentUnregisterNetDevice", "node is functioning properly"},
	{"FrequentKubeletRestart", "NoFrequentKubeletRestart", "kubelet is functioning properly"},
	{"FrequentContainerdRestart", "NoFrequentContainerdRestart", "containerd is functioning properly"},
	{"ContainerRuntimeUnhealthy", "ContainerRuntimeIsHealthy", "Container runtime on the node is functioning properly"},
}

// set replaces the condition of the same type, or appends it.
func (b *nodeBuilder) set(c corev1.NodeCondition) *nodeBuilder {
	setCondition(&b.node.Status.Conditions, c)
	return b
}

func setCondition(conds *[]corev1.NodeCondition, c corev1.NodeCondition) {
	for i := range *conds {
		if (*conds)[i].Type == c.Type {
			(*conds)[i] = c
			return
		}
	}
	*conds = append(*conds, c)
}

func findCondition(conds []corev1.NodeCondition, t corev1.NodeConditionType) *corev1.NodeCondition {
	for i := range conds {
		if conds[i].Type == t {
			return &conds[i]
		}
	}
	return nil
}

// notReady sets Ready=False with the kubelet's reason and message, since the given time, and the
// taints the node lifecycle controller adds for it.
func (b *nodeBuilder) notReady(message string, since time.Time) *nodeBuilder {
	ready := findCondition(b.node.Status.Conditions, corev1.NodeReady)
	b.set(condition(corev1.NodeReady, corev1.ConditionFalse, "KubeletNotReady", message, ready.LastHeartbeatTime.Time, since))
	tainted := since.Add(2 * time.Second)
	return b.taint(
		taint("node.kubernetes.io/not-ready", corev1.TaintEffectNoSchedule, &tainted),
		taint("node.kubernetes.io/not-ready", corev1.TaintEffectNoExecute, &tainted),
	)
}

func (b *nodeBuilder) taint(ts ...corev1.Taint) *nodeBuilder {
	b.node.Spec.Taints = append(b.node.Spec.Taints, ts...)
	return b
}

// heartbeat moves the last heartbeat of the kubelet-owned conditions.
func (b *nodeBuilder) heartbeat(at time.Time) *nodeBuilder {
	for i := range b.node.Status.Conditions {
		c := &b.node.Status.Conditions[i]
		if kubeletCondition(c.Type) {
			c.LastHeartbeatTime = mtime(at)
		}
	}
	return b
}

func kubeletCondition(t corev1.NodeConditionType) bool {
	switch t {
	case corev1.NodeReady, corev1.NodeMemoryPressure, corev1.NodeDiskPressure, corev1.NodePIDPressure:
		return true
	}
	return false
}

// noLease: kubelets before 1.14 do not renew a Lease (NodeLease was alpha in 1.12).
func (b *nodeBuilder) noLease() *nodeBuilder {
	b.lease = nil
	return b
}
