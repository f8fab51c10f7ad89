package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/citizencloud/citizencredentials/client"
)

// answer is a canned HTTP response of a fake GraphQL server.
type answer struct {
	status int
	body   string
}

func fakeServer(t *testing.T, a answer, seen *http.Request) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if seen != nil {
			*seen = *r.Clone(context.Background())
			body, _ := io.ReadAll(r.Body)
			seen.Body = io.NopCloser(strings.NewReader(string(body)))
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(a.status)
		_, _ = io.WriteString(w, a.body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestNewSendsBearerToEndpoint(t *testing.T) {
	for name, base := range map[string]string{"base": "", "slash": "/", "graphql": "/graphql"} {
		t.Run(name, func(t *testing.T) {
			var seen http.Request
			srv := fakeServer(t, answer{200, `{"data":{"bureaus":[]}}`}, &seen)
			c := client.New(srv.URL+base, "s3cret")
			if _, err := client.Bureaus(context.Background(), c); err != nil {
				t.Fatal(err)
			}
			if seen.URL.Path != "/graphql" {
				t.Errorf("path = %q, want /graphql", seen.URL.Path)
			}
			if got := seen.Header.Get("Authorization"); got != "Bearer s3cret" {
				t.Errorf("Authorization = %q", got)
			}
			if c.Endpoint() != srv.URL+"/graphql" {
				t.Errorf("Endpoint() = %q", c.Endpoint())
			}
		})
	}
}

func TestNoTokenNoHeader(t *testing.T) {
	var seen http.Request
	srv := fakeServer(t, answer{200, `{"data":{"credentialTypes":[]}}`}, &seen)
	if _, err := client.CredentialTypes(context.Background(), client.New(srv.URL, "")); err != nil {
		t.Fatal(err)
	}
	if h, ok := seen.Header["Authorization"]; ok {
		t.Errorf("Authorization sent without a token: %q", h)
	}
}

func TestOptionalInputsAreOmitted(t *testing.T) {
	var seen http.Request
	srv := fakeServer(t, answer{200, `{"data":{"issueCredential":{"id":"urn:uuid:1","validFrom":"2026-01-01T00:00:00Z","issuedAt":"2026-01-01T00:00:00Z"}}}`}, &seen)
	in := client.IssueCredentialInput{Type: "T", SubjectDid: "did:key:z", Claims: json.RawMessage(`{"a":1}`)}
	resp, err := client.IssueCredential(context.Background(), client.New(srv.URL, "k"), in)
	if err != nil {
		t.Fatal(err)
	}
	if resp.IssueCredential.Id != "urn:uuid:1" || resp.IssueCredential.ValidUntil != nil {
		t.Errorf("response = %+v", resp.IssueCredential)
	}
	var req struct {
		Variables struct {
			Input map[string]json.RawMessage `json:"input"`
		} `json:"variables"`
	}
	body, _ := io.ReadAll(seen.Body)
	if err := json.Unmarshal(body, &req); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"validFrom", "validUntil", "idempotencyKey", "format"} {
		if v, ok := req.Variables.Input[k]; ok {
			t.Errorf("%s sent as %s; an absent optional input must be left out (explicit null overrides schema defaults)", k, v)
		}
	}
	if string(req.Variables.Input["claims"]) != `{"a":1}` {
		t.Errorf("claims sent as %s", req.Variables.Input["claims"])
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name     string
		answer   answer
		wantCode string
		wantMsg  string
	}{
		{
			name:     "graphql error with code",
			answer:   answer{200, `{"errors":[{"message":"bureau x is not allowed to issue Y","path":["issueCredential"],"extensions":{"code":"FORBIDDEN"}}],"data":null}`},
			wantCode: "FORBIDDEN",
			wantMsg:  "FORBIDDEN: bureau x is not allowed to issue Y",
		},
		{
			name:     "two errors",
			answer:   answer{200, `{"errors":[{"message":"a","extensions":{"code":"NOT_FOUND"}},{"message":"b","extensions":{"code":"INTERNAL"}}]}`},
			wantCode: "NOT_FOUND",
			wantMsg:  "NOT_FOUND: a; INTERNAL: b",
		},
		{
			name:     "refused with 401",
			answer:   answer{401, `{"errors":[{"message":"unknown API key","extensions":{"code":"UNAUTHENTICATED"}}]}`},
			wantCode: "UNAUTHENTICATED",
			wantMsg:  "UNAUTHENTICATED: unknown API key",
		},
		{
			name:     "validation error with 422",
			answer:   answer{422, `{"errors":[{"message":"Cannot query field \"nope\" on type \"Query\".","extensions":{"code":"BAD_USER_INPUT","reason":"GRAPHQL_VALIDATION_FAILED"}}]}`},
			wantCode: "BAD_USER_INPUT",
			wantMsg:  `BAD_USER_INPUT: Cannot query field "nope" on type "Query".`,
		},
		{
			name:     "error without code gets the status's",
			answer:   answer{413, `{"errors":[{"message":"too big"}]}`},
			wantCode: "BAD_USER_INPUT",
			wantMsg:  "BAD_USER_INPUT: too big",
		},
		{
			name:     "proxy page",
			answer:   answer{502, "<html><body>Bad Gateway</body></html>"},
			wantCode: "UNAVAILABLE",
			wantMsg:  "UNAVAILABLE: HTTP 502: <html><body>Bad Gateway</body></html>",
		},
		{
			name:     "not graphql json",
			answer:   answer{500, `{"error":"boom"}`},
			wantCode: "HTTP_500",
			wantMsg:  "HTTP_500: HTTP 500: Internal Server Error",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := fakeServer(t, tt.answer, nil)
			_, err := client.Bureaus(context.Background(), client.New(srv.URL, "k"))
			if err == nil {
				t.Fatal("no error")
			}
			if got := client.Code(err); got != tt.wantCode {
				t.Errorf("Code = %q, want %q", got, tt.wantCode)
			}
			if got := client.Message(err); got != tt.wantMsg {
				t.Errorf("Message = %q, want %q", got, tt.wantMsg)
			}
			if client.IsTransport(err) {
				t.Error("IsTransport = true for an answer from the server")
			}
			// Wrapped errors are understood too.
			if got := client.Code(errors.Join(errors.New("context"), err)); got != tt.wantCode {
				t.Errorf("Code(wrapped) = %q", got)
			}
		})
	}
}

func TestTransportErrors(t *testing.T) {
	t.Run("refused", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		url := srv.URL
		srv.Close()
		_, err := client.Bureaus(context.Background(), client.New(url, "k"))
		if !client.IsTransport(err) || client.Code(err) != "" || client.Errors(err) != nil {
			t.Errorf("err = %v: IsTransport %v, Code %q", err, client.IsTransport(err), client.Code(err))
		}
	})
	t.Run("timeout", func(t *testing.T) {
		block := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-block:
			case <-r.Context().Done():
			}
		}))
		defer srv.Close()
		defer close(block)
		start := time.Now()
		_, err := client.Bureaus(context.Background(), client.New(srv.URL, "k", client.WithTimeout(100*time.Millisecond)))
		if !client.IsTransport(err) {
			t.Errorf("err = %v, want a transport error", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("took %v despite a 100ms timeout", d)
		}
	})
	if client.Message(nil) != "" || client.IsTransport(nil) {
		t.Error("nil error is not an error")
	}
}
