// Package store names what the service persists as one interface: the small
// storage interfaces of the domain packages (credentials, keys, auth,
// status, anchor) together, plus the backend's lifecycle. Each adapter
// (sqlite, mongodb) implements all of it; app wires one of them; storetest
// is the behavioural suite both must pass.
package store

import (
	"context"

	"github.com/citizencloud/citizencredentials/anchor"
	"github.com/citizencloud/citizencredentials/auth"
	"github.com/citizencloud/citizencredentials/credentials"
	"github.com/citizencloud/citizencredentials/exchange"
	"github.com/citizencloud/citizencredentials/keys"
	"github.com/citizencloud/citizencredentials/openid"
	"github.com/citizencloud/citizencredentials/status"
)

// Store is everything the service persists; each adapter implements all of it.
type Store interface {
	credentials.Store
	exchange.RequestStore
	keys.Store
	auth.Store
	auth.ChallengeStore
	status.Store
	anchor.Store
	openid.Store
	VerificationReader
	// Ping reports whether the backend is reachable (for /readyz).
	Ping(ctx context.Context) error
	// Close releases the backend (and, for sqlite, the data-dir lock).
	Close() error
}

// VerificationRead is what verifying one of our credentials reads from the
// store: its record, its status entries with the latest published version
// of each of their lists, and its issuance-log leaf.
type VerificationRead struct {
	Record  *credentials.Record // nil: no credential with this id
	Entries []*status.Entry     // ordered by list, then index
	Latest  []*status.Version   // the latest version of each list of Entries that has one, in the order of Entries
	Leaf    *anchor.Leaf        // nil: not logged
}

// VerificationReader reads a VerificationRead in as few round trips as the
// backend allows (SQLite: one query).
type VerificationReader interface {
	VerificationRead(ctx context.Context, credentialID string) (*VerificationRead, error)
}
