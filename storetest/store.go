// Package storetest is the behavioural suite that every store adapter
// (sqlite, mongodb) must pass: one set of expectations, run against real
// backends.
package storetest

import (
	"context"

	"github.com/citizencloud/citizencredentials/anchor"
	"github.com/citizencloud/citizencredentials/auth"
	"github.com/citizencloud/citizencredentials/credentials"
	"github.com/citizencloud/citizencredentials/exchange"
	"github.com/citizencloud/citizencredentials/keys"
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
	// Ping reports whether the backend is reachable (for /readyz).
	Ping(ctx context.Context) error
	// Close releases the backend (and, for sqlite, the data-dir lock).
	Close() error
}
