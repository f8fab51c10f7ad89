package dataintegrity

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/piprate/json-gold/ld"

	"github.com/citizencloud/citizencredentials/canon"
	"github.com/citizencloud/citizencredentials/fault"
)

// expandForRDF expands doc with loader, without safe mode so that as many
// documents as possible reach the RDF step. json-gold panics on some
// inputs; that is an error here.
func expandForRDF(l *ContextLoader, doc any) (expanded any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("json-gold panicked in expansion: %v", r)
		}
	}()
	opts := ld.NewJsonLdOptions("")
	opts.ProcessingMode = ld.JsonLd_1_1
	opts.DocumentLoader = l
	return ld.NewJsonLdProcessor().Expand(copyJSON(doc), opts)
}

// goldRDF is json-gold's own conversion, the reference.
func goldRDF(expanded any) (ds *ld.RDFDataset, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("json-gold panicked in ToRDF: %v", r)
		}
	}()
	return ld.NewJsonLdApi().ToRDF(copyJSON(expanded), ld.NewJsonLdOptions(""))
}

// goldGarbage reports whether json-gold's dataset holds what we refuse: a
// statement without an object or an rdf:JSON literal.
func goldGarbage(ds *ld.RDFDataset) bool {
	for _, quads := range ds.Graphs {
		for _, q := range quads {
			if q.Object == nil {
				return true
			}
			if lit, ok := q.Object.(*ld.Literal); ok && lit.Datatype == rdfJSON {
				return true
			}
		}
	}
	return false
}

func nquads(t testing.TB, ds *ld.RDFDataset) string {
	t.Helper()
	s, err := canon.RDFC(ds, sha256.New)
	if err != nil {
		return "RDFC error: " + err.Error()
	}
	return s
}

func quadCount(ds *ld.RDFDataset) int {
	n := 0
	for _, q := range ds.Graphs {
		n += len(q)
	}
	return n
}

// staticContext is an OwnContext with a fixed document.
type staticContext struct {
	url string
	doc []byte
}

func (s staticContext) ContextURL() string      { return s.url }
func (s staticContext) ContextDocument() []byte { return s.doc }

