package dataintegrity

import (
	"context"
	"time"

	"github.com/citizencloud/citizencredentials/did"
	"github.com/citizencloud/citizencredentials/fault"
)

// Verifier verifies Data Integrity proofs: verification methods resolve
// through its DID resolver, JSON-LD contexts come only from its loader.
type Verifier struct {
	resolver did.Resolver
	loader   *ContextLoader
	now      func() time.Time
	leeway   time.Duration
}

// NewVerifier returns a Verifier resolving verification methods with r
// (nil: none resolves), loading contexts with loader (nil: the embedded
// ones), judging proof expiry at now() (nil: time.Now) with leeway for
// clock skew.
func NewVerifier(r did.Resolver, loader *ContextLoader, now func() time.Time, leeway time.Duration) *Verifier {
	if loader == nil {
		loader = NewContextLoader(nil)
	}
	if now == nil {
		now = time.Now
	}
	return &Verifier{resolver: r, loader: loader, now: now, leeway: leeway}
}

func (v *Verifier) resolve(ctx context.Context, id string) (*did.Document, error) {
	if v.resolver == nil {
		return nil, fault.E(fault.Unavailable, "no DID resolver is configured")
	}
	doc, err := v.resolver.Resolve(ctx, id)
	if err == nil && doc == nil {
		err = fault.E(fault.NotFound, "no DID document")
	}
	return doc, err
}
