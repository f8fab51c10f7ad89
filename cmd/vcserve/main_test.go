package main

import (
	"context"
	"errors"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/citizencloud/citizencredentials/app"
)

// A VCSERVE_* variable that does not parse stops vcserve with the variable's
// name, instead of being ignored; the refused value is not repeated.
func TestEnvironmentValues(t *testing.T) {
	cases := []struct {
		name, env, value string
		wantErr          string // "" means accepted
	}{
		{name: "valid duration", env: "VCSERVE_PUBLISH_INTERVAL", value: "7s"},
		{name: "valid bool", env: "VCSERVE_PLAYGROUND", value: "false"},
		{name: "duration without unit", env: "VCSERVE_PUBLISH_INTERVAL", value: "5",
			wantErr: "$VCSERVE_PUBLISH_INTERVAL is not a valid value for --publish-interval (a duration such as 5s or 1m)"},
		{name: "word for an integer", env: "VCSERVE_BATCH_LIMIT", value: "lots",
			wantErr: "$VCSERVE_BATCH_LIMIT is not a valid value for --batch-limit (an integer)"},
		{name: "word for a bool", env: "VCSERVE_INTROSPECTION", value: "nope",
			wantErr: "$VCSERVE_INTROSPECTION is not a valid value for --introspection (true or false)"},
		{name: "word for a float", env: "VCSERVE_RATE_KEY", value: "fast",
			wantErr: "$VCSERVE_RATE_KEY is not a valid value for --rate-key (a number)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(tc.env, tc.value)
			err := app.NewMain().ParseFlags([]string{"--data-dir", t.TempDir()})
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("ParseFlags with %s=%s: %v", tc.env, tc.value, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("ParseFlags accepted %s=%s", tc.env, tc.value)
			}
			if err.Error() != tc.wantErr {
				t.Errorf("error %q, want %q", err, tc.wantErr)
			}
			if strings.Contains(err.Error(), "="+tc.value) || strings.Contains(err.Error(), `"`+tc.value+`"`) {
				t.Errorf("error %q repeats the refused value", err)
			}
		})
	}
}

// A listen address that another process holds is named, with the flag that
// changes it.
func TestAddressInUse(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	addr := busy.Addr().String()

	m := app.NewMain()
	if err := m.ParseFlags([]string{"--addr", addr, "--data-dir", t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	err = m.Run(ctx)
	if cerr := m.Close(); cerr != nil {
		t.Errorf("Close after a failed start: %v", cerr)
	}
	if err == nil {
		t.Fatalf("Run on %s, which is in use, succeeded", addr)
	}
	if !errors.Is(err, syscall.EADDRINUSE) {
		t.Errorf("error %q does not wrap EADDRINUSE", err)
	}
	want := addr + " is in use by another process: stop it or choose another address with --addr"
	if !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %q, want it to start with %q", err, want)
	}
}
