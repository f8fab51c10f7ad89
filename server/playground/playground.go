// Package playground serves the GraphQL playground (GraphiQL) from assets
// embedded in the binary (see SOURCE.md): it works offline, and the page
// and its assets load nothing from elsewhere and run no inline script.
package playground

import (
	"embed"
	"net/http"

	"github.com/citizencloud/citizencredentials/server/static"
)

// Routes, as http.ServeMux patterns.
const (
	PagePattern   = "GET /{$}"
	AssetsPattern = "GET /playground/assets/{file}"
)

// CSP is the Content-Security-Policy of the page and its assets: this
// origin only (the API included); fonts and images GraphiQL's stylesheet
// carries as data: URLs; no inline script or style element, no framing.
const CSP = "default-src 'self'; img-src 'self' data:; font-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'"

//go:embed static
var embedded embed.FS

var files = load()

func load() map[string]*static.File {
	out, err := static.Load(embedded, "static")
	if err != nil {
		panic("playground: " + err.Error())
	}
	if out["playground.html"] == nil {
		panic("playground: playground.html is not embedded")
	}
	return out
}

// Mount registers the page (at /) and its assets on mux.
func Mount(mux *http.ServeMux) {
	mux.HandleFunc(PagePattern, func(w http.ResponseWriter, r *http.Request) { static.Serve(w, r, files["playground.html"], CSP) })
	mux.HandleFunc(AssetsPattern, func(w http.ResponseWriter, r *http.Request) {
		f, ok := files[r.PathValue("file")]
		if !ok || f.Name == "playground.html" {
			static.NotFound(w, CSP)
			return
		}
		static.Serve(w, r, f, CSP)
	})
}
