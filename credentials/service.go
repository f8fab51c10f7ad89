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

	"github.com/citizencloud/citizencredentials/anchor"
	"github.com/citizencloud/citizencredentials/audit"
	"github.com/citizencloud/citizencredentials/credentials/jose"
	"github.com/citizencloud/citizencredentials/credentials/sdjwt"
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
	// Reserve takes one status index per purpose for a new credential and
	// returns the entries, not yet stored, with the credentialStatus
	// objects to embed. It is called outside a store transaction (its
	// reservations are durable on their own: an index is never reused).
	Reserve(ctx context.Context, bureauID, credentialID string, purposes ...status.Purpose) ([]*status.Entry, []map[string]any, error)
	// Insert stores entries Reserve returned; called inside the issuance
	// transaction.
	Insert(ctx context.Context, entries []*status.Entry) error
	// Set flips the credential's bit for purpose and marks the list for
	// publishing. Errors: fault.ErrNotFound if it has no such entry.
	Set(ctx context.Context, credentialID string, p status.Purpose, set bool) error
}

// IssuanceLog records the hash of every issued credential (implemented by
// anchor.Log). Append must be idempotent per credential id. It is called
// inside the issuance transaction (Store.Atomic): on SQLite the leaf is
// committed with the credential; on MongoDB it is durable when Append
// returns, and a crash before the credential is stored leaves a leaf for a
// credential never handed out, which is harmless.
type IssuanceLog interface {
	Append(ctx context.Context, credentialID string, hash [32]byte) (int64, error)
	// Committed tells the log that the leaves from <= index < to are
	// committed (it may then derive state from them, such as interior
	// nodes). It fails silently for the caller: it logs what it could not do.
	Committed(ctx context.Context, from, to int64)
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

	commitMu      sync.Mutex // guards queue and committing
	queue         []*pending // prepared credentials waiting for a commit
	committing    bool       // a drain goroutine is running
	commitTimeout time.Duration
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
	s := &Service{store: store, cat: cat, keys: keys, now: time.Now, batchLimit: 1000, workers: 4, commitTimeout: 2 * time.Minute}
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
	p, prev, err := s.prepare(ctx, b, in)
	if err != nil || prev != nil {
		return prev, err
	}
	s.submit(ctx, p)
	return p.result(ctx)
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
	// Validate, reserve and sign in parallel; then commit every prepared
	// item together (one transaction where the store has them).
	start := time.Now()
	out := make([]BatchResult, len(ins))
	prepared := make([]*pending, len(ins))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(s.workers, len(ins)) {
		wg.Go(func() {
			for i := range next {
				p, prev, err := s.prepare(ctx, b, ins[i])
				prepared[i] = p
				if p == nil {
					out[i] = BatchResult{Record: prev, Err: err}
				}
			}
		})
	}
	for i := range ins {
		next <- i
	}
	close(next)
	wg.Wait()
	var todo []*pending
	for _, p := range prepared {
		if p != nil {
			todo = append(todo, p)
		}
	}
	s.submit(ctx, todo...)
	for i, p := range prepared {
		if p != nil {
			r, err := p.result(ctx)
			out[i] = BatchResult{Record: r, Err: err}
		}
	}
	for i, r := range out {
		s.observeIssue(ins[i].Format, start, r.Err)
	}
	return out, nil
}

// pending is a prepared credential (validated, status indices reserved,
// signed) waiting for the commit that stores it.
type pending struct {
	s    *Service
	in   IssueInput
	rec  *Record
	st   []*status.Entry
	err  error         // outcome of the commit, set before done is closed
	done chan struct{} // closed once the commit holding rec is durable or failed
}

// result waits for p's commit and returns its outcome. A credential whose
// idempotency key another request took in the meantime resolves to that
// request's credential (or a Conflict).
func (p *pending) result(ctx context.Context) (*Record, error) {
	<-p.done
	if p.err == nil {
		return p.rec, nil
	}
	if errors.Is(p.err, errIdempotencyRace) {
		prev, err := p.s.store.CredentialByIdempotencyKey(ctx, p.rec.BureauID, p.in.IdempotencyKey)
		if err != nil {
			return nil, err
		}
		return sameRequest(prev, p.in)
	}
	return nil, p.err
}

// errIdempotencyRace marks an item whose idempotency key was taken between
// its check and its commit.
var errIdempotencyRace = errors.New("idempotency key taken concurrently")

