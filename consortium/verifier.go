package consortium

import (
	"context"
	"crypto"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/citizencloud/citizencredentials/anchor"
	"github.com/citizencloud/citizencredentials/credentials"
	"github.com/citizencloud/citizencredentials/credentials/vcdm"
	"github.com/citizencloud/citizencredentials/did"
	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/status"
)

// Check names, as the ledger names them for the node's own credentials.
const (
	CheckIssuerTrusted  = "issuer_trusted"
	CheckStatus         = "status"
	CheckStatusAnchor   = "status_anchor"
	CheckIssuanceAnchor = "issuance_anchor"
)

// Cache bounds. Entries are keyed by what the chain anchored and are added
// only after what was fetched matched it, so no caller fills them with
// invented keys.
const (
	docCacheSize    = 1024   // filtered DID documents (a few KiB each)
	listCacheSize   = 256    // status list credentials (~22 KiB each for 131,072 entries)
	provenCacheSize = 65_536 // proven issuances (~150 B each)
)

// Verifier verifies the credentials of other members' bureaus trusting
// only the chain (see the package doc). It is a did.Resolver for their
// did:web DIDs and a credentials.Extension giving the issuer_trusted,
// status, status_anchor and issuance_anchor checks. Safe for concurrent
// use.
type Verifier struct {
	chain  Chain
	fetch  *Fetcher
	now    func() time.Time
	logger *slog.Logger
	// confirmations is how many blocks (the anchor's included) make an
	// anchor final, as for the node's own anchors.
	confirmations uint64

	docs   *lru.Cache[docKey, *did.Document]
	lists  *lru.Cache[listKey, cachedList]
	latest *lru.Cache[memberList, listKey] // newest chain-verified copy of each list
	proven *lru.Cache[provenKey, provenIssuance]

	contexts *memberContexts // other members' JSON-LD contexts (Context)
}

type docKey struct {
	did          string
	member       common.Address
	updatedBlock uint64
}

type memberList struct {
	member common.Address
	listID string
}

type listKey struct {
	memberList
	version uint64
	digest  [32]byte
}

type cachedList struct {
	cred  map[string]any
	block uint64 // where the member anchored it
}

type provenKey struct {
	member   common.Address
	leafHash [32]byte
}

type provenIssuance struct {
	leafIndex, treeSize uint64
	block               uint64
	blockTime           time.Time
}

// VerifierOption configures a Verifier.
type VerifierOption func(*Verifier)

// WithVerifierLogger sets the logger (default slog.Default()).
func WithVerifierLogger(l *slog.Logger) VerifierOption { return func(v *Verifier) { v.logger = l } }

// WithVerifierClock sets the time status lists' validity is checked at.
func WithVerifierClock(now func() time.Time) VerifierOption { return func(v *Verifier) { v.now = now } }

// WithConfirmations sets how many blocks, the anchor's own included, must
// be on chain before a member's anchor counts as final (default 1: once
// mined); until then the checks relying on it are pending and nothing is
// cached.
func WithConfirmations(n uint64) VerifierOption {
	return func(v *Verifier) { v.confirmations = max(1, n) }
}

// NewVerifier returns a Verifier reading the chain c and fetching through f.
func NewVerifier(c Chain, f *Fetcher, opts ...VerifierOption) *Verifier {
	v := &Verifier{chain: c, fetch: f, now: time.Now, logger: slog.Default(), confirmations: 1}
	for _, o := range opts {
		o(v)
	}
	v.docs, _ = lru.New[docKey, *did.Document](docCacheSize)
	v.lists, _ = lru.New[listKey, cachedList](listCacheSize)
	v.latest, _ = lru.New[memberList, listKey](listCacheSize)
	v.proven, _ = lru.New[provenKey, provenIssuance](provenCacheSize)
	v.contexts = newMemberContexts()
	return v
}

var (
	_ did.Resolver          = (*Verifier)(nil)
	_ credentials.Extension = (*Verifier)(nil)
)

// ---- the issuer, its member and its DID document

// bureau is a credential issuer as the chain holds it.
type bureau struct {
	did    string
	entry  Issuer
	member Member
	base   *url.URL
}

