package ledger

import (
	"context"
	"errors"
	"fmt"

	"github.com/citizencloud/citizencredentials/anchor"
	"github.com/citizencloud/citizencredentials/fault"
)

// LogHead is the current issuance log: its size and the root of the whole
// tree.
type LogHead struct {
	TreeSize int64
	Root     [32]byte
}

// LogInclusion is a credential's inclusion proof in the issuance log.
type LogInclusion struct {
	LeafIndex int64
	TreeSize  int64
	LeafHash  [32]byte // anchor.CredentialHash of the issued credential (the leaf data)
	Proof     [][32]byte
}

// LogHead returns the size and root of the issuance log now.
func (l *Ledger) LogHead(ctx context.Context) (LogHead, error) {
	n, err := l.log.Size(ctx)
	if err != nil {
		return LogHead{}, err
	}
	root, err := l.log.Root(ctx, n)
	if err != nil {
		return LogHead{}, err
	}
	return LogHead{TreeSize: n, Root: root}, nil
}

// LogProof returns the inclusion proof of a logged credential in the tree
// of treeSize leaves; with treeSize 0, in the earliest confirmed anchored
// tree that covers it, or the current tree if none is anchored yet.
// Errors: fault NotFound if the credential is not logged; fault Invalid if
// treeSize does not cover its leaf or is beyond the log. The messages
// never repeat what the caller sent.
func (l *Ledger) LogProof(ctx context.Context, credentialID string, treeSize int64) (LogInclusion, error) {
	if credentialID == "" {
		return LogInclusion{}, fault.E(fault.Invalid, "a credential id is required")
	}
	var (
		out LogInclusion
		err error
	)
	if treeSize == 0 {
		var ev *anchor.Evidence
		if ev, err = anchor.NewEvidence(ctx, l.anchors, l.log, credentialID, "", nil); err == nil {
			out.LeafIndex, out.TreeSize = ev.LeafIndex, ev.TreeSize
			if out.LeafHash, err = anchor.ParseDigest(ev.CredentialHash); err == nil {
				out.Proof = make([][32]byte, len(ev.InclusionProof))
				for i, h := range ev.InclusionProof {
					if out.Proof[i], err = anchor.ParseDigest(h); err != nil {
						break
					}
				}
			}
		}
	} else {
		var leaf *anchor.Leaf
		if leaf, out.Proof, err = l.log.Proof(ctx, credentialID, treeSize); err == nil {
			out.LeafIndex, out.TreeSize = leaf.Index, treeSize
			out.LeafHash, err = anchor.ParseDigest(leaf.Hash)
		}
	}
	switch {
	case errors.Is(err, fault.ErrNotFound):
		return LogInclusion{}, fault.E(fault.NotFound, "the credential is not in the issuance log")
	case fault.CodeOf(err) == fault.Invalid:
		return LogInclusion{}, fault.E(fault.Invalid, "treeSize must cover the credential's leaf and not exceed the log")
	case err != nil:
		return LogInclusion{}, fmt.Errorf("issuance log proof: %w", err)
	}
	return out, nil
}

// LogConsistency returns the RFC 6962 proof that the tree of first leaves
// is a prefix of the tree of second leaves. Errors: fault Invalid unless
// 0 < first <= second <= the log's size.
func (l *Ledger) LogConsistency(ctx context.Context, first, second int64) ([][32]byte, error) {
	if first < 1 || first > second {
		return nil, fault.E(fault.Invalid, "want 0 < first <= second")
	}
	proof, err := l.log.ConsistencyProof(ctx, first, second)
	if fault.CodeOf(err) == fault.Invalid {
		return nil, fault.E(fault.Invalid, "second must not exceed the log's size")
	}
	if err != nil {
		return nil, fmt.Errorf("issuance log consistency: %w", err)
	}
	return proof, nil
}
