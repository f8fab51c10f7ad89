package consortium

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/citizencloud/citizencredentials/anchor"
	"github.com/citizencloud/citizencredentials/fault"
)

// Getter fetches a member's public endpoint. Get returns the body of a 200
// answer read up to maxBytes (more is an error); any other answer is an
// error, wrapping fault.ErrNotFound for a 404. The guarded fetcher of this
// package and a plain bounded http.Client both satisfy it.
type Getter interface {
	Get(ctx context.Context, url string, maxBytes int64) ([]byte, error)
}

// Body caps of the public endpoints the monitor reads.
const (
	maxHeadBytes        = 4 << 10
	maxConsistencyBytes = 64 << 10
	maxIndexBytes       = 1 << 20
	maxListBytes        = 1 << 20
	// indexPage is the `limit` of one /status/ index request, the most a
	// node serves.
	indexPage = 200
	// maxIndexPages bounds the index walk of one member (a million lists).
	maxIndexPages = 5000
)

// ProblemKind classifies what the monitor found.
type ProblemKind string

// Problem kinds. Unreachable is a warning (nothing could be checked); every
// other kind is an inconsistency between what a member serves and what it
// anchored.
const (
	// Unreachable: the member's /log/head did not answer; nothing else of
	// it was checked.
	Unreachable ProblemKind = "unreachable"
	// LogRolledBack: the member serves a log smaller than a tree it
	// anchored.
	LogRolledBack ProblemKind = "log_rolled_back"
	// LogInconsistent: two anchored roots, or the last anchored root and
	// the served head, are not proven to be prefixes of one log (the
	// member rewrote its log, or does not serve the proof).
	LogInconsistent ProblemKind = "log_inconsistent"
	// ListMissing: an anchored version of a status list the member serves
	// is not served (or its /status/ index cannot be read).
	ListMissing ProblemKind = "list_missing"
	// ListTampered: a served status list version's SHA-256 differs from the
	// anchored digest.
	ListTampered ProblemKind = "list_tampered"
	// AuditMissing: the event at an anchored position of a bureau's audit
	// trail is not served (or /audit/heads cannot be read).
	AuditMissing ProblemKind = "audit_missing"
	// AuditRewritten: the event served at an anchored position of a
	// bureau's audit trail has another hash than the anchored head.
	AuditRewritten ProblemKind = "audit_rewritten"
)

// Inconsistent reports whether a problem of this kind means a member serves
// something other than what it anchored.
func (k ProblemKind) Inconsistent() bool { return k != Unreachable }

// Problem is one finding about a member. Its message names tree sizes, list
// ids, versions and blocks; never a credential, claim or subject.
type Problem struct {
	Kind    ProblemKind `json:"kind"`
	Message string      `json:"message"`
	// Block is the block of the anchor the finding is about (0 if none).
	Block uint64 `json:"block,omitempty"`
}

