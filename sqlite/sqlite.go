// Package sqlite is the embedded default store: every store interface of the
// domain packages (credentials, keys, auth, status, anchor) on one SQLite
// database file, through modernc.org/sqlite (pure Go, no cgo).
//
// Open takes a data directory: it locks dir/LOCK so that a second vcserve
// process on the same directory is refused, opens dir/citizen.db in WAL mode
// with synchronous=FULL (a write is durable when the call returns), and
// applies the embedded migrations. New takes a *sql.DB that the caller
// configured (see DSN) and applies the migrations; it takes no lock.
//
// Conventions: times are stored as INTEGER milliseconds since the Unix epoch
// and come back in UTC, truncated to the millisecond (the precision the
// MongoDB adapter has too; see storetest.Precision). IDs are the callers'
// strings. Uniqueness violations are returned as fault.ErrConflict and
// missing rows as fault.ErrNotFound, both mapped in dbErr.
//
// SQLite has one writer at a time. Every write here is a single statement
// (atomic on its own), connections wait up to busy_timeout for the write
// lock instead of failing with SQLITE_BUSY, and explicit transactions begin
// IMMEDIATE so they never have to upgrade a read lock.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	sqlitedrv "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/citizencloud/citizencredentials/fault"
)

// DBFile and LockFile are the names Open uses inside the data directory.
const (
	DBFile   = "citizen.db"
	LockFile = "LOCK"
)

// busyTimeout is how long a connection waits for the write lock.
const busyTimeout = 10 * time.Second

// Store implements every store interface of the service on SQLite.
type Store struct {
	db        *sql.DB
	stmts     *stmtCache
	lock      *os.File // nil for New
	closeOnce sync.Once
	closeErr  error
}

// DSN returns the driver "sqlite" data source name Open uses for the
// database file at path: WAL journal, synchronous=FULL, a busy timeout,
// foreign keys on and IMMEDIATE transactions. Callers of New that open the
// file themselves should use it.
func DSN(path string) string {
	esc := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(filepath.ToSlash(path))
	return "file:" + esc +
		"?_pragma=busy_timeout(" + strconv.FormatInt(busyTimeout.Milliseconds(), 10) + ")" +
		"&_pragma=journal_mode(WAL)" +
		"&_pragma=synchronous(FULL)" +
		"&_pragma=foreign_keys(1)" +
		"&_txlock=immediate"
}

// Open opens (creating if needed) the store in the data directory dir. It
// fails if another process holds the directory's lock.
func Open(ctx context.Context, dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("sqlite: create data directory: %w", err)
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	if err := ownerOnly(dir); err != nil {
		unlockDir(lock)
		return nil, err
	}
	db, err := sql.Open("sqlite", DSN(filepath.Join(dir, DBFile)))
	if err != nil {
		unlockDir(lock)
		return nil, fmt.Errorf("sqlite: open database: %w", err)
	}
	// Readers run concurrently in WAL mode; writers queue on busy_timeout.
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(16)
	s, err := New(ctx, db)
	if err != nil {
		db.Close()
		unlockDir(lock)
		return nil, err
	}
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || !strings.EqualFold(mode, "wal") {
		s.Close()
		unlockDir(lock)
		if err == nil {
			err = fmt.Errorf("journal_mode is %q", mode)
		}
		return nil, fmt.Errorf("sqlite: enable WAL: %w", err)
	}
	s.lock = lock
	return s, nil
}

// ownerOnly makes dir 0700 and the database files in it 0600, whatever
// the umask or the modes they had: the database holds personal data. The
// database file is created here, before SQLite opens it, because SQLite
// gives its -wal and -shm files the mode of the database file.
func ownerOnly(dir string) error {
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("sqlite: data directory owner-only: %w", err)
	}
	path := filepath.Join(dir, DBFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("sqlite: create database file: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("sqlite: create database file: %w", err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("sqlite: database file owner-only: %w", err)
		}
	}
	return nil
}

