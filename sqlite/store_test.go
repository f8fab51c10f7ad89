package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/citizencloud/citizencredentials/credentials"
	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/sqlite"
	"github.com/citizencloud/citizencredentials/store"
	"github.com/citizencloud/citizencredentials/storetest"
)

var _ store.Store = (*sqlite.Store)(nil)

// template is a migrated, closed database that open copies, so that each
// subtest skips the schema creation (about 80 ms under -race). Fresh
// migration is covered by TestReopen and TestOpenCreatesDir.
var template struct {
	once sync.Once
	db   []byte
	err  error
}

func open(t testing.TB) storetest.Store {
	t.Helper()
	template.once.Do(func() {
		dir, err := os.MkdirTemp("", "sqlite-template-")
		if err != nil {
			template.err = err
			return
		}
		defer os.RemoveAll(dir)
		s, err := sqlite.Open(context.Background(), dir)
		if err != nil {
			template.err = err
			return
		}
		if err := s.Close(); err != nil { // checkpoints the WAL into the file
			template.err = err
			return
		}
		template.db, template.err = os.ReadFile(filepath.Join(dir, sqlite.DBFile))
	})
	if template.err != nil {
		t.Fatalf("template database: %v", template.err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, sqlite.DBFile), template.db, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := sqlite.Open(t.Context(), dir)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Store { return open(t) })
}

func BenchmarkStore(b *testing.B) {
	storetest.Bench(b, func(b *testing.B) storetest.Store { return open(b) })
}

