package did

import (
	"bytes"
	"crypto"
	"encoding/json"
	"strings"

	"github.com/citizencloud/citizencredentials/fault"
)

// JSON-LD contexts used in DID documents.
const (
	ContextDIDv1    = "https://www.w3.org/ns/did/v1"
	ContextMultikey = "https://w3id.org/security/multikey/v1"
	ContextJWK      = "https://w3id.org/security/jwk/v1"             // defines the JsonWebKey type
	ContextJWS2020  = "https://w3id.org/security/suites/jws-2020/v1" // defines JsonWebKey2020 (legacy, used by did:jwk)
)

// Verification method types.
const (
	TypeJsonWebKey                 = "JsonWebKey" // W3C Controlled Identifiers / DID spec registries; preferred
	TypeJsonWebKey2020             = "JsonWebKey2020"
	TypeMultikey                   = "Multikey"
	TypeEd25519VerificationKey2018 = "Ed25519VerificationKey2018"
	TypeEd25519VerificationKey2020 = "Ed25519VerificationKey2020"
)

// Document is a DID document (DID Core). Verification relationships hold
// references (absolute or relative "#fragment" DID URLs); methods embedded in
// a relationship are moved into VerificationMethod when a document is decoded.
type Document struct {
	Context              []string             `json:"@context,omitempty"` // context URLs; embedded context objects are dropped when decoding
	ID                   string               `json:"id"`
	Controller           string               `json:"controller,omitempty"`
	AlsoKnownAs          []string             `json:"alsoKnownAs,omitempty"`
	VerificationMethod   []VerificationMethod `json:"verificationMethod,omitempty"`
	Authentication       []string             `json:"authentication,omitempty"`
	AssertionMethod      []string             `json:"assertionMethod,omitempty"`
	KeyAgreement         []string             `json:"keyAgreement,omitempty"`
	CapabilityInvocation []string             `json:"capabilityInvocation,omitempty"`
	CapabilityDelegation []string             `json:"capabilityDelegation,omitempty"`
	Service              []Service            `json:"service,omitempty"`
}

// VerificationMethod is a public key in a DID document.
type VerificationMethod struct {
	ID                 string          `json:"id"`
	Type               string          `json:"type"`
	Controller         string          `json:"controller"`
	PublicKeyJwk       json.RawMessage `json:"publicKeyJwk,omitempty"`
	PublicKeyMultibase string          `json:"publicKeyMultibase,omitempty"`
	PublicKeyBase58    string          `json:"publicKeyBase58,omitempty"` // legacy (Ed25519VerificationKey2018 and friends); read only
}

// Service is a DID document service endpoint.
type Service struct {
	ID              string `json:"id"`
	Type            string `json:"type"`
	ServiceEndpoint any    `json:"serviceEndpoint"`
}

