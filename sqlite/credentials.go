package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/citizencloud/citizencredentials/audit"
	"github.com/citizencloud/citizencredentials/credentials"
	"github.com/citizencloud/citizencredentials/exchange"
	"github.com/citizencloud/citizencredentials/fault"
)

var _ credentials.Store = (*Store)(nil)
var _ exchange.RequestStore = (*Store)(nil)

const bureauCols = `id, name, slug, did, allowed_types, key_id, active, reason, created_at, updated_at`

func scanBureau(r scanner) (*credentials.Bureau, error) {
	var (
		b                credentials.Bureau
		types            string
		active           int
		created, updated int64
	)
	if err := r.Scan(&b.ID, &b.Name, &b.Slug, &b.DID, &types, &b.KeyID, &active, &b.Reason, &created, &updated); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(types), &b.AllowedTypes); err != nil {
		return nil, err
	}
	b.Active = active != 0
	b.CreatedAt, b.UpdatedAt = fromMS(created), fromMS(updated)
	return &b, nil
}

func typesJSON(types []string) string {
	if types == nil {
		types = []string{}
	}
	j, _ := json.Marshal(types) // []string always marshals
	return string(j)
}

// CreateBureau inserts b; fault.ErrConflict if the id or slug is taken.
func (s *Store) CreateBureau(ctx context.Context, b *credentials.Bureau) error {
	_, err := s.q(ctx).ExecContext(ctx, `INSERT INTO bureaus (`+bureauCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		b.ID, b.Name, b.Slug, b.DID, typesJSON(b.AllowedTypes), b.KeyID, boolInt(b.Active), b.Reason, ms(b.CreatedAt), ms(b.UpdatedAt))
	return dbErr("create bureau", err)
}

// UpdateBureau replaces the mutable fields; fault.ErrNotFound if there is no such bureau.
func (s *Store) UpdateBureau(ctx context.Context, b *credentials.Bureau) error {
	res, err := s.q(ctx).ExecContext(ctx, `UPDATE bureaus SET name = ?, allowed_types = ?, key_id = ?, active = ?, reason = ?, updated_at = ? WHERE id = ?`,
		b.Name, typesJSON(b.AllowedTypes), b.KeyID, boolInt(b.Active), b.Reason, ms(b.UpdatedAt), b.ID)
	return one("update bureau", res, err)
}

// Bureau returns the bureau with id, or fault.ErrNotFound.
func (s *Store) Bureau(ctx context.Context, id string) (*credentials.Bureau, error) {
	return get(ctx, s.q(ctx), "get bureau", scanBureau, `SELECT `+bureauCols+` FROM bureaus WHERE id = ?`, id)
}

// BureauBySlug returns the bureau with slug, or fault.ErrNotFound.
func (s *Store) BureauBySlug(ctx context.Context, slug string) (*credentials.Bureau, error) {
	return get(ctx, s.q(ctx), "get bureau by slug", scanBureau, `SELECT `+bureauCols+` FROM bureaus WHERE slug = ?`, slug)
}

// BureauByDID returns the bureau whose DID is did, or fault.ErrNotFound.
func (s *Store) BureauByDID(ctx context.Context, did string) (*credentials.Bureau, error) {
	return get(ctx, s.q(ctx), "get bureau by did", scanBureau, `SELECT `+bureauCols+` FROM bureaus WHERE did = ? ORDER BY id LIMIT 1`, did)
}

// Bureaus lists all bureaus by CreatedAt, then ID.
func (s *Store) Bureaus(ctx context.Context) ([]*credentials.Bureau, error) {
	return list(ctx, s.q(ctx), "list bureaus", scanBureau, `SELECT `+bureauCols+` FROM bureaus ORDER BY created_at, id`)
}

const credentialCols = `id, bureau_id, issuer_did, subject_did, type, format, credential, hash,
	valid_from, valid_until, issued_at, idempotency_key, state, state_reason, updated_at, request_hash`

func scanCredential(r scanner) (*credentials.Record, error) {
	var (
		c                          credentials.Record
		validFrom, issued, updated int64
		validUntil                 sql.NullInt64
	)
	if err := r.Scan(&c.ID, &c.BureauID, &c.IssuerDID, &c.SubjectDID, &c.Type, &c.Format, &c.Credential, &c.Hash,
		&validFrom, &validUntil, &issued, &c.IdempotencyKey, &c.State, &c.StateReason, &updated, &c.RequestHash); err != nil {
		return nil, err
	}
	c.ValidFrom, c.ValidUntil, c.IssuedAt, c.UpdatedAt = fromMS(validFrom), fromMSPtr(validUntil), fromMS(issued), fromMS(updated)
	return &c, nil
}

