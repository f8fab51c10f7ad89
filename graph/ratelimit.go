package graph

import (
	"context"
	"net/http"
	"strconv"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/citizencloud/citizencredentials/auth"
	"github.com/citizencloud/citizencredentials/internal/ratelimit"
)

// RateLimits bound how fast one client may call the costly fields. Every
// top-level field counts once (aliases and fragments included).
//
//   - Anonymous callers, per client IP (the TCP peer; a proxy in front must
//     be trusted with its own limits): every mutation field
//     (authChallenge, authenticate, submitPresentation, ...) and every
//     verification (verifyCredential, verifyPresentation).
//   - Authenticated callers other than the operator, per API key or holder
//     session (per principal): every mutation field.
//
// A refused request gets HTTP 429 with Retry-After and a GraphQL error with
// extensions.code RATE_LIMITED and extensions.retryAfter (seconds). A zero
// rate turns that limit off.
type RateLimits struct {
	AnonymousPerSecond float64
	AnonymousBurst     int
	KeyPerSecond       float64
	KeyBurst           int
}

// DefaultRateLimits are generous for people and scripts, and stop one
// client from filling the store (each authChallenge is a row) or the CPU.
var DefaultRateLimits = RateLimits{AnonymousPerSecond: 20, AnonymousBurst: 200, KeyPerSecond: 200, KeyBurst: 2000}

// rateLimit is the gqlgen extension that charges each operation to its
// caller's bucket before it runs.
type rateLimit struct {
	anonymous, keys *ratelimit.Limiter // nil: no limit
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = rateLimit{}

func newRateLimit(l RateLimits) rateLimit {
	return rateLimit{
		anonymous: ratelimit.New(ratelimit.Rate{PerSecond: l.AnonymousPerSecond, Burst: l.AnonymousBurst}),
		keys:      ratelimit.New(ratelimit.Rate{PerSecond: l.KeyPerSecond, Burst: l.KeyBurst}),
	}
}

func (rateLimit) ExtensionName() string                   { return "RateLimit" }
func (rateLimit) Validate(graphql.ExecutableSchema) error { return nil }
func (rl rateLimit) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	p := auth.FromContext(ctx)
	var (
		l   *ratelimit.Limiter
		key string
	)
	switch {
	case p == nil:
		l, key = rl.anonymous, "ip:"+clientIP(ctx)
	case p.Role == auth.RoleOperator:
		return nil
	default:
		l, key = rl.keys, string(p.Role)+":"+p.ID
	}
	if l == nil {
		return nil
	}
	n := chargedFields(oc, p == nil)
	if n == 0 {
		return nil
	}
	ok, wait := l.Take(key, n)
	if ok {
		return nil
	}
	secs := ratelimit.RetryAfterSeconds(wait)
	if h := httpHintsFrom(ctx); h != nil {
		h.set(http.StatusTooManyRequests, secs)
	}
	err := gqlerror.Errorf("too many requests from this client: try again in %d s", secs)
	errcode.Set(err, CodeRateLimited)
	err.Extensions["retryAfter"] = secs
	return err
}

// chargedFields counts the operation's top-level fields that the rate
// limits charge for.
func chargedFields(oc *graphql.OperationContext, anonymous bool) int {
	switch oc.Operation.Operation {
	case ast.Mutation:
		return len(graphql.CollectFields(oc, oc.Operation.SelectionSet, []string{"Mutation"}))
	case ast.Query:
		if !anonymous {
			return 0
		}
		n := 0
		for _, f := range graphql.CollectFields(oc, oc.Operation.SelectionSet, []string{"Query"}) {
			if f.Name == "verifyCredential" || f.Name == "verifyPresentation" {
				n++
			}
		}
		return n
	}
	return 0
}

type ctxKey int

const (
	keyClientIP ctxKey = iota
	keyHTTPHints
)

// clientIP is the request's TCP peer address without the port.
func clientIP(ctx context.Context) string {
	ip, _ := ctx.Value(keyClientIP).(string)
	return ip
}

func withClientIP(ctx context.Context, r *http.Request) context.Context {
	return context.WithValue(ctx, keyClientIP, ratelimit.ClientIP(r))
}

// httpHints lets an extension that runs inside gqlgen choose the HTTP
// status (and Retry-After) of the response.
type httpHints struct {
	mu         sync.Mutex
	status     int
	retryAfter int
}

func (h *httpHints) set(status, retryAfter int) {
	h.mu.Lock()
	h.status, h.retryAfter = status, retryAfter
	h.mu.Unlock()
}

func httpHintsFrom(ctx context.Context) *httpHints {
	h, _ := ctx.Value(keyHTTPHints).(*httpHints)
	return h
}

// hintedWriter applies the hints when the status is written.
type hintedWriter struct {
	http.ResponseWriter
	hints       *httpHints
	wroteHeader bool
}

func (w *hintedWriter) WriteHeader(status int) {
	if w.wroteHeader {
		return
	}
	w.wroteHeader = true
	w.hints.mu.Lock()
	if w.hints.status != 0 {
		status = w.hints.status
		if w.hints.retryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(w.hints.retryAfter))
		}
	}
	w.hints.mu.Unlock()
	w.ResponseWriter.WriteHeader(status)
}

func (w *hintedWriter) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (websockets).
func (w *hintedWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