// New returns a store on db (opened with driver "sqlite", ideally with DSN)
// after applying the migrations. It takes no directory lock; Close closes db.
func New(ctx context.Context, db *sql.DB) (*Store, error) {
	if err := migrate(ctx, db); err != nil {
		return nil, err
	}
	return &Store{db: db, stmts: &stmtCache{db: db, m: map[string]*sql.Stmt{}}}, nil
}

// DB returns the underlying database, for tests and diagnostics.
func (s *Store) DB() *sql.DB { return s.db }

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return dbErr("ping", s.db.QueryRowContext(ctx, "SELECT 1").Scan(&one))
}

// Close closes the database and releases the data-directory lock. Calling it
// again returns the first result.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.stmts.close()
		s.closeErr = s.db.Close()
		if s.lock != nil {
			if err := unlockDir(s.lock); err != nil && s.closeErr == nil {
				s.closeErr = err
			}
		}
	})
	return s.closeErr
}

// lockDir takes the exclusive lock on dir/LOCK and records the holder's pid.
func lockDir(dir string) (*os.File, error) {
	path := filepath.Join(dir, LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open lock file: %w", err)
	}
	if err := lockFile(f); err != nil {
		holder, _ := os.ReadFile(path)
		f.Close()
		msg := fmt.Sprintf("sqlite: data directory %s is in use by another vcserve process", dir)
		if pid := strings.TrimSpace(string(holder)); pid != "" {
			msg += " (pid " + pid + ")"
		}
		return nil, fmt.Errorf("%s: stop it or choose another data directory (lock %s: %w)", msg, path, err)
	}
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return f, nil
}

