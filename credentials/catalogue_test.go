package credentials

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/citizencloud/citizencredentials/fault"
)

const testBase = "https://citizen.example"

func newTestCatalogue(t *testing.T) *Catalogue {
	t.Helper()
	c, err := NewCatalogue(testBase + "/")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// validClaims has one valid claims object per built-in type.
var validClaims = map[string]map[string]any{
	"VolunteerServiceCredential": {"hours": 12.5, "organization": "Red Cross", "activity": "Food bank shifts", "periodStart": "2024-01-01", "periodEnd": "2024-06-30"},
	"LifelongLearningCredential": {"course": "Data literacy", "credits": 5, "institution": "City College", "level": "EQF 5", "completedAt": "2024-05-31"},
	"MaritalStatusCredential":    {"status": "married", "since": "2019-08-17", "registryOffice": "Registry Office Centre"},
	"CreditRecordCredential":     {"rating": "AA", "assessedAt": "2024-03-01", "agency": "Fair Credit Agency"},
	"CharitableDonationCredential": {
		"amount": 250, "currency": "EUR", "recipient": "Food Bank", "donatedAt": "2024-12-24",
	},
	"AssistanceRecordCredential": {"kind": "rescue", "role": "first responder", "date": "2024-07-04", "location": "Riverside"},
}

func with(m map[string]any, k string, v any) map[string]any {
	out := map[string]any{}
	for kk, vv := range m {
		out[kk] = vv
	}
	if v == nil {
		delete(out, k)
	} else {
		out[k] = v
	}
	return out
}

func TestCatalogueTypes(t *testing.T) {
	c := newTestCatalogue(t)
	types := c.Types()
	if len(types) != 6 {
		t.Fatalf("%d types", len(types))
	}
	wantFields := map[string]string{
		"VolunteerServiceCredential":   "hours organization activity periodStart periodEnd",
		"LifelongLearningCredential":   "course credits institution level completedAt",
		"MaritalStatusCredential":      "status since registryOffice",
		"CreditRecordCredential":       "rating assessedAt agency",
		"CharitableDonationCredential": "amount currency recipient donatedAt",
		"AssistanceRecordCredential":   "kind role date location",
	}
	for _, ty := range types {
		if got := strings.Join(ty.Fields, " "); got != wantFields[ty.Name] {
			t.Errorf("%s fields %q, want %q", ty.Name, got, wantFields[ty.Name])
		}
		if ty.SchemaURL != testBase+"/schemas/"+ty.Name+".json" {
			t.Errorf("%s schema URL %s", ty.Name, ty.SchemaURL)
		}
		if ty.Suspendable != (ty.Name != "MaritalStatusCredential") {
			t.Errorf("%s suspendable %v", ty.Name, ty.Suspendable)
		}
		var s map[string]any
		if err := json.Unmarshal(ty.Schema, &s); err != nil || s["$id"] != ty.SchemaURL {
			t.Errorf("%s schema $id: %v %v", ty.Name, s["$id"], err)
		}
		if doc, ok := c.SchemaDocument(ty.Name); !ok || string(doc) != string(ty.Schema) {
			t.Errorf("SchemaDocument(%s)", ty.Name)
		}
		if len(ty.Required) != len(ty.Fields) || ty.Description == "" {
			t.Errorf("%s: required %v, description %q", ty.Name, ty.Required, ty.Description)
		}
	}
	if _, ok := c.Type("NoSuchCredential"); ok {
		t.Fatal("unknown type found")
	}
	// The context defines every type and field, under the context URL.
	var ctx struct {
		Context map[string]any `json:"@context"`
	}
	if err := json.Unmarshal(c.ContextDocument(), &ctx); err != nil {
		t.Fatal(err)
	}
	if ctx.Context["citizen"] != testBase+"/contexts/citizen/v1#" || ctx.Context["@protected"] != true {
		t.Fatalf("context header: %v", ctx.Context)
	}
	for _, ty := range types {
		if ctx.Context[ty.Name] == nil {
			t.Errorf("no term for %s", ty.Name)
		}
		for _, f := range ty.Fields {
			if ctx.Context[f] == nil {
				t.Errorf("no term for %s.%s", ty.Name, f)
			}
		}
	}
	if c.ContextURL() != testBase+"/contexts/citizen/v1" {
		t.Fatal(c.ContextURL())
	}
}

func TestCatalogueValidate(t *testing.T) {
	c := newTestCatalogue(t)
	type tc struct {
		name   string
		typ    string
		claims map[string]any
		want   []string // substrings of the error message; nil = valid
	}
	tests := []tc{}
	for typ, claims := range validClaims {
		tests = append(tests, tc{"ok/" + typ, typ, claims, nil})
	}
	v, l, m := validClaims["VolunteerServiceCredential"], validClaims["LifelongLearningCredential"], validClaims["MaritalStatusCredential"]
	cr, d, a := validClaims["CreditRecordCredential"], validClaims["CharitableDonationCredential"], validClaims["AssistanceRecordCredential"]
	tests = append(tests,
		tc{"fail/volunteer/negative-hours", "VolunteerServiceCredential", with(v, "hours", -1), []string{"hours must be at least 0"}},
		tc{"fail/volunteer/hours-string", "VolunteerServiceCredential", with(v, "hours", "ten"), []string{"hours must be a number, not a string"}},
		tc{"fail/volunteer/bad-date", "VolunteerServiceCredential", with(v, "periodStart", "01/02/2024"), []string{"periodStart must be a calendar date like 2024-05-31"}},
		tc{"fail/volunteer/missing", "VolunteerServiceCredential", with(with(v, "organization", nil), "activity", nil), []string{"missing required fields activity, organization"}},
		tc{"fail/volunteer/extra", "VolunteerServiceCredential", with(v, "secretNote", "x"), []string{"field secretNote is not part of VolunteerServiceCredential"}},
		tc{"fail/learning/credits-negative", "LifelongLearningCredential", with(l, "credits", -5), []string{"credits must be at least 0"}},
		tc{"fail/learning/empty-course", "LifelongLearningCredential", with(l, "course", ""), []string{"course must not be empty"}},
		tc{"fail/learning/completedAt-datetime", "LifelongLearningCredential", with(l, "completedAt", "2024-05-31T10:00:00Z"), []string{"completedAt must be a calendar date"}},
		tc{"fail/marital/status-enum", "MaritalStatusCredential", with(m, "status", "complicated"), []string{"status must be one of single, married, divorced, widowed, civil-partnership"}},
		tc{"fail/marital/since-missing", "MaritalStatusCredential", with(m, "since", nil), []string{"missing required field since"}},
		tc{"fail/credit/rating-type", "CreditRecordCredential", with(cr, "rating", 5), []string{"rating must be a string, not a number"}},
		tc{"fail/credit/agency-too-long", "CreditRecordCredential", with(cr, "agency", strings.Repeat("a", 201)), []string{"agency must have at most 200 characters"}},
		tc{"fail/donation/zero", "CharitableDonationCredential", with(d, "amount", 0), []string{"amount must be greater than 0"}},
		tc{"fail/donation/currency", "CharitableDonationCredential", with(d, "currency", "EURO"), []string{"currency is not one of the allowed values", "ISO 4217"}},
		tc{"fail/donation/currency-lower", "CharitableDonationCredential", with(d, "currency", "eur"), []string{"currency is not one of the allowed values"}},
		tc{"fail/assistance/kind", "AssistanceRecordCredential", with(a, "kind", "hug"), []string{"kind must be one of help, rescue"}},
		tc{"fail/assistance/date", "AssistanceRecordCredential", with(a, "date", "2024-13-45"), []string{"date must be a calendar date"}},
		tc{"fail/assistance/two-errors", "AssistanceRecordCredential", with(with(a, "kind", 1), "location", nil), []string{"kind must be a string", "missing required field location"}},
		tc{"fail/subject-id", "AssistanceRecordCredential", with(a, "id", "did:example:1"), []string{"field id is not part of"}},
		tc{"fail/unknown-type", "NoSuchCredential", a, []string{"unknown credential type"}},
		tc{"fail/empty", "MaritalStatusCredential", nil, []string{"missing required fields registryOffice, since, status"}},
	)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := c.Validate(tt.typ, tt.claims)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			if fault.CodeOf(err) != fault.Invalid {
				t.Fatalf("code %s", fault.CodeOf(err))
			}
			msg := fault.Message(err)
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q does not contain %q", msg, w)
				}
			}
			// Never echo claim values.
			for k, v := range tt.claims {
				if s, ok := v.(string); ok && len(s) > 3 && k != "id" && strings.Contains(msg, s) {
					t.Errorf("message %q echoes the value of %s", msg, k)
				}
			}
		})
	}
}

