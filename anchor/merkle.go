package anchor

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"math/bits"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
)

// Merkle tree of RFC 6962 §2.1 (= RFC 9162 §2.1): the leaf hash is
// SHA-256(0x00 || data), an interior node SHA-256(0x01 || left || right),
// the root of n leaves splits them at the largest power of two below n, and
// the root of the empty tree is SHA-256 of nothing. Our leaves' data is the
// 32-byte SHA-256 of an issued credential (CredentialHash).
//
// Hashing, the choice of nodes that make up a proof and proof verification
// are github.com/transparency-dev/merkle (the library under trillian,
// tessera and rekor); this file adapts it to fixed-size hashes and to a
// NodeReader that fetches the nodes a proof needs.

// ErrProof: a proof does not verify (wrong length, wrong hashes, or index
// and size that do not fit). Callers report the evidence as not proven.
var ErrProof = errors.New("merkle proof does not verify")

// EmptyRoot is the root of the empty tree, SHA-256("").
var EmptyRoot = sha256.Sum256(nil)

var hasher = rfc6962.DefaultHasher

// CredentialHash is the leaf data of a credential: SHA-256 of the issued
// credential exactly as it was returned to the holder (the compact vc+jwt,
// or the JSON bytes of a Data Integrity credential).
func CredentialHash(credential []byte) [32]byte { return sha256.Sum256(credential) }

// LeafHash returns SHA-256(0x00 || data).
func LeafHash(data []byte) [32]byte { return [32]byte(hasher.HashLeaf(data)) }

// NodeHash returns SHA-256(0x01 || l || r).
func NodeHash(l, r [32]byte) [32]byte { return [32]byte(hasher.HashChildren(l[:], r[:])) }

// NodeID names the perfect subtree of 2^Level leaves starting at leaf
// Index·2^Level (level 0 is a leaf).
type NodeID = compact.NodeID

// RootFromLeaves returns the root over the given leaf hashes (already
// hashed with LeafHash), MTH(D[n]) of RFC 6962.
func RootFromLeaves(leafHashes [][32]byte) [32]byte {
	switch n := len(leafHashes); n {
	case 0:
		return EmptyRoot
	case 1:
		return leafHashes[0]
	default:
		k := 1 << (bits.Len(uint(n-1)) - 1) // largest power of two below n
		return NodeHash(RootFromLeaves(leafHashes[:k]), RootFromLeaves(leafHashes[k:]))
	}
}

// NodeReader returns the hashes of perfect subtrees. Log implements it over
// the store's tiles; Leaves implements it in memory.
type NodeReader interface {
	// Nodes returns the hash of each node, in order. Every node must lie
	// within the tree the caller asks about.
	Nodes(ctx context.Context, ids []NodeID) ([][32]byte, error)
}

// Leaves is an in-memory NodeReader over leaf hashes.
type Leaves [][32]byte

// Nodes implements NodeReader.
func (l Leaves) Nodes(_ context.Context, ids []NodeID) ([][32]byte, error) {
	out := make([][32]byte, len(ids))
	for i, id := range ids {
		from, to := id.Coverage()
		if id.Level >= 64 || to > uint64(len(l)) || from >= to {
			return nil, fmt.Errorf("node (%d, %d) is outside %d leaves", id.Level, id.Index, len(l))
		}
		out[i] = perfectRoot(l[from:to])
	}
	return out, nil
}

// perfectRoot hashes a power-of-two number of leaf hashes.
func perfectRoot(hs [][32]byte) [32]byte {
	if len(hs) == 1 {
		return hs[0]
	}
	k := len(hs) / 2
	return NodeHash(perfectRoot(hs[:k]), perfectRoot(hs[k:]))
}

// Root returns the root of the tree of size leaves (size > 0) from the
// perfect subtrees that make up [0, size).
func Root(ctx context.Context, r NodeReader, size uint64) ([32]byte, error) {
	if size == 0 {
		return EmptyRoot, nil
	}
	ids := compact.RangeNodes(0, size, nil)
	hs, err := r.Nodes(ctx, ids)
	if err != nil {
		return [32]byte{}, err
	}
	root := hs[len(hs)-1]
	for i := len(hs) - 2; i >= 0; i-- {
		root = NodeHash(hs[i], root)
	}
	return root, nil
}

// InclusionProof returns the audit path PATH(index, D[size]) of RFC 6962
// §2.1.1, closest sibling first, asking r for O(log size) node hashes.
func InclusionProof(ctx context.Context, r NodeReader, index, size uint64) ([][32]byte, error) {
	if index >= size {
		return nil, fmt.Errorf("leaf %d is not in a tree of size %d", index, size)
	}
	nodes, err := proof.Inclusion(index, size)
	if err != nil {
		return nil, err
	}
	return rehash(ctx, r, nodes)
}

// ConsistencyProof returns PROOF(m, D[n]) of RFC 6962 §2.1.2: the proof
// that the tree of size m is a prefix of the tree of size n.
func ConsistencyProof(ctx context.Context, r NodeReader, m, n uint64) ([][32]byte, error) {
	if m > n {
		return nil, fmt.Errorf("consistency from size %d to smaller size %d", m, n)
	}
	if m == 0 || m == n {
		return nil, nil
	}
	nodes, err := proof.Consistency(m, n)
	if err != nil {
		return nil, err
	}
	return rehash(ctx, r, nodes)
}

func rehash(ctx context.Context, r NodeReader, nodes proof.Nodes) ([][32]byte, error) {
	if len(nodes.IDs) == 0 {
		return nil, nil
	}
	hs, err := r.Nodes(ctx, nodes.IDs)
	if err != nil {
		return nil, err
	}
	raw := make([][]byte, len(hs))
	for i := range hs {
		raw[i] = hs[i][:]
	}
	raw, err = nodes.Rehash(raw, hasher.HashChildren)
	if err != nil {
		return nil, err
	}
	out := make([][32]byte, len(raw))
	for i, h := range raw {
		out[i] = [32]byte(h)
	}
	return out, nil
}

func slices32(hs [][32]byte) [][]byte {
	out := make([][]byte, len(hs))
	for i := range hs {
		out[i] = hs[i][:]
	}
	return out
}

// RootFromInclusionProof recomputes the root of a tree of size from a
// leaf hash at index and its audit path (RFC 9162 §2.1.3.2).
func RootFromInclusionProof(leafHash [32]byte, index, size uint64, path [][32]byte) ([32]byte, error) {
	r, err := proof.RootFromInclusionProof(hasher, index, size, leafHash[:], slices32(path))
	if err != nil {
		return [32]byte{}, fmt.Errorf("%v: %w", err, ErrProof)
	}
	return [32]byte(r), nil
}

// VerifyInclusion checks that leafHash is the leaf at index of the tree of
// size whose root is root. It returns an error wrapping ErrProof if not.
func VerifyInclusion(leafHash [32]byte, index, size uint64, path [][32]byte, root [32]byte) error {
	if err := proof.VerifyInclusion(hasher, index, size, leafHash[:], slices32(path), root[:]); err != nil {
		return fmt.Errorf("%v: %w", err, ErrProof)
	}
	return nil
}

// VerifyConsistency checks that the tree of size1 with root1 is a prefix
// of the tree of size2 with root2 (RFC 9162 §2.1.4.2). It returns an error
// wrapping ErrProof if not.
func VerifyConsistency(size1, size2 uint64, root1, root2 [32]byte, path [][32]byte) error {
	if err := proof.VerifyConsistency(hasher, size1, size2, slices32(path), root1[:], root2[:]); err != nil {
		return fmt.Errorf("%v: %w", err, ErrProof)
	}
	return nil
}
