package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/citizencloud/citizencredentials/auth"
	"github.com/citizencloud/citizencredentials/keys"
)

var (
	_ keys.Store          = (*Store)(nil)
	_ auth.Store          = (*Store)(nil)
	_ auth.ChallengeStore = (*Store)(nil)
)

const keyCols = `id, owner, algorithm, public_jwk, sealed, created_at, retired_at`

func scanKey(r scanner) (*keys.Record, error) {
	var (
		k       keys.Record
		created int64
		retired sql.NullInt64
	)
	if err := r.Scan(&k.ID, &k.Owner, &k.Algorithm, &k.PublicJWK, &k.Sealed, &created, &retired); err != nil {
		return nil, err
	}
	k.CreatedAt, k.RetiredAt = fromMS(created), fromMSPtr(retired)
	return &k, nil
}

// PutKey inserts k; fault.ErrConflict if k.ID is taken.
func (s *Store) PutKey(ctx context.Context, k *keys.Record) error {
	_, err := s.dbq().ExecContext(ctx, `INSERT INTO keys (`+keyCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		k.ID, k.Owner, string(k.Algorithm), nonNil(k.PublicJWK), nonNil(k.Sealed), ms(k.CreatedAt), msPtr(k.RetiredAt))
	return dbErr("put key", err)
}

// Key returns the key with id, or fault.ErrNotFound.
func (s *Store) Key(ctx context.Context, id string) (*keys.Record, error) {
	return get(ctx, s.dbq(), "get key", scanKey, `SELECT `+keyCols+` FROM keys WHERE id = ?`, id)
}

// KeysOf lists the keys of owner by CreatedAt, then ID, retired included.
func (s *Store) KeysOf(ctx context.Context, owner string) ([]*keys.Record, error) {
	return list(ctx, s.dbq(), "list keys", scanKey, `SELECT `+keyCols+` FROM keys WHERE owner = ? ORDER BY created_at, id`, owner)
}

// RetireKey sets RetiredAt; fault.ErrNotFound if there is no such key.
func (s *Store) RetireKey(ctx context.Context, id string, at time.Time) error {
	res, err := s.dbq().ExecContext(ctx, `UPDATE keys SET retired_at = ? WHERE id = ?`, ms(at), id)
	return one("retire key", res, err)
}

// nonNil keeps NOT NULL blob columns happy for nil slices.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

const apiKeyCols = `hash, role, owner_id, created_at, revoked_at`

func scanAPIKey(r scanner) (*auth.APIKey, error) {
	var (
		k       auth.APIKey
		created int64
		revoked sql.NullInt64
	)
	if err := r.Scan(&k.Hash, &k.Role, &k.OwnerID, &created, &revoked); err != nil {
		return nil, err
	}
	k.CreatedAt, k.RevokedAt = fromMS(created), fromMSPtr(revoked)
	return &k, nil
}

// PutAPIKey inserts k; fault.ErrConflict if k.Hash is taken.
func (s *Store) PutAPIKey(ctx context.Context, k *auth.APIKey) error {
	_, err := s.dbq().ExecContext(ctx, `INSERT INTO api_keys (`+apiKeyCols+`) VALUES (?, ?, ?, ?, ?)`,
		k.Hash, string(k.Role), k.OwnerID, ms(k.CreatedAt), msPtr(k.RevokedAt))
	return dbErr("put api key", err)
}

// APIKey returns the key with hash, or fault.ErrNotFound.
func (s *Store) APIKey(ctx context.Context, hash string) (*auth.APIKey, error) {
	return get(ctx, s.dbq(), "get api key", scanAPIKey, `SELECT `+apiKeyCols+` FROM api_keys WHERE hash = ?`, hash)
}

// RevokeAPIKeys sets RevokedAt on every key of owner not yet revoked.
func (s *Store) RevokeAPIKeys(ctx context.Context, owner string, at time.Time) error {
	_, err := s.dbq().ExecContext(ctx, `UPDATE api_keys SET revoked_at = ? WHERE owner_id = ? AND revoked_at IS NULL`, ms(at), owner)
	return dbErr("revoke api keys", err)
}

// CreateVerifier inserts v; fault.ErrConflict if v.ID is taken.
func (s *Store) CreateVerifier(ctx context.Context, v *auth.Verifier) error {
	_, err := s.dbq().ExecContext(ctx, `INSERT INTO verifiers (id, name, created_at) VALUES (?, ?, ?)`, v.ID, v.Name, ms(v.CreatedAt))
	return dbErr("create verifier", err)
}

// Verifier returns the verifier with id, or fault.ErrNotFound.
func (s *Store) Verifier(ctx context.Context, id string) (*auth.Verifier, error) {
	return get(ctx, s.dbq(), "get verifier", func(r scanner) (*auth.Verifier, error) {
		var (
			v       auth.Verifier
			created int64
		)
		if err := r.Scan(&v.ID, &v.Name, &created); err != nil {
			return nil, err
		}
		v.CreatedAt = fromMS(created)
		return &v, nil
	}, `SELECT id, name, created_at FROM verifiers WHERE id = ?`, id)
}

// PutChallenge inserts c; fault.ErrConflict if c.Nonce is taken.
func (s *Store) PutChallenge(ctx context.Context, c *auth.Challenge) error {
	_, err := s.dbq().ExecContext(ctx, `INSERT INTO challenges (nonce, did, expires_at) VALUES (?, ?, ?)`, c.Nonce, c.DID, ms(c.ExpiresAt))
	return dbErr("put challenge", err)
}

// TakeChallenge deletes and returns the challenge in one statement, so
// exactly one caller gets it; fault.ErrNotFound if there is none.
func (s *Store) TakeChallenge(ctx context.Context, nonce string) (*auth.Challenge, error) {
	return get(ctx, s.dbq(), "take challenge", func(r scanner) (*auth.Challenge, error) {
		var (
			c       auth.Challenge
			expires int64
		)
		if err := r.Scan(&c.Nonce, &c.DID, &expires); err != nil {
			return nil, err
		}
		c.ExpiresAt = fromMS(expires)
		return &c, nil
	}, `DELETE FROM challenges WHERE nonce = ? RETURNING nonce, did, expires_at`, nonce)
}

// PurgeChallenges deletes the challenges that expired before t. The table
// holds at most what the rate limits let in during one challenge lifetime,
// so it needs no index on expires_at.
func (s *Store) PurgeChallenges(ctx context.Context, t time.Time) (int, error) {
	res, err := s.dbq().ExecContext(ctx, `DELETE FROM challenges WHERE expires_at < ?`, ms(t))
	if err != nil {
		return 0, dbErr("purge challenges", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, dbErr("purge challenges", err)
	}
	return int(n), nil
}
