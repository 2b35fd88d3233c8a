package diag

import (
	"fmt"
	"sort"
)

// pressureWizard checks memory, disk, inodes and PIDs, then shows the heaviest pods and images.
func pressureWizard() *Wizard {
	return &Wizard{
		ID: WizardPressure, Title: "Pressure and evictions", Start: "memory",
		Purpose: "the node is evicting or short of memory, disk, inodes or PIDs: which, and who uses it",
		Steps: map[string]Step{
			"memory": func(f *Facts) Page {
				return findingCheck(f, IDMemoryPressure, "Is the node short of memory?", "No memory pressure and no memory evictions in the last hour", "disk")
			},
			"disk": func(f *Facts) Page {
				return findingCheck(f, IDDiskPressure, "Is the node short of disk?", "No disk pressure and no disk evictions in the last hour", "inodes")
			},
			"inodes": func(f *Facts) Page {
				return findingCheck(f, IDInodePressure, "Has a filesystem run out of inodes?", "No inode evictions in the last hour", "pids")
			},
			"pids": func(f *Facts) Page {
				return findingCheck(f, IDPIDPressure, "Is the node short of process IDs?", "No PID pressure", "heaviest")
			},
			"heaviest": prHeaviest,
			"end":      prEnd,
		},
	}
}

func prHeaviest(f *Facts) Page {
	ev := f.Evidence
	type podMem struct {
		key      string
		req, lim int64
	}
	var pods []podMem
	for _, p := range ev.activePods() {
		req, lim := podMemory(p)
		pods = append(pods, podMem{podKey(p), req, lim})
	}
	sort.SliceStable(pods, func(i, j int) bool { return max(pods[i].lim, pods[i].req) > max(pods[j].lim, pods[j].req) })
	var evidence []string
	for i, p := range pods {
		if i == 5 {
			break
		}
		evidence = append(evidence, fmt.Sprintf("pod %s: memory request %s, limit %s", p.key, bytes(p.req), orNone(p.lim)))
	}
	for i, img := range LargestImages(ev.Node.Status.Images) {
		if i == 3 || len(img.Names) == 0 {
			break
		}
		evidence = append(evidence, fmt.Sprintf("image %s: %s", img.Names[len(img.Names)-1], bytes(img.SizeBytes)))
	}
	return info("Who uses the most?", "The heaviest pods by memory, and the largest images on disk", evidence, "end")
}

func orNone(n int64) string {
	if n == 0 {
		return "none"
	}
	return bytes(n)
}

func prEnd(f *Facts) Page {
	ids := []string{IDMemoryPressure, IDDiskPressure, IDInodePressure, IDPIDPressure}
	for _, id := range ids {
		if f.Finding(id) != nil {
			return conclude(f, "The node is under pressure", "Free the resource or move load away",
				"Until the pressure clears the kubelet keeps evicting, and the scheduler keeps new pods away.", nil, nil, append(ids, IDAllocatableEnforcement)...)
		}
	}
	return conclude(f, "No pressure", "The node has enough memory, disk, inodes and PIDs now", "", nil, nil)
}
