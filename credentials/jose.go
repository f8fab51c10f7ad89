package credentials

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/citizencloud/citizencredentials/dataintegrity"
	"github.com/citizencloud/citizencredentials/did"
	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/internal/text"
)

// compactJWS is a compact JWS decoded but not verified, for the JOSE
// objects that presentations are made of (vp+jwt, VCDM 1.1 JWT VPs, SD-JWT
// issuer JWTs, key-binding JWTs).
type compactJWS struct {
	header       map[string]any
	payload      map[string]any
	alg          string
	kid          string
	typ          string // lower-cased, without "application/"
	cty          string // lower-cased, without "application/"
	signingInput []byte
	signature    []byte
}

// parseCompactJWS decodes a compact JWS whose payload is a JSON object. what
// names the object in messages ("presentation", "key-binding JWT", ...).
// Errors are fault Invalid with a message for people.
func parseCompactJWS(s, what string) (*compactJWS, error) {
	parts := strings.Split(s, ".")
	switch {
	case len(parts) == 5:
		return nil, fault.E(fault.Invalid, "the %s is an encrypted JWT (JWE), which is not supported", what)
	case len(parts) != 3:
		return nil, fault.E(fault.Invalid, "the %s is not a compact JWT: expected three dot-separated parts", what)
	}
	j := &compactJWS{}
	if err := decodePart(parts[0], &j.header); err != nil || j.header == nil {
		return nil, fault.E(fault.Invalid, "the %s header is not base64url-encoded JSON", what)
	}
	if err := decodePart(parts[1], &j.payload); err != nil || j.payload == nil {
		return nil, fault.E(fault.Invalid, "the %s payload is not a base64url-encoded JSON object", what)
	}
	sig, err := base64.RawURLEncoding.Strict().DecodeString(parts[2])
	if err != nil || len(sig) == 0 {
		return nil, fault.E(fault.Invalid, "the %s signature is missing or not base64url", what)
	}
	j.signature = sig
	j.signingInput = []byte(parts[0] + "." + parts[1])
	j.alg, _ = j.header["alg"].(string)
	switch j.alg {
	case "EdDSA", "ES256", "ES384", "ES512", "ES256K":
	case "", "none":
		return nil, fault.E(fault.Invalid, "the %s is not signed (alg none)", what)
	default:
		return nil, fault.E(fault.Invalid, "the %s is signed with %q, which is not supported (EdDSA, ES256, ES384, ES512, ES256K are)", what, text.Truncate(j.alg, 20))
	}
	if _, ok := j.header["crit"]; ok {
		return nil, fault.E(fault.Invalid, "the %s has critical header parameters, which are not supported", what)
	}
	if k, ok := j.header["kid"]; ok {
		if j.kid, ok = k.(string); !ok {
			return nil, fault.E(fault.Invalid, "the kid header of the %s is not a string", what)
		}
	}
	if j.typ, err = mediaType(j.header, "typ"); err != nil {
		return nil, err
	}
	if j.cty, err = mediaType(j.header, "cty"); err != nil {
		return nil, err
	}
	return j, nil
}

