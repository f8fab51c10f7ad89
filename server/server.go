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
	"strconv"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql/playground"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/citizencloud/citizencredentials/auth"
	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/graph"
	"github.com/citizencloud/citizencredentials/openid"
	"github.com/citizencloud/citizencredentials/server/web"
	"github.com/citizencloud/citizencredentials/status"
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
	Playground bool // serve the GraphQL playground at /
	Ready      []ReadyCheck
	Registry   *prometheus.Registry // nil: a new one
	Logger     *slog.Logger
	// PublicURL is the base URL clients reach the service at.
	PublicURL string
	// StatusLists serves GET /status/{id}[?version=N].
	StatusLists status.Store
	// OpenID serves the OpenID4VCI endpoints (server/openid.go); nil: none.
	OpenID *openid.Issuer
	// OpenIDVP serves presentation requests over OpenID4VP; nil: not.
	OpenIDVP *openid.Presentations
	// Extra mounts additional routes (verifier page, ...).
	Extra map[string]http.Handler
}

// New returns the service's HTTP handler.
func New(cfg Config) http.Handler {
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	reg := cfg.Registry
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	m := newMetrics(reg)
	mux := http.NewServeMux()
	gql := graph.Authenticate(cfg.Auth, graph.NewHandler(cfg.Resolver, cfg.Auth, cfg.Limits, log))
	mux.Handle("/graphql", gql)
	if cfg.Playground {
		mux.Handle("GET /{$}", playground.Handler("Citizen Credentials", "/graphql"))
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		status, out := http.StatusOK, map[string]string{}
		for _, c := range cfg.Ready {
			if err := c.Check(ctx); err != nil {
				status = http.StatusServiceUnavailable
				out[c.Name] = fault.Message(err)
			} else {
				out[c.Name] = "ok"
			}
		}
		writeJSON(w, status, out)
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	bureaus := cfg.Resolver.Onboarding
	mux.HandleFunc("GET /bureaus/{slug}/did.json", func(w http.ResponseWriter, r *http.Request) {
		b, err := bureaus.BySlug(r.Context(), r.PathValue("slug"))
		if err != nil {
			writeFault(w, log, err)
			return
		}
		doc, err := bureaus.Document(r.Context(), b)
		if err != nil {
			writeFault(w, log, err)
			return
		}
		w.Header().Set("Content-Type", "application/did+json")
		_ = json.NewEncoder(w).Encode(doc)
	})
	cat := cfg.Resolver.Issuer.Catalogue()
	mux.HandleFunc("GET /contexts/citizen/v1", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/ld+json")
		w.Header().Set("Cache-Control", "public, max-age=3600")
		_, _ = w.Write(cat.ContextDocument())
	})
	mux.HandleFunc("GET /schemas/{file}", func(w http.ResponseWriter, r *http.Request) {
		name, ok := strings.CutSuffix(r.PathValue("file"), ".json")
		doc, found := cat.SchemaDocument(name)
		if !ok || !found {
			writeFault(w, log, fault.E(fault.NotFound, "no such schema"))
			return
		}
		w.Header().Set("Content-Type", "application/schema+json")
		w.Header().Set("Cache-Control", "public, max-age=3600")
		_, _ = w.Write(doc)
	})
	if reqs := cfg.Resolver.Requests; reqs != nil {
		// The public part of a presentation request, for the holder's wallet.
		mux.HandleFunc("GET /requests/{id}", func(w http.ResponseWriter, r *http.Request) {
			req, err := reqs.Get(r.Context(), r.PathValue("id"))
			if err != nil {
				writeFault(w, log, err)
				return
			}
			writeJSON(w, http.StatusOK, map[string]any{
				"id": req.ID, "challenge": req.Challenge, "domain": req.Domain, "purpose": req.Purpose,
				"presentation_definition": json.RawMessage(req.Definition), "expires_at": req.ExpiresAt,
				"state":    string(req.State),
				"response": map[string]string{"graphql": cfg.PublicURL + "/graphql", "mutation": "submitPresentation(requestId, presentation)"},
			})
		})
	}
	if cfg.StatusLists != nil {
		mux.HandleFunc("GET /status/{id}", func(w http.ResponseWriter, r *http.Request) {
			id := r.PathValue("id")
			var (
				v   *status.Version
				err error
			)
			if q := r.URL.Query().Get("version"); q != "" {
				n, perr := strconv.Atoi(q)
				if perr != nil || n < 1 {
					writeFault(w, log, fault.E(fault.Invalid, "version must be a positive integer"))
					return
				}
				v, err = cfg.StatusLists.Version(r.Context(), id, n)
			} else {
				v, err = cfg.StatusLists.LatestVersion(r.Context(), id)
			}
			if errors.Is(err, fault.ErrNotFound) {
				err = fault.E(fault.NotFound, "no published status list %q (or no such version)", id)
			}
			if err != nil {
				writeFault(w, log, err)
				return
			}
			w.Header().Set("Content-Type", "application/vc+jwt")
			w.Header().Set("X-Status-List-Version", strconv.Itoa(v.Version))
			w.Header().Set("ETag", `"`+v.Digest+`"`)
			if r.URL.Query().Get("version") != "" {
				w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
			} else {
				w.Header().Set("Cache-Control", "public, max-age=5")
			}
			_, _ = w.Write([]byte(v.Credential))
		})
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
	return m.instrument(mux)
}

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