// CreateCredential inserts r; fault.ErrConflict if r.ID is taken or the
// bureau already used r.IdempotencyKey (when non-empty).
func (s *Store) CreateCredential(ctx context.Context, r *credentials.Record) error {
	_, err := s.q(ctx).ExecContext(ctx, `INSERT INTO credentials (`+credentialCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.BureauID, r.IssuerDID, r.SubjectDID, r.Type, string(r.Format), r.Credential, r.Hash,
		ms(r.ValidFrom), msPtr(r.ValidUntil), ms(r.IssuedAt), r.IdempotencyKey, string(r.State), r.StateReason, ms(r.UpdatedAt), r.RequestHash)
	return dbErr("create credential", err)
}

// CreateCredentials inserts rs one by one (in the caller's transaction,
// where statements are cheap); a conflict is that record's error.
func (s *Store) CreateCredentials(ctx context.Context, rs []*credentials.Record) ([]error, error) {
	errs := make([]error, len(rs))
	for i, r := range rs {
		err := s.CreateCredential(ctx, r)
		if err != nil && !errors.Is(err, fault.ErrConflict) {
			return nil, err
		}
		errs[i] = err
	}
	return errs, nil
}

// Credential returns the record with id, or fault.ErrNotFound.
func (s *Store) Credential(ctx context.Context, id string) (*credentials.Record, error) {
	return get(ctx, s.q(ctx), "get credential", scanCredential, `SELECT `+credentialCols+` FROM credentials WHERE id = ?`, id)
}

// CredentialByIdempotencyKey returns the bureau's record issued under key, or
// fault.ErrNotFound (always for an empty key).
func (s *Store) CredentialByIdempotencyKey(ctx context.Context, bureauID, key string) (*credentials.Record, error) {
	// "idempotency_key <> ''" lets the planner use the partial unique index.
	return get(ctx, s.q(ctx), "get credential by idempotency key", scanCredential,
		`SELECT `+credentialCols+` FROM credentials WHERE bureau_id = ? AND idempotency_key = ? AND idempotency_key <> ''`, bureauID, key)
}

// Credentials lists records matching f with ID > after, ascending by ID, at
// most limit (limit <= 0 returns none).
func (s *Store) Credentials(ctx context.Context, f credentials.Filter, after string, limit int) ([]*credentials.Record, error) {
	if limit <= 0 {
		return nil, nil
	}
	var (
		where = []string{"id > ?"}
		args  = []any{after}
	)
	for _, c := range []struct{ col, val string }{
		{"bureau_id", f.BureauID}, {"subject_did", f.SubjectDID}, {"type", f.Type}, {"state", string(f.State)},
	} {
		if c.val != "" {
			where = append(where, c.col+" = ?")
			args = append(args, c.val)
		}
	}
	args = append(args, limit)
	return list(ctx, s.q(ctx), "list credentials", scanCredential,
		`SELECT `+credentialCols+` FROM credentials WHERE `+strings.Join(where, " AND ")+` ORDER BY id LIMIT ?`, args...)
}

// SetCredentialState sets State, StateReason and UpdatedAt; fault.ErrNotFound
// if there is no such record.
func (s *Store) SetCredentialState(ctx context.Context, id string, st credentials.State, reason string, at time.Time) error {
	res, err := s.q(ctx).ExecContext(ctx, `UPDATE credentials SET state = ?, state_reason = ?, updated_at = ? WHERE id = ?`,
		string(st), reason, ms(at), id)
	return one("set credential state", res, err)
}

const auditCols = `id, credential_id, bureau_id, action, actor, reason, at, seq, prev_hash, hash`

func scanAudit(r scanner) (*audit.Event, error) {
	var (
		e  audit.Event
		at int64
	)
	if err := r.Scan(&e.ID, &e.CredentialID, &e.BureauID, &e.Action, &e.Actor, &e.Reason, &at, &e.Seq, &e.PrevHash, &e.Hash); err != nil {
		return nil, err
	}
	e.At = fromMS(at)
	return &e, nil
}

// AppendAudit inserts events in order, stopping at the first that fails;
// fault.ErrConflict if its ID or (BureauID, Seq) is taken.
func (s *Store) AppendAudit(ctx context.Context, events ...*audit.Event) (int, error) {
	for i, e := range events {
		_, err := s.q(ctx).ExecContext(ctx, `INSERT INTO audit_events (`+auditCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.ID, e.CredentialID, e.BureauID, e.Action, e.Actor, e.Reason, ms(e.At), e.Seq, e.PrevHash, e.Hash)
		if err != nil {
			return i, dbErr("append audit event", err)
		}
	}
	return len(events), nil
}

