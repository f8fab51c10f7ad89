package app_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/citizencloud/citizencredentials/app"
	"github.com/citizencloud/citizencredentials/app/apptest"
	"github.com/citizencloud/citizencredentials/did"
	"github.com/citizencloud/citizencredentials/mongodb/mongotest"
)

// testServer is a vcserve started in-process on 127.0.0.1:0.
type testServer struct {
	*app.Main
	admin string
}

// startServer runs vcserve on dir with the embedded store (or the given
// config tweak) and returns it with the operator token.
func startServer(t *testing.T, dir string, tweak ...func(*app.Config)) *testServer {
	t.Helper()
	m, admin := apptest.Start(t, dir, tweak...)
	return &testServer{Main: m, admin: admin}
}

type gqlError struct {
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions"`
}

type gqlResponse struct {
	Data   map[string]json.RawMessage `json:"data"`
	Errors []gqlError                 `json:"errors"`
	Status int                        `json:"-"`
}

func (r *gqlResponse) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// do posts one GraphQL operation; token may be empty.
func (s *testServer) do(t *testing.T, token, query string, vars map[string]any) *gqlResponse {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return s.post(t, token, body)
}

func (s *testServer) post(t *testing.T, token string, body []byte) *gqlResponse {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.URL()+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out gqlResponse
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("decode response %q: %v", raw, err)
	}
	out.Status = resp.StatusCode
	for _, e := range out.Errors {
		if _, ok := e.Extensions["code"].(string); !ok {
			t.Errorf("error without extensions.code: %+v", e)
		}
	}
	return &out
}

// must runs an operation that must succeed and decodes data[field] into v.
func (s *testServer) must(t *testing.T, token, query string, vars map[string]any, field string, v any) {
	t.Helper()
	r := s.do(t, token, query, vars)
	if len(r.Errors) > 0 {
		t.Fatalf("%s: unexpected errors: %+v", field, r.Errors)
	}
	if err := json.Unmarshal(r.Data[field], v); err != nil {
		t.Fatalf("%s: decode %s: %v", field, r.Data[field], err)
	}
}

const createBureauQ = `mutation($in: CreateBureauInput!) { createBureau(input: $in) { apiKey bureau { id did slug allowedTypes active keys { id algorithm publicKeyJwk } } } }`

type bureauOut struct {
	APIKey string `json:"apiKey"`
	Bureau struct {
		ID   string `json:"id"`
		DID  string `json:"did"`
		Slug string `json:"slug"`
		Keys []struct {
			ID string `json:"id"`
		} `json:"keys"`
	} `json:"bureau"`
}

func (s *testServer) createBureau(t *testing.T, slug string, types ...string) bureauOut {
	t.Helper()
	var out bureauOut
	s.must(t, s.admin, createBureauQ, map[string]any{"in": map[string]any{"name": "Bureau " + slug, "slug": slug, "allowedTypes": types}}, "createBureau", &out)
	return out
}

const issueQ = `mutation($in: IssueCredentialInput!) { issueCredential(input: $in) { id type issuerDid subjectDid credential hash state validFrom validUntil } }`

type issued struct {
	ID         string `json:"id"`
	Type       string `json:"type"`
	IssuerDID  string `json:"issuerDid"`
	SubjectDID string `json:"subjectDid"`
	Credential string `json:"credential"`
	Hash       string `json:"hash"`
	State      string `json:"state"`
}

const verifyQ = `query($c: String!) { verifyCredential(credential: $c) { verified checks { name ok message } credentials { id issuer subject types claims } } }`

type verifyOut struct {
	Verified bool `json:"verified"`
	Checks   []struct {
		Name    string `json:"name"`
		OK      bool   `json:"ok"`
		Message string `json:"message"`
	} `json:"checks"`
	Credentials []struct {
		ID      string         `json:"id"`
		Subject string         `json:"subject"`
		Claims  map[string]any `json:"claims"`
	} `json:"credentials"`
}

func (v verifyOut) check(name string) (ok, found bool, msg string) {
	for _, c := range v.Checks {
		if c.Name == name {
			return c.OK, true, c.Message
		}
	}
	return false, false, ""
}

func (s *testServer) verify(t *testing.T, cred string) verifyOut {
	t.Helper()
	var out verifyOut
	s.must(t, "", verifyQ, map[string]any{"c": cred}, "verifyCredential", &out)
	return out
}

func volunteerClaims() map[string]any {
	return map[string]any{"hours": 42, "organization": "City Food Bank", "activity": "Food distribution", "periodStart": "2026-01-01", "periodEnd": "2026-06-30"}
}

