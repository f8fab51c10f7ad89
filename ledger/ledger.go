// Package ledger ties issued credentials to their public record: the status
// lists they point into and the consortium chain where issuers are trusted
// and status list versions and the issuance log are anchored. It adds the
// checks issuer_trusted, status, status_anchor and issuance_anchor to every
// verification, builds evidence bundles, and keeps the on-chain trust
// entries of bureaus in step with the store.
package ledger

import (
	"context"
	"crypto"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/citizencloud/citizencredentials/anchor"
	"github.com/citizencloud/citizencredentials/credentials"
	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/keys"
	"github.com/citizencloud/citizencredentials/onboard"
	"github.com/citizencloud/citizencredentials/status"
	"github.com/citizencloud/citizencredentials/store"
)

// Check names added to verification results.
const (
	CheckIssuerTrusted  = "issuer_trusted"
	CheckStatus         = "status"
	CheckStatusAnchor   = "status_anchor"
	CheckIssuanceAnchor = "issuance_anchor"
)

// Ledger is the verification extension and evidence builder.
type Ledger struct {
	creds     credentials.Store
	keys      keys.Store
	status    *status.Service
	lists     status.Store
	anchors   anchor.Store
	reads     store.VerificationReader
	log       *anchor.Log
	reg       anchor.Registry
	remote    credentials.Extension
	member    string        // our member's name: what the chain-backed checks of our credentials name
	statusURL string        // <base>/status/
	trustTTL  time.Duration // how long a positive trust answer is cached
	trustWait time.Duration // how long SetTrust waits for its transaction
	logger    *slog.Logger

	// trust caches the registry's answers for issuers it knows, least
	// recently used first out. verifyCredential is anonymous, so the issuer
	// looked up is whatever a caller sends: only issuers the registry holds
	// an entry for (which only the consortium admin can write) are cached,
	// so invented ones never take a place, and the size is bounded anyway.
	trust *lru.Cache[string, trustEntry]
	// trustGen counts forget calls; trustMu orders them with keepTrust.
	trustMu  sync.Mutex
	trustGen atomic.Uint64

	anchorCache *bounded[anchorKey, anchor.Anchored] // confirmed anchors as the chain holds them
	proven      *bounded[string, provenIssuance]     // credential id → its proven issuance anchor
	// fingerprints: key id → thumbprint of one of our keys (immutable).
	fingerprints *bounded[string, [32]byte]
	// localDIDs: DIDs of our bureaus (a bureau is never deleted, so being
	// ours never changes); only DIDs the store holds take a place.
	localDIDs *bounded[string, struct{}]
}

type trustEntry struct {
	e       anchor.IssuerEntry
	fetched time.Time
	// types are the bureau's allowed types as the store held them when
	// first needed within this entry's life (typesRead); they are dropped
	// with the entry (TTL, or forget after a change of ours).
	types     []string
	typesHash [32]byte // onboard.AllowedTypesHash(types)
	typesRead bool
}

// Defaults of the trust cache.
const (
	DefaultTrustCacheSize = 1024
	DefaultTrustTTL       = 30 * time.Second
)

// Config is what a Ledger reads and where: the stores it checks against,
// the chain, and the service's public URL.
type Config struct {
	Credentials credentials.Store // issued credentials and bureaus
	Keys        keys.Store        // bureau keys (fingerprints of signing keys)
	Status      *status.Service   // published status list versions
	Lists       status.Store      // status lists and their entries
	Anchors     anchor.Store      // the anchoring outbox
	// Reads, if set, reads what one verification needs in one call (the
	// credential's record, leaf, status entries and their lists' latest
	// versions) instead of one store call each.
	Reads    store.VerificationReader
	Log      *anchor.Log     // the issuance log
	Registry anchor.Registry // the consortium chain
	BaseURL  string          // the service's public URL; status list URLs under it are ours
	Logger   *slog.Logger    // nil: slog.Default()
	// Remote, if set, gives the checks of credentials whose issuer is not
	// one of this node's bureaus (consortium.Verifier: other members'
	// bureaus, trusting only the chain). Nil: such credentials get this
	// node's checks, which cannot prove them.
	Remote credentials.Extension
	// Member names this node's consortium member in the checks of its own
	// credentials that rely on the chain (empty: none).
	Member string

	// TrustCacheSize bounds how many issuers' trust entries are cached
	// (0: DefaultTrustCacheSize); TrustTTL is how long one is served
	// before the registry is asked again (0: DefaultTrustTTL).
	TrustCacheSize int
	TrustTTL       time.Duration
}

