package demo

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// The journal lines of the incidents where the node itself is not Ready: runtime down, CNI down,
// flapping, unreachable, PLEG stuck.

// containerdSocketRefused is the gRPC error of a dead containerd.
const containerdSocketRefused = containerdSockDown

// runtimeDown: worker-05's containerd was OOM-killed 26 minutes before the seed and keeps failing
// to come back: each start walks the overlayfs snapshots (millions of small files, seed 003), the
// CRI plugin gives up recovering its state and containerd exits 1; systemd restarts it five
// seconds later. The kubelet cannot reach it and skips pod synchronisation.
func (j *journal) runtimeDown(end time.Time) {
	crash := j.seed.Add(-26 * minute)
	rpid := j.runtimePID(0)
	if !crash.After(end) {
		j.emit(crash, "", "kernel", 0, fmt.Sprintf("Out of memory: Killed process %d (containerd) total-vm:9817344kB, anon-rss:7904532kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:16204kB oom_score_adj:-999", rpid))
		j.emit(crash.Add(80*time.Millisecond), "containerd", "systemd", 1, "containerd.service: A process of this unit has been killed by the OOM killer.")
		j.emit(crash.Add(90*time.Millisecond), "containerd", "systemd", 1, "containerd.service: Main process exited, code=killed, status=9/KILL")
		j.emit(crash.Add(95*time.Millisecond), "containerd", "systemd", 1, "containerd.service: Failed with result 'oom-kill'.")
		j.emit(crash.Add(99*time.Millisecond), "containerd", "systemd", 1, "containerd.service: Consumed 4d 2h 11min 8.332s CPU time, 7.5G memory peak, 0B memory swap peak.")
	}
	const cycle = 27 * time.Second
	loop := crash.Add(5 * time.Second)
	snapshots := "/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots"
	// systemd restarts it RestartSec=5s after each exit: the cycles keep their pace.
	j.tickJ("containerd-restart", loop, cycle, 30*time.Millisecond, loop, end, func(k int, t time.Time) {
		pid := rpid + 2000 + k*131 + spread(fmt.Sprint("cpid", k), 90)
		j.emit(t, "containerd", "systemd", 1, fmt.Sprintf("containerd.service: Scheduled restart job, restart counter is at %d.", k+1))
		j.emit(t.Add(2*time.Millisecond), "containerd", "systemd", 1, "Stopped containerd.service - containerd container runtime.")
		j.emit(t.Add(4*time.Millisecond), "containerd", "systemd", 1, "Starting containerd.service - containerd container runtime...")
		at := t.Add(61 * time.Millisecond)
		j.emit(at, "containerd", "containerd", pid, logrus(at, "info", "starting containerd", "revision", "75cb2b7193e4e490e9fbdc236c0e811ccaba3376", "version", "v2.1.4"))
		at = t.Add(97 * time.Millisecond)
		j.emit(at, "containerd", "containerd", pid, logrus(at, "info", "loading plugin", "id", "io.containerd.snapshotter.v1.overlayfs", "type", "io.containerd.snapshotter.v1"))
		at = t.Add(412 * time.Millisecond)
		j.emit(at, "containerd", "containerd", pid, logrus(at, "info", "Start recovering state"))
		at = t.Add(21*time.Second + 880*time.Millisecond + jitter(fmt.Sprint(j.node, "run", k), 40*time.Millisecond))
		reason := fmt.Sprintf("failed to recover state: failed to list snapshots: walk %s/%d/fs: context deadline exceeded", snapshots, 48211+spread(fmt.Sprint("snap", k), 900))
		j.emit(at, "containerd", "containerd", pid, logrus(at, "fatal", "Failed to run CRI service", "error", reason))
		at = at.Add(40 * time.Millisecond)
		j.emit(at, "containerd", "systemd", 1, "containerd.service: Main process exited, code=exited, status=1/FAILURE")
		j.emit(at.Add(time.Millisecond), "containerd", "systemd", 1, "containerd.service: Failed with result 'exit-code'.")
		j.emit(at.Add(2*time.Millisecond), "containerd", "systemd", 1, "Failed to start containerd.service - containerd container runtime.")
		j.emit(at.Add(3*time.Millisecond), "containerd", "systemd", 1, fmt.Sprintf("containerd.service: Consumed %d.%03ds CPU time, 1.%dG memory peak, 0B memory swap peak.", 19+k%4, spread(fmt.Sprint("cpu", k), 1000), 1+k%3))
	})

	kpid := j.kubeletPID(0)
	down := j.seed.Add(-(25*minute + 40*time.Second))
	grpc := "rpc error: code = Unavailable desc = " + strings.TrimPrefix(containerdSocketRefused, "rpc error: code = Unavailable desc = ")
	if !down.After(end) {
		cond := fmt.Sprintf(`{"type":"Ready","status":"False","lastHeartbeatTime":%q,"lastTransitionTime":%q,"reason":"KubeletNotReady","message":%s}`,
			down.UTC().Format(time.RFC3339), down.UTC().Format(time.RFC3339), strconv.Quote(MessageRuntimeDown))
		j.emit(down, "kubelet", "kubelet", kpid, klogS('I', down, kpid, "setters.go:603", "Node became not ready", "node", j.node, "condition", raw(cond)))
	}
	j.tick("kubelet-runtime", crash.Add(time.Second), 5*time.Second, crash, end, func(k int, t time.Time) {
		j.emit(t, "kubelet", "kubelet", kpid, klogS('E', t, kpid, "log.go:32", "ListPodSandbox with filter from runtime service failed",
			"err", grpc, "filter", "&PodSandboxFilter{Id:,State:nil,LabelSelector:map[string]string{},}"))
		at := t.Add(120 * time.Microsecond)
		j.emit(at, "kubelet", "kubelet", kpid, klogS('E', at, kpid, "kuberuntime_sandbox.go:305", "Failed to list pod sandboxes", "err", grpc))
		at = t.Add(180 * time.Microsecond)
		j.emit(at, "kubelet", "kubelet", kpid, klogS('E', at, kpid, "generic.go:256", "GenericPLEG: Unable to retrieve pods", "err", grpc))
		at = t.Add(2*time.Second + 310*time.Millisecond)
		j.emit(at, "kubelet", "kubelet", kpid, klogS('E', at, kpid, "kubelet.go:3117", "Container runtime sanity check failed", "err", grpc))
		if t.After(down) {
			at = t.Add(2*time.Second + 900*time.Millisecond)
			j.emit(at, "kubelet", "kubelet", kpid, klogS('E', at, kpid, "kubelet.go:2697", "Skipping pod synchronization", "err", MessageRuntimeDown))
		}
	})
	for n, p := range j.pods {
		if p.DeletionTimestamp == nil {
			continue
		}
		uid := string(p.UID)
		from := p.DeletionTimestamp.Add(-30 * time.Second)
		j.tick("killpod/"+p.Name, from.Add(time.Duration(n)*7*time.Second), 53*time.Second, from, end, func(k int, t time.Time) {
			err := fmt.Sprintf("failed to %q for %q with KillPodSandboxError: %q", "KillPodSandbox", uid, grpc)
			j.emit(t, "kubelet", "kubelet", kpid, klogS('E', t, kpid, "pod_workers.go:1301", "Error syncing pod, skipping",
				"err", err, "pod", p.Namespace+"/"+p.Name, "podUID", uid))
		})
	}
}

