package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/citizencloud/citizencredentials/fault"
)

// Principal is an authenticated caller.
type Principal struct {
	Role Role
	// ID is the bureau or verifier id (RoleBureau, RoleVerifier), the DID
	// (RoleHolder), or "operator".
	ID string
}

// Actor names the principal in audit events, e.g. "bureau:<id>".
func (p *Principal) Actor() string {
	if p == nil {
		return "anonymous"
	}
	return string(p.Role) + ":" + p.ID
}

type principalKey struct{}

// WithPrincipal returns a context carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the caller, or nil for an anonymous one.
func FromContext(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

// Errors callers see when authorisation fails.
var (
	ErrUnauthenticated = fault.E(fault.Unauthenticated, "authentication required: send 'Authorization: Bearer <token or API key>'")
	ErrBadCredentials  = fault.E(fault.Unauthenticated, "the token or API key is not valid")
)

// Require returns the caller if it has one of roles, else an Unauthenticated
// (no caller) or Forbidden (wrong role) error.
func Require(ctx context.Context, roles ...Role) (*Principal, error) {
	p := FromContext(ctx)
	if p == nil {
		return nil, ErrUnauthenticated
	}
	for _, r := range roles {
		if p.Role == r {
			return p, nil
		}
	}
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	return nil, fault.E(fault.Forbidden, "this operation is for the %s role; you are authenticated as %s", strings.Join(names, " or "), p.Role)
}

// API key prefixes make leaked keys recognisable (secret scanners) and tell
// the role at a glance.
const (
	bureauKeyPrefix   = "ccb_"
	verifierKeyPrefix = "ccv_"
)

// NewAPIKey makes a fresh secret for owner and the record to store (which
// holds only the secret's hash).
func NewAPIKey(role Role, owner string, now time.Time) (secret string, rec *APIKey, err error) {
	prefix := bureauKeyPrefix
	if role == RoleVerifier {
		prefix = verifierKeyPrefix
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", nil, err
	}
	secret = prefix + base64.RawURLEncoding.EncodeToString(b)
	return secret, &APIKey{Hash: HashSecret(secret), Role: role, OwnerID: owner, CreatedAt: now}, nil
}

// HashSecret returns the hex SHA-256 of an API key secret.
func HashSecret(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// Authenticator turns a bearer credential into a Principal.
type Authenticator struct {
	store      Store
	adminToken string
	sessions   *Sessions // nil: holder sessions disabled
	now        func() time.Time
}

// NewAuthenticator returns an Authenticator that accepts the admin token,
// stored API keys and, if sessions is non-nil, holder session tokens.
func NewAuthenticator(store Store, adminToken string, sessions *Sessions) *Authenticator {
	return &Authenticator{store: store, adminToken: adminToken, sessions: sessions, now: time.Now}
}

// Authenticate checks a bearer credential. An empty one yields (nil, nil):
// anonymous. Errors: ErrBadCredentials, or fault.ErrUnavailable from the store.
func (a *Authenticator) Authenticate(ctx context.Context, bearer string) (*Principal, error) {
	switch {
	case bearer == "":
		return nil, nil
	case a.adminToken != "" && subtle.ConstantTimeCompare([]byte(bearer), []byte(a.adminToken)) == 1:
		return &Principal{Role: RoleOperator, ID: "operator"}, nil
	case strings.HasPrefix(bearer, bureauKeyPrefix), strings.HasPrefix(bearer, verifierKeyPrefix):
		k, err := a.store.APIKey(ctx, HashSecret(bearer))
		if errors.Is(err, fault.ErrNotFound) {
			return nil, ErrBadCredentials
		}
		if err != nil {
			return nil, err
		}
		if k.RevokedAt != nil {
			return nil, fault.E(fault.Unauthenticated, "this API key was revoked")
		}
		return &Principal{Role: k.Role, ID: k.OwnerID}, nil
	case a.sessions != nil:
		did, err := a.sessions.Verify(bearer, a.now())
		if err != nil {
			return nil, ErrBadCredentials
		}
		return &Principal{Role: RoleHolder, ID: did}, nil
	default:
		return nil, ErrBadCredentials
	}
}

// LoadOrCreateToken reads a secret token from path, creating a random one
// (mode 0600) if the file does not exist. created reports whether it did.
func LoadOrCreateToken(path string) (token string, created bool, err error) {
	b, err := os.ReadFile(path)
	if err == nil {
		t := strings.TrimSpace(string(b))
		if len(t) < 16 {
			return "", false, fmt.Errorf("token file %s: token too short (want at least 16 characters)", path)
		}
		return t, false, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return "", false, fmt.Errorf("read token: %w", err)
	}
	r := make([]byte, 32)
	if _, err := rand.Read(r); err != nil {
		return "", false, err
	}
	token = "cca_" + base64.RawURLEncoding.EncodeToString(r)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", false, err
	}
	if err := os.WriteFile(path, []byte(token+"\n"), 0o600); err != nil {
		return "", false, fmt.Errorf("write token: %w", err)
	}
	return token, true, nil
}
