package anchor

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/citizencloud/citizencredentials/fault"
)

const (
	// TileHeight is the number of tree levels one tile spans: the store
	// keeps the interior hashes of every TileHeight-th level (TileNode),
	// and TileWidth consecutive hashes of one level are read at once.
	TileHeight = 8
	TileWidth  = 1 << TileHeight
	// tileCacheSize bounds the tiles kept in memory (9 KiB each with
	// their upper levels: 36 MiB at most). Complete tiles never change.
	tileCacheSize = 4096
	// lowLevels: the roots of a tile's subtrees of 2^lowLevels hashes and
	// more are kept with it (30 hashes); smaller ones (at most 8 hashes)
	// are hashed when asked for.
	lowLevels = 4
	// appendTries bounds the retries of Append when replicas race for the
	// next index.
	appendTries = 1024
	// probeJump is how many indices Append probes before re-reading the size.
	probeJump = 16
)

// LogOption configures a Log.
type LogOption func(*Log)

// WithLogClock sets the time source of a Log (the leaves' CreatedAt).
func WithLogClock(now func() time.Time) LogOption { return func(l *Log) { l.now = now } }

// Log is the issuance log: an append-only RFC 6962 Merkle tree whose
// leaves are the hashes of issued credentials, kept in the store (one
// Leaf per credential, its index allocated by insert under a unique
// index). It is safe for concurrent use, also by several replicas.
//
// Persisted tree: besides the leaves, the store keeps the root of every
// complete perfect subtree at levels 8, 16, 24, ... (TileNode). The append
// that completes a subtree of 256 leaves stores its hash (and, when that
// completes 256 of those, the next level's, and so on). Any node of the tree
// is then the hash of at most 128 hashes of one tile, so a root, an
// inclusion proof or a consistency proof against any tree size reads at
// most two tiles per 8 levels (3 levels of tiles cover 16M leaves): a
// handful of range queries, whatever the log's size, and nothing is
// rebuilt at start-up. A node found missing (a crash between a leaf's
// insert and its node's, or leaves written by another path) is computed
// from the level below and stored by the reader that needs it. Complete
// tiles are cached in memory, bounded by tileCacheSize, and so is the
// committed start of an incomplete tile (the right edge of the tree, which
// every proof against a recent tree size reads): a committed leaf or node
// never changes, so a cached run only ever grows.
type Log struct {
	store  Store
	now    func() time.Time
	logger *slog.Logger

	appendMu sync.Mutex // serialises this process's appends (fewer conflicts)
	next     int64      // index the next append tries; -1: ask the store

	mu    sync.Mutex
	tiles map[tileKey]*tileEntry // complete tiles and committed runs of incomplete ones; at most tileCacheSize

	// seen is the largest leaf count read from the store. The log only
	// grows, so a tree size at or below it is known to be within the log
	// without reading the count again.
	seen atomic.Int64

	rootsMu sync.Mutex
	roots   map[int64][32]byte // roots of committed tree sizes; at most rootCacheSize

	coverMu sync.Mutex
	cover   []coverage // by tree size; at most coverCacheSize
}

// coverage remembers an answer of Store.LogRootCovering: for leaves from
// index from up to the item's tree size, the first confirmed root was it,
// as of fetched.
type coverage struct {
	from    int64
	it      *Item
	fetched time.Time
}

// Bounds of the log-root coverage memo. A confirmed root stays confirmed
// unless its block is lost and the worker anchors it again (then its
// transaction changes), so an answer is kept for coverTTL only.
const (
	coverCacheSize = 1024
	coverTTL       = 10 * time.Second
)

// rootCacheSize bounds the cached tree roots: a verification asks for the
// root of the anchored tree that covers its credential, which is one of a
// few recent sizes.
const rootCacheSize = 1024

// tileKey names the tile of TileWidth nodes at tree level Level (a multiple
// of TileHeight) starting at node Index·TileWidth.
type tileKey struct {
	level uint
	index uint64
}

