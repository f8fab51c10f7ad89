package sdjwt

import (
	"crypto"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/citizencloud/citizencredentials/credentials/jose"
	"github.com/citizencloud/citizencredentials/did"
)

// The IETF SD-JWT draft-22 examples (10-sd-jwt/ietf-rfc-draft-22), read in
// place: issuer signature, every disclosure referenced, key-binding JWT
// (signature by cnf.jwk, sd_hash, nonce 1234567890, aud
// https://verifier.example.org), processed payload equal to
// verified_contents.json.

const ietfDir = "../../conformance/testdata/vectors/10-sd-jwt/ietf-rfc-draft-22"

func readVector(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("conformance vector missing: %v", err)
	}
	return b
}

func readJSONVector(t *testing.T, path string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(readVector(t, path), &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

func TestSDJWTIETFVectors(t *testing.T) {
	issuerKey, err := did.ParseJWK(readVector(t, filepath.Join(ietfDir, "issuer_public_key_jwk.json")))
	if err != nil {
		t.Fatal(err)
	}
	for _, example := range []string{"main", "a3_sd_jwt_vc", "a4_w3c_vcdm2"} {
		t.Run(example, func(t *testing.T) {
			dir := filepath.Join(ietfDir, example)
			issuance := strings.TrimSpace(string(readVector(t, filepath.Join(dir, "sd_jwt_issuance.txt"))))
			presentation := strings.TrimSpace(string(readVector(t, filepath.Join(dir, "sd_jwt_kb_presentation.txt"))))

			// As issued: signature, payload, every disclosure referenced.
			parts, err := splitSDJWT(issuance)
			if err != nil {
				t.Fatal(err)
			}
			if parts.kb != "" {
				t.Fatalf("issuance has a key-binding JWT")
			}
			j, err := jose.Parse(parts.jwt, "SD-JWT")
			if err != nil {
				t.Fatal(err)
			}
			if msg := jose.VerifyWithKey(j, issuerKey, "the issuer key"); msg != "" {
				t.Fatalf("issuer signature: %s", msg)
			}
			if want := readJSONVector(t, filepath.Join(dir, "sd_jwt_payload.json")); !reflect.DeepEqual(j.Payload, want) {
				t.Errorf("issuer-signed payload differs from sd_jwt_payload.json")
			}
			h, err := sdHash(j.Payload)
			if err != nil {
				t.Fatal(err)
			}
			var all []*disclosure
			for i, r := range parts.disclosures {
				d, err := decodeDisclosure(r, h)
				if err != nil {
					t.Fatalf("disclosure #%d: %v", i+1, err)
				}
				d.index = i + 1
				all = append(all, d)
			}
			if _, _, unused, err := processSD(j.Payload, all); err != nil || len(unused) > 0 {
				t.Fatalf("issuance: err %v, %d disclosures not referenced", err, len(unused))
			}

			// As presented: processed payload and key binding.
			pparts, err := splitSDJWT(presentation)
			if err != nil {
				t.Fatal(err)
			}
			pj, err := jose.Parse(pparts.jwt, "SD-JWT")
			if err != nil {
				t.Fatal(err)
			}
			var ds []*disclosure
			for i, r := range pparts.disclosures {
				d, err := decodeDisclosure(r, h)
				if err != nil {
					t.Fatal(err)
				}
				d.index = i + 1
				ds = append(ds, d)
			}
			processed, _, unused, err := processSD(pj.Payload, ds)
			if err != nil || len(unused) > 0 {
				t.Fatalf("presentation: err %v, %d disclosures not referenced", err, len(unused))
			}
			if want := readJSONVector(t, filepath.Join(dir, "verified_contents.json")); !reflect.DeepEqual(processed, want) {
				got, _ := json.MarshalIndent(processed, "", " ")
				t.Errorf("processed payload differs from verified_contents.json:\n%s", got)
			}
			kb, err := jose.Parse(pparts.kb, "key-binding JWT")
			if err != nil {
				t.Fatal(err)
			}
			if kb.Typ != TypKBJWT {
				t.Errorf("KB typ %q", kb.Typ)
			}
			cnf, _ := pj.Payload["cnf"].(map[string]any)
			holderKey, _, err := cnfKey(cnf)
			if err != nil {
				t.Fatal(err)
			}
			if msg := jose.VerifyWithKey(kb, holderKey, "the holder key"); msg != "" {
				t.Fatalf("KB signature: %s", msg)
			}
			if got := kb.Payload["sd_hash"]; got != sdDigest(crypto.SHA256, pparts.prefix) {
				t.Errorf("sd_hash %v does not cover the presentation", got)
			}
			if kb.Payload["nonce"] != "1234567890" || kb.Payload["aud"] != "https://verifier.example.org" {
				t.Errorf("KB nonce/aud: %v %v", kb.Payload["nonce"], kb.Payload["aud"])
			}
			if p := filepath.Join(dir, "kb_jwt_payload.json"); fileExists(p) {
				if want := readJSONVector(t, p); !reflect.DeepEqual(kb.Payload, want) {
					t.Errorf("KB payload differs from kb_jwt_payload.json")
				}
			}
		})
	}
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// TestSDJWTIETFHolder re-creates the draft's presentations (before the
// key-binding JWT) from the SD-JWTs as issued with Present: the
// result must be byte-identical. The §5 main example discloses one
// element of an array of two, which claim names cannot select, so it is
// not here.
func TestSDJWTIETFHolder(t *testing.T) {
	for _, tc := range []struct {
		example  string
		disclose []string
	}{
		{"a3_sd_jwt_vc", []string{"18", "nationalities"}},
		{"a4_w3c_vcdm2", []string{"order", "dateOfVaccination", "atcCode", "medicinalProductName"}},
	} {
		t.Run(tc.example, func(t *testing.T) {
			dir := filepath.Join(ietfDir, tc.example)
			issuance := strings.TrimSpace(string(readVector(t, filepath.Join(dir, "sd_jwt_issuance.txt"))))
			presentation := strings.TrimSpace(string(readVector(t, filepath.Join(dir, "sd_jwt_kb_presentation.txt"))))
			got, err := Present(issuance, tc.disclose, nil, "", "")
			if err != nil {
				t.Fatal(err)
			}
			want := presentation[:strings.LastIndex(presentation, "~")+1]
			if got != want {
				t.Errorf("re-serialised presentation differs:\n got %s\nwant %s", describeDisclosures(got), describeDisclosures(want))
			}
		})
	}
}

func describeDisclosures(sd string) string {
	parts := strings.Split(sd, "~")
	var out []string
	for _, p := range parts[1 : len(parts)-1] {
		b, _ := base64.RawURLEncoding.DecodeString(p)
		out = append(out, string(b))
	}
	return strings.Join(out, " ")
}
