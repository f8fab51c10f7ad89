package dataintegrity

import (
	"crypto"
	"crypto/sha256"
	"fmt"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	secpecdsa "github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"
)

// VerifyJWS checks a JWS signature sig over input with pub for the JOSE
// algorithm alg (EdDSA, ES256, ES384, ES512, ES256K, PS256): the detached
// JWS of the Linked Data Signatures suites here, and vc+jwt in credentials.
func VerifyJWS(alg string, pub crypto.PublicKey, input, sig []byte) error {
	if alg == "ES256K" {
		k, ok := pub.(*secp256k1.PublicKey)
		if !ok || len(sig) != 64 {
			return fmt.Errorf("bad ES256K signature")
		}
		var r, s secp256k1.ModNScalar
		if r.SetByteSlice(sig[:32]) || s.SetByteSlice(sig[32:]) || r.IsZero() || s.IsZero() {
			return fmt.Errorf("bad ES256K signature")
		}
		h := sha256.Sum256(input)
		if !secpecdsa.NewSignature(&r, &s).Verify(h[:], k) {
			return fmt.Errorf("bad ES256K signature")
		}
		return nil
	}
	verifier, err := jws.NewVerifier(jwa.SignatureAlgorithm(alg))
	if err != nil {
		return err
	}
	return verifier.Verify(input, sig, pub)
}