// submit queues prepared credentials for the next commit and waits until
// the commit that holds them is done (group commit: while one commit runs,
// the credentials of every caller that arrives queue up and are committed
// together by the next; nobody is acknowledged before their commit is
// durable).
func (s *Service) submit(ctx context.Context, ps ...*pending) {
	if len(ps) == 0 {
		return
	}
	s.commitMu.Lock()
	s.queue = append(s.queue, ps...)
	if !s.committing {
		s.committing = true
		// The commit serves many callers: it must not end when the first
		// of them gives up, so it runs on its own bounded context.
		go s.drain(context.WithoutCancel(ctx))
	}
	s.commitMu.Unlock()
	for _, p := range ps {
		<-p.done
	}
}

// drain commits the queue until it is empty.
func (s *Service) drain(base context.Context) {
	for {
		s.commitMu.Lock()
		batch := s.queue
		s.queue = nil
		if len(batch) == 0 {
			s.committing = false
			s.commitMu.Unlock()
			return
		}
		s.commitMu.Unlock()
		ctx, cancel := context.WithTimeout(base, s.commitTimeout)
		s.commit(ctx, batch)
		cancel()
	}
}

// commit stores the prepared credentials in one store transaction: for
// each, its audit event, status entries, log leaf and record. It then sets
// each item's outcome and releases its waiter.
//
// The audit events go first. On SQLite the order does not matter (all or
// nothing); on MongoDB, which has no transactions, a crash part-way then
// leaves audit events (and possibly status entries and log leaves) of
// credentials that were never stored or handed out: an "issued" event
// whose credential does not exist is an attempt that did not complete.
// What cannot happen is a stored credential without its audit event.
func (s *Service) commit(ctx context.Context, batch []*pending) {
	events := make([]*audit.Event, len(batch))
	for i, p := range batch {
		e, err := audit.New(s.now(), p.rec.BureauID, p.rec.ID, "issued", "bureau:"+p.rec.BureauID, "")
		if err != nil {
			s.finish(batch, err)
			return
		}
		events[i] = e
	}
	var results []error
	logFrom, logTo := int64(-1), int64(0) // the leaves this commit appends
	err := s.store.Atomic(ctx, func(ctx context.Context) error {
		logFrom, logTo = -1, 0
		if err := audit.Append(ctx, s.store, events...); err != nil {
			return err
		}
		if s.status != nil {
			var entries []*status.Entry
			for _, p := range batch {
				entries = append(entries, p.st...)
			}
			if err := s.status.Insert(ctx, entries); err != nil {
				return fmt.Errorf("store status entries: %w", err)
			}
		}
		if s.log != nil {
			for _, p := range batch {
				idx, err := s.log.Append(ctx, p.rec.ID, anchor.LeafDigest(p.rec.Credential))
				if err != nil {
					return fmt.Errorf("append to issuance log: %w", err)
				}
				if logFrom < 0 || idx < logFrom {
					logFrom = idx
				}
				logTo = max(logTo, idx+1)
			}
		}
		recs := make([]*Record, len(batch))
		for i, p := range batch {
			recs[i] = p.rec
		}
		errs, err := s.store.CreateCredentials(ctx, recs)
		if err != nil {
			return fmt.Errorf("store credentials: %w", err)
		}
		results = make([]error, len(batch))
		for i, err := range errs {
			switch {
			case err == nil:
			case errors.Is(err, fault.ErrConflict) && batch[i].in.IdempotencyKey != "":
				results[i] = errIdempotencyRace
			default:
				return fmt.Errorf("store credential: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		s.finish(batch, err)
		return
	}
	if s.log != nil && logFrom >= 0 {
		s.log.Committed(ctx, logFrom, logTo)
	}
	for i, p := range batch {
		p.err = results[i]
		close(p.done)
	}
}

// finish fails every item of batch with err.
func (s *Service) finish(batch []*pending, err error) {
	for _, p := range batch {
		p.err = err
		close(p.done)
	}
}

// prepare validates in, reserves its status indices and signs the
// credential. It returns the pending credential to commit, or the existing
// record when the idempotency key was used for the same request already.
func (s *Service) prepare(ctx context.Context, b *Bureau, in IssueInput) (*pending, *Record, error) {
	typ, ok := s.cat.Type(in.Type)
	if !ok {
		return nil, nil, fault.E(fault.Invalid, "unknown credential type %q; see credentialTypes", in.Type)
	}
	if !slices.Contains(b.AllowedTypes, in.Type) {
		return nil, nil, fault.E(fault.Forbidden, "bureau %s is not allowed to issue %s", b.Slug, in.Type)
	}
	if in.Format == "" {
		in.Format = FormatJWT
	}
	switch in.Format {
	case FormatJWT, FormatDataIntegrity, FormatSDJWT:
	default:
		return nil, nil, fault.E(fault.Invalid, "format %q is not supported (vc+jwt, di, vc+sd-jwt)", in.Format)
	}
	if err := checkSubjectDID(in.SubjectDID); err != nil {
		return nil, nil, err
	}
	if _, ok := in.Claims["id"]; ok {
		return nil, nil, fault.E(fault.Invalid, "claims must not contain \"id\"; the subject is given by subjectDid")
	}
	if err := s.cat.Validate(in.Type, in.Claims); err != nil {
		return nil, nil, err
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
			return nil, nil, fault.E(fault.Invalid, "validUntil (%s) must be after validFrom (%s)", u.Format(time.RFC3339), validFrom.Format(time.RFC3339))
		}
		validUntil = &u
	}
	if key := in.IdempotencyKey; key != "" {
		if len(key) > 200 {
			return nil, nil, fault.E(fault.Invalid, "idempotencyKey is longer than 200 characters")
		}
		if prev, err := s.store.CredentialByIdempotencyKey(ctx, b.ID, key); err == nil {
			r, err := sameRequest(prev, in)
			return nil, r, err
		} else if !errors.Is(err, fault.ErrNotFound) {
			return nil, nil, err
		}
	}

	u, err := uuid.NewV7()
	if err != nil {
		return nil, nil, err
	}
	id := "urn:uuid:" + u.String()
	var (
		entries  []*status.Entry
		statuses []map[string]any
	)
	if s.status != nil {
		purposes := []status.Purpose{status.Revocation}
		if typ.Suspendable {
			purposes = append(purposes, status.Suspension)
		}
		entries, statuses, err = s.status.Reserve(ctx, b.ID, id, purposes...)
		if err != nil {
			return nil, nil, fmt.Errorf("reserve status entries: %w", err)
		}
	}
	vc, err := s.cat.Build(Draft{
		ID: id, Issuer: b.DID, Subject: in.SubjectDID, Type: in.Type, Claims: in.Claims,
		ValidFrom: validFrom, ValidUntil: validUntil, Status: statuses,
	})
	if err != nil {
		return nil, nil, err
	}
	signer, err := s.keys.SignerFor(ctx, b.KeyID)
	if err != nil {
		return nil, nil, fmt.Errorf("open signing key of bureau %s: %w", b.ID, err)
	}
	jws, err := s.secure(vc, signer, in.Format, now)
	if err != nil {
		return nil, nil, fmt.Errorf("sign credential: %w", err)
	}
	sum := sha256.Sum256([]byte(jws))
	rec := &Record{
		ID: id, BureauID: b.ID, IssuerDID: b.DID, SubjectDID: in.SubjectDID, Type: in.Type,
		Format: in.Format, Credential: jws, Hash: hex.EncodeToString(sum[:]),
		ValidFrom: validFrom, ValidUntil: validUntil, IssuedAt: now,
		IdempotencyKey: in.IdempotencyKey, State: StateActive, UpdatedAt: now,
		RequestHash: requestHash(in),
	}
	return &pending{s: s, in: in, rec: rec, st: entries, done: make(chan struct{})}, nil, nil
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
		return sdjwt.Issue(vc, signer, sdjwt.HolderBinding{})
	default:
		return jose.SignCredential(vc, signer)
	}
}

func (s *Service) loader() *dataintegrity.ContextLoader {
	s.loaderOnce.Do(func() { s.ctxLoader = contextLoader(s.cat) })
	return s.ctxLoader
}

// sameRequest returns prev if it answers the same request as in, else a
// Conflict: an idempotency key must not be reused for something else.
// Records from before request fingerprints compare type and subject only.
func sameRequest(prev *Record, in IssueInput) (*Record, error) {
	if prev.Type != in.Type || prev.SubjectDID != in.SubjectDID {
		return nil, fault.E(fault.Conflict, "idempotencyKey was already used for a different credential (type or subject differs); use a new key for a new request")
	}
	if prev.RequestHash != "" && prev.RequestHash != requestHash(in) {
		return nil, fault.E(fault.Conflict, "idempotencyKey was already used for a different request (claims, validity or format differ); use a new key for a new request")
	}
	return prev, nil
}

// requestHash fingerprints an issuance request (everything but the key) so
// that a repeated idempotency key can be checked against the first request.
func requestHash(in IssueInput) string {
	f := in.Format
	if f == "" {
		f = FormatJWT
	}
	tm := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Truncate(time.Second).Format(time.RFC3339)
	}
	// Maps marshal with sorted keys, so equal claims give equal bytes.
	b, err := json.Marshal([]any{in.Type, in.SubjectDID, in.Claims, tm(in.ValidFrom), tm(in.ValidUntil), string(f)})
	if err != nil {
		// Claims come decoded from JSON, so they always marshal again.
		return "unmarshalable"
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// subjectMethods are the DID methods a subject may use: those a holder can
// prove control of with this service (the credential schemas say so too).
var subjectMethods = []string{"key", "jwk", "web"}

// checkSubjectDID refuses subjects that are not did:key, did:jwk or did:web
// DIDs, and did:key / did:jwk subjects whose key cannot be decoded (they
// could never present). Messages never repeat the value.
func checkSubjectDID(d string) error {
	parsed, err := did.Parse(d)
	if err != nil {
		return fault.E(fault.Invalid, "subjectDid is not a valid DID; give the holder's did:key, did:jwk or did:web")
	}
	if !slices.Contains(subjectMethods, parsed.Method) {
		return fault.E(fault.Invalid, "subjectDid must be a did:key, did:jwk or did:web DID; other DID methods are not supported")
	}
	switch parsed.Method {
	case "key":
		if _, err := did.ResolveKey(d); err != nil {
			return fault.E(fault.Invalid, "subjectDid is not a valid did:key: its key cannot be decoded")
		}
	case "jwk":
		if _, err := did.ResolveJWK(d); err != nil {
			return fault.E(fault.Invalid, "subjectDid is not a valid did:jwk: its key cannot be decoded")
		}
	}
	return nil
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
func (s *Service) AuditTrail(ctx context.Context, bureauID, id string) ([]*audit.Event, error) {
	if _, err := s.Credential(ctx, bureauID, id); err != nil {
		return nil, err
	}
	return s.store.AuditTrail(ctx, id)
}

// AuditEvents returns the bureau's audit events with Seq > after in chain
// order, at most limit (1 to 1000). Errors: Invalid for a bad range.
func (s *Service) AuditEvents(ctx context.Context, bureauID string, after int64, limit int) ([]*audit.Event, error) {
	if after < 0 {
		return nil, fault.E(fault.Invalid, "after must be 0 or a seq number")
	}
	if limit < 1 || limit > 1000 {
		return nil, fault.E(fault.Invalid, "first must be between 1 and 1000")
	}
	return s.store.AuditEvents(ctx, bureauID, after, limit)
}

// AuditHeads returns the newest audit event of every bureau that has one:
// the chain heads to anchor.
func (s *Service) AuditHeads(ctx context.Context) ([]*audit.Event, error) {
	bs, err := s.store.Bureaus(ctx)
	if err != nil {
		return nil, err
	}
	var out []*audit.Event
	for _, b := range bs {
		h, err := s.store.AuditHead(ctx, b.ID)
		if errors.Is(err, fault.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, nil
}

// KeySourceFunc adapts a function to KeySource.
type KeySourceFunc func(ctx context.Context, keyID string) (Signer, error)

// SignerFor calls f.
func (f KeySourceFunc) SignerFor(ctx context.Context, keyID string) (Signer, error) {
	return f(ctx, keyID)
}

// HolderCredentials returns up to limit credentials issued to holderDID
// with an id after `after` ("" for the first page), oldest first.
func (s *Service) HolderCredentials(ctx context.Context, holderDID, after string, limit int) ([]*Record, error) {
	return s.store.Credentials(ctx, Filter{SubjectDID: holderDID}, after, limit)
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

// changeState writes the audit event, the status bit (the status list is
// what verifiers see) and the record's state together. Retrying after a
// failure is safe: setting a bit is idempotent.
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
	now := s.now().UTC().Truncate(time.Millisecond)
	ev, err := audit.New(now, bureauID, id, action, "bureau:"+bureauID, reason)
	if err != nil {
		return nil, err
	}
	// One transaction where the store has them; without (MongoDB) the
	// event goes first, so a crash leaves at worst an event whose change
	// is missing (an attempt), never a change without its event.
	err = s.store.Atomic(ctx, func(ctx context.Context) error {
		if err := audit.Append(ctx, s.store, ev); err != nil {
			return err
		}
		if err := s.status.Set(ctx, id, purpose, set); err != nil {
			if errors.Is(err, fault.ErrNotFound) {
				return fault.E(fault.Conflict, "credential %s has no %s status entry (issued before status lists were enabled)", id, purpose)
			}
			return fmt.Errorf("set status: %w", err)
		}
		return s.store.SetCredentialState(ctx, id, to, reason, now)
	})
	if err != nil {
		return nil, err
	}
	r.State, r.StateReason, r.UpdatedAt = to, reason, now
	return r, nil
}
