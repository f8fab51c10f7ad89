// Package did parses and resolves decentralized identifiers: did:key and did:jwk locally, did:web for the service's own bureaus from the store (never over the network unless allowed).
package did
