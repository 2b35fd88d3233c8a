package diag

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// podsWontStartWizard: pods scheduled here that never get running.
func podsWontStartWizard() *Wizard {
	return &Wizard{
		ID: WizardPodsWontStart, Title: "Pods won't start on this node", Start: "stuck",
		Purpose: "pods stay in ContainerCreating or fail to start here: no IPs, leaked cgroups, volumes, images",
		Steps: map[string]Step{
			"stuck": pwsStuck,
			"ip": func(f *Facts) Page {
				return findingCheck(f, IDPodIPExhausted, "Has the node run out of pod IPs?", "", "ip-count")
			},
			"ip-count":    pwsIPCount,
			"end-ip-leak": pwsEndIPLeak,
			"end-ip-full": pwsEndIPFull,
			"cgroup": func(f *Facts) Page {
				return findingCheck(f, IDCgroupLeak, "Has the kernel run out of memory cgroups?", "", "cgroup-count")
			},
			"cgroup-count": pwsCgroupCount,
			"end-cgroup":   pwsEndCgroup,
			"end-volume":   pwsEndVolume,
			"end-image":    pwsEndImage,
			"end-other":    pwsEndOther,
			"end-none":     pwsEndNone,
		},
	}
}

// imageReasons are the waiting reasons of image pull trouble.
var imageReasons = []string{"ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull"}

// stuckStarting lists the node's pods that are not getting running, with a line of evidence each.
func stuckStarting(ev *Evidence) (pods []*corev1.Pod, evidence []string) {
	for _, p := range ev.activePods() {
		if p.DeletionTimestamp != nil {
			continue
		}
		stuck := creating(p) && ev.Now.Sub(p.CreationTimestamp.Time) > StuckCreatingAfter ||
			hasWaitingReason(p, append(imageReasons, "CreateContainerError", "RunContainerError", "CreateContainerConfigError", "StartError")...)
		if !stuck {
			continue
		}
		pods = append(pods, p)
		line := "pod " + podKey(p) + " " + strings.Join(append([]string{string(p.Status.Phase)}, waitingReasons(p)...), "/")
		if events := ev.podEvents(p, func(e *corev1.Event) bool { return e.Type == corev1.EventTypeWarning }); len(events) > 0 {
			line += "; " + ev.quoteEvent(events[0])
		}
		evidence = append(evidence, line)
	}
	return pods, limitEvidence(evidence, 6, "stuck pods")
}

func pwsStuck(f *Facts) Page {
	pods, evidence := stuckStarting(f.Evidence)
	p := Page{Title: "Which pods are stuck starting here?", Evidence: evidence,
		Why: "A pod bound to the node needs a sandbox (network namespace and IP), its volumes, its images and a cgroup before its containers run; the first failing piece names the cause."}
	if len(pods) == 0 {
		p.Status, p.Result, p.Next = StatusOK, "No pod is stuck starting on this node", "end-none"
		return p
	}
	p.Status, p.Result = StatusProblem, fmt.Sprintf("%d pods are not getting running", len(pods))
	switch {
	case f.Finding(IDPodIPExhausted) != nil:
		p.Next = "ip"
	case f.Finding(IDCgroupLeak) != nil:
		p.Next = "cgroup"
	case f.Finding(IDVolumeProblems) != nil:
		p.Next = "end-volume"
	default:
		for _, pod := range pods {
			if hasWaitingReason(pod, imageReasons...) {
				p.Next = "end-image"
			}
		}
		if p.Next == "" {
			p.Next = "end-other"
		}
	}
	return p
}

func pwsIPCount(f *Facts) Page {
	return question("Are more addresses reserved than sandboxes run?",
		"Each pod IP the CNI hands out is a file under /var/lib/cni/networks/<network>/; a reservation whose sandbox is gone is a leak.",
		"ls /var/lib/cni/networks/*/ | grep -c '^[0-9]'; crictl pods -q | wc -l", true,
		Answer{"Yes: many more reservations than sandboxes", "end-ip-leak"},
		Answer{"No: about as many as sandboxes", "end-ip-full"})
}

func pwsEndIPLeak(f *Facts) Page {
	return conclude(f, "Pod IPs leaked", "Release the reservations no sandbox owns",
		"The addresses of containers that no longer exist were never released (typically after the runtime's state was wiped); freeing them lets the pods start.",
		nil, []Action{nodeShell()}, IDPodIPExhausted, IDRuntimeDown)
}

func pwsEndIPFull(f *Facts) Page {
	return conclude(f, "The node's pod range is really full", "Run fewer pods here, or give nodes bigger ranges",
		"Every address is in use by a running pod: maxPods is higher than the podCIDR holds.",
		[]NextStep{
			{Text: "Lower the kubelet's maxPods below the range's size, or give new nodes a larger range (kube-controller-manager --node-cidr-mask-size)"},
			{Text: "Cordon the node so no more pods land here until then"},
		}, []Action{cordon()})
}

func pwsCgroupCount(f *Facts) Page {
	return question("Is the memory cgroup count near 65535?",
		"The 3.10 kernel keeps the memory cgroups of deleted containers; at the limit no new container can be made.",
		"grep memory /proc/cgroups", true,
		Answer{"Yes: num_cgroups is at or near 65535", "end-cgroup"},
		Answer{"No: far below", "end-other"})
}

func pwsEndCgroup(f *Facts) Page {
	return conclude(f, "The kernel leaked memory cgroups", "Reboot the node through the maintenance flow",
		"Only a reboot frees the leaked cgroups; the maintenance flow moves the pods away first and brings the node back afterwards.",
		nil, []Action{maintenance()}, IDCgroupLeak)
}

func pwsEndVolume(f *Facts) Page {
	return conclude(f, "Volumes cannot be attached or mounted", "Fix the storage system or the attachment", "", nil, nil, IDVolumeProblems)
}

func pwsEndImage(f *Facts) Page {
	return conclude(f, "Images cannot be pulled", "Fix the image reference, the registry credentials, or the node's way to the registry",
		"The kubelet cannot fetch the image: a wrong name or tag, a private registry without an imagePullSecret, a rate limit, or no route from the node to the registry.",
		[]NextStep{
			{Text: "Read the exact pull error", Command: "kubectl get events -A --field-selector involvedObject.kind=Pod,reason=Failed | grep -i pull | tail"},
			{Text: "Try the pull on the node to see the registry's answer", Command: "crictl pull <image>", OnNode: true},
		}, []Action{nodeShell()})
}

func pwsEndOther(f *Facts) Page {
	return conclude(f, "Pods fail to start for another reason", "Read the pods' events and the kubelet's log",
		"No known cause matched; the events quoted above are the kubelet's own explanation.",
		[]NextStep{
			{Text: "Read a stuck pod's events", Command: "kubectl describe pod -n <namespace> <pod>"},
			{Text: "Read the kubelet's log for the pod", Command: "journalctl -u kubelet --since '-30min' | grep <pod> | tail -50", OnNode: true},
		}, []Action{nodeShell()}, IDVolumeProblems, IDSystemPodUnhealthy)
}

func pwsEndNone(f *Facts) Page {
	return conclude(f, "No pod is stuck on this node", "If pods will not start elsewhere, try the \"Pods won't schedule\" wizard", "", nil, nil)
}
