package onboard

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/hashicorp/golang-lru/v2/expirable"

	"github.com/citizencloud/citizencredentials/audit"
	"github.com/citizencloud/citizencredentials/auth"
	"github.com/citizencloud/citizencredentials/credentials"
	"github.com/citizencloud/citizencredentials/did"
	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/keys"
)

// KeyManager is what onboarding needs from the key store.
type KeyManager interface {
	Generate(ctx context.Context, id, owner string, alg keys.Algorithm) (*keys.Record, error)
	Retire(ctx context.Context, id string) error
}

// TrustRegistry publishes a bureau's trust entry (the on-chain registry of
// trusted issuers). Implementations must be idempotent.
type TrustRegistry interface {
	SetTrust(ctx context.Context, b *credentials.Bureau, keys []*keys.Record) error
}

// Bureaus onboards and manages issuers: DIDs, keys, API keys and trust.
type Bureaus struct {
	store   credentials.Store
	keys    KeyManager
	keyRecs keys.Store
	apiKeys auth.Store
	cat     *credentials.Catalogue
	didHost string
	trust   TrustRegistry
	now     func() time.Time

	// docs caches the DID documents ResolveWeb builds (two store reads
	// each, on every verification of one of our credentials). Only our
	// bureaus' DIDs take a place; a change of ours (key rotation,
	// deactivation) drops the entry at once, and docTTL bounds how long a
	// change made by another replica goes unseen here (a credential
	// signed with a key rotated in there fails its signature check here
	// for at most that long; trust itself is read from the chain).
	docsMu  sync.Mutex
	docsGen uint64
	docs    *expirable.LRU[string, *did.Document]
}

// Bounds of the DID document cache.
const (
	docCacheSize = 1024
	docTTL       = 5 * time.Second
)

// Config is what the onboarding service works with.
type Config struct {
	Bureaus  credentials.Store      // bureau records and their audit events
	Keys     KeyManager             // creates and rotates signing keys
	KeyStore keys.Store             // key records (for DID documents)
	APIKeys  auth.Store             // hashed API keys
	Catalog  *credentials.Catalogue // the credential types bureaus may be allowed
	// DIDHost is the host (with port) of the did:web identifiers, e.g.
	// "citizen.example" or "127.0.0.1:8080".
	DIDHost string
	Trust   TrustRegistry // on-chain trust entries; nil: none
}

// NewBureaus returns the onboarding service for c.
func NewBureaus(c Config) *Bureaus {
	return &Bureaus{store: c.Bureaus, keys: c.Keys, keyRecs: c.KeyStore, apiKeys: c.APIKeys, cat: c.Catalog, didHost: c.DIDHost, trust: c.Trust,
		now: func() time.Time { return time.Now().UTC() }, docs: expirable.NewLRU[string, *did.Document](docCacheSize, nil, docTTL)}
}

var slugRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$`)

// CreateBureauInput is what the operator gives to onboard a bureau.
type CreateBureauInput struct {
	Name         string
	Slug         string
	AllowedTypes []string
	Algorithm    keys.Algorithm // empty: Ed25519
}

// Create onboards a bureau: its record, did:web DID, signing key and an API
// key whose secret is returned once. Errors: Invalid, Conflict (slug taken).
func (s *Bureaus) Create(ctx context.Context, in CreateBureauInput) (*credentials.Bureau, string, error) {
	name := strings.TrimSpace(in.Name)
	if name == "" || len(name) > 200 {
		return nil, "", fault.E(fault.Invalid, "name must be 1 to 200 characters")
	}
	if !slugRE.MatchString(in.Slug) {
		return nil, "", fault.E(fault.Invalid, "slug must be 2 to 63 lower-case letters, digits or '-', not starting or ending with '-'")
	}
	if len(in.AllowedTypes) == 0 {
		return nil, "", fault.E(fault.Invalid, "allowedTypes must name at least one credential type")
	}
	types := slices.Clone(in.AllowedTypes)
	slices.Sort(types)
	types = slices.Compact(types)
	for _, t := range types {
		if _, ok := s.cat.Type(t); !ok {
			return nil, "", fault.E(fault.Invalid, "allowedTypes: unknown credential type %q; see credentialTypes", t)
		}
	}
	alg := in.Algorithm
	if alg == "" {
		alg = keys.Ed25519
	}
	if _, err := s.store.BureauBySlug(ctx, in.Slug); err == nil {
		return nil, "", fault.E(fault.Conflict, "a bureau with slug %q already exists", in.Slug)
	} else if !errors.Is(err, fault.ErrNotFound) {
		return nil, "", err
	}
	now := s.now().Truncate(time.Millisecond)
	u, err := uuid.NewV7()
	if err != nil {
		return nil, "", err
	}
	b := &credentials.Bureau{
		ID: u.String(), Name: name, Slug: in.Slug, DID: did.WebDID(s.didHost, "bureaus", in.Slug),
		AllowedTypes: types, Active: true, CreatedAt: now, UpdatedAt: now,
	}
	// Key first: a bureau record never points at a key that does not exist.
	key, err := s.keys.Generate(ctx, b.DID+"#key-1", b.ID, alg)
	if err != nil {
		return nil, "", fmt.Errorf("generate bureau key: %w", err)
	}
	b.KeyID = key.ID
	if err := s.withAudit(ctx, b.ID, "bureau_created", "", func(ctx context.Context) error {
		return s.store.CreateBureau(ctx, b)
	}); err != nil {
		if errors.Is(err, fault.ErrConflict) {
			return nil, "", fault.E(fault.Conflict, "a bureau with slug %q already exists", in.Slug)
		}
		return nil, "", fmt.Errorf("store bureau: %w", err)
	}
	secret, rec, err := auth.NewAPIKey(auth.RoleBureau, b.ID, now)
	if err != nil {
		return nil, "", err
	}
	if err := s.apiKeys.PutAPIKey(ctx, rec); err != nil {
		return nil, "", fmt.Errorf("store api key: %w", err)
	}
	if err := s.publishTrust(ctx, b); err != nil {
		return nil, "", err
	}
	return b, secret, nil
}

// Bureau returns one bureau. Errors: NotFound.
func (s *Bureaus) Bureau(ctx context.Context, id string) (*credentials.Bureau, error) {
	b, err := s.store.Bureau(ctx, id)
	if errors.Is(err, fault.ErrNotFound) {
		return nil, fault.E(fault.NotFound, "no bureau with id %q", id)
	}
	return b, err
}

// List returns all bureaus.
func (s *Bureaus) List(ctx context.Context) ([]*credentials.Bureau, error) {
	return s.store.Bureaus(ctx)
}

// Keys returns the bureau's keys, newest first.
func (s *Bureaus) Keys(ctx context.Context, bureauID string) ([]*keys.Record, error) {
	ks, err := s.keyRecs.KeysOf(ctx, bureauID)
	if err != nil {
		return nil, err
	}
	slices.Reverse(ks)
	return ks, nil
}

// RotateKey gives the bureau a new signing key of the same algorithm and
// retires the old one (which stays in the DID document for verification).
func (s *Bureaus) RotateKey(ctx context.Context, bureauID string) (*credentials.Bureau, error) {
	b, err := s.Bureau(ctx, bureauID)
	if err != nil {
		return nil, err
	}
	if !b.Active {
		return nil, fault.E(fault.Conflict, "bureau %s is deactivated", b.Slug)
	}
	ks, err := s.keyRecs.KeysOf(ctx, b.ID)
	if err != nil {
		return nil, err
	}
	alg := keys.Ed25519
	for _, k := range ks {
		if k.ID == b.KeyID {
			alg = k.Algorithm
		}
	}
	key, err := s.keys.Generate(ctx, fmt.Sprintf("%s#key-%d", b.DID, len(ks)+1), b.ID, alg)
	if err != nil {
		if errors.Is(err, fault.ErrConflict) {
			return nil, fault.E(fault.Conflict, "a concurrent key rotation is in progress; retry")
		}
		return nil, err
	}
	s.forgetDocument(b.DID) // the document now lists the new key
	old := b.KeyID
	b.KeyID = key.ID
	b.UpdatedAt = s.now().Truncate(time.Millisecond)
	if err := s.withAudit(ctx, b.ID, "key_rotated", "", func(ctx context.Context) error {
		return s.store.UpdateBureau(ctx, b)
	}); err != nil {
		return nil, err
	}
	s.forgetDocument(b.DID)
	if err := s.keys.Retire(ctx, old); err != nil {
		return nil, err
	}
	if err := s.publishTrust(ctx, b); err != nil {
		return nil, err
	}
	return b, nil
}

// Deactivate stops the bureau: no more issuance, API keys revoked, trust
// entry withdrawn. Credentials it issued stay verifiable as history.
func (s *Bureaus) Deactivate(ctx context.Context, bureauID, reason string) (*credentials.Bureau, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || len(reason) > 500 {
		return nil, fault.E(fault.Invalid, "reason must be 1 to 500 characters")
	}
	b, err := s.Bureau(ctx, bureauID)
	if err != nil {
		return nil, err
	}
	if !b.Active {
		return b, nil
	}
	now := s.now().Truncate(time.Millisecond)
	b.Active, b.Reason, b.UpdatedAt = false, reason, now
	if err := s.withAudit(ctx, b.ID, "bureau_deactivated", reason, func(ctx context.Context) error {
		return s.store.UpdateBureau(ctx, b)
	}); err != nil {
		return nil, err
	}
	s.forgetDocument(b.DID)
	if err := s.apiKeys.RevokeAPIKeys(ctx, b.ID, now); err != nil {
		return nil, err
	}
	if err := s.publishTrust(ctx, b); err != nil {
		return nil, err
	}
	return b, nil
}

// Document returns the did:web DID document of a bureau: every key it ever
// had (retired keys stay so old credentials verify), the current one first.
func (s *Bureaus) Document(ctx context.Context, b *credentials.Bureau) (*did.Document, error) {
	ks, err := s.Keys(ctx, b.ID)
	if err != nil {
		return nil, err
	}
	doc := &did.Document{
		Context: []string{"https://www.w3.org/ns/did/v1", did.ContextJWK},
		ID:      b.DID,
	}
	for _, k := range ks {
		pub, err := did.ParseJWK(k.PublicJWK)
		if err != nil {
			return nil, fmt.Errorf("key %s: %w", k.ID, err)
		}
		vm, err := did.NewJWKMethod(k.ID, b.DID, pub)
		if err != nil {
			return nil, err
		}
		doc.VerificationMethod = append(doc.VerificationMethod, vm)
		doc.AssertionMethod = append(doc.AssertionMethod, k.ID)
		if k.RetiredAt == nil {
			doc.Authentication = append(doc.Authentication, k.ID)
		}
	}
	return doc, nil
}

// ResolveWeb resolves one of our bureaus' did:web DIDs from the store (no
// network), through a short-lived cache (see Bureaus.docs). The document
// returned may be shared: callers must not modify it. Errors: NotFound for
// DIDs that are not ours.
func (s *Bureaus) ResolveWeb(ctx context.Context, d string) (*did.Document, error) {
	if doc, ok := s.docs.Get(d); ok {
		return doc, nil
	}
	s.docsMu.Lock()
	gen := s.docsGen
	s.docsMu.Unlock()
	b, err := s.store.BureauByDID(ctx, d)
	if errors.Is(err, fault.ErrNotFound) {
		return nil, fault.E(fault.NotFound, "%s is not a bureau of this service", d)
	}
	if err != nil {
		return nil, err
	}
	doc, err := s.Document(ctx, b)
	if err != nil {
		return nil, err
	}
	s.docsMu.Lock()
	if s.docsGen == gen { // no change of ours since the reads began
		s.docs.Add(d, doc)
	}
	s.docsMu.Unlock()
	return doc, nil
}

// forgetDocument drops the cached DID document of did after a change, and
// keeps any document read before the change from being cached after it.
func (s *Bureaus) forgetDocument(did string) {
	s.docsMu.Lock()
	defer s.docsMu.Unlock()
	s.docsGen++
	s.docs.Remove(did)
}

func (s *Bureaus) publishTrust(ctx context.Context, b *credentials.Bureau) error {
	if s.trust == nil {
		return nil
	}
	ks, err := s.keyRecs.KeysOf(ctx, b.ID)
	if err != nil {
		return err
	}
	if err := s.trust.SetTrust(ctx, b, ks); err != nil {
		return fmt.Errorf("publish trust entry: %w", err)
	}
	return nil
}

// withAudit runs change and appends its audit event in one store
// transaction; a failure of either fails both. Without transactions
// (MongoDB) the event is written first: a crash then leaves at worst an
// event whose change is missing, never a change without its event.
func (s *Bureaus) withAudit(ctx context.Context, bureauID, action, reason string, change func(ctx context.Context) error) error {
	ev, err := audit.New(s.now(), bureauID, "", action, "operator", reason)
	if err != nil {
		return err
	}
	return s.store.Atomic(ctx, func(ctx context.Context) error {
		if err := audit.Append(ctx, s.store, ev); err != nil {
			return err
		}
		return change(ctx)
	})
}

// AllowedTypesHash is the SHA-256 of the sorted, comma-joined allowed types
// (what the on-chain trust entry holds).
func AllowedTypesHash(types []string) [32]byte {
	t := slices.Clone(types)
	slices.Sort(t)
	return sha256.Sum256([]byte(strings.Join(t, ",")))
}

// BySlug returns the bureau with slug. Errors: NotFound.
func (s *Bureaus) BySlug(ctx context.Context, slug string) (*credentials.Bureau, error) {
	b, err := s.store.BureauBySlug(ctx, slug)
	if errors.Is(err, fault.ErrNotFound) {
		return nil, fault.E(fault.NotFound, "no bureau %q", slug)
	}
	return b, err
}
