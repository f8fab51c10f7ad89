package auth

import (
	"errors"
	"fmt"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwt"
)

// sessionIssuer is the iss claim of holder session tokens.
const sessionIssuer = "citizen-credentials"

// Sessions issues and checks short-lived holder session tokens (HS256 JWTs
// whose subject is the holder's DID).
type Sessions struct {
	secret []byte
	ttl    time.Duration
}

// NewSessions returns a Sessions that signs with secret (at least 32 bytes)
// and issues tokens valid for ttl.
func NewSessions(secret []byte, ttl time.Duration) (*Sessions, error) {
	if len(secret) < 32 {
		return nil, errors.New("session secret: want at least 32 bytes")
	}
	return &Sessions{secret: secret, ttl: ttl}, nil
}

// TTL is how long a session token is valid.
func (s *Sessions) TTL() time.Duration { return s.ttl }

// Issue returns a session token for did.
func (s *Sessions) Issue(did string, now time.Time) (string, time.Time, error) {
	exp := now.Add(s.ttl)
	tok, err := jwt.NewBuilder().Issuer(sessionIssuer).Subject(did).IssuedAt(now).Expiration(exp).Claim("typ", "holder-session").Build()
	if err != nil {
		return "", time.Time{}, err
	}
	b, err := jwt.Sign(tok, jwt.WithKey(jwa.HS256, s.secret))
	if err != nil {
		return "", time.Time{}, err
	}
	return string(b), exp, nil
}

// Verify returns the DID of a valid, unexpired session token.
func (s *Sessions) Verify(token string, now time.Time) (string, error) {
	tok, err := jwt.ParseString(token, jwt.WithKey(jwa.HS256, s.secret), jwt.WithValidate(true),
		jwt.WithClock(jwt.ClockFunc(func() time.Time { return now })), jwt.WithIssuer(sessionIssuer))
	if err != nil {
		return "", fmt.Errorf("session token: %w", err)
	}
	if v, _ := tok.Get("typ"); v != "holder-session" || tok.Subject() == "" {
		return "", errors.New("session token: not a holder session")
	}
	return tok.Subject(), nil
}
