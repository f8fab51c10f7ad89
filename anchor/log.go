package anchor

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math/bits"
	"sync"
	"time"

	"github.com/citizencloud/citizencredentials/fault"
)

const (
	// cacheHeight is the height of the smallest cached subtree: 2^10 =
	// 1,024 leaves, also the page size in which leaves are read.
	cacheHeight = 10
	pageSize    = 1 << cacheHeight
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
// Cost: leaves are never loaded all at once; they are read in pages of
// 1,024. Every perfect subtree of at least 1,024 leaves is immutable once
// complete, so its hash is cached in memory for the life of the process
// (about 2 × n/1,024 entries of ~100 bytes: ~2 MB for 10M leaves). The
// first root or proof over n leaves costs n/1,024 page reads and n hashes
// (10M leaves: ~10k queries and ~1 s of hashing on one core); later ones
// cost O(log n) cache hits plus at most two pages for the ragged right
// edge. A process that serves proofs for a huge log can warm the cache
// with Root(ctx, size) at start-up.
type Log struct {
	store Store
	now   func() time.Time

	appendMu sync.Mutex // serialises this process's appends (fewer conflicts)
	next     int64      // index the next append tries; -1: ask the store

	mu    sync.Mutex
	cache map[node][32]byte // perfect subtrees of height >= cacheHeight
}

// node names the perfect subtree of height h starting at leaf index from.
type node struct {
	from uint64
	h    uint8
}

// NewLog returns the issuance log over store.
func NewLog(store Store, opts ...LogOption) *Log {
	l := &Log{store: store, now: time.Now, cache: map[node][32]byte{}, next: -1}
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
	if size == 0 {
		return EmptyRoot, nil
	}
	return l.RangeHash(ctx, 0, uint64(size))
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
	if treeSize <= leaf.Index {
		return nil, nil, fault.E(fault.Invalid, "tree size %d does not contain leaf %d", treeSize, leaf.Index)
	}
	if err := l.checkSize(ctx, treeSize); err != nil {
		return nil, nil, err
	}
	proof, err := InclusionProof(ctx, l, uint64(leaf.Index), uint64(treeSize))
	if err != nil {
		return nil, nil, err
	}
	return leaf, proof, nil
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
	n, err := l.store.LeafCount(ctx)
	if err != nil {
		return err
	}
	if size > n {
		return fault.E(fault.Invalid, "tree size %d is beyond the log (%d leaves)", size, n)
	}
	return nil
}

// RangeHash implements RangeHasher over the store, with the subtree cache.
// The caller guarantees to <= LeafCount.
func (l *Log) RangeHash(ctx context.Context, from, to uint64) ([32]byte, error) {
	if from >= to {
		return [32]byte{}, fmt.Errorf("empty leaf range [%d, %d)", from, to)
	}
	n := to - from
	if n&(n-1) == 0 && from%n == 0 {
		return l.perfect(ctx, from, uint8(bits.TrailingZeros64(n)))
	}
	if n <= pageSize {
		hs, err := l.leafHashes(ctx, from, to)
		if err != nil {
			return [32]byte{}, err
		}
		return RootFromLeaves(hs), nil
	}
	k := split(n)
	left, err := l.RangeHash(ctx, from, from+k)
	if err != nil {
		return [32]byte{}, err
	}
	right, err := l.RangeHash(ctx, from+k, to)
	if err != nil {
		return [32]byte{}, err
	}
	return NodeHash(left, right), nil
}

// perfect returns the hash of the perfect subtree of height h at from.
func (l *Log) perfect(ctx context.Context, from uint64, h uint8) ([32]byte, error) {
	key := node{from, h}
	if h >= cacheHeight {
		l.mu.Lock()
		v, ok := l.cache[key]
		l.mu.Unlock()
		if ok {
			return v, nil
		}
	}
	var v [32]byte
	if h <= cacheHeight {
		hs, err := l.leafHashes(ctx, from, from+1<<h)
		if err != nil {
			return [32]byte{}, err
		}
		v = RootFromLeaves(hs)
	} else {
		left, err := l.perfect(ctx, from, h-1)
		if err != nil {
			return [32]byte{}, err
		}
		right, err := l.perfect(ctx, from+1<<(h-1), h-1)
		if err != nil {
			return [32]byte{}, err
		}
		v = NodeHash(left, right)
	}
	if h >= cacheHeight {
		l.mu.Lock()
		l.cache[key] = v
		l.mu.Unlock()
	}
	return v, nil
}

// leafHashes reads the leaves [from, to) (at most one page at a time) and
// returns their RFC 6962 leaf hashes. It fails unless every index is there.
func (l *Log) leafHashes(ctx context.Context, from, to uint64) ([][32]byte, error) {
	out := make([][32]byte, 0, to-from)
	for start := from; start < to; start += pageSize {
		end := min(start+pageSize, to)
		page, err := l.store.Leaves(ctx, int64(start), int64(end))
		if err != nil {
			return nil, err
		}
		if uint64(len(page)) != end-start {
			return nil, fault.E(fault.Internal, "issuance log: %d leaves in [%d, %d)", len(page), start, end)
		}
		for i, leaf := range page {
			if leaf.Index != int64(start)+int64(i) {
				return nil, fault.E(fault.Internal, "issuance log: leaf %d where %d expected", leaf.Index, int64(start)+int64(i))
			}
			b, err := hex.DecodeString(leaf.Hash)
			if err != nil || len(b) != 32 {
				return nil, fault.E(fault.Internal, "issuance log: leaf %d has a malformed hash", leaf.Index)
			}
			out = append(out, LeafHash(b))
		}
	}
	return out, nil
}