// bureauOf reads the chain's entries for an issuer DID and checks that it
// is an active bureau of an active member, named under the member's host.
// Errors: fault NotFound (not a bureau of an active member, with the
// reason); fault Forbidden (the DID is not on the member's host); chain
// errors (fault Unavailable).
func (v *Verifier) bureauOf(ctx context.Context, issuer string) (*bureau, error) {
	host, _, err := did.WebParts(issuer)
	if err != nil {
		return nil, fault.E(fault.NotFound, "the issuer is not a did:web DID, so it is no consortium bureau")
	}
	e, ok, err := v.chain.IssuerOf(ctx, issuer)
	if err != nil {
		return nil, fmt.Errorf("read the issuer's registry entry: %w", err)
	}
	if !ok {
		return nil, fault.E(fault.NotFound, "%s is not registered as a bureau on the consortium registry", issuer)
	}
	m, ok, err := v.chain.Member(ctx, e.Member)
	if err != nil {
		return nil, fmt.Errorf("read the issuer's member: %w", err)
	}
	b := &bureau{did: issuer, entry: e, member: m}
	switch {
	case !ok:
		return b, fault.E(fault.NotFound, "%s is registered by %s, which is not a consortium member", issuer, e.Member.Hex())
	case !m.Active:
		return b, fault.E(fault.NotFound, "%s belongs to member %s, removed from the consortium in block %d", issuer, m.Label(), m.RemovedBlock)
	case !e.Active:
		return b, fault.E(fault.NotFound, "member %s withdrew trust in %s (block %d)", m.Label(), issuer, e.UpdatedBlock)
	}
	if b.base, err = memberBase(m); err != nil {
		return b, fault.E(fault.NotFound, "member %s has no usable base URL on the registry", m.Label())
	}
	if want := canonicalHost(b.base); !strings.EqualFold(canonicalHost(&url.URL{Scheme: b.base.Scheme, Host: host}), want) {
		return b, fault.E(fault.Forbidden, "%s is not on the registered host of member %s", issuer, m.Label())
	}
	return b, nil
}

// Resolve implements did.Resolver for the did:web DIDs of other members'
// bureaus: the document is fetched only from the member's registered host
// and keeps only the verification methods whose RFC 7638 thumbprint the
// chain holds for the bureau. It is cached until the chain's entry changes.
// Errors: fault NotFound (not a bureau of an active member, or no key of
// the document is registered); fault Forbidden (refused by the fetch
// guard, or the DID is not on the member's host); fault Unavailable (the
// chain or the member cannot be reached and nothing is cached).
func (v *Verifier) Resolve(ctx context.Context, d string) (*did.Document, error) {
	b, err := v.bureauOf(ctx, d)
	if err != nil {
		return nil, err
	}
	return v.document(ctx, b)
}

func (v *Verifier) document(ctx context.Context, b *bureau) (*did.Document, error) {
	k := docKey{did: b.did, member: b.member.Account, updatedBlock: b.entry.UpdatedBlock}
	if doc, ok := v.docs.Get(k); ok {
		return doc, nil
	}
	_, path, err := did.WebParts(b.did)
	if err != nil {
		return nil, err
	}
	u := *b.base
	u.RawPath = ""
	if len(path) == 0 {
		u.Path = "/.well-known/did.json"
	} else {
		u.Path = "/" + strings.Join(path, "/") + "/did.json"
	}
	body, err := v.fetch.Get(ctx, b.member, u.String(), MaxDIDBytes)
	if err != nil {
		return nil, err
	}
	var doc did.Document
	if err := json.Unmarshal(body, &doc); err != nil || doc.ID != b.did {
		return nil, fault.E(fault.NotFound, "member %s served no DID document of %s", b.member.Label(), b.did)
	}
	kept := filterKeys(&doc, b.entry.KeyFingerprints)
	if len(kept.VerificationMethod) == 0 {
		return nil, fault.E(fault.NotFound, "no key in the DID document of %s is registered for it on the consortium registry", b.did)
	}
	v.docs.Add(k, kept)
	return kept, nil
}

