package server

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// routes registers every route of the package on a mux, with no
// collaborators: registering never calls them.
func routes() *http.ServeMux {
	mux := http.NewServeMux()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	d := Deps{Mux: mux, Log: log}
	d.Health(nil, prometheus.NewRegistry())
	d.DIDDocuments(nil)
	d.Catalogue(nil)
	d.Requests(nil, "")
	d.StatusLists(nil)
	d.StatusIndex(nil, "")
	d.AuditChains(nil)
	d.IssuanceLog(nil)
	mountOpenID(mux, nil, log)
	mountOpenIDVP(mux, nil, log)
	return mux
}

// requestFor is a request that pattern matches: each wildcard replaced by
// a value.
func requestFor(pattern string) *http.Request {
	method, path, _ := strings.Cut(pattern, " ")
	path = strings.ReplaceAll(path, "{$}", "")
	for strings.Contains(path, "{") {
		i, j := strings.Index(path, "{"), strings.Index(path, "}")
		path = path[:i] + "x" + path[j+1:]
	}
	return httptest.NewRequest(method, path, nil)
}

// TestLimitedRoutesAreRegistered keeps anonymousLimited in step with the
// routes: a pattern renamed in a registration but not here would silently
// stop being limited.
func TestLimitedRoutesAreRegistered(t *testing.T) {
	mux := routes()
	for pattern := range anonymousLimited {
		t.Run(pattern, func(t *testing.T) {
			if _, got := mux.Handler(requestFor(pattern)); got != pattern {
				t.Fatalf("a request for %q matches route %q", pattern, got)
			}
		})
	}
}

// TestCheapRoutesAreNotLimited names the anonymous routes that stay
// unlimited on purpose.
func TestCheapRoutesAreNotLimited(t *testing.T) {
	mux := routes()
	for _, path := range []string{"/status/list-1", "/status/list-1?version=2", "/log/head", "/healthz", "/readyz", "/metrics",
		"/bureaus/x/did.json", "/contexts/citizen/v1", "/schemas/x.json"} {
		t.Run(path, func(t *testing.T) {
			_, pattern := mux.Handler(httptest.NewRequest(http.MethodGet, path, nil))
			if pattern == "" {
				t.Fatalf("no route serves %s", path)
			}
			if _, limited := anonymousLimited[pattern]; limited {
				t.Fatalf("%s (route %q) is rate limited", path, pattern)
			}
		})
	}
}
