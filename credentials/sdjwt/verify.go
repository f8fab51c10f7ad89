package sdjwt

import (
	"context"
	"crypto"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/citizencloud/citizencredentials/credentials/jose"
	"github.com/citizencloud/citizencredentials/credentials/vcdm"
	"github.com/citizencloud/citizencredentials/did"
	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/internal/text"
)

// Credential is an SD-JWT credential decoded, with the disclosures it
// carries put in place, but not verified.
type Credential struct {
	JWS *jose.JWS // the issuer-signed JWT
	Typ string    // vc+sd-jwt, dc+sd-jwt (or an alias of either)
	// VC is the VCDM 2.0 credential of a vc+sd-jwt (its disclosed claims
	// only); nil for an IETF SD-JWT VC (dc+sd-jwt), whose claims are JSON.
	VC        *jose.Credential
	JSON      map[string]any // the processed payload: the disclosed claims in place, _sd and _sd_alg removed
	Disclosed []string       // paths of the disclosed claims, e.g. "credentialSubject.hours"
	// Problems are why the disclosures check fails: a malformed disclosure,
	// or one no digest the issuer signed covers.
	Problems []string
	Cnf      map[string]any // the holder key the issuer bound (RFC 7800)

	parts *sdParts
	hash  crypto.Hash
}

// IsSDJWTVC reports whether typ is that of an IETF SD-JWT VC (dc+sd-jwt).
func IsSDJWTVC(typ string) bool { return typ == TypDCSDJWT || typ == "vc+sd-jwt-vc" }

// KeyBound reports whether a key-binding JWT is attached.
func (c *Credential) KeyBound() bool { return c.parts.kb != "" }

// Decode reads an SD-JWT credential without verifying it: the
// issuer-signed JWT, its disclosures applied. A malformed or unsigned
// disclosure is not an error but a Problem (it fails the disclosures
// check). Errors (fault Invalid): it cannot be read as an SD-JWT
// credential.
func Decode(raw string) (*Credential, error) {
	parts, err := splitSDJWT(raw)
	if err != nil {
		return nil, err
	}
	j, err := jose.Parse(parts.jwt, "SD-JWT")
	if err != nil {
		return nil, err
	}
	switch j.Typ {
	case TypVCSDJWT, "vc+ld+json+sd-jwt":
		switch j.Cty {
		case "", "vc", "vc+ld+json", "credential+ld+json":
		default:
			return nil, fault.E(fault.Invalid, "unsupported SD-JWT content type %q; expected vc", text.Truncate(j.Cty, 40))
		}
	case TypDCSDJWT, "vc+sd-jwt-vc":
	case TypVPSDJWT:
		return nil, fault.E(fault.Invalid, "this is a presentation (typ vp+sd-jwt), not a credential")
	case "", "jwt":
		return nil, fault.E(fault.Invalid, "the SD-JWT has no type; an SD-JWT credential has typ vc+sd-jwt (or dc+sd-jwt)")
	default:
		return nil, fault.E(fault.Invalid, "unsupported SD-JWT type %q; expected vc+sd-jwt", text.Truncate(j.Typ, 40))
	}
	h, err := sdHash(j.Payload)
	if err != nil {
		return nil, err
	}
	c := &Credential{JWS: j, Typ: j.Typ, parts: parts, hash: h}
	var ds []*disclosure
	for i, r := range parts.disclosures {
		d, err := decodeDisclosure(r, h)
		if err != nil {
			c.Problems = append(c.Problems, fmt.Sprintf("disclosure #%d is malformed (%s): it was altered", i+1, fault.Message(err)))
			continue
		}
		d.index = i + 1
		ds = append(ds, d)
	}
	processed, disclosed, unused, err := processSD(j.Payload, ds)
	if err != nil {
		return nil, err
	}
	for _, d := range unused {
		what := "an array element"
		if d.name != "" {
			what = "the claim " + strconv.Quote(text.Truncate(d.name, 64))
		}
		c.Problems = append(c.Problems, fmt.Sprintf("disclosure #%d (%s) is not covered by any digest the issuer signed: it was altered or belongs to another credential", d.index, what))
	}
	c.JSON, c.Disclosed = processed, disclosed
	c.Cnf, _ = j.Payload["cnf"].(map[string]any)
	if IsSDJWTVC(j.Typ) {
		return c, nil
	}
	for _, claim := range []string{"vc", "vp"} {
		if _, ok := processed[claim]; ok {
			return nil, fault.E(fault.Invalid, "a vc+sd-jwt must not have a %q claim: its payload is the credential itself", claim)
		}
	}
	if c.VC, err = jose.V2(j, processed); err != nil {
		return nil, err
	}
	return c, nil
}

