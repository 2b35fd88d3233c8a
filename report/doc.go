// Package report renders findings for people and programs outside the TUI: the `ktriage check`
// outputs (table, JSON, Markdown) and the per-node triage report, a Markdown file to paste into a
// ticket. It is pure: callers hand it a snapshot and what they read from the audit log.
package report
