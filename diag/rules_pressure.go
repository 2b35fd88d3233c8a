package diag

import (
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	resourcehelper "k8s.io/component-helpers/resource"
)

// Rules about the node running out of something: memory, disk, inodes, PIDs, room for more pods.

// pressure describes one kind of kubelet pressure and how it shows.
type pressure struct {
	id        string
	condition corev1.NodeConditionType
	// evictionWords appear in the kubelet's eviction message ("low on resource: memory").
	evictionWords []string
	// eventMatch finds the node events that show it.
	eventMatch func(*corev1.Event) bool
	title      string
	label      string
}

// pressureEvidence gathers the condition, the node events and the evicted pods of one pressure.
// current says the condition is True now; otherwise the evidence is from the last hour.
func (d *diagnosis) pressureEvidence(p pressure) (evidence []string, evicted []*corev1.Pod, current bool) {
	ev := d.ev
	if p.condition != "" {
		if c := ev.condition(p.condition); c != nil && c.Status == corev1.ConditionTrue {
			evidence = append(evidence, ev.conditionEvidence(c))
			current = true
		}
	}
	if p.eventMatch != nil {
		evidence = append(evidence, ev.quoteEvents(ev.nodeEvents(p.eventMatch), 3)...)
	}
	if len(p.evictionWords) > 0 {
		evicted = ev.evictedFor(0, p.evictionWords...)
		for i, pod := range ev.evictedFor(recentWindow, p.evictionWords...) {
			if i == 3 {
				evidence = append(evidence, fmt.Sprintf("… and %d more pods evicted for it in the last hour", len(evicted)-3))
				break
			}
			evidence = append(evidence, ev.quotePodMessage(pod))
		}
	}
	return evidence, evicted, current
}

// pressureFinding builds the finding: critical while the condition is True, a warning when only the
// last hour's events and evictions show it.
func (d *diagnosis) pressureFinding(p pressure, sev Severity) (Finding, bool) {
	evidence, evicted, current := d.pressureEvidence(p)
	if len(evidence) == 0 {
		return Finding{}, false
	}
	f := Finding{ID: p.id, Severity: sev, Title: p.title, Label: p.label, Evidence: evidence, Pods: podKeys(evicted)}
	if !current && p.condition != "" {
		f.Severity = min(sev, SeverityWarning)
		f.Title = p.title + " in the last hour (the condition has cleared)"
		f.Label = p.label + " (recent)"
	}
	return f, true
}

var memoryPressure = pressure{
	id: IDMemoryPressure, condition: corev1.NodeMemoryPressure,
	evictionWords: []string{"low on resource: memory", "[MemoryPressure]"},
	eventMatch: func(e *corev1.Event) bool {
		return e.Reason == "SystemOOM" || e.Reason == "OOMKilling" ||
			e.Reason == "EvictionThresholdMet" && containsAny(e.Message, "reclaim memory")
	},
	title: "The node is low on memory and the kubelet is evicting pods", label: "MemoryPressure",
}

func checkMemoryPressure(d *diagnosis) []Finding {
	f, ok := d.pressureFinding(memoryPressure, SeverityCritical)
	if !ok {
		return nil
	}
	ev := d.ev
	f.Evidence = append(f.Evidence, ev.memoryCommitment()...)
	f.Why = "Free memory on the node fell below the kubelet's eviction threshold. The kubelet evicts pods, " +
		"starting with those using the most memory above their request, and the kernel may OOM-kill processes " +
		"before it gets there. When the pods' memory limits add up to more than the node has, the node is " +
		"overcommitted: every pod may stay within its limit and still run the node out of memory."
	f.NextSteps = []NextStep{
		{Text: "See which pods use the most memory (needs metrics-server)", Command: "kubectl top pods -A --sort-by=memory | head -20"},
		{Text: "Compare requests and limits with allocatable memory", Command: "kubectl describe node " + ev.nodeName()},
		{Text: "See what uses memory on the machine", Command: "free -m; ps aux --sort=-rss | head -15", OnNode: true},
		{Text: "Reduce the load: set memory limits close to requests on the heaviest pods, move some away, or add capacity"},
	}
	if line := reflectorLeakEvidence(ev.Kubelet); line != "" {
		// The kubelet itself may be what eats the memory (seed 002).
		f.Evidence = append(f.Evidence, line)
		f.NextSteps = append(f.NextSteps, NextStep{
			Text:    "The kubelet's own reflector metrics leak memory: restart it to release the memory, and upgrade it to 1.14 or newer",
			Command: "systemctl restart kubelet", OnNode: true})
	}
	f.Actions = []Action{cordon(), drain()}
	return []Finding{f}
}

