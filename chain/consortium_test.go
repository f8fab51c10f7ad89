package chain_test

import (
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/citizencloud/citizencredentials/anchor"
	"github.com/citizencloud/citizencredentials/chain"
	"github.com/citizencloud/citizencredentials/chain/chaintest"
	"github.com/citizencloud/citizencredentials/consortium"
	"github.com/citizencloud/citizencredentials/fault"
)

// wantCode fails the test unless err carries the fault code want.
func wantCode(t testing.TB, what string, err error, want fault.Code) {
	t.Helper()
	if err == nil || fault.CodeOf(err) != want {
		t.Fatalf("%s: err = %v (code %s), want code %s", what, err, fault.CodeOf(err), want)
	}
}

func TestGovernanceMajority(t *testing.T) {
	dev, founder := chaintest.Open(t)
	ctx := testCtx(t)

	self, ok, err := founder.Member(ctx, founder.From())
	if err != nil || !ok || !self.Active || self.Name != "founder" || self.BaseURL != chaintest.FounderURL || self.AdmittedBlock == 0 {
		t.Fatalf("founder = %+v ok=%v err=%v", self, ok, err)
	}
	if founder.Self() != founder.From() {
		t.Fatal("Self is not the signing account")
	}

	// Each step admits one more member; the voters before it are all the
	// active members, and the admission executes exactly at the approval
	// that makes a strict majority of them.
	members := []*chain.Registry{founder}
	for _, tc := range []struct {
		name      string
		approvals int // approvals needed (the proposer's included)
	}{
		{"1 member: the founder alone", 1},
		{"2 members: both", 2},
		{"3 members: two", 2},
		{"4 members: three", 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			candidate := chaintest.Member(t, dev, founder)
			p, err := members[0].ProposeAdmission(ctx, candidate.From(), tc.name, "https://node"+string(rune('a'+len(members)))+".test/")
			if err != nil {
				t.Fatalf("propose: %v", err)
			}
			if p.Kind != consortium.Admit || p.Account != candidate.From() || p.Proposer != members[0].From() || len(p.Approvals) != 1 || p.CreatedBlock == 0 {
				t.Fatalf("proposal = %+v", p)
			}
			for i := 1; i < tc.approvals; i++ {
				if p.Executed {
					t.Fatalf("executed after %d approvals, want %d", i, tc.approvals)
				}
				if _, ok, _ := founder.Member(ctx, candidate.From()); ok {
					t.Fatal("admitted before the majority")
				}
				if p, err = members[i].Approve(ctx, p.ID); err != nil {
					t.Fatalf("approve %d: %v", i, err)
				}
			}
			if !p.Executed || len(p.Approvals) != tc.approvals {
				t.Fatalf("after %d approvals: %+v", tc.approvals, p)
			}
			m, ok, err := founder.Member(ctx, candidate.From())
			if err != nil || !ok || !m.Active || m.Name != tc.name || strings.HasSuffix(m.BaseURL, "/") {
				t.Fatalf("member = %+v ok=%v err=%v", m, ok, err)
			}
			members = append(members, candidate)
		})
	}
	all, err := founder.Members(ctx)
	if err != nil || len(all) != len(members) {
		t.Fatalf("members = %d, err = %v; want %d", len(all), err, len(members))
	}
	for i, m := range all {
		if m.Account != members[i].From() || !m.Active {
			t.Fatalf("member %d = %+v, want %s active", i, m, members[i].From())
		}
	}
	ps, err := founder.Proposals(ctx)
	if err != nil || len(ps) != 4 || ps[0].ID != 1 || !ps[3].Executed {
		t.Fatalf("proposals = %+v, err = %v", ps, err)
	}
}

// consortiumOf returns a registry with the founder and two more members.
func consortiumOf(t *testing.T) (*chain.Dev, *chain.Registry, *chain.Registry, *chain.Registry) {
	t.Helper()
	dev, a := chaintest.Open(t)
	b := chaintest.Admit(t, dev, "b", "https://b.test", a)
	c := chaintest.Admit(t, dev, "c", "https://c.test", a, b)
	return dev, a, b, c
}

