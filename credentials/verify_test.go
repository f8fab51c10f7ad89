package credentials

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	secpecdsa "github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/citizencloud/citizencredentials/credentials/jose"
	"github.com/citizencloud/citizencredentials/did"
	"github.com/citizencloud/citizencredentials/fault"
)

// testSigner is a Signer over an in-memory key.
type testSigner struct {
	crypto.Signer
	kid string
}

func (s testSigner) KeyID() string { return s.kid }

var testNow = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

type issuer struct {
	name   string
	did    string
	signer testSigner
}

func newKey(t *testing.T, alg string) crypto.Signer {
	t.Helper()
	switch alg {
	case "Ed25519":
		_, k, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	case "P-256":
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	t.Fatalf("alg %s", alg)
	return nil
}

// newIssuers returns did:key and did:jwk issuers for Ed25519 and P-256.
func newIssuers(t *testing.T) []issuer {
	t.Helper()
	var out []issuer
	for _, alg := range []string{"Ed25519", "P-256"} {
		k := newKey(t, alg)
		kd, err := did.NewKeyDID(k.Public())
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, issuer{"did:key/" + alg, kd, testSigner{k, kd + "#" + strings.TrimPrefix(kd, "did:key:")}})
		k = newKey(t, alg)
		jd, err := did.NewJWKDID(k.Public())
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, issuer{"did:jwk/" + alg, jd, testSigner{k, jd + "#0"}})
	}
	return out
}

// bureau is a did:web issuer resolved from an in-memory "store".
type bureau struct {
	did    string
	signer testSigner
	doc    *did.Document
}

func newBureau(t *testing.T, slug, alg string) bureau {
	t.Helper()
	k := newKey(t, alg)
	d := did.WebDID("citizen.example", "bureaus", slug)
	vm, err := did.NewJWKMethod(d+"#key-1", d, k.Public())
	if err != nil {
		t.Fatal(err)
	}
	doc := &did.Document{Context: []string{did.ContextDIDv1, did.ContextJWK}, ID: d,
		VerificationMethod: []did.VerificationMethod{vm}, AssertionMethod: []string{vm.ID}}
	return bureau{did: d, signer: testSigner{k, vm.ID}, doc: doc}
}

func webResolver(bureaus ...bureau) did.Resolver {
	return did.NewWebResolver(func(_ context.Context, d string) (*did.Document, error) {
		for _, b := range bureaus {
			if b.did == d {
				return b.doc, nil
			}
		}
		return nil, fault.E(fault.NotFound, "%s is not a bureau of this service", d)
	}, did.WithHosts("citizen.example"))
}

func draftFor(iss, subject string) Draft {
	until := testNow.Add(30 * 24 * time.Hour)
	return Draft{
		ID: "urn:uuid:0190c2d4-0000-7000-8000-00000000000a", Issuer: iss, Subject: subject,
		Type: "VolunteerServiceCredential", Claims: validClaims["VolunteerServiceCredential"],
		ValidFrom: testNow.Add(-24 * time.Hour), ValidUntil: &until,
	}
}

func mustSign(t *testing.T, c *Catalogue, d Draft, s Signer) string {
	t.Helper()
	vc, err := c.Build(d)
	if err != nil {
		t.Fatal(err)
	}
	jwt, err := jose.SignCredential(vc, s)
	if err != nil {
		t.Fatal(err)
	}
	return jwt
}

func checkNames(cs []Check) string {
	var n []string
	for _, c := range cs {
		n = append(n, c.Name)
	}
	return strings.Join(n, ",")
}

func findCheck(cs []Check, name string) (Check, bool) {
	for _, c := range cs {
		if c.Name == name {
			return c, true
		}
	}
	return Check{}, false
}

