package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"sync"
)

// maxStmts bounds the prepared statements a Store keeps. The queries are
// the store's own constant texts (a few dozen); a query beyond the bound
// runs unprepared.
const maxStmts = 256

// stmtCache holds one prepared statement per query text, so a hot query is
// parsed and planned once (per connection) instead of on every call:
// SQLite's parser was a third of a verification's store time.
type stmtCache struct {
	db *sql.DB

	mu sync.RWMutex
	m  map[string]*sql.Stmt
}

// get returns the prepared statement of query, preparing it on first use;
// nil when query is not cached (more than one statement, the bound is
// reached, or preparing failed: the caller then runs it unprepared and
// gets the driver's own error).
func (c *stmtCache) get(ctx context.Context, query string) *sql.Stmt {
	c.mu.RLock()
	st := c.m[query]
	c.mu.RUnlock()
	if st != nil {
		return st
	}
	if strings.Contains(query, ";") {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st := c.m[query]; st != nil {
		return st
	}
	if len(c.m) >= maxStmts {
		return nil
	}
	st, err := c.db.PrepareContext(context.WithoutCancel(ctx), query)
	if err != nil {
		return nil
	}
	c.m[query] = st
	return st
}

// close closes every cached statement.
func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, st := range c.m {
		st.Close()
		delete(c.m, q)
	}
}

// dbQuerier runs queries on the database outside any transaction, with
// prepared statements.
type dbQuerier struct{ c *stmtCache }

func (d dbQuerier) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := d.c.get(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return d.c.db.ExecContext(ctx, query, args...)
}

func (d dbQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := d.c.get(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return d.c.db.QueryContext(ctx, query, args...)
}

func (d dbQuerier) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := d.c.get(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return d.c.db.QueryRowContext(ctx, query, args...)
}

// txQuerier runs queries in the transaction of an Atomic call, with the
// cached statements bound to it (database/sql reuses a statement already
// prepared on the transaction's connection).
type txQuerier struct {
	c  *stmtCache
	tx *sql.Tx
}

func (t txQuerier) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.c.get(ctx, query); st != nil {
		return t.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, query, args...)
}

func (t txQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.c.get(ctx, query); st != nil {
		return t.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, query, args...)
}

func (t txQuerier) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.c.get(ctx, query); st != nil {
		return t.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, query, args...)
}
