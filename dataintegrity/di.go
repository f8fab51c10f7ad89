package dataintegrity

import (
	"bytes"
	"context"
	"crypto"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/mr-tron/base58"

	"github.com/citizencloud/citizencredentials/canon"
	"github.com/citizencloud/citizencredentials/did"
	"github.com/citizencloud/citizencredentials/fault"
)

// Proof types and cryptosuites of W3C Data Integrity and of the older
// Linked Data Signatures suites that the verifier accepts.
const (
	ProofTypeDataIntegrity        = "DataIntegrityProof"
	ProofTypeEd25519Signature2020 = "Ed25519Signature2020"
	ProofTypeEd25519Signature2018 = "Ed25519Signature2018"
	ProofTypeJsonWebSignature2020 = "JsonWebSignature2020"

	SuiteEdDSARDFC2022 = "eddsa-rdfc-2022"
	SuiteEdDSAJCS2022  = "eddsa-jcs-2022"
	SuiteECDSARDFC2019 = "ecdsa-rdfc-2019"
	SuiteECDSAJCS2019  = "ecdsa-jcs-2019"
	SuiteECDSASD2023   = "ecdsa-sd-2023" // recognised, not verified
)

// Proof purposes (verification relationships).
const (
	PurposeAssertion      = "assertionMethod"
	PurposeAuthentication = "authentication"
)

// maxProofs bounds the proofs of one document.
const maxProofs = 16

// ErrProof is wrapped by ProofResult.Err when a proof does not verify
// (signature, key, purpose, suite...). The fault message says why.
var ErrProof = errors.New("proof does not verify")

// ProofExpectations are what a verifier requires of every proof.
type ProofExpectations struct {
	// Purpose is the required proofPurpose; empty means assertionMethod.
	// The verification method must be listed under the relationship of the
	// same name in its controller's DID document.
	Purpose string
	// Challenge and Domain, when not empty, must equal the proof's
	// challenge and domain (a domain array must contain Domain).
	Challenge, Domain string
	// Now is the time against which a proof's expires is checked; zero
	// means time.Now().
	Now time.Time
}

// ProofResult is the outcome of verifying one proof of a document.
type ProofResult struct {
	Index              int    // position in the proof set
	ID                 string // the proof's id, if any
	Type               string // e.g. DataIntegrityProof, Ed25519Signature2020
	Cryptosuite        string // DataIntegrityProof only
	VerificationMethod string
	Controller         string // the DID (or URL) whose document holds the verification method
	Purpose            string
	Err                error // nil when the proof verifies; else wraps ErrProof (fault Invalid) or is fault Unavailable
}

// Suite names the proof for messages: the cryptosuite of a
// DataIntegrityProof, else the proof type.
func (r ProofResult) Suite() string {
	if r.Cryptosuite != "" {
		return r.Cryptosuite
	}
	return r.Type
}

func proofErr(format string, args ...any) error {
	return &fault.Error{Code: fault.Invalid, Msg: fmt.Sprintf(format, args...), Err: ErrProof}
}

// Proofs returns the proof objects of doc.
func Proofs(doc map[string]any) ([]map[string]any, error) {
	switch p := doc["proof"].(type) {
	case nil:
		return nil, fault.E(fault.Invalid, "the document has no proof")
	case map[string]any:
		return []map[string]any{p}, nil
	case []any:
		if len(p) == 0 {
			return nil, fault.E(fault.Invalid, "the document's proof set is empty")
		}
		if len(p) > maxProofs {
			return nil, fault.E(fault.Invalid, "the document has more than %d proofs", maxProofs)
		}
		out := make([]map[string]any, 0, len(p))
		for _, x := range p {
			m, ok := x.(map[string]any)
			if !ok {
				return nil, fault.E(fault.Invalid, "every proof must be a JSON object")
			}
			out = append(out, m)
		}
		return out, nil
	default:
		return nil, fault.E(fault.Invalid, "proof must be an object or an array of objects")
	}
}

