package credentials

import (
	"context"
	"crypto"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/citizencloud/citizencredentials/did"
	"github.com/citizencloud/citizencredentials/fault"
)

// The IETF SD-JWT draft-22 examples (10-sd-jwt/ietf-rfc-draft-22), read in
// place: issuer signature, every disclosure referenced, key-binding JWT
// (signature by cnf.jwk, sd_hash, nonce 1234567890, aud
// https://verifier.example.org), processed payload equal to
// verified_contents.json.

const ietfDir = vectorsDir + "/10-sd-jwt/ietf-rfc-draft-22"

func readVector(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("conformance vector missing: %v", err)
	}
	return b
}

// issuerResolver resolves one non-DID issuer URL to a document with one key
// (as the draft's examples have: iss https://... and a JWK).
type issuerResolver struct {
	id  string
	key crypto.PublicKey
}

func (r issuerResolver) Resolve(_ context.Context, id string) (*did.Document, error) {
	if id != r.id {
		return nil, fault.E(fault.NotFound, "%s is not the test issuer", id)
	}
	vm, err := did.NewJWKMethod(id+"#key-1", id, r.key)
	if err != nil {
		return nil, err
	}
	return &did.Document{ID: id, VerificationMethod: []did.VerificationMethod{vm}, AssertionMethod: []string{vm.ID}, Authentication: []string{vm.ID}}, nil
}

// TestSDJWTIETFPresentation runs the A.3 SD-JWT VC (dc+sd-jwt) presentation
// through VerifyPresentation, with the clock pinned after the KB-JWT's iat
// (2025-05-29) and before exp (2029), and its derived negatives.
func TestSDJWTIETFPresentation(t *testing.T) {
	issuerKey, err := did.ParseJWK(readVector(t, filepath.Join(ietfDir, "issuer_public_key_jwk.json")))
	if err != nil {
		t.Fatal(err)
	}
	raw := strings.TrimSpace(string(readVector(t, filepath.Join(ietfDir, "a3_sd_jwt_vc", "sd_jwt_kb_presentation.txt"))))
	at := func() time.Time { return time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC) }
	v := NewVerifier(issuerResolver{"https://pid-issuer.bund.de.example", issuerKey}, nil, WithClock(at))
	opts := PresentationOptions{Challenge: "1234567890", Domain: "https://verifier.example.org"}

	res := v.VerifyPresentation(context.Background(), raw, opts)
	logChecks(t, res)
	if !res.Verified {
		t.Fatalf("A.3 presentation did not verify")
	}
	if len(res.Credentials) != 1 || res.Credentials[0].Types[0] != "urn:eudi:pid:de:1" {
		t.Fatalf("summary: %+v", res.Credentials)
	}
	want := map[string]any{"age_equal_or_over": map[string]any{"18": true}, "nationalities": []any{"DE"}}
	if !reflect.DeepEqual(res.Credentials[0].Claims, want) {
		t.Errorf("claims %v, want only the disclosed %v", res.Credentials[0].Claims, want)
	}

	// Derived negatives (11-negative recipes): altered disclosure, wrong
	// nonce/aud, stripped key binding, dropped disclosure.
	parts := strings.Split(raw, "~")
	alter := func(i int) string {
		b, _ := base64.RawURLEncoding.DecodeString(parts[i])
		b = []byte(strings.Replace(string(b), "DE", "FR", 1))
		p := append([]string{}, parts...)
		p[i] = base64.RawURLEncoding.EncodeToString(b)
		return strings.Join(p, "~")
	}
	idx := -1
	for i := 1; i < len(parts)-1; i++ {
		if b, _ := base64.RawURLEncoding.DecodeString(parts[i]); strings.Contains(string(b), `"DE"`) {
			idx = i
		}
	}
	for _, tc := range []struct {
		name, raw string
		opts      PresentationOptions
		fail      []string
	}{
		{"fail/altered-disclosure", alter(idx), opts, []string{CheckDisclosures, CheckPresentationSignature}},
		{"fail/wrong-nonce", raw, PresentationOptions{Challenge: "other", Domain: opts.Domain}, []string{CheckChallenge}},
		{"fail/wrong-aud", raw, PresentationOptions{Challenge: opts.Challenge, Domain: "https://evil.example"}, []string{CheckDomain}},
		{"fail/no-key-binding", raw[:strings.LastIndex(raw, "~")+1], opts, []string{CheckPresentationSignature}},
		{"fail/dropped-disclosure", strings.Join(append(append([]string{}, parts[:1]...), parts[2:]...), "~"), opts, []string{CheckPresentationSignature}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := v.VerifyPresentation(context.Background(), tc.raw, tc.opts)
			logChecks(t, res)
			if res.Verified {
				t.Fatal("verified")
			}
			for _, name := range tc.fail {
				if c, ok := findCheck(res.Checks, name); !ok || c.OK {
					t.Errorf("check %s should fail", name)
				}
			}
		})
	}
}

func logChecks(t *testing.T, res *Result) {
	t.Helper()
	var lines []string
	for _, c := range res.Checks {
		l := c.Name + "=" + map[bool]string{true: "ok", false: "FAIL"}[c.OK] + " (" + c.Message + ")"
		if c.Credential != "" {
			l = "[" + c.Credential + "] " + l
		}
		lines = append(lines, l)
	}
	t.Logf("verified=%v\n  %s", res.Verified, strings.Join(lines, "\n  "))
}

