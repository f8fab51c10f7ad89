package mongodb

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/citizencloud/citizencredentials/audit"
	"github.com/citizencloud/citizencredentials/credentials"
	"github.com/citizencloud/citizencredentials/fault"
)

var _ credentials.Store = (*Store)(nil)

type bureauRecord struct {
	ID           string    `bson:"_id"`
	Name         string    `bson:"name"`
	Slug         string    `bson:"slug"`
	DID          string    `bson:"did"`
	AllowedTypes []string  `bson:"allowedTypes"`
	KeyID        string    `bson:"keyId"`
	Active       bool      `bson:"active"`
	Reason       string    `bson:"reason"`
	CreatedAt    time.Time `bson:"createdAt"`
	UpdatedAt    time.Time `bson:"updatedAt"`
}

func fromBureau(b *credentials.Bureau) *bureauRecord {
	return &bureauRecord{
		ID: b.ID, Name: b.Name, Slug: b.Slug, DID: b.DID,
		AllowedTypes: nonNil(b.AllowedTypes), KeyID: b.KeyID, Active: b.Active, Reason: b.Reason,
		CreatedAt: ms(b.CreatedAt), UpdatedAt: ms(b.UpdatedAt),
	}
}

func (r *bureauRecord) toDomain() *credentials.Bureau {
	return &credentials.Bureau{
		ID: r.ID, Name: r.Name, Slug: r.Slug, DID: r.DID,
		AllowedTypes: r.AllowedTypes, KeyID: r.KeyID, Active: r.Active, Reason: r.Reason,
		CreatedAt: utc(r.CreatedAt), UpdatedAt: utc(r.UpdatedAt),
	}
}

// nonNil stores a nil list as an empty array rather than null.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// CreateBureau inserts b. Returns fault.ErrConflict if the id, slug or DID is taken.
func (s *Store) CreateBureau(ctx context.Context, b *credentials.Bureau) error {
	_, err := s.bureaus.InsertOne(ctx, fromBureau(b))
	return wrap("create bureau", err)
}

// UpdateBureau replaces the mutable fields of the bureau with b.ID. Returns
// fault.ErrNotFound if there is none.
func (s *Store) UpdateBureau(ctx context.Context, b *credentials.Bureau) error {
	r := fromBureau(b)
	return updateByID(ctx, s.bureaus, "update bureau", b.ID, bson.D{{Key: "$set", Value: bson.D{
		{Key: "name", Value: r.Name},
		{Key: "allowedTypes", Value: r.AllowedTypes},
		{Key: "keyId", Value: r.KeyID},
		{Key: "active", Value: r.Active},
		{Key: "reason", Value: r.Reason},
		{Key: "updatedAt", Value: r.UpdatedAt},
	}}})
}

func (s *Store) bureauBy(ctx context.Context, field, value string) (*credentials.Bureau, error) {
	r, err := findOne[bureauRecord](ctx, s.bureaus, "bureau", bson.D{{Key: field, Value: value}})
	if err != nil {
		return nil, err
	}
	return r.toDomain(), nil
}

// Bureau returns the bureau with id, or fault.ErrNotFound.
func (s *Store) Bureau(ctx context.Context, id string) (*credentials.Bureau, error) {
	return s.bureauBy(ctx, "_id", id)
}

// BureauBySlug returns the bureau with slug, or fault.ErrNotFound.
func (s *Store) BureauBySlug(ctx context.Context, slug string) (*credentials.Bureau, error) {
	return s.bureauBy(ctx, "slug", slug)
}

// BureauByDID returns the bureau whose DID is did, or fault.ErrNotFound.
func (s *Store) BureauByDID(ctx context.Context, did string) (*credentials.Bureau, error) {
	return s.bureauBy(ctx, "did", did)
}

