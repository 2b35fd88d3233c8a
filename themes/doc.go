// Package themes holds the palettes and lipgloss styles of ktriage: dark
// (the default), light, high-contrast and mono (for NO_COLOR), each one a
// [Styles] value of semantic styles (a selected row, a critical finding, a
// NotReady node) that is built once at start-up and passed explicitly to the
// views. Nothing in this package is mutated at run time, so views never
// depend on global state and tests can render with any theme.
//
// # Colours and terminal profiles
//
// Colour themes define every colour as 24-bit hex. bubbletea v2 downsamples
// colours on output to what the terminal supports (true colour, 256 colours,
// the 16 ANSI colours, or none) through charmbracelet/colorprofile, so the
// themes do not need per-profile variants. What they do need is hex values
// that still mean the right thing after that conversion: a warning yellow
// such as #ffd75f is mapped to bright red in 16 colours, so the themes use
// yellows that land on ANSI yellow, and the tests check that problems,
// warnings and healthy states keep distinct red, yellow and green hues, and
// that selected rows keep their foreground and background apart, on a
// 16-colour terminal.
//
// # Mono and NO_COLOR
//
// The mono theme uses no colour at all, only bold, faint, underline and
// reverse video: the selected row is reversed, critical things are bold,
// warnings underlined and secondary text faint. [FromEnv] picks it whenever
// the NO_COLOR environment variable is set to a non-empty value, as
// https://no-color.org asks.
//
// # Widths
//
// Only [Styles.Dialog] has a border or padding. Every other style leaves the
// width of what it renders unchanged, so table and layout code can measure
// plain text, pad it to its column, and only then style it.
package themes