// TestSignVerifyRoundTrip signs with Ed25519 and P-256 keys of did:key,
// did:jwk and did:web issuers and verifies.
func TestSignVerifyRoundTrip(t *testing.T) {
	cat := newTestCatalogue(t)
	subject := "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
	b := newBureau(t, "volunteering", "Ed25519")
	b2 := newBureau(t, "learning", "P-256")
	v := NewVerifier(did.NewLocalRouter(webResolver(b, b2)), cat, WithClock(func() time.Time { return testNow }))
	iss := newIssuers(t)
	iss = append(iss, issuer{"did:web/Ed25519", b.did, b.signer}, issuer{"did:web/P-256", b2.did, b2.signer})
	for _, is := range iss {
		t.Run(is.name, func(t *testing.T) {
			d := draftFor(is.did, subject)
			d.Status = []map[string]any{{"id": "https://citizen.example/status/l1#7", "type": "BitstringStatusListEntry",
				"statusPurpose": "revocation", "statusListIndex": "7", "statusListCredential": "https://citizen.example/status/l1"}}
			jwt := mustSign(t, cat, d, is.signer)
			res := v.VerifyCredential(context.Background(), jwt)
			if !res.Verified {
				t.Fatalf("not verified: %+v", res.Checks)
			}
			if got := checkNames(res.Checks); got != "signature,issuer_known,validity,schema" {
				t.Fatalf("checks %s", got)
			}
			if len(res.Credentials) != 1 {
				t.Fatalf("summaries %+v", res.Credentials)
			}
			s := res.Credentials[0]
			if s.Issuer != is.did || s.Subject != subject || s.Claims["organization"] != "Red Cross" || s.ID == "" ||
				strings.Join(s.Types, ",") != "VerifiableCredential,VolunteerServiceCredential" || s.ValidFrom == nil || s.ValidUntil == nil {
				t.Fatalf("summary %+v", s)
			}
			// The header and payload follow VC-JOSE-COSE.
			j, err := jose.Parse(jwt, "JWT")
			if err != nil {
				t.Fatal(err)
			}
			hdr, payload := j.Header, j.Payload
			wantAlg := map[string]string{"Ed25519": "EdDSA", "P-256": "ES256"}[strings.Split(is.name, "/")[1]]
			if hdr["typ"] != "vc+jwt" || hdr["cty"] != "vc" || hdr["kid"] != is.signer.kid || hdr["alg"] != wantAlg {
				t.Fatalf("header %v", hdr)
			}
			p, err := ParseCredential(jwt)
			if err != nil || p.Format != FormatJWT || p.KeyID != is.signer.kid || len(p.Status) != 1 || p.Status[0]["statusPurpose"] != "revocation" {
				t.Fatalf("parsed %+v, %v", p, err)
			}
			if payload["iss"] != is.did || payload["sub"] != subject || payload["jti"] != s.ID || payload["vc"] != nil ||
				payload["nbf"] != float64(s.ValidFrom.Unix()) || payload["exp"] != float64(s.ValidUntil.Unix()) {
				t.Fatalf("payload %v", payload)
			}
		})
	}
}

// tamper replaces the payload of a compact JWS, keeping header and signature.
func tamper(t *testing.T, jwt string, edit func(map[string]any)) string {
	t.Helper()
	parts := strings.Split(jwt, ".")
	j, err := jose.Parse(jwt, "JWT")
	if err != nil {
		t.Fatal(err)
	}
	payload := j.Payload
	edit(payload)
	b, _ := json.Marshal(payload)
	return parts[0] + "." + base64.RawURLEncoding.EncodeToString(b) + "." + parts[2]
}

