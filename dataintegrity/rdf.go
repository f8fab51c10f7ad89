package dataintegrity

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/piprate/json-gold/ld"

	"github.com/citizencloud/citizencredentials/canon"
	"github.com/citizencloud/citizencredentials/fault"
)

// This file turns an expanded JSON-LD document into the RDF dataset that
// canon.RDFC canonicalises (JSON-LD 1.1 API §8.1, "Deserialize JSON-LD to
// RDF"). json-gold has the algorithm (JsonLdApi.ToRDF), but it checks every
// http(s) IRI of every statement against a large regular expression, which
// was a third of the time of verifying a Data Integrity proof. The node map
// is still json-gold's (GenerateNodeMap); the conversion of each graph is
// ours and gives the same statements as json-gold, which signatures made
// by this service and by others that use json-gold depend on:
//
//   - a statement is dropped, as json-gold drops it, when one of its IRIs
//     (or a literal's datatype) starts with http:// or https:// and is not a
//     URL by ld.IsURL, or a literal's language tag is malformed; the IsURL
//     answers are memoised (iriMemo), as the same predicate and type IRIs
//     recur in every credential;
//   - numbers and booleans become xsd:integer, xsd:double (json-gold's
//     canonical double form) and xsd:boolean literals as json-gold makes
//     them;
//   - subjects, properties, graph names and node references with relative
//     IRIs produce no statement.
//
// Where json-gold would put garbage in the dataset, the conversion returns
// an error (fault Invalid) instead: a @json value that is an array, null,
// a string (json-gold parses the string as JSON text rather than encoding
// it), or an object JCS cannot canonicalise (json-gold writes "JSON
// Marshal error ..." or "JSON Canonicalization error ..." as the literal);
// and a list item that is a node with a relative IRI (json-gold writes an
// rdf:first statement without an object). Neither is a dataset another
// implementation would agree on, so nothing signed over it could verify
// elsewhere. A statement json-gold would drop anyway does not count.

const (
	rdfType     = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
	rdfFirst    = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first"
	rdfRest     = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest"
	rdfNil      = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil"
	rdfJSON     = "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON"
	rdfLang     = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
	xsdBoolean  = "http://www.w3.org/2001/XMLSchema#boolean"
	xsdInteger  = "http://www.w3.org/2001/XMLSchema#integer"
	xsdDouble   = "http://www.w3.org/2001/XMLSchema#double"
	xsdStringDT = "http://www.w3.org/2001/XMLSchema#string"
)

// expandedToRDF converts expanded JSON-LD to an RDF dataset with the same
// statements as json-gold's JsonLdApi.ToRDF (without generalised RDF).
// Errors: json-gold's own from building the node map, and fault Invalid
// for the values json-gold would turn into garbage (see above) or for a
// shape expansion never produces.
func expandedToRDF(expanded any) (*ld.RDFDataset, error) {
	c := &rdfConverter{issuer: ld.NewIdentifierIssuer("_:b")}
	nodeMap := map[string]any{"@default": map[string]any{}}
	if _, err := ld.NewJsonLdApi().GenerateNodeMap(expanded, nodeMap, "@default", c.issuer, "", "", nil); err != nil {
		return nil, err
	}
	names := make([]string, 0, len(nodeMap))
	for name := range nodeMap {
		names = append(names, name)
	}
	// Sorted, so that list nodes get the same blank node labels on every
	// run (json-gold takes map order; the canonical form does not depend on
	// the labels).
	sort.Strings(names)
	ds := ld.NewRDFDataset()
	for _, name := range names {
		if ld.IsRelativeIri(name) {
			continue
		}
		graph, ok := nodeMap[name].(map[string]any)
		if !ok {
			return nil, errRDFShape
		}
		if err := c.graph(name, graph); err != nil {
			return nil, err
		}
		ds.Graphs[name] = c.quads
	}
	return ds, nil
}