// unlockDir releases the lock; the file stays (removing it would race with a
// process that just opened it).
func unlockDir(f *os.File) error {
	f.Truncate(0)
	err := unlockFile(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

//go:embed migrations/*.sql
var migrations embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations returns the embedded migrations ordered by version. File
// names are NNNN_description.sql.
func loadMigrations() ([]migration, error) {
	files, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, f := range files {
		name := filepath.Base(f)
		num, _, found := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !found || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must be NNNN_description.sql", name)
		}
		body, err := migrations.ReadFile(f)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: name, sql: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i := 1; i < len(out); i++ {
		if out[i].version == out[i-1].version {
			return nil, fmt.Errorf("migrations %s and %s share a version", out[i-1].name, out[i].name)
		}
	}
	return out, nil
}

// migrate applies the migrations not yet recorded in schema_migrations, each
// in its own IMMEDIATE transaction (so concurrent migrators serialise and the
// later one sees the earlier one's work).
func migrate(ctx context.Context, db *sql.DB) error {
	ms, err := loadMigrations()
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER NOT NULL PRIMARY KEY,
		name       TEXT    NOT NULL,
		applied_at INTEGER NOT NULL
	) STRICT`); err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	for _, m := range ms {
		if err := applyMigration(ctx, conn, m); err != nil {
			return fmt.Errorf("sqlite: migration %s: %w", m.name, err)
		}
	}
	return nil
}

func applyMigration(ctx context.Context, conn *sql.Conn, m migration) (err error) {
	// BEGIN IMMEDIATE by hand: db may come from New with any _txlock.
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return err
	}
	defer func() {
		if err != nil {
			conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		}
	}()
	var n int
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations WHERE version = ?", m.version).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		if _, err := conn.ExecContext(ctx, m.sql); err != nil {
			return err
		}
		if _, err := conn.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
			m.version, m.name, ms(time.Now())); err != nil {
			return err
		}
	}
	_, err = conn.ExecContext(ctx, "COMMIT")
	return err
}

// dbErr is the one place where driver errors become domain errors:
// sql.ErrNoRows is fault.ErrNotFound, a UNIQUE or PRIMARY KEY violation is
// fault.ErrConflict, a lock that busy_timeout could not wait out is
// fault.ErrUnavailable. op names the operation (never values: no claims or
// keys in error text). The driver error stays in the chain for logs.
func dbErr(op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("sqlite: %s: %w", op, fault.ErrNotFound)
	}
	var se *sqlitedrv.Error
	if errors.As(err, &se) {
		switch code := se.Code(); {
		case code == sqlite3.SQLITE_CONSTRAINT_UNIQUE, code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("sqlite: %s: %w", op, fault.Wrap(fault.Conflict, err, fault.ErrConflict.Msg))
		case code&0xff == sqlite3.SQLITE_BUSY, code&0xff == sqlite3.SQLITE_LOCKED:
			return fmt.Errorf("sqlite: %s: %w", op, fault.Wrap(fault.Unavailable, err, fault.ErrUnavailable.Msg))
		}
	}
	return fmt.Errorf("sqlite: %s: %w", op, err)
}

// one checks that an UPDATE or DELETE hit a row: none is fault.ErrNotFound.
func one(op string, res sql.Result, err error) error {
	if err != nil {
		return dbErr(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return dbErr(op, err)
	}
	if n == 0 {
		return dbErr(op, sql.ErrNoRows)
	}
	return nil
}

// ms is how a time is stored: milliseconds since the Unix epoch (UTC).
func ms(t time.Time) int64 { return t.UnixMilli() }

// fromMS is the inverse of ms.
func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

// msPtr stores an optional time (NULL when nil).
func msPtr(t *time.Time) sql.NullInt64 {
	if t == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: ms(*t), Valid: true}
}

// fromMSPtr is the inverse of msPtr.
func fromMSPtr(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMS(v.Int64)
	return &t
}

// querier is the database or the transaction of an Atomic call.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// txKey marks a context that carries the transaction of an Atomic call on
// the store s.
type txKey struct{ s *Store }

// q returns the transaction ctx carries for this store, or the database;
// either runs its queries as prepared statements.
func (s *Store) q(ctx context.Context) querier {
	if tx, ok := ctx.Value(txKey{s}).(*sql.Tx); ok {
		return txQuerier{c: s.stmts, tx: tx}
	}
	return s.dbq()
}

// dbq returns the database outside any transaction, with prepared
// statements.
func (s *Store) dbq() querier { return dbQuerier{c: s.stmts} }

// Atomic runs fn in one IMMEDIATE transaction: every write made through
// this store with the context fn gets (credentials, audit events, status
// entries, log leaves) is committed together when fn returns nil, and none
// is when it returns an error. A nested call joins the outer transaction.
// Writes that must be durable whatever fn does (status block claims) must
// use a context without the transaction.
func (s *Store) Atomic(ctx context.Context, fn func(ctx context.Context) error) error {
	if _, ok := ctx.Value(txKey{s}).(*sql.Tx); ok {
		return fn(ctx)
	}
	// DSN's _txlock=immediate makes this BEGIN IMMEDIATE: the transaction
	// takes the write lock at once instead of failing to upgrade later.
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return dbErr("begin transaction", err)
	}
	if err := fn(context.WithValue(ctx, txKey{s}, tx)); err != nil {
		if rerr := tx.Rollback(); rerr != nil && !errors.Is(rerr, sql.ErrTxDone) {
			return errors.Join(err, dbErr("roll back", rerr))
		}
		return err
	}
	return dbErr("commit", tx.Commit())
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// list runs a query and scans every row with scan.
func list[T any](ctx context.Context, db querier, op string, scan func(scanner) (*T, error), query string, args ...any) ([]*T, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, dbErr(op, err)
	}
	defer rows.Close()
	var out []*T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, dbErr(op, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr(op, err)
	}
	return out, nil
}

// get runs a single-row query; no row is fault.ErrNotFound.
func get[T any](ctx context.Context, db querier, op string, scan func(scanner) (*T, error), query string, args ...any) (*T, error) {
	v, err := scan(db.QueryRowContext(ctx, query, args...))
	if err != nil {
		return nil, dbErr(op, err)
	}
	return v, nil
}

// boolInt stores a bool as 0/1.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
