package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/citizencloud/citizencredentials/auth"
	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/graph/generated"
)

// GraphQL error codes (extensions.code). The set is closed.
const (
	CodeBadUserInput    = "BAD_USER_INPUT"
	CodeUnauthenticated = "UNAUTHENTICATED"
	CodeForbidden       = "FORBIDDEN"
	CodeNotFound        = "NOT_FOUND"
	CodeConflict        = "CONFLICT"
	CodeUnavailable     = "UNAVAILABLE"
	CodeInternal        = "INTERNAL"
	// CodeRateLimited (RATE_LIMITED): the client sent too much too fast;
	// extensions.retryAfter says in how many seconds to try again.
	CodeRateLimited = "RATE_LIMITED"
)

var faultCodes = map[fault.Code]string{
	fault.Invalid:         CodeBadUserInput,
	fault.Unauthenticated: CodeUnauthenticated,
	fault.Forbidden:       CodeForbidden,
	fault.NotFound:        CodeNotFound,
	fault.Conflict:        CodeConflict,
	fault.Unavailable:     CodeUnavailable,
	fault.Internal:        CodeInternal,
}

func errorCode(err error) string { return faultCodes[fault.CodeOf(err)] }

// Limits bound what one request may cost.
type Limits struct {
	MaxBodyBytes  int64 // request body size
	MaxDepth      int   // selection-set nesting
	MaxComplexity int   // complexity: 1 per field, list fields times their page size
	Introspection bool  // allow __schema/__type queries
	// MaxIssue bounds the credentials one request issues, over all its
	// issueCredential and issueCredentials fields; 0 means no request limit.
	MaxIssue int
	// Document bounds the raw document before it is parsed; zero fields
	// take DefaultDocumentLimits.
	Document DocumentLimits
	// Rate bounds how fast one client calls mutations and verifications.
	Rate RateLimits
}

// DefaultLimits are safe for a public endpoint.
var DefaultLimits = Limits{MaxBodyBytes: 4 << 20, MaxDepth: 12, MaxComplexity: 10000, Introspection: true, MaxIssue: 1000, Document: DefaultDocumentLimits, Rate: DefaultRateLimits}

