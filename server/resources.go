package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/citizencloud/citizencredentials/credentials"
	"github.com/citizencloud/citizencredentials/did"
	"github.com/citizencloud/citizencredentials/exchange"
	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/status"
)

// Health registers GET /healthz (the process answers), GET /readyz (every
// check passes) and GET /metrics (Prometheus, from reg).
func (d Deps) Health(checks []ReadyCheck, reg *prometheus.Registry) {
	d.Mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	d.Mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		code, out := http.StatusOK, map[string]string{}
		for _, c := range checks {
			if err := c.Check(ctx); err != nil {
				code = http.StatusServiceUnavailable
				out[c.Name] = fault.Message(err)
			} else {
				out[c.Name] = "ok"
			}
		}
		writeJSON(w, code, out)
	})
	d.Mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
}

// BureauDocuments finds a bureau by slug and builds its DID document.
type BureauDocuments interface {
	BySlug(ctx context.Context, slug string) (*credentials.Bureau, error)
	Document(ctx context.Context, b *credentials.Bureau) (*did.Document, error)
}

// DIDDocuments registers GET /bureaus/{slug}/did.json (did:web).
func (d Deps) DIDDocuments(bureaus BureauDocuments) {
	d.Mux.HandleFunc("GET /bureaus/{slug}/did.json", func(w http.ResponseWriter, r *http.Request) {
		b, err := bureaus.BySlug(r.Context(), r.PathValue("slug"))
		if err != nil {
			d.fault(w, err)
			return
		}
		doc, err := bureaus.Document(r.Context(), b)
		if err != nil {
			d.fault(w, err)
			return
		}
		w.Header().Set("Content-Type", "application/did+json")
		_ = json.NewEncoder(w).Encode(doc)
	})
}

// CatalogueDocuments are the JSON-LD context and JSON Schemas of the
// credential types.
type CatalogueDocuments interface {
	ContextDocument() []byte
	SchemaDocument(name string) ([]byte, bool)
}

// Catalogue registers GET /contexts/citizen/v1 and GET /schemas/{type}.json.
func (d Deps) Catalogue(cat CatalogueDocuments) {
	d.Mux.HandleFunc("GET /contexts/citizen/v1", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/ld+json")
		w.Header().Set("Cache-Control", "public, max-age=3600")
		_, _ = w.Write(cat.ContextDocument())
	})
	d.Mux.HandleFunc("GET /schemas/{file}", func(w http.ResponseWriter, r *http.Request) {
		name, ok := strings.CutSuffix(r.PathValue("file"), ".json")
		doc, found := cat.SchemaDocument(name)
		if !ok || !found {
			d.fault(w, fault.E(fault.NotFound, "no such schema"))
			return
		}
		w.Header().Set("Content-Type", "application/schema+json")
		w.Header().Set("Cache-Control", "public, max-age=3600")
		_, _ = w.Write(doc)
	})
}

// RequestReader reads a presentation request.
type RequestReader interface {
	Get(ctx context.Context, id string) (*exchange.PresentationRequest, error)
}

// Requests registers GET /requests/{id}: the public part of a presentation
// request, for the holder's wallet.
func (d Deps) Requests(reqs RequestReader, publicURL string) {
	d.Mux.HandleFunc("GET /requests/{id}", func(w http.ResponseWriter, r *http.Request) {
		req, err := reqs.Get(r.Context(), r.PathValue("id"))
		if err != nil {
			d.fault(w, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"id": req.ID, "challenge": req.Challenge, "domain": req.Domain, "purpose": req.Purpose,
			"presentation_definition": json.RawMessage(req.Definition), "expires_at": req.ExpiresAt,
			"state":    string(req.State),
			"response": map[string]string{"graphql": publicURL + "/graphql", "mutation": "submitPresentation(requestId, presentation)"},
		})
	})
}

// StatusVersions reads published status list versions.
type StatusVersions interface {
	Version(ctx context.Context, id string, version int) (*status.Version, error)
	LatestVersion(ctx context.Context, id string) (*status.Version, error)
}

// StatusLists registers GET /status/{id}[?version=N]: the signed status
// list credential, immutable (cached for a year) when a version is named.
func (d Deps) StatusLists(lists StatusVersions) {
	d.Mux.HandleFunc("GET /status/{id}", func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		var (
			v   *status.Version
			err error
		)
		if q := r.URL.Query().Get("version"); q != "" {
			n, perr := strconv.Atoi(q)
			if perr != nil || n < 1 {
				d.fault(w, fault.E(fault.Invalid, "version must be a positive integer"))
				return
			}
			v, err = lists.Version(r.Context(), id, n)
		} else {
			v, err = lists.LatestVersion(r.Context(), id)
		}
		if errors.Is(err, fault.ErrNotFound) {
			err = fault.E(fault.NotFound, "no published status list %q (or no such version)", id)
		}
		if err != nil {
			d.fault(w, err)
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
