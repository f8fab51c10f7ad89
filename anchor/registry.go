package anchor

import (
	"context"
	"time"
)

// StatusAnchor is one status list version digest to anchor.
type StatusAnchor struct {
	ListID  string   // status list id (hashed to bytes32 on chain: keccak256(ListID))
	Version uint64   // status list version
	Digest  [32]byte // SHA-256 of the signed status list credential
}

// LogAnchor is one issuance-log Merkle root to anchor.
type LogAnchor struct {
	Root     [32]byte // RFC 6962 root hash
	TreeSize uint64   // number of leaves it covers
}

// Receipt says where a transaction landed.
type Receipt struct {
	TxHash    string
	Block     uint64
	BlockTime time.Time
	Success   bool   // false: the transaction reverted
	GasUsed   uint64 // for the gas report
}

// Anchored is what the chain holds for one status list version or log root.
type Anchored struct {
	Digest    [32]byte // status list digest, or log root
	Block     uint64
	BlockTime time.Time
}

// IssuerEntry is a bureau's trust entry on chain.
type IssuerEntry struct {
	DID              string     // hashed to bytes32 on chain: keccak256(DID)
	KeyFingerprints  [][32]byte // SHA-256 of each public JWK thumbprint input
	AllowedTypesHash [32]byte   // SHA-256 of the sorted, comma-joined allowed types
	Active           bool
}

// Registry is the on-chain registry as the domain needs it. chain.Registry
// implements it on the CitizenCredentialRegistry contract.
type Registry interface {
	// SetIssuer writes a trusted-issuer entry and returns the transaction
	// hash once submitted. On the consortium registry only an active member
	// may, and only for a DID it registered first. Errors:
	// fault.ErrUnavailable when the node cannot be reached; fault.Forbidden
	// when the registry refuses this node's account.
	SetIssuer(ctx context.Context, e IssuerEntry) (txHash string, err error)
	// Issuer returns the current entry for did; ok is false if the chain has
	// none. Errors: fault.ErrUnavailable.
	Issuer(ctx context.Context, did string) (e IssuerEntry, ok bool, err error)
	// Anchor submits one transaction that anchors all lists and, if log is
	// non-nil, the log root. Re-anchoring a version with the same digest is a
	// no-op on chain; a different digest for an anchored version reverts.
	// Returns the transaction hash once the node accepted it. On the
	// consortium registry anchors are kept per member (this node's own
	// namespace). Errors: fault.ErrUnavailable when the node cannot be
	// reached; fault.Forbidden when this node's account is not an active
	// member.
	Anchor(ctx context.Context, lists []StatusAnchor, log *LogAnchor) (txHash string, err error)
	// Receipt returns the receipt of a mined transaction, or fault.ErrNotFound
	// while it is not mined (or was dropped). Errors: fault.ErrUnavailable.
	Receipt(ctx context.Context, txHash string) (*Receipt, error)
	// StatusAnchor returns what the chain holds for (listID, version); ok is
	// false if nothing is anchored. Errors: fault.ErrUnavailable.
	StatusAnchor(ctx context.Context, listID string, version uint64) (a Anchored, ok bool, err error)
	// LogRoot returns the anchored root for treeSize; ok is false if none.
	LogRoot(ctx context.Context, treeSize uint64) (a Anchored, ok bool, err error)
	// Head returns the latest block number (for confirmation depth).
	Head(ctx context.Context) (uint64, error)
}
