package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/citizencloud/citizencredentials/anchor"
	"github.com/citizencloud/citizencredentials/fault"
)

var _ anchor.Store = (*Store)(nil)

const itemCols = `id, kind, list_id, version, digest, tree_size, state, tx_hash, block, block_time,
	attempts, next_attempt, last_error, created_at, updated_at`

func scanItem(r scanner) (*anchor.Item, error) {
	var (
		it                                anchor.Item
		block                             int64
		blockTime, next, created, updated int64
	)
	if err := r.Scan(&it.ID, &it.Kind, &it.ListID, &it.Version, &it.Digest, &it.TreeSize, &it.State, &it.TxHash, &block, &blockTime,
		&it.Attempts, &next, &it.LastError, &created, &updated); err != nil {
		return nil, err
	}
	it.Block = uint64(block) // stored as the int64 with the same bits
	it.BlockTime, it.NextAttempt, it.CreatedAt, it.UpdatedAt = fromMS(blockTime), fromMS(next), fromMS(created), fromMS(updated)
	return &it, nil
}

// itemArgs are it's columns in itemCols order.
func itemArgs(it *anchor.Item) []any {
	return []any{it.ID, string(it.Kind), it.ListID, it.Version, it.Digest, it.TreeSize, string(it.State), it.TxHash, int64(it.Block), ms(it.BlockTime),
		it.Attempts, ms(it.NextAttempt), it.LastError, ms(it.CreatedAt), ms(it.UpdatedAt)}
}

// Enqueue inserts it; fault.ErrConflict if it.ID is taken.
func (s *Store) Enqueue(ctx context.Context, it *anchor.Item) error {
	_, err := s.q(ctx).ExecContext(ctx, `INSERT INTO anchor_items (`+itemCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, itemArgs(it)...)
	return dbErr("enqueue anchor item", err)
}

// Item returns the item with id, or fault.ErrNotFound.
func (s *Store) Item(ctx context.Context, id string) (*anchor.Item, error) {
	return get(ctx, s.q(ctx), "get anchor item", scanItem, `SELECT `+itemCols+` FROM anchor_items WHERE id = ?`, id)
}

// UpdateItem replaces every field of the item with it.ID; fault.ErrNotFound
// if there is none.
func (s *Store) UpdateItem(ctx context.Context, it *anchor.Item) error {
	args := append(itemArgs(it)[1:], it.ID)
	res, err := s.q(ctx).ExecContext(ctx, `UPDATE anchor_items SET kind = ?, list_id = ?, version = ?, digest = ?, tree_size = ?, state = ?,
		tx_hash = ?, block = ?, block_time = ?, attempts = ?, next_attempt = ?, last_error = ?, created_at = ?, updated_at = ?
		WHERE id = ?`, args...)
	return one("update anchor item", res, err)
}

// Unconfirmed returns up to limit items not yet Confirmed, by CreatedAt then
// ID (limit <= 0 returns none).
func (s *Store) Unconfirmed(ctx context.Context, limit int) ([]*anchor.Item, error) {
	if limit <= 0 {
		return nil, nil
	}
	return list(ctx, s.q(ctx), "unconfirmed anchor items", scanItem,
		`SELECT `+itemCols+` FROM anchor_items WHERE state <> 'confirmed' ORDER BY created_at, id LIMIT ?`, limit)
}

