package credentials

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/citizencloud/citizencredentials/did"
	"github.com/citizencloud/citizencredentials/fault"
)

// SD-JWT (IETF draft-ietf-oauth-selective-disclosure-jwt-22) media types.
// Credentials of this service are VCDM 2.0, so they are secured as
// vc+sd-jwt (VC-JOSE-COSE §3.2; the payload is the credential itself, like
// vc+jwt). dc+sd-jwt is the IETF SD-JWT VC type (payload with vct, iss,
// sub): accepted on verification. vp+sd-jwt is a presentation secured by the
// holder as an SD-JWT (VC-JOSE-COSE): accepted on verification.
const (
	TypVCSDJWT = "vc+sd-jwt"
	TypDCSDJWT = "dc+sd-jwt"
	TypVPSDJWT = "vp+sd-jwt"
	TypKBJWT   = "kb+jwt"
)

// Checks an SD-JWT credential adds to those of VerifyCredential.
const (
	// CheckDisclosures: every disclosure presented is covered by a digest
	// the issuer signed (nothing was altered or added), and the disclosed
	// claims could be put back in place.
	CheckDisclosures = "disclosures"
	// CheckKeyBinding: (VerifySDJWT, and SD-JWTs inside a signed
	// presentation) the attached key-binding JWT is signed by the key the
	// issuer bound (cnf) and its sd_hash covers the disclosures presented.
	// As a presentation itself, this is the presentation_signature check.
	CheckKeyBinding = "key_binding"
)

// MaxDisclosures bounds the number of disclosures of one SD-JWT.
const MaxDisclosures = 256

// HolderBinding names the key the holder of an SD-JWT must sign key-binding
// JWTs with (the cnf claim, RFC 7800). Set at most one field. The zero value
// binds the credential to its subject DID: cnf.kid = credentialSubject.id,
// and any authentication key of that DID may sign.
type HolderBinding struct {
	// KeyID is a DID URL of one of the holder's authentication keys, or a
	// bare DID (then any authentication key of it, named by the
	// key-binding JWT's kid). It becomes cnf.kid.
	KeyID string
	// Key is the holder's public key (Ed25519 or P-256). It becomes
	// cnf.jwk.
	Key crypto.PublicKey
}

