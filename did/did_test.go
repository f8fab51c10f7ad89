package did

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/mr-tron/base58"

	"github.com/citizencloud/citizencredentials/fault"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name, in string
		method   string
		ok       bool
	}{
		{"ok/key", "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp", "key", true},
		{"ok/web-port", "did:web:gov.example%3A8443:bureaus:volunteering", "web", true},
		{"ok/empty-inner-segment", "did:example:a::b", "example", true},
		{"fail/empty", "", "", false},
		{"fail/no-prefix", "urn:uuid:1", "", false},
		{"fail/upper-method", "did:KEY:z6Mk", "", false},
		{"fail/no-id", "did:key", "", false},
		{"fail/empty-id", "did:key:", "", false},
		{"fail/trailing-colon", "did:web:a:", "", false},
		{"fail/fragment", "did:key:z6Mk#frag", "", false},
		{"fail/bad-pct", "did:web:a%3", "", false},
		{"fail/space", "did:web:a b", "", false},
		{"fail/too-long", "did:key:" + strings.Repeat("a", MaxLength), "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse(tt.in)
			if tt.ok != (err == nil) {
				t.Fatalf("Parse(%q) err = %v, want ok=%v", tt.in, err, tt.ok)
			}
			if err != nil {
				if fault.CodeOf(err) != fault.Invalid {
					t.Fatalf("code %s, want invalid", fault.CodeOf(err))
				}
				return
			}
			if d.Method != tt.method || d.String() != tt.in {
				t.Fatalf("got %+v", d)
			}
		})
	}
}

func TestParseURL(t *testing.T) {
	d, frag, err := ParseURL("did:key:z6Mk#z6Mk")
	if err != nil || d.Method != "key" || frag != "z6Mk" {
		t.Fatalf("got %+v %q %v", d, frag, err)
	}
	if _, _, err := ParseURL("did:key:z6Mk#"); err == nil {
		t.Fatal("empty fragment accepted")
	}
	if _, _, err := ParseURL("did:key:z6Mk#a b"); err == nil {
		t.Fatal("space in fragment accepted")
	}
}

func TestWeb(t *testing.T) {
	tests := []struct {
		name      string
		host      string
		path      []string
		wantDID   string
		wantURL   string
		roundTrip bool
	}{
		{"ok/root", "gov.example", nil, "did:web:gov.example", "https://gov.example/.well-known/did.json", true},
		{"ok/port-path", "gov.example:8443", []string{"bureaus", "volunteering"}, "did:web:gov.example%3A8443:bureaus:volunteering", "https://gov.example:8443/bureaus/volunteering/did.json", true},
		{"ok/localhost", "127.0.0.1:8080", []string{"bureaus", "b1"}, "did:web:127.0.0.1%3A8080:bureaus:b1", "https://127.0.0.1:8080/bureaus/b1/did.json", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := WebDID(tt.host, tt.path...)
			if got != tt.wantDID {
				t.Fatalf("WebDID = %s, want %s", got, tt.wantDID)
			}
			u, err := WebURL(got)
			if err != nil || u != tt.wantURL {
				t.Fatalf("WebURL = %s, %v; want %s", u, err, tt.wantURL)
			}
			host, path, err := WebParts(got)
			if err != nil || host != tt.host || strings.Join(path, "/") != strings.Join(tt.path, "/") {
				t.Fatalf("WebParts = %s %v %v", host, path, err)
			}
		})
	}
	for _, bad := range []string{
		"did:web:evil.example%2Fx", "did:web:a.example:..", "did:web:a.example:%2E%2E", "did:web:user%40host",
		"did:web:a.example:x%2Fy", "did:key:z6Mk", "did:web:%3A80",
	} {
		t.Run("fail/"+bad, func(t *testing.T) {
			if u, err := WebURL(bad); err == nil {
				t.Fatalf("WebURL(%s) = %s, want error", bad, u)
			}
		})
	}
}

func TestWebResolver(t *testing.T) {
	ours := WebDID("gov.example", "bureaus", "b1")
	doc := &Document{ID: ours}
	lookup := func(_ context.Context, d string) (*Document, error) {
		if d == ours {
			return doc, nil
		}
		return nil, fault.ErrNotFound
	}
	r := NewWebResolver(lookup, WithHosts("GOV.example"))
	ctx := context.Background()
	if got, err := r.Resolve(ctx, ours); err != nil || got != doc {
		t.Fatalf("ours: %v %v", got, err)
	}
	if _, err := r.Resolve(ctx, WebDID("gov.example", "bureaus", "nope")); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("unknown bureau: %v", err)
	}
	_, err := r.Resolve(ctx, WebDID("other.example"))
	if fault.CodeOf(err) != fault.Unavailable || !errors.Is(err, ErrRemoteDisabled) {
		t.Fatalf("remote host: %v", err)
	}
	if _, err := r.Resolve(ctx, "did:web:"); fault.CodeOf(err) != fault.Invalid {
		t.Fatalf("malformed: %v", err)
	}
}

