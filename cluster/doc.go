// Package cluster watches a Kubernetes cluster for ktriage: it builds the client (protobuf, sane QPS),
// runs informers whose transforms keep only what ktriage shows or diagnoses, summarises nodes into
// immutable snapshots, tracks connection health and performs on-demand reads (pod logs, node log
// query, kubelet configz and pprof through nodes/proxy). It never imports UI packages.
package cluster