// New returns a Ledger for c. Errors: a negative TrustCacheSize.
func New(c Config) (*Ledger, error) {
	if c.TrustCacheSize == 0 {
		c.TrustCacheSize = DefaultTrustCacheSize
	}
	if c.TrustTTL <= 0 {
		c.TrustTTL = DefaultTrustTTL
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	trust, err := lru.New[string, trustEntry](c.TrustCacheSize)
	if err != nil {
		return nil, fmt.Errorf("ledger: trust cache of %d entries: %w", c.TrustCacheSize, err)
	}
	return &Ledger{creds: c.Credentials, keys: c.Keys, status: c.Status, lists: c.Lists, anchors: c.Anchors, reads: c.Reads, log: c.Log, reg: c.Registry, remote: c.Remote, member: c.Member,
		statusURL: strings.TrimRight(c.BaseURL, "/") + "/status/", trustTTL: c.TrustTTL, trustWait: 30 * time.Second, logger: c.Logger, trust: trust,
		anchorCache: newBounded[anchorKey, anchor.Anchored](anchorCacheSize), proven: newBounded[string, provenIssuance](provenCacheSize),
		fingerprints: newBounded[string, [32]byte](fingerprintCacheSize), localDIDs: newBounded[string, struct{}](localDIDCacheSize)}, nil
}

var _ credentials.Extension = (*Ledger)(nil)

// Checks implements credentials.Extension.
// A credential whose issuer is not one of our bureaus goes to the remote
// verifier when one is configured.
func (l *Ledger) Checks(ctx context.Context, p *credentials.Parsed) []credentials.Check {
	if l.remote != nil && p.Issuer != "" && !l.localIssuer(ctx, p.Issuer) {
		return l.remote.Checks(ctx, p)
	}
	out := []credentials.Check{l.checkTrusted(ctx, p)}
	ents := l.read(ctx, p.ID)
	out = append(out, l.checkStatus(ctx, p, ents)...)
	rec := l.ownRecord(ctx, p, ents)
	if rec != nil {
		out = append(out, l.checkStatusAnchor(ctx, rec, ents)...)
		out = append(out, l.checkIssuanceAnchor(ctx, rec, p, ents))
	}
	// The chain-backed checks of our own credentials relied on our own
	// member namespace, as a remote member's name theirs.
	for i := range out {
		if out[i].Name != CheckStatus && out[i].Member == "" {
			out[i].Member = l.member
		}
	}
	return out
}

// localIssuer reports whether issuer is one of our bureaus; a store error
// counts as ours (the local checks then report it).
func (l *Ledger) localIssuer(ctx context.Context, issuer string) bool {
	if _, ok := l.localDIDs.get(issuer); ok {
		return true
	}
	_, err := l.creds.BureauByDID(ctx, issuer)
	if err == nil {
		l.localDIDs.put(issuer, struct{}{})
	}
	return !errors.Is(err, fault.ErrNotFound)
}

// ownRecord returns our stored record of p if we issued exactly this
// credential, else nil.
func (l *Ledger) ownRecord(ctx context.Context, p *credentials.Parsed, ents *credentialReads) *credentials.Record {
	if p.ID == "" {
		return nil
	}
	rec, err := ents.record()
	if err != nil || rec.IssuerDID != p.Issuer {
		return nil
	}
	return rec
}

func fail(name, format string, args ...any) credentials.Check {
	return credentials.Check{Name: name, OK: false, Message: fmt.Sprintf(format, args...)}
}

func pass(name, format string, args ...any) credentials.Check {
	return credentials.Check{Name: name, OK: true, Message: fmt.Sprintf(format, args...)}
}

// pending is a check that did not fail but is not proven yet.
func pending(name, format string, args ...any) credentials.Check {
	return credentials.Check{Name: name, OK: true, Pending: true, Message: fmt.Sprintf(format, args...)}
}

// ---- issuer_trusted

// issuer returns the registry's trust entry for did and whether it has one,
// from the cache while the entry is fresh.
func (l *Ledger) issuer(ctx context.Context, did string) (anchor.IssuerEntry, bool, error) {
	if te, hit := l.trust.Get(did); hit {
		if time.Since(te.fetched) < l.trustTTL {
			return te.e, true, nil
		}
		l.trust.Remove(did)
	}
	gen := l.trustGen.Load()
	e, ok, err := l.reg.Issuer(ctx, did)
	if err != nil || !ok {
		// Negative answers are not cached: a bureau registered a moment ago
		// must not look untrusted for a whole TTL, and an issuer the
		// registry does not know, which anyone can invent, takes no place.
		return e, false, err
	}
	l.keepTrust(did, gen, trustEntry{e: e, fetched: time.Now()})
	return e, true, nil
}

// keepTrust caches te unless a change of ours (forget) happened since gen
// was read: an answer read before the change must not outlive it.
func (l *Ledger) keepTrust(did string, gen uint64, te trustEntry) {
	l.trustMu.Lock()
	defer l.trustMu.Unlock()
	if l.trustGen.Load() == gen {
		l.trust.Add(did, te)
	}
}

// allowedTypes returns the types our bureau did may issue, read from the
// store once per cached trust entry (ok false: not one of our bureaus, or
// the store could not be read).
func (l *Ledger) allowedTypes(ctx context.Context, did string) ([]string, [32]byte, bool) {
	gen := l.trustGen.Load()
	te, hit := l.trust.Get(did)
	if hit && te.typesRead {
		return te.types, te.typesHash, true
	}
	b, err := l.creds.BureauByDID(ctx, did)
	if err != nil {
		return nil, [32]byte{}, false
	}
	h := onboard.AllowedTypesHash(b.AllowedTypes)
	if hit {
		te.types, te.typesHash, te.typesRead = b.AllowedTypes, h, true
		l.keepTrust(did, gen, te)
	}
	return b.AllowedTypes, h, true
}

// forget drops the cached trust entry of did (after we changed it).
func (l *Ledger) forget(did string) {
	l.trustMu.Lock()
	defer l.trustMu.Unlock()
	l.trustGen.Add(1)
	l.trust.Remove(did)
}

func (l *Ledger) checkTrusted(ctx context.Context, p *credentials.Parsed) credentials.Check {
	if p.Issuer == "" {
		return fail(CheckIssuerTrusted, "the credential names no issuer")
	}
	e, ok, err := l.issuer(ctx, p.Issuer)
	switch {
	case err != nil:
		return fail(CheckIssuerTrusted, "the consortium registry could not be read (%s); trust not established", fault.Message(err))
	case !ok:
		return fail(CheckIssuerTrusted, "%s is not registered as a trusted issuer on the consortium registry", p.Issuer)
	case !e.Active:
		return fail(CheckIssuerTrusted, "the consortium withdrew trust in %s", p.Issuer)
	}
	if p.KeyID != "" {
		kid := p.KeyID
		if strings.HasPrefix(kid, "#") {
			kid = p.Issuer + kid
		}
		fp, err := l.fingerprint(ctx, kid)
		if err != nil || !slices.Contains(e.KeyFingerprints, fp) {
			return fail(CheckIssuerTrusted, "%s is trusted, but the signing key %s is not one of its registered keys", p.Issuer, kid)
		}
	}
	for _, t := range p.Types {
		if t == "VerifiableCredential" {
			continue
		}
		types, typesHash, ok := l.allowedTypes(ctx, p.Issuer)
		if ok && typesHash == e.AllowedTypesHash && !slices.Contains(types, t) {
			return fail(CheckIssuerTrusted, "%s is trusted, but not for %s credentials", p.Issuer, t)
		}
	}
	return pass(CheckIssuerTrusted, "%s is an active trusted issuer on the consortium registry", p.Issuer)
}

// fingerprint is the RFC 7638 SHA-256 thumbprint of one of our keys. A
// key's public JWK never changes, so the thumbprint is cached by key id
// once the store has the key (an invented kid is not found and takes no
// place).
func (l *Ledger) fingerprint(ctx context.Context, kid string) ([32]byte, error) {
	if fp, ok := l.fingerprints.get(kid); ok {
		return fp, nil
	}
	rec, err := l.keys.Key(ctx, kid)
	if err != nil {
		return [32]byte{}, err
	}
	fp, err := Thumbprint(rec.PublicJWK)
	if err == nil {
		l.fingerprints.put(kid, fp)
	}
	return fp, err
}

// Thumbprint returns the RFC 7638 SHA-256 thumbprint of a public JWK.
func Thumbprint(publicJWK []byte) ([32]byte, error) {
	k, err := jwk.ParseKey(publicJWK)
	if err != nil {
		return [32]byte{}, err
	}
	tp, err := k.Thumbprint(crypto.SHA256)
	if err != nil {
		return [32]byte{}, err
	}
	var out [32]byte
	copy(out[:], tp)
	return out, nil
}

// ---- status

// credentialReads is what one verification of a credential reads from the
// store, in one call (store.VerificationReader): our record of it, its
// issuance-log leaf, its status entries and the latest published version
// of each of their lists. A failed read fails the checks that need it.
type credentialReads struct {
	id   string
	snap *store.VerificationRead
	err  error
}

// read does the store read of one verification of credentialID.
func (l *Ledger) read(ctx context.Context, credentialID string) *credentialReads {
	r := &credentialReads{id: credentialID, snap: &store.VerificationRead{}}
	if credentialID != "" {
		r.snap, r.err = l.reads.VerificationRead(ctx, credentialID)
	}
	return r
}

func (r *credentialReads) entries() ([]*status.Entry, error) {
	if r.err != nil {
		return nil, r.err
	}
	return r.snap.Entries, nil
}

// latest is the latest published version of each of the entries' lists.
func (r *credentialReads) latest() ([]*status.Version, error) {
	if r.err != nil {
		return nil, r.err
	}
	return r.snap.Latest, nil
}

// record is our record of the credential (fault.ErrNotFound if none).
func (r *credentialReads) record() (*credentials.Record, error) {
	switch {
	case r.err != nil:
		return nil, r.err
	case r.snap.Record == nil:
		return nil, fault.E(fault.NotFound, "no credential %s", r.id)
	}
	return r.snap.Record, nil
}

// leaf is the credential's issuance-log leaf (fault.ErrNotFound if none).
func (r *credentialReads) leaf() (*anchor.Leaf, error) {
	switch {
	case r.err != nil:
		return nil, r.err
	case r.snap.Leaf == nil:
		return nil, fault.E(fault.NotFound, "credential %s is not logged", r.id)
	}
	return r.snap.Leaf, nil
}

// checkStatus gives one status check for all of the credential's entries:
// it fails if any bit is set (revoked, suspended) or cannot be checked.
func (l *Ledger) checkStatus(ctx context.Context, p *credentials.Parsed, ents *credentialReads) []credentials.Check {
	if len(p.Status) == 0 {
		return []credentials.Check{pass(CheckStatus, "the credential has no status entry, so it cannot be revoked or suspended")}
	}
	var bad, good []string
	for _, st := range p.Status {
		purpose, _ := st["statusPurpose"].(string)
		listURL, _ := st["statusListCredential"].(string)
		idx, err := strconv.Atoi(fmt.Sprint(st["statusListIndex"]))
		if purpose == "" || listURL == "" || err != nil {
			bad = append(bad, "a credentialStatus entry is malformed (it needs statusPurpose, statusListCredential and statusListIndex)")
			continue
		}
		listID, ours := l.ownList(ctx, listURL, p.Issuer)
		if !ours {
			bad = append(bad, fmt.Sprintf("the %s status is kept in a list at %s, which this service does not fetch (remote status lists are disabled)", purpose, hostOf(listURL)))
			continue
		}
		entries, err := ents.entries()
		if err != nil {
			bad = append(bad, "the status could not be read: "+fault.Message(err))
			continue
		}
		var e *status.Entry
		for _, x := range entries {
			if x.ListID == listID && x.Index == idx {
				e = x
			}
		}
		switch {
		case e == nil:
			bad = append(bad, fmt.Sprintf("the %s entry (list %s, index %d) is not allocated to this credential", purpose, listID, idx))
		case e.Set:
			reason := ""
			if rec, err := ents.record(); err == nil && rec.StateReason != "" {
				reason = " (reason: " + rec.StateReason + ")"
			}
			bad = append(bad, fmt.Sprintf("%s by the issuer on %s%s", pastTense(purpose), e.UpdatedAt.UTC().Format(time.RFC3339), reason))
		default:
			good = append(good, "not "+pastTense(purpose))
		}
	}
	if len(bad) > 0 {
		return []credentials.Check{fail(CheckStatus, "%s", strings.Join(bad, "; "))}
	}
	return []credentials.Check{pass(CheckStatus, "%s", strings.Join(good, ", "))}
}

// ownList reports whether listURL names one of our lists for issuer: under
// our status URL, or (after a change of public URL, e.g. a dev server on
// another port) a /status/{id} path whose list exists here and belongs to
// the issuing bureau.
func (l *Ledger) ownList(ctx context.Context, listURL, issuer string) (string, bool) {
	if id, ok := strings.CutPrefix(listURL, l.statusURL); ok {
		return id, true
	}
	i := strings.LastIndex(listURL, "/status/")
	if i < 0 {
		return "", false
	}
	id := listURL[i+len("/status/"):]
	lst, err := l.lists.List(ctx, id)
	if err != nil {
		return "", false
	}
	b, err := l.creds.Bureau(ctx, lst.BureauID)
	if err != nil || b.DID != issuer {
		return "", false
	}
	return id, true
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

func hostOf(u string) string {
	rest := u
	if i := strings.Index(rest, "://"); i >= 0 {
		rest = rest[i+3:]
	}
	host, _, _ := strings.Cut(rest, "/")
	return host
}

// ---- status_anchor

// checkStatusAnchor proves each published version of the credential's
// status lists against the chain. A version is proven when the chain holds
// its digest and the outbox confirmed it at the required depth; pending
// while it is queued, mined but not deep enough, or recorded as confirmed
// but missing from the chain (lost blocks: the worker re-sends it); failed
// when the chain or the recorded digest disagrees with the stored list.
func (l *Ledger) checkStatusAnchor(ctx context.Context, rec *credentials.Record, ents *credentialReads) []credentials.Check {
	versions, err := ents.latest()
	if err != nil {
		return []credentials.Check{fail(CheckStatusAnchor, "status list versions could not be read: %s", fault.Message(err))}
	}
	if len(versions) == 0 {
		return []credentials.Check{pending(CheckStatusAnchor, "anchoring is pending: the credential's status lists are not published yet")}
	}
	var out []credentials.Check
	for _, v := range versions {
		digest := sha256.Sum256([]byte(v.Credential))
		k := anchorKey{list: v.ListID, version: v.Version}
		a, ok := l.confirmed(k)
		if ok {
			out = append(out, l.statusAnchorCheck(v, digest, a, true))
			continue
		}
		a, ok, err := l.reg.StatusAnchor(ctx, v.ListID, uint64(v.Version))
		switch {
		case err != nil:
			out = append(out, fail(CheckStatusAnchor, "list %s version %d: the chain could not be read (%s)", v.ListID, v.Version, fault.Message(err)))
		case ok:
			deep := l.outboxConfirmed(ctx, anchor.StatusItemID(v.ListID, v.Version))
			if deep && a.Digest == digest {
				l.anchorCache.put(k, a)
			}
			out = append(out, l.statusAnchorCheck(v, digest, a, deep))
		case hex.EncodeToString(digest[:]) != v.Digest:
			out = append(out, fail(CheckStatusAnchor, "list %s version %d does not match its recorded digest: the stored status list was altered", v.ListID, v.Version))
		case l.outboxConfirmed(ctx, anchor.StatusItemID(v.ListID, v.Version)):
			out = append(out, pending(CheckStatusAnchor, "anchoring is pending: list %s version %d was confirmed on chain but the chain no longer holds it; it is being anchored again", v.ListID, v.Version))
		default:
			out = append(out, pending(CheckStatusAnchor, "anchoring is pending: list %s version %d is queued for anchoring (not on chain yet)", v.ListID, v.Version))
		}
	}
	return out
}

func (l *Ledger) statusAnchorCheck(v *status.Version, digest [32]byte, a anchor.Anchored, deep bool) credentials.Check {
	switch {
	case a.Digest != digest:
		return fail(CheckStatusAnchor, "list %s version %d does not match the digest anchored on chain in block %d: the stored status list was altered", v.ListID, v.Version, a.Block)
	case !deep:
		return pending(CheckStatusAnchor, "anchoring is pending: list %s version %d is in block %d, awaiting confirmation at the required depth", v.ListID, v.Version, a.Block)
	}
	c := pass(CheckStatusAnchor, "list %s version %d matches its anchor in block %d (%s)", v.ListID, v.Version, a.Block, a.BlockTime.UTC().Format(time.RFC3339))
	c.Block = a.Block
	return c
}

// outboxConfirmed reports whether the outbox holds the item as confirmed:
// the worker saw its digest in the chain's state at the confirmation depth.
func (l *Ledger) outboxConfirmed(ctx context.Context, itemID string) bool {
	it, err := l.anchors.Item(ctx, itemID)
	return err == nil && it.State == anchor.Confirmed
}

// ---- issuance_anchor

// checkIssuanceAnchor proves that the credential is in the issuance log
// under a root anchored on chain. Once proven, the outcome is cached for
// the credential (a confirmed anchor and a leaf never change).
func (l *Ledger) checkIssuanceAnchor(ctx context.Context, rec *credentials.Record, p *credentials.Parsed, ents *credentialReads) credentials.Check {
	if !sameAsIssued(rec, p) {
		return fail(CheckIssuanceAnchor, "this is not the credential %s was issued as (it differs from what the issuance log holds)", rec.ID)
	}
	if pi, ok := l.proven.get(rec.ID); ok {
		return provenCheck(pi)
	}
	leaf, err := ents.leaf()
	var ev *anchor.Evidence
	if err == nil {
		ev, err = anchor.NewEvidenceOf(ctx, l.anchors, l.log, leaf, "", nil)
	}
	if errors.Is(err, fault.ErrNotFound) {
		return fail(CheckIssuanceAnchor, "the credential is not in the issuance log")
	}
	if err != nil {
		return fail(CheckIssuanceAnchor, "the issuance log could not be read: %s", fault.Message(err))
	}
	if ev.LogAnchor == nil {
		return pending(CheckIssuanceAnchor, "anchoring is pending: logged at position %d; the log root that covers it is queued for anchoring", ev.LeafIndex)
	}
	root, err := anchor.ParseDigest(ev.Root)
	if err != nil {
		return fail(CheckIssuanceAnchor, "the issuance log root is malformed")
	}
	leafData, err := anchor.ParseDigest(ev.CredentialHash)
	if err != nil || !anchor.IsLeafOf(leafData, rec.Credential) {
		return fail(CheckIssuanceAnchor, "the issuance log holds another hash for %s: the stored credential was altered", rec.ID)
	}
	proof := make([][32]byte, len(ev.InclusionProof))
	for i, h := range ev.InclusionProof {
		if proof[i], err = anchor.ParseDigest(h); err != nil {
			return fail(CheckIssuanceAnchor, "the inclusion proof is malformed")
		}
	}
	if anchor.VerifyInclusion(anchor.LeafHash(leafData[:]), uint64(ev.LeafIndex), uint64(ev.TreeSize), proof, root) != nil {
		return fail(CheckIssuanceAnchor, "the inclusion proof does not lead to the log root: the issuance log was altered")
	}
	k := anchorKey{treeSize: ev.TreeSize}
	a, ok := l.confirmed(k)
	if !ok {
		if a, ok, err = l.reg.LogRoot(ctx, uint64(ev.TreeSize)); err != nil {
			return fail(CheckIssuanceAnchor, "the chain could not be read: %s", fault.Message(err))
		}
	}
	switch {
	case !ok:
		return pending(CheckIssuanceAnchor, "anchoring is pending: the log root for tree size %d was confirmed in block %d but the chain no longer holds it; it is being anchored again", ev.TreeSize, ev.LogAnchor.Block)
	case a.Digest != root:
		return fail(CheckIssuanceAnchor, "the anchored root for tree size %d differs from the issuance log's: the log was altered", ev.TreeSize)
	}
	// NewEvidence chose a root the outbox holds as confirmed (at depth).
	l.anchorCache.put(k, a)
	pi := provenIssuance{leafIndex: ev.LeafIndex, treeSize: ev.TreeSize, block: a.Block, blockTime: a.BlockTime, ref: *ev.LogAnchor}
	l.proven.put(rec.ID, pi)
	return provenCheck(pi)
}

func provenCheck(pi provenIssuance) credentials.Check {
	c := pass(CheckIssuanceAnchor, "logged at position %d of %d; root anchored in block %d (%s)", pi.leafIndex, pi.treeSize, pi.block, pi.blockTime.UTC().Format(time.RFC3339))
	c.Block = pi.block
	return c
}

// sameAsIssued reports whether p is the credential rec records: the same
// compact JWS; for SD-JWT the same issuer-signed part (a holder discloses a
// subset and adds key binding); for Data Integrity the same JSON document
// (whitespace and member order may change in transit).
func sameAsIssued(rec *credentials.Record, p *credentials.Parsed) bool {
	switch rec.Format {
	case credentials.FormatSDJWT:
		issued, _, _ := strings.Cut(rec.Credential, "~")
		presented, _, _ := strings.Cut(p.Raw, "~")
		return issued == strings.TrimSpace(presented)
	case credentials.FormatDataIntegrity:
		var a, b any
		if json.Unmarshal([]byte(rec.Credential), &a) != nil || json.Unmarshal([]byte(p.Raw), &b) != nil {
			return false
		}
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		return string(ja) == string(jb)
	default:
		h := sha256.Sum256([]byte(p.Raw))
		return hex.EncodeToString(h[:]) == rec.Hash
	}
}

// ---- evidence

// Evidence returns the evidence bundle of one of our credentials: the
// credential, its inclusion proof against the earliest anchored log root
// that covers it, and the latest version of each of its status lists with
// their anchors.
func (l *Ledger) Evidence(ctx context.Context, credentialID string) (*anchor.Evidence, error) {
	rec, err := l.creds.Credential(ctx, credentialID)
	if err != nil {
		return nil, err
	}
	versions, err := l.status.Versions(ctx, credentialID)
	if err != nil {
		return nil, err
	}
	lv := make([]anchor.ListVersion, len(versions))
	for i, v := range versions {
		lv[i] = anchor.ListVersion{ListID: v.ListID, Version: v.Version, Credential: v.Credential}
	}
	ev, err := anchor.NewEvidence(ctx, l.anchors, l.log, credentialID, rec.Credential, lv)
	if errors.Is(err, fault.ErrNotFound) {
		return nil, fault.E(fault.NotFound, "credential %s is not in the issuance log", credentialID)
	}
	return ev, err
}

// StatusList returns a list with its current version (or version v when
// v > 0) and the anchor of that version if confirmed. Errors: NotFound.
func (l *Ledger) StatusList(ctx context.Context, id string, v int) (*status.List, *status.Version, *anchor.Item, error) {
	lst, err := l.lists.List(ctx, id)
	if errors.Is(err, fault.ErrNotFound) {
		return nil, nil, nil, fault.E(fault.NotFound, "no status list %q", id)
	}
	if err != nil {
		return nil, nil, nil, err
	}
	var ver *status.Version
	if v > 0 {
		ver, err = l.lists.Version(ctx, id, v)
	} else {
		ver, err = l.lists.LatestVersion(ctx, id)
	}
	if errors.Is(err, fault.ErrNotFound) {
		return nil, nil, nil, fault.E(fault.NotFound, "status list %q has no such published version", id)
	}
	if err != nil {
		return nil, nil, nil, err
	}
	it, err := l.anchors.Item(ctx, anchor.StatusItemID(id, ver.Version))
	if err != nil || it.State != anchor.Confirmed {
		it = nil
	}
	return lst, ver, it, nil
}

// StatusListURL is where verifiers fetch a list.
func (l *Ledger) StatusListURL(id string) string { return l.statusURL + id }

// Anchors pages through the anchoring outbox in creation order.
func (l *Ledger) Anchors(ctx context.Context, afterCreated time.Time, afterID string, limit int) ([]*anchor.Item, error) {
	return l.anchors.Items(ctx, afterCreated, afterID, limit)
}

// Backlog is the number of items not yet confirmed on chain.
func (l *Ledger) Backlog(ctx context.Context) (int, error) { return l.anchors.CountUnconfirmed(ctx) }

// IssuanceAnchor returns where the log root covering one of our
// credentials is anchored, or nil if it is not ours or not anchored yet.
// Once the credential's issuance_anchor check is proven, it is the anchor
// that check proved against (the same earliest confirmed root the outbox
// gives), without reading the outbox again.
func (l *Ledger) IssuanceAnchor(ctx context.Context, credentialID string) *anchor.TxRef {
	if credentialID == "" {
		return nil
	}
	if pi, ok := l.proven.get(credentialID); ok {
		ref := pi.ref
		return &ref
	}
	ref, err := anchor.LogAnchorOf(ctx, l.anchors, credentialID)
	if err != nil {
		return nil
	}
	return ref
}
