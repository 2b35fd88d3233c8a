// Package diag holds the diagnosis rules of the failure catalogue (shared/scenarios.md) as pure
// functions over a node's evidence, and the guided wizards as step graphs. It performs no I/O, so every
// rule is a table-driven unit test.
package diag
