package anchor_test

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"testing"

	"github.com/citizencloud/citizencredentials/anchor"
)

func h32(t testing.TB, s string) [32]byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 32 {
		t.Fatalf("bad hash %q", s)
	}
	return [32]byte(b)
}

func hashes(t testing.TB, ss []string) [][32]byte {
	var out [][32]byte
	for _, s := range ss {
		out = append(out, h32(t, s))
	}
	return out
}

func ctLeafHashes(t testing.TB) anchor.Leaves {
	var out anchor.Leaves
	for _, s := range ctLeaves {
		b, err := hex.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, anchor.LeafHash(b))
	}
	return out
}

func TestRootsKnownAnswers(t *testing.T) {
	if got := anchor.RootFromLeaves(nil); got != h32(t, ctEmptyRoot) {
		t.Fatalf("empty root %x", got)
	}
	leaves := ctLeafHashes(t)
	for i, want := range ctRoots {
		if got := anchor.RootFromLeaves(leaves[:i+1]); got != h32(t, want) {
			t.Errorf("root of %d leaves = %x, want %s", i+1, got, want)
		}
	}
}

func TestInclusionKnownAnswers(t *testing.T) {
	ctx := context.Background()
	leaves := ctLeafHashes(t)
	for _, v := range ctInclusion {
		t.Run(fmt.Sprintf("ok/leaf-%d-of-%d", v.leaf-1, v.size), func(t *testing.T) {
			want := hashes(t, v.proof)
			got, err := anchor.InclusionProof(ctx, leaves[:v.size], v.leaf-1, v.size)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("proof %x, want %x", got, want)
			}
			root := h32(t, ctRoots[v.size-1])
			if err := anchor.VerifyInclusion(leaves[v.leaf-1], v.leaf-1, v.size, want, root); err != nil {
				t.Fatal(err)
			}
			for _, p := range corruptInclusion(leaves[v.leaf-1], v.leaf-1, v.size, want, root) {
				if err := anchor.VerifyInclusion(p.leaf, p.index, p.size, p.proof, p.root); !errors.Is(err, anchor.ErrProof) {
					t.Errorf("fail/%s: verified (err %v)", p.desc, err)
				}
			}
		})
	}
}

type probe struct {
	desc        string
	leaf, root  [32]byte
	index, size uint64
	proof       [][32]byte
}

// corruptInclusion mirrors the corruption probes of the CT tests.
func corruptInclusion(leaf [32]byte, index, size uint64, proof [][32]byte, root [32]byte) []probe {
	some := [32]byte{0xab, 0xac, 0xab, 0xa0}
	ps := []probe{
		{"index-1", leaf, root, index - 1, size, proof},
		{"index+1", leaf, root, index + 1, size, proof},
		{"index^2", leaf, root, index ^ 2, size, proof},
		{"size*2", leaf, root, index, size * 2, proof},
		{"size/2", leaf, root, index, size / 2, proof},
		{"wrong-leaf", some, root, index, size, proof},
		{"empty-root", leaf, anchor.EmptyRoot, index, size, proof},
		{"trailing-root", leaf, root, index, size, append(append([][32]byte{}, proof...), root)},
		{"preceding-root", leaf, root, index, size, append([][32]byte{root}, proof...)},
	}
	for i := range proof {
		p := append([][32]byte{}, proof...)
		p[i][0] ^= 8
		ps = append(ps, probe{fmt.Sprintf("modified-%d", i), leaf, root, index, size, p})
	}
	if len(proof) > 0 {
		ps = append(ps, probe{"removed", leaf, root, index, size, proof[:len(proof)-1]})
	}
	return ps
}

