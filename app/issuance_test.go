package app_test

import (
	"strings"
	"testing"
)

// Bad issuance input is refused with BAD_USER_INPUT (CONFLICT for a reused
// idempotency key), a message that says what to fix, and never the value.
func TestIssuanceBadInput(t *testing.T) {
	s := startServer(t, t.TempDir())
	b := s.createBureau(t, "volunteering", "VolunteerServiceCredential")
	holder, _ := newHolderDID(t)
	in := func(change func(m map[string]any)) map[string]any {
		m := map[string]any{"type": "VolunteerServiceCredential", "subjectDid": holder, "claims": volunteerClaims()}
		change(m)
		return map[string]any{"in": m}
	}
	first := in(func(m map[string]any) { m["idempotencyKey"] = "order-9" })
	s.must(t, b.APIKey, issueQ, first, "issueCredential", &issued{})

	cases := []struct {
		name   string
		vars   map[string]any
		code   string
		says   string // part of the message
		secret string // the value, which must not come back
	}{
		{"fail/claims-array", in(func(m map[string]any) { m["claims"] = []any{1, 2} }), "BAD_USER_INPUT", "JSON object", ""},
		{"fail/claims-string", in(func(m map[string]any) { m["claims"] = "xsecretx" }), "BAD_USER_INPUT", "JSON object", "xsecretx"},
		{"fail/valid-from-no-zone", in(func(m map[string]any) { m["validFrom"] = "2026-01-01T10:00:00" }), "BAD_USER_INPUT", "time zone", "2026-01-01T10:00:00"},
		{"fail/valid-from-year-10000", in(func(m map[string]any) { m["validFrom"] = "10000-01-01T00:00:00Z" }), "BAD_USER_INPUT", "9999", "10000-01-01"},
		{"fail/valid-from-yesterday", in(func(m map[string]any) { m["validFrom"] = "yesterday" }), "BAD_USER_INPUT", "RFC 3339", "yesterday"},
		{"fail/subject-did-example", in(func(m map[string]any) { m["subjectDid"] = "did:example:123" }), "BAD_USER_INPUT", "did:key, did:jwk or did:web", "did:example:123"},
		{"fail/idempotency-key-other-claims", in(func(m map[string]any) {
			c := volunteerClaims()
			c["hours"] = 43
			m["claims"], m["idempotencyKey"] = c, "order-9"
		}), "CONFLICT", "idempotencyKey", ""},
		{"ok/idempotency-key-same-request", first, "", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := s.do(t, b.APIKey, issueQ, tc.vars)
			if r.code() != tc.code {
				t.Fatalf("code %q, want %q (%+v)", r.code(), tc.code, r.Errors)
			}
			if tc.code == "" {
				return
			}
			msg := r.Errors[0].Message
			if !strings.Contains(msg, tc.says) {
				t.Errorf("message %q does not say %q", msg, tc.says)
			}
			if tc.secret != "" && strings.Contains(msg, tc.secret) {
				t.Errorf("message %q echoes the value", msg)
			}
		})
	}
}

// The bureau's audit trail is served in chain order with its hashes, and
// the chain it serves is intact.
func TestAuditEventsChain(t *testing.T) {
	s := startServer(t, t.TempDir())
	b := s.createBureau(t, "volunteering", "VolunteerServiceCredential")
	holder, _ := newHolderDID(t)
	for range 3 {
		s.must(t, b.APIKey, issueQ, map[string]any{"in": map[string]any{"type": "VolunteerServiceCredential", "subjectDid": holder, "claims": volunteerClaims()}}, "issueCredential", &issued{})
	}
	var evs []struct {
		Seq      int    `json:"seq"`
		Action   string `json:"action"`
		Hash     string `json:"hash"`
		PrevHash string `json:"prevHash"`
	}
	s.must(t, b.APIKey, `query { auditEvents(after: 0, first: 10) { seq action hash prevHash } }`, nil, "auditEvents", &evs)
	want := []string{"bureau_created", "issued", "issued", "issued"}
	if len(evs) != len(want) {
		t.Fatalf("%d events, want %d: %+v", len(evs), len(want), evs)
	}
	for i, e := range evs {
		if e.Seq != i+1 || e.Action != want[i] || len(e.Hash) != 64 || (i > 0 && e.PrevHash != evs[i-1].Hash) {
			t.Fatalf("event %d: %+v", i, e)
		}
	}
	cases := []struct {
		name, token, query, code string
	}{
		{"fail/anonymous", "", `query { auditEvents { seq } }`, "UNAUTHENTICATED"},
		{"fail/operator", s.admin, `query { auditEvents { seq } }`, "FORBIDDEN"},
		{"fail/page-too-large", b.APIKey, `query { auditEvents(first: 100000) { seq } }`, "BAD_USER_INPUT"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if r := s.do(t, tc.token, tc.query, nil); r.code() != tc.code {
				t.Fatalf("code %q, want %q (%+v)", r.code(), tc.code, r.Errors)
			}
		})
	}
}