// MemberAudit is the audit of one member.
type MemberAudit struct {
	Account common.Address `json:"account"`
	Name    string         `json:"name"`
	BaseURL string         `json:"baseURL"`
	Active  bool           `json:"active"`
	// AnchoredTreeSize is the largest tree size the member anchored (0 if
	// none), LastAnchorBlock and LastAnchorTime where.
	AnchoredTreeSize uint64    `json:"anchoredTreeSize"`
	LastAnchorBlock  uint64    `json:"lastAnchorBlock,omitempty"`
	LastAnchorTime   time.Time `json:"lastAnchorTime,omitzero"`
	// LastAnchorAge is how long ago the latest log root was anchored (0 if
	// none); LastAnchorAgeSeconds the same in whole seconds, for JSON.
	LastAnchorAge        time.Duration `json:"-"`
	LastAnchorAgeSeconds int64         `json:"lastAnchorAgeSeconds"`
	// Reachable is false when /log/head did not answer.
	Reachable bool `json:"reachable"`
	// ServedTreeSize is the size of the log the member serves now.
	ServedTreeSize uint64 `json:"servedTreeSize"`
	// Lag is ServedTreeSize − AnchoredTreeSize: leaves not anchored yet
	// (negative when the served log is smaller than an anchored one).
	Lag int64 `json:"lag"`
	// AnchoredRoots is how many log roots the member anchored; RootsChecked
	// how many consistency proofs (between successive anchored roots, and
	// from the last one to the served head) verified.
	AnchoredRoots int `json:"anchoredRoots"`
	RootsChecked  int `json:"rootsChecked"`
	// AnchoredLists is how many entries the member anchored in its status
	// list namespace: versions of status lists in its /status/ index, of
	// which ListsChecked are served with the anchored digest; heads of its
	// bureaus' audit trails (AuditAnchors, as /audit/heads names them), of
	// which AuditChecked are served with the anchored hash; and
	// UnlistedAnchors of ids neither names, which are not checked.
	AnchoredLists   int       `json:"anchoredLists"`
	ListsChecked    int       `json:"listsChecked"`
	AuditAnchors    int       `json:"auditAnchors"`
	AuditChecked    int       `json:"auditChecked"`
	UnlistedAnchors int       `json:"unlistedAnchors"`
	Problems        []Problem `json:"problems"`
}

// Label is the member's name, or its account.
func (a *MemberAudit) Label() string {
	return Member{Account: a.Account, Name: a.Name}.Label()
}

// Report is the audit of every member at one chain head.
type Report struct {
	Head    uint64        `json:"head"`
	At      time.Time     `json:"at"`
	Members []MemberAudit `json:"members"`
}

// Inconsistent reports whether any member serves something other than what
// it anchored.
func (r *Report) Inconsistent() bool {
	for _, m := range r.Members {
		for _, p := range m.Problems {
			if p.Kind.Inconsistent() {
				return true
			}
		}
	}
	return false
}

// Monitor audits every member of the consortium against the chain: the
// read-only auditor role. It holds no key.
type Monitor struct {
	chain Chain
	get   Getter
	now   func() time.Time
}

// MonitorOption changes a Monitor.
type MonitorOption func(*Monitor)

// WithMonitorClock sets the clock anchor ages are measured with.
func WithMonitorClock(now func() time.Time) MonitorOption {
	return func(m *Monitor) { m.now = now }
}

// NewMonitor returns a monitor that reads the chain through c and members'
// public endpoints through g.
func NewMonitor(c Chain, g Getter, opts ...MonitorOption) *Monitor {
	m := &Monitor{chain: c, get: g, now: time.Now}
	for _, o := range opts {
		o(m)
	}
	return m
}

// Audit checks every member ever admitted, removed ones included: its
// anchoring lag, the consistency of its successive anchored log roots and
// of its served log, every anchored version of each status list in its
// /status/ index, and every anchored head of its bureaus' audit trails
// named by its /audit/heads. Anchors of ids neither names are counted, not
// checked (verifiers, who fetch a credential's list by its URL, still
// compare it with the anchor).
// What members serve goes into the report's problems; an error is returned
// only when the chain cannot be read (fault.ErrUnavailable) or ctx ends.
func (m *Monitor) Audit(ctx context.Context) (*Report, error) {
	head, err := m.chain.Head(ctx)
	if err != nil {
		return nil, fmt.Errorf("chain head: %w", err)
	}
	members, err := m.chain.Members(ctx)
	if err != nil {
		return nil, fmt.Errorf("members: %w", err)
	}
	r := &Report{Head: head, At: m.now().UTC(), Members: make([]MemberAudit, 0, len(members))}
	for _, mem := range members {
		a, err := m.auditMember(ctx, mem)
		if err != nil {
			return nil, fmt.Errorf("member %s: %w", mem.Label(), err)
		}
		r.Members = append(r.Members, *a)
	}
	return r, nil
}

