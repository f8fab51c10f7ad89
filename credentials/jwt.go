package credentials

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"encoding/json"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/citizencloud/citizencredentials/did"
	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/internal/text"
)

// Media types of the JOSE securing format (VC-JOSE-COSE).
const (
	TypVCJWT = "vc+jwt" // JOSE header typ of a secured VCDM 2.0 credential
	CtyVC    = "vc"     // JOSE header cty of a secured VCDM 2.0 credential
)

// FormatJWTV1 is a VCDM 1.1 JWT credential (payload with a "vc" claim),
// accepted on verification only.
const FormatJWTV1 Format = "jwt_vc"

// Signer signs credentials. KeyID is the absolute verification method id of
// the key (e.g. "did:web:gov.example:bureaus:b1#key-1"); its DID must be the
// credential's issuer. keys/ provides implementations; a KMS or HSM can too.
type Signer interface {
	crypto.Signer
	KeyID() string
}

// jwsAlg returns the JWS algorithm for a public key: EdDSA for Ed25519,
// ES256/ES384/ES512 for P-256/P-384/P-521.
func jwsAlg(pub crypto.PublicKey) (jwa.SignatureAlgorithm, error) {
	switch k := pub.(type) {
	case ed25519.PublicKey:
		return jwa.EdDSA, nil
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256():
			return jwa.ES256, nil
		case elliptic.P384():
			return jwa.ES384, nil
		case elliptic.P521():
			return jwa.ES512, nil
		}
	}
	return "", fault.E(fault.Invalid, "signing keys must be Ed25519 or P-256 (got %s)", did.KeyType(pub))
}

// SignJWT secures vc (a VCDM 2.0 credential, e.g. from Build) as a compact
// VC-JOSE-COSE JWS: protected header {alg, kid: s.KeyID(), typ: "vc+jwt",
// cty: "vc"}; the payload is the credential itself plus the JWT claims that
// restate it without conflict (iss = issuer, jti = id, sub =
// credentialSubject.id when there is one subject, nbf = validFrom, exp =
// validUntil, as NumericDates) so plain JWT libraries can check them. The
// "vc" and "vp" claims are never used. Errors: fault Invalid for a
// credential or key that cannot be signed this way; the signer's error
// otherwise.
func SignJWT(vc map[string]any, s Signer) (string, error) {
	if s == nil {
		return "", fault.E(fault.Invalid, "no signer")
	}
	alg, err := jwsAlg(s.Public())
	if err != nil {
		return "", err
	}
	kid := s.KeyID()
	keyDID, frag := did.Split(kid)
	if frag == "" || keyDID == "" {
		return "", fault.E(fault.Invalid, "signing key id %q is not an absolute verification method id (did#fragment)", text.Truncate(kid, 200))
	}
	if _, ok := vc["vc"]; ok {
		return "", fault.E(fault.Invalid, "a vc+jwt payload must not have a \"vc\" claim")
	}
	if _, ok := vc["vp"]; ok {
		return "", fault.E(fault.Invalid, "a vc+jwt payload must not have a \"vp\" claim")
	}
	if ctx := contexts(vc["@context"]); len(ctx) == 0 || ctx[0] != ContextV2 {
		return "", fault.E(fault.Invalid, "only VCDM 2.0 credentials (first @context %s) are secured as vc+jwt", ContextV2)
	}
	issuer := issuerID(vc["issuer"])
	if issuer == "" {
		return "", fault.E(fault.Invalid, "the credential has no issuer")
	}
	if issuer != keyDID {
		return "", fault.E(fault.Invalid, "signing key %s does not belong to issuer %s", text.Truncate(kid, 200), text.Truncate(issuer, 200))
	}

	payload := make(map[string]any, len(vc)+5)
	for k, v := range vc {
		payload[k] = v
	}
	payload["iss"] = issuer
	if id, ok := vc["id"].(string); ok && id != "" {
		payload["jti"] = id
	}
	if subs := subjects(vc["credentialSubject"]); len(subs) == 1 {
		if id, ok := subs[0]["id"].(string); ok && id != "" {
			payload["sub"] = id
		}
	}
	for claim, prop := range map[string]string{"nbf": "validFrom", "exp": "validUntil"} {
		if s, ok := vc[prop].(string); ok {
			t, err := time.Parse(time.RFC3339, s)
			if err != nil {
				return "", fault.E(fault.Invalid, "%s is not an RFC 3339 date-time", prop)
			}
			payload[claim] = t.Unix()
		}
	}
	body, err := json.Marshal(payload)
	if err != nil {
		return "", fault.Wrap(fault.Invalid, err, "the credential is not plain JSON")
	}

	hdr := jws.NewHeaders()
	for k, v := range map[string]any{jws.KeyIDKey: kid, jws.TypeKey: TypVCJWT, jws.ContentTypeKey: CtyVC} {
		if err := hdr.Set(k, v); err != nil {
			return "", err
		}
	}
	out, err := jws.Sign(body, jws.WithKey(alg, s, jws.WithProtectedHeaders(hdr)))
	if err != nil {
		return "", err
	}
	return string(out), nil
}

// contexts returns the @context entries that are strings.
func contexts(v any) []string {
	switch c := v.(type) {
	case string:
		return []string{c}
	case []string:
		return c
	case []any:
		out := make([]string, 0, len(c))
		for _, x := range c {
			if s, ok := x.(string); ok {
				out = append(out, s)
			} else {
				out = append(out, "")
			}
		}
		return out
	}
	return nil
}

// issuerID returns the issuer URL of a credential (a string, or an object
// with an id).
func issuerID(v any) string {
	switch i := v.(type) {
	case string:
		return i
	case map[string]any:
		s, _ := i["id"].(string)
		return s
	}
	return ""
}

// subjects returns the credentialSubject objects (one object or an array).
func subjects(v any) []map[string]any {
	switch s := v.(type) {
	case map[string]any:
		return []map[string]any{s}
	case []any:
		var out []map[string]any
		for _, x := range s {
			if m, ok := x.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	case []map[string]any:
		return s
	}
	return nil
}

// strs returns the strings of a string-or-array value.
func strs(v any) []string {
	switch s := v.(type) {
	case string:
		return []string{s}
	case []string:
		return s
	case []any:
		var out []string
		for _, x := range s {
			if str, ok := x.(string); ok {
				out = append(out, str)
			}
		}
		return out
	}
	return nil
}
