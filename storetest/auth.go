package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/citizencloud/citizencredentials/auth"
	"github.com/citizencloud/citizencredentials/exchange"
	"github.com/citizencloud/citizencredentials/keys"
)

func request(id string) *exchange.PresentationRequest {
	return &exchange.PresentationRequest{
		ID:         id,
		VerifierID: "v1",
		Challenge:  "challenge-" + id,
		Domain:     "verifier.example.org",
		Purpose:    "age check",
		Definition: []byte(`{"id":"pd-1","input_descriptors":[{"id":"volunteer"}]}`),
		ExpiresAt:  at(10 * time.Minute),
		State:      exchange.RequestPending,
		CreatedAt:  at(0),
		UpdatedAt:  at(0),
	}
}

func requestCases() []testCase {
	return []testCase{
		{"request/create-and-get", func(t *testing.T, s Store) {
			ctx := t.Context()
			r := request("r1")
			ok(t, "CreateRequest", s.CreateRequest(ctx, r))
			got, err := s.Request(ctx, "r1")
			ok(t, "Request", err)
			same(t, "Request", got, r)
			conflict(t, "CreateRequest same id", s.CreateRequest(ctx, request("r1")))
			_, err = s.Request(ctx, "nope")
			notFound(t, "Request", err)
		}},
		{"request/claim-once", func(t *testing.T, s Store) {
			ctx := t.Context()
			ok(t, "CreateRequest", s.CreateRequest(ctx, request("r1")))
			ok(t, "CreateRequest", s.CreateRequest(ctx, request("r2")))
			ok(t, "ClaimRequest", s.ClaimRequest(ctx, "r1"))
			conflict(t, "ClaimRequest again", s.ClaimRequest(ctx, "r1"))
			ok(t, "ClaimRequest other request", s.ClaimRequest(ctx, "r2"))
			notFound(t, "ClaimRequest unknown", s.ClaimRequest(ctx, "nope"))
			got, err := s.Request(ctx, "r1")
			ok(t, "Request after claim", err)
			same(t, "Request after claim", got, request("r1"))
		}},
		{"request/save-result", func(t *testing.T, s Store) {
			ctx := t.Context()
			ok(t, "CreateRequest", s.CreateRequest(ctx, request("r1")))
			ok(t, "CreateRequest", s.CreateRequest(ctx, request("r2")))
			ok(t, "ClaimRequest", s.ClaimRequest(ctx, "r1"))
			result := []byte(`{"verified":true,"checks":[{"name":"signature","ok":true}]}`)
			ok(t, "SaveRequestResult", s.SaveRequestResult(ctx, "r1", exchange.RequestVerified, result, at(time.Minute)))
			want := request("r1")
			want.State, want.Result, want.UpdatedAt = exchange.RequestVerified, result, at(time.Minute)
			got, err := s.Request(ctx, "r1")
			ok(t, "Request", err)
			same(t, "Request after SaveRequestResult", got, want)
			got, err = s.Request(ctx, "r2")
			ok(t, "Request", err)
			same(t, "untouched request", got, request("r2"))
			notFound(t, "SaveRequestResult unknown", s.SaveRequestResult(ctx, "nope", exchange.RequestFailed, nil, at(0)))
		}},
	}
}

func key(id, owner string, created time.Time) *keys.Record {
	return &keys.Record{
		ID:        id,
		Owner:     owner,
		Algorithm: keys.Ed25519,
		PublicJWK: []byte(`{"kty":"OKP","crv":"Ed25519","x":"` + id + `"}`),
		Sealed:    []byte{0, 1, 2, 0xfe, 0xff, byte(len(id))}, // arbitrary bytes, not text
		CreatedAt: created,
	}
}

func apiKey(hash, owner string) *auth.APIKey {
	return &auth.APIKey{Hash: hash, Role: auth.RoleBureau, OwnerID: owner, CreatedAt: at(0)}
}

