package app_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/citizencloud/citizencredentials/app"
	"github.com/citizencloud/citizencredentials/app/apptest"
)

// fanOutDoc is the fragment fan-out of issue 10: every level spreads the
// next one twice.
func fanOutDoc(levels int) string {
	var b strings.Builder
	b.WriteString("{ ...F0 } ")
	for i := range levels {
		fmt.Fprintf(&b, "fragment F%d on Query { ...F%d ...F%d } ", i, i+1, i+1)
	}
	fmt.Fprintf(&b, "fragment F%d on Query { credentialTypes { name } }", levels)
	return b.String()
}

// abusePayloads are the unauthenticated denial-of-service documents of
// issue 10, each with the reason it must be refused for.
func abusePayloads() []struct{ name, query, reason string } {
	return []struct{ name, query, reason string }{
		{"fragment-fan-out-26", fanOutDoc(26), "DOCUMENT_LIMIT_EXCEEDED"},
		{"repeated-name-10000", "{credentialTypes{" + strings.Repeat("name ", 10000) + "}}", "DOCUMENT_LIMIT_EXCEEDED"},
		{"repeated-name-20000", "{credentialTypes{" + strings.Repeat("name ", 20000) + "}}", "DOCUMENT_LIMIT_EXCEEDED"},
		{"myCredentials-60-aliases", "{" + aliased(60, "myCredentials { id credential }") + "}", "DOCUMENT_LIMIT_EXCEEDED"},
		{"myCredentials-first-1000-10-aliases", "{" + aliased(10, "myCredentials(first: 1000) { id credential }") + "}", "COMPLEXITY_LIMIT_EXCEEDED"},
		{"myCredentials-1600-aliases", "{" + aliased(1600, "myCredentials { id credential }") + "}", "DOCUMENT_LIMIT_EXCEEDED"},
		{"credentials-first-500-1000-aliases", "{" + aliased(1000, "credentials(first: 500) { edges { node { id } } }") + "}", "DOCUMENT_LIMIT_EXCEEDED"},
		{"credentials-first-500-20-aliases", "{" + aliased(20, "credentials(first: 500) { edges { node { id } } }") + "}", "COMPLEXITY_LIMIT_EXCEEDED"},
		{"authChallenge-2400-aliases", "mutation {" + aliased(2400, `authChallenge(did: "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK") { challenge }`) + "}", "DOCUMENT_LIMIT_EXCEEDED"},
	}
}

func TestDocumentLimitsRefuseBeforeExecution(t *testing.T) {
	s := startServer(t, t.TempDir())
	for _, tc := range abusePayloads() {
		t.Run("fail/"+tc.name, func(t *testing.T) {
			r := s.do(t, "", tc.query, nil)
			if r.code() != "BAD_USER_INPUT" || r.Errors[0].Extensions["reason"] != tc.reason {
				t.Fatalf("got %d %q %+v, want BAD_USER_INPUT with reason %s", r.Status, r.code(), r.Errors, tc.reason)
			}
			if r.Data != nil {
				t.Fatalf("refused document ran: %v", r.Data)
			}
		})
	}
	t.Run("ok/introspection-query-fits", func(t *testing.T) {
		r := s.do(t, "", introspectionQuery, nil)
		if len(r.Errors) > 0 {
			t.Fatalf("introspection refused: %+v", r.Errors)
		}
	})
}

// introspectionQuery is what GraphQL tools (the playground) send.
const introspectionQuery = `query IntrospectionQuery { __schema { queryType { name } mutationType { name } subscriptionType { name }
 types { ...FullType } directives { name description locations args { ...InputValue } } } }
fragment FullType on __Type { kind name description fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
 inputFields { ...InputValue } interfaces { ...TypeRef } enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason } possibleTypes { ...TypeRef } }
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }`

