package app_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"

	"github.com/citizencloud/citizencredentials/app"
	"github.com/citizencloud/citizencredentials/app/apptest"
	"github.com/citizencloud/citizencredentials/did"
)

// BenchmarkAbusePayloads posts each denial-of-service document of issue 10,
// and random documents up to 256 KiB, to a real service and reports what one
// costs (ns/op and B/op include the in-process server). The myCredentials
// payloads are sent by a holder with 1,000 credentials, the others
// anonymously. Every payload must be answered, refused or not, within the
// bounds the limits set.
//
//	go test ./app/ -run '^$' -bench AbusePayloads -benchmem
func BenchmarkAbusePayloads(b *testing.B) {
	m, admin := apptest.Start(b, "", func(c *app.Config) { c.RateAnonymous = 0; c.RateKey = 0 })
	url := m.URL() + "/graphql"
	holder := benchHolder(b, url, admin, 1000)
	post := func(b *testing.B, token, query string) {
		body, _ := json.Marshal(map[string]any{"query": query})
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		b.ReportMetric(float64(n), "resp-B/op")
	}
	payloads := abusePayloads()
	// The most expensive documents that stay just within the limits.
	payloads = append(payloads,
		struct{ name, query, reason string }{"within-limits/repeated-name-499", "{credentialTypes{" + strings.Repeat("name ", 499) + "}}", ""},
		struct{ name, query, reason string }{"within-limits/nested-duplicates-24x20", "{" + strings.Repeat("credentialTypes { "+strings.Repeat("name ", 19)+"} ", 24) + "}", ""},
		struct{ name, query, reason string }{"within-limits/fragment-fan-out-7", fanOutDoc(7), ""},
		struct{ name, query, reason string }{"within-limits/myCredentials-first-1000-4-aliases", "{" + aliased(4, "myCredentials(first: 1000) { id credential }") + "}", ""},
		struct{ name, query, reason string }{"within-limits/verifyCredential-50-aliases-4KiB", "{" + aliased(50, `verifyCredential(credential: "`+strings.Repeat("x", 4096)+`") { verified checks { name ok message } }`) + "}", ""},
	)
	for _, p := range payloads {
		token := ""
		if strings.Contains(p.name, "myCredentials") {
			token = holder
		}
		b.Run(p.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				post(b, token, p.query)
			}
		})
	}
	b.Run("random-documents", func(b *testing.B) {
		r := rand.New(rand.NewPCG(1, 2))
		docs := make([]string, 64)
		for i := range docs {
			docs[i] = randomDocument(r, 1<<(8+r.IntN(11))) // 256 B to 256 KiB
		}
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			post(b, "", docs[i%len(docs)])
			i++
		}
	})
}

// benchHolder creates a bureau, issues n credentials to a new holder and
// returns the holder's session token.
func benchHolder(tb testing.TB, url, admin string, n int) string {
	tb.Helper()
	gql := func(token, query string, vars map[string]any) map[string]json.RawMessage {
		body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			tb.Fatal(err)
		}
		defer resp.Body.Close()
		var out struct {
			Data   map[string]json.RawMessage
			Errors []gqlError
		}
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || len(out.Errors) > 0 {
			tb.Fatalf("%v %+v", err, out.Errors)
		}
		return out.Data
	}
	var bureau struct{ APIKey string }
	_ = json.Unmarshal(gql(admin, createBureauQ, map[string]any{"in": map[string]any{"name": "Bench", "slug": "bench", "allowedTypes": []string{"VolunteerServiceCredential"}}})["createBureau"], &bureau)
	pub, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		tb.Fatal(err)
	}
	holder, err := did.NewKeyDID(pub)
	if err != nil {
		tb.Fatal(err)
	}
	ins := make([]map[string]any, n)
	for i := range ins {
		ins[i] = map[string]any{"type": "VolunteerServiceCredential", "subjectDid": holder, "claims": volunteerClaims()}
	}
	gql(bureau.APIKey, `mutation($ins: [IssueCredentialInput!]!) { issueCredentials(inputs: $ins) { issued } }`, map[string]any{"ins": ins})
	var ch struct{ Challenge string }
	_ = json.Unmarshal(gql("", challengeQ, map[string]any{"did": holder})["authChallenge"], &ch)
	var sess struct{ Token string }
	_ = json.Unmarshal(gql("", authQ, map[string]any{"did": holder, "c": ch.Challenge, "p": signChallenge(holder, key, ch.Challenge)})["authenticate"], &sess)
	return sess.Token
}

// randomDocument strings GraphQL tokens together at random, weighted
// towards nesting, spreads and aliases, until it is about size bytes.
func randomDocument(r *rand.Rand, size int) string {
	vocab := []string{"{", "}", "{", "}", "...F0", "...F1", "fragment F0 on Query {", "fragment F1 on Query {",
		"credentialTypes", "name", "a:", "b:", "myCredentials", "credentials(first: 500)", "edges", "node", "id",
		"mutation", "query", "authChallenge(did: \"did:key:z\")", "(", ")", "@include(if: true)", "... on Query"}
	var sb strings.Builder
	for sb.Len() < size {
		sb.WriteString(vocab[r.IntN(len(vocab))])
		sb.WriteByte(' ')
	}
	return sb.String()
}

// FuzzGraphQLDocument posts arbitrary documents to a real service: every
// answer is a GraphQL response whose errors carry extensions.code, and none
// is larger than 1 MiB (an anonymous caller can reach no data that large).
//
//	go test ./app/ -run '^$' -fuzz FuzzGraphQLDocument -fuzztime 30s
func FuzzGraphQLDocument(f *testing.F) {
	for _, p := range abusePayloads() {
		f.Add(p.query)
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 8 {
		f.Add(randomDocument(r, 512))
	}
	m, _ := apptest.Start(f, "", func(c *app.Config) { c.RateAnonymous = 0 })
	url := m.URL() + "/graphql"
	f.Fuzz(func(t *testing.T, query string) {
		body, _ := json.Marshal(map[string]any{"query": query})
		resp, err := http.Post(url, "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20+1))
		if err != nil {
			t.Fatal(err)
		}
		if len(raw) > 1<<20 {
			t.Fatalf("a response over 1 MiB for %d bytes of document", len(query))
		}
		var out gqlResponse
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("not a GraphQL response (%d): %q", resp.StatusCode, raw)
		}
		for _, e := range out.Errors {
			if _, ok := e.Extensions["code"].(string); !ok {
				t.Fatalf("error without extensions.code: %+v", e)
			}
		}
	})
}