// IssueSDJWT secures vc (a VCDM 2.0 credential, e.g. from Build) as an
// SD-JWT (vc+sd-jwt) in which every credentialSubject claim except id is
// selectively disclosable: each becomes a disclosure [salt, name, value]
// with a 128-bit random salt, and the subject keeps only the SHA-256
// digests of its disclosures, sorted, in "_sd". The issuer-signed JWT
// carries "_sd_alg": "sha-256", "cnf" (from holder, see HolderBinding), iat
// and the JWT claims SignJWT adds (iss, jti, sub, nbf, exp); its protected
// header is {alg, kid: s.KeyID(), typ: "vc+sd-jwt", cty: "vc"}. The result
// is "<issuer-signed JWT>~<disclosure>~...~" (no key-binding JWT; the holder
// adds one with PresentSDJWT). Errors: fault Invalid for a credential, key
// or holder binding that cannot be used; the signer's error otherwise.
func IssueSDJWT(vc map[string]any, s Signer, holder HolderBinding) (string, error) {
	if s == nil {
		return "", fault.E(fault.Invalid, "no signer")
	}
	kid := s.KeyID()
	keyDID, frag := did.Split(kid)
	if frag == "" || keyDID == "" {
		return "", fault.E(fault.Invalid, "signing key id %q is not an absolute verification method id (did#fragment)", truncate(kid, 200))
	}
	for _, claim := range []string{"vc", "vp", "_sd", "_sd_alg", "cnf"} {
		if _, ok := vc[claim]; ok {
			return "", fault.E(fault.Invalid, "a vc+sd-jwt credential must not have a %q property", claim)
		}
	}
	if ctx := contexts(vc["@context"]); len(ctx) == 0 || ctx[0] != ContextV2 {
		return "", fault.E(fault.Invalid, "only VCDM 2.0 credentials (first @context %s) are secured as vc+sd-jwt", ContextV2)
	}
	issuer := issuerID(vc["issuer"])
	if issuer == "" {
		return "", fault.E(fault.Invalid, "the credential has no issuer")
	}
	if issuer != keyDID {
		return "", fault.E(fault.Invalid, "signing key %s does not belong to issuer %s", truncate(kid, 200), truncate(issuer, 200))
	}
	subs := subjects(vc["credentialSubject"])
	if len(subs) != 1 {
		return "", fault.E(fault.Invalid, "an SD-JWT credential must have exactly one credentialSubject")
	}
	subjectID, _ := subs[0]["id"].(string)
	cnf, err := confirmation(holder, subjectID)
	if err != nil {
		return "", err
	}

	// The subject keeps its id in clear; every other claim is disclosed
	// separately.
	names := make([]string, 0, len(subs[0]))
	for k := range subs[0] {
		if k == "_sd" || k == "..." {
			return "", fault.E(fault.Invalid, "credentialSubject must not have a %q claim", k)
		}
		if k != "id" {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	subject := map[string]any{}
	if v, ok := subs[0]["id"]; ok {
		subject["id"] = v
	}
	disclosures := make([]string, 0, len(names))
	digests := make([]string, 0, len(names))
	for _, name := range names {
		salt := make([]byte, 16)
		if _, err := rand.Read(salt); err != nil {
			return "", fmt.Errorf("salt: %w", err)
		}
		b, err := marshalNoEscape([]any{base64.RawURLEncoding.EncodeToString(salt), name, subs[0][name]})
		if err != nil {
			return "", fault.Wrap(fault.Invalid, err, "claim "+truncate(name, 64)+" is not plain JSON")
		}
		d := base64.RawURLEncoding.EncodeToString(b)
		disclosures = append(disclosures, d)
		digests = append(digests, sdDigest(crypto.SHA256, d))
	}
	sort.Strings(digests)
	if len(digests) > 0 {
		sd := make([]any, len(digests))
		for i, d := range digests {
			sd[i] = d
		}
		subject["_sd"] = sd
	}

	payload := make(map[string]any, len(vc)+8)
	for k, v := range vc {
		payload[k] = v
	}
	payload["credentialSubject"] = subject
	payload["_sd_alg"] = "sha-256"
	payload["cnf"] = cnf
	payload["iss"] = issuer
	payload["iat"] = time.Now().Unix()
	if id, ok := vc["id"].(string); ok && id != "" {
		payload["jti"] = id
	}
	if subjectID != "" {
		payload["sub"] = subjectID
	}
	for claim, prop := range map[string]string{"nbf": "validFrom", "exp": "validUntil"} {
		if str, ok := vc[prop].(string); ok {
			t, err := time.Parse(time.RFC3339, str)
			if err != nil {
				return "", fault.E(fault.Invalid, "%s is not an RFC 3339 date-time", prop)
			}
			payload[claim] = t.Unix()
		}
	}
	jwt, err := signCompact(payload, s, map[string]any{"kid": kid, "typ": TypVCSDJWT, "cty": CtyVC})
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(jwt)
	b.WriteByte('~')
	for _, d := range disclosures {
		b.WriteString(d)
		b.WriteByte('~')
	}
	return b.String(), nil
}

// confirmation builds the cnf claim.
func confirmation(h HolderBinding, subjectID string) (map[string]any, error) {
	switch {
	case h.Key != nil && h.KeyID != "":
		return nil, fault.E(fault.Invalid, "bind the holder either by key or by key id, not both")
	case h.Key != nil:
		jwk, err := did.JWKFromPublic(h.Key)
		if err != nil {
			return nil, err
		}
		var m map[string]any
		if err := json.Unmarshal(jwk, &m); err != nil {
			return nil, err
		}
		return map[string]any{"jwk": m}, nil
	case h.KeyID != "":
		if _, _, err := did.ParseURL(h.KeyID); err != nil {
			return nil, fault.E(fault.Invalid, "holder key id must be a DID or a DID URL: %s", fault.Message(err))
		}
		return map[string]any{"kid": h.KeyID}, nil
	}
	if _, err := did.Parse(subjectID); err != nil {
		return nil, fault.E(fault.Invalid, "the credential subject has no DID to bind the holder to; give a holder key")
	}
	return map[string]any{"kid": subjectID}, nil
}

// PresentSDJWT makes a presentation of an SD-JWT as issued (ending in "~"):
// it keeps only the disclosures of the claims named in disclose (in
// document order: each before those inside its value), and, when holderSigner is not nil, appends a key-binding
// JWT (typ kb+jwt; kid = holderSigner.KeyID(); claims iat = now, nonce =
// challenge, aud = domain, sd_hash = base64url(SHA-256 of everything before
// it)). challenge and domain are required with a signer. Without a signer
// the result ends in "~" and suits a vp+jwt (BuildPresentation) whose
// signature binds it instead.
//
// A name selects every disclosure of a claim with that name, at any depth;
// the claims that contain it are disclosed too (their other selectively
// disclosable parts are not). A selected claim whose value has selectively
// disclosable parts discloses all of them, unless some are named as well.
// Errors (fault Invalid): a malformed SD-JWT, one that already has a
// key-binding JWT, a name the credential has no claim for, a signer that is
// not the key the credential is bound to (cnf), missing challenge or domain.
func PresentSDJWT(sdjwt string, disclose []string, holderSigner Signer, challenge, domain string) (string, error) {
	parts, err := splitSDJWT(strings.TrimSpace(sdjwt))
	if err != nil {
		return "", err
	}
	if parts.kb != "" {
		return "", fault.E(fault.Invalid, "the SD-JWT already has a key-binding JWT; present from the SD-JWT as issued")
	}
	j, err := parseCompactJWS(parts.jwt, "SD-JWT")
	if err != nil {
		return "", err
	}
	h, err := sdHash(j.payload)
	if err != nil {
		return "", err
	}
	sel := &selector{byDigest: map[string]*disclosure{}, want: map[string]bool{}, keep: map[string]bool{}}
	var ds []*disclosure
	for i, raw := range parts.disclosures {
		d, err := decodeDisclosure(raw, h)
		if err != nil {
			return "", fault.E(fault.Invalid, "disclosure #%d: %s", i+1, fault.Message(err))
		}
		ds = append(ds, d)
		sel.byDigest[d.digest] = d
	}
	for _, n := range disclose {
		sel.want[n] = true
	}
	known := map[string]bool{}
	collectNames(j.payload, known)
	for _, d := range ds {
		if d.name != "" {
			known[d.name] = true
		}
		collectNames(d.value, known)
	}
	for _, n := range disclose {
		if !known[n] {
			return "", fault.E(fault.Invalid, "the credential has no claim %q to disclose", truncate(n, 64))
		}
	}
	sel.keepNode(j.payload, false)

	var b strings.Builder
	b.WriteString(parts.jwt)
	b.WriteByte('~')
	// Disclosures in document order: each right before those inside its
	// value (the order of the IETF examples).
	var ordered []*disclosure
	done := map[string]bool{}
	sel.order(j.payload, &ordered, done)
	for _, d := range ds {
		if sel.keep[d.digest] && !done[d.digest] {
			ordered = append(ordered, d)
		}
	}
	for _, d := range ordered {
		b.WriteString(d.raw)
		b.WriteByte('~')
	}
	out := b.String()
	if holderSigner == nil {
		return out, nil
	}
	if challenge == "" || domain == "" {
		return "", fault.E(fault.Invalid, "a key-binding JWT needs the verifier's challenge (nonce) and domain (aud)")
	}
	cnf, _ := j.payload["cnf"].(map[string]any)
	if msg := signerMatchesCnf(cnf, holderSigner); msg != "" {
		return "", fault.E(fault.Invalid, "%s", msg)
	}
	kb := map[string]any{"iat": time.Now().Unix(), "nonce": challenge, "aud": domain, "sd_hash": sdDigest(h, out)}
	hdr := map[string]any{"typ": TypKBJWT}
	if k := holderSigner.KeyID(); k != "" {
		hdr["kid"] = k
	}
	kbJWT, err := signCompact(kb, holderSigner, hdr)
	if err != nil {
		return "", err
	}
	return out + kbJWT, nil
}

// signerMatchesCnf says why s cannot sign key-binding JWTs for cnf ("" if it
// can, or if cnf does not say).
func signerMatchesCnf(cnf map[string]any, s Signer) string {
	if cnf == nil {
		return "the credential binds no holder key (cnf), so a key-binding JWT proves nothing"
	}
	if jwk, ok := cnf["jwk"]; ok {
		b, _ := json.Marshal(jwk)
		pub, err := did.ParseJWK(b)
		if err != nil || !samePublicKey(pub, s.Public()) {
			return "the credential is bound to another key (cnf.jwk); sign with the key it was issued to"
		}
		return ""
	}
	if kid, ok := cnf["kid"].(string); ok {
		owner, frag := did.Split(kid)
		switch {
		case frag != "" && s.KeyID() != kid:
			return "the credential is bound to the key " + truncate(kid, 200) + "; sign with that key"
		case frag == "" && didOfKey(s.KeyID()) != owner:
			return "the credential is bound to " + truncate(kid, 200) + "; sign with one of its keys"
		}
	}
	return ""
}

// collectNames adds every object key in v to names.
func collectNames(v any, names map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			names[k] = true
			collectNames(val, names)
		}
	case []any:
		for _, e := range x {
			collectNames(e, names)
		}
	}
}

