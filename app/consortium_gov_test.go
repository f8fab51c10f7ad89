package app_test

import (
	"context"
	"crypto/ecdsa"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/citizencloud/citizencredentials/app"
	"github.com/citizencloud/citizencredentials/chain"
	"github.com/citizencloud/citizencredentials/chain/chaintest"
)

// govChain is a dev chain the test owns, served over JSON-RPC (HTTP) as a
// consortium node would serve it, so that several vcserve processes and
// the test itself (chaintest.FundedKey) share it.
type govChain struct {
	dev *chain.Dev
	rpc string
}

func newGovChain(t *testing.T) *govChain {
	t.Helper()
	n := chaintest.StartNode(t)
	return &govChain{dev: n.Dev(), rpc: n.URL()}
}

// node starts a vcserve on the chain with a new funded member key; with a
// registry address it joins that registry, else it founds one.
func (g *govChain) node(t *testing.T, registry string, tweaks ...func(*app.Config)) (*testServer, *ecdsa.PrivateKey) {
	t.Helper()
	key := chaintest.FundedKey(t, g.dev)
	keyFile := filepath.Join(t.TempDir(), "member.key")
	if err := os.WriteFile(keyFile, []byte(hex.EncodeToString(crypto.FromECDSA(key))), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startServer(t, t.TempDir(), append(tweaks, func(c *app.Config) {
		c.ChainRPC, c.ChainKeyFile, c.ChainPoll = g.rpc, keyFile, chaintest.PollInterval
		c.RegistryAddress = registry
	})...)
	return s, key
}

// admit makes a new funded account a member through s's operator (who must
// be able to admit alone) and returns the registry that signs as it.
func (g *govChain) admit(t *testing.T, s *testServer) *chain.Registry {
	t.Helper()
	var c consortiumOut
	s.must(t, s.admin, consortiumQ, nil, "consortium", &c)
	key := chaintest.FundedKey(t, g.dev)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	reg, err := chain.Join(ctx, g.dev.Client(), key, common.HexToAddress(*c.Registry), chain.WithMaxPollInterval(chaintest.PollInterval))
	if err != nil {
		t.Fatal(err)
	}
	var p proposalOut
	s.must(t, s.admin, proposeMemberQ, map[string]any{"a": addressOf(key), "n": "Peer", "u": "https://peer.example"}, "proposeMember", &p)
	if !p.Executed {
		t.Fatalf("admission of the peer did not execute: %+v", p)
	}
	return reg
}

const (
	consortiumQ = `{ consortium { registry self { account name baseURL active admittedBlock removedBlock }
		members { account name baseURL active admittedBlock removedBlock }
		proposals { id kind account name baseURL proposer approvals executed createdBlock } } }`
	proposeMemberQ  = `mutation($a: String!, $n: String!, $u: String!) { proposeMember(account: $a, name: $n, baseURL: $u) { id kind account name baseURL proposer approvals executed createdBlock } }`
	proposeRemovalQ = `mutation($a: String!) { proposeMemberRemoval(account: $a) { id kind account proposer approvals executed } }`
	approveQ        = `mutation($id: ID!) { approveProposal(id: $id) { id kind account approvals executed } }`
)

type memberOut struct {
	Account       string
	Name          string
	BaseURL       string
	Active        bool
	AdmittedBlock int
	RemovedBlock  *int
}

type proposalOut struct {
	ID           string
	Kind         string
	Account      string
	Name         *string
	BaseURL      *string
	Proposer     string
	Approvals    []string
	Executed     bool
	CreatedBlock int
}

type consortiumOut struct {
	Registry  *string
	Self      memberOut
	Members   []memberOut
	Proposals []proposalOut
}

func (s *testServer) consortium(t *testing.T) consortiumOut {
	t.Helper()
	var c consortiumOut
	s.must(t, s.admin, consortiumQ, nil, "consortium", &c)
	return c
}

func (c consortiumOut) member(account string) (memberOut, bool) {
	for _, m := range c.Members {
		if strings.EqualFold(m.Account, account) {
			return m, true
		}
	}
	return memberOut{}, false
}

func addressOf(k *ecdsa.PrivateKey) string { return crypto.PubkeyToAddress(k.PublicKey).Hex() }

// TestConsortiumGovernance drives the consortium's GraphQL API on two
// vcserve nodes sharing one chain: node A founds the registry, admits node
// B alone, then A and B vote on a third member's admission and removal.
func TestConsortiumGovernance(t *testing.T) {
	g := newGovChain(t)
	a, keyA := g.node(t, "", manual)
	ca := a.consortium(t)
	if ca.Registry == nil || !strings.HasPrefix(*ca.Registry, "0x") {
		t.Fatalf("registry = %v", ca.Registry)
	}
	if !strings.EqualFold(ca.Self.Account, addressOf(keyA)) || !ca.Self.Active || len(ca.Members) != 1 || len(ca.Proposals) != 0 {
		t.Fatalf("founder's view: %+v", ca)
	}

	// B joins the registry before it is admitted: it sees the consortium
	// and knows it is not a member.
	b, keyB := g.node(t, *ca.Registry, manual)
	cb := b.consortium(t)
	if !strings.EqualFold(cb.Self.Account, addressOf(keyB)) || cb.Self.Active || cb.Self.AdmittedBlock != 0 || len(cb.Members) != 1 {
		t.Fatalf("B's view before admission: %+v", cb)
	}
	// Not a member: B cannot propose.
	r := b.do(t, b.admin, proposeMemberQ, map[string]any{"a": addressOf(keyA), "n": "x", "u": "https://x.example"})
	if r.code() != "FORBIDDEN" || !strings.Contains(r.Errors[0].Message, addressOf(keyB)) {
		t.Fatalf("a non-member proposes: %+v", r.Errors)
	}

	// The founder alone admits B.
	var p proposalOut
	a.must(t, a.admin, proposeMemberQ, map[string]any{"a": addressOf(keyB), "n": "Housing Office", "u": "https://housing.city.example/"}, "proposeMember", &p)
	if !p.Executed || p.Kind != "ADMIT" || len(p.Approvals) != 1 || !strings.EqualFold(p.Proposer, addressOf(keyA)) ||
		p.BaseURL == nil || *p.BaseURL != "https://housing.city.example" || p.Name == nil || *p.Name != "Housing Office" {
		t.Fatalf("admission of B: %+v", p)
	}
	cb = b.consortium(t)
	if !cb.Self.Active || cb.Self.Name != "Housing Office" || len(cb.Members) != 2 {
		t.Fatalf("B's view after admission: %+v", cb)
	}

	// With two members an admission needs both.
	third, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	a.must(t, a.admin, proposeMemberQ, map[string]any{"a": addressOf(third), "n": "Parks Department", "u": "https://parks.city.example"}, "proposeMember", &p)
	if p.Executed || len(p.Approvals) != 1 {
		t.Fatalf("admission of a third member executed with one of two approvals: %+v", p)
	}
	admitThird := p.ID
	// The proposer's approval is counted already: a second one is a replay.
	if r := a.do(t, a.admin, approveQ, map[string]any{"id": admitThird}); r.code() != "FORBIDDEN" {
		t.Fatalf("proposer approves again: %+v", r.Errors)
	}
	b.must(t, b.admin, approveQ, map[string]any{"id": admitThird}, "approveProposal", &p)
	if !p.Executed || len(p.Approvals) != 2 {
		t.Fatalf("B's approval did not execute the admission: %+v", p)
	}
	if r := b.do(t, b.admin, approveQ, map[string]any{"id": admitThird}); r.code() != "CONFLICT" && r.code() != "FORBIDDEN" {
		t.Fatalf("approving an executed proposal: %+v", r.Errors)
	}
	if r := b.do(t, b.admin, approveQ, map[string]any{"id": "999"}); r.code() != "NOT_FOUND" {
		t.Fatalf("approving an unknown proposal: %+v", r.Errors)
	}

	// Removal: three members, so two approvals.
	b.must(t, b.admin, proposeRemovalQ, map[string]any{"a": addressOf(third)}, "proposeMemberRemoval", &p)
	if p.Executed || p.Kind != "REMOVE" || !strings.EqualFold(p.Proposer, addressOf(keyB)) {
		t.Fatalf("removal proposal: %+v", p)
	}
	a.must(t, a.admin, approveQ, map[string]any{"id": p.ID}, "approveProposal", &p)
	if !p.Executed {
		t.Fatalf("removal not executed with two of three approvals: %+v", p)
	}
	ca = a.consortium(t)
	m, ok := ca.member(addressOf(third))
	if !ok || m.Active || m.RemovedBlock == nil || *m.RemovedBlock < m.AdmittedBlock {
		t.Fatalf("removed member: %+v (listed %v)", m, ok)
	}
	if len(ca.Members) != 3 || len(ca.Proposals) != 3 {
		t.Fatalf("after the votes: %d members, %d proposals; want 3, 3", len(ca.Members), len(ca.Proposals))
	}
	for i, want := range []string{"ADMIT", "ADMIT", "REMOVE"} {
		if got := ca.Proposals[i]; got.Kind != want || !got.Executed {
			t.Errorf("proposal %d: %+v, want executed %s", i, got, want)
		}
	}

	// Input is checked before the chain is asked, and never echoed.
	for name, vars := range map[string]map[string]any{
		"bad-account": {"a": "0x12<b>", "n": "x", "u": "https://x.example"},
		"bad-url":     {"a": addressOf(third), "n": "x", "u": "javascript:alert(1)"},
	} {
		r := a.do(t, a.admin, proposeMemberQ, vars)
		if r.code() != "BAD_USER_INPUT" || strings.Contains(r.Errors[0].Message, "<b>") || strings.Contains(r.Errors[0].Message, "alert") {
			t.Errorf("%s: %+v", name, r.Errors)
		}
	}
}
