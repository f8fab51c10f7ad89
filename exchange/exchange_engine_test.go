package exchange

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/citizencloud/citizencredentials/credentials"
)

// TestToAriesKeepsTheCredential checks that the engine matches on the
// credential as given: aries' model serialises it back member for member,
// or the conversion fails and says which member it cannot represent.
func TestToAriesKeepsTheCredential(t *testing.T) {
	v2 := `{"@context":["https://www.w3.org/ns/credentials/v2",{"@vocab":"https://example.org/#"}],"id":"urn:uuid:1",
		"type":["VerifiableCredential","VolunteerServiceCredential"],"issuer":{"id":"did:web:city.example","name":"City"},
		"validFrom":"2026-01-01T00:00:00Z","validUntil":"2027-01-01T00:00:00Z",
		"credentialSubject":{"id":"did:key:z6Mk1","hours":12.5,"organization":"City Food Bank"},
		"credentialStatus":[{"id":"https://s.example/1#7","type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListIndex":"7","statusListCredential":"https://s.example/1"},
			{"id":"https://s.example/2#7","type":"BitstringStatusListEntry","statusPurpose":"suspension","statusListIndex":"7","statusListCredential":"https://s.example/2"}],
		"credentialSchema":[{"id":"https://schemas.example/v.json","type":"JsonSchema"},{"id":"https://schemas.example/w.json","type":"JsonSchema"}],
		"evidence":[{"type":["Evidence"],"verifier":"clerk-7"}],"termsOfUse":[{"type":"TrustFrameworkPolicy","policyId":"p-1"}],
		"proof":{"type":"DataIntegrityProof","cryptosuite":"eddsa-rdfc-2022","proofValue":"z3"}}`
	v1 := `{"@context":["https://www.w3.org/2018/credentials/v1"],"id":"urn:uuid:2","type":["VerifiableCredential","X"],
		"issuer":"did:web:city.example","issuanceDate":"2026-01-01T00:00:00Z","expirationDate":"2027-01-01T00:00:00Z",
		"credentialSubject":{"id":"did:key:z6Mk1","a":1},"credentialStatus":{"id":"https://s.example/1#7","type":"StatusList2021Entry"}}`
	tests := []struct {
		name    string
		doc     string
		wantErr string // "" for ok
	}{
		{"ok/VCDM 2.0 whole", v2, ""},
		{"ok/VCDM 1.1", v1, ""},
		{"fail/one-element type array", `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"did:web:x","credentialSubject":{"id":"did:key:z"}}`, "type"},
		{"fail/SD-JWT VC without @context and type", `{"iss":"did:web:x","vct":"https://x.example/t","sub":"did:key:z","hours":1}`, "cannot"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var doc map[string]any
			if err := json.Unmarshal([]byte(tt.doc), &doc); err != nil {
				t.Fatal(err)
			}
			vc, err := toAries(&credentials.Candidate{Tag: "c", JSON: doc})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one naming %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, err := json.Marshal(vc); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestEvaluateSeesVCDM2Members checks that constraints on the members aries'
// model predates (several statuses and schemas, evidence, termsOfUse) are
// evaluated on the credential's own values.
func TestEvaluateSeesVCDM2Members(t *testing.T) {
	doc := map[string]any{
		"@context": []any{credentials.ContextV2}, "id": "urn:uuid:1", "type": []any{"VerifiableCredential", "VolunteerServiceCredential"},
		"issuer": "did:web:city.example", "credentialSubject": map[string]any{"id": "did:key:z6Mk1", "hours": 12},
		"credentialStatus": []any{map[string]any{"type": "BitstringStatusListEntry", "statusPurpose": "revocation"},
			map[string]any{"type": "BitstringStatusListEntry", "statusPurpose": "suspension"}},
		"credentialSchema": []any{map[string]any{"id": "https://schemas.example/v.json", "type": "JsonSchema"}},
		"evidence":         []any{map[string]any{"type": []any{"Evidence"}, "verifier": "clerk-7"}},
		"termsOfUse":       []any{map[string]any{"type": "TrustFrameworkPolicy", "policyId": "p-1"}},
	}
	field := func(path, filter string) string {
		return `{"id":"d","input_descriptors":[{"id":"v","constraints":{"fields":[{"path":["` + path + `"],"filter":` + filter + `}]}}]}`
	}
	tests := []struct {
		name string
		def  string
		want bool
	}{
		{"ok/second status", field("$.credentialStatus[1].statusPurpose", `{"type":"string","const":"suspension"}`), true},
		{"ok/schema type", field("$.credentialSchema[0].type", `{"type":"string","const":"JsonSchema"}`), true},
		{"ok/evidence", field("$.evidence[0].verifier", `{"type":"string","const":"clerk-7"}`), true},
		{"ok/terms of use", field("$.termsOfUse[0].policyId", `{"type":"string","const":"p-1"}`), true},
		{"fail/status value", field("$.credentialStatus[0].statusPurpose", `{"type":"string","const":"suspension"}`), false},
		{"fail/schema absent", field("$.credentialSchema[1].type", `{"type":"string"}`), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ParseDefinition([]byte(tt.def))
			if err != nil {
				t.Fatal(err)
			}
			ev, err := d.Evaluate([]*credentials.Candidate{{Tag: "urn:uuid:1", Format: credentials.FormatJWT, JSON: doc}})
			if err != nil {
				t.Fatal(err)
			}
			if ev.OK != tt.want {
				t.Fatalf("OK = %v (%s), want %v", ev.OK, ev.Message, tt.want)
			}
		})
	}
}
