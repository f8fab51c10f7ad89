package did

import (
	"bytes"
	"context"
	"crypto"
	"encoding/base64"
	"encoding/json"

	"github.com/citizencloud/citizencredentials/fault"
)

// JWKResolver resolves did:jwk identifiers locally (did:jwk method
// specification): the method-specific id is the base64url JWK. The document
// has one JsonWebKey2020 method "<did>#0"; a key with "use":"enc" is listed
// only under keyAgreement, one with "use":"sig" under every relationship but
// keyAgreement, any other under all five. A JWK with private members is
// refused.
type JWKResolver struct{}

// Resolve implements Resolver. Errors are fault Invalid.
func (JWKResolver) Resolve(_ context.Context, did string) (*Document, error) {
	return ResolveJWK(did)
}

// ResolveJWK resolves a did:jwk identifier (see JWKResolver).
func ResolveJWK(did string) (*Document, error) {
	d, err := Parse(did)
	if err != nil {
		return nil, err
	}
	if d.Method != "jwk" {
		return nil, fault.E(fault.Invalid, "not a did:jwk identifier")
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(d.ID)
	if err != nil {
		return nil, fault.E(fault.Invalid, "invalid did:jwk: the identifier is not base64url")
	}
	f, _, err := readJWK(raw)
	if err != nil {
		return nil, fault.E(fault.Invalid, "invalid did:jwk: %s", fault.Message(err))
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, raw); err != nil {
		return nil, fault.E(fault.Invalid, "invalid did:jwk: the JWK is not JSON")
	}
	vm := VerificationMethod{ID: did + "#0", Type: TypeJsonWebKey2020, Controller: did, PublicKeyJwk: compact.Bytes()}
	doc := &Document{
		Context:            []string{ContextDIDv1, ContextJWS2020},
		ID:                 did,
		VerificationMethod: []VerificationMethod{vm},
	}
	ref := []string{vm.ID}
	switch f.Use {
	case "enc":
		doc.KeyAgreement = ref
	case "sig":
		doc.Authentication, doc.AssertionMethod, doc.CapabilityInvocation, doc.CapabilityDelegation = ref, ref, ref, ref
	default:
		doc.Authentication, doc.AssertionMethod, doc.CapabilityInvocation, doc.CapabilityDelegation, doc.KeyAgreement = ref, ref, ref, ref, ref
	}
	return doc, nil
}

// NewJWKDID returns the did:jwk identifier of pub: the base64url encoding of
// JWKFromPublic(pub). Its only verification method is did + "#0".
func NewJWKDID(pub crypto.PublicKey) (string, error) {
	jwk, err := JWKFromPublic(pub)
	if err != nil {
		return "", err
	}
	return "did:jwk:" + base64.RawURLEncoding.EncodeToString(jwk), nil
}
