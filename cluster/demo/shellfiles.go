package demo

import (
	"fmt"
	"strings"

	"sigs.k8s.io/yaml"
)

// The demo shell's files: what cat and grep read from the node's filesystem (/etc/os-release,
// the kubelet's config, /proc, /var/log).

// file returns a file of the node's filesystem the demo knows.
func (s *demoShell) file(path string) (string, bool) {
	switch path {
	case "/etc/hostname":
		return s.node + "\n", true
	case "/etc/os-release", "/usr/lib/os-release":
		return osRelease(s.p), true
	case "/var/lib/kubelet/config.yaml":
		body, err := configz(s.p)
		if err != nil {
			return "", false
		}
		inner := strings.TrimSuffix(strings.TrimPrefix(string(body), `{"kubeletconfig":`), "}")
		y, err := yaml.JSONToYAML([]byte(inner))
		if err != nil {
			return "", false
		}
		return "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n" + string(y), true
	case "/proc/cgroups":
		return procCgroups(s.p, s.c.incident(s.node)), true
	case "/proc/loadavg":
		l := s.load()
		return fmt.Sprintf("%.2f %.2f %.2f 2/%d %d\n", l[0], l[1], l[2], 900+spread(s.node, 600), 40000+spread(s.node+"pid", 9000)), true
	case "/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf":
		return `# Note: This dropin only works with kubeadm and kubelet v1.11+
[Service]
Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"
Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"
# This is a file that "kubeadm init" and "kubeadm join" generates at runtime, populating the KUBELET_KUBEADM_ARGS variable dynamically
EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env
# This is a file that the user can use for overrides of the kubelet args as a last resort. Preferably, the user should use
# the .NodeRegistration.KubeletExtraArgs object in the configuration files instead. KUBELET_EXTRA_ARGS should be sourced from this file.
EnvironmentFile=-/etc/default/kubelet
ExecStart=
ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS
`, true
	}
	if strings.HasPrefix(path, "/var/log/") {
		if body, found := s.c.serveVarLog(s.p, strings.TrimPrefix(path, "/var/log/")); found && !isDir(s.c, s.p, strings.TrimPrefix(path, "/var/log/")) {
			return string(body), true
		}
	}
	return "", false
}

func (s *demoShell) cat(paths []string) (string, int) {
	var b strings.Builder
	code := 0
	for _, p := range paths {
		body, ok := s.file(p)
		if !ok {
			fmt.Fprintf(&b, "cat: %s: No such file or directory\n", p)
			code = 1
			continue
		}
		b.WriteString(body)
	}
	return b.String(), code
}

func osRelease(p nodePlan) string {
	switch p.os {
	case ubuntu2204:
		return `PRETTY_NAME="Ubuntu 22.04.5 LTS"
NAME="Ubuntu"
VERSION_ID="22.04"
VERSION="22.04.5 LTS (Jammy Jellyfish)"
VERSION_CODENAME=jammy
ID=ubuntu
ID_LIKE=debian
HOME_URL="https://www.ubuntu.com/"
SUPPORT_URL="https://help.ubuntu.com/"
BUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"
PRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"
UBUNTU_CODENAME=jammy
`
	case centos75, centos76:
		return `NAME="CentOS Linux"
VERSION="7 (Core)"
ID="centos"
ID_LIKE="rhel fedora"
VERSION_ID="7"
PRETTY_NAME="CentOS Linux 7 (Core)"
ANSI_COLOR="0;31"
CPE_NAME="cpe:/o:centos:centos:7"
HOME_URL="https://www.centos.org/"
BUG_REPORT_URL="https://bugs.centos.org/"

CENTOS_MANTISBT_PROJECT="CentOS-7"
CENTOS_MANTISBT_PROJECT_VERSION="7"
REDHAT_SUPPORT_PRODUCT="centos"
REDHAT_SUPPORT_PRODUCT_VERSION="7"

`
	}
	return `PRETTY_NAME="Ubuntu 24.04.3 LTS"
NAME="Ubuntu"
VERSION_ID="24.04"
VERSION="24.04.3 LTS (Noble Numbat)"
VERSION_CODENAME=noble
ID=ubuntu
ID_LIKE=debian
HOME_URL="https://www.ubuntu.com/"
SUPPORT_URL="https://help.ubuntu.com/"
BUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"
PRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"
UBUNTU_CODENAME=noble
LOGO=ubuntu-logo
`
}

// procCgroups: cgroup v1 on CentOS (legacy-03's memory controller full of leaked cgroups), v2 on Ubuntu.
func procCgroups(p nodePlan, incident bool) string {
	var b strings.Builder
	b.WriteString("#subsys_name\thierarchy\tnum_cgroups\tenabled\n")
	memory := 412
	if p.name == NodeCgroupLeak && incident {
		memory = 65535
	}
	for i, c := range []string{"cpuset", "cpu", "cpuacct", "blkio", "memory", "devices", "freezer", "net_cls", "perf_event", "net_prio", "hugetlb", "pids"} {
		hier, n := 0, 142
		if p.centos() {
			hier, n = 1+i%11, 318
			if c == "memory" {
				n = memory
			}
		}
		fmt.Fprintf(&b, "%s\t%d\t%d\t1\n", c, hier, n)
	}
	return b.String()
}
