package status_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/sqlite"
	"github.com/citizencloud/citizencredentials/status"
)

// testSigner "signs" a list credential as an unsecured compact JWS: enough
// to exercise the vc+jwt path of the service; real signing is keys/'s job.
type testSigner struct{ signed atomic.Int64 }

func (s *testSigner) IssuerDID(_ context.Context, bureauID string) (string, error) {
	return "did:web:citizen.example:bureaus:" + bureauID, nil
}

func (s *testSigner) SignStatusList(_ context.Context, _ string, cred map[string]any) (string, error) {
	s.signed.Add(1)
	payload, err := json.Marshal(cred)
	if err != nil {
		return "", err
	}
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(`{"alg":"none","typ":"vc+jwt"}`)) + "." + enc.EncodeToString(payload) + ".c2ln", nil
}

func openStore(t *testing.T) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// seeded is a deterministic random source, safe behind the service's lock.
func seeded(seed uint64) *rand.ChaCha8 {
	var s [32]byte
	s[0] = byte(seed)
	return rand.NewChaCha8(s)
}

// payload returns the unsecured list credential of a version.
func payload(t *testing.T, v *status.Version) map[string]any {
	t.Helper()
	parts := splitJWS(v.Credential)
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func splitJWS(s string) []string {
	var parts []string
	start := 0
	for i := range len(s) {
		if s[i] == '.' {
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

func TestAllocateConcurrentRollsOver(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	svc := status.NewService(st, &testSigner{}, status.WithListSize(64), status.WithFillThreshold(0.5),
		status.WithBaseURL("https://citizen.example/"), status.WithRandom(seeded(1)))

	const workers, perWorker = 8, 40
	var (
		mu   sync.Mutex
		got  = map[string]string{} // list#index -> credential
		errs []error
		wg   sync.WaitGroup
	)
	for w := range workers {
		wg.Go(func() {
			for i := range perWorker {
				cred := fmt.Sprintf("urn:uuid:cred-%d-%d", w, i)
				es, err := svc.Allocate(ctx, "bureau-1", cred, status.Revocation)
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
				} else if prev, dup := got[es[0]["id"].(string)]; dup {
					errs = append(errs, fmt.Errorf("%s given to %s and %s", es[0]["id"], prev, cred))
				} else {
					got[es[0]["id"].(string)] = cred
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if len(got) != workers*perWorker {
		t.Fatalf("%d entries, want %d", len(got), workers*perWorker)
	}

	// Every entry is stored once; every list that reached the threshold is
	// closed; no list holds more than its size.
	lists := map[string]int{}
	for i := range workers {
		for j := range perWorker {
			es, err := st.EntriesOf(ctx, fmt.Sprintf("urn:uuid:cred-%d-%d", i, j))
			if err != nil || len(es) != 1 {
				t.Fatalf("entries of cred-%d-%d: %v, %v", i, j, es, err)
			}
			lists[es[0].ListID]++
		}
	}
	if len(lists) < workers*perWorker/64 {
		t.Fatalf("%d lists for %d entries of at most 64", len(lists), workers*perWorker)
	}
	full := 0
	for id, n := range lists {
		l, err := st.List(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		c, err := st.CountEntries(ctx, id)
		if err != nil || c != n || c > 64 {
			t.Fatalf("list %s: count %d (%v), seen %d", id, c, err, n)
		}
		if c >= 32 && !l.Full {
			t.Fatalf("list %s has %d entries and is still open", id, c)
		}
		if l.Full {
			full++
		}
	}
	if full < len(lists)-2 {
		t.Fatalf("%d of %d lists full", full, len(lists))
	}
	t.Logf("%d entries in %d lists (%d full)", len(got), len(lists), full)

	// Allocate is idempotent per credential and purpose.
	again, err := svc.Allocate(ctx, "bureau-1", "urn:uuid:cred-0-0", status.Revocation)
	if err != nil {
		t.Fatal(err)
	}
	if got[again[0]["id"].(string)] != "urn:uuid:cred-0-0" {
		t.Fatalf("re-allocation gave a new entry %v", again[0]["id"])
	}
}

func TestAllocateEntries(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	svc := status.NewService(st, &testSigner{}, status.WithBaseURL("https://citizen.example"))
	es, err := svc.Allocate(ctx, "b", "urn:uuid:1", status.Revocation, status.Suspension)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 2 {
		t.Fatalf("%d entries", len(es))
	}
	for i, p := range []status.Purpose{status.Revocation, status.Suspension} {
		e := es[i]
		url, _ := e["statusListCredential"].(string)
		if e["type"] != "BitstringStatusListEntry" || e["statusPurpose"] != string(p) ||
			e["id"] != url+"#"+e["statusListIndex"].(string) || len(url) < len("https://citizen.example/status/") ||
			url[:len("https://citizen.example/status/")] != "https://citizen.example/status/" {
			t.Fatalf("entry %d: %v", i, e)
		}
	}
	if es[0]["statusListCredential"] == es[1]["statusListCredential"] {
		t.Fatal("revocation and suspension share a list")
	}
	for _, tc := range []struct {
		name     string
		purposes []status.Purpose
	}{
		{"fail/unknown-purpose", []status.Purpose{"refresh"}},
		{"fail/repeated-purpose", []status.Purpose{status.Revocation, status.Revocation}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := svc.Allocate(ctx, "b", "urn:uuid:2", tc.purposes...)
			if fault.CodeOf(err) != fault.Invalid {
				t.Fatalf("err %v", err)
			}
		})
	}
	if err := svc.Set(ctx, "urn:uuid:unknown", status.Revocation, true); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("Set on unknown credential: %v", err)
	}
	only, err := svc.Allocate(ctx, "b", "urn:uuid:3")
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Set(ctx, "urn:uuid:3", status.Suspension, true); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("Set of a missing purpose: %v (entries %v)", err, only)
	}
}

func TestSetPublish(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	signer := &testSigner{}
	var hooked []*status.Version
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	svc := status.NewService(st, signer, status.WithBaseURL("https://citizen.example"),
		status.WithClock(func() time.Time { return now }),
		status.WithOnPublish(func(_ context.Context, v *status.Version) error { hooked = append(hooked, v); return nil }))

	entries := map[string][]map[string]any{}
	for i := range 20 {
		id := fmt.Sprintf("urn:uuid:%d", i)
		es, err := svc.Allocate(ctx, "bureau", id, status.Revocation, status.Suspension)
		if err != nil {
			t.Fatal(err)
		}
		entries[id] = es
	}
	revoked := []string{"urn:uuid:3", "urn:uuid:7", "urn:uuid:11"}
	suspended := []string{"urn:uuid:7", "urn:uuid:8"}
	for _, id := range revoked {
		if err := svc.Set(ctx, id, status.Revocation, true); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range suspended {
		if err := svc.Set(ctx, id, status.Suspension, true); err != nil {
			t.Fatal(err)
		}
	}
	// Each list's first, empty version was published and hooked when the
	// list was created, before its first entry was returned.
	if len(hooked) != 2 || hooked[0].Version != 1 || hooked[1].Version != 1 {
		t.Fatalf("hooked at list creation: %v", hooked)
	}
	for _, v := range hooked {
		if bits, err := status.VersionBits(v); err != nil || len(bits.SetIndices()) != 0 {
			t.Fatalf("first version of %s: %v, %v", v.ListID, bits, err)
		}
	}
	vs, err := svc.Publish(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 2 || len(hooked) != 4 {
		t.Fatalf("%d versions, %d hooked; want 2 and 4", len(vs), len(hooked))
	}
	lists := map[string]map[string]any{} // list URL -> unsecured list credential
	for _, v := range vs {
		if v.Version != 2 || len(v.Digest) != 64 {
			t.Fatalf("version %+v", v)
		}
		cred := payload(t, v)
		lists[cred["id"].(string)] = cred
		if cred["issuer"] != "did:web:citizen.example:bureaus:bureau" || cred["validFrom"] != "2026-03-01T12:00:00Z" {
			t.Fatalf("list credential %v", cred)
		}
		bits, err := status.VersionBits(v)
		if err != nil {
			t.Fatal(err)
		}
		want, err := st.SetIndices(ctx, v.ListID)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(bits.SetIndices(), want) || bits.Len() != status.MinBits {
			t.Fatalf("list %s: bits %v, want %v", v.ListID, bits.SetIndices(), want)
		}
	}
	// Every credential's entries check out against the published lists,
	// through the same checker verifiers use.
	for id, es := range entries {
		for _, e := range es {
			set, err := status.CheckEntry(e, lists[e["statusListCredential"].(string)])
			if err != nil {
				t.Fatal(err)
			}
			want := slices.Contains(revoked, id)
			if e["statusPurpose"] == "suspension" {
				want = slices.Contains(suspended, id)
			}
			if set != want {
				t.Fatalf("%s %s: %v, want %v", id, e["statusPurpose"], set, want)
			}
		}
		sts, err := svc.Status(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if sts[status.Revocation] != slices.Contains(revoked, id) || sts[status.Suspension] != slices.Contains(suspended, id) {
			t.Fatalf("Status(%s) = %v", id, sts)
		}
	}

	// Nothing dirty: nothing published.
	if vs, err := svc.Publish(ctx); err != nil || len(vs) != 0 {
		t.Fatalf("idle publish: %v, %v", vs, err)
	}
	// Reinstating clears the bit in version 3 of the suspension list only.
	if err := svc.Set(ctx, "urn:uuid:8", status.Suspension, false); err != nil {
		t.Fatal(err)
	}
	vs, err = svc.Publish(ctx)
	if err != nil || len(vs) != 1 || vs[0].Version != 3 {
		t.Fatalf("publish after reinstate: %v, %v", vs, err)
	}
	bits, _ := status.VersionBits(vs[0])
	e := entries["urn:uuid:8"][1]
	if v, _ := bits.Get(atoi(e["statusListIndex"].(string))); v {
		t.Fatal("reinstated bit still set")
	}
	old, err := st.Version(ctx, vs[0].ListID, 2)
	if err != nil {
		t.Fatal(err)
	}
	if bits, _ := status.VersionBits(old); !mustGet(bits, atoi(e["statusListIndex"].(string))) {
		t.Fatal("version 2 changed")
	}

	got, err := svc.Versions(ctx, "urn:uuid:8")
	if err != nil || len(got) != 2 {
		t.Fatalf("Versions: %v, %v", got, err)
	}
}

func atoi(s string) int {
	var n int
	fmt.Sscan(s, &n)
	return n
}

func mustGet(b *status.Bitstring, i int) bool {
	v, err := b.Get(i)
	if err != nil {
		panic(err)
	}
	return v
}

func TestThousandRevocationsOneVersion(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	signer := &testSigner{}
	var hooks atomic.Int64
	svc := status.NewService(st, signer, status.WithOnPublish(func(context.Context, *status.Version) error {
		hooks.Add(1)
		return nil
	}))
	const n = 1000
	// The first allocation creates the list; concurrent first allocations
	// could create several (allowed), which is not what this test is about.
	if _, err := svc.Allocate(ctx, "bureau", "urn:uuid:0"); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < n; i += 4 {
				id := fmt.Sprintf("urn:uuid:%d", i)
				if _, err := svc.Allocate(ctx, "bureau", id); err != nil {
					errs <- err
					return
				}
				if err := svc.Set(ctx, id, status.Revocation, true); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	before, hooksBefore := signer.signed.Load(), hooks.Load()
	vs, err := svc.Publish(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 1 || hooks.Load()-hooksBefore != 1 || signer.signed.Load()-before != 1 {
		t.Fatalf("%d versions, %d hooks, %d signatures; want 1 each", len(vs), hooks.Load()-hooksBefore, signer.signed.Load()-before)
	}
	bits, err := status.VersionBits(vs[0])
	if err != nil {
		t.Fatal(err)
	}
	if got := len(bits.SetIndices()); got != n {
		t.Fatalf("%d bits set, want %d", got, n)
	}
}

// TestRepairAfterCrash simulates the two crash windows of publishing.
func TestRepairAfterCrash(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	var hooked []string
	svc := status.NewService(st, &testSigner{}, status.WithOnPublish(func(_ context.Context, v *status.Version) error {
		hooked = append(hooked, fmt.Sprintf("%s@%d", v.ListID, v.Version))
		return nil
	}))
	es, err := svc.Allocate(ctx, "bureau", "urn:uuid:a", status.Revocation, status.Suspension)
	if err != nil {
		t.Fatal(err)
	}
	entries, _ := st.EntriesOf(ctx, "urn:uuid:a")
	ids := []string{entries[0].ListID, entries[1].ListID}

	// Lists are published when created: Repair finds nothing to mark.
	if n, err := svc.Repair(ctx, ids...); err != nil || n != 0 {
		t.Fatalf("repair of new lists: %d, %v", n, err)
	}
	if vs, err := svc.Publish(ctx); err != nil || len(vs) != 0 {
		t.Fatalf("publish: %v, %v", vs, err)
	}

	// Crash 1: a publisher claimed the mark (ClearDirty) and died before
	// PutVersion. The revocation is in the entries only.
	if err := svc.Set(ctx, "urn:uuid:a", status.Revocation, true); err != nil {
		t.Fatal(err)
	}
	revList := es[0]["statusListCredential"].(string)
	for _, id := range ids {
		st.ClearDirty(ctx, id)
	}
	if vs, _ := svc.Publish(ctx); len(vs) != 0 {
		t.Fatalf("published %d versions without a mark", len(vs))
	}
	hooked = nil
	n, err := svc.Repair(ctx, ids...)
	if err != nil || n != 1 {
		t.Fatalf("repair: %d lists marked, %v; want 1", n, err)
	}
	// Crash 2 is covered by the hook re-run: Repair re-queued every latest
	// version (the outbox's Enqueue is idempotent).
	if len(hooked) != 2 {
		t.Fatalf("repair re-queued %v", hooked)
	}
	vs, err := svc.Publish(ctx)
	if err != nil || len(vs) != 1 || vs[0].Version != 2 || svc.ListURL(vs[0].ListID) != revList {
		t.Fatalf("publish after repair: %v, %v", vs, err)
	}
	bits, _ := status.VersionBits(vs[0])
	if !mustGet(bits, atoi(es[0]["statusListIndex"].(string))) {
		t.Fatal("the revocation is not in the repaired version")
	}
	// Now everything is consistent: Repair marks nothing.
	if n, err := svc.Repair(ctx, ids...); err != nil || n != 0 {
		t.Fatalf("second repair: %d, %v", n, err)
	}

	// RepairAll finds the lists itself on a store that can page them.
	if _, ok := any(st).(status.Lister); !ok {
		t.Skip("store does not implement status.Lister")
	}
	if err := svc.Set(ctx, "urn:uuid:a", status.Suspension, true); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		st.ClearDirty(ctx, id)
	}
	if n, err := svc.RepairAll(ctx); err != nil || n != 1 {
		t.Fatalf("RepairAll: %d, %v", n, err)
	}
}

func TestHookFailureKeepsListDirty(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	fail := false
	svc := status.NewService(st, &testSigner{}, status.WithOnPublish(func(context.Context, *status.Version) error {
		if fail {
			return fault.ErrUnavailable
		}
		return nil
	}))
	if _, err := svc.Allocate(ctx, "bureau", "urn:uuid:x"); err != nil {
		t.Fatal(err)
	}
	fail = true
	if err := svc.Set(ctx, "urn:uuid:x", status.Revocation, true); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Publish(ctx); !errors.Is(err, fault.ErrUnavailable) {
		t.Fatalf("publish with failing hook: %v", err)
	}
	dirty, _ := st.DirtyLists(ctx)
	if len(dirty) != 1 {
		t.Fatalf("dirty lists after hook failure: %v", dirty)
	}
	fail = false
	vs, err := svc.Publish(ctx) // version 1 at creation, 2 published but not hooked
	if err != nil || len(vs) != 1 || vs[0].Version != 3 {
		t.Fatalf("publish after recovery: %v, %v", vs, err)
	}
}

// TestConcurrentPublishers runs replicas that flip bits and publish at the
// same time; at the end the latest version of each list equals its entries.
func TestConcurrentPublishers(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	svcs := []*status.Service{
		status.NewService(st, &testSigner{}, status.WithListSize(256)),
		status.NewService(st, &testSigner{}, status.WithListSize(256)),
		status.NewService(st, &testSigner{}, status.WithListSize(256)),
	}
	for i := range 60 {
		if _, err := svcs[0].Allocate(ctx, "bureau", fmt.Sprintf("urn:uuid:%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 1000)
	for r, svc := range svcs {
		wg.Go(func() {
			for i := r; i < 60; i += len(svcs) {
				if err := svc.Set(ctx, fmt.Sprintf("urn:uuid:%d", i), status.Revocation, i%2 == 0); err != nil {
					errs <- err
				}
				if _, err := svc.Publish(ctx); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	// A publisher that kept losing the race left its list marked: drain.
	if _, err := svcs[0].Publish(ctx); err != nil {
		t.Fatal(err)
	}
	lists := map[string]bool{}
	for i := range 60 {
		es, _ := st.EntriesOf(ctx, fmt.Sprintf("urn:uuid:%d", i))
		lists[es[0].ListID] = true
	}
	for id := range lists {
		latest, err := st.LatestVersion(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		bits, err := status.VersionBits(latest)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := st.SetIndices(ctx, id)
		if !slices.Equal(bits.SetIndices(), want) {
			t.Fatalf("list %s v%d: %v, entries %v", id, latest.Version, bits.SetIndices(), want)
		}
	}
}

func TestRunPublishes(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	st := openStore(t)
	svc := status.NewService(st, &testSigner{})
	if _, err := svc.Allocate(ctx, "bureau", "urn:uuid:r"); err != nil {
		t.Fatal(err)
	}
	if err := svc.Set(ctx, "urn:uuid:r", status.Revocation, true); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx, 5*time.Millisecond) }()
	es, _ := st.EntriesOf(ctx, "urn:uuid:r")
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := st.LatestVersion(ctx, es[0].ListID); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no version published by Run")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run returned %v", err)
	}
}

// TestNewListPublishedBeforeFirstEntry: a new list's version 1 (all zeros)
// is published and handed to the hook (queued for anchoring) before the
// first entry pointing into it is returned; if that fails, no entry is
// returned, the list stays dirty, and the next allocation queues version 1
// again before using the list.
func TestNewListPublishedBeforeFirstEntry(t *testing.T) {
	for _, tc := range []struct {
		name     string
		hookFail bool
	}{
		{"ok/published-and-queued", false},
		{"fail/hook-down-then-retried", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			st := openStore(t)
			fail := tc.hookFail
			var hooked []*status.Version
			svc := status.NewService(st, &testSigner{}, status.WithOnPublish(func(_ context.Context, v *status.Version) error {
				if fail {
					return fault.ErrUnavailable
				}
				// The version is stored by the time it is queued.
				if _, err := st.Version(ctx, v.ListID, v.Version); err != nil {
					t.Errorf("hooked version %d of %s is not stored: %v", v.Version, v.ListID, err)
				}
				hooked = append(hooked, v)
				return nil
			}))
			es, err := svc.Allocate(ctx, "bureau", "urn:uuid:first", status.Revocation)
			if tc.hookFail {
				if !errors.Is(err, fault.ErrUnavailable) || len(es) != 0 {
					t.Fatalf("allocate with the hook down: %v, %v", es, err)
				}
				if dirty, _ := st.DirtyLists(ctx); len(dirty) != 1 {
					t.Fatalf("dirty lists after the failed hook: %v", dirty)
				}
				fail = false
				if es, err = svc.Allocate(ctx, "bureau", "urn:uuid:first", status.Revocation); err != nil {
					t.Fatal(err)
				}
			}
			if err != nil || len(es) != 1 {
				t.Fatalf("allocate: %v, %v", es, err)
			}
			if len(hooked) != 1 || hooked[0].Version != 1 || svc.ListURL(hooked[0].ListID) != es[0]["statusListCredential"] {
				t.Fatalf("hooked %v for entry %v", hooked, es[0])
			}
			v, err := st.LatestVersion(ctx, hooked[0].ListID)
			if err != nil || v.Version != 1 {
				t.Fatalf("latest version %v, %v", v, err)
			}
			bits, err := status.VersionBits(v)
			if err != nil || len(bits.SetIndices()) != 0 {
				t.Fatalf("version 1 bits %v, %v", bits, err)
			}
			// Later allocations into the known list publish and queue nothing.
			if _, err := svc.Allocate(ctx, "bureau", "urn:uuid:second", status.Revocation); err != nil || len(hooked) != 1 {
				t.Fatalf("second allocation: %v, hooked %d", err, len(hooked))
			}
		})
	}
}

// TestReserveBlocks runs replicas that reserve indices in blocks at the
// same time on one store: no index is handed out twice, blocks are claimed
// once per 64 indices, and a restarted writer (a new Service) never reuses
// the unused rest of a block claimed before.
func TestReserveBlocks(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	svcs := []*status.Service{
		status.NewService(st, &testSigner{}),
		status.NewService(st, &testSigner{}),
		status.NewService(st, &testSigner{}),
	}
	const perReplica = 200
	var (
		mu   sync.Mutex
		seen = map[string]bool{}
		wg   sync.WaitGroup
		errs = make(chan error, len(svcs)*perReplica)
	)
	for r, svc := range svcs {
		wg.Go(func() {
			for i := range perReplica {
				es, _, err := svc.Reserve(ctx, "bureau", fmt.Sprintf("urn:uuid:%d-%d", r, i), status.Revocation)
				if err == nil {
					err = svc.Insert(ctx, es)
				}
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				k := fmt.Sprintf("%s/%d", es[0].ListID, es[0].Index)
				if seen[k] {
					errs <- fmt.Errorf("index %s handed out twice", k)
				}
				seen[k] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	lists, err := st.OpenLists(ctx, "bureau", status.Revocation)
	if err != nil || len(lists) == 0 {
		t.Fatalf("open lists: %v, %v", lists, err)
	}
	claimed := 0
	for _, l := range lists {
		n, err := st.CountBlocks(ctx, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		claimed += n
	}
	// Each replica claims ceil(200/64) = 4 blocks.
	if claimed != len(svcs)*4 {
		t.Fatalf("%d blocks claimed, want %d", claimed, len(svcs)*4)
	}
	// A restarted writer claims a fresh block: the rest of the blocks the
	// old writers held is never reused.
	restarted := status.NewService(st, &testSigner{})
	es, _, err := restarted.Reserve(ctx, "bureau", "urn:uuid:after-restart", status.Revocation)
	if err != nil {
		t.Fatal(err)
	}
	for k := range seen {
		var list string
		var idx int
		if _, err := fmt.Sscanf(strings.Replace(k, "/", " ", 1), "%s %d", &list, &idx); err != nil {
			t.Fatal(err)
		}
		if list == es[0].ListID && idx/64 == es[0].Index/64 {
			t.Fatalf("restarted writer got index %d in a block claimed before (index %d)", es[0].Index, idx)
		}
	}
}
