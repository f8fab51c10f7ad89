package ledger

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/citizencloud/citizencredentials/anchor"
	"github.com/citizencloud/citizencredentials/credentials"
	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/keys"
	"github.com/citizencloud/citizencredentials/onboard"
)

var _ onboard.TrustRegistry = (*Ledger)(nil)

// expected is the trust entry the chain should hold for b.
func expected(b *credentials.Bureau, ks []*keys.Record) (anchor.IssuerEntry, error) {
	e := anchor.IssuerEntry{DID: b.DID, AllowedTypesHash: onboard.AllowedTypesHash(b.AllowedTypes), Active: b.Active}
	for _, k := range ks {
		fp, err := Thumbprint(k.PublicJWK)
		if err != nil {
			return e, err
		}
		e.KeyFingerprints = append(e.KeyFingerprints, fp)
	}
	return e, nil
}

func sameEntry(a, b anchor.IssuerEntry) bool {
	return a.Active == b.Active && a.AllowedTypesHash == b.AllowedTypesHash && slices.Equal(a.KeyFingerprints, b.KeyFingerprints)
}

// SetTrust implements onboard.TrustRegistry: it writes the bureau's
// trust entry on chain. If the chain is unreachable the change is not lost:
// Reconcile (run periodically) writes it once the chain is back, so the
// error is logged rather than returned.
func (l *Ledger) SetTrust(ctx context.Context, b *credentials.Bureau, ks []*keys.Record) error {
	e, err := expected(b, ks)
	if err != nil {
		return err
	}
	tx, err := l.reg.SetIssuer(ctx, e)
	if err != nil {
		l.logger.Warn("trust entry not written yet; will retry", "bureau", b.ID, "err", err)
		return nil
	}
	// Wait (briefly) for the block, so a credential issued right after
	// onboarding verifies as trusted; Reconcile covers a slow chain.
	wctx, cancel := context.WithTimeout(ctx, l.trustWait)
	defer cancel()
	for {
		rc, err := l.reg.Receipt(wctx, tx)
		if err == nil && rc != nil {
			break
		}
		if err != nil && !errors.Is(err, fault.ErrNotFound) || wctx.Err() != nil {
			l.logger.Warn("trust entry sent but not mined yet", "bureau", b.ID, "tx", tx)
			break
		}
		select {
		case <-wctx.Done():
		case <-time.After(20 * time.Millisecond):
		}
	}
	l.forget(b.DID)
	return nil
}

// Reconcile makes the on-chain trust entries match the store for every
// bureau, and returns how many it rewrote.
func (l *Ledger) Reconcile(ctx context.Context) (int, error) {
	bs, err := l.creds.Bureaus(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, b := range bs {
		ks, err := l.keys.KeysOf(ctx, b.ID)
		if err != nil {
			return n, err
		}
		want, err := expected(b, ks)
		if err != nil {
			return n, err
		}
		have, ok, err := l.reg.Issuer(ctx, b.DID)
		if err != nil {
			return n, err
		}
		if ok && sameEntry(have, want) {
			continue
		}
		if _, err := l.reg.SetIssuer(ctx, want); err != nil {
			return n, err
		}
		l.forget(b.DID)
		n++
	}
	return n, nil
}

// RunReconcile reconciles every interval until ctx ends.
func (l *Ledger) RunReconcile(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if n, err := l.Reconcile(ctx); err != nil && ctx.Err() == nil {
			l.logger.Warn("trust reconciliation incomplete; retrying", "err", err)
		} else if n > 0 {
			l.logger.Info("trust entries written on chain", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
