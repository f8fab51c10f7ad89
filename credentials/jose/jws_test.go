package jose

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
)

type testSigner struct {
	ed25519.PrivateKey
	kid string
}

func (s testSigner) KeyID() string { return s.kid }

func part(v any) string {
	b, _ := json.Marshal(v)
	return base64.RawURLEncoding.EncodeToString(b)
}

func TestParse(t *testing.T) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	good, err := Sign(map[string]any{"iss": "did:example:a"}, testSigner{priv, "did:example:a#k"}, map[string]any{"kid": "did:example:a#k", "typ": "application/VC+JWT"})
	if err != nil {
		t.Fatal(err)
	}
	body := part(map[string]any{"a": 1})
	tests := map[string]struct{ in, want string }{
		"ok":                {good, ""},
		"fail/jwe":          {"a.b.c.d.e", "encrypted JWT (JWE)"},
		"fail/two-parts":    {"a.b", "three dot-separated parts"},
		"fail/header":       {"@@." + body + ".c2ln", "header is not base64url-encoded JSON"},
		"fail/payload":      {part(map[string]any{"alg": "EdDSA"}) + "." + part([]int{1}) + ".c2ln", "payload is not a base64url-encoded JSON object"},
		"fail/no-signature": {part(map[string]any{"alg": "EdDSA"}) + "." + body + ".", "signature is missing"},
		"fail/alg-none":     {part(map[string]any{"alg": "none"}) + "." + body + ".c2ln", "not signed (alg none)"},
		"fail/alg-rsa":      {part(map[string]any{"alg": "PS256"}) + "." + body + ".c2ln", "\"PS256\", which is not supported"},
		"fail/crit":         {part(map[string]any{"alg": "EdDSA", "crit": []string{"b64"}}) + "." + body + ".c2ln", "critical header"},
		"fail/kid-number":   {part(map[string]any{"alg": "EdDSA", "kid": 1}) + "." + body + ".c2ln", "kid header of the JWT is not a string"},
		"fail/typ-number":   {part(map[string]any{"alg": "EdDSA", "typ": 1}) + "." + body + ".c2ln", "typ header is not a string"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			j, err := Parse(tc.in, "JWT")
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if j.Alg != "EdDSA" || j.Kid != "did:example:a#k" || j.Typ != "vc+jwt" || j.Payload["iss"] != "did:example:a" {
					t.Fatalf("parsed %+v", j)
				}
				if msg := VerifyWithKey(j, priv.Public(), "the test key"); msg != "" {
					t.Fatal(msg)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
}

// FuzzParse: a compact JWS from outside never panics the parser, and what
// it accepts has a supported algorithm and a signature.
func FuzzParse(f *testing.F) {
	f.Add("eyJhbGciOiJFZERTQSJ9.e30.c2ln")
	f.Add("a.b.c.d.e")
	f.Add("..")
	f.Fuzz(func(t *testing.T, raw string) {
		j, err := Parse(raw, "JWT")
		if err != nil {
			return
		}
		if len(j.Signature) == 0 || j.Payload == nil {
			t.Fatalf("accepted %q: %+v", raw, j)
		}
		switch j.Alg {
		case "EdDSA", "ES256", "ES384", "ES512", "ES256K":
		default:
			t.Fatalf("accepted alg %q", j.Alg)
		}
	})
}