// NewHandler returns the GraphQL HTTP handler (POST and GET; websockets for
// subscriptions) with limits, the error presenter and panic recovery.
// Authentication happens in Authenticate, which must wrap it.
func NewHandler(r *Resolver, a *auth.Authenticator, lim Limits, logger *slog.Logger) http.Handler {
	srv := handler.New(generated.NewExecutableSchema(generated.Config{Resolvers: r, Complexity: complexity(len(r.Issuer.Catalogue().Types()))}))
	srv.SetQueryCache(newQueryCache())
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.AddTransport(transport.Websocket{KeepAlivePingInterval: 10 * time.Second, InitFunc: websocketInit(a)})
	if lim.Introspection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(documentLimit(lim.Document.withDefaults()))
	srv.Use(extension.FixedComplexityLimit(lim.MaxComplexity))
	srv.Use(depthLimit(lim.MaxDepth))
	if lim.MaxIssue > 0 {
		srv.Use(batchLimit(lim.MaxIssue))
	}
	srv.Use(newRateLimit(lim.Rate))
	srv.Use(cancelOnDisconnect{})
	srv.SetErrorPresenter(func(ctx context.Context, err error) *gqlerror.Error { return present(ctx, logger, err) })
	srv.SetRecoverFunc(func(ctx context.Context, p any) error {
		logger.ErrorContext(ctx, "panic in resolver", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		return fault.E(fault.Internal, "internal error")
	})
	return guardTransport(srv, lim.MaxBodyBytes, lim.Document)
}

// present is the one place where errors become GraphQL errors.
func present(ctx context.Context, logger *slog.Logger, err error) *gqlerror.Error {
	var gerr *gqlerror.Error
	if errors.As(err, &gerr) && gerr.Err == nil {
		// Produced by gqlgen itself: parse, validation, complexity, input
		// coercion. The message is about the query, never about data.
		out := *gerr
		if gerr.Extensions["code"] == CodeRateLimited {
			out.Extensions = map[string]any{"code": CodeRateLimited, "retryAfter": gerr.Extensions["retryAfter"]}
			return &out
		}
		out.Extensions = map[string]any{"code": CodeBadUserInput}
		if c, ok := gerr.Extensions["code"].(string); ok && c != "" {
			out.Extensions["reason"] = c
		}
		return &out
	}
	out := graphql.DefaultErrorPresenter(ctx, err)
	code := errorCode(err)
	if code == CodeInternal {
		logger.ErrorContext(ctx, "internal error", "path", out.Path.String(), "err", err.Error())
	}
	out.Message = fault.Message(err)
	out.Extensions = map[string]any{"code": code}
	return out
}

func logUnexpected(ctx context.Context, err error) {
	if fault.CodeOf(err) == fault.Internal {
		slog.ErrorContext(ctx, "internal error in batch item", "err", err.Error())
	}
}

// depthLimit refuses operations nested deeper than max.
type depthLimit int

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = depthLimit(0)

func (depthLimit) ExtensionName() string                   { return "DepthLimit" }
func (depthLimit) Validate(graphql.ExecutableSchema) error { return nil }
func (d depthLimit) MutateOperationContext(ctx context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	if rc.Operation == nil {
		return nil
	}
	if depth := selectionDepth(rc.Operation.SelectionSet, 0, int(d)+1); depth > int(d) {
		err := gqlerror.Errorf("the query is nested %d levels deep; at most %d are allowed", depth, int(d))
		errcode.Set(err, "DEPTH_LIMIT_EXCEEDED")
		return err
	}
	return nil
}

func selectionDepth(set ast.SelectionSet, depth, stop int) int {
	if depth >= stop {
		return depth
	}
	maxDepth := depth
	for _, sel := range set {
		var d int
		switch s := sel.(type) {
		case *ast.Field:
			if len(s.SelectionSet) == 0 {
				d = depth + 1
			} else {
				d = selectionDepth(s.SelectionSet, depth+1, stop)
			}
		case *ast.InlineFragment:
			d = selectionDepth(s.SelectionSet, depth, stop)
		case *ast.FragmentSpread:
			if s.Definition != nil {
				d = selectionDepth(s.Definition.SelectionSet, depth, stop)
			}
		}
		maxDepth = max(maxDepth, d)
	}
	return maxDepth
}

// guardTransport is the HTTP side of the endpoint's limits. It answers
// every request gqlgen's transports would refuse without extensions.code,
// and never echoes what the client sent:
//
//   - POST must be application/json, at most max bytes, one JSON object
//     (a batch array is refused) whose "query" is a string;
//   - GET may only run queries (mutations must be POSTed);
//   - other methods get 405.
//
// It also records the client IP and the hints that let the rate limit
// answer 429.
func guardTransport(next http.Handler, max int64, doc DocumentLimits) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := withClientIP(r.Context(), r)
		switch {
		case r.Method == http.MethodGet && strings.EqualFold(r.Header.Get("Upgrade"), "websocket"):
			// Websocket subscriptions: gqlgen's transport shapes its errors
			// as protocol messages; the upgrade needs the raw writer.
			next.ServeHTTP(w, r.WithContext(ctx))
			return
		case r.Method == http.MethodOptions:
		case r.Method == http.MethodGet:
			if err := checkGet(r, doc); err != nil {
				w.Header().Set("Allow", "POST")
				writeError(w, http.StatusMethodNotAllowed, CodeBadUserInput, err.Error())
				return
			}
		case r.Method == http.MethodPost:
			body, status, msg := readBody(w, r, max)
			if msg != "" {
				writeError(w, status, CodeBadUserInput, msg)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		default:
			w.Header().Set("Allow", "GET, POST")
			writeError(w, http.StatusMethodNotAllowed, CodeBadUserInput, "use POST (or GET for queries) on /graphql")
			return
		}
		r.Header.Del("Upgrade") // not a websocket: gqlgen's transports must not see one
		hints := &httpHints{}
		ctx = context.WithValue(ctx, keyHTTPHints, hints)
		next.ServeHTTP(&hintedWriter{ResponseWriter: w, hints: hints}, r.WithContext(ctx))
	})
}

// readBody reads and checks a POST body; msg is non-empty when it is refused.
func readBody(w http.ResponseWriter, r *http.Request, max int64) (body []byte, status int, msg string) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return nil, http.StatusUnsupportedMediaType, "send the request as Content-Type: application/json"
	}
	tooLarge := fmt.Sprintf("request body is larger than %d bytes", max)
	if r.ContentLength > max {
		return nil, http.StatusRequestEntityTooLarge, tooLarge
	}
	body, err = io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return nil, http.StatusRequestEntityTooLarge, tooLarge
	case err != nil:
		return nil, http.StatusBadRequest, "could not read the request body"
	}
	// One JSON object is all that is accepted; json.Unmarshal below checks
	// the whole body is valid JSON, so only other shapes are told apart
	// here (a second full scan of the body was measurable).
	if b := bytes.TrimLeft(body, " \t\r\n"); len(b) == 0 || b[0] != '{' {
		if !json.Valid(body) {
			return nil, http.StatusBadRequest, "the request body is not valid JSON"
		}
		return nil, http.StatusBadRequest, "the request body must be one JSON object {\"query\": ..., \"variables\": ...}; batches (arrays) are not supported"
	}
	var shape struct {
		Query         json.RawMessage `json:"query"`
		OperationName json.RawMessage `json:"operationName"`
		Variables     json.RawMessage `json:"variables"`
		Extensions    json.RawMessage `json:"extensions"`
	}
	if err := json.Unmarshal(body, &shape); err != nil {
		return nil, http.StatusBadRequest, "the request body is not valid JSON"
	}
	for _, f := range []struct {
		name string
		raw  json.RawMessage
		want byte // first byte of the accepted JSON type
	}{{"query", shape.Query, '"'}, {"operationName", shape.OperationName, '"'}, {"variables", shape.Variables, '{'}, {"extensions", shape.Extensions, '{'}} {
		if len(f.raw) == 0 || string(f.raw) == "null" {
			continue
		}
		if f.raw[0] != f.want {
			kind := "a string"
			if f.want == '{' {
				kind = "an object"
			}
			return nil, http.StatusBadRequest, fmt.Sprintf("%q must be %s", f.name, kind)
		}
	}
	return body, 0, ""
}

