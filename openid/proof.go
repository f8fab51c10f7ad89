package openid

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/citizencloud/citizencredentials/did"
)

// maxProofBytes bounds a key proof before it is parsed.
const maxProofBytes = 16 << 10

// verifyProof checks a jwt key proof (OpenID4VCI 1.0 Appendix F.1): typ
// openid4vci-proof+jwt, EdDSA or ES256, the key given as jwk or as kid (a
// did:key or did:jwk URL), a valid signature, aud = issuer, a fresh iat and
// a nonce. It returns the holder DID the credential is bound to (did:jwk of
// a jwk; subject instead when subject is the did:key of that key) and the
// nonce, which the caller takes from the store.
func (i *Issuer) verifyProof(proof, issuer, subject string) (holder, nonce string, e *Error) {
	bad := func(msg string) (string, string, *Error) { return "", "", oauthErr(ErrInvalidProof, msg) }
	if len(proof) > maxProofBytes {
		return bad("the proof is too large")
	}
	parts := strings.Split(proof, ".")
	if len(parts) != 3 {
		return bad("the proof is not a compact JWS")
	}
	hb, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return bad("the proof's header is not base64url")
	}
	var hdr struct {
		Typ  string          `json:"typ"`
		Alg  string          `json:"alg"`
		Kid  string          `json:"kid"`
		JWK  json.RawMessage `json:"jwk"`
		X5c  json.RawMessage `json:"x5c"`
		Crit json.RawMessage `json:"crit"`
	}
	if err := json.Unmarshal(hb, &hdr); err != nil {
		return bad("the proof's header is not a JSON object")
	}
	if hdr.Typ != ProofTyp {
		return bad("the proof's typ must be " + ProofTyp)
	}
	if hdr.Crit != nil || hdr.X5c != nil {
		return bad("crit and x5c are not supported in key proofs")
	}
	var pub crypto.PublicKey
	switch {
	case hdr.JWK != nil && hdr.Kid != "":
		return bad("give the key as jwk or kid, not both")
	case hdr.JWK != nil:
		pub, err = did.ParseJWK(hdr.JWK)
		if err != nil {
			return bad("the proof's jwk is not a supported public key")
		}
		if holder, err = did.NewJWKDID(pub); err != nil {
			return bad("the proof's jwk is not a supported public key")
		}
		if strings.HasPrefix(subject, "did:key:") {
			if k, err := did.NewKeyDID(pub); err == nil && k == subject {
				holder = subject
			}
		}
	case hdr.Kid != "":
		d, _ := did.Split(hdr.Kid)
		var doc *did.Document
		switch {
		case strings.HasPrefix(d, "did:key:"):
			doc, err = did.ResolveKey(d)
		case strings.HasPrefix(d, "did:jwk:"):
			doc, err = did.ResolveJWK(d)
		default:
			return bad("a kid must be a did:key or did:jwk URL")
		}
		if err != nil {
			return bad("the proof's kid does not resolve")
		}
		kid := doc.AbsoluteID(hdr.Kid)
		if !strings.Contains(hdr.Kid, "#") && len(doc.Authentication) == 1 {
			kid = doc.AbsoluteID(doc.Authentication[0])
		}
		if !doc.CanAuthenticate(kid) {
			return bad("the proof's kid is not an authentication key of its DID")
		}
		if pub, err = doc.PublicKey(kid); err != nil {
			return bad("the proof's kid does not resolve")
		}
		holder = d
	default:
		return bad("the proof names no key (jwk or kid)")
	}
	alg := jwa.SignatureAlgorithm(hdr.Alg)
	if !algFits(alg, pub) {
		return bad("the proof's alg must be EdDSA (Ed25519) or ES256 (P-256) and fit the key")
	}
	payload, err := jws.Verify([]byte(proof), jws.WithKey(alg, pub))
	if err != nil {
		return bad("the proof's signature does not verify")
	}
	var claims struct {
		Aud   json.RawMessage `json:"aud"`
		Iat   *json.Number    `json:"iat"`
		Nonce string          `json:"nonce"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil {
		return bad("the proof's payload is not a JSON object")
	}
	if !audienceIs(claims.Aud, issuer) {
		return bad("the proof's aud must be the credential issuer " + issuer)
	}
	if claims.Iat == nil {
		return bad("the proof has no iat")
	}
	iat, err := claims.Iat.Float64()
	if err != nil {
		return bad("the proof's iat is not a number")
	}
	at := time.Unix(int64(iat), 0)
	now := i.now()
	if at.After(now.Add(ProofSkew)) || now.Sub(at) > i.nonceTTL {
		return bad("the proof's iat is not fresh")
	}
	if claims.Nonce == "" {
		return "", "", oauthErr(ErrInvalidNonce, "the proof has no nonce; get one from the nonce endpoint")
	}
	if subject != "" && holder != subject {
		return bad("the offer is for another subject: prove a key of its DID")
	}
	return holder, claims.Nonce, nil
}

func audienceIs(raw json.RawMessage, want string) bool {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return one == want
	}
	var many []string
	if json.Unmarshal(raw, &many) == nil {
		for _, a := range many {
			if a == want {
				return true
			}
		}
	}
	return false
}

func algFits(alg jwa.SignatureAlgorithm, pub crypto.PublicKey) bool {
	switch k := pub.(type) {
	case ed25519.PublicKey:
		return alg == jwa.EdDSA
	case *ecdsa.PublicKey:
		return alg == jwa.ES256 && k.Curve.Params().Name == "P-256"
	}
	return false
}
