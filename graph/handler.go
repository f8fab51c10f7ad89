package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
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
	MaxComplexity int   // gqlgen complexity (1 per field by default)
	Introspection bool  // allow __schema/__type queries
}

// DefaultLimits are safe for a public endpoint.
var DefaultLimits = Limits{MaxBodyBytes: 4 << 20, MaxDepth: 12, MaxComplexity: 5000, Introspection: true}

// NewHandler returns the GraphQL HTTP handler (POST and GET; websockets for
// subscriptions) with limits, the error presenter and panic recovery.
// Authentication happens in Authenticate, which must wrap it.
func NewHandler(r *Resolver, a *auth.Authenticator, lim Limits, logger *slog.Logger) http.Handler {
	srv := handler.New(generated.NewExecutableSchema(generated.Config{Resolvers: r}))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.AddTransport(transport.Websocket{KeepAlivePingInterval: 10 * time.Second, InitFunc: websocketInit(a)})
	if lim.Introspection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(extension.FixedComplexityLimit(lim.MaxComplexity))
	srv.Use(depthLimit(lim.MaxDepth))
	srv.SetErrorPresenter(func(ctx context.Context, err error) *gqlerror.Error { return present(ctx, logger, err) })
	srv.SetRecoverFunc(func(ctx context.Context, p any) error {
		logger.ErrorContext(ctx, "panic in resolver", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		return fault.E(fault.Internal, "internal error")
	})
	return limitBody(srv, lim.MaxBodyBytes)
}

// present is the one place where errors become GraphQL errors.
func present(ctx context.Context, logger *slog.Logger, err error) *gqlerror.Error {
	var gerr *gqlerror.Error
	if errors.As(err, &gerr) && gerr.Err == nil {
		// Produced by gqlgen itself: parse, validation, complexity, input
		// coercion. The message is about the query, never about data.
		out := *gerr
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

// limitBody refuses bodies over max bytes and malformed JSON with a GraphQL
// error that carries a code, before gqlgen sees them.
func limitBody(next http.Handler, max int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			next.ServeHTTP(w, r)
			return
		}
		if r.ContentLength > max {
			writeError(w, http.StatusRequestEntityTooLarge, CodeBadUserInput, fmt.Sprintf("request body is larger than %d bytes", max))
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, max+1))
		if err != nil {
			writeError(w, http.StatusBadRequest, CodeBadUserInput, "could not read the request body")
			return
		}
		if int64(len(body)) > max {
			writeError(w, http.StatusRequestEntityTooLarge, CodeBadUserInput, fmt.Sprintf("request body is larger than %d bytes", max))
			return
		}
		if ct := r.Header.Get("Content-Type"); (ct == "" || bytes.HasPrefix([]byte(ct), []byte("application/json"))) && !json.Valid(body) {
			writeError(w, http.StatusBadRequest, CodeBadUserInput, "the request body is not valid JSON")
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
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
// request's header keeps that identity.
func websocketInit(a *auth.Authenticator) transport.WebsocketInitFunc {
	return func(ctx context.Context, payload transport.InitPayload) (context.Context, *transport.InitPayload, error) {
		tok := bearer(payload.Authorization())
		if tok == "" {
			return ctx, &payload, nil
		}
		p, err := a.Authenticate(ctx, tok)
		if err != nil {
			return ctx, nil, errors.New(fault.Message(err))
		}
		if p != nil {
			ctx = auth.WithPrincipal(ctx, p)
		}
		return ctx, &payload, nil
	}
}
