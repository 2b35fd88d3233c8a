// Package actions is the only way ktriage changes a cluster: cordon, uncordon, drain, delete pod,
// node shell and the maintenance flow, each behind an RBAC preflight, the --readonly guard and the
// audit log.
package actions
