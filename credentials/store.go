package credentials

import (
	"context"
	"time"

	"github.com/citizencloud/citizencredentials/audit"
)

// Bureau is a public bureau that issues credentials (an issuer).
type Bureau struct {
	ID           string    // stable opaque id (uuid)
	Name         string    // display name, e.g. "Volunteer Service Bureau"
	Slug         string    // URL-safe unique name; the did:web path segment
	DID          string    // did:web:<host>:bureaus:<slug>
	AllowedTypes []string  // credential types the operator allows it to issue
	KeyID        string    // id of the current signing key (keys.Record.ID)
	Active       bool      // false once deactivated
	Reason       string    // deactivation reason
	CreatedAt    time.Time // UTC
	UpdatedAt    time.Time // UTC
}

// Format names how a credential is secured.
type Format string

const (
	FormatJWT           Format = "vc+jwt"
	FormatDataIntegrity Format = "di"
	FormatSDJWT         Format = "vc+sd-jwt"
)

// State is the lifecycle state of an issued credential.
type State string

const (
	StateActive    State = "active"
	StateSuspended State = "suspended"
	StateRevoked   State = "revoked"
)

// Record is an issued credential as the service stores it.
type Record struct {
	ID             string     // urn:uuid:<uuidv7>; time-ordered, used as the pagination cursor
	BureauID       string     // issuing bureau
	IssuerDID      string     // the bureau's DID at issuance
	SubjectDID     string     // credentialSubject.id
	Type           string     // catalogue type, e.g. VolunteerServiceCredential
	Format         Format     // securing format
	Credential     string     // the secured credential exactly as issued (compact JWS, or JSON)
	Hash           string     // hex SHA-256 of Credential (the issuance-log leaf)
	ValidFrom      time.Time  // UTC
	ValidUntil     *time.Time // UTC, optional
	IssuedAt       time.Time  // UTC
	IdempotencyKey string     // optional; unique per bureau
	State          State
	StateReason    string
	UpdatedAt      time.Time
	RequestHash    string // hex SHA-256 of the issuance request (see requestHash); "" for older records
}

// Filter narrows a credential listing. Empty fields do not filter.
type Filter struct {
	BureauID   string
	SubjectDID string
	Type       string
	State      State
}

// Store is the persistence the credentials domain needs. Implementations:
// sqlite.Store and mongodb.Store; storetest holds the behaviour both must show.
type Store interface {
	// CreateBureau inserts b. Returns fault.ErrConflict if the id or slug is taken.
	CreateBureau(ctx context.Context, b *Bureau) error
	// UpdateBureau replaces the mutable fields (Name, AllowedTypes, KeyID,
	// Active, Reason, UpdatedAt) of the bureau with b.ID. Returns
	// fault.ErrNotFound if there is none.
	UpdateBureau(ctx context.Context, b *Bureau) error
	// Bureau returns the bureau with id, or fault.ErrNotFound.
	Bureau(ctx context.Context, id string) (*Bureau, error)
	// BureauBySlug returns the bureau with slug, or fault.ErrNotFound.
	BureauBySlug(ctx context.Context, slug string) (*Bureau, error)
	// BureauByDID returns the bureau whose DID is did, or fault.ErrNotFound.
	BureauByDID(ctx context.Context, did string) (*Bureau, error)
	// Bureaus lists all bureaus ordered by CreatedAt then ID.
	Bureaus(ctx context.Context) ([]*Bureau, error)

	// CreateCredential durably inserts r. Returns fault.ErrConflict if r.ID is
	// taken, or if r.IdempotencyKey is non-empty and already used by the same
	// bureau (the caller then loads the existing record with
	// CredentialByIdempotencyKey).
	CreateCredential(ctx context.Context, r *Record) error
	// CreateCredentials inserts rs (one round trip where the backend
	// allows) and returns one error per record, nil or fault.ErrConflict
	// as CreateCredential would; err is for a failure of the whole call,
	// after which any of rs may or may not be stored.
	CreateCredentials(ctx context.Context, rs []*Record) (errs []error, err error)
	// Credential returns the record with id, or fault.ErrNotFound.
	Credential(ctx context.Context, id string) (*Record, error)
	// CredentialByIdempotencyKey returns the bureau's record issued under key,
	// or fault.ErrNotFound.
	CredentialByIdempotencyKey(ctx context.Context, bureauID, key string) (*Record, error)
	// Credentials lists records matching f with ID > after (after == "" starts
	// at the beginning), ascending by ID, at most limit of them.
	Credentials(ctx context.Context, f Filter, after string, limit int) ([]*Record, error)
	// SetCredentialState sets State, StateReason and UpdatedAt of the record
	// with id. Returns fault.ErrNotFound if there is none.
	SetCredentialState(ctx context.Context, id string, s State, reason string, at time.Time) error

	// The bureaus' audit trails (hash chains), written with their changes.
	audit.Store

	// Atomic runs fn so that the writes made through this store with the
	// context fn gets (credentials, audit events, and the status entries
	// and log leaves of the same backend) are committed together if fn
	// returns nil and not at all if it returns an error, where the backend
	// has transactions (SQLite). Backends without them (MongoDB) run fn
	// directly and the caller orders its writes so that a crash in between
	// leaves nothing that claims more than happened (see Service.commit).
	// A nested call joins the outer one. fn's error is returned as is.
	Atomic(ctx context.Context, fn func(ctx context.Context) error) error
}