// auditMember returns an error only for the chain or a cancelled ctx.
func (m *Monitor) auditMember(ctx context.Context, mem Member) (*MemberAudit, error) {
	a := &MemberAudit{Account: mem.Account, Name: mem.Name, BaseURL: mem.BaseURL, Active: mem.Active, Problems: []Problem{}}
	roots, err := m.chain.LogRoots(ctx, mem.Account)
	if err != nil {
		return nil, fmt.Errorf("log roots: %w", err)
	}
	lists, err := m.chain.StatusAnchors(ctx, mem.Account)
	if err != nil {
		return nil, fmt.Errorf("status anchors: %w", err)
	}
	a.AnchoredRoots, a.AnchoredLists = len(roots), len(lists)
	var last *RootAnchor
	if len(roots) > 0 {
		last = &roots[len(roots)-1]
		a.AnchoredTreeSize, a.LastAnchorBlock, a.LastAnchorTime = last.TreeSize, last.Block, last.BlockTime
		if !last.BlockTime.IsZero() {
			a.LastAnchorAge = max(m.now().Sub(last.BlockTime), 0)
			a.LastAnchorAgeSeconds = int64(a.LastAnchorAge / time.Second)
		}
	}
	base := strings.TrimRight(mem.BaseURL, "/")

	served, err := m.head(ctx, base)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		a.add(Unreachable, 0, "GET /log/head: %v", err)
		return a, nil
	}
	a.Reachable = true
	a.ServedTreeSize = served.TreeSize
	a.Lag = int64(served.TreeSize) - int64(a.AnchoredTreeSize)

	// Successive anchored roots: the member's log must prove each a prefix
	// of the next, against the roots the chain holds.
	for i := 1; i < len(roots); i++ {
		if err := m.consistent(ctx, base, roots[i-1].TreeSize, roots[i].TreeSize, roots[i-1].Digest, roots[i].Digest); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			a.add(LogInconsistent, roots[i].Block, "anchored tree %d (block %d) is not proven a prefix of anchored tree %d (block %d): %v",
				roots[i-1].TreeSize, roots[i-1].Block, roots[i].TreeSize, roots[i].Block, err)
			continue
		}
		a.RootsChecked++
	}
	// The served head must extend the last anchored root.
	if last != nil {
		switch {
		case served.TreeSize < last.TreeSize:
			a.add(LogRolledBack, last.Block, "serves a log of %d leaves, but anchored %d in block %d", served.TreeSize, last.TreeSize, last.Block)
		default:
			if err := m.consistent(ctx, base, last.TreeSize, served.TreeSize, last.Digest, served.Root); err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				a.add(LogInconsistent, last.Block, "the served log of %d leaves does not extend anchored tree %d (block %d): %v",
					served.TreeSize, last.TreeSize, last.Block, err)
			} else {
				a.RootsChecked++
			}
		}
	}

	if len(lists) == 0 {
		return a, nil
	}
	ids, err := m.index(ctx, base)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		a.add(ListMissing, 0, "GET /status/ index: %v; the member's anchored list versions could not be checked", err)
	}
	chains, err := m.auditHeads(ctx, base)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		a.add(AuditMissing, 0, "GET /audit/heads: %v; the member's anchored audit-trail heads could not be checked", err)
	}
	for _, l := range lists {
		if id, ok := ids[l.ListHash]; ok {
			if err := m.checkList(ctx, a, base, id, l); err != nil {
				return nil, err
			}
			continue
		}
		if bureau, ok := chains[l.ListHash]; ok {
			if err := m.checkAuditHead(ctx, a, base, bureau, l); err != nil {
				return nil, err
			}
			continue
		}
		if ids != nil && chains != nil {
			a.UnlistedAnchors++
		}
	}
	return a, nil
}