func TestVerifyCredential(t *testing.T) {
	cat := newTestCatalogue(t)
	ctx := context.Background()
	subject := "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
	b := newBureau(t, "volunteering", "Ed25519")
	ghost := newBureau(t, "ghost", "Ed25519") // never stored
	v := NewVerifier(did.NewLocalRouter(webResolver(b)), cat, WithClock(func() time.Time { return testNow }))
	other := testSigner{newKey(t, "Ed25519"), b.signer.kid}

	expired := draftFor(b.did, subject)
	expired.ValidFrom = testNow.Add(-48 * time.Hour)
	past := testNow.Add(-time.Hour)
	expired.ValidUntil = &past
	future := draftFor(b.did, subject)
	future.ValidFrom = testNow.Add(time.Hour)

	// A credential whose claims break the schema, signed anyway (Build
	// would refuse it).
	badVC, err := cat.Build(draftFor(b.did, subject))
	if err != nil {
		t.Fatal(err)
	}
	badVC["credentialSubject"].(map[string]any)["hours"] = -3
	badJWT, err := jose.SignCredential(badVC, b.signer)
	if err != nil {
		t.Fatal(err)
	}
	foreignVC, _ := cat.Build(draftFor(b.did, subject))
	foreignVC["type"] = []any{"VerifiableCredential", "ExampleAlumniCredential"}
	foreignJWT, err := jose.SignCredential(foreignVC, b.signer)
	if err != nil {
		t.Fatal(err)
	}

	good := mustSign(t, cat, draftFor(b.did, subject), b.signer)
	tests := []struct {
		name     string
		jwt      string
		verified bool
		failing  map[string]string // check name → substring of its message
	}{
		{"ok", good, true, nil},
		{"ok/foreign-type", foreignJWT, true, nil},
		{"fail/tampered", tamper(t, good, func(p map[string]any) { p["credentialSubject"].(map[string]any)["hours"] = 1000 }), false,
			map[string]string{CheckSignature: "does not verify"}},
		{"fail/other-key", mustSign(t, cat, draftFor(b.did, subject), other), false, map[string]string{CheckSignature: "does not verify"}},
		{"fail/expired", mustSign(t, cat, expired, b.signer), false, map[string]string{CheckValidity: "expired: valid until " + past.Format(time.RFC3339)}},
		{"fail/not-yet-valid", mustSign(t, cat, future, b.signer), false, map[string]string{CheckValidity: "not valid yet: valid from " + future.ValidFrom.Format(time.RFC3339)}},
		{"fail/unknown-issuer", mustSign(t, cat, draftFor(ghost.did, subject), ghost.signer), false, map[string]string{
			CheckSignature:   "not available",
			CheckIssuerKnown: "issuer " + ghost.did + " is not a known bureau or resolvable DID",
		}},
		{"fail/schema", badJWT, false, map[string]string{CheckSchema: "hours must be at least 0"}},
		{"fail/kid-of-another-did", tamperHeader(t, good, "kid", "did:web:citizen.example:bureaus:other#key-1"), false, map[string]string{CheckSignature: "does not belong to the issuer"}},
		{"fail/kid-unknown", tamperHeader(t, good, "kid", "#key-9"), false, map[string]string{CheckSignature: "is not in the DID document"}},
		{"fail/alg-mismatch", tamperHeader(t, good, "alg", "ES256"), false, map[string]string{CheckSignature: "needs EdDSA"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := v.VerifyCredential(ctx, tt.jwt)
			if res.Verified != tt.verified {
				t.Fatalf("verified = %v; checks %+v", res.Verified, res.Checks)
			}
			if got := checkNames(res.Checks); got != "signature,issuer_known,validity,schema" {
				t.Fatalf("checks %s", got)
			}
			for _, c := range res.Checks {
				want, shouldFail := tt.failing[c.Name]
				if c.OK == shouldFail {
					t.Errorf("check %s ok=%v: %s", c.Name, c.OK, c.Message)
				}
				if shouldFail && !strings.Contains(c.Message, want) {
					t.Errorf("check %s message %q lacks %q", c.Name, c.Message, want)
				}
				if c.Message == "" {
					t.Errorf("check %s has no message", c.Name)
				}
			}
			if tt.name == "ok/foreign-type" {
				if c, _ := findCheck(res.Checks, CheckSchema); c.Message != "no schema for type ExampleAlumniCredential; not checked" {
					t.Errorf("schema message %q", c.Message)
				}
			}
		})
	}
}