func TestCatalogueAdd(t *testing.T) {
	c := newTestCatalogue(t)
	schema := `{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",
	  "properties":{"permitNumber":{"type":"string","minLength":1},"issuedOn":{"type":"string","format":"date"},"date":{"type":"string","format":"date"}},
	  "required":["permitNumber"],"additionalProperties":false}`
	if err := c.Add(Type{Name: "FishingPermitCredential", Description: "A fishing permit.", Suspendable: true}, []byte(schema)); err != nil {
		t.Fatal(err)
	}
	ty, ok := c.Type("FishingPermitCredential")
	if !ok || strings.Join(ty.Fields, ",") != "permitNumber,issuedOn,date" || ty.SchemaURL != testBase+"/schemas/FishingPermitCredential.json" {
		t.Fatalf("added type %+v", ty)
	}
	if err := c.Validate("FishingPermitCredential", map[string]any{"permitNumber": "P-1", "issuedOn": "2024-02-30"}); err == nil || !strings.Contains(err.Error(), "issuedOn must be a calendar date") {
		t.Fatalf("validate: %v", err)
	}
	if !strings.Contains(string(c.ContextDocument()), `"permitNumber"`) {
		t.Fatal("context lacks the new term")
	}
	if len(c.Types()) != 7 {
		t.Fatal("Types does not list the new type")
	}
	bad := []struct {
		name   string
		t      Type
		schema string
		code   fault.Code
	}{
		{"fail/duplicate", Type{Name: "FishingPermitCredential"}, schema, fault.Conflict},
		{"fail/bad-name", Type{Name: "fishing"}, schema, fault.Invalid},
		{"fail/reserved-name", Type{Name: "VerifiableCredential"}, schema, fault.Invalid},
		{"fail/open-schema", Type{Name: "OpenCredential"}, `{"type":"object","properties":{"a":{"type":"string"}}}`, fault.Invalid},
		{"fail/id-field", Type{Name: "IdCredential"}, `{"type":"object","properties":{"id":{"type":"string"}},"additionalProperties":false}`, fault.Invalid},
		{"fail/term-clash", Type{Name: "ClashCredential"}, `{"type":"object","properties":{"hours":{"type":"string","format":"date"}},"additionalProperties":false}`, fault.Conflict},
		{"fail/external-ref", Type{Name: "RefCredential"}, `{"type":"object","properties":{"a":{"$ref":"file:///etc/passwd"}},"additionalProperties":false}`, fault.Invalid},
		{"fail/not-json", Type{Name: "JunkCredential"}, `{`, fault.Invalid},
	}
	for _, b := range bad {
		t.Run(b.name, func(t *testing.T) {
			if err := c.Add(b.t, []byte(b.schema)); fault.CodeOf(err) != b.code {
				t.Fatalf("err %v, want %s", err, b.code)
			}
		})
	}
	if _, err := NewCatalogue("ftp://x"); err == nil {
		t.Fatal("bad base URL accepted")
	}
}

