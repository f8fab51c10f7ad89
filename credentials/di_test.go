package credentials

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/citizencloud/citizencredentials/credentials/vcdm"
	"github.com/citizencloud/citizencredentials/dataintegrity"
	"github.com/citizencloud/citizencredentials/did"
)

// didKeySigner returns a did:key issuer of the given key type.
func didKeySigner(t *testing.T, alg string) (string, testSigner) {
	t.Helper()
	var k crypto.Signer
	var err error
	switch alg {
	case "Ed25519":
		_, k, err = ed25519.GenerateKey(rand.Reader)
	case "P-256":
		k, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "P-384":
		k, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	}
	if err != nil || k == nil {
		t.Fatalf("key %s: %v", alg, err)
	}
	d, err := did.NewKeyDID(k.Public())
	if err != nil {
		t.Fatal(err)
	}
	return d, testSigner{k, d + "#" + strings.TrimPrefix(d, "did:key:")}
}

func catalogueCredential(t *testing.T, c *Catalogue, issuer string) map[string]any {
	t.Helper()
	until := testNow.AddDate(1, 0, 0)
	vc, err := c.Build(Draft{
		ID: "urn:uuid:9f1c6c8e-3b9b-4d5e-9a59-5b8b1c2f6a10", Issuer: issuer, Subject: "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
		Type: "LifelongLearningCredential", Claims: validClaims["LifelongLearningCredential"],
		ValidFrom: testNow.AddDate(0, -1, 0), ValidUntil: &until,
	})
	if err != nil {
		t.Fatal(err)
	}
	return vc
}

func diJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSignDataIntegrityRoundTrip(t *testing.T) {
	cat := newTestCatalogue(t)
	loader := dataintegrity.NewContextLoader(cat)
	for _, tc := range []struct{ alg, suite string }{
		{"Ed25519", dataintegrity.SuiteEdDSARDFC2022}, {"P-256", dataintegrity.SuiteECDSARDFC2019}, {"P-384", dataintegrity.SuiteECDSARDFC2019},
	} {
		t.Run(tc.alg, func(t *testing.T) {
			issuer, s := didKeySigner(t, tc.alg)
			vc := catalogueCredential(t, cat, issuer)
			signed, err := SignDataIntegrity(vc, s, testNow, SignWithLoader(loader))
			if err != nil {
				t.Fatal(err)
			}
			proof := signed["proof"].(map[string]any)
			if proof["cryptosuite"] != tc.suite || proof["verificationMethod"] != s.KeyID() || proof["proofPurpose"] != dataintegrity.PurposeAssertion || !strings.HasPrefix(proof["proofValue"].(string), "z") {
				t.Fatalf("proof %v", proof)
			}
			if _, ok := vc["proof"]; ok {
				t.Fatal("SignDataIntegrity modified its input")
			}
			v := NewVerifier(did.NewLocalRouter(nil), cat, WithClock(func() time.Time { return testNow }))
			raw := diJSON(t, signed)
			res := v.VerifyCredential(context.Background(), raw)
			if !res.Verified {
				t.Fatalf("not verified: %+v", res.Checks)
			}
			if sig, _ := findCheck(res.Checks, CheckSignature); !strings.Contains(sig.Message, tc.suite) {
				t.Errorf("signature message does not name the cryptosuite: %q", sig.Message)
			}
			if res.Credentials[0].Issuer != issuer || len(res.Checks) != 4 {
				t.Errorf("result %+v", res)
			}

			// Tampered claim: the signature check fails.
			tampered := strings.Replace(raw, `"City College"`, `"Town College"`, 1)
			res = v.VerifyCredential(context.Background(), tampered)
			if sig, _ := findCheck(res.Checks, CheckSignature); res.Verified || sig.OK {
				t.Fatalf("tampered credential verified: %+v", res.Checks)
			}
			// The same credential without our context loader cannot be
			// verified: the context is refused, not fetched.
			res = NewVerifier(did.NewLocalRouter(nil), nil).VerifyCredential(context.Background(), raw)
			if sig, _ := findCheck(res.Checks, CheckSignature); sig.OK || !strings.Contains(sig.Message, "is not allowed: the service loads only embedded contexts and those of active consortium members") {
				t.Fatalf("unknown context: %+v", res.Checks)
			}
		})
	}
}

func TestDataIntegrityIssuerBinding(t *testing.T) {
	cat := newTestCatalogue(t)
	issuer, _ := didKeySigner(t, "Ed25519")
	_, other := didKeySigner(t, "Ed25519")
	vc := catalogueCredential(t, cat, issuer)
	signed, err := SignDataIntegrity(vc, other, testNow, SignWithLoader(dataintegrity.NewContextLoader(cat)))
	if err != nil {
		t.Fatal(err)
	}
	v := NewVerifier(did.NewLocalRouter(nil), cat, WithClock(func() time.Time { return testNow }))
	res := v.VerifyCredential(context.Background(), diJSON(t, signed))
	sig, _ := findCheck(res.Checks, CheckSignature)
	if res.Verified || sig.OK || !strings.Contains(sig.Message, "no proof is by a key of the issuer") {
		t.Fatalf("a proof by another key was accepted: %+v", res.Checks)
	}
	// The proof itself verifies.
	results, err := v.VerifyProofs(context.Background(), signed, dataintegrity.ProofExpectations{})
	if err != nil || results[0].Err != nil || results[0].Controller == issuer {
		t.Fatalf("VerifyProofs: %v %+v", err, results)
	}
}

