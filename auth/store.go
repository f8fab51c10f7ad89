package auth

import (
	"context"
	"time"
)

// Role of an authenticated caller.
type Role string

const (
	RoleOperator Role = "operator"
	RoleBureau   Role = "bureau"
	RoleVerifier Role = "verifier"
	RoleHolder   Role = "holder"
)

// APIKey is a bureau's or verifier's API key as stored: only its SHA-256.
type APIKey struct {
	Hash      string     // hex SHA-256 of the secret; the lookup key
	Role      Role       // RoleBureau or RoleVerifier
	OwnerID   string     // bureau or verifier id
	CreatedAt time.Time  // UTC
	RevokedAt *time.Time // set when revoked
}

// Verifier is a third party allowed to create presentation requests.
type Verifier struct {
	ID        string
	Name      string
	CreatedAt time.Time
}

// Store persists API keys and verifiers.
type Store interface {
	// PutAPIKey inserts k. Returns fault.ErrConflict if k.Hash is taken.
	PutAPIKey(ctx context.Context, k *APIKey) error
	// APIKey returns the key with hash, or fault.ErrNotFound.
	APIKey(ctx context.Context, hash string) (*APIKey, error)
	// RevokeAPIKeys sets RevokedAt on every key of owner that is not yet revoked.
	RevokeAPIKeys(ctx context.Context, owner string, at time.Time) error
	// CreateVerifier inserts v. Returns fault.ErrConflict if v.ID is taken.
	CreateVerifier(ctx context.Context, v *Verifier) error
	// Verifier returns the verifier with id, or fault.ErrNotFound.
	Verifier(ctx context.Context, id string) (*Verifier, error)
}

// Challenge is a one-time nonce a holder signs to authenticate as DID.
type Challenge struct {
	Nonce     string // random, base64url; the lookup key
	DID       string
	ExpiresAt time.Time
}

// ChallengeStore persists holder authentication challenges.
type ChallengeStore interface {
	// PutChallenge inserts c. Returns fault.ErrConflict if c.Nonce is taken.
	PutChallenge(ctx context.Context, c *Challenge) error
	// TakeChallenge deletes the challenge with nonce and returns it; exactly
	// one caller can take a given challenge. Returns fault.ErrNotFound if there
	// is none (never issued, or already taken).
	TakeChallenge(ctx context.Context, nonce string) (*Challenge, error)
	// PurgeChallenges deletes every challenge that expired before t and
	// returns how many it deleted.
	PurgeChallenges(ctx context.Context, t time.Time) (int, error)
}
