package demo

import (
	"fmt"
	"strings"
	"time"
)

// The everyday journal lines: the machine booting, and what a healthy kubelet, container runtime
// and system log now and then.

// bootLines: the machine booting and its daemons starting.
func (j *journal) bootLines(i int, boot time.Time) {
	kpid, rpid := j.kubeletPID(i), j.runtimePID(i)
	rt := j.p.runtimeUnit()
	if j.p.centos() {
		j.emit(boot, "", "kernel", 0, "Linux version "+j.p.os.kernel+" (mockbuild@kbuilder.bsys.centos.org) (gcc version 4.8.5 20150623 (Red Hat 4.8.5-36) (GCC) ) #1 SMP")
		j.emit(boot.Add(2*time.Second), "", "systemd", 1, "systemd 219 running in system mode. (+PAM +AUDIT +SELINUX +IMA -APPARMOR +SMACK +SYSVINIT +UTMP +LIBCRYPTSETUP +GCRYPT +GNUTLS +ACL +XZ +LZ4 -SECCOMP +BLKID +ELFUTILS +KMOD +IDN)")
	} else {
		j.emit(boot, "", "kernel", 0, "Linux version "+j.p.os.kernel+" (buildd@lcy02-amd64-086) (x86_64-linux-gnu-gcc-13 (Ubuntu 13.3.0-6ubuntu2~24.04) 13.3.0, GNU ld (GNU Binutils for Ubuntu) 2.42) #33-Ubuntu SMP")
		j.emit(boot.Add(2*time.Second), "", "systemd", 1, "systemd 255.4-1ubuntu8.11 running in system mode (+PAM +AUDIT +SELINUX +APPARMOR +IMA +SMACK +SECCOMP +GCRYPT -GNUTLS +OPENSSL +ACL +BLKID +CURL +ELFUTILS +FIDO2 +IDN2 -IDN +IPTC +KMOD +LIBCRYPTSETUP +LIBFDISK +PCRE2 -PWQUALITY +P11KIT +QRENCODE +TPM2 +BZIP2 +LZ4 +XZ +ZLIB +ZSTD -BPF_FRAMEWORK -XKBCOMMON +UTMP +SYSVINIT default-hierarchy=unified)")
	}
	rstart := boot.Add(14 * time.Second)
	if j.p.docker() {
		j.emit(rstart, rt, "systemd", 1, "Starting Docker Application Container Engine...")
		j.emit(rstart.Add(40*time.Millisecond), rt, "dockerd", rpid, logrus(rstart.Add(40*time.Millisecond), "info", "Starting up"))
		j.emit(rstart.Add(2*time.Second), rt, "dockerd", rpid, logrus(rstart.Add(2*time.Second), "info", "Docker daemon", "commit", "aa7e414", "graphdriver(s)", "overlay2", "version", strings.TrimPrefix(j.p.os.runtime, "docker://")))
		j.emit(rstart.Add(2100*time.Millisecond), rt, "systemd", 1, "Started Docker Application Container Engine.")
	} else {
		j.emit(rstart, rt, "systemd", 1, "Starting containerd.service - containerd container runtime...")
		j.emit(rstart.Add(60*time.Millisecond), rt, "containerd", rpid, logrus(rstart.Add(60*time.Millisecond), "info", "starting containerd", "revision", "75cb2b7193e4e490e9fbdc236c0e811ccaba3376", "version", strings.TrimPrefix(j.p.os.runtime, "containerd://")))
		j.emit(rstart.Add(900*time.Millisecond), rt, "containerd", rpid, logrus(rstart.Add(900*time.Millisecond), "info", "containerd successfully booted in 0.841223s"))
		j.emit(rstart.Add(910*time.Millisecond), rt, "systemd", 1, "Started containerd.service - containerd container runtime.")
	}
	k := boot.Add(25 * time.Second)
	if j.p.centos() {
		j.emit(k, "kubelet", "systemd", 1, "Started kubelet: The Kubernetes Node Agent.")
		j.emit(k.Add(300*time.Millisecond), "kubelet", "kubelet", kpid, klog('I', k.Add(300*time.Millisecond), kpid, "server.go:417", "Version: "+j.p.os.kubelet))
		j.emit(k.Add(9*time.Second), "kubelet", "kubelet", kpid, klog('I', k.Add(9*time.Second), kpid, "kubelet.go:1799", "Starting kubelet main sync loop."))
		return
	}
	j.emit(k, "kubelet", "systemd", 1, "Started kubelet.service - kubelet: The Kubernetes Node Agent.")
	at := k.Add(250 * time.Millisecond)
	j.emit(at, "kubelet", "kubelet", kpid, klogS('I', at, kpid, "server.go:530", "Kubelet version", "kubeletVersion", j.p.os.kubelet))
	j.emit(at, "kubelet", "kubelet", kpid, klogS('I', at, kpid, "server.go:532", "Golang settings", "GOGC", "", "GOMAXPROCS", "", "GOTRACEBACK", ""))
	if cfg := kubeletConfigOf(j.p); cfg.FeatureGates["NodeLogQuery"] && j.p.minor() >= 36 {
		j.emit(at, "kubelet", "kubelet", kpid, klog('W', at, kpid, "feature_gate.go:354", "Setting GA feature gate NodeLogQuery=true. It will be removed in a future release."))
	}
	at = k.Add(3 * time.Second)
	j.emit(at, "kubelet", "kubelet", kpid, klogS('I', at, kpid, "kubelet_node_status.go:75", "Attempting to register node", "node", j.node))
	j.emit(at.Add(40*time.Millisecond), "kubelet", "kubelet", kpid, klogS('I', at.Add(40*time.Millisecond), kpid, "kubelet_node_status.go:78", "Successfully registered node", "node", j.node))
	j.emit(at.Add(90*time.Millisecond), "kubelet", "kubelet", kpid, klogS('I', at.Add(90*time.Millisecond), kpid, "kubelet.go:2525", "Starting kubelet main sync loop"))
	j.emit(at.Add(15*time.Second), "kubelet", "kubelet", kpid, klogS('I', at.Add(15*time.Second), kpid, "kubelet_node_status.go:501", "Fast updating node status as it just became ready"))
}

