package ledger

import (
	"sync"
	"time"

	"github.com/citizencloud/citizencredentials/anchor"
)

// Cache bounds. Entries are only ever added for our own records (a status
// list version, a log tree size or a credential that the store holds)
// after the chain showed them at the confirmation depth, so no caller can
// fill the caches with invented keys.
const (
	anchorCacheSize = 65_536 // ~100 B each
	provenCacheSize = 65_536 // ~1 KiB each (the proof's hashes)
	// fingerprintCacheSize bounds the thumbprints of our keys (one per
	// bureau key; ~100 B each).
	fingerprintCacheSize = 4096
	// localDIDCacheSize bounds the DIDs of our bureaus remembered as ours.
	localDIDCacheSize = 4096
)

// bounded is a map with at most max entries; when full, an arbitrary
// entry makes room. Its values never change once stored, so which one
// goes only costs a re-read.
type bounded[K comparable, V any] struct {
	mu  sync.Mutex
	max int
	m   map[K]V
}

func newBounded[K comparable, V any](max int) *bounded[K, V] {
	return &bounded[K, V]{max: max, m: map[K]V{}}
}

func (c *bounded[K, V]) get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[k]
	return v, ok
}

func (c *bounded[K, V]) put(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[k]; !ok && len(c.m) >= c.max {
		for old := range c.m {
			delete(c.m, old)
			break
		}
	}
	c.m[k] = v
}

// anchorKey names a confirmed anchor: a status list version, or (with an
// empty list) the log root of a tree size.
type anchorKey struct {
	list     string
	version  int
	treeSize int64
}

// provenIssuance is the outcome of a credential's issuance_anchor check
// once proven: its leaf, the anchored tree it was proven against, where,
// and the outbox's record of that anchor (what IssuanceAnchor returns).
type provenIssuance struct {
	leafIndex, treeSize int64
	block               uint64
	blockTime           time.Time
	ref                 anchor.TxRef
}

// confirmed returns the chain's record of an anchor if the cache has it.
func (l *Ledger) confirmed(k anchorKey) (anchor.Anchored, bool) { return l.anchorCache.get(k) }
