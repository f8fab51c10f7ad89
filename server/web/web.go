// Package web serves the verifier web page: a static HTML page with a little
// vanilla JavaScript that calls the GraphQL API of the same origin to verify a
// pasted or uploaded credential or presentation, or to follow a presentation
// request. Everything is embedded; the page loads nothing from elsewhere.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
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
var static embed.FS

type file struct {
	name        string
	contentType string
	etag        string
	body        []byte
}

var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".svg":  "image/svg+xml",
}

// page is verify.html; assets are every other embedded file, by name.
var page, assets = load()

func load() (*file, map[string]*file) {
	entries, err := fs.ReadDir(static, "static")
	if err != nil {
		panic(err)
	}
	var pg *file
	as := map[string]*file{}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		body, err := static.ReadFile("static/" + e.Name())
		if err != nil {
			panic(err)
		}
		ct, ok := contentTypes[path.Ext(e.Name())]
		if !ok {
			panic("web: no content type for " + e.Name())
		}
		sum := sha256.Sum256(body)
		f := &file{name: e.Name(), contentType: ct, etag: `"` + hex.EncodeToString(sum[:8]) + `"`, body: body}
		if e.Name() == "verify.html" {
			pg = f
		} else {
			as[e.Name()] = f
		}
	}
	if pg == nil {
		panic("web: verify.html is not embedded")
	}
	return pg, as
}

// Mount registers the page and its assets on mux.
func Mount(mux *http.ServeMux) {
	mux.Handle(PagePattern, Page())
	mux.Handle(AssetsPattern, Assets())
}

// Page serves the verifier page (GET /verify, also /verify?request=ID).
func Page() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { serve(w, r, page) })
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
	// Revalidate every time: the files change with each release and their
	// URLs do not, and a 304 is cheap.
	h.Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, f.name, time.Time{}, bytes.NewReader(f.body))
}
