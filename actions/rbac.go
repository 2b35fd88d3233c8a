package actions

import (
	"context"
	"fmt"
	"strings"
	"sync"

	authorizationv1 "k8s.io/api/authorization/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Permission is one verb on one resource, as a SelfSubjectAccessReview asks it.
type Permission struct {
	Verb, Group, Resource, Subresource string
	// Namespace limits the question to one namespace; "" asks cluster-wide.
	Namespace string
}

// String reads like RBAC: "patch nodes", "create pods/eviction".
func (p Permission) String() string {
	res := p.Resource
	if p.Group != "" {
		res += "." + p.Group
	}
	if p.Subresource != "" {
		res += "/" + p.Subresource
	}
	s := p.Verb + " " + res
	if p.Namespace != "" {
		s += " in " + p.Namespace
	}
	return s
}

// The permissions ktriage's actions need.
var (
	PermPatchNodes     = Permission{Verb: "patch", Resource: "nodes"}
	PermListPods       = Permission{Verb: "list", Resource: "pods"}
	PermCreateEviction = Permission{Verb: "create", Resource: "pods", Subresource: "eviction"}
	PermDeletePods     = Permission{Verb: "delete", Resource: "pods"}
	// Reads a drain makes on the way: the node itself, each evicted pod while it waits for it to go,
	// and the DaemonSets of DaemonSet pods (kubectl's filter checks they exist).
	PermGetNodes      = Permission{Verb: "get", Resource: "nodes"}
	PermGetPods       = Permission{Verb: "get", Resource: "pods"}
	PermGetDaemonSets = Permission{Verb: "get", Group: "apps", Resource: "daemonsets"}
)

// Action names what ktriage can do to a cluster.
type Action string

// The actions.
const (
	ActionCordon      Action = "cordon"
	ActionUncordon    Action = "uncordon"
	ActionDrain       Action = "drain"
	ActionDeletePod   Action = "delete-pod"
	ActionMaintenance Action = "maintenance"
	ActionNodeShell   Action = "node-shell"
)

// AllActions lists every action, in the order help shows them.
var AllActions = []Action{ActionCordon, ActionUncordon, ActionDrain, ActionMaintenance, ActionDeletePod, ActionNodeShell}

// Needs lists the permissions an action needs. Drain lists pods, evicts them and cordons the node;
// maintenance drains and also writes its progress on the node (patch).
func (a Action) Needs() []Permission {
	switch a {
	case ActionCordon, ActionUncordon:
		return []Permission{PermPatchNodes}
	case ActionDrain, ActionMaintenance:
		return []Permission{PermPatchNodes, PermListPods, PermCreateEviction, PermGetNodes, PermGetPods, PermGetDaemonSets}
	case ActionDeletePod:
		return []Permission{PermDeletePods}
	case ActionNodeShell:
		return shellNeeds(DefaultShellNamespace)
	}
	return nil
}

// needs is what an action needs from this runner: the node shell's permissions are asked in the
// namespace its pods go to.
func (r *Runner) needs(a Action) []Permission {
	if a == ActionNodeShell {
		return shellNeeds(r.shellNamespace)
	}
	return a.Needs()
}

// drainNeeds is what a drain with these options needs: deleting instead of evicting needs delete.
func drainNeeds(a Action, o DrainOptions) []Permission {
	needs := a.Needs()
	if o.DisableEviction {
		needs = append(needs, PermDeletePods)
	}
	return needs
}

// Permissions is the outcome of a preflight: which actions this user may take.
type Permissions struct {
	// ReadOnly is set when no action is offered at all.
	ReadOnly bool
	// Missing maps an action to the permissions it lacks; an action absent from it is allowed.
	Missing map[Action][]Permission
	// Err is why the preflight could not ask (the actions are then withheld).
	Err error
}

// Allowed reports whether an action may be offered, and if not, why in one line.
func (p Permissions) Allowed(a Action) (bool, string) {
	switch {
	case p.ReadOnly:
		return false, "read-only mode"
	case p.Err != nil:
		return false, "permissions unknown: " + p.Err.Error()
	case len(p.Missing[a]) > 0:
		names := make([]string, len(p.Missing[a]))
		for i, m := range p.Missing[a] {
			names[i] = m.String()
		}
		return false, "needs " + strings.Join(names, ", ")
	}
	return true, ""
}

// Preflight asks the API server, once per distinct permission and concurrently, what this user may
// do. In read-only mode it asks nothing.
func (r *Runner) Preflight(ctx context.Context) Permissions {
	if r.readOnly {
		return Permissions{ReadOnly: true}
	}
	var perms []Permission
	seen := map[Permission]bool{}
	for _, a := range AllActions {
		for _, p := range r.needs(a) {
			if !seen[p] {
				seen[p] = true
				perms = append(perms, p)
			}
		}
	}
	allowed, err := r.check(ctx, perms)
	if err != nil {
		return Permissions{Err: err}
	}
	out := Permissions{Missing: map[Action][]Permission{}}
	for _, a := range AllActions {
		for _, p := range r.needs(a) {
			if !allowed[p] {
				out.Missing[a] = append(out.Missing[a], p)
			}
		}
	}
	return out
}

// require fails unless every permission is granted; the error names the missing ones.
func (r *Runner) require(ctx context.Context, perms ...Permission) error {
	if len(perms) == 0 {
		return nil
	}
	allowed, err := r.check(ctx, perms)
	if err != nil {
		return fmt.Errorf("check permissions: %w", err)
	}
	var missing []string
	for _, p := range perms {
		if !allowed[p] {
			missing = append(missing, p.String())
		}
	}
	if len(missing) > 0 {
		return &ForbiddenError{Missing: missing}
	}
	return nil
}

// ForbiddenError says which permissions an action lacked; the action was not attempted.
type ForbiddenError struct{ Missing []string }

func (e *ForbiddenError) Error() string {
	return "not permitted: you cannot " + strings.Join(e.Missing, ", ") + " (nothing was changed)"
}

func (r *Runner) check(ctx context.Context, perms []Permission) (map[Permission]bool, error) {
	var (
		mu      sync.Mutex
		wg      sync.WaitGroup
		allowed = make(map[Permission]bool, len(perms))
		errs    []error
	)
	for _, p := range perms {
		wg.Go(func() {
			review := &authorizationv1.SelfSubjectAccessReview{Spec: authorizationv1.SelfSubjectAccessReviewSpec{
				ResourceAttributes: &authorizationv1.ResourceAttributes{
					Verb: p.Verb, Group: p.Group, Resource: p.Resource, Subresource: p.Subresource, Namespace: p.Namespace,
				},
			}}
			res, err := r.kube.AuthorizationV1().SelfSubjectAccessReviews().Create(ctx, review, metav1.CreateOptions{})
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", p, err))
				return
			}
			allowed[p] = res.Status.Allowed
		})
	}
	wg.Wait()
	if len(errs) > 0 {
		return nil, errs[0]
	}
	return allowed, nil
}
