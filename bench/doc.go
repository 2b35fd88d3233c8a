// Package bench holds the scale benchmarks that run against a testenv cluster of thousands of kwok
// nodes; bench/populate fills such a cluster.
package bench
