package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeConfig(t *testing.T, content string) {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	if err := os.MkdirAll(filepath.Join(dir, "ktriage"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "ktriage", "config.yaml"), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestConfigFillsWhatTheCommandLineLeftUnset(t *testing.T) {
	writeConfig(t, "theme: mono\nreadonly: true\n")
	cmd := newRootCommand()
	if err := cmd.ParseFlags([]string{"--theme=light"}); err != nil {
		t.Fatal(err)
	}
	opts := &globalOptions{theme: "light"}
	if err := applyConfig(opts, cmd.Flags()); err != nil {
		t.Fatal(err)
	}
	if !opts.readOnly || opts.theme != "light" {
		t.Errorf("readOnly %v theme %q: want read-only from the file and the theme from the flag", opts.readOnly, opts.theme)
	}
}

func TestReadOnlyFlagWinsOverTheConfig(t *testing.T) {
	writeConfig(t, "readonly: true\n")
	cmd := newRootCommand()
	if err := cmd.ParseFlags([]string{"--readonly=false"}); err != nil {
		t.Fatal(err)
	}
	opts := &globalOptions{}
	if err := applyConfig(opts, cmd.Flags()); err != nil {
		t.Fatal(err)
	}
	if opts.readOnly {
		t.Error("--readonly=false given on the command line did not win over the file")
	}
}

func TestMissingConfigIsEmptyAndBrokenConfigNamesTheField(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	if cfg, err := loadConfig(); err != nil || cfg.ReadOnly != nil || cfg.Theme != "" {
		t.Errorf("no file: %+v, %v; want an empty config", cfg, err)
	}
	writeConfig(t, "read_only: true\n")
	if _, err := loadConfig(); err == nil || !strings.Contains(err.Error(), `unknown field "read_only"`) {
		t.Errorf("a misspelt key gave %v, want the field named", err)
	}
}