func TestGovernanceRefusals(t *testing.T) {
	dev, a, b, c := consortiumOf(t)
	ctx := testCtx(t)
	stranger := chaintest.Member(t, dev, a)

	// An open proposal (one approval of three) and an executed one.
	candidate := chaintest.Member(t, dev, a)
	open, err := a.ProposeAdmission(ctx, candidate.From(), "d", "https://d.test")
	if err != nil || open.Executed {
		t.Fatalf("open proposal = %+v, err = %v", open, err)
	}
	ps, err := a.Proposals(ctx)
	if err != nil {
		t.Fatal(err)
	}
	executed := ps[0].ID

	for _, tc := range []struct {
		name string
		call func() error
		want fault.Code
	}{
		{"fail/stranger proposes admission", func() error {
			_, err := stranger.ProposeAdmission(ctx, stranger.From(), "s", "https://s.test")
			return err
		}, fault.Forbidden},
		{"fail/stranger proposes removal", func() error { _, err := stranger.ProposeRemoval(ctx, b.From()); return err }, fault.Forbidden},
		{"fail/stranger approves", func() error { _, err := stranger.Approve(ctx, open.ID); return err }, fault.Forbidden},
		{"fail/stranger updates itself", func() error { return stranger.UpdateMember(ctx, "s", "https://s.test") }, fault.Forbidden},
		{"fail/vote replay by the proposer", func() error { _, err := a.Approve(ctx, open.ID); return err }, fault.Forbidden},
		{"fail/approve an executed proposal", func() error { _, err := b.Approve(ctx, executed); return err }, fault.Conflict},
		{"fail/approve an unknown proposal", func() error { _, err := b.Approve(ctx, 999); return err }, fault.NotFound},
		{"fail/approve proposal 0", func() error { _, err := b.Approve(ctx, 0); return err }, fault.NotFound},
		{"fail/read an unknown proposal", func() error { _, err := b.Proposal(ctx, 999); return err }, fault.NotFound},
		{"fail/admit an active member", func() error {
			_, err := a.ProposeAdmission(ctx, c.From(), "c", "https://c.test")
			return err
		}, fault.Conflict},
		{"fail/admit the zero account", func() error {
			_, err := a.ProposeAdmission(ctx, common.Address{}, "z", "https://z.test")
			return err
		}, fault.Invalid},
		{"fail/admit with a bad base URL", func() error {
			_, err := a.ProposeAdmission(ctx, stranger.From(), "s", "ftp://s.test")
			return err
		}, fault.Invalid},
		{"fail/remove a non-member", func() error { _, err := a.ProposeRemoval(ctx, stranger.From()); return err }, fault.NotFound},
	} {
		t.Run(tc.name, func(t *testing.T) { wantCode(t, tc.name, tc.call(), tc.want) })
	}

	// The refusal of a non-member names its account and says what to do.
	_, err = stranger.Anchor(ctx, []anchor.StatusAnchor{{ListID: "l", Version: 1, Digest: digest("x")}}, nil)
	wantCode(t, "stranger anchors", err, fault.Forbidden)
	if msg := fault.Message(err); !strings.Contains(msg, stranger.From().Hex()) || !strings.Contains(msg, "vcctl consortium propose") {
		t.Fatalf("message %q does not name the account and the command", msg)
	}
	if !errors.Is(err, chain.ErrNotMember) {
		t.Fatalf("err = %v, want chain.ErrNotMember", err)
	}
	_, err = stranger.SetIssuer(ctx, anchor.IssuerEntry{DID: "did:web:s.test", Active: true})
	wantCode(t, "stranger sets an issuer", err, fault.Forbidden)
	if ok, err := stranger.IsMember(ctx); ok || err != nil {
		t.Fatalf("stranger IsMember = %v, %v", ok, err)
	}

	// A member changes its own entry only.
	if err := b.UpdateMember(ctx, "b2", "https://b2.test/"); err != nil {
		t.Fatalf("update member: %v", err)
	}
	if m, _, _ := a.Member(ctx, b.From()); m.Name != "b2" || m.BaseURL != "https://b2.test" {
		t.Fatalf("after update: %+v", m)
	}
}

