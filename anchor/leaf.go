package anchor

import (
	"crypto/sha256"
	"encoding/json"
	"strings"

	"github.com/citizencloud/citizencredentials/canon"
)

// LeafDigest is what the issuance log records for a credential: a digest
// that anyone holding the credential as a holder presents it can compute
// again, and that commits to everything the issuer signed.
//   - An SD-JWT ("<issuer JWT>~<disclosure>~...~[<key binding JWT>]"): the
//     SHA-256 of the issuer-signed JWT. It commits to every disclosure
//     through its _sd digests, and a holder who presents some disclosures
//     and a key binding JWT presents the same issuer-signed JWT.
//   - A JSON credential (Data Integrity): the SHA-256 of its JCS (RFC 8785)
//     form, so member order and whitespace changed in transit do not matter.
//   - Anything else (a compact JWS): the SHA-256 of the credential as issued.
func LeafDigest(credential string) [32]byte {
	c := strings.TrimSpace(credential)
	switch {
	case strings.HasPrefix(c, "{"):
		var v any
		if json.Unmarshal([]byte(c), &v) == nil {
			if b, err := canon.JCS(v); err == nil {
				return sha256.Sum256(b)
			}
		}
	case strings.Contains(c, "~"):
		jwt, _, _ := strings.Cut(c, "~")
		return sha256.Sum256([]byte(jwt))
	}
	return CredentialHash([]byte(credential))
}

// LeafDigests returns the digests a logged leaf of this credential may
// hold: LeafDigest and, when it differs, the SHA-256 of the whole
// credential as issued, which the log recorded for SD-JWT and Data
// Integrity credentials before LeafDigest existed (logs written by the
// previous release). A verifier accepts either.
func LeafDigests(credential string) [][32]byte {
	d := LeafDigest(credential)
	whole := CredentialHash([]byte(credential))
	if d == whole {
		return [][32]byte{d}
	}
	return [][32]byte{d, whole}
}

// IsLeafOf reports whether leaf is a digest the log may hold for
// credential (see LeafDigests).
func IsLeafOf(leaf [32]byte, credential string) bool {
	for _, d := range LeafDigests(credential) {
		if d == leaf {
			return true
		}
	}
	return false
}
