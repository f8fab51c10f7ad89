// Package playground serves the GraphQL playground (GraphiQL) from assets
// embedded in the binary (see SOURCE.md): it works offline, and the page
// and its assets load nothing from elsewhere and run no inline script.
package playground

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"time"
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
var static embed.FS

type file struct {
	name, contentType, etag string
	body                    []byte
}

var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
}

var files = load()

func load() map[string]*file {
	entries, err := fs.ReadDir(static, "static")
	if err != nil {
		panic(err)
	}
	out := map[string]*file{}
	for _, e := range entries {
		body, err := static.ReadFile("static/" + e.Name())
		if err != nil {
			panic(err)
		}
		ct, ok := contentTypes[path.Ext(e.Name())]
		if !ok {
			panic("playground: no content type for " + e.Name())
		}
		sum := sha256.Sum256(body)
		out[e.Name()] = &file{name: e.Name(), contentType: ct, etag: `"` + hex.EncodeToString(sum[:8]) + `"`, body: body}
	}
	if out["playground.html"] == nil {
		panic("playground: playground.html is not embedded")
	}
	return out
}

// Mount registers the page (at /) and its assets on mux.
func Mount(mux *http.ServeMux) {
	mux.HandleFunc(PagePattern, func(w http.ResponseWriter, r *http.Request) { serve(w, r, files["playground.html"]) })
	mux.HandleFunc(AssetsPattern, func(w http.ResponseWriter, r *http.Request) {
		f, ok := files[r.PathValue("file")]
		if !ok || f.name == "playground.html" {
			setSecurityHeaders(w.Header())
			http.Error(w, "404 no such asset", http.StatusNotFound)
			return
		}
		serve(w, r, f)
	})
}

func setSecurityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", CSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
}

func serve(w http.ResponseWriter, r *http.Request, f *file) {
	h := w.Header()
	setSecurityHeaders(h)
	h.Set("Content-Type", f.contentType)
	h.Set("ETag", f.etag)
	h.Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, f.name, time.Time{}, bytes.NewReader(f.body))
}
