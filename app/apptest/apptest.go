// Package apptest starts a real vcserve (app.Main) in-process on
// 127.0.0.1:0 for end-to-end tests of clients such as vcctl.
package apptest

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/citizencloud/citizencredentials/app"
)

// Start runs the service with the embedded store in dir (t.TempDir() if
// empty), applying tweaks to the configuration, and stops it at cleanup. It
// returns the running service and the operator token.
func Start(t testing.TB, dir string, tweaks ...func(*app.Config)) (*app.Main, string) {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	m := app.NewMain()
	// Only warnings and errors: tests read their own output.
	m.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	c := app.DefaultConfig()
	c.Addr, c.DataDir, c.Quiet = "127.0.0.1:0", dir, true
	for _, f := range tweaks {
		f(&c)
	}
	if err := m.SetConfig(c); err != nil {
		t.Fatal(err)
	}
	if err := m.Run(context.Background()); err != nil {
		t.Fatalf("start vcserve: %v", err)
	}
	t.Cleanup(func() { _ = m.Close() })
	tok, err := os.ReadFile(filepath.Join(dir, "admin.token"))
	if err != nil {
		t.Fatal(err)
	}
	return m, strings.TrimSpace(string(tok))
}
