package tui

import "charm.land/bubbles/v2/key"

// GlobalKeyMap are the keys that work on every screen.
type GlobalKeyMap struct {
	Help, Quit, ForceQuit, Close key.Binding
}

// DefaultGlobalKeyMap binds ? for help, q to quit from the list (back elsewhere), ctrl+c to quit anywhere.
func DefaultGlobalKeyMap() GlobalKeyMap {
	return GlobalKeyMap{
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit / back")),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Close:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close help")),
	}
}

// bindings lists the global keys for the help overlay.
func (k GlobalKeyMap) bindings() []key.Binding { return []key.Binding{k.Help, k.Quit, k.ForceQuit} }
