package anchor

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/citizencloud/citizencredentials/fault"
)

// Evidence is a self-contained bundle that proves, against the chain
// alone, that a credential was issued (logged) by the time a log root was
// anchored and unaltered since, and which status list versions were
// anchored when. Hashes are hex.
type Evidence struct {
	CredentialID   string           `json:"credentialId"`
	Credential     string           `json:"credential,omitempty"` // the issued credential, exactly as returned to the holder
	CredentialHash string           `json:"credentialHash"`       // SHA-256 of Credential: the leaf data
	LeafIndex      int64            `json:"leafIndex"`
	TreeSize       int64            `json:"treeSize"`       // size of the tree the proof is against
	InclusionProof []string         `json:"inclusionProof"` // RFC 6962 audit path, closest sibling first
	Root           string           `json:"root"`           // root of the tree of TreeSize leaves
	LogAnchor      *TxRef           `json:"logAnchor,omitempty"`
	StatusLists    []StatusEvidence `json:"statusLists,omitempty"`
}

// TxRef says where an anchor landed, as recorded by the outbox when it was
// confirmed. Verification trusts the chain's state, not these numbers.
type TxRef struct {
	TxHash    string    `json:"txHash,omitempty"`
	Block     uint64    `json:"block"`
	BlockTime time.Time `json:"blockTime"`
}

// StatusEvidence is one anchored status list version.
type StatusEvidence struct {
	ListID     string `json:"listId"`
	Version    int    `json:"version"`
	Digest     string `json:"digest"`               // SHA-256 of Credential
	Credential string `json:"credential,omitempty"` // the signed status list credential of that version
	Anchor     *TxRef `json:"anchor,omitempty"`
}

// ListVersion names a status list version to include in evidence.
type ListVersion struct {
	ListID     string
	Version    int
	Credential string // optional: the signed list credential, included in the bundle
}

// NewEvidence assembles the evidence bundle of a logged credential from the
// store: its leaf, the earliest confirmed log root that contains it (if
// none is confirmed yet, the current tree and no LogAnchor), the inclusion
// proof against it, and the given status list versions with their anchors.
// credential is the issued credential (may be empty, then the bundle only
// carries its hash). Finding the root scans the outbox forward from the
// leaf's creation, at most 10,000 items.
//
// Errors: fault.ErrNotFound if the credential is not logged.
func NewEvidence(ctx context.Context, store Store, log *Log, credentialID, credential string, lists []ListVersion) (*Evidence, error) {
	leaf, err := store.LeafOf(ctx, credentialID)
	if err != nil {
		return nil, err
	}
	return NewEvidenceOf(ctx, store, log, leaf, credential, lists)
}