// DecodePresentation reads a vp+sd-jwt (a presentation the holder secured
// as an SD-JWT, its own claims selectively disclosable) without verifying
// its signature. Every disclosure must be covered by a digest the holder
// signed. ok is false when raw is not a vp+sd-jwt (then read it as a
// credential with Decode).
func DecodePresentation(raw string) (vp *jose.Presentation, ok bool, err error) {
	parts, err := splitSDJWT(raw)
	if err != nil {
		return nil, true, err
	}
	j, err := jose.Parse(parts.jwt, "SD-JWT")
	if err != nil {
		return nil, true, err
	}
	if j.Typ != TypVPSDJWT {
		return nil, false, nil
	}
	if parts.kb != "" {
		return nil, true, fault.E(fault.Invalid, "a key-binding JWT on a vp+sd-jwt presentation is not supported")
	}
	h, err := sdHash(j.Payload)
	if err != nil {
		return nil, true, err
	}
	var ds []*disclosure
	for i, r := range parts.disclosures {
		d, err := decodeDisclosure(r, h)
		if err != nil {
			return nil, true, fault.E(fault.Invalid, "disclosure #%d of the presentation is malformed (%s)", i+1, fault.Message(err))
		}
		d.index = i + 1
		ds = append(ds, d)
	}
	processed, _, unused, err := processSD(j.Payload, ds)
	if err != nil {
		return nil, true, err
	}
	if len(unused) > 0 {
		return nil, true, fault.E(fault.Invalid, "disclosure #%d of the presentation is not covered by a digest the holder signed: it was altered", unused[0].index)
	}
	vp, err = jose.PresentationV2(j, "vp+sd-jwt (VCDM 2.0)", processed)
	return vp, true, err
}

// Resolve returns the DID document of a DID (a holder's).
type Resolve func(ctx context.Context, id string) (*did.Document, error)

// KeyBinding is the outcome of checking the key-binding JWT of an SD-JWT.
type KeyBinding struct {
	OK      bool
	Message string         // for a person: which key signed, or why it fails
	Claims  map[string]any // of the key-binding JWT; nil when it cannot be read
}

