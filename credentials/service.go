package credentials

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/citizencloud/citizencredentials/dataintegrity"
	"github.com/citizencloud/citizencredentials/did"
	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/status"
)

// KeySource opens a bureau's signing key by verification method id.
type KeySource interface {
	// SignerFor returns the signer of keyID. Errors: fault.ErrNotFound.
	SignerFor(ctx context.Context, keyID string) (Signer, error)
}

// StatusRegistry keeps the credentials' status list entries (implemented by
// status.Service).
type StatusRegistry interface {
	// Allocate durably allocates one entry per purpose and returns the
	// credentialStatus objects to embed.
	Allocate(ctx context.Context, bureauID, credentialID string, purposes ...status.Purpose) ([]map[string]any, error)
	// Set flips the credential's bit for purpose and marks the list for
	// publishing. Errors: fault.ErrNotFound if it has no such entry.
	Set(ctx context.Context, credentialID string, p status.Purpose, set bool) error
}

// IssuanceLog records the hash of every issued credential (implemented by
// anchor.Log). Append must be idempotent per credential id and durable when
// it returns.
type IssuanceLog interface {
	Append(ctx context.Context, credentialID string, hash [32]byte) (int64, error)
}

// IssueInput is what a bureau asks to issue.
type IssueInput struct {
	Type           string
	SubjectDID     string
	Claims         map[string]any
	ValidFrom      *time.Time
	ValidUntil     *time.Time
	IdempotencyKey string
	Format         Format // empty: FormatJWT
}

// BatchResult is the outcome of one item of a batch.
type BatchResult struct {
	Record *Record
	Err    error
}

// Service issues credentials and manages their lifecycle for bureaus. It
// enforces that a bureau acts only on its own credentials and types.
type Service struct {
	store      Store
	cat        *Catalogue
	keys       KeySource
	status     StatusRegistry
	log        IssuanceLog
	now        func() time.Time
	batchLimit int
	workers    int
	loaderOnce sync.Once
	ctxLoader  *dataintegrity.ContextLoader
	obs        Observer
}

// Option configures a Service: WithStatus, WithIssuanceLog,
// WithBatchLimit, WithObserver, or WithClock.
type Option interface{ applyService(*Service) }

type serviceOption func(*Service)

func (o serviceOption) applyService(s *Service) { o(s) }

// WithStatus makes every issued credential carry status list entries.
func WithStatus(a StatusRegistry) Option { return serviceOption(func(s *Service) { s.status = a }) }

// WithIssuanceLog appends every issued credential to the issuance log.
func WithIssuanceLog(l IssuanceLog) Option { return serviceOption(func(s *Service) { s.log = l }) }

// WithBatchLimit sets the maximum number of items in IssueBatch (default 1000).
func WithBatchLimit(n int) Option { return serviceOption(func(s *Service) { s.batchLimit = n }) }

// NewService returns an issuance service.
func NewService(store Store, cat *Catalogue, keys KeySource, opts ...Option) *Service {
	s := &Service{store: store, cat: cat, keys: keys, now: time.Now, batchLimit: 1000, workers: 4}
	for _, o := range opts {
		o.applyService(s)
	}
	return s
}

// BatchLimit is the maximum number of items IssueBatch accepts.
func (s *Service) BatchLimit() int { return s.batchLimit }

// Catalogue returns the credential type catalogue.
func (s *Service) Catalogue() *Catalogue { return s.cat }

// activeBureau loads the bureau and checks it may act.
func (s *Service) activeBureau(ctx context.Context, bureauID string) (*Bureau, error) {
	b, err := s.store.Bureau(ctx, bureauID)
	if errors.Is(err, fault.ErrNotFound) {
		return nil, fault.E(fault.Forbidden, "the calling bureau does not exist")
	}
	if err != nil {
		return nil, err
	}
	if !b.Active {
		return nil, fault.E(fault.Forbidden, "bureau %s is deactivated", b.Slug)
	}
	return b, nil
}

// Issue issues one credential for the bureau. Errors: fault Invalid (bad
// input or claims failing the schema), Forbidden (type not allowed, bureau
// inactive), Conflict (idempotency key reused for a different request),
// Unavailable (store down). The credential is durably stored before Issue
// returns it.
func (s *Service) Issue(ctx context.Context, bureauID string, in IssueInput) (rec *Record, err error) {
	start := time.Now()
	defer func() { s.observeIssue(in.Format, start, err) }()
	b, err := s.activeBureau(ctx, bureauID)
	if err != nil {
		return nil, err
	}
	return s.issue(ctx, b, in)
}

