package diag

import (
	"net/netip"
	"regexp"
	"strconv"
)

// version is a Kubernetes major.minor.patch, read leniently.
type version struct{ major, minor, patch int }

// versionPattern finds the numbers in "v1.12.10", "v1.28.3-eks-abc", "v1.27.4+k3s1", "1.30".
var versionPattern = regexp.MustCompile(`v?(\d+)\.(\d+)(?:\.(\d+))?`)

func parseVersion(s string) (version, bool) {
	m := versionPattern.FindStringSubmatch(s)
	if m == nil {
		return version{}, false
	}
	major, _ := strconv.Atoi(m[1])
	minor, _ := strconv.Atoi(m[2])
	patch, _ := strconv.Atoi(m[3])
	return version{major, minor, patch}, true
}

func (v version) lessThan(major, minor int) bool {
	return v.major < major || v.major == major && v.minor < minor
}

// minorsBehind is how many minor versions v is behind other (negative when ahead).
func (v version) minorsBehind(other version) int {
	if v.major != other.major {
		return (other.major-v.major)*100 + other.minor - v.minor
	}
	return other.minor - v.minor
}

// cidrAddresses is how many pod addresses a podCIDR holds: every address but the network, the
// broadcast and the gateway for IPv4; capped for IPv6, where it never runs out.
func cidrAddresses(cidr string) (int, bool) {
	p, err := netip.ParsePrefix(cidr)
	if err != nil {
		return 0, false
	}
	hostBits := p.Addr().BitLen() - p.Bits()
	if hostBits >= 24 {
		return 1 << 24, true
	}
	n := 1 << hostBits
	if p.Addr().Is4() && n >= 4 {
		n -= 3
	}
	return n, true
}

// kernel310 reads RHEL/CentOS 7 kernels ("3.10.0-862.el7.x86_64").
var kernel310 = regexp.MustCompile(`^3\.10\.`)
