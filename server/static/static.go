// Package static serves pages and assets embedded in the binary, with a
// content type per extension, a content-derived ETag (revalidated on every
// request: a 304 is cheap, and URLs do not change between releases) and the
// security headers of a page that loads nothing from elsewhere.
package static

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"time"
)

// File is one embedded file ready to serve.
type File struct {
	Name        string
	ContentType string
	ETag        string
	Body        []byte
}

var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".svg":  "image/svg+xml",
}

// Load reads every file of dir in fsys (subdirectories are skipped), by
// name. Errors: an unreadable file or one whose extension has no known
// content type (a packaging mistake: callers panic at init).
func Load(fsys fs.FS, dir string) (map[string]*File, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	out := map[string]*File{}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		body, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		ct, ok := contentTypes[path.Ext(e.Name())]
		if !ok {
			return nil, fmt.Errorf("no content type for %s", e.Name())
		}
		sum := sha256.Sum256(body)
		out[e.Name()] = &File{Name: e.Name(), ContentType: ct, ETag: `"` + hex.EncodeToString(sum[:8]) + `"`, Body: body}
	}
	return out, nil
}

// SecurityHeaders sets the content security policy csp and the headers
// that keep the page unframed, unsniffed and referrer-free.
func SecurityHeaders(h http.Header, csp string) {
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
}

// Serve writes f under csp, answering conditional requests.
func Serve(w http.ResponseWriter, r *http.Request, f *File, csp string) {
	h := w.Header()
	SecurityHeaders(h, csp)
	h.Set("Content-Type", f.ContentType)
	h.Set("ETag", f.ETag)
	h.Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, f.Name, time.Time{}, bytes.NewReader(f.Body))
}

// NotFound answers 404 under csp.
func NotFound(w http.ResponseWriter, csp string) {
	SecurityHeaders(w.Header(), csp)
	http.Error(w, "404 no such asset", http.StatusNotFound)
}