// selector chooses the disclosures PresentSDJWT keeps.
type selector struct {
	byDigest map[string]*disclosure
	want     map[string]bool
	keep     map[string]bool
}

// mentions reports whether a claim named in want is in v (or in the values
// of disclosures v refers to).
func (s *selector) mentions(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if k == "_sd" {
				for _, dg := range strs(val) {
					if d := s.byDigest[dg]; d != nil && (s.want[d.name] && d.name != "" || s.mentions(d.value)) {
						return true
					}
				}
				continue
			}
			if s.want[k] || s.mentions(val) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if d := s.elementDisclosure(e); d != nil {
				if s.mentions(d.value) {
					return true
				}
				continue
			}
			if s.mentions(e) {
				return true
			}
		}
	}
	return false
}

func (s *selector) elementDisclosure(e any) *disclosure {
	m, ok := e.(map[string]any)
	if !ok || len(m) != 1 {
		return nil
	}
	dg, ok := m["..."].(string)
	if !ok {
		return nil
	}
	return s.byDigest[dg]
}

func (s *selector) keepNode(v any, all bool) {
	if all && !s.mentions(v) {
		s.keepAll(v)
		return
	}
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if k == "_sd" {
				for _, dg := range strs(val) {
					d := s.byDigest[dg]
					if d == nil || d.name == "" || s.keep[dg] {
						continue
					}
					switch {
					case s.want[d.name]:
						s.keep[dg] = true
						s.keepNode(d.value, true)
					case s.mentions(d.value):
						s.keep[dg] = true
						s.keepNode(d.value, false)
					}
				}
				continue
			}
			s.keepNode(val, s.want[k])
		}
	case []any:
		for _, e := range x {
			if d := s.elementDisclosure(e); d != nil {
				if d.name == "" && !s.keep[d.digest] && s.mentions(d.value) {
					s.keep[d.digest] = true
					s.keepNode(d.value, false)
				}
				continue
			}
			s.keepNode(e, false)
		}
	}
}

// order appends the kept disclosures reachable from v in document order:
// an object's _sd digests in order (each followed by what its value
// holds), then its other members by name; array elements in order.
func (s *selector) order(v any, out *[]*disclosure, done map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for _, dg := range strs(x["_sd"]) {
			if d := s.byDigest[dg]; d != nil && d.name != "" && s.keep[dg] && !done[dg] {
				done[dg] = true
				*out = append(*out, d)
				s.order(d.value, out, done)
			}
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			if k != "_sd" {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			s.order(x[k], out, done)
		}
	case []any:
		for _, e := range x {
			if d := s.elementDisclosure(e); d != nil {
				if d.name == "" && s.keep[d.digest] && !done[d.digest] {
					done[d.digest] = true
					*out = append(*out, d)
					s.order(d.value, out, done)
				}
				continue
			}
			s.order(e, out, done)
		}
	}
}

func (s *selector) keepAll(v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if k == "_sd" {
				for _, dg := range strs(val) {
					if d := s.byDigest[dg]; d != nil && d.name != "" && !s.keep[dg] {
						s.keep[dg] = true
						s.keepAll(d.value)
					}
				}
				continue
			}
			s.keepAll(val)
		}
	case []any:
		for _, e := range x {
			if d := s.elementDisclosure(e); d != nil {
				if d.name == "" && !s.keep[d.digest] {
					s.keep[d.digest] = true
					s.keepAll(d.value)
				}
				continue
			}
			s.keepAll(e)
		}
	}
}

// sdParts is an SD-JWT split at "~".
type sdParts struct {
	jwt         string   // issuer-signed JWT
	disclosures []string // as presented, in order
	kb          string   // key-binding JWT, "" if none
	prefix      string   // everything up to and including the last "~" (the sd_hash input)
}

