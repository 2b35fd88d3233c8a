package cluster

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/kubectl/pkg/describe"
)

func testNode(name string, cpu, mem string) *corev1.Node {
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Status: corev1.NodeStatus{
			Capacity: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu), corev1.ResourceMemory: resource.MustParse(mem),
				corev1.ResourcePods: resource.MustParse("110"), corev1.ResourceEphemeralStorage: resource.MustParse("100Gi"),
				"hugepages-2Mi": resource.MustParse("1Gi"), "example.com/gpu": resource.MustParse("4")},
			Allocatable: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu), corev1.ResourceMemory: resource.MustParse(mem),
				corev1.ResourcePods: resource.MustParse("110"), corev1.ResourceEphemeralStorage: resource.MustParse("90Gi"),
				"hugepages-2Mi": resource.MustParse("1Gi"), "example.com/gpu": resource.MustParse("4")},
		},
	}
}

func container(name, cpuReq, memReq, cpuLim, memLim string) corev1.Container {
	c := corev1.Container{Name: name, Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{}, Limits: corev1.ResourceList{}}}
	set := func(l corev1.ResourceList, n corev1.ResourceName, v string) {
		if v != "" {
			l[n] = resource.MustParse(v)
		}
	}
	set(c.Resources.Requests, corev1.ResourceCPU, cpuReq)
	set(c.Resources.Requests, corev1.ResourceMemory, memReq)
	set(c.Resources.Limits, corev1.ResourceCPU, cpuLim)
	set(c.Resources.Limits, corev1.ResourceMemory, memLim)
	return c
}

func testPod(name, node string, phase corev1.PodPhase, containers ...corev1.Container) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"},
		Spec:       corev1.PodSpec{NodeName: node, Containers: containers},
		Status:     corev1.PodStatus{Phase: phase},
	}
}

// allocationCases cover what makes the sum tricky: init containers (max, not sum), restartable
// sidecars (added), pod overhead, pod-level resources, terminated pods (left out), extended resources.
func allocationCases() map[string][]*corev1.Pod {
	always := corev1.ContainerRestartPolicyAlways
	initPod := testPod("init", "n1", corev1.PodRunning, container("app", "100m", "64Mi", "200m", "128Mi"))
	initPod.Spec.InitContainers = []corev1.Container{container("migrate", "2", "1Gi", "2", "1Gi")}
	sidecar := testPod("sidecar", "n1", corev1.PodRunning, container("app", "250m", "256Mi", "", "512Mi"))
	sc := container("proxy", "50m", "32Mi", "100m", "64Mi")
	sc.RestartPolicy = &always
	sidecar.Spec.InitContainers = []corev1.Container{sc, container("wait", "1", "16Mi", "", "")}
	overhead := testPod("kata", "n1", corev1.PodRunning, container("app", "500m", "512Mi", "1", "1Gi"))
	overhead.Spec.Overhead = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("250m"), corev1.ResourceMemory: resource.MustParse("160Mi")}
	podLevel := testPod("pod-level", "n1", corev1.PodRunning, container("a", "", "", "", ""), container("b", "", "", "", ""))
	podLevel.Spec.Resources = &corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1500m"), corev1.ResourceMemory: resource.MustParse("2Gi")},
		Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("3"), corev1.ResourceMemory: resource.MustParse("4Gi")},
	}
	gpu := testPod("gpu", "n1", corev1.PodRunning, container("train", "3", "30Gi", "3", "60Gi"))
	gpu.Spec.Containers[0].Resources.Requests["example.com/gpu"] = resource.MustParse("2")
	gpu.Spec.Containers[0].Resources.Limits["example.com/gpu"] = resource.MustParse("2")
	gpu.Spec.Containers[0].Resources.Requests[corev1.ResourceEphemeralStorage] = resource.MustParse("5Gi")
	gpu.Spec.Containers[0].Resources.Requests["hugepages-2Mi"] = resource.MustParse("512Mi")
	gpu.Spec.Containers[0].Resources.Limits["hugepages-2Mi"] = resource.MustParse("512Mi")
	done := testPod("done", "n1", corev1.PodSucceeded, container("job", "4", "8Gi", "4", "8Gi"))
	failed := testPod("evicted", "n1", corev1.PodFailed, container("app", "4", "8Gi", "", ""))
	return map[string][]*corev1.Pod{
		"empty":          nil,
		"plain":          {testPod("a", "n1", corev1.PodRunning, container("app", "100m", "128Mi", "500m", "256Mi"))},
		"init":           {initPod},
		"sidecar":        {sidecar},
		"overhead":       {overhead},
		"pod-level":      {podLevel},
		"terminated-out": {done, failed, testPod("b", "n1", corev1.PodPending, container("app", "1", "1Gi", "", ""))},
		"mixed":          {initPod, sidecar, overhead, podLevel, gpu, done, failed},
		"overcommitted":  {testPod("hog", "n1", corev1.PodRunning, container("app", "1", "1Gi", "12", "40Gi"))},
	}
}