// IssueBatch issues each input independently: one bad item does not stop
// the others. Results are in input order. It fails as a whole only if the
// caller may not issue at all or the batch is too large.
func (s *Service) IssueBatch(ctx context.Context, bureauID string, ins []IssueInput) ([]BatchResult, error) {
	if len(ins) == 0 {
		return nil, fault.E(fault.Invalid, "the batch is empty")
	}
	if len(ins) > s.batchLimit {
		return nil, fault.E(fault.Invalid, "the batch has %d items; at most %d are allowed per call", len(ins), s.batchLimit)
	}
	b, err := s.activeBureau(ctx, bureauID)
	if err != nil {
		return nil, err
	}
	out := make([]BatchResult, len(ins))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(s.workers, len(ins)) {
		wg.Go(func() {
			for i := range next {
				start := time.Now()
				r, err := s.issue(ctx, b, ins[i])
				s.observeIssue(ins[i].Format, start, err)
				out[i] = BatchResult{Record: r, Err: err}
			}
		})
	}
	for i := range ins {
		next <- i
	}
	close(next)
	wg.Wait()
	return out, nil
}

func (s *Service) issue(ctx context.Context, b *Bureau, in IssueInput) (*Record, error) {
	typ, ok := s.cat.Type(in.Type)
	if !ok {
		return nil, fault.E(fault.Invalid, "unknown credential type %q; see credentialTypes", in.Type)
	}
	if !slices.Contains(b.AllowedTypes, in.Type) {
		return nil, fault.E(fault.Forbidden, "bureau %s is not allowed to issue %s", b.Slug, in.Type)
	}
	if in.Format == "" {
		in.Format = FormatJWT
	}
	switch in.Format {
	case FormatJWT, FormatDataIntegrity, FormatSDJWT:
	default:
		return nil, fault.E(fault.Invalid, "format %q is not supported (vc+jwt, di, vc+sd-jwt)", in.Format)
	}
	if err := checkSubjectDID(in.SubjectDID); err != nil {
		return nil, err
	}
	if _, ok := in.Claims["id"]; ok {
		return nil, fault.E(fault.Invalid, "claims must not contain \"id\"; the subject is given by subjectDid")
	}
	if err := s.cat.Validate(in.Type, in.Claims); err != nil {
		return nil, err
	}
	now := s.now().UTC().Truncate(time.Second)
	validFrom := now
	if in.ValidFrom != nil {
		validFrom = in.ValidFrom.UTC().Truncate(time.Second)
	}
	var validUntil *time.Time
	if in.ValidUntil != nil {
		u := in.ValidUntil.UTC().Truncate(time.Second)
		if !u.After(validFrom) {
			return nil, fault.E(fault.Invalid, "validUntil (%s) must be after validFrom (%s)", u.Format(time.RFC3339), validFrom.Format(time.RFC3339))
		}
		validUntil = &u
	}
	if key := in.IdempotencyKey; key != "" {
		if len(key) > 200 {
			return nil, fault.E(fault.Invalid, "idempotencyKey is longer than 200 characters")
		}
		if prev, err := s.store.CredentialByIdempotencyKey(ctx, b.ID, key); err == nil {
			return sameRequest(prev, in)
		} else if !errors.Is(err, fault.ErrNotFound) {
			return nil, err
		}
	}

	u, err := uuid.NewV7()
	if err != nil {
		return nil, err
	}
	id := "urn:uuid:" + u.String()
	var statuses []map[string]any
	if s.status != nil {
		purposes := []status.Purpose{status.Revocation}
		if typ.Suspendable {
			purposes = append(purposes, status.Suspension)
		}
		statuses, err = s.status.Allocate(ctx, b.ID, id, purposes...)
		if err != nil {
			return nil, fmt.Errorf("allocate status entries: %w", err)
		}
	}
	vc, err := s.cat.Build(Draft{
		ID: id, Issuer: b.DID, Subject: in.SubjectDID, Type: in.Type, Claims: in.Claims,
		ValidFrom: validFrom, ValidUntil: validUntil, Status: statuses,
	})
	if err != nil {
		return nil, err
	}
	signer, err := s.keys.SignerFor(ctx, b.KeyID)
	if err != nil {
		return nil, fmt.Errorf("open signing key of bureau %s: %w", b.ID, err)
	}
	jws, err := s.secure(vc, signer, in.Format, now)
	if err != nil {
		return nil, fmt.Errorf("sign credential: %w", err)
	}
	sum := sha256.Sum256([]byte(jws))
	rec := &Record{
		ID: id, BureauID: b.ID, IssuerDID: b.DID, SubjectDID: in.SubjectDID, Type: in.Type,
		Format: in.Format, Credential: jws, Hash: hex.EncodeToString(sum[:]),
		ValidFrom: validFrom, ValidUntil: validUntil, IssuedAt: now,
		IdempotencyKey: in.IdempotencyKey, State: StateActive, UpdatedAt: now,
	}
	if s.log != nil {
		// Log first: once the credential is stored it is in the log, so the
		// anchored log roots cover everything ever handed out. A crash
		// between the two leaves a leaf for a credential never returned,
		// which is harmless.
		if _, err := s.log.Append(ctx, id, sum); err != nil {
			return nil, fmt.Errorf("append to issuance log: %w", err)
		}
	}
	if err := s.store.CreateCredential(ctx, rec); err != nil {
		if errors.Is(err, fault.ErrConflict) && in.IdempotencyKey != "" {
			// Another request with the same key won the race: return its credential.
			prev, perr := s.store.CredentialByIdempotencyKey(ctx, b.ID, in.IdempotencyKey)
			if perr != nil {
				return nil, perr
			}
			return sameRequest(prev, in)
		}
		return nil, fmt.Errorf("store credential: %w", err)
	}
	s.audit(ctx, &AuditEvent{CredentialID: id, BureauID: b.ID, Action: "issued", Actor: "bureau:" + b.ID})
	return rec, nil
}

