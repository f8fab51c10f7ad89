package chain

import (
	"context"
	"fmt"
	"math/big"
	"net/url"
	"slices"
	"strings"
	"time"

	ethereum "github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/citizencloud/citizencredentials/anchor"
	"github.com/citizencloud/citizencredentials/consortium"
	"github.com/citizencloud/citizencredentials/fault"
)

var (
	_ consortium.Chain      = (*Registry)(nil)
	_ consortium.Governance = (*Registry)(nil)
)

// logPage is the most blocks one eth_getLogs request spans; nodes cap the
// range (or the result size) of a filter query.
const logPage = 10_000

// Self implements consortium.Chain: the account this node signs with.
func (r *Registry) Self() common.Address { return r.from }

// DeployedBlock returns the block the registry was deployed in.
func (r *Registry) DeployedBlock(ctx context.Context) (uint64, error) {
	n, err := bind.Call(r.caller, &bind.CallOpts{Context: ctx}, r.abi.PackDeployedBlock(), r.abi.UnpackDeployedBlock)
	return n, mapErr(err, "deployed block")
}

// Member implements consortium.Chain.
func (r *Registry) Member(ctx context.Context, account common.Address) (consortium.Member, bool, error) {
	out, err := bind.Call(r.caller, &bind.CallOpts{Context: ctx}, r.abi.PackMember(account), r.abi.UnpackMember)
	if err != nil {
		return consortium.Member{}, false, mapErr(err, "member")
	}
	if out.AdmittedBlock == 0 {
		return consortium.Member{}, false, nil
	}
	return consortium.Member{
		Account: account, Name: out.Name, BaseURL: out.BaseURL, Active: out.Active,
		AdmittedBlock: out.AdmittedBlock, RemovedBlock: out.RemovedBlock,
	}, true, nil
}

// Members implements consortium.Chain.
func (r *Registry) Members(ctx context.Context) ([]consortium.Member, error) {
	opts := &bind.CallOpts{Context: ctx}
	n, err := bind.Call(r.caller, opts, r.abi.PackMemberCount(), r.abi.UnpackMemberCount)
	if err != nil {
		return nil, mapErr(err, "member count")
	}
	ms := make([]consortium.Member, 0, n.Int64())
	for i := int64(0); i < n.Int64(); i++ {
		acct, err := bind.Call(r.caller, opts, r.abi.PackMemberAt(big.NewInt(i)), r.abi.UnpackMemberAt)
		if err != nil {
			return nil, mapErr(err, "member")
		}
		m, ok, err := r.Member(ctx, acct)
		if err != nil {
			return nil, err
		}
		if ok {
			ms = append(ms, m)
		}
	}
	return ms, nil
}

// IsMember reports whether this node's account is an active member.
// Errors: fault.ErrUnavailable.
func (r *Registry) IsMember(ctx context.Context) (bool, error) {
	m, ok, err := r.Member(ctx, r.from)
	return ok && m.Active, err
}

// NotMemberMessage is the operator's message for an account that is not an
// active member of the consortium.
func NotMemberMessage(account common.Address) string {
	return fmt.Sprintf("account %s is not an active member of the consortium registry; ask a member to admit it with `vcctl consortium propose %s`", account.Hex(), account.Hex())
}

// IssuerOf implements consortium.Chain.
func (r *Registry) IssuerOf(ctx context.Context, did string) (consortium.Issuer, bool, error) {
	out, err := bind.Call(r.caller, &bind.CallOpts{Context: ctx}, r.abi.PackIssuer(HashString(did)), r.abi.UnpackIssuer)
	if err != nil {
		return consortium.Issuer{}, false, mapErr(err, "issuer")
	}
	if out.UpdatedBlock == 0 {
		return consortium.Issuer{}, false, nil
	}
	return consortium.Issuer{
		Member: out.Member, KeyFingerprints: out.KeyFingerprints, AllowedTypesHash: out.AllowedTypesHash,
		Active: out.Active, UpdatedBlock: out.UpdatedBlock,
	}, true, nil
}

// LatestStatusAnchor implements consortium.Chain.
func (r *Registry) LatestStatusAnchor(ctx context.Context, member common.Address, listID string) (uint64, anchor.Anchored, bool, error) {
	out, err := bind.Call(r.caller, &bind.CallOpts{Context: ctx}, r.abi.PackLatestStatusVersion(member, HashString(listID)), r.abi.UnpackLatestStatusVersion)
	if err != nil {
		return 0, anchor.Anchored{}, false, mapErr(err, "latest status anchor")
	}
	if out.Digest == ([32]byte{}) {
		return 0, anchor.Anchored{}, false, nil
	}
	return out.Version, anchored(out.Digest, out.BlockNumber, out.Timestamp), true, nil
}

