package diag

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

const (
	fxEvictMemory  = "The node was low on resource: memory. Threshold quantity: 100Mi, available: 85432Ki. Container app was using 3Gi, request is 512Mi, has larger consumption of memory. "
	fxEvictDisk    = "The node was low on resource: ephemeral-storage. Threshold quantity: 10Gi, available: 9012Mi. Container app was using 6Gi, request is 0, has larger consumption of ephemeral-storage. "
	fxEvictInodes  = "The node was low on resource: inodes. "
	fxOOMKilling   = "Out of memory: Killed process 28765 (java) total-vm:8388608kB, anon-rss:4194304kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:9000kB oom_score_adj:993"
	fxImageGCNew   = "Failed to garbage collect required amount of images. Attempted to free 4156174745 bytes, but only found 0 bytes eligible to free."
	fxImageGCOld   = "failed to garbage collect required amount of images. Wanted to free 4156174745 bytes, but freed 0 bytes"
	fxInsufficient = "0/5 nodes are available: 3 Insufficient cpu, 2 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/5 nodes are available: 5 No preemption victims found for incoming pod."
)

// fxWithEvent returns a builder adding a node event to the healthy node.
func fxWithEvent(typ, reason, msg string, ago time.Duration) func() *Evidence {
	return func() *Evidence {
		ev := fxHealthy()
		ev.Events = append(ev.Events, fxNodeEvent(typ, reason, msg, ago, 3))
		return ev
	}
}

// fxWithEvicted returns a builder adding a pod the kubelet evicted ago with the message.
func fxWithEvicted(msg string, ago time.Duration) func() *Evidence {
	return func() *Evidence {
		ev := fxHealthy()
		ev.Pods = append(ev.Pods, fxPod("shop", "search-5c7d9f8b4-z2kq8", fxEvicted(msg, ago)))
		return ev
	}
}

func fxWithCondition(t corev1.NodeConditionType, reason, msg string) func() *Evidence {
	return func() *Evidence {
		ev := fxHealthy()
		fxSetCondition(ev, t, corev1.ConditionTrue, reason, msg, 3*time.Minute)
		return ev
	}
}

// fxRecent checks a pressure finding drawn from the last hour only is labelled as such.
func fxRecent(t *testing.T, f *Finding, _ []Finding) {
	if !strings.Contains(f.Title, "the condition has cleared") || !strings.HasSuffix(f.Label, "(recent)") {
		t.Errorf("title %q, label %q: not marked as a cleared, recent pressure", f.Title, f.Label)
	}
}

