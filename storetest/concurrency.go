package storetest

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/citizencloud/citizencredentials/anchor"
	"github.com/citizencloud/citizencredentials/auth"
	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/status"
)

// racers is how many goroutines each race test runs.
const racers = 8

// race runs fn(0..racers-1) concurrently, released together, and returns
// their results in order.
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

// oneWinner checks that exactly one racer got a nil error and every other one
// an error matching loser.
func oneWinner(t *testing.T, what string, errs []error, loser error) {
	t.Helper()
	wins := 0
	for i, err := range errs {
		switch {
		case err == nil:
			wins++
		case !errors.Is(err, loser):
			t.Errorf("%s: racer %d: got error %v, want nil or %v", what, i, err, loser)
		}
	}
	if wins != 1 {
		t.Errorf("%s: %d winners, want exactly 1", what, wins)
	}
}

// oneTrue checks that exactly one racer reported true and none failed.
func oneTrue(t *testing.T, what string, res []boolResult) {
	t.Helper()
	wins := 0
	for i, r := range res {
		if r.err != nil {
			t.Errorf("%s: racer %d: %v", what, i, r.err)
		}
		if r.ok {
			wins++
		}
	}
	if wins != 1 {
		t.Errorf("%s: %d winners, want exactly 1", what, wins)
	}
}

type boolResult struct {
	ok  bool
	err error
}

// rounds is how many times each exactly-once race is repeated.
const rounds = 5

