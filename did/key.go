package did

import (
	"context"
	"crypto"

	"github.com/citizencloud/citizencredentials/fault"
)

// KeyResolver resolves did:key identifiers locally (W3C CCG did:key v0.9):
// Ed25519, P-256, P-384, P-521, secp256k1 and X25519 keys. The document has
// one Multikey verification method "<did>#<multibase>"; signing keys are
// listed under authentication, assertionMethod, capabilityInvocation and
// capabilityDelegation, X25519 keys only under keyAgreement. No X25519 key is
// derived from Ed25519 keys.
type KeyResolver struct{}

// Resolve implements Resolver. Errors are fault Invalid (malformed or
// unsupported key); a well-formed did:key always resolves.
func (KeyResolver) Resolve(_ context.Context, did string) (*Document, error) {
	return ResolveKey(did)
}

// ResolveKey resolves a did:key identifier (see KeyResolver).
func ResolveKey(did string) (*Document, error) {
	d, err := Parse(did)
	if err != nil {
		return nil, err
	}
	if d.Method != "key" {
		return nil, fault.E(fault.Invalid, "not a did:key identifier")
	}
	pub, err := DecodeMultikey(d.ID)
	if err != nil {
		return nil, fault.E(fault.Invalid, "invalid did:key: %s", fault.Message(err))
	}
	vm := VerificationMethod{ID: did + "#" + d.ID, Type: TypeMultikey, Controller: did, PublicKeyMultibase: d.ID}
	doc := &Document{
		Context:            []string{ContextDIDv1, ContextMultikey},
		ID:                 did,
		VerificationMethod: []VerificationMethod{vm},
	}
	ref := []string{vm.ID}
	if KeyType(pub) == "X25519" {
		doc.KeyAgreement = ref
	} else {
		doc.Authentication = ref
		doc.AssertionMethod = ref
		doc.CapabilityInvocation = ref
		doc.CapabilityDelegation = ref
	}
	return doc, nil
}

// NewKeyDID returns the did:key identifier of pub (Ed25519, P-256, P-384,
// P-521 or secp256k1). Its only verification method is did + "#" + the part
// after "did:key:".
func NewKeyDID(pub crypto.PublicKey) (string, error) {
	switch KeyType(pub) {
	case "Ed25519", "P-256", "P-384", "P-521", "secp256k1":
	default:
		return "", fault.E(fault.Invalid, "did:key supports Ed25519, P-256, P-384, P-521 and secp256k1 signing keys, not %T", pub)
	}
	mb, err := EncodeMultikey(pub)
	if err != nil {
		return "", err
	}
	return "did:key:" + mb, nil
}
