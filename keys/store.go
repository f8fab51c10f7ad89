package keys

import (
	"context"
	"time"
)

// Algorithm of a key.
type Algorithm string

const (
	Ed25519 Algorithm = "Ed25519"
	P256    Algorithm = "P-256"
)

// Record is a key pair as stored: the public key in clear (a JWK) and the
// private key sealed with AES-256-GCM under the master key.
type Record struct {
	ID        string     // verification method id, e.g. did:web:...#key-1
	Owner     string     // owning principal, e.g. a bureau id
	Algorithm Algorithm  // Ed25519 or P-256
	PublicJWK []byte     // JSON of the public JWK
	Sealed    []byte     // nonce || AES-GCM(private key bytes), bound to ID as associated data
	CreatedAt time.Time  // UTC
	RetiredAt *time.Time // set when rotated out; retired keys still verify
}

// Store persists key records.
type Store interface {
	// PutKey inserts k. Returns fault.ErrConflict if k.ID is taken.
	PutKey(ctx context.Context, k *Record) error
	// Key returns the key with id, or fault.ErrNotFound.
	Key(ctx context.Context, id string) (*Record, error)
	// KeysOf lists the keys of owner ordered by CreatedAt then ID, retired included.
	KeysOf(ctx context.Context, owner string) ([]*Record, error)
	// RetireKey sets RetiredAt of the key with id. Returns fault.ErrNotFound if there is none.
	RetireKey(ctx context.Context, id string, at time.Time) error
}