func TestRemoval(t *testing.T) {
	_, a, b, c := consortiumOf(t)
	ctx := testCtx(t)
	mined(t, c, sent(t)(c.Anchor(ctx, []anchor.StatusAnchor{{ListID: "l", Version: 1, Digest: digest("c1")}}, nil)))
	mined(t, c, sent(t)(c.SetIssuer(ctx, anchor.IssuerEntry{DID: "did:web:c.test", Active: true})))

	p, err := a.ProposeRemoval(ctx, c.From())
	if err != nil || p.Executed || p.Kind != consortium.Remove {
		t.Fatalf("propose removal = %+v, err = %v", p, err)
	}
	if p, err = b.Approve(ctx, p.ID); err != nil || !p.Executed {
		t.Fatalf("approve removal = %+v, err = %v", p, err)
	}
	m, ok, err := a.Member(ctx, c.From())
	if err != nil || !ok || m.Active || m.RemovedBlock == 0 {
		t.Fatalf("removed member = %+v ok=%v err=%v", m, ok, err)
	}
	if all, _ := a.Members(ctx); len(all) != 3 || all[2].Active {
		t.Fatalf("members = %+v", all)
	}

	// A removed member can no longer anchor, register bureaus, vote or propose.
	for _, tc := range []struct {
		name string
		call func() error
	}{
		{"fail/anchor", func() error {
			_, err := c.Anchor(ctx, []anchor.StatusAnchor{{ListID: "l", Version: 2, Digest: digest("c2")}}, nil)
			return err
		}},
		{"fail/set issuer", func() error {
			_, err := c.SetIssuer(ctx, anchor.IssuerEntry{DID: "did:web:c.test", Active: false})
			return err
		}},
		{"fail/propose", func() error { _, err := c.ProposeRemoval(ctx, a.From()); return err }},
		{"fail/approve", func() error {
			p, err := a.ProposeRemoval(ctx, b.From())
			if err != nil {
				return err
			}
			_, err = c.Approve(ctx, p.ID)
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) { wantCode(t, tc.name, tc.call(), fault.Forbidden) })
	}

	// What it anchored stays readable, and its bureau names it.
	if got, ok, err := a.StatusAnchorOf(ctx, c.From(), "l", 1); err != nil || !ok || got.Digest != digest("c1") {
		t.Fatalf("removed member's anchor = %+v ok=%v err=%v", got, ok, err)
	}
	if e, ok, err := a.IssuerOf(ctx, "did:web:c.test"); err != nil || !ok || e.Member != c.From() {
		t.Fatalf("removed member's issuer = %+v ok=%v err=%v", e, ok, err)
	}

	// Down to one member, which cannot be removed; a removed member may be
	// admitted again.
	p, err = a.ProposeRemoval(ctx, b.From())
	if err != nil {
		t.Fatal(err)
	}
	if p.Executed {
		t.Fatal("removal of b executed with one approval of two")
	}
	if p, err = b.Approve(ctx, p.ID); err != nil || !p.Executed {
		t.Fatalf("b approves its own removal: %+v, %v", p, err)
	}
	_, err = a.ProposeRemoval(ctx, a.From())
	wantCode(t, "remove the last member", err, fault.Conflict)
	if p, err = a.ProposeAdmission(ctx, c.From(), "c again", "https://c.test"); err != nil || !p.Executed {
		t.Fatalf("readmit c: %+v, %v", p, err)
	}
	if m, _, _ := a.Member(ctx, c.From()); !m.Active || m.RemovedBlock != 0 || m.Name != "c again" {
		t.Fatalf("readmitted = %+v", m)
	}
	if all, _ := a.Members(ctx); len(all) != 3 {
		t.Fatalf("readmission listed the member twice: %+v", all)
	}
}

