// Package anchor anchors status list versions and the issuance log on chain: the Registry it needs, the RFC 6962 Merkle log, the outbox worker and evidence bundles.
package anchor