// memoryCommitment quotes the node's memory requests and limits against allocatable, with the pods
// that have the largest limits.
func (ev *Evidence) memoryCommitment() []string {
	alloc, ok := ev.Node.Status.Allocatable[corev1.ResourceMemory]
	if !ok || alloc.IsZero() {
		return nil
	}
	type podMem struct {
		key        string
		req, limit int64
	}
	var pods []podMem
	var reqSum, limSum int64
	for _, p := range ev.activePods() {
		req, lim := podMemory(p)
		reqSum += req
		limSum += lim
		pods = append(pods, podMem{podKey(p), req, lim})
	}
	sort.SliceStable(pods, func(i, j int) bool { return pods[i].limit > pods[j].limit })
	total := alloc.Value()
	out := []string{fmt.Sprintf("memory requests %s (%d%%), limits %s (%d%%) of %s allocatable",
		bytes(reqSum), reqSum*100/total, bytes(limSum), limSum*100/total, bytes(total))}
	if limSum > total {
		out[0] += ": overcommitted"
	}
	for i, p := range pods {
		if i == 3 || p.limit == 0 {
			break
		}
		out = append(out, fmt.Sprintf("pod %s requests %s, limit %s", p.key, bytes(p.req), bytes(p.limit)))
	}
	return out
}

func podQuantity(l corev1.ResourceList, name corev1.ResourceName) int64 {
	q := l[name]
	return q.Value()
}

// podMemory is the pod's memory request and limit in bytes, as the scheduler and kubectl count them.
func podMemory(p *corev1.Pod) (request, limit int64) {
	return podQuantity(resourcehelper.PodRequests(p, resourcehelper.PodResourcesOptions{}), corev1.ResourceMemory),
		podQuantity(resourcehelper.PodLimits(p, resourcehelper.PodResourcesOptions{}), corev1.ResourceMemory)
}

// bytes renders a byte count for people: "9.1Gi", "512Mi", "300Ki".
func bytes(n int64) string {
	units := []string{"Ki", "Mi", "Gi", "Ti"}
	v, unit := float64(n), ""
	for _, u := range units {
		if v < 1024 {
			break
		}
		v, unit = v/1024, u
	}
	if unit == "" {
		return fmt.Sprintf("%dB", n)
	}
	if v < 10 && v != float64(int64(v)) {
		return fmt.Sprintf("%.1f%s", v, unit)
	}
	return fmt.Sprintf("%.0f%s", v, unit)
}

// amount renders a quantity of the resource for people: bytes for memory and storage, cores for CPU.
func amount(name corev1.ResourceName, q resource.Quantity) string {
	switch name {
	case corev1.ResourceMemory, corev1.ResourceEphemeralStorage:
		return bytes(q.Value())
	case corev1.ResourceCPU:
		return fmt.Sprintf("%.2g cores", float64(q.MilliValue())/1000)
	}
	return q.String()
}

var diskPressure = pressure{
	id: IDDiskPressure, condition: corev1.NodeDiskPressure,
	evictionWords: []string{"low on resource: ephemeral-storage", "low on resource: nodefs", "low on resource: imagefs", "[DiskPressure]"},
	eventMatch: func(e *corev1.Event) bool {
		return containsAny(e.Message, "failed to garbage collect required amount of images") ||
			e.Reason == "EvictionThresholdMet" && containsAny(e.Message, "ephemeral-storage", "nodefs", "imagefs")
	},
	title: "The node is low on disk and the kubelet is evicting pods", label: "DiskPressure",
}

