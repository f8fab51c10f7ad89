// Package consortium lets a node verify credentials issued by the bureaus of
// other consortium members, trusting only the chain, and lets a monitor audit
// every member.
//
// The registry contract holds the members (account, name, public base URL),
// each member's bureaus (the SHA-256 thumbprints of their keys) and, in each
// member's own namespace, the digests of its status list versions and the
// roots of its issuance log. A node that meets a credential of another
// member's bureau:
//   - resolves the issuer's did:web document only from that member's
//     registered host and keeps only the keys whose thumbprints the chain
//     holds for the bureau;
//   - fetches the status list version the chain says is the latest one
//     anchored for that member and accepts it only if its digest is the
//     anchored one;
//   - fetches the credential's inclusion proof from the member's public log
//     endpoint and checks it against the member's anchored root.
//
// Fetching goes only to member hosts, through an SSRF guard, with size and
// time caps; what was fetched and proven against an anchor is cached by
// that anchor, so verification continues from chain-verified copies while a
// member is down.
package consortium
