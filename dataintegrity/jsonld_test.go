package dataintegrity

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
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
		if want := urdna2015(t, l, doc); string(got) != want {
			t.Errorf("doc %d:\n got %s\nwant %s", i, got, want)
		}
	}
}

// urdna2015 is json-gold's own canonical form of doc (URDNA2015, equal to
// RDFC-1.0 with SHA-256), processing every context itself through l.
func urdna2015(t *testing.T, l *ContextLoader, doc map[string]any) string {
	t.Helper()
	opts := ld.NewJsonLdOptions("")
	opts.DocumentLoader = l
	opts.Algorithm = ld.AlgorithmURDNA2015
	opts.Format = "application/n-quads"
	want, err := ld.NewJsonLdProcessor().Normalize(copyJSON(doc), opts)
	if err != nil {
		t.Fatal(err)
	}
	return want.(string)
}

// growingContext is a catalogue context that gains terms at run time.
type growingContext struct {
	mu  sync.Mutex
	doc []byte
}

func (g *growingContext) ContextURL() string { return "https://bureaus.example/ns/citizen/v1" }
func (g *growingContext) ContextDocument() []byte {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.doc
}
func (g *growingContext) set(terms ...string) {
	defs := map[string]any{"@protected": true}
	for _, t := range terms {
		defs[t] = "https://bureaus.example/ns/citizen#" + t
	}
	b, _ := json.Marshal(map[string]any{"@context": defs})
	g.mu.Lock()
	g.doc = b
	g.mu.Unlock()
}

// TestProcessedContextSameRDF checks that the processed-context cache
// changes nothing: the same canonical form as json-gold processing the
// context URLs itself, cold and warm, after our context grows, and an
// undefined term still refused; and that concurrent use is safe (-race).
func TestProcessedContextSameRDF(t *testing.T) {
	own := &growingContext{}
	own.set("hours")
	l := NewContextLoader(own)
	doc := func(term string) map[string]any {
		var d map[string]any
		src := `{"@context": ["https://www.w3.org/ns/credentials/v2", "` + own.ContextURL() + `"],
			"type": ["VerifiableCredential"], "issuer": "did:web:bureau.example", "validFrom": "2026-01-01T00:00:00Z",
			"credentialSubject": {"id": "did:key:z6Mk", "` + term + `": 12}}`
		if err := json.Unmarshal([]byte(src), &d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	check := func(name, term string) {
		t.Helper()
		want := urdna2015(t, l, doc(term))
		if !strings.Contains(want, "#"+term+">") {
			t.Fatalf("%s: the reference lost the term: %s", name, want)
		}
		got, err := rdfcCanon(l, doc(term), "doc", sha256.New)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if string(got) != want {
			t.Errorf("%s:\n got %s\nwant %s", name, got, want)
		}
	}
	check("cold", "hours")
	check("warm", "hours")
	if _, err := rdfcCanon(l, doc("minutes"), "doc", sha256.New); err == nil || !strings.Contains(err.Error(), "not defined") {
		t.Fatalf("an undefined term with a processed context: %v, want a safe-mode refusal", err)
	}
	own.set("hours", "minutes")
	check("after the context grew", "minutes")

	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				if _, err := rdfcCanon(l, doc("minutes"), "doc", sha256.New); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
