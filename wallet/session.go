package wallet

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/citizencloud/citizencredentials/client"
)

// SessionSlack is how long before its expiry a session is renewed rather
// than used.
const SessionSlack = 30 * time.Second

// Login runs DID authentication against the service at baseURL (cl talks
// to it, without any token) and stores the session in w (not saved).
// Errors: the client's (see client.Code).
func (w *File) Login(ctx context.Context, cl *client.Client, baseURL string, key *Key) error {
	ch, err := client.RequestAuthChallenge(ctx, cl, w.DID)
	if err != nil {
		return err
	}
	proof, err := SignChallenge(key, ch.AuthChallenge.Challenge)
	if err != nil {
		return fmt.Errorf("sign the challenge: %w", err)
	}
	resp, err := client.Authenticate(ctx, cl, w.DID, ch.AuthChallenge.Challenge, proof)
	if err != nil {
		return err
	}
	w.Session = &Session{URL: strings.TrimRight(baseURL, "/"), Token: resp.Authenticate.Token, ExpiresAt: resp.Authenticate.ExpiresAt.UTC()}
	return nil
}

// SessionFor returns the session if it is for the service at baseURL and
// valid for at least SessionSlack more at now, else nil.
func (w *File) SessionFor(baseURL string, now time.Time) *Session {
	s := w.Session
	if s == nil || !SameService(s.URL, baseURL) || s.ExpiresAt.Sub(now) <= SessionSlack {
		return nil
	}
	return s
}

// SameService compares service base URLs, ignoring a trailing slash.
func SameService(a, b string) bool { return strings.TrimRight(a, "/") == strings.TrimRight(b, "/") }

// SignChallenge is the DID-auth proof: a compact JWS (EdDSA) whose payload
// is exactly the challenge and whose kid is the did:key verification
// method.
func SignChallenge(key *Key, challenge string) (string, error) {
	hdr, err := json.Marshal(map[string]string{"alg": "EdDSA", "kid": key.KeyID()})
	if err != nil {
		return "", err
	}
	input := base64.RawURLEncoding.EncodeToString(hdr) + "." + base64.RawURLEncoding.EncodeToString([]byte(challenge))
	sig := ed25519.Sign(key.PrivateKey, []byte(input))
	return input + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// FetchResult is what Fetch did.
type FetchResult struct {
	Fetched, New, Changed int
	Foreign               int // credentials for another DID, not stored
}

// Fetch asks the service for the holder's credentials (cl carries the
// session token) and merges them into w (not saved). Credentials whose
// subject is not the wallet's DID are never kept. Errors: the client's
// (UNAUTHENTICATED when the session is no longer accepted).
func (w *File) Fetch(ctx context.Context, cl *client.Client, source string, now time.Time) (FetchResult, error) {
	all, err := fetchMyCredentials(ctx, cl)
	if err != nil {
		return FetchResult{}, err
	}
	var r FetchResult
	fetched := make([]Credential, 0, len(all))
	for i := range all {
		cr := &all[i]
		if cr.SubjectDid != w.DID {
			r.Foreign++
			continue
		}
		fetched = append(fetched, FromAPI(cr, source, now.UTC()))
	}
	r.Fetched = len(fetched)
	r.New, r.Changed = w.Merge(fetched)
	return r, nil
}

// StateNow is the credential's state as last fetched, or EXPIRED when
// validUntil has passed since.
func (c *Credential) StateNow(now time.Time) string {
	if c.State == string(client.CredentialStateActive) && c.ValidUntil != nil && now.After(*c.ValidUntil) {
		return "EXPIRED"
	}
	return c.State
}

// myCredentialsPage is the page size Fetch asks myCredentials for.
const myCredentialsPage = 100

// fetchMyCredentials reads every page of myCredentials.
func fetchMyCredentials(ctx context.Context, c *client.Client) ([]client.CredentialFields, error) {
	var (
		all   []client.CredentialFields
		after *string
	)
	first := myCredentialsPage
	for {
		resp, err := client.MyCredentials(ctx, c, &first, after)
		if err != nil {
			return nil, err
		}
		all = append(all, resp.MyCredentials...)
		if len(resp.MyCredentials) < first {
			return all, nil
		}
		last := resp.MyCredentials[len(resp.MyCredentials)-1].Id
		after = &last
	}
}
