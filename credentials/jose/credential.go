package jose

import (
	"strings"
	"time"

	"github.com/citizencloud/citizencredentials/credentials/vcdm"
	"github.com/citizencloud/citizencredentials/did"
	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/internal/text"
)

// Media types of the JOSE securing format (VC-JOSE-COSE).
const (
	TypVCJWT = "vc+jwt" // JOSE header typ of a secured VCDM 2.0 credential
	CtyVC    = "vc"     // JOSE header cty of a secured VCDM 2.0 credential
)

// SignCredential secures vc (a VCDM 2.0 credential) as a compact
// VC-JOSE-COSE JWS: protected header {alg, kid: s.KeyID(), typ: "vc+jwt",
// cty: "vc"}; the payload is the credential itself plus the JWT claims that
// restate it without conflict (iss = issuer, jti = id, sub =
// credentialSubject.id when there is one subject, nbf = validFrom, exp =
// validUntil, as NumericDates) so plain JWT libraries can check them. The
// "vc" and "vp" claims are never used. Errors: fault Invalid for a
// credential or key that cannot be signed this way; the signer's error
// otherwise.
func SignCredential(vc map[string]any, s Signer) (string, error) {
	if s == nil {
		return "", fault.E(fault.Invalid, "no signer")
	}
	if _, err := alg(s.Public()); err != nil {
		return "", err
	}
	kid := s.KeyID()
	if _, ok := vc["vc"]; ok {
		return "", fault.E(fault.Invalid, "a vc+jwt payload must not have a \"vc\" claim")
	}
	if _, ok := vc["vp"]; ok {
		return "", fault.E(fault.Invalid, "a vc+jwt payload must not have a \"vp\" claim")
	}
	payload, err := Claims(vc, kid, "vc+jwt")
	if err != nil {
		return "", err
	}
	return Sign(payload, s, map[string]any{"kid": kid, "typ": TypVCJWT, "cty": CtyVC})
}

// Claims returns a copy of vc, a VCDM 2.0 credential about to be secured
// as a JWT (as typ says) with the key kid, with the JWT claims that restate
// it: iss = issuer, jti = id, sub = the id of the one credentialSubject, nbf
// = validFrom, exp = validUntil. Errors (fault Invalid): kid is not a DID
// URL of the issuer, the credential is not VCDM 2.0, has no issuer, or has
// dates that are not RFC 3339.
func Claims(vc map[string]any, kid, typ string) (map[string]any, error) {
	keyDID, frag := did.Split(kid)
	if frag == "" || keyDID == "" {
		return nil, fault.E(fault.Invalid, "signing key id %q is not an absolute verification method id (did#fragment)", text.Truncate(kid, 200))
	}
	if ctx := vcdm.Contexts(vc["@context"]); len(ctx) == 0 || ctx[0] != vcdm.ContextV2 {
		return nil, fault.E(fault.Invalid, "only VCDM 2.0 credentials (first @context %s) are secured as %s", vcdm.ContextV2, typ)
	}
	issuer := vcdm.IssuerID(vc["issuer"])
	if issuer == "" {
		return nil, fault.E(fault.Invalid, "the credential has no issuer")
	}
	if issuer != keyDID {
		return nil, fault.E(fault.Invalid, "signing key %s does not belong to issuer %s", text.Truncate(kid, 200), text.Truncate(issuer, 200))
	}
	payload := make(map[string]any, len(vc)+5)
	for k, v := range vc {
		payload[k] = v
	}
	payload["iss"] = issuer
	if id, ok := vc["id"].(string); ok && id != "" {
		payload["jti"] = id
	}
	if subs := vcdm.Subjects(vc["credentialSubject"]); len(subs) == 1 {
		if id, ok := subs[0]["id"].(string); ok && id != "" {
			payload["sub"] = id
		}
	}
	for claim, prop := range map[string]string{"nbf": "validFrom", "exp": "validUntil"} {
		if s, ok := vc[prop].(string); ok {
			t, err := time.Parse(time.RFC3339, s)
			if err != nil {
				return nil, fault.E(fault.Invalid, "%s is not an RFC 3339 date-time", prop)
			}
			payload[claim] = t.Unix()
		}
	}
	return payload, nil
}

