package mongodb

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/citizencloud/citizencredentials/credentials"
	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/mongodb/mongotest"
)

// These tests cover what the shared suite cannot reach from outside: lease
// takeover and renewal racing each other, and the takeover of an
// idempotency claim left behind by a crashed writer.

const racers = 8

// race runs fn(0..racers-1) concurrently, released together.
func race[T any](fn func(i int) T) []T {
	out := make([]T, racers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range racers {
		wg.Go(func() {
			<-start
			out[i] = fn(i)
		})
	}
	close(start)
	wg.Wait()
	return out
}

type boolResult struct {
	ok  bool
	err error
}

func winners(t *testing.T, what string, res []boolResult) int {
	t.Helper()
	n := 0
	for i, r := range res {
		if r.err != nil {
			t.Errorf("%s: racer %d: %v", what, i, r.err)
		}
		if r.ok {
			n++
		}
	}
	return n
}

func TestClaims(t *testing.T) {
	client := mongotest.Connect(t, mongotest.StartServer(t))

	t.Run("lease/spender-crashed-before-replacing", func(t *testing.T) {
		// A caller spent the expired lease's token and died before writing
		// the new lease: while the spend is fresh nobody takes the lease,
		// once it is stale exactly one of the racers does.
		s := open(t, client)
		ctx := t.Context()
		clock := time.Now()
		s.now = func() time.Time { return clock }
		if ok, err := s.AcquireLease(ctx, "worker", "crashed", clock.Add(-time.Second)); err != nil || !ok {
			t.Fatalf("AcquireLease(crashed) = %t, %v", ok, err)
		}
		cur, err := findOne[leaseRecord](ctx, s.leases, "test", bson.D{{Key: "_id", Value: "worker"}})
		if err != nil {
			t.Fatal(err)
		}
		if won, err := s.spend(ctx, "test", cur.Token); err != nil || !won {
			t.Fatalf("spend = %t, %v", won, err)
		}
		if ok, err := s.AcquireLease(ctx, "worker", "fresh", clock.Add(time.Hour)); err != nil || ok {
			t.Fatalf("AcquireLease while the spend is fresh = %t, %v; want false", ok, err)
		}
		clock = clock.Add(staleSpend + time.Second)
		res := race(func(i int) boolResult {
			ok, err := s.AcquireLease(ctx, "worker", fmt.Sprintf("new-%d", i), clock.Add(time.Hour))
			return boolResult{ok, err}
		})
		won := 0
		for _, r := range res {
			if r.err != nil {
				t.Fatal(r.err)
			}
			if r.ok {
				won++
			}
		}
		if won != 1 {
			t.Fatalf("%d racers took the lease after the stale spend, want 1", won)
		}
	})

	t.Run("lease/takeover-of-expired-lease", func(t *testing.T) {
		s := open(t, client)
		ctx := t.Context()
		for r := range 5 {
			name := fmt.Sprintf("lease-%d", r)
			if ok, err := s.AcquireLease(ctx, name, "old", time.Now().Add(-time.Second)); err != nil || !ok {
				t.Fatalf("AcquireLease(old) = %t, %v", ok, err)
			}
			res := race(func(i int) boolResult {
				ok, err := s.AcquireLease(ctx, name, fmt.Sprintf("new-%d", i), time.Now().Add(time.Hour))
				return boolResult{ok, err}
			})
			if n := winners(t, name, res); n != 1 {
				t.Errorf("%s: %d racers took over the expired lease, want 1", name, n)
			}
			var l leaseRecord
			if err := s.leases.FindOne(ctx, bson.D{{Key: "_id", Value: name}}).Decode(&l); err != nil {
				t.Fatal(err)
			}
			for i, r := range res {
				if r.ok && l.Holder != fmt.Sprintf("new-%d", i) {
					t.Errorf("%s: racer %d won but the lease is held by %s", name, i, l.Holder)
				}
			}
		}
	})

	t.Run("lease/renewal-races-takeover", func(t *testing.T) {
		s := open(t, client)
		ctx := t.Context()
		for r := range 5 {
			name := fmt.Sprintf("lease-%d", r)
			// Racer 0 is the holder renewing its (expired) lease; the
			// others try to take it over. Exactly one of them holds it.
			if ok, err := s.AcquireLease(ctx, name, "holder-0", time.Now().Add(-time.Second)); err != nil || !ok {
				t.Fatalf("AcquireLease = %t, %v", ok, err)
			}
			res := race(func(i int) boolResult {
				ok, err := s.AcquireLease(ctx, name, fmt.Sprintf("holder-%d", i), time.Now().Add(time.Hour))
				return boolResult{ok, err}
			})
			if n := winners(t, name, res); n != 1 {
				t.Errorf("%s: %d holders, want 1", name, n)
			}
		}
	})

	t.Run("lease/holder-renews-repeatedly", func(t *testing.T) {
		s := open(t, client)
		ctx := t.Context()
		for i := range 20 {
			if ok, err := s.AcquireLease(ctx, "worker", "A", time.Now().Add(time.Hour)); err != nil || !ok {
				t.Fatalf("renewal %d: %t, %v", i, ok, err)
			}
		}
		if ok, err := s.AcquireLease(ctx, "worker", "B", time.Now().Add(time.Hour)); err != nil || ok {
			t.Fatalf("AcquireLease(B) = %t, %v; want false", ok, err)
		}
		// Spent tokens are cleaned up after each renewal.
		if n, err := s.spent.CountDocuments(ctx, bson.D{}); err != nil || n != 0 {
			t.Errorf("spent tokens left: %d, %v", n, err)
		}
	})

	t.Run("idempotency/crashed-writer-claim-is-taken-over-once", func(t *testing.T) {
		s := open(t, client)
		ctx := t.Context()
		for r := range 5 {
			key := fmt.Sprintf("order-%d", r)
			// A writer claimed the key two minutes ago and crashed before
			// storing its credential.
			_, err := s.idempotency.InsertOne(ctx, &idempotencyRecord{
				ID: idempotencyID("b1", key), CredentialID: "urn:uuid:lost", Token: newToken(),
				CreatedAt: ms(time.Now().Add(-2 * staleClaimAfter)),
			})
			if err != nil {
				t.Fatal(err)
			}
			errs := race(func(i int) error {
				return s.CreateCredential(ctx, testRecord(fmt.Sprintf("urn:uuid:%d-%d", r, i), key))
			})
			wins := 0
			for i, err := range errs {
				switch {
				case err == nil:
					wins++
				case !errors.Is(err, fault.ErrConflict):
					t.Errorf("%s: racer %d: %v", key, i, err)
				}
			}
			if wins != 1 {
				t.Errorf("%s: %d winners, want 1", key, wins)
			}
			got, err := s.CredentialByIdempotencyKey(ctx, "b1", key)
			if err != nil {
				t.Fatalf("CredentialByIdempotencyKey: %v", err)
			}
			// Exactly one credential carries the key, and it is the one
			// the claim names.
			n, err := s.credentials.CountDocuments(ctx, bson.D{{Key: "idempotencyKey", Value: key}})
			if err != nil || n != 1 {
				t.Errorf("%s: %d credentials carry the key (%v), want 1", key, n, err)
			}
			if got.IdempotencyKey != key {
				t.Errorf("%s: got credential with key %q", key, got.IdempotencyKey)
			}
		}
	})

	t.Run("idempotency/fresh-claim-is-not-taken-over", func(t *testing.T) {
		s := open(t, client)
		ctx := t.Context()
		_, err := s.idempotency.InsertOne(ctx, &idempotencyRecord{
			ID: idempotencyID("b1", "k"), CredentialID: "urn:uuid:in-flight", Token: newToken(), CreatedAt: ms(time.Now()),
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.CreateCredential(ctx, testRecord("urn:uuid:1", "k")); !errors.Is(err, fault.ErrConflict) {
			t.Errorf("CreateCredential over an in-flight claim: %v, want ErrConflict", err)
		}
		if _, err := s.CredentialByIdempotencyKey(ctx, "b1", "k"); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("CredentialByIdempotencyKey while in flight: %v, want ErrNotFound", err)
		}
	})

	t.Run("idempotency/failed-insert-releases-the-key", func(t *testing.T) {
		s := open(t, client)
		ctx := t.Context()
		if err := s.CreateCredential(ctx, testRecord("urn:uuid:1", "")); err != nil {
			t.Fatal(err)
		}
		// Same id, with a key: the credential insert fails, the claim must go.
		if err := s.CreateCredential(ctx, testRecord("urn:uuid:1", "k")); !errors.Is(err, fault.ErrConflict) {
			t.Fatalf("CreateCredential with a taken id: %v, want ErrConflict", err)
		}
		if err := s.CreateCredential(ctx, testRecord("urn:uuid:2", "k")); err != nil {
			t.Fatalf("CreateCredential after a released claim: %v", err)
		}
		got, err := s.CredentialByIdempotencyKey(ctx, "b1", "k")
		if err != nil || got.ID != "urn:uuid:2" {
			t.Fatalf("CredentialByIdempotencyKey = %v, %v; want urn:uuid:2", got, err)
		}
	})

	t.Run("idempotency/keys-are-kept-apart", func(t *testing.T) {
		s := open(t, client)
		ctx := t.Context()
		// Pairs that a naive concatenation would confuse.
		for i, k := range []struct{ bureau, key string }{
			{"b1", "2:x"}, {"b1:2", "x"}, {"b1", "a\x00b"}, {"b1\x00a", "b"}, {"b1", "ключ ✓"},
		} {
			r := testRecord(fmt.Sprintf("urn:uuid:%d", i), k.key)
			r.BureauID = k.bureau
			if err := s.CreateCredential(ctx, r); err != nil {
				t.Fatalf("CreateCredential(%q, %q): %v", k.bureau, k.key, err)
			}
			got, err := s.CredentialByIdempotencyKey(ctx, k.bureau, k.key)
			if err != nil || got.ID != r.ID || got.IdempotencyKey != k.key {
				t.Fatalf("CredentialByIdempotencyKey(%q, %q) = %+v, %v", k.bureau, k.key, got, err)
			}
		}
	})

	t.Run("challenge/take-once-under-repeats", func(t *testing.T) {
		// The suite races 8 takers 5 times; repeat more often here, since
		// a wrong implementation only loses now and then.
		s := open(t, client)
		ctx := t.Context()
		for r := range 30 {
			nonce := fmt.Sprintf("n-%d", r)
			if _, err := s.challenges.InsertOne(ctx, &challengeRecord{Nonce: nonce, DID: "did:key:a", ExpiresAt: ms(time.Now())}); err != nil {
				t.Fatal(err)
			}
			res := race(func(int) boolResult {
				_, err := s.TakeChallenge(ctx, nonce)
				if errors.Is(err, fault.ErrNotFound) {
					return boolResult{}
				}
				return boolResult{err == nil, err}
			})
			if n := winners(t, nonce, res); n != 1 {
				t.Errorf("%s: taken %d times, want 1", nonce, n)
			}
		}
	})
}

func testRecord(id, key string) *credentials.Record {
	now := time.Now()
	return &credentials.Record{
		ID: id, BureauID: "b1", IssuerDID: "did:web:example.org:bureaus:b1", SubjectDID: "did:key:alice",
		Type: "VolunteerServiceCredential", Format: credentials.FormatJWT, Credential: "x.y.z", Hash: "00",
		ValidFrom: now, IssuedAt: now, IdempotencyKey: key, State: credentials.StateActive, UpdatedAt: now,
	}
}