func TestBuild(t *testing.T) {
	c := newTestCatalogue(t)
	from := time.Date(2024, 6, 1, 10, 30, 15, 999, time.FixedZone("CEST", 7200))
	until := from.Add(365 * 24 * time.Hour)
	status := []map[string]any{{"id": "https://citizen.example/status/1#42", "type": "BitstringStatusListEntry", "statusPurpose": "revocation", "statusListIndex": "42", "statusListCredential": "https://citizen.example/status/1"}}
	vc, err := c.Build(Draft{
		ID: "urn:uuid:0190c2d4-0000-7000-8000-000000000001", Issuer: "did:web:citizen.example:bureaus:volunteering",
		Subject: "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp", Type: "VolunteerServiceCredential",
		Claims: validClaims["VolunteerServiceCredential"], ValidFrom: from, ValidUntil: &until, Status: status,
		Evidence: []any{map[string]any{"type": []any{"Evidence"}, "id": "urn:x"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(vc)
	var got map[string]any
	_ = json.Unmarshal(b, &got)
	want := `{"@context":["https://www.w3.org/ns/credentials/v2","https://citizen.example/contexts/citizen/v1"],
	 "id":"urn:uuid:0190c2d4-0000-7000-8000-000000000001","type":["VerifiableCredential","VolunteerServiceCredential"],
	 "issuer":"did:web:citizen.example:bureaus:volunteering","validFrom":"2024-06-01T08:30:15Z","validUntil":"2025-06-01T08:30:15Z",
	 "credentialSubject":{"id":"did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp","hours":12.5,"organization":"Red Cross","activity":"Food bank shifts","periodStart":"2024-01-01","periodEnd":"2024-06-30"},
	 "credentialSchema":{"id":"https://citizen.example/schemas/VolunteerServiceCredential.json","type":"JsonSchema"},
	 "credentialStatus":[{"id":"https://citizen.example/status/1#42","type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListIndex":"42","statusListCredential":"https://citizen.example/status/1"}],
	 "evidence":[{"type":["Evidence"],"id":"urn:x"}]}`
	var w map[string]any
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	if gb, wb := mustJSON(got), mustJSON(w); gb != wb {
		t.Fatalf("got  %s\nwant %s", gb, wb)
	}
	base := Draft{ID: "urn:uuid:1", Issuer: "did:web:citizen.example", Subject: "did:key:z6Mk", Type: "MaritalStatusCredential", Claims: validClaims["MaritalStatusCredential"], ValidFrom: from}
	before := from.Add(-time.Hour)
	for name, d := range map[string]Draft{
		"fail/unknown-type":   func() Draft { x := base; x.Type = "Nope"; return x }(),
		"fail/no-id":          func() Draft { x := base; x.ID = ""; return x }(),
		"fail/issuer":         func() Draft { x := base; x.Issuer = "bureau"; return x }(),
		"fail/subject":        func() Draft { x := base; x.Subject = "alice"; return x }(),
		"fail/claims":         func() Draft { x := base; x.Claims = with(x.Claims, "status", "?"); return x }(),
		"fail/no-valid-from":  func() Draft { x := base; x.ValidFrom = time.Time{}; return x }(),
		"fail/until-before":   func() Draft { x := base; x.ValidUntil = &before; return x }(),
		"fail/claims-with-id": func() Draft { x := base; x.Claims = with(x.Claims, "id", "did:x:y"); return x }(),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := c.Build(d); fault.CodeOf(err) != fault.Invalid {
				t.Fatalf("err %v", err)
			}
		})
	}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}