// checkList compares the served version l of status list id with its
// anchor. It returns an error only when ctx ends.
func (m *Monitor) checkList(ctx context.Context, a *MemberAudit, base, id string, l ListAnchor) error {
	body, err := m.get.Get(ctx, base+"/status/"+url.PathEscape(id)+"?version="+strconv.FormatUint(l.Version, 10), maxListBytes)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		a.add(ListMissing, l.Block, "status list %s version %d (anchored in block %d) is not served: %v", id, l.Version, l.Block, err)
		return nil
	}
	if sha256.Sum256(body) != l.Digest {
		a.add(ListTampered, l.Block, "status list %s version %d: the served list's SHA-256 differs from the digest anchored in block %d", id, l.Version, l.Block)
		return nil
	}
	a.ListsChecked++
	return nil
}

// checkAuditHead compares the hash a member serves for the event of
// bureau's audit trail at the anchored position with the anchored hash. It
// returns an error only when ctx ends.
func (m *Monitor) checkAuditHead(ctx context.Context, a *MemberAudit, base, bureau string, l ListAnchor) error {
	a.AuditAnchors++
	body, err := m.get.Get(ctx, base+"/audit/"+url.PathEscape(bureau)+"/events/"+strconv.FormatUint(l.Version, 10), maxHeadBytes)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		a.add(AuditMissing, l.Block, "audit trail of bureau %s: no event served at position %d, anchored in block %d: %v", bureau, l.Version, l.Block, err)
		return nil
	}
	var w struct {
		Hash string `json:"hash"`
	}
	if json.Unmarshal(body, &w) != nil {
		w.Hash = ""
	}
	h, err := hash32(w.Hash)
	if err != nil {
		a.add(AuditMissing, l.Block, `audit trail of bureau %s: the event at position %d is not {"hash":"<hex>",...}`, bureau, l.Version)
		return nil
	}
	if h != l.Digest {
		a.add(AuditRewritten, l.Block, "audit trail of bureau %s: the event served at position %d differs from the head anchored in block %d", bureau, l.Version, l.Block)
		return nil
	}
	a.AuditChecked++
	return nil
}

func (a *MemberAudit) add(kind ProblemKind, block uint64, format string, args ...any) {
	a.Problems = append(a.Problems, Problem{Kind: kind, Block: block, Message: fmt.Sprintf(format, args...)})
}

// servedHead is a member's GET /log/head.
type servedHead struct {
	TreeSize uint64
	Root     [32]byte
}

func (m *Monitor) head(ctx context.Context, base string) (servedHead, error) {
	body, err := m.get.Get(ctx, base+"/log/head", maxHeadBytes)
	if err != nil {
		return servedHead{}, err
	}
	var w struct {
		TreeSize *uint64 `json:"treeSize"`
		Root     string  `json:"root"`
	}
	if err := json.Unmarshal(body, &w); err != nil || w.TreeSize == nil {
		return servedHead{}, errors.New(`the answer is not {"treeSize":N,"root":"<hex>"}`)
	}
	root, err := hash32(w.Root)
	if err != nil {
		return servedHead{}, fmt.Errorf("root: %w", err)
	}
	return servedHead{TreeSize: *w.TreeSize, Root: root}, nil
}

// consistent fetches the member's proof that the tree of size first is a
// prefix of the tree of size second and verifies it against the given
// roots.
func (m *Monitor) consistent(ctx context.Context, base string, first, second uint64, root1, root2 [32]byte) error {
	if first == second {
		if root1 != root2 {
			return fmt.Errorf("the root of %d leaves differs from the anchored one", first)
		}
		return nil
	}
	if first == 0 {
		return nil // the empty tree is a prefix of every tree
	}
	body, err := m.get.Get(ctx, fmt.Sprintf("%s/log/consistency?first=%d&second=%d", base, first, second), maxConsistencyBytes)
	if err != nil {
		return fmt.Errorf("GET /log/consistency: %w", err)
	}
	var w struct {
		First  uint64   `json:"first"`
		Second uint64   `json:"second"`
		Proof  []string `json:"proof"`
	}
	if err := json.Unmarshal(body, &w); err != nil {
		return errors.New("the consistency proof is not JSON")
	}
	if w.First != first || w.Second != second {
		return fmt.Errorf("asked for a proof from %d to %d, got one from %d to %d", first, second, w.First, w.Second)
	}
	path := make([][32]byte, len(w.Proof))
	for i, s := range w.Proof {
		if path[i], err = hash32(s); err != nil {
			return fmt.Errorf("proof node %d: %w", i, err)
		}
	}
	if err := anchor.VerifyConsistency(first, second, root1, root2, path); err != nil {
		return errProofFails
	}
	return nil
}

