package testenv

import (
	"context"
	"fmt"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/util/retry"
	"k8s.io/utils/ptr"
)

// NodeLeaseNamespace holds the kubelets' heartbeat leases.
const NodeLeaseNamespace = corev1.NamespaceNodeLease

// WorkerNode returns a realistic worker node: labels, a podCIDR, capacity and allocatable (32 CPU,
// 128 GiB, 110 pods) with the usual reservations, and the node info of a containerd node. index
// picks its podCIDR (10.128.0.0/9 split into /24s). With kwok set it carries kwok's annotation, and
// kwok plays its kubelet; without, it is an incident fixture whose status stays as written.
func WorkerNode(name string, index int, kwok bool) *corev1.Node {
	node := &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{
			Name: name,
			Labels: map[string]string{
				"kubernetes.io/hostname":         name,
				"kubernetes.io/os":               "linux",
				"kubernetes.io/arch":             "amd64",
				"node-role.kubernetes.io/worker": "",
				"topology.kubernetes.io/zone":    fmt.Sprintf("zone-%c", 'a'+index%3),
			},
		},
		Spec: corev1.NodeSpec{PodCIDR: podCIDR(index), PodCIDRs: []string{podCIDR(index)}},
		Status: corev1.NodeStatus{
			Capacity: corev1.ResourceList{
				corev1.ResourceCPU:              resource.MustParse("32"),
				corev1.ResourceMemory:           resource.MustParse("128Gi"),
				corev1.ResourcePods:             resource.MustParse("110"),
				corev1.ResourceEphemeralStorage: resource.MustParse("200Gi"),
			},
			Allocatable: corev1.ResourceList{
				corev1.ResourceCPU:              resource.MustParse("31800m"),
				corev1.ResourceMemory:           resource.MustParse("125Gi"),
				corev1.ResourcePods:             resource.MustParse("110"),
				corev1.ResourceEphemeralStorage: resource.MustParse("180Gi"),
			},
			NodeInfo: corev1.NodeSystemInfo{
				KubeletVersion:          "v1.37.2",
				KernelVersion:           "6.1.0-28-amd64",
				OSImage:                 "Debian GNU/Linux 12 (bookworm)",
				ContainerRuntimeVersion: "containerd://2.1.4",
				OperatingSystem:         "linux",
				Architecture:            "amd64",
				BootID:                  fmt.Sprintf("00000000-0000-4000-8000-%012d", index),
				// kwok renders nodeInfo unquoted: an all-digit machine ID would turn into a YAML number.
				MachineID: fmt.Sprintf("ec2%029x", index),
			},
		},
	}
	if kwok {
		node.Annotations = map[string]string{KwokNodeAnnotation: KwokNodeAnnotationValue}
	} else {
		now := metav1.Now()
		node.Status.Addresses = []corev1.NodeAddress{
			{Type: corev1.NodeInternalIP, Address: fmt.Sprintf("192.168.%d.%d", 1+index/250, 1+index%250)},
			{Type: corev1.NodeHostName, Address: name},
		}
		node.Status.Conditions = HealthyConditions(now)
	}
	return node
}

func podCIDR(index int) string { return fmt.Sprintf("10.%d.%d.0/24", 128+index/256%128, index%256) }