func TestNamespaces(t *testing.T) {
	dev, a := chaintest.Open(t)
	b := chaintest.Admit(t, dev, "b", "https://b.test", a)
	ctx := testCtx(t)
	list := "https://shared.example/status/1"

	// The same list id, version and tree size with different digests: both
	// members' anchors succeed, each in its own namespace.
	recA := mined(t, a, sent(t)(a.Anchor(ctx, []anchor.StatusAnchor{{ListID: list, Version: 1, Digest: digest("a")}}, &anchor.LogAnchor{Root: digest("ra"), TreeSize: 4})))
	recB := mined(t, b, sent(t)(b.Anchor(ctx, []anchor.StatusAnchor{{ListID: list, Version: 1, Digest: digest("b")}}, &anchor.LogAnchor{Root: digest("rb"), TreeSize: 4})))
	for _, tc := range []struct {
		name       string
		reg        *chain.Registry
		member     common.Address
		want, root [32]byte
		block      uint64
	}{
		{"a", a, a.From(), digest("a"), digest("ra"), recA.Block},
		{"b", b, b.From(), digest("b"), digest("rb"), recB.Block},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got, ok, err := tc.reg.StatusAnchor(ctx, list, 1); err != nil || !ok || got.Digest != tc.want || got.Block != tc.block {
				t.Fatalf("own status anchor = %+v ok=%v err=%v", got, ok, err)
			}
			if got, ok, err := a.StatusAnchorOf(ctx, tc.member, list, 1); err != nil || !ok || got.Digest != tc.want {
				t.Fatalf("status anchor of = %+v ok=%v err=%v", got, ok, err)
			}
			if got, ok, err := tc.reg.LogRoot(ctx, 4); err != nil || !ok || got.Digest != tc.root {
				t.Fatalf("own log root = %+v ok=%v err=%v", got, ok, err)
			}
			if got, ok, err := b.LogRootOf(ctx, tc.member, 4); err != nil || !ok || got.Digest != tc.root {
				t.Fatalf("log root of = %+v ok=%v err=%v", got, ok, err)
			}
		})
	}

	// First write wins within a namespace.
	_, err := b.Anchor(ctx, []anchor.StatusAnchor{{ListID: list, Version: 1, Digest: digest("a")}}, nil)
	if !errors.Is(err, fault.ErrConflict) {
		t.Fatalf("b rewrites its version with a's digest: err = %v, want conflict", err)
	}
	_, err = a.Anchor(ctx, nil, &anchor.LogAnchor{Root: digest("rb"), TreeSize: 4})
	if !errors.Is(err, fault.ErrConflict) {
		t.Fatalf("a rewrites its root: err = %v, want conflict", err)
	}

	// Bureaus: the first member to register a DID owns it.
	did := "did:web:a.test:bureau"
	mined(t, a, sent(t)(a.SetIssuer(ctx, anchor.IssuerEntry{DID: did, KeyFingerprints: [][32]byte{digest("k")}, Active: true})))
	_, err = b.SetIssuer(ctx, anchor.IssuerEntry{DID: did, Active: false})
	wantCode(t, "b touches a's bureau", err, fault.Forbidden)
	if !strings.Contains(fault.Message(err), a.From().Hex()) {
		t.Fatalf("message %q does not name the owner", fault.Message(err))
	}
	if _, ok, err := b.Issuer(ctx, did); ok || err != nil {
		t.Fatalf("b reads a's bureau as its own: ok=%v err=%v", ok, err)
	}
	if got, ok, err := a.Issuer(ctx, did); !ok || err != nil || !got.Active {
		t.Fatalf("a's own bureau: %+v ok=%v err=%v", got, ok, err)
	}
	mined(t, a, sent(t)(a.SetIssuer(ctx, anchor.IssuerEntry{DID: did, Active: false})))
	e, ok, err := b.IssuerOf(ctx, did)
	if err != nil || !ok || e.Member != a.From() || e.Active || e.UpdatedBlock == 0 {
		t.Fatalf("issuer of = %+v ok=%v err=%v", e, ok, err)
	}
	if _, ok, err := b.IssuerOf(ctx, "did:web:nobody"); ok || err != nil {
		t.Fatalf("unknown issuer: ok=%v err=%v", ok, err)
	}
}

