package diag

import (
	"slices"
	"sort"
)

// The catalogue's rule IDs (shared/scenarios.md), in catalogue order.
const (
	IDNodeUnreachable        = "node-unreachable"
	IDNodeNotReady           = "node-not-ready"
	IDPLEGUnhealthy          = "pleg-unhealthy"
	IDRuntimeDown            = "runtime-down"
	IDCNINotReady            = "cni-not-ready"
	IDPodIPExhausted         = "pod-ip-exhausted"
	IDMemoryPressure         = "memory-pressure"
	IDDiskPressure           = "disk-pressure"
	IDInodePressure          = "inode-pressure"
	IDPIDPressure            = "pid-pressure"
	IDInsufficientResources  = "insufficient-resources"
	IDCgroupLeak             = "cgroup-leak"
	IDStuckTerminating       = "stuck-terminating"
	IDNPDCondition           = "npd-condition"
	IDNodeRebooted           = "node-rebooted"
	IDAllocatableEnforcement = "allocatable-enforcement"
	IDKubeletVersionSkew     = "kubelet-version-skew"
	IDSystemPodUnhealthy     = "system-pod-unhealthy"
	IDTooManyConfigWatches   = "too-many-config-watches"
	IDVolumeProblems         = "volume-problems"
	IDCordoned               = "cordoned"
)

var catalogueOrder = []string{
	IDNodeUnreachable, IDNodeNotReady, IDPLEGUnhealthy, IDRuntimeDown, IDCNINotReady, IDPodIPExhausted,
	IDMemoryPressure, IDDiskPressure, IDInodePressure, IDPIDPressure, IDInsufficientResources, IDCgroupLeak,
	IDStuckTerminating, IDNPDCondition, IDNodeRebooted, IDAllocatableEnforcement, IDKubeletVersionSkew,
	IDSystemPodUnhealthy, IDTooManyConfigWatches, IDVolumeProblems, IDCordoned,
}

// RuleIDs lists every catalogue rule ID in catalogue order.
func RuleIDs() []string { return slices.Clone(catalogueOrder) }

// rule is one catalogue entry's check. Rules run in the order of the rules list: a later rule may
// look at what earlier ones found (node-not-ready fires only when nothing more specific did).
type rule struct {
	id    string
	check func(d *diagnosis) []Finding
}

// rules in evaluation order: the specific node-level causes first, then the fallbacks and the rules
// that link to them.
var rules = []rule{
	{IDNodeUnreachable, checkUnreachable},
	{IDPLEGUnhealthy, checkPLEG},
	{IDRuntimeDown, checkRuntimeDown},
	{IDCNINotReady, checkCNI},
	{IDMemoryPressure, checkMemoryPressure},
	{IDDiskPressure, checkDiskPressure},
	{IDInodePressure, checkInodePressure},
	{IDPIDPressure, checkPIDPressure},
	{IDNodeNotReady, checkNotReady},
	{IDPodIPExhausted, checkPodIPExhausted},
	{IDCgroupLeak, checkCgroupLeak},
	{IDInsufficientResources, checkInsufficientResources},
	{IDStuckTerminating, checkStuckTerminating},
	{IDSystemPodUnhealthy, checkSystemPods},
	{IDVolumeProblems, checkVolumeProblems},
	{IDTooManyConfigWatches, checkConfigWatches},
	{IDAllocatableEnforcement, checkAllocatableEnforcement},
	{IDKubeletVersionSkew, checkVersionSkew},
	{IDNPDCondition, checkNPDConditions},
	{IDNodeRebooted, checkRebooted},
	{IDCordoned, checkCordoned},
}

// diagnosis is the state of one Diagnose call.
type diagnosis struct {
	ev    *Evidence
	hb    Heartbeat
	found []Finding
	// claimedConditions are conditions a specific rule already explained (runtime-down quotes
	// ContainerRuntimeUnhealthy), so npd-condition does not report them again.
	claimedConditions map[string]bool
	// claimedPods are pods a specific rule already explained (the CNI pod of cni-not-ready).
	claimedPods map[string]bool
	// readyExplained says a specific rule quoted the Ready condition as its evidence, so
	// node-not-ready has nothing to add.
	readyExplained bool
}

func (d *diagnosis) has(id string) bool {
	for _, f := range d.found {
		if f.ID == id {
			return true
		}
	}
	return false
}

// Diagnose runs every rule over the node's evidence and returns its findings, worst first, linked to
// one another. It never does I/O.
func Diagnose(ev *Evidence) []Finding {
	if ev == nil || ev.Node == nil {
		return nil
	}
	d := &diagnosis{ev: ev, hb: ev.heartbeat(), claimedConditions: map[string]bool{}, claimedPods: map[string]bool{}}
	for _, r := range rules {
		d.found = append(d.found, r.check(d)...)
	}
	link(d.found)
	sort.SliceStable(d.found, func(i, j int) bool {
		a, b := d.found[i], d.found[j]
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		return slices.Index(catalogueOrder, a.ID) < slices.Index(catalogueOrder, b.ID)
	})
	return d.found
}

// links are pairs of findings that explain each other when both are present on a node.
var links = [][2]string{
	{IDStuckTerminating, IDNodeUnreachable},
	{IDStuckTerminating, IDRuntimeDown},
	{IDStuckTerminating, IDPLEGUnhealthy},
	{IDStuckTerminating, IDNodeNotReady},
	{IDRuntimeDown, IDPodIPExhausted},
	{IDPLEGUnhealthy, IDRuntimeDown},
	{IDPLEGUnhealthy, IDKubeletVersionSkew},
	{IDCNINotReady, IDSystemPodUnhealthy},
	{IDCgroupLeak, IDPodIPExhausted},
	{IDMemoryPressure, IDInsufficientResources},
	{IDDiskPressure, IDInodePressure},
	{IDNodeRebooted, IDNodeUnreachable},
	{IDAllocatableEnforcement, IDMemoryPressure},
	{IDTooManyConfigWatches, IDPLEGUnhealthy},
}

func link(found []Finding) {
	present := map[string]bool{}
	for _, f := range found {
		present[f.ID] = true
	}
	for i := range found {
		for _, l := range links {
			for k := 0; k < 2; k++ {
				if found[i].ID == l[k] && present[l[1-k]] && !slices.Contains(found[i].Related, l[1-k]) {
					found[i].Related = append(found[i].Related, l[1-k])
				}
			}
		}
	}
}

// Worst returns the highest severity among the findings.
func Worst(findings []Finding) Severity {
	worst := SeverityNone
	for _, f := range findings {
		worst = max(worst, f.Severity)
	}
	return worst
}

// AtLeast counts the findings at or above the severity.
func AtLeast(findings []Finding, sev Severity) int {
	n := 0
	for _, f := range findings {
		if f.Severity >= sev {
			n++
		}
	}
	return n
}
