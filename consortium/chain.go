package consortium

import (
	"context"

	"github.com/ethereum/go-ethereum/common"

	"github.com/citizencloud/citizencredentials/anchor"
)

// Member is a consortium member as the registry holds it.
type Member struct {
	Account common.Address
	Name    string
	// BaseURL is the public base URL of the member's node (scheme, host,
	// optional port and path prefix, no trailing slash). DID documents,
	// status lists and log proofs of its bureaus are fetched only under it.
	BaseURL       string
	Active        bool   // false once removed by a vote
	AdmittedBlock uint64 // block of the admission (the deployment for the founder)
	RemovedBlock  uint64 // 0 while active
}

// Label is how results name the member: its name, or its account.
func (m Member) Label() string {
	if m.Name != "" {
		return m.Name
	}
	return m.Account.Hex()
}

// Issuer is a bureau's trust entry and the member that registered it. Only
// that member may change it.
type Issuer struct {
	Member           common.Address
	KeyFingerprints  [][32]byte // RFC 7638 SHA-256 thumbprints of the bureau's keys
	AllowedTypesHash [32]byte
	Active           bool
	UpdatedBlock     uint64
}

// ListAnchor is an anchored status list version in a member's namespace.
type ListAnchor struct {
	ListHash [32]byte // keccak256 of the list id
	Version  uint64
	anchor.Anchored
}

// RootAnchor is an anchored issuance log root in a member's namespace.
type RootAnchor struct {
	TreeSize uint64
	anchor.Anchored
}

// ProposalKind says what a proposal does once a majority approves it.
type ProposalKind uint8

// Proposal kinds.
const (
	Admit  ProposalKind = 1
	Remove ProposalKind = 2
)

func (k ProposalKind) String() string {
	switch k {
	case Admit:
		return "admit"
	case Remove:
		return "remove"
	}
	return "unknown"
}

// Proposal is a vote to admit or remove a member.
type Proposal struct {
	ID           uint64
	Kind         ProposalKind
	Account      common.Address
	Name         string // for an admission
	BaseURL      string // for an admission
	Proposer     common.Address
	Approvals    []common.Address // members who approved, the proposer first
	Executed     bool
	CreatedBlock uint64
}

// Chain is the consortium registry as verifiers and monitors read it.
// chain.Registry implements it. Every method may fail with
// fault.ErrUnavailable when the node cannot be reached.
type Chain interface {
	// Self is the account this node signs with (its member account).
	Self() common.Address
	// Head is the latest block number.
	Head(ctx context.Context) (uint64, error)
	// Member returns the member entry of account; ok is false if the
	// account was never admitted.
	Member(ctx context.Context, account common.Address) (m Member, ok bool, err error)
	// Members lists every member ever admitted, in admission order,
	// removed ones included (Active false).
	Members(ctx context.Context) ([]Member, error)
	// IssuerOf returns the trust entry of a bureau DID; ok is false if no
	// member registered it.
	IssuerOf(ctx context.Context, did string) (e Issuer, ok bool, err error)
	// StatusAnchorOf returns what member anchored for (listID, version).
	StatusAnchorOf(ctx context.Context, member common.Address, listID string, version uint64) (a anchor.Anchored, ok bool, err error)
	// LatestStatusAnchor returns the highest version of listID member
	// anchored, and its anchor.
	LatestStatusAnchor(ctx context.Context, member common.Address, listID string) (version uint64, a anchor.Anchored, ok bool, err error)
	// LogRootOf returns member's anchored log root for treeSize.
	LogRootOf(ctx context.Context, member common.Address, treeSize uint64) (a anchor.Anchored, ok bool, err error)
	// LatestLogRoot returns member's anchored root with the largest tree size.
	LatestLogRoot(ctx context.Context, member common.Address) (r RootAnchor, ok bool, err error)
	// LogRoots lists member's anchored log roots by ascending tree size
	// (from the contract's events).
	LogRoots(ctx context.Context, member common.Address) ([]RootAnchor, error)
	// StatusAnchors lists member's anchored status list versions in the
	// order they were anchored (from the contract's events).
	StatusAnchors(ctx context.Context, member common.Address) ([]ListAnchor, error)
}

// Governance is what a member signs: proposals and approvals to admit and
// remove members, and its own name and URL. The methods wait until their
// transaction is mined. Errors: fault.Forbidden when this node's account is
// not an active member, or approves twice; fault.NotFound for an unknown
// proposal; fault.Conflict for a proposal already executed.
type Governance interface {
	Chain
	ProposeAdmission(ctx context.Context, account common.Address, name, baseURL string) (Proposal, error)
	ProposeRemoval(ctx context.Context, account common.Address) (Proposal, error)
	Approve(ctx context.Context, id uint64) (Proposal, error)
	Proposals(ctx context.Context) ([]Proposal, error)
	UpdateMember(ctx context.Context, name, baseURL string) error
}