func newHolderDID(t *testing.T) (string, ed25519.PrivateKey) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	d, err := did.NewKeyDID(pub)
	if err != nil {
		t.Fatal(err)
	}
	return d, priv
}

// resign replaces the signature of a compact JWS with one made by key over
// the (possibly modified) header and payload.
func resign(t *testing.T, header, payload map[string]any, key ed25519.PrivateKey) string {
	t.Helper()
	h, _ := json.Marshal(header)
	p, _ := json.Marshal(payload)
	input := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(p)
	return input + "." + base64.RawURLEncoding.EncodeToString(ed25519.Sign(key, []byte(input)))
}

func splitJWS(t *testing.T, jws string) (header, payload map[string]any, sig string) {
	t.Helper()
	parts := strings.Split(jws, ".")
	if len(parts) != 3 {
		t.Fatalf("not a compact JWS: %d parts", len(parts))
	}
	hb, _ := base64.RawURLEncoding.DecodeString(parts[0])
	pb, _ := base64.RawURLEncoding.DecodeString(parts[1])
	if err := json.Unmarshal(hb, &header); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(pb, &payload); err != nil {
		t.Fatal(err)
	}
	return header, payload, parts[2]
}

func TestServeEmbeddedEndToEnd(t *testing.T) {
	s := startServer(t, t.TempDir())
	runIssueVerifyScenario(t, s)
}

