package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/citizencloud/citizencredentials/app"
	"github.com/citizencloud/citizencredentials/app/apptest"
)

// small is a run that takes seconds: every row, few operations.
func small() config {
	return config{n: 4, conc: 2, issueConc: 2, batches: 1, batchSize: 10, floorFor: 20 * time.Millisecond, jsonOut: true}
}

// TestRun runs vcbench against the real service: in-process, against a
// running server by URL (publishing and anchoring on the server's own
// intervals), and in scale mode with a restart.
func TestRun(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the service three times")
	}
	url := func(t *testing.T) config {
		m, token := apptest.Start(t, "", func(c *app.Config) {
			c.PublishInterval, c.AnchorInterval = 100*time.Millisecond, 100*time.Millisecond
		})
		file := filepath.Join(t.TempDir(), "token")
		if err := os.WriteFile(file, []byte(token+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		c := small()
		c.url, c.tokenFile = m.URL(), file
		return c
	}
	for _, tc := range []struct {
		name    string
		config  func(t *testing.T) config
		rows    int // rows with a rate
		scale   int // checkpoints
		cpu     string
		wantErr string
	}{
		// In-process CPU time is read with microsecond resolution, so
		// every row has its CPU per operation; a server's /metrics counts
		// in clock ticks, which a row of a few operations may not reach.
		{"ok/in-process", func(*testing.T) config { return small() }, 11, 0, "vcbench process", ""},
		{"ok/url", url, 11, 0, "server process", ""},
		{"ok/scale-with-restart", func(*testing.T) config { c := small(); c.scale = 30; return c }, 0, 1, "vcbench process", ""},
		{"fail/url-without-token", func(*testing.T) config { c := small(); c.url = "http://127.0.0.1:1"; return c }, 0, 0, "", "-admin-token-file"},
		{"fail/url-and-mongo", func(*testing.T) config {
			c := small()
			c.url, c.tokenFile, c.ferret = "http://127.0.0.1:1", "x", true
			return c
		}, 0, 0, "", "drop -mongo-uri"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(tc.config(t), &out)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to mention %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var rep report
			if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
				t.Fatalf("output is not the JSON report: %v\n%s", err, out.String())
			}
			if rep.Floors.Sign <= 0 || rep.Floors.Verify <= 0 {
				t.Errorf("floors not measured: %+v", rep.Floors)
			}
			rated := 0
			for _, r := range rep.Rows {
				if r.Ops > 1 {
					rated++
					if r.PerSec <= 0 || r.P50ms <= 0 || r.P99ms < r.P50ms {
						t.Errorf("%s: rate %.1f/s, p50 %.2f ms, p99 %.2f ms", r.Name, r.PerSec, r.P50ms, r.P99ms)
					}
				}
				if r.Floor != "" && r.FloorRatio <= 0 {
					t.Errorf("%s: no floor ratio", r.Name)
				}
				if r.Ops > 1 && tc.cpu == "vcbench process" && r.CPUMicrosPerOp <= 0 {
					t.Errorf("%s: no CPU time per operation", r.Name)
				}
			}
			if !strings.HasPrefix(rep.CPUScope, tc.cpu) {
				t.Errorf("CPU scope %q, want %q", rep.CPUScope, tc.cpu)
			}
			if rated != tc.rows {
				t.Errorf("%d rows with a rate, want %d", rated, tc.rows)
			}
			if len(rep.Scale) != tc.scale {
				t.Fatalf("%d checkpoints, want %d", len(rep.Scale), tc.scale)
			}
			for _, cp := range rep.Scale {
				if cp.Credentials != 30 || cp.IssuePerSec <= 0 || cp.VerifyPerSec <= 0 || cp.RestartSeconds <= 0 {
					t.Errorf("checkpoint %+v", cp)
				}
			}
		})
	}
}