func TestLatestReads(t *testing.T) {
	_, reg := chaintest.Open(t)
	ctx := testCtx(t)
	me := reg.From()
	if _, _, ok, err := reg.LatestStatusAnchor(ctx, me, "l"); ok || err != nil {
		t.Fatalf("latest of nothing: ok=%v err=%v", ok, err)
	}
	if _, ok, err := reg.LatestLogRoot(ctx, me); ok || err != nil {
		t.Fatalf("latest root of nothing: ok=%v err=%v", ok, err)
	}
	// Anchored out of order: the latest is the highest version and the
	// largest tree size, not the last written.
	var blocks []uint64
	for _, step := range []struct {
		version, treeSize uint64
	}{{1, 5}, {3, 9}, {2, 7}} {
		rec := mined(t, reg, sent(t)(reg.Anchor(ctx,
			[]anchor.StatusAnchor{{ListID: "l", Version: step.version, Digest: digest(string(rune('0' + step.version)))}},
			&anchor.LogAnchor{Root: digest(string(rune('a' + step.treeSize))), TreeSize: step.treeSize})))
		blocks = append(blocks, rec.Block)
	}
	v, a, ok, err := reg.LatestStatusAnchor(ctx, me, "l")
	if err != nil || !ok || v != 3 || a.Digest != digest("3") || a.Block != blocks[1] || a.BlockTime.IsZero() {
		t.Fatalf("latest status = v%d %+v ok=%v err=%v", v, a, ok, err)
	}
	r, ok, err := reg.LatestLogRoot(ctx, me)
	if err != nil || !ok || r.TreeSize != 9 || r.Digest != digest(string(rune('a'+9))) || r.Block != blocks[1] {
		t.Fatalf("latest root = %+v ok=%v err=%v", r, ok, err)
	}
	if _, _, ok, _ := reg.LatestStatusAnchor(ctx, common.Address{9}, "l"); ok {
		t.Fatal("another member's namespace shows this member's list")
	}

	// Events: roots by tree size, lists in anchoring order, only this member's.
	roots, err := reg.LogRoots(ctx, me)
	if err != nil || len(roots) != 3 || roots[0].TreeSize != 5 || roots[1].TreeSize != 7 || roots[2].TreeSize != 9 || roots[2].Block != blocks[1] || roots[2].BlockTime.IsZero() {
		t.Fatalf("log roots = %+v, err = %v", roots, err)
	}
	lists, err := reg.StatusAnchors(ctx, me)
	if err != nil || len(lists) != 3 || lists[0].Version != 1 || lists[1].Version != 3 || lists[2].Version != 2 || lists[0].ListHash != chain.HashString("l") {
		t.Fatalf("status anchors = %+v, err = %v", lists, err)
	}
	if other, err := reg.LogRoots(ctx, common.Address{9}); err != nil || len(other) != 0 {
		t.Fatalf("roots of another member = %+v, err = %v", other, err)
	}
	if n, err := reg.DeployedBlock(ctx); err != nil || n == 0 || n > blocks[0] {
		t.Fatalf("deployed block = %d, err = %v", n, err)
	}
}

// deployV1 deploys the registry of the previous release (contract version 1,
// bytecode kept in testdata) and returns its address.
func deployV1(t testing.TB, dev *chain.Dev) common.Address {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "registry-v1.bin"))
	if err != nil {
		t.Fatal(err)
	}
	code, err := hexutil.Decode("0x" + strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	_, addr, err := chain.DeployCode(testCtx(t), dev.Client(), dev.Key(), code, chain.WithMaxPollInterval(chaintest.PollInterval))
	if err != nil {
		t.Fatalf("deploy v1: %v", err)
	}
	return addr
}