// UnmarshalJSON accepts the shapes DID Core allows: @context as a string or
// an array, controller as a string or an array (the first is kept),
// relationships holding references or embedded verification methods.
func (d *Document) UnmarshalJSON(b []byte) error {
	var raw struct {
		Context              json.RawMessage      `json:"@context"`
		ID                   string               `json:"id"`
		Controller           json.RawMessage      `json:"controller"`
		AlsoKnownAs          []string             `json:"alsoKnownAs"`
		VerificationMethod   []VerificationMethod `json:"verificationMethod"`
		Authentication       []json.RawMessage    `json:"authentication"`
		AssertionMethod      []json.RawMessage    `json:"assertionMethod"`
		KeyAgreement         []json.RawMessage    `json:"keyAgreement"`
		CapabilityInvocation []json.RawMessage    `json:"capabilityInvocation"`
		CapabilityDelegation []json.RawMessage    `json:"capabilityDelegation"`
		Service              []Service            `json:"service"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	out := Document{ID: raw.ID, AlsoKnownAs: raw.AlsoKnownAs, VerificationMethod: raw.VerificationMethod, Service: raw.Service}
	if c := bytes.TrimSpace(raw.Context); len(c) > 0 && !bytes.Equal(c, []byte("null")) {
		var items []json.RawMessage
		if c[0] == '[' {
			if err := json.Unmarshal(c, &items); err != nil {
				return err
			}
		} else {
			items = []json.RawMessage{c}
		}
		for _, it := range items {
			var s string
			if json.Unmarshal(it, &s) == nil {
				out.Context = append(out.Context, s)
			}
		}
	}
	if c := bytes.TrimSpace(raw.Controller); len(c) > 0 && !bytes.Equal(c, []byte("null")) {
		var s string
		var ss []string
		if err := json.Unmarshal(c, &s); err == nil {
			out.Controller = s
		} else if err := json.Unmarshal(c, &ss); err == nil && len(ss) > 0 {
			out.Controller = ss[0]
		} else {
			return fault.E(fault.Invalid, "DID document controller must be a string or an array of strings")
		}
	}
	rels := []struct {
		in  []json.RawMessage
		out *[]string
	}{
		{raw.Authentication, &out.Authentication},
		{raw.AssertionMethod, &out.AssertionMethod},
		{raw.KeyAgreement, &out.KeyAgreement},
		{raw.CapabilityInvocation, &out.CapabilityInvocation},
		{raw.CapabilityDelegation, &out.CapabilityDelegation},
	}
	for _, r := range rels {
		for _, item := range r.in {
			var ref string
			if err := json.Unmarshal(item, &ref); err == nil {
				*r.out = append(*r.out, ref)
				continue
			}
			var vm VerificationMethod
			if err := json.Unmarshal(item, &vm); err != nil {
				return fault.E(fault.Invalid, "verification relationship entries must be strings or verification methods")
			}
			if vm.ID == "" {
				return fault.E(fault.Invalid, "embedded verification method has no id")
			}
			if _, found := out.find(vm.ID); !found {
				out.VerificationMethod = append(out.VerificationMethod, vm)
			}
			*r.out = append(*r.out, vm.ID)
		}
	}
	*d = out
	return nil
}

// absolute turns a relative "#frag" reference into an absolute DID URL of d.
func (d *Document) absolute(ref string) string {
	if strings.HasPrefix(ref, "#") {
		return d.ID + ref
	}
	return ref
}

func (d *Document) find(id string) (*VerificationMethod, bool) {
	want := d.absolute(id)
	for i := range d.VerificationMethod {
		if d.absolute(d.VerificationMethod[i].ID) == want {
			return &d.VerificationMethod[i], true
		}
	}
	return nil, false
}

// Method returns the verification method with id, which may be an absolute
// DID URL or a relative "#fragment". Returns fault NotFound if d has none.
func (d *Document) Method(id string) (*VerificationMethod, error) {
	if vm, ok := d.find(id); ok {
		return vm, nil
	}
	return nil, fault.E(fault.NotFound, "verification method %s is not in the DID document of %s", truncate(id), truncate(d.ID))
}

func (d *Document) in(rel []string, id string) bool {
	want := d.absolute(id)
	for _, r := range rel {
		if d.absolute(r) == want {
			return true
		}
	}
	return false
}

// CanAssert reports whether the verification method id is listed under
// assertionMethod (may issue credentials).
func (d *Document) CanAssert(id string) bool { return d.in(d.AssertionMethod, id) }

// CanAuthenticate reports whether the verification method id is listed under
// authentication (may prove control of the DID, e.g. sign presentations).
func (d *Document) CanAuthenticate(id string) bool { return d.in(d.Authentication, id) }

// AbsoluteID returns the absolute DID URL of a verification method id of d.
func (d *Document) AbsoluteID(id string) string { return d.absolute(id) }

// PublicKey returns the public key of the verification method vmID (absolute
// or relative "#fragment"). Supported types: JsonWebKey, JsonWebKey2020
// (publicKeyJwk), Multikey and Ed25519VerificationKey2020
// (publicKeyMultibase), Ed25519VerificationKey2018 (publicKeyBase58 or
// publicKeyJwk), and the legacy EcdsaSecp256k1VerificationKey2019 and
// X25519KeyAgreementKey2019. Errors: fault NotFound if there is no such
// method, fault Invalid if its key cannot be decoded or is unsupported.
func (d *Document) PublicKey(vmID string) (crypto.PublicKey, error) {
	vm, err := d.Method(vmID)
	if err != nil {
		return nil, err
	}
	return vm.PublicKey()
}

// PublicKey decodes the public key of vm (see Document.PublicKey).
func (vm *VerificationMethod) PublicKey() (crypto.PublicKey, error) {
	switch vm.Type {
	case TypeJsonWebKey, TypeJsonWebKey2020:
		if len(vm.PublicKeyJwk) == 0 {
			return nil, fault.E(fault.Invalid, "%s verification method has no publicKeyJwk", vm.Type)
		}
		return ParseJWK(vm.PublicKeyJwk)
	case TypeMultikey, TypeEd25519VerificationKey2020:
		if vm.PublicKeyMultibase == "" {
			return nil, fault.E(fault.Invalid, "%s verification method has no publicKeyMultibase", vm.Type)
		}
		k, err := DecodeMultikey(vm.PublicKeyMultibase)
		if err != nil {
			return nil, err
		}
		if vm.Type == TypeEd25519VerificationKey2020 && KeyType(k) != "Ed25519" {
			return nil, fault.E(fault.Invalid, "Ed25519VerificationKey2020 holds a %s key", KeyType(k))
		}
		return k, nil
	case TypeEd25519VerificationKey2018, "EcdsaSecp256k1VerificationKey2019", "X25519KeyAgreementKey2019":
		switch {
		case vm.PublicKeyBase58 != "":
			return keyFromBase58(vm.Type, vm.PublicKeyBase58)
		case len(vm.PublicKeyJwk) > 0:
			return ParseJWK(vm.PublicKeyJwk)
		case vm.PublicKeyMultibase != "":
			return DecodeMultikey(vm.PublicKeyMultibase)
		}
		return nil, fault.E(fault.Invalid, "%s verification method has no public key", vm.Type)
	default:
		return nil, fault.E(fault.Invalid, "unsupported verification method type %q", truncate(vm.Type))
	}
}

// NewJWKMethod builds a verification method of type JsonWebKey (the type the
// W3C Controlled Identifiers spec and the DID spec registries define;
// JsonWebKey2020 is accepted on input too) holding pub. Use it for the
// service's own did:web documents, with ContextJWK in the document context.
func NewJWKMethod(id, controller string, pub crypto.PublicKey) (VerificationMethod, error) {
	if id == "" || controller == "" {
		return VerificationMethod{}, fault.E(fault.Invalid, "verification method id and controller are required")
	}
	jwk, err := JWKFromPublic(pub)
	if err != nil {
		return VerificationMethod{}, err
	}
	return VerificationMethod{ID: id, Type: TypeJsonWebKey, Controller: controller, PublicKeyJwk: jwk}, nil
}

// NewMultikeyMethod builds a verification method of type Multikey holding
// pub (use ContextMultikey in the document context).
func NewMultikeyMethod(id, controller string, pub crypto.PublicKey) (VerificationMethod, error) {
	if id == "" || controller == "" {
		return VerificationMethod{}, fault.E(fault.Invalid, "verification method id and controller are required")
	}
	mb, err := EncodeMultikey(pub)
	if err != nil {
		return VerificationMethod{}, err
	}
	return VerificationMethod{ID: id, Type: TypeMultikey, Controller: controller, PublicKeyMultibase: mb}, nil
}
