package consortium

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/citizencloud/citizencredentials/anchor"
	"github.com/citizencloud/citizencredentials/credentials"
	"github.com/citizencloud/citizencredentials/did"
	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/status"
)

// memChain is an in-memory Chain for the unit tests of the verifier (the
// tests with the real registry on the embedded chain are in app/).
type memChain struct {
	mu      sync.Mutex
	head    uint64
	members map[common.Address]Member
	issuers map[string]Issuer
	lists   map[common.Address]map[string][]ListAnchor // by version order
	roots   map[common.Address][]RootAnchor
	down    bool
}

func newMemChain() *memChain {
	return &memChain{head: 10, members: map[common.Address]Member{}, issuers: map[string]Issuer{},
		lists: map[common.Address]map[string][]ListAnchor{}, roots: map[common.Address][]RootAnchor{}}
}

func (c *memChain) err() error {
	if c.down {
		return fault.ErrUnavailable
	}
	return nil
}

func (c *memChain) block() uint64 { c.head++; return c.head }

func (c *memChain) Self() common.Address { return common.Address{} }
func (c *memChain) Head(context.Context) (uint64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.head, c.err()
}
func (c *memChain) Member(_ context.Context, a common.Address) (Member, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	m, ok := c.members[a]
	return m, ok, c.err()
}
func (c *memChain) Members(context.Context) ([]Member, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []Member
	for _, m := range c.members {
		out = append(out, m)
	}
	return out, c.err()
}
func (c *memChain) IssuerOf(_ context.Context, d string) (Issuer, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.issuers[d]
	return e, ok, c.err()
}
func (c *memChain) StatusAnchorOf(_ context.Context, m common.Address, id string, v uint64) (anchor.Anchored, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, la := range c.lists[m][id] {
		if la.Version == v {
			return la.Anchored, true, c.err()
		}
	}
	return anchor.Anchored{}, false, c.err()
}
func (c *memChain) LatestStatusAnchor(_ context.Context, m common.Address, id string) (uint64, anchor.Anchored, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var best *ListAnchor
	for i, la := range c.lists[m][id] {
		if best == nil || la.Version > best.Version {
			best = &c.lists[m][id][i]
		}
	}
	if best == nil {
		return 0, anchor.Anchored{}, false, c.err()
	}
	return best.Version, best.Anchored, true, c.err()
}
func (c *memChain) LogRootOf(_ context.Context, m common.Address, size uint64) (anchor.Anchored, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range c.roots[m] {
		if r.TreeSize == size {
			return r.Anchored, true, c.err()
		}
	}
	return anchor.Anchored{}, false, c.err()
}
func (c *memChain) LatestLogRoot(_ context.Context, m common.Address) (RootAnchor, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var best RootAnchor
	for _, r := range c.roots[m] {
		if r.TreeSize > best.TreeSize {
			best = r
		}
	}
	return best, best.TreeSize > 0, c.err()
}
func (c *memChain) LogRoots(_ context.Context, m common.Address) ([]RootAnchor, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]RootAnchor(nil), c.roots[m]...), c.err()
}
func (c *memChain) StatusAnchors(_ context.Context, m common.Address) ([]ListAnchor, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []ListAnchor
	for _, ls := range c.lists[m] {
		out = append(out, ls...)
	}
	return out, c.err()
}

var _ Chain = (*memChain)(nil)

func (c *memChain) anchorList(m common.Address, id string, version uint64, body []byte) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lists[m] == nil {
		c.lists[m] = map[string][]ListAnchor{}
	}
	b := c.block()
	c.lists[m][id] = append(c.lists[m][id], ListAnchor{ListHash: crypto.Keccak256Hash([]byte(id)), Version: version,
		Anchored: anchor.Anchored{Digest: sha256.Sum256(body), Block: b, BlockTime: time.Unix(1_700_000_000+int64(b), 0)}})
	return b
}

func (c *memChain) anchorRoot(m common.Address, size uint64, root [32]byte) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	b := c.block()
	c.roots[m] = append(c.roots[m], RootAnchor{TreeSize: size, Anchored: anchor.Anchored{Digest: root, Block: b, BlockTime: time.Unix(1_700_000_000+int64(b), 0)}})
	return b
}

