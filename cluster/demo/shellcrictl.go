package demo

import (
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// The demo shell's container runtime commands: crictl ps and info (and docker ps on Docker nodes).

// humanAgo is docker/go-units' HumanDuration, as crictl prints CREATED.
func humanAgo(d time.Duration) string {
	var s string
	switch seconds := int(d.Seconds()); {
	case seconds < 1:
		s = "Less than a second"
	case seconds == 1:
		s = "1 second"
	case seconds < 60:
		s = fmt.Sprintf("%d seconds", seconds)
	default:
		minutes := int(d.Minutes())
		hours := int(d.Hours() + 0.5)
		switch {
		case minutes == 1:
			s = "About a minute"
		case minutes < 60:
			s = fmt.Sprintf("%d minutes", minutes)
		case hours == 1:
			s = "About an hour"
		case hours < 48:
			s = fmt.Sprintf("%d hours", hours)
		case hours < 24*7*2:
			s = fmt.Sprintf("%d days", hours/24)
		case hours < 24*30*2:
			s = fmt.Sprintf("%d weeks", hours/24/7)
		case hours < 24*365*2:
			s = fmt.Sprintf("%d months", hours/24/30)
		default:
			s = fmt.Sprintf("%d years", int(d.Hours())/24/365)
		}
	}
	return s + " ago"
}

func (s *demoShell) crictl(args []string) (string, int) {
	if len(args) == 0 {
		return notSimulated("crictl")
	}
	endpoint := "unix:///run/containerd/containerd.sock"
	if s.p.docker() {
		endpoint = "unix:///var/run/dockershim.sock"
	}
	if s.node == NodeRuntimeDown && s.c.incident(s.node) {
		return fmt.Sprintf("time=%q level=fatal msg=%q\n", s.c.Now().UTC().Format(time.RFC3339),
			fmt.Sprintf("validate service connection: validate CRI v1 runtime API for endpoint %q: %s", endpoint, containerdSockDown)), 1
	}
	switch args[0] {
	case "ps":
		all := false
		for _, a := range args[1:] {
			all = all || a == "-a" || a == "--all"
		}
		return s.crictlPS(all), 0
	case "info":
		return s.crictlInfo(), 0
	}
	return notSimulated("crictl " + args[0])
}

func (s *demoShell) crictlPS(all bool) string {
	now := s.c.Now()
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 20, 1, 3, ' ', 0)
	fmt.Fprintln(tw, "CONTAINER\tIMAGE\tCREATED\tSTATE\tNAME\tATTEMPT\tPOD ID\tPOD\tNAMESPACE")
	type row struct {
		at   time.Time
		line string
	}
	var rows []row
	for _, p := range s.c.podsOnNode(s.node) {
		podID := hex64("sandbox", p.Namespace, p.Name)[:13]
		for _, st := range p.Status.ContainerStatuses {
			image := hex64("image", st.Image)[:13]
			if r := st.State.Running; r != nil && st.ContainerID != "" {
				rows = append(rows, row{r.StartedAt.Time, fmt.Sprintf("%s\t%s\t%s\tRunning\t%s\t%d\t%s\t%s\t%s",
					bareID(st.ContainerID)[:13], image, humanAgo(now.Sub(r.StartedAt.Time)), st.Name, st.RestartCount, podID, p.Name, p.Namespace)})
			}
			if !all {
				continue
			}
			if t := st.LastTerminationState.Terminated; t != nil && t.ContainerID != "" {
				rows = append(rows, row{t.StartedAt.Time, fmt.Sprintf("%s\t%s\t%s\tExited\t%s\t%d\t%s\t%s\t%s",
					bareID(t.ContainerID)[:13], image, humanAgo(now.Sub(t.StartedAt.Time)), st.Name, max(st.RestartCount-1, 0), podID, p.Name, p.Namespace)})
			}
			if t := st.State.Terminated; t != nil && st.ContainerID != "" {
				rows = append(rows, row{t.StartedAt.Time, fmt.Sprintf("%s\t%s\t%s\tExited\t%s\t%d\t%s\t%s\t%s",
					bareID(st.ContainerID)[:13], image, humanAgo(now.Sub(t.StartedAt.Time)), st.Name, st.RestartCount, podID, p.Name, p.Namespace)})
			}
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].at.After(rows[j].at) })
	for _, r := range rows {
		fmt.Fprintln(tw, r.line)
	}
	tw.Flush()
	return b.String()
}

func (s *demoShell) crictlInfo() string {
	netReady, reason, msg := "true", `""`, `""`
	if n := s.c.getNode(s.node); n != nil {
		if ready := findCondition(n.Status.Conditions, corev1.NodeReady); ready != nil && strings.Contains(ready.Message, "NetworkPluginNotReady") {
			netReady, reason, msg = "false", `"NetworkPluginNotReady"`, `"Network plugin returns error: cni plugin not initialized"`
		}
	}
	return fmt.Sprintf(`{
  "status": {
    "conditions": [
      {
        "type": "RuntimeReady",
        "status": true,
        "reason": "",
        "message": ""
      },
      {
        "type": "NetworkReady",
        "status": %s,
        "reason": %s,
        "message": %s
      },
      {
        "type": "ContainerdHasNoDeprecationWarnings",
        "status": true,
        "reason": "",
        "message": ""
      }
    ]
  },
  "cniconfig": {
    "PluginDirs": [
      "/opt/cni/bin"
    ],
    "PluginConfDir": "/etc/cni/net.d",
    "PluginMaxConfNum": 1,
    "Prefix": "eth"
  },
  "config": {
    "containerd": {
      "defaultRuntimeName": "runc",
      "snapshotter": "overlayfs"
    },
    "enableSelinux": false,
    "sandboxImage": "registry.k8s.io/pause:3.10",
    "containerdRootDir": "/var/lib/containerd",
    "stateDir": "/run/containerd/io.containerd.grpc.v1.cri"
  },
  "golang": "go1.24.6",
  "lastCNILoadStatus": "OK"
}
`, netReady, reason, msg)
}