func TestPagesAndBatchesAcrossRequest(t *testing.T) {
	s := startServer(t, t.TempDir(), func(c *app.Config) { c.BatchLimit = 5 })
	b := s.createBureau(t, "volunteers", "VolunteerServiceCredential")
	holder, key := newHolderDID(t)
	in := map[string]any{"type": "VolunteerServiceCredential", "subjectDid": holder, "claims": volunteerClaims()}
	const batchQ = `mutation($ins: [IssueCredentialInput!]!) { issueCredentials(inputs: $ins) { issued } }`

	t.Run("fail/aliases-over-batch-limit", func(t *testing.T) {
		q := `mutation($ins: [IssueCredentialInput!]!) { a: issueCredentials(inputs: $ins) { issued } b: issueCredentials(inputs: $ins) { issued } }`
		r := s.do(t, b.APIKey, q, map[string]any{"ins": []any{in, in, in}})
		if r.code() != "BAD_USER_INPUT" || r.Errors[0].Extensions["reason"] != "BATCH_LIMIT_EXCEEDED" {
			t.Fatalf("got %q %+v", r.code(), r.Errors)
		}
		var conn struct{ Edges []struct{} }
		s.must(t, b.APIKey, `{ credentials { edges { node { id } } } }`, nil, "credentials", &conn)
		if len(conn.Edges) != 0 {
			t.Fatalf("a refused request issued %d credentials", len(conn.Edges))
		}
	})
	t.Run("ok/within-batch-limit", func(t *testing.T) {
		var out struct{ Issued int }
		s.must(t, b.APIKey, batchQ, map[string]any{"ins": []any{in, in, in, in, in}}, "issueCredentials", &out)
		if out.Issued != 5 {
			t.Fatalf("issued %d", out.Issued)
		}
	})
	t.Run("fail/credentials-garbage-cursor", func(t *testing.T) {
		r := s.do(t, b.APIKey, `{ credentials(after: "garbage") { edges { node { id } } } }`, nil)
		if r.code() != "BAD_USER_INPUT" {
			t.Fatalf("got %q %+v", r.code(), r.Errors)
		}
	})
	tok := s.login(t, holder, key)
	t.Run("ok/myCredentials-pages", func(t *testing.T) {
		var all []string
		var after any
		for range 10 {
			var page []issued
			s.must(t, tok, `query($after: String) { myCredentials(first: 2, after: $after) { id } }`, map[string]any{"after": after}, "myCredentials", &page)
			for _, c := range page {
				all = append(all, c.ID)
			}
			if len(page) < 2 {
				break
			}
			after = page[len(page)-1].ID
		}
		if len(all) != 5 {
			t.Fatalf("%d credentials over the pages, want 5: %v", len(all), all)
		}
	})
	for _, tc := range []struct{ name, query string }{
		{"fail/myCredentials-garbage-cursor", `{ myCredentials(after: "garbage") { id } }`},
		{"fail/myCredentials-page-too-large", `{ myCredentials(first: 1001) { id } }`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := s.do(t, tok, tc.query, nil)
			if r.code() != "BAD_USER_INPUT" {
				t.Fatalf("got %q %+v", r.code(), r.Errors)
			}
		})
	}
}

