// Package exchange is the verifier's side of presenting credentials: DIF
// Presentation Exchange v2 definitions (parsed, and evaluated against the
// credentials of a verified presentation with aries' presexch) and the
// presentation request service (create a request with a challenge and a
// domain, accept one presentation for it, store and announce the result).
// Presentations themselves are verified by credentials.Verifier.
package exchange
