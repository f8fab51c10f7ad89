package consortium_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/citizencloud/citizencredentials/anchor"
	"github.com/citizencloud/citizencredentials/consortium"
	"github.com/citizencloud/citizencredentials/fault"
)

// monitorChain is an in-memory consortium.Chain: what members anchored.
type monitorChain struct {
	mu      sync.Mutex
	head    uint64
	members []consortium.Member
	roots   map[common.Address][]consortium.RootAnchor
	lists   map[common.Address][]consortium.ListAnchor
}

func newMonitorChain() *monitorChain {
	return &monitorChain{head: 100, roots: map[common.Address][]consortium.RootAnchor{}, lists: map[common.Address][]consortium.ListAnchor{}}
}

var chainEpoch = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

func (c *monitorChain) next() anchor.Anchored {
	c.head++
	return anchor.Anchored{Block: c.head, BlockTime: chainEpoch.Add(time.Duration(c.head) * time.Second)}
}

func (c *monitorChain) anchorRoot(m common.Address, size uint64, root [32]byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a := c.next()
	a.Digest = root
	c.roots[m] = append(c.roots[m], consortium.RootAnchor{TreeSize: size, Anchored: a})
	slices.SortFunc(c.roots[m], func(x, y consortium.RootAnchor) int { return int(x.TreeSize) - int(y.TreeSize) })
}

func (c *monitorChain) anchorList(m common.Address, id string, version uint64, digest [32]byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a := c.next()
	a.Digest = digest
	c.lists[m] = append(c.lists[m], consortium.ListAnchor{ListHash: crypto.Keccak256Hash([]byte(id)), Version: version, Anchored: a})
}

func (c *monitorChain) Self() common.Address { return common.Address{} }

func (c *monitorChain) Head(context.Context) (uint64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.head, nil
}

func (c *monitorChain) Member(_ context.Context, account common.Address) (consortium.Member, bool, error) {
	for _, m := range c.members {
		if m.Account == account {
			return m, true, nil
		}
	}
	return consortium.Member{}, false, nil
}

func (c *monitorChain) Members(context.Context) ([]consortium.Member, error) {
	return slices.Clone(c.members), nil
}

func (c *monitorChain) IssuerOf(context.Context, string) (consortium.Issuer, bool, error) {
	return consortium.Issuer{}, false, nil
}

func (c *monitorChain) StatusAnchorOf(_ context.Context, m common.Address, listID string, version uint64) (anchor.Anchored, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, l := range c.lists[m] {
		if l.ListHash == crypto.Keccak256Hash([]byte(listID)) && l.Version == version {
			return l.Anchored, true, nil
		}
	}
	return anchor.Anchored{}, false, nil
}

func (c *monitorChain) LatestStatusAnchor(_ context.Context, m common.Address, listID string) (uint64, anchor.Anchored, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var (
		best uint64
		a    anchor.Anchored
		ok   bool
	)
	for _, l := range c.lists[m] {
		if l.ListHash == crypto.Keccak256Hash([]byte(listID)) && (!ok || l.Version > best) {
			best, a, ok = l.Version, l.Anchored, true
		}
	}
	return best, a, ok, nil
}

func (c *monitorChain) LogRootOf(_ context.Context, m common.Address, size uint64) (anchor.Anchored, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range c.roots[m] {
		if r.TreeSize == size {
			return r.Anchored, true, nil
		}
	}
	return anchor.Anchored{}, false, nil
}

func (c *monitorChain) LatestLogRoot(_ context.Context, m common.Address) (consortium.RootAnchor, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	rs := c.roots[m]
	if len(rs) == 0 {
		return consortium.RootAnchor{}, false, nil
	}
	return rs[len(rs)-1], true, nil
}

func (c *monitorChain) LogRoots(_ context.Context, m common.Address) ([]consortium.RootAnchor, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.roots[m]), nil
}

func (c *monitorChain) StatusAnchors(_ context.Context, m common.Address) ([]consortium.ListAnchor, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.lists[m]), nil
}

var _ consortium.Chain = (*monitorChain)(nil)

// memberNode serves a member's public endpoints from an in-memory log and
// status lists, as server/ does.
type memberNode struct {
	mu     sync.Mutex
	leaves anchor.Leaves
	lists  map[string][][]byte // id → versions (1-based), exact bytes
	srv    *httptest.Server
	// brokenIndex makes /status/ answer 500.
	brokenIndex atomic.Bool
	// audit holds each bureau's audit trail: event hashes by position
	// (1-based); noAudit makes /audit/heads answer 404 (an older node).
	audit   map[string][][32]byte
	noAudit atomic.Bool
}