// quietKubelet: what a healthy kubelet logs now and then.
func (j *journal) quietKubelet(i int, lo, hi time.Time) {
	pid := j.kubeletPID(i)
	if !j.structured() {
		j.tick("kubelet-quiet", lo.Add(time.Minute), 4*minute+17*time.Second, lo, hi, func(k int, t time.Time) {
			if len(j.pods) == 0 {
				return
			}
			p := j.pods[spread(fmt.Sprint(j.node, k), len(j.pods))]
			if j.p.docker() && j.p.minor() < 14 {
				j.emit(t, "kubelet", "kubelet", pid, klog('W', t, pid, "docker_sandbox.go:384",
					fmt.Sprintf("failed to read pod IP from plugin/docker: NetworkPlugin cni failed on the status hook for pod %q: CNI failed to retrieve network namespace path: cannot find network namespace for the terminated container %q",
						p.Name+"_"+p.Namespace, hex64("dead", p.Name, fmt.Sprint(k)))))
				return
			}
			j.emit(t, "kubelet", "kubelet", pid, klog('W', t, pid, "watcher.go:87", fmt.Sprintf(
				`Error while processing event ("/sys/fs/cgroup/memory/kubepods/besteffort/pod%s/%s": 0x40000100 == IN_CREATE|IN_ISDIR): inotify_add_watch /sys/fs/cgroup/memory/kubepods/besteffort/pod%s/%s: no such file or directory`,
				p.UID, hex64("exec", p.Name, fmt.Sprint(k)), p.UID, hex64("exec", p.Name, fmt.Sprint(k)))))
		})
		return
	}
	j.tick("kubelet-quiet", lo.Add(time.Minute), 5*minute+11*time.Second, lo, hi, func(k int, t time.Time) {
		if len(j.pods) == 0 {
			return
		}
		p := j.pods[spread(fmt.Sprint(j.node, "q", k), len(j.pods))]
		switch spread(fmt.Sprint(j.node, "kind", k), 3) {
		case 0, 1:
			id := hex64("exec", p.Name, fmt.Sprint(k))
			slice := "kubepods-besteffort.slice/kubepods-besteffort-pod" + strings.ReplaceAll(string(p.UID), "-", "_") + ".slice"
			path := "/sys/fs/cgroup/kubepods.slice/kubepods-besteffort.slice/" + slice[len("kubepods-besteffort.slice/"):] + "/cri-containerd-" + id + ".scope"
			j.emit(t, "kubelet", "kubelet", pid, klog('W', t, pid, "watcher.go:93", fmt.Sprintf(
				"Error while processing event (%q: 0x40000100 == IN_CREATE|IN_ISDIR): inotify_add_watch %s: no such file or directory", path, path)))
		default:
			j.emit(t, "kubelet", "kubelet", pid, klogS('I', t, pid, "kubelet.go:2614", "SyncLoop (probe)",
				"probe", "readiness", "status", "ready", "pod", p.Namespace+"/"+p.Name))
		}
	})
	if strings.HasPrefix(j.node, "cp-") {
		j.tick("static-status", lo.Add(2*minute), 10*time.Minute, lo, hi, func(k int, t time.Time) {
			for n, c := range []string{"etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"} {
				at := t.Add(time.Duration(n) * 3 * time.Millisecond)
				j.emit(at, "kubelet", "kubelet", pid, klogS('I', at, pid, "kubelet_getters.go:218", "Pod status updated",
					"pod", "kube-system/"+c+"-"+j.node, "status", raw("\"Running\"")))
			}
		})
	}
}