// splitSDJWT splits "<JWT>~<D1>~...~<Dn>~[<KB-JWT>]". Errors are fault
// Invalid.
func splitSDJWT(raw string) (*sdParts, error) {
	if !strings.Contains(raw, "~") {
		return nil, fault.E(fault.Invalid, "not an SD-JWT: it has no \"~\" separators")
	}
	parts := strings.Split(raw, "~")
	p := &sdParts{jwt: parts[0], kb: parts[len(parts)-1]}
	if p.jwt == "" {
		return nil, fault.E(fault.Invalid, "the SD-JWT has no issuer-signed JWT")
	}
	mid := parts[1 : len(parts)-1]
	if len(mid) > MaxDisclosures {
		return nil, fault.E(fault.Invalid, "the SD-JWT has %d disclosures; at most %d are accepted", len(mid), MaxDisclosures)
	}
	for i, d := range mid {
		if d == "" {
			return nil, fault.E(fault.Invalid, "the SD-JWT has an empty disclosure at position %d (\"~~\")", i+1)
		}
	}
	p.disclosures = mid
	p.prefix = raw[:len(raw)-len(p.kb)]
	return p, nil
}

// disclosure is one decoded SD-JWT disclosure.
type disclosure struct {
	raw    string // base64url as presented
	digest string
	name   string // claim name; "" for an array element
	value  any
	index  int // 1-based position in the SD-JWT
}

func decodeDisclosure(raw string, h crypto.Hash) (*disclosure, error) {
	b, err := base64.RawURLEncoding.Strict().DecodeString(raw)
	if err != nil {
		return nil, fault.E(fault.Invalid, "not base64url")
	}
	var arr []any
	if err := json.Unmarshal(b, &arr); err != nil {
		return nil, fault.E(fault.Invalid, "not a JSON array")
	}
	d := &disclosure{raw: raw, digest: sdDigest(h, raw)}
	switch len(arr) {
	case 3:
		name, ok := arr[1].(string)
		if !ok {
			return nil, fault.E(fault.Invalid, "the claim name is not a string")
		}
		if name == "_sd" || name == "..." || name == "_sd_alg" {
			return nil, fault.E(fault.Invalid, "the claim name %q is reserved", name)
		}
		d.name, d.value = name, arr[2]
	case 2:
		d.value = arr[1]
	default:
		return nil, fault.E(fault.Invalid, "a disclosure has 2 or 3 elements, not %d", len(arr))
	}
	if _, ok := arr[0].(string); !ok {
		return nil, fault.E(fault.Invalid, "the salt is not a string")
	}
	return d, nil
}

// sdHash returns the digest algorithm named by _sd_alg (default sha-256).
func sdHash(payload map[string]any) (crypto.Hash, error) {
	v, ok := payload["_sd_alg"]
	if !ok {
		return crypto.SHA256, nil
	}
	s, _ := v.(string)
	h, ok := sdHashes[s]
	if !ok {
		return 0, fault.E(fault.Invalid, "the SD-JWT digest algorithm %q is not supported (sha-256, sha-384, sha-512 are)", truncate(s, 20))
	}
	return h, nil
}

// sdProcessor rebuilds the payload with the disclosed claims in place
// (draft-22 §7.1 steps 3-5).
type sdProcessor struct {
	byDigest  map[string]*disclosure
	seen      map[string]bool // digests found in the payload or in disclosed values
	used      map[string]bool
	disclosed []string // paths of disclosed claims
}

// processSD returns the processed payload (a copy; _sd, _sd_alg and
// undisclosed array elements removed, disclosed claims in place), the
// paths of the disclosed claims, and the disclosures no signed digest
// refers to. Errors (fault Invalid) are structural: a malformed _sd, a
// digest used twice, a disclosed claim that already exists, a disclosure of
// the wrong kind for its place.
func processSD(payload map[string]any, ds []*disclosure) (map[string]any, []string, []*disclosure, error) {
	p := &sdProcessor{byDigest: map[string]*disclosure{}, seen: map[string]bool{}, used: map[string]bool{}}
	for _, d := range ds {
		if _, dup := p.byDigest[d.digest]; dup {
			return nil, nil, nil, fault.E(fault.Invalid, "disclosure #%d is presented twice", d.index)
		}
		p.byDigest[d.digest] = d
	}
	out, err := p.object(payload, "")
	if err != nil {
		return nil, nil, nil, err
	}
	delete(out, "_sd_alg")
	var unused []*disclosure
	for _, d := range ds {
		if !p.used[d.digest] {
			unused = append(unused, d)
		}
	}
	return out, p.disclosed, unused, nil
}

func joinClaimPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func (p *sdProcessor) value(v any, path string) (any, error) {
	switch x := v.(type) {
	case map[string]any:
		return p.object(x, path)
	case []any:
		return p.array(x, path)
	}
	return v, nil
}

func (p *sdProcessor) object(o map[string]any, path string) (map[string]any, error) {
	out := make(map[string]any, len(o))
	for k, val := range o {
		if k == "_sd" {
			continue
		}
		nv, err := p.value(val, joinClaimPath(path, k))
		if err != nil {
			return nil, err
		}
		out[k] = nv
	}
	sdv, ok := o["_sd"]
	if !ok {
		return out, nil
	}
	arr, ok := sdv.([]any)
	if !ok {
		return nil, fault.E(fault.Invalid, "_sd must be an array of digests")
	}
	for _, x := range arr {
		dg, ok := x.(string)
		if !ok {
			return nil, fault.E(fault.Invalid, "_sd must be an array of digests")
		}
		if p.seen[dg] {
			return nil, fault.E(fault.Invalid, "a digest appears more than once in the SD-JWT")
		}
		p.seen[dg] = true
		d := p.byDigest[dg]
		if d == nil {
			continue // not disclosed, or a decoy
		}
		if d.name == "" {
			return nil, fault.E(fault.Invalid, "disclosure #%d is an array element but is referenced as an object property", d.index)
		}
		if _, exists := out[d.name]; exists {
			return nil, fault.E(fault.Invalid, "disclosure #%d discloses the claim %q, which is already present", d.index, truncate(d.name, 64))
		}
		p.used[dg] = true
		cp := joinClaimPath(path, d.name)
		p.disclosed = append(p.disclosed, cp)
		nv, err := p.value(d.value, cp)
		if err != nil {
			return nil, err
		}
		out[d.name] = nv
	}
	return out, nil
}

