// Package web serves the verifier web page: a static HTML page with a little
// vanilla JavaScript that calls the GraphQL API of the same origin to verify a
// pasted or uploaded credential or presentation, or to follow a presentation
// request. Everything is embedded; the page loads nothing from elsewhere.
package web

import (
	"embed"
	"net/http"
	"strings"

	"github.com/citizencloud/citizencredentials/server/static"
)

// Routes, as http.ServeMux patterns.
const (
	PagePattern   = "GET /verify"
	AssetsPattern = "GET /verify/assets/{file}"
	// AssetsPrefix is the URL path the page loads its assets from.
	AssetsPrefix = "/verify/assets/"
)

// CSP is the Content-Security-Policy of the page and its assets: only this
// origin, no inline script or style, no framing.
const CSP = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'"

//go:embed static
var embedded embed.FS

// page is verify.html; assets are every other embedded file, by name.
var page, assets = load()

func load() (*static.File, map[string]*static.File) {
	as, err := static.Load(embedded, "static")
	if err != nil {
		panic("web: " + err.Error())
	}
	pg := as["verify.html"]
	if pg == nil {
		panic("web: verify.html is not embedded")
	}
	delete(as, "verify.html")
	return pg, as
}

// Mount registers the page and its assets on mux.
func Mount(mux *http.ServeMux) {
	mux.Handle(PagePattern, Page())
	mux.Handle(AssetsPattern, Assets())
}

// Page serves the verifier page (GET /verify, also /verify?request=ID).
func Page() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { static.Serve(w, r, page, CSP) })
}

// Assets serves the page's scripts, styles and icon by file name (the
// {file} path value, or else the last path segment); unknown names are 404.
func Assets() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("file")
		if name == "" {
			name = strings.TrimPrefix(r.URL.Path, AssetsPrefix)
		}
		f, ok := assets[name]
		if !ok {
			static.NotFound(w, CSP)
			return
		}
		static.Serve(w, r, f, CSP)
	})
}
