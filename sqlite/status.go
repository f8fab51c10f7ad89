package sqlite

import (
	"context"
	"time"

	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/status"
)

var _ status.Store = (*Store)(nil)

const listCols = `id, bureau_id, purpose, size, is_full, created_at`

func scanList(r scanner) (*status.List, error) {
	var (
		l       status.List
		full    int
		created int64
	)
	if err := r.Scan(&l.ID, &l.BureauID, &l.Purpose, &l.Size, &full, &created); err != nil {
		return nil, err
	}
	l.Full, l.CreatedAt = full != 0, fromMS(created)
	return &l, nil
}

// CreateList inserts l; fault.ErrConflict if l.ID is taken.
func (s *Store) CreateList(ctx context.Context, l *status.List) error {
	_, err := s.q(ctx).ExecContext(ctx, `INSERT INTO status_lists (`+listCols+`) VALUES (?, ?, ?, ?, ?, ?)`,
		l.ID, l.BureauID, string(l.Purpose), l.Size, boolInt(l.Full), ms(l.CreatedAt))
	return dbErr("create status list", err)
}

// List returns the list with id, or fault.ErrNotFound.
func (s *Store) List(ctx context.Context, id string) (*status.List, error) {
	return get(ctx, s.q(ctx), "get status list", scanList, `SELECT `+listCols+` FROM status_lists WHERE id = ?`, id)
}

// OpenLists returns the bureau's not-full lists for p, oldest first.
func (s *Store) OpenLists(ctx context.Context, bureauID string, p status.Purpose) ([]*status.List, error) {
	return list(ctx, s.q(ctx), "open status lists", scanList,
		`SELECT `+listCols+` FROM status_lists WHERE bureau_id = ? AND purpose = ? AND is_full = 0 ORDER BY created_at, id`,
		bureauID, string(p))
}

// MarkListFull sets Full; fault.ErrNotFound if there is no such list.
func (s *Store) MarkListFull(ctx context.Context, id string) error {
	res, err := s.q(ctx).ExecContext(ctx, `UPDATE status_lists SET is_full = 1 WHERE id = ?`, id)
	return one("mark status list full", res, err)
}

const entryCols = `list_id, idx, credential_id, is_set, updated_at`

func scanEntry(r scanner) (*status.Entry, error) {
	var (
		e       status.Entry
		set     int
		updated int64
	)
	if err := r.Scan(&e.ListID, &e.Index, &e.CredentialID, &set, &updated); err != nil {
		return nil, err
	}
	e.Set, e.UpdatedAt = set != 0, fromMS(updated)
	return &e, nil
}

// InsertEntry inserts e; fault.ErrConflict if (ListID, Index) is taken.
func (s *Store) InsertEntry(ctx context.Context, e *status.Entry) error {
	_, err := s.q(ctx).ExecContext(ctx, `INSERT INTO status_entries (`+entryCols+`) VALUES (?, ?, ?, ?, ?)`,
		e.ListID, e.Index, e.CredentialID, boolInt(e.Set), ms(e.UpdatedAt))
	return dbErr("insert status entry", err)
}