func (p *sdProcessor) array(a []any, path string) ([]any, error) {
	out := make([]any, 0, len(a))
	for _, e := range a {
		if m, ok := e.(map[string]any); ok && len(m) == 1 {
			if raw, ok := m["..."]; ok {
				dg, ok := raw.(string)
				if !ok {
					return nil, fault.E(fault.Invalid, "an array element digest (\"...\") is not a string")
				}
				if p.seen[dg] {
					return nil, fault.E(fault.Invalid, "a digest appears more than once in the SD-JWT")
				}
				p.seen[dg] = true
				d := p.byDigest[dg]
				if d == nil {
					continue // not disclosed: the element is removed
				}
				if d.name != "" {
					return nil, fault.E(fault.Invalid, "disclosure #%d is an object property but is referenced as an array element", d.index)
				}
				p.used[dg] = true
				p.disclosed = append(p.disclosed, path+"[]")
				nv, err := p.value(d.value, path)
				if err != nil {
					return nil, err
				}
				out = append(out, nv)
				continue
			}
		}
		nv, err := p.value(e, path)
		if err != nil {
			return nil, err
		}
		out = append(out, nv)
	}
	return out, nil
}

// sdCredential is an SD-JWT credential as verification read it.
type sdCredential struct {
	parts     *sdParts
	jws       *compactJWS
	typ       string
	hash      crypto.Hash
	parsed    *Parsed
	cnf       map[string]any // from the issuer-signed payload
	disclosed []string
	summary   Summary
}

// VerifySDJWT verifies an SD-JWT credential (vc+sd-jwt, or an IETF SD-JWT VC
// dc+sd-jwt), as issued or as presented, like VerifyCredential: format
// (only when it cannot be read, and then alone), signature (issuer key, as
// for vc+jwt), issuer_known, validity, disclosures, schema (the disclosed
// claims only: undisclosed required claims are not missing), the
// extensions' checks, and key_binding when a key-binding JWT is attached
// (its signature by the cnf key and its sd_hash; nonce and aud are not
// checked here: verify presentations with VerifyPresentation). The Summary's
// Claims hold only the disclosed claims. Extensions get a Parsed with Format
// FormatSDJWT, JSON = the credential with only the disclosed claims, Raw =
// the SD-JWT as given (the issuer-signed JWT before the first "~" is what
// stays the same across presentations). It never returns nil.
func (v *Verifier) VerifySDJWT(ctx context.Context, raw string) *Result {
	start := time.Now()
	res, sc := v.verifySDJWT(ctx, strings.TrimSpace(raw))
	if sc != nil {
		v.addKeyBinding(ctx, res, sc)
	}
	v.observe("credential", res, start)
	return res
}

// addKeyBinding appends the key_binding check of an SD-JWT credential to
// res when a key-binding JWT is attached (a holder need not attach one
// outside a presentation; if there is one, it must be right).
func (v *Verifier) addKeyBinding(ctx context.Context, res *Result, sc *sdCredential) {
	if sc.parts.kb == "" || sc.parsed == nil {
		return
	}
	kc, _ := v.checkKeyBinding(ctx, sc)
	kc.Name = CheckKeyBinding
	res.Checks = append(res.Checks, kc)
	res.Verified = res.Verified && kc.OK
}

// verifySDJWT runs the credential checks of an SD-JWT (not its key binding).
// sc is nil when the input could not be read (res is then a format failure).
func (v *Verifier) verifySDJWT(ctx context.Context, raw string) (*Result, *sdCredential) {
	s, sc, err := v.readSDJWT(raw)
	if err != nil {
		return formatFailure(fault.Message(err)), nil
	}
	return v.run(ctx, s), sc
}

// readSDJWT reads an SD-JWT credential (raw is trimmed) and checks its
// disclosures against the digests the issuer signed.
func (v *Verifier) readSDJWT(raw string) (secured, *sdCredential, error) {
	fail := func(err error) (secured, *sdCredential, error) { return secured{}, nil, err }
	sc, problems, err := decodeSDJWT(raw)
	if err != nil {
		return fail(err)
	}
	p, disclosed := sc.parsed, sc.disclosed

	dc := Check{Name: CheckDisclosures}
	if len(problems) > 0 {
		dc.Message = strings.Join(problems, "; ")
	} else {
		dc.OK = true
		switch n := len(disclosed); n {
		case 0:
			dc.Message = "no selectively disclosable claim is disclosed"
		default:
			dc.Message = fmt.Sprintf("%s disclosed, each covered by a digest the issuer signed: %s", plural(n, "1 claim", strconv.Itoa(n)+" claims"), truncate(strings.Join(disclosed, ", "), 400))
		}
	}
	return secured{
		parsed: p,
		proof: func(_ context.Context, doc *did.Document, rerr error) Check {
			return v.checkSignature(p, doc, rerr)
		},
		formatChecks:  []Check{dc},
		disclosedOnly: true,
		summary:       sc.summary,
	}, sc, nil
}