func TestConsistencyKnownAnswers(t *testing.T) {
	ctx := context.Background()
	leaves := ctLeafHashes(t)
	for _, v := range ctConsistency {
		t.Run(fmt.Sprintf("ok/%d-to-%d", v.size1, v.size2), func(t *testing.T) {
			want := hashes(t, v.proof)
			got, err := anchor.ConsistencyProof(ctx, leaves, v.size1, v.size2)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("proof %x, want %x", got, want)
			}
			r1, r2 := h32(t, ctRoots[v.size1-1]), h32(t, ctRoots[v.size2-1])
			if err := anchor.VerifyConsistency(v.size1, v.size2, r1, r2, want); err != nil {
				t.Fatal(err)
			}
			if len(want) == 0 {
				return
			}
			for _, bad := range []struct {
				name   string
				s1, s2 uint64
				r1, r2 [32]byte
				proof  [][32]byte
			}{
				{"size1-1", v.size1 - 1, v.size2, r1, r2, want},
				{"size1+1", v.size1 + 1, v.size2, r1, r2, want},
				{"size2*2", v.size1, v.size2 * 2, r1, r2, want},
				{"swapped-roots", v.size1, v.size2, r2, r1, want},
				{"empty-proof", v.size1, v.size2, r1, r2, nil},
				{"truncated", v.size1, v.size2, r1, r2, want[:len(want)-1]},
				{"trailing-root", v.size1, v.size2, r1, r2, append(append([][32]byte{}, want...), r2)},
			} {
				if err := anchor.VerifyConsistency(bad.s1, bad.s2, bad.r1, bad.r2, bad.proof); err == nil {
					t.Errorf("fail/%s verified", bad.name)
				}
			}
		})
	}
}

// TestProofsAllSizes cross-checks generation and verification for every
// leaf of every tree up to 70 leaves.
func TestProofsAllSizes(t *testing.T) {
	ctx := context.Background()
	var leaves anchor.Leaves
	for i := range 70 {
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], uint64(i))
		leaves = append(leaves, anchor.LeafHash(b[:]))
	}
	for n := uint64(1); n <= uint64(len(leaves)); n++ {
		root := anchor.RootFromLeaves(leaves[:n])
		for i := range n {
			p, err := anchor.InclusionProof(ctx, leaves, i, n)
			if err != nil {
				t.Fatal(err)
			}
			if err := anchor.VerifyInclusion(leaves[i], i, n, p, root); err != nil {
				t.Fatalf("leaf %d of %d: %v", i, n, err)
			}
			if n > 1 {
				if err := anchor.VerifyInclusion(leaves[(i+1)%n], i, n, p, root); err == nil {
					t.Fatalf("leaf %d of %d verified with another leaf", i, n)
				}
			}
		}
		for m := uint64(0); m <= n; m++ {
			p, err := anchor.ConsistencyProof(ctx, leaves, m, n)
			if err != nil {
				t.Fatal(err)
			}
			if err := anchor.VerifyConsistency(m, n, anchor.RootFromLeaves(leaves[:m]), root, p); err != nil {
				t.Fatalf("consistency %d→%d: %v", m, n, err)
			}
		}
	}
}

// FuzzVerifyInclusion feeds arbitrary proofs to the verifier: it must never
// panic, and must accept only the one genuine proof.
func FuzzVerifyInclusion(f *testing.F) {
	f.Add(uint64(0), uint64(1), []byte{})
	f.Add(uint64(5), uint64(8), make([]byte, 96))
	f.Add(uint64(1), uint64(5), make([]byte, 96))
	f.Add(^uint64(0), ^uint64(0), make([]byte, 64*32))
	leaves := ctLeafHashes(f)
	f.Fuzz(func(t *testing.T, index, size uint64, raw []byte) {
		var proof [][32]byte
		for len(raw) >= 32 {
			proof = append(proof, [32]byte(raw[:32]))
			raw = raw[32:]
		}
		leaf := leaves[index%uint64(len(leaves))]
		root := anchor.RootFromLeaves(leaves)
		err := anchor.VerifyInclusion(leaf, index, size, proof, root)
		if err == nil {
			genuine, gerr := anchor.InclusionProof(context.Background(), leaves, index, uint64(len(leaves)))
			if gerr != nil || size != uint64(len(leaves)) || fmt.Sprint(genuine) != fmt.Sprint(proof) {
				t.Fatalf("accepted a forged proof: index %d size %d", index, size)
			}
		} else if !errors.Is(err, anchor.ErrProof) {
			t.Fatalf("unclassified error %v", err)
		}
		_ = anchor.VerifyConsistency(index, size, leaf, root, proof)
	})
}
