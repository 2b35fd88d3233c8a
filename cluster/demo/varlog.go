package demo

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// The kubelet's file server: GET logs/ serves the node's /var/log through Go's http.FileServer. It
// answers logs/ without a query on every kubelet, and every logs/ request on a kubelet whose node
// log query is off, which is how the TUI learns that the query is off: 200 OK and an HTML listing.

// vfile is a file or directory under /var/log.
type vfile struct {
	name string
	dir  bool
}

// dirListing renders a directory as the Go the kubelet was built with does (net/http's dirList):
// since Go 1.21 with a doctype and a viewport meta, before that a bare <pre>.
func dirListing(entries []vfile, modern bool) []byte {
	sort.Slice(entries, func(i, j int) bool { return entries[i].name < entries[j].name })
	var b strings.Builder
	if modern {
		b.WriteString("<!doctype html>\n")
		b.WriteString("<meta name=\"viewport\" content=\"width=device-width\">\n")
	}
	b.WriteString("<pre>\n")
	for _, e := range entries {
		name := e.name
		if e.dir {
			name += "/"
		}
		u := url.URL{Path: name}
		fmt.Fprintf(&b, "<a href=\"%s\">%s</a>\n", u.String(), htmlEscaper.Replace(name))
	}
	b.WriteString("</pre>\n")
	return []byte(b.String())
}

var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;")

// modernGo reports whether the node's kubelet was built with a Go that writes the doctype
// (the 1.36 and 1.37 kubelets; the legacy 1.12 and 1.18 ones were built with Go 1.10 and 1.13).
func modernGo(p nodePlan) bool { return p.minor() >= 27 }

// varLogRoot lists /var/log.
func (c *Cluster) varLogRoot(p nodePlan) []vfile {
	if p.centos() {
		return []vfile{
			{"anaconda", true}, {"audit", true}, {"boot.log", false}, {"btmp", false}, {"chrony", true},
			{"containers", true}, {"cron", false}, {"dmesg", false}, {"dmesg.old", false},
			{"grubby_prune_debug", false}, {"lastlog", false}, {"maillog", false}, {"messages", false},
			{"messages-" + lastSunday(c.Now()).Format("20060102"), false}, {"pods", true}, {"rhsm", true},
			{"secure", false}, {"spooler", false}, {"tallylog", false}, {"tuned", true}, {"wtmp", false},
			{"yum.log", false},
		}
	}
	return []vfile{
		{"alternatives.log", false}, {"amazon", true}, {"apport.log", false}, {"apt", true},
		{"auth.log", false}, {"auth.log.1", false}, {"btmp", false}, {"chrony", true},
		{"cloud-init-output.log", false}, {"cloud-init.log", false}, {"containers", true},
		{"dist-upgrade", true}, {"dmesg", false}, {"dpkg.log", false}, {"journal", true},
		{"kern.log", false}, {"kern.log.1", false}, {"landscape", true}, {"lastlog", false},
		{"pods", true}, {"private", true}, {"syslog", false}, {"syslog.1", false}, {"syslog.2.gz", false},
		{"ubuntu-advantage.log", false}, {"unattended-upgrades", true}, {"wtmp", false},
	}
}

// lastSunday is the last weekly rotation of CentOS's logs (Sunday, 03:xx).
func lastSunday(now time.Time) time.Time {
	d := now.UTC().Truncate(24 * time.Hour)
	for d.Weekday() != time.Sunday || !d.Add(3*time.Hour).Before(now) {
		d = d.Add(-24 * time.Hour)
	}
	return d.Add(3*time.Hour + 12*time.Minute)
}

// containerLogName is the name of a container's log under /var/log/containers.
func containerLogName(p *corev1.Pod, st corev1.ContainerStatus) string {
	return fmt.Sprintf("%s_%s_%s-%s.log", p.Name, p.Namespace, st.Name, bareID(st.ContainerID))
}

