// Package views holds one bubbletea component per screen (node list, node detail, log viewer, wizard,
// dialogs, help). Views never call the API and never import actions: they emit intents as messages.
package views
