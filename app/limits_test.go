package app_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/citizencloud/citizencredentials/app"
)

func TestRestartKeepsCredentials(t *testing.T) {
	dir := t.TempDir()
	s := startServer(t, dir)
	b := s.createBureau(t, "marriage-office", "MaritalStatusCredential")
	holder, _ := newHolderDID(t)
	var cred issued
	s.must(t, b.APIKey, issueQ, map[string]any{"in": map[string]any{"type": "MaritalStatusCredential", "subjectDid": holder,
		"claims": map[string]any{"status": "married", "since": "2020-05-01", "registryOffice": "Central Registry Office"}}}, "issueCredential", &cred)

	t.Run("second-process-refused", func(t *testing.T) {
		m := app.NewMain()
		c := app.DefaultConfig()
		c.Addr, c.DataDir, c.Quiet = "127.0.0.1:0", dir, true
		if err := m.SetConfig(c); err != nil {
			t.Fatal(err)
		}
		err := m.Run(t.Context())
		_ = m.Close()
		if err == nil || !strings.Contains(err.Error(), "another") {
			t.Fatalf("second server on the same data dir: %v", err)
		}
	})

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2 := startServer(t, dir)
	if s2.admin != s.admin {
		t.Fatal("admin token changed across restart")
	}
	var got issued
	s2.must(t, b.APIKey, `query($id: ID!) { credential(id: $id) { id credential state } }`, map[string]any{"id": cred.ID}, "credential", &got)
	if got.Credential != cred.Credential {
		t.Fatal("credential changed across restart")
	}
	if v := s2.verify(t, cred.Credential); !v.Verified {
		t.Fatalf("after restart: %+v", v.Checks)
	}
}

func TestErrorsAndLimits(t *testing.T) {
	s := startServer(t, t.TempDir(), func(c *app.Config) { c.MaxBodyBytes = 64 << 10; c.MaxDepth = 5; c.MaxComplexity = 60 })
	cases := []struct {
		name string
		body string
		code string
		msg  string
	}{
		{"fail/malformed-json", `{"query": `, "BAD_USER_INPUT", "not valid JSON"},
		{"fail/parse-error", `{"query": "query {"}`, "BAD_USER_INPUT", ""},
		{"fail/unknown-field", `{"query": "{ nope }"}`, "BAD_USER_INPUT", "nope"},
		{"fail/body-too-large", `{"query": "` + strings.Repeat(" ", 70<<10) + `{ credentialTypes { name } }"}`, "BAD_USER_INPUT", "larger than"},
		{"fail/too-deep", `{"query": "{ bureaus { keys { id } } a: bureaus { keys { id } } __schema { types { fields { type { ofType { ofType { name } } } } } } }"}`, "BAD_USER_INPUT", "levels deep"},
		{"fail/too-complex", `{"query": "{ ` + aliased(10, "credentialTypes { name description fields suspendable schemaUrl schema }") + ` }"}`, "BAD_USER_INPUT", "complexity"},
		{"fail/bad-variable-type", `{"query": "query($c: String!) { verifyCredential(credential: $c) { verified } }", "variables": {"c": {"not": "a string"}}}`, "BAD_USER_INPUT", ""},
		{"fail/anonymous-operator-query", `{"query": "{ bureau(id: \"nope\") { id } }"}`, "UNAUTHENTICATED", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := s.post(t, "", []byte(tc.body))
			if r.code() != tc.code {
				t.Fatalf("code %q, want %q: %+v", r.code(), tc.code, r.Errors)
			}
			if tc.msg != "" && !strings.Contains(r.Errors[0].Message, tc.msg) {
				t.Fatalf("message %q does not mention %q", r.Errors[0].Message, tc.msg)
			}
		})
	}
	t.Run("fail/bureau-not-found", func(t *testing.T) {
		r := s.do(t, s.admin, `query($id: ID!) { bureau(id: $id) { id } }`, map[string]any{"id": "nope"})
		if r.code() != "NOT_FOUND" {
			t.Fatalf("code %q: %+v", r.code(), r.Errors)
		}
	})
	t.Run("fail/garbage-credential", func(t *testing.T) {
		v := s.verify(t, "eyJhbGciOiJub25lIn0.e30.")
		if v.Verified || len(v.Checks) == 0 || v.Checks[0].OK {
			t.Fatalf("garbage verified: %+v", v)
		}
	})
	t.Run("fail/batch-too-large", func(t *testing.T) {
		b := s.createBureau(t, "donations", "CharitableDonationCredential")
		ins := make([]map[string]any, 1001)
		for i := range ins {
			ins[i] = map[string]any{"type": "CharitableDonationCredential", "subjectDid": "did:key:z6Mk", "claims": map[string]any{}}
		}
		body, _ := json.Marshal(map[string]any{"query": `mutation($ins: [IssueCredentialInput!]!) { issueCredentials(inputs: $ins) { issued } }`, "variables": map[string]any{"ins": ins}})
		r := s.post(t, b.APIKey, body)
		if r.code() != "BAD_USER_INPUT" {
			t.Fatalf("code %q: %+v", r.code(), r.Errors)
		}
	})
}

func TestHTTPResources(t *testing.T) {
	s := startServer(t, t.TempDir())
	for _, tc := range []struct {
		path, ctype string
		status      int
	}{
		{"/healthz", "application/json", 200},
		{"/readyz", "application/json", 200},
		{"/metrics", "text/plain", 200},
		{"/contexts/citizen/v1", "application/ld+json", 200},
		{"/schemas/VolunteerServiceCredential.json", "application/schema+json", 200},
		{"/schemas/Nope.json", "application/json", 404},
		{"/bureaus/nope/did.json", "application/json", 404},
		{"/", "text/html", 200},
	} {
		t.Run(tc.path, func(t *testing.T) {
			resp, err := http.Get(s.URL() + tc.path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.status || !strings.HasPrefix(resp.Header.Get("Content-Type"), tc.ctype) {
				t.Fatalf("%d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
		})
	}
	var types []struct {
		Name   string         `json:"name"`
		Schema map[string]any `json:"schema"`
	}
	s.must(t, "", `{ credentialTypes { name schema } }`, nil, "credentialTypes", &types)
	if len(types) != 6 {
		t.Fatalf("%d credential types, want 6", len(types))
	}
}

// aliased repeats field n times under distinct aliases.
func aliased(n int, field string) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "a%d: %s ", i, field)
	}
	return b.String()
}