// secure signs vc in the requested format and returns it as handed out:
// a compact vc+jwt, Data Integrity JSON (eddsa-rdfc-2022 / ecdsa-rdfc-2019),
// or an SD-JWT whose every subject claim is selectively disclosable and
// whose key binding is the subject DID.
func (s *Service) secure(vc map[string]any, signer Signer, f Format, now time.Time) (string, error) {
	switch f {
	case FormatDataIntegrity:
		doc, err := SignDataIntegrity(vc, signer, now, SignWithLoader(s.loader()))
		if err != nil {
			return "", err
		}
		b, err := json.Marshal(doc)
		return string(b), err
	case FormatSDJWT:
		return IssueSDJWT(vc, signer, HolderBinding{})
	default:
		return SignJWT(vc, signer)
	}
}

func (s *Service) loader() *dataintegrity.ContextLoader {
	s.loaderOnce.Do(func() { s.ctxLoader = contextLoader(s.cat) })
	return s.ctxLoader
}

// sameRequest returns prev if it answers the same request as in, else a
// Conflict: an idempotency key must not be reused for something else.
func sameRequest(prev *Record, in IssueInput) (*Record, error) {
	if prev.Type != in.Type || prev.SubjectDID != in.SubjectDID {
		return nil, fault.E(fault.Conflict, "idempotencyKey was already used for a different credential (type or subject differs)")
	}
	return prev, nil
}

// checkSubjectDID refuses subjects that are not DIDs, and did:key / did:jwk
// subjects whose key cannot be decoded (they could never present).
func checkSubjectDID(d string) error {
	parsed, err := did.Parse(d)
	if err != nil {
		return fault.E(fault.Invalid, "subjectDid is not a valid DID: %s", fault.Message(err))
	}
	switch parsed.Method {
	case "key":
		if _, err := did.ResolveKey(d); err != nil {
			return fault.E(fault.Invalid, "subjectDid is not a valid did:key: %s", fault.Message(err))
		}
	case "jwk":
		if _, err := did.ResolveJWK(d); err != nil {
			return fault.E(fault.Invalid, "subjectDid is not a valid did:jwk: %s", fault.Message(err))
		}
	}
	return nil
}

func (s *Service) audit(ctx context.Context, e *AuditEvent) {
	u, err := uuid.NewV7()
	if err != nil {
		return
	}
	e.ID = u.String()
	e.At = s.now().UTC().Truncate(time.Millisecond)
	// Audit append failures must not undo a completed action; they surface
	// through the store's own health reporting.
	_ = s.store.AppendAudit(ctx, e)
}

// Credential returns one of the bureau's credentials. Errors: NotFound,
// Forbidden (it belongs to another bureau).
func (s *Service) Credential(ctx context.Context, bureauID, id string) (*Record, error) {
	r, err := s.store.Credential(ctx, id)
	if err != nil {
		if errors.Is(err, fault.ErrNotFound) {
			return nil, fault.E(fault.NotFound, "no credential with id %q", id)
		}
		return nil, err
	}
	if r.BureauID != bureauID {
		return nil, fault.E(fault.Forbidden, "credential %s belongs to another bureau", id)
	}
	return r, nil
}

