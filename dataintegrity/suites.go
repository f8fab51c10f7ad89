package dataintegrity

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/asn1"
	"hash"
	"math/big"

	"github.com/mr-tron/base58"

	"github.com/citizencloud/citizencredentials/fault"
)

// cryptosuite is one way of securing a document with a proof: Data
// Integrity cryptosuites and the older Linked Data Signatures suites.
// verifyProof and AddProof do what every suite shares (purpose, dates,
// verification method, proof sets and chains) and leave the rest to the
// suite, so adding a suite is a type here and a line in suiteOf.
type cryptosuite interface {
	// name is the suite for messages: the cryptosuite of a
	// DataIntegrityProof, else the proof type.
	name() string
	// check refuses a proof of the suite by its form alone, before any key
	// is resolved (a proof kind the suite does not verify, a chain the
	// suite does not allow).
	check(proof map[string]any) error
	// checkKey says why a key of type kt (did.KeyType, or "RSA"), named
	// vmID, cannot be used with the suite; nil when it can.
	checkKey(kt, vmID string) error
	// hash is the hash the suite uses with pub.
	hash(pub crypto.PublicKey) (func() hash.Hash, crypto.Hash)
	// transform canonicalises the document (without the proof being made
	// or checked) and the proof options, and hashes both with newHash.
	transform(loader *ContextLoader, unsecured, proof map[string]any, newHash func() hash.Hash) (*SigningInput, error)
	// sign returns the proofValue over in made with s (public key pub).
	// Errors: fault Invalid when the suite cannot create proofs, fault
	// Internal when the signature does not verify; the signer's error.
	sign(s Signer, pub crypto.PublicKey, in *SigningInput) (string, error)
	// verify checks proof over unsecured with pub, of type kt, named vmID.
	// Errors wrap ErrProof.
	verify(loader *ContextLoader, unsecured, proof map[string]any, pub crypto.PublicKey, kt, vmID string) error
	// chains reports whether proofs of the suite may be chained
	// (previousProof).
	chains() bool
	// context is the JSON-LD context that defines the proof type for a
	// VCDM 1.1 document.
	context() string
	// jcs reports whether the proof options carry the document's @context
	// (JCS suites).
	jcs() bool
}

func suiteOf(typ, cs string) (cryptosuite, error) {
	switch typ {
	case ProofTypeDataIntegrity:
		switch cs {
		case SuiteEdDSARDFC2022:
			return diSuite{cs: cs, key: keyEd25519}, nil
		case SuiteEdDSAJCS2022:
			return diSuite{cs: cs, key: keyEd25519, isJCS: true}, nil
		case SuiteECDSARDFC2019:
			return diSuite{cs: cs, key: keyECDSA}, nil
		case SuiteECDSAJCS2019:
			return diSuite{cs: cs, key: keyECDSA, isJCS: true}, nil
		case SuiteECDSASD2023:
			return ecdsaSDSuite{}, nil
		case "":
			return nil, proofErr("the DataIntegrityProof has no cryptosuite")
		default:
			return nil, proofErr("the cryptosuite %q is not supported (eddsa-rdfc-2022, eddsa-jcs-2022, ecdsa-rdfc-2019, ecdsa-jcs-2019 and ecdsa-sd-2023 derived proofs are)", truncate(cs, 40))
		}
	case ProofTypeEd25519Signature2020:
		return ed25519Signature2020{}, nil
	case ProofTypeEd25519Signature2018:
		return detachedJWSSuite{typ: typ, key: keyEd25519, ctx: ContextEd25519Signature2018}, nil
	case ProofTypeJsonWebSignature2020:
		return detachedJWSSuite{typ: typ, ctx: ContextJWS2020}, nil
	case "":
		return nil, proofErr("the proof has no type")
	default:
		return nil, proofErr("the proof type %q is not supported", truncate(typ, 60))
	}
}

