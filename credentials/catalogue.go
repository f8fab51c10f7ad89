package credentials

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/citizencloud/citizencredentials/credentials/schema"
	"github.com/citizencloud/citizencredentials/did"
	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/internal/text"
)

// JSON-LD contexts of the data models.
const (
	ContextV2   = "https://www.w3.org/ns/credentials/v2"   // VCDM 2.0, used for everything issued
	ContextV1   = "https://www.w3.org/2018/credentials/v1" // VCDM 1.1, accepted on verification
	ContextPath = "/contexts/citizen/v1"                   // where the service serves ContextDocument, under its base URL
	SchemaPath  = "/schemas/"                              // where the service serves SchemaDocument(name) as <name>.json
)

// The built-in catalogue: types.json lists the types (name, description,
// suspendable), schemas/<name>.json holds each claims schema (JSON Schema
// Draft 2020-12) and context.jsonld the JSON-LD context with a term for
// every type and field. A type is data: Add takes the same shape at run time.
//
//go:embed catalogue/types.json catalogue/context.jsonld catalogue/schemas/*.json
var builtin embed.FS

// Type is a credential type of the catalogue.
//
// Suspendable says whether credentials of the type get a suspension status
// entry besides the revocation entry. Every built-in type is suspendable
// except MaritalStatusCredential: a marital status is a civil-registry fact
// that changes only by a new registration (a new credential, the old one
// revoked); holding it "in suspense" has no legal meaning, whereas e.g. a
// credit record or a volunteering record may be suspended while a dispute
// is examined.
type Type struct {
	Name        string          // e.g. "VolunteerServiceCredential"
	Description string          // one sentence for people
	Fields      []string        // claim names (credentialSubject fields besides id), in schema order
	Required    []string        // the fields that must be present
	Suspendable bool            // see above
	SchemaURL   string          // <baseURL>/schemas/<Name>.json
	Schema      json.RawMessage // the JSON Schema of the claims, with $id = SchemaURL
}

type entry struct {
	t      Type
	schema *schema.Schema
}

// Catalogue holds the credential types, their schemas and the JSON-LD
// context. It is safe for concurrent use.
type Catalogue struct {
	baseURL    string
	contextURL string

	mu      sync.RWMutex
	order   []string
	types   map[string]*entry
	context map[string]any // the object under "@context"
	ctxDoc  []byte
}

var typeNameRE = regexp.MustCompile(`^[A-Z][A-Za-z0-9]{2,63}$`)

var fieldNameRE = regexp.MustCompile(`^[a-z][A-Za-z0-9]{0,63}$`)

// reservedTerms may not be used as type or field names: they are defined
// (and protected) by the VCDM 2.0 context, or are JSON-LD keywords there.
var reservedTerms = map[string]bool{
	"id": true, "type": true, "description": true, "name": true, "digestMultibase": true, "digestSRI": true,
	"mediaType": true, "aud": true, "cnf": true, "exp": true, "iat": true, "iss": true, "jku": true, "kid": true,
	"nbf": true, "sub": true, "x5u": true, "VerifiableCredential": true, "VerifiablePresentation": true,
	"EnvelopedVerifiableCredential": true, "EnvelopedVerifiablePresentation": true, "JsonSchemaCredential": true,
	"JsonSchema": true, "BitstringStatusListCredential": true, "BitstringStatusList": true,
	"BitstringStatusListEntry": true, "DataIntegrityProof": true, "citizen": true, "xsd": true,
	"credentialSubject": true, "issuer": true, "validFrom": true, "validUntil": true, "credentialStatus": true,
	"credentialSchema": true, "evidence": true, "termsOfUse": true, "proof": true, "refreshService": true,
	"renderMethod": true, "confidenceMethod": true, "relatedResource": true,
}

