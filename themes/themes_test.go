package themes

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
)

// constructors maps each theme name to its constructor, to check that both
// ways of getting a theme agree.
var constructors = map[string]func() Styles{
	"dark":          Dark,
	"light":         Light,
	"high-contrast": HighContrast,
	"mono":          Mono,
}

// all returns every theme.
func all(t *testing.T) []Styles {
	t.Helper()
	var out []Styles
	for _, name := range Names() {
		s, err := ByName(name)
		if err != nil {
			t.Fatalf("ByName(%q): %v", name, err)
		}
		out = append(out, s)
	}
	return out
}

// styleFields returns every lipgloss.Style in s by field name, those of the
// help styles included, so tests cover fields added later without a change.
func styleFields(s Styles) map[string]lipgloss.Style {
	out := map[string]lipgloss.Style{}
	var walk func(prefix string, v reflect.Value)
	walk = func(prefix string, v reflect.Value) {
		for i := range v.NumField() {
			f, name := v.Field(i), prefix+v.Type().Field(i).Name
			switch st, ok := f.Interface().(lipgloss.Style); {
			case ok:
				out[name] = st
			case f.Kind() == reflect.Struct:
				walk(name+".", f)
			}
		}
	}
	walk("", reflect.ValueOf(s))
	return out
}

func TestNames(t *testing.T) {
	names := Names()
	want := []string{"dark", "light", "high-contrast", "mono"}
	if !slices.Equal(names, want) {
		t.Fatalf("Names() = %q, want %q", names, want)
	}
	if names[0] != Default {
		t.Errorf("Names()[0] = %q, want the default %q first", names[0], Default)
	}
	names[0] = "changed"
	if Names()[0] != Default {
		t.Error("Names returns a shared slice")
	}
}

func TestByNameRoundTrip(t *testing.T) {
	for _, name := range Names() {
		s, err := ByName(name)
		if err != nil {
			t.Fatalf("ByName(%q): %v", name, err)
		}
		if s.Name != name {
			t.Errorf("ByName(%q).Name = %q", name, s.Name)
		}
		if got := constructors[name]().Name; got != name {
			t.Errorf("constructor for %q has Name %q", name, got)
		}
		if got := render(t, s.Critical, "x"); got != render(t, constructors[name]().Critical, "x") {
			t.Errorf("ByName(%q) and its constructor differ", name)
		}
		if _, err := ByName(" " + strings.ToUpper(name) + " "); err != nil {
			t.Errorf("ByName is not lenient about case and spaces: %v", err)
		}
	}
	if len(constructors) != len(Names()) {
		t.Errorf("test knows %d themes, Names has %d", len(constructors), len(Names()))
	}
}

func TestByNameUnknown(t *testing.T) {
	for _, name := range []string{"", "solarized", "darkk"} {
		_, err := ByName(name)
		if err == nil {
			t.Fatalf("ByName(%q) succeeded", name)
		}
		for _, valid := range Names() {
			if !strings.Contains(err.Error(), valid) {
				t.Errorf("error %q does not list %q", err, valid)
			}
		}
	}
}

func TestFromEnv(t *testing.T) {
	env := func(kv ...string) func(string) (string, bool) {
		return func(k string) (string, bool) {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1], true
				}
			}
			return "", false
		}
	}
	tests := []struct {
		name    string
		theme   string
		env     func(string) (string, bool)
		want    string
		wantErr bool
	}{
		{"empty name is dark", "", env(), "dark", false},
		{"blank name is dark", "  ", env(), "dark", false},
		{"named theme", "light", env(), "light", false},
		{"NO_COLOR forces mono", "high-contrast", env("NO_COLOR", "1"), "mono", false},
		{"NO_COLOR any value", "", env("NO_COLOR", "false"), "mono", false},
		{"empty NO_COLOR ignored", "light", env("NO_COLOR", ""), "light", false},
		{"other variables ignored", "light", env("TERM", "dumb", "COLORTERM", "truecolor"), "light", false},
		{"unknown name", "nope", env(), "", true},
		{"unknown name with NO_COLOR", "nope", env("NO_COLOR", "1"), "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := FromEnv(tc.theme, tc.env)
			if (err != nil) != tc.wantErr {
				t.Fatalf("FromEnv(%q) error = %v, want error %v", tc.theme, err, tc.wantErr)
			}
			if s.Name != tc.want {
				t.Errorf("FromEnv(%q) = %q, want %q", tc.theme, s.Name, tc.want)
			}
		})
	}
}