// memberNode is a member's public endpoints on httptest: DID documents,
// signed status list versions and the issuance log's proofs.
type memberNode struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	docs     map[string][]byte            // path → DID document
	versions map[string]map[uint64][]byte // list id → version → body
	tamper   map[string]bool              // list id → serve altered bytes
	leaves   [][32]byte                   // leaf data (credential hashes)
	ids      map[string]int               // credential id → leaf index
	fixSize  uint64                       // if set, /log/proof without treeSize answers for this size
	badProof bool
}

func newMemberNode(t *testing.T) *memberNode {
	n := &memberNode{t: t, docs: map[string][]byte{}, versions: map[string]map[uint64][]byte{}, tamper: map[string]bool{}, ids: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /bureaus/{slug}/did.json", func(w http.ResponseWriter, r *http.Request) {
		n.mu.Lock()
		defer n.mu.Unlock()
		doc, ok := n.docs[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(doc)
	})
	mux.HandleFunc("GET /status/{id}", func(w http.ResponseWriter, r *http.Request) {
		n.mu.Lock()
		defer n.mu.Unlock()
		v, _ := strconv.ParseUint(r.URL.Query().Get("version"), 10, 64)
		body, ok := n.versions[r.PathValue("id")][v]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if n.tamper[r.PathValue("id")] {
			body = []byte(strings.Replace(string(body), "revocation", "revocation ", 1))
		}
		_, _ = w.Write(body)
	})
	mux.HandleFunc("GET /log/proof", func(w http.ResponseWriter, r *http.Request) {
		n.mu.Lock()
		defer n.mu.Unlock()
		idx, ok := n.ids[r.URL.Query().Get("id")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		size := uint64(len(n.leaves))
		if n.fixSize > 0 {
			size = n.fixSize
		}
		if s := r.URL.Query().Get("treeSize"); s != "" {
			size, _ = strconv.ParseUint(s, 10, 64)
		}
		hs := make(anchor.Leaves, len(n.leaves))
		for i, l := range n.leaves {
			hs[i] = anchor.LeafHash(l[:])
		}
		path, err := anchor.InclusionProof(r.Context(), hs[:size], uint64(idx), size)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if n.badProof && len(path) > 0 {
			path[0][0] ^= 1
		}
		out := proofDoc{LeafIndex: int64(idx), TreeSize: int64(size), LeafHash: hex.EncodeToString(n.leaves[idx][:])}
		for _, p := range path {
			out.Proof = append(out.Proof, hex.EncodeToString(p[:]))
		}
		_ = json.NewEncoder(w).Encode(out)
	})
	n.srv = httptest.NewServer(mux)
	t.Cleanup(n.srv.Close)
	return n
}

func (n *memberNode) host() string { return strings.TrimPrefix(n.srv.URL, "http://") }

// root returns the root of the first size leaves.
func (n *memberNode) root(size int) [32]byte {
	n.mu.Lock()
	defer n.mu.Unlock()
	hs := make([][32]byte, size)
	for i := range hs {
		hs[i] = anchor.LeafHash(n.leaves[i][:])
	}
	return anchor.RootFromLeaves(hs)
}

// log appends a credential to the member's log.
func (n *memberNode) log(id, raw string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.ids[id] = len(n.leaves)
	n.leaves = append(n.leaves, anchor.CredentialHash([]byte(raw)))
}

// publish stores a version of a revocation list of issuer with set bits.
func (n *memberNode) publish(t *testing.T, issuer, id string, version uint64, set ...int) []byte {
	enc, err := status.Encode(status.MinBits, set)
	if err != nil {
		t.Fatal(err)
	}
	u := n.srv.URL + "/status/" + id
	body, _ := json.Marshal(map[string]any{
		"@context": []string{"https://www.w3.org/ns/credentials/v2"}, "id": u,
		"type": []string{"VerifiableCredential", "BitstringStatusListCredential"}, "issuer": issuer,
		"credentialSubject": map[string]any{"id": u + "#list", "type": "BitstringStatusList", "statusPurpose": "revocation", "encodedList": enc},
	})
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.versions[id] == nil {
		n.versions[id] = map[uint64][]byte{}
	}
	n.versions[id][version] = body
	return body
}

// fixture is one member with one bureau, its key on chain, one issued
// credential with a revocation entry in list "L1".
type fixture struct {
	chain  *memChain
	node   *memberNode
	member Member
	did    string
	kid    string
	other  string // a key id in the document that is not on chain
	v      *Verifier
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{chain: newMemChain(), node: newMemberNode(t)}
	f.member = Member{Account: common.HexToAddress("0xA1"), Name: "parks-dept", BaseURL: f.node.srv.URL, Active: true, AdmittedBlock: 1}
	f.chain.members[f.member.Account] = f.member
	f.did = did.WebDID(f.node.host(), "bureaus", "parks")
	f.kid, f.other = f.did+"#key-1", f.did+"#key-2"
	pub1, _, _ := ed25519.GenerateKey(rand.Reader)
	pub2, _, _ := ed25519.GenerateKey(rand.Reader)
	vm1, err := did.NewJWKMethod(f.kid, f.did, pub1)
	if err != nil {
		t.Fatal(err)
	}
	vm2, _ := did.NewJWKMethod(f.other, f.did, pub2)
	doc := did.Document{Context: []string{did.ContextDIDv1}, ID: f.did, VerificationMethod: []did.VerificationMethod{vm1, vm2},
		AssertionMethod: []string{f.kid, f.other}, Authentication: []string{f.kid}}
	b, _ := json.Marshal(doc)
	f.node.docs["/bureaus/parks/did.json"] = b
	fp, err := thumbprint(&vm1)
	if err != nil {
		t.Fatal(err)
	}
	f.chain.issuers[f.did] = Issuer{Member: f.member.Account, KeyFingerprints: [][32]byte{fp}, Active: true, UpdatedBlock: 3}
	f.v = NewVerifier(f.chain, NewFetcher(AllowPrivate(true), WithFetchTimeout(2*time.Second)), WithVerifierLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	return f
}

// credential returns a parsed credential of the fixture's bureau with a
// revocation entry at index in list id (no entry if id is empty).
func (f *fixture) credential(n int, listID string, index int) *credentials.Parsed {
	p := &credentials.Parsed{Raw: fmt.Sprintf("header.payload-%d.sig", n), Format: credentials.FormatJWT, ID: fmt.Sprintf("urn:uuid:cred-%d", n),
		Issuer: f.did, KeyID: "#key-1", Types: []string{"VerifiableCredential", "VolunteerServiceCredential"}}
	if listID != "" {
		u := f.node.srv.URL + "/status/" + listID
		p.Status = []map[string]any{{"id": u + "#" + strconv.Itoa(index), "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
			"statusListIndex": strconv.Itoa(index), "statusListCredential": u}}
	}
	return p
}

type want struct {
	ok, pending bool
	block       uint64 // 0: not compared
	contains    string
}

func expect(t *testing.T, checks []credentials.Check, w map[string]want) {
	t.Helper()
	got := map[string]credentials.Check{}
	for _, c := range checks {
		if prev, seen := got[c.Name]; !seen || prev.OK && !prev.Pending {
			got[c.Name] = c
		}
	}
	for name, ww := range w {
		c, ok := got[name]
		if !ok {
			t.Errorf("no %s check in %+v", name, checks)
			continue
		}
		if c.OK != ww.ok || c.Pending != ww.pending || (ww.block != 0 && c.Block != ww.block) || !strings.Contains(c.Message, ww.contains) {
			t.Errorf("%s: ok %v pending %v block %d %q; want %+v", name, c.OK, c.Pending, c.Block, c.Message, ww)
		}
		if ww.block != 0 && c.Member != "parks-dept" {
			t.Errorf("%s names member %q", name, c.Member)
		}
	}
}

func TestVerifierResolve(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	doc, err := f.v.Resolve(ctx, f.did)
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.VerificationMethod) != 1 || doc.VerificationMethod[0].ID != f.kid || len(doc.AssertionMethod) != 1 || doc.CanAssert(f.other) {
		t.Fatalf("the key not on chain was kept: %+v", doc)
	}

	local := did.NewWebResolver(func(ctx context.Context, d string) (*did.Document, error) {
		return nil, fault.E(fault.NotFound, "not ours")
	})
	if doc, err := f.v.After(local).Resolve(ctx, f.did); err != nil || doc.ID != f.did {
		t.Fatalf("chained after the local resolver: %v", err)
	}

	f.node.srv.Close()
	if _, err := f.v.Resolve(ctx, f.did); err != nil {
		t.Fatalf("the document is cached while the chain entry is unchanged: %v", err)
	}
	e := f.chain.issuers[f.did]
	e.UpdatedBlock = 20
	f.chain.issuers[f.did] = e
	if _, err := f.v.Resolve(ctx, f.did); fault.CodeOf(err) != fault.Unavailable {
		t.Fatalf("a changed chain entry is not served from the cache: %v", err)
	}
}

func TestVerifierResolveRefusals(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(f *fixture) string // returns the DID to resolve
		code   fault.Code
	}{
		{"fail/not-registered", func(f *fixture) string { return did.WebDID(f.node.host(), "bureaus", "other") }, fault.NotFound},
		{"fail/not-did-web", func(f *fixture) string { return "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK" }, fault.NotFound},
		{"fail/bureau-inactive", func(f *fixture) string {
			e := f.chain.issuers[f.did]
			e.Active = false
			f.chain.issuers[f.did] = e
			return f.did
		}, fault.NotFound},
		{"fail/member-removed", func(f *fixture) string {
			m := f.member
			m.Active, m.RemovedBlock = false, 9
			f.chain.members[m.Account] = m
			return f.did
		}, fault.NotFound},
		{"fail/not-a-member", func(f *fixture) string {
			delete(f.chain.members, f.member.Account)
			return f.did
		}, fault.NotFound},
		{"fail/other-host", func(f *fixture) string {
			d := did.WebDID("evil.example", "bureaus", "parks")
			f.chain.issuers[d] = f.chain.issuers[f.did]
			return d
		}, fault.Forbidden},
		{"fail/no-key-on-chain", func(f *fixture) string {
			e := f.chain.issuers[f.did]
			e.KeyFingerprints = [][32]byte{{1}}
			f.chain.issuers[f.did] = e
			return f.did
		}, fault.NotFound},
		{"fail/chain-down", func(f *fixture) string { f.chain.down = true; return f.did }, fault.Unavailable},
		{"fail/document-of-another-did", func(f *fixture) string {
			d := did.WebDID(f.node.host(), "bureaus", "copy")
			f.chain.issuers[d] = f.chain.issuers[f.did]
			f.node.docs["/bureaus/copy/did.json"] = f.node.docs["/bureaus/parks/did.json"]
			return d
		}, fault.NotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			d := tc.change(f)
			if _, err := f.v.Resolve(context.Background(), d); fault.CodeOf(err) != tc.code {
				t.Fatalf("err %v, want %s", err, tc.code)
			}
		})
	}
}