// networkNotReady is the kubelet's line while the CNI is down, every runtime sync (5 s).
func (j *journal) networkNotReady(from, to time.Time) {
	pid := j.kubeletPID(0)
	j.tick("netnotready", from, 5*time.Second, from, to, func(k int, t time.Time) {
		j.emit(t, "kubelet", "kubelet", pid, klogS('E', t, pid, "kubelet.go:3117", "Container runtime network not ready",
			"networkReady", "NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized"))
	})
}

func plegEvent(p *corev1.Pod, typ, data string) raw {
	return raw(fmt.Sprintf(`{"ID":%q,"Type":%q,"Data":%q}`, p.UID, typ, data))
}

// cniNotReady: calico-node on worker-06 starts, fails to reach the datastore, exits and waits out
// its five-minute back-off, for three hours; the CNI stays uninitialised.
func (j *journal) cniNotReady(end time.Time) {
	down := j.seed.Add(-(3*hour + 9*minute))
	j.networkNotReady(down, end)
	calico := j.pod("kube-system", "calico-node-")
	if calico == nil {
		return
	}
	kpid, rpid := j.kubeletPID(0), j.runtimePID(0)
	key := "kube-system/" + calico.Name
	lastExit := j.seed.Add(-(2*minute + 41*time.Second))
	const backoff = 5*minute + 3*time.Second
	first := lastExit.Add(-36 * backoff)
	sandbox := hex64("sandbox", calico.Namespace, calico.Name)
	j.tick("calico-run", first, backoff, first, end, func(k int, exit time.Time) {
		ran := 20*time.Second + jitter(fmt.Sprint("ran", k), 40*time.Second)
		start := exit.Add(-ran)
		id := hex64("container", calico.Name, "calico-node", fmt.Sprint(k))
		at := start.Add(-200 * time.Millisecond)
		j.emit(at, "containerd", "containerd", rpid, logrus(at, "info", fmt.Sprintf("CreateContainer within sandbox %q for container &ContainerMetadata{Name:calico-node,Attempt:%d,}", sandbox, k+1)))
		j.emit(at.Add(60*time.Millisecond), "containerd", "containerd", rpid, logrus(at.Add(60*time.Millisecond), "info", fmt.Sprintf("CreateContainer within sandbox %q for &ContainerMetadata{Name:calico-node,Attempt:%d,} returns container id %q", sandbox, k+1, id)))
		j.emit(at.Add(70*time.Millisecond), "containerd", "containerd", rpid, logrus(at.Add(70*time.Millisecond), "info", fmt.Sprintf("StartContainer for %q", id)))
		j.emit(start, "containerd", "containerd", rpid, logrus(start, "info", fmt.Sprintf("StartContainer for %q returns successfully", id)))
		j.emit(start.Add(900*time.Millisecond), "kubelet", "kubelet", kpid, klogS('I', start.Add(900*time.Millisecond), kpid, "kubelet.go:2636", "SyncLoop (PLEG): event for pod", "pod", key, "event", plegEvent(calico, "ContainerStarted", id)))
		for pr := 10 * time.Second; pr < ran; pr += 10 * time.Second {
			at := start.Add(pr)
			j.emit(at, "kubelet", "kubelet", kpid, klogS('I', at, kpid, "prober.go:107", "Probe failed", "probeType", "Readiness", "pod", key,
				"podUID", string(calico.UID), "containerName", "calico-node", "probeResult", "failure", "output", calicoBIRDDown+"\n"))
		}
		j.emit(exit, "containerd", "containerd", rpid, logrus(exit, "info", "shim disconnected", "id", id, "namespace", "k8s.io"))
		j.emit(exit.Add(time.Millisecond), "containerd", "containerd", rpid, logrus(exit.Add(time.Millisecond), "warning", "cleaning up after shim disconnected", "id", id, "namespace", "k8s.io"))
		at = exit.Add(800 * time.Millisecond)
		j.emit(at, "kubelet", "kubelet", kpid, klogS('I', at, kpid, "generic.go:358", "Generic (PLEG): container finished", "podID", string(calico.UID), "containerID", id, "exitCode", 1))
		j.emit(at.Add(time.Millisecond), "kubelet", "kubelet", kpid, klogS('I', at.Add(time.Millisecond), kpid, "kubelet.go:2636", "SyncLoop (PLEG): event for pod", "pod", key, "event", plegEvent(calico, "ContainerDied", id)))
		backoffMsg := fmt.Sprintf("back-off 5m0s restarting failed container=calico-node pod=%s_%s(%s)", calico.Name, calico.Namespace, calico.UID)
		err := fmt.Sprintf("failed to %q for %q with CrashLoopBackOff: %q", "StartContainer", "calico-node", backoffMsg)
		for w := 11 * time.Second; w < backoff-ran-10*time.Second; w += 14*time.Second + jitter(fmt.Sprint("bo", k, w), 3*time.Second) {
			at := exit.Add(w)
			j.emit(at, "kubelet", "kubelet", kpid, klogS('E', at, kpid, "pod_workers.go:1301", "Error syncing pod, skipping", "err", err, "pod", key, "podUID", string(calico.UID)))
		}
	})
}