// without returns a shallow copy of m without the named members.
func withoutKeys(m map[string]any, names ...string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	for _, n := range names {
		delete(out, n)
	}
	return out
}

// deepCopy copies a JSON value (maps, slices, scalars).
func copyJSON(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			out[k] = copyJSON(x)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = copyJSON(x)
		}
		return out
	case []string:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = x
		}
		return out
	}
	return v
}

// previousProofIDs returns the ids a proof's previousProof names.
func previousProofIDs(p map[string]any) ([]string, error) {
	switch v := p["previousProof"].(type) {
	case nil:
		return nil, nil
	case string:
		return []string{v}, nil
	case []any:
		var out []string
		for _, x := range v {
			s, ok := x.(string)
			if !ok {
				return nil, proofErr("previousProof must be a string or an array of strings")
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, proofErr("previousProof must be a string or an array of strings")
}

// VerifyProofs verifies every proof of a secured document (a credential or
// presentation in JSON form), following the Data Integrity proof set and
// chain algorithm: each proof is checked over the document without its
// proofs, plus the proofs its previousProof names. Suites:
// DataIntegrityProof with eddsa-rdfc-2022, eddsa-jcs-2022 (Ed25519),
// ecdsa-rdfc-2019, ecdsa-jcs-2019 (P-256 with SHA-256, P-384 with SHA-384,
// canonicalisation included) and ecdsa-sd-2023 derived proofs (P-256; base
// proofs are refused); Ed25519Signature2020, Ed25519Signature2018 and
// JsonWebSignature2020 (Ed25519, secp256k1, P-256, P-384, RSA-PS256).
// JSON-LD is processed in safe mode: an undefined term fails the proof.
// Verification methods are resolved through the Verifier's DID resolver
// and must be listed under the relationship named by the proof purpose;
// JSON-LD contexts come only from its ContextLoader. It returns one result
// per proof, in order; the document verifies when every Err is nil. The
// error is fault Invalid when doc has no proof or a malformed one. It does
// not check that a proof's key belongs to the document's issuer or holder:
// VerifyCredential checks the issuer; presentations must check the holder.
func (v *Verifier) VerifyProofs(ctx context.Context, doc map[string]any, exp ProofExpectations) ([]ProofResult, error) {
	proofs, err := Proofs(doc)
	if err != nil {
		return nil, err
	}
	if exp.Purpose == "" {
		exp.Purpose = PurposeAssertion
	}
	if exp.Now.IsZero() {
		exp.Now = v.now()
	}
	base := withoutKeys(doc, "proof")
	byID := map[string]map[string]any{}
	for _, p := range proofs {
		if id, ok := p["id"].(string); ok && id != "" {
			byID[id] = p
		}
	}
	cache := map[string]docOrErr{}
	out := make([]ProofResult, len(proofs))
	for i, p := range proofs {
		r := ProofResult{Index: i}
		r.ID, _ = p["id"].(string)
		r.Type, _ = p["type"].(string)
		r.Cryptosuite, _ = p["cryptosuite"].(string)
		r.VerificationMethod, _ = p["verificationMethod"].(string)
		r.Purpose, _ = p["proofPurpose"].(string)
		r.Controller, _ = did.Split(r.VerificationMethod)
		input := base
		prev, err := previousProofIDs(p)
		if err == nil && len(prev) > 0 {
			var matching []any
			for _, id := range prev {
				m, ok := byID[id]
				if !ok {
					err = proofErr("the previous proof %q is not in the proof set", truncate(id, 80))
					break
				}
				matching = append(matching, m)
			}
			if err == nil {
				input = withoutKeys(base)
				if len(matching) == 1 {
					input["proof"] = matching[0]
				} else {
					input["proof"] = matching
				}
			}
		}
		if err == nil {
			err = v.verifyProof(ctx, input, p, exp, cache)
		}
		r.Err = err
		out[i] = r
	}
	return out, nil
}

type docOrErr struct {
	doc *did.Document
	err error
}

// verifyProof verifies proof over unsecured (the document without the
// proof under test).
func (v *Verifier) verifyProof(ctx context.Context, unsecured, proof map[string]any, exp ProofExpectations, cache map[string]docOrErr) error {
	typ, _ := proof["type"].(string)
	cs, _ := proof["cryptosuite"].(string)
	s, err := suiteOf(typ, cs)
	if err != nil {
		return err
	}
	if err := s.check(proof); err != nil {
		return err
	}
	purpose, _ := proof["proofPurpose"].(string)
	if purpose == "" {
		return proofErr("the proof has no proofPurpose")
	}
	if purpose != exp.Purpose {
		return proofErr("the proof purpose is %q, but %q is required", truncate(purpose, 40), exp.Purpose)
	}
	for _, name := range []string{"created", "expires"} {
		raw, ok := proof[name]
		if !ok {
			continue
		}
		s, isStr := raw.(string)
		t, perr := ParseDateTime(s)
		if !isStr || perr != nil {
			return proofErr("the proof's %s is not an XML Schema date-time", name)
		}
		if name == "expires" && t.Before(exp.Now.Add(-v.leeway)) {
			return proofErr("the proof expired at %s", fmtTime(t))
		}
	}
	if exp.Challenge != "" {
		if c, _ := proof["challenge"].(string); c != exp.Challenge {
			return proofErr("the proof's challenge does not match the expected challenge")
		}
	}
	if exp.Domain != "" {
		found := false
		for _, d := range strs(proof["domain"]) {
			found = found || d == exp.Domain
		}
		if !found {
			return proofErr("the proof's domain does not match the expected domain")
		}
	}

	// The key.
	vmID, _ := proof["verificationMethod"].(string)
	if vmID == "" {
		return proofErr("the proof has no verificationMethod")
	}
	controller, _ := did.Split(vmID)
	entry, ok := cache[controller]
	if !ok {
		entry.doc, entry.err = v.resolve(ctx, controller)
		cache[controller] = entry
	}
	if entry.err != nil {
		code := fault.CodeOf(entry.err)
		if code != fault.Unavailable {
			code = fault.Invalid
		}
		return &fault.Error{Code: code, Msg: fmt.Sprintf("the verification method %s cannot be resolved (%s)", truncate(vmID, 200), reason(entry.err)), Err: ErrProof}
	}
	vm, err := entry.doc.Method(vmID)
	if err != nil {
		return proofErr("the verification method %s is not in the DID document of %s", truncate(vmID, 200), truncate(controller, 200))
	}
	var listed bool
	switch purpose {
	case PurposeAssertion:
		listed = entry.doc.CanAssert(vmID)
	case PurposeAuthentication:
		listed = entry.doc.CanAuthenticate(vmID)
	default:
		return proofErr("the proof purpose %q is not supported", truncate(purpose, 40))
	}
	if !listed {
		return proofErr("the key %s is not listed under %s in the DID document of %s", truncate(vmID, 200), purpose, truncate(controller, 200))
	}
	pub, err := methodKey(vm)
	if err != nil {
		return proofErr("the key %s cannot be used: %s", truncate(vmID, 200), reason(err))
	}
	kt := did.KeyType(pub)
	if _, isRSA := pub.(*rsa.PublicKey); isRSA {
		kt = "RSA"
	}
	if err := s.checkKey(kt, vmID); err != nil {
		return err
	}
	return s.verify(v.loader, unsecured, proof, pub, kt, vmID)
}

func ecSize(c elliptic.Curve) int { return (c.Params().BitSize + 7) / 8 }

// methodKey returns the public key of vm; RSA JSON Web Keys (which did/
// does not decode) are read here for JsonWebSignature2020.
func methodKey(vm *did.VerificationMethod) (crypto.PublicKey, error) {
	pub, err := vm.PublicKey()
	if err == nil || len(vm.PublicKeyJwk) == 0 {
		return pub, err
	}
	var probe struct {
		Kty string `json:"kty"`
		D   any    `json:"d"`
	}
	if json.Unmarshal(vm.PublicKeyJwk, &probe) != nil || probe.Kty != "RSA" || probe.D != nil {
		return nil, err
	}
	k, jerr := jwk.ParseKey(vm.PublicKeyJwk)
	if jerr != nil {
		return nil, err
	}
	var rk rsa.PublicKey
	if k.Raw(&rk) != nil || rk.N == nil || rk.N.BitLen() < 2048 {
		return nil, fault.E(fault.Invalid, "RSA keys must have at least 2048 bits")
	}
	return &rk, nil
}

// SigningInput holds the intermediate values of a proof's signing input,
// as the Data Integrity cryptosuite specifications name them; compare them
// with another implementation's to find where two outputs diverge.
type SigningInput struct {
	CanonicalDocument []byte // RDFC-1.0 N-Quads (or JCS) of the document without the proof
	CanonicalProof    []byte // RDFC-1.0 N-Quads (or JCS) of the proof options
	DocumentHash      []byte
	ProofHash         []byte
	HashData          []byte // ProofHash || DocumentHash: what is signed (ECDSA hashes it once more)
}

// ProofSigningInput computes the signing input of a proof: doc is the
// document without the proof (with the previous proofs of a chain
// attached), proof the proof options (proofValue, jws are ignored), pub the
// signing key (P-384 selects SHA-384, anything else SHA-256) and loader the
// JSON-LD contexts (nil: embedded only). Errors are fault Invalid.
func ProofSigningInput(doc, proof map[string]any, pub crypto.PublicKey, loader *ContextLoader) (*SigningInput, error) {
	typ, _ := proof["type"].(string)
	cs, _ := proof["cryptosuite"].(string)
	s, err := suiteOf(typ, cs)
	if err != nil {
		return nil, err
	}
	if _, ok := s.(detachedJWSSuite); ok {
		return nil, fault.E(fault.Invalid, "%s signing inputs are not computed here", s.name())
	}
	if loader == nil {
		loader = NewContextLoader(nil)
	}
	newHash, _ := s.hash(pub)
	return s.transform(loader, doc, proof, newHash)
}

// transformAndHash canonicalises unsecured and the proof options with JCS
// (jcs) or RDFC-1.0 and hashes both with newHash: the transformation and
// hashing of every suite but ecdsa-sd-2023.
func transformAndHash(loader *ContextLoader, jcs bool, unsecured, proof map[string]any, newHash func() hash.Hash) (*SigningInput, error) {
	opts := withoutKeys(proof, "proofValue", "jws", "signatureValue")
	var docC, proofC []byte
	if jcs {
		if pc, ok := opts["@context"]; ok {
			// The proof's context must be a prefix of the document's; the
			// document is then canonicalised with the proof's context.
			if !contextPrefix(pc, unsecured["@context"]) {
				return nil, proofErr("the proof's @context does not match the start of the document's @context")
			}
			unsecured = withoutKeys(unsecured)
			unsecured["@context"] = pc
		}
		var err error
		if docC, err = canon.JCS(unsecured); err != nil {
			return nil, err
		}
		if proofC, err = canon.JCS(opts); err != nil {
			return nil, err
		}
	} else {
		if c, ok := unsecured["@context"]; ok {
			opts["@context"] = c
		} else {
			delete(opts, "@context")
		}
		var err error
		if docC, err = rdfcCanon(loader, unsecured, "the document", newHash); err != nil {
			return nil, err
		}
		if proofC, err = rdfcCanon(loader, opts, "the proof configuration", newHash); err != nil {
			return nil, err
		}
	}
	hp := newHash()
	hp.Write(proofC)
	hd := newHash()
	hd.Write(docC)
	in := &SigningInput{CanonicalDocument: docC, CanonicalProof: proofC, DocumentHash: hd.Sum(nil), ProofHash: hp.Sum(nil)}
	in.HashData = append(append([]byte{}, in.ProofHash...), in.DocumentHash...)
	return in, nil
}

// rdfcCanon canonicalises doc with RDFC-1.0 (JSON-LD safe mode).
func rdfcCanon(loader *ContextLoader, doc map[string]any, what string, newHash func() hash.Hash) ([]byte, error) {
	ds, err := loader.toRDF(copyJSON(doc).(map[string]any), what)
	if err != nil {
		return nil, err
	}
	s, err := canon.RDFC(ds, newHash)
	if err != nil {
		return nil, err
	}
	return []byte(s), nil
}

// contextPrefix reports whether the @context value prefix is a prefix of
// full (both compared as JSON).
func contextPrefix(prefix, full any) bool {
	asList := func(v any) []any {
		if l, ok := v.([]any); ok {
			return l
		}
		if v == nil {
			return nil
		}
		return []any{v}
	}
	p, f := asList(prefix), asList(full)
	if len(p) > len(f) {
		return false
	}
	for i := range p {
		a, _ := json.Marshal(p[i])
		b, _ := json.Marshal(f[i])
		if !bytes.Equal(a, b) {
			return false
		}
	}
	return true
}

func decodeMultibase58(s string) ([]byte, error) {
	if len(s) < 2 || s[0] != 'z' {
		return nil, errors.New("not base58btc multibase")
	}
	return base58.Decode(s[1:])
}

// jwsAlgFor is the JOSE algorithm JsonWebSignature2020 uses with a key.
var jwsAlgFor = map[string]string{"Ed25519": "EdDSA", "secp256k1": "ES256K", "P-256": "ES256", "P-384": "ES384", "RSA": "PS256"}

// verifyDetachedJWS checks the "jws" of an Ed25519Signature2018 or
// JsonWebSignature2020 proof: a compact JWS with unencoded, detached
// payload ({"b64": false, "crit": ["b64"]}) over hashData.
func verifyDetachedJWS(proof map[string]any, pub crypto.PublicKey, kt string, ed25519Only bool, hashData []byte) error {
	j, _ := proof["jws"].(string)
	parts := strings.Split(j, ".")
	if len(parts) != 3 || parts[1] != "" {
		return proofErr("the proof's jws is not a detached compact JWS (header..signature)")
	}
	var hdr struct {
		Alg  string   `json:"alg"`
		B64  *bool    `json:"b64"`
		Crit []string `json:"crit"`
	}
	hb, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil || json.Unmarshal(hb, &hdr) != nil {
		return proofErr("the proof's JWS header is not base64url-encoded JSON")
	}
	if hdr.B64 == nil || *hdr.B64 || len(hdr.Crit) != 1 || hdr.Crit[0] != "b64" {
		return proofErr("the proof's JWS must have an unencoded payload (b64 false, crit [\"b64\"])")
	}
	want := jwsAlgFor[kt]
	if ed25519Only {
		want = "EdDSA"
		if kt != "Ed25519" {
			return proofErr("Ed25519Signature2018 needs an Ed25519 key, not %s", kt)
		}
	}
	if want == "" || hdr.Alg != want {
		return proofErr("the proof's JWS uses %q, but the key (%s) needs %s", truncate(hdr.Alg, 20), kt, want)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return proofErr("the proof's JWS signature is not base64url")
	}
	input := append([]byte(parts[0]+"."), hashData...)
	if err := VerifyJWS(hdr.Alg, pub, input, sig); err != nil {
		return proofErr("the %s signature (%s) does not verify: the document or proof was altered or signed with another key", proof["type"], hdr.Alg)
	}
	return nil
}

// sdProofKind refuses an ecdsa-sd-2023 base proof (only the holder may use
// it, to derive a proof) and anything that is not a derived proof.
func sdProofKind(proof map[string]any) error {
	pv, _ := proof["proofValue"].(string)
	if strings.HasPrefix(pv, "u") {
		if b, err := base64.RawURLEncoding.DecodeString(pv[1:]); err == nil && len(b) >= 3 && b[0] == 0xd9 && b[1] == 0x5d {
			switch b[2] {
			case 0x00:
				return proofErr("this is an ecdsa-sd-2023 base proof, which only the holder may use to derive a proof; a verifier must not accept it")
			case 0x01:
				return nil
			}
		}
	}
	return proofErr("the ecdsa-sd-2023 proofValue is malformed")
}

// ParseDateTime reads an XML Schema dateTime as VCDM uses it: RFC 3339
// (a leap second, :60, is read as the next second), or without a zone,
// read as UTC.
func ParseDateTime(s string) (time.Time, error) {
	leap := false
	if len(s) >= 19 && s[10] == 'T' && s[16] == ':' && s[17:19] == "60" {
		s, leap = s[:17]+"59"+s[19:], true
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		if t, err = time.Parse("2006-01-02T15:04:05.999999999", s); err != nil {
			return time.Time{}, err
		}
	}
	if leap {
		t = t.Add(time.Second)
	}
	return t.UTC(), nil
}

// ProofOptions configure AddProof.
type ProofOptions struct {
	// Type is DataIntegrityProof (default) or Ed25519Signature2020.
	Type string
	// Cryptosuite of a DataIntegrityProof; default eddsa-rdfc-2022 for
	// Ed25519 keys, ecdsa-rdfc-2019 for P-256 and P-384 keys. eddsa-jcs-2022
	// and ecdsa-jcs-2019 are available too.
	Cryptosuite string
	// Created is the proof's creation time (seconds precision, UTC); zero
	// leaves it out.
	Created time.Time
	// Expires, if not zero, is when the proof stops being valid.
	Expires time.Time
	// Purpose defaults to assertionMethod.
	Purpose string
	// ID, PreviousProof (proof chains), Challenge and Domain are copied
	// into the proof when set.
	ID            string
	PreviousProof []string
	Challenge     string
	Domain        string
}

// AddProof returns a copy of doc with one more proof by s: the first proof,
// a proof set (doc already has proofs) or a chain (o.PreviousProof names
// existing proof ids). Contexts are resolved with loader (nil: the
// embedded contexts only); a VCDM 1.1 document gets the context that
// defines the proof type appended to its @context, as signing libraries
// do. Errors as SignDataIntegrity.
func AddProof(doc map[string]any, s Signer, loader *ContextLoader, o ProofOptions) (map[string]any, error) {
	if s == nil {
		return nil, fault.E(fault.Invalid, "no signer")
	}
	if loader == nil {
		loader = NewContextLoader(nil)
	}
	pub := s.Public()
	kt := did.KeyType(pub)
	if o.Type == "" {
		o.Type = ProofTypeDataIntegrity
	}
	switch o.Type {
	case ProofTypeDataIntegrity:
		if o.Cryptosuite == "" {
			switch kt {
			case "Ed25519":
				o.Cryptosuite = SuiteEdDSARDFC2022
			case "P-256", "P-384":
				o.Cryptosuite = SuiteECDSARDFC2019
			default:
				return nil, fault.E(fault.Invalid, "Data Integrity signing keys must be Ed25519, P-256 or P-384 (got %s)", kt)
			}
		}
	case ProofTypeEd25519Signature2020:
		o.Cryptosuite = ""
	default:
		return nil, fault.E(fault.Invalid, "proof type %q cannot be created (DataIntegrityProof and Ed25519Signature2020 can)", truncate(o.Type, 40))
	}
	st, err := suiteOf(o.Type, o.Cryptosuite)
	if err != nil {
		return nil, fault.E(fault.Invalid, "%s", fault.Message(err))
	}
	if _, ok := st.(ecdsaSDSuite); ok {
		return nil, fault.E(fault.Invalid, "ecdsa-sd-2023 proofs cannot be created here")
	}
	if st.checkKey(kt, "") != nil {
		return nil, fault.E(fault.Invalid, "%s cannot be created with a %s key", st.name(), kt)
	}
	kid := s.KeyID()
	if kid == "" {
		return nil, fault.E(fault.Invalid, "the signer has no key id (verificationMethod)")
	}
	if o.Purpose == "" {
		o.Purpose = PurposeAssertion
	}

	// A JSON round trip gives plain JSON values (float64 numbers, []any),
	// which is what verifiers will see.
	raw, err := json.Marshal(doc)
	if err != nil {
		return nil, fault.Wrap(fault.Invalid, err, "the document is not plain JSON")
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil || out == nil {
		return nil, fault.E(fault.Invalid, "the document is not a JSON object")
	}
	if _, ok := out["@context"]; !ok {
		return nil, fault.E(fault.Invalid, "the document has no @context")
	}
	ctxs := contexts(out["@context"])
	hasCtx := func(u string) bool {
		for _, c := range ctxs {
			if c == u {
				return true
			}
		}
		return false
	}
	needs := st.context()
	if o.Type == ProofTypeDataIntegrity && hasCtx(contextV2) {
		needs = ""
	}
	if needs != "" && !hasCtx(needs) {
		switch c := out["@context"].(type) {
		case []any:
			out["@context"] = append(c, needs)
		default:
			out["@context"] = []any{c, needs}
		}
	}

	proof := map[string]any{"type": o.Type, "verificationMethod": kid, "proofPurpose": o.Purpose}
	if o.Cryptosuite != "" {
		proof["cryptosuite"] = o.Cryptosuite
	}
	if !o.Created.IsZero() {
		proof["created"] = o.Created.UTC().Format(time.RFC3339)
	}
	if !o.Expires.IsZero() {
		proof["expires"] = o.Expires.UTC().Format(time.RFC3339)
	}
	for k, val := range map[string]string{"id": o.ID, "challenge": o.Challenge, "domain": o.Domain} {
		if val != "" {
			proof[k] = val
		}
	}
	if st.jcs() {
		proof["@context"] = out["@context"]
	}

	var existing []any
	switch p := out["proof"].(type) {
	case nil:
	case map[string]any:
		existing = []any{p}
	case []any:
		existing = p
	default:
		return nil, fault.E(fault.Invalid, "the document's proof is malformed")
	}
	unsecured := withoutKeys(out, "proof")
	if len(o.PreviousProof) > 0 {
		if !st.chains() {
			return nil, fault.E(fault.Invalid, "%s proofs cannot be chained", o.Type)
		}
		var matching []any
		for _, id := range o.PreviousProof {
			found := false
			for _, e := range existing {
				if m, ok := e.(map[string]any); ok && m["id"] == id {
					matching = append(matching, m)
					found = true
				}
			}
			if !found {
				return nil, fault.E(fault.Invalid, "the previous proof %q is not in the document", truncate(id, 80))
			}
		}
		if len(o.PreviousProof) == 1 {
			proof["previousProof"] = o.PreviousProof[0]
			unsecured["proof"] = matching[0]
		} else {
			prev := make([]any, len(o.PreviousProof))
			for i, id := range o.PreviousProof {
				prev[i] = id
			}
			proof["previousProof"] = prev
			unsecured["proof"] = matching
		}
	}

	newHash, _ := st.hash(pub)
	in, err := st.transform(loader, unsecured, proof, newHash)
	if err != nil {
		return nil, err
	}
	pv, err := st.sign(s, pub, in)
	if err != nil {
		return nil, err
	}
	proof["proofValue"] = pv
	if existing == nil {
		out["proof"] = proof
	} else {
		out["proof"] = append(existing, proof)
	}
	return out, nil
}
