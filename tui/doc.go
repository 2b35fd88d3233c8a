// Package tui is the root bubbletea model: the navigation stack, header and footer, routing of intents
// to actions, and the pump that turns cluster snapshots into messages.
package tui