// filterKeys returns doc with only the verification methods whose key's
// thumbprint is one of fps, and the references to them.
func filterKeys(doc *did.Document, fps [][32]byte) *did.Document {
	out := *doc
	out.VerificationMethod = nil
	keep := map[string]bool{}
	for _, vm := range doc.VerificationMethod {
		fp, err := thumbprint(&vm)
		if err != nil || !slices.Contains(fps, fp) {
			continue
		}
		out.VerificationMethod = append(out.VerificationMethod, vm)
		keep[doc.AbsoluteID(vm.ID)] = true
	}
	refs := func(rs []string) []string {
		var o []string
		for _, r := range rs {
			if keep[doc.AbsoluteID(r)] {
				o = append(o, r)
			}
		}
		return o
	}
	out.Authentication, out.AssertionMethod = refs(doc.Authentication), refs(doc.AssertionMethod)
	out.KeyAgreement, out.CapabilityInvocation, out.CapabilityDelegation = refs(doc.KeyAgreement), refs(doc.CapabilityInvocation), refs(doc.CapabilityDelegation)
	return &out
}

// thumbprint is the RFC 7638 SHA-256 thumbprint of a verification method's key.
func thumbprint(vm *did.VerificationMethod) ([32]byte, error) {
	pub, err := vm.PublicKey()
	if err != nil {
		return [32]byte{}, err
	}
	b, err := did.JWKFromPublic(pub)
	if err != nil {
		return [32]byte{}, err
	}
	k, err := jwk.ParseKey(b)
	if err != nil {
		return [32]byte{}, err
	}
	tp, err := k.Thumbprint(crypto.SHA256)
	if err != nil {
		return [32]byte{}, err
	}
	return [32]byte(tp), nil
}

// After returns a resolver that asks local first and, when local does not
// know the DID (fault NotFound, or a did:web host it does not serve), v.
func (v *Verifier) After(local did.Resolver) did.Resolver {
	return did.ResolverFunc(func(ctx context.Context, d string) (*did.Document, error) {
		doc, err := local.Resolve(ctx, d)
		if err != nil && (fault.CodeOf(err) == fault.NotFound || errors.Is(err, did.ErrRemoteDisabled)) {
			return v.Resolve(ctx, d)
		}
		return doc, err
	})
}

// shallow reports whether block is not yet confirmed at the required
// depth; a chain that cannot be read counts as not confirmed.
func (v *Verifier) shallow(ctx context.Context, block uint64) bool {
	if v.confirmations <= 1 {
		return false
	}
	head, err := v.chain.Head(ctx)
	return err != nil || head+1 < block+v.confirmations
}

// ---- checks

func check(name string, ok bool, b *bureau, block uint64, format string, args ...any) credentials.Check {
	c := credentials.Check{Name: name, OK: ok, Message: fmt.Sprintf(format, args...), Block: block}
	if b != nil && b.member.Account != (common.Address{}) {
		c.Member = b.member.Label()
	}
	return c
}

func pending(c credentials.Check) credentials.Check {
	c.Pending = true
	return c
}

// Checks implements credentials.Extension for a credential of another
// member's bureau: issuer_trusted, status (one for all entries),
// status_anchor (one per list) and issuance_anchor, each naming the member
// and the block it relied on.
func (v *Verifier) Checks(ctx context.Context, p *credentials.Parsed) []credentials.Check {
	b, err := v.bureauOf(ctx, p.Issuer)
	if err != nil {
		msg := fault.Message(err)
		if fault.CodeOf(err) == fault.Unavailable {
			msg = "the consortium registry could not be read (" + msg + "); trust not established"
		}
		var blk uint64
		if b != nil {
			blk = b.entry.UpdatedBlock
		}
		out := []credentials.Check{check(CheckIssuerTrusted, false, b, blk, "%s", msg)}
		if len(p.Status) > 0 {
			out = append(out, check(CheckStatus, false, b, 0, "the status is not checked: the issuer is not an active bureau of a consortium member"))
		} else {
			out = append(out, check(CheckStatus, true, nil, 0, "the credential has no status entry, so it cannot be revoked or suspended"))
		}
		return out
	}
	out := []credentials.Check{v.checkTrusted(ctx, b, p)}
	out = append(out, v.checkStatus(ctx, b, p)...)
	return append(out, v.checkIssuance(ctx, b, p))
}