// TestVerifierConfirmations: a member's anchors count once confirmed at
// the required depth; until then the checks relying on them are pending
// and nothing is cached.
func TestVerifierConfirmations(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.v = NewVerifier(f.chain, NewFetcher(AllowPrivate(true)), WithConfirmations(3), WithVerifierLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	p := f.credential(1, "L1", 7)
	f.node.log(p.ID, p.Raw)
	bl := f.chain.anchorList(f.member.Account, "L1", 1, f.node.publish(t, f.did, "L1", 1))
	br := f.chain.anchorRoot(f.member.Account, 1, f.node.root(1)) // head = br = bl + 1
	expect(t, f.v.Checks(ctx, p), map[string]want{
		CheckStatus:         {ok: true, pending: true, block: bl, contains: "not revoked as of block"},
		CheckStatusAnchor:   {ok: true, pending: true, block: bl, contains: "awaits confirmation at depth 3"},
		CheckIssuanceAnchor: {ok: true, pending: true, block: br, contains: "awaits confirmation at depth 3"},
	})
	f.chain.mu.Lock()
	f.chain.head = br + 2
	f.chain.mu.Unlock()
	expect(t, f.v.Checks(ctx, p), map[string]want{
		CheckStatus:         {ok: true, block: bl},
		CheckStatusAnchor:   {ok: true, block: bl, contains: "fetched from member parks-dept"},
		CheckIssuanceAnchor: {ok: true, block: br},
	})
}

func TestVerifierChecks(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	acct := f.member.Account
	p := f.credential(1, "L1", 7)
	f.node.log("urn:uuid:cred-0", "an earlier credential")
	f.node.log(p.ID, p.Raw)

	t.Run("pending/nothing-anchored", func(t *testing.T) {
		expect(t, f.v.Checks(ctx, p), map[string]want{
			CheckIssuerTrusted:  {ok: true, block: 3, contains: "active bureau of member parks-dept"},
			CheckStatus:         {ok: true, pending: true, contains: "not checked yet"},
			CheckStatusAnchor:   {ok: true, pending: true, contains: "has not anchored a version of list L1"},
			CheckIssuanceAnchor: {ok: true, pending: true, contains: "no root covering it is anchored yet"},
		})
	})

	v1 := f.node.publish(t, f.did, "L1", 1)
	b1 := f.chain.anchorList(acct, "L1", 1, v1)
	rb := f.chain.anchorRoot(acct, 2, f.node.root(2))
	t.Run("ok/every-check-proven", func(t *testing.T) {
		expect(t, f.v.Checks(ctx, p), map[string]want{
			CheckIssuerTrusted:  {ok: true, block: 3},
			CheckStatus:         {ok: true, block: b1, contains: fmt.Sprintf("not revoked as of block %d", b1)},
			CheckStatusAnchor:   {ok: true, block: b1, contains: fmt.Sprintf("fetched from member parks-dept, matches the digest it anchored in block %d", b1)},
			CheckIssuanceAnchor: {ok: true, block: rb, contains: fmt.Sprintf("position 1 of 2; root anchored in block %d", rb)},
		})
	})

	t.Run("ok/member-down-cached-copy", func(t *testing.T) {
		g := newFixture(t)
		q := g.credential(1, "L1", 7)
		g.node.log(q.ID, q.Raw)
		b := g.chain.anchorList(g.member.Account, "L1", 1, g.node.publish(t, g.did, "L1", 1))
		g.chain.anchorRoot(g.member.Account, 1, g.node.root(1))
		expect(t, g.v.Checks(ctx, q), map[string]want{CheckStatusAnchor: {ok: true, block: b}})
		g.node.srv.Close()
		expect(t, g.v.Checks(ctx, q), map[string]want{
			CheckIssuerTrusted:  {ok: true, block: 3},
			CheckStatus:         {ok: true, block: b, contains: fmt.Sprintf("not revoked as of block %d (chain-verified copy of version 1)", b)},
			CheckStatusAnchor:   {ok: true, block: b, contains: fmt.Sprintf("chain-verified copy as of block %d", b)},
			CheckIssuanceAnchor: {ok: true},
		})
		// A version anchored while the member is down: the older copy
		// is used and said to be so, not final.
		g.node.publish(t, g.did, "L1", 2, 7)
		body := g.node.versions["L1"][2]
		b2 := g.chain.anchorList(g.member.Account, "L1", 2, body)
		expect(t, g.v.Checks(ctx, q), map[string]want{
			CheckStatus:       {ok: true, pending: true, block: b, contains: fmt.Sprintf("as of block %d (member unreachable", b)},
			CheckStatusAnchor: {ok: true, pending: true, block: b, contains: fmt.Sprintf("version 2, anchored in block %d, could not be fetched", b2)},
		})
	})

	t.Run("fail/revoked-once-anchored", func(t *testing.T) {
		b2 := f.chain.anchorList(acct, "L1", 2, f.node.publish(t, f.did, "L1", 2, 7))
		expect(t, f.v.Checks(ctx, p), map[string]want{
			CheckStatus:       {ok: false, block: b2, contains: fmt.Sprintf("revoked by the issuer as of block %d", b2)},
			CheckStatusAnchor: {ok: true, block: b2},
		})
	})

	t.Run("fail/tampered-list", func(t *testing.T) {
		b3 := f.chain.anchorList(acct, "L1", 3, f.node.publish(t, f.did, "L1", 3))
		f.node.mu.Lock()
		f.node.tamper["L1"] = true
		f.node.mu.Unlock()
		defer func() { f.node.mu.Lock(); f.node.tamper["L1"] = false; f.node.mu.Unlock() }()
		expect(t, f.v.Checks(ctx, p), map[string]want{
			CheckStatus:       {ok: false, contains: "has no copy proven against the chain"},
			CheckStatusAnchor: {ok: false, block: b3, contains: fmt.Sprintf("member parks-dept serves does not match the digest it anchored in block %d: the served list was tampered with or rolled back", b3)},
		})
	})

	t.Run("fail/rolled-back-list", func(t *testing.T) {
		// The member serves version 1's bytes as version 4.
		f.node.mu.Lock()
		f.node.versions["L1"][4] = f.node.versions["L1"][1]
		f.node.mu.Unlock()
		b4 := f.chain.anchorList(acct, "L1", 4, []byte("the version 4 the member anchored"))
		expect(t, f.v.Checks(ctx, p), map[string]want{
			CheckStatusAnchor: {ok: false, block: b4, contains: "tampered with or rolled back"},
		})
	})

	for _, tc := range []struct {
		name  string
		cred  func() *credentials.Parsed
		setup func() func()
		w     map[string]want
	}{
		{"fail/key-not-on-chain", func() *credentials.Parsed { q := f.credential(1, "", 0); q.KeyID = "#key-2"; return q }, nil,
			map[string]want{CheckIssuerTrusted: {ok: false, block: 3, contains: "the signing key is not one of its keys"}}},
		{"fail/list-off-member-base", func() *credentials.Parsed {
			q := f.credential(1, "L1", 7)
			q.Status[0]["statusListCredential"] = "http://169.254.169.254/status/L1"
			return q
		}, nil, map[string]want{CheckStatus: {ok: false, contains: "not under the base URL member parks-dept registered"}}},
		{"fail/not-the-logged-credential", func() *credentials.Parsed { q := f.credential(1, "", 0); q.Raw += "x"; return q }, nil,
			map[string]want{CheckIssuanceAnchor: {ok: false, block: rb, contains: "the logged hash is not this credential's"}}},
		{"fail/not-logged", func() *credentials.Parsed { return f.credential(5, "", 0) }, nil,
			map[string]want{CheckIssuanceAnchor: {ok: false, contains: "does not hold the credential"}}},
		{"fail/no-id", func() *credentials.Parsed { q := f.credential(6, "", 0); q.ID = ""; return q }, nil,
			map[string]want{CheckIssuanceAnchor: {ok: false, contains: "has no id"}}},
		{"fail/altered-log", func() *credentials.Parsed { return f.credential(7, "", 0) }, func() func() {
			q := f.credential(7, "", 0)
			f.node.log(q.ID, q.Raw)
			f.chain.anchorRoot(acct, 3, f.node.root(3))
			f.node.mu.Lock()
			f.node.badProof = true
			f.node.mu.Unlock()
			return func() { f.node.mu.Lock(); f.node.badProof = false; f.node.mu.Unlock() }
		}, map[string]want{CheckIssuanceAnchor: {ok: false, contains: "does not lead to the root it anchored for tree size 3"}}},
		{"ok/unanchored-size-then-latest-anchored", func() *credentials.Parsed { return f.credential(8, "", 0) }, func() func() {
			q := f.credential(8, "", 0)
			f.node.log(q.ID, q.Raw) // leaf 3
			f.node.log("urn:uuid:later", "later")
			f.chain.anchorRoot(acct, 5, f.node.root(5))
			f.node.mu.Lock()
			f.node.fixSize = 4 // the member answers for a size it never anchored
			f.node.mu.Unlock()
			return func() { f.node.mu.Lock(); f.node.fixSize = 0; f.node.mu.Unlock() }
		}, map[string]want{CheckIssuanceAnchor: {ok: true, contains: "position 3 of 5"}}},
		{"fail/unregistered-issuer", func() *credentials.Parsed {
			q := f.credential(1, "L1", 7)
			q.Issuer = did.WebDID(f.node.host(), "bureaus", "nobody")
			return q
		}, nil, map[string]want{
			CheckIssuerTrusted: {ok: false, contains: "is not registered as a bureau"},
			CheckStatus:        {ok: false, contains: "the status is not checked"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.setup != nil {
				defer tc.setup()()
			}
			expect(t, f.v.Checks(ctx, tc.cred()), tc.w)
		})
	}

	t.Run("fail/chain-down", func(t *testing.T) {
		f.chain.mu.Lock()
		f.chain.down = true
		f.chain.mu.Unlock()
		defer func() { f.chain.mu.Lock(); f.chain.down = false; f.chain.mu.Unlock() }()
		expect(t, f.v.Checks(ctx, p), map[string]want{CheckIssuerTrusted: {ok: false, contains: "the consortium registry could not be read"}})
	})
}
