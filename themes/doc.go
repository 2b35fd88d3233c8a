// Package themes holds the palettes and lipgloss styles of ktriage: dark, light, high-contrast and mono
// (NO_COLOR), adapted to the colour profile of the terminal.
package themes