func (v *Verifier) checkTrusted(ctx context.Context, b *bureau, p *credentials.Parsed) credentials.Check {
	blk := b.entry.UpdatedBlock
	if p.KeyID != "" {
		doc, err := v.document(ctx, b)
		if err != nil {
			return check(CheckIssuerTrusted, false, b, blk, "%s is an active bureau of member %s, but its signing key could not be checked: %s", b.did, b.member.Label(), fault.Message(err))
		}
		kid := p.KeyID
		if strings.HasPrefix(kid, "#") {
			kid = b.did + kid
		}
		vm, err := doc.Method(kid)
		if err != nil {
			return check(CheckIssuerTrusted, false, b, blk, "%s is an active bureau of member %s, but the signing key is not one of its keys on the consortium registry", b.did, b.member.Label())
		}
		if fp, err := thumbprint(vm); err != nil || !slices.Contains(b.entry.KeyFingerprints, fp) {
			return check(CheckIssuerTrusted, false, b, blk, "%s is an active bureau of member %s, but the signing key is not one of its keys on the consortium registry", b.did, b.member.Label())
		}
	}
	return check(CheckIssuerTrusted, true, b, blk, "%s is an active bureau of member %s on the consortium registry (entry of block %d); its signing keys are the ones registered there", b.did, b.member.Label(), blk)
}

// ---- status

// listVersion is one status list of the credential as proven (or not)
// against the member's anchor.
type listVersion struct {
	version uint64
	anchor  anchor.Anchored
	cred    map[string]any // nil: not available
	cached  bool           // from the cache of chain-verified copies
	shallow bool           // its anchor is not confirmed at the required depth yet
	asOf    *listKey       // an older chain-verified copy used because the member is unreachable
	asOfBlk uint64
	check   credentials.Check // the status_anchor check
}

func (v *Verifier) checkStatus(ctx context.Context, b *bureau, p *credentials.Parsed) []credentials.Check {
	if len(p.Status) == 0 {
		return []credentials.Check{check(CheckStatus, true, nil, 0, "the credential has no status entry, so it cannot be revoked or suspended")}
	}
	var (
		bad, good, pend []string
		anchors         []credentials.Check
		block           uint64
		seen            = map[string]*listVersion{}
	)
	prefix := strings.TrimSuffix(b.base.String(), "/") + "/status/"
	for _, st := range p.Status {
		purpose, _ := st["statusPurpose"].(string)
		listURL, _ := st["statusListCredential"].(string)
		if purpose == "" || listURL == "" {
			bad = append(bad, "a credentialStatus entry is malformed (it needs statusPurpose and statusListCredential)")
			continue
		}
		id, ok := strings.CutPrefix(listURL, prefix)
		if !ok || id == "" || strings.ContainsAny(id, "/?#%") || len(id) > 200 {
			bad = append(bad, fmt.Sprintf("the %s status list is not under the base URL member %s registered, so it is not fetched", purpose, b.member.Label()))
			continue
		}
		lv, ok := seen[id]
		if !ok {
			lv = v.listVersion(ctx, b, id)
			seen[id] = lv
			anchors = append(anchors, lv.check)
		}
		block = max(block, lv.check.Block)
		if lv.cred == nil {
			if lv.check.Pending {
				pend = append(pend, fmt.Sprintf("the %s status is not checked yet: %s", purpose, lv.check.Message))
			} else {
				bad = append(bad, fmt.Sprintf("the %s status cannot be established: list %s has no copy proven against the chain", purpose, id))
			}
			continue
		}
		set, err := status.CheckEntryWith(st, lv.cred, status.CheckOptions{Now: v.now()})
		var asOf string
		switch {
		case lv.asOf != nil:
			asOf = fmt.Sprintf(" as of block %d (member unreachable; chain-verified copy of version %d, not the latest)", lv.asOfBlk, lv.asOf.version)
		case lv.cached:
			asOf = fmt.Sprintf(" as of block %d (chain-verified copy of version %d)", lv.anchor.Block, lv.version)
		default:
			asOf = fmt.Sprintf(" as of block %d (version %d)", lv.anchor.Block, lv.version)
		}
		switch {
		case err != nil:
			bad = append(bad, fmt.Sprintf("the %s status cannot be read from list %s: %s", purpose, id, statusErr(err)))
		case set:
			bad = append(bad, fmt.Sprintf("%s by the issuer%s", pastTense(purpose), asOf))
		case lv.asOf != nil || lv.shallow:
			pend = append(pend, "not "+pastTense(purpose)+asOf)
		default:
			good = append(good, "not "+pastTense(purpose)+asOf)
		}
	}
	var st credentials.Check
	switch {
	case len(bad) > 0:
		st = check(CheckStatus, false, b, block, "%s", strings.Join(bad, "; "))
	case len(pend) > 0:
		st = pending(check(CheckStatus, true, b, block, "%s", strings.Join(append(good, pend...), "; ")))
	default:
		st = check(CheckStatus, true, b, block, "%s", strings.Join(good, ", "))
	}
	return append([]credentials.Check{st}, anchors...)
}