func TestLock(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	s, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	_, err = sqlite.Open(ctx, dir)
	if err == nil {
		t.Fatal("second Open on the same directory succeeded")
	}
	if !strings.Contains(err.Error(), "in use by another vcserve process") || !strings.Contains(err.Error(), dir) {
		t.Errorf("second Open: unclear error %q", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	s, err = sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	s.Close()
}

// TestLockOtherProcess re-runs this test binary as a second process that
// tries to open a directory this process holds.
func TestLockOtherProcess(t *testing.T) {
	if dir := os.Getenv("SQLITE_TEST_LOCKED_DIR"); dir != "" {
		_, err := sqlite.Open(t.Context(), dir)
		if err == nil || !strings.Contains(err.Error(), "in use by another vcserve process") {
			t.Fatalf("Open in a second process: %v", err)
		}
		t.Logf("refused: %v", err)
		return
	}
	dir := t.TempDir()
	s, err := sqlite.Open(t.Context(), dir)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer s.Close()
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestLockOtherProcess$", "-test.v")
	cmd.Env = append(os.Environ(), "SQLITE_TEST_LOCKED_DIR="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("second process: %v\n%s", err, out)
	}
	if want := fmt.Sprintf("(pid %d)", os.Getpid()); !strings.Contains(string(out), want) {
		t.Errorf("second process did not name the holder %s:\n%s", want, out)
	}
}

func TestOpenCreatesDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b?#%c")
	s, err := sqlite.Open(t.Context(), dir)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer s.Close()
	for _, f := range []string{sqlite.DBFile, sqlite.LockFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	pragma := func(name string) string {
		var v string
		if err := s.DB().QueryRowContext(t.Context(), "PRAGMA "+name).Scan(&v); err != nil {
			t.Fatalf("PRAGMA %s: %v", name, err)
		}
		return v
	}
	for name, want := range map[string]string{"journal_mode": "wal", "synchronous": "2", "foreign_keys": "1", "busy_timeout": "10000"} {
		if got := pragma(name); !strings.EqualFold(got, want) {
			t.Errorf("PRAGMA %s = %q, want %q", name, got, want)
		}
	}
}

func TestReopen(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	s, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	migrations := func(s *sqlite.Store) (n int, last string) {
		t.Helper()
		err := s.DB().QueryRowContext(ctx, "SELECT count(*), max(name) FROM schema_migrations").Scan(&n, &last)
		if err != nil {
			t.Fatalf("schema_migrations: %v", err)
		}
		return n, last
	}
	n1, last1 := migrations(s)
	if n1 == 0 {
		t.Fatal("no migration recorded")
	}
	at := time.Date(2025, 1, 2, 3, 4, 5, 6_789_000, time.UTC)
	b := &credentials.Bureau{ID: "b1", Name: "Bureau", Slug: "b", DID: "did:web:x:bureaus:b", AllowedTypes: []string{"T"}, Active: true, CreatedAt: at, UpdatedAt: at}
	if err := s.CreateBureau(ctx, b); err != nil {
		t.Fatalf("CreateBureau: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	s, err = sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	if n2, last2 := migrations(s); n2 != n1 || last2 != last1 {
		t.Errorf("migrations after reopen: %d (%s), want %d (%s)", n2, last2, n1, last1)
	}
	got, err := s.Bureau(ctx, "b1")
	if err != nil {
		t.Fatalf("Bureau after reopen: %v", err)
	}
	if got.Name != b.Name || !got.CreatedAt.Equal(at.Truncate(time.Millisecond)) {
		t.Errorf("Bureau after reopen: %+v", got)
	}
	// New on the same connection re-applies nothing either.
	if _, err := sqlite.New(ctx, s.DB()); err != nil {
		t.Fatalf("New on a migrated database: %v", err)
	}
	if n3, _ := migrations(s); n3 != n1 {
		t.Errorf("migrations after New: %d, want %d", n3, n1)
	}
}

func TestNew(t *testing.T) {
	ctx := t.Context()
	db, err := sql.Open("sqlite", sqlite.DSN(filepath.Join(t.TempDir(), "own.db")))
	if err != nil {
		t.Fatal(err)
	}
	s, err := sqlite.New(ctx, db)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	defer s.Close()
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	_, err = s.Bureau(ctx, "nope")
	if !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("Bureau: %v, want not found", err)
	}
	if fault.Message(err) != "not found" || fault.CodeOf(err) != fault.NotFound {
		t.Errorf("caller-safe view of %v: %s %q", err, fault.CodeOf(err), fault.Message(err))
	}
}

func TestConflictErrorIsSafe(t *testing.T) {
	ctx := t.Context()
	s := open(t).(*sqlite.Store)
	defer s.Close()
	r := &credentials.Record{ID: "urn:uuid:1", BureauID: "b1", SubjectDID: "did:key:secret-subject", Credential: "eyJ.secret-claims.sig", IdempotencyKey: "k"}
	if err := s.CreateCredential(ctx, r); err != nil {
		t.Fatal(err)
	}
	r2 := *r
	r2.ID = "urn:uuid:2"
	err := s.CreateCredential(ctx, &r2)
	if !errors.Is(err, fault.ErrConflict) || fault.CodeOf(err) != fault.Conflict {
		t.Fatalf("CreateCredential: %v, want conflict", err)
	}
	if strings.Contains(err.Error(), "secret") {
		t.Errorf("error text leaks record content: %v", err)
	}
}

// TestQueryPlans checks that every lookup and listing uses an index: no
// full-table SCAN in the plan (SEARCH, or a SCAN of an index, is fine).
func TestQueryPlans(t *testing.T) {
	ctx := t.Context()
	s := open(t).(*sqlite.Store)
	defer s.Close()
	queries := map[string]string{
		"bureau by slug":           `SELECT * FROM bureaus WHERE slug = 'x'`,
		"bureau by did":            `SELECT * FROM bureaus WHERE did = 'x' ORDER BY id LIMIT 1`,
		"bureaus":                  `SELECT * FROM bureaus ORDER BY created_at, id`,
		"credential by key":        `SELECT * FROM credentials WHERE bureau_id = 'b' AND idempotency_key = 'k' AND idempotency_key <> ''`,
		"credentials all":          `SELECT * FROM credentials WHERE id > '' ORDER BY id LIMIT 10`,
		"credentials by subject":   `SELECT * FROM credentials WHERE id > '' AND subject_did = 's' ORDER BY id LIMIT 10`,
		"credentials by bureau":    `SELECT * FROM credentials WHERE id > '' AND bureau_id = 'b' ORDER BY id LIMIT 10`,
		"credentials by type":      `SELECT * FROM credentials WHERE id > '' AND type = 't' ORDER BY id LIMIT 10`,
		"credentials by state":     `SELECT * FROM credentials WHERE id > '' AND state = 'active' ORDER BY id LIMIT 10`,
		"credentials bureau+type":  `SELECT * FROM credentials WHERE id > '' AND bureau_id = 'b' AND type = 't' ORDER BY id LIMIT 10`,
		"credentials bureau+state": `SELECT * FROM credentials WHERE id > '' AND bureau_id = 'b' AND state = 'active' ORDER BY id LIMIT 10`,
		"audit trail":              `SELECT * FROM audit_events WHERE credential_id = 'c' ORDER BY id`,
		"keys of":                  `SELECT * FROM keys WHERE owner = 'o' ORDER BY created_at, id`,
		"revoke api keys":          `UPDATE api_keys SET revoked_at = 1 WHERE owner_id = 'o' AND revoked_at IS NULL`,
		"open lists":               `SELECT * FROM status_lists WHERE bureau_id = 'b' AND purpose = 'revocation' AND is_full = 0 ORDER BY created_at, id`,
		"count entries":            `SELECT count(*) FROM status_entries WHERE list_id = 'l'`,
		"entries of":               `SELECT * FROM status_entries WHERE credential_id = 'c' ORDER BY list_id, idx`,
		"set indices":              `SELECT idx FROM status_entries WHERE list_id = 'l' AND is_set = 1 ORDER BY idx`,
		"latest version":           `SELECT * FROM status_versions WHERE list_id = 'l' ORDER BY version DESC LIMIT 1`,
		"unconfirmed":              `SELECT * FROM anchor_items WHERE state <> 'confirmed' ORDER BY created_at, id LIMIT 10`,
		"count unconfirmed":        `SELECT count(*) FROM anchor_items WHERE state <> 'confirmed'`,
		"items":                    `SELECT * FROM anchor_items ORDER BY created_at, id LIMIT 10`,
		"items after":              `SELECT * FROM anchor_items WHERE (created_at, id) > (1, 'x') ORDER BY created_at, id LIMIT 10`,
		"log root covering a leaf": `SELECT * FROM anchor_items WHERE kind = 'log_root' AND state = 'confirmed' AND tree_size > 5 ORDER BY tree_size LIMIT 1`,
		"leaf count":               `SELECT coalesce(max(idx) + 1, 0) FROM log_leaves`,
		"leaves":                   `SELECT * FROM log_leaves WHERE idx >= 0 AND idx < 10 ORDER BY idx`,
		"leaf of":                  `SELECT * FROM log_leaves WHERE credential_id = 'c'`,
		"tile nodes":               `SELECT idx, hash FROM log_tiles WHERE level = 8 AND idx >= 0 AND idx < 256 ORDER BY idx`,
		"verification read":        strings.Replace(sqlite.VerificationQuery, "?", "'c'", 1),
	}
	for name, q := range queries {
		rows, err := s.DB().QueryContext(ctx, "EXPLAIN QUERY PLAN "+q)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		for _, step := range plan {
			if strings.HasPrefix(step, "SCAN ") && !strings.Contains(step, "INDEX") || strings.Contains(step, "TEMP B-TREE") {
				t.Errorf("%s: plan %q has a table scan or sort", name, plan)
			}
		}
	}
}
