package did

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/citizencloud/citizencredentials/fault"
)

// FuzzDocument decodes DID documents (as fetched for did:web) and asks them
// for their keys: decoding never panics, and every key a document yields
// through PublicKey is one its verification methods decode to.
func FuzzDocument(f *testing.F) {
	for _, p := range []string{"02-did-jwk/p256.did-document.json", "02-did-jwk/x25519.did-document.json"} {
		b, err := os.ReadFile(filepath.Join(vectorsDir, p))
		if err != nil {
			f.Fatalf("seed vector missing: %v", err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"id":"did:web:a","verificationMethod":[{"id":"#k","type":"Multikey","controller":"did:web:a","publicKeyMultibase":"z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"}],"assertionMethod":["#k"]}`))
	f.Add([]byte(`{"@context":{"x":1},"controller":["a","b"],"authentication":[{"id":"did:web:a#1","type":"JsonWebKey","publicKeyJwk":{"kty":"OKP"}}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var d Document
		if err := json.Unmarshal(b, &d); err != nil {
			return
		}
		for _, vm := range d.VerificationMethod {
			d.CanAssert(vm.ID)
			d.CanAuthenticate(vm.ID)
			pub, err := d.PublicKey(vm.ID)
			if err != nil {
				if c := fault.CodeOf(err); c != fault.Invalid && c != fault.NotFound {
					t.Fatalf("PublicKey(%q): code %s", vm.ID, c)
				}
				continue
			}
			if pub == nil {
				t.Fatalf("PublicKey(%q) returned no key and no error", vm.ID)
			}
		}
	})
}

// FuzzResolveJWK checks that did:jwk resolution never panics, fails only with
// fault Invalid, and that an accepted DID yields a decodable key.
func FuzzResolveJWK(f *testing.F) {
	for _, p := range []string{"02-did-jwk/p256.did.txt", "02-did-jwk/x25519.did.txt"} {
		b, err := os.ReadFile(filepath.Join(vectorsDir, p))
		if err != nil {
			f.Fatalf("seed vector missing: %v", err)
		}
		f.Add(string(b))
	}
	f.Add("did:jwk:eyJrdHkiOiJPS1AiLCJjcnYiOiJFZDI1NTE5IiwieCI6IjExcVlBWUt4Q3JmVlNfN1R5V1FIT2c3aGN2UGFwaU1scndJYWFQY0hVUm8ifQ")
	f.Add("did:jwk:e30")
	f.Fuzz(func(t *testing.T, s string) {
		doc, err := ResolveJWK(s)
		if err != nil {
			if fault.CodeOf(err) != fault.Invalid {
				t.Fatalf("error code %s for %q", fault.CodeOf(err), s)
			}
			return
		}
		if len(doc.VerificationMethod) == 0 {
			t.Fatalf("resolved %q without a verification method", s)
		}
	})
}