// Bureaus lists all bureaus ordered by CreatedAt then ID. There are few
// bureaus (one per public authority), so the list is not paged.
func (s *Store) Bureaus(ctx context.Context) ([]*credentials.Bureau, error) {
	rs, err := findAll[bureauRecord](ctx, s.bureaus, "list bureaus", bson.D{},
		options.Find().SetSort(bson.D{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return nil, err
	}
	out := make([]*credentials.Bureau, len(rs))
	for i := range rs {
		out[i] = rs[i].toDomain()
	}
	return out, nil
}

type credentialRecord struct {
	ID             string     `bson:"_id"`
	BureauID       string     `bson:"bureauId"`
	IssuerDID      string     `bson:"issuerDid"`
	SubjectDID     string     `bson:"subjectDid"`
	Type           string     `bson:"type"`
	Format         string     `bson:"format"`
	Credential     string     `bson:"credential"`
	Hash           string     `bson:"hash"`
	ValidFrom      time.Time  `bson:"validFrom"`
	ValidUntil     *time.Time `bson:"validUntil,omitempty"`
	IssuedAt       time.Time  `bson:"issuedAt"`
	IdempotencyKey string     `bson:"idempotencyKey,omitempty"`
	State          string     `bson:"state"`
	StateReason    string     `bson:"stateReason"`
	UpdatedAt      time.Time  `bson:"updatedAt"`
	RequestHash    string     `bson:"requestHash,omitempty"`
}

func fromCredential(r *credentials.Record) *credentialRecord {
	return &credentialRecord{
		ID: r.ID, BureauID: r.BureauID, IssuerDID: r.IssuerDID, SubjectDID: r.SubjectDID,
		Type: r.Type, Format: string(r.Format), Credential: r.Credential, Hash: r.Hash,
		ValidFrom: ms(r.ValidFrom), ValidUntil: ptrTime(r.ValidUntil), IssuedAt: ms(r.IssuedAt),
		IdempotencyKey: r.IdempotencyKey, State: string(r.State), StateReason: r.StateReason,
		UpdatedAt: ms(r.UpdatedAt), RequestHash: r.RequestHash,
	}
}

func (c *credentialRecord) toDomain() *credentials.Record {
	return &credentials.Record{
		ID: c.ID, BureauID: c.BureauID, IssuerDID: c.IssuerDID, SubjectDID: c.SubjectDID,
		Type: c.Type, Format: credentials.Format(c.Format), Credential: c.Credential, Hash: c.Hash,
		ValidFrom: utc(c.ValidFrom), ValidUntil: fromPtrTime(c.ValidUntil), IssuedAt: utc(c.IssuedAt),
		IdempotencyKey: c.IdempotencyKey, State: credentials.State(c.State), StateReason: c.StateReason,
		UpdatedAt: utc(c.UpdatedAt), RequestHash: c.RequestHash,
	}
}

// idempotencyRecord claims an idempotency key for one credential.
//
// Why a separate collection and not a unique index on (bureauId,
// idempotencyKey) in credentials: the key is optional, and "unique only when
// non-empty" needs a partial index, which FerretDB does not support (a sparse
// index would not do either: absent and empty keys must never collide). A
// claim document keyed by _id is unique on every backend and, on a cluster
// sharded by credential id, needs no unique secondary index (which would have
// to be prefixed by the shard key).
//
// The claim is inserted before the credential, so a key can never end up
// with two credentials, and then sealed by spending its token (see spend).
// A claim that is neither sealed nor backed by a credential after
// staleClaimAfter (its writer crashed) is taken over by spending its token
// first; the writer, if it was only stalled, then fails to seal and withdraws
// its credential. So for each claim exactly one of "sealed", "released by its
// writer" and "taken over" happens.
type idempotencyRecord struct {
	ID           string    `bson:"_id"` // idempotencyID(bureau, key)
	CredentialID string    `bson:"credentialId"`
	Token        string    `bson:"token"`
	CreatedAt    time.Time `bson:"createdAt"`
}

// staleClaimAfter is how long an idempotency claim may stay without its
// credential before another writer may take the key over.
const staleClaimAfter = time.Minute

// idempotencyID encodes (bureauID, key) injectively: the length prefix tells
// where the bureau id ends whatever either contains. (The obvious NUL
// separator would do on MongoDB, but FerretDB's SQLite backend keeps
// documents as JSON text; a length prefix is safe everywhere.)
func idempotencyID(bureauID, key string) string {
	return strconv.Itoa(len(bureauID)) + ":" + bureauID + ":" + key
}

// CreateCredential durably inserts r (acknowledged with the client's write
// concern; production uses majority). Returns fault.ErrConflict if r.ID is
// taken, or if r.IdempotencyKey is non-empty and already used by the same
// bureau.
func (s *Store) CreateCredential(ctx context.Context, r *credentials.Record) error {
	const op = "create credential"
	if r.IdempotencyKey == "" {
		_, err := s.credentials.InsertOne(ctx, fromCredential(r))
		return wrap(op, err)
	}
	claim := &idempotencyRecord{ID: idempotencyID(r.BureauID, r.IdempotencyKey), CredentialID: r.ID, Token: newToken()}
	if err := s.claimIdempotencyKey(ctx, claim); err != nil {
		return err
	}
	if _, err := s.credentials.InsertOne(ctx, fromCredential(r)); err != nil {
		s.releaseIdempotencyKey(ctx, claim)
		return wrap(op, err)
	}
	sealed, err := s.spend(ctx, op, claim.Token)
	if err != nil {
		// Unknown whether the seal landed: leave the credential; at worst
		// the claim is taken over later while its credential exists, which
		// claimIdempotencyKey refuses to do.
		return err
	}
	if !sealed {
		// This writer stalled past staleClaimAfter and another took the key
		// over: withdraw this credential, the other one wins.
		if _, err := deleteByID(ctx, s.credentials, op, r.ID); err != nil {
			return err
		}
		return conflict(op)
	}
	return nil
}

// claimIdempotencyKey inserts claim, taking over a stale claim of the same
// key whose credential does not exist. Returns fault.ErrConflict if the key
// is claimed.
func (s *Store) claimIdempotencyKey(ctx context.Context, claim *idempotencyRecord) error {
	const op = "claim idempotency key"
	for range 3 {
		claim.CreatedAt = ms(s.now())
		_, err := s.idempotency.InsertOne(ctx, claim)
		if err == nil {
			return nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			return wrap(op, err)
		}
		old, err := findOne[idempotencyRecord](ctx, s.idempotency, op, bson.D{{Key: "_id", Value: claim.ID}})
		if isNotFound(err) {
			continue // released meanwhile
		}
		if err != nil {
			return err
		}
		if s.now().Sub(old.CreatedAt) < staleClaimAfter {
			return conflict(op)
		}
		exists, err := s.exists(ctx, s.credentials, op, old.CredentialID)
		if err != nil || exists {
			return cmp.Or(err, conflict(op))
		}
		won, err := s.spend(ctx, op, old.Token)
		if err != nil {
			return err
		}
		if !won {
			continue // sealed by its writer, or taken over by another: look again
		}
		// Only the spender of old.Token deletes the document carrying it.
		if _, err := deleteByID(ctx, s.idempotency, op, claim.ID); err != nil {
			return err
		}
	}
	return conflict(op)
}

// releaseIdempotencyKey gives up claim after its credential could not be
// inserted, so that a retry may use the key. Best effort, with its own
// deadline so that a cancelled request still releases the key; if it fails
// the claim goes stale and is taken over later.
func (s *Store) releaseIdempotencyKey(ctx context.Context, claim *idempotencyRecord) {
	const op = "release idempotency key"
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if won, err := s.spend(ctx, op, claim.Token); err == nil && won {
		_, _ = deleteByID(ctx, s.idempotency, op, claim.ID)
	}
}

// exists reports whether c has a document with _id id.
func (s *Store) exists(ctx context.Context, c *mongo.Collection, op string, id any) (bool, error) {
	err := c.FindOne(ctx, bson.D{{Key: "_id", Value: id}}, options.FindOne().SetProjection(bson.D{{Key: "_id", Value: 1}})).Err()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	if err != nil {
		return false, wrap(op, err)
	}
	return true, nil
}

// CreateCredentials inserts the records without an idempotency key with
// one unordered insertMany (a duplicate id is that record's
// fault.ErrConflict) and the others one by one through CreateCredential,
// which claims their keys.
func (s *Store) CreateCredentials(ctx context.Context, rs []*credentials.Record) ([]error, error) {
	const op = "create credentials"
	errs := make([]error, len(rs))
	var (
		docs []any
		at   []int // index in rs of docs[i]
	)
	for i, r := range rs {
		if r.IdempotencyKey != "" {
			err := s.CreateCredential(ctx, r)
			if err != nil && !errors.Is(err, fault.ErrConflict) {
				return nil, err
			}
			errs[i] = err
			continue
		}
		docs = append(docs, fromCredential(r))
		at = append(at, i)
	}
	if len(docs) == 0 {
		return errs, nil
	}
	_, err := s.credentials.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err == nil {
		return errs, nil
	}
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil {
		return nil, wrap(op, err)
	}
	for _, we := range bwe.WriteErrors {
		if !isDuplicate(we) || we.Index < 0 || we.Index >= len(at) {
			return nil, wrap(op, err)
		}
		errs[at[we.Index]] = conflict(op)
	}
	return errs, nil
}

// Credential returns the record with id, or fault.ErrNotFound.
func (s *Store) Credential(ctx context.Context, id string) (*credentials.Record, error) {
	r, err := findOne[credentialRecord](ctx, s.credentials, "credential", bson.D{{Key: "_id", Value: id}})
	if err != nil {
		return nil, err
	}
	return r.toDomain(), nil
}

// CredentialByIdempotencyKey returns the bureau's record issued under key,
// or fault.ErrNotFound (also for an empty key, and while a claim's
// credential is not yet stored).
func (s *Store) CredentialByIdempotencyKey(ctx context.Context, bureauID, key string) (*credentials.Record, error) {
	const op = "credential by idempotency key"
	if key == "" {
		return nil, notFound(op)
	}
	c, err := findOne[idempotencyRecord](ctx, s.idempotency, op, bson.D{{Key: "_id", Value: idempotencyID(bureauID, key)}})
	if err != nil {
		return nil, err
	}
	return s.Credential(ctx, c.CredentialID)
}

// Credentials lists records matching f with ID > after, ascending by ID, at
// most limit of them (none if limit <= 0).
func (s *Store) Credentials(ctx context.Context, f credentials.Filter, after string, limit int) ([]*credentials.Record, error) {
	if limit <= 0 {
		return nil, nil
	}
	filter := bson.D{}
	for _, c := range []struct{ k, v string }{
		{"bureauId", f.BureauID}, {"subjectDid", f.SubjectDID}, {"type", f.Type}, {"state", string(f.State)},
	} {
		if c.v != "" {
			filter = append(filter, bson.E{Key: c.k, Value: c.v})
		}
	}
	if after != "" {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}})
	}
	rs, err := findAll[credentialRecord](ctx, s.credentials, "list credentials", filter,
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, err
	}
	out := make([]*credentials.Record, len(rs))
	for i := range rs {
		out[i] = rs[i].toDomain()
	}
	return out, nil
}