// checkGet refuses a GET that would run a mutation or subscription
// (gqlgen answers those without a code). The scan is the same cheap pass
// that bounds the document, so a GET costs no parsing here.
func checkGet(r *http.Request, lim DocumentLimits) error {
	q := r.URL.Query()
	st, err := scanDocument(q.Get("query"), lim.withDefaults())
	if err != nil || st == nil {
		return nil // the document limit answers it, with its reason
	}
	name := q.Get("operationName")
	for _, op := range st.operations {
		if (name == "" || op.name == name) && op.kind != "query" {
			return fmt.Errorf("a %s must be sent with POST", op.kind)
		}
	}
	return nil
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []any{map[string]any{"message": msg, "extensions": map[string]any{"code": code}}}})
}

// Authenticate reads "Authorization: Bearer ..." and puts the caller in the
// request context. A bad credential is refused at once with UNAUTHENTICATED.
func Authenticate(a *auth.Authenticator, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := a.Authenticate(r.Context(), bearer(r.Header.Get("Authorization")))
		if err != nil {
			status := http.StatusUnauthorized
			if fault.CodeOf(err) == fault.Unavailable {
				status = http.StatusServiceUnavailable
			}
			writeError(w, status, errorCode(err), fault.Message(err))
			return
		}
		if p != nil {
			r = r.WithContext(auth.WithPrincipal(r.Context(), p))
		}
		next.ServeHTTP(w, r)
	})
}

func bearer(h string) string {
	const prefix = "Bearer "
	if len(h) > len(prefix) && (h[:len(prefix)] == prefix || h[:len(prefix)] == "bearer ") {
		return h[len(prefix):]
	}
	return ""
}

// websocketInit authenticates a websocket connection from the
// connection_init payload {"Authorization": "Bearer ..."} (browsers cannot
// set headers on websockets); a caller already authenticated by the upgrade
// request's header keeps that identity. The connection_ack carries no
// payload: echoing the init payload would send the API key back.
func websocketInit(a *auth.Authenticator) transport.WebsocketInitFunc {
	return func(ctx context.Context, payload transport.InitPayload) (context.Context, *transport.InitPayload, error) {
		tok := bearer(payload.Authorization())
		if tok == "" {
			return ctx, nil, nil
		}
		p, err := a.Authenticate(ctx, tok)
		if err != nil {
			return ctx, nil, errors.New(fault.Message(err))
		}
		if p != nil {
			ctx = auth.WithPrincipal(ctx, p)
		}
		return ctx, nil, nil
	}
}

// The parsed and validated documents kept by queryCache: clients send the
// same few documents again and again (a verifier's verifyCredential query),
// and parsing and validating one was about a tenth of a verification's
// CPU. Only documents that passed validation are added (gqlgen adds after
// validating), only small ones, and only so many: the documents an
// anonymous caller invents cost at most queryCacheEntries parsed forms of
// queryCacheMaxBytes, and evict each other.
const (
	queryCacheEntries  = 256
	queryCacheMaxBytes = 4 << 10
)

type queryCache struct{ lru *lru.LRU[*ast.QueryDocument] }

func newQueryCache() queryCache { return queryCache{lru.New[*ast.QueryDocument](queryCacheEntries)} }

func (c queryCache) Get(ctx context.Context, query string) (*ast.QueryDocument, bool) {
	if len(query) > queryCacheMaxBytes {
		return nil, false
	}
	return c.lru.Get(ctx, query)
}

func (c queryCache) Add(ctx context.Context, query string, doc *ast.QueryDocument) {
	if len(query) <= queryCacheMaxBytes {
		c.lru.Add(ctx, query, doc)
	}
}