func TestProofSetsChainsAndPurposes(t *testing.T) {
	issuer, s1 := didKeySigner(t, "Ed25519")
	_, s2 := didKeySigner(t, "P-256")
	vc := map[string]any{
		"@context": []any{ContextV2}, "type": []any{"VerifiableCredential"}, "issuer": issuer,
		"validFrom": "2024-01-01T00:00:00Z", "credentialSubject": map[string]any{"id": "did:example:subject", "name": "Alice"},
	}
	doc, err := dataintegrity.AddProof(vc, s1, nil, dataintegrity.ProofOptions{ID: "urn:uuid:p1", Created: testNow})
	if err != nil {
		t.Fatal(err)
	}
	doc, err = dataintegrity.AddProof(doc, s2, nil, dataintegrity.ProofOptions{ID: "urn:uuid:p2", Created: testNow, PreviousProof: []string{"urn:uuid:p1"}, Cryptosuite: dataintegrity.SuiteECDSAJCS2019})
	if err != nil {
		t.Fatal(err)
	}
	v := NewVerifier(did.NewLocalRouter(nil), nil, WithClock(func() time.Time { return testNow }))
	res := v.VerifyCredential(context.Background(), diJSON(t, doc))
	if !res.Verified {
		t.Fatalf("proof chain: %+v", res.Checks)
	}
	// A chain whose previous proof is missing fails.
	var broken map[string]any
	if err := json.Unmarshal([]byte(diJSON(t, doc)), &broken); err != nil {
		t.Fatal(err)
	}
	broken["proof"] = []any{broken["proof"].([]any)[1]}
	if r, _ := v.VerifyProofs(context.Background(), broken, dataintegrity.ProofExpectations{}); r[0].Err == nil || !strings.Contains(r[0].Err.Error(), "previous proof") {
		t.Fatalf("missing previous proof: %+v", r)
	}
	// A presentation-style proof: purpose, challenge and domain.
	vp, err := dataintegrity.AddProof(map[string]any{"@context": []any{ContextV2}, "type": []any{"VerifiablePresentation"}, "holder": issuer}, s1, nil,
		dataintegrity.ProofOptions{Purpose: dataintegrity.PurposeAuthentication, Challenge: "c-123", Domain: "verifier.example", Created: testNow})
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		exp dataintegrity.ProofExpectations
		ok  bool
	}{
		"ok":              {dataintegrity.ProofExpectations{Purpose: dataintegrity.PurposeAuthentication, Challenge: "c-123", Domain: "verifier.example"}, true},
		"fail/challenge":  {dataintegrity.ProofExpectations{Purpose: dataintegrity.PurposeAuthentication, Challenge: "other"}, false},
		"fail/domain":     {dataintegrity.ProofExpectations{Purpose: dataintegrity.PurposeAuthentication, Domain: "evil.example"}, false},
		"fail/purpose":    {dataintegrity.ProofExpectations{Purpose: dataintegrity.PurposeAssertion}, false},
		"ok/no-challenge": {dataintegrity.ProofExpectations{Purpose: dataintegrity.PurposeAuthentication}, true},
	} {
		r, err := v.VerifyProofs(context.Background(), vp, tc.exp)
		if err != nil || (r[0].Err == nil) != tc.ok {
			t.Errorf("%s: %v %+v", name, err, r)
		}
	}
	// An expired proof fails.
	exp, _ := dataintegrity.AddProof(vc, s1, nil, dataintegrity.ProofOptions{Expires: testNow.Add(-time.Hour)})
	if r, _ := v.VerifyProofs(context.Background(), exp, dataintegrity.ProofExpectations{}); r[0].Err == nil || !strings.Contains(r[0].Err.Error(), "expired") {
		t.Errorf("expired proof: %+v", r)
	}
}