// flapping: worker-04's calico-node is OOM-killed every few minutes; the CNI is down until it is
// back, and the kubelet reports NotReady meanwhile.
func (j *journal) flapping(end time.Time) {
	calico := j.pod("kube-system", "calico-node-")
	if calico == nil {
		return
	}
	kpid, rpid := j.kubeletPID(0), j.runtimePID(0)
	lastKill := j.seed.Add(-(2*minute + 10*time.Second))
	start := lastKill.Add(-8 * 6 * minute)
	period := 6 * minute
	kill := func(k int, t time.Time) {
		id := hex64("container", calico.Name, "calico-node", "oom", fmt.Sprint(k))
		vpid := 40000 + spread(fmt.Sprint(j.node, "oom", k), 20000)
		j.emit(t, "", "kernel", 0, fmt.Sprintf("Memory cgroup out of memory: Killed process %d (calico-node) total-vm:1902212kB, anon-rss:522816kB, file-rss:48312kB, shmem-rss:0kB, UID:0 pgtables:1488kB oom_score_adj:-997", vpid))
		j.emit(t.Add(3*time.Millisecond), "containerd", "containerd", rpid, logrus(t.Add(3*time.Millisecond), "info", fmt.Sprintf("TaskOOM event container_id:%q", id)))
		at := t.Add(900 * time.Millisecond)
		j.emit(at, "kubelet", "kubelet", kpid, klogS('I', at, kpid, "kubelet.go:2636", "SyncLoop (PLEG): event for pod", "pod", "kube-system/"+calico.Name, "event", plegEvent(calico, "ContainerDied", id)))
		notReady := t.Add(6 * time.Second)
		cond := fmt.Sprintf(`{"type":"Ready","status":"False","lastHeartbeatTime":%q,"lastTransitionTime":%q,"reason":"KubeletNotReady","message":%s}`,
			notReady.UTC().Format(time.RFC3339), notReady.UTC().Format(time.RFC3339), strconv.Quote(MessageCNINotReady))
		j.emit(notReady, "kubelet", "kubelet", kpid, klogS('I', notReady, kpid, "setters.go:603", "Node became not ready", "node", j.node, "condition", raw(cond)))
		j.networkNotReady(notReady, t.Add(55*time.Second))
		up := t.Add(58 * time.Second)
		j.emit(up, "kubelet", "kubelet", kpid, klogS('I', up, kpid, "kubelet_node_status.go:501", "Fast updating node status as it just became ready"))
	}
	j.tick("calico-oom", start, period, start, minTime(end, j.seed), kill)
	// While the simulator runs, it flaps about every two minutes.
	j.tick("calico-oom-live", j.seed.Add(time.Minute), 2*minute, j.seed, end, func(k int, t time.Time) { kill(1000+k, t) })
}