// joseSuiteResolver resolves the VC-JOSE-COSE test suite's issuer (also the
// holder of its presentations) to a document with all its keys, usable
// both to issue and to authenticate.
func joseSuiteResolver(t *testing.T) did.Resolver {
	t.Helper()
	dir := filepath.Join(vectorsDir, "05-vc-jose-cose", "w3c-vc-jose-cose-test-suite")
	doc := &did.Document{ID: "https://example.issuer/vc-jose-cose"}
	for _, f := range []string{"vm-ed25519.json", "vm-p256.json", "vm-p384.json", "vm-p521.json"} {
		var vm did.VerificationMethod
		if err := json.Unmarshal(readVector(t, filepath.Join(dir, f)), &vm); err != nil {
			t.Fatal(err)
		}
		doc.VerificationMethod = append(doc.VerificationMethod, vm)
		doc.AssertionMethod = append(doc.AssertionMethod, vm.ID)
		doc.Authentication = append(doc.Authentication, vm.ID)
	}
	return did.ResolverFunc(func(_ context.Context, id string) (*did.Document, error) {
		if id != doc.ID {
			return nil, fault.E(fault.NotFound, "%s is not the test issuer", id)
		}
		return doc, nil
	})
}

// TestJOSEPresentationVectors runs the presentation and SD-JWT inputs of
// 05-vc-jose-cose. The suite's holder is its issuer, not the subject of
// its credentials, so holder_binding fails on every presentation by our
// policy (a presentation must be signed by the subject); the positives are
// checked check by check instead. COSE is not supported.
func TestJOSEPresentationVectors(t *testing.T) {
	dir := filepath.Join(vectorsDir, "05-vc-jose-cose", "w3c-vc-jose-cose-test-suite")
	r := joseSuiteResolver(t)
	// presentation-jose-multiple expires 2024-12-17T01:04:10Z.
	at := func() time.Time { return time.Date(2024, 12, 16, 12, 0, 0, 0, time.UTC) }
	v := NewVerifier(r, nil, WithClock(at))
	ctx := context.Background()
	type want struct {
		ok   []string // checks (name, or credential|name) that must pass
		fail []string // checks that must fail
	}
	for _, tc := range []struct {
		file string
		sd   bool // verify as a credential with VerifySDJWT
		want want
	}{
		{"presentation-jose-multiple.txt", false, want{
			ok:   []string{CheckFormat, CheckPresentationSignature, CheckPresentationValidity, "http://university.example/credentials/1872|" + CheckSignature, "#2|" + CheckSignature, "#2|" + CheckDisclosures},
			fail: []string{CheckHolderBinding, "#3|" + CheckFormat},
		}},
		{"presentation-sdjwt-selective.txt", false, want{
			ok:   []string{CheckFormat, CheckPresentationSignature, "http://university.example/credentials/1872|" + CheckSignature},
			fail: []string{CheckHolderBinding},
		}},
		{"presentation-jose-bad-media-type.txt", false, want{fail: []string{CheckFormat}}},
		{"presentation-sdjwt-bad-media-type.txt", false, want{fail: []string{CheckFormat}}},
		{"presentation-sdjwt-bad-credential.txt", false, want{fail: []string{CheckFormat}}},
		{"presentation-jose-bad-credential.txt", false, want{ok: []string{CheckPresentationSignature}, fail: []string{"#1|" + CheckFormat}}},
		{"presentation-cose-single.txt", false, want{fail: []string{CheckFormat}}},
		{"presentation-single.json", false, want{fail: []string{CheckFormat}}},
		{"presentation-selective.json", false, want{fail: []string{CheckFormat}}},
		{"credential-sdjwt-selective.txt", true, want{ok: []string{CheckSignature, CheckDisclosures, CheckValidity, CheckSchema}}},
		{"credential-sdjwt-nested.txt", true, want{ok: []string{CheckSignature, CheckDisclosures}}},
		{"credential-sdjwt-bad-signature.txt", true, want{fail: []string{CheckSignature}}},
		{"credential-sdjwt-bad-media-type.txt", true, want{fail: []string{CheckFormat}}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			raw := strings.TrimSpace(string(readVector(t, filepath.Join(dir, tc.file))))
			var res *Result
			if tc.sd {
				res = v.VerifySDJWT(ctx, raw)
			} else {
				res = v.VerifyPresentation(ctx, raw, PresentationOptions{})
			}
			logChecks(t, res)
			find := func(key string) (Check, bool) {
				cred, name, ok := strings.Cut(key, "|")
				if !ok {
					cred, name = "", key
				}
				for _, c := range res.Checks {
					if c.Name == name && c.Credential == cred {
						return c, true
					}
				}
				return Check{}, false
			}
			for _, k := range tc.want.ok {
				if c, found := find(k); !found || !c.OK {
					t.Errorf("%s: want ok, found=%v", k, found)
				}
			}
			for _, k := range tc.want.fail {
				if c, found := find(k); !found || c.OK {
					t.Errorf("%s: want failure, found=%v", k, found)
				}
			}
			if len(tc.want.fail) > 0 && res.Verified {
				t.Errorf("verified")
			}
			if tc.sd && len(tc.want.fail) == 0 && !res.Verified {
				t.Errorf("SD-JWT credential did not verify")
			}
		})
	}
}
