// Package e2e holds tests that run ktriage's packages and binary against the real control plane that
// hack/testenv starts: etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok on loopback.
package e2e