// SetCredentialState sets State, StateReason and UpdatedAt of the record
// with id. Returns fault.ErrNotFound if there is none.
func (s *Store) SetCredentialState(ctx context.Context, id string, st credentials.State, reason string, at time.Time) error {
	return updateByID(ctx, s.credentials, "set credential state", id, bson.D{{Key: "$set", Value: bson.D{
		{Key: "state", Value: string(st)},
		{Key: "stateReason", Value: reason},
		{Key: "updatedAt", Value: ms(at)},
	}}})
}

// auditRecord is one event of a bureau's audit chain. Its _id is
// "<bureau>/<seq>" (see auditID), so the insert under the always-unique _id
// is what claims a position in the chain: two writers can never fork it,
// and no secondary unique index is needed. Events written before the chain
// existed keep their uuid _id and have seq 0.
type auditRecord struct {
	ID           string    `bson:"_id"`
	EventID      string    `bson:"eventId"`
	CredentialID string    `bson:"credentialId"`
	BureauID     string    `bson:"bureauId"`
	Action       string    `bson:"action"`
	Actor        string    `bson:"actor"`
	Reason       string    `bson:"reason"`
	At           time.Time `bson:"at"`
	Seq          int64     `bson:"seq"`
	PrevHash     string    `bson:"prevHash"`
	Hash         string    `bson:"hash"`
}

