package demo

import (
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"
)

// Pod states beyond Running and Ready, as podOpts. Each mirrors what the kubelet or a controller
// writes in that situation.

// crashLoop: the named container keeps exiting; it is waiting in CrashLoopBackOff after
// restarts restarts, the last one having exited with exitCode at lastExit.
func crashLoop(container string, restarts int32, exitCode int32, lastExit time.Time) podOpt {
	return func(s *seeder, p *corev1.Pod) {
		st := containerStatusFor(p, container)
		ranFor := 20*time.Second + jitter("ran/"+p.Name, 40*time.Second)
		st.Ready, st.Started, st.RestartCount = false, ptr.To(false), restarts
		st.LastTerminationState = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
			ExitCode: exitCode, Reason: "Error", StartedAt: mtime(lastExit.Add(-ranFor)), FinishedAt: mtime(lastExit),
			ContainerID: runtimePrefix(s.runtimeOf(p)) + hex64("container", p.Name, container, lastExit.String()),
		}}
		st.State = corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{
			Reason:  "CrashLoopBackOff",
			Message: fmt.Sprintf("back-off 5m0s restarting failed container=%s pod=%s_%s(%s)", container, p.Name, p.Namespace, p.UID),
		}}
		st.ContainerID = st.LastTerminationState.Terminated.ContainerID
		notReady(p, lastExit.Add(-ranFor), container)
	}
}

// oomKilled: the named container runs again after its last run was OOM-killed at killedAt.
func oomKilled(container string, restarts int32, killedAt time.Time) podOpt {
	return restarted(container, restarts, 137, "OOMKilled", killedAt)
}

// restarted: the named container runs again after its last run ended at at with exitCode and
// reason; it has restarted restarts times.
func restarted(container string, restarts, exitCode int32, reason string, at time.Time) podOpt {
	return func(s *seeder, p *corev1.Pod) {
		st := containerStatusFor(p, container)
		st.RestartCount = restarts
		started := p.Status.StartTime.Add(30 * time.Second)
		if prev := at.Add(-(11*minute + jitter("prevrun/"+p.Name, 50*minute))); prev.After(started) {
			started = prev
		}
		st.LastTerminationState = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
			ExitCode: exitCode, Reason: reason, StartedAt: mtime(started), FinishedAt: mtime(at),
			ContainerID: runtimePrefix(s.runtimeOf(p)) + hex64("container", p.Name, container, at.String()),
		}}
		st.State = corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: mtime(at.Add(12 * time.Second))}}
		st.ContainerID = runtimePrefix(s.runtimeOf(p)) + hex64("container", p.Name, container, "after", at.String())
		ready := at.Add(40 * time.Second)
		setPodCondition(p, podCondition(corev1.PodReady, corev1.ConditionTrue, ready))
		setPodCondition(p, podCondition(corev1.ContainersReady, corev1.ConditionTrue, ready))
	}
}

// containerCreating: the pod was scheduled at since and its sandbox never came up: no IP, every
// container waiting in ContainerCreating.
func containerCreating(since time.Time) podOpt {
	return func(s *seeder, p *corev1.Pod) {
		waiting(p, since, corev1.ContainerStateWaiting{Reason: "ContainerCreating"})
	}
}

// runContainerError: the sandbox is up (the pod has an IP) but the runtime fails to start the
// container with message.
func runContainerError(since time.Time, message string) podOpt {
	return func(s *seeder, p *corev1.Pod) {
		ip := p.Status.PodIP
		waiting(p, since, corev1.ContainerStateWaiting{Reason: "RunContainerError", Message: message})
		p.Status.PodIP, p.Status.PodIPs = ip, []corev1.PodIP{{IP: ip}}
		setPodCondition(p, podCondition(corev1.PodReadyToStartContainers, corev1.ConditionTrue, since.Add(3*time.Second)))
		for i := range p.Status.ContainerStatuses {
			p.Status.ContainerStatuses[i].RestartCount = int32(4 + spread("rce/"+p.Name, 20))
		}
	}
}

func waiting(p *corev1.Pod, since time.Time, w corev1.ContainerStateWaiting) {
	p.CreationTimestamp = mtime(since.Add(-time.Second))
	p.Status.Phase = corev1.PodPending
	p.Status.StartTime = mptr(since)
	p.Status.PodIP, p.Status.PodIPs = "", nil
	delete(p.Annotations, "cni.projectcalico.org/podIP")
	delete(p.Annotations, "cni.projectcalico.org/podIPs")
	delete(p.Annotations, "cni.projectcalico.org/containerID")
	p.Status.InitContainerStatuses = nil
	p.Status.ContainerStatuses = nil
	for _, c := range p.Spec.Containers {
		ww := w
		p.Status.ContainerStatuses = append(p.Status.ContainerStatuses, corev1.ContainerStatus{
			Name: c.Name, Image: c.Image, Started: ptr.To(false),
			State: corev1.ContainerState{Waiting: &ww},
		})
	}
	p.Status.Conditions = []corev1.PodCondition{
		podCondition(corev1.PodReadyToStartContainers, corev1.ConditionFalse, since),
		podCondition(corev1.PodInitialized, corev1.ConditionTrue, since),
		notReadyCondition(corev1.PodReady, since, p.Spec.Containers),
		notReadyCondition(corev1.ContainersReady, since, p.Spec.Containers),
		podCondition(corev1.PodScheduled, corev1.ConditionTrue, since),
	}
}

