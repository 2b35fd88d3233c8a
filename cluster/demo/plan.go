package demo

import "time"

// The demo cluster: a self-managed (kubeadm) cluster on EC2 in eu-central-1 that grew over time.
// Three control planes, a pool of Ubuntu 24.04 workers with containerd, a few workers not yet
// upgraded, and two CentOS 7 machines from before the migration that nobody dared to touch.

const (
	region = "eu-central-1"
	// ServerVersion is the API server's version the demo cluster reports.
	ServerVersion = "v1.37.2"
	// ClusterPodCIDR is the cluster's pod network; every node's podCIDR lies inside it.
	ClusterPodCIDR = "10.244.0.0/16"
)

// machine is an instance type as the kubelet sees it.
type machine struct {
	instanceType string
	cpu          int // cores
	memGi        int
	diskGi       int
}

var (
	m5xlarge  = machine{"m5.xlarge", 4, 16, 100}
	m52xlarge = machine{"m5.2xlarge", 8, 32, 120}
	m54xlarge = machine{"m5.4xlarge", 16, 64, 200}
	r52xlarge = machine{"r5.2xlarge", 8, 64, 120}
	m44xlarge = machine{"m4.4xlarge", 16, 64, 250}
)

// osProfile is what the kubelet reports in nodeInfo.
type osProfile struct {
	kubelet string
	kernel  string
	image   string
	runtime string
	// legacyLabels: a kubelet before 1.14 sets only the beta OS/arch labels.
	legacyLabels bool
}

var (
	ubuntu2404 = osProfile{kubelet: "v1.37.2", kernel: "6.8.0-1031-aws", image: "Ubuntu 24.04.3 LTS", runtime: "containerd://2.1.4"}
	ubuntu2204 = osProfile{kubelet: "v1.36.5", kernel: "5.15.0-1089-aws", image: "Ubuntu 22.04.5 LTS", runtime: "containerd://1.7.28"}
	centos75   = osProfile{kubelet: "v1.18.20", kernel: "3.10.0-862.el7.x86_64", image: "CentOS Linux 7 (Core)", runtime: "docker://19.3.15"}
	centos76   = osProfile{kubelet: "v1.12.10", kernel: "3.10.0-957.el7.x86_64", image: "CentOS Linux 7 (Core)", runtime: "docker://18.6.1", legacyLabels: true}
)

// nodePlan is where a node sits in the fleet.
type nodePlan struct {
	name    string
	zone    int // 0, 1, 2 → eu-central-1a, b, c
	host    int // last octet of its InternalIP in the zone's subnet 10.0.<zone+1>.0/24
	podCIDR string
	machine machine
	os      osProfile
	age     time.Duration // since it registered
	npd     bool          // runs node-problem-detector
	maxPods int
}

var plans = []nodePlan{
	{name: NodeCP1, zone: 0, host: 10, podCIDR: "10.244.0.0/24", machine: m5xlarge, os: ubuntu2404, age: 431 * day},
	{name: NodeCP2, zone: 1, host: 10, podCIDR: "10.244.1.0/24", machine: m5xlarge, os: ubuntu2404, age: 431 * day},
	{name: NodeCP3, zone: 2, host: 10, podCIDR: "10.244.2.0/24", machine: m5xlarge, os: ubuntu2404, age: 431 * day},
	{name: NodeWorker01, zone: 0, host: 21, podCIDR: "10.244.11.0/24", machine: m54xlarge, os: ubuntu2404, age: 212 * day, npd: true},
	{name: NodeWorker02, zone: 1, host: 22, podCIDR: "10.244.12.0/24", machine: m54xlarge, os: ubuntu2404, age: 212 * day, npd: true},
	{name: NodeWorker03, zone: 2, host: 23, podCIDR: "10.244.13.0/24", machine: m54xlarge, os: ubuntu2204, age: 305 * day, npd: true},
	{name: NodeFlapping, zone: 0, host: 24, podCIDR: "10.244.14.0/24", machine: m52xlarge, os: ubuntu2404, age: 97 * day, npd: true},
	{name: NodeRuntimeDown, zone: 1, host: 25, podCIDR: "10.244.15.0/24", machine: r52xlarge, os: ubuntu2404, age: 97 * day, npd: true},
	{name: NodeCNINotReady, zone: 2, host: 26, podCIDR: "10.244.16.0/24", machine: m52xlarge, os: ubuntu2404, age: 64 * day, npd: true},
	{name: NodePodIPExhausted, zone: 0, host: 28, podCIDR: "10.244.8.0/25", machine: m54xlarge, os: ubuntu2404, age: 151 * day, npd: true},
	{name: NodeDiskPressure, zone: 1, host: 29, podCIDR: "10.244.19.0/24", machine: r52xlarge, os: ubuntu2204, age: 183 * day, npd: true},
	{name: NodeMemoryPressure, zone: 2, host: 30, podCIDR: "10.244.20.0/24", machine: m5xlarge, os: ubuntu2404, age: 64 * day, npd: true},
	{name: NodeUnreachable, zone: 0, host: 31, podCIDR: "10.244.21.0/24", machine: r52xlarge, os: ubuntu2404, age: 38 * day, npd: true},
	{name: NodeCordoned, zone: 1, host: 32, podCIDR: "10.244.22.0/24", machine: m52xlarge, os: ubuntu2404, age: 38 * day, npd: true},
	{name: NodeCgroupLeak, zone: 2, host: 103, podCIDR: "10.244.30.0/24", machine: m44xlarge, os: centos75, age: 698 * day},
	{name: NodePLEG, zone: 0, host: 107, podCIDR: "10.244.32.0/22", machine: m44xlarge, os: centos76, age: 1104 * day, maxPods: 600},
}

func zoneName(z int) string { return region + string(rune('a'+z)) }
