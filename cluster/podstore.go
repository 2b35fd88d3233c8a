package cluster

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/klog/v2"
)

// storedPod is what the pod informer keeps of a pod: the fields the cache, the index and the
// handlers need, and the stripped pod in protobuf. At 150,000 pods the difference matters: a stripped
// pod as Go objects takes 2.5–4.5 KB (the Pod struct alone is 1.2 KB), in protobuf a third of that.
// A node's pods are decoded when its view is rebuilt and dropped after; the views keep rows.
type storedPod struct {
	namespace, name, node string
	uid                   types.UID
	raw                   []byte
}

// GetObjectMeta lets the informer's cache key the pod (namespace/name) like any object.
func (s *storedPod) GetObjectMeta() metav1.Object {
	return &metav1.ObjectMeta{Namespace: s.namespace, Name: s.name, UID: s.uid}
}

// decode returns a new copy of the stripped pod. The bytes were marshalled by storePod from a valid
// object, so decoding cannot fail; were it to, the pod still shows by name, and klog (ktriage's log
// file) says why. A panic here would end ktriage from the watcher's goroutine.
func (s *storedPod) decode() *corev1.Pod {
	pod := &corev1.Pod{}
	if err := pod.Unmarshal(s.raw); err != nil {
		klog.ErrorS(err, "decode stored pod", "pod", s.namespace+"/"+s.name)
		pod = &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: s.namespace, Name: s.name, UID: s.uid}}
		pod.Spec.NodeName = s.node
	}
	return pod
}

// storePod is the pod informer's transform: TransformPod's stripping, then the compact form.
func storePod(obj any) (any, error) {
	if s, ok := obj.(*storedPod); ok {
		return s, nil // already stored (a resync hands the cache's objects back)
	}
	stripped, err := TransformPod(obj)
	if err != nil {
		return nil, err
	}
	pod, ok := stripped.(*corev1.Pod)
	if !ok {
		return obj, nil
	}
	raw, err := pod.Marshal()
	if err != nil {
		return nil, fmt.Errorf("store pod %s/%s: %w", pod.Namespace, pod.Name, err)
	}
	return &storedPod{namespace: intern(pod.Namespace), name: pod.Name, node: intern(pod.Spec.NodeName), uid: pod.UID, raw: raw}, nil
}

// decodePods decodes each stored pod.
func decodePods(stored []*storedPod) []*corev1.Pod {
	pods := make([]*corev1.Pod, len(stored))
	for i, s := range stored {
		pods[i] = s.decode()
	}
	return pods
}

// Pods returns the pods bound to the node, terminated ones included, sorted by namespace and name:
// new copies decoded from the cache, which the caller may keep (they cost memory: prefer PodRows).
func (v *NodeView) Pods() []*corev1.Pod {
	if v == nil {
		return nil
	}
	return decodePods(v.stored)
}
