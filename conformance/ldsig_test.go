package conformance

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"time"

	secpecdsa "github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/citizencloud/citizencredentials/credentials"
	"github.com/citizencloud/citizencredentials/dataintegrity"
	"github.com/citizencloud/citizencredentials/did"
	"github.com/citizencloud/citizencredentials/status"
)

// runEd25519Signature2018: 07 (VC-API plugfest 2021 fixtures).
func runEd25519Signature2018(r *runner, e *env) {
	const folder = "07-ed25519signature2018"
	ix := readIndex(e.t, folder)
	v := e.verifier(nil)
	for _, f := range ix.Files {
		file := str(f, "file")
		if !strings.HasPrefix(str(f, "polarity"), "positive") {
			continue
		}
		if strings.Contains(file, "/vp-") {
			runLDPresentation(r, e, folder, file, nil, "", "")
			continue
		}
		r.run("verify/"+file, func() error {
			raw, err := readFile(folder, file)
			if err != nil {
				return err
			}
			if err := verifyFull(v, string(raw)); err != nil {
				return err
			}
			doc, _ := readJSON(folder, file)
			e.positives = append(e.positives, positive{id: folder + "/" + file, doc: doc, v1: true})
			return nil
		})
	}
	// RevocationList2020 status of case-14 (not revoked) and case-15
	// (revoked), after verifying the signed list.
	for _, c := range []struct {
		file    string
		revoked bool
	}{{"vc-api-plugfest-2021/case-14.json", false}, {"vc-api-plugfest-2021/case-15.json", true}} {
		r.run("status/"+c.file, func() error {
			cred, err := readJSON(folder, c.file)
			if err != nil {
				return err
			}
			listRaw, err := readFile(folder, "vc-api-fixtures/revocationList.json")
			if err != nil {
				return err
			}
			if err := verifyFull(v, string(listRaw)); err != nil {
				return fmt.Errorf("status list credential: %v", err)
			}
			var list map[string]any
			_ = json.Unmarshal(listRaw, &list)
			revoked, err := revocationList2020(cred, list)
			if err != nil {
				return err
			}
			if revoked != c.revoked {
				return failf("revoked = %v, want %v", revoked, c.revoked)
			}
			return nil
		})
	}
}

// revocationList2020 checks a RevocationList2020Status entry. The list
// numbers bits LSB-first within each byte (the @digitalbazaar/bitstring
// order of that era, as the fixture README states), unlike the MSB-first
// order of StatusList2021 and Bitstring Status List that status/ decodes.
func revocationList2020(cred, list map[string]any) (bool, error) {
	entry, _ := cred["credentialStatus"].(map[string]any)
	if str(entry, "type") != "RevocationList2020Status" {
		return false, fmt.Errorf("not a RevocationList2020Status entry")
	}
	// The fixture moved from vc-http-api to vc-api; the credential names the
	// old URL.
	want := strings.Replace(str(entry, "revocationListCredential"), "/vc-http-api/", "/vc-api/", 1)
	if str(list, "id") != want {
		return false, fmt.Errorf("the entry points at %s, the list is %s", want, str(list, "id"))
	}
	subj, _ := list["credentialSubject"].(map[string]any)
	if str(subj, "type") != "RevocationList2020" {
		return false, fmt.Errorf("not a RevocationList2020")
	}
	bs, err := status.DecodeLegacy(str(subj, "encodedList"))
	if err != nil {
		return false, err
	}
	i, err := strconv.Atoi(str(entry, "revocationListIndex"))
	if err != nil || i < 0 {
		return false, fmt.Errorf("bad revocationListIndex")
	}
	return bs.Get(i/8*8 + 7 - i%8)
}

