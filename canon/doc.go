// Package canon canonicalises documents for signing: RDF Dataset
// Canonicalization (RDFC-1.0) with the hash as a parameter, and the JSON
// Canonicalization Scheme (JCS, RFC 8785).
//
// RDFC-1.0 is implemented here rather than taken from a library because
// the maintained Go implementations (piprate/json-gold, and
// aries-framework-go which uses it) fix the hash to SHA-256 (URDNA2015),
// while ecdsa-rdfc-2019 on P-384 requires RDFC-1.0 with SHA-384. With
// SHA-256 the output equals json-gold's URDNA2015 (the tests compare them).
// JCS is kept here too: it is small, and TestJCSNumbers checks its number
// serialisation against the ES6 Number-to-String cases of RFC 8785.
package canon
