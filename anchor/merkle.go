package anchor

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"math/bits"
)

// Merkle tree of RFC 6962 §2.1 (= RFC 9162 §2.1): the leaf hash is
// SHA-256(0x00 || data), an interior node SHA-256(0x01 || left || right),
// the root of n leaves splits them at the largest power of two below n, and
// the root of the empty tree is SHA-256 of nothing. Our leaves' data is the
// 32-byte SHA-256 of an issued credential (CredentialHash).

// ErrProof: a proof does not verify (wrong length, wrong hashes, or index
// and size that do not fit). Callers report the evidence as not proven.
var ErrProof = errors.New("merkle proof does not verify")

// EmptyRoot is the root of the empty tree, SHA-256("").
var EmptyRoot = sha256.Sum256(nil)

// CredentialHash is the leaf data of a credential: SHA-256 of the issued
// credential exactly as it was returned to the holder (the compact vc+jwt,
// or the JSON bytes of a Data Integrity credential).
func CredentialHash(credential []byte) [32]byte { return sha256.Sum256(credential) }

// LeafHash returns SHA-256(0x00 || data).
func LeafHash(data []byte) [32]byte {
	h := sha256.New()
	h.Write([]byte{0})
	h.Write(data)
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// NodeHash returns SHA-256(0x01 || l || r).
func NodeHash(l, r [32]byte) [32]byte {
	var buf [65]byte
	buf[0] = 1
	copy(buf[1:], l[:])
	copy(buf[33:], r[:])
	return sha256.Sum256(buf[:])
}

// split returns the largest power of two strictly below n (n >= 2).
func split(n uint64) uint64 { return 1 << (bits.Len64(n-1) - 1) }

// RootFromLeaves returns the root over the given leaf hashes (already
// hashed with LeafHash), MTH(D[n]) of RFC 6962.
func RootFromLeaves(leafHashes [][32]byte) [32]byte {
	switch n := len(leafHashes); n {
	case 0:
		return EmptyRoot
	case 1:
		return leafHashes[0]
	default:
		k := split(uint64(n))
		return NodeHash(RootFromLeaves(leafHashes[:k]), RootFromLeaves(leafHashes[k:]))
	}
}

// RangeHasher returns MTH(D[from:to]), the root over the leaves with
// from <= index < to (from < to). Log implements it over the store;
// Leaves implements it in memory.
type RangeHasher interface {
	RangeHash(ctx context.Context, from, to uint64) ([32]byte, error)
}

// Leaves is an in-memory RangeHasher over leaf hashes.
type Leaves [][32]byte

// RangeHash implements RangeHasher.
func (l Leaves) RangeHash(_ context.Context, from, to uint64) ([32]byte, error) {
	if from >= to || to > uint64(len(l)) {
		return [32]byte{}, fmt.Errorf("range [%d, %d) of %d leaves", from, to, len(l))
	}
	return RootFromLeaves(l[from:to]), nil
}

// InclusionProof returns the audit path PATH(index, D[size]) of RFC 6962
// §2.1.1, closest sibling first, asking h for O(log size) subtree hashes.
func InclusionProof(ctx context.Context, h RangeHasher, index, size uint64) ([][32]byte, error) {
	if index >= size {
		return nil, fmt.Errorf("leaf %d is not in a tree of size %d", index, size)
	}
	var proof [][32]byte
	var walk func(from, to uint64) error
	walk = func(from, to uint64) error {
		if to-from == 1 {
			return nil
		}
		k := split(to - from)
		var sib [32]byte
		var err error
		if index < from+k {
			if err = walk(from, from+k); err != nil {
				return err
			}
			sib, err = h.RangeHash(ctx, from+k, to)
		} else {
			if err = walk(from+k, to); err != nil {
				return err
			}
			sib, err = h.RangeHash(ctx, from, from+k)
		}
		if err != nil {
			return err
		}
		proof = append(proof, sib)
		return nil
	}
	if err := walk(0, size); err != nil {
		return nil, err
	}
	return proof, nil
}

// ConsistencyProof returns PROOF(m, D[n]) of RFC 6962 §2.1.2: the proof
// that the tree of size m is a prefix of the tree of size n.
func ConsistencyProof(ctx context.Context, h RangeHasher, m, n uint64) ([][32]byte, error) {
	if m > n {
		return nil, fmt.Errorf("consistency from size %d to smaller size %d", m, n)
	}
	if m == 0 || m == n {
		return nil, nil
	}
	var proof [][32]byte
	var sub func(m, from, to uint64, complete bool) error
	sub = func(m, from, to uint64, complete bool) error {
		n := to - from
		if m == n {
			if !complete {
				r, err := h.RangeHash(ctx, from, to)
				if err != nil {
					return err
				}
				proof = append(proof, r)
			}
			return nil
		}
		k := split(n)
		var sib [32]byte
		var err error
		if m <= k {
			if err = sub(m, from, from+k, complete); err != nil {
				return err
			}
			sib, err = h.RangeHash(ctx, from+k, to)
		} else {
			if err = sub(m-k, from+k, to, false); err != nil {
				return err
			}
			sib, err = h.RangeHash(ctx, from, from+k)
		}
		if err != nil {
			return err
		}
		proof = append(proof, sib)
		return nil
	}
	if err := sub(m, 0, n, true); err != nil {
		return nil, err
	}
	return proof, nil
}

// RootFromInclusionProof recomputes the root of a tree of size from a
// leaf hash at index and its audit path (RFC 9162 §2.1.3.2).
func RootFromInclusionProof(leafHash [32]byte, index, size uint64, proof [][32]byte) ([32]byte, error) {
	if index >= size {
		return [32]byte{}, fmt.Errorf("leaf %d in a tree of size %d: %w", index, size, ErrProof)
	}
	fn, sn := index, size-1
	r := leafHash
	for _, p := range proof {
		if sn == 0 {
			return [32]byte{}, fmt.Errorf("proof too long: %w", ErrProof)
		}
		if fn&1 == 1 || fn == sn {
			r = NodeHash(p, r)
			for fn&1 == 0 && fn != 0 {
				fn >>= 1
				sn >>= 1
			}
		} else {
			r = NodeHash(r, p)
		}
		fn >>= 1
		sn >>= 1
	}
	if sn != 0 {
		return [32]byte{}, fmt.Errorf("proof too short: %w", ErrProof)
	}
	return r, nil
}

// VerifyInclusion checks that leafHash is the leaf at index of the tree of
// size whose root is root. It returns an error wrapping ErrProof if not.
func VerifyInclusion(leafHash [32]byte, index, size uint64, proof [][32]byte, root [32]byte) error {
	r, err := RootFromInclusionProof(leafHash, index, size, proof)
	if err != nil {
		return err
	}
	if r != root {
		return fmt.Errorf("root mismatch: %w", ErrProof)
	}
	return nil
}

// VerifyConsistency checks that the tree of size1 with root1 is a prefix
// of the tree of size2 with root2 (RFC 9162 §2.1.4.2). It returns an error
// wrapping ErrProof if not.
func VerifyConsistency(size1, size2 uint64, root1, root2 [32]byte, proof [][32]byte) error {
	switch {
	case size1 > size2:
		return fmt.Errorf("size %d after size %d: %w", size2, size1, ErrProof)
	case size1 == size2:
		if len(proof) != 0 || root1 != root2 {
			return fmt.Errorf("equal sizes need equal roots and no proof: %w", ErrProof)
		}
		return nil
	case size1 == 0:
		if len(proof) != 0 {
			return fmt.Errorf("non-empty proof from the empty tree: %w", ErrProof)
		}
		return nil
	case len(proof) == 0:
		return fmt.Errorf("empty proof: %w", ErrProof)
	}
	path := proof
	if size1&(size1-1) == 0 {
		path = append([][32]byte{root1}, proof...)
	}
	fn, sn := size1-1, size2-1
	for fn&1 == 1 {
		fn >>= 1
		sn >>= 1
	}
	fr, sr := path[0], path[0]
	for _, c := range path[1:] {
		if sn == 0 {
			return fmt.Errorf("proof too long: %w", ErrProof)
		}
		if fn&1 == 1 || fn == sn {
			fr = NodeHash(c, fr)
			sr = NodeHash(c, sr)
			for fn&1 == 0 && fn != 0 {
				fn >>= 1
				sn >>= 1
			}
		} else {
			sr = NodeHash(sr, c)
		}
		fn >>= 1
		sn >>= 1
	}
	if sn != 0 {
		return fmt.Errorf("proof too short: %w", ErrProof)
	}
	if fr != root1 || sr != root2 {
		return fmt.Errorf("root mismatch: %w", ErrProof)
	}
	return nil
}