func TestRouter(t *testing.T) {
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	kd, err := NewKeyDID(pub)
	if err != nil {
		t.Fatal(err)
	}
	r := NewLocalRouter(nil)
	ctx := context.Background()
	if _, err := r.Resolve(ctx, kd); err != nil {
		t.Fatal(err)
	}
	_, err = r.Resolve(ctx, "did:ion:abc")
	if fault.CodeOf(err) != fault.Invalid || !errors.Is(err, ErrUnsupportedMethod) || !strings.Contains(fault.Message(err), "ion") {
		t.Fatalf("unsupported method: %v", err)
	}
	if _, err := r.Resolve(ctx, "did:web:gov.example"); !errors.Is(err, ErrUnsupportedMethod) {
		t.Fatalf("web without resolver: %v", err)
	}
	if _, err := r.Resolve(ctx, "not a did"); fault.CodeOf(err) != fault.Invalid {
		t.Fatalf("malformed: %v", err)
	}
	if _, err := r.Resolve(ctx, kd+"#x"); fault.CodeOf(err) != fault.Invalid {
		t.Fatalf("DID URL: %v", err)
	}
}

func genKeys(t *testing.T) map[string]crypto.PublicKey {
	t.Helper()
	ed, _, _ := ed25519.GenerateKey(rand.Reader)
	out := map[string]crypto.PublicKey{"Ed25519": ed}
	for _, c := range []elliptic.Curve{elliptic.P256(), elliptic.P384(), elliptic.P521()} {
		k, err := ecdsa.GenerateKey(c, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		out[c.Params().Name] = &k.PublicKey
	}
	k1, err := secp256k1.GeneratePrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	out["secp256k1"] = k1.PubKey()
	return out
}

type equaler interface{ Equal(crypto.PublicKey) bool }

func TestRoundTrips(t *testing.T) {
	for name, pub := range genKeys(t) {
		t.Run(name, func(t *testing.T) {
			if KeyType(pub) != name {
				t.Fatalf("KeyType = %s", KeyType(pub))
			}
			same := func(t *testing.T, got crypto.PublicKey) {
				t.Helper()
				if e, ok := got.(equaler); ok && e.Equal(pub) {
					return
				}
				if k, ok := got.(*secp256k1.PublicKey); ok && k.IsEqual(pub.(*secp256k1.PublicKey)) {
					return
				}
				t.Fatalf("key changed in round trip")
			}
			// did:key
			kd, err := NewKeyDID(pub)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := ResolveKey(kd)
			if err != nil {
				t.Fatal(err)
			}
			got, err := doc.PublicKey(doc.AssertionMethod[0])
			if err != nil {
				t.Fatal(err)
			}
			same(t, got)
			// did:jwk
			jd, err := NewJWKDID(pub)
			if err != nil {
				t.Fatal(err)
			}
			doc, err = ResolveJWK(jd)
			if err != nil {
				t.Fatal(err)
			}
			got, err = doc.PublicKey("#0")
			if err != nil {
				t.Fatal(err)
			}
			same(t, got)
			// JsonWebKey and Multikey methods, relative ids, JSON round trip.
			jm, err := NewJWKMethod("did:web:gov.example#key-1", "did:web:gov.example", pub)
			if err != nil {
				t.Fatal(err)
			}
			mm, err := NewMultikeyMethod("#key-2", "did:web:gov.example", pub)
			if err != nil {
				t.Fatal(err)
			}
			web := Document{Context: []string{ContextDIDv1, ContextJWK, ContextMultikey}, ID: "did:web:gov.example",
				VerificationMethod: []VerificationMethod{jm, mm}, AssertionMethod: []string{"#key-1", "did:web:gov.example#key-2"}}
			b, err := json.Marshal(web)
			if err != nil {
				t.Fatal(err)
			}
			var back Document
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			for _, id := range []string{"#key-1", "did:web:gov.example#key-1", "#key-2", "did:web:gov.example#key-2"} {
				got, err := back.PublicKey(id)
				if err != nil {
					t.Fatalf("%s: %v", id, err)
				}
				same(t, got)
				if !back.CanAssert(id) {
					t.Fatalf("%s not an assertion method", id)
				}
			}
			if back.CanAuthenticate("#key-1") {
				t.Fatal("key-1 must not authenticate")
			}
		})
	}
}

func TestPublicKeyTypes(t *testing.T) {
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	mb, _ := EncodeMultikey(pub)
	jwk, _ := JWKFromPublic(pub)
	docJSON := `{
	  "@context": "https://www.w3.org/ns/did/v1",
	  "id": "did:example:1",
	  "controller": ["did:example:0"],
	  "verificationMethod": [
	    {"id": "#a", "type": "Ed25519VerificationKey2018", "controller": "did:example:1", "publicKeyBase58": "` + base58.Encode(pub) + `"},
	    {"id": "#b", "type": "Ed25519VerificationKey2020", "controller": "did:example:1", "publicKeyMultibase": "` + mb + `"},
	    {"id": "#c", "type": "JsonWebKey2020", "controller": "did:example:1", "publicKeyJwk": ` + string(jwk) + `},
	    {"id": "#d", "type": "RsaVerificationKey2018", "controller": "did:example:1"},
	    {"id": "#e", "type": "JsonWebKey", "controller": "did:example:1", "publicKeyJwk": {"kty":"OKP","crv":"Ed25519","x":"` + base64.RawURLEncoding.EncodeToString(pub) + `","d":"AAAA"}}
	  ],
	  "assertionMethod": ["#a", {"id": "did:example:1#f", "type": "Multikey", "controller": "did:example:1", "publicKeyMultibase": "` + mb + `"}]
	}`
	var doc Document
	if err := json.Unmarshal([]byte(docJSON), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Controller != "did:example:0" || len(doc.Context) != 1 {
		t.Fatalf("decoded %+v", doc)
	}
	for _, id := range []string{"#a", "#b", "did:example:1#c", "#f"} {
		got, err := doc.PublicKey(id)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if !pub.Equal(got) {
			t.Fatalf("%s: wrong key", id)
		}
	}
	if !doc.CanAssert("did:example:1#f") || !doc.CanAssert("did:example:1#a") || doc.CanAssert("#b") {
		t.Fatal("assertionMethod membership wrong")
	}
	for id, code := range map[string]fault.Code{"#d": fault.Invalid, "#e": fault.Invalid, "#zz": fault.NotFound} {
		if _, err := doc.PublicKey(id); fault.CodeOf(err) != code {
			t.Fatalf("%s: err %v, want %s", id, err, code)
		}
	}
}

func TestResolveNegative(t *testing.T) {
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	kd, _ := NewKeyDID(pub)
	// Flip a character of the multibase value: either not a valid key any
	// more, or a different key (base58 has no checksum), never the same one.
	flipped := []byte(kd)
	flipped[12] ^= 1
	if doc, err := ResolveKey(string(flipped)); err == nil {
		got, _ := doc.PublicKey(doc.VerificationMethod[0].ID)
		if pub.Equal(got) {
			t.Fatal("corrupted did:key resolved to the same key")
		}
	}
	priv := `{"kty":"OKP","crv":"Ed25519","x":"` + base64.RawURLEncoding.EncodeToString(pub) + `","d":"AAAA"}`
	for name, d := range map[string]string{
		"jwk/private":    "did:jwk:" + base64.RawURLEncoding.EncodeToString([]byte(priv)),
		"jwk/not-json":   "did:jwk:" + base64.RawURLEncoding.EncodeToString([]byte("hello")),
		"jwk/padding":    "did:jwk:" + base64.URLEncoding.EncodeToString([]byte(`{"kty":"OKP"}`)) + "%3D",
		"jwk/no-kty":     "did:jwk:" + base64.RawURLEncoding.EncodeToString([]byte(`{"crv":"P-256"}`)),
		"key/not-z":      "did:key:f0123",
		"key/short":      "did:key:z6Mk",
		"key/wrong-meth": "did:jwk:z6Mk",
	} {
		t.Run(name, func(t *testing.T) {
			var err error
			if strings.HasPrefix(name, "jwk") {
				_, err = ResolveJWK(d)
			} else {
				_, err = ResolveKey(d)
			}
			if fault.CodeOf(err) != fault.Invalid {
				t.Fatalf("err = %v, want invalid", err)
			}
		})
	}
}

// FuzzParse checks that Parse and ParseURL never panic and that what Parse
// accepts prints back to itself.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"did:key:z6Mk", "did:web:a%3A1:b", "did:a:b#c", "did::x", "did:x:", "did:x:%zz", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		if err == nil && d.String() != s {
			t.Fatalf("Parse(%q).String() = %q", s, d.String())
		}
		if err != nil && fault.CodeOf(err) != fault.Invalid {
			t.Fatalf("error code %s", fault.CodeOf(err))
		}
		_, _, _ = ParseURL(s)
		if u, err := WebURL(s); err == nil && !strings.HasPrefix(u, "https://") {
			t.Fatalf("WebURL(%q) = %q", s, u)
		}
	})
}