func auditID(bureauID string, seq int64) string { return bureauID + "/" + strconv.FormatInt(seq, 10) }

func fromAudit(e *audit.Event) *auditRecord {
	return &auditRecord{ID: auditID(e.BureauID, e.Seq), EventID: e.ID, CredentialID: e.CredentialID, BureauID: e.BureauID,
		Action: e.Action, Actor: e.Actor, Reason: e.Reason, At: ms(e.At), Seq: e.Seq, PrevHash: e.PrevHash, Hash: e.Hash}
}

func (r *auditRecord) toDomain() *audit.Event {
	id := r.EventID
	if id == "" {
		id = r.ID // written before the chain: _id is the event id
	}
	return &audit.Event{ID: id, CredentialID: r.CredentialID, BureauID: r.BureauID, Action: r.Action, Actor: r.Actor,
		Reason: r.Reason, At: utc(r.At), Seq: r.Seq, PrevHash: r.PrevHash, Hash: r.Hash}
}

// AppendAudit inserts events with one ordered insertMany, which stops at
// the first failure; it returns how many were inserted. Returns
// fault.ErrConflict if the bureau already has an event with that one's
// Seq. There are no transactions: callers write the events before the
// changes they record.
func (s *Store) AppendAudit(ctx context.Context, events ...*audit.Event) (int, error) {
	if len(events) == 0 {
		return 0, nil
	}
	docs := make([]any, len(events))
	for i, e := range events {
		docs[i] = fromAudit(e)
	}
	_, err := s.audit.InsertMany(ctx, docs, options.InsertMany().SetOrdered(true))
	if err == nil {
		return len(events), nil
	}
	if i, ok := firstWriteError(err); ok {
		return i, wrap("append audit events", err)
	}
	return 0, wrap("append audit events", err)
}