// Credential is a JOSE-secured credential decoded but not verified.
type Credential struct {
	JWS *JWS
	// V1 marks a VCDM 1.1 JWT credential (a "vc" claim); else the payload
	// is a VCDM 2.0 credential (vc+jwt).
	V1 bool
	// JSON is the credential: the payload of a vc+jwt, or the vc claim of a
	// VCDM 1.1 JWT completed from iss, jti and sub.
	JSON map[string]any
	// NotBefore and Expires are the nbf and exp claims.
	NotBefore, Expires *time.Time
}

// ParseCredential decodes a compact vc+jwt (VCDM 2.0: the payload is the
// credential) or a VCDM 1.1 JWT credential (the payload has a "vc" claim
// and iss/sub/jti/nbf/exp) without verifying it. Refused with fault
// Invalid: unsecured JSON, SD-JWT, JWE, presentations, alg "none" or
// unsupported algorithms, critical headers, a typ other than vc+jwt/JWT, a
// vc+jwt with "vc"/"vp" claims, JWT claims that contradict the credential
// (iss ≠ issuer, jti ≠ id, sub ≠ subject), and malformed NumericDates.
func ParseCredential(raw string) (*Credential, error) {
	raw = strings.TrimSpace(raw)
	switch {
	case raw == "":
		return nil, fault.E(fault.Invalid, "the credential is empty")
	case raw[0] == '{':
		return nil, fault.E(fault.Invalid, "this is an unsecured JSON credential; only signed credentials (vc+jwt or JWT) can be verified")
	case strings.Contains(raw, "~"):
		return nil, fault.E(fault.Invalid, "SD-JWT credentials (vc+sd-jwt) are not supported yet")
	}
	j, err := Parse(raw, "JWT")
	if err != nil {
		return nil, err
	}
	v2typ := false
	switch j.Typ {
	case "vc+jwt", "vc+ld+json+jwt", "vc+ld+jwt":
		v2typ = true
	case "", "jwt":
	case "vp+jwt", "vp+ld+json+jwt", "vp+ld+jwt":
		return nil, fault.E(fault.Invalid, "this is a presentation (typ %s), not a credential", j.Typ)
	case "vc+sd-jwt", "dc+sd-jwt":
		return nil, fault.E(fault.Invalid, "SD-JWT credentials (typ %s) are not supported yet", j.Typ)
	default:
		return nil, fault.E(fault.Invalid, "unsupported JWT type %q; expected vc+jwt", text.Truncate(j.Typ, 40))
	}
	switch j.Cty {
	case "", "vc", "vc+ld+json", "credential+ld+json":
	default:
		return nil, fault.E(fault.Invalid, "unsupported JWT content type %q; expected vc", text.Truncate(j.Cty, 40))
	}
	_, hasVP := j.Payload["vp"]
	vcClaim, hasVC := j.Payload["vc"]
	switch {
	case v2typ && (hasVC || hasVP):
		return nil, fault.E(fault.Invalid, "a vc+jwt must not have \"vc\" or \"vp\" claims: its payload is the credential itself")
	case hasVP:
		return nil, fault.E(fault.Invalid, "the JWT carries a presentation (vp claim), not a credential")
	case hasVC:
		return v1(j, vcClaim)
	}
	return V2(j, j.Payload)
}