func tamperHeader(t *testing.T, jwt, key, value string) string {
	t.Helper()
	parts := strings.Split(jwt, ".")
	j, err := jose.Parse(jwt, "JWT")
	if err != nil {
		t.Fatal(err)
	}
	hdr := j.Header
	hdr[key] = value
	b, _ := json.Marshal(hdr)
	return base64.RawURLEncoding.EncodeToString(b) + "." + parts[1] + "." + parts[2]
}

func TestVerifyFormat(t *testing.T) {
	cat := newTestCatalogue(t)
	b := newBureau(t, "volunteering", "Ed25519")
	v := NewVerifier(did.NewLocalRouter(webResolver(b)), cat, WithClock(func() time.Time { return testNow }))
	good := mustSign(t, cat, draftFor(b.did, "did:example:alice"), b.signer)
	enc := func(v any) string { bb, _ := json.Marshal(v); return base64.RawURLEncoding.EncodeToString(bb) }
	parts := strings.Split(good, ".")
	j, err := jose.Parse(good, "JWT")
	if err != nil {
		t.Fatal(err)
	}
	payload := j.Payload
	tests := map[string]struct{ in, want string }{
		"fail/empty":       {"", "empty"},
		"fail/json":        {`{"@context":["https://www.w3.org/ns/credentials/v2"]}`, "unsecured JSON credential"},
		"fail/two-parts":   {"abc.def", "three dot-separated parts"},
		"fail/sd-jwt":      {good + "~WyJ4Il0~", "SD-JWT"},
		"fail/bad-base64":  {"@@@." + parts[1] + "." + parts[2], "header is not base64url"},
		"fail/alg-none":    {enc(map[string]any{"alg": "none", "typ": "vc+jwt"}) + "." + parts[1] + ".c2ln", "not signed"},
		"fail/alg-hs256":   {enc(map[string]any{"alg": "HS256", "typ": "vc+jwt"}) + "." + parts[1] + ".c2ln", "HS256"},
		"fail/bad-typ":     {enc(map[string]any{"alg": "EdDSA", "typ": "bad+typ"}) + "." + parts[1] + ".c2ln", "unsupported JWT type"},
		"fail/bad-cty":     {enc(map[string]any{"alg": "EdDSA", "typ": "vc+jwt", "cty": "bad+cty"}) + "." + parts[1] + ".c2ln", "content type"},
		"fail/vp":          {enc(map[string]any{"alg": "EdDSA", "typ": "vp+jwt"}) + "." + parts[1] + ".c2ln", "presentation"},
		"fail/crit":        {enc(map[string]any{"alg": "EdDSA", "crit": []string{"b64"}, "b64": false}) + "." + parts[1] + ".c2ln", "critical"},
		"fail/vc-claim":    {parts[0] + "." + enc(with(payload, "vc", "oops")) + ".c2ln", "must not have \"vc\" or \"vp\" claims"},
		"fail/iss-differs": {parts[0] + "." + enc(with(payload, "iss", "did:web:evil.example")) + ".c2ln", "iss claim does not match"},
		"fail/exp-string":  {parts[0] + "." + enc(with(payload, "exp", "2030-01-01")) + ".c2ln", "NumericDate"},
		"fail/no-issuer":   {parts[0] + "." + enc(with(with(payload, "issuer", nil), "iss", nil)) + ".c2ln", "no issuer"},
		"fail/v1-context":  {parts[0] + "." + enc(with(payload, "@context", []any{ContextV1})) + ".c2ln", "vc claim"},
		"fail/type":        {parts[0] + "." + enc(with(payload, "type", "Foo")) + ".c2ln", "VerifiableCredential"},
		"fail/validFrom":   {parts[0] + "." + enc(with(payload, "validFrom", "yesterday")) + ".c2ln", "validFrom is not an RFC 3339"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			res := v.VerifyCredential(context.Background(), tt.in)
			if res.Verified || len(res.Checks) != 1 || res.Checks[0].Name != CheckFormat || res.Checks[0].OK {
				t.Fatalf("result %+v", res)
			}
			if !strings.Contains(res.Checks[0].Message, tt.want) {
				t.Fatalf("message %q lacks %q", res.Checks[0].Message, tt.want)
			}
		})
	}
}

