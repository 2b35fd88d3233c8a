package cluster

import (
	"fmt"
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
	store := func(p *corev1.Pod) *storedPod {
		s, err := storePod(p.DeepCopy())
		if err != nil {
			t.Fatal(err)
		}
		return s.(*storedPod)
	}
	rows := func(stored []*storedPod, was []PodRow, at time.Time) []PodRow {
		return podRows(stored, decodePods(stored), was, at)
	}
	sa, sb, sc := store(a), store(b), store(c)
	before := rows([]*storedPod{sa, sb, sc}, nil, now)
	before[0].Message = "made before" // a reused row still says so; a recomputed one does not

	// b restarts (a new object from the watch), a2 is created, a is unchanged, c grows old.
	b2 := b.DeepCopy()
	b2.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "app", RestartCount: 4}}
	a2 := testPod("a2", "n1", corev1.PodRunning, container("app", "1", "1Gi", "", ""))
	later := now.Add(time.Hour)
	sb2 := store(b2)
	after := rows([]*storedPod{sa, store(a2), sb2, sc}, before, later)

	if len(after) != 4 {
		t.Fatalf("%d rows, want 4", len(after))
	}
	if after[0].stored != sa || after[0].Message != "made before" {
		t.Errorf("a's row was not reused: %+v", after[0])
	}
	if after[1].Name != "a2" || after[1].CPURequestMilli != 1000 {
		t.Errorf("a2's row = %+v, want a new row with 1 CPU requested", after[1])
	}
	if after[2].stored != sb2 || after[2].Restarts != 4 {
		t.Errorf("b's row = %+v, want the new object's 4 restarts", after[2])
	}
	if after[3].stored != sc || before[2].Broken || !after[3].Broken {
		t.Errorf("c (Pending for an hour) is not re-judged broken: before %v, after %v", before[2].Broken, after[3].Broken)
	}
	if got := computeAllocation(testNode("n1", "4", "16Gi"), after); got.requests.Cpu().MilliValue() != 1600 {
		t.Errorf("allocation from reused rows requests %dm CPU, want 1600m", got.requests.Cpu().MilliValue())
	}
}

func TestStoredPodsRoundTripStrippedAndRowsShareTotals(t *testing.T) {
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
	s1, err := storePod(decoded("web-1"))
	if err != nil {
		t.Fatal(err)
	}
	stored := s1.(*storedPod)
	if stored.namespace != "default" || stored.name != "web-1" || stored.node != "node-1" {
		t.Errorf("stored pod keys %s/%s on %q", stored.namespace, stored.name, stored.node)
	}
	want, _ := TransformPod(decoded("web-1"))
	if got := stored.decode(); !reflect.DeepEqual(got, want) {
		t.Errorf("the stored pod decodes to\n%+v\nwant the stripped pod\n%+v", got, want)
	}
	if again, _ := storePod(stored); again != s1 {
		t.Error("storing a stored pod again (a resync) made a new object")
	}
	p1 := stored.decode()
	var kept []corev1.PodConditionType
	for _, c := range p1.Status.Conditions {
		kept = append(kept, c.Type)
	}
	if want := []corev1.PodConditionType{corev1.PodInitialized, corev1.PodReady, corev1.PodScheduled}; !reflect.DeepEqual(kept, want) {
		t.Errorf("kept conditions %v, want %v", kept, want)
	}
	// Rows of pods with equal resources share one map of totals.
	r1, r2 := podRow(p1, time.Now()), podRow(decoded("web-2"), time.Now())
	same := func(a, b any) bool { return reflect.ValueOf(a).Pointer() == reflect.ValueOf(b).Pointer() }
	if !same(r1.requests, r2.requests) || r1.limits.Memory().String() != "512Mi" {
		t.Errorf("rows of equal pods do not share their totals (limits %v)", r1.limits)
	}

	failed := decoded("evicted")
	failed.Status.Phase = corev1.PodFailed
	f, _ := TransformPod(failed)
	if n := len(f.(*corev1.Pod).Status.Conditions); n != 5 {
		t.Errorf("a failed pod keeps %d conditions, want all 5 (they date its eviction)", n)
	}
}

func TestBigClustersGetFewerSnapshots(t *testing.T) {
	w := &Watcher{opts: Options{MinInterval: 100 * time.Millisecond}, views: map[string]*NodeView{}}
	for i := range 5000 {
		if i == 100 && w.publishInterval() != 100*time.Millisecond {
			t.Errorf("100 nodes: interval %v, want MinInterval", w.publishInterval())
		}
		w.views[fmt.Sprint(i)] = &NodeView{}
	}
	if got := w.publishInterval(); got != 500*time.Millisecond {
		t.Errorf("5,000 nodes: interval %v, want 500ms (two snapshots a second)", got)
	}
}

func TestAStoredPodThatCannotBeDecodedStillShowsByName(t *testing.T) {
	s := &storedPod{namespace: "default", name: "web-1", node: "node-1", uid: "u1", raw: []byte{0xff, 0xff, 0xff}}
	p := s.decode()
	if p.Namespace != "default" || p.Name != "web-1" || p.Spec.NodeName != "node-1" {
		t.Errorf("decoded %s/%s on %q, want default/web-1 on node-1", p.Namespace, p.Name, p.Spec.NodeName)
	}
}
