package conformance

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"testing"
	"time"
)

// vectorsDir is the vendored third-party corpus (see testdata/vectors/README.md
// and each folder's SOURCE.md for origin and licence).
const vectorsDir = "testdata/vectors"

// expectation is an entry of expected.json: a case (exact id) or every case
// under a prefix that is known not to pass, and why.
type expectation struct {
	Case   string `json:"case,omitempty"`
	Prefix string `json:"prefix,omitempty"`
	Reason string `json:"reason"`           // short, shown in the table
	Detail string `json:"detail,omitempty"` // the longer story
}

// errSkip marks a case that cannot be run here; it must be listed in
// expected.json like a failure.
type errSkip struct{ reason string }

func (e errSkip) Error() string { return "skipped: " + e.reason }

func skipf(format string, args ...any) error { return errSkip{fmt.Sprintf(format, args...)} }

func failf(format string, args ...any) error { return fmt.Errorf(format, args...) }

type row struct {
	cases, passed, failed, skipped int
	reasons                        map[string]int
}

// runner runs cases and keeps the per-folder table.
type runner struct {
	t       *testing.T
	exp     []expectation
	used    []bool
	rows    map[string]*row
	order   []string
	current string // folder of the cases being run
}

func newRunner(t *testing.T) *runner {
	raw, err := os.ReadFile("expected.json")
	if err != nil {
		t.Fatalf("read expected.json: %v", err)
	}
	var f struct {
		Expected []expectation `json:"expected"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatalf("expected.json: %v", err)
	}
	for _, e := range f.Expected {
		if (e.Case == "") == (e.Prefix == "") || strings.TrimSpace(e.Reason) == "" {
			t.Fatalf("expected.json: every entry needs exactly one of case/prefix and a reason: %+v", e)
		}
	}
	return &runner{t: t, exp: f.Expected, used: make([]bool, len(f.Expected)), rows: map[string]*row{}}
}

// lookup returns the expected.json reason for a case id.
func (r *runner) lookup(id string) (string, bool) {
	for i, e := range r.exp {
		if e.Case == id || e.Prefix != "" && strings.HasPrefix(id, e.Prefix) {
			r.used[i] = true
			return e.Reason, true
		}
	}
	return "", false
}

// folder starts the cases of a table row.
func (r *runner) folder(name string, f func()) {
	if _, ok := r.rows[name]; !ok {
		r.rows[name] = &row{reasons: map[string]int{}}
		r.order = append(r.order, name)
	}
	prev := r.current
	r.current = name
	f()
	r.current = prev
}

// run runs one case, named <folder>/<id> in expected.json and the test
// output.
func (r *runner) run(id string, f func() error) {
	folder := r.current
	full := strings.ReplaceAll(folder+"/"+id, " ", "_") // as go test names subtests
	rw := r.rows[folder]
	rw.cases++
	r.t.Run(full, func(t *testing.T) {
		var err error
		func() {
			defer func() {
				if p := recover(); p != nil {
					err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
				}
			}()
			err = f()
		}()
		reason, listed := r.lookup(full)
		var sk errSkip
		switch {
		case err == nil && listed:
			rw.failed++
			t.Errorf("passes, but expected.json lists it (%s): remove the entry", reason)
		case err == nil:
			rw.passed++
		case listed:
			rw.skipped++
			rw.reasons[reason]++
			t.Logf("known (%s): %v", reason, err)
		case errors.As(err, &sk):
			rw.failed++
			t.Errorf("not run (%s) and not listed in expected.json", sk.reason)
		default:
			rw.failed++
			t.Error(err)
		}
	})
}

// table renders the per-folder results.
func (r *runner) table() string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-34s | %5s | %6s | %6s | %s\n", "folder", "cases", "passed", "failed", "skipped (reason)")
	fmt.Fprintf(&b, "%s\n", strings.Repeat("-", 110))
	var tot row
	for _, name := range r.order {
		rw := r.rows[name]
		tot.cases += rw.cases
		tot.passed += rw.passed
		tot.failed += rw.failed
		tot.skipped += rw.skipped
		reasons := make([]string, 0, len(rw.reasons))
		for k := range rw.reasons {
			reasons = append(reasons, k)
		}
		sort.Strings(reasons)
		first := ""
		if len(reasons) > 0 {
			first = fmt.Sprintf("%d: %s", rw.reasons[reasons[0]], reasons[0])
		}
		fmt.Fprintf(&b, "%-34s | %5d | %6d | %6d | %d %s\n", name, rw.cases, rw.passed, rw.failed, rw.skipped, first)
		for _, k := range reasons[min(1, len(reasons)):] {
			fmt.Fprintf(&b, "%-34s | %5s | %6s | %6s |   %d: %s\n", "", "", "", "", rw.reasons[k], k)
		}
	}
	fmt.Fprintf(&b, "%s\n", strings.Repeat("-", 110))
	fmt.Fprintf(&b, "%-34s | %5d | %6d | %6d | %d\n", "total", tot.cases, tot.passed, tot.failed, tot.skipped)
	return b.String()
}

// TestConformance walks every folder of the corpus. Run it with -v to see
// each case; the table is logged at the end either way.
func TestConformance(t *testing.T) {
	if _, err := os.Stat(filepath.Join(vectorsDir, "README.md")); err != nil {
		t.Fatalf("conformance corpus missing at %s (vendored under testdata/vectors): %v", vectorsDir, err)
	}
	start := time.Now()
	r := newRunner(t)
	e := newEnv(t)
	folders := []struct {
		name string
		run  func(*runner, *env)
	}{
		{"01-did-key", runDIDKey},
		{"02-did-jwk", runDIDJWK},
		{"03-di-eddsa", runDIEdDSA},
		{"04-di-ecdsa", runDIECDSA},
		{"05-vc-jose-cose", runJOSE},
		{"06-ed25519signature2020", runEd25519Signature2020},
		{"07-ed25519signature2018", runEd25519Signature2018},
		{"08-jsonwebsignature2020", runJWS2020},
		{"09-status-list", runStatusList},
		{"10-sd-jwt", runSDJWT},
		{"11-negative", runDataModel},
	}
	// Every folder with an index.json is walked: a new folder must get a
	// runner here.
	indexes, _ := filepath.Glob(filepath.Join(vectorsDir, "*", "index.json"))
	known := map[string]bool{"12-contexts": true}
	for _, f := range folders {
		known[f.name] = true
	}
	for _, ix := range indexes {
		name := filepath.Base(filepath.Dir(ix))
		if !known[name] {
			t.Errorf("vector folder %s has no runner in the conformance suite", name)
		}
	}
	for _, f := range folders {
		r.folder(f.name, func() { f.run(r, e) })
	}
	r.folder("12-contexts", func() { runContexts(r, e) })
	r.folder("11-negative (recipes)", func() { runRecipes(r, e) })
	// Stale entries are only detectable when every case ran.
	if f := flag.Lookup("test.run"); f == nil || f.Value.String() == "" {
		for i, ex := range r.exp {
			if !r.used[i] {
				t.Errorf("expected.json entry matches no case (remove it): %+v", ex)
			}
		}
	}
	t.Logf("conformance results (%s):%s", time.Since(start).Round(time.Millisecond), r.table())
}