// describeAllocated runs kubectl's own describer on the same objects and returns its "Allocated
// resources" table rows, e.g. "cpu  2350m (58%)  4100m (102%)".
func describeAllocated(t *testing.T, node *corev1.Node, pods []*corev1.Pod) []string {
	t.Helper()
	objs := []runtime.Object{node}
	for _, p := range pods {
		objs = append(objs, p)
	}
	client := fake.NewClientset(objs...)
	out, err := (&describe.NodeDescriber{Interface: client}).Describe("", node.Name, describe.DescriberSettings{})
	if err != nil {
		t.Fatalf("kubectl describe: %v", err)
	}
	_, after, ok := strings.Cut(out, "Allocated resources:")
	if !ok {
		t.Fatalf("no Allocated resources section in:\n%s", out)
	}
	var rows []string
	for _, line := range strings.Split(after, "\n")[4:] { // skip the note and the table header
		if !strings.HasPrefix(line, "  ") {
			break
		}
		rows = append(rows, strings.Join(strings.Fields(line), " "))
	}
	return rows
}

func ourAllocated(a Allocation) []string {
	var rows []string
	for _, r := range a.Resources {
		if r.HasPercent {
			rows = append(rows, fmt.Sprintf("%s %s (%d%%) %s (%d%%)", r.Name, r.Requests.String(), r.RequestPct, r.Limits.String(), r.LimitPct))
		} else {
			rows = append(rows, fmt.Sprintf("%s %s %s", r.Name, r.Requests.String(), r.Limits.String()))
		}
	}
	return rows
}

func TestAllocationMatchesKubectlDescribe(t *testing.T) {
	for name, pods := range allocationCases() {
		t.Run(name, func(t *testing.T) {
			node := testNode("n1", "4", "16Gi")
			// kubectl describe asks the API server for non-terminated pods only (a field selector);
			// computeAllocation is handed every pod and must leave the terminated ones out itself.
			var running []*corev1.Pod
			for _, p := range pods {
				if p.Status.Phase != corev1.PodSucceeded && p.Status.Phase != corev1.PodFailed {
					running = append(running, p)
				}
			}
			want := describeAllocated(t, node, running)
			got := ourAllocated(computeAllocation(node, testRows(pods)))
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("allocation differs from kubectl describe\n got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

func TestAllocationFlagsOvercommit(t *testing.T) {
	node := testNode("n1", "4", "16Gi")
	a := computeAllocation(node, testRows(allocationCases()["overcommitted"]))
	cpu, _ := a.Get(corev1.ResourceCPU)
	mem, _ := a.Get(corev1.ResourceMemory)
	if !cpu.Overcommitted || cpu.LimitPct != 300 || cpu.RequestPct != 25 {
		t.Errorf("cpu = %+v, want limits 300%% overcommitted and requests 25%%", cpu)
	}
	if !mem.Overcommitted || mem.LimitPct != 250 {
		t.Errorf("memory = %+v, want limits 250%% overcommitted", mem)
	}
	if ok := regexp.MustCompile(`^\d+$`).MatchString(fmt.Sprint(cpu.RequestPct)); !ok {
		t.Errorf("percent not an integer: %v", cpu.RequestPct)
	}
}

// testRows makes the pods' rows, which carry the totals computeAllocation adds up.
func testRows(pods []*corev1.Pod) []PodRow {
	rows := make([]PodRow, len(pods))
	for i, p := range pods {
		rows[i] = podRow(p, time.Now())
	}
	return rows
}