func newMemberNode(t *testing.T) *memberNode {
	n := &memberNode{lists: map[string][][]byte{}, audit: map[string][][32]byte{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /audit/heads", n.auditHeads)
	mux.HandleFunc("GET /audit/{bureau}/events/{seq}", n.auditEvent)
	mux.HandleFunc("GET /log/head", n.head)
	mux.HandleFunc("GET /log/consistency", n.consistency)
	mux.HandleFunc("GET /status/", n.index)
	mux.HandleFunc("GET /status/{id}", n.list)
	n.srv = httptest.NewServer(mux)
	t.Cleanup(n.srv.Close)
	return n
}

func (n *memberNode) append(k int, tag string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for i := range k {
		n.leaves = append(n.leaves, anchor.LeafHash([]byte(fmt.Sprintf("%s-%d-%d", tag, len(n.leaves), i))))
	}
}

func (n *memberNode) size() uint64 { n.mu.Lock(); defer n.mu.Unlock(); return uint64(len(n.leaves)) }

func (n *memberNode) root(size uint64) [32]byte {
	n.mu.Lock()
	defer n.mu.Unlock()
	return anchor.RootFromLeaves(n.leaves[:size])
}

// publish adds a version of list id and returns its number and digest.
func (n *memberNode) publish(id string, body string) (uint64, [32]byte) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.lists[id] = append(n.lists[id], []byte(body))
	return uint64(len(n.lists[id])), sha256.Sum256([]byte(body))
}

func (n *memberNode) head(w http.ResponseWriter, _ *http.Request) {
	n.mu.Lock()
	defer n.mu.Unlock()
	root := anchor.RootFromLeaves(n.leaves)
	writeJSON(w, map[string]any{"treeSize": len(n.leaves), "root": hex.EncodeToString(root[:])})
}

func (n *memberNode) consistency(w http.ResponseWriter, r *http.Request) {
	n.mu.Lock()
	defer n.mu.Unlock()
	first, err1 := strconv.ParseUint(r.URL.Query().Get("first"), 10, 64)
	second, err2 := strconv.ParseUint(r.URL.Query().Get("second"), 10, 64)
	if err1 != nil || err2 != nil || first == 0 || first > second || second > uint64(len(n.leaves)) {
		http.Error(w, `{"error":{"code":"invalid","message":"bad sizes"}}`, http.StatusBadRequest)
		return
	}
	p, err := anchor.ConsistencyProof(r.Context(), n.leaves, first, second)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	hs := make([]string, len(p))
	for i, h := range p {
		hs[i] = hex.EncodeToString(h[:])
	}
	writeJSON(w, map[string]any{"first": first, "second": second, "proof": hs})
}

func (n *memberNode) index(w http.ResponseWriter, r *http.Request) {
	if n.brokenIndex.Load() {
		http.Error(w, `{"error":{"code":"internal","message":"internal error"}}`, http.StatusInternalServerError)
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	ids := make([]string, 0, len(n.lists))
	for id := range n.lists {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	after := r.URL.Query().Get("after")
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	// Pages of two, to exercise the walk.
	limit = min(max(limit, 1), 2)
	type entry struct {
		ID            string `json:"id"`
		LatestVersion int    `json:"latestVersion"`
		URL           string `json:"url"`
	}
	out := struct {
		Lists []entry `json:"lists"`
		Next  string  `json:"next"`
	}{Lists: []entry{}}
	for _, id := range ids {
		if id <= after {
			continue
		}
		if len(out.Lists) == limit {
			out.Next = out.Lists[len(out.Lists)-1].ID
			break
		}
		out.Lists = append(out.Lists, entry{id, len(n.lists[id]), n.srv.URL + "/status/" + id})
	}
	writeJSON(w, out)
}

func (n *memberNode) list(w http.ResponseWriter, r *http.Request) {
	n.mu.Lock()
	defer n.mu.Unlock()
	vs := n.lists[r.PathValue("id")]
	v, err := strconv.Atoi(r.URL.Query().Get("version"))
	if err != nil || v < 1 || v > len(vs) {
		http.Error(w, `{"error":{"code":"not_found","message":"no such list version"}}`, http.StatusNotFound)
		return
	}
	w.Header().Set("X-Status-List-Version", strconv.Itoa(v))
	_, _ = w.Write(vs[v-1])
}

func (n *memberNode) auditHeads(w http.ResponseWriter, r *http.Request) {
	if n.noAudit.Load() {
		http.NotFound(w, r)
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	type head struct {
		BureauID string `json:"bureauId"`
		AnchorID string `json:"anchorId"`
		Seq      int    `json:"seq"`
		Hash     string `json:"hash"`
	}
	out := struct {
		Chains []head `json:"chains"`
	}{Chains: []head{}}
	for b, hs := range n.audit {
		out.Chains = append(out.Chains, head{b, "audit:" + b, len(hs), hex.EncodeToString(hs[len(hs)-1][:])})
	}
	writeJSON(w, out)
}

func (n *memberNode) auditEvent(w http.ResponseWriter, r *http.Request) {
	n.mu.Lock()
	defer n.mu.Unlock()
	hs := n.audit[r.PathValue("bureau")]
	seq, err := strconv.Atoi(r.PathValue("seq"))
	if err != nil || seq < 1 || seq > len(hs) {
		http.Error(w, `{"error":{"code":"not_found","message":"no audit event at that position"}}`, http.StatusNotFound)
		return
	}
	writeJSON(w, map[string]any{"bureauId": r.PathValue("bureau"), "seq": seq, "hash": hex.EncodeToString(hs[seq-1][:])})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// consortiumFixture is a chain with two members, A and B, each with its
// node, a log of anchored roots and anchored list versions.
type consortiumFixture struct {
	chain *monitorChain
	a, b  *memberNode
	accA  common.Address
	accB  common.Address
}

func newConsortiumFixture(t *testing.T) *consortiumFixture {
	f := &consortiumFixture{chain: newMonitorChain(), a: newMemberNode(t), b: newMemberNode(t),
		accA: common.HexToAddress("0xA000000000000000000000000000000000000001"),
		accB: common.HexToAddress("0xB000000000000000000000000000000000000002")}
	f.chain.members = []consortium.Member{
		{Account: f.accA, Name: "Civil Registry", BaseURL: f.a.srv.URL, Active: true, AdmittedBlock: 1},
		{Account: f.accB, Name: "Housing Office", BaseURL: f.b.srv.URL + "/", Active: true, AdmittedBlock: 2},
	}
	for _, step := range []int{3, 5, 1, 8} {
		f.a.append(step, "a")
		f.chain.anchorRoot(f.accA, f.a.size(), f.a.root(f.a.size()))
		f.b.append(step+1, "b")
		f.chain.anchorRoot(f.accB, f.b.size(), f.b.root(f.b.size()))
	}
	for _, id := range []string{"rev-1", "rev-2", "susp-1"} {
		for v := range 2 {
			ver, d := f.a.publish(id, fmt.Sprintf(`{"list":%q,"version":%d,"member":"a"}`, id, v+1))
			f.chain.anchorList(f.accA, id, ver, d)
			ver, d = f.b.publish(id, fmt.Sprintf(`{"list":%q,"version":%d,"member":"b"}`, id, v+1))
			f.chain.anchorList(f.accB, id, ver, d)
		}
	}
	// A's bureau has an audit trail of three events; heads 2 and 3 are
	// anchored in the list namespace, as app/audit.go does.
	for i := range 3 {
		f.a.audit["bureau-1"] = append(f.a.audit["bureau-1"], sha256.Sum256([]byte(fmt.Sprintf("event %d", i+1))))
	}
	for _, seq := range []uint64{2, 3} {
		f.chain.anchorList(f.accA, "audit:bureau-1", seq, f.a.audit["bureau-1"][seq-1])
	}
	return f
}

func (f *consortiumFixture) audit(t *testing.T) *consortium.Report {
	t.Helper()
	now := chainEpoch.Add(time.Hour)
	m := consortium.NewMonitor(f.chain, consortium.NewHTTPGetter(5*time.Second), consortium.WithMonitorClock(func() time.Time { return now }))
	r, err := m.Audit(context.Background())
	if err != nil {
		t.Fatalf("audit: %v", err)
	}
	return r
}

func kinds(a consortium.MemberAudit) []consortium.ProblemKind {
	var out []consortium.ProblemKind
	for _, p := range a.Problems {
		out = append(out, p.Kind)
	}
	return out
}

func TestMonitorAudit(t *testing.T) {
	tests := []struct {
		name string
		// change alters member A's node or the chain after the fixture.
		change func(t *testing.T, f *consortiumFixture)
		// wantA are the problem kinds reported for A; B stays clean.
		wantA        []consortium.ProblemKind
		inconsistent bool
		check        func(t *testing.T, f *consortiumFixture, a consortium.MemberAudit)
	}{
		{name: "ok/consistent", change: func(*testing.T, *consortiumFixture) {},
			check: func(t *testing.T, f *consortiumFixture, a consortium.MemberAudit) {
				if a.AnchoredRoots != 4 || a.RootsChecked != 4 || a.AnchoredLists != 8 || a.ListsChecked != 6 || a.AuditAnchors != 2 || a.AuditChecked != 2 || a.UnlistedAnchors != 0 {
					t.Errorf("checked %d/%d roots, %d lists and %d/%d audit heads of %d anchors (%d unlisted); want 4/4, 6 and 2/2 of 8 (0)",
						a.RootsChecked, a.AnchoredRoots, a.ListsChecked, a.AuditChecked, a.AuditAnchors, a.AnchoredLists, a.UnlistedAnchors)
				}
				if a.Lag != 0 || a.ServedTreeSize != 17 || a.AnchoredTreeSize != 17 || !a.Reachable {
					t.Errorf("served %d, anchored %d, lag %d, reachable %v; want 17, 17, 0, true", a.ServedTreeSize, a.AnchoredTreeSize, a.Lag, a.Reachable)
				}
			}},
		{name: "ok/lag-reported", change: func(_ *testing.T, f *consortiumFixture) { f.a.append(6, "late") },
			check: func(t *testing.T, f *consortiumFixture, a consortium.MemberAudit) {
				if a.Lag != 6 || a.ServedTreeSize != 23 || a.AnchoredTreeSize != 17 {
					t.Errorf("lag %d (served %d, anchored %d), want 6 (23, 17)", a.Lag, a.ServedTreeSize, a.AnchoredTreeSize)
				}
				wantAge := time.Hour - time.Duration(a.LastAnchorBlock)*time.Second
				if a.LastAnchorAge != wantAge || a.LastAnchorAgeSeconds != int64(wantAge/time.Second) || a.LastAnchorBlock == 0 {
					t.Errorf("last anchor age %v (block %d), want %v", a.LastAnchorAge, a.LastAnchorBlock, wantAge)
				}
				if a.RootsChecked != 4 {
					t.Errorf("roots checked %d, want 4 (3 pairs and the head)", a.RootsChecked)
				}
			}},
		{name: "fail/rewritten-log", wantA: []consortium.ProblemKind{consortium.LogInconsistent, consortium.LogInconsistent, consortium.LogInconsistent}, inconsistent: true,
			change: func(_ *testing.T, f *consortiumFixture) {
				// The member replaces its second leaf: every proof that
				// reads it disagrees with the anchored roots (3→8, 9→17 and
				// the head; 8→9 only reads the perfect subtree of 8 as
				// anchored, and leaf 8).
				f.a.mu.Lock()
				f.a.leaves[1] = anchor.LeafHash([]byte("rewritten"))
				f.a.mu.Unlock()
			}},
		{name: "fail/rewritten-last-anchored-leaf", wantA: []consortium.ProblemKind{consortium.LogInconsistent, consortium.LogInconsistent}, inconsistent: true,
			change: func(_ *testing.T, f *consortiumFixture) {
				// A leaf covered only by the last anchored root (index 16)
				// changes: the earlier pairs still prove, the last pair and
				// the served head do not.
				f.a.mu.Lock()
				f.a.leaves[16] = anchor.LeafHash([]byte("rewritten"))
				f.a.mu.Unlock()
				f.a.append(2, "more")
			},
			check: func(t *testing.T, _ *consortiumFixture, a consortium.MemberAudit) {
				if a.RootsChecked != 2 {
					t.Errorf("roots checked %d, want 2", a.RootsChecked)
				}
			}},
		{name: "fail/anchored-roots-disagree", wantA: []consortium.ProblemKind{consortium.LogInconsistent, consortium.LogInconsistent}, inconsistent: true,
			change: func(_ *testing.T, f *consortiumFixture) {
				// The member anchored a root of another log at a larger
				// size, then went back to serving the original one.
				other := newMemberNode(t)
				other.append(20, "fork")
				f.chain.anchorRoot(f.accA, 20, other.root(20))
				f.a.append(3, "a")
			},
			check: func(t *testing.T, _ *consortiumFixture, a consortium.MemberAudit) {
				if a.RootsChecked != 3 || a.AnchoredTreeSize != 20 {
					t.Errorf("roots checked %d, anchored size %d; want 3, 20", a.RootsChecked, a.AnchoredTreeSize)
				}
			}},
		{name: "fail/rolled-back", wantA: []consortium.ProblemKind{consortium.LogInconsistent, consortium.LogRolledBack}, inconsistent: true,
			change: func(_ *testing.T, f *consortiumFixture) {
				f.a.mu.Lock()
				f.a.leaves = f.a.leaves[:12]
				f.a.mu.Unlock()
			}},
		{name: "fail/tampered-list", wantA: []consortium.ProblemKind{consortium.ListTampered}, inconsistent: true,
			change: func(_ *testing.T, f *consortiumFixture) {
				f.a.mu.Lock()
				f.a.lists["rev-2"][0] = []byte(`{"list":"rev-2","version":1,"member":"a","bits":"all clear"}`)
				f.a.mu.Unlock()
			},
			check: func(t *testing.T, _ *consortiumFixture, a consortium.MemberAudit) {
				if a.ListsChecked != 5 {
					t.Errorf("lists checked %d, want 5", a.ListsChecked)
				}
				if !strings.Contains(a.Problems[0].Message, "rev-2 version 1") || a.Problems[0].Block == 0 {
					t.Errorf("problem does not name the list, version and block: %+v", a.Problems[0])
				}
			}},
		{name: "fail/version-not-served", wantA: []consortium.ProblemKind{consortium.ListMissing}, inconsistent: true,
			change: func(_ *testing.T, f *consortiumFixture) {
				f.a.mu.Lock()
				f.a.lists["susp-1"] = f.a.lists["susp-1"][:1]
				f.a.mu.Unlock()
			}},
		{name: "ok/unlisted-anchor-counted",
			change: func(_ *testing.T, f *consortiumFixture) {
				// An id the node neither lists nor names as an audit trail.
				f.chain.anchorList(f.accA, "retired-list", 7, sha256.Sum256([]byte("retired")))
			},
			check: func(t *testing.T, _ *consortiumFixture, a consortium.MemberAudit) {
				if a.AnchoredLists != 9 || a.UnlistedAnchors != 1 || a.ListsChecked != 6 || a.AuditChecked != 2 {
					t.Errorf("anchored %d, unlisted %d, lists checked %d, audit heads checked %d; want 9, 1, 6, 2", a.AnchoredLists, a.UnlistedAnchors, a.ListsChecked, a.AuditChecked)
				}
			}},
		{name: "ok/no-audit-endpoint",
			change: func(_ *testing.T, f *consortiumFixture) { f.a.noAudit.Store(true) },
			check: func(t *testing.T, _ *consortiumFixture, a consortium.MemberAudit) {
				if a.UnlistedAnchors != 2 || a.AuditAnchors != 0 || a.ListsChecked != 6 {
					t.Errorf("unlisted %d, audit anchors %d, lists checked %d; want 2, 0, 6", a.UnlistedAnchors, a.AuditAnchors, a.ListsChecked)
				}
			}},
		{name: "fail/audit-rewritten", wantA: []consortium.ProblemKind{consortium.AuditRewritten}, inconsistent: true,
			change: func(_ *testing.T, f *consortiumFixture) {
				f.a.mu.Lock()
				f.a.audit["bureau-1"][1] = sha256.Sum256([]byte("edited event 2"))
				f.a.mu.Unlock()
			},
			check: func(t *testing.T, _ *consortiumFixture, a consortium.MemberAudit) {
				if a.AuditChecked != 1 || !strings.Contains(a.Problems[0].Message, "bureau-1") || !strings.Contains(a.Problems[0].Message, "position 2") {
					t.Errorf("audit checked %d; problem %+v", a.AuditChecked, a.Problems[0])
				}
			}},
		{name: "fail/audit-truncated", wantA: []consortium.ProblemKind{consortium.AuditMissing, consortium.AuditMissing}, inconsistent: true,
			change: func(_ *testing.T, f *consortiumFixture) {
				f.a.mu.Lock()
				f.a.audit["bureau-1"] = f.a.audit["bureau-1"][:1]
				f.a.mu.Unlock()
			}},
		{name: "fail/index-unreadable", wantA: []consortium.ProblemKind{consortium.ListMissing}, inconsistent: true,
			change: func(_ *testing.T, f *consortiumFixture) { f.a.brokenIndex.Store(true) }},
		{name: "warn/unreachable", wantA: []consortium.ProblemKind{consortium.Unreachable},
			change: func(_ *testing.T, f *consortiumFixture) { f.a.srv.Close() },
			check: func(t *testing.T, _ *consortiumFixture, a consortium.MemberAudit) {
				if a.Reachable || a.RootsChecked != 0 || a.ListsChecked != 0 || a.AnchoredTreeSize != 17 {
					t.Errorf("unreachable member: %+v", a)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newConsortiumFixture(t)
			tc.change(t, f)
			r := f.audit(t)
			if len(r.Members) != 2 {
				t.Fatalf("%d members audited, want 2", len(r.Members))
			}
			a, b := r.Members[0], r.Members[1]
			if a.Account != f.accA || b.Account != f.accB || a.Label() != "Civil Registry" {
				t.Fatalf("members out of order: %s, %s", a.Label(), b.Label())
			}
			if got := kinds(a); !slices.Equal(got, tc.wantA) {
				t.Errorf("A's problems %v, want %v: %+v", got, tc.wantA, a.Problems)
			}
			if len(b.Problems) != 0 || b.RootsChecked != 4 || b.ListsChecked != 6 || b.AuditAnchors != 0 || b.UnlistedAnchors != 0 {
				t.Errorf("B (untouched) has problems %+v, %d roots, %d lists checked", b.Problems, b.RootsChecked, b.ListsChecked)
			}
			if r.Inconsistent() != tc.inconsistent {
				t.Errorf("report inconsistent %v, want %v", r.Inconsistent(), tc.inconsistent)
			}
			if tc.check != nil {
				tc.check(t, f, a)
			}
		})
	}
}

// The report holds hashes, sizes, list ids and blocks only: nothing a
// member serves in a list body ends up in it.
func TestMonitorReportHoldsNoListContent(t *testing.T) {
	f := newConsortiumFixture(t)
	f.a.mu.Lock()
	f.a.lists["rev-1"][1] = []byte(`{"credentialSubject":{"id":"did:example:alice","name":"Alice"}}`)
	f.a.mu.Unlock()
	r := f.audit(t)
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"did:example:alice", "Alice", "credentialSubject"} {
		if strings.Contains(string(b), s) {
			t.Errorf("report contains %q: %s", s, b)
		}
	}
	if !r.Inconsistent() {
		t.Error("tampered list not reported")
	}
}

// chainDown fails every read, as an unreachable node does.
type chainDown struct{ *monitorChain }

func (chainDown) Members(context.Context) ([]consortium.Member, error) {
	return nil, fault.ErrUnavailable
}

func TestMonitorChainUnavailable(t *testing.T) {
	m := consortium.NewMonitor(chainDown{newMonitorChain()}, consortium.NewHTTPGetter(time.Second))
	_, err := m.Audit(context.Background())
	if fault.CodeOf(err) != fault.Unavailable {
		t.Fatalf("audit with the chain down: %v, want unavailable", err)
	}
}

func TestHTTPGetter(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
			_, _ = w.Write([]byte("0123456789"))
		case "/redirect":
			http.Redirect(w, r, "/ok", http.StatusFound)
		case "/missing":
			http.NotFound(w, r)
		default:
			http.Error(w, "boom", http.StatusInternalServerError)
		}
	}))
	t.Cleanup(srv.Close)
	g := consortium.NewHTTPGetter(5 * time.Second)
	tests := []struct {
		name, path string
		max        int64
		want       string
		code       fault.Code
	}{
		{name: "ok", path: "/ok", max: 10, want: "0123456789"},
		{name: "fail/too-large", path: "/ok", max: 9, code: fault.Unavailable},
		{name: "fail/redirect-not-followed", path: "/redirect", max: 10, code: fault.Unavailable},
		{name: "fail/not-found", path: "/missing", max: 10, code: fault.NotFound},
		{name: "fail/server-error", path: "/error", max: 10, code: fault.Unavailable},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := g.Get(context.Background(), srv.URL+tc.path, tc.max)
			if tc.code != "" {
				if err == nil || fault.CodeOf(err) != tc.code {
					t.Fatalf("Get = %q, %v; want code %s", b, err, tc.code)
				}
				return
			}
			if err != nil || string(b) != tc.want {
				t.Fatalf("Get = %q, %v; want %q", b, err, tc.want)
			}
		})
	}
}
