package anchor_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/citizencloud/citizencredentials/anchor"
	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/sqlite"
)

func openStore(t *testing.T) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func credHash(i int) [32]byte { return sha256.Sum256([]byte(fmt.Sprintf("credential %d", i))) }

// TestLogConcurrentAppends appends from two Log instances (two replicas) on
// one store, past the 1,024-leaf page, and checks indices, roots and proofs.
func TestLogConcurrentAppends(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	replicas := []*anchor.Log{anchor.NewLog(st), anchor.NewLog(st)}
	const n = 1100
	idx := make([]int64, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for w := range 4 {
		wg.Go(func() {
			l := replicas[w%2]
			for i := w; i < n; i += 4 {
				got, err := l.Append(ctx, fmt.Sprintf("urn:uuid:%d", i), credHash(i))
				if err != nil {
					errs <- err
					return
				}
				idx[i] = got
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	seen := make([]bool, n)
	for i, x := range idx {
		if x < 0 || x >= n || seen[x] {
			t.Fatalf("credential %d got index %d (duplicate or out of range)", i, x)
		}
		seen[x] = true
	}

	// The root over the store equals the root over the leaves in memory.
	leaves := make(anchor.Leaves, n)
	for i, x := range idx {
		h := credHash(i)
		leaves[x] = anchor.LeafHash(h[:])
	}
	for _, size := range []int64{1, 2, 3, 1023, 1024, 1025, n} {
		want := anchor.RootFromLeaves(leaves[:size])
		for r, l := range append(replicas, anchor.NewLog(st)) { // warm and cold caches
			got, err := l.Root(ctx, size)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Fatalf("replica %d: root of %d = %x, want %x", r, size, got, want)
			}
		}
	}
	root, _ := replicas[0].Root(ctx, n)
	for _, i := range []int{0, 1, 511, 1023, 1024, n - 1} {
		leaf, proof, err := replicas[1].Proof(ctx, fmt.Sprintf("urn:uuid:%d", i), n)
		if err != nil {
			t.Fatal(err)
		}
		h := credHash(i)
		if leaf.Hash != hex.EncodeToString(h[:]) {
			t.Fatalf("leaf %d hash %s", i, leaf.Hash)
		}
		if err := anchor.VerifyInclusion(anchor.LeafHash(h[:]), uint64(leaf.Index), n, proof, root); err != nil {
			t.Fatalf("credential %d: %v", i, err)
		}
	}
	small, _ := replicas[0].Root(ctx, 700)
	cp, err := replicas[0].ConsistencyProof(ctx, 700, n)
	if err != nil {
		t.Fatal(err)
	}
	if err := anchor.VerifyConsistency(700, n, small, root, cp); err != nil {
		t.Fatal(err)
	}

	// Idempotent append; a different hash for a logged credential conflicts.
	again, err := replicas[1].Append(ctx, "urn:uuid:5", credHash(5))
	if err != nil || again != idx[5] {
		t.Fatalf("re-append: %d, %v; want %d", again, err, idx[5])
	}
	if _, err := replicas[0].Append(ctx, "urn:uuid:5", credHash(6)); !errors.Is(err, fault.ErrConflict) {
		t.Fatalf("re-append with another hash: %v", err)
	}
	if c, _ := st.LeafCount(ctx); c != n {
		t.Fatalf("%d leaves after re-appends", c)
	}
	for _, tc := range []struct {
		name string
		cred string
		size int64
		want error
	}{
		{"fail/beyond-log", "urn:uuid:1", n + 1, fault.E(fault.Invalid, "")},
		{"fail/size-excludes-leaf", "urn:uuid:1", idx[1], fault.E(fault.Invalid, "")},
		{"fail/unknown-credential", "urn:uuid:nope", n, fault.ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := replicas[0].Proof(ctx, tc.cred, tc.size)
			if fault.CodeOf(err) != fault.CodeOf(tc.want) {
				t.Fatalf("err %v", err)
			}
		})
	}
}
