package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/citizencloud/citizencredentials/did"
	"github.com/citizencloud/citizencredentials/fault"
)

// DIDAuth authenticates holders by DID: the service hands out a one-time
// challenge, the holder signs it with a key of its DID (a compact JWS whose
// payload is the challenge and whose kid is the verification method), and
// gets a short-lived session token.
type DIDAuth struct {
	challenges ChallengeStore
	resolver   did.Resolver
	sessions   *Sessions
	ttl        time.Duration
	now        func() time.Time
}

// NewDIDAuth returns a DIDAuth whose challenges live for ttl.
func NewDIDAuth(challenges ChallengeStore, resolver did.Resolver, sessions *Sessions, ttl time.Duration) *DIDAuth {
	return &DIDAuth{challenges: challenges, resolver: resolver, sessions: sessions, ttl: ttl, now: time.Now}
}

// Challenge issues a one-time challenge for holderDID. Errors: Invalid for
// a malformed or unsupported DID.
func (a *DIDAuth) Challenge(ctx context.Context, holderDID string) (*Challenge, error) {
	if _, err := did.Parse(holderDID); err != nil {
		return nil, err
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	c := &Challenge{Nonce: base64.RawURLEncoding.EncodeToString(b), DID: holderDID, ExpiresAt: a.now().UTC().Add(a.ttl).Truncate(time.Millisecond)}
	if err := a.challenges.PutChallenge(ctx, c); err != nil {
		return nil, err
	}
	return c, nil
}

// RunPurge deletes expired challenges every interval until ctx is done:
// anyone may ask for a challenge, and one that is never used would
// otherwise stay in the store for good. Failures are logged and retried at
// the next tick.
func (a *DIDAuth) RunPurge(ctx context.Context, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n, err := a.challenges.PurgeChallenges(ctx, a.now())
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("purge expired auth challenges", "err", err.Error())
		case n > 0:
			log.Debug("purged expired auth challenges", "count", n)
		}
	}
}

var errBadProof = fault.E(fault.Unauthenticated, "the proof is not a valid signature over the challenge by a key of this DID")

// Authenticate checks proof (a compact JWS over the challenge) and returns a
// session token for holderDID. The challenge is consumed whether or not the
// proof is good, so it can never be replayed. Errors: Unauthenticated.
func (a *DIDAuth) Authenticate(ctx context.Context, holderDID, challenge, proof string) (token string, expires time.Time, err error) {
	c, err := a.challenges.TakeChallenge(ctx, challenge)
	if errors.Is(err, fault.ErrNotFound) {
		return "", time.Time{}, fault.E(fault.Unauthenticated, "unknown or already used challenge: ask authChallenge for a new one")
	}
	if err != nil {
		return "", time.Time{}, err
	}
	now := a.now()
	if c.DID != holderDID {
		return "", time.Time{}, fault.E(fault.Unauthenticated, "the challenge was issued for another DID")
	}
	if now.After(c.ExpiresAt) {
		return "", time.Time{}, fault.E(fault.Unauthenticated, "the challenge expired at %s", c.ExpiresAt.Format(time.RFC3339))
	}
	if len(proof) > 16<<10 {
		return "", time.Time{}, errBadProof
	}
	msg, err := jws.Parse([]byte(proof))
	if err != nil || len(msg.Signatures()) != 1 {
		return "", time.Time{}, errBadProof
	}
	hdr := msg.Signatures()[0].ProtectedHeaders()
	kid := hdr.KeyID()
	if d, _ := did.Split(kid); d != holderDID {
		return "", time.Time{}, fault.E(fault.Unauthenticated, "the proof's kid must be a verification method of %s", holderDID)
	}
	doc, err := a.resolver.Resolve(ctx, holderDID)
	if err != nil {
		return "", time.Time{}, fault.Wrap(fault.Unauthenticated, err, "cannot resolve "+holderDID)
	}
	if !doc.CanAuthenticate(kid) {
		return "", time.Time{}, fault.E(fault.Unauthenticated, "%s is not an authentication key of the DID", kid)
	}
	pub, err := doc.PublicKey(kid)
	if err != nil {
		return "", time.Time{}, errBadProof
	}
	alg := hdr.Algorithm()
	if !algMatches(alg, pub) {
		return "", time.Time{}, fault.E(fault.Unauthenticated, "the proof's alg %s does not fit the key", alg)
	}
	payload, err := jws.Verify([]byte(proof), jws.WithKey(alg, pub))
	if err != nil || strings.TrimSpace(string(payload)) != challenge {
		return "", time.Time{}, errBadProof
	}
	return a.sessions.Issue(holderDID, now)
}

func algMatches(alg jwa.SignatureAlgorithm, pub any) bool {
	switch k := pub.(type) {
	case ed25519.PublicKey:
		return alg == jwa.EdDSA
	case *ecdsa.PublicKey:
		switch k.Curve.Params().Name {
		case "P-256":
			return alg == jwa.ES256
		case "P-384":
			return alg == jwa.ES384
		}
	}
	return false
}