// LatestLogRoot implements consortium.Chain.
func (r *Registry) LatestLogRoot(ctx context.Context, member common.Address) (consortium.RootAnchor, bool, error) {
	out, err := bind.Call(r.caller, &bind.CallOpts{Context: ctx}, r.abi.PackLatestLogRoot(member), r.abi.UnpackLatestLogRoot)
	if err != nil {
		return consortium.RootAnchor{}, false, mapErr(err, "latest log root")
	}
	if out.Root == ([32]byte{}) {
		return consortium.RootAnchor{}, false, nil
	}
	return consortium.RootAnchor{TreeSize: out.TreeSize, Anchored: anchored(out.Root, out.BlockNumber, out.Timestamp)}, true, nil
}

func anchored(digest [32]byte, block, timestamp uint64) anchor.Anchored {
	return anchor.Anchored{Digest: digest, Block: block, BlockTime: time.Unix(int64(timestamp), 0).UTC()}
}

// LogRoots implements consortium.Chain, from the LogRootAnchored events.
func (r *Registry) LogRoots(ctx context.Context, member common.Address) ([]consortium.RootAnchor, error) {
	ev := r.abi.GetABI().Events["LogRootAnchored"]
	var roots []consortium.RootAnchor
	err := r.scan(ctx, [][]common.Hash{{ev.ID}, {common.BytesToHash(member.Bytes())}}, func(l types.Log, t time.Time) error {
		e, err := r.abi.UnpackLogRootAnchoredEvent(&l)
		if err != nil {
			return fmt.Errorf("decode LogRootAnchored: %w", err)
		}
		roots = append(roots, consortium.RootAnchor{TreeSize: e.TreeSize, Anchored: anchor.Anchored{Digest: e.Root, Block: l.BlockNumber, BlockTime: t}})
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(roots, func(a, b consortium.RootAnchor) int { return compareU64(a.TreeSize, b.TreeSize) })
	return roots, nil
}

// StatusAnchors implements consortium.Chain, from the StatusListAnchored
// events.
func (r *Registry) StatusAnchors(ctx context.Context, member common.Address) ([]consortium.ListAnchor, error) {
	ev := r.abi.GetABI().Events["StatusListAnchored"]
	var lists []consortium.ListAnchor
	err := r.scan(ctx, [][]common.Hash{{ev.ID}, {common.BytesToHash(member.Bytes())}}, func(l types.Log, t time.Time) error {
		e, err := r.abi.UnpackStatusListAnchoredEvent(&l)
		if err != nil {
			return fmt.Errorf("decode StatusListAnchored: %w", err)
		}
		lists = append(lists, consortium.ListAnchor{ListHash: e.ListId, Version: e.Version, Anchored: anchor.Anchored{Digest: e.Digest, Block: l.BlockNumber, BlockTime: t}})
		return nil
	})
	return lists, err
}

func compareU64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// scan calls fn for every registry log matching topics from the deployment
// block to the head, in chain order, with the time of its block.
func (r *Registry) scan(ctx context.Context, topics [][]common.Hash, fn func(types.Log, time.Time) error) error {
	from, err := r.DeployedBlock(ctx)
	if err != nil {
		return err
	}
	head, err := r.Head(ctx)
	if err != nil {
		return err
	}
	times := map[uint64]time.Time{}
	for start := from; start <= head; start += logPage {
		end := min(start+logPage-1, head)
		logs, err := r.client.FilterLogs(ctx, ethereum.FilterQuery{
			FromBlock: new(big.Int).SetUint64(start), ToBlock: new(big.Int).SetUint64(end),
			Addresses: []common.Address{r.address}, Topics: topics,
		})
		if err != nil {
			return mapErr(err, "registry events")
		}
		for _, l := range logs {
			if l.Removed {
				continue
			}
			t, ok := times[l.BlockNumber]
			if !ok {
				h, err := r.client.HeaderByNumber(ctx, new(big.Int).SetUint64(l.BlockNumber))
				if err != nil {
					return mapErr(err, "event block")
				}
				t = time.Unix(int64(h.Time), 0).UTC()
				times[l.BlockNumber] = t
			}
			if err := fn(l, t); err != nil {
				return err
			}
		}
	}
	return nil
}

// ProposeAdmission implements consortium.Governance. Errors besides those
// of the interface: fault.Invalid for a zero account or a base URL that is
// not an absolute http(s) URL; fault.Conflict when the account is already
// an active member.
func (r *Registry) ProposeAdmission(ctx context.Context, account common.Address, name, baseURL string) (consortium.Proposal, error) {
	if account == (common.Address{}) {
		return consortium.Proposal{}, fault.E(fault.Invalid, "the account to admit is the zero address")
	}
	if err := checkBaseURL(baseURL); err != nil {
		return consortium.Proposal{}, err
	}
	data, err := r.abi.TryPackProposeAdmission(account, name, strings.TrimRight(baseURL, "/"))
	if err != nil {
		return consortium.Proposal{}, fmt.Errorf("propose admission: %w", err)
	}
	return r.propose(ctx, "propose admission", data)
}

// ProposeRemoval implements consortium.Governance. Errors besides those of
// the interface: fault.NotFound when the account is not an active member;
// fault.Conflict when it is the last one.
func (r *Registry) ProposeRemoval(ctx context.Context, account common.Address) (consortium.Proposal, error) {
	return r.propose(ctx, "propose removal", r.abi.PackProposeRemoval(account))
}

func (r *Registry) propose(ctx context.Context, what string, data []byte) (consortium.Proposal, error) {
	rec, err := r.transact(ctx, what, data)
	if err != nil {
		return consortium.Proposal{}, err
	}
	created := r.abi.GetABI().Events["ProposalCreated"].ID
	for _, l := range rec.Logs {
		if l.Address != r.address || len(l.Topics) == 0 || l.Topics[0] != created {
			continue
		}
		e, err := r.abi.UnpackProposalCreatedEvent(l)
		if err != nil {
			return consortium.Proposal{}, fmt.Errorf("%s: decode ProposalCreated: %w", what, err)
		}
		return r.Proposal(ctx, e.Id.Uint64())
	}
	return consortium.Proposal{}, fmt.Errorf("%s: transaction %s has no ProposalCreated event", what, rec.TxHash)
}

// Approve implements consortium.Governance.
func (r *Registry) Approve(ctx context.Context, id uint64) (consortium.Proposal, error) {
	if _, err := r.transact(ctx, "approve", r.abi.PackApprove(new(big.Int).SetUint64(id))); err != nil {
		return consortium.Proposal{}, err
	}
	return r.Proposal(ctx, id)
}

// Execute executes proposal id once it has a majority of the members active
// now: a proposal executes by itself at the approval that makes the
// majority, so this is only for one that gained it later, when removals
// shrank the set of active members. Errors: those of Approve, and
// fault.Conflict when the approvals are not a majority.
func (r *Registry) Execute(ctx context.Context, id uint64) (consortium.Proposal, error) {
	if _, err := r.transact(ctx, "execute", r.abi.PackExecute(new(big.Int).SetUint64(id))); err != nil {
		return consortium.Proposal{}, err
	}
	return r.Proposal(ctx, id)
}

// UpdateMember implements consortium.Governance: it changes this node's own
// name and base URL.
func (r *Registry) UpdateMember(ctx context.Context, name, baseURL string) error {
	if err := checkBaseURL(baseURL); err != nil {
		return err
	}
	data, err := r.abi.TryPackUpdateMember(name, strings.TrimRight(baseURL, "/"))
	if err != nil {
		return fmt.Errorf("update member: %w", err)
	}
	_, err = r.transact(ctx, "update member", data)
	return err
}

// Proposal returns proposal id. Errors: fault.NotFound for an unknown id;
// fault.ErrUnavailable.
func (r *Registry) Proposal(ctx context.Context, id uint64) (consortium.Proposal, error) {
	out, err := bind.Call(r.caller, &bind.CallOpts{Context: ctx}, r.abi.PackProposal(new(big.Int).SetUint64(id)), r.abi.UnpackProposal)
	if err != nil {
		if rerr := revertErr(err); rerr != nil {
			return consortium.Proposal{}, rerr
		}
		return consortium.Proposal{}, mapErr(err, "proposal")
	}
	return consortium.Proposal{
		ID: id, Kind: consortium.ProposalKind(out.Kind), Account: out.Account, Name: out.Name, BaseURL: out.BaseURL,
		Proposer: out.Proposer, Approvals: out.Approvals, Executed: out.Executed, CreatedBlock: out.CreatedBlock,
	}, nil
}

// Proposals implements consortium.Governance: every proposal, oldest first.
func (r *Registry) Proposals(ctx context.Context) ([]consortium.Proposal, error) {
	n, err := bind.Call(r.caller, &bind.CallOpts{Context: ctx}, r.abi.PackProposalCount(), r.abi.UnpackProposalCount)
	if err != nil {
		return nil, mapErr(err, "proposal count")
	}
	ps := make([]consortium.Proposal, 0, n.Uint64())
	for id := uint64(1); id <= n.Uint64(); id++ {
		p, err := r.Proposal(ctx, id)
		if err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	return ps, nil
}

// transact sends one transaction, waits until it is mined and fails unless
// it succeeded.
func (r *Registry) transact(ctx context.Context, what string, data []byte) (*types.Receipt, error) {
	tx, err := r.send(ctx, &r.address, data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	rec, err := r.wait(ctx, tx.Hash())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if err := r.makeDurable(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if rec.Status != types.ReceiptStatusSuccessful {
		return nil, fault.Wrap(fault.Conflict, fmt.Errorf("%s: transaction %s reverted", what, tx.Hash()), "the transaction reverted on chain; the registry's state changed after it was checked, try again")
	}
	return rec, nil
}

// checkBaseURL accepts an absolute http(s) URL without query or fragment.
func checkBaseURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fault.E(fault.Invalid, "a member's base URL must be an absolute http or https URL without user, query or fragment")
	}
	return nil
}