// quietRuntime: the container runtime's everyday lines. down: the runtime crash-loops from the
// incident on (worker-05), see runtimeDown.
func (j *journal) quietRuntime(i int, lo, hi time.Time, down bool) {
	pid := j.runtimePID(i)
	unit := j.p.runtimeUnit()
	if down {
		hi = minTime(hi, j.seed.Add(-26*minute))
	}
	if j.p.docker() {
		j.tick("docker-quiet", lo.Add(2*minute), 3*minute+43*time.Second, lo, hi, func(k int, t time.Time) {
			id := hex64("dockerd", j.node, fmt.Sprint(k))
			if j.p.minor() < 14 {
				j.emit(t, unit, "dockerd", pid, logrus(t, "info", "shim reaped", "id", id, "module", "containerd/tasks"))
				return
			}
			j.emit(t, unit, "dockerd", pid, logrus(t, "info", "ignoring event", "container", id, "module", "libcontainerd",
				"namespace", "moby", "topic", "/tasks/delete", "type", "*events.TaskDelete"))
		})
		return
	}
	j.tick("containerd-quiet", lo.Add(3*minute), 6*minute+29*time.Second, lo, hi, func(k int, t time.Time) {
		id := hex64("containerd", j.node, fmt.Sprint(k))
		if k%2 == 0 {
			j.emit(t, unit, "containerd", pid, logrus(t, "info", fmt.Sprintf("RemoveContainer for %q", id)))
			t2 := t.Add(31 * time.Millisecond)
			j.emit(t2, unit, "containerd", pid, logrus(t2, "info", fmt.Sprintf("RemoveContainer for %q returns successfully", id)))
			return
		}
		j.emit(t, unit, "containerd", pid, logrus(t, "info", "shim disconnected", "id", id, "namespace", "k8s.io"))
		t2 := t.Add(2 * time.Millisecond)
		j.emit(t2, unit, "containerd", pid, logrus(t2, "warning", "cleaning up after shim disconnected", "id", id, "namespace", "k8s.io"))
		t3 := t.Add(3 * time.Millisecond)
		j.emit(t3, unit, "containerd", pid, logrus(t3, "info", "cleaning up dead shim", "namespace", "k8s.io"))
	})
}

// quietSystem: chrony and the rest of the machine.
func (j *journal) quietSystem(i int, lo, hi time.Time) {
	cpid := j.pid("chronyd", i, 520, 90)
	if j.p.centos() {
		j.tick("sessions", lo.Add(5*minute), 10*minute, lo, hi, func(k int, t time.Time) {
			j.emit(t, "", "systemd", 1, "Created slice User Slice of root.")
			j.emit(t.Add(2*time.Millisecond), "", "systemd", 1, fmt.Sprintf("Started Session %d of user root.", 3100+k))
			j.emit(t.Add(400*time.Millisecond), "", "systemd", 1, "Removed slice User Slice of root.")
		})
		j.tick("chrony", lo.Add(3*hour), 7*hour, lo, hi, func(k int, t time.Time) {
			j.emit(t, "chronyd", "chronyd", cpid, "Selected source 169.254.169.123")
		})
		return
	}
	// Calico's veths, as pods come and go.
	j.tick("veth", lo.Add(17*minute), 23*minute+11*time.Second, lo, hi, func(k int, t time.Time) {
		j.emit(t, "", "kernel", 0, fmt.Sprintf("cali%s: Caught tx_queue_len zero misconfig", hex64("veth", j.node, fmt.Sprint(k))[:11]))
	})
	j.emit(lo.Add(9*time.Second), "chrony", "chronyd", cpid, "chronyd version 4.5 starting (+CMDMON +NTP +REFCLOCK +RTC +PRIVDROP +SCFILTER +SIGND +ASYNCDNS +NTS +SECHASH +IPV6 -DEBUG)")
	j.emit(lo.Add(15*time.Second), "chrony", "chronyd", cpid, "Selected source 169.254.169.123")
	j.tick("chrony", lo.Add(2*hour), 6*hour+20*minute, lo, hi, func(k int, t time.Time) {
		j.emit(t, "chrony", "chronyd", cpid, fmt.Sprintf("Source 2620:2d:4000:1::%d replaced with 2620:2d:4000:1::%d (ntp.ubuntu.com)", 40+k%3, 40+(k+1)%3))
	})
}
