// Package credentials is the domain of verifiable credentials: the model
// (Parsed, Check, Result), the catalogue of credential types with their
// JSON Schemas and JSON-LD context, the issuance service, and verification:
// one pipeline (format → signature, issuer_known, validity, schema,
// extensions, verdict) that every securing format goes through, alone or
// inside a presentation. The formats read a credential and check their own
// proof in their own packages: jose (vc+jwt, VCDM 1.1 JWT, vp+jwt), sdjwt
// (SD-JWT) and dataintegrity (Data Integrity proofs); vcdm is the small
// data-model package they share. This package turns what a format read
// into a Parsed and runs the pipeline.
package credentials