func notReadyCondition(t corev1.PodConditionType, at time.Time, cs []corev1.Container) corev1.PodCondition {
	names := ""
	for i, c := range cs {
		if i > 0 {
			names += " "
		}
		names += c.Name
	}
	c := podCondition(t, corev1.ConditionFalse, at)
	c.Reason = "ContainersNotReady"
	c.Message = fmt.Sprintf("containers with unready status: [%s]", names)
	return c
}

func notReady(p *corev1.Pod, at time.Time, containers ...string) {
	c := podCondition(corev1.PodReady, corev1.ConditionFalse, at)
	c.Reason, c.Message = "ContainersNotReady", fmt.Sprintf("containers with unready status: %v", containers)
	setPodCondition(p, c)
	c.Type = corev1.ContainersReady
	setPodCondition(p, c)
}

// evicted: the kubelet evicted the pod at at with message: phase Failed, reason Evicted,
// containers terminated, the DisruptionTarget condition, no IP.
func evicted(at time.Time, message string) podOpt {
	return func(s *seeder, p *corev1.Pod) {
		p.Status.Phase = corev1.PodFailed
		p.Status.Reason = "Evicted"
		p.Status.Message = message
		p.Status.PodIP, p.Status.PodIPs = "", nil
		for i := range p.Status.ContainerStatuses {
			st := &p.Status.ContainerStatuses[i]
			started := st.State.Running.StartedAt
			st.Ready, st.Started = false, ptr.To(false)
			st.State = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
				ExitCode: 137, Reason: "Error", StartedAt: started, FinishedAt: mtime(at.Add(31 * time.Second)),
				ContainerID: st.ContainerID,
			}}
		}
		dt := podCondition(corev1.DisruptionTarget, corev1.ConditionTrue, at)
		dt.Reason, dt.Message = "TerminationByKubelet", message
		p.Status.Conditions = append([]corev1.PodCondition{dt}, p.Status.Conditions...)
		for _, t := range []corev1.PodConditionType{corev1.PodReadyToStartContainers, corev1.PodReady, corev1.ContainersReady} {
			c := podCondition(t, corev1.ConditionFalse, at.Add(32*time.Second))
			if t != corev1.PodReadyToStartContainers {
				c.Reason = "PodFailed"
			}
			setPodCondition(p, c)
		}
	}
}

// terminating: deletion was requested (by a user or the taint eviction controller) and the
// kubelet has not finished it; deletionTimestamp is the request time plus the grace period.
func terminating(deletionTimestamp time.Time) podOpt {
	return func(s *seeder, p *corev1.Pod) {
		p.DeletionTimestamp = mptr(deletionTimestamp)
		p.DeletionGracePeriodSeconds = ptr.To[int64](30)
	}
}

// markedNotReady: the node lifecycle controller set the pod's Ready condition to False when the
// node stopped being Ready; it leaves container statuses alone.
func markedNotReady(at time.Time) podOpt {
	return func(s *seeder, p *corev1.Pod) {
		setPodCondition(p, podCondition(corev1.PodReady, corev1.ConditionFalse, at))
	}
}

// unschedulable: a pending pod the scheduler found no node for.
func unschedulable(created time.Time, message string) podOpt {
	return func(s *seeder, p *corev1.Pod) {
		p.CreationTimestamp = mtime(created)
		c := podCondition(corev1.PodScheduled, corev1.ConditionFalse, created.Add(time.Second))
		c.Reason, c.Message = corev1.PodReasonUnschedulable, message
		p.Status = corev1.PodStatus{Phase: corev1.PodPending, QOSClass: qosClass(p), Conditions: []corev1.PodCondition{c}}
	}
}

// completed: a Job pod whose containers exited 0 at at.
func completed(at time.Time) podOpt {
	return func(s *seeder, p *corev1.Pod) {
		p.Status.Phase = corev1.PodSucceeded
		for i := range p.Status.ContainerStatuses {
			st := &p.Status.ContainerStatuses[i]
			st.Ready, st.Started = false, ptr.To(false)
			st.State = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
				ExitCode: 0, Reason: "Completed", StartedAt: st.State.Running.StartedAt, FinishedAt: mtime(at), ContainerID: st.ContainerID,
			}}
		}
		for _, t := range []corev1.PodConditionType{corev1.PodReadyToStartContainers, corev1.PodReady, corev1.ContainersReady} {
			c := podCondition(t, corev1.ConditionFalse, at.Add(time.Second))
			if t != corev1.PodReadyToStartContainers {
				c.Reason = "PodCompleted"
			}
			setPodCondition(p, c)
		}
	}
}

// startedAt overrides when the pod started (and its containers with it).
func startedAt(at time.Time) podOpt {
	return func(s *seeder, p *corev1.Pod) {
		p.CreationTimestamp = mtime(at.Add(-2 * time.Second))
		p.Status.StartTime = mptr(at)
		for i := range p.Status.ContainerStatuses {
			if r := p.Status.ContainerStatuses[i].State.Running; r != nil && r.StartedAt.Time.Before(at) {
				r.StartedAt = mtime(at.Add(4 * time.Second))
			}
		}
		for i := range p.Status.Conditions {
			if p.Status.Conditions[i].LastTransitionTime.Time.Before(at) {
				p.Status.Conditions[i].LastTransitionTime = mtime(at.Add(time.Duration(i) * 3 * time.Second))
			}
		}
	}
}

func containerStatusFor(p *corev1.Pod, name string) *corev1.ContainerStatus {
	for i := range p.Status.ContainerStatuses {
		if p.Status.ContainerStatuses[i].Name == name {
			return &p.Status.ContainerStatuses[i]
		}
	}
	panic(fmt.Sprintf("demo: pod %s has no container %q", p.Name, name))
}
