package cluster

import (
	"reflect"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestPodRowsReuseTheRowsOfUnchangedPods(t *testing.T) {
	now := time.Now()
	a := testPod("a", "n1", corev1.PodRunning, container("app", "100m", "64Mi", "", ""))
	b := testPod("b", "n1", corev1.PodRunning, container("app", "200m", "128Mi", "", ""))
	c := testPod("c", "n1", corev1.PodPending, container("app", "300m", "256Mi", "", ""))
	c.CreationTimestamp = metav1.NewTime(now.Add(-time.Minute))
	before := podRows([]*corev1.Pod{a, b, c}, nil, now)
	before[0].Message = "made before" // a reused row still says so; a recomputed one does not

	// b restarts (a new object from the watch), a2 is created, a is unchanged, c grows old.
	b2 := b.DeepCopy()
	b2.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "app", RestartCount: 4}}
	a2 := testPod("a2", "n1", corev1.PodRunning, container("app", "1", "1Gi", "", ""))
	later := now.Add(time.Hour)
	after := podRows([]*corev1.Pod{a, a2, b2, c}, before, later)

	if len(after) != 4 {
		t.Fatalf("%d rows, want 4", len(after))
	}
	if after[0].pod != a || after[0].Message != "made before" {
		t.Errorf("a's row was not reused: %+v", after[0])
	}
	if after[1].Name != "a2" || after[1].CPURequestMilli != 1000 {
		t.Errorf("a2's row = %+v, want a new row with 1 CPU requested", after[1])
	}
	if after[2].pod != b2 || after[2].Restarts != 4 {
		t.Errorf("b's row = %+v, want the new object's 4 restarts", after[2])
	}
	if after[3].pod != c || before[3-1].Broken || !after[3].Broken {
		t.Errorf("c (Pending for an hour) is not re-judged broken: before %v, after %v", before[2].Broken, after[3].Broken)
	}
	if got := computeAllocation(testNode("n1", "4", "16Gi"), after); got.requests.Cpu().MilliValue() != 1600 {
		t.Errorf("allocation from reused rows requests %dm CPU, want 1600m", got.requests.Cpu().MilliValue())
	}
}

func TestTransformPodSharesWhatRepeatsAndDropsRedundantConditions(t *testing.T) {
	decoded := func(name string) *corev1.Pod {
		p := testPod(name, "node-1", corev1.PodRunning, container("app", "250m", "256Mi", "500m", "512Mi"))
		p.Labels = map[string]string{"app": "web", "pod-template-hash": "5d9f7"}
		p.Status.Conditions = []corev1.PodCondition{
			{Type: corev1.PodReadyToStartContainers, Status: corev1.ConditionTrue},
			{Type: corev1.PodInitialized, Status: corev1.ConditionTrue},
			{Type: corev1.PodReady, Status: corev1.ConditionTrue},
			{Type: corev1.ContainersReady, Status: corev1.ConditionTrue},
			{Type: corev1.PodScheduled, Status: corev1.ConditionTrue},
		}
		data, err := p.Marshal() // each its own strings and maps, as off the wire
		if err != nil {
			t.Fatal(err)
		}
		out := &corev1.Pod{}
		if err := out.Unmarshal(data); err != nil {
			t.Fatal(err)
		}
		return out
	}
	one, _ := TransformPod(decoded("web-1"))
	two, _ := TransformPod(decoded("web-2"))
	p1, p2 := one.(*corev1.Pod), two.(*corev1.Pod)
	same := func(a, b any) bool { return reflect.ValueOf(a).Pointer() == reflect.ValueOf(b).Pointer() }
	if !same(p1.Labels, p2.Labels) || !same(p1.Spec.Containers[0].Resources.Requests, p2.Spec.Containers[0].Resources.Requests) {
		t.Error("equal labels and resource lists of two pods are not one shared map")
	}
	if p1.Labels["app"] != "web" || p1.Spec.Containers[0].Resources.Limits.Memory().String() != "512Mi" {
		t.Errorf("interning changed the content: labels %v, limits %v", p1.Labels, p1.Spec.Containers[0].Resources.Limits)
	}
	var kept []corev1.PodConditionType
	for _, c := range p1.Status.Conditions {
		kept = append(kept, c.Type)
	}
	if want := []corev1.PodConditionType{corev1.PodInitialized, corev1.PodReady, corev1.PodScheduled}; !reflect.DeepEqual(kept, want) {
		t.Errorf("kept conditions %v, want %v", kept, want)
	}
	if cap(p1.Status.Conditions) != len(p1.Status.Conditions) {
		t.Errorf("conditions hold room for %d, want exactly %d", cap(p1.Status.Conditions), len(p1.Status.Conditions))
	}

	failed := decoded("evicted")
	failed.Status.Phase = corev1.PodFailed
	f, _ := TransformPod(failed)
	if n := len(f.(*corev1.Pod).Status.Conditions); n != 5 {
		t.Errorf("a failed pod keeps %d conditions, want all 5 (they date its eviction)", n)
	}
}
