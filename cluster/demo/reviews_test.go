package demo

import (
	"context"
	"reflect"
	"testing"

	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The demo user is a cluster admin, as the API server would say; reviews are answered, not stored.
func TestReviews(t *testing.T) {
	c := New(seedTime)
	ctx := context.Background()
	review := &authorizationv1.SelfSubjectAccessReview{Spec: authorizationv1.SelfSubjectAccessReviewSpec{
		ResourceAttributes: &authorizationv1.ResourceAttributes{Verb: "create", Resource: "pods", Subresource: "eviction", Namespace: "shop"}}}
	got, err := c.cs.AuthorizationV1().SelfSubjectAccessReviews().Create(ctx, review, metav1.CreateOptions{})
	if err != nil || !got.Status.Allowed || got.Spec.ResourceAttributes.Subresource != "eviction" {
		t.Fatalf("access review: %v %+v", err, got)
	}
	if review.Status.Allowed {
		t.Error("the reactor changed the caller's object")
	}
	who, err := c.cs.AuthenticationV1().SelfSubjectReviews().Create(ctx, &authenticationv1.SelfSubjectReview{}, metav1.CreateOptions{})
	if err != nil || who.Status.UserInfo.Username != User ||
		!reflect.DeepEqual(who.Status.UserInfo.Groups, []string{"system:masters", "system:authenticated"}) {
		t.Fatalf("whoami: %v %+v", err, who)
	}
}
