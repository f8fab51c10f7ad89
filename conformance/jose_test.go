package conformance

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/citizencloud/citizencredentials/credentials"
	"github.com/citizencloud/citizencredentials/credentials/jose"
	"github.com/citizencloud/citizencredentials/credentials/vcdm"
	"github.com/citizencloud/citizencredentials/dataintegrity"
	"github.com/citizencloud/citizencredentials/did"
)

// Hooks for the presentation and SD-JWT verifiers, set by
// presentation_test.go; nil means the corpus cases that need them are
// reported as not run (and must be listed in expected.json).
var (
	// verifyPresentation verifies a presentation (any format) expecting
	// challenge and domain ("" = not checked).
	verifyPresentation func(v *credentials.Verifier, raw, challenge, domain string) *credentials.Result
	// signPresentationJWT secures an unsigned presentation as vp+jwt.
	signPresentationJWT func(vp map[string]any, s credentials.Signer, challenge, domain string) (string, error)
	// verifySDJWT verifies an SD-JWT credential (no key binding).
	verifySDJWT func(v *credentials.Verifier, raw string) *credentials.Result
)

// vmFile is a VC-JOSE-COSE test-suite key file.
type vmFile struct {
	did.VerificationMethod
	Secret map[string]any `json:"secretKeyJwk"`
}

func readVM(file string) (vmFile, error) {
	var k vmFile
	b, err := readFile("05-vc-jose-cose", "w3c-vc-jose-cose-test-suite/"+file)
	if err != nil {
		return k, err
	}
	return k, json.Unmarshal(b, &k)
}

// keyFileResolver resolves the test-suite issuer to a document holding
// exactly the key file's method, as the upstream mapping pairs each input
// with one key.
func keyFileResolver(vm did.VerificationMethod) did.Resolver {
	return staticResolver{docs: map[string]*did.Document{vm.Controller: docWith(vm.Controller, vm)}}
}

// runJOSE: 05-vc-jose-cose, one case per upstream test.
func runJOSE(r *runner, e *env) {
	const folder = "05-vc-jose-cose"
	ix := readIndex(e.t, folder)
	for _, f := range ix.Files {
		file := str(f, "file")
		tests, _ := f["upstream_tests"].([]any)
		for _, tt := range tests {
			ut, _ := tt.(map[string]any)
			num := int(ut["number"].(float64))
			fn, feature, keyFile, want := str(ut, "function"), str(ut, "feature"), str(ut, "key_file"), str(ut, "expected_result")
			name := strings.TrimPrefix(file, "w3c-vc-jose-cose-test-suite/")
			id := fmt.Sprintf("test-%02d-%s-%s/%s", num, fn, feature, name)
			r.run(id, func() error {
				raw, err := readFile(folder, file)
				if err != nil {
					return err
				}
				vm, err := readVM(keyFile)
				if err != nil {
					return err
				}
				v := e.verifier(keyFileResolver(vm.VerificationMethod))
				switch {
				case strings.HasSuffix(feature, "_cose"):
					return skipf("COSE_Sign1 is not supported")
				case fn == "issue" && feature == "credential_jose":
					var vc map[string]any
					if err := json.Unmarshal(raw, &vc); err != nil {
						return err
					}
					jwt, err := issueJWT(vc, vm)
					if want == "failure" {
						if err == nil {
							return failf("issuance succeeded; the test expects it to be refused")
						}
						return nil
					}
					if err != nil {
						return err
					}
					return verifyFull(v, jwt)
				case fn == "issue" && feature == "presentation_jose":
					if signPresentationJWT == nil || verifyPresentation == nil {
						return skipf("presentation signing is not available")
					}
					var vp map[string]any
					if err := json.Unmarshal(raw, &vp); err != nil {
						return err
					}
					key, err := privateFromJWK(vm.Secret)
					if err != nil {
						return err
					}
					jwt, err := signPresentationJWT(vp, signer{key, vm.ID}, "", "")
					if err != nil {
						return err
					}
					res := verifyPresentation(v, jwt, "", "")
					if !res.Verified {
						return failf("issued presentation does not verify: %s", checks(res))
					}
					return nil
				case fn == "issue":
					return skipf("issuance of %s is not implemented here", feature)
				case feature == "credential_jose":
					res := v.VerifyCredential(context.Background(), string(raw))
					if err := expectOutcome(res, want); err != nil {
						return err
					}
					return statedReason(num, res)
				case feature == "credential_sdjwt":
					if verifySDJWT == nil {
						return skipf("SD-JWT verification is not available")
					}
					res := verifySDJWT(v, strings.TrimSpace(string(raw)))
					if err := expectOutcome(res, want); err != nil {
						return err
					}
					return statedReason(num, res)
				case strings.HasPrefix(feature, "presentation_"):
					if verifyPresentation == nil {
						return skipf("presentation verification is not available")
					}
					// The presentation JWTs expire in December 2024.
					pv := e.verifier(keyFileResolver(vm.VerificationMethod), credentials.WithClock(func() time.Time { return time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC) }))
					res := verifyPresentation(pv, strings.TrimSpace(string(raw)), "", "")
					if err := expectOutcome(res, want); err != nil {
						return err
					}
					return statedReason(num, res)
				}
				return skipf("unknown test function %s/%s", fn, feature)
			})
		}
	}
	// Recipe J-1: every positive vc+jwt fails with another key.
	for _, c := range []struct{ file, wrongKey string }{
		{"credential-jose-minimal.txt", "vm-p384.json"},
		{"credential-issuer-match-signed.txt", "vm-p256.json"},
	} {
		r.run("recipe-J-1-wrong-key/"+c.file, func() error {
			raw, err := readFile(folder, "w3c-vc-jose-cose-test-suite/"+c.file)
			if err != nil {
				return err
			}
			vm, err := readVM(c.wrongKey)
			if err != nil {
				return err
			}
			res := e.verifier(keyFileResolver(vm.VerificationMethod)).VerifyCredential(context.Background(), string(raw))
			if sig, _ := check(res, credentials.CheckSignature); res.Verified || sig.OK {
				return failf("verified with the wrong key: %s", checks(res))
			}
			return nil
		})
	}
	// Recipe J-5: re-signed with typ application/jwt, or without cty.
	for _, c := range []struct{ name, typ, cty string }{
		{"typ-application-jwt", "application/jwt", "vc"},
		{"no-cty", "vc+jwt", ""},
	} {
		r.run("recipe-J-5-media-type/"+c.name, func() error {
			vm, err := readVM("vm-p256.json")
			if err != nil {
				return err
			}
			raw, err := readFile(folder, "w3c-vc-jose-cose-test-suite/credential-jose-minimal.txt")
			if err != nil {
				return err
			}
			jwt, err := resignJWT(strings.TrimSpace(string(raw)), vm, c.typ, c.cty)
			if err != nil {
				return err
			}
			res := e.verifier(keyFileResolver(vm.VerificationMethod)).VerifyCredential(context.Background(), jwt)
			if res.Verified {
				return failf("a vc+jwt with typ %q and cty %q verified", c.typ, c.cty)
			}
			return nil
		})
	}
}

