package actions

import (
	"context"
	"errors"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/kubectl/pkg/drain"

	"github.com/ktriage/ktriage/cluster"
)

// NodeResult is what an action did to one node.
type NodeResult struct {
	Node string
	// Changed is false when the node was already as asked (cordoning a cordoned node).
	Changed bool
	// Message is one line for the person: "cordoned", "already cordoned".
	Message string
	Err     error
}

// Cordon marks nodes unschedulable (desired true) or schedulable again, one audited patch per node
// through kubectl's CordonHelper. A node already as asked is left alone and says so. Uncordoning
// also ends a maintenance flow the node was in: it is back in service.
func (r *Runner) Cordon(ctx context.Context, nodes []string, desired bool) []NodeResult {
	out := make([]NodeResult, 0, len(nodes))
	for _, name := range nodes {
		out = append(out, r.cordonOne(ctx, name, desired, nil))
	}
	return out
}

// cordonOne cordons or uncordons one node; options go into its audit lines.
func (r *Runner) cordonOne(ctx context.Context, name string, desired bool, options map[string]any) NodeResult {
	action, verb := ActionUncordon, "uncordoned"
	if desired {
		action, verb = ActionCordon, "cordoned"
	}
	res := NodeResult{Node: name}
	entry := AuditEntry{Action: string(action), Node: name}
	if options != nil {
		entry.Options = options
	}
	rec, err := r.begin(ctx, entry, action.Needs()...)
	if err != nil {
		res.Err = fmt.Errorf("%s %s: %w", action, name, err)
		return res
	}
	res.Changed, res.Err = r.setUnschedulable(ctx, name, desired)
	if res.Err == nil && !desired {
		var ended bool
		ended, res.Err = r.clearMaintenance(ctx, name)
		if ended {
			res.Changed, verb = true, verb+" (maintenance flow ended)"
		}
	}
	result := ResultOK
	switch {
	case res.Err != nil:
		result, res.Message = ResultFailed, res.Err.Error()
		res.Err = fmt.Errorf("%s %s: %w", action, name, res.Err)
	case res.Changed:
		res.Message = verb
	default:
		result, res.Message = ResultNoChange, "already "+verb
	}
	if err := rec.finish(result, nil, res.Err); err != nil && res.Err == nil {
		res.Err = err
	}
	return res
}

// setUnschedulable patches spec.unschedulable when it differs; changed says whether it did.
func (r *Runner) setUnschedulable(ctx context.Context, name string, desired bool) (changed bool, err error) {
	node, err := r.kube.CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return false, err
	}
	helper := drain.NewCordonHelper(node)
	if !helper.UpdateIfRequired(desired) {
		return false, nil
	}
	err, patchErr := helper.PatchOrReplaceWithContext(ctx, r.kube, false)
	if err = errors.Join(err, patchErr); err != nil {
		return false, err
	}
	return true, nil
}

// setMaintenance writes (or with m nil removes) the maintenance annotation with a merge patch.
func (r *Runner) setMaintenance(ctx context.Context, name string, m *cluster.Maintenance) error {
	value := "null"
	if m != nil {
		value = fmt.Sprintf("%q", m.Encode())
	}
	patch := fmt.Sprintf(`{"metadata":{"annotations":{%q:%s}}}`, cluster.MaintenanceAnnotation, value)
	_, err := r.kube.CoreV1().Nodes().Patch(ctx, name, types.MergePatchType, []byte(patch), metav1.PatchOptions{})
	return err
}

// clearMaintenance removes the maintenance annotation if the node has one; removed says it did.
func (r *Runner) clearMaintenance(ctx context.Context, name string) (removed bool, err error) {
	node, err := r.kube.CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return false, err
	}
	if _, ok := node.Annotations[cluster.MaintenanceAnnotation]; !ok {
		return false, nil
	}
	return true, r.setMaintenance(ctx, name, nil)
}
