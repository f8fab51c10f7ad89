package dataintegrity

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/piprate/json-gold/ld"
)

func TestEmbeddedContextDigests(t *testing.T) {
	raw, err := os.ReadFile("contexts/SOURCE.md")
	if err != nil {
		t.Fatal(err)
	}
	for url, b := range EmbeddedContexts() {
		sum := fmt.Sprintf("%x", sha256.Sum256(b))
		row := fmt.Sprintf("`%s` | `%s`", embeddedContexts[url], url)
		if !strings.Contains(string(raw), row) || !strings.Contains(string(raw), sum) {
			t.Errorf("%s (%s, sha256 %s) is not recorded in contexts/SOURCE.md", embeddedContexts[url], url, sum)
		}
	}
	files, _ := filepath.Glob("contexts/*.jsonld")
	if len(files) != len(embeddedContexts) {
		t.Errorf("%d context files, %d mapped", len(files), len(embeddedContexts))
	}
}

// TestRDFCMatchesURDNA2015 cross-checks the RDFC-1.0 implementation with
// json-gold's URDNA2015 (identical for SHA-256) on documents with many
// blank nodes.
func TestRDFCMatchesURDNA2015(t *testing.T) {
	l := NewContextLoader(nil)
	docs := []string{
		`{"@context": ["https://www.w3.org/ns/credentials/v2", {"@vocab": "https://ex.org/#"}], "type": "VerifiableCredential", "issuer": {"name": "A"},
		  "credentialSubject": [{"name": "x", "knows": {"name": "y"}}, {"name": "x", "knows": {"name": "y"}}, {"name": "z"}],
		  "evidence": [{"type": "E", "p": {"name": "x"}}, {"type": "E", "p": {"name": "x"}}]}`,
		`{"@context": {"@vocab": "https://ex.org/#"}, "@graph": [{"a": {"b": {"c": "1"}}}, {"a": {"b": {"c": "1"}}}, {"a": {"b": {"c": "2"}}}, {"d": [{"e": 1}, {"e": 1}, {"e": 2}]}]}`,
		`{"@context": {"@vocab": "https://ex.org/#", "p": {"@type": "@id"}}, "@graph": [{"@id": "_:a", "p": "_:b"}, {"@id": "_:b", "p": "_:c"}, {"@id": "_:c", "p": "_:a"}, {"@id": "_:d", "p": "_:e"}, {"@id": "_:e", "p": "_:f"}, {"@id": "_:f", "p": "_:d"}]}`,
	}
	for i, d := range docs {
		var doc map[string]any
		if err := json.Unmarshal([]byte(d), &doc); err != nil {
			t.Fatal(err)
		}
		got, err := rdfcCanon(l, doc, "doc", sha256.New)
		if err != nil {
			t.Fatal(err)
		}
		opts := ld.NewJsonLdOptions("")
		opts.DocumentLoader = l
		opts.Algorithm = ld.AlgorithmURDNA2015
		opts.Format = "application/n-quads"
		want, err := ld.NewJsonLdProcessor().Normalize(copyJSON(doc), opts)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want.(string) {
			t.Errorf("doc %d:\n got %s\nwant %s", i, got, want)
		}
	}
}