func TestFromEnvNilLookup(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	s, err := FromEnv("dark", nil)
	if err != nil || s.Name != "mono" {
		t.Errorf("FromEnv with nil lookup and NO_COLOR set = %q, %v; want mono", s.Name, err)
	}
}

// TestEveryStyleSet guards against a field added to Styles but forgotten in
// a theme: a zero style in a colour theme would silently render plain.
func TestEveryStyleSet(t *testing.T) {
	// Plain on purpose: the terminal's own colours.
	plain := map[string]bool{"Cell": true, "Footer": true, "Base": true}
	for _, s := range all(t) {
		if s.Name == "mono" {
			continue // mono has plain styles by design
		}
		for name, st := range styleFields(s) {
			if plain[name] {
				continue
			}
			if reflect.DeepEqual(st, lipgloss.NewStyle()) {
				t.Errorf("%s: %s is not set", s.Name, name)
			}
		}
	}
}

func TestSeverity(t *testing.T) {
	s := Styles{
		Critical: lipgloss.NewStyle().SetString("critical"),
		Warning:  lipgloss.NewStyle().SetString("warning"),
		Info:     lipgloss.NewStyle().SetString("info"),
		OK:       lipgloss.NewStyle().SetString("ok"),
		Cell:     lipgloss.NewStyle().SetString("cell"),
	}
	tests := map[string]string{
		"critical": "critical", "Critical": "critical", "error": "critical",
		"warning": "warning", "Warning": "warning", "warn": "warning",
		"info": "info", "Normal": "info",
		"ok":  "ok",
		"":    "cell",
		"odd": "cell",
	}
	for in, want := range tests {
		if got := s.Severity(in).String(); got != want {
			t.Errorf("Severity(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestStatus(t *testing.T) {
	s := Styles{
		StatusReady:    lipgloss.NewStyle().SetString("ready"),
		StatusNotReady: lipgloss.NewStyle().SetString("notready"),
		StatusUnknown:  lipgloss.NewStyle().SetString("unknown"),
		StatusCordoned: lipgloss.NewStyle().SetString("cordoned"),
	}
	tests := map[string]string{
		"Ready":                       "ready",
		"NotReady":                    "notready",
		"Unknown":                     "unknown",
		"SchedulingDisabled":          "unknown",
		"Ready,SchedulingDisabled":    "cordoned",
		"SchedulingDisabled,Ready":    "cordoned",
		"NotReady,SchedulingDisabled": "notready",
		"Unknown,SchedulingDisabled":  "unknown",
		"ready":                       "ready",
		"":                            "unknown",
		"Readyish":                    "unknown",
	}
	for in, want := range tests {
		if got := s.Status(in).String(); got != want {
			t.Errorf("Status(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestHighContrast(t *testing.T) {
	s := HighContrast()
	black, white := lipgloss.Color("#000000"), lipgloss.Color("#ffffff")
	if !reflect.DeepEqual(s.Base.GetBackground(), black) || !reflect.DeepEqual(s.Base.GetForeground(), white) {
		t.Errorf("high-contrast Base is %v on %v, want white on black", s.Base.GetForeground(), s.Base.GetBackground())
	}
	for name, st := range map[string]lipgloss.Style{
		"Critical": s.Critical, "Warning": s.Warning, "RowBroken": s.RowBroken,
		"StatusNotReady": s.StatusNotReady, "StatusUnknown": s.StatusUnknown,
		"StatusCordoned": s.StatusCordoned, "ConnReconnecting": s.ConnReconnecting,
	} {
		if !st.GetBold() {
			t.Errorf("high-contrast %s is not bold", name)
		}
	}
}
