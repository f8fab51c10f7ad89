// Package conformance runs the shared third-party conformance corpus
// (vendored under testdata/vectors with each folder's SOURCE.md) against the service's
// credential, DID and status packages: every positive vector must verify,
// every negative must fail for its stated reason, deterministic Ed25519
// suites must reproduce their proofValue byte for byte, and the mutation
// recipes of 11-negative applied to the positives must fail.
//
// The suite is a test (go test ./conformance/); it prints a per-folder
// table and fails on any case that does not pass unless expected.json
// lists it with a reason. The package has no other code.
package conformance
