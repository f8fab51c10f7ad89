package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/citizencloud/citizencredentials/server/static"
)

func newMux() *http.ServeMux {
	mux := http.NewServeMux()
	Mount(mux)
	return mux
}

func get(t *testing.T, h http.Handler, target string, hdr ...string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, r *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestPageAndAssets(t *testing.T) {
	mux := newMux()
	cases := []struct {
		path, contentType, contains string
	}{
		{"/verify", "text/html; charset=utf-8", `<textarea id="input"`},
		{"/verify?request=abc", "text/html; charset=utf-8", `id="request-panel"`},
		{"/verify/assets/verify.js", "text/javascript; charset=utf-8", "verifyCredential"},
		{"/verify/assets/verify.css", "text/css; charset=utf-8", ".banner"},
		{"/verify/assets/icon.svg", "image/svg+xml", "<svg"},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			r := get(t, mux, c.path)
			if r.StatusCode != http.StatusOK {
				t.Fatalf("status %d", r.StatusCode)
			}
			if got := r.Header.Get("Content-Type"); got != c.contentType {
				t.Errorf("Content-Type %q, want %q", got, c.contentType)
			}
			if got := r.Header.Get("Content-Security-Policy"); !strings.HasPrefix(got, "default-src 'self'") {
				t.Errorf("Content-Security-Policy %q, want default-src 'self'", got)
			}
			if got := r.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options %q", got)
			}
			if r.Header.Get("ETag") == "" {
				t.Error("no ETag")
			}
			if b := body(t, r); !strings.Contains(b, c.contains) {
				t.Errorf("body lacks %q", c.contains)
			}
		})
	}
}

func TestUnknownAssetsAndMethods(t *testing.T) {
	mux := newMux()
	for _, p := range []string{
		"/verify/assets/nope.js", "/verify/assets/verify.html", "/verify/assets/", "/verify/assets/..%2fweb.go",
		"/verify/assets/static/verify.js", "/verify/other", "/verify/",
	} {
		r := get(t, mux, p)
		if r.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", p, r.StatusCode)
		}
		if strings.Contains(body(t, r), "<script") {
			t.Errorf("GET %s: 404 body looks like the page", p)
		}
	}
	req := httptest.NewRequest(http.MethodPost, "/verify", strings.NewReader("x"))
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST /verify: status %d, want 405", rec.Code)
	}
	// HEAD works like GET without a body.
	req = httptest.NewRequest(http.MethodHead, "/verify/assets/verify.css", nil)
	rec = httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || rec.Body.Len() != 0 {
		t.Errorf("HEAD: status %d, %d body bytes", rec.Code, rec.Body.Len())
	}
}

func TestConditionalGet(t *testing.T) {
	mux := newMux()
	r := get(t, mux, "/verify/assets/verify.js")
	etag := r.Header.Get("ETag")
	if cc := r.Header.Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("Cache-Control %q", cc)
	}
	r = get(t, mux, "/verify/assets/verify.js", "If-None-Match", etag)
	if r.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: status %d, want 304", r.StatusCode)
	}
}

// The page must work under the CSP and load nothing from elsewhere: no
// inline scripts, styles or handlers, no absolute URLs, and data reaches the
// DOM only as text.
func TestStaticFilesAreSelfContained(t *testing.T) {
	external := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}`)
	for _, f := range append([]*static.File{page}, assetList()...) {
		s := string(f.Body)
		for _, m := range external.FindAllString(s, -1) {
			if m != "http://www.w3.org" { // the SVG namespace, not a fetch
				t.Errorf("%s refers to %s", f.Name, m)
			}
		}
	}
	html := string(page.Body)
	if regexp.MustCompile(`<script>|<script [^>]*>[^<]+</script>|<style|\sstyle=|\son[a-z]+=`).MatchString(html) {
		t.Error("verify.html has inline script, style or event handlers, which the CSP blocks")
	}
	for _, ref := range []string{"/verify/assets/verify.js", "/verify/assets/verify.css", "/verify/assets/icon.svg"} {
		if !strings.Contains(html, ref) {
			t.Errorf("verify.html does not load %s", ref)
		}
		if _, ok := assets[strings.TrimPrefix(ref, AssetsPrefix)]; !ok {
			t.Errorf("%s is not embedded", ref)
		}
	}
	js := string(assets["verify.js"].Body)
	for _, bad := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"} {
		if strings.Contains(js, bad) {
			t.Errorf("verify.js uses %s", bad)
		}
	}
}

func assetList() []*static.File {
	var out []*static.File
	for _, f := range assets {
		out = append(out, f)
	}
	return out
}