// decodeSDJWT reads an SD-JWT credential without verifying it: the
// issuer-signed JWT, its disclosures applied (sc.parsed.JSON: the
// credential with the disclosed claims), and problems that make it fail the
// disclosures check (a malformed or unsigned disclosure). Errors (fault
// Invalid): it cannot be read as an SD-JWT credential.
func decodeSDJWT(raw string) (*sdCredential, []string, error) {
	if len(raw) > MaxCredentialSize {
		return nil, nil, fault.E(fault.Invalid, "the credential is larger than %d bytes", MaxCredentialSize)
	}
	parts, err := splitSDJWT(raw)
	if err != nil {
		return nil, nil, err
	}
	j, err := parseCompactJWS(parts.jwt, "SD-JWT")
	if err != nil {
		return nil, nil, err
	}
	switch j.typ {
	case TypVCSDJWT, "vc+ld+json+sd-jwt":
		switch j.cty {
		case "", "vc", "vc+ld+json", "credential+ld+json":
		default:
			return nil, nil, fault.E(fault.Invalid, "unsupported SD-JWT content type %q; expected vc", truncate(j.cty, 40))
		}
	case TypDCSDJWT, "vc+sd-jwt-vc":
	case TypVPSDJWT:
		return nil, nil, fault.E(fault.Invalid, "this is a presentation (typ vp+sd-jwt), not a credential")
	case "", "jwt":
		return nil, nil, fault.E(fault.Invalid, "the SD-JWT has no type; an SD-JWT credential has typ vc+sd-jwt (or dc+sd-jwt)")
	default:
		return nil, nil, fault.E(fault.Invalid, "unsupported SD-JWT type %q; expected vc+sd-jwt", truncate(j.typ, 40))
	}
	h, err := sdHash(j.payload)
	if err != nil {
		return nil, nil, err
	}
	var problems []string
	var ds []*disclosure
	for i, r := range parts.disclosures {
		d, err := decodeDisclosure(r, h)
		if err != nil {
			problems = append(problems, fmt.Sprintf("disclosure #%d is malformed (%s): it was altered", i+1, fault.Message(err)))
			continue
		}
		d.index = i + 1
		ds = append(ds, d)
	}
	processed, disclosed, unused, err := processSD(j.payload, ds)
	if err != nil {
		return nil, nil, err
	}
	for _, d := range unused {
		what := "an array element"
		if d.name != "" {
			what = "the claim " + strconv.Quote(truncate(d.name, 64))
		}
		problems = append(problems, fmt.Sprintf("disclosure #%d (%s) is not covered by any digest the issuer signed: it was altered or belongs to another credential", d.index, what))
	}

	p := &Parsed{Raw: raw, KeyID: j.kid, alg: j.alg, signingInput: j.signingInput, signature: j.signature}
	sc := &sdCredential{parts: parts, jws: j, typ: j.typ, hash: h, parsed: p, disclosed: disclosed}
	sc.cnf, _ = j.payload["cnf"].(map[string]any)
	if j.typ == TypDCSDJWT || j.typ == "vc+sd-jwt-vc" {
		if err := p.fromSDJWTVC(processed); err != nil {
			return nil, nil, err
		}
	} else {
		for _, claim := range []string{"vc", "vp"} {
			if _, ok := processed[claim]; ok {
				return nil, nil, fault.E(fault.Invalid, "a vc+sd-jwt must not have a %q claim: its payload is the credential itself", claim)
			}
		}
		if err := p.fromV2(processed); err != nil {
			return nil, nil, err
		}
	}
	p.Format = FormatSDJWT
	sc.summary = sdSummary(p, j.typ)

	return sc, problems, nil
}

// jwtClaimNames are the registered claims of an SD-JWT VC that are not
// claims about the subject.
var jwtClaimNames = map[string]bool{"iss": true, "sub": true, "vct": true, "vct#integrity": true, "iat": true, "nbf": true, "exp": true, "cnf": true, "status": true, "jti": true, "aud": true}

// fromSDJWTVC reads an IETF SD-JWT VC payload (dc+sd-jwt): iss, vct, sub,
// jti, nbf/exp.
func (p *Parsed) fromSDJWTVC(payload map[string]any) error {
	p.JSON = payload
	iss, has, err := stringClaim(payload, "iss", "SD-JWT")
	if err != nil {
		return err
	}
	if !has || iss == "" {
		return fault.E(fault.Invalid, "the SD-JWT VC has no iss claim")
	}
	vct, has, err := stringClaim(payload, "vct", "SD-JWT")
	if err != nil {
		return err
	}
	if !has || vct == "" {
		return fault.E(fault.Invalid, "the SD-JWT VC has no vct (credential type) claim")
	}
	p.Issuer, p.Types = iss, []string{vct}
	if p.Subject, _, err = stringClaim(payload, "sub", "SD-JWT"); err != nil {
		return err
	}
	if p.ID, _, err = stringClaim(payload, "jti", "SD-JWT"); err != nil {
		return err
	}
	if p.ValidFrom, err = numericDate(payload, "nbf"); err != nil {
		return err
	}
	if p.ValidUntil, err = numericDate(payload, "exp"); err != nil {
		return err
	}
	return nil
}

// sdSummary is the Summary of an SD-JWT credential: only disclosed claims.
func sdSummary(p *Parsed, typ string) Summary {
	s := p.Summary()
	if typ == TypDCSDJWT || typ == "vc+sd-jwt-vc" {
		s.Claims = map[string]any{}
		for k, v := range p.JSON {
			if !jwtClaimNames[k] {
				s.Claims[k] = v
			}
		}
	}
	return s
}

// checkDisclosedSchema is the schema check of an SD-JWT credential: the
// disclosed claims must match the schema, but claims the holder chose not to
// disclose are not missing.
func (v *Verifier) checkDisclosedSchema(p *Parsed) Check {
	return v.schemaCheck(p, func(t string, claims map[string]any) error { return validateDisclosed(v.cat, t, claims) },
		"the disclosed claims match the %s schema (undisclosed claims are not checked)")
}

// disclosedSchemas caches the relaxed schemas (without "required") by the
// hash of the type's schema.
var disclosedSchemas sync.Map // string → *entry

// validateDisclosed is Catalogue.Validate without the "required" keyword at
// the top level: claims may be missing, but those present must be valid
// and no others may appear.
func validateDisclosed(cat *Catalogue, typeName string, claims map[string]any) error {
	t, ok := cat.Type(typeName)
	if !ok {
		return fault.E(fault.Invalid, "unknown credential type %q", truncate(typeName, 64))
	}
	sum := sha256.Sum256(t.Schema)
	key := hex.EncodeToString(sum[:])
	var e *entry
	if cached, ok := disclosedSchemas.Load(key); ok {
		e = cached.(*entry)
	} else {
		var obj map[string]any
		if err := json.Unmarshal(t.Schema, &obj); err != nil {
			return fault.Wrap(fault.Internal, err, "schema of "+typeName)
		}
		delete(obj, "required")
		url := "urn:citizen:disclosed:" + key
		obj["$id"] = url
		doc, err := json.Marshal(obj)
		if err != nil {
			return fault.Wrap(fault.Internal, err, "schema of "+typeName)
		}
		compiled, err := compileSchema(url, doc)
		if err != nil {
			return fault.Wrap(fault.Internal, err, "schema of "+typeName)
		}
		props := map[string]map[string]any{}
		if ps, ok := obj["properties"].(map[string]any); ok {
			for k, p := range ps {
				pm, _ := p.(map[string]any)
				props[k] = pm
			}
		}
		e = &entry{t: t, schema: compiled, props: props}
		disclosedSchemas.Store(key, e)
	}
	return e.validate(typeName, claims)
}