// Key families a suite signs with.
const (
	keyAny     = ""        // whatever the JOSE algorithm allows
	keyEd25519 = "Ed25519" // Ed25519
	keyECDSA   = "ECDSA"   // P-256 or P-384
)

func checkKeyFamily(suite, family, kt, vmID string) error {
	switch {
	case family == keyEd25519 && kt != "Ed25519":
		return proofErr("%s needs an Ed25519 key, but %s is a %s key", suite, truncate(vmID, 200), kt)
	case family == keyECDSA && kt != "P-256" && kt != "P-384":
		return proofErr("%s needs a P-256 or P-384 key, but %s is a %s key", suite, truncate(vmID, 200), kt)
	}
	return nil
}

// hashSHA256 is the hash of every suite but the ECDSA ones on P-384 (the
// Linked Data Signatures suites always hash the verify data with SHA-256,
// whatever the JOSE algorithm then does).
func hashSHA256(crypto.PublicKey) (func() hash.Hash, crypto.Hash) { return sha256.New, crypto.SHA256 }

// diSuite is a DataIntegrityProof cryptosuite of the eddsa-* and ecdsa-*
// families: RDFC-1.0 or JCS, then Ed25519 or ECDSA (SHA-384 on P-384, the
// canonicalisation included) in a multibase base58btc proofValue.
type diSuite struct {
	cs    string
	key   string
	isJCS bool
}

func (s diSuite) name() string                   { return s.cs }
func (s diSuite) check(map[string]any) error     { return nil }
func (s diSuite) checkKey(kt, vmID string) error { return checkKeyFamily(s.cs, s.key, kt, vmID) }
func (s diSuite) chains() bool                   { return true }
func (s diSuite) context() string                { return ContextDataIntegrityV2 }
func (s diSuite) jcs() bool                      { return s.isJCS }

func (s diSuite) hash(pub crypto.PublicKey) (func() hash.Hash, crypto.Hash) {
	if k, ok := pub.(*ecdsa.PublicKey); ok && k.Curve == elliptic.P384() && s.key == keyECDSA {
		return sha512.New384, crypto.SHA384
	}
	return hashSHA256(pub)
}

func (s diSuite) transform(loader *ContextLoader, unsecured, proof map[string]any, newHash func() hash.Hash) (*SigningInput, error) {
	return transformAndHash(loader, s.isJCS, unsecured, proof, newHash)
}

func (s diSuite) sign(sg Signer, pub crypto.PublicKey, in *SigningInput) (string, error) {
	return signProofValue(sg, pub, in, s.hash)
}

func (s diSuite) verify(loader *ContextLoader, unsecured, proof map[string]any, pub crypto.PublicKey, kt, vmID string) error {
	return verifyProofValue(s, loader, unsecured, proof, pub, kt, vmID)
}

// ed25519Signature2020 is the Linked Data Signatures suite
// Ed25519Signature2020: RDFC-1.0, SHA-256, Ed25519 in a multibase
// proofValue; the proof @context is the document's and proofs are not
// chained.
type ed25519Signature2020 struct{}

func (ed25519Signature2020) name() string { return ProofTypeEd25519Signature2020 }
func (ed25519Signature2020) check(proof map[string]any) error {
	return refuseChain(ProofTypeEd25519Signature2020, proof)
}
func (s ed25519Signature2020) checkKey(kt, vmID string) error {
	return checkKeyFamily(s.name(), keyEd25519, kt, vmID)
}
func (ed25519Signature2020) chains() bool    { return false }
func (ed25519Signature2020) context() string { return ContextEd25519Signature2020 }
func (ed25519Signature2020) jcs() bool       { return false }
func (ed25519Signature2020) hash(pub crypto.PublicKey) (func() hash.Hash, crypto.Hash) {
	return hashSHA256(pub)
}
func (ed25519Signature2020) transform(loader *ContextLoader, unsecured, proof map[string]any, newHash func() hash.Hash) (*SigningInput, error) {
	return transformAndHash(loader, false, unsecured, proof, newHash)
}
func (s ed25519Signature2020) sign(sg Signer, pub crypto.PublicKey, in *SigningInput) (string, error) {
	return signProofValue(sg, pub, in, s.hash)
}
func (s ed25519Signature2020) verify(loader *ContextLoader, unsecured, proof map[string]any, pub crypto.PublicKey, kt, vmID string) error {
	return verifyProofValue(s, loader, unsecured, proof, pub, kt, vmID)
}