// TestRDFMatchesJSONGold converts every JSON-LD document of the repository
// (the vendored W3C/DIF vectors, the embedded contexts, the catalogue, and
// credentials shaped like the ones the service signs) both ways and
// requires the same canonical N-Quads.
func TestRDFMatchesJSONGold(t *testing.T) {
	catalogue, err := os.ReadFile("../credentials/catalogue/context.jsonld")
	if err != nil {
		t.Fatal(err)
	}
	const ownURL = "https://bureaus.example/contexts/citizen/v1"
	catalogue = []byte(strings.Replace(string(catalogue), "(set at load time to <baseURL>/contexts/citizen/v1#)", ownURL+"#", 1))
	l := NewContextLoader(staticContext{ownURL, catalogue})

	var docs []string
	for _, root := range []string{"../conformance/testdata", "../credentials", "../interop", "contexts"} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && d.Name() == "node_modules" {
				return filepath.SkipDir
			}
			if !d.IsDir() && (strings.HasSuffix(path, ".json") || strings.HasSuffix(path, ".jsonld")) {
				docs = append(docs, path)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	compared, statements, refused := 0, 0, 0
	check := func(name string, doc any) {
		expanded, err := expandForRDF(l, doc)
		if err != nil {
			return // not JSON-LD our loader can expand (e.g. a remote context)
		}
		want, err := goldRDF(expanded)
		if err != nil {
			return
		}
		got, err := expandedToRDF(copyJSON(expanded))
		if err != nil {
			if !goldGarbage(want) || fault.CodeOf(err) != fault.Invalid {
				t.Errorf("%s: %v, json-gold converts it", name, err)
			}
			refused++
			return
		}
		compared++
		statements += quadCount(got)
		if g, w := nquads(t, got), nquads(t, want); g != w {
			t.Errorf("%s: the RDF differs from json-gold's\n got %s\nwant %s", name, g, w)
		}
		if quadCount(got) != quadCount(want) {
			t.Errorf("%s: %d statements, json-gold %d", name, quadCount(got), quadCount(want))
		}
	}
	for _, path := range docs {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var doc any
		if json.Unmarshal(raw, &doc) != nil {
			continue
		}
		check(path, doc)
		// A secured document once more without its proofs, as it is
		// canonicalised for verification.
		if m, ok := doc.(map[string]any); ok && m["proof"] != nil {
			check(path+" (unsecured)", withoutKeys(m, "proof"))
		}
	}
	// Credentials shaped like the ones the service signs (claims of every
	// kind under our own context), with their proof options.
	for i, src := range []string{
		`{"@context": ["https://www.w3.org/ns/credentials/v2", "` + ownURL + `"], "type": ["VerifiableCredential", "VolunteerServiceCredential"],
		  "id": "urn:uuid:0f3b6b1e-2d3c-4a5b-9c8d-7e6f5a4b3c2d", "issuer": "did:web:bureau.example", "validFrom": "2026-01-01T00:00:00Z", "validUntil": "2027-01-01T00:00:00Z",
		  "credentialSubject": {"id": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", "hours": 12, "organisation": "Food bank", "rate": 1.5, "verified": true},
		  "credentialStatus": {"id": "https://bureau.example/status/1#94567", "type": "BitstringStatusListEntry", "statusPurpose": "revocation", "statusListIndex": "94567", "statusListCredential": "https://bureau.example/status/1"}}`,
		`{"@context": ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/security/data-integrity/v2"], "type": ["VerifiableCredential"],
		  "issuer": {"id": "did:web:bureau.example", "name": "Bureau"}, "issuanceDate": "2026-01-01T00:00:00Z",
		  "credentialSubject": {"id": "did:example:holder"},
		  "proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "created": "2026-01-01T00:00:00Z", "verificationMethod": "did:web:bureau.example#key-1", "proofPurpose": "assertionMethod", "proofValue": "z5"}}`,
		`{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": "DataIntegrityProof", "cryptosuite": "ecdsa-rdfc-2019", "created": "2026-01-01T00:00:00Z",
		  "verificationMethod": "did:web:bureau.example#key-2", "proofPurpose": "assertionMethod", "previousProof": ["urn:uuid:1"]}`,
	} {
		var doc any
		if err := json.Unmarshal([]byte(src), &doc); err != nil {
			t.Fatal(err)
		}
		check(fmt.Sprintf("signed credential %d", i), doc)
	}
	t.Logf("%d files; %d documents compared (%d statements), %d refused where json-gold writes garbage", len(docs), compared, statements, refused)
	if compared == 0 || statements == 0 {
		t.Fatal("no document was compared")
	}
}

// TestExpandedToRDF covers each kind of value; every case also compares
// with json-gold's conversion unless json-gold writes garbage there.
func TestExpandedToRDF(t *testing.T) {
	const (
		ctx = `"@context": {"@version": 1.1, "@vocab": "https://ex.org/#", "xsd": "http://www.w3.org/2001/XMLSchema#",
			"j": {"@type": "@json"}, "l": {"@container": "@list"}, "r": {"@type": "@id"}}`
		subj = `"@id": "https://ex.org/s"`
	)
	cases := []struct {
		name   string
		doc    string
		want   []string // lines (or parts of lines) of the canonical N-Quads
		absent []string
		empty  bool   // no statement at all
		kept   string // in the expanded form: dropped by the RDF step, not by expansion
		refuse string // our error contains this; json-gold writes garbage
	}{
		{name: "boolean", doc: `{` + ctx + `, ` + subj + `, "b": [true, false]}`,
			want: []string{`<https://ex.org/#b> "true"^^<http://www.w3.org/2001/XMLSchema#boolean> .`, `"false"^^<http://www.w3.org/2001/XMLSchema#boolean>`}},
		{name: "integer", doc: `{` + ctx + `, ` + subj + `, "n": [5, -12, 1.0]}`,
			want: []string{`"5"^^<http://www.w3.org/2001/XMLSchema#integer>`, `"-12"^^<http://www.w3.org/2001/XMLSchema#integer>`, `"1"^^<http://www.w3.org/2001/XMLSchema#integer>`}},
		{name: "double", doc: `{` + ctx + `, ` + subj + `, "n": 1.1}`,
			want: []string{`"1.1E0"^^<http://www.w3.org/2001/XMLSchema#double>`}},
		{name: "double/1e21", doc: `{` + ctx + `, ` + subj + `, "n": 1e21}`,
			want: []string{`"1.0E21"^^<http://www.w3.org/2001/XMLSchema#double>`}},
		{name: "double/negative zero is the integer 0", doc: `{` + ctx + `, ` + subj + `, "n": -0.0}`,
			want: []string{`"0"^^<http://www.w3.org/2001/XMLSchema#integer>`}},
		{name: "double/an integer typed xsd:double", doc: `{` + ctx + `, ` + subj + `, "n": {"@value": 5, "@type": "xsd:double"}}`,
			want: []string{`"5.0E0"^^<http://www.w3.org/2001/XMLSchema#double>`}},
		{name: "typed literal", doc: `{` + ctx + `, ` + subj + `, "d": {"@value": "2026-01-01", "@type": "xsd:date"}, "n": {"@value": 7, "@type": "https://ex.org/#t"}}`,
			want: []string{`"2026-01-01"^^<http://www.w3.org/2001/XMLSchema#date>`, `"7"^^<https://ex.org/#t>`}},
		{name: "string", doc: `{` + ctx + `, ` + subj + `, "s": "a \"quoted\"\nline"}`,
			want: []string{`<https://ex.org/#s> "a \"quoted\"\nline" .`}},
		{name: "language", doc: `{` + ctx + `, ` + subj + `, "s": {"@value": "bonjour", "@language": "fr-CA"}}`,
			want: []string{`"bonjour"@fr-ca`}}, // json-gold lower-cases the tag
		{name: "language/malformed tag dropped", doc: `{` + ctx + `, ` + subj + `, "s": {"@value": "hello", "@language": "en-"}, "t": "kept"}`,
			want: []string{`"kept"`}, absent: []string{`hello`}, kept: "hello"},
		{name: "json/object", doc: `{` + ctx + `, ` + subj + `, "j": {"b": 1e21, "a": [true, null, "x<&"], "c": {"z": 0.000001, "\u00e9": 1.5}}}`,
			want: []string{`"{\"a\":[true,null,\"x<&\"],\"b\":1e+21,\"c\":{\"z\":0.000001,\"é\":1.5}}"^^<http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON>`}},
		{name: "json/number as json-gold writes it", doc: `{` + ctx + `, ` + subj + `, "j": 1.5}`,
			want: []string{`"1.5E0"^^<http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON>`}},
		{name: "json/array refused", doc: `{` + ctx + `, ` + subj + `, "j": [1, 2]}`, refuse: "@json"},
		{name: "json/string refused", doc: `{` + ctx + `, ` + subj + `, "j": "{\"a\": 1}"}`, refuse: "@json"},
		{name: "json/null refused", doc: `{` + ctx + `, ` + subj + `, "j": null}`, refuse: "@json"},
		{name: "json/array under an invalid subject is dropped, not refused", doc: `{` + ctx + `, "@id": "https://ex..org/", "j": [1, 2], "t": 1}`, empty: true, kept: "https://ex..org/"},
		{name: "list/empty", doc: `{` + ctx + `, ` + subj + `, "l": []}`,
			want: []string{`<https://ex.org/s> <https://ex.org/#l> <http://www.w3.org/1999/02/22-rdf-syntax-ns#nil> .`}},
		{name: "list/items", doc: `{` + ctx + `, ` + subj + `, "l": ["a", 2, {"@id": "https://ex.org/o"}]}`,
			want: []string{`<http://www.w3.org/1999/02/22-rdf-syntax-ns#first> "a" .`, `<http://www.w3.org/1999/02/22-rdf-syntax-ns#first> <https://ex.org/o> .`, `<http://www.w3.org/1999/02/22-rdf-syntax-ns#rest> <http://www.w3.org/1999/02/22-rdf-syntax-ns#nil> .`}},
		{name: "list/nested", doc: `{` + ctx + `, ` + subj + `, "l": [[1, 2], [], [["x"]]]}`,
			want: []string{`"x"`, `"2"^^<http://www.w3.org/2001/XMLSchema#integer>`}},
		{name: "list/relative IRI item refused", doc: `{` + ctx + `, ` + subj + `, "l": [{"@id": "rel"}]}`, refuse: "relative IRI"},
		{name: "blank nodes", doc: `{` + ctx + `, ` + subj + `, "knows": [{"name": "x", "knows": {"@id": "_:z"}}, {"@id": "_:z", "name": "z"}]}`,
			want: []string{`_:c14n0 <https://ex.org/#name>`, `_:c14n1 <https://ex.org/#name>`, `<https://ex.org/s> <https://ex.org/#knows> _:c14n`}},
		{name: "type", doc: `{` + ctx + `, ` + subj + `, "@type": ["T", "https://ex.org/#U"]}`,
			want: []string{`<https://ex.org/s> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://ex.org/#T> .`}},
		{name: "relative IRI/subject dropped", doc: `{` + ctx + `, "@id": "s", "p": "v"}`, empty: true},
		{name: "relative IRI/object dropped", doc: `{` + ctx + `, ` + subj + `, "r": "rel", "p": "kept"}`,
			want: []string{`"kept"`}, absent: []string{`rel`}},
		{name: "invalid http IRI/subject dropped", doc: `{` + ctx + `, "@id": "https://ex.org/a b", "p": "v"}`, empty: true, kept: "https://ex.org/a b"},
		{name: "invalid http IRI/unparsable subject dropped as relative", doc: `{` + ctx + `, "@id": "http://bad host/x", "p": "v"}`, empty: true},
		{name: "invalid http IRI/predicate dropped", doc: `{` + ctx + `, ` + subj + `, "https://_x.org/p": "v", "p": "kept"}`,
			want: []string{`"kept"`}, absent: []string{`_x.org`}, kept: "https://_x.org/p"},
		{name: "invalid http IRI/object dropped", doc: `{` + ctx + `, ` + subj + `, "r": ["https://-/", "https://ex.org/ok"]}`,
			want: []string{`<https://ex.org/ok>`}, absent: []string{`https://-/`}, kept: "https://-/"},
		{name: "invalid http IRI/datatype dropped", doc: `{` + ctx + `, ` + subj + `, "d": {"@value": "x", "@type": "http://ex.org:123456/t"}, "p": "kept"}`,
			want: []string{`"kept"`}, absent: []string{`123456`}, kept: "http://ex.org:123456/t"},
		{name: "invalid http IRI/graph dropped with its garbage", doc: `{` + ctx + `, "@id": "https://-/g", "@graph": [{"@id": "https://ex.org/a", "j": [1]}]}`, empty: true, kept: "https://-/g"},
		{name: "named graph", doc: `{` + ctx + `, "@id": "https://ex.org/g", "@graph": [{"@id": "https://ex.org/a", "p": "x", "l": ["y"]}]}`,
			want: []string{`<https://ex.org/a> <https://ex.org/#p> "x" <https://ex.org/g> .`, `"y" <https://ex.org/g> .`}},
		{name: "blank node graph", doc: `{` + ctx + `, ` + subj + `, "proof": {"@graph": {"p": "x"}}}`,
			want: []string{`<https://ex.org/#p> "x" _:c14n`}},
		{name: "non-URL scheme IRIs kept", doc: `{` + ctx + `, "@id": "did:example:123", "r": ["urn:uuid:1", "mailto:a@b"]}`,
			want: []string{`<did:example:123> <https://ex.org/#r> <urn:uuid:1> .`, `<mailto:a@b>`}},
	}
	l := NewContextLoader(nil)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var doc any
			if err := json.Unmarshal([]byte(tc.doc), &doc); err != nil {
				t.Fatal(err)
			}
			expanded, err := expandForRDF(l, doc)
			if err != nil {
				t.Fatal(err)
			}
			if tc.kept != "" {
				if b, _ := json.Marshal(expanded); !strings.Contains(string(b), tc.kept) {
					t.Fatalf("expansion already dropped %s: %s", tc.kept, b)
				}
			}
			want, err := goldRDF(expanded)
			if err != nil {
				t.Fatal(err)
			}
			got, err := expandedToRDF(copyJSON(expanded))
			if tc.refuse != "" {
				if err == nil || fault.CodeOf(err) != fault.Invalid || !strings.Contains(fault.Message(err), tc.refuse) {
					t.Fatalf("got %v, want a refusal about %q", err, tc.refuse)
				}
				if !goldGarbage(want) {
					t.Fatalf("json-gold writes no garbage here:\n%s", nquads(t, want))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			g, w := nquads(t, got), nquads(t, want)
			if g != w {
				t.Fatalf("differs from json-gold\n got %s\nwant %s", g, w)
			}
			if tc.empty != (g == "") {
				t.Fatalf("empty: %v, want %v:\n%s", g == "", tc.empty, g)
			}
			for _, s := range tc.want {
				if !strings.Contains(g, s) {
					t.Errorf("missing %s in\n%s", s, g)
				}
			}
			for _, s := range tc.absent {
				if strings.Contains(g, s) {
					t.Errorf("%s should have been dropped:\n%s", s, g)
				}
			}
		})
	}
}

