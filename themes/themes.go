package themes

import (
	"fmt"
	"os"
	"strings"
)

// Default is the name of the theme used when none is asked for.
const Default = "dark"

// themes lists the constructors by name, in the order Names reports them.
var themes = []struct {
	name string
	new  func() Styles
}{
	{"dark", Dark},
	{"light", Light},
	{"high-contrast", HighContrast},
	{"mono", Mono},
}

// Dark returns the default theme, for dark terminal backgrounds.
func Dark() Styles { return fromPalette(darkPalette) }

// Light returns the theme for light terminal backgrounds.
func Light() Styles { return fromPalette(lightPalette) }

// HighContrast returns the theme of white on pure black with saturated
// colours, where every problem is also bold.
func HighContrast() Styles { return fromPalette(highContrastPalette) }

// Names returns the names of all themes, the default first. The slice is new
// on every call, so callers may keep or modify it.
func Names() []string {
	names := make([]string, len(themes))
	for i, t := range themes {
		names[i] = t.name
	}
	return names
}

// ByName returns the theme with the given name, ignoring case and surrounding
// spaces. An unknown name is an error that lists the valid ones, so that it
// can be shown as is to a user who mistyped a flag.
func ByName(name string) (Styles, error) {
	key := strings.ToLower(strings.TrimSpace(name))
	for _, t := range themes {
		if t.name == key {
			return t.new(), nil
		}
	}
	return Styles{}, fmt.Errorf("unknown theme %q (valid themes: %s)", name, strings.Join(Names(), ", "))
}

// FromEnv returns the theme to use given the name the user asked for (from a
// flag or a config file; "" means [Default]) and the environment, read
// through lookupEnv (nil means os.LookupEnv) so that tests need not touch the
// process's environment.
//
// If NO_COLOR is set to a non-empty value the result is [Mono], whatever
// theme was named, as https://no-color.org asks: the user's wish to see no
// colour is more general than a theme chosen for when colour is shown. The
// name is still checked, so that a mistyped theme is reported the same way
// whether NO_COLOR happens to be set or not.
func FromEnv(name string, lookupEnv func(string) (string, bool)) (Styles, error) {
	if lookupEnv == nil {
		lookupEnv = os.LookupEnv
	}
	if strings.TrimSpace(name) == "" {
		name = Default
	}
	s, err := ByName(name)
	if err != nil {
		return Styles{}, err
	}
	if v, ok := lookupEnv("NO_COLOR"); ok && v != "" {
		return Mono(), nil
	}
	return s, nil
}