// V2 reads payload, the (processed) payload of j, as a VCDM 2.0 credential
// secured as a JWT: the first @context is the 2.0 one, and the JWT claims
// iss, jti and sub, when present, restate the issuer, id and subject.
func V2(j *JWS, payload map[string]any) (*Credential, error) {
	ctx := vcdm.Contexts(payload["@context"])
	if len(ctx) == 0 || ctx[0] != vcdm.ContextV2 {
		if len(ctx) > 0 && ctx[0] == vcdm.ContextV1 {
			return nil, fault.E(fault.Invalid, "a VCDM 1.1 credential must be carried in the JWT vc claim")
		}
		return nil, fault.E(fault.Invalid, "the first @context must be %s", vcdm.ContextV2)
	}
	var subject string
	if subs := vcdm.Subjects(payload["credentialSubject"]); len(subs) > 0 {
		subject, _ = subs[0]["id"].(string)
	}
	id, _ := payload["id"].(string)
	// The JWT claims restate the credential; they must not contradict it.
	for claim, want := range map[string]string{"iss": vcdm.IssuerID(payload["issuer"]), "jti": id, "sub": subject} {
		v, ok := payload[claim]
		if !ok {
			continue
		}
		s, isStr := v.(string)
		if !isStr {
			return nil, fault.E(fault.Invalid, "the JWT %s claim is not a string", claim)
		}
		if want != "" && s != want {
			return nil, fault.E(fault.Invalid, "the JWT %s claim does not match the credential's %s", claim, map[string]string{"iss": "issuer", "jti": "id", "sub": "subject"}[claim])
		}
	}
	return withDates(&Credential{JWS: j, JSON: payload}, payload)
}

// withDates reads the nbf and exp claims of payload into c.
func withDates(c *Credential, payload map[string]any) (*Credential, error) {
	var err error
	if c.NotBefore, err = NumericDate(payload, "nbf"); err != nil {
		return nil, err
	}
	if c.Expires, err = NumericDate(payload, "exp"); err != nil {
		return nil, err
	}
	return c, nil
}

// v1 reads a VCDM 1.1 JWT credential: the vc claim, completed from the
// registered claims (VCDM 1.1 §6.3.1), refusing contradictions.
func v1(j *JWS, vcClaim any) (*Credential, error) {
	vc, ok := vcClaim.(map[string]any)
	if !ok {
		return nil, fault.E(fault.Invalid, "the JWT vc claim is not an object")
	}
	if ctx := vcdm.Contexts(vc["@context"]); len(ctx) > 0 && ctx[0] != vcdm.ContextV1 {
		return nil, fault.E(fault.Invalid, "the first @context of a JWT vc claim must be %s", vcdm.ContextV1)
	}
	cred := make(map[string]any, len(vc)+2)
	for k, v := range vc {
		cred[k] = v
	}
	claimStr := func(name string) (string, bool, error) {
		v, ok := j.Payload[name]
		if !ok {
			return "", false, nil
		}
		s, isStr := v.(string)
		if !isStr {
			return "", false, fault.E(fault.Invalid, "the JWT %s claim is not a string", name)
		}
		return s, true, nil
	}
	iss, hasIss, err := claimStr("iss")
	if err != nil {
		return nil, err
	}
	if hasIss {
		if have := vcdm.IssuerID(cred["issuer"]); have != "" && have != iss {
			return nil, fault.E(fault.Invalid, "the JWT iss claim does not match the credential's issuer")
		} else if have == "" {
			cred["issuer"] = iss
		}
	}
	jti, hasJti, err := claimStr("jti")
	if err != nil {
		return nil, err
	}
	if hasJti {
		if have, _ := cred["id"].(string); have != "" && have != jti {
			return nil, fault.E(fault.Invalid, "the JWT jti claim does not match the credential's id")
		}
		cred["id"] = jti
	}
	sub, hasSub, err := claimStr("sub")
	if err != nil {
		return nil, err
	}
	if hasSub {
		subs := vcdm.Subjects(cred["credentialSubject"])
		switch {
		case len(subs) == 0:
			cred["credentialSubject"] = map[string]any{"id": sub}
		case len(subs) == 1:
			if have, _ := subs[0]["id"].(string); have != "" && have != sub {
				return nil, fault.E(fault.Invalid, "the JWT sub claim does not match the credentialSubject id")
			}
			s := make(map[string]any, len(subs[0])+1)
			for k, v := range subs[0] {
				s[k] = v
			}
			s["id"] = sub
			cred["credentialSubject"] = s
		}
	}
	return withDates(&Credential{JWS: j, V1: true, JSON: cred}, j.Payload)
}