// errRDFShape reports a node map json-gold would panic on; expansion does
// not produce one.
var errRDFShape = fault.E(fault.Invalid, "its expanded form has a shape the JSON-LD processor cannot convert")

type rdfConverter struct {
	issuer *ld.IdentifierIssuer

	graphNode  ld.Node // nil for the default graph
	graphValid bool
	quads      []*ld.Quad
}

// graph converts the nodes of one graph of the node map (JSON-LD 1.1 API
// §8.1.2 step 1), leaving its statements in c.quads.
func (c *rdfConverter) graph(name string, graph map[string]any) error {
	c.quads = make([]*ld.Quad, 0, 4*len(graph))
	c.graphNode, c.graphValid = nil, true
	if name != "@default" {
		if strings.HasPrefix(name, "_:") {
			c.graphNode = ld.NewBlankNode(name)
		} else {
			c.graphNode = ld.NewIRI(name)
			c.graphValid = validIRI(name)
		}
	}
	ids := make([]string, 0, len(graph))
	for id := range graph {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if ld.IsRelativeIri(id) {
			continue
		}
		node, ok := graph[id].(map[string]any)
		if !ok {
			return errRDFShape
		}
		var subject ld.Node
		subjectValid := true
		if strings.HasPrefix(id, "_:") {
			subject = ld.NewBlankNode(id)
		} else {
			subject = ld.NewIRI(id)
			subjectValid = validIRI(id)
		}
		props := make([]string, 0, len(node))
		for p := range node {
			props = append(props, p)
		}
		sort.Strings(props)
		for _, p := range props {
			predicate := p
			switch {
			case p == "@type":
				predicate = rdfType
			case ld.IsKeyword(p), strings.HasPrefix(p, "_:"), ld.IsRelativeIri(p):
				continue // blank node properties: generalised RDF, which we do not produce
			}
			values, ok := node[p].([]any)
			if !ok {
				return errRDFShape
			}
			keep := c.graphValid && subjectValid && validIRI(predicate)
			pred := ld.NewIRI(predicate)
			for _, item := range values {
				object, bad, err := c.object(item)
				if err != nil {
					return err
				}
				if object == nil && bad == "" {
					continue // a node with a relative IRI
				}
				if err := c.emit(keep, subject, pred, object, bad); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// emit appends a statement unless json-gold would drop it as invalid:
// keep says whether its graph, subject and predicate are valid. bad is the
// reason the object would be garbage in json-gold's dataset, an error only
// if the statement would be kept.
func (c *rdfConverter) emit(keep bool, s, p, o ld.Node, bad string) error {
	if !keep {
		return nil
	}
	if bad != "" {
		return fault.E(fault.Invalid, "%s", bad)
	}
	if !validNode(o) {
		return nil
	}
	c.quads = append(c.quads, &ld.Quad{Subject: s, Predicate: p, Object: o, Graph: c.graphNode})
	return nil
}

// object converts one value of a property (JSON-LD 1.1 API §8.1.5, object
// to RDF; a list by §8.1.6, its statements appended to c.quads). A nil
// node with an empty bad means no statement; bad names why json-gold's
// object would be garbage.
func (c *rdfConverter) object(item any) (n ld.Node, bad string, err error) {
	switch t := item.(type) {
	case string: // a type
		if strings.HasPrefix(t, "_:") {
			return ld.NewBlankNode(t), "", nil
		}
		return ld.NewIRI(t), "", nil
	case map[string]any:
		if _, ok := t["@value"]; ok {
			return valueToRDF(t)
		}
		if l, ok := t["@list"]; ok {
			items, ok := l.([]any)
			if !ok {
				return nil, "", errRDFShape
			}
			n, err := c.list(items)
			return n, "", err
		}
		id, ok := t["@id"].(string)
		if !ok {
			return nil, "", errRDFShape
		}
		if ld.IsRelativeIri(id) {
			return nil, "", nil
		}
		if strings.HasPrefix(id, "_:") {
			return ld.NewBlankNode(id), "", nil
		}
		return ld.NewIRI(id), "", nil
	}
	return nil, "", errRDFShape
}

// list converts a list to rdf:first/rdf:rest statements and returns its
// head (rdf:nil when empty).
func (c *rdfConverter) list(items []any) (ld.Node, error) {
	if len(items) == 0 {
		return ld.NewIRI(rdfNil), nil
	}
	keep := c.graphValid // the subjects are blank nodes, the predicates valid IRIs
	first, rest := ld.NewIRI(rdfFirst), ld.NewIRI(rdfRest)
	head := ld.NewBlankNode(c.issuer.GetId(""))
	var subject ld.Node = head
	for i, item := range items {
		if item == nil {
			return nil, errRDFShape
		}
		object, bad, err := c.object(item)
		if err != nil {
			return nil, err
		}
		if object == nil && bad == "" {
			bad = "a list holds a node whose identifier is a relative IRI"
		}
		var next ld.Node = ld.NewIRI(rdfNil)
		if i < len(items)-1 {
			next = ld.NewBlankNode(c.issuer.GetId(""))
		}
		if err := c.emit(keep, subject, first, object, bad); err != nil {
			return nil, err
		}
		if err := c.emit(keep, subject, rest, next, ""); err != nil {
			return nil, err
		}
		subject = next
	}
	return head, nil
}

// valueToRDF converts a value object to a literal as json-gold does.
func valueToRDF(m map[string]any) (n ld.Node, bad string, err error) {
	value := m["@value"]
	dtAny := m["@type"]
	dt, isString := dtAny.(string)
	if dtAny != nil && !isString {
		return nil, "", errRDFShape
	}
	if dt == "@json" {
		dt = rdfJSON
	}
	typed := dtAny != nil
	orDefault := func(def string) string {
		if typed {
			return dt // "" becomes xsd:string in NewLiteral
		}
		return def
	}
	f, isFloat := value.(float64)
	if num, ok := value.(json.Number); ok {
		var ferr error
		f, ferr = num.Float64()
		isFloat = ferr == nil
	}
	if b, ok := value.(bool); ok {
		return ld.NewLiteral(strconv.FormatBool(b), orDefault(xsdBoolean), ""), "", nil
	}
	if isFloat {
		// An integer is a float64 that survives the round trip through
		// int64, exactly the test json-gold makes (so 1e21 is a double and
		// -0.0 the integer 0).
		if f != float64(int64(f)) || dt == xsdDouble {
			return ld.NewLiteral(ld.GetCanonicalDouble(f), orDefault(xsdDouble), ""), "", nil
		}
		return ld.NewLiteral(strconv.FormatInt(int64(f), 10), orDefault(xsdInteger), ""), "", nil
	}
	if langAny, ok := m["@language"]; ok {
		lang, ok1 := langAny.(string)
		s, ok2 := value.(string)
		if !ok1 || !ok2 {
			return nil, "", errRDFShape
		}
		return ld.NewLiteral(s, orDefault(rdfLang), lang), "", nil
	}
	if typed && dt == rdfJSON {
		obj, ok := value.(map[string]any)
		if !ok {
			// json-gold writes an error message as the literal for an
			// array or null, and parses a string as JSON text.
			return nil, "a @json value that is not a JSON object is not supported", nil
		}
		js, err := jsonLiteral(obj)
		if err != nil {
			return nil, "a @json value cannot be canonicalised: " + fault.Message(err), nil
		}
		return ld.NewLiteral(js, rdfJSON, ""), "", nil
	}
	s, ok := value.(string)
	if !ok {
		return nil, "", errRDFShape
	}
	return ld.NewLiteral(s, orDefault(xsdStringDT), ""), "", nil
}

// jsonLiteral is the JCS form of a @json object, as json-gold makes it by
// marshalling the object and canonicalising the result: json.Number is
// read as its float64, and a string that is not valid UTF-8 (which
// marshalling would change byte by byte) is refused.
func jsonLiteral(obj map[string]any) (string, error) {
	v, err := jsonLiteralValue(obj, 0)
	if err != nil {
		return "", err
	}
	b, err := canon.JCS(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

func jsonLiteralValue(v any, depth int) (any, error) {
	if depth > 64 {
		return nil, fault.E(fault.Invalid, "it nests deeper than 64 levels")
	}
	switch t := v.(type) {
	case string:
		if !utf8.ValidString(t) {
			return nil, fault.E(fault.Invalid, "it holds a string that is not UTF-8")
		}
	case json.Number: // marshalling writes it as it is, if it is a JSON number
		f, err := t.Float64()
		if err != nil || !jsonNumber(string(t)) {
			return nil, fault.E(fault.Invalid, "it holds a number that is not a JSON number in range")
		}
		return f, nil
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			y, err := jsonLiteralValue(x, depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = y
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			if !utf8.ValidString(k) {
				return nil, fault.E(fault.Invalid, "it holds a name that is not UTF-8")
			}
			y, err := jsonLiteralValue(x, depth+1)
			if err != nil {
				return nil, err
			}
			out[k] = y
		}
		return out, nil
	}
	return v, nil
}

// jsonNumber reports whether s is a number in JSON's grammar.
func jsonNumber(s string) bool {
	return s != "" && (s[0] == '-' || s[0] >= '0' && s[0] <= '9') && s[len(s)-1] >= '0' && s[len(s)-1] <= '9' && json.Valid([]byte(s))
}

// validNode reports whether json-gold keeps a statement with n as its
// object: an http(s) IRI must be a URL, a literal's datatype likewise and
// its language tag well formed.
func validNode(n ld.Node) bool {
	switch t := n.(type) {
	case *ld.IRI:
		return validIRI(t.Value)
	case *ld.Literal:
		if t.Language != "" && !validLanguageTag(t.Language) {
			return false
		}
		return t.Datatype == "" || validIRI(t.Datatype)
	}
	return true
}

// validLanguageTag is json-gold's test of a language tag:
// ^[a-zA-Z]+(-[a-zA-Z0-9]+)*$.
func validLanguageTag(s string) bool {
	alpha := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
	digit := func(c byte) bool { return c >= '0' && c <= '9' }
	i := 0
	for i < len(s) && alpha(s[i]) {
		i++
	}
	if i == 0 {
		return false
	}
	for i < len(s) {
		if s[i] != '-' {
			return false
		}
		i++
		j := i
		for i < len(s) && (alpha(s[i]) || digit(s[i])) {
			i++
		}
		if i == j {
			return false
		}
	}
	return true
}

// validIRI is json-gold's test of an IRI in a statement: one that starts
// with http:// or https:// must be a URL by ld.IsURL (a large regular
// expression, so its answers are memoised).
func validIRI(s string) bool {
	if !strings.HasPrefix(s, "http://") && !strings.HasPrefix(s, "https://") {
		return true
	}
	if len(s) > maxMemoIRI {
		return ld.IsURL(s)
	}
	iriMemo.Lock()
	ok, hit := iriMemo.m[s]
	iriMemo.Unlock()
	if hit {
		return ok
	}
	ok = ld.IsURL(s)
	iriMemo.Lock()
	if len(iriMemo.m) >= maxMemoIRIs {
		clear(iriMemo.m)
	}
	iriMemo.m[s] = ok
	iriMemo.Unlock()
	return ok
}

// iriMemo holds ld.IsURL's answers for IRIs up to maxMemoIRI bytes (IsURL
// refuses longer ones), cleared when it reaches maxMemoIRIs entries: at
// most about 8 MB, though the IRIs of real credentials are a few hundred
// short ones.
var iriMemo = struct {
	sync.Mutex
	m map[string]bool
}{m: map[string]bool{}}

const (
	maxMemoIRI  = 2083
	maxMemoIRIs = 4096
)
