// Package dataintegrity secures and verifies JSON-LD documents with W3C
// Data Integrity proofs: the cryptosuites (eddsa-rdfc-2022, eddsa-jcs-2022,
// ecdsa-rdfc-2019, ecdsa-jcs-2019, ecdsa-sd-2023 derived proofs) and the
// older Linked Data Signatures suites (Ed25519Signature2020/2018,
// JsonWebSignature2020) as types behind one interface, proof sets and
// chains, and the JSON-LD context loader (embedded contexts only, unless an
// operator allows more). Canonicalisation is in package canon; what a
// proof says about a credential (issuer binding, validity, schema) is
// credentials' pipeline.
package dataintegrity

import "crypto"

// Signer signs proofs. KeyID is the absolute verification method id of the
// key (e.g. "did:web:gov.example:bureaus:b1#key-1"). credentials.Signer is
// one.
type Signer interface {
	crypto.Signer
	KeyID() string
}