// statusErr is the caller-safe text of a status.CheckEntry error.
func statusErr(err error) string {
	var ce *status.CheckError
	if errors.As(err, &ce) {
		return ce.Code + ": " + ce.Msg
	}
	return "malformed status list"
}

// listVersion finds the latest version of the member's list anchored on
// chain and a copy of it that matches the anchor: cached, or fetched from
// the member and then cached; while the member is unreachable, the newest
// cached copy of an older version.
func (v *Verifier) listVersion(ctx context.Context, b *bureau, id string) *listVersion {
	lv := &listVersion{}
	ml := memberList{member: b.member.Account, listID: id}
	n, a, ok, err := v.chain.LatestStatusAnchor(ctx, b.member.Account, id)
	switch {
	case err != nil:
		lv.check = check(CheckStatusAnchor, false, b, 0, "list %s of member %s: the chain could not be read (%s)", id, b.member.Label(), fault.Message(err))
		return lv
	case !ok:
		lv.check = pending(check(CheckStatusAnchor, true, b, 0, "anchoring is pending: member %s has not anchored a version of list %s yet", b.member.Label(), id))
		return lv
	}
	lv.version, lv.anchor = n, a
	k := listKey{memberList: ml, version: n, digest: a.Digest}
	when := a.BlockTime.UTC().Format(time.RFC3339)
	if c, ok := v.lists.Get(k); ok {
		lv.cred, lv.cached = c.cred, true
		lv.check = check(CheckStatusAnchor, true, b, a.Block, "list %s version %d matches the digest member %s anchored in block %d (%s); chain-verified copy as of block %d", id, n, b.member.Label(), a.Block, when, a.Block)
		return lv
	}
	u := b.base.JoinPath("status", id)
	u.RawQuery = "version=" + strconv.FormatUint(n, 10)
	body, err := v.fetch.Get(ctx, b.member, u.String(), MaxListBytes)
	if err != nil {
		if errors.Is(err, ErrUnreachable) {
			if old, ok := v.latest.Get(ml); ok {
				if c, ok := v.lists.Get(old); ok {
					lv.cred, lv.asOf, lv.asOfBlk = c.cred, &old, c.block
					lv.check = pending(check(CheckStatusAnchor, true, b, c.block, "member %s is unreachable: list %s version %d, anchored in block %d, could not be fetched; using the chain-verified copy of version %d as of block %d", b.member.Label(), id, n, a.Block, old.version, c.block))
					return lv
				}
			}
		}
		lv.check = check(CheckStatusAnchor, false, b, a.Block, "list %s version %d, anchored by member %s in block %d, could not be fetched and no chain-verified copy is cached: %s", id, n, b.member.Label(), a.Block, fault.Message(err))
		return lv
	}
	if sha256.Sum256(body) != a.Digest {
		v.logger.WarnContext(ctx, "consortium: a member serves a status list version that does not match its anchor", "member", b.member.Label(), "list", id, "version", n, "block", a.Block)
		lv.check = check(CheckStatusAnchor, false, b, a.Block, "the list %s version %d that member %s serves does not match the digest it anchored in block %d: the served list was tampered with or rolled back", id, n, b.member.Label(), a.Block)
		return lv
	}
	cred, err := listCredential(body)
	if err != nil || vcdm.IssuerID(cred["issuer"]) != b.did {
		lv.check = check(CheckStatusAnchor, false, b, a.Block, "list %s version %d of member %s matches its anchor in block %d, but it is not a status list credential of %s", id, n, b.member.Label(), a.Block, b.did)
		return lv
	}
	if v.shallow(ctx, a.Block) {
		lv.cred, lv.shallow = cred, true
		lv.check = pending(check(CheckStatusAnchor, true, b, a.Block, "anchoring is pending: list %s version %d of member %s matches its anchor in block %d, which awaits confirmation at depth %d", id, n, b.member.Label(), a.Block, v.confirmations))
		return lv
	}
	v.lists.Add(k, cachedList{cred: cred, block: a.Block})
	if old, ok := v.latest.Get(ml); !ok || old.version < n {
		v.latest.Add(ml, k)
	}
	lv.cred = cred
	lv.check = check(CheckStatusAnchor, true, b, a.Block, "list %s version %d, fetched from member %s, matches the digest it anchored in block %d (%s)", id, n, b.member.Label(), a.Block, when)
	return lv
}