func TestLegacyEd25519Signature2020(t *testing.T) {
	issuer, s := didKeySigner(t, "Ed25519")
	vc := map[string]any{
		"@context": []any{ContextV1}, "type": []any{"VerifiableCredential"}, "issuer": issuer,
		"issuanceDate": "2024-01-01T00:00:00Z", "credentialSubject": map[string]any{"id": "did:example:subject"},
	}
	signed, err := dataintegrity.AddProof(vc, s, nil, dataintegrity.ProofOptions{Type: dataintegrity.ProofTypeEd25519Signature2020, Created: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if ctx := vcdm.Contexts(signed["@context"]); len(ctx) != 2 || ctx[1] != dataintegrity.ContextEd25519Signature2020 {
		t.Fatalf("suite context not added: %v", ctx)
	}
	v := NewVerifier(did.NewLocalRouter(nil), nil, WithClock(func() time.Time { return testNow }))
	if res := v.VerifyCredential(context.Background(), diJSON(t, signed)); !res.Verified {
		t.Fatalf("%+v", res.Checks)
	}
	// VCDM 1.1: an undefined property is refused (JSON-LD safe mode), not
	// silently left out of the signature.
	signed["newProp"] = "foo"
	res := v.VerifyCredential(context.Background(), diJSON(t, signed))
	if sig, _ := findCheck(res.Checks, CheckSignature); sig.OK || !strings.Contains(sig.Message, "not defined") {
		t.Fatalf("undefined property: %+v", res.Checks)
	}
}

func TestContextLoader(t *testing.T) {
	cat := newTestCatalogue(t)
	l := dataintegrity.NewContextLoader(cat)
	if _, err := l.Document("https://example.org/ctx/v1"); err == nil || !errors.Is(err, dataintegrity.ErrContextNotAllowed) ||
		err.Error() != "JSON-LD context https://example.org/ctx/v1 is not allowed: the service loads only embedded contexts and those of active consortium members" {
		t.Fatalf("unknown URL: %v", err)
	}
	if _, err := l.Document(cat.ContextURL()); err != nil {
		t.Fatalf("own context: %v", err)
	}
	fetched := 0
	l = dataintegrity.NewContextLoader(cat, dataintegrity.WithRemoteContexts([]string{"https://contexts.partner.example/"}, func(_ context.Context, u string) ([]byte, error) {
		fetched++
		return []byte(`{"@context": {"partnerTerm": "https://contexts.partner.example/vocab#partnerTerm"}}`), nil
	}))
	for i := 0; i < 2; i++ {
		if _, err := l.Document("https://contexts.partner.example/v1"); err != nil {
			t.Fatal(err)
		}
	}
	if fetched != 1 {
		t.Errorf("fetched %d times, want 1 (cached)", fetched)
	}
	if _, err := l.Document("https://contexts.partner.example.evil/v1"); err == nil {
		t.Error("a URL outside the allow-listed prefix was loaded")
	}
	if len(l.URLs()) != len(dataintegrity.EmbeddedContexts())+1 {
		t.Errorf("URLs %v", l.URLs())
	}
}

// FuzzVerifyDataIntegrity feeds arbitrary JSON credentials to the Data
// Integrity path: it must never panic or hang.
func FuzzVerifyDataIntegrity(f *testing.F) {
	for _, s := range []string{
		`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":"VerifiableCredential","issuer":"did:example:1","credentialSubject":{"id":"did:example:2"},"proof":{"type":"DataIntegrityProof","cryptosuite":"eddsa-rdfc-2022","proofPurpose":"assertionMethod","verificationMethod":"did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2","proofValue":"z1"}}`,
		`{"@context":["https://www.w3.org/2018/credentials/v1"],"type":["VerifiableCredential"],"issuer":{"id":"did:key:x"},"proof":[{"type":"JsonWebSignature2020","jws":"a..b"},{"previousProof":["x"]}]}`,
		`{"proof":{}}`,
	} {
		f.Add(s)
	}
	v := NewVerifier(did.NewLocalRouter(nil), nil)
	f.Fuzz(func(t *testing.T, raw string) {
		res := v.VerifyCredential(context.Background(), raw)
		if res == nil || len(res.Checks) == 0 {
			t.Fatal("no result")
		}
	})
}

// TestECDSASDDerivedVectors verifies the ecdsa-sd-2023 derived proofs of
// the shared corpus and refuses altered disclosures.
func TestECDSASDDerivedVectors(t *testing.T) {
	v := NewVerifier(did.NewLocalRouter(nil), nil)
	for _, name := range []string{"employ", "prc"} {
		raw, err := os.ReadFile(filepath.Join(vectorsDir, "04-di-ecdsa/ecdsa-sd-2023", name, "derivedRevealDocument.json"))
		if err != nil {
			t.Skipf("conformance vectors not available: %v", err)
		}
		var doc map[string]any
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		r, err := v.VerifyProofs(context.Background(), doc, dataintegrity.ProofExpectations{})
		if err != nil || r[0].Err != nil {
			t.Fatalf("%s: %v %+v", name, err, r)
		}
		subj := doc["credentialSubject"].(map[string]any)
		for k, val := range subj {
			if s, ok := val.(string); ok && k != "id" {
				subj[k] = s + "x"
				break
			}
		}
		if r, _ := v.VerifyProofs(context.Background(), doc, dataintegrity.ProofExpectations{}); r[0].Err == nil {
			t.Errorf("%s: an altered disclosure verified", name)
		}
	}
}
