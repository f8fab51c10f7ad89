package graph

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/citizencloud/citizencredentials/auth"
	"github.com/citizencloud/citizencredentials/credentials"
)

// consortiumHandler is the GraphQL handler of a node that runs without a
// consortium registry (Resolver.Governance nil), with the operator token
// "op-token". The consortium fields reach no store.
func consortiumHandler(t *testing.T) http.Handler {
	t.Helper()
	cat, err := credentials.NewCatalogue("https://citizen.example")
	if err != nil {
		t.Fatal(err)
	}
	r := &Resolver{Issuer: credentials.NewService(nil, cat, nil)}
	a := auth.NewAuthenticator(nil, "op-token", nil)
	return Authenticate(a, NewHandler(r, a, DefaultLimits, slog.New(slog.DiscardHandler)))
}

func TestConsortiumNotConnected(t *testing.T) {
	h := consortiumHandler(t)
	const acc = "0x5B38Da6a701c568545dCfcB03FcB875f56beddC4"
	tests := []struct {
		name, token, query string
		vars               map[string]any
		code               string
		// notEchoed must not appear in the error message.
		notEchoed string
	}{
		{name: "fail/query-anonymous", query: `{ consortium { registry } }`, code: CodeUnauthenticated},
		{name: "fail/query-unavailable", token: "op-token", query: `{ consortium { registry self { account } } }`, code: CodeUnavailable},
		{name: "fail/propose-anonymous", query: `mutation($a: String!) { proposeMember(account: $a, name: "Housing", baseURL: "https://housing.example") { id } }`,
			vars: map[string]any{"a": acc}, code: CodeUnauthenticated},
		{name: "fail/propose-unavailable", token: "op-token", query: `mutation($a: String!) { proposeMember(account: $a, name: "Housing", baseURL: "https://housing.example") { id } }`,
			vars: map[string]any{"a": acc}, code: CodeUnavailable},
		{name: "fail/propose-bad-account", token: "op-token", query: `mutation($a: String!) { proposeMember(account: $a, name: "Housing", baseURL: "https://housing.example") { id } }`,
			vars: map[string]any{"a": "0xnot-an-account<script>"}, code: CodeBadUserInput, notEchoed: "<script>"},
		{name: "fail/propose-zero-account", token: "op-token", query: `mutation($a: String!) { proposeMember(account: $a, name: "Housing", baseURL: "https://housing.example") { id } }`,
			vars: map[string]any{"a": "0x0000000000000000000000000000000000000000"}, code: CodeBadUserInput},
		{name: "fail/propose-no-name", token: "op-token", query: `mutation($a: String!) { proposeMember(account: $a, name: " ", baseURL: "https://housing.example") { id } }`,
			vars: map[string]any{"a": acc}, code: CodeBadUserInput},
		{name: "fail/propose-bad-url", token: "op-token", query: `mutation($a: String!, $u: String!) { proposeMember(account: $a, name: "Housing", baseURL: $u) { id } }`,
			vars: map[string]any{"a": acc, "u": "ftp://secret-host.example/?token=abc"}, code: CodeBadUserInput, notEchoed: "secret-host"},
		{name: "fail/removal-bad-account", token: "op-token", query: `mutation { proposeMemberRemoval(account: "5B38Da6a701c568545dCfcB03FcB875f56beddC4") { id } }`,
			code: CodeBadUserInput},
		{name: "fail/removal-unavailable", token: "op-token", query: `mutation($a: String!) { proposeMemberRemoval(account: $a) { id } }`,
			vars: map[string]any{"a": acc}, code: CodeUnavailable},
		{name: "fail/approve-bad-id", token: "op-token", query: `mutation { approveProposal(id: "first") { id } }`, code: CodeBadUserInput},
		{name: "fail/approve-unavailable", token: "op-token", query: `mutation { approveProposal(id: "1") { id } }`, code: CodeUnavailable},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body, _ := json.Marshal(map[string]any{"query": tc.query, "variables": tc.vars})
			req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			if tc.token != "" {
				req.Header.Set("Authorization", "Bearer "+tc.token)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			raw, _ := io.ReadAll(rec.Body)
			var resp struct {
				Errors []struct {
					Message    string         `json:"message"`
					Extensions map[string]any `json:"extensions"`
				} `json:"errors"`
			}
			if err := json.Unmarshal(raw, &resp); err != nil {
				t.Fatalf("decode %s: %v", raw, err)
			}
			if len(resp.Errors) == 0 {
				t.Fatalf("no error: %s", raw)
			}
			if c := resp.Errors[0].Extensions["code"]; c != tc.code {
				t.Fatalf("code %v, want %s: %s", c, tc.code, raw)
			}
			if tc.notEchoed != "" && strings.Contains(string(raw), tc.notEchoed) {
				t.Errorf("the answer echoes the input %q: %s", tc.notEchoed, raw)
			}
		})
	}
}

func TestMemberBaseURL(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{name: "ok/https", in: "https://housing.city.example", want: "https://housing.city.example"},
		{name: "ok/trailing-slash-dropped", in: " https://housing.city.example:8443/node/ ", want: "https://housing.city.example:8443/node"},
		{name: "ok/http-dev", in: "http://127.0.0.1:8081", want: "http://127.0.0.1:8081"},
		{name: "fail/no-scheme", in: "housing.city.example"},
		{name: "fail/ftp", in: "ftp://housing.city.example"},
		{name: "fail/user-info", in: "https://user:pw@housing.city.example"},
		{name: "fail/query", in: "https://housing.city.example/?a=b"},
		{name: "fail/empty-query", in: "https://housing.city.example/?"},
		{name: "fail/fragment", in: "https://housing.city.example/#x"},
		{name: "fail/too-long", in: "https://housing.city.example/" + strings.Repeat("a", 200)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := memberBaseURL(tc.in)
			if tc.want == "" {
				if err == nil {
					t.Fatalf("memberBaseURL(%q) = %q, want an error", tc.in, got)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("memberBaseURL(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}
