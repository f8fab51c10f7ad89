package graph

import (
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
)

// TestQueryCacheBounds checks what the parsed-document cache keeps: small
// documents, up to queryCacheEntries of them (the oldest unused go first),
// and never a document over queryCacheMaxBytes.
func TestQueryCacheBounds(t *testing.T) {
	ctx := t.Context()
	small := "{ health { ok } }"
	big := "{ health { ok } }" + strings.Repeat(" ", queryCacheMaxBytes)
	cases := []struct {
		name  string
		fill  func(c queryCache)
		query string
		want  bool
	}{
		{"a small document is kept", func(c queryCache) { c.Add(ctx, small, &ast.QueryDocument{}) }, small, true},
		{"a document over the size bound is not kept", func(c queryCache) { c.Add(ctx, big, &ast.QueryDocument{}) }, big, false},
		{"an unknown document misses", func(c queryCache) {}, small, false},
		{"the oldest document is evicted past the entry bound", func(c queryCache) {
			c.Add(ctx, small, &ast.QueryDocument{})
			for i := range queryCacheEntries {
				c.Add(ctx, small+strings.Repeat(" ", i+1), &ast.QueryDocument{})
			}
		}, small, false},
		{"a recently used document survives the entry bound", func(c queryCache) {
			c.Add(ctx, small, &ast.QueryDocument{})
			for i := range queryCacheEntries - 1 {
				c.Add(ctx, small+strings.Repeat(" ", i+1), &ast.QueryDocument{})
			}
			c.Get(ctx, small)
			c.Add(ctx, small+"#", &ast.QueryDocument{})
		}, small, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newQueryCache()
			tc.fill(c)
			if _, ok := c.Get(ctx, tc.query); ok != tc.want {
				t.Fatalf("Get = %v, want %v", ok, tc.want)
			}
		})
	}
}