// HealthyConditions are the conditions of a healthy kubelet, as it reports them.
func HealthyConditions(at metav1.Time) []corev1.NodeCondition {
	cond := func(t corev1.NodeConditionType, s corev1.ConditionStatus, reason, msg string) corev1.NodeCondition {
		return corev1.NodeCondition{Type: t, Status: s, Reason: reason, Message: msg, LastHeartbeatTime: at, LastTransitionTime: at}
	}
	return []corev1.NodeCondition{
		cond(corev1.NodeMemoryPressure, corev1.ConditionFalse, "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
		cond(corev1.NodeDiskPressure, corev1.ConditionFalse, "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
		cond(corev1.NodePIDPressure, corev1.ConditionFalse, "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
		cond(corev1.NodeReady, corev1.ConditionTrue, "KubeletReady", "kubelet is posting ready status"),
	}
}

// CreateNode creates a node with the status it carries; the API server keeps status written at create.
func (e *Env) CreateNode(ctx context.Context, node *corev1.Node) (*corev1.Node, error) {
	created, err := e.Client.CoreV1().Nodes().Create(ctx, node, metav1.CreateOptions{})
	if err != nil {
		return nil, fmt.Errorf("create node %s: %w", node.Name, err)
	}
	return created, nil
}

// reserveNodeIndexes reserves n consecutive node indexes on this Env and returns the first. The
// first node ever created through an Env gets index 0 (podCIDR 10.128.0.0/24).
func (e *Env) reserveNodeIndexes(n int) int {
	return int(e.nodeIndex.Add(int64(n))) - n
}

// NextNodeIndex reserves a node index no other node of this Env has, for WorkerNode: fixture nodes
// built with it never share a podCIDR (or boot and machine ID) with kwok nodes or each other.
func (e *Env) NextNodeIndex() int { return e.reserveNodeIndexes(1) }

// CreateKwokNodes creates n kwok-managed worker nodes named prefix-0 … prefix-(n-1), concurrently.
// Their indexes (and so their podCIDRs) follow those of every node this Env created before, so
// nodes from different calls never hand out the same pod IPs.
func (e *Env) CreateKwokNodes(ctx context.Context, prefix string, n int) ([]string, error) {
	first := e.reserveNodeIndexes(n)
	names := make([]string, n)
	for i := range n {
		names[i] = fmt.Sprintf("%s-%d", prefix, i)
	}
	err := parallel(ctx, n, 16, func(ctx context.Context, i int) error {
		_, err := e.CreateNode(ctx, WorkerNode(names[i], first+i, true))
		return err
	})
	return names, err
}

// WaitForNodeReady waits until the node's Ready condition is True (kwok initialises its nodes
// within a second or two).
func (e *Env) WaitForNodeReady(ctx context.Context, name string) error {
	return wait.PollUntilContextCancel(ctx, 200*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		node, err := e.Client.CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		for _, c := range node.Status.Conditions {
			if c.Type == corev1.NodeReady {
				return c.Status == corev1.ConditionTrue, nil
			}
		}
		return false, nil
	})
}

// SetNodeConditions writes conditions into a node's status, replacing those of the same type and
// keeping the others. Meant for fixture nodes that kwok does not manage.
func (e *Env) SetNodeConditions(ctx context.Context, name string, conditions ...corev1.NodeCondition) error {
	return retry.RetryOnConflict(retry.DefaultRetry, func() error {
		node, err := e.Client.CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		for _, c := range conditions {
			replaced := false
			for i := range node.Status.Conditions {
				if node.Status.Conditions[i].Type == c.Type {
					node.Status.Conditions[i] = c
					replaced = true
				}
			}
			if !replaced {
				node.Status.Conditions = append(node.Status.Conditions, c)
			}
		}
		_, err = e.Client.CoreV1().Nodes().UpdateStatus(ctx, node, metav1.UpdateOptions{})
		return err
	})
}

// SetLease creates or updates a node's heartbeat lease with the given renew time, the way a kubelet
// writes it (owned by the node, so it goes when the node goes).
func (e *Env) SetLease(ctx context.Context, nodeName string, renewed time.Time, durationSeconds int32) error {
	return SetLease(ctx, e.Client, nodeName, renewed, durationSeconds)
}

// SetLease is Env.SetLease for any client.
func SetLease(ctx context.Context, client kubernetes.Interface, nodeName string, renewed time.Time, durationSeconds int32) error {
	leases := client.CoordinationV1().Leases(NodeLeaseNamespace)
	renew := metav1.NewMicroTime(renewed)
	return retry.RetryOnConflict(retry.DefaultRetry, func() error {
		lease, err := leases.Get(ctx, nodeName, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			node, err := client.CoreV1().Nodes().Get(ctx, nodeName, metav1.GetOptions{})
			if err != nil {
				return err
			}
			_, err = leases.Create(ctx, &coordinationv1.Lease{
				ObjectMeta: metav1.ObjectMeta{
					Name: nodeName, Namespace: NodeLeaseNamespace,
					OwnerReferences: []metav1.OwnerReference{{APIVersion: "v1", Kind: "Node", Name: node.Name, UID: node.UID}},
				},
				Spec: coordinationv1.LeaseSpec{
					HolderIdentity: ptr.To(nodeName), LeaseDurationSeconds: ptr.To(durationSeconds), RenewTime: &renew,
				},
			}, metav1.CreateOptions{})
			return err
		}
		if err != nil {
			return err
		}
		lease.Spec.RenewTime = &renew
		lease.Spec.LeaseDurationSeconds = ptr.To(durationSeconds)
		_, err = leases.Update(ctx, lease, metav1.UpdateOptions{})
		return err
	})
}
