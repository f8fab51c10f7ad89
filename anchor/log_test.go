package anchor_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/citizencloud/citizencredentials/anchor"
	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/sqlite"
)

func openStore(t testing.TB) *sqlite.Store {
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

// TestLogTiles checks the persisted tree: nodes missing from the store
// (leaves written without the log) are computed and stored by the first
// reader; Committed after the appends that complete a tile stores its node,
// and so does StoreNodes after a batch; a new Log over the same store (a restart)
// gives the same roots and proofs from the stored nodes.
func TestLogTiles(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	const n = 3*anchor.TileWidth + 5
	var leaves anchor.Leaves
	for i := range n {
		h := credHash(i)
		leaf := &anchor.Leaf{Index: int64(i), Hash: hex.EncodeToString(h[:]), CredentialID: fmt.Sprintf("urn:uuid:%d", i)}
		if err := st.AppendLeaf(ctx, leaf); err != nil {
			t.Fatal(err)
		}
		leaves = append(leaves, anchor.LeafHash(h[:]))
	}
	stored := func(level int) int {
		t.Helper()
		nodes, err := st.TileNodes(ctx, level, 0, anchor.TileWidth)
		if err != nil {
			t.Fatal(err)
		}
		return len(nodes)
	}
	if got := stored(anchor.TileHeight); got != 0 {
		t.Fatalf("%d nodes stored before any read", got)
	}
	check := func(l *anchor.Log, sizes ...uint64) {
		t.Helper()
		for _, size := range sizes {
			want := anchor.RootFromLeaves(leaves[:size])
			got, err := l.Root(ctx, int64(size))
			if err != nil || got != want {
				t.Fatalf("root of %d: %x, %v; want %x", size, got, err, want)
			}
			for _, i := range []uint64{0, size / 2, size - 1} {
				_, proof, err := l.Proof(ctx, fmt.Sprintf("urn:uuid:%d", i), int64(size))
				if err != nil {
					t.Fatal(err)
				}
				if err := anchor.VerifyInclusion(leaves[i], i, size, proof, want); err != nil {
					t.Fatalf("leaf %d of %d: %v", i, size, err)
				}
			}
			for _, m := range []uint64{1, size / 3, size - 1} {
				if m == 0 {
					continue
				}
				cp, err := l.ConsistencyProof(ctx, int64(m), int64(size))
				if err != nil {
					t.Fatal(err)
				}
				if err := anchor.VerifyConsistency(m, size, anchor.RootFromLeaves(leaves[:m]), want, cp); err != nil {
					t.Fatalf("consistency %d→%d: %v", m, size, err)
				}
			}
		}
	}
	check(anchor.NewLog(st), 1, 255, 256, 257, 511, 512, 513, n)
	if got := stored(anchor.TileHeight); got != 3 {
		t.Fatalf("%d level-8 nodes stored by the reader, want 3", got)
	}

	// The append that completes the fourth tile stores its node.
	l := anchor.NewLog(st)
	for i := n; i < 4*anchor.TileWidth; i++ {
		h := credHash(i)
		if _, err := l.Append(ctx, fmt.Sprintf("urn:uuid:%d", i), h); err != nil {
			t.Fatal(err)
		}
		leaves = append(leaves, anchor.LeafHash(h[:]))
	}
	if got := stored(anchor.TileHeight); got != 3 {
		t.Fatalf("%d level-8 nodes stored by the appends alone, want 3 (nodes wait for the commit)", got)
	}
	l.Committed(ctx, n, 4*anchor.TileWidth)
	if got := stored(anchor.TileHeight); got != 4 {
		t.Fatalf("%d level-8 nodes stored after the commit, want 4", got)
	}
	check(anchor.NewLog(st), 4*anchor.TileWidth-1, 4*anchor.TileWidth)

	// Leaves inserted by another path (a batch) get their nodes from
	// StoreNodes, before any reader asks.
	for i := 4 * anchor.TileWidth; i < 6*anchor.TileWidth+3; i++ {
		h := credHash(i)
		if err := st.AppendLeaf(ctx, &anchor.Leaf{Index: int64(i), Hash: hex.EncodeToString(h[:]), CredentialID: fmt.Sprintf("urn:uuid:%d", i)}); err != nil {
			t.Fatal(err)
		}
		leaves = append(leaves, anchor.LeafHash(h[:]))
	}
	if err := l.StoreNodes(ctx, 4*anchor.TileWidth, 6*anchor.TileWidth+3); err != nil {
		t.Fatal(err)
	}
	if got := stored(anchor.TileHeight); got != 6 {
		t.Fatalf("%d level-8 nodes stored after StoreNodes, want 6", got)
	}
	check(anchor.NewLog(st), 6*anchor.TileWidth, 6*anchor.TileWidth+3)
}

// benchLog fills a log of n leaves through the store (the node of every
// complete tile stored as Append would) and returns it.
func benchLog(b *testing.B, n int) (*anchor.Log, *sqlite.Store) {
	b.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	// One transaction for all leaves (AppendLeaf commits each: 1M would
	// take most of an hour).
	tx, err := st.DB().BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	ins, err := tx.PrepareContext(ctx, `INSERT INTO log_leaves (idx, hash, credential_id, created_at) VALUES (?, ?, ?, 0)`)
	if err != nil {
		b.Fatal(err)
	}
	for i := range n {
		h := credHash(i)
		if _, err := ins.ExecContext(ctx, i, hex.EncodeToString(h[:]), fmt.Sprintf("urn:uuid:%d", i)); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	l := anchor.NewLog(st)
	if _, err := l.Root(ctx, int64(n)); err != nil { // stores every node
		b.Fatal(err)
	}
	return l, st
}

// BenchmarkLogAppend is one logged credential (leaf insert, and the node of
// every 256th).
func BenchmarkLogAppend(b *testing.B) {
	ctx := context.Background()
	l := anchor.NewLog(openStore(b))
	i := 0
	for b.Loop() {
		if _, err := l.Append(ctx, fmt.Sprintf("urn:uuid:%d", i), credHash(i)); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkLogInclusionProof is one proof against the whole log from a
// fresh Log (a restart: no cached tiles), at 10k and 1M leaves (filling 1M
// takes about a minute; -short skips it).
func BenchmarkLogInclusionProof(b *testing.B) {
	sizes := []int{10_000}
	if !testing.Short() {
		sizes = append(sizes, 1_000_000)
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("leaves=%d", n), func(b *testing.B) {
			ctx := context.Background()
			_, st := benchLog(b, n)
			i := 0
			for b.Loop() {
				l := anchor.NewLog(st)
				if _, _, err := l.Proof(ctx, fmt.Sprintf("urn:uuid:%d", (i*7919)%n), int64(n)); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// TestLogPartialTileGrows: a Log caches the committed run of the
// incomplete tile at the right edge; leaves appended afterwards are read
// when a larger tree needs them, and roots and proofs stay right.
func TestLogPartialTileGrows(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	l := anchor.NewLog(st)
	var leaves anchor.Leaves
	appendTo := func(n int) {
		t.Helper()
		for i := len(leaves); i < n; i++ {
			h := credHash(i)
			if _, err := l.Append(ctx, fmt.Sprintf("urn:uuid:%d", i), h); err != nil {
				t.Fatal(err)
			}
			leaves = append(leaves, anchor.LeafHash(h[:]))
		}
	}
	for _, tc := range []struct {
		name string
		size int
	}{
		{"run of 44 in the second tile", anchor.TileWidth + 44},
		{"the run grows to 64", anchor.TileWidth + 64},
		{"the tile completes", 2 * anchor.TileWidth},
		{"a run in the third tile", 2*anchor.TileWidth + 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			appendTo(tc.size)
			size := uint64(tc.size)
			want := anchor.RootFromLeaves(leaves[:size])
			if got, err := l.Root(ctx, int64(size)); err != nil || got != want {
				t.Fatalf("root of %d: %x, %v; want %x", size, got, err, want)
			}
			for _, i := range []uint64{0, size - 2, size - 1} {
				_, proof, err := l.Proof(ctx, fmt.Sprintf("urn:uuid:%d", i), int64(size))
				if err != nil {
					t.Fatal(err)
				}
				if err := anchor.VerifyInclusion(leaves[i], i, size, proof, want); err != nil {
					t.Fatalf("leaf %d of %d: %v", i, size, err)
				}
			}
		})
	}
}

// BenchmarkLogInclusionProofWarm is one proof against the whole log from
// a running Log, whose cached tiles include the committed run of the
// incomplete tile at the right edge (10,000 is not a multiple of 256).
func BenchmarkLogInclusionProofWarm(b *testing.B) {
	const n = 10_000
	ctx := context.Background()
	l, _ := benchLog(b, n)
	i := 0
	for b.Loop() {
		if _, _, err := l.Proof(ctx, fmt.Sprintf("urn:uuid:%d", (i*7919)%n), int64(n)); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// TestLogTilesTwoLevels crosses a level-16 node (65,536 leaves): roots and
// proofs from the stored nodes of two tile levels match the tree in memory.
func TestLogTilesTwoLevels(t *testing.T) {
	if testing.Short() {
		t.Skip("fills 70,000 leaves")
	}
	ctx := context.Background()
	st := openStore(t)
	const n = 1<<16 + 4500
	tx, err := st.DB().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var leaves anchor.Leaves
	for i := range n {
		h := credHash(i)
		if _, err := tx.ExecContext(ctx, `INSERT INTO log_leaves (idx, hash, credential_id, created_at) VALUES (?, ?, ?, 0)`,
			i, hex.EncodeToString(h[:]), fmt.Sprintf("urn:uuid:%d", i)); err != nil {
			t.Fatal(err)
		}
		leaves = append(leaves, anchor.LeafHash(h[:]))
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := anchor.NewLog(st).StoreNodes(ctx, 0, n); err != nil {
		t.Fatal(err)
	}
	if top, err := st.TileNodes(ctx, 2*anchor.TileHeight, 0, 1); err != nil || len(top) != 1 {
		t.Fatalf("level-16 node: %v, %v", top, err)
	}
	l := anchor.NewLog(st)
	for _, tc := range []struct {
		name       string
		size, leaf uint64
	}{
		{"ok/perfect-two-levels", 1 << 16, 40_000},
		{"ok/one-past", 1<<16 + 1, 1 << 16},
		{"ok/ragged", n, 12_345},
		{"ok/ragged-last", n, n - 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := anchor.RootFromLeaves(leaves[:tc.size])
			got, err := l.Root(ctx, int64(tc.size))
			if err != nil || got != want {
				t.Fatalf("root %x, %v; want %x", got, err, want)
			}
			_, proof, err := l.Proof(ctx, fmt.Sprintf("urn:uuid:%d", tc.leaf), int64(tc.size))
			if err != nil {
				t.Fatal(err)
			}
			if err := anchor.VerifyInclusion(leaves[tc.leaf], tc.leaf, tc.size, proof, want); err != nil {
				t.Fatal(err)
			}
			m := tc.size / 3
			cp, err := l.ConsistencyProof(ctx, int64(m), int64(tc.size))
			if err != nil {
				t.Fatal(err)
			}
			if err := anchor.VerifyConsistency(m, tc.size, anchor.RootFromLeaves(leaves[:m]), want, cp); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestCoveringRootMemo checks the log-root coverage memo against the
// store's answer: leaves under one root share it, a leaf below the range
// an answer was given for asks the store again, and a root confirmed late
// is seen once the memo's entry expires.
func TestCoveringRootMemo(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	now := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	l := anchor.NewLog(st, anchor.WithLogClock(func() time.Time { return now }))
	confirm := func(size int64) {
		t.Helper()
		it := &anchor.Item{ID: anchor.LogItemID(size), Kind: anchor.KindLogRoot, TreeSize: size, Digest: fmt.Sprintf("%064x", size),
			State: anchor.Confirmed, TxHash: fmt.Sprintf("0x%064x", size), Block: uint64(size), BlockTime: now, CreatedAt: now, UpdatedAt: now}
		if err := st.Enqueue(ctx, it); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := l.CoveringRoot(ctx, 0); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("no root confirmed: %v, want not found", err)
	}
	confirm(10)
	confirm(20)
	steps := []struct {
		name    string
		before  func()
		index   int64
		want    int64 // tree size; 0: not found
		wantErr bool
	}{
		{"first root", nil, 5, 10, false},
		{"second root", nil, 15, 20, false},
		{"below the range the memo knows: the store answers", nil, 12, 20, false},
		{"a root confirmed late is not seen while the memo is fresh", func() { confirm(14) }, 13, 20, false},
		{"it is seen once the entry expires", func() { now = now.Add(11 * time.Second) }, 13, 14, false},
		{"beyond every root", nil, 20, 0, true},
	}
	for _, s := range steps {
		if s.before != nil {
			s.before()
		}
		it, err := l.CoveringRoot(ctx, s.index)
		if s.wantErr {
			if !errors.Is(err, fault.ErrNotFound) {
				t.Fatalf("%s: %v, want not found", s.name, err)
			}
			continue
		}
		if err != nil || it.TreeSize != s.want {
			t.Fatalf("%s: CoveringRoot(%d) = %+v, %v; want tree size %d", s.name, s.index, it, err, s.want)
		}
		direct, err := st.LogRootCovering(ctx, s.index)
		if err != nil {
			t.Fatal(err)
		}
		if direct.TreeSize != it.TreeSize && s.name != "a root confirmed late is not seen while the memo is fresh" {
			t.Fatalf("%s: memo %d, store %d", s.name, it.TreeSize, direct.TreeSize)
		}
	}
}