func checkDiskPressure(d *diagnosis) []Finding {
	f, ok := d.pressureFinding(diskPressure, SeverityCritical)
	if !ok {
		return nil
	}
	ev := d.ev
	for i, img := range LargestImages(ev.Node.Status.Images) {
		if i == 5 {
			break
		}
		name := "<untagged>"
		if len(img.Names) > 0 {
			name = img.Names[len(img.Names)-1]
		}
		f.Evidence = append(f.Evidence, fmt.Sprintf("image %s: %s", name, bytes(img.SizeBytes)))
	}
	var local []string
	for _, p := range ev.activePods() {
		for _, v := range p.Spec.Volumes {
			// Node agents mount host paths to read them; the disk fills from workloads.
			if v.EmptyDir != nil && v.EmptyDir.Medium != corev1.StorageMediumMemory || v.HostPath != nil && !nodeAgent(p) {
				local = append(local, podKey(p))
				break
			}
		}
	}
	if len(local) > 0 {
		f.Evidence = append(f.Evidence, "pods writing to the node's disk through emptyDir or hostPath volumes: "+strings.Join(firstN(local, 6), ", "))
	}
	f.Why = "The node's root filesystem (nodefs) or image filesystem (imagefs) fell below the kubelet's " +
		"threshold. The kubelet first deletes unused images, then evicts pods using the most local storage. " +
		"Images in use and containers writing into their writable layer or emptyDir are the usual cause; " +
		"when the image garbage collector finds nothing to free, evictions continue until space is freed."
	f.NextSteps = []NextStep{
		{Text: "See which filesystem is full", Command: "df -h /var/lib/kubelet /var/lib/containerd /var/log", OnNode: true},
		{Text: "Remove images no container uses", Command: "crictl rmi --prune", OnNode: true},
		{Text: "Find what takes the space", Command: "du -xh --max-depth=3 /var/lib | sort -h | tail -20", OnNode: true},
		{Text: "Give pods that write scratch data an emptyDir with a sizeLimit, or a volume of their own"},
	}
	f.Actions = []Action{cordon(), drain(), nodeShell()}
	return []Finding{f}
}

// LargestImages returns a copy of the images ordered largest first, then by first name, so the
// order is stable.
func LargestImages(images []corev1.ContainerImage) []corev1.ContainerImage {
	out := append([]corev1.ContainerImage(nil), images...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].SizeBytes != out[j].SizeBytes {
			return out[i].SizeBytes > out[j].SizeBytes
		}
		return firstName(out[i].Names) < firstName(out[j].Names)
	})
	return out
}

func firstName(names []string) string {
	if len(names) == 0 {
		return ""
	}
	return names[0]
}

func firstN(list []string, n int) []string {
	if len(list) <= n {
		return list
	}
	return append(list[:n:n], fmt.Sprintf("… %d more", len(list)-n))
}

var inodePressure = pressure{
	id:            IDInodePressure,
	evictionWords: []string{"low on resource: inodes", "low on resource: nodefsInodes", "low on resource: imagefsInodes"},
	eventMatch: func(e *corev1.Event) bool {
		return containsAny(e.Message, "reclaim inodes", "reclaim nodefsInodes", "reclaim imagefsInodes")
	},
	title: "The node's filesystem ran out of inodes", label: "inodes low",
}

func checkInodePressure(d *diagnosis) []Finding {
	f, ok := d.pressureFinding(inodePressure, SeverityWarning)
	if !ok {
		return nil
	}
	f.Why = "Every file needs an inode, and a filesystem has a fixed number of them. Millions of small files " +
		"(a runtime's state directory, a cache, logs split per request) use them up while the disk still " +
		"shows free space, and then nothing can create a file: not the kubelet, not the runtime, not the pods."
	f.NextSteps = []NextStep{
		{Text: "See which filesystem is out of inodes", Command: "df -i", OnNode: true},
		{Text: "Find the directories with the most files", Command: "du --inodes -x / 2>/dev/null | sort -n | tail -20", OnNode: true},
	}
	f.Actions = []Action{nodeShell()}
	return []Finding{f}
}

func checkPIDPressure(d *diagnosis) []Finding {
	ev := d.ev
	c := ev.condition(corev1.NodePIDPressure)
	if c == nil || c.Status != corev1.ConditionTrue {
		return nil
	}
	return []Finding{{
		ID: IDPIDPressure, Severity: SeverityCritical, Title: "The node is running out of process IDs",
		Label: "PIDPressure", Evidence: []string{ev.conditionEvidence(c)},
		Why: "Every process and thread takes a process ID, and the kernel has a fixed number of them. When they " +
			"run out, nothing on the node can start a process or a thread, including the kubelet and the runtime. " +
			"Usually one program leaks threads or forks without end.",
		NextSteps: []NextStep{
			{Text: "See the limit", Command: "sysctl kernel.pid_max", OnNode: true},
			{Text: "Find the processes with the most threads", Command: "ps -eo pid,nlwp,comm --sort=-nlwp | head -15", OnNode: true},
			{Text: "Map the worst PID to its pod: the pod UID is in its cgroup path", Command: "cat /proc/<pid>/cgroup", OnNode: true},
			{Text: "Set a pod PID limit (kubelet podPidsLimit) so one pod cannot exhaust the node"},
		},
		Actions: []Action{cordon(), drain(), nodeShell()},
	}}
}

