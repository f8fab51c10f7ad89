// Package interop checks credentials issued by this service against
// independent verifiers: jose for vc+jwt and Digital Bazaar's vc /
// data-integrity stack for Data Integrity proofs, both run offline by
// verify.mjs; and a wallet built on oid4vc-ts (openid4vc.mjs) that
// receives credentials over OpenID4VCI and presents them over OpenID4VP to
// a service the test starts. The tests run only with INTEROP=1 and node
// installed; run.sh installs the pinned npm packages first. The package has
// no other code.
package interop