// statedReasons says which failed check (and message fragment) each
// negative test of the suite is about.
var statedReasons = map[int]struct{ check, fragment string }{
	9:  {credentials.CheckSignature, "not in the DID document"}, // signed with a P-521 key the mapping does not hold
	10: {credentials.CheckFormat, "unsecured"},
	11: {credentials.CheckFormat, "unsecured"},
	12: {credentials.CheckSignature, "does not verify"},
	13: {credentials.CheckFormat, "type"},
	14: {credentials.CheckFormat, "type"},
	15: {credentials.CheckFormat, `"vc"`},
	16: {credentials.CheckFormat, "enveloped credential"},
	23: {credentials.CheckSignature, "does not verify"},
	24: {credentials.CheckFormat, "type"},
	25: {credentials.CheckFormat, "type"},
	26: {credentials.CheckFormat, "type"},
}

// statedReason checks that a negative test failed for its stated reason.
func statedReason(num int, res *credentials.Result) error {
	sr, ok := statedReasons[num]
	if !ok || res.Verified {
		return nil
	}
	for _, c := range res.Checks {
		if !c.OK && c.Name == sr.check && strings.Contains(c.Message, sr.fragment) {
			return nil
		}
	}
	return failf("refused, but not for the stated reason (%s check mentioning %q): %s", sr.check, sr.fragment, checks(res))
}

// expectOutcome compares a result with an upstream expectation.
func expectOutcome(res *credentials.Result, want string) error {
	switch want {
	case "success":
		if !res.Verified {
			return failf("positive vector did not verify: %s", checks(res))
		}
	case "failure":
		if res.Verified {
			return failf("negative vector verified: %s", checks(res))
		}
	default:
		return failf("unknown expectation %q", want)
	}
	return nil
}

// issueJWT checks a test-suite credential against the data model and the
// contexts (as SignDataIntegrity would) and secures it as vc+jwt.
func issueJWT(vc map[string]any, vm vmFile) (string, error) {
	key, err := privateFromJWK(vm.Secret)
	if err != nil {
		return "", err
	}
	if err := vcdm.Check(vc); err != nil {
		return "", err
	}
	if err := dataintegrity.CheckJSONLD(vc, nil); err != nil {
		return "", err
	}
	return jose.SignCredential(vc, signer{key, vm.ID})
}

// resignJWT re-signs the payload of jwt with vm's secret key under a header
// with the given typ and cty ("" leaves it out).
func resignJWT(jwt string, vm vmFile, typ, cty string) (string, error) {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return "", fmt.Errorf("not a compact JWS")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return "", err
	}
	key, err := privateFromJWK(vm.Secret)
	if err != nil {
		return "", err
	}
	hdr := jws.NewHeaders()
	_ = hdr.Set(jws.KeyIDKey, vm.ID)
	if typ != "" {
		_ = hdr.Set(jws.TypeKey, typ)
	}
	if cty != "" {
		_ = hdr.Set(jws.ContentTypeKey, cty)
	}
	alg := map[string]jwa.SignatureAlgorithm{"Ed25519": jwa.EdDSA, "P-256": jwa.ES256, "P-384": jwa.ES384, "P-521": jwa.ES512}[str(vm.Secret, "crv")]
	out, err := jws.Sign(payload, jws.WithKey(alg, key, jws.WithProtectedHeaders(hdr)))
	return string(out), err
}
