package actions_test

// A small fake cluster for the actions tests: client-go's fake clientset with the few behaviours
// the actions depend on and the fake lacks — SelfSubjectAccessReview and SelfSubjectReview answers,
// pod lists filtered by spec.nodeName, the Eviction API (with an optional PodDisruptionBudget
// refusal), and discovery that offers pods/eviction so kubectl's drain helper evicts instead of
// deleting.

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
	"k8s.io/utils/ptr"

	"github.com/ktriage/ktriage/actions"
	"github.com/ktriage/ktriage/cluster"
)

var podsGVR = schema.GroupVersionResource{Version: "v1", Resource: "pods"}

// fakeCluster is a fake clientset plus the knobs the tests turn.
type fakeCluster struct {
	t  *testing.T
	cs *fake.Clientset

	mu sync.Mutex
	// denied lists the permissions (Permission.String()) a SelfSubjectAccessReview refuses.
	denied map[string]bool
	// reviewErr, when set, is returned for every SelfSubjectAccessReview.
	reviewErr error
	// username is what a SelfSubjectReview answers; "" leaves the fake's empty answer.
	username string
	// evict decides an eviction before the default (delete the pod at once); returning handled
	// false falls through to the default.
	evict func(ns, name string) (handled bool, err error)
	// asked counts SelfSubjectAccessReviews per permission.
	asked map[string]int
}

func newFakeCluster(t *testing.T, objs ...runtime.Object) *fakeCluster {
	t.Helper()
	f := &fakeCluster{t: t, cs: fake.NewClientset(objs...), denied: map[string]bool{}, asked: map[string]int{}}
	f.cs.Resources = []*metav1.APIResourceList{{
		GroupVersion: "v1",
		APIResources: []metav1.APIResource{
			{Name: "pods", Kind: "Pod", Namespaced: true},
			{Name: "pods/eviction", Kind: "Eviction", Group: "policy", Version: "v1", Namespaced: true},
			{Name: "nodes", Kind: "Node"},
		},
	}}
	f.cs.PrependReactor("create", "selfsubjectaccessreviews", f.accessReview)
	f.cs.PrependReactor("create", "selfsubjectreviews", f.selfReview)
	f.cs.PrependReactor("list", "pods", f.listPods)
	f.cs.PrependReactor("create", "pods", f.eviction)
	return f
}

func (f *fakeCluster) deny(perms ...actions.Permission) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, p := range perms {
		f.denied[p.String()] = true
	}
}

func (f *fakeCluster) accessReview(action k8stesting.Action) (bool, runtime.Object, error) {
	review := action.(k8stesting.CreateAction).GetObject().(*authorizationv1.SelfSubjectAccessReview).DeepCopy()
	a := review.Spec.ResourceAttributes
	perm := actions.Permission{Verb: a.Verb, Group: a.Group, Resource: a.Resource, Subresource: a.Subresource, Namespace: a.Namespace}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked[perm.String()]++
	if f.reviewErr != nil {
		return true, nil, f.reviewErr
	}
	review.Status.Allowed = !f.denied[perm.String()]
	// A denial for a namespaced question is also a denial cluster-wide.
	if a.Namespace != "" {
		perm.Namespace = ""
		review.Status.Allowed = review.Status.Allowed && !f.denied[perm.String()]
	}
	return true, review, nil
}

func (f *fakeCluster) selfReview(action k8stesting.Action) (bool, runtime.Object, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.username == "" {
		return false, nil, nil
	}
	review := &authenticationv1.SelfSubjectReview{}
	review.Status.UserInfo.Username = f.username
	return true, review, nil
}

// listPods honours the spec.nodeName field selector, which the fake ignores.
func (f *fakeCluster) listPods(action k8stesting.Action) (bool, runtime.Object, error) {
	la := action.(k8stesting.ListAction)
	sel := la.GetListRestrictions().Fields
	if sel == nil || sel.Empty() {
		return false, nil, nil
	}
	obj, err := f.cs.Tracker().List(podsGVR, schema.GroupVersionKind{Version: "v1", Kind: "Pod"}, la.GetNamespace())
	if err != nil {
		return true, nil, err
	}
	list := obj.(*corev1.PodList)
	out := &corev1.PodList{ListMeta: list.ListMeta}
	for _, p := range list.Items {
		if sel.Matches(fields.Set{"spec.nodeName": p.Spec.NodeName, "metadata.name": p.Name, "metadata.namespace": p.Namespace}) {
			out.Items = append(out.Items, p)
		}
	}
	return true, out, nil
}

// eviction serves pods/eviction: the pod goes at once, as a kubelet that finishes immediately
// would make it, unless f.evict decides otherwise.
func (f *fakeCluster) eviction(action k8stesting.Action) (bool, runtime.Object, error) {
	ca := action.(k8stesting.CreateAction)
	if ca.GetSubresource() != "eviction" {
		return false, nil, nil
	}
	ev := ca.GetObject().(*policyv1.Eviction)
	f.mu.Lock()
	hook := f.evict
	f.mu.Unlock()
	if hook != nil {
		if handled, err := hook(ev.Namespace, ev.Name); handled {
			return true, nil, err
		}
	}
	if err := f.cs.Tracker().Delete(podsGVR, ev.Namespace, ev.Name); err != nil {
		return true, nil, err
	}
	return true, ev, nil
}

