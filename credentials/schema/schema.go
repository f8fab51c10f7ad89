// Package schema compiles the JSON Schemas (Draft 2020-12) of the claims of
// credential types and explains a failing validation for people: each
// failing field and why, never the claim values. Schemas may not reference
// other documents.
package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"

	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/internal/text"
)

// Schema is the compiled JSON Schema of the claims of one credential type.
type Schema struct {
	name   string // the credential type, in messages
	schema *jsonschema.Schema
	props  map[string]map[string]any // property name → its schema object, for messages
}

// Compile compiles doc, the JSON Schema of the claims of the credential type
// name, whose $id is url. Errors: doc is not JSON or not a JSON Schema
// 2020-12, or references another document.
func Compile(name, url string, doc []byte) (*Schema, error) {
	compiled, err := compile(url, doc)
	if err != nil {
		return nil, err
	}
	var obj struct {
		Properties map[string]map[string]any `json:"properties"`
	}
	if err := json.Unmarshal(doc, &obj); err != nil {
		return nil, err
	}
	return &Schema{name: name, schema: compiled, props: obj.Properties}, nil
}

// noLoader refuses to load any schema by URL: catalogue schemas are
// self-contained, and operators' schemas must not make the service read
// files or fetch URLs.
type noLoader struct{}

func (noLoader) Load(u string) (any, error) {
	return nil, fmt.Errorf("schema references %s; external references are not allowed", u)
}

func compile(schemaURL string, doc []byte) (*jsonschema.Schema, error) {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return nil, err
	}
	comp := jsonschema.NewCompiler()
	comp.DefaultDraft(jsonschema.Draft2020)
	comp.AssertFormat()
	comp.UseLoader(noLoader{})
	if err := comp.AddResource(schemaURL, v); err != nil {
		return nil, err
	}
	return comp.Compile(schemaURL)
}

// Validate checks claims (the credentialSubject fields besides id) against
// s. Errors are fault Invalid: claims that are not JSON, or claims failing
// the schema; the message names each failing field and why, and never
// repeats claim values.
func (s *Schema) Validate(claims map[string]any) error {
	typeName := s.name
	if claims == nil {
		claims = map[string]any{}
	}
	b, err := json.Marshal(claims)
	if err != nil {
		return fault.E(fault.Invalid, "claims of %s are not plain JSON values", typeName)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return fault.E(fault.Invalid, "claims of %s are not plain JSON values", typeName)
	}
	verr := s.schema.Validate(inst)
	if verr == nil {
		return nil
	}
	ve, ok := verr.(*jsonschema.ValidationError)
	if !ok {
		return fault.Wrap(fault.Invalid, verr, "claims of "+typeName+" are not valid")
	}
	var msgs []string
	seen := map[string]bool{}
	for _, leaf := range leaves(ve) {
		m := s.describe(leaf)
		if m != "" && !seen[m] {
			seen[m] = true
			msgs = append(msgs, m)
		}
	}
	sort.Strings(msgs)
	if len(msgs) == 0 {
		msgs = []string{"the claims do not match the schema"}
	}
	return &fault.Error{Code: fault.Invalid, Msg: "invalid claims for " + typeName + ": " + strings.Join(msgs, "; ")}
}

func leaves(ve *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(ve.Causes) == 0 {
		return []*jsonschema.ValidationError{ve}
	}
	var out []*jsonschema.ValidationError
	for _, c := range ve.Causes {
		out = append(out, leaves(c)...)
	}
	return out
}

// describe turns one schema violation into plain words naming the field.
func (s *Schema) describe(ve *jsonschema.ValidationError) string {
	field := strings.Join(ve.InstanceLocation, ".")
	if field == "" {
		field = "the claims"
	}
	field = text.Truncate(field, 64)
	hint := ""
	if len(ve.InstanceLocation) > 0 {
		if p := s.props[ve.InstanceLocation[0]]; p != nil {
			if d, ok := p["description"].(string); ok && d != "" {
				hint = " (" + d + ")"
			}
		}
	}
	switch k := ve.ErrorKind.(type) {
	case *kind.Required:
		return "missing required " + text.Plural(len(k.Missing), "field", "fields") + " " + joinNames(k.Missing)
	case *kind.AdditionalProperties:
		return text.Plural(len(k.Properties), "field ", "fields ") + joinNames(k.Properties) + " " + text.Plural(len(k.Properties), "is", "are") + " not part of " + s.name
	case *kind.Type:
		return field + " must be " + kindName(strings.Join(k.Want, " or ")) + ", not " + kindName(k.Got)
	case *kind.Format:
		switch k.Want {
		case "date":
			return field + " must be a calendar date like 2024-05-31"
		case "date-time":
			return field + " must be a date and time like 2024-05-31T12:00:00Z"
		}
		return field + " must be in " + k.Want + " format"
	case *kind.Enum:
		if len(k.Want) <= 10 {
			var ws []string
			for _, w := range k.Want {
				ws = append(ws, fmt.Sprint(w))
			}
			return field + " must be one of " + strings.Join(ws, ", ")
		}
		return field + " is not one of the allowed values" + hint
	case *kind.Const:
		return field + " has a value that is not allowed"
	case *kind.Minimum:
		return field + " must be at least " + k.Want.FloatString(ratPrec(k.Want))
	case *kind.ExclusiveMinimum:
		return field + " must be greater than " + k.Want.FloatString(ratPrec(k.Want))
	case *kind.Maximum:
		return field + " must be at most " + k.Want.FloatString(ratPrec(k.Want))
	case *kind.ExclusiveMaximum:
		return field + " must be less than " + k.Want.FloatString(ratPrec(k.Want))
	case *kind.MultipleOf:
		return field + " must be a multiple of " + k.Want.FloatString(ratPrec(k.Want))
	case *kind.MinLength:
		if k.Want == 1 {
			return field + " must not be empty"
		}
		return fmt.Sprintf("%s must have at least %d characters", field, k.Want)
	case *kind.MaxLength:
		return fmt.Sprintf("%s must have at most %d characters", field, k.Want)
	case *kind.Pattern:
		return field + " does not have the expected form" + hint
	case *kind.MinItems:
		return fmt.Sprintf("%s must have at least %d items", field, k.Want)
	case *kind.MaxItems:
		return fmt.Sprintf("%s must have at most %d items", field, k.Want)
	case *kind.FalseSchema:
		return field + " is not allowed"
	}
	return field + " is not valid" + hint
}

func ratPrec(r *big.Rat) int {
	if r.IsInt() {
		return 0
	}
	return 2
}

// joinNames lists field names (never values) for a message, at most ten.
func joinNames(names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = text.Truncate(n, 64)
	}
	sort.Strings(out)
	if len(out) > 10 {
		return strings.Join(out[:10], ", ") + fmt.Sprintf(" and %d more", len(out)-10)
	}
	return strings.Join(out, ", ")
}

// kindName names a JSON Schema kind for a message: "an integer", "a
// string", "null", or "a value" when there is none.
func kindName(s string) string {
	switch s {
	case "":
		return "a value"
	case "null":
		return "null"
	}
	return text.WithArticle(s)
}