// NewCatalogue returns the catalogue of the built-in types, with schema and
// context URLs under baseURL (the service's public base URL, e.g.
// "https://citizen.example"; a trailing "/" is ignored).
func NewCatalogue(baseURL string) (*Catalogue, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fault.E(fault.Invalid, "base URL must be an absolute http(s) URL without query or fragment")
	}
	base := strings.TrimRight(baseURL, "/")
	c := &Catalogue{baseURL: base, contextURL: base + ContextPath, types: map[string]*entry{}}

	raw, err := builtin.ReadFile("catalogue/context.jsonld")
	if err != nil {
		return nil, fmt.Errorf("read embedded context: %w", err)
	}
	var doc struct {
		Context map[string]any `json:"@context"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil || doc.Context == nil {
		return nil, fmt.Errorf("embedded context is not a JSON-LD context: %v", err)
	}
	doc.Context["citizen"] = c.contextURL + "#"
	c.context = doc.Context

	var list []struct {
		Name        string `json:"name"`
		Description string `json:"description"`
		Suspendable bool   `json:"suspendable"`
	}
	raw, err = builtin.ReadFile("catalogue/types.json")
	if err != nil {
		return nil, fmt.Errorf("read embedded types: %w", err)
	}
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, fmt.Errorf("embedded types.json: %w", err)
	}
	for _, t := range list {
		doc, err := builtin.ReadFile("catalogue/schemas/" + t.Name + ".json")
		if err != nil {
			return nil, fmt.Errorf("read embedded schema of %s: %w", t.Name, err)
		}
		if err := c.Add(Type{Name: t.Name, Description: t.Description, Suspendable: t.Suspendable}, doc); err != nil {
			return nil, fmt.Errorf("built-in type %s: %w", t.Name, err)
		}
	}
	return c, nil
}

// BaseURL returns the base URL the catalogue was made with.
func (c *Catalogue) BaseURL() string { return c.baseURL }

// ContextURL returns the URL of our JSON-LD context: <baseURL>/contexts/citizen/v1.
func (c *Catalogue) ContextURL() string { return c.contextURL }

// SchemaURL returns the URL of the schema of type name: <baseURL>/schemas/<name>.json.
func (c *Catalogue) SchemaURL(name string) string { return c.baseURL + SchemaPath + name + ".json" }

// Add registers a credential type from data: t gives Name, Description and
// Suspendable; doc is a JSON Schema (Draft 2020-12) of the claims object
// that must have "type":"object", "properties" and
// "additionalProperties":false, and no "id" property. Fields, Required,
// SchemaURL and Schema are derived. JSON-LD terms for the type and each field
// (dates typed xsd:date / xsd:dateTime) are added to the context. Schemas may
// not reference other documents. Errors: fault Invalid (bad name or schema),
// fault Conflict (the type exists, or a field's term is already defined
// differently).
func (c *Catalogue) Add(t Type, doc []byte) error {
	if !typeNameRE.MatchString(t.Name) || reservedTerms[t.Name] {
		return fault.E(fault.Invalid, "type name must be 3 to 64 letters or digits starting with an upper-case letter, and not a VCDM term")
	}
	var obj map[string]any
	if err := json.Unmarshal(doc, &obj); err != nil || obj == nil {
		return fault.E(fault.Invalid, "schema of %s is not a JSON object", t.Name)
	}
	if obj["type"] != "object" {
		return fault.E(fault.Invalid, "schema of %s must have \"type\": \"object\"", t.Name)
	}
	if obj["additionalProperties"] != false {
		return fault.E(fault.Invalid, "schema of %s must have \"additionalProperties\": false", t.Name)
	}
	propsRaw, ok := obj["properties"].(map[string]any)
	if !ok || len(propsRaw) == 0 {
		return fault.E(fault.Invalid, "schema of %s must list its fields under \"properties\"", t.Name)
	}
	fields, err := propertyOrder(doc)
	if err != nil {
		return fault.E(fault.Invalid, "schema of %s: %v", t.Name, err)
	}
	props := map[string]map[string]any{}
	for _, f := range fields {
		if !fieldNameRE.MatchString(f) || reservedTerms[f] {
			return fault.E(fault.Invalid, "schema of %s: field name %q must be 1 to 64 letters or digits starting with a lower-case letter, and not a VCDM term (the subject id is implicit)", t.Name, text.Truncate(f, 64))
		}
		p, _ := propsRaw[f].(map[string]any)
		props[f] = p
	}
	var required []string
	if rs, ok := obj["required"].([]any); ok {
		for _, r := range rs {
			if s, ok := r.(string); ok {
				required = append(required, s)
			}
		}
	}

	schemaURL := c.SchemaURL(t.Name)
	obj["$id"] = schemaURL
	served, err := json.MarshalIndent(obj, "", "  ")
	if err != nil {
		return fault.E(fault.Invalid, "schema of %s cannot be encoded", t.Name)
	}
	compiled, err := schema.Compile(t.Name, schemaURL, served)
	if err != nil {
		return fault.Wrap(fault.Invalid, err, "schema of "+t.Name+" does not compile as JSON Schema 2020-12")
	}

	terms := map[string]any{t.Name: "citizen:" + t.Name}
	for _, f := range fields {
		terms[f] = termFor(f, props[f])
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.types[t.Name]; ok {
		return fault.E(fault.Conflict, "credential type %s already exists", t.Name)
	}
	for term, def := range terms {
		if have, ok := c.context[term]; ok && !reflect.DeepEqual(normalizeJSON(have), normalizeJSON(def)) {
			return fault.E(fault.Conflict, "the JSON-LD term %q of %s is already defined differently in the context", term, t.Name)
		}
	}
	for term, def := range terms {
		c.context[term] = def
	}
	c.ctxDoc = nil
	t.Fields = fields
	t.Required = required
	t.SchemaURL = schemaURL
	t.Schema = served
	c.types[t.Name] = &entry{t: t, schema: compiled}
	c.order = append(c.order, t.Name)
	return nil
}

// termFor derives the JSON-LD term definition of a field from its schema.
func termFor(field string, p map[string]any) any {
	switch p["format"] {
	case "date":
		return map[string]any{"@id": "citizen:" + field, "@type": "xsd:date"}
	case "date-time":
		return map[string]any{"@id": "citizen:" + field, "@type": "xsd:dateTime"}
	}
	return "citizen:" + field
}

func normalizeJSON(v any) any {
	b, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

// propertyOrder returns the keys of the top-level "properties" object in
// document order.
func propertyOrder(doc []byte) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("not an object")
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string)
		if key != "properties" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, err
			}
			continue
		}
		if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
			return nil, fmt.Errorf("properties is not an object")
		}
		var out []string
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return nil, err
			}
			out = append(out, tok.(string))
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("no properties")
}

// Types returns the types in catalogue order (built-ins first).
func (c *Catalogue) Types() []Type {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]Type, 0, len(c.order))
	for _, n := range c.order {
		out = append(out, c.types[n].t)
	}
	return out
}

// Type returns the type called name.
func (c *Catalogue) Type(name string) (Type, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.types[name]
	if !ok {
		return Type{}, false
	}
	return e.t, true
}

// SchemaDocument returns the JSON Schema of type name as served at its
// SchemaURL.
func (c *Catalogue) SchemaDocument(name string) ([]byte, bool) {
	t, ok := c.Type(name)
	if !ok {
		return nil, false
	}
	return t.Schema, true
}

// ContextDocument returns our JSON-LD context document, as served at
// ContextURL.
func (c *Catalogue) ContextDocument() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ctxDoc == nil {
		b, err := json.MarshalIndent(map[string]any{"@context": c.context}, "", "  ")
		if err != nil {
			panic("credentials: context does not encode: " + err.Error()) // built from JSON values only
		}
		c.ctxDoc = b
	}
	return c.ctxDoc
}

// Validate checks claims (the credentialSubject fields besides id) against
// the schema of typeName. Errors are fault Invalid: unknown type, claims
// that are not JSON, or claims failing the schema; the message names each
// failing field and why, and never repeats claim values.
func (c *Catalogue) Validate(typeName string, claims map[string]any) error {
	c.mu.RLock()
	e, ok := c.types[typeName]
	c.mu.RUnlock()
	if !ok {
		return fault.E(fault.Invalid, "unknown credential type %q", text.Truncate(typeName, 64))
	}
	return e.schema.Validate(claims)
}

// Draft is the input of Build: the parts of a credential the issuer decides.
type Draft struct {
	ID         string // urn:uuid:...
	Issuer     string // issuer DID
	Subject    string // subject DID (credentialSubject.id)
	Type       string // catalogue type
	Claims     map[string]any
	ValidFrom  time.Time
	ValidUntil *time.Time
	Status     []map[string]any // credentialStatus entries (from the status registry)
	Evidence   []any
	TermsOfUse []any
}

// Build validates d and returns the unsecured VCDM 2.0 credential:
// @context [VCDM 2.0, ContextURL], id, type [VerifiableCredential, d.Type],
// issuer, validFrom/validUntil (RFC 3339 UTC, whole seconds),
// credentialSubject {id, claims...}, credentialSchema {SchemaURL,
// JsonSchema}, and credentialStatus, evidence, termsOfUse when given.
// Errors are fault Invalid.
func (c *Catalogue) Build(d Draft) (map[string]any, error) {
	if _, ok := c.Type(d.Type); !ok {
		return nil, fault.E(fault.Invalid, "unknown credential type %q", text.Truncate(d.Type, 64))
	}
	if d.ID == "" || !strings.Contains(d.ID, ":") {
		return nil, fault.E(fault.Invalid, "credential id must be a URI (urn:uuid:...)")
	}
	if _, err := did.Parse(d.Issuer); err != nil {
		return nil, fault.E(fault.Invalid, "issuer is not a DID: %s", fault.Message(err))
	}
	if _, err := did.Parse(d.Subject); err != nil {
		return nil, fault.E(fault.Invalid, "subject is not a DID: %s", fault.Message(err))
	}
	if _, ok := d.Claims["id"]; ok {
		return nil, fault.E(fault.Invalid, "claims must not contain \"id\"; the subject is given separately")
	}
	if err := c.Validate(d.Type, d.Claims); err != nil {
		return nil, err
	}
	if d.ValidFrom.IsZero() {
		return nil, fault.E(fault.Invalid, "validFrom is required")
	}
	from := d.ValidFrom.UTC().Truncate(time.Second)
	subject := map[string]any{"id": d.Subject}
	for k, v := range d.Claims {
		subject[k] = v
	}
	vc := map[string]any{
		"@context":          []any{ContextV2, c.contextURL},
		"id":                d.ID,
		"type":              []any{"VerifiableCredential", d.Type},
		"issuer":            d.Issuer,
		"validFrom":         from.Format(time.RFC3339),
		"credentialSubject": subject,
		"credentialSchema":  map[string]any{"id": c.SchemaURL(d.Type), "type": "JsonSchema"},
	}
	if d.ValidUntil != nil {
		until := d.ValidUntil.UTC().Truncate(time.Second)
		if !until.After(from) {
			return nil, fault.E(fault.Invalid, "validUntil (%s) must be after validFrom (%s)", until.Format(time.RFC3339), from.Format(time.RFC3339))
		}
		vc["validUntil"] = until.Format(time.RFC3339)
	}
	if len(d.Status) > 0 {
		st := make([]any, len(d.Status))
		for i, s := range d.Status {
			st[i] = s
		}
		vc["credentialStatus"] = st
	}
	if len(d.Evidence) > 0 {
		vc["evidence"] = d.Evidence
	}
	if len(d.TermsOfUse) > 0 {
		vc["termsOfUse"] = d.TermsOfUse
	}
	return vc, nil
}
