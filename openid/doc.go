// Package openid implements the issuer side of OpenID for Verifiable
// Credential Issuance 1.0 (pre-authorized code flow): credential offers,
// Credential Issuer and OAuth authorisation server metadata, the token,
// nonce and credential endpoints' logic with jwt key proofs, and QR codes of
// offers. Every credential it hands out is issued by credentials.Service,
// exactly as the GraphQL issueCredential mutation does. The HTTP adapter
// (server/openid.go) maps Error codes to OAuth-style JSON responses.
//
// Each bureau is its own Credential Issuer, identified by
// <base>/bureaus/<slug>: the issuer a wallet shows is the bureau that signs
// (its did:web is under the same path), and the configurations offered are
// exactly the types the bureau may issue.
package openid
