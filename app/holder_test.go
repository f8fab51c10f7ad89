package app_test

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
)

// signChallenge makes the DID-auth proof: a compact EdDSA JWS over the
// challenge with the did:key verification method as kid.
func signChallenge(holder string, key ed25519.PrivateKey, challenge string) string {
	h, _ := json.Marshal(map[string]string{"alg": "EdDSA", "kid": holder + "#" + strings.TrimPrefix(holder, "did:key:")})
	input := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString([]byte(challenge))
	return input + "." + base64.RawURLEncoding.EncodeToString(ed25519.Sign(key, []byte(input)))
}

const (
	challengeQ = `mutation($did: String!) { authChallenge(did: $did) { challenge expiresAt } }`
	authQ      = `mutation($did: String!, $c: String!, $p: String!) { authenticate(did: $did, challenge: $c, proof: $p) { token did expiresAt } }`
	myCredsQ   = `{ myCredentials { id subjectDid credential } }`
)

// login runs DID authentication and returns the session token.
func (s *testServer) login(t *testing.T, holder string, key ed25519.PrivateKey) string {
	t.Helper()
	var ch struct{ Challenge string }
	s.must(t, "", challengeQ, map[string]any{"did": holder}, "authChallenge", &ch)
	var sess struct{ Token, DID string }
	s.must(t, "", authQ, map[string]any{"did": holder, "c": ch.Challenge, "p": signChallenge(holder, key, ch.Challenge)}, "authenticate", &sess)
	return sess.Token
}

func TestHolderLoginAndWallet(t *testing.T) {
	s := startServer(t, t.TempDir())
	b := s.createBureau(t, "volunteers", "VolunteerServiceCredential")
	alice, aliceKey := newHolderDID(t)
	bob, bobKey := newHolderDID(t)
	for _, h := range []string{alice, alice, bob} {
		var c issued
		s.must(t, b.APIKey, issueQ, map[string]any{"in": map[string]any{"type": "VolunteerServiceCredential", "subjectDid": h, "claims": volunteerClaims()}}, "issueCredential", &c)
	}

	t.Run("ok/only-own-credentials", func(t *testing.T) {
		for _, tc := range []struct {
			did  string
			key  ed25519.PrivateKey
			want int
		}{{alice, aliceKey, 2}, {bob, bobKey, 1}} {
			tok := s.login(t, tc.did, tc.key)
			var creds []issued
			s.must(t, tok, myCredsQ, nil, "myCredentials", &creds)
			if len(creds) != tc.want {
				t.Fatalf("%d credentials, want %d", len(creds), tc.want)
			}
			for _, c := range creds {
				if c.SubjectDID != tc.did {
					t.Fatalf("holder sees a credential of %s", c.SubjectDID)
				}
			}
		}
	})

	t.Run("fail/replayed-challenge", func(t *testing.T) {
		var ch struct{ Challenge string }
		s.must(t, "", challengeQ, map[string]any{"did": alice}, "authChallenge", &ch)
		vars := map[string]any{"did": alice, "c": ch.Challenge, "p": signChallenge(alice, aliceKey, ch.Challenge)}
		if r := s.do(t, "", authQ, vars); len(r.Errors) != 0 {
			t.Fatalf("first use: %+v", r.Errors)
		}
		if r := s.do(t, "", authQ, vars); r.code() != "UNAUTHENTICATED" {
			t.Fatalf("replay: %q", r.code())
		}
	})

	t.Run("fail/signed-by-another-did", func(t *testing.T) {
		var ch struct{ Challenge string }
		s.must(t, "", challengeQ, map[string]any{"did": alice}, "authChallenge", &ch)
		r := s.do(t, "", authQ, map[string]any{"did": alice, "c": ch.Challenge, "p": signChallenge(bob, bobKey, ch.Challenge)})
		if r.code() != "UNAUTHENTICATED" {
			t.Fatalf("got %q", r.code())
		}
	})

	t.Run("fail/wrong-key-for-did", func(t *testing.T) {
		var ch struct{ Challenge string }
		s.must(t, "", challengeQ, map[string]any{"did": alice}, "authChallenge", &ch)
		r := s.do(t, "", authQ, map[string]any{"did": alice, "c": ch.Challenge, "p": signChallenge(alice, bobKey, ch.Challenge)})
		if r.code() != "UNAUTHENTICATED" {
			t.Fatalf("got %q", r.code())
		}
	})

	t.Run("fail/anonymous-wallet", func(t *testing.T) {
		if r := s.do(t, "", myCredsQ, nil); r.code() != "UNAUTHENTICATED" {
			t.Fatalf("got %q", r.code())
		}
		if r := s.do(t, b.APIKey, myCredsQ, nil); r.code() != "FORBIDDEN" {
			t.Fatalf("bureau calling myCredentials: %q", r.code())
		}
	})
}
