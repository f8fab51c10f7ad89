package playground

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func TestPageLoadsOnlyEmbeddedAssets(t *testing.T) {
	mux := http.NewServeMux()
	Mount(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	get := func(t *testing.T, path string) (*http.Response, string) {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	resp, page := get(t, "/")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || resp.Header.Get("Content-Security-Policy") != CSP {
		t.Fatalf("page: %d %v", resp.StatusCode, resp.Header)
	}
	if regexp.MustCompile(`<script>[^<]`).MatchString(page) || strings.Contains(page, "style=") {
		t.Fatal("the page has inline script or style, which its CSP refuses")
	}
	refs := regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(page, -1)
	if len(refs) < 5 {
		t.Fatalf("the page references %d assets, want the 4 scripts and 2 stylesheets", len(refs))
	}
	for _, m := range refs {
		ref := m[1]
		t.Run(ref, func(t *testing.T) {
			if !strings.HasPrefix(ref, "/playground/assets/") {
				t.Fatalf("the page loads %s from elsewhere", ref)
			}
			resp, body := get(t, ref)
			if resp.StatusCode != 200 || len(body) == 0 || resp.Header.Get("Content-Security-Policy") != CSP {
				t.Fatalf("%d, %d bytes", resp.StatusCode, len(body))
			}
		})
	}
	t.Run("fail/unknown-asset", func(t *testing.T) {
		if resp, _ := get(t, "/playground/assets/nope.js"); resp.StatusCode != 404 {
			t.Fatalf("%d", resp.StatusCode)
		}
	})
}
