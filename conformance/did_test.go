package conformance

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/mr-tron/base58"

	"github.com/citizencloud/citizencredentials/dataintegrity"
	"github.com/citizencloud/citizencredentials/did"
)

// runDIDKey: every did:key resolves to a verification method holding the
// stated public key; the same DID with its last character dropped must not
// resolve.
func runDIDKey(r *runner, e *env) {
	const folder = "01-did-key"
	ix := readIndex(e.t, folder)
	for _, f := range ix.Files {
		file := str(f, "file")
		cases, _ := f["cases"].([]any)
		for i, c := range cases {
			cm, _ := c.(map[string]any)
			in := str(cm, "input_did")
			id := fmt.Sprintf("resolve/%s#%d-%s", file, i, str(cm, "key_type"))
			r.run(id, func() error {
				doc, err := e.local.Resolve(context.Background(), in)
				if err != nil {
					return fmt.Errorf("resolve %s: %v", in, err)
				}
				if len(doc.VerificationMethod) == 0 {
					return failf("no verification method")
				}
				got, err := doc.PublicKey(doc.VerificationMethod[0].ID)
				if err != nil {
					return err
				}
				want, err := expectedKey(cm)
				if err != nil {
					return fmt.Errorf("vector key: %v", err)
				}
				if !sameKey(got, want) {
					return failf("resolved key differs from the expected public key")
				}
				return nil
			})
			r.run(fmt.Sprintf("resolve-corrupted/%s#%d", file, i), func() error {
				bad := in[:len(in)-1]
				if _, err := e.local.Resolve(context.Background(), bad); err == nil {
					return failf("truncated did:key %s resolved", bad)
				}
				return nil
			})
		}
	}
}

// expectedKey decodes expected_public_key of a 01 case.
func expectedKey(c map[string]any) (any, error) {
	ek, _ := c["expected_public_key"].(map[string]any)
	vm := did.VerificationMethod{Type: str(c, "expected_vm_type_upstream")}
	switch {
	case ek["publicKeyJwk"] != nil:
		return publicFromJWK(ek["publicKeyJwk"].(map[string]any))
	case ek["publicKeyBase58"] != nil && vm.Type == "P256Key2021":
		// A compressed P-256 point: prefix the p256-pub multicodec.
		raw, err := base58.Decode(str(ek, "publicKeyBase58"))
		if err != nil {
			return nil, err
		}
		return did.DecodeMultikey("z" + base58.Encode(append([]byte{0x80, 0x24}, raw...)))
	case ek["publicKeyBase58"] != nil:
		vm.PublicKeyBase58 = str(ek, "publicKeyBase58")
	case ek["publicKeyMultibase"] != nil:
		return did.DecodeMultikey(str(ek, "publicKeyMultibase"))
	default:
		return nil, fmt.Errorf("no expected key in %v", ek)
	}
	return vm.PublicKey()
}

// runDIDJWK: each did:jwk resolves to the stated document (with the
// upstream erratum in authentication corrected), each DID URL dereferences
// to its verification method, and a JWK with private members is refused.
func runDIDJWK(r *runner, e *env) {
	const folder = "02-did-jwk"
	for _, name := range []string{"p256", "x25519"} {
		r.run("resolve/"+name+".did.txt", func() error {
			b, err := readFile(folder, name+".did.txt")
			if err != nil {
				return err
			}
			want, err := readJSON(folder, name+".did-document.json")
			if err != nil {
				return err
			}
			if am, ok := want["assertionMethod"]; ok {
				want["authentication"] = am // erratum: upstream reads "did:jwk:$eyJ…"
			}
			doc, err := e.local.Resolve(context.Background(), strings.TrimSpace(string(b)))
			if err != nil {
				return err
			}
			if !jsonEqual(doc, want) {
				return failf("resolved document differs:\n got %s\nwant %s", marshal(doc), marshal(want))
			}
			return nil
		})
		r.run("dereference/"+name+".did-url.txt", func() error {
			b, err := readFile(folder, name+".did-url.txt")
			if err != nil {
				return err
			}
			want, err := readJSON(folder, name+".did-document.json")
			if err != nil {
				return err
			}
			u := strings.TrimSpace(string(b))
			d, _ := did.Split(u)
			doc, err := e.local.Resolve(context.Background(), d)
			if err != nil {
				return err
			}
			vm, err := doc.Method(u)
			if err != nil {
				return err
			}
			vms, _ := want["verificationMethod"].([]any)
			if len(vms) == 0 || !jsonEqual(vm, vms[0]) {
				return failf("dereferenced method differs: %s", marshal(vm))
			}
			return nil
		})
	}
	r.run("resolve-private-jwk (derived negative)", func() error {
		jwk := `{"kty":"EC","crv":"P-256","x":"acbIQiuMs3i8_uszEjJ2tpTtRM4EU3yz91PH6CdH2V0","y":"_KcyLj9vWMptnmKtm46GqDz8wf74I5LKgrl2GzH3nSE","d":"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"}`
		id := "did:jwk:" + b64url([]byte(jwk))
		if _, err := e.local.Resolve(context.Background(), id); err == nil {
			return failf("a did:jwk with a private member resolved")
		}
		return nil
	})
}

// runContexts: the loader serves every corpus context byte for byte for its
// URL, and refuses any other URL with the stated message.
func runContexts(r *runner, e *env) {
	const folder = "12-contexts"
	ix := readIndex(e.t, folder)
	embedded := dataintegrity.EmbeddedContexts()
	loader := dataintegrity.NewContextLoader(e.cat)
	for _, f := range ix.Files {
		file, url := str(f, "file"), str(f, "url")
		r.run("serve/"+file, func() error {
			want, err := readFile(folder, file)
			if err != nil {
				return err
			}
			got, ok := embedded[url]
			if !ok {
				return failf("%s is not embedded", url)
			}
			if string(got) != string(want) {
				return failf("embedded %s differs from the corpus file", url)
			}
			if sum := fmt.Sprintf("%x", sha256.Sum256(got)); sum != str(f, "sha256") {
				return failf("sha256 %s, index says %s", sum, str(f, "sha256"))
			}
			doc, err := loader.Document(url)
			if err != nil {
				return err
			}
			var parsed any
			_ = json.Unmarshal(want, &parsed)
			if !jsonEqual(doc, parsed) {
				return failf("loader serves another document for %s", url)
			}
			return nil
		})
	}
	r.run("refuse/unknown-url", func() error {
		_, err := loader.Document("https://example.org/contexts/unknown/v1")
		if err == nil || !strings.Contains(err.Error(), "is not allowed: the service loads only embedded contexts and those of active consortium members") {
			return failf("unknown context URL: err = %v", err)
		}
		return nil
	})
	r.run("serve/own-context", func() error {
		doc, err := loader.Document(e.cat.ContextURL())
		if err != nil {
			return err
		}
		var want any
		_ = json.Unmarshal(e.cat.ContextDocument(), &want)
		if !jsonEqual(doc, want) {
			return failf("own context differs")
		}
		return nil
	})
}