// TestToRDFRefusalIsCallerSafe checks the error a signer or verifier sees
// for a @json array: Invalid, naming the document, without its values.
func TestToRDFRefusalIsCallerSafe(t *testing.T) {
	doc := map[string]any{
		"@context":          map[string]any{"@vocab": "https://ex.org/#", "secret": map[string]any{"@type": "@json"}},
		"@id":               "https://ex.org/s",
		"secret":            []any{"tax-id-123456"},
		"https://ex.org/#p": "x",
	}
	err := CheckJSONLD(doc, nil)
	if err == nil || fault.CodeOf(err) != fault.Invalid {
		t.Fatalf("got %v, want an Invalid refusal", err)
	}
	if msg := fault.Message(err); !strings.HasPrefix(msg, "the document cannot be converted to RDF") || strings.Contains(err.Error(), "tax-id") {
		t.Fatalf("message %q (error %q)", msg, err)
	}
}

// TestJSONLiteralNumbers checks the @json form of numbers decoded as
// json.Number (a decoder with UseNumber), which json-gold marshals as
// they are and canonicalises.
func TestJSONLiteralNumbers(t *testing.T) {
	cases := []struct {
		name string
		in   json.Number
		want string
		ok   bool
	}{
		{"ok/integer", "12", `{"n":12}`, true},
		{"ok/exponent", "1.0e21", `{"n":1e+21}`, true},
		{"ok/small", "0.0000001", `{"n":1e-7}`, true},
		{"fail/not JSON", ".5", "", false},
		{"fail/out of range", "1e400", "", false},
		{"fail/infinity", "Inf", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := jsonLiteral(map[string]any{"n": tc.in})
			if (err == nil) != tc.ok || got != tc.want {
				t.Fatalf("got %q, %v; want %q (ok %v)", got, err, tc.want, tc.ok)
			}
		})
	}
}