// stringClaim reads an optional string claim; present reports whether it is
// there at all. A claim of another type is an error.
func stringClaim(m map[string]any, name, what string) (value string, present bool, err error) {
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

// audience reads the aud claim: a string or an array of strings.
func audience(m map[string]any, what string) ([]string, bool, error) {
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

// selectAuthKey finds the verification method kid names in the holder's
// DID document and checks that it may authenticate the holder (sign
// presentations). It returns the absolute method id, or a message saying
// why none fits.
func selectAuthKey(doc *did.Document, holder, kid string) (string, string) {
	vmID, msg := findMethod(doc, "holder", holder, doc.Authentication, "authentication", kid)
	if msg != "" {
		return "", msg
	}
	if !doc.CanAuthenticate(vmID) {
		return "", fmt.Sprintf("the key %s is not an authentication key of %s, so it cannot sign for the holder", text.Truncate(vmID, 200), text.Truncate(holder, 200))
	}
	return vmID, ""
}

// verifyWithKey checks a JWS signature with pub and says, for a person,
// why it fails ("" when it verifies). keyName describes the key.
func verifyWithKey(alg string, pub crypto.PublicKey, input, sig []byte, keyName string) string {
	kt := did.KeyType(pub)
	want, ok := algFor[kt]
	if !ok {
		return fmt.Sprintf("%s is %s key, which cannot sign", keyName, text.WithArticle(kt))
	}
	if alg != want {
		return fmt.Sprintf("the JWT is signed with %s but %s is %s key (needs %s)", alg, keyName, text.WithArticle(kt), want)
	}
	if err := dataintegrity.VerifyJWS(alg, pub, input, sig); err != nil {
		return fmt.Sprintf("the signature does not verify with %s: the content was altered or signed with another key", keyName)
	}
	return ""
}

// checkHolderSignature is the presentation_signature check of a JWS signed
// by the holder: the holder resolves, kid names one of its authentication
// keys, and the signature verifies with it.
func (v *Verifier) checkHolderSignature(ctx context.Context, holder string, j *compactJWS) Check {
	c := Check{Name: CheckPresentationSignature}
	if holder == "" {
		c.Message = "the presentation names no holder, so there is no key to check its signature with"
		return c
	}
	doc, err := v.resolve(ctx, holder)
	if err != nil {
		c.Message = fmt.Sprintf("cannot check the signature: the DID document of holder %s is not available (%s)", text.Truncate(holder, 200), reason(err))
		return c
	}
	vmID, msg := selectAuthKey(doc, holder, j.kid)
	if msg != "" {
		c.Message = msg
		return c
	}
	pub, err := doc.PublicKey(vmID)
	if err != nil {
		c.Message = fmt.Sprintf("the holder key %s cannot be used: %s", text.Truncate(vmID, 200), reason(err))
		return c
	}
	if msg := verifyWithKey(j.alg, pub, j.signingInput, j.signature, "the holder key "+text.Truncate(vmID, 200)); msg != "" {
		c.Message = msg
		return c
	}
	c.OK = true
	c.Message = fmt.Sprintf("signed by the holder's key %s (%s)", vmID, j.alg)
	return c
}

// signCompact signs payload as a compact JWS with the protected header
// fields hdr (alg is added from the key).
func signCompact(payload map[string]any, s crypto.Signer, hdr map[string]any) (string, error) {
	alg, err := jwsAlg(s.Public())
	if err != nil {
		return "", err
	}
	body, err := marshalNoEscape(payload)
	if err != nil {
		return "", fault.Wrap(fault.Invalid, err, "the payload is not plain JSON")
	}
	h := jws.NewHeaders()
	for k, v := range hdr {
		if err := h.Set(k, v); err != nil {
			return "", err
		}
	}
	out, err := jws.Sign(body, jws.WithKey(alg, s, jws.WithProtectedHeaders(h)))
	if err != nil {
		return "", fmt.Errorf("sign JWT: %w", err)
	}
	return string(out), nil
}

// marshalNoEscape encodes v without HTML escaping (disclosures and JWT payloads
// are hashed and signed as they are written, and stay readable).
func marshalNoEscape(v any) ([]byte, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return []byte(strings.TrimSuffix(b.String(), "\n")), nil
}

// samePublicKey reports whether two public keys are equal.
func samePublicKey(a, b crypto.PublicKey) bool {
	switch k := a.(type) {
	case ed25519.PublicKey:
		return k.Equal(b)
	case *ecdsa.PublicKey:
		return k.Equal(b)
	}
	ja, err1 := did.JWKFromPublic(a)
	jb, err2 := did.JWKFromPublic(b)
	return err1 == nil && err2 == nil && string(ja) == string(jb)
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

// presentationClockSkew is how far in the future an iat of a key-binding
// JWT may lie (holder and verifier clocks differ), on top of the
// verifier's leeway.
const presentationClockSkew = 5 * time.Minute

// didOfKey returns the DID of a verification method id (did#fragment).
func didOfKey(kid string) string {
	d, _ := did.Split(kid)
	return d
}