func concurrencyCases() []testCase {
	return []testCase{
		{"race/status-allocation", func(t *testing.T, s Store) {
			ctx := t.Context()
			const size, perRacer = 64, 5 // 40 of 64 entries: plenty of collisions
			l := list("small", "b1", status.Revocation, at(0))
			l.Size = size
			ok(t, "CreateList", s.CreateList(ctx, l))
			errs := race(func(i int) error {
				rng := rand.New(rand.NewPCG(uint64(i), uint64(time.Now().UnixNano())))
				for j := range perRacer {
					e := entry(l.ID, 0, fmt.Sprintf("urn:uuid:r%d-%d", i, j))
					for attempt := 0; ; attempt++ {
						if attempt == 10_000 {
							return errors.New("no free index after 10000 attempts")
						}
						e.Index = rng.IntN(size)
						err := s.InsertEntry(ctx, e)
						if err == nil {
							break
						}
						if !errors.Is(err, fault.ErrConflict) {
							return fmt.Errorf("InsertEntry: %w", err)
						}
					}
				}
				return nil
			})
			for i, err := range errs {
				ok(t, fmt.Sprintf("racer %d", i), err)
			}
			n, err := s.CountEntries(ctx, l.ID)
			ok(t, "CountEntries", err)
			if n != racers*perRacer {
				t.Errorf("CountEntries = %d, want %d", n, racers*perRacer)
			}
			seen := map[int]string{}
			for i := range racers {
				for j := range perRacer {
					cred := fmt.Sprintf("urn:uuid:r%d-%d", i, j)
					es, err := s.EntriesOf(ctx, cred)
					ok(t, "EntriesOf", err)
					if len(es) != 1 {
						t.Errorf("EntriesOf(%s): %d entries, want 1", cred, len(es))
						continue
					}
					idx := es[0].Index
					if idx < 0 || idx >= size {
						t.Errorf("EntriesOf(%s): index %d out of range", cred, idx)
					}
					if other, dup := seen[idx]; dup {
						t.Errorf("index %d allocated twice: %s and %s", idx, other, cred)
					}
					seen[idx] = cred
				}
			}
		}},
		{"race/take-challenge", func(t *testing.T, s Store) {
			ctx := t.Context()
			for r := range rounds {
				nonce := fmt.Sprintf("nonce-%d", r)
				ok(t, "PutChallenge", s.PutChallenge(ctx, &auth.Challenge{Nonce: nonce, DID: "did:key:alice", ExpiresAt: at(time.Minute)}))
				errs := race(func(int) error {
					c, err := s.TakeChallenge(ctx, nonce)
					if err == nil && c.Nonce != nonce {
						return fmt.Errorf("took challenge %q", c.Nonce)
					}
					return err
				})
				oneWinner(t, "TakeChallenge "+nonce, errs, fault.ErrNotFound)
			}
		}},
		{"race/claim-request", func(t *testing.T, s Store) {
			ctx := t.Context()
			for r := range rounds {
				id := fmt.Sprintf("r%d", r)
				ok(t, "CreateRequest", s.CreateRequest(ctx, request(id)))
				errs := race(func(int) error { return s.ClaimRequest(ctx, id) })
				oneWinner(t, "ClaimRequest "+id, errs, fault.ErrConflict)
			}
		}},
		{"race/clear-dirty", func(t *testing.T, s Store) {
			ctx := t.Context()
			for r := range rounds {
				id := fmt.Sprintf("l%d", r)
				ok(t, "MarkDirty", s.MarkDirty(ctx, id))
				res := race(func(int) boolResult {
					cleared, err := s.ClearDirty(ctx, id)
					return boolResult{cleared, err}
				})
				oneTrue(t, "ClearDirty "+id, res)
			}
		}},
		{"race/acquire-lease", func(t *testing.T, s Store) {
			ctx := t.Context()
			for r := range rounds {
				name := fmt.Sprintf("lease-%d", r)
				res := race(func(i int) boolResult {
					got, err := s.AcquireLease(ctx, name, fmt.Sprintf("holder-%d", i), time.Now().Add(time.Hour))
					return boolResult{got, err}
				})
				oneTrue(t, "AcquireLease "+name, res)
			}
		}},
		{"race/idempotency-key", func(t *testing.T, s Store) {
			ctx := t.Context()
			for r := range rounds {
				key := fmt.Sprintf("order-%d", r)
				errs := race(func(i int) error {
					rec := record(fmt.Sprintf("urn:uuid:%d-%d", r, i), "b1", "did:key:alice", "VolunteerServiceCredential")
					rec.IdempotencyKey = key
					return s.CreateCredential(ctx, rec)
				})
				oneWinner(t, "CreateCredential "+key, errs, fault.ErrConflict)
				if _, err := s.CredentialByIdempotencyKey(ctx, "b1", key); err != nil {
					t.Errorf("CredentialByIdempotencyKey %s: %v", key, err)
				}
			}
		}},
		{"race/append-leaf", func(t *testing.T, s Store) {
			ctx := t.Context()
			// Each racer appends its credential at the current end of the log,
			// retrying on conflict: the log ends up dense, nothing lost.
			errs := race(func(i int) error {
				for attempt := 0; attempt < 1000; attempt++ {
					n, err := s.LeafCount(ctx)
					if err != nil {
						return err
					}
					l := &anchor.Leaf{Index: n, Hash: fmt.Sprintf("%064x", i), CredentialID: fmt.Sprintf("urn:uuid:%d", i), CreatedAt: at(0)}
					err = s.AppendLeaf(ctx, l)
					if err == nil {
						return nil
					}
					if !errors.Is(err, fault.ErrConflict) {
						return err
					}
				}
				return errors.New("no free leaf index after 1000 attempts")
			})
			for i, err := range errs {
				ok(t, fmt.Sprintf("racer %d", i), err)
			}
			leaves, err := s.Leaves(ctx, 0, racers+10)
			ok(t, "Leaves", err)
			if len(leaves) != racers {
				t.Fatalf("Leaves: %d, want %d", len(leaves), racers)
			}
			seen := map[string]bool{}
			for i, l := range leaves {
				if l.Index != int64(i) {
					t.Errorf("leaf %d has index %d", i, l.Index)
				}
				seen[l.CredentialID] = true
			}
			if len(seen) != racers {
				t.Errorf("%d distinct credentials logged, want %d", len(seen), racers)
			}
		}},
	}
}