// unreachable: worker-11's last minutes before it went silent: the kernel hung on its disk.
func (j *journal) unreachable(end time.Time) {
	for k := 0; k < 3; k++ {
		at := end.Add(-time.Duration(3-k) * 2 * minute).Add(-7 * time.Second)
		j.emit(at, "", "kernel", 0, "INFO: task jbd2/nvme0n1p1-8:412 blocked for more than 120 seconds.")
		j.emit(at.Add(time.Millisecond), "", "kernel", 0, "      Not tainted "+j.p.os.kernel+" #33-Ubuntu")
		j.emit(at.Add(2*time.Millisecond), "", "kernel", 0, `"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.`)
	}
}

// plegEpisodes are legacy-07's NotReady spells before the current one: (PLEG stuck since, Ready
// again at). The events say 47 NotReady since 2d7h before the seed, the last Ready 9m30s before.
func (j *journal) plegEpisodes() [][2]time.Time {
	first := j.seed.Add(-(2*day + 7*hour))
	lastReady := j.seed.Add(-(9*minute + 30*time.Second))
	lastStart := lastReady.Add(-4 * minute)
	var out [][2]time.Time
	for e := 0; e < 46; e++ {
		notReady := first.Add(time.Duration(e) * lastStart.Sub(first) / 45)
		ready := notReady.Add(4 * minute)
		if e < 45 {
			ready = ready.Add(-jitter(fmt.Sprint("plegready", e), 50*time.Second))
		}
		out = append(out, [2]time.Time{notReady.Add(-3 * minute), ready})
	}
	return out
}