// TestVerifyV1JWT verifies a VCDM 1.1 JWT credential (vc claim plus
// registered claims) signed by a did:key issuer, with an extension check.
func TestVerifyV1JWT(t *testing.T) {
	cat := newTestCatalogue(t)
	k := newKey(t, "P-256")
	kd, _ := did.NewKeyDID(k.Public())
	kid := kd + "#" + strings.TrimPrefix(kd, "did:key:")
	payload := map[string]any{
		"iss": kd, "sub": "did:example:bob", "jti": "urn:uuid:v1", "nbf": testNow.Add(-time.Hour).Unix(), "exp": testNow.Add(time.Hour).Unix(),
		"vc": map[string]any{
			"@context":          []any{ContextV1},
			"type":              []any{"VerifiableCredential", "MaritalStatusCredential"},
			"credentialSubject": validClaims["MaritalStatusCredential"],
			"credentialStatus":  map[string]any{"id": "https://x/status/1#5", "type": "BitstringStatusListEntry"},
		},
	}
	body, _ := json.Marshal(payload)
	hdr := jws.NewHeaders()
	_ = hdr.Set(jws.KeyIDKey, kid)
	_ = hdr.Set(jws.TypeKey, "JWT")
	signed, err := jws.Sign(body, jws.WithKey(jwa.ES256, k, jws.WithProtectedHeaders(hdr)))
	if err != nil {
		t.Fatal(err)
	}
	var seen *Parsed
	ext := ExtensionFunc(func(_ context.Context, p *Parsed) []Check {
		seen = p
		return []Check{{Name: "status", OK: false, Message: "revoked"}}
	})
	v := NewVerifier(did.NewLocalRouter(nil), cat, WithClock(func() time.Time { return testNow }), WithExtensions(ext))
	res := v.VerifyCredential(context.Background(), string(signed))
	if res.Verified {
		t.Fatal("a failing extension check must fail the result")
	}
	if got := checkNames(res.Checks); got != "signature,issuer_known,validity,schema,status" {
		t.Fatalf("checks %s", got)
	}
	for _, c := range res.Checks[:4] {
		if !c.OK {
			t.Fatalf("check %s failed: %s", c.Name, c.Message)
		}
	}
	if seen == nil || seen.Format != FormatJWTV1 || seen.Issuer != kd || seen.Subject != "did:example:bob" || seen.ID != "urn:uuid:v1" ||
		len(seen.Status) != 1 || seen.KeyID != kid || seen.ValidFrom == nil || !seen.ValidUntil.Equal(testNow.Add(time.Hour)) {
		t.Fatalf("parsed %+v", seen)
	}
	if c, _ := findCheck(res.Checks, CheckIssuerKnown); !strings.Contains(c.Message, "self-certifying") {
		t.Fatalf("issuer_known message %q", c.Message)
	}
}

// TestVerifyES256K checks a secp256k1 did:key issuer (signed by hand:
// jwx signs ES256K only with a build tag).
func TestVerifyES256K(t *testing.T) {
	cat := newTestCatalogue(t)
	priv, err := secp256k1.GeneratePrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	kd, _ := did.NewKeyDID(priv.PubKey())
	vc, _ := cat.Build(draftFor(kd, "did:example:bob"))
	body, _ := json.Marshal(vc)
	hdr, _ := json.Marshal(map[string]any{"alg": "ES256K", "typ": "vc+jwt", "kid": kd + "#" + strings.TrimPrefix(kd, "did:key:")})
	input := base64.RawURLEncoding.EncodeToString(hdr) + "." + base64.RawURLEncoding.EncodeToString(body)
	h := sha256.Sum256([]byte(input))
	sig := secpecdsa.Sign(priv, h[:])
	r, s := sig.R(), sig.S()
	rb, sb := r.Bytes(), s.Bytes()
	jwt := input + "." + base64.RawURLEncoding.EncodeToString(append(rb[:], sb[:]...))
	v := NewVerifier(did.NewLocalRouter(nil), cat, WithClock(func() time.Time { return testNow }))
	if res := v.VerifyCredential(context.Background(), jwt); !res.Verified {
		t.Fatalf("%+v", res.Checks)
	}
	if res := v.VerifyCredential(context.Background(), tamper(t, jwt, func(p map[string]any) { p["id"] = "urn:uuid:x"; p["jti"] = "urn:uuid:x" })); res.Verified {
		t.Fatal("tampered ES256K credential verified")
	}
}

