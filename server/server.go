// Package server is the HTTP adapter: it mounts the GraphQL API and the
// plain HTTP resources (DID documents, JSON-LD contexts, JSON Schemas,
// health, readiness and metrics) and the verifier web page on one mux.
package server

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/citizencloud/citizencredentials/auth"
	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/graph"
	"github.com/citizencloud/citizencredentials/internal/ratelimit"
	"github.com/citizencloud/citizencredentials/openid"
	"github.com/citizencloud/citizencredentials/server/playground"
	"github.com/citizencloud/citizencredentials/server/web"
)

// ReadyCheck reports whether a dependency is ready; name says which.
type ReadyCheck struct {
	Name  string
	Check func(ctx context.Context) error
}

// Config is what the HTTP layer needs.
type Config struct {
	Resolver   *graph.Resolver
	Auth       *auth.Authenticator
	Limits     graph.Limits
	Playground bool // serve the GraphQL playground at / (assets embedded)
	Ready      []ReadyCheck
	Registry   *prometheus.Registry // nil: a new one
	Logger     *slog.Logger
	// PublicURL is the base URL clients reach the service at.
	PublicURL string
	// StatusLists serves GET /status/{id}[?version=N].
	StatusLists StatusVersions
	// StatusIndex serves GET /status/ (the index of lists); nil: none.
	StatusIndex StatusIndex
	// Log serves GET /log/head, /log/proof and /log/consistency; nil: none.
	Log PublicLog
	// Audit serves GET /audit/heads and /audit/{bureau}/events/{seq}; nil: none.
	Audit AuditChains
	// OpenID serves the OpenID4VCI endpoints (server/openid.go); nil: none.
	OpenID *openid.Issuer
	// OpenIDVP serves presentation requests over OpenID4VP; nil: not.
	OpenIDVP *openid.Presentations
	// Extra mounts additional routes (verifier page, ...).
	Extra map[string]http.Handler
	// AnonymousRate limits, per client IP, the costly anonymous routes
	// outside GraphQL (server/ratelimit.go); a zero rate: no limit.
	AnonymousRate ratelimit.Rate
}

// New returns the service's HTTP handler: each resource registers its own
// routes with only the collaborators it needs.
func New(cfg Config) http.Handler {
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	reg := cfg.Registry
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	mux := http.NewServeMux()
	d := Deps{Mux: mux, Log: log}
	d.GraphQL(graph.Authenticate(cfg.Auth, graph.NewHandler(cfg.Resolver, cfg.Auth, cfg.Limits, log)))
	if cfg.Playground {
		playground.Mount(mux)
	}
	d.Health(cfg.Ready, reg)
	d.DIDDocuments(cfg.Resolver.Onboarding)
	d.Catalogue(cfg.Resolver.Issuer.Catalogue())
	if cfg.Resolver.Requests != nil {
		d.Requests(cfg.Resolver.Requests, cfg.PublicURL)
	}
	if cfg.StatusLists != nil {
		d.StatusLists(cfg.StatusLists)
	}
	if cfg.StatusIndex != nil {
		d.StatusIndex(cfg.StatusIndex, cfg.PublicURL)
	}
	if cfg.Audit != nil {
		d.AuditChains(cfg.Audit)
	}
	if cfg.Log != nil {
		d.IssuanceLog(cfg.Log)
	}
	if cfg.OpenID != nil {
		mountOpenID(mux, cfg.OpenID, log)
	}
	if cfg.OpenIDVP != nil {
		mountOpenIDVP(mux, cfg.OpenIDVP, log)
	}
	// The verifier page, GET /verify and /verify/assets/{file}, unless Extra
	// replaces it.
	if _, ok := cfg.Extra[web.PagePattern]; !ok {
		web.Mount(mux)
	}
	for pattern, h := range cfg.Extra {
		mux.Handle(pattern, h)
	}
	return newMetrics(reg).instrument(mux, limitAnonymous(mux, ratelimit.New(cfg.AnonymousRate)))
}

// Deps is what every resource's registration shares: the mux it registers
// on and the logger that writeFault reports internal errors to.
type Deps struct {
	Mux *http.ServeMux
	Log *slog.Logger
}

func (d Deps) fault(w http.ResponseWriter, err error) { writeFault(w, d.Log, err) }

// GraphQL registers the API at /graphql.
func (d Deps) GraphQL(h http.Handler) { d.Mux.Handle("/graphql", h) }

var httpStatus = map[fault.Code]int{
	fault.Invalid:         http.StatusBadRequest,
	fault.NotFound:        http.StatusNotFound,
	fault.Unauthenticated: http.StatusUnauthorized,
	fault.Forbidden:       http.StatusForbidden,
	fault.Conflict:        http.StatusConflict,
	fault.Unavailable:     http.StatusServiceUnavailable,
	fault.Internal:        http.StatusInternalServerError,
}

// writeFault is the one place plain-HTTP errors are shaped.
func writeFault(w http.ResponseWriter, log *slog.Logger, err error) {
	code := fault.CodeOf(err)
	if code == fault.Internal {
		log.Error("internal error", "err", err.Error())
	}
	var fe *fault.Error
	if !errors.As(err, &fe) {
		code = fault.Internal
	}
	writeJSON(w, httpStatus[code], map[string]string{"error": fault.Message(err), "code": string(code)})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