// TestValidIRIMemo checks that the memoised test answers as ld.IsURL,
// cold and warm, and that the memo stays bounded.
func TestValidIRIMemo(t *testing.T) {
	long := "https://ex.org/" + strings.Repeat("a", maxMemoIRI)
	cases := []struct {
		name string
		iri  string
		want bool
	}{
		{"ok/https", "https://www.w3.org/2018/credentials#credentialSubject", true},
		{"ok/http", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", true},
		{"ok/not http", "did:example:123", true},
		{"ok/urn", "urn:uuid:1", true},
		{"fail/space", "https://ex.org/a b", false},
		{"fail/no host", "https://", false},
		{"fail/dash host", "https://-/", false},
		{"fail/too long", long, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, round := range []string{"cold", "warm"} {
				if got := validIRI(tc.iri); got != tc.want {
					t.Fatalf("%s: validIRI = %v, want %v", round, got, tc.want)
				}
			}
			if strings.HasPrefix(tc.iri, "http") && ld.IsURL(tc.iri) != tc.want {
				t.Fatalf("ld.IsURL disagrees with the table")
			}
		})
	}
	iriMemo.Lock()
	_, cached := iriMemo.m[long]
	iriMemo.Unlock()
	if cached {
		t.Error("an IRI longer than IsURL accepts was memoised")
	}
	for i := range 2 * maxMemoIRIs {
		validIRI(fmt.Sprintf("https://ex.org/%d", i))
	}
	iriMemo.Lock()
	n := len(iriMemo.m)
	iriMemo.Unlock()
	if n > maxMemoIRIs {
		t.Errorf("memo holds %d IRIs, bound %d", n, maxMemoIRIs)
	}
}