// fullAt is the share of allocatable at which a node counts as full.
const fullAt = 90

func checkInsufficientResources(d *diagnosis) []Finding {
	ev := d.ev
	used := ev.requested()
	var evidence []string
	label, worst := "", int64(0)
	full := map[corev1.ResourceName]bool{}
	for _, name := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory, corev1.ResourceEphemeralStorage, corev1.ResourcePods} {
		alloc, ok := ev.Node.Status.Allocatable[name]
		if !ok || alloc.IsZero() {
			continue
		}
		u := used[name]
		pct := u.MilliValue() * 100 / alloc.MilliValue()
		if pct >= fullAt {
			full[name] = true
			if pct > worst {
				worst, label = pct, fmt.Sprintf("%s %d%% requested", name, pct)
			}
			evidence = append(evidence, fmt.Sprintf("%s requests %s of %s allocatable (%d%%)", name, amount(name, u), amount(name, alloc), pct))
		}
	}
	if len(evidence) == 0 {
		return nil
	}
	var pending []string
	for _, p := range ev.Cluster.Pending {
		msg := unschedulableMessage(p)
		if msg == "" || !containsAny(msg, "Insufficient", "Too many pods") {
			continue
		}
		if need := ev.shortOf(p, used, msg, full); need != "" {
			pending = append(pending, p.Namespace+"/"+p.Name)
			if len(pending) <= 3 {
				evidence = append(evidence, fmt.Sprintf("pod %s/%s Pending, short of %s here: %s", p.Namespace, p.Name, need, quote(msg)))
			}
		}
	}
	return []Finding{{
		ID: IDInsufficientResources, Severity: SeverityWarning, Title: "The node is nearly fully allocated",
		Label: label, Evidence: evidence, Pods: pending,
		Why: "The scheduler places a pod only where its request fits into allocatable minus what is already " +
			"requested, whatever the pods actually use. A node whose requests are at 90% or more takes almost " +
			"nothing new; if many nodes are like this, pods stay Pending with \"Insufficient cpu\" or memory.",
		NextSteps: []NextStep{
			{Text: "Read the allocation table (requests and limits as % of allocatable)", Command: "kubectl describe node " + ev.nodeName()},
			{Text: "Find pods whose requests are far above their use (needs metrics-server)", Command: "kubectl top pods -A --sort-by=cpu"},
			{Text: "Lower oversized requests, or add nodes"},
		},
	}}
}

// requested sums the requests of the node's active pods, with the pod count.
func (ev *Evidence) requested() corev1.ResourceList {
	out := corev1.ResourceList{}
	active := ev.activePods()
	if ev.Requested != nil {
		for name, q := range ev.Requested {
			out[name] = q
		}
	} else {
		for _, p := range active {
			for name, q := range resourcehelper.PodRequests(p, resourcehelper.PodResourcesOptions{}) {
				sum := out[name]
				sum.Add(q)
				out[name] = sum
			}
		}
	}
	out[corev1.ResourcePods] = *resource.NewQuantity(int64(len(active)), resource.DecimalSI)
	return out
}

// shortOf names a resource the scheduler said is insufficient for the pod, that this node is full of
// and has too little of left for the pod's request; "" when this node is not why the pod waits.
func (ev *Evidence) shortOf(p *corev1.Pod, used corev1.ResourceList, message string, full map[corev1.ResourceName]bool) string {
	req := resourcehelper.PodRequests(p, resourcehelper.PodResourcesOptions{})
	req[corev1.ResourcePods] = *resource.NewQuantity(1, resource.DecimalSI)
	for _, name := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory, corev1.ResourceEphemeralStorage, corev1.ResourcePods} {
		need, ok := req[name]
		if !ok || need.IsZero() {
			continue
		}
		// The scheduler says "Too many pods" for the pod count, "Insufficient <resource>" otherwise.
		said := containsAny(message, "Insufficient "+string(name)) || name == corev1.ResourcePods && containsAny(message, "Too many pods")
		if !full[name] || !said {
			continue
		}
		alloc := ev.Node.Status.Allocatable[name]
		left := alloc.DeepCopy()
		left.Sub(used[name])
		if need.Cmp(left) > 0 {
			return string(name)
		}
	}
	return ""
}

// unschedulableMessage is the scheduler's explanation on a Pending pod ("0/16 nodes are available: …").
func unschedulableMessage(p *corev1.Pod) string {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse && c.Reason == corev1.PodReasonUnschedulable {
			return c.Message
		}
	}
	return ""
}