func TestRateLimits(t *testing.T) {
	s := startServer(t, t.TempDir(), func(c *app.Config) {
		c.RateAnonymous, c.RateAnonymousBurst, c.RateKey, c.RateKeyBurst = 0.01, 3, 0.01, 2
	})
	holder, _ := newHolderDID(t)
	b := s.createBureau(t, "volunteers", "VolunteerServiceCredential")
	issue := map[string]any{"in": map[string]any{"type": "VolunteerServiceCredential", "subjectDid": holder, "claims": volunteerClaims()}}
	cases := []struct {
		name, token, query string
		vars               map[string]any
		allowed            int
	}{
		{"anonymous-authChallenge-per-ip", "", challengeQ, map[string]any{"did": holder}, 3},
		{"api-key-mutations", b.APIKey, issueQ, issue, 2},
	}
	for _, tc := range cases {
		t.Run("fail/"+tc.name, func(t *testing.T) {
			for i := range tc.allowed {
				if r := s.do(t, tc.token, tc.query, tc.vars); len(r.Errors) > 0 {
					t.Fatalf("call %d refused: %+v", i, r.Errors)
				}
			}
			body, _ := json.Marshal(map[string]any{"query": tc.query, "variables": tc.vars})
			req, _ := http.NewRequest(http.MethodPost, s.URL()+"/graphql", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			if tc.token != "" {
				req.Header.Set("Authorization", "Bearer "+tc.token)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var out gqlResponse
			if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || out.code() != "RATE_LIMITED" || out.Errors[0].Extensions["retryAfter"] == nil {
				t.Fatalf("got %d Retry-After %q %+v", resp.StatusCode, resp.Header.Get("Retry-After"), out.Errors)
			}
		})
	}
	t.Run("ok/operator-not-limited", func(t *testing.T) {
		for i := range 4 {
			s.createBureau(t, fmt.Sprintf("extra-%d", i), "VolunteerServiceCredential")
		}
	})
	t.Run("ok/anonymous-queries-not-limited", func(t *testing.T) {
		for range 5 {
			var types []struct{ Name string }
			s.must(t, "", `{ credentialTypes { name } }`, nil, "credentialTypes", &types)
		}
	})
}

// rawPost sends body as is with the given content type and returns the
// status, the body and the decoded errors.
func rawPost(t *testing.T, u, ctype string, body []byte) (int, []byte, []gqlError) {
	t.Helper()
	resp, err := http.Post(u, ctype, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out gqlResponse
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, raw, out.Errors
}

func TestTransportErrorsCarryCodes(t *testing.T) {
	s := startServer(t, t.TempDir(), func(c *app.Config) { c.MaxBodyBytes = 64 << 10 })
	const marker = "ECHO-MARKER-1234"
	big := []byte(`[{"query": "{ credentialTypes { name } }", "x": "` + marker + strings.Repeat("a", 1000) + `"}]`)
	cases := []struct {
		name, method, ctype string
		body                []byte
		query               string // GET query
		status              int
	}{
		{"fail/post-text-plain", http.MethodPost, "text/plain", []byte(`{"query": "{ credentialTypes { name } } # ` + marker + `"}`), "", http.StatusUnsupportedMediaType},
		{"fail/post-json-array", http.MethodPost, "application/json", big, "", http.StatusBadRequest},
		{"fail/post-too-large", http.MethodPost, "application/json", []byte(`{"query": "` + marker + strings.Repeat(" ", 70<<10) + `"}`), "", http.StatusRequestEntityTooLarge},
		{"fail/post-bad-json", http.MethodPost, "application/json", []byte(`{"query": "` + marker), "", http.StatusBadRequest},
		{"fail/post-query-not-string", http.MethodPost, "application/json", []byte(`{"query": ["` + marker + `"]}`), "", http.StatusBadRequest},
		{"fail/get-mutation", http.MethodGet, "", nil, `mutation { authChallenge(did: "` + marker + `") { challenge } }`, http.StatusMethodNotAllowed},
		{"fail/put", http.MethodPut, "application/json", []byte(`{"query": "{ credentialTypes { name } }"}`), "", http.StatusMethodNotAllowed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			u := s.URL() + "/graphql"
			if tc.query != "" {
				u += "?query=" + url.QueryEscape(tc.query)
			}
			req, _ := http.NewRequest(tc.method, u, bytes.NewReader(tc.body))
			if tc.ctype != "" {
				req.Header.Set("Content-Type", tc.ctype)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			raw, _ := io.ReadAll(resp.Body)
			var out gqlResponse
			if err := json.Unmarshal(raw, &out); err != nil {
				t.Fatalf("not a GraphQL response: %q", raw)
			}
			if resp.StatusCode != tc.status || out.code() != "BAD_USER_INPUT" {
				t.Fatalf("got %d %s", resp.StatusCode, raw)
			}
			if bytes.Contains(raw, []byte(marker)) || bytes.Contains(raw, []byte("json:")) || bytes.Contains(raw, []byte("Go value")) {
				t.Fatalf("the error echoes the request or names a Go type: %s", raw)
			}
		})
	}
	t.Run("fail/post-with-upgrade-header", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, s.URL()+"/graphql", strings.NewReader(`{"query": "{ credentialTypes { name } }"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Upgrade", "h2c")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out gqlResponse
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || len(out.Errors) > 0 || out.Data == nil {
			t.Fatalf("a POST with an Upgrade header is not served as a POST: %d %v %+v", resp.StatusCode, err, out.Errors)
		}
	})
	t.Run("ok/get-query", func(t *testing.T) {
		resp, err := http.Get(s.URL() + "/graphql?query=" + url.QueryEscape("{ credentialTypes { name } }"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET query: %d", resp.StatusCode)
		}
	})
}

func TestShutdownIsBounded(t *testing.T) {
	m, _ := apptest.Start(t, "", func(c *app.Config) { c.ShutdownGrace = 300 * time.Millisecond })
	// A request that never finishes: its body stops arriving.
	conn, err := net.Dial("tcp", strings.TrimPrefix(m.URL(), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"query\": ")
	time.Sleep(100 * time.Millisecond) // let the server start reading it
	if err := m.Close(); err != nil {
		t.Fatalf("Close after the grace: %v", err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.ReadAll(conn); err != nil {
		t.Fatalf("the stuck request's connection was not closed: %v", err)
	}
}

func TestDataFilesOwnerOnly(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	s := startServer(t, dir)
	s.createBureau(t, "volunteers", "VolunteerServiceCredential") // writes: -wal and -shm exist
	want := map[string]os.FileMode{".": 0o700, "citizen.db": 0o600, "citizen.db-wal": 0o600, "citizen.db-shm": 0o600,
		"master.key": 0o600, "admin.token": 0o600}
	for name, mode := range want {
		t.Run(name, func(t *testing.T) {
			fi, err := os.Stat(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != mode {
				t.Fatalf("mode %v, want %v", fi.Mode().Perm(), mode)
			}
		})
	}
}

func TestWebsocketAckEchoesNothing(t *testing.T) {
	s := startServer(t, t.TempDir())
	key := s.createVerifier(t, "Shop")
	ctx := t.Context()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.URL(), "http")+"/graphql", &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(websocket.StatusNormalClosure, "")
	if err := wsjson.Write(ctx, c, map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + key}}); err != nil {
		t.Fatal(err)
	}
	_, raw, err := c.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), "connection_ack") || strings.Contains(string(raw), key) || strings.Contains(string(raw), "Authorization") {
		t.Fatalf("ack %s", raw)
	}
}

func TestUnusedChallengesArePurged(t *testing.T) {
	s := startServer(t, t.TempDir(), func(c *app.Config) { c.ChallengeTTL, c.ChallengePurge = 20*time.Millisecond, 50*time.Millisecond })
	holder, key := newHolderDID(t)
	// An expired challenge that is still stored says "expired"; once the
	// purge has deleted it, it is unknown.
	deadline := time.Now().Add(20 * time.Second)
	for {
		var ch struct{ Challenge string }
		s.must(t, "", challengeQ, map[string]any{"did": holder}, "authChallenge", &ch)
		time.Sleep(200 * time.Millisecond)
		r := s.do(t, "", authQ, map[string]any{"did": holder, "c": ch.Challenge, "p": signChallenge(holder, key, ch.Challenge)})
		if r.code() != "UNAUTHENTICATED" {
			t.Fatalf("an expired challenge: %q %+v", r.code(), r.Errors)
		}
		if strings.Contains(r.Errors[0].Message, "unknown") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("expired challenges are not purged: %s", r.Errors[0].Message)
		}
	}
}