// FuzzResolveKey checks that did:key resolution never panics, fails only
// with fault Invalid, and that every key it accepts encodes back to the same
// DID (the encoding is canonical).
func FuzzResolveKey(f *testing.F) {
	for _, s := range []string{
		"did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
		"did:key:zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv",
		"did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme",
		"did:key:z82Lm1MpAkeJcix9K8TMiLd5NMAhnwkjjCBeWHXyu3U4oT2MVJJKXkcVBgjGhnLBn2Kaau9",
		"did:key:z6LSeu9HkTHSfLLeUs2nnzUSNedgDUevuM1E9qhZ4DB6t5Bq",
		"did:key:z1", "did:key:zzzz",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		doc, err := ResolveKey(s)
		if err != nil {
			if fault.CodeOf(err) != fault.Invalid {
				t.Fatalf("error code %s for %q", fault.CodeOf(err), s)
			}
			return
		}
		pub, err := doc.PublicKey(doc.VerificationMethod[0].ID)
		if err != nil {
			t.Fatalf("resolved %q but its key does not decode: %v", s, err)
		}
		mb, err := EncodeMultikey(pub)
		if err != nil || "did:key:"+mb != s {
			t.Fatalf("re-encoded %q as %q (%v)", s, mb, err)
		}
	})
}