// InsertEntries inserts es one by one (in the caller's transaction, where
// statements are cheap); an entry already stored for the same credential
// is skipped.
func (s *Store) InsertEntries(ctx context.Context, es []*status.Entry) error {
	for _, e := range es {
		res, err := s.q(ctx).ExecContext(ctx, `INSERT INTO status_entries (`+entryCols+`) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (list_id, idx) DO UPDATE SET credential_id = credential_id WHERE credential_id = excluded.credential_id`,
			e.ListID, e.Index, e.CredentialID, boolInt(e.Set), ms(e.UpdatedAt))
		if err != nil {
			return dbErr("insert status entries", err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err == nil {
				err = fault.Wrap(fault.Conflict, fault.ErrConflict, "status index taken")
			}
			return dbErr("insert status entries", err)
		}
	}
	return nil
}

// CountEntries returns the number of entries allocated in the list.
func (s *Store) CountEntries(ctx context.Context, listID string) (int, error) {
	var n int
	err := s.q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM status_entries WHERE list_id = ?`, listID).Scan(&n)
	return n, dbErr("count status entries", err)
}

// EntriesOf returns the entries of a credential, by list then index.
func (s *Store) EntriesOf(ctx context.Context, credentialID string) ([]*status.Entry, error) {
	return list(ctx, s.q(ctx), "status entries of credential", scanEntry,
		`SELECT `+entryCols+` FROM status_entries WHERE credential_id = ? ORDER BY list_id, idx`, credentialID)
}

// SetEntry sets the bit of (listID, index); fault.ErrNotFound if there is no such entry.
func (s *Store) SetEntry(ctx context.Context, listID string, index int, set bool, at time.Time) error {
	res, err := s.q(ctx).ExecContext(ctx, `UPDATE status_entries SET is_set = ?, updated_at = ? WHERE list_id = ? AND idx = ?`,
		boolInt(set), ms(at), listID, index)
	return one("set status entry", res, err)
}

// SetIndices returns the indices whose bit is set, ascending.
func (s *Store) SetIndices(ctx context.Context, listID string) ([]int, error) {
	rows, err := s.q(ctx).QueryContext(ctx, `SELECT idx FROM status_entries WHERE list_id = ? AND is_set = 1 ORDER BY idx`, listID)
	if err != nil {
		return nil, dbErr("set status indices", err)
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var i int
		if err := rows.Scan(&i); err != nil {
			return nil, dbErr("set status indices", err)
		}
		out = append(out, i)
	}
	return out, dbErr("set status indices", rows.Err())
}

// MarkDirty records that the list needs a new version (idempotent).
func (s *Store) MarkDirty(ctx context.Context, listID string) error {
	_, err := s.q(ctx).ExecContext(ctx, `INSERT INTO dirty_lists (list_id) VALUES (?) ON CONFLICT (list_id) DO NOTHING`, listID)
	return dbErr("mark status list dirty", err)
}

// DirtyLists returns the ids of lists marked dirty, ascending.
func (s *Store) DirtyLists(ctx context.Context) ([]string, error) {
	rows, err := s.q(ctx).QueryContext(ctx, `SELECT list_id FROM dirty_lists ORDER BY list_id`)
	if err != nil {
		return nil, dbErr("dirty status lists", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, dbErr("dirty status lists", err)
		}
		out = append(out, id)
	}
	return out, dbErr("dirty status lists", rows.Err())
}

// ClearDirty removes the mark and reports whether this call removed it.
func (s *Store) ClearDirty(ctx context.Context, listID string) (bool, error) {
	res, err := s.q(ctx).ExecContext(ctx, `DELETE FROM dirty_lists WHERE list_id = ?`, listID)
	if err != nil {
		return false, dbErr("clear status list dirty", err)
	}
	n, err := res.RowsAffected()
	return n == 1, dbErr("clear status list dirty", err)
}

const versionCols = `list_id, version, credential, digest, created_at`

func scanVersion(r scanner) (*status.Version, error) {
	var (
		v       status.Version
		created int64
	)
	if err := r.Scan(&v.ListID, &v.Version, &v.Credential, &v.Digest, &created); err != nil {
		return nil, err
	}
	v.CreatedAt = fromMS(created)
	return &v, nil
}

// PutVersion inserts v; fault.ErrConflict if (ListID, Version) is taken.
func (s *Store) PutVersion(ctx context.Context, v *status.Version) error {
	_, err := s.q(ctx).ExecContext(ctx, `INSERT INTO status_versions (`+versionCols+`) VALUES (?, ?, ?, ?, ?)`,
		v.ListID, v.Version, v.Credential, v.Digest, ms(v.CreatedAt))
	return dbErr("put status list version", err)
}

// LatestVersion returns the highest version of the list, or fault.ErrNotFound.
func (s *Store) LatestVersion(ctx context.Context, listID string) (*status.Version, error) {
	return get(ctx, s.q(ctx), "latest status list version", scanVersion,
		`SELECT `+versionCols+` FROM status_versions WHERE list_id = ? ORDER BY version DESC LIMIT 1`, listID)
}

// Version returns one version, or fault.ErrNotFound.
func (s *Store) Version(ctx context.Context, listID string, version int) (*status.Version, error) {
	return get(ctx, s.q(ctx), "get status list version", scanVersion,
		`SELECT `+versionCols+` FROM status_versions WHERE list_id = ? AND version = ?`, listID, version)
}

// Lists pages through all lists by id, strictly after afterID.
func (s *Store) Lists(ctx context.Context, afterID string, limit int) ([]*status.List, error) {
	return list(ctx, s.q(ctx), "status lists", scanList,
		`SELECT `+listCols+` FROM status_lists WHERE id > ? ORDER BY id LIMIT ?`, afterID, limit)
}

// ClaimBlock claims block (indices first <= i < end) of the list for the
// caller; fault.ErrConflict if it is taken or if an entry in its range
// exists already (allocated one by one before blocks existed).
func (s *Store) ClaimBlock(ctx context.Context, listID string, block, first, end int) error {
	res, err := s.q(ctx).ExecContext(ctx, `INSERT INTO status_blocks (list_id, block, claimed_at)
		SELECT ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM status_entries WHERE list_id = ? AND idx >= ? AND idx < ?)`,
		listID, block, ms(time.Now()), listID, first, end)
	if err != nil {
		return dbErr("claim status block", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		if err == nil {
			err = fault.Wrap(fault.Conflict, fault.ErrConflict, "status block holds entries")
		}
		return dbErr("claim status block", err)
	}
	return nil
}

// CountBlocks returns the number of claimed blocks of the list.
func (s *Store) CountBlocks(ctx context.Context, listID string) (int, error) {
	var n int
	err := s.q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM status_blocks WHERE list_id = ?`, listID).Scan(&n)
	return n, dbErr("count status blocks", err)
}
