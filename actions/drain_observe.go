package actions

import (
	"context"

	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/client-go/kubernetes"
	policyv1client "k8s.io/client-go/kubernetes/typed/policy/v1"
)

// observedClient is the clientset kubectl's drain helper uses, with evictions reported to a drain's
// tracker. The helper only prints a 429's message; the tracker needs the whole answer (which budget,
// how many healthy pods) and the moment an eviction was accepted.
type observedClient struct {
	kubernetes.Interface
	onEvict func(ctx context.Context, namespace, name string, err error)
}

func (c observedClient) PolicyV1() policyv1client.PolicyV1Interface {
	return observedPolicy{PolicyV1Interface: c.Interface.PolicyV1(), onEvict: c.onEvict}
}

type observedPolicy struct {
	policyv1client.PolicyV1Interface
	onEvict func(ctx context.Context, namespace, name string, err error)
}

func (p observedPolicy) Evictions(namespace string) policyv1client.EvictionInterface {
	return observedEvictions{EvictionInterface: p.PolicyV1Interface.Evictions(namespace), onEvict: p.onEvict}
}

type observedEvictions struct {
	policyv1client.EvictionInterface
	onEvict func(ctx context.Context, namespace, name string, err error)
}

func (e observedEvictions) Evict(ctx context.Context, eviction *policyv1.Eviction) error {
	err := e.EvictionInterface.Evict(ctx, eviction)
	e.onEvict(ctx, eviction.Namespace, eviction.Name, err)
	return err
}