// AuditHead returns the bureau's event with the highest Seq, or
// fault.ErrNotFound.
func (s *Store) AuditHead(ctx context.Context, bureauID string) (*audit.Event, error) {
	r, err := findOne[auditRecord](ctx, s.audit, "audit head", bson.D{{Key: "bureauId", Value: bureauID}},
		options.FindOne().SetSort(bson.D{{Key: "bureauId", Value: 1}, {Key: "seq", Value: -1}}))
	if err != nil {
		return nil, err
	}
	return r.toDomain(), nil
}

// AuditEvents lists the bureau's events with Seq > afterSeq, ascending by
// Seq, at most limit.
func (s *Store) AuditEvents(ctx context.Context, bureauID string, afterSeq int64, limit int) ([]*audit.Event, error) {
	if limit <= 0 {
		return nil, nil
	}
	rs, err := findAll[auditRecord](ctx, s.audit, "audit events",
		bson.D{{Key: "bureauId", Value: bureauID}, {Key: "seq", Value: bson.D{{Key: "$gt", Value: afterSeq}}}},
		options.Find().SetSort(bson.D{{Key: "bureauId", Value: 1}, {Key: "seq", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, err
	}
	out := make([]*audit.Event, len(rs))
	for i := range rs {
		out[i] = rs[i].toDomain()
	}
	return out, nil
}

// Atomic runs fn directly: MongoDB here has no transactions (FerretDB, see
// DESIGN §7). The issuance service writes audit events first and the change
// after, so a crash in between leaves an event whose change is missing (an
// attempt that did not complete, which readers can see by looking the
// credential up), never a change without its event.
func (s *Store) Atomic(ctx context.Context, fn func(ctx context.Context) error) error { return fn(ctx) }

// AuditTrail lists the events of a credential in ID order. A credential has
// a handful of events, so the trail is not paged.
func (s *Store) AuditTrail(ctx context.Context, credentialID string) ([]*audit.Event, error) {
	rs, err := findAll[auditRecord](ctx, s.audit, "audit trail", bson.D{{Key: "credentialId", Value: credentialID}})
	if err != nil {
		return nil, err
	}
	out := make([]*audit.Event, len(rs))
	for i := range rs {
		out[i] = rs[i].toDomain()
	}
	// Sorted here: the event id is not the _id any more, and a credential
	// has a handful of events.
	slices.SortFunc(out, func(a, b *audit.Event) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}