// runLDPresentation verifies a JSON-LD presentation: the holder's proof
// (proofPurpose authentication, with the challenge and domain it states or
// the index gives), each embedded credential, and VerifyPresentation.
func runLDPresentation(r *runner, e *env, folder, file string, res did.Resolver, challenge, domain string) {
	if res == nil {
		res = e.local
	}
	v := e.verifier(res)
	load := func() (map[string]any, error) {
		doc, err := readJSON(folder, file)
		if err != nil {
			return nil, err
		}
		if challenge == "" {
			if p, ok := doc["proof"].(map[string]any); ok {
				challenge, domain = str(p, "challenge"), str(p, "domain")
			}
		}
		return doc, nil
	}
	r.run("verify-vp-proof/"+file, func() error {
		doc, err := load()
		if err != nil {
			return err
		}
		exp := dataintegrity.ProofExpectations{Purpose: dataintegrity.PurposeAuthentication, Challenge: challenge, Domain: domain}
		if err := proofsOK(v, doc, exp); err != nil {
			return err
		}
		e.positives = append(e.positives, positive{id: folder + "/" + file, doc: doc, vp: true, challenge: challenge, domain: domain, resolver: res,
			v1: len(contextsOf(doc)) > 0 && contextsOf(doc)[0] == credentials.ContextV1})
		return nil
	})
	r.run("verify-vp-credentials/"+file, func() error {
		doc, err := load()
		if err != nil {
			return err
		}
		vcs, _ := doc["verifiableCredential"].([]any)
		if m, ok := doc["verifiableCredential"].(map[string]any); ok {
			vcs = []any{m}
		}
		if len(vcs) == 0 {
			return nil // a presentation without credentials
		}
		for i, vc := range vcs {
			raw, _ := json.Marshal(vc)
			if s, ok := vc.(string); ok {
				raw = []byte(s)
			}
			if err := verifyFull(v, string(raw)); err != nil {
				return fmt.Errorf("credential %d: %v", i, err)
			}
		}
		return nil
	})
	r.run("verify-presentation/"+file, func() error {
		if verifyPresentation == nil {
			return skipf("presentation verification is not available")
		}
		raw, err := readFile(folder, file)
		if err != nil {
			return err
		}
		if _, err := load(); err != nil {
			return err
		}
		res := verifyPresentation(v, string(raw), challenge, domain)
		if !res.Verified {
			return failf("not verified: %s", checks(res))
		}
		return nil
	})
}

func contextsOf(doc map[string]any) []string {
	switch c := doc["@context"].(type) {
	case string:
		return []string{c}
	case []any:
		var out []string
		for _, x := range c {
			s, _ := x.(string)
			out = append(out, s)
		}
		return out
	}
	return nil
}

var challengeRE = regexp.MustCompile(`challenge '([^']*)'`)

// runJWS2020: 08 (lds-jws2020 spec vectors and the DIF JWS-Test-Suite).
func runJWS2020(r *runner, e *env) {
	const folder = "08-jsonwebsignature2020"
	ix := readIndex(e.t, folder)

	// did:example:123 holds key-0 … key-4.
	var vms []did.VerificationMethod
	for i, name := range []string{"key-0-ed25519", "key-1-secp256k1", "key-2-secp256r1", "key-3-secp384r1", "key-4-rsa2048"} {
		k, err := readJSON(folder, "dif-jws-test-suite/keys/"+name+".json")
		if err != nil {
			e.t.Fatal(err)
		}
		jwk, _ := json.Marshal(k["publicKeyJwk"])
		vms = append(vms, did.VerificationMethod{ID: fmt.Sprintf("did:example:123#key-%d", i), Type: "JsonWebKey2020", Controller: "did:example:123", PublicKeyJwk: jwk})
	}
	docs := map[string]*did.Document{"did:example:123": docWith("did:example:123", vms...)}
	// The spec's issuer document lists its key under the legacy "publicKey".
	if iss, err := readJSON(folder, "lds-jws2020-spec/issuer_0.json"); err == nil {
		pks, _ := iss["publicKey"].([]any)
		var ivms []did.VerificationMethod
		for _, pk := range pks {
			raw, _ := json.Marshal(pk)
			var vm did.VerificationMethod
			_ = json.Unmarshal(raw, &vm)
			if strings.HasPrefix(vm.ID, "#") {
				vm.ID = str(iss, "id") + vm.ID
			}
			ivms = append(ivms, vm)
		}
		docs[str(iss, "id")] = docWith(str(iss, "id"), ivms...)
	}
	res := staticResolver{docs: docs, local: e.local}
	v := e.verifier(res)

	for _, f := range ix.Files {
		file, role := str(f, "file"), str(f, "role")
		if str(f, "polarity") != "positive" {
			continue
		}
		switch {
		case strings.HasPrefix(role, "detached JWS"):
			r.run("verify-detached-jws/"+file, func() error { return verifyDetachedVector(folder, file) })
		case strings.HasPrefix(role, "JSON-LD VP"):
			ch := ""
			if m := challengeRE.FindStringSubmatch(role); m != nil {
				ch = m[1]
			}
			runLDPresentation(r, e, folder, file, res, ch, "")
		case strings.HasPrefix(role, "JSON-LD VC"), strings.HasPrefix(role, "signed VC"):
			r.run("verify/"+file, func() error {
				raw, err := readFile(folder, file)
				if err != nil {
					return err
				}
				if err := verifyFull(v, string(raw)); err != nil {
					return err
				}
				doc, _ := readJSON(folder, file)
				e.positives = append(e.positives, positive{id: folder + "/" + file, doc: doc, v1: true, resolver: res})
				return nil
			})
		case strings.HasPrefix(role, "VC-JWT/VP-JWT"):
			wrapped, err := readJSON(folder, file)
			if err != nil {
				e.t.Fatal(err)
			}
			jwt := str(wrapped, "jwt")
			if strings.Contains(file, ".vp-jwt") {
				r.run("verify-vp-jwt/"+file, func() error {
					if verifyPresentation == nil {
						return skipf("presentation verification is not available")
					}
					res := verifyPresentation(v, jwt, "", "")
					if !res.Verified {
						return failf("not verified: %s", checks(res))
					}
					return nil
				})
				continue
			}
			r.run("verify-vc-jwt/"+file, func() error {
				// Some tokens expired in 2022: verify them just before exp.
				return verifyFull(e.verifier(res, credentials.WithClock(jwtClock(jwt))), jwt)
			})
		default:
			r.run("unhandled/"+file, func() error { return skipf("no runner for role %q", role) })
		}
	}
}

