package themes

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
)

// Styles are the semantic styles of one theme. Views pick a style by what the
// text means, never by its colour, so that every theme, mono included, can
// express the same distinctions in its own way.
//
// Apart from Dialog, no style has padding, margins, borders or a width:
// rendering text with one of them never changes its visible width.
type Styles struct {
	// Name is the theme's name, as accepted by [ByName].
	Name string

	// Base is the style of the whole screen. Only high-contrast sets it
	// (white on pure black); the other themes keep the terminal's own
	// colours. Its colours are meant for tea.View's BackgroundColor and
	// ForegroundColor, where nil means the terminal's default.
	Base lipgloss.Style

	// Header is the bar at the top of the screen (cluster, context, node
	// counts); HeaderLabel and HeaderValue are the "label: value" pairs in it.
	Header      lipgloss.Style
	HeaderLabel lipgloss.Style
	HeaderValue lipgloss.Style
	// Title is the title of the current view.
	Title lipgloss.Style
	// Footer is the bar at the bottom; FooterKey and FooterDesc are the key
	// bindings shown in it.
	Footer     lipgloss.Style
	FooterKey  lipgloss.Style
	FooterDesc lipgloss.Style
	// FlashInfo and FlashError are transient status messages.
	FlashInfo  lipgloss.Style
	FlashError lipgloss.Style

	// TableHeader is the column header row of a table.
	TableHeader lipgloss.Style
	// Row is an ordinary table row, Cell a plain cell inside it.
	Row  lipgloss.Style
	Cell lipgloss.Style
	// SelectedRow is the row under the cursor. Render the whole row with
	// it from unstyled cells: the reset at the end of a styled cell would cut
	// the row's background short.
	SelectedRow lipgloss.Style
	// MarkedRow is a row marked for a bulk action, when not selected.
	MarkedRow lipgloss.Style
	// RowBroken is a row for a broken pod or a sick node, when not selected.
	RowBroken lipgloss.Style
	// Muted is secondary text: ages, placeholders, "<none>".
	Muted lipgloss.Style
	// Border is for rules and separators drawn by views.
	Border lipgloss.Style
	// FilterMatch is the characters matched by the fuzzy filter.
	FilterMatch lipgloss.Style
	// FilterPrompt is the prompt of the filter input ("/").
	FilterPrompt lipgloss.Style

	// StatusReady, StatusNotReady, StatusUnknown and StatusCordoned are node
	// statuses; see [Styles.Status].
	StatusReady    lipgloss.Style
	StatusNotReady lipgloss.Style
	StatusUnknown  lipgloss.Style
	StatusCordoned lipgloss.Style

	// Critical, Warning, Info and OK are the severities of findings and
	// events; see [Styles.Severity].
	Critical lipgloss.Style
	Warning  lipgloss.Style
	Info     lipgloss.Style
	OK       lipgloss.Style

	// ConnLive, ConnSyncing and ConnReconnecting show the state of the
	// connection to the API server.
	ConnLive         lipgloss.Style
	ConnSyncing      lipgloss.Style
	ConnReconnecting lipgloss.Style

	// TabActive and TabInactive are the tab labels; TabSeparator is what is
	// drawn between them.
	TabActive    lipgloss.Style
	TabInactive  lipgloss.Style
	TabSeparator lipgloss.Style

	// SectionTitle heads a section of a detail view, whose fields are
	// Label: Value pairs.
	SectionTitle lipgloss.Style
	Label        lipgloss.Style
	Value        lipgloss.Style

	// Dialog is the box of a modal dialog, with a rounded border and padding;
	// DialogTitle is its title.
	Dialog      lipgloss.Style
	DialogTitle lipgloss.Style

	// Help styles the help bubble (charm.land/bubbles/v2/help) consistently
	// with the rest of the theme.
	Help help.Styles

	// TooSmall is the line shown when the terminal is too small to draw on.
	TooSmall lipgloss.Style
}

// Severity returns the style for a severity or Kubernetes event type, matched
// case-insensitively: "critical" (or "error"), "warning" (or "warn"), "info"
// (or "normal", the event type), "ok". Anything else, "" included, means no
// severity and gets the plain Cell style.
func (s *Styles) Severity(sev string) lipgloss.Style {
	switch strings.ToLower(strings.TrimSpace(sev)) {
	case "critical", "error":
		return s.Critical
	case "warning", "warn":
		return s.Warning
	case "info", "normal":
		return s.Info
	case "ok":
		return s.OK
	default:
		return s.Cell
	}
}

// Status returns the style for a node status as kubectl prints it: "Ready",
// "NotReady", "Unknown", optionally followed by ",SchedulingDisabled" when
// the node is cordoned. Not being ready matters more than being cordoned, so
// "NotReady,SchedulingDisabled" is styled as NotReady and
// "Ready,SchedulingDisabled" as cordoned. A status that is not recognised is
// styled as unknown, since its health is.
func (s *Styles) Status(status string) lipgloss.Style {
	var ready, notReady, cordoned bool
	for part := range strings.SplitSeq(status, ",") {
		switch part = strings.TrimSpace(part); {
		case strings.EqualFold(part, "Ready"):
			ready = true
		case strings.EqualFold(part, "NotReady"):
			notReady = true
		case strings.EqualFold(part, "SchedulingDisabled"):
			cordoned = true
		}
	}
	switch {
	case notReady:
		return s.StatusNotReady
	case cordoned && ready:
		return s.StatusCordoned
	case ready:
		return s.StatusReady
	default:
		return s.StatusUnknown
	}
}
