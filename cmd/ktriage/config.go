package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"
	"sigs.k8s.io/yaml"
)

// fileConfig is $XDG_CONFIG_HOME/ktriage/config.yaml. A flag given on the command line wins over
// the file; the file wins over the built-in defaults.
type fileConfig struct {
	// Theme is dark, light, high-contrast or mono.
	Theme string `json:"theme,omitempty"`
	// ReadOnly makes ktriage offer and run no action (for a shared jump host, or a junior's login).
	ReadOnly *bool `json:"readonly,omitempty"`
	// ShellImage is the node shell pod's image (it needs nsenter and sh); air-gapped clusters set
	// one from their own registry. Default busybox.
	ShellImage string `json:"shellImage,omitempty"`
	// ShellNamespace is where node shell pods are created; default "default".
	ShellNamespace string `json:"shellNamespace,omitempty"`
	// LogLines is how many lines the log viewer keeps; default 10,000.
	LogLines int `json:"logLines,omitempty"`
}

// configPath is where the config file is read from: $XDG_CONFIG_HOME/ktriage/config.yaml, by
// default ~/.config/ktriage/config.yaml.
func configPath() (string, error) {
	dir, err := xdgDir("XDG_CONFIG_HOME", ".config")
	return filepath.Join(dir, "config.yaml"), err
}

// loadConfig reads the config file; a missing file is an empty config, an unreadable or invalid one
// an error that names the file (a typo in "readonly" must not silently allow actions).
func loadConfig() (fileConfig, error) {
	var cfg fileConfig
	path, err := configPath()
	if err != nil {
		return cfg, nil // no home: nothing to read
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return cfg, nil
	}
	if err != nil {
		return cfg, fmt.Errorf("read config: %w", err)
	}
	if err := yaml.UnmarshalStrict(data, &cfg); err != nil {
		// The YAML library says how it decodes (YAML → JSON → struct); the person needs the field.
		msg := err.Error()
		for _, noise := range []string{"error unmarshaling JSON: ", "while decoding JSON: ", "json: "} {
			msg = strings.ReplaceAll(msg, noise, "")
		}
		return cfg, fmt.Errorf("config %s: %s", path, msg)
	}
	return cfg, nil
}

// applyConfig fills the options the command line left unset from the config file.
func applyConfig(opts *globalOptions, flags *pflag.FlagSet) error {
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	if !flags.Changed("theme") && cfg.Theme != "" {
		opts.theme = cfg.Theme
	}
	if !flags.Changed("readonly") && cfg.ReadOnly != nil {
		opts.readOnly = *cfg.ReadOnly
	}
	if cfg.LogLines < 0 {
		return fmt.Errorf("config: logLines must be positive, not %d", cfg.LogLines)
	}
	opts.shellImage, opts.shellNamespace, opts.logLines = cfg.ShellImage, cfg.ShellNamespace, cfg.LogLines
	return nil
}