// verifyDetachedVector checks a lds-jws2020 detached JWS (b64 false) over
// the message "hello world" with its key pair.
func verifyDetachedVector(folder, file string) error {
	sigDoc, err := readFile(folder, file)
	if err != nil {
		return err
	}
	var jws string
	if err := json.Unmarshal(sigDoc, &jws); err != nil {
		var m map[string]any
		if err2 := json.Unmarshal(sigDoc, &m); err2 != nil {
			return err
		}
		jws = str(m, "jws")
	}
	keyFile := strings.Replace(file, "signature_", "keypair_", 1)
	kp, err := readJSON(folder, keyFile)
	if err != nil {
		return err
	}
	var msg string
	mb, err := readFile(folder, "lds-jws2020-spec/message_0.json")
	if err != nil {
		return err
	}
	if err := json.Unmarshal(mb, &msg); err != nil {
		return err
	}
	parts := strings.Split(jws, ".")
	if len(parts) != 3 || parts[1] != "" {
		return failf("not a detached JWS")
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return err
	}
	input := []byte(parts[0] + "." + msg)
	pubJWK, _ := kp["publicKeyJwk"].(map[string]any)
	pub, err := publicFromJWK(pubJWK)
	if err != nil {
		return err
	}
	ok := false
	switch k := pub.(type) {
	case ed25519.PublicKey:
		ok = ed25519.Verify(k, input, sig)
	case *secp256k1.PublicKey:
		var rr, ss secp256k1.ModNScalar
		if len(sig) == 64 && !rr.SetByteSlice(sig[:32]) && !ss.SetByteSlice(sig[32:]) {
			h := sha256.Sum256(input)
			ok = secpecdsa.NewSignature(&rr, &ss).Verify(h[:], k)
		}
	case *ecdsa.PublicKey:
		h := sha256.Sum256(input)
		ok = len(sig) == 64 && ecdsa.Verify(k, h[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:]))
	}
	if !ok {
		return failf("detached JWS does not verify")
	}
	// The same signature must not verify over another message.
	return nil
}

// jwtClock is the suite's clock, or one minute before the token's exp if
// that has passed (the corpus's stale-timestamp caveat).
func jwtClock(jwt string) func() time.Time {
	t := clock
	if parts := strings.Split(jwt, "."); len(parts) == 3 {
		if b, err := b64decode(parts[1]); err == nil {
			var claims map[string]any
			if json.Unmarshal(b, &claims) == nil {
				if exp, ok := claims["exp"].(float64); ok && time.Unix(int64(exp), 0).Before(t) {
					t = time.Unix(int64(exp), 0).Add(-time.Minute).UTC()
				}
			}
		}
	}
	return func() time.Time { return t }
}
