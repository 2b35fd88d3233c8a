package cluster

import (
	"sort"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	kubectlresource "k8s.io/kubectl/pkg/util/resource"
)

// Allocation is the "Allocated resources" table of kubectl describe node: the sum of the requests and
// limits of the node's non-terminated pods, per resource, against the node's allocatable.
type Allocation struct {
	// Resources lists cpu, memory and ephemeral-storage first, then hugepages, then extended resources,
	// in kubectl's order.
	Resources []ResourceAllocation
	// requests is the sum of the requests of every resource, for the rules (diag.Evidence.Requested).
	requests corev1.ResourceList
}

// ResourceAllocation is one row of the allocation table.
type ResourceAllocation struct {
	Name                 corev1.ResourceName
	Requests, Limits     resource.Quantity
	Allocatable          resource.Quantity
	RequestPct, LimitPct int64
	// HasPercent is false for extended resources, which kubectl prints without percentages.
	HasPercent bool
	// Overcommitted is true when limits exceed 100% of allocatable.
	Overcommitted bool
}

// Get returns the row for a resource, and whether the node has it.
func (a Allocation) Get(name corev1.ResourceName) (ResourceAllocation, bool) {
	for _, r := range a.Resources {
		if r.Name == name {
			return r, true
		}
	}
	return ResourceAllocation{}, false
}

// computeAllocation sums requests and limits exactly as kubectl describe node does: pod-level
// resources honoured, init containers counted as the max of (each init container, the sum of the app
// containers) with restartable sidecars added, pod overhead added, Succeeded and Failed pods left out.
// Each row carries its pod's totals (podRow works them out once per pod object), so this only adds.
// Percentages are truncated toward zero, as kubectl prints them.
func computeAllocation(node *corev1.Node, rows []PodRow) Allocation {
	allocatable := node.Status.Capacity
	if len(node.Status.Allocatable) > 0 {
		allocatable = node.Status.Allocatable
	}
	reqs, limits := corev1.ResourceList{}, corev1.ResourceList{}
	for i := range rows {
		if rows[i].Terminated {
			continue
		}
		addInto(reqs, rows[i].requests)
		addInto(limits, rows[i].limits)
	}

	a := Allocation{requests: reqs}
	for _, name := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory, corev1.ResourceEphemeralStorage} {
		a.Resources = append(a.Resources, allocationRow(name, reqs, limits, allocatable, true))
	}
	var huge, ext []string
	for name := range allocatable {
		switch {
		case kubectlresource.IsHugePageResourceName(name):
			huge = append(huge, string(name))
		case !kubectlresource.IsStandardContainerResourceName(string(name)) && name != corev1.ResourcePods:
			ext = append(ext, string(name))
		}
	}
	sort.Strings(huge)
	sort.Strings(ext)
	for _, name := range huge {
		a.Resources = append(a.Resources, allocationRow(corev1.ResourceName(name), reqs, limits, allocatable, true))
	}
	for _, name := range ext {
		a.Resources = append(a.Resources, allocationRow(corev1.ResourceName(name), reqs, limits, allocatable, false))
	}
	return a
}

func allocationRow(name corev1.ResourceName, reqs, limits, allocatable corev1.ResourceList, withPercent bool) ResourceAllocation {
	r := ResourceAllocation{Name: name, Requests: reqs[name], Limits: limits[name], Allocatable: allocatable[name], HasPercent: withPercent}
	if withPercent {
		r.RequestPct, r.LimitPct = Percent(name, r.Requests, r.Allocatable), Percent(name, r.Limits, r.Allocatable)
		r.Overcommitted = r.LimitPct > 100
	}
	return r
}

// Percent is kubectl describe node's share of allocatable: milli-units for cpu, whole units
// otherwise, truncated toward zero; 0 when nothing is allocatable.
func Percent(name corev1.ResourceName, used, allocatable resource.Quantity) int64 {
	if name == corev1.ResourceCPU {
		if allocatable.MilliValue() == 0 {
			return 0
		}
		return int64(float64(used.MilliValue()) / float64(allocatable.MilliValue()) * 100)
	}
	if allocatable.Value() == 0 {
		return 0
	}
	return int64(float64(used.Value()) / float64(allocatable.Value()) * 100)
}

func addInto(total, add corev1.ResourceList) {
	for name, q := range add {
		if cur, ok := total[name]; ok {
			cur.Add(q)
			total[name] = cur
		} else {
			total[name] = q.DeepCopy()
		}
	}
}