// NewLog returns the issuance log over store.
func NewLog(store Store, opts ...LogOption) *Log {
	l := &Log{store: store, now: time.Now, logger: slog.Default(), tiles: map[tileKey]*tileEntry{}, roots: map[int64][32]byte{}, next: -1}
	for _, o := range opts {
		o(l)
	}
	return l
}

// Append logs a credential's hash and returns its leaf index. It is
// idempotent: appending a credential that is already logged with the same
// hash returns its existing index.
//
// Errors: fault.ErrConflict if the credential is logged with a different
// hash; fault.Unavailable if the index could not be allocated after many
// concurrent appends; store errors as they are.
func (l *Log) Append(ctx context.Context, credentialID string, credentialHash [32]byte) (int64, error) {
	if credentialID == "" {
		return 0, fault.E(fault.Invalid, "credential id is required")
	}
	hexHash := hex.EncodeToString(credentialHash[:])
	l.appendMu.Lock()
	defer l.appendMu.Unlock()
	n := l.next
	for attempt := range appendTries {
		// The next index is remembered between appends, so a single writer
		// never asks the store for its size. After a conflict it probes the
		// following index rather than re-reading the size: inserts under the
		// unique index are cheap, while counting may not be (FerretDB scans),
		// and a replica that re-counted after every lost race would always
		// lose to one that probes. Every probeJump conflicts it re-reads the
		// size to skip ahead of a fast writer.
		if n < 0 || (attempt > 0 && attempt%probeJump == 0) {
			var err error
			if n, err = l.store.LeafCount(ctx); err != nil {
				return 0, err
			}
		}
		leaf := &Leaf{Index: n, Hash: hexHash, CredentialID: credentialID, CreatedAt: l.now().UTC()}
		err := l.store.AppendLeaf(ctx, leaf)
		if err == nil {
			l.next = n + 1
			return n, nil
		}
		l.next = -1
		if !errors.Is(err, fault.ErrConflict) {
			return 0, err
		}
		// Either another replica took index n, or the credential is already
		// logged (a retried issuance): look it up now and then, not after
		// every lost race.
		if attempt == 0 || attempt%probeJump == probeJump-1 {
			if idx, ok, err := l.existing(ctx, credentialID, hexHash); ok || err != nil {
				return idx, err
			}
		}
		n++
		if attempt >= 2*probeJump {
			if err := sleepJitter(ctx, attempt-2*probeJump); err != nil {
				return 0, err
			}
		}
	}
	return 0, fault.E(fault.Unavailable, "issuance log: too many concurrent appends")
}

// existing returns the index of the credential's leaf if it is logged.
func (l *Log) existing(ctx context.Context, credentialID, hexHash string) (int64, bool, error) {
	leaf, err := l.store.LeafOf(ctx, credentialID)
	if errors.Is(err, fault.ErrNotFound) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	if leaf.Hash != hexHash {
		return 0, true, fault.Wrap(fault.Conflict, fault.ErrConflict, "credential is already logged with a different hash")
	}
	return leaf.Index, true, nil
}

