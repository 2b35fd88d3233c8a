package demo

import (
	"fmt"

	authenticationv1 "k8s.io/api/authentication/v1"
	authenticationv1beta1 "k8s.io/api/authentication/v1beta1"
	authorizationv1 "k8s.io/api/authorization/v1"
	authorizationv1beta1 "k8s.io/api/authorization/v1beta1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	k8stesting "k8s.io/client-go/testing"
)

// userGroups are the demo user's groups: a cluster admin, as a kubeadm admin.conf user is.
var userGroups = []string{"system:masters", "system:authenticated"}

// allowedReason is what the API server's RBAC authorizer says when it allows the demo user.
const allowedReason = `RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to Group "system:masters"`

// installReviewReactors answers the reviews a client sends before it acts. The API server computes
// them from the request's credentials and never stores them; the plain fake would try to store one
// (and fail: a review has no name), so ktriage's RBAC preflight and whoami would see errors.
func (c *Cluster) installReviewReactors() {
	c.cs.PrependReactor("create", "selfsubjectaccessreviews", accessReviewReaction)
	c.cs.PrependReactor("create", "selfsubjectreviews", whoamiReaction)
}

// accessReviewReaction: the demo user may do anything, anywhere.
func accessReviewReaction(action k8stesting.Action) (bool, runtime.Object, error) {
	ca, ok := action.(k8stesting.CreateActionImpl)
	if !ok || ca.GetSubresource() != "" {
		return false, nil, nil
	}
	switch r := ca.GetObject().DeepCopyObject().(type) {
	case *authorizationv1.SelfSubjectAccessReview:
		r.Status = authorizationv1.SubjectAccessReviewStatus{Allowed: true, Reason: allowedReason}
		return true, r, nil
	case *authorizationv1beta1.SelfSubjectAccessReview:
		r.Status = authorizationv1beta1.SubjectAccessReviewStatus{Allowed: true, Reason: allowedReason}
		return true, r, nil
	default:
		return true, nil, apierrors.NewBadRequest(fmt.Sprintf("unexpected access review %T", r))
	}
}

// whoamiReaction answers a SelfSubjectReview (kubectl auth whoami) with the demo user.
func whoamiReaction(action k8stesting.Action) (bool, runtime.Object, error) {
	ca, ok := action.(k8stesting.CreateActionImpl)
	if !ok || ca.GetSubresource() != "" {
		return false, nil, nil
	}
	groups := append([]string(nil), userGroups...)
	switch r := ca.GetObject().DeepCopyObject().(type) {
	case *authenticationv1.SelfSubjectReview:
		r.Status.UserInfo = authenticationv1.UserInfo{Username: User, Groups: groups}
		return true, r, nil
	case *authenticationv1beta1.SelfSubjectReview:
		r.Status.UserInfo = authenticationv1.UserInfo{Username: User, Groups: groups}
		return true, r, nil
	default:
		return true, nil, apierrors.NewBadRequest(fmt.Sprintf("unexpected self subject review %T", r))
	}
}
