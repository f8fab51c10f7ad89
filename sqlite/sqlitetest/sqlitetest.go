// Package sqlitetest reaches the embedded store's database file directly,
// the way someone with access to the server's disk could: tests use it to
// alter or inspect what a running service stored. It opens the file beside
// the service's own connections (SQLite coordinates them) and does not take
// the data directory's lock.
package sqlitetest

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/citizencloud/citizencredentials/sqlite"
)

// Exec runs one statement on the database in the data directory dir and
// returns the number of rows it changed.
func Exec(t testing.TB, dir, query string, args ...any) int64 {
	t.Helper()
	db, err := sql.Open("sqlite", sqlite.DSN(filepath.Join(dir, sqlite.DBFile)))
	if err != nil {
		t.Fatalf("sqlitetest: open %s: %v", dir, err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := db.ExecContext(ctx, query, args...)
	if err != nil {
		t.Fatalf("sqlitetest: %s: %v", query, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		t.Fatalf("sqlitetest: rows affected: %v", err)
	}
	return n
}
