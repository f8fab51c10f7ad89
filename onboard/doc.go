// Package onboard onboards and manages the bureaus that issue credentials:
// their records, did:web identifiers and documents, signing keys (creation
// and rotation), API keys and their entry in the on-chain trust registry.
package onboard