// TestValidLanguageTag compares with json-gold's regular expression.
func TestValidLanguageTag(t *testing.T) {
	re := regexp.MustCompile("^[a-zA-Z]+(-[a-zA-Z0-9]+)*$")
	for _, tag := range []string{"en", "fr-CA", "zh-Hant-TW", "x-1", "en-", "-en", "en--us", "1en", "en_US", "", "é", "en-é", "EN-us-1a"} {
		t.Run(tag, func(t *testing.T) {
			if got, want := validLanguageTag(tag), re.MatchString(tag); got != want {
				t.Fatalf("validLanguageTag(%q) = %v, json-gold says %v", tag, got, want)
			}
		})
	}
}

// FuzzExpandedToRDF compares our conversion with json-gold's on arbitrary
// JSON-LD (inline contexts; the loader serves only the embedded ones and
// fetches nothing). Inputs json-gold cannot expand or convert are skipped;
// where json-gold writes garbage we must refuse, elsewhere match it.
func FuzzExpandedToRDF(f *testing.F) {
	seeds := []string{
		`{"@context": {"@vocab": "https://ex.org/#"}, "@id": "https://ex.org/s", "b": true, "n": 5, "d": 1.1, "s": "x"}`,
		`{"@context": {"@vocab": "https://ex.org/#", "l": {"@container": "@list"}}, "@id": "https://ex.org/s", "l": [[1, "a"], [], [{"@id": "rel"}]]}`,
		`{"@context": {"@vocab": "https://ex.org/#", "j": {"@type": "@json"}}, "j": {"a": [1, {"b": null}]}, "k": {"@value": "hi", "@language": "en-GB"}}`,
		`{"@context": {"@vocab": "https://ex.org/#", "j": {"@type": "@json"}}, "@id": "https://-/", "j": [1]}`,
		`{"@context": {"@vocab": "http://ex.org/#"}, "@id": "_:a", "@graph": [{"@id": "http://ex.org/b", "@type": "T", "p": {"@id": "_:a"}}]}`,
		`[{"@id": "https://ex.org/s", "https://ex.org/p": [{"@value": 1e21}, {"@value": "2026", "@type": "http://www.w3.org/2001/XMLSchema#gYear"}]}]`,
		`{"@context": "https://www.w3.org/ns/credentials/v2", "type": "VerifiableCredential", "issuer": "did:example:1", "credentialSubject": {"id": "did:example:2"}}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	l := NewContextLoader(nil)
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 4096 {
			return
		}
		var doc any
		if json.Unmarshal(data, &doc) != nil {
			return
		}
		expanded, err := expandForRDF(l, doc)
		if err != nil {
			return
		}
		want, err := goldRDF(expanded)
		if err != nil {
			return
		}
		got, err := expandedToRDF(copyJSON(expanded))
		if err != nil {
			if errors.Is(err, errRDFShape) || fault.CodeOf(err) != fault.Invalid || !goldGarbage(want) {
				t.Fatalf("refused (%v) what json-gold converts:\n%s", err, nquads(t, want))
			}
			return
		}
		if g, w := nquads(t, got), nquads(t, want); g != w {
			t.Fatalf("differs from json-gold\n got %s\nwant %s", g, w)
		}
	})
}