func TestSignJWTRefuses(t *testing.T) {
	cat := newTestCatalogue(t)
	b := newBureau(t, "volunteering", "Ed25519")
	vc, _ := cat.Build(draftFor(b.did, "did:example:alice"))
	p224, _ := ecdsa.GenerateKey(elliptic.P224(), rand.Reader)
	tests := map[string]struct {
		vc map[string]any
		s  Signer
	}{
		"fail/other-issuer": {vc, testSigner{b.signer.Signer, "did:web:citizen.example:bureaus:other#key-1"}},
		"fail/relative-kid": {vc, testSigner{b.signer.Signer, "#key-1"}},
		"fail/vc-claim":     {with(vc, "vc", map[string]any{}), b.signer},
		"fail/v1-context":   {with(vc, "@context", []any{ContextV1}), b.signer},
		"fail/bad-curve":    {vc, testSigner{p224, b.signer.kid}},
		"fail/nil-signer":   {vc, nil},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := jose.SignCredential(tt.vc, tt.s); fault.CodeOf(err) != fault.Invalid {
				t.Fatalf("err %v", err)
			}
		})
	}
}

// FuzzVerifyCredential checks that hostile input never panics and always
// yields an explained, unverified result (the fuzzer has no key).
func FuzzVerifyCredential(f *testing.F) {
	cat, err := NewCatalogue(testBase)
	if err != nil {
		f.Fatal(err)
	}
	// A fixed key: fuzz workers rebuild this setup and must get the same
	// (deterministic Ed25519) credential.
	k := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	kd, _ := did.NewKeyDID(k.Public())
	vc, _ := cat.Build(draftFor(kd, "did:example:alice"))
	good, err := jose.SignCredential(vc, testSigner{k, kd + "#" + strings.TrimPrefix(kd, "did:key:")})
	if err != nil {
		f.Fatal(err)
	}
	parts := strings.Split(good, ".")
	for _, s := range []string{
		good, parts[0] + "." + parts[1] + ".", "a.b.c", "", "{}", "e30.e30.e30", good + "~",
		"eyJhbGciOiJFZERTQSJ9.eyJ2YyI6e319.c2ln", "eyJhbGciOiJFZERTQSJ9.eyJ2YyI6W119.c2ln",
		"eyJhbGciOiJFZERTQSJ9.eyJAY29udGV4dCI6WyJodHRwczovL3d3dy53My5vcmcvbnMvY3JlZGVudGlhbHMvdjIiXSwidHlwZSI6WyJWZXJpZmlhYmxlQ3JlZGVudGlhbCJdLCJpc3N1ZXIiOnsiaWQiOjF9fQ.c2ln",
	} {
		f.Add(s)
	}
	v := NewVerifier(did.NewLocalRouter(nil), cat, WithClock(func() time.Time { return testNow }))
	f.Fuzz(func(t *testing.T, raw string) {
		res := v.VerifyCredential(context.Background(), raw)
		if res == nil || len(res.Checks) == 0 {
			t.Fatal("no result")
		}
		for _, c := range res.Checks {
			if c.Message == "" {
				t.Fatalf("check %+v for %q", c, raw)
			}
		}
		if res.Verified && raw != good {
			// Only a byte-identical copy of a signed credential (modulo
			// surrounding space) may verify.
			if strings.TrimSpace(raw) != good {
				t.Fatalf("forged input verified: %q", raw)
			}
		}
	})
}
