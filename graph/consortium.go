package graph

import (
	"cmp"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ethereum/go-ethereum/common"

	"github.com/citizencloud/citizencredentials/consortium"
	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/graph/model"
)

// errNoConsortium: the node runs without a consortium registry.
var errNoConsortium = fault.E(fault.Unavailable, "this node is not connected to a consortium registry")

// addressed is a registry that knows its contract address (chain.Registry).
type addressed interface {
	Address() common.Address
}

func (r *Resolver) governance() (consortium.Governance, error) {
	if r.Governance == nil {
		return nil, errNoConsortium
	}
	return r.Governance, nil
}

func memberModel(m consortium.Member) *model.ConsortiumMember {
	out := &model.ConsortiumMember{Account: m.Account.Hex(), Name: m.Name, BaseURL: m.BaseURL, Active: m.Active, AdmittedBlock: int(m.AdmittedBlock)}
	if m.RemovedBlock != 0 {
		b := int(m.RemovedBlock)
		out.RemovedBlock = &b
	}
	return out
}

func proposalModel(p consortium.Proposal) *model.ConsortiumProposal {
	out := &model.ConsortiumProposal{ID: strconv.FormatUint(p.ID, 10), Kind: model.ConsortiumProposalKindAdmit, Account: p.Account.Hex(),
		Proposer: p.Proposer.Hex(), Approvals: make([]string, len(p.Approvals)), Executed: p.Executed, CreatedBlock: int(p.CreatedBlock)}
	if p.Kind == consortium.Remove {
		out.Kind = model.ConsortiumProposalKindRemove
	}
	if p.Kind == consortium.Admit {
		name, base := p.Name, p.BaseURL
		out.Name, out.BaseURL = &name, &base
	}
	for i, a := range p.Approvals {
		out.Approvals[i] = a.Hex()
	}
	return out
}

// sortProposals orders proposals oldest first (by id).
func sortProposals(ps []consortium.Proposal) {
	slices.SortFunc(ps, func(a, b consortium.Proposal) int { return cmp.Compare(a.ID, b.ID) })
}

// parseAccount reads a chain account (0x and 40 hex digits).
func parseAccount(s string) (common.Address, error) {
	s = strings.TrimSpace(s)
	if !common.IsHexAddress(s) || !(strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X")) {
		return common.Address{}, fault.E(fault.Invalid, "account must be a chain address: 0x and 40 hex digits")
	}
	a := common.HexToAddress(s)
	if a == (common.Address{}) {
		return common.Address{}, fault.E(fault.Invalid, "account must not be the zero address")
	}
	return a, nil
}

// memberName checks a member's name: 1 to 200 characters.
func memberName(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" || utf8.RuneCountInString(s) > 200 || !utf8.ValidString(s) {
		return "", fault.E(fault.Invalid, "name must be 1 to 200 characters")
	}
	return s, nil
}

// memberBaseURL checks a member's public base URL: http or https, a host,
// an optional path prefix, no query, fragment or user info; the trailing
// slash is dropped.
func memberBaseURL(s string) (string, error) {
	bad := fault.E(fault.Invalid, "baseURL must be the node's public URL, such as https://registry.city.example (http or https, a host, an optional path; no query, fragment or user info; at most 200 characters)")
	s = strings.TrimSpace(s)
	u, err := url.Parse(s)
	if err != nil || len(s) > 200 || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "#") {
		return "", bad
	}
	return strings.TrimRight(s, "/"), nil
}

// proposalID reads a proposal id (a decimal number).
func proposalID(s string) (uint64, error) {
	n, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return 0, fault.E(fault.Invalid, "id must be a proposal number, as the proposals list shows it")
	}
	return n, nil
}