// CountUnconfirmed returns the number of items not yet Confirmed.
func (s *Store) CountUnconfirmed(ctx context.Context) (int, error) {
	var n int
	err := s.q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM anchor_items WHERE state <> 'confirmed'`).Scan(&n)
	return n, dbErr("count unconfirmed anchor items", err)
}

// Items lists items by (CreatedAt, ID) strictly after (afterCreated,
// afterID); a zero afterCreated starts at the beginning. At most limit
// (limit <= 0 returns none).
func (s *Store) Items(ctx context.Context, afterCreated time.Time, afterID string, limit int) ([]*anchor.Item, error) {
	if limit <= 0 {
		return nil, nil
	}
	if afterCreated.IsZero() {
		return list(ctx, s.q(ctx), "list anchor items", scanItem,
			`SELECT `+itemCols+` FROM anchor_items ORDER BY created_at, id LIMIT ?`, limit)
	}
	return list(ctx, s.q(ctx), "list anchor items", scanItem,
		`SELECT `+itemCols+` FROM anchor_items WHERE (created_at, id) > (?, ?) ORDER BY created_at, id LIMIT ?`,
		ms(afterCreated), afterID, limit)
}

// LogRootCovering returns the confirmed log root with the smallest tree
// size above index (index anchor_items_log_roots), or fault.ErrNotFound.
func (s *Store) LogRootCovering(ctx context.Context, index int64) (*anchor.Item, error) {
	return get(ctx, s.q(ctx), "get the log root covering a leaf", scanItem,
		`SELECT `+itemCols+` FROM anchor_items WHERE kind = 'log_root' AND state = 'confirmed' AND tree_size > ? ORDER BY tree_size LIMIT 1`, index)
}

const leafCols = `idx, hash, credential_id, created_at`

func scanLeaf(r scanner) (*anchor.Leaf, error) {
	var (
		l       anchor.Leaf
		created int64
	)
	if err := r.Scan(&l.Index, &l.Hash, &l.CredentialID, &created); err != nil {
		return nil, err
	}
	l.CreatedAt = fromMS(created)
	return &l, nil
}

// AppendLeaf inserts l; fault.ErrConflict if l.Index is taken or
// l.CredentialID is already logged.
//
// Inside an Atomic transaction it also refuses (fault.ErrConflict) an index
// that is not the next one: a rolled-back transaction takes its leaves with
// it, and anchor.Log, which remembers the next index in memory, must then
// find the real end of the log again instead of leaving a gap.
func (s *Store) AppendLeaf(ctx context.Context, l *anchor.Leaf) error {
	if _, inTx := ctx.Value(txKey{s}).(*sql.Tx); !inTx {
		_, err := s.dbq().ExecContext(ctx, `INSERT INTO log_leaves (`+leafCols+`) VALUES (?, ?, ?, ?)`,
			l.Index, l.Hash, l.CredentialID, ms(l.CreatedAt))
		return dbErr("append log leaf", err)
	}
	res, err := s.q(ctx).ExecContext(ctx, `INSERT INTO log_leaves (`+leafCols+`)
		SELECT ?, ?, ?, ? WHERE ? = (SELECT coalesce(max(idx) + 1, 0) FROM log_leaves)`,
		l.Index, l.Hash, l.CredentialID, ms(l.CreatedAt), l.Index)
	if err != nil {
		return dbErr("append log leaf", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		if err == nil {
			err = fault.Wrap(fault.Conflict, fault.ErrConflict, "log index is not the next one")
		}
		return dbErr("append log leaf", err)
	}
	return nil
}

// LeafCount returns the highest leaf index + 1 (0 for an empty log).
func (s *Store) LeafCount(ctx context.Context) (int64, error) {
	var n int64
	err := s.q(ctx).QueryRowContext(ctx, `SELECT coalesce(max(idx) + 1, 0) FROM log_leaves`).Scan(&n)
	return n, dbErr("count log leaves", err)
}

// Leaves returns the leaves with from <= Index < to, ascending.
func (s *Store) Leaves(ctx context.Context, from, to int64) ([]*anchor.Leaf, error) {
	return list(ctx, s.q(ctx), "list log leaves", scanLeaf,
		`SELECT `+leafCols+` FROM log_leaves WHERE idx >= ? AND idx < ? ORDER BY idx`, from, to)
}

// LeafOf returns the leaf of a credential, or fault.ErrNotFound.
func (s *Store) LeafOf(ctx context.Context, credentialID string) (*anchor.Leaf, error) {
	return get(ctx, s.q(ctx), "get log leaf", scanLeaf, `SELECT `+leafCols+` FROM log_leaves WHERE credential_id = ?`, credentialID)
}

// AcquireLease takes the lease if it is free or expired (until <= now, by
// this process's clock) or renews it for its holder, in one statement; it
// reports false if another holder owns an unexpired lease.
func (s *Store) AcquireLease(ctx context.Context, name, holder string, until time.Time) (bool, error) {
	res, err := s.q(ctx).ExecContext(ctx, `INSERT INTO leases (name, holder, until) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
		WHERE leases.holder = excluded.holder OR leases.until <= ?`,
		name, holder, ms(until), ms(time.Now()))
	if err != nil {
		return false, dbErr("acquire lease", err)
	}
	n, err := res.RowsAffected()
	return n == 1, dbErr("acquire lease", err)
}

// AddTileNodes inserts the nodes not stored yet, in one transaction;
// fault.ErrConflict if one is stored with a different hash.
func (s *Store) AddTileNodes(ctx context.Context, nodes []*anchor.TileNode) error {
	if len(nodes) == 0 {
		return nil
	}
	// Inside a transaction of Atomic the nodes join it (a second write
	// transaction would wait for the first one's lock).
	return s.Atomic(ctx, func(ctx context.Context) error {
		q := s.q(ctx)
		for _, n := range nodes {
			var stored string
			err := q.QueryRowContext(ctx, `INSERT INTO log_tiles (level, idx, hash) VALUES (?, ?, ?)
			ON CONFLICT (level, idx) DO UPDATE SET hash = hash RETURNING hash`, n.Level, n.Index, n.Hash).Scan(&stored)
			if err != nil {
				return dbErr("add log tile node", err)
			}
			if stored != n.Hash {
				return fault.Wrap(fault.Conflict, fault.ErrConflict, fmt.Sprintf("issuance log node (%d, %d) is stored with another hash", n.Level, n.Index))
			}
		}
		return nil
	})
}

// TileNodes returns the stored nodes of level with from <= Index < to, ascending.
func (s *Store) TileNodes(ctx context.Context, level int, from, to int64) ([]*anchor.TileNode, error) {
	return list(ctx, s.q(ctx), "list log tile nodes", func(r scanner) (*anchor.TileNode, error) {
		n := anchor.TileNode{Level: level}
		return &n, r.Scan(&n.Index, &n.Hash)
	}, `SELECT idx, hash FROM log_tiles WHERE level = ? AND idx >= ? AND idx < ? ORDER BY idx`, level, from, to)
}