// AuditTrail lists the events of a credential in ID order.
func (s *Store) AuditTrail(ctx context.Context, credentialID string) ([]*audit.Event, error) {
	return list(ctx, s.q(ctx), "audit trail", scanAudit,
		`SELECT `+auditCols+` FROM audit_events WHERE credential_id = ? ORDER BY id`, credentialID)
}

// AuditHead returns the bureau's event with the highest Seq, or
// fault.ErrNotFound.
func (s *Store) AuditHead(ctx context.Context, bureauID string) (*audit.Event, error) {
	return get(ctx, s.q(ctx), "audit head", scanAudit,
		`SELECT `+auditCols+` FROM audit_events WHERE bureau_id = ? ORDER BY seq DESC LIMIT 1`, bureauID)
}

// AuditEvents lists the bureau's events with Seq > afterSeq, ascending by
// Seq, at most limit.
func (s *Store) AuditEvents(ctx context.Context, bureauID string, afterSeq int64, limit int) ([]*audit.Event, error) {
	if limit <= 0 {
		return nil, nil
	}
	return list(ctx, s.q(ctx), "audit events", scanAudit,
		`SELECT `+auditCols+` FROM audit_events WHERE bureau_id = ? AND seq > ? ORDER BY seq LIMIT ?`, bureauID, afterSeq, limit)
}

const requestCols = `id, verifier_id, challenge, domain, purpose, definition, expires_at, state, result, created_at, updated_at`

func scanRequest(r scanner) (*exchange.PresentationRequest, error) {
	var (
		p                         exchange.PresentationRequest
		expires, created, updated int64
	)
	if err := r.Scan(&p.ID, &p.VerifierID, &p.Challenge, &p.Domain, &p.Purpose, &p.Definition, &expires, &p.State, &p.Result, &created, &updated); err != nil {
		return nil, err
	}
	p.ExpiresAt, p.CreatedAt, p.UpdatedAt = fromMS(expires), fromMS(created), fromMS(updated)
	return &p, nil
}

// CreateRequest inserts r; fault.ErrConflict if r.ID is taken.
func (s *Store) CreateRequest(ctx context.Context, r *exchange.PresentationRequest) error {
	_, err := s.q(ctx).ExecContext(ctx, `INSERT INTO presentation_requests (`+requestCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.VerifierID, r.Challenge, r.Domain, r.Purpose, r.Definition, ms(r.ExpiresAt), string(r.State), r.Result, ms(r.CreatedAt), ms(r.UpdatedAt))
	return dbErr("create presentation request", err)
}

// Request returns the request with id, or fault.ErrNotFound.
func (s *Store) Request(ctx context.Context, id string) (*exchange.PresentationRequest, error) {
	return get(ctx, s.q(ctx), "get presentation request", scanRequest, `SELECT `+requestCols+` FROM presentation_requests WHERE id = ?`, id)
}

// ClaimRequest marks the request answered; exactly one caller succeeds, the
// others get fault.ErrConflict (fault.ErrNotFound if there is no such request).
func (s *Store) ClaimRequest(ctx context.Context, id string) error {
	const op = "claim presentation request"
	res, err := s.q(ctx).ExecContext(ctx, `UPDATE presentation_requests SET claimed = 1 WHERE id = ? AND claimed = 0`, id)
	if err != nil {
		return dbErr(op, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return dbErr(op, err)
	} else if n == 1 {
		return nil
	}
	// Nothing updated: no such request (fault.ErrNotFound), or already claimed.
	var claimed int
	if err := s.q(ctx).QueryRowContext(ctx, `SELECT claimed FROM presentation_requests WHERE id = ?`, id).Scan(&claimed); err != nil {
		return dbErr(op, err)
	}
	return fmt.Errorf("sqlite: %s: %w", op, fault.ErrConflict)
}

// SaveRequestResult sets State, Result and UpdatedAt; fault.ErrNotFound if
// there is no such request.
func (s *Store) SaveRequestResult(ctx context.Context, id string, st exchange.RequestState, result []byte, at time.Time) error {
	res, err := s.q(ctx).ExecContext(ctx, `UPDATE presentation_requests SET state = ?, result = ?, updated_at = ? WHERE id = ?`,
		string(st), result, ms(at), id)
	return one("save presentation result", res, err)
}
