// Package chain is the EVM adapter of Citizen Credentials. It implements
// anchor.Registry (this node's own anchors and bureaus), consortium.Chain
// (any member's, read by verifiers and monitors) and consortium.Governance
// (admitting and removing members) on the CitizenCredentialRegistry
// contract, version 2 (see chain/contracts), and provides the two backends
// it runs on:
//
//   - OpenDev: an embedded, persistent geth dev chain in a data directory
//     (proof-of-stake from genesis, a simulated beacon that mines a block as
//     soon as a transaction arrives; no sockets are opened);
//   - Dial: any EVM JSON-RPC node (geth, Besu/QBFT consortium networks).
//
// Registry sends its own transactions, signed with one key, and serialises
// nonces for concurrent callers. Node connection failures are reported as
// fault.ErrUnavailable, transactions that are not mined yet as
// fault.ErrNotFound, contract rule violations as fault codes (conflict,
// forbidden, invalid).
//
// On chain, DIDs and status list ids are keccak256 of their UTF-8 string.
// A data directory of the previous release names a version 1 registry (one
// admin, one namespace); EnsureRegistry replaces it with a version 2 one and
// leaves the old contract as history.
package chain

//go:generate bash contracts/build.sh