// VerifyKeyBinding checks the key-binding JWT of c: typ kb+jwt, signed by
// the key cnf binds (cnf.jwk, or an authentication key of the DID cnf.kid
// names, resolved with resolve), sd_hash over the disclosures presented,
// iat, nonce and aud present. Whether nonce and aud are the expected ones
// and iat is recent is the caller's check (with Claims).
func (c *Credential) VerifyKeyBinding(ctx context.Context, resolve Resolve) KeyBinding {
	var r KeyBinding
	if c.parts.kb == "" {
		r.Message = "the SD-JWT has no key-binding JWT, so nothing proves the presenter holds the credential (the holder must sign with the key bound in cnf)"
		return r
	}
	kb, err := jose.Parse(c.parts.kb, "key-binding JWT")
	if err != nil {
		r.Message = fault.Message(err)
		return r
	}
	r.Claims = kb.Payload
	if kb.Typ != TypKBJWT {
		r.Message = fmt.Sprintf("the key-binding JWT has typ %q; expected kb+jwt", text.Truncate(kb.Typ, 40))
		return r
	}
	pub, kid, err := cnfKey(c.Cnf)
	if err != nil {
		r.Message = fault.Message(err) + ", so key binding cannot be checked"
		return r
	}
	keyName := "the holder key in cnf.jwk"
	if kid != "" {
		holder, frag := did.Split(kid)
		vmKid := kb.Kid
		if frag != "" {
			vmKid = kid
			if kb.Kid != "" && kb.Kid != kid && holder+kb.Kid != kid {
				r.Message = fmt.Sprintf("the key-binding JWT names the key %s, but the credential is bound to %s", text.Truncate(kb.Kid, 200), text.Truncate(kid, 200))
				return r
			}
		}
		doc, err := resolve(ctx, holder)
		if err != nil {
			r.Message = fmt.Sprintf("cannot check the key binding: the DID document of holder %s is not available (%s)", text.Truncate(holder, 200), fault.Message(err))
			return r
		}
		vmID, msg := jose.AuthenticationKey(doc, holder, vmKid)
		if msg != "" {
			r.Message = msg
			return r
		}
		if pub, err = doc.PublicKey(vmID); err != nil {
			r.Message = fmt.Sprintf("the holder key %s cannot be used: %s", text.Truncate(vmID, 200), fault.Message(err))
			return r
		}
		keyName = "the holder key " + text.Truncate(vmID, 200)
	}
	if msg := jose.VerifyWithKey(kb, pub, keyName); msg != "" {
		r.Message = "key-binding JWT: " + msg
		return r
	}
	if _, err := jose.NumericDate(kb.Payload, "iat"); err != nil || kb.Payload["iat"] == nil {
		r.Message = "the key-binding JWT has no iat (NumericDate)"
		return r
	}
	if _, has, err := jose.StringClaim(kb.Payload, "nonce", "key-binding JWT"); err != nil || !has {
		r.Message = "the key-binding JWT has no nonce claim"
		return r
	}
	if _, has, err := jose.Audience(kb.Payload, "key-binding JWT"); err != nil || !has {
		r.Message = "the key-binding JWT has no aud claim"
		return r
	}
	sdh, _, _ := jose.StringClaim(kb.Payload, "sd_hash", "key-binding JWT")
	if sdh == "" || sdh != sdDigest(c.hash, c.parts.prefix) {
		r.Message = "the key-binding JWT was made for another set of disclosures (sd_hash does not match): disclosures were added, removed or altered after the holder signed"
		return r
	}
	n := len(c.parts.disclosures)
	r.OK = true
	r.Message = fmt.Sprintf("the key-binding JWT is signed by %s (%s) and covers exactly the %s presented", keyName, kb.Alg, text.Plural(n, "disclosure", strconv.Itoa(n)+" disclosures"))
	return r
}

// BoundToSubject checks that the key bound in cnf belongs to the
// credential's subject (tag names the credential in messages); it returns
// whether it does and a message for a person.
func (c *Credential) BoundToSubject(ctx context.Context, resolve Resolve, tag string) (bool, string) {
	ids := vcdm.SubjectIDs(c.JSON)
	pub, kid, err := cnfKey(c.Cnf)
	switch {
	case err != nil:
		return false, fault.Message(err) + ", so the presenter cannot be bound to it"
	case len(ids) == 0:
		return true, fmt.Sprintf("credential %s names no subject; it is bound only to the key in cnf, which the presenter must hold", tag)
	case kid != "":
		holder := keyOwner(kid)
		if slices.Contains(ids, holder) {
			return true, fmt.Sprintf("the key-binding key belongs to %s, the subject of credential %s", text.Truncate(holder, 200), tag)
		}
		return false, fmt.Sprintf("credential %s is about %s, but it is bound to a key of %s", tag, text.Truncate(strings.Join(ids, ", "), 200), text.Truncate(holder, 200))
	}
	for _, id := range ids {
		doc, err := resolve(ctx, id)
		if err != nil {
			continue
		}
		for _, ref := range doc.Authentication {
			if k, err := doc.PublicKey(ref); err == nil && jose.SamePublicKey(k, pub) {
				return true, fmt.Sprintf("the key bound in cnf is the authentication key %s of %s, the subject of credential %s", text.Truncate(doc.AbsoluteID(ref), 200), text.Truncate(id, 200), tag)
			}
		}
	}
	return false, fmt.Sprintf("the key bound in cnf is not an authentication key of %s, the subject of credential %s", text.Truncate(strings.Join(ids, ", "), 200), tag)
}
