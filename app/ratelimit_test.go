package app_test

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/citizencloud/citizencredentials/app"
)

// clientFrom is an HTTP client whose connections come from ip (any
// 127.0.0.0/8 address reaches the test server), so each test client has
// its own per-IP bucket.
func clientFrom(t *testing.T, ip string) *http.Client {
	t.Helper()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	tr := &http.Transport{DialContext: d.DialContext}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// httpCall is one request to a plain HTTP route.
type httpCall struct {
	method, path, ctype, body string
}

func (c httpCall) send(t *testing.T, client *http.Client, base string) (status int, retryAfter string, body map[string]any) {
	t.Helper()
	req, err := http.NewRequest(c.method, base+c.path, strings.NewReader(c.body))
	if err != nil {
		t.Fatal(err)
	}
	if c.ctype != "" {
		req.Header.Set("Content-Type", c.ctype)
	}
	if strings.HasSuffix(c.path, "/openid4vci/credential") {
		req.Header.Set("Authorization", "Bearer not-a-token")
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	_ = json.Unmarshal(raw, &body) // not every route answers JSON; the 429 checks below need it
	return resp.StatusCode, resp.Header.Get("Retry-After"), body
}

const form = "application/x-www-form-urlencoded"

var (
	logProof    = httpCall{method: http.MethodGet, path: "/log/proof?id=" + url.QueryEscape("urn:uuid:00000000-0000-0000-0000-000000000000")}
	tokenCall   = httpCall{http.MethodPost, "/bureaus/no-such-bureau/openid4vci/token", form, "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Apre-authorized_code&pre-authorized_code=guess"}
	statusList  = httpCall{method: http.MethodGet, path: "/status/no-such-list"}
	limitedURLs = []struct {
		name  string
		call  httpCall
		oauth bool // the route answers OAuth errors
	}{
		{"log-proof", logProof, false},
		{"log-consistency", httpCall{method: http.MethodGet, path: "/log/consistency?first=1&second=2"}, false},
		{"status-index", httpCall{method: http.MethodGet, path: "/status/"}, false},
		{"audit-heads", httpCall{method: http.MethodGet, path: "/audit/heads"}, false},
		{"audit-event", httpCall{method: http.MethodGet, path: "/audit/some-bureau/events/1"}, false},
		{"presentation-request", httpCall{method: http.MethodGet, path: "/requests/some-request"}, false},
		{"openid4vci-metadata", httpCall{method: http.MethodGet, path: "/.well-known/openid-credential-issuer/bureaus/no-such-bureau"}, false},
		{"openid4vci-offer", httpCall{method: http.MethodGet, path: "/bureaus/no-such-bureau/openid4vci/offers/some-offer"}, false},
		{"openid4vp-request-object", httpCall{method: http.MethodGet, path: "/requests/some-request/openid4vp/request"}, false},
		{"openid4vci-token", tokenCall, true},
		{"openid4vci-nonce", httpCall{method: http.MethodPost, path: "/bureaus/no-such-bureau/openid4vci/nonce"}, true},
		{"openid4vci-credential", httpCall{http.MethodPost, "/bureaus/no-such-bureau/openid4vci/credential", "application/json", `{}`}, true},
		{"openid4vp-response", httpCall{http.MethodPost, "/requests/some-request/openid4vp/response", form, "vp_token=x&state=y"}, true},
	}
)

// checkRateLimited fails unless the answer is the 429 of a limited route:
// Retry-After in whole seconds and the route's error shape.
func checkRateLimited(t *testing.T, status int, retryAfter string, body map[string]any, oauth bool) {
	t.Helper()
	if status != http.StatusTooManyRequests {
		t.Fatalf("status %d, want 429 (body %v)", status, body)
	}
	if n, err := strconv.Atoi(retryAfter); err != nil || n < 1 {
		t.Fatalf("Retry-After %q, want a positive number of seconds", retryAfter)
	}
	if oauth {
		if body["error"] != "slow_down" || body["error_description"] == "" || body["code"] != nil {
			t.Fatalf("body %v, want an OAuth error slow_down with a description", body)
		}
		return
	}
	if body["code"] != "RATE_LIMITED" || !strings.Contains(body["error"].(string), "too many requests") {
		t.Fatalf("body %v, want code RATE_LIMITED and a message", body)
	}
}

func TestHTTPRateLimits(t *testing.T) {
	const burst = 3
	s := startServer(t, t.TempDir(), func(c *app.Config) { c.RateAnonymous, c.RateAnonymousBurst = 0.01, burst })

	for _, tc := range []struct {
		name, ip string
		call     httpCall
		oauth    bool
	}{
		{"log-proof", "127.0.0.2", logProof, false},
		{"openid4vci-token", "127.0.0.3", tokenCall, true},
	} {
		t.Run("fail/past-the-burst/"+tc.name, func(t *testing.T) {
			client := clientFrom(t, tc.ip)
			for i := range burst {
				if status, _, body := tc.call.send(t, client, s.URL()); status == http.StatusTooManyRequests || status/100 == 5 {
					t.Fatalf("call %d within the burst: %d %v", i, status, body)
				}
			}
			status, retryAfter, body := tc.call.send(t, client, s.URL())
			checkRateLimited(t, status, retryAfter, body, tc.oauth)
		})
	}

	// 127.0.0.2 has emptied its bucket: every limited route refuses it.
	exhausted := clientFrom(t, "127.0.0.2")
	for _, tc := range limitedURLs {
		t.Run("fail/limited/"+tc.name, func(t *testing.T) {
			status, retryAfter, body := tc.call.send(t, exhausted, s.URL())
			checkRateLimited(t, status, retryAfter, body, tc.oauth)
		})
	}

	for _, tc := range []struct{ name, path string }{
		{"status-list", statusList.path},
		{"status-list-version", "/status/no-such-list?version=2"},
		{"log-head", "/log/head"},
		{"healthz", "/healthz"},
		{"did-document", "/bureaus/no-such-bureau/did.json"},
		{"context", "/contexts/citizen/v1"},
	} {
		t.Run("ok/not-limited/"+tc.name, func(t *testing.T) {
			call := httpCall{method: http.MethodGet, path: tc.path}
			for i := range 4 * burst {
				if status, _, _ := call.send(t, exhausted, s.URL()); status == http.StatusTooManyRequests {
					t.Fatalf("call %d refused with 429", i)
				}
			}
		})
	}

	t.Run("ok/other-client-not-limited", func(t *testing.T) {
		if status, _, body := logProof.send(t, clientFrom(t, "127.0.0.4"), s.URL()); status != http.StatusNotFound {
			t.Fatalf("got %d %v, want 404 (no such credential)", status, body)
		}
	})

	t.Run("ok/graphql-keeps-its-own-buckets", func(t *testing.T) {
		// An anonymous mutation, charged to the GraphQL limits only.
		holder, _ := newHolderDID(t)
		q, _ := json.Marshal(map[string]any{"query": challengeQ, "variables": map[string]any{"did": holder}})
		call := httpCall{http.MethodPost, "/graphql", "application/json", string(q)}
		if status, _, body := call.send(t, exhausted, s.URL()); status != http.StatusOK || body["errors"] != nil {
			t.Fatalf("authChallenge from a client out of HTTP tokens: %d %v", status, body)
		}
	})
}

func TestHTTPRateLimitsOff(t *testing.T) {
	s := startServer(t, t.TempDir(), func(c *app.Config) { c.RateAnonymous, c.RateAnonymousBurst = 0, 1 })
	client := clientFrom(t, "127.0.0.2")
	for _, tc := range limitedURLs {
		t.Run("ok/"+tc.name, func(t *testing.T) {
			for i := range 5 {
				if status, _, body := tc.call.send(t, client, s.URL()); status == http.StatusTooManyRequests {
					t.Fatalf("call %d refused with rate 0: %v", i, body)
				}
			}
		})
	}
}