// NewEvidenceOf is NewEvidence for a leaf already read from the store.
func NewEvidenceOf(ctx context.Context, store Store, log *Log, leaf *Leaf, credential string, lists []ListVersion) (*Evidence, error) {
	ev := &Evidence{CredentialID: leaf.CredentialID, Credential: credential, CredentialHash: leaf.Hash, LeafIndex: leaf.Index}

	logItem, err := log.CoveringRoot(ctx, leaf.Index)
	if errors.Is(err, fault.ErrNotFound) {
		logItem, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	if logItem != nil {
		ev.TreeSize = logItem.TreeSize
		ev.LogAnchor = &TxRef{TxHash: logItem.TxHash, Block: logItem.Block, BlockTime: logItem.BlockTime}
	} else if ev.TreeSize, err = log.Size(ctx); err != nil {
		return nil, err
	}
	proof, err := log.ProofOf(ctx, leaf, ev.TreeSize)
	if err != nil {
		return nil, err
	}
	root, err := log.Root(ctx, ev.TreeSize)
	if err != nil {
		return nil, err
	}
	ev.Root = hex.EncodeToString(root[:])
	ev.InclusionProof = make([]string, len(proof))
	for i, p := range proof {
		ev.InclusionProof[i] = hex.EncodeToString(p[:])
	}

	for _, lv := range lists {
		se := StatusEvidence{ListID: lv.ListID, Version: lv.Version, Credential: lv.Credential}
		if lv.Credential != "" {
			d := CredentialHash([]byte(lv.Credential))
			se.Digest = hex.EncodeToString(d[:])
		}
		it, err := store.Item(ctx, StatusItemID(lv.ListID, lv.Version))
		switch {
		case errors.Is(err, fault.ErrNotFound):
		case err != nil:
			return nil, err
		default:
			if se.Digest == "" {
				se.Digest = it.Digest
			}
			if it.State == Confirmed {
				se.Anchor = &TxRef{TxHash: it.TxHash, Block: it.Block, BlockTime: it.BlockTime}
			}
		}
		ev.StatusLists = append(ev.StatusLists, se)
	}
	return ev, nil
}

// LogAnchorOf returns where the earliest confirmed log root covering the
// credential landed, or nil if none is confirmed yet. Unlike NewEvidence it
// builds no proof. Errors: fault.ErrNotFound if the credential is not logged.
func LogAnchorOf(ctx context.Context, store Store, credentialID string) (*TxRef, error) {
	leaf, err := store.LeafOf(ctx, credentialID)
	if err != nil {
		return nil, err
	}
	it, err := earliestLogRoot(ctx, store, leaf)
	if err != nil || it == nil {
		return nil, err
	}
	return &TxRef{TxHash: it.TxHash, Block: it.Block, BlockTime: it.BlockTime}, nil
}

// earliestLogRoot returns the first confirmed log root whose tree contains
// the leaf, or nil. Log roots are queued in the order of their tree sizes,
// so the first one anchored over the leaf is the smallest tree above it:
// one indexed read, however long the outbox.
func earliestLogRoot(ctx context.Context, store Store, leaf *Leaf) (*Item, error) {
	it, err := store.LogRootCovering(ctx, leaf.Index)
	if errors.Is(err, fault.ErrNotFound) {
		return nil, nil
	}
	return it, err
}

// Check is one verification result, named like the API's checks
// (credential_hash, inclusion_proof, issuance_anchor, status_anchor).
type Check struct {
	Name    string `json:"name"`
	OK      bool   `json:"ok"`
	Message string `json:"message,omitempty"`
}

// VerifyEvidence checks a bundle using only the bundle and the chain: the
// credential hashes to CredentialHash, the inclusion proof leads from its
// leaf hash to Root, the registry holds Root for TreeSize, and for each
// status list version the credential hashes to Digest and the registry
// holds Digest for it. Each finding is a Check; the error is only for an
// unreachable chain (fault.ErrUnavailable) or a nil bundle.
func VerifyEvidence(ctx context.Context, ev *Evidence, reg Registry) ([]Check, error) {
	if ev == nil {
		return nil, fault.E(fault.Invalid, "no evidence")
	}
	var checks []Check
	add := func(name string, ok bool, format string, args ...any) {
		checks = append(checks, Check{Name: name, OK: ok, Message: fmt.Sprintf(format, args...)})
	}

	credHash, hashErr := ParseDigest(ev.CredentialHash)
	switch {
	case hashErr != nil:
		add("credential_hash", false, "malformed credential hash")
	case ev.Credential == "":
		add("credential_hash", false, "the bundle does not include the credential")
	case !IsLeafOf(credHash, ev.Credential):
		add("credential_hash", false, "the credential does not match the logged hash")
		credHash = LeafDigest(ev.Credential) // prove what was presented
	default:
		add("credential_hash", true, "the credential matches the logged hash")
	}

	root, rootErr := ParseDigest(ev.Root)
	proof := make([][32]byte, 0, len(ev.InclusionProof))
	proofOK := rootErr == nil && hashErr == nil && ev.LeafIndex >= 0 && ev.TreeSize > 0
	for _, p := range ev.InclusionProof {
		d, err := ParseDigest(p)
		if err != nil {
			proofOK = false
			break
		}
		proof = append(proof, d)
	}
	if proofOK {
		if err := VerifyInclusion(LeafHash(credHash[:]), uint64(ev.LeafIndex), uint64(ev.TreeSize), proof, root); err != nil {
			add("inclusion_proof", false, "the inclusion proof does not lead to the root")
		} else {
			add("inclusion_proof", true, "leaf %d is in the tree of %d leaves", ev.LeafIndex, ev.TreeSize)
		}
	} else {
		add("inclusion_proof", false, "malformed inclusion proof, root or position")
	}

	if rootErr == nil && ev.TreeSize > 0 {
		a, ok, err := reg.LogRoot(ctx, uint64(ev.TreeSize))
		switch {
		case err != nil:
			return checks, fmt.Errorf("read log root: %w", err)
		case !ok:
			add("issuance_anchor", false, "no root is anchored for tree size %d", ev.TreeSize)
		case a.Digest != root:
			add("issuance_anchor", false, "the anchored root for tree size %d differs", ev.TreeSize)
		default:
			add("issuance_anchor", true, "root anchored in block %d at %s", a.Block, a.BlockTime.UTC().Format(time.RFC3339))
		}
	} else {
		add("issuance_anchor", false, "no root to compare")
	}

	for _, se := range ev.StatusLists {
		name := fmt.Sprintf("list %s version %d", se.ListID, se.Version)
		d, err := ParseDigest(se.Digest)
		if err != nil || se.Version < 1 {
			add("status_anchor", false, "%s: malformed digest or version", name)
			continue
		}
		if se.Credential != "" && CredentialHash([]byte(se.Credential)) != d {
			add("status_anchor", false, "%s: the status list credential does not match its digest", name)
			continue
		}
		a, ok, err := reg.StatusAnchor(ctx, se.ListID, uint64(se.Version))
		switch {
		case err != nil:
			return checks, fmt.Errorf("read status anchor: %w", err)
		case !ok:
			add("status_anchor", false, "%s: not anchored", name)
		case a.Digest != d:
			add("status_anchor", false, "%s: the anchored digest differs", name)
		default:
			add("status_anchor", true, "%s: anchored in block %d at %s", name, a.Block, a.BlockTime.UTC().Format(time.RFC3339))
		}
	}
	return checks, nil
}

// Verified reports whether every check passed.
func Verified(checks []Check) bool {
	for _, c := range checks {
		if !c.OK {
			return false
		}
	}
	return len(checks) > 0
}