// kbInfo is what a key-binding JWT says.
type kbInfo struct {
	claims    map[string]any
	holderDID string // the DID whose key signed, when cnf names a DID
}

// cnfKey returns the public key cnf binds (cnf.jwk), or the DID and key id
// it names (cnf.kid).
func cnfKey(cnf map[string]any) (crypto.PublicKey, string, error) {
	if cnf == nil {
		return nil, "", fault.E(fault.Invalid, "the issuer bound no holder key (cnf) to this credential")
	}
	if jwk, ok := cnf["jwk"]; ok {
		b, err := json.Marshal(jwk)
		if err != nil {
			return nil, "", fault.E(fault.Invalid, "cnf.jwk is not a JWK")
		}
		pub, err := did.ParseJWK(b)
		if err != nil {
			return nil, "", fault.E(fault.Invalid, "cnf.jwk is not a usable public key: %s", fault.Message(err))
		}
		return pub, "", nil
	}
	if kid, ok := cnf["kid"].(string); ok && kid != "" {
		return nil, kid, nil
	}
	return nil, "", fault.E(fault.Invalid, "cnf names no key (neither jwk nor kid)")
}

// checkKeyBinding checks the key-binding JWT of sc: typ kb+jwt, signed by the
// key cnf binds, sd_hash over the disclosures presented, iat/nonce/aud
// present. The check is named presentation_signature (callers rename it).
// info is nil when the key-binding JWT cannot be read.
func (v *Verifier) checkKeyBinding(ctx context.Context, sc *sdCredential) (Check, *kbInfo) {
	c := Check{Name: CheckPresentationSignature}
	if sc.parts.kb == "" {
		c.Message = "the SD-JWT has no key-binding JWT, so nothing proves the presenter holds the credential (the holder must sign with the key bound in cnf)"
		return c, nil
	}
	kb, err := parseCompactJWS(sc.parts.kb, "key-binding JWT")
	if err != nil {
		c.Message = fault.Message(err)
		return c, nil
	}
	info := &kbInfo{claims: kb.payload}
	if kb.typ != TypKBJWT {
		c.Message = fmt.Sprintf("the key-binding JWT has typ %q; expected kb+jwt", truncate(kb.typ, 40))
		return c, info
	}
	pub, kid, err := cnfKey(sc.cnf)
	if err != nil {
		c.Message = fault.Message(err) + ", so key binding cannot be checked"
		return c, info
	}
	keyName := "the holder key in cnf.jwk"
	if kid != "" {
		holder, frag := did.Split(kid)
		vmKid := kb.kid
		if frag != "" {
			vmKid = kid
			if kb.kid != "" && kb.kid != kid && holder+kb.kid != kid {
				c.Message = fmt.Sprintf("the key-binding JWT names the key %s, but the credential is bound to %s", truncate(kb.kid, 200), truncate(kid, 200))
				return c, info
			}
		}
		info.holderDID = holder
		doc, err := v.resolve(ctx, holder)
		if err != nil {
			c.Message = fmt.Sprintf("cannot check the key binding: the DID document of holder %s is not available (%s)", truncate(holder, 200), reason(err))
			return c, info
		}
		vmID, msg := selectAuthKey(doc, holder, vmKid)
		if msg != "" {
			c.Message = msg
			return c, info
		}
		if pub, err = doc.PublicKey(vmID); err != nil {
			c.Message = fmt.Sprintf("the holder key %s cannot be used: %s", truncate(vmID, 200), reason(err))
			return c, info
		}
		keyName = "the holder key " + truncate(vmID, 200)
	}
	if msg := verifyWithKey(kb.alg, pub, kb.signingInput, kb.signature, keyName); msg != "" {
		c.Message = "key-binding JWT: " + msg
		return c, info
	}
	if _, err := numericDate(kb.payload, "iat"); err != nil || kb.payload["iat"] == nil {
		c.Message = "the key-binding JWT has no iat (NumericDate)"
		return c, info
	}
	if _, has, err := stringClaim(kb.payload, "nonce", "key-binding JWT"); err != nil || !has {
		c.Message = "the key-binding JWT has no nonce claim"
		return c, info
	}
	if _, has, err := audience(kb.payload, "key-binding JWT"); err != nil || !has {
		c.Message = "the key-binding JWT has no aud claim"
		return c, info
	}
	sdh, _, _ := stringClaim(kb.payload, "sd_hash", "key-binding JWT")
	if sdh == "" || sdh != sdDigest(sc.hash, sc.parts.prefix) {
		c.Message = "the key-binding JWT was made for another set of disclosures (sd_hash does not match): disclosures were added, removed or altered after the holder signed"
		return c, info
	}
	c.OK = true
	c.Message = fmt.Sprintf("the key-binding JWT is signed by %s (%s) and covers exactly the %s presented", keyName, kb.alg, plural(len(sc.parts.disclosures), "disclosure", strconv.Itoa(len(sc.parts.disclosures))+" disclosures"))
	return c, info
}