// runIssueVerifyScenario is the foundation story, run against any store.
func runIssueVerifyScenario(t *testing.T, s *testServer) {
	b := s.createBureau(t, "volunteer-bureau", "VolunteerServiceCredential")
	if !strings.HasPrefix(b.Bureau.DID, "did:web:") || len(b.Bureau.Keys) != 1 || !strings.HasPrefix(b.APIKey, "ccb_") {
		t.Fatalf("unexpected bureau: %+v", b)
	}
	holder, _ := newHolderDID(t)

	var cred issued
	s.must(t, b.APIKey, issueQ, map[string]any{"in": map[string]any{"type": "VolunteerServiceCredential", "subjectDid": holder, "claims": volunteerClaims()}}, "issueCredential", &cred)
	if !strings.HasPrefix(cred.ID, "urn:uuid:") || cred.State != "ACTIVE" || cred.SubjectDID != holder {
		t.Fatalf("unexpected credential: %+v", cred)
	}

	t.Run("ok", func(t *testing.T) {
		v := s.verify(t, cred.Credential)
		if !v.Verified {
			t.Fatalf("not verified: %+v", v.Checks)
		}
		for _, name := range []string{"signature", "issuer_known", "validity", "schema"} {
			if ok, found, msg := v.check(name); !found || !ok {
				t.Errorf("check %s: found=%v ok=%v %s", name, found, ok, msg)
			}
		}
		if len(v.Credentials) != 1 || v.Credentials[0].ID != cred.ID || v.Credentials[0].Subject != holder {
			t.Errorf("summary: %+v", v.Credentials)
		}
	})

	t.Run("did-document", func(t *testing.T) {
		resp, err := http.Get(s.URL() + "/bureaus/volunteer-bureau/did.json")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var doc did.Document
		if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil || resp.StatusCode != 200 {
			t.Fatalf("did.json: %d %v", resp.StatusCode, err)
		}
		if doc.ID != b.Bureau.DID || len(doc.VerificationMethod) != 1 {
			t.Fatalf("did.json: %+v", doc)
		}
	})

	header, payload, _ := splitJWS(t, cred.Credential)
	_, otherKey, _ := ed25519.GenerateKey(rand.Reader)

	failCases := []struct {
		name  string
		cred  func() string
		check string
	}{
		{"fail/tampered", func() string {
			parts := strings.Split(cred.Credential, ".")
			p := clone(payload)
			p["credentialSubject"].(map[string]any)["hours"] = 4200
			pb, _ := json.Marshal(p)
			return parts[0] + "." + base64.RawURLEncoding.EncodeToString(pb) + "." + parts[2]
		}, "signature"},
		{"fail/other-key", func() string { return resign(t, header, payload, otherKey) }, "signature"},
		{"fail/unknown-issuer", func() string {
			p := clone(payload)
			unknown := strings.Replace(b.Bureau.DID, "volunteer-bureau", "no-such-bureau", 1)
			p["issuer"] = unknown
			if _, ok := p["iss"]; ok {
				p["iss"] = unknown
			}
			h := clone(header)
			h["kid"] = unknown + "#key-1"
			return resign(t, h, p, otherKey)
		}, "issuer_known"},
	}
	for _, tc := range failCases {
		t.Run(tc.name, func(t *testing.T) {
			v := s.verify(t, tc.cred())
			if v.Verified {
				t.Fatal("verified, want failure")
			}
			if ok, found, msg := v.check(tc.check); !found || ok || msg == "" {
				t.Fatalf("check %s: found=%v ok=%v msg=%q; checks %+v", tc.check, found, ok, msg, v.Checks)
			}
		})
	}

	t.Run("fail/expired", func(t *testing.T) {
		var old issued
		s.must(t, b.APIKey, issueQ, map[string]any{"in": map[string]any{
			"type": "VolunteerServiceCredential", "subjectDid": holder, "claims": volunteerClaims(),
			"validFrom": time.Now().Add(-48 * time.Hour).UTC().Format(time.RFC3339), "validUntil": time.Now().Add(-24 * time.Hour).UTC().Format(time.RFC3339),
		}}, "issueCredential", &old)
		v := s.verify(t, old.Credential)
		if ok, found, msg := v.check("validity"); v.Verified || !found || ok || !strings.Contains(msg, "expired") {
			t.Fatalf("validity: found=%v ok=%v msg=%q", found, ok, msg)
		}
		if ok, _, _ := v.check("signature"); !ok {
			t.Fatal("signature of an expired credential should still be valid")
		}
	})

	t.Run("fail/schema-invalid-claims", func(t *testing.T) {
		// Another implementation (a did:key issuer) issued our type with
		// claims that break its schema: the signature is fine, the schema is not.
		issuerDID, issuerKey := newHolderDID(t)
		p := clone(payload)
		p["issuer"] = issuerDID
		if _, ok := p["iss"]; ok {
			p["iss"] = issuerDID
		}
		p["credentialSubject"] = map[string]any{"id": holder, "hours": "many", "organization": "x"}
		h := clone(header)
		h["kid"] = issuerDID + "#" + strings.TrimPrefix(issuerDID, "did:key:")
		v := s.verify(t, resign(t, h, p, issuerKey))
		if ok, _, msg := v.check("signature"); !ok {
			t.Fatalf("signature should verify: %s", msg)
		}
		if ok, found, msg := v.check("schema"); v.Verified || !found || ok || msg == "" {
			t.Fatalf("schema: found=%v ok=%v msg=%q", found, ok, msg)
		}
	})

	t.Run("authorisation", func(t *testing.T) {
		other := s.createBureau(t, "learning-bureau", "LifelongLearningCredential")
		in := map[string]any{"in": map[string]any{"type": "VolunteerServiceCredential", "subjectDid": holder, "claims": volunteerClaims()}}
		cases := []struct {
			name, token, code string
		}{
			{"fail/no-key", "", "UNAUTHENTICATED"},
			{"fail/bad-key", "ccb_notakey", "UNAUTHENTICATED"},
			{"fail/type-not-allowed", other.APIKey, "FORBIDDEN"},
			{"fail/operator-cannot-issue", s.admin, "FORBIDDEN"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				r := s.do(t, tc.token, issueQ, in)
				if r.code() != tc.code {
					t.Fatalf("code %q, want %q (%+v)", r.code(), tc.code, r.Errors)
				}
			})
		}
		t.Run("fail/other-bureaus-credential", func(t *testing.T) {
			r := s.do(t, other.APIKey, `query($id: ID!) { credential(id: $id) { id } }`, map[string]any{"id": cred.ID})
			if r.code() != "FORBIDDEN" {
				t.Fatalf("code %q, want FORBIDDEN", r.code())
			}
		})
		t.Run("fail/bureau-cannot-create-bureau", func(t *testing.T) {
			r := s.do(t, b.APIKey, createBureauQ, map[string]any{"in": map[string]any{"name": "x", "slug": "xx", "allowedTypes": []string{"VolunteerServiceCredential"}}})
			if r.code() != "FORBIDDEN" {
				t.Fatalf("code %q, want FORBIDDEN", r.code())
			}
		})
	})

	t.Run("schema-rejected-at-issuance", func(t *testing.T) {
		bad := volunteerClaims()
		bad["hours"] = -3
		r := s.do(t, b.APIKey, issueQ, map[string]any{"in": map[string]any{"type": "VolunteerServiceCredential", "subjectDid": holder, "claims": bad}})
		if r.code() != "BAD_USER_INPUT" || !strings.Contains(r.Errors[0].Message, "hours") {
			t.Fatalf("got %+v", r.Errors)
		}
	})

	t.Run("batch-with-one-invalid-item", func(t *testing.T) {
		bad := volunteerClaims()
		delete(bad, "organization")
		inputs := []map[string]any{
			{"type": "VolunteerServiceCredential", "subjectDid": holder, "claims": volunteerClaims()},
			{"type": "VolunteerServiceCredential", "subjectDid": holder, "claims": bad},
			{"type": "VolunteerServiceCredential", "subjectDid": "not-a-did", "claims": volunteerClaims()},
			{"type": "VolunteerServiceCredential", "subjectDid": holder, "claims": volunteerClaims()},
		}
		var out struct {
			Issued  int `json:"issued"`
			Failed  int `json:"failed"`
			Results []struct {
				Index      int                             `json:"index"`
				Credential *issued                         `json:"credential"`
				Error      *struct{ Code, Message string } `json:"error"`
			} `json:"results"`
		}
		s.must(t, b.APIKey, `mutation($ins: [IssueCredentialInput!]!) { issueCredentials(inputs: $ins) { issued failed results { index credential { id credential } error { code message } } } }`,
			map[string]any{"ins": inputs}, "issueCredentials", &out)
		if out.Issued != 2 || out.Failed != 2 || len(out.Results) != 4 {
			t.Fatalf("batch: %+v", out)
		}
		for i, res := range out.Results {
			wantOK := i == 0 || i == 3
			if res.Index != i || (res.Credential != nil) != wantOK || (res.Error != nil) == wantOK {
				t.Fatalf("item %d: %+v", i, res)
			}
			if !wantOK && res.Error.Code != "BAD_USER_INPUT" {
				t.Fatalf("item %d: code %s", i, res.Error.Code)
			}
		}
		if v := s.verify(t, out.Results[3].Credential.Credential); !v.Verified {
			t.Fatalf("batch credential does not verify: %+v", v.Checks)
		}
	})

	t.Run("idempotent-reissue", func(t *testing.T) {
		in := map[string]any{"in": map[string]any{"type": "VolunteerServiceCredential", "subjectDid": holder, "claims": volunteerClaims(), "idempotencyKey": "order-77"}}
		var a, b2 issued
		s.must(t, b.APIKey, issueQ, in, "issueCredential", &a)
		s.must(t, b.APIKey, issueQ, in, "issueCredential", &b2)
		if a.ID != b2.ID || a.Credential != b2.Credential {
			t.Fatalf("re-issue gave a new credential: %s vs %s", a.ID, b2.ID)
		}
		other := in["in"].(map[string]any)
		other["subjectDid"], _ = newHolderDID(t)
		if r := s.do(t, b.APIKey, issueQ, in); r.code() != "CONFLICT" {
			t.Fatalf("reusing the key for another subject: %q, want CONFLICT", r.code())
		}
	})

	t.Run("list-with-pagination", func(t *testing.T) {
		type page struct {
			Edges []struct {
				Node issued `json:"node"`
			} `json:"edges"`
			PageInfo struct {
				EndCursor   *string `json:"endCursor"`
				HasNextPage bool    `json:"hasNextPage"`
			} `json:"pageInfo"`
		}
		q := `query($after: String) { credentials(first: 2, after: $after, filter: {type: "VolunteerServiceCredential"}) { edges { node { id } } pageInfo { endCursor hasNextPage } } }`
		seen := map[string]bool{}
		var after any
		for i := 0; ; i++ {
			var p page
			s.must(t, b.APIKey, q, map[string]any{"after": after}, "credentials", &p)
			for _, e := range p.Edges {
				if seen[e.Node.ID] {
					t.Fatalf("duplicate %s across pages", e.Node.ID)
				}
				seen[e.Node.ID] = true
			}
			if !p.PageInfo.HasNextPage {
				break
			}
			after = *p.PageInfo.EndCursor
			if i > 20 {
				t.Fatal("pagination does not end")
			}
		}
		// first + expired + 2 batch + 1 idempotent
		if len(seen) != 5 || !seen[cred.ID] {
			t.Fatalf("listed %d credentials, want 5", len(seen))
		}
	})
}

func clone(m map[string]any) map[string]any {
	b, _ := json.Marshal(m)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}

func TestServeMongoEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("starts an embedded FerretDB server")
	}
	uri := mongotest.StartServer(t)
	s := startServer(t, t.TempDir(), func(c *app.Config) { c.MongoURI = uri; c.MongoDatabase = "e2e" })
	runIssueVerifyScenario(t, s)
}
