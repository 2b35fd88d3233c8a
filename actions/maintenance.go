package actions

import (
	"context"
	"errors"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ktriage/ktriage/cluster"
)

// StartMaintenance begins (or resumes) the maintenance flow of seed 000: it records the flow on the
// node (with the boot ID, so a reboot can be recognised), cordons and drains it, and marks it
// drained. The person then reboots or repairs the node; ktriage watches for it to come back Ready
// with a new boot ID, and FinishMaintenance (an uncordon) ends the flow. A drain that does not finish
// leaves the node cordoned in phase "draining"; starting again resumes it.
func (r *Runner) StartMaintenance(ctx context.Context, node string, o DrainOptions, report func(DrainProgress)) (DrainProgress, error) {
	// Everything the drain will need is checked before the flow is written on the node.
	rec, err := r.begin(ctx, AuditEntry{Action: string(ActionMaintenance), Node: node, Options: map[string]any{"step": "start"}}, drainNeeds(ActionMaintenance, o)...)
	if err != nil {
		return DrainProgress{Node: node, Phase: PhaseFailed, Err: err, Summary: err.Error()}, fmt.Errorf("maintenance %s: %w", node, err)
	}
	if err := r.markMaintenance(ctx, node, cluster.MaintenanceDraining); err != nil {
		err = fmt.Errorf("maintenance %s: record the flow on the node: %w", node, err)
		return DrainProgress{Node: node, Phase: PhaseFailed, Err: err, Summary: err.Error()}, errors.Join(err, rec.finish(ResultFailed, nil, err))
	}
	final, drainErr := r.Drain(ctx, node, o, report)
	switch {
	case final.Phase == PhaseDone:
		if err := r.markMaintenance(ctx, node, cluster.MaintenanceDrained); err != nil {
			drainErr = fmt.Errorf("maintenance %s: the node is drained but the flow could not be recorded: %w", node, err)
		}
	case !r.cordoned(ctx, node):
		// The drain stopped before it cordoned (kubectl's rules refused a pod, the cordon failed): a
		// "draining" record would claim a cordon that is not there, so the flow is not recorded.
		if _, err := r.clearMaintenance(ctx, node); err != nil {
			drainErr = errors.Join(drainErr, fmt.Errorf("maintenance %s: remove the record of a flow that did not start: %w", node, err))
		}
	}
	result := drainResult(final.Phase)
	if drainErr != nil && result == ResultOK {
		result = ResultFailed
	}
	if err := rec.finish(result, nil, drainErr); err != nil {
		drainErr = errors.Join(drainErr, err)
	}
	return final, drainErr
}

// markMaintenance writes the phase, keeping when and by whom the flow started and the boot ID seen
// then (a resumed flow must not mistake the first boot for a reboot).
func (r *Runner) markMaintenance(ctx context.Context, name, phase string) error {
	node, err := r.kube.CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return err
	}
	m, ok := cluster.ParseMaintenance(node)
	if !ok {
		m = cluster.Maintenance{BootID: node.Status.NodeInfo.BootID, Started: r.now().UTC(), By: r.User(ctx)}
	}
	m.Phase = phase
	return r.setMaintenance(ctx, name, &m)
}

// FinishMaintenance ends the flow: the node is uncordoned and the record removed. Call it once the
// node is back, or when the person decides not to wait for a reboot (skippedReboot, recorded in the
// audit log).
func (r *Runner) FinishMaintenance(ctx context.Context, node string, skippedReboot bool) NodeResult {
	return r.cordonOne(ctx, node, false, map[string]any{"step": "finish", "skippedReboot": skippedReboot})
}

// cordoned reports whether the node is marked unschedulable (true when it cannot be read, so that
// a record is never removed on a guess).
func (r *Runner) cordoned(ctx context.Context, name string) bool {
	n, err := r.kube.CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{})
	return err != nil || n.Spec.Unschedulable
}
