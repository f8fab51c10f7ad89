// Package credentials is the domain of verifiable credentials: the model,
// the catalogue of credential types with their JSON Schemas and JSON-LD
// context, the issuance service, and verification: one pipeline (format →
// signature, issuer_known, validity, schema, extensions, verdict) that every
// securing format goes through (vc+jwt and VCDM 1.1 JWT, Data Integrity via
// package dataintegrity, SD-JWT), alone or inside a presentation.
package credentials
