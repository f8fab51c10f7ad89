// Package sdjwt is the SD-JWT securing format (IETF
// draft-ietf-oauth-selective-disclosure-jwt-22): issuing VCDM 2.0
// credentials as vc+sd-jwt with every subject claim selectively
// disclosable, choosing the disclosures a holder presents and signing the
// key-binding JWT, and, on verification, reading an SD-JWT (vc+sd-jwt,
// dc+sd-jwt, vp+sd-jwt) with its disclosures checked against the digests
// the issuer signed, and checking its key binding. Like package jose, on
// which it builds, it checks only its own proof: the common checks are the
// pipeline's, in package credentials. Errors are fault Invalid with a
// message for people naming claims, never their values.
package sdjwt

import (
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/citizencloud/citizencredentials/credentials/jose"
	"github.com/citizencloud/citizencredentials/credentials/vcdm"
	"github.com/citizencloud/citizencredentials/did"
	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/internal/text"
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

// Issue secures vc (a VCDM 2.0 credential, e.g. from Build) as an
// SD-JWT (vc+sd-jwt) in which every credentialSubject claim except id is
// selectively disclosable: each becomes a disclosure [salt, name, value]
// with a 128-bit random salt, and the subject keeps only the SHA-256
// digests of its disclosures, sorted, in "_sd". The issuer-signed JWT
// carries "_sd_alg": "sha-256", "cnf" (from holder, see HolderBinding), iat
// and the JWT claims jose.SignCredential adds (iss, jti, sub, nbf, exp); its protected
// header is {alg, kid: s.KeyID(), typ: "vc+sd-jwt", cty: "vc"}. The result
// is "<issuer-signed JWT>~<disclosure>~...~" (no key-binding JWT; the holder
// adds one with Present). Errors: fault Invalid for a credential, key
// or holder binding that cannot be used; the signer's error otherwise.
func Issue(vc map[string]any, s jose.Signer, holder HolderBinding) (string, error) {
	if s == nil {
		return "", fault.E(fault.Invalid, "no signer")
	}
	for _, claim := range []string{"vc", "vp", "_sd", "_sd_alg", "cnf"} {
		if _, ok := vc[claim]; ok {
			return "", fault.E(fault.Invalid, "a vc+sd-jwt credential must not have a %q property", claim)
		}
	}
	kid := s.KeyID()
	payload, err := jose.Claims(vc, kid, TypVCSDJWT)
	if err != nil {
		return "", err
	}
	subs := vcdm.Subjects(vc["credentialSubject"])
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
		b, err := jose.MarshalNoEscape([]any{base64.RawURLEncoding.EncodeToString(salt), name, subs[0][name]})
		if err != nil {
			return "", fault.Wrap(fault.Invalid, err, "claim "+text.Truncate(name, 64)+" is not plain JSON")
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

	payload["credentialSubject"] = subject
	payload["_sd_alg"] = "sha-256"
	payload["cnf"] = cnf
	payload["iat"] = time.Now().Unix()
	jwt, err := jose.Sign(payload, s, map[string]any{"kid": kid, "typ": TypVCSDJWT, "cty": jose.CtyVC})
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

// Present makes a presentation of an SD-JWT as issued (ending in "~"):
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
func Present(sdjwt string, disclose []string, holderSigner jose.Signer, challenge, domain string) (string, error) {
	parts, err := splitSDJWT(strings.TrimSpace(sdjwt))
	if err != nil {
		return "", err
	}
	if parts.kb != "" {
		return "", fault.E(fault.Invalid, "the SD-JWT already has a key-binding JWT; present from the SD-JWT as issued")
	}
	j, err := jose.Parse(parts.jwt, "SD-JWT")
	if err != nil {
		return "", err
	}
	h, err := sdHash(j.Payload)
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
	collectNames(j.Payload, known)
	for _, d := range ds {
		if d.name != "" {
			known[d.name] = true
		}
		collectNames(d.value, known)
	}
	for _, n := range disclose {
		if !known[n] {
			return "", fault.E(fault.Invalid, "the credential has no claim %q to disclose", text.Truncate(n, 64))
		}
	}
	sel.keepNode(j.Payload, false)

	var b strings.Builder
	b.WriteString(parts.jwt)
	b.WriteByte('~')
	// Disclosures in document order: each right before those inside its
	// value (the order of the IETF examples).
	var ordered []*disclosure
	done := map[string]bool{}
	sel.order(j.Payload, &ordered, done)
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
	cnf, _ := j.Payload["cnf"].(map[string]any)
	if msg := signerMatchesCnf(cnf, holderSigner); msg != "" {
		return "", fault.E(fault.Invalid, "%s", msg)
	}
	kb := map[string]any{"iat": time.Now().Unix(), "nonce": challenge, "aud": domain, "sd_hash": sdDigest(h, out)}
	hdr := map[string]any{"typ": TypKBJWT}
	if k := holderSigner.KeyID(); k != "" {
		hdr["kid"] = k
	}
	kbJWT, err := jose.Sign(kb, holderSigner, hdr)
	if err != nil {
		return "", err
	}
	return out + kbJWT, nil
}

// signerMatchesCnf says why s cannot sign key-binding JWTs for cnf ("" if it
// can, or if cnf does not say).
func signerMatchesCnf(cnf map[string]any, s jose.Signer) string {
	if cnf == nil {
		return "the credential binds no holder key (cnf), so a key-binding JWT proves nothing"
	}
	if jwk, ok := cnf["jwk"]; ok {
		b, _ := json.Marshal(jwk)
		pub, err := did.ParseJWK(b)
		if err != nil || !jose.SamePublicKey(pub, s.Public()) {
			return "the credential is bound to another key (cnf.jwk); sign with the key it was issued to"
		}
		return ""
	}
	if kid, ok := cnf["kid"].(string); ok {
		owner, frag := did.Split(kid)
		switch {
		case frag != "" && s.KeyID() != kid:
			return "the credential is bound to the key " + text.Truncate(kid, 200) + "; sign with that key"
		case frag == "" && keyOwner(s.KeyID()) != owner:
			return "the credential is bound to " + text.Truncate(kid, 200) + "; sign with one of its keys"
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

// selector chooses the disclosures Present keeps.
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
				for _, dg := range vcdm.Strings(val) {
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
				for _, dg := range vcdm.Strings(val) {
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
		for _, dg := range vcdm.Strings(x["_sd"]) {
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
				for _, dg := range vcdm.Strings(val) {
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
		return 0, fault.E(fault.Invalid, "the SD-JWT digest algorithm %q is not supported (sha-256, sha-384, sha-512 are)", text.Truncate(s, 20))
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
			return nil, fault.E(fault.Invalid, "disclosure #%d discloses the claim %q, which is already present", d.index, text.Truncate(d.name, 64))
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

// sdHashes are the SD-JWT digest algorithms (IANA "Named Information Hash
// Algorithm" names) this package accepts.
var sdHashes = map[string]crypto.Hash{"sha-256": crypto.SHA256, "sha-384": crypto.SHA384, "sha-512": crypto.SHA512}

// sdDigest returns base64url(hash(s)).
func sdDigest(h crypto.Hash, s string) string {
	var sum []byte
	switch h {
	case crypto.SHA384:
		x := sha512.Sum384([]byte(s))
		sum = x[:]
	case crypto.SHA512:
		x := sha512.Sum512([]byte(s))
		sum = x[:]
	default:
		x := sha256.Sum256([]byte(s))
		sum = x[:]
	}
	return base64.RawURLEncoding.EncodeToString(sum)
}

// keyOwner returns the DID of a verification method id (did#fragment).
func keyOwner(kid string) string {
	d, _ := did.Split(kid)
	return d
}
