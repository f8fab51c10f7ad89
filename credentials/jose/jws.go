// Package jose is the JOSE securing format of credentials and
// presentations (VC-JOSE-COSE vc+jwt and vp+jwt, VCDM 1.1 JWTs): compact
// JWS parsing, signing, JWT claims, and finding the key a JWS names in a DID
// document. It parses and checks its own proof only; the common checks
// (issuer known, validity, schema, status, trust) are the verification
// pipeline's, in package credentials. Errors are fault Invalid with a
// message for people; messages name fields and identifiers, never claim
// values.
package jose

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/citizencloud/citizencredentials/did"
	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/internal/text"
)

// Signer signs credentials and presentations. KeyID is the absolute
// verification method id of the key (e.g.
// "did:web:gov.example:bureaus:b1#key-1"); its DID must be the issuer (or
// holder). keys/ provides implementations; a KMS or HSM can too.
type Signer interface {
	crypto.Signer
	KeyID() string
}

// JWS is a compact JWS decoded but not verified, with a JSON object as
// payload.
type JWS struct {
	Header       map[string]any
	Payload      map[string]any
	Alg          string
	Kid          string
	Typ          string // lower-cased, without "application/"
	Cty          string // lower-cased, without "application/"
	SigningInput []byte
	Signature    []byte
}

// Parse decodes a compact JWS whose payload is a JSON object. what names
// the object in messages ("presentation", "key-binding JWT", ...). Refused:
// JWE, alg none or unsupported algorithms (EdDSA, ES256, ES384, ES512,
// ES256K are supported), critical headers, non-string kid/typ/cty.
func Parse(s, what string) (*JWS, error) {
	parts := strings.Split(s, ".")
	switch {
	case len(parts) == 5:
		return nil, fault.E(fault.Invalid, "the %s is an encrypted JWT (JWE), which is not supported", what)
	case len(parts) != 3:
		return nil, fault.E(fault.Invalid, "the %s is not a compact JWT: expected three dot-separated parts", what)
	}
	j := &JWS{}
	if err := decodePart(parts[0], &j.Header); err != nil || j.Header == nil {
		return nil, fault.E(fault.Invalid, "the %s header is not base64url-encoded JSON", what)
	}
	if err := decodePart(parts[1], &j.Payload); err != nil || j.Payload == nil {
		return nil, fault.E(fault.Invalid, "the %s payload is not a base64url-encoded JSON object", what)
	}
	sig, err := base64.RawURLEncoding.Strict().DecodeString(parts[2])
	if err != nil || len(sig) == 0 {
		return nil, fault.E(fault.Invalid, "the %s signature is missing or not base64url", what)
	}
	j.Signature = sig
	j.SigningInput = []byte(parts[0] + "." + parts[1])
	j.Alg, _ = j.Header["alg"].(string)
	switch j.Alg {
	case "EdDSA", "ES256", "ES384", "ES512", "ES256K":
	case "", "none":
		return nil, fault.E(fault.Invalid, "the %s is not signed (alg none)", what)
	default:
		return nil, fault.E(fault.Invalid, "the %s is signed with %q, which is not supported (EdDSA, ES256, ES384, ES512, ES256K are)", what, text.Truncate(j.Alg, 20))
	}
	if _, ok := j.Header["crit"]; ok {
		return nil, fault.E(fault.Invalid, "the %s has critical header parameters, which are not supported", what)
	}
	if k, ok := j.Header["kid"]; ok {
		if j.Kid, ok = k.(string); !ok {
			return nil, fault.E(fault.Invalid, "the kid header of the %s is not a string", what)
		}
	}
	if j.Typ, err = mediaType(j.Header, "typ"); err != nil {
		return nil, err
	}
	if j.Cty, err = mediaType(j.Header, "cty"); err != nil {
		return nil, err
	}
	return j, nil
}

// mediaType reads the typ or cty header, lower-cased and without an
// "application/" prefix.
func mediaType(header map[string]any, name string) (string, error) {
	v, ok := header[name]
	if !ok {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", fault.E(fault.Invalid, "the JWT %s header is not a string", name)
	}
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.TrimPrefix(s, "application/"), nil
}

func decodePart(part string, into any) error {
	b, err := base64.RawURLEncoding.Strict().DecodeString(part)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, into)
}

// StringClaim reads an optional string claim; present reports whether it is
// there at all. A claim of another type is an error.
func StringClaim(m map[string]any, name, what string) (value string, present bool, err error) {
	v, ok := m[name]
	if !ok || v == nil {
		return "", false, nil
	}
	s, isStr := v.(string)
	if !isStr {
		return "", true, fault.E(fault.Invalid, "the %s claim of the %s is not a string", name, what)
	}
	return s, true, nil
}

// Audience reads the aud claim: a string or an array of strings.
func Audience(m map[string]any, what string) ([]string, bool, error) {
	v, ok := m["aud"]
	if !ok || v == nil {
		return nil, false, nil
	}
	switch a := v.(type) {
	case string:
		return []string{a}, true, nil
	case []any:
		out := make([]string, 0, len(a))
		for _, x := range a {
			s, isStr := x.(string)
			if !isStr {
				return nil, true, fault.E(fault.Invalid, "the aud claim of the %s must be a string or an array of strings", what)
			}
			out = append(out, s)
		}
		return out, true, nil
	}
	return nil, true, fault.E(fault.Invalid, "the aud claim of the %s must be a string or an array of strings", what)
}

// maxNumericDate is 9999-12-31T23:59:59Z.
const maxNumericDate = 253402300799

// NumericDate reads an optional NumericDate claim (seconds since 1970).
func NumericDate(m map[string]any, name string) (*time.Time, error) {
	v, ok := m[name]
	if !ok || v == nil {
		return nil, nil
	}
	f, isNum := v.(float64)
	if !isNum || math.IsNaN(f) || f < 0 || f > maxNumericDate {
		return nil, fault.E(fault.Invalid, "the JWT %s claim is not a NumericDate (seconds since 1970)", name)
	}
	sec, frac := math.Modf(f)
	t := time.Unix(int64(sec), int64(frac*1e9)).UTC()
	return &t, nil
}

// alg returns the JWS algorithm for a public key: EdDSA for Ed25519,
// ES256/ES384/ES512 for P-256/P-384/P-521.
func alg(pub crypto.PublicKey) (jwa.SignatureAlgorithm, error) {
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

// Sign signs payload as a compact JWS with the protected header fields hdr
// (alg is added from the key). The payload is written without HTML
// escaping.
func Sign(payload map[string]any, s crypto.Signer, hdr map[string]any) (string, error) {
	a, err := alg(s.Public())
	if err != nil {
		return "", err
	}
	body, err := MarshalNoEscape(payload)
	if err != nil {
		return "", fault.Wrap(fault.Invalid, err, "the payload is not plain JSON")
	}
	h := jws.NewHeaders()
	for k, v := range hdr {
		if err := h.Set(k, v); err != nil {
			return "", err
		}
	}
	out, err := jws.Sign(body, jws.WithKey(a, s, jws.WithProtectedHeaders(h)))
	if err != nil {
		return "", fmt.Errorf("sign JWT: %w", err)
	}
	return string(out), nil
}

// MarshalNoEscape encodes v without HTML escaping (disclosures and JWT
// payloads are hashed and signed as they are written, and stay readable).
func MarshalNoEscape(v any) ([]byte, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return []byte(strings.TrimSuffix(b.String(), "\n")), nil
}