// Credentials pages through the bureau's credentials.
func (s *Service) Credentials(ctx context.Context, bureauID string, f Filter, after string, limit int) ([]*Record, error) {
	f.BureauID = bureauID
	return s.store.Credentials(ctx, f, after, limit)
}

// AuditTrail returns the events of one of the bureau's credentials.
func (s *Service) AuditTrail(ctx context.Context, bureauID, id string) ([]*AuditEvent, error) {
	if _, err := s.Credential(ctx, bureauID, id); err != nil {
		return nil, err
	}
	return s.store.AuditTrail(ctx, id)
}

// KeySourceFunc adapts a function to KeySource.
type KeySourceFunc func(ctx context.Context, keyID string) (Signer, error)

// SignerFor calls f.
func (f KeySourceFunc) SignerFor(ctx context.Context, keyID string) (Signer, error) {
	return f(ctx, keyID)
}

// HolderCredentials returns up to limit credentials issued to holderDID, oldest first.
func (s *Service) HolderCredentials(ctx context.Context, holderDID string, limit int) ([]*Record, error) {
	return s.store.Credentials(ctx, Filter{SubjectDID: holderDID}, "", limit)
}

// Revoke revokes one of the bureau's credentials for good. Errors: NotFound,
// Forbidden (another bureau's), Conflict (already revoked), Invalid (reason).
func (s *Service) Revoke(ctx context.Context, bureauID, id, reason string) (*Record, error) {
	return s.changeState(ctx, bureauID, id, reason, StateRevoked)
}

// Suspend suspends one of the bureau's credentials until it is reinstated.
// Errors: as Revoke, plus Invalid when its type cannot be suspended and
// Conflict when it is not active.
func (s *Service) Suspend(ctx context.Context, bureauID, id, reason string) (*Record, error) {
	return s.changeState(ctx, bureauID, id, reason, StateSuspended)
}

// Reinstate lifts a suspension. Errors: as Revoke, plus Conflict when the
// credential is not suspended.
func (s *Service) Reinstate(ctx context.Context, bureauID, id, reason string) (*Record, error) {
	return s.changeState(ctx, bureauID, id, reason, StateActive)
}

// changeState sets the status bit first (the status list is what verifiers
// see), then the record's state, then the audit event. Retrying after a
// crash in between is safe: setting a bit is idempotent.
func (s *Service) changeState(ctx context.Context, bureauID, id, reason string, to State) (*Record, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || len(reason) > 500 {
		return nil, fault.E(fault.Invalid, "reason must be 1 to 500 characters")
	}
	if _, err := s.activeBureau(ctx, bureauID); err != nil {
		return nil, err
	}
	r, err := s.Credential(ctx, bureauID, id)
	if err != nil {
		return nil, err
	}
	if s.status == nil {
		return nil, fault.E(fault.Unavailable, "status lists are not configured on this server")
	}
	var (
		purpose status.Purpose
		set     bool
		action  string
	)
	switch to {
	case StateRevoked:
		if r.State == StateRevoked {
			return nil, fault.E(fault.Conflict, "credential %s is already revoked; revocation is final", id)
		}
		purpose, set, action = status.Revocation, true, "revoked"
	case StateSuspended:
		if typ, ok := s.cat.Type(r.Type); ok && !typ.Suspendable {
			return nil, fault.E(fault.Invalid, "%s credentials cannot be suspended, only revoked", r.Type)
		}
		if r.State != StateActive {
			return nil, fault.E(fault.Conflict, "credential %s is %s; only an active credential can be suspended", id, r.State)
		}
		purpose, set, action = status.Suspension, true, "suspended"
	case StateActive:
		if r.State != StateSuspended {
			return nil, fault.E(fault.Conflict, "credential %s is %s; only a suspended credential can be reinstated", id, r.State)
		}
		purpose, set, action = status.Suspension, false, "reinstated"
	}
	if err := s.status.Set(ctx, id, purpose, set); err != nil {
		if errors.Is(err, fault.ErrNotFound) {
			return nil, fault.E(fault.Conflict, "credential %s has no %s status entry (issued before status lists were enabled)", id, purpose)
		}
		return nil, fmt.Errorf("set status: %w", err)
	}
	now := s.now().UTC().Truncate(time.Millisecond)
	if err := s.store.SetCredentialState(ctx, id, to, reason, now); err != nil {
		return nil, err
	}
	r.State, r.StateReason, r.UpdatedAt = to, reason, now
	s.audit(ctx, &AuditEvent{CredentialID: id, BureauID: bureauID, Action: action, Actor: "bureau:" + bureauID, Reason: reason})
	return r, nil
}