// detachedJWSSuite is a Linked Data Signatures suite whose signature is a
// detached JWS in "jws": Ed25519Signature2018 (Ed25519 only) and
// JsonWebSignature2020 (the JOSE algorithm of the key). Verified only.
type detachedJWSSuite struct {
	typ string
	key string
	ctx string
}

func (s detachedJWSSuite) name() string                     { return s.typ }
func (s detachedJWSSuite) check(proof map[string]any) error { return refuseChain(s.typ, proof) }
func (s detachedJWSSuite) checkKey(kt, vmID string) error {
	return checkKeyFamily(s.typ, s.key, kt, vmID)
}
func (s detachedJWSSuite) chains() bool    { return false }
func (s detachedJWSSuite) context() string { return s.ctx }
func (s detachedJWSSuite) jcs() bool       { return false }
func (s detachedJWSSuite) hash(pub crypto.PublicKey) (func() hash.Hash, crypto.Hash) {
	return hashSHA256(pub)
}
func (s detachedJWSSuite) transform(loader *ContextLoader, unsecured, proof map[string]any, newHash func() hash.Hash) (*SigningInput, error) {
	return transformAndHash(loader, false, unsecured, proof, newHash)
}
func (s detachedJWSSuite) sign(Signer, crypto.PublicKey, *SigningInput) (string, error) {
	return "", fault.E(fault.Invalid, "%s proofs cannot be created here", s.typ)
}
func (s detachedJWSSuite) verify(loader *ContextLoader, unsecured, proof map[string]any, pub crypto.PublicKey, kt, _ string) error {
	newHash, _ := s.hash(pub)
	in, err := s.transform(loader, unsecured, proof, newHash)
	if err != nil {
		return err
	}
	return verifyDetachedJWS(proof, pub, kt, s.key == keyEd25519, in.HashData)
}

// ecdsaSDSuite is ecdsa-sd-2023: only derived proofs (what a holder
// presents) are verified; base proofs are refused and none is created.
type ecdsaSDSuite struct{}

func (ecdsaSDSuite) name() string                     { return SuiteECDSASD2023 }
func (ecdsaSDSuite) check(proof map[string]any) error { return sdProofKind(proof) }
func (ecdsaSDSuite) checkKey(kt, vmID string) error {
	return checkKeyFamily(SuiteECDSASD2023, keyECDSA, kt, vmID)
}
func (ecdsaSDSuite) chains() bool    { return true }
func (ecdsaSDSuite) context() string { return ContextDataIntegrityV2 }
func (ecdsaSDSuite) jcs() bool       { return false }
func (ecdsaSDSuite) hash(pub crypto.PublicKey) (func() hash.Hash, crypto.Hash) {
	return hashSHA256(pub)
}
func (ecdsaSDSuite) transform(*ContextLoader, map[string]any, map[string]any, func() hash.Hash) (*SigningInput, error) {
	return nil, fault.E(fault.Invalid, "%s signing inputs are not computed here", SuiteECDSASD2023)
}
func (ecdsaSDSuite) sign(Signer, crypto.PublicKey, *SigningInput) (string, error) {
	return "", fault.E(fault.Invalid, "ecdsa-sd-2023 proofs cannot be created here")
}
func (ecdsaSDSuite) verify(loader *ContextLoader, unsecured, proof map[string]any, pub crypto.PublicKey, _, vmID string) error {
	k, ok := pub.(*ecdsa.PublicKey)
	if !ok {
		return proofErr("ecdsa-sd-2023 needs an ECDSA key")
	}
	return verifySDDerived(loader, unsecured, proof, k, vmID)
}