func TestJoin(t *testing.T) {
	dev, reg := chaintest.Open(t)
	ctx := testCtx(t)
	v1 := deployV1(t, dev)
	for _, tc := range []struct {
		name    string
		address common.Address
		want    string
	}{
		{"ok", reg.Address(), ""},
		{"fail/previous release", v1, "previous release"},
		{"fail/no contract", common.Address{7}, "no contract"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := chain.Join(ctx, dev.Client(), chaintest.FundedKey(t, dev), tc.address)
			if tc.want == "" {
				if err != nil || r.Address() != tc.address {
					t.Fatalf("join: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestEnsureRegistryMigratesV1(t *testing.T) {
	dev := openDev(t, t.TempDir())
	ctx := testCtx(t)
	v1 := deployV1(t, dev)
	addrFile := filepath.Join(t.TempDir(), "registry.address")
	if err := os.WriteFile(addrFile, []byte(v1.Hex()+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	founder := chain.Founder{Name: "city", BaseURL: "https://city.test"}
	reg, setup, err := chain.EnsureRegistry(ctx, dev.Client(), dev.Key(), addrFile, founder, chain.WithMaxPollInterval(chaintest.PollInterval))
	if err != nil {
		t.Fatalf("ensure registry: %v", err)
	}
	if setup.Previous != v1 || !setup.Deployed || setup.Address != reg.Address() || setup.Address == v1 {
		t.Fatalf("setup = %+v", setup)
	}
	note := setup.Note()
	for _, want := range []string{v1.Hex(), reg.Address().Hex(), "left untouched", "re-anchored", "re-registered", addrFile + ".v1"} {
		if !strings.Contains(note, want) {
			t.Errorf("note %q lacks %q", note, want)
		}
	}
	if got := strings.TrimSpace(readFile(t, addrFile+".v1")); got != v1.Hex() {
		t.Fatalf("%s.v1 = %q", addrFile, got)
	}
	if got := strings.TrimSpace(readFile(t, addrFile)); got != reg.Address().Hex() {
		t.Fatalf("address file = %q, want %s", got, reg.Address().Hex())
	}
	if code, err := dev.Client().CodeAt(ctx, v1, nil); err != nil || len(code) == 0 {
		t.Fatalf("the old registry is gone: %v", err)
	}
	m, ok, err := reg.Member(ctx, reg.From())
	if err != nil || !ok || !m.Active || m.Name != "city" || m.BaseURL != "https://city.test" {
		t.Fatalf("founder = %+v ok=%v err=%v", m, ok, err)
	}

	// The next start finds the new registry and deploys nothing.
	again, setup, err := chain.EnsureRegistry(ctx, dev.Client(), dev.Key(), addrFile, founder)
	if err != nil || setup.Deployed || setup.Previous != (common.Address{}) || setup.Note() != "" || again.Address() != reg.Address() {
		t.Fatalf("second start: setup = %+v, err = %v", setup, err)
	}
}

// gasOfLast returns the gas used by from's latest transaction, searched in
// the last few blocks (the dev chain may seal an empty block after it).
func gasOfLast(t testing.TB, dev *chain.Dev, from common.Address) uint64 {
	t.Helper()
	ctx := testCtx(t)
	head, err := dev.Client().BlockNumber(ctx)
	if err != nil {
		t.Fatal(err)
	}
	signer := types.LatestSignerForChainID(chain.DevChainID)
	for n := head; n+8 > head && n > 0; n-- {
		b, err := dev.Client().BlockByNumber(ctx, new(big.Int).SetUint64(n))
		if err != nil {
			t.Fatal(err)
		}
		txs := b.Transactions()
		for i := len(txs) - 1; i >= 0; i-- {
			if sender, err := types.Sender(signer, txs[i]); err != nil || sender != from {
				continue
			}
			rec, err := dev.Client().TransactionReceipt(ctx, txs[i].Hash())
			if err != nil {
				t.Fatal(err)
			}
			return rec.GasUsed
		}
	}
	t.Fatalf("no transaction of %s in the blocks up to %d", from, head)
	return 0
}