// pleg: legacy-07's 1.12 kubelet. Its PLEG relist has been stuck for a while at a time for two
// days; since 3m12s before the seed it is deadlocked (seed 001), and the sync loop logs that it
// skips pod synchronisation every five seconds.
func (j *journal) pleg(end time.Time) {
	pid := j.kubeletPID(0)
	boot := j.boots[0]
	spell := func(e int, stuck, ready time.Time) {
		notReady := stuck.Add(3 * time.Minute).Add(time.Duration(90+spread(fmt.Sprint("nr", e), 800)) * time.Millisecond)
		j.tick(fmt.Sprint("pleg", e), notReady, 5*time.Second, notReady, minTime(ready, end), func(k int, t time.Time) {
			j.emit(t, "kubelet", "kubelet", pid, klog('I', t, pid, "kubelet.go:1829",
				fmt.Sprintf("skipping pod synchronization - [PLEG is not healthy: pleg was last seen active %s ago; threshold is 3m0s]", t.Sub(stuck))))
		})
		at := notReady.Add(40 * time.Millisecond)
		mono := fmt.Sprintf("m=+%.9f", at.Sub(boot.Add(25*time.Second)).Seconds())
		ts := at.UTC().Format("2006-01-02 15:04:05.999999999 -0700 MST") + " " + mono
		j.emit(at, "kubelet", "kubelet", pid, klog('I', at, pid, "kubelet_node_status.go:657",
			fmt.Sprintf("Node became not ready: {Type:Ready Status:False LastHeartbeatTime:%s LastTransitionTime:%s Reason:KubeletNotReady Message:PLEG is not healthy: pleg was last seen active %s ago; threshold is 3m0s}",
				ts, ts, at.Sub(stuck))))
		if ready.Before(end) && ready.Before(j.seed) {
			j.emit(ready, "kubelet", "kubelet", pid, klog('I', ready, pid, "kubelet_node_status.go:442", "Recording NodeReady event message for node "+j.node))
		}
	}
	for e, ep := range j.plegEpisodes() {
		spell(e, ep[0], ep[1])
	}
	stuck := j.seed.Add(-(3*minute + 12*time.Second))
	spell(99, stuck, j.now.Add(time.Hour))
	// Docker keeps failing to stop the containers of pods deleted hours ago.
	rpid := j.runtimePID(0)
	j.tick("docker-kill", stuck.Add(-2*hour), 47*time.Second, stuck.Add(-2*hour), end, func(k int, t time.Time) {
		id := hex64("loadgen-old", fmt.Sprint(k%14))
		j.emit(t, "docker", "dockerd", rpid, logrus(t, "info", fmt.Sprintf("Container %s failed to exit within 30 seconds of signal 15 - using the force", id)))
	})
}