// refuseChain refuses a chained proof (previousProof) of a suite that
// cannot be chained.
func refuseChain(typ string, proof map[string]any) error {
	if _, ok := proof["previousProof"]; ok {
		return proofErr("%s proofs cannot be chained (previousProof)", typ)
	}
	return nil
}

// verifyProofValue checks the multibase base58btc proofValue of an Ed25519
// or ECDSA proof of suite s.
func verifyProofValue(s cryptosuite, loader *ContextLoader, unsecured, proof map[string]any, pub crypto.PublicKey, kt, vmID string) error {
	newHash, h := s.hash(pub)
	in, err := s.transform(loader, unsecured, proof, newHash)
	if err != nil {
		return err
	}
	pv, _ := proof["proofValue"].(string)
	sig, err := decodeMultibase58(pv)
	if err != nil {
		return proofErr("the proofValue is not a multibase base58btc (\"z…\") value")
	}
	switch k := pub.(type) {
	case ed25519.PublicKey:
		if len(sig) != ed25519.SignatureSize || !ed25519.Verify(k, in.HashData, sig) {
			return proofErr("the %s signature does not verify with %s: the document or proof was altered or signed with another key", s.name(), truncate(vmID, 200))
		}
	case *ecdsa.PublicKey:
		d := h.New()
		d.Write(in.HashData)
		size := ecSize(k.Curve)
		if len(sig) != 2*size || !ecdsa.Verify(k, d.Sum(nil), new(big.Int).SetBytes(sig[:size]), new(big.Int).SetBytes(sig[size:])) {
			return proofErr("the %s signature does not verify with %s: the document or proof was altered or signed with another key", s.name(), truncate(vmID, 200))
		}
	default:
		return proofErr("%s cannot be verified with a %s key", s.name(), kt)
	}
	return nil
}

// signProofValue signs in.HashData with s (Ed25519: the data; ECDSA: its
// hash, SHA-384 on P-384) and returns the multibase base58btc proofValue.
func signProofValue(s Signer, pub crypto.PublicKey, in *SigningInput, hashOf func(crypto.PublicKey) (func() hash.Hash, crypto.Hash)) (string, error) {
	data := in.HashData
	var sig []byte
	switch k := pub.(type) {
	case ed25519.PublicKey:
		var err error
		if sig, err = s.Sign(rand.Reader, data, crypto.Hash(0)); err != nil {
			return "", err
		}
		if !ed25519.Verify(k, data, sig) {
			return "", fault.E(fault.Internal, "the signer's Ed25519 signature does not verify with its public key")
		}
	case *ecdsa.PublicKey:
		_, h := hashOf(pub)
		d := h.New()
		d.Write(data)
		digest := d.Sum(nil)
		der, err := s.Sign(rand.Reader, digest, h)
		if err != nil {
			return "", err
		}
		var rs struct{ R, S *big.Int }
		if rest, err := asn1.Unmarshal(der, &rs); err != nil || len(rest) > 0 {
			return "", fault.E(fault.Internal, "the signer returned a malformed ECDSA signature")
		}
		size := ecSize(k.Curve)
		sig = make([]byte, 2*size)
		rs.R.FillBytes(sig[:size])
		rs.S.FillBytes(sig[size:])
		if !ecdsa.Verify(k, digest, rs.R, rs.S) {
			return "", fault.E(fault.Internal, "the signer's ECDSA signature does not verify with its public key")
		}
	default:
		return "", fault.E(fault.Invalid, "proofs cannot be signed with this key")
	}
	return "z" + base58.Encode(sig), nil
}