// listCredential reads the credential of a signed status list (a compact
// JWS, payload the credential or a VC-JWT "vc" claim; or JSON). Its
// signature is not checked: its digest was anchored by the member.
func listCredential(body []byte) (map[string]any, error) {
	s := strings.TrimSpace(string(body))
	raw := []byte(s)
	if !strings.HasPrefix(s, "{") {
		parts := strings.Split(strings.SplitN(s, "~", 2)[0], ".")
		if len(parts) != 3 {
			return nil, errors.New("not a compact JWS")
		}
		b, err := base64.RawURLEncoding.DecodeString(parts[1])
		if err != nil {
			return nil, err
		}
		raw = b
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	if vc, ok := m["vc"].(map[string]any); ok {
		return vc, nil
	}
	return m, nil
}

func pastTense(purpose string) string {
	switch purpose {
	case string(status.Revocation):
		return "revoked"
	case string(status.Suspension):
		return "suspended"
	}
	return purpose + " flagged"
}

// ---- issuance

type proofDoc struct {
	LeafIndex int64    `json:"leafIndex"`
	TreeSize  int64    `json:"treeSize"`
	LeafHash  string   `json:"leafHash"`
	Proof     []string `json:"proof"`
}

// checkIssuance proves that the member logged exactly this credential
// under a log root it anchored: the member's /log/proof gives the leaf
// and its inclusion proof, the leaf must be the SHA-256 of the presented
// credential (anchor.LeafDigest: the issuer-signed JWT of an SD-JWT, the
// JCS form of a JSON credential), and the proof must lead to the root the member
// anchored for that tree size. Once proven, the outcome is cached.
func (v *Verifier) checkIssuance(ctx context.Context, b *bureau, p *credentials.Parsed) credentials.Check {
	presented := anchor.LeafDigest(p.Raw)
	pk := provenKey{member: b.member.Account, leafHash: presented}
	if pi, ok := v.proven.Get(pk); ok {
		return check(CheckIssuanceAnchor, true, b, pi.block, "logged by member %s at position %d of %d; root anchored in block %d (%s)", b.member.Label(), pi.leafIndex, pi.treeSize, pi.block, pi.blockTime.UTC().Format(time.RFC3339))
	}
	if p.ID == "" {
		return check(CheckIssuanceAnchor, false, b, 0, "the credential has no id, so its entry in member %s's issuance log cannot be looked up", b.member.Label())
	}
	pd, err := v.proof(ctx, b, p.ID, 0)
	if err != nil {
		return check(CheckIssuanceAnchor, false, b, 0, "the inclusion proof could not be read from member %s: %s", b.member.Label(), fault.Message(err))
	}
	a, ok, err := v.chain.LogRootOf(ctx, b.member.Account, uint64(pd.TreeSize))
	if err != nil {
		return check(CheckIssuanceAnchor, false, b, 0, "the chain could not be read: %s", fault.Message(err))
	}
	if !ok {
		// The member's node may not know its root was anchored (or
		// chose an unanchored size): try the largest anchored tree.
		latest, lok, err := v.chain.LatestLogRoot(ctx, b.member.Account)
		if err != nil {
			return check(CheckIssuanceAnchor, false, b, 0, "the chain could not be read: %s", fault.Message(err))
		}
		if !lok || latest.TreeSize <= uint64(pd.LeafIndex) {
			return pending(check(CheckIssuanceAnchor, true, b, 0, "anchoring is pending: member %s logged the credential at position %d; no root covering it is anchored yet", b.member.Label(), pd.LeafIndex))
		}
		if pd, err = v.proof(ctx, b, p.ID, latest.TreeSize); err != nil {
			return check(CheckIssuanceAnchor, false, b, latest.Block, "the inclusion proof for the tree of %d anchored in block %d could not be read from member %s: %s", latest.TreeSize, latest.Block, b.member.Label(), fault.Message(err))
		}
		if uint64(pd.TreeSize) != latest.TreeSize {
			return check(CheckIssuanceAnchor, false, b, latest.Block, "member %s served a proof for another tree size than asked", b.member.Label())
		}
		a = latest.Anchored
	}
	leafHash, err1 := anchor.ParseDigest(pd.LeafHash)
	path := make([][32]byte, len(pd.Proof))
	for i, h := range pd.Proof {
		if path[i], err = anchor.ParseDigest(h); err != nil {
			err1 = err
		}
	}
	if err1 != nil || pd.LeafIndex < 0 || pd.TreeSize <= pd.LeafIndex {
		return check(CheckIssuanceAnchor, false, b, a.Block, "member %s served a malformed inclusion proof", b.member.Label())
	}
	if anchor.VerifyInclusion(anchor.LeafHash(leafHash[:]), uint64(pd.LeafIndex), uint64(pd.TreeSize), path, a.Digest) != nil {
		v.logger.WarnContext(ctx, "consortium: a member serves an inclusion proof that does not lead to its anchored root", "member", b.member.Label(), "treeSize", pd.TreeSize, "block", a.Block)
		return check(CheckIssuanceAnchor, false, b, a.Block, "the inclusion proof member %s served does not lead to the root it anchored for tree size %d in block %d: its issuance log was altered", b.member.Label(), pd.TreeSize, a.Block)
	}
	if !anchor.IsLeafOf(leafHash, p.Raw) {
		what := "the logged hash is not this credential's: it is not the credential the member issued"
		if p.Format == credentials.FormatSDJWT || p.Format == credentials.FormatDataIntegrity {
			// A member on the previous release logged the whole SD-JWT
			// (all disclosures) or the Data Integrity document byte for
			// byte; neither can be recomputed from what a holder presents.
			what += " (or it was logged by a previous release as the whole issued string, which the presented form cannot be checked against)"
		}
		return check(CheckIssuanceAnchor, false, b, a.Block, "member %s logged a credential with this id at position %d of %d under the root it anchored in block %d, but %s", b.member.Label(), pd.LeafIndex, pd.TreeSize, a.Block, what)
	}
	if v.shallow(ctx, a.Block) {
		return pending(check(CheckIssuanceAnchor, true, b, a.Block, "anchoring is pending: logged by member %s at position %d of %d; the root is in block %d, which awaits confirmation at depth %d", b.member.Label(), pd.LeafIndex, pd.TreeSize, a.Block, v.confirmations))
	}
	pi := provenIssuance{leafIndex: uint64(pd.LeafIndex), treeSize: uint64(pd.TreeSize), block: a.Block, blockTime: a.BlockTime}
	v.proven.Add(pk, pi)
	return check(CheckIssuanceAnchor, true, b, a.Block, "logged by member %s at position %d of %d; root anchored in block %d (%s)", b.member.Label(), pi.leafIndex, pi.treeSize, pi.block, pi.blockTime.UTC().Format(time.RFC3339))
}

// proof fetches the credential's inclusion proof from the member (treeSize
// 0: the member's choice).
func (v *Verifier) proof(ctx context.Context, b *bureau, credentialID string, treeSize uint64) (*proofDoc, error) {
	u := b.base.JoinPath("log", "proof")
	q := url.Values{"id": {credentialID}}
	if treeSize > 0 {
		q.Set("treeSize", strconv.FormatUint(treeSize, 10))
	}
	u.RawQuery = q.Encode()
	body, err := v.fetch.Get(ctx, b.member, u.String(), MaxProofBytes)
	if err != nil {
		if fault.CodeOf(err) == fault.NotFound {
			return nil, fault.E(fault.NotFound, "its issuance log does not hold the credential")
		}
		return nil, err
	}
	var pd proofDoc
	if err := json.Unmarshal(body, &pd); err != nil {
		return nil, fault.E(fault.Invalid, "the proof is not the expected JSON")
	}
	return &pd, nil
}