// serveVarLog answers GET logs/<path> from the kubelet's file server: a listing, a file, or
// found=false (404 page not found).
func (c *Cluster) serveVarLog(p nodePlan, path string) (body []byte, found bool) {
	path = strings.Trim(path, "/")
	modern := modernGo(p)
	now := c.Now()
	switch {
	case path == "":
		return dirListing(c.varLogRoot(p), modern), true
	case path == "containers":
		var entries []vfile
		for _, pod := range c.podsOnNode(p.name) {
			for _, st := range pod.Status.ContainerStatuses {
				if st.ContainerID != "" {
					entries = append(entries, vfile{name: containerLogName(pod, st)})
				}
			}
		}
		return dirListing(entries, modern), true
	case strings.HasPrefix(path, "containers/"):
		name := strings.TrimPrefix(path, "containers/")
		for _, pod := range c.podsOnNode(p.name) {
			for _, st := range pod.Status.ContainerStatuses {
				if st.ContainerID != "" && containerLogName(pod, st) == name {
					return c.criLogFile(pod, st.Name), true
				}
			}
		}
		return nil, false
	case path == "pods":
		var entries []vfile
		for _, pod := range c.podsOnNode(p.name) {
			entries = append(entries, vfile{name: fmt.Sprintf("%s_%s_%s", pod.Namespace, pod.Name, pod.UID), dir: true})
		}
		return dirListing(entries, modern), true
	case strings.HasPrefix(path, "pods/"):
		parts := strings.Split(strings.TrimPrefix(path, "pods/"), "/")
		for _, pod := range c.podsOnNode(p.name) {
			if parts[0] != fmt.Sprintf("%s_%s_%s", pod.Namespace, pod.Name, pod.UID) {
				continue
			}
			switch len(parts) {
			case 1:
				var entries []vfile
				for _, st := range pod.Status.ContainerStatuses {
					entries = append(entries, vfile{name: st.Name, dir: true})
				}
				return dirListing(entries, modern), true
			case 2, 3:
				for _, st := range pod.Status.ContainerStatuses {
					if st.Name != parts[1] {
						continue
					}
					file := fmt.Sprintf("%d.log", st.RestartCount)
					if len(parts) == 2 {
						entries := []vfile{{name: file}}
						if st.RestartCount > 0 {
							entries = append(entries, vfile{name: fmt.Sprintf("%d.log", st.RestartCount-1)})
						}
						return dirListing(entries, modern), true
					}
					if parts[2] == file {
						return c.criLogFile(pod, st.Name), true
					}
				}
			}
		}
		return nil, false
	}
	day := now.UTC().Truncate(24 * time.Hour)
	switch {
	case !p.centos() && path == "syslog":
		return []byte(syslogFile(p.name, false, c.journalOf(p, day, now).lines)), true
	case !p.centos() && path == "syslog.1":
		return []byte(syslogFile(p.name, false, c.journalOf(p, day.Add(-24*time.Hour), day.Add(-time.Nanosecond)).lines)), true
	case !p.centos() && (path == "kern.log" || path == "kern.log.1"):
		from, to := lastSunday(now), now
		if path == "kern.log.1" {
			from, to = from.Add(-7*24*time.Hour), from
		}
		var kernel []jline
		for _, l := range c.journalOf(p, from, to).lines {
			if l.ident == "kernel" {
				kernel = append(kernel, l)
			}
		}
		return []byte(syslogFile(p.name, false, kernel)), true
	case p.centos() && path == "messages":
		return []byte(syslogFile(p.name, true, c.journalOf(p, lastSunday(now), now).lines)), true
	case p.centos() && strings.HasPrefix(path, "messages-"):
		from := lastSunday(now)
		return []byte(syslogFile(p.name, true, c.journalOf(p, from.Add(-7*24*time.Hour), from).lines)), true
	}
	for _, e := range c.varLogRoot(p) {
		if e.name == path {
			if e.dir {
				return dirListing(nil, modern), true
			}
			return nil, true // a file the demo does not fill in
		}
		if e.dir && strings.HasPrefix(path, e.name+"/") {
			return nil, false
		}
	}
	return nil, false
}

// criLogFile is a container's log file as the container runtime writes it (CRI format).
func (c *Cluster) criLogFile(p *corev1.Pod, container string) []byte {
	entries, err := c.containerLog(p, &corev1.PodLogOptions{Container: container}, defaultLinePeriod)
	if err != nil {
		return nil
	}
	var b strings.Builder
	for _, e := range entries {
		fmt.Fprintf(&b, "%s stdout F %s\n", e.t.UTC().Format(rfc3339NanoFixed), e.line)
	}
	return []byte(b.String())
}