func authCases() []testCase {
	return []testCase{
		{"key/put-and-get", func(t *testing.T, s Store) {
			ctx := t.Context()
			k := key("did:web:example.org:bureaus:a#key-1", "b1", at(0))
			ok(t, "PutKey", s.PutKey(ctx, k))
			got, err := s.Key(ctx, k.ID)
			ok(t, "Key", err)
			same(t, "Key", got, k)
			p := key("did:web:example.org:bureaus:a#key-2", "b1", at(time.Second))
			p.Algorithm = keys.P256
			p.RetiredAt = ptr(at(time.Hour))
			ok(t, "PutKey retired", s.PutKey(ctx, p))
			got, err = s.Key(ctx, p.ID)
			ok(t, "Key", err)
			same(t, "retired Key", got, p)
			conflict(t, "PutKey same id", s.PutKey(ctx, key(k.ID, "b2", at(0))))
			_, err = s.Key(ctx, "nope")
			notFound(t, "Key", err)
		}},
		{"key/keys-of-and-retire", func(t *testing.T, s Store) {
			ctx := t.Context()
			list, err := s.KeysOf(ctx, "b1")
			ok(t, "KeysOf on empty store", err)
			if len(list) != 0 {
				t.Fatalf("KeysOf on empty store: got %d", len(list))
			}
			in := []*keys.Record{
				key("k-c", "b1", at(time.Minute)),
				key("k-z", "b1", at(0)),
				key("k-a", "b1", at(time.Minute)), // same CreatedAt as k-c: ID decides
				key("k-x", "b2", at(0)),
			}
			for _, k := range in {
				ok(t, "PutKey", s.PutKey(ctx, k))
			}
			ok(t, "RetireKey", s.RetireKey(ctx, "k-z", at(time.Hour)))
			notFound(t, "RetireKey unknown", s.RetireKey(ctx, "nope", at(time.Hour)))
			retired := *in[1]
			retired.RetiredAt = ptr(at(time.Hour))
			list, err = s.KeysOf(ctx, "b1")
			ok(t, "KeysOf", err)
			same(t, "KeysOf b1 (retired included)", list, []*keys.Record{&retired, in[2], in[0]})
			got, err := s.Key(ctx, "k-c")
			ok(t, "Key", err)
			same(t, "not retired Key", got, in[0])
		}},
		{"apikey/put-and-get", func(t *testing.T, s Store) {
			ctx := t.Context()
			k := apiKey("aa11", "b1")
			ok(t, "PutAPIKey", s.PutAPIKey(ctx, k))
			v := &auth.APIKey{Hash: "bb22", Role: auth.RoleVerifier, OwnerID: "v1", CreatedAt: at(time.Second), RevokedAt: ptr(at(time.Hour))}
			ok(t, "PutAPIKey revoked", s.PutAPIKey(ctx, v))
			got, err := s.APIKey(ctx, "aa11")
			ok(t, "APIKey", err)
			same(t, "APIKey", got, k)
			got, err = s.APIKey(ctx, "bb22")
			ok(t, "APIKey", err)
			same(t, "revoked APIKey", got, v)
			conflict(t, "PutAPIKey same hash", s.PutAPIKey(ctx, apiKey("aa11", "b2")))
			_, err = s.APIKey(ctx, "nope")
			notFound(t, "APIKey", err)
		}},
		{"apikey/revoke", func(t *testing.T, s Store) {
			ctx := t.Context()
			old := apiKey("h1", "b1")
			old.RevokedAt = ptr(at(time.Minute))
			in := []*auth.APIKey{old, apiKey("h2", "b1"), apiKey("h3", "b1"), apiKey("h4", "b2")}
			for _, k := range in {
				ok(t, "PutAPIKey", s.PutAPIKey(ctx, k))
			}
			ok(t, "RevokeAPIKeys", s.RevokeAPIKeys(ctx, "b1", at(time.Hour)))
			ok(t, "RevokeAPIKeys owner without keys", s.RevokeAPIKeys(ctx, "nobody", at(time.Hour)))
			for _, k := range in {
				want := *k
				if k.OwnerID == "b1" && k.RevokedAt == nil {
					want.RevokedAt = ptr(at(time.Hour))
				}
				got, err := s.APIKey(ctx, k.Hash)
				ok(t, "APIKey", err)
				same(t, "APIKey "+k.Hash+" after RevokeAPIKeys", got, &want)
			}
		}},
		{"verifier/create-and-get", func(t *testing.T, s Store) {
			ctx := t.Context()
			v := &auth.Verifier{ID: "v1", Name: "Bank of Examples", CreatedAt: at(0)}
			ok(t, "CreateVerifier", s.CreateVerifier(ctx, v))
			got, err := s.Verifier(ctx, "v1")
			ok(t, "Verifier", err)
			same(t, "Verifier", got, v)
			conflict(t, "CreateVerifier same id", s.CreateVerifier(ctx, &auth.Verifier{ID: "v1", Name: "Other", CreatedAt: at(0)}))
			_, err = s.Verifier(ctx, "nope")
			notFound(t, "Verifier", err)
		}},
		{"challenge/put-and-take", func(t *testing.T, s Store) {
			ctx := t.Context()
			c := &auth.Challenge{Nonce: "n-1", DID: "did:key:alice", ExpiresAt: at(5 * time.Minute)}
			ok(t, "PutChallenge", s.PutChallenge(ctx, c))
			ok(t, "PutChallenge", s.PutChallenge(ctx, &auth.Challenge{Nonce: "n-2", DID: "did:key:bob", ExpiresAt: at(5 * time.Minute)}))
			conflict(t, "PutChallenge same nonce", s.PutChallenge(ctx, &auth.Challenge{Nonce: "n-1", DID: "did:key:mallory", ExpiresAt: at(time.Hour)}))
			got, err := s.TakeChallenge(ctx, "n-1")
			ok(t, "TakeChallenge", err)
			same(t, "TakeChallenge", got, c)
			_, err = s.TakeChallenge(ctx, "n-1")
			notFound(t, "TakeChallenge again", err)
			_, err = s.TakeChallenge(ctx, "never-issued")
			notFound(t, "TakeChallenge unknown", err)
			got, err = s.TakeChallenge(ctx, "n-2")
			ok(t, "TakeChallenge other", err)
			if got.DID != "did:key:bob" {
				t.Errorf("TakeChallenge other: DID %q", got.DID)
			}
		}},
		{"challenge/purge-expired", func(t *testing.T, s Store) {
			ctx := t.Context()
			for i, exp := range []time.Duration{-time.Hour, -time.Minute, time.Minute, time.Hour} {
				ok(t, "PutChallenge", s.PutChallenge(ctx, &auth.Challenge{Nonce: fmt.Sprintf("p-%d", i), DID: "did:key:alice", ExpiresAt: at(exp)}))
			}
			n, err := s.PurgeChallenges(ctx, at(0))
			ok(t, "PurgeChallenges", err)
			if n != 2 {
				t.Errorf("PurgeChallenges deleted %d, want the 2 expired", n)
			}
			for _, nonce := range []string{"p-0", "p-1"} {
				_, err := s.TakeChallenge(ctx, nonce)
				notFound(t, "TakeChallenge purged "+nonce, err)
			}
			for _, nonce := range []string{"p-2", "p-3"} {
				_, err := s.TakeChallenge(ctx, nonce)
				ok(t, "TakeChallenge live "+nonce, err)
			}
			n, err = s.PurgeChallenges(ctx, at(0))
			ok(t, "PurgeChallenges again", err)
			if n != 0 {
				t.Errorf("PurgeChallenges again deleted %d, want 0", n)
			}
		}},
	}
}
