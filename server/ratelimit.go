package server

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/citizencloud/citizencredentials/graph"
	"github.com/citizencloud/citizencredentials/internal/ratelimit"
)

// errorShape is how a route shapes its errors, and so its 429.
type errorShape int

const (
	faultShape errorShape = iota // {"error": message, "code": code}, as writeFault
	oauthShape                   // {"error": "slow_down", "error_description": ...}, as writeOAuth
)

// anonymousLimited are the routes (mux patterns) whose every request is
// charged to the client IP before it runs: each reads the store, signs,
// verifies or computes proofs for anyone who asks. The GraphQL API has its
// own limits (graph.RateLimits). Not limited, because they are cheap or
// static and fetched by every verifier and monitor: GET /status/{id} (status
// lists, cacheable), /log/head, /healthz, /readyz, /metrics, DID documents,
// the JSON-LD context, the JSON Schemas and the verifier page.
var anonymousLimited = map[string]errorShape{
	// OpenID4VCI (server/openid.go).
	"GET /.well-known/openid-credential-issuer/bureaus/{slug}":   faultShape,
	"GET /bureaus/{slug}/.well-known/openid-credential-issuer":   faultShape,
	"GET /.well-known/oauth-authorization-server/bureaus/{slug}": faultShape,
	"GET /bureaus/{slug}/.well-known/oauth-authorization-server": faultShape,
	"GET /bureaus/{slug}/openid4vci/offers/{id}":                 faultShape,
	"GET /bureaus/{slug}/openid4vci/offers/{id}/qr.svg":          faultShape,
	"POST /bureaus/{slug}/openid4vci/token":                      oauthShape,
	"POST /bureaus/{slug}/openid4vci/nonce":                      oauthShape,
	"POST /bureaus/{slug}/openid4vci/credential":                 oauthShape,
	// OpenID4VP (server/openid.go).
	"GET /requests/{id}/openid4vp/request":   faultShape,
	"GET /requests/{id}/openid4vp/qr.svg":    faultShape,
	"POST /requests/{id}/openid4vp/response": oauthShape,
	// Presentation requests (server/resources.go).
	"GET /requests/{id}": faultShape,
	// Public endpoints (server/public.go, server/audit.go).
	"GET /status/{$}":                  faultShape,
	"GET /log/proof":                   faultShape,
	"GET /log/consistency":             faultShape,
	"GET /audit/heads":                 faultShape,
	"GET /audit/{bureau}/events/{seq}": faultShape,
}

// limitAnonymous charges each request to a route of anonymousLimited to its
// client IP (the TCP peer, as the GraphQL limits do) before the route runs,
// and answers 429 with Retry-After, in the route's error shape, when the
// client's bucket is empty. A nil limiter limits nothing.
func limitAnonymous(mux *http.ServeMux, l *ratelimit.Limiter) http.Handler {
	if l == nil {
		return mux
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, pattern := mux.Handler(r)
		shape, limited := anonymousLimited[pattern]
		if limited {
			if ok, wait := l.Allow("ip:" + ratelimit.ClientIP(r)); !ok {
				writeRateLimited(w, shape, ratelimit.RetryAfterSeconds(wait))
				return
			}
		}
		mux.ServeHTTP(w, r)
	})
}

// writeRateLimited is the 429 of a limited route: Retry-After in seconds
// and the body in the route's error shape, with the code the GraphQL API
// uses for the same refusal (RATE_LIMITED).
func writeRateLimited(w http.ResponseWriter, shape errorShape, retryAfter int) {
	msg := fmt.Sprintf("too many requests from this client: try again in %d s", retryAfter)
	w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
	w.Header().Set("Cache-Control", "no-store")
	if shape == oauthShape {
		writeJSON(w, http.StatusTooManyRequests, map[string]string{"error": "slow_down", "error_description": msg})
		return
	}
	writeJSON(w, http.StatusTooManyRequests, map[string]string{"error": msg, "code": graph.CodeRateLimited})
}