func pressurePositives() []fxCase {
	return []fxCase{
		// memory-pressure
		{id: IDMemoryPressure, name: "MemoryPressure=True", primary: true, sev: SeverityCritical,
			build:    fxWithCondition(corev1.NodeMemoryPressure, "KubeletHasInsufficientMemory", "kubelet has insufficient memory available"),
			verbatim: []string{"condition MemoryPressure=True (KubeletHasInsufficientMemory)", "kubelet has insufficient memory available", "of 16Gi allocatable"},
			check: func(t *testing.T, f *Finding, _ []Finding) {
				fxAssertOnNode(t, f, "free -m")
				if strings.Contains(f.Title, "cleared") {
					t.Errorf("current pressure titled %q", f.Title)
				}
			}},
		{id: IDMemoryPressure, name: "overcommitted limits named", sev: SeverityCritical,
			build: func() *Evidence {
				ev := fxWithCondition(corev1.NodeMemoryPressure, "KubeletHasInsufficientMemory", "kubelet has insufficient memory available")()
				for _, name := range []string{"trainer-7b9d-a1", "trainer-7b9d-b2", "trainer-7b9d-c3"} {
					p := fxPod("ml", name, fxRequests("500m", "4Gi"))
					p.Spec.Containers[0].Resources.Limits[corev1.ResourceMemory] = resource.MustParse("8Gi")
					ev.Pods = append(ev.Pods, p)
				}
				return ev
			},
			verbatim: []string{": overcommitted", "pod ml/trainer-7b9d-a1 requests 4Gi, limit 8Gi"}},
		{id: IDMemoryPressure, name: "EvictionThresholdMet reclaim memory", sev: SeverityWarning,
			build:    fxWithEvent(corev1.EventTypeWarning, "EvictionThresholdMet", "Attempting to reclaim memory", 10*time.Minute),
			verbatim: []string{"EvictionThresholdMet ×3 on node", "Attempting to reclaim memory"}, check: fxRecent},
		{id: IDMemoryPressure, name: "SystemOOM", sev: SeverityWarning,
			build:    fxWithEvent(corev1.EventTypeWarning, "SystemOOM", "System OOM encountered, victim process: java, pid: 28765", 5*time.Minute),
			verbatim: []string{"System OOM encountered, victim process: java, pid: 28765"}, check: fxRecent},
		{id: IDMemoryPressure, name: "NPD OOMKilling", sev: SeverityWarning,
			build:    fxWithEvent(corev1.EventTypeWarning, "OOMKilling", fxOOMKilling, 7*time.Minute),
			verbatim: []string{fxOOMKilling}},
		{id: IDMemoryPressure, name: "pod evicted with the old kubelets' [MemoryPressure] wording", sev: SeverityWarning,
			build: fxWithEvicted("The node was low on resource: [MemoryPressure].", 15*time.Minute), verbatim: []string{"[MemoryPressure]"},
			pods: []string{"shop/search-5c7d9f8b4-z2kq8"}, not: []string{IDDiskPressure}},
		{id: IDMemoryPressure, name: "pod evicted for memory", sev: SeverityWarning,
			build:    fxWithEvicted(fxEvictMemory, 15*time.Minute),
			verbatim: []string{fxEvictMemory, "pod shop/search-5c7d9f8b4-z2kq8 Evicted, 15m ago"}, pods: []string{"shop/search-5c7d9f8b4-z2kq8"},
			not: []string{IDDiskPressure, IDInodePressure}},

		// disk-pressure
		{id: IDDiskPressure, name: "DiskPressure=True with images and scratch volumes", primary: true, sev: SeverityCritical,
			build: func() *Evidence {
				ev := fxWithCondition(corev1.NodeDiskPressure, "KubeletHasDiskPressure", "kubelet has disk pressure")()
				ev.Pods = append(ev.Pods, fxPod("ml", "trainer-7b9d-a1", fxVolumes(corev1.Volume{Name: "scratch",
					VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}})))
				ev.Pods[3].Spec.Volumes = []corev1.Volume{{Name: "root", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/"}}}}
				return ev
			},
			verbatim: []string{"condition DiskPressure=True (KubeletHasDiskPressure)", "kubelet has disk pressure",
				"image ghcr.io/acme/ml-trainer:2.4.1: 6.9Gi", "emptyDir or hostPath volumes: ml/trainer-7b9d-a1"},
			check: func(t *testing.T, f *Finding, _ []Finding) {
				fxAssertOnNode(t, f, "crictl rmi --prune")
				fxAssertOnNode(t, f, "df -h")
				if fxEvidenceHas(f, "monitoring/node-exporter") {
					t.Errorf("a node agent's hostPath blamed for filling the disk: %q", f.Evidence)
				}
				// Largest image first.
				for _, line := range f.Evidence {
					if strings.HasPrefix(line, "image ") {
						if !strings.Contains(line, "ml-trainer") {
							t.Errorf("first image line %q is not the largest image", line)
						}
						break
					}
				}
			}},
		{id: IDDiskPressure, name: "image GC failed (current wording)", sev: SeverityWarning,
			build: fxWithEvent(corev1.EventTypeWarning, "ImageGCFailed", fxImageGCNew, 4*time.Minute), verbatim: []string{fxImageGCNew}, check: fxRecent},
		{id: IDDiskPressure, name: "image GC failed (old wording)", sev: SeverityWarning,
			build: fxWithEvent(corev1.EventTypeWarning, "ImageGCFailed", fxImageGCOld, 4*time.Minute), verbatim: []string{fxImageGCOld}},
		{id: IDDiskPressure, name: "EvictionThresholdMet reclaim ephemeral-storage", sev: SeverityWarning,
			build:    fxWithEvent(corev1.EventTypeWarning, "EvictionThresholdMet", "Attempting to reclaim ephemeral-storage", 8*time.Minute),
			verbatim: []string{"Attempting to reclaim ephemeral-storage"}, not: []string{IDMemoryPressure, IDInodePressure}},
		{id: IDDiskPressure, name: "pod evicted for ephemeral-storage", sev: SeverityWarning,
			build: fxWithEvicted(fxEvictDisk, 20*time.Minute), verbatim: []string{fxEvictDisk}, pods: []string{"shop/search-5c7d9f8b4-z2kq8"},
			not: []string{IDMemoryPressure, IDInodePressure}},
		{id: IDDiskPressure, name: "pod evicted with the old kubelets' [DiskPressure] wording (seed 004)", sev: SeverityWarning,
			build: fxWithEvicted("Pod The node was low on resource: [DiskPressure].", 20*time.Minute), verbatim: []string{"[DiskPressure]"},
			pods: []string{"shop/search-5c7d9f8b4-z2kq8"}, not: []string{IDMemoryPressure}},
		{id: IDDiskPressure, name: "pod evicted for imagefs (old kubelet)", sev: SeverityWarning,
			build: fxWithEvicted("The node was low on resource: imagefs.", 20*time.Minute), verbatim: []string{"The node was low on resource: imagefs."}},

		// inode-pressure
		{id: IDInodePressure, name: "pod evicted for inodes", primary: true, sev: SeverityWarning,
			build: fxWithEvicted(fxEvictInodes, 10*time.Minute), verbatim: []string{fxEvictInodes}, pods: []string{"shop/search-5c7d9f8b4-z2kq8"},
			not: []string{IDMemoryPressure, IDDiskPressure},
			check: func(t *testing.T, f *Finding, _ []Finding) {
				fxAssertOnNode(t, f, "df -i")
				fxAssertOnNode(t, f, "du --inodes")
			}},
		{id: IDInodePressure, name: "EvictionThresholdMet reclaim inodes", sev: SeverityWarning,
			build:    fxWithEvent(corev1.EventTypeWarning, "EvictionThresholdMet", "Attempting to reclaim inodes", 10*time.Minute),
			verbatim: []string{"Attempting to reclaim inodes"}, not: []string{IDDiskPressure, IDMemoryPressure}},
		{id: IDInodePressure, name: "with DiskPressure, linked", sev: SeverityWarning,
			build: func() *Evidence {
				ev := fxWithEvicted(fxEvictInodes, 10*time.Minute)()
				fxSetCondition(ev, corev1.NodeDiskPressure, corev1.ConditionTrue, "KubeletHasDiskPressure", "kubelet has disk pressure", 12*time.Minute)
				return ev
			},
			also: []string{IDDiskPressure},
			check: func(t *testing.T, f *Finding, _ []Finding) {
				if !slices.Contains(f.Related, IDDiskPressure) {
					t.Errorf("Related %v lacks disk-pressure", f.Related)
				}
			}},

		// pid-pressure
		{id: IDPIDPressure, name: "PIDPressure=True", primary: true, sev: SeverityCritical,
			build:    fxWithCondition(corev1.NodePIDPressure, "KubeletHasInsufficientPID", "kubelet has insufficient PID available"),
			verbatim: []string{"condition PIDPressure=True (KubeletHasInsufficientPID)", "kubelet has insufficient PID available"},
			not:      []string{IDMemoryPressure, IDNPDCondition},
			check: func(t *testing.T, f *Finding, _ []Finding) {
				fxAssertOnNode(t, f, "sysctl kernel.pid_max")
				fxAssertOnNode(t, f, "ps -eo pid,nlwp")
			}},

		// insufficient-resources
		{id: IDInsufficientResources, name: "cpu 92% requested with a pod Pending for cpu", primary: true, sev: SeverityWarning,
			build: func() *Evidence {
				ev := fxHealthy()
				ev.Pods = append(ev.Pods, fxPod("ml", "trainer-7b9d-a1", fxRequests("3", "1Gi")))
				ev.Cluster.Pending = []*corev1.Pod{
					fxPending("default", "api-5f6d8c7b9-k2m4p", "500m", "256Mi", fxInsufficient),
					fxPending("default", "cache-6b8f-x7", "100m", "64Mi", "0/5 nodes are available: 5 Insufficient memory."),
					fxPending("default", "tiny-7c9d-q1", "200m", "64Mi", fxInsufficient),
				}
				return ev
			},
			verbatim: []string{"cpu requests 3.7 cores of 4 cores allocatable (92%)", "pod default/api-5f6d8c7b9-k2m4p Pending, short of cpu here", "3 Insufficient cpu"},
			pods:     []string{"default/api-5f6d8c7b9-k2m4p"},
			check: func(t *testing.T, f *Finding, _ []Finding) {
				if f.Label != "cpu 92% requested" {
					t.Errorf("label %q", f.Label)
				}
				if slices.Contains(f.Pods, "default/cache-6b8f-x7") {
					t.Errorf("a pod short of memory blamed on a node with room for its memory: %v", f.Pods)
				}
				if slices.Contains(f.Pods, "default/tiny-7c9d-q1") {
					t.Errorf("a pod whose 200m fits into the 300m left here blamed on this node: %v", f.Pods)
				}
			}},
		{id: IDInsufficientResources, name: "100 of 110 pods", sev: SeverityWarning,
			build: func() *Evidence {
				ev := fxHealthy()
				for i := range 93 {
					ev.Pods = append(ev.Pods, fxPod("batch", fmt.Sprintf("worker-%03d", i), fxRequests("10m", "16Mi")))
				}
				return ev
			},
			verbatim: []string{"pods requests 100 of 110 allocatable (90%)"}},
		{id: IDInsufficientResources, name: "110 of 110 pods, a pod Pending with Too many pods", sev: SeverityWarning,
			build: func() *Evidence {
				ev := fxHealthy()
				for i := range 103 {
					ev.Pods = append(ev.Pods, fxPod("batch", fmt.Sprintf("worker-%03d", i), fxRequests("10m", "16Mi")))
				}
				// The scheduler's NodeResourcesFit says "Too many pods" for the pod count, never "Insufficient pods".
				ev.Cluster.Pending = []*corev1.Pod{fxPending("batch", "worker-103", "10m", "16Mi",
					"0/3 nodes are available: 3 Too many pods. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.")}
				return ev
			},
			verbatim: []string{"pods requests 110 of 110 allocatable (100%)", "pod batch/worker-103 Pending"}, pods: []string{"batch/worker-103"}},
		{id: IDInsufficientResources, name: "memory 92% requested", sev: SeverityWarning,
			build: func() *Evidence {
				ev := fxHealthy()
				ev.Pods = append(ev.Pods, fxPod("db", "postgres-0", fxRequests("500m", "14Gi")))
				return ev
			},
			verbatim: []string{"memory requests 15Gi of 16Gi allocatable (92%)"}, not: []string{IDMemoryPressure}},
	}
}

func TestPressureRulePositives(t *testing.T) { fxRunAll(t, pressurePositives()) }

func TestPressureRuleNegatives(t *testing.T) {
	cases := []struct {
		name   string
		build  func() *Evidence
		absent []string
	}{
		{"old evictions and old eviction events (> 1 h) with the conditions False", func() *Evidence {
			ev := fxHealthy()
			ev.Pods = append(ev.Pods,
				fxPod("shop", "search-5c7d9f8b4-z2kq8", fxEvicted(fxEvictMemory, 3*time.Hour)),
				fxPod("shop", "search-5c7d9f8b4-p8w1c", fxEvicted(fxEvictDisk, 2*time.Hour)),
				fxPod("shop", "search-5c7d9f8b4-m3n7v", fxEvicted(fxEvictInodes, 90*time.Minute)))
			ev.Events = append(ev.Events,
				fxNodeEvent(corev1.EventTypeWarning, "EvictionThresholdMet", "Attempting to reclaim memory", 2*time.Hour, 4),
				fxNodeEvent(corev1.EventTypeWarning, "SystemOOM", "System OOM encountered, victim process: java, pid: 28765", 61*time.Minute, 1),
				fxNodeEvent(corev1.EventTypeWarning, "ImageGCFailed", fxImageGCNew, 3*time.Hour, 9),
				fxNodeEvent(corev1.EventTypeWarning, "EvictionThresholdMet", "Attempting to reclaim inodes", 2*time.Hour, 2))
			return ev
		}, []string{IDMemoryPressure, IDDiskPressure, IDInodePressure}},
		{"pod evicted for exceeding its own ephemeral-storage limit", fxWithEvicted(
			`Container app exceeded its local ephemeral storage limit "1Gi". `, 10*time.Minute), []string{IDDiskPressure, IDInodePressure}},
		{"pressure conditions False", fxHealthy, []string{IDMemoryPressure, IDDiskPressure, IDPIDPressure}},
		{"pods that failed for other reasons", func() *Evidence {
			ev := fxHealthy()
			p := fxPod("batch", "report-28474620-abcde", fxEvicted("", time.Minute))
			p.Status.Reason, p.Status.Message = "DeadlineExceeded", "Pod was active on the node longer than the specified deadline"
			ev.Pods = append(ev.Pods, p)
			return ev
		}, []string{IDMemoryPressure, IDDiskPressure, IDInodePressure}},
		{"an OOM-killed container is not node memory pressure", func() *Evidence {
			ev := fxHealthy()
			fxReplacePod(ev, fxPod("default", "web-6d4cf56db6-4xk9t", fxRestarted(1, 3*time.Minute)))
			ev.Events = append(ev.Events, fxPodEvent(ev.Pods[4], corev1.EventTypeWarning, "BackOff", "Back-off restarting failed container app in pod web-6d4cf56db6-4xk9t_default", 3*time.Minute, 2))
			return ev
		}, []string{IDMemoryPressure}},
		{"node at a quarter of allocatable, pods Pending elsewhere for cpu", func() *Evidence {
			ev := fxHealthy()
			ev.Cluster.Pending = []*corev1.Pod{fxPending("default", "api-5f6d8c7b9-k2m4p", "500m", "256Mi", fxInsufficient)}
			return ev
		}, []string{IDInsufficientResources}},
		{"89% of cpu is not full", func() *Evidence {
			ev := fxHealthy()
			ev.Pods = append(ev.Pods, fxPod("ml", "trainer-7b9d-a1", fxRequests("2860m", "1Gi")))
			return ev
		}, []string{IDInsufficientResources}},
		{"evicted pods' requests do not count", func() *Evidence {
			ev := fxHealthy()
			ev.Pods = append(ev.Pods, fxPod("ml", "trainer-7b9d-a1", fxRequests("3", "1Gi"), fxEvicted(fxEvictMemory, 2*time.Hour)))
			return ev
		}, []string{IDInsufficientResources}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { fxAbsent(t, Diagnose(c.build()), c.absent...) })
	}
}

// TestPressureSeverityFollowsCondition: the same eviction evidence is critical while the condition is
// True and only a warning once it cleared.
func TestPressureSeverityFollowsCondition(t *testing.T) {
	for _, c := range []struct {
		id   string
		cond corev1.NodeConditionType
		msg  string
	}{
		{IDMemoryPressure, corev1.NodeMemoryPressure, fxEvictMemory},
		{IDDiskPressure, corev1.NodeDiskPressure, fxEvictDisk},
	} {
		t.Run(c.id, func(t *testing.T) {
			ev := fxWithEvicted(c.msg, 5*time.Minute)()
			if f := fxRequire(t, Diagnose(ev), c.id); f.Severity != SeverityWarning {
				t.Errorf("cleared: severity %s, want warning", f.Severity)
			}
			fxSetCondition(ev, c.cond, corev1.ConditionTrue, "KubeletHas"+string(c.cond), "pressure", 6*time.Minute)
			f := fxRequire(t, Diagnose(ev), c.id)
			if f.Severity != SeverityCritical {
				t.Errorf("current: severity %s, want critical", f.Severity)
			}
			fxAssertEvidence(t, f, c.msg)
		})
	}
}