func sleepJitter(ctx context.Context, attempt int) error {
	var b [2]byte
	_, _ = rand.Read(b[:])
	d := time.Duration(binary.BigEndian.Uint16(b[:])%uint16(min(attempt, 50)*2+1)) * time.Millisecond
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Size returns the number of leaves.
func (l *Log) Size(ctx context.Context) (int64, error) { return l.store.LeafCount(ctx) }

// Root returns the root of the tree of the first size leaves.
// Errors: fault.Invalid if size is negative or beyond the log.
func (l *Log) Root(ctx context.Context, size int64) ([32]byte, error) {
	if err := l.checkSize(ctx, size); err != nil {
		return [32]byte{}, err
	}
	l.rootsMu.Lock()
	r, ok := l.roots[size]
	l.rootsMu.Unlock()
	if ok {
		return r, nil
	}
	r, err := Root(ctx, l, uint64(size))
	if err != nil {
		return r, err
	}
	// The tree of size leaves is committed (checkSize), so its root never
	// changes.
	l.rootsMu.Lock()
	if len(l.roots) >= rootCacheSize {
		clear(l.roots)
	}
	l.roots[size] = r
	l.rootsMu.Unlock()
	return r, nil
}

// Proof returns the credential's leaf and its inclusion proof in the tree
// of treeSize leaves. Errors: fault.ErrNotFound if the credential is not
// logged; fault.Invalid if treeSize does not contain the leaf or is beyond
// the log.
func (l *Log) Proof(ctx context.Context, credentialID string, treeSize int64) (*Leaf, [][32]byte, error) {
	leaf, err := l.store.LeafOf(ctx, credentialID)
	if err != nil {
		return nil, nil, err
	}
	proof, err := l.ProofOf(ctx, leaf, treeSize)
	if err != nil {
		return nil, nil, err
	}
	return leaf, proof, nil
}

// CoveringRoot is Store.LogRootCovering(index) with a short memo: the
// leaves under one anchored root share its answer, so a stream of first
// verifications reads the outbox once per root and coverTTL, not once per
// credential. A root confirmed after the memo was filled (an earlier tree
// anchored late) is seen when the entry expires; until then the later
// root answered is as valid a proof.
func (l *Log) CoveringRoot(ctx context.Context, index int64) (*Item, error) {
	now := l.now()
	l.coverMu.Lock()
	i := sort.Search(len(l.cover), func(i int) bool { return l.cover[i].it.TreeSize > index })
	if i < len(l.cover) && l.cover[i].from <= index && now.Sub(l.cover[i].fetched) < coverTTL {
		it := *l.cover[i].it
		l.coverMu.Unlock()
		return &it, nil
	}
	l.coverMu.Unlock()
	it, err := l.store.LogRootCovering(ctx, index)
	if err != nil {
		return nil, err
	}
	l.coverMu.Lock()
	defer l.coverMu.Unlock()
	j := sort.Search(len(l.cover), func(j int) bool { return l.cover[j].it.TreeSize >= it.TreeSize })
	switch {
	case j < len(l.cover) && l.cover[j].it.TreeSize == it.TreeSize && now.Sub(l.cover[j].fetched) < coverTTL:
		l.cover[j].from = min(l.cover[j].from, index)
	case j < len(l.cover) && l.cover[j].it.TreeSize == it.TreeSize:
		l.cover[j] = coverage{from: index, it: it, fetched: now}
	default:
		if len(l.cover) >= coverCacheSize {
			l.cover, j = nil, 0
		}
		l.cover = slices.Insert(l.cover, j, coverage{from: index, it: it, fetched: now})
	}
	c := *it
	return &c, nil
}

// ProofOf is Proof for a leaf already read from the store.
func (l *Log) ProofOf(ctx context.Context, leaf *Leaf, treeSize int64) ([][32]byte, error) {
	if treeSize <= leaf.Index {
		return nil, fault.E(fault.Invalid, "tree size %d does not contain leaf %d", treeSize, leaf.Index)
	}
	if err := l.checkSize(ctx, treeSize); err != nil {
		return nil, err
	}
	return InclusionProof(ctx, l, uint64(leaf.Index), uint64(treeSize))
}

// ConsistencyProof returns the proof that the tree of size m is a prefix
// of the tree of size n.
func (l *Log) ConsistencyProof(ctx context.Context, m, n int64) ([][32]byte, error) {
	if m < 0 || m > n {
		return nil, fault.E(fault.Invalid, "consistency from %d to %d", m, n)
	}
	if err := l.checkSize(ctx, n); err != nil {
		return nil, err
	}
	return ConsistencyProof(ctx, l, uint64(m), uint64(n))
}

func (l *Log) checkSize(ctx context.Context, size int64) error {
	if size < 0 {
		return fault.E(fault.Invalid, "negative tree size")
	}
	if size <= l.seen.Load() {
		return nil
	}
	n, err := l.store.LeafCount(ctx)
	if err != nil {
		return err
	}
	for cur := l.seen.Load(); n > cur && !l.seen.CompareAndSwap(cur, n); cur = l.seen.Load() {
	}
	if size > n {
		return fault.E(fault.Invalid, "tree size %d is beyond the log (%d leaves)", size, n)
	}
	return nil
}

// Committed stores the interior nodes completed by the leaves with
// from <= index < to, once they are committed. Append does not store nodes
// itself: it may run inside a store transaction that is rolled back, and
// nodes (and the tiles this Log caches) must only ever be computed from
// committed leaves. It is best effort: a node not stored now is computed and
// stored by the first reader that needs it, so a failure is logged, not
// returned (the leaves are already logged).
func (l *Log) Committed(ctx context.Context, from, to int64) {
	if err := l.StoreNodes(ctx, from, to); err != nil {
		l.logger.WarnContext(ctx, "issuance log: interior nodes not stored; a reader will store them", "from", from, "to", to, "err", err)
	}
}

// StoreNodes stores the interior nodes completed by the leaves with
// from <= index < to, which must all be in the store (committed); see
// Committed. Nodes it misses are stored later by the readers that
// need them, so an error here loses nothing but time.
func (l *Log) StoreNodes(ctx context.Context, from, to int64) error {
	if from < 0 || to <= from {
		return nil
	}
	for level := uint(TileHeight); level < 56 && to>>level > 0; level += TileHeight {
		first := uint64(from) >> level // the first node a leaf in [from, to) is in
		last := uint64(to)>>level - 1  // the last complete node
		if uint64(to)>>level == 0 || last < first {
			continue
		}
		for t := first / TileWidth; t <= last/TileWidth; t++ {
			need := TileWidth
			if t == last/TileWidth {
				need = int(last%TileWidth) + 1
			}
			if _, err := l.tile(ctx, level, t, need); err != nil {
				return err
			}
		}
	}
	return nil
}

// Nodes implements NodeReader over the store's tiles. Every node must be
// a complete subtree of the log as it is.
func (l *Log) Nodes(ctx context.Context, ids []NodeID) ([][32]byte, error) {
	// The tile that holds each node's descendants at its tile level, and
	// how many of its hashes are needed.
	need := map[tileKey]int{}
	for _, id := range ids {
		if id.Level >= 56 {
			return nil, fault.E(fault.Internal, "issuance log: node level %d", id.Level)
		}
		base, r := id.Level-id.Level%TileHeight, id.Level%TileHeight
		first := id.Index << r
		k := tileKey{base, first / TileWidth}
		need[k] = max(need[k], int(first%TileWidth)+1<<r)
	}
	tiles := make(map[tileKey]*tileEntry, len(need))
	for k, n := range need {
		t, err := l.tile(ctx, k.level, k.index, n)
		if err != nil {
			return nil, err
		}
		tiles[k] = t
	}
	out := make([][32]byte, len(ids))
	for i, id := range ids {
		base, r := id.Level-id.Level%TileHeight, id.Level%TileHeight
		first := id.Index << r
		t := tiles[tileKey{base, first / TileWidth}]
		out[i] = t.node(r, first%TileWidth)
	}
	return out, nil
}

// tileEntry is a tile's run of hashes (all TileWidth when complete) and,
// for each level r from lowLevels to TileHeight-1, the roots of its
// complete subtrees of 2^r hashes: upper[r-lowLevels][i] is the root of
// hashes[i<<r : (i+1)<<r].
type tileEntry struct {
	hashes [][32]byte
	upper  [TileHeight - lowLevels][][32]byte
}

func newTileEntry(hashes [][32]byte) *tileEntry {
	t := &tileEntry{hashes: hashes}
	n := len(hashes) >> lowLevels
	if n == 0 {
		return t
	}
	low := make([][32]byte, n)
	for i := range low {
		low[i] = perfectRoot(hashes[i<<lowLevels : (i+1)<<lowLevels])
	}
	t.upper[0] = low
	for r := 1; r < len(t.upper); r++ {
		below := t.upper[r-1]
		lvl := make([][32]byte, len(below)/2)
		for i := range lvl {
			lvl[i] = NodeHash(below[2*i], below[2*i+1])
		}
		t.upper[r] = lvl
	}
	return t
}

// node returns the root of the subtree of 2^r hashes at offset off (a
// multiple of 2^r) of the tile; r = TileHeight is the whole tile. The
// subtree must be within the run.
func (t *tileEntry) node(r uint, off uint64) [32]byte {
	switch {
	case r == TileHeight:
		top := t.upper[len(t.upper)-1]
		return NodeHash(top[0], top[1])
	case r >= lowLevels:
		return t.upper[r-lowLevels][off>>r]
	}
	return perfectRoot(t.hashes[off : off+1<<r])
}

// tile returns at least the first need hashes of the tile (level, index):
// leaf hashes at level 0, stored nodes above, computing and storing the
// nodes that are missing from the level below.
func (l *Log) tile(ctx context.Context, level uint, index uint64, need int) (*tileEntry, error) {
	k := tileKey{level, index}
	l.mu.Lock()
	e, ok := l.tiles[k]
	l.mu.Unlock()
	if ok && len(e.hashes) >= need {
		return e, nil
	}
	from := int64(index * TileWidth)
	if level == 0 {
		t, err := l.leafTile(ctx, from, need)
		if err != nil {
			return nil, err
		}
		return l.keep(k, t), nil
	}
	stored, err := l.store.TileNodes(ctx, int(level), from, from+TileWidth)
	if err != nil {
		return nil, err
	}
	t := make([][32]byte, 0, TileWidth)
	for i, n := range stored {
		h, err := ParseDigest(n.Hash)
		if n.Index != from+int64(i) || err != nil {
			break // a gap or a bad row: recomputed below
		}
		t = append(t, h)
	}
	var missing []*TileNode
	for j := len(t); j < need; j++ {
		child, err := l.tile(ctx, level-TileHeight, index*TileWidth+uint64(j), TileWidth)
		if err != nil {
			return nil, err
		}
		h := child.node(TileHeight, 0)
		t = append(t, h)
		missing = append(missing, &TileNode{Level: int(level), Index: from + int64(j), Hash: hex.EncodeToString(h[:])})
	}
	if len(missing) > 0 {
		if err := l.store.AddTileNodes(ctx, missing); err != nil {
			if errors.Is(err, fault.ErrConflict) {
				return nil, fault.E(fault.Internal, "issuance log: a stored interior hash at level %d differs from its leaves", level)
			}
			return nil, fmt.Errorf("store issuance log nodes: %w", err)
		}
	}
	return l.keep(k, t), nil
}

// leafTile reads the leaves of one tile from from and returns the hashes of
// the contiguous run from its start; it fails unless that run has need
// leaves.
func (l *Log) leafTile(ctx context.Context, from int64, need int) ([][32]byte, error) {
	page, err := l.store.Leaves(ctx, from, from+TileWidth)
	if err != nil {
		return nil, err
	}
	out := make([][32]byte, 0, len(page))
	for i, leaf := range page {
		if leaf.Index != from+int64(i) {
			break
		}
		b, err := hex.DecodeString(leaf.Hash)
		if err != nil || len(b) != 32 {
			return nil, fault.E(fault.Internal, "issuance log: leaf %d has a malformed hash", leaf.Index)
		}
		out = append(out, LeafHash(b))
	}
	if len(out) < need {
		return nil, fault.E(fault.Internal, "issuance log: leaf %d is missing", from+int64(len(out)))
	}
	return out, nil
}

// keep returns the entry of a tile's run t and caches it (the tile, or
// the committed run from its start) unless a longer run of it is cached;
// it evicts an arbitrary tile when full.
func (l *Log) keep(k tileKey, t [][32]byte) *tileEntry {
	n := min(len(t), TileWidth)
	e := newTileEntry(t[:n:n])
	if n == 0 {
		return e
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	old, ok := l.tiles[k]
	if ok && len(old.hashes) >= n {
		return e
	}
	if !ok && len(l.tiles) >= tileCacheSize {
		for old := range l.tiles {
			delete(l.tiles, old)
			break
		}
	}
	l.tiles[k] = e
	return e
}
