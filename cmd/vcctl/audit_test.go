package main

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/citizencloud/citizencredentials/app/apptest"
	"github.com/citizencloud/citizencredentials/sqlite"
)

// vcctl audit verify names an edited, a deleted and a reordered event of
// the trail the running service serves from its real SQLite store.
func TestAuditVerify(t *testing.T) {
	work := t.TempDir()
	dataDir := filepath.Join(work, "data")
	m, operatorToken := apptest.Start(t, dataDir)
	url := m.URL()
	keyFile := filepath.Join(work, "b.key")
	r := vcctl(t, "", "--url", url, "--token", operatorToken, "bureau", "create", "--name", "Volunteers", "--slug", "volunteers",
		"--types", "VolunteerServiceCredential", "--key-file", keyFile)
	expect(t, r, 0)
	key, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	bureauKey := strings.TrimSpace(string(key))
	claims := writeTemp(t, "claims.json", volunteerClaims)
	holder := holderDID(t)
	for range 5 { // events 2..6; event 1 is bureau_created
		expect(t, vcctl(t, "", "--url", url, "--token", bureauKey, "issue", "--type", "VolunteerServiceCredential",
			"--subject", holder, "--claims", claims), 0)
	}
	expect(t, vcctl(t, "", "--url", url, "--token", bureauKey, "audit", "verify"), 0, "6 events checked: the audit trail is intact")

	// The store's own file, opened beside the running service as any
	// SQLite client would (WAL mode allows it).
	db, err := sql.Open("sqlite", sqlite.DSN(filepath.Join(dataDir, sqlite.DBFile)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	exec := func(t *testing.T, qs ...string) {
		t.Helper()
		for _, q := range qs {
			if _, err := db.ExecContext(context.Background(), q); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Each step adds to the damage of the one before.
	steps := []struct {
		name   string
		tamper []string
		says   []string
	}{
		{"fail/edited", []string{`UPDATE audit_events SET reason = 'nothing happened' WHERE seq = 3`}, []string{"seq 3 (event ", "edited"}},
		{"fail/deleted", []string{`DELETE FROM audit_events WHERE seq = 5`}, []string{"seq 5: deleted: events 5 to 5 are missing"}},
		{"fail/reordered", []string{
			`UPDATE audit_events SET seq = -1 WHERE seq = 2`,
			`UPDATE audit_events SET seq = 2 WHERE seq = 4`,
			`UPDATE audit_events SET seq = 4 WHERE seq = -1`,
		}, []string{"seq 2 (event ", "reordered: it was written at seq 4", "seq 4 (event ", "reordered: it was written at seq 2"}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			exec(t, st.tamper...)
			r := vcctl(t, "", "--url", url, "--token", bureauKey, "audit", "verify")
			expect(t, r, exitFail, append(st.says, "the audit trail was altered")...)
		})
	}
}
