package demo

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// Everything random-looking in the demo (names, UIDs, digests, container IDs) is derived from a
// hash of what it names, so adding a pod never renames another and two seeds are identical.

const (
	minute = time.Minute
	hour   = time.Hour
	day    = 24 * time.Hour
)

func digest(parts ...string) []byte {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return sum[:]
}

// hex64 is a 64-character hex string, the shape of container, sandbox and image IDs.
func hex64(parts ...string) string { return hex.EncodeToString(digest(parts...)) }

// uid is a version-4-shaped UUID.
func uid(parts ...string) types.UID {
	b := digest(append([]string{"uid"}, parts...)...)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:16])
	return types.UID(h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32])
}

// safeAlphabet is the alphabet of generated name suffixes and pod-template hashes
// (k8s.io/apimachinery/pkg/util/rand: no vowels, no confusable digits).
const safeAlphabet = "bcdfghjklmnpqrstvwxz2456789"

// suffix returns n characters of the generated-name alphabet.
func suffix(seed string, n int) string {
	b := digest("suffix", seed)
	var sb strings.Builder
	for i := range n {
		sb.WriteByte(safeAlphabet[int(b[i])%len(safeAlphabet)])
	}
	return sb.String()
}

// templateHash is a pod-template-hash, as a Deployment's ReplicaSets carry (9 or 10 characters).
func templateHash(seed string) string {
	n := 9 + int(digest("len", seed)[0])%2
	return suffix("template/"+seed, n)
}

// spread returns a deterministic value in [0, n) for seed.
func spread(seed string, n int) int {
	if n <= 0 {
		return 0
	}
	return int(binary.BigEndian.Uint32(digest("spread", seed)) % uint32(n))
}

// jitter returns a duration in [0, max) derived from seed.
func jitter(seed string, max time.Duration) time.Duration {
	if max <= 0 {
		return 0
	}
	return time.Duration(binary.BigEndian.Uint64(digest("jitter", seed)) % uint64(max))
}

func mtime(t time.Time) metav1.Time { return metav1.NewTime(t.Truncate(time.Second)) }

func mptr(t time.Time) *metav1.Time {
	m := mtime(t)
	return &m
}

func qty(s string) resource.Quantity { return resource.MustParse(s) }

// resources builds requests and limits from "cpu/memory" strings; "" leaves that side unset and
// "-" leaves one resource unset.
func resources(requests, limits string) corev1.ResourceRequirements {
	return corev1.ResourceRequirements{Requests: resourceList(requests), Limits: resourceList(limits)}
}

func resourceList(spec string) corev1.ResourceList {
	if spec == "" {
		return nil
	}
	cpu, mem, _ := strings.Cut(spec, "/")
	list := corev1.ResourceList{}
	if cpu != "" && cpu != "-" {
		list[corev1.ResourceCPU] = qty(cpu)
	}
	if mem != "" && mem != "-" {
		list[corev1.ResourceMemory] = qty(mem)
	}
	return list
}

func taint(key string, effect corev1.TaintEffect, added *time.Time) corev1.Taint {
	t := corev1.Taint{Key: key, Effect: effect}
	if added != nil {
		t.TimeAdded = mptr(*added)
	}
	return t
}

func condition(typ corev1.NodeConditionType, status corev1.ConditionStatus, reason, message string, heartbeat, transition time.Time) corev1.NodeCondition {
	return corev1.NodeCondition{
		Type: typ, Status: status, Reason: reason, Message: message,
		LastHeartbeatTime: mtime(heartbeat), LastTransitionTime: mtime(transition),
	}
}

// ipv4 is a tiny IPv4 helper for the demo's address plan.
type ipv4 [4]byte

func parseCIDR(cidr string) (ipv4, int) {
	var a, b, c, d, bits int
	if _, err := fmt.Sscanf(cidr, "%d.%d.%d.%d/%d", &a, &b, &c, &d, &bits); err != nil {
		panic(fmt.Sprintf("demo: bad CIDR %q: %v", cidr, err))
	}
	return ipv4{byte(a), byte(b), byte(c), byte(d)}, bits
}

func (ip ipv4) uint() uint32 { return binary.BigEndian.Uint32(ip[:]) }

func (ip ipv4) String() string { return fmt.Sprintf("%d.%d.%d.%d", ip[0], ip[1], ip[2], ip[3]) }

func fromUint(n uint32) ipv4 {
	var ip ipv4
	binary.BigEndian.PutUint32(ip[:], n)
	return ip
}

// hostAddr returns the i-th address of a CIDR (1 is the first usable one).
func hostAddr(cidr string, i int) string {
	base, _ := parseCIDR(cidr)
	return fromUint(base.uint() + uint32(i)).String()
}

// cidrHosts is the number of usable host addresses of a CIDR (network and broadcast excluded).
func cidrHosts(cidr string) int {
	_, bits := parseCIDR(cidr)
	return 1<<(32-bits) - 2
}

// cidrContains reports whether ip lies in cidr.
func cidrContains(cidr, ip string) bool {
	base, bits := parseCIDR(cidr)
	addr, _ := parseCIDR(ip + "/32")
	mask := ^uint32(0) << (32 - bits)
	return addr.uint()&mask == base.uint()&mask
}

// formatAgo renders a duration the way Go prints the kubelet's PLEG threshold message
// ("3m12s", not "3m12.000s").
func formatAgo(d time.Duration) string { return d.Truncate(time.Second).String() }