// verifySDJWTPresentation verifies an SD-JWT presented on its own (with a
// key-binding JWT), or a vp+sd-jwt.
func (v *Verifier) verifySDJWTPresentation(ctx context.Context, raw string, opts PresentationOptions) (*Result, []*presented) {
	parts, err := splitSDJWT(raw)
	if err != nil {
		return presentationFormatFailure(fault.Message(err)), nil
	}
	j, err := parseCompactJWS(parts.jwt, "SD-JWT")
	if err != nil {
		return presentationFormatFailure(fault.Message(err)), nil
	}
	if j.typ == TypVPSDJWT {
		return v.verifySDVP(ctx, parts, j, opts)
	}
	res, sc := v.verifySDJWT(ctx, raw)
	if sc == nil {
		return res, nil
	}
	checks := []Check{{Name: CheckFormat, OK: true, Message: fmt.Sprintf("SD-JWT credential (%s) with %s and %s", sc.typ,
		plural(len(sc.disclosed), "1 disclosed claim", strconv.Itoa(len(sc.disclosed))+" disclosed claims"),
		map[bool]string{true: "a key-binding JWT", false: "no key-binding JWT"}[parts.kb != ""])}}
	kc, kb := v.checkKeyBinding(ctx, sc)
	checks = append(checks, kc)
	claims := map[string]any{}
	if kb != nil {
		claims = kb.claims
		checks = append(checks, v.checkKBTime(claims))
	}
	checks = append(checks, checkNonceAud(claims, opts, "key-binding JWT")...)
	p := &presented{tag: "#1", format: FormatSDJWT, alg: sc.jws.alg, json: sc.parsed.JSON, sd: true, disclosed: sc.disclosed, result: res}
	p.retag()
	checks = append(checks, v.checkSDHolderBinding(ctx, sc, kb, p.tag))
	return finishPresentation(checks, []*presented{p}), []*presented{p}
}

// checkKBTime is the presentation_validity check of a key-binding JWT: iat
// not in the future (beyond clock skew), exp (if any) not past.
func (v *Verifier) checkKBTime(claims map[string]any) Check {
	c := Check{Name: CheckPresentationValidity}
	iat, err := numericDate(claims, "iat")
	if err != nil || iat == nil {
		c.Message = "the key-binding JWT has no valid iat (NumericDate)"
		return c
	}
	now := v.now()
	if iat.After(now.Add(v.leeway + presentationClockSkew)) {
		c.Message = fmt.Sprintf("the key-binding JWT is dated in the future (%s, now %s)", fmtTime(*iat), fmtTime(now))
		return c
	}
	if exp, err := numericDate(claims, "exp"); err != nil || (exp != nil && exp.Before(now.Add(-v.leeway))) {
		c.Message = "the key-binding JWT has expired"
		return c
	}
	c.OK = true
	c.Message = fmt.Sprintf("the key-binding JWT was signed at %s", fmtTime(*iat))
	return c
}

// checkSDHolderBinding: the key bound in cnf belongs to the credential's
// subject.
func (v *Verifier) checkSDHolderBinding(ctx context.Context, sc *sdCredential, kb *kbInfo, tag string) Check {
	c := Check{Name: CheckHolderBinding}
	ids := subjectIDs(sc.parsed.JSON)
	pub, kid, err := cnfKey(sc.cnf)
	switch {
	case err != nil:
		c.Message = fault.Message(err) + ", so the presenter cannot be bound to it"
		return c
	case len(ids) == 0:
		c.OK = true
		c.Message = fmt.Sprintf("credential %s names no subject; it is bound only to the key in cnf, which the presenter must hold", tag)
		return c
	case kid != "":
		holder := didOfKey(kid)
		if listHas(ids, holder) {
			c.OK = true
			c.Message = fmt.Sprintf("the key-binding key belongs to %s, the subject of credential %s", truncate(holder, 200), tag)
		} else {
			c.Message = fmt.Sprintf("credential %s is about %s, but it is bound to a key of %s", tag, truncate(strings.Join(ids, ", "), 200), truncate(holder, 200))
		}
		return c
	}
	for _, id := range ids {
		doc, err := v.resolve(ctx, id)
		if err != nil {
			continue
		}
		for _, ref := range doc.Authentication {
			if k, err := doc.PublicKey(ref); err == nil && samePublicKey(k, pub) {
				c.OK = true
				c.Message = fmt.Sprintf("the key bound in cnf is the authentication key %s of %s, the subject of credential %s", truncate(doc.AbsoluteID(ref), 200), truncate(id, 200), tag)
				return c
			}
		}
	}
	c.Message = fmt.Sprintf("the key bound in cnf is not an authentication key of %s, the subject of credential %s", truncate(strings.Join(ids, ", "), 200), tag)
	return c
}

// verifySDVP verifies a vp+sd-jwt: a presentation the holder secured as an
// SD-JWT (its own claims selectively disclosable).
func (v *Verifier) verifySDVP(ctx context.Context, parts *sdParts, j *compactJWS, opts PresentationOptions) (*Result, []*presented) {
	if parts.kb != "" {
		return presentationFormatFailure("a key-binding JWT on a vp+sd-jwt presentation is not supported"), nil
	}
	h, err := sdHash(j.payload)
	if err != nil {
		return presentationFormatFailure(fault.Message(err)), nil
	}
	var ds []*disclosure
	for i, r := range parts.disclosures {
		d, err := decodeDisclosure(r, h)
		if err != nil {
			return presentationFormatFailure(fmt.Sprintf("disclosure #%d of the presentation is malformed (%s)", i+1, fault.Message(err))), nil
		}
		d.index = i + 1
		ds = append(ds, d)
	}
	processed, _, unused, err := processSD(j.payload, ds)
	if err != nil {
		return presentationFormatFailure(fault.Message(err)), nil
	}
	if len(unused) > 0 {
		return presentationFormatFailure(fmt.Sprintf("disclosure #%d of the presentation is not covered by a digest the holder signed: it was altered", unused[0].index)), nil
	}
	vp, err := vpFromV2(j, "vp+sd-jwt (VCDM 2.0)", processed)
	if err != nil {
		return presentationFormatFailure(fault.Message(err)), nil
	}
	return v.verifyJWTPresentation(ctx, vp, opts)
}
