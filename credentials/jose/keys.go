package jose

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/citizencloud/citizencredentials/dataintegrity"
	"github.com/citizencloud/citizencredentials/did"
	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/internal/text"
)

// Finding the key a JWS names in a DID document and checking the signature
// with it. The functions return a message for a person saying why the
// signature cannot be accepted, "" when it can.

// algFor is the JWS algorithm a key type must be used with.
var algFor = map[string]string{"Ed25519": "EdDSA", "P-256": "ES256", "P-384": "ES384", "P-521": "ES512", "secp256k1": "ES256K"}

// VerifyIssuer checks that j is signed by the issuer's key it names with kid
// (one of the issuer's assertion methods in doc, the issuer's DID document).
// It returns the absolute id of the key that signed, or a message saying
// why the signature is not the issuer's.
func VerifyIssuer(doc *did.Document, issuer string, j *JWS) (vmID, msg string) {
	vmID, msg = assertionKey(doc, issuer, j.Kid)
	if msg != "" {
		return "", msg
	}
	return verifyMethod(doc, vmID, j, "issuer", "the credential")
}

// VerifyHolder checks that j is signed by the holder's authentication key
// named by kid (doc is the holder's DID document). It returns the absolute
// id of the key that signed, or a message saying why it is not the
// holder's signature.
func VerifyHolder(doc *did.Document, holder string, j *JWS) (vmID, msg string) {
	vmID, msg = AuthenticationKey(doc, holder, j.Kid)
	if msg != "" {
		return "", msg
	}
	return verifyMethod(doc, vmID, j, "holder", "the content")
}

// verifyMethod checks the signature of j with the key of the verification
// method vmID of doc, the key of role ("issuer", "holder"); what names the
// signed object in messages.
func verifyMethod(doc *did.Document, vmID string, j *JWS, role, what string) (string, string) {
	pub, err := doc.PublicKey(vmID)
	if err != nil {
		return "", fmt.Sprintf("the %s key %s cannot be used: %s", role, text.Truncate(vmID, 200), fault.Message(err))
	}
	if msg := verify(j, pub, "the "+role+" key "+text.Truncate(vmID, 200), what); msg != "" {
		return "", msg
	}
	return vmID, ""
}

// assertionKey finds the verification method kid names in the issuer's
// document and checks it may issue (assertionMethod).
func assertionKey(doc *did.Document, issuer, kid string) (string, string) {
	vmID, msg := findMethod(doc, "issuer", issuer, doc.AssertionMethod, "assertion", kid)
	if msg != "" {
		return "", msg
	}
	if !doc.CanAssert(vmID) {
		return "", fmt.Sprintf("the key %s is not an assertion method of issuer %s, so it may not issue credentials", text.Truncate(vmID, 200), text.Truncate(issuer, 200))
	}
	return vmID, ""
}

// AuthenticationKey finds the verification method kid names in the
// holder's DID document and checks that it may authenticate the holder
// (sign presentations). It returns the absolute method id, or a message
// saying why none fits.
func AuthenticationKey(doc *did.Document, holder, kid string) (string, string) {
	vmID, msg := findMethod(doc, "holder", holder, doc.Authentication, "authentication", kid)
	if msg != "" {
		return "", msg
	}
	if !doc.CanAuthenticate(vmID) {
		return "", fmt.Sprintf("the key %s is not an authentication key of %s, so it cannot sign for the holder", text.Truncate(vmID, 200), text.Truncate(holder, 200))
	}
	return vmID, ""
}

// findMethod finds the verification method kid names in the document of
// owner (the issuer or holder, as role says); with no kid, owner must have
// exactly one key in rel (named relName in messages). It returns the
// absolute method id, or a message saying why none fits.
func findMethod(doc *did.Document, role, owner string, rel []string, relName, kid string) (string, string) {
	if doc.ID != owner {
		return "", fmt.Sprintf("the DID document resolved for %s is for another identifier", text.Truncate(owner, 200))
	}
	var vmID string
	switch {
	case kid == "" || kid == owner:
		if len(rel) != 1 {
			return "", fmt.Sprintf("the JWT has no kid and %s %s has %d %s keys; cannot tell which one signed", role, text.Truncate(owner, 200), len(rel), relName)
		}
		vmID = doc.AbsoluteID(rel[0])
	case strings.HasPrefix(kid, "#"):
		vmID = owner + kid
	case strings.Contains(kid, "#"):
		if o, _ := did.Split(kid); o != owner {
			return "", fmt.Sprintf("the signing key %s does not belong to the %s %s", text.Truncate(kid, 200), role, text.Truncate(owner, 200))
		}
		vmID = kid
	default:
		// A bare kid: a fragment of the document, or the JWK kid (e.g. a
		// thumbprint) of one of its keys.
		if _, err := doc.Method(owner + "#" + kid); err == nil {
			vmID = owner + "#" + kid
			break
		}
		for _, vm := range doc.VerificationMethod {
			var j struct {
				Kid string `json:"kid"`
			}
			if len(vm.PublicKeyJwk) > 0 && json.Unmarshal(vm.PublicKeyJwk, &j) == nil && j.Kid == kid {
				vmID = doc.AbsoluteID(vm.ID)
				break
			}
		}
		if vmID == "" {
			return "", fmt.Sprintf("the signing key %s is not in the DID document of %s %s", text.Truncate(kid, 200), role, text.Truncate(owner, 200))
		}
	}
	if _, err := doc.Method(vmID); err != nil {
		return "", fmt.Sprintf("the signing key %s is not in the DID document of %s %s", text.Truncate(vmID, 200), role, text.Truncate(owner, 200))
	}
	return vmID, ""
}

// VerifyWithKey checks the signature of j with pub and says, for a person,
// why it fails ("" when it verifies). keyName describes the key.
func VerifyWithKey(j *JWS, pub crypto.PublicKey, keyName string) string {
	return verify(j, pub, keyName, "the content")
}

// verify is VerifyWithKey naming the signed object what in messages.
func verify(j *JWS, pub crypto.PublicKey, keyName, what string) string {
	kt := did.KeyType(pub)
	want, ok := algFor[kt]
	if !ok {
		return fmt.Sprintf("%s is %s key, which cannot sign", keyName, text.WithArticle(kt))
	}
	if j.Alg != want {
		return fmt.Sprintf("the JWT is signed with %s but %s is %s key (needs %s)", j.Alg, keyName, text.WithArticle(kt), want)
	}
	if err := dataintegrity.VerifyJWS(j.Alg, pub, j.SigningInput, j.Signature); err != nil {
		return fmt.Sprintf("the signature does not verify with %s: %s was altered or signed with another key", keyName, what)
	}
	return ""
}

// SamePublicKey reports whether two public keys are equal.
func SamePublicKey(a, b crypto.PublicKey) bool {
	switch k := a.(type) {
	case ed25519.PublicKey:
		return k.Equal(b)
	case *ecdsa.PublicKey:
		return k.Equal(b)
	}
	ja, err1 := did.JWKFromPublic(a)
	jb, err2 := did.JWKFromPublic(b)
	return err1 == nil && err2 == nil && string(ja) == string(jb)
}