// mutations lists the actions that change the cluster: every create, update, patch and delete
// except the access and identity reviews, which only ask.
func (f *fakeCluster) mutations() []string {
	var out []string
	for _, a := range f.cs.Actions() {
		switch a.GetVerb() {
		case "create", "update", "patch", "delete", "deletecollection":
		default:
			continue
		}
		res := a.GetResource().Resource
		if res == "selfsubjectaccessreviews" || res == "selfsubjectreviews" {
			continue
		}
		if sub := a.GetSubresource(); sub != "" {
			res += "/" + sub
		}
		out = append(out, a.GetVerb()+" "+res)
	}
	return out
}

func (f *fakeCluster) node(name string) *corev1.Node {
	f.t.Helper()
	n, err := f.cs.CoreV1().Nodes().Get(f.t.Context(), name, metav1.GetOptions{})
	if err != nil {
		f.t.Fatalf("get node %s: %v", name, err)
	}
	return n
}

func (f *fakeCluster) podExists(ns, name string) bool {
	_, err := f.cs.CoreV1().Pods(ns).Get(f.t.Context(), name, metav1.GetOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		f.t.Fatalf("get pod %s/%s: %v", ns, name, err)
	}
	return err == nil
}

// testInfo names the fake cluster in the audit log.
var testInfo = cluster.Info{Context: "prod-eu", Server: "https://10.0.0.1:6443", User: "kube-admin"}

// runner builds a runner on the fake with an audit log in a temporary folder.
func (f *fakeCluster) runner(configure ...func(*actions.Config)) (*actions.Runner, string) {
	f.t.Helper()
	path := filepath.Join(f.t.TempDir(), "state", "ktriage", "audit.jsonl")
	cfg := actions.Config{Client: f.cs, Info: testInfo, Audit: actions.NewAuditLog(path), EvictionRetryDelay: 10 * time.Millisecond}
	for _, c := range configure {
		c(&cfg)
	}
	return actions.New(cfg), path
}

// readAudit parses every line of an audit log; a missing file is no lines.
func readAudit(t *testing.T, path string) []map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatalf("read audit log: %v", err)
	}
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("audit line %q is not JSON: %v", sc.Text(), err)
		}
		out = append(out, m)
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		t.Errorf("audit log does not end with a newline: %q", data)
	}
	return out
}

// results lists the result field of each audit line.
func results(lines []map[string]any) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i], _ = l["result"].(string)
	}
	return out
}

// Fixture objects.

func readyNode(name string, ready corev1.ConditionStatus) *corev1.Node {
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name, UID: types.UID("uid-" + name), Labels: map[string]string{"kubernetes.io/hostname": name}},
		Status: corev1.NodeStatus{
			Conditions: []corev1.NodeCondition{{Type: corev1.NodeReady, Status: ready}},
			NodeInfo:   corev1.NodeSystemInfo{BootID: "boot-1-" + name},
		},
	}
}

func owner(kind, name string) []metav1.OwnerReference {
	apiVersion := "apps/v1"
	if kind == "Node" {
		apiVersion = "v1"
	}
	return []metav1.OwnerReference{{APIVersion: apiVersion, Kind: kind, Name: name, UID: types.UID("uid-" + name), Controller: ptr.To(true)}}
}

type podOpt func(*corev1.Pod)

func ownedBy(kind, name string) podOpt {
	return func(p *corev1.Pod) { p.OwnerReferences = owner(kind, name) }
}

func withEmptyDir(p *corev1.Pod) {
	p.Spec.Volumes = append(p.Spec.Volumes, corev1.Volume{Name: "scratch", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}})
}

func phase(ph corev1.PodPhase) podOpt { return func(p *corev1.Pod) { p.Status.Phase = ph } }

func labelled(k, v string) podOpt { return func(p *corev1.Pod) { p.Labels[k] = v } }

func mirror(p *corev1.Pod) {
	p.Annotations = map[string]string{corev1.MirrorPodAnnotationKey: "0123456789abcdef"}
	p.OwnerReferences = owner("Node", p.Spec.NodeName)
	p.OwnerReferences[0].UID = types.UID("uid-" + p.Spec.NodeName)
}

func pod(ns, name, node string, opts ...podOpt) *corev1.Pod {
	p := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, UID: types.UID("uid-" + ns + "-" + name), Labels: map[string]string{"app": name}},
		Spec:       corev1.PodSpec{NodeName: node, Containers: []corev1.Container{{Name: "main", Image: "pause"}}},
		Status: corev1.PodStatus{Phase: corev1.PodRunning,
			Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}},
	}
	for _, o := range opts {
		o(p)
	}
	return p
}

func daemonSet(ns, name string) *appsv1.DaemonSet {
	return &appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, UID: types.UID("uid-" + name)}}
}

func pdb(ns, name, app string, allowed int32) *policyv1.PodDisruptionBudget {
	return &policyv1.PodDisruptionBudget{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec:       policyv1.PodDisruptionBudgetSpec{Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": app}}},
		Status:     policyv1.PodDisruptionBudgetStatus{DisruptionsAllowed: allowed, CurrentHealthy: 2, DesiredHealthy: 2, ExpectedPods: 2},
	}
}

// tooManyRequests is the API server's answer to an eviction a budget refuses.
func tooManyRequests(budget string) error {
	err := apierrors.NewTooManyRequests("Cannot evict pod as it would violate the pod's disruption budget.", 0)
	err.ErrStatus.Details.Causes = []metav1.StatusCause{{
		Type:    policyv1.DisruptionBudgetCause,
		Message: fmt.Sprintf("The disruption budget %s needs 2 healthy pods and has 2 currently", budget),
	}}
	return err
}
