package openid

import (
	"encoding/json"
	"testing"

	"github.com/citizencloud/citizencredentials/credentials"
)

func TestDCQLFromDefinition(t *testing.T) {
	cat, err := credentials.NewCatalogue("https://citizen.example")
	if err != nil {
		t.Fatal(err)
	}
	p := NewPresentations(nil, cat, "https://citizen.example")
	typed := `{"id":"r","input_descriptors":[{"id":"VolunteerServiceCredential","constraints":{"fields":[
		{"path":["$.type"],"filter":{"type":"array","contains":{"const":"VolunteerServiceCredential"}}},
		{"path":["$.credentialSubject.hours"]}]}}]}`
	cases := []struct {
		name    string
		def     string
		queries []string // credential query ids, in order
		formats []string
		wantErr bool
	}{
		{name: "ok/typed-two-options", def: typed,
			queries: []string{"VolunteerServiceCredential_sd", "VolunteerServiceCredential_jwt"}, formats: []string{FormatDCSDJWT, FormatJWTVCJSON}},
		{name: "ok/limit-disclosure-sd-jwt-only", def: `{"id":"r","input_descriptors":[{"id":"v","constraints":{"limit_disclosure":"required","fields":[
			{"path":["$.type"],"filter":{"type":"array","contains":{"const":"VolunteerServiceCredential"}}}]}}]}`,
			queries: []string{"v_sd"}, formats: []string{FormatDCSDJWT}},
		{name: "ok/untyped-jwt-only", def: `{"id":"r","input_descriptors":[{"id":"any credential","constraints":{"fields":[{"path":["$.credentialSubject.hours"]}]}}]}`,
			queries: []string{"any_credential_jwt"}, formats: []string{FormatJWTVCJSON}},
		{name: "fail/untyped-limit-disclosure", def: `{"id":"r","input_descriptors":[{"id":"x","constraints":{"limit_disclosure":"required","fields":[]}}]}`, wantErr: true},
		{name: "fail/no-descriptors", def: `{"id":"r","input_descriptors":[]}`, wantErr: true},
		{name: "fail/not-json", def: `{`, wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q, err := p.DCQL([]byte(tc.def))
			if (err != nil) != tc.wantErr {
				t.Fatalf("err %v, want error %v", err, tc.wantErr)
			}
			if err != nil {
				return
			}
			raw, _ := json.Marshal(q)
			var got struct {
				Credentials []struct {
					ID, Format string
					Meta       map[string]any
					Claims     []struct{ Path []string }
				}
				CredentialSets []struct{ Options [][]string } `json:"credential_sets"`
			}
			if err := json.Unmarshal(raw, &got); err != nil {
				t.Fatal(err)
			}
			if len(got.Credentials) != len(tc.queries) || len(got.CredentialSets) != 1 || len(got.CredentialSets[0].Options) != len(tc.queries) {
				t.Fatalf("%s", raw)
			}
			for i, c := range got.Credentials {
				if c.ID != tc.queries[i] || c.Format != tc.formats[i] || c.Meta == nil {
					t.Fatalf("query %d: %+v", i, c)
				}
			}
			if tc.name == "ok/typed-two-options" {
				if vct := got.Credentials[0].Meta["vct_values"].([]any)[0]; vct != cat.SchemaURL("VolunteerServiceCredential") {
					t.Fatalf("vct %v", vct)
				}
				if p := got.Credentials[1].Claims[0].Path; len(p) != 2 || p[0] != "credentialSubject" || p[1] != "hours" {
					t.Fatalf("claims path %v", p)
				}
			}
		})
	}
}