// errProofFails says a consistency proof did not verify; the library's
// message (roots as byte lists) says nothing more to a reader.
var errProofFails = errors.New("the member's consistency proof does not verify against these roots")

// index maps keccak256(list id), as the chain keys lists, to the ids the
// member serves, walking its /status/ index.
func (m *Monitor) index(ctx context.Context, base string) (map[[32]byte]string, error) {
	ids := map[[32]byte]string{}
	after := ""
	for range maxIndexPages {
		u := base + "/status/?limit=" + strconv.Itoa(indexPage)
		if after != "" {
			u += "&after=" + url.QueryEscape(after)
		}
		body, err := m.get.Get(ctx, u, maxIndexBytes)
		if err != nil {
			return nil, err
		}
		var w struct {
			Lists []struct {
				ID string `json:"id"`
			} `json:"lists"`
			Next string `json:"next"`
		}
		if err := json.Unmarshal(body, &w); err != nil {
			return nil, errors.New(`the answer is not {"lists":[...],"next":"..."}`)
		}
		for _, l := range w.Lists {
			if safeID(l.ID) {
				ids[crypto.Keccak256Hash([]byte(l.ID))] = l.ID
			}
		}
		if w.Next == "" || w.Next == after {
			return ids, nil
		}
		after = w.Next
	}
	return nil, fmt.Errorf("the index has more than %d pages", maxIndexPages)
}

// auditHeads maps keccak256(anchor id), as the chain keys a bureau's audit
// head, to the bureau id, from the member's /audit/heads. A member that
// does not serve it (404) has no audit chains to check: nil map, no error.
func (m *Monitor) auditHeads(ctx context.Context, base string) (map[[32]byte]string, error) {
	body, err := m.get.Get(ctx, base+"/audit/heads", maxIndexBytes)
	if errors.Is(err, fault.ErrNotFound) {
		return map[[32]byte]string{}, nil
	}
	if err != nil {
		return nil, err
	}
	var w struct {
		Chains []struct {
			BureauID string `json:"bureauId"`
			AnchorID string `json:"anchorId"`
		} `json:"chains"`
	}
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, errors.New(`the answer is not {"chains":[...]}`)
	}
	out := make(map[[32]byte]string, len(w.Chains))
	for _, c := range w.Chains {
		if safeID(c.BureauID) && c.AnchorID == auditAnchorPrefix+c.BureauID {
			out[crypto.Keccak256Hash([]byte(c.AnchorID))] = c.BureauID
		}
	}
	return out, nil
}

// auditAnchorPrefix starts the id under which a node anchors a bureau's
// audit-trail head (audit.AnchorID).
const auditAnchorPrefix = "audit:"

// safeID reports whether an id a member sent may go into a URL path and the
// report as it is: 1 to 200 letters, digits and "-_.:". Other ids are not
// mapped, so their anchors count as unlisted; nothing else a member sends
// is ever printed.
func safeID(s string) bool {
	if s == "" || len(s) > 200 {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.', r == ':':
		default:
			return false
		}
	}
	return true
}

// hash32 decodes a 32-byte hex hash (an optional 0x prefix is allowed).
func hash32(s string) ([32]byte, error) {
	var h [32]byte
	b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	if err != nil || len(b) != 32 {
		return h, fault.E(fault.Invalid, "not a 32-byte hex hash")
	}
	copy(h[:], b)
	return h, nil
}
