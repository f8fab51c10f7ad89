package exchange

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
	"regexp"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/PaesslerAG/jsonpath"
	"github.com/hyperledger/aries-framework-go/component/models/presexch"
	"github.com/hyperledger/aries-framework-go/component/models/verifiable"

	"github.com/citizencloud/citizencredentials/credentials"
	"github.com/citizencloud/citizencredentials/credentials/vcdm"
	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/internal/text"
)

// DIF Presentation Exchange v2: what a presentation request asks for.
//
// One engine serves the verifier (Requests.Submit) and the holder (package
// wallet): Definition.Evaluate. Matching a credential against an input
// descriptor's constraints.fields (JSONPath + JSON Schema filter, optional
// fields, subject_is_issuer) is done by aries' presexch
// (MatchSubmissionRequirement) over Candidates: a credential as the verifier
// sees it (an SD-JWT credential: its disclosed claims only; a VCDM 1.1 JWT:
// the vc claim completed from iss/sub/jti, so paths start at
// $.credentialSubject, not $.vc). aries matches on its own re-serialisation
// of a credential, so each candidate is handed over whole (credentialStatus,
// credentialSchema, evidence, termsOfUse as VCDM 2.0 writes them) and the
// round trip is checked: a credential aries would see differently is not
// matched, and the outcome says so. aries keeps only some JSON Schema
// keywords of a filter and fetches remote references, so a definition whose
// filters it would not evaluate as written is refused when it is read.
// aries' own handling of "format" (it only knows jwt*/ldp*, and reads them
// from credential.JWT and proofs, which our already verified credentials do
// not carry) and of limit_disclosure (it either ignores it or rewrites
// credentials with its own JSON-LD/SD-JWT model) does not fit, and it
// evaluates submission_requirements only holder side (CreateVP), without
// saying what is missing. Those three parts are evaluated here: format
// designations per credential format (and alg lists), limit_disclosure
// "required" (the credential must be an SD-JWT that discloses nothing the
// descriptor's fields do not ask for), and the submission_requirements rules
// (all, pick with count/min; max bounds what a holder sends and is not a
// reason to reject), with a message that says what is missing.

// CheckConstraints is the check Requests.Submit adds: the verified
// credentials of the presentation satisfy the request's presentation
// definition.
const CheckConstraints = "constraints"

// MaxDefinitionSize bounds a presentation definition (JSON bytes).
const MaxDefinitionSize = 64 << 10

// definition is a parsed presentation definition.
type definition struct {
	pd      *presexch.PresentationDefinition // formats removed: evaluated here
	source  json.RawMessage                  // the definition as given, compacted
	formats map[string]map[string][]string   // descriptor id ("" for the definition) → designation → algs
}

// parseDefinition reads a DIF PE v2 presentation_definition (bare, or
// wrapped in {"presentation_definition": ...}) and checks what matching
// needs. Errors are fault Invalid.
func parseDefinition(raw []byte) (*definition, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil, fault.E(fault.Invalid, "the presentation definition is empty")
	}
	if len(raw) > MaxDefinitionSize {
		return nil, fault.E(fault.Invalid, "the presentation definition is larger than %d bytes", MaxDefinitionSize)
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(raw, &probe); err != nil {
		return nil, fault.E(fault.Invalid, "the presentation definition is not a JSON object")
	}
	if inner, ok := probe["presentation_definition"]; ok {
		raw = inner
		probe = nil
		if err := json.Unmarshal(raw, &probe); err != nil {
			return nil, fault.E(fault.Invalid, "presentation_definition is not a JSON object")
		}
	}
	var pd presexch.PresentationDefinition
	if err := json.Unmarshal(raw, &pd); err != nil {
		return nil, fault.E(fault.Invalid, "the presentation definition does not have the shape of DIF Presentation Exchange v2: %s", text.Truncate(err.Error(), 200))
	}
	var formatsRaw struct {
		Format           map[string]map[string]any `json:"format"`
		InputDescriptors []struct {
			ID     string                    `json:"id"`
			Format map[string]map[string]any `json:"format"`
		} `json:"input_descriptors"`
	}
	if err := json.Unmarshal(raw, &formatsRaw); err != nil {
		return nil, fault.E(fault.Invalid, "the format of the presentation definition is not an object of claim format designations")
	}
	if err := checkFilters(raw); err != nil {
		return nil, err
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, raw); err != nil {
		return nil, fault.E(fault.Invalid, "the presentation definition is not JSON")
	}
	d := &definition{pd: &pd, source: compact.Bytes(), formats: map[string]map[string][]string{}}
	if f := readFormats(formatsRaw.Format); f != nil {
		d.formats[""] = f
	}
	for _, id := range formatsRaw.InputDescriptors {
		if f := readFormats(id.Format); f != nil {
			d.formats[id.ID] = f
		}
	}
	pd.Format = nil
	if len(pd.InputDescriptors) == 0 {
		return nil, fault.E(fault.Invalid, "the presentation definition has no input_descriptors")
	}
	if len(pd.InputDescriptors) > 32 {
		return nil, fault.E(fault.Invalid, "the presentation definition has more than 32 input descriptors")
	}
	if pd.ID == "" {
		return nil, fault.E(fault.Invalid, "the presentation definition has no id")
	}
	seen := map[string]bool{}
	for i, desc := range pd.InputDescriptors {
		if desc == nil || desc.ID == "" {
			return nil, fault.E(fault.Invalid, "input descriptor #%d has no id", i+1)
		}
		if seen[desc.ID] {
			return nil, fault.E(fault.Invalid, "input descriptor id %q is used twice", text.Truncate(desc.ID, 64))
		}
		seen[desc.ID] = true
		desc.Format = nil
		if len(desc.Schema) > 0 {
			return nil, fault.E(fault.Invalid, "input descriptor %q uses \"schema\" (Presentation Exchange v1); use constraints.fields on $.type instead", text.Truncate(desc.ID, 64))
		}
		if desc.Constraints == nil {
			continue
		}
		if len(desc.Constraints.Fields) > 64 {
			return nil, fault.E(fault.Invalid, "input descriptor %q has more than 64 fields", text.Truncate(desc.ID, 64))
		}
		for j, f := range desc.Constraints.Fields {
			if f == nil || len(f.Path) == 0 {
				return nil, fault.E(fault.Invalid, "field #%d of input descriptor %q has no path", j+1, text.Truncate(desc.ID, 64))
			}
			for _, p := range f.Path {
				if _, err := jsonpath.New(p); err != nil || !strings.HasPrefix(p, "$") {
					return nil, fault.E(fault.Invalid, "field #%d of input descriptor %q has a path that is not JSONPath: %q", j+1, text.Truncate(desc.ID, 64), text.Truncate(p, 100))
				}
			}
		}
	}
	if err := pd.ValidateSchema(); err != nil {
		return nil, fault.E(fault.Invalid, "the presentation definition is not valid Presentation Exchange: %s", text.Truncate(err.Error(), 300))
	}
	// A dry run catches what the schema does not: unknown groups,
	// unsatisfiable nesting, filters that do not compile.
	if _, err := safeMatch(&pd, nil); err != nil {
		return nil, fault.E(fault.Invalid, "the presentation definition cannot be evaluated: %s", text.Truncate(err.Error(), 300))
	}
	return d, nil
}

// filterKeywords are the JSON Schema keywords aries' presexch.Filter keeps
// at the top level of a field's filter; it drops any other one, which would
// then not be enforced. Inside "not" and "contains" the schema is kept whole
// and evaluated by gojsonschema (drafts 4, 6 and 7).
var filterKeywords = map[string]bool{
	"type": true, "format": true, "pattern": true, "minimum": true, "maximum": true,
	"minLength": true, "maxLength": true, "exclusiveMinimum": true, "exclusiveMaximum": true,
	"const": true, "enum": true, "not": true, "contains": true,
}

// laterDraftKeywords are JSON Schema 2019-09 and 2020-12 keywords that
// gojsonschema does not know and would ignore.
var laterDraftKeywords = map[string]bool{
	"$defs": true, "$anchor": true, "$dynamicRef": true, "$dynamicAnchor": true, "$recursiveRef": true,
	"$recursiveAnchor": true, "$vocabulary": true, "prefixItems": true, "unevaluatedItems": true,
	"unevaluatedProperties": true, "dependentRequired": true, "dependentSchemas": true,
	"minContains": true, "maxContains": true, "contentSchema": true,
}

// knownDrafts are the $schema values gojsonschema recognises without
// fetching anything.
var knownDrafts = map[string]bool{
	"http://json-schema.org/draft-04/schema#": true, "http://json-schema.org/draft-04/schema": true,
	"http://json-schema.org/draft-06/schema#": true, "http://json-schema.org/draft-06/schema": true,
	"http://json-schema.org/draft-07/schema#": true, "http://json-schema.org/draft-07/schema": true,
}

// knownFormats are the "format" values gojsonschema checks; it lets any
// other value pass.
var knownFormats = map[string]bool{
	"date-time": true, "date": true, "time": true, "email": true, "idn-email": true, "hostname": true,
	"idn-hostname": true, "ipv4": true, "ipv6": true, "uri": true, "uri-reference": true, "iri": true,
	"iri-reference": true, "uri-template": true, "uuid": true, "regex": true, "json-pointer": true,
	"relative-json-pointer": true,
}

// checkFilters refuses filters the engine would not evaluate as written: a
// top-level keyword aries drops, a reference that is not local to the
// filter ($ref not starting with "#", $id, a $schema other than draft 4/6/7:
// gojsonschema would fetch it, and a verifier's constraint must not depend
// on, or reach, another server), keywords of later drafts, unknown formats
// and patterns that Go's regexp cannot compile. Errors are fault Invalid.
func checkFilters(raw []byte) error {
	var doc struct {
		InputDescriptors []struct {
			ID          string `json:"id"`
			Constraints *struct {
				Fields []struct {
					Filter json.RawMessage `json:"filter"`
				} `json:"fields"`
			} `json:"constraints"`
		} `json:"input_descriptors"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return fault.E(fault.Invalid, "the presentation definition does not have the shape of DIF Presentation Exchange v2: %s", text.Truncate(err.Error(), 200))
	}
	for _, desc := range doc.InputDescriptors {
		if desc.Constraints == nil {
			continue
		}
		for j, f := range desc.Constraints.Fields {
			if len(f.Filter) == 0 || string(f.Filter) == "null" {
				continue
			}
			where := fmt.Sprintf("the filter of field #%d of input descriptor %q", j+1, text.Truncate(desc.ID, 64))
			var top map[string]any
			if err := json.Unmarshal(f.Filter, &top); err != nil {
				return fault.E(fault.Invalid, "%s is not a JSON Schema object", where)
			}
			for k := range top {
				if !filterKeywords[k] && k != "$schema" && k != "$comment" {
					return fault.E(fault.Invalid, "%s uses %q, which the Presentation Exchange engine (aries presexch) does not evaluate at the top of a filter (it evaluates %s; nest other keywords under \"not\" or \"contains\")", where, text.Truncate(k, 64), "type, format, pattern, minimum, maximum, minLength, maxLength, exclusiveMinimum, exclusiveMaximum, const, enum, not, contains")
				}
			}
			if msg := schemaProblem(top); msg != "" {
				return fault.E(fault.Invalid, "%s %s", where, msg)
			}
		}
	}
	return nil
}

// schemaProblem walks a JSON Schema (as decoded JSON) and says what in it
// the engine cannot evaluate ("" if nothing).
func schemaProblem(v any) string {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			s, isString := val.(string)
			switch {
			case k == "$ref" && (!isString || !strings.HasPrefix(s, "#")):
				return fmt.Sprintf("has the reference $ref %q, which is not local to the filter; remote schemas are not fetched, so use a filter that says the constraint itself", text.Truncate(fmt.Sprint(val), 100))
			case k == "$id":
				return "sets $id, which changes how references resolve; remote schemas are not fetched, so leave it out"
			case k == "$schema" && (!isString || !knownDrafts[s]):
				return fmt.Sprintf("names the meta-schema %q; only JSON Schema drafts 4, 6 and 7 (http://json-schema.org/draft-07/schema#) are evaluated and nothing is fetched", text.Truncate(fmt.Sprint(val), 100))
			case laterDraftKeywords[k]:
				return fmt.Sprintf("uses %q (JSON Schema 2019-09/2020-12), which the engine does not evaluate (it evaluates draft 7)", k)
			case k == "format" && isString && !knownFormats[s]:
				return fmt.Sprintf("uses the format %q, which the engine does not check", text.Truncate(s, 64))
			case k == "pattern" && isString:
				if _, err := regexp.Compile(s); err != nil {
					return fmt.Sprintf("has a pattern the engine cannot compile (Go regular expressions: no lookaround or backreferences): %q", text.Truncate(s, 100))
				}
			}
			if msg := schemaProblem(val); msg != "" {
				return msg
			}
		}
	case []any:
		for _, el := range x {
			if msg := schemaProblem(el); msg != "" {
				return msg
			}
		}
	}
	return ""
}

// readFormats reads a PE "format" object: designation → alg list (alg,
// sd-jwt_alg_values) or nil.
func readFormats(f map[string]map[string]any) map[string][]string {
	if len(f) == 0 {
		return nil
	}
	out := map[string][]string{}
	for name, opts := range f {
		var algs []string
		for _, key := range []string{"alg", "alg_values", "sd-jwt_alg_values"} {
			algs = append(algs, vcdm.Strings(opts[key])...)
		}
		out[strings.ToLower(name)] = algs
	}
	return out
}

// designations are the claim format designations each credential format
// satisfies.
var designations = map[credentials.Format][]string{
	credentials.FormatJWT:           {"jwt", "jwt_vc", "jwt_vc_json", "jwt_vc_json-ld", "vc+jwt"},
	credentials.FormatJWTV1:         {"jwt", "jwt_vc", "jwt_vc_json", "jwt_vc_json-ld"},
	credentials.FormatSDJWT:         {"vc+sd-jwt", "dc+sd-jwt", "sd-jwt", "sd_jwt"},
	credentials.FormatDataIntegrity: {"ldp", "ldp_vc", "di", "di_vc"},
}

// formatOK says whether p is in a format the descriptor accepts ("" if so,
// else why not).
func (d *definition) formatOK(descID string, p *credentials.Candidate) string {
	f := d.formats[descID]
	if f == nil {
		f = d.formats[""]
	}
	if f == nil {
		return ""
	}
	for _, name := range designations[p.Format] {
		algs, ok := f[name]
		if !ok {
			continue
		}
		if len(algs) == 0 || p.Alg == "" || slices.Contains(algs, p.Alg) {
			return ""
		}
	}
	names := make([]string, 0, len(f))
	for n := range f {
		names = append(names, n)
	}
	sort.Strings(names)
	return fmt.Sprintf("credential %s is a %s (%s), but the request accepts only %s", p.Tag, p.Format, p.Alg, text.Truncate(strings.Join(names, ", "), 200))
}

// safeMatch runs aries' matching. aries' presexch is third-party code known
// to panic on some definitions (nil members it does not expect); a panic is
// logged with its stack and returned as an error, never hidden. The only
// recover() of this package.
func safeMatch(pd *presexch.PresentationDefinition, vcs []*verifiable.Credential) (out []*presexch.MatchedSubmissionRequirement, err error) {
	defer func() {
		if r := recover(); r != nil {
			slog.Error("aries presexch panicked while matching a presentation definition", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			out, err = nil, fmt.Errorf("evaluation failed: the matching library panicked: %v", r)
		}
	}()
	return pd.MatchSubmissionRequirement(vcs, nil)
}

// asCustom are the members aries' credential model reads into typed fields
// that cannot hold what VCDM 2.0 allows (several statuses or schemas, a
// proof set): they go to aries as custom fields, which it serialises as
// given.
var asCustom = []string{"credentialStatus", "credentialSchema", "evidence", "termsOfUse", "refreshService", "proof"}

// toAries converts a candidate to aries' model for matching. aries matches
// on json.Marshal of that model, so the result is checked to serialise to
// the candidate's JSON, member by member; an error names the members aries
// would see differently.
func toAries(c *credentials.Candidate) (*verifiable.Credential, error) {
	want, err := normalJSON(c.JSON)
	if err != nil {
		return nil, err
	}
	doc := make(map[string]any, len(want))
	custom := map[string]any{}
	for k, v := range want {
		doc[k] = v
	}
	for _, k := range asCustom {
		if v, ok := doc[k]; ok {
			custom[k] = v
			delete(doc, k)
		}
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	vc, err := verifiable.ParseCredential(b, verifiable.WithCredDisableValidation(), verifiable.WithDisabledProofCheck())
	if err != nil {
		return nil, fmt.Errorf("aries' credential model cannot read it: %s", text.Truncate(err.Error(), 200))
	}
	if ctx, ok := want["@context"].([]any); ok {
		// Strings first, then objects is how aries writes a mixed
		// context; as custom context it keeps the order given.
		vc.Context, vc.CustomContext = nil, ctx
	}
	if vc.CustomFields == nil {
		vc.CustomFields = verifiable.CustomFields{}
	}
	for k, v := range custom {
		vc.CustomFields[k] = v
	}
	got, err := json.Marshal(vc)
	if err != nil {
		return nil, fmt.Errorf("aries' credential model cannot write it: %s", text.Truncate(err.Error(), 200))
	}
	var back map[string]any
	if err := json.Unmarshal(got, &back); err != nil {
		return nil, err
	}
	var differ []string
	for k, v := range want {
		if bv, ok := back[k]; !ok || !reflect.DeepEqual(v, bv) {
			differ = append(differ, k)
		}
	}
	for k := range back {
		if _, ok := want[k]; !ok {
			differ = append(differ, k)
		}
	}
	if len(differ) > 0 {
		sort.Strings(differ)
		return nil, fmt.Errorf("aries' credential model cannot represent its %s as given, so it cannot be matched", text.Truncate(strings.Join(differ, ", "), 200))
	}
	return vc, nil
}

// normalJSON returns v as encoding/json decodes it (numbers as float64).
func normalJSON(v map[string]any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// Definition is a parsed DIF Presentation Exchange v2 presentation
// definition.
type Definition struct{ d *definition }

// ParseDefinition reads a presentation definition (bare, or wrapped in
// {"presentation_definition": ...}) as Requests.Create does. Errors are
// fault Invalid and say what the engine cannot evaluate.
func ParseDefinition(raw []byte) (*Definition, error) {
	d, err := parseDefinition(raw)
	if err != nil {
		return nil, err
	}
	return &Definition{d: d}, nil
}

// Descriptor is what one input descriptor asks for.
type Descriptor struct {
	ID, Name, Purpose string
	Description       string   // in words: "a VolunteerServiceCredential with credentialSubject.hours issued by ..."
	SubjectFields     []string // the credentialSubject claims its fields name ("hours", "address.city")
	LimitDisclosure   bool     // limit_disclosure "required"
}

// Descriptors lists the input descriptors in order.
func (d *Definition) Descriptors() []Descriptor {
	out := make([]Descriptor, 0, len(d.d.pd.InputDescriptors))
	for _, desc := range d.d.pd.InputDescriptors {
		x := Descriptor{ID: desc.ID, Name: desc.Name, Purpose: desc.Purpose, Description: describeDescriptor(desc)}
		if c := desc.Constraints; c != nil {
			x.LimitDisclosure = c.LimitDisclosure != nil && *c.LimitDisclosure == presexch.Required
			for _, f := range c.Fields {
				for _, path := range f.Path {
					if rest, ok := strings.CutPrefix(plainJSONPath(path), "credentialSubject."); ok && rest != "" {
						if !slices.Contains(x.SubjectFields, rest) {
							x.SubjectFields = append(x.SubjectFields, rest)
						}
						break
					}
				}
			}
		}
		out = append(out, x)
	}
	return out
}

// Evaluation is the outcome of a definition over a set of candidates.
type Evaluation struct {
	OK      bool   // the candidates together satisfy the definition
	Message string // what they satisfy, or what is missing and why
	// Accepted lists, per input descriptor id, the candidates that meet it
	// (constraints, format, limit_disclosure), in the order given.
	Accepted map[string][]*credentials.Candidate
	// Why says, per input descriptor id met by none, why candidates close
	// to it do not qualify.
	Why map[string][]string
}

// Evaluate is the engine: which candidates meet which input descriptor,
// and whether together they satisfy the definition (submission
// requirements included). The verifier runs it over the credentials of a
// presentation that verified; a wallet over the credentials it holds, and
// again over exactly what it is about to present. A candidate the engine
// cannot represent is not matched and the message says why. Errors: the
// engine failed (fault Invalid).
func (d *Definition) Evaluate(cands []*credentials.Candidate) (*Evaluation, error) {
	vcs := []*verifiable.Credential{}
	back := map[*verifiable.Credential]*credentials.Candidate{}
	var usable []*credentials.Candidate
	var unreadable []string
	for _, p := range cands {
		if p == nil || p.JSON == nil {
			continue
		}
		vc, err := toAries(p)
		if err != nil {
			unreadable = append(unreadable, fmt.Sprintf("credential %s: %s", p.Tag, err.Error()))
			continue
		}
		usable = append(usable, p)
		vcs = append(vcs, vc)
		back[vc] = p
	}
	reqs, err := safeMatch(d.d.pd, vcs)
	if err != nil {
		return nil, fault.E(fault.Invalid, "the presentation definition cannot be evaluated: %s", text.Truncate(err.Error(), 300))
	}
	// Per descriptor: the credentials aries matched, then format and
	// limit_disclosure.
	matched := map[string][]*credentials.Candidate{}
	var walk func([]*presexch.MatchedSubmissionRequirement)
	walk = func(rs []*presexch.MatchedSubmissionRequirement) {
		for _, r := range rs {
			for _, md := range r.Descriptors {
				for _, vc := range md.MatchedVCs {
					if p := back[vc]; p != nil && !hasCandidate(matched[md.ID], p) {
						matched[md.ID] = append(matched[md.ID], p)
					}
				}
			}
			walk(r.Nested)
		}
	}
	walk(reqs)
	why := map[string][]string{}
	final := map[string][]*credentials.Candidate{}
	for _, desc := range d.d.pd.InputDescriptors {
		for _, p := range matched[desc.ID] {
			if msg := d.d.formatOK(desc.ID, p); msg != "" {
				why[desc.ID] = append(why[desc.ID], msg)
				continue
			}
			if msg := limitDisclosure(desc, p); msg != "" {
				why[desc.ID] = append(why[desc.ID], msg)
				continue
			}
			final[desc.ID] = append(final[desc.ID], p)
		}
		if len(final[desc.ID]) == 0 && len(why[desc.ID]) == 0 {
			why[desc.ID] = nearMisses(d.d, desc, usable)
		}
	}
	e := &evaluation{d: d.d, final: final, why: why}
	ok, msg := e.all()
	if !ok && len(unreadable) > 0 {
		msg += " (not matched: " + text.Truncate(strings.Join(unreadable, "; "), 600) + ")"
	}
	return &Evaluation{OK: ok, Message: msg, Accepted: final, Why: why}, nil
}

// evaluateDefinition is the constraints check: the credentials that verified
// satisfy the definition.
func evaluateDefinition(raw []byte, creds []*presented) credentials.Check {
	c := credentials.Check{Name: CheckConstraints}
	d, err := ParseDefinition(raw)
	if err != nil {
		c.Message = "the request's presentation definition cannot be evaluated: " + fault.Message(err)
		return c
	}
	var valid []*credentials.Candidate
	for _, p := range creds {
		if !p.ok() || p.json == nil {
			continue
		}
		valid = append(valid, &credentials.Candidate{Tag: p.tag, Format: p.format, Alg: p.alg, JSON: p.json, SD: p.sd, Disclosed: p.disclosed})
	}
	ev, err := d.Evaluate(valid)
	if err != nil {
		c.Message = "the request's presentation definition cannot be evaluated: " + fault.Message(err)
		return c
	}
	c.OK, c.Message = ev.OK, ev.Message
	if len(creds) > len(valid) && !ev.OK {
		c.Message += fmt.Sprintf(" (%s did not verify and %s not considered)", text.Plural(len(creds)-len(valid), "1 credential", strconv.Itoa(len(creds)-len(valid))+" credentials"), text.Plural(len(creds)-len(valid), "was", "were"))
	}
	return c
}

func hasCandidate(list []*credentials.Candidate, p *credentials.Candidate) bool {
	for _, x := range list {
		if x == p {
			return true
		}
	}
	return false
}

// limitDisclosure applies constraints.limit_disclosure "required": the
// credential must be an SD-JWT and disclose only what the fields ask for.
func limitDisclosure(desc *presexch.InputDescriptor, p *credentials.Candidate) string {
	if desc.Constraints == nil || desc.Constraints.LimitDisclosure == nil || *desc.Constraints.LimitDisclosure != presexch.Required {
		return ""
	}
	if !p.SD {
		return fmt.Sprintf("credential %s is a %s, which reveals all its claims, but the request requires selective disclosure (an SD-JWT)", p.Tag, p.Format)
	}
	var asked []string
	for _, f := range desc.Constraints.Fields {
		for _, path := range f.Path {
			asked = append(asked, plainJSONPath(path))
		}
	}
	for _, got := range p.Disclosed {
		got = strings.TrimSuffix(got, "[]")
		allowed := false
		for _, a := range asked {
			allowed = allowed || got == a || strings.HasPrefix(got, a+".")
		}
		if !allowed {
			return fmt.Sprintf("credential %s discloses %s, which the request did not ask for (it requires limited disclosure)", p.Tag, text.Truncate(got, 100))
		}
	}
	return ""
}

var bracketRE = regexp.MustCompile(`\[['"]([^'"\]]*)['"]\]`)

// plainPath turns a simple JSONPath ($.a.b, $['a']['b']) into "a.b".
func plainJSONPath(p string) string {
	p = bracketRE.ReplaceAllString(p, ".$1")
	p = strings.TrimPrefix(p, "$")
	return strings.TrimPrefix(p, ".")
}

// typePaths and issuerPaths are the paths a definition names a credential's
// type and issuer with.
func isTypePath(p string) bool {
	switch plainJSONPath(p) {
	case "type", "vc.type", "vct":
		return true
	}
	return false
}

func isIssuerPath(p string) bool {
	switch plainJSONPath(p) {
	case "issuer", "issuer.id", "vc.issuer", "vc.issuer.id", "iss":
		return true
	}
	return false
}

// describeDescriptor says in words what a descriptor asks for: "a
// VolunteerServiceCredential with credentialSubject.hours issued by
// did:web:...".
func describeDescriptor(desc *presexch.InputDescriptor) string {
	var typ string
	var fields, issuers []string
	if desc.Constraints != nil {
		for _, f := range desc.Constraints.Fields {
			if f == nil || len(f.Path) == 0 {
				continue
			}
			switch {
			case isTypePath(f.Path[0]):
				if t := filterValue(f.Filter); t != "" {
					typ = t
				}
			case isIssuerPath(f.Path[0]):
				if f.Filter != nil {
					for _, e := range f.Filter.Enum {
						if s, ok := e.(string); ok {
							issuers = append(issuers, s)
						}
					}
					if s, ok := f.Filter.Const.(string); ok {
						issuers = append(issuers, s)
					}
				}
			case !f.Optional:
				fields = append(fields, plainJSONPath(f.Path[0]))
			}
		}
	}
	name := typ
	switch {
	case name != "":
	case desc.Name != "":
		name = "credential for " + strconv.Quote(text.Truncate(desc.Name, 64))
	default:
		name = "credential for input descriptor " + strconv.Quote(text.Truncate(desc.ID, 64))
	}
	s := text.WithArticle(text.Truncate(name, 100))
	if len(fields) > 0 {
		s += " with " + text.Truncate(strings.Join(fields, ", "), 300)
	}
	if len(issuers) > 0 {
		s += " issued by " + text.Truncate(strings.Join(issuers, " or "), 300)
	}
	return s
}

// filterValue reads the value a type filter requires (const, contains.const,
// a single enum value, or a plain pattern).
func filterValue(f *presexch.Filter) string {
	if f == nil {
		return ""
	}
	if s, ok := f.Const.(string); ok {
		return s
	}
	if s, ok := f.Contains["const"].(string); ok {
		return s
	}
	if len(f.Enum) == 1 {
		if s, ok := f.Enum[0].(string); ok {
			return s
		}
	}
	pat := f.Pattern
	if pat == "" {
		pat, _ = f.Contains["pattern"].(string)
	}
	pat = strings.TrimSuffix(strings.TrimPrefix(pat, "^"), "$")
	if pat != "" && regexp.QuoteMeta(pat) == pat {
		return pat
	}
	return ""
}

// probeFields reports whether vc satisfies fields (aries matching of a one-field
// definition).
func probeFields(fields []*presexch.Field, vc *verifiable.Credential) bool {
	pd := &presexch.PresentationDefinition{ID: "probe", InputDescriptors: []*presexch.InputDescriptor{{ID: "probe", Constraints: &presexch.Constraints{Fields: fields}}}}
	reqs, err := safeMatch(pd, []*verifiable.Credential{vc})
	if err != nil {
		return false
	}
	for _, r := range reqs {
		for _, d := range r.Descriptors {
			if len(d.MatchedVCs) > 0 {
				return true
			}
		}
	}
	return false
}

// nearMisses explains why credentials of the right type do not satisfy a
// descriptor: which fields they lack (or do not disclose) or fail.
func nearMisses(d *definition, desc *presexch.InputDescriptor, valid []*credentials.Candidate) []string {
	if desc.Constraints == nil {
		return nil
	}
	var typeFields, others []*presexch.Field
	for _, f := range desc.Constraints.Fields {
		if f != nil && len(f.Path) > 0 && isTypePath(f.Path[0]) {
			typeFields = append(typeFields, f)
		} else if f != nil {
			others = append(others, f)
		}
	}
	if len(typeFields) == 0 {
		return nil
	}
	var out []string
	for _, p := range valid {
		vc, err := toAries(p)
		if err != nil || !probeFields(typeFields, vc) {
			continue
		}
		if msg := d.formatOK(desc.ID, p); msg != "" {
			out = append(out, msg)
			continue
		}
		var missing, failing []string
		for _, f := range others {
			if probeFields([]*presexch.Field{f}, vc) {
				continue
			}
			path := plainJSONPath(f.Path[0])
			if _, err := jsonpath.Get(f.Path[0], p.JSON); err != nil {
				missing = append(missing, path)
			} else {
				failing = append(failing, path)
			}
		}
		var parts []string
		if len(missing) > 0 {
			verb := "has no"
			if p.SD {
				verb = "does not disclose"
			}
			parts = append(parts, verb+" "+strings.Join(missing, ", "))
		}
		if len(failing) > 0 {
			parts = append(parts, "has "+strings.Join(failing, ", ")+" but not with the required value")
		}
		if len(parts) > 0 {
			out = append(out, fmt.Sprintf("credential %s %s", p.Tag, strings.Join(parts, " and ")))
		}
	}
	return out
}

// evaluation applies the submission requirements to the per-descriptor
// matches.
type evaluation struct {
	d     *definition
	final map[string][]*credentials.Candidate
	why   map[string][]string
}

func (e *evaluation) missing(desc *presexch.InputDescriptor) string {
	s := "missing " + describeDescriptor(desc)
	if w := e.why[desc.ID]; len(w) > 0 {
		s += " (" + strings.Join(w, "; ") + ")"
	}
	return s
}

func (e *evaluation) satisfied(desc *presexch.InputDescriptor) string {
	var tags []string
	for _, p := range e.final[desc.ID] {
		tags = append(tags, p.Tag)
	}
	return describeDescriptor(desc) + " (" + text.Plural(len(tags), "credential ", "credentials ") + strings.Join(tags, ", ") + ")"
}

// all evaluates the whole definition.
func (e *evaluation) all() (bool, string) {
	if len(e.d.pd.SubmissionRequirements) == 0 {
		var miss, got []string
		for _, desc := range e.d.pd.InputDescriptors {
			if len(e.final[desc.ID]) > 0 {
				got = append(got, e.satisfied(desc))
			} else {
				miss = append(miss, e.missing(desc))
			}
		}
		if len(miss) > 0 {
			return false, strings.Join(miss, "; ")
		}
		return true, "the presentation satisfies the request: " + strings.Join(got, "; ")
	}
	var fails, oks []string
	for _, sr := range e.d.pd.SubmissionRequirements {
		ok, msg := e.requirement(sr)
		if ok {
			oks = append(oks, msg)
		} else {
			fails = append(fails, msg)
		}
	}
	if len(fails) > 0 {
		return false, strings.Join(fails, "; ")
	}
	return true, "the presentation satisfies the request: " + strings.Join(oks, "; ")
}

// requirement evaluates one submission requirement.
func (e *evaluation) requirement(sr *presexch.SubmissionRequirement) (bool, string) {
	if sr == nil {
		return true, ""
	}
	var sat, total int
	var miss, got []string
	if sr.From != "" {
		for _, desc := range e.d.pd.InputDescriptors {
			if !slices.Contains(desc.Group, sr.From) {
				continue
			}
			total++
			if len(e.final[desc.ID]) > 0 {
				sat++
				got = append(got, e.satisfied(desc))
			} else {
				miss = append(miss, e.missing(desc))
			}
		}
	} else {
		for _, n := range sr.FromNested {
			total++
			if ok, msg := e.requirement(n); ok {
				sat++
				got = append(got, msg)
			} else {
				miss = append(miss, msg)
			}
		}
	}
	name := sr.Name
	if name == "" {
		name = sr.From
	}
	switch sr.Rule {
	case presexch.Pick:
		need := sr.Count
		if need == 0 {
			need = sr.Min
		}
		if need == 0 {
			need = 1
		}
		if sat >= need {
			return true, strings.Join(got, "; ")
		}
		return false, fmt.Sprintf("%s needs %d of %d, found %d: %s", requirementName(name), need, total, sat, strings.Join(miss, "; "))
	default: // all
		if total > 0 && sat == total {
			return true, strings.Join(got, "; ")
		}
		if total == 0 {
			return false, fmt.Sprintf("%s names no input descriptors", requirementName(name))
		}
		return false, strings.Join(miss, "; ")
	}
}

func requirementName(s string) string {
	if s == "" {
		return "a requirement"
	}
	return "requirement " + strconv.Quote(text.Truncate(s, 64))
}

// shortTypeRE and shortFieldRE are what the shorthand accepts as a type (a
// catalogue name or a URI) and as a subject field (a name or a dotted path
// of names).
var shortTypeRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.:/#-]{0,199}$`)
var shortFieldRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}(\.[A-Za-z_][A-Za-z0-9_]{0,63}){0,4}$`)

// shorthandDefinition turns the shorthand of a request into a PE v2
// definition: one input descriptor per type (id = the type name) whose
// fields are the type filter ($.type contains the type), each requested
// subject field ($.credentialSubject.<field>) that the type has (all of
// them for types the catalogue does not know), and the accepted issuers
// ($.issuer or $.issuer.id one of them). Without types there is one
// descriptor "credential" with the fields and issuers. limit sets
// limit_disclosure "required".
func shorthandDefinition(cat *credentials.Catalogue, id string, in RequestInput) (map[string]any, error) {
	if len(in.Types) > 16 || len(in.Fields) > 64 || len(in.AcceptedIssuers) > 64 {
		return nil, fault.E(fault.Invalid, "at most 16 types, 64 fields and 64 issuers may be requested")
	}
	if len(in.Types) == 0 && len(in.Fields) == 0 && len(in.AcceptedIssuers) == 0 {
		return nil, fault.E(fault.Invalid, "the request asks for nothing: give a presentation definition, or types, fields or accepted issuers")
	}
	for _, t := range in.Types {
		if !shortTypeRE.MatchString(t) {
			return nil, fault.E(fault.Invalid, "credential type %q is not a type name", text.Truncate(t, 64))
		}
	}
	for _, f := range in.Fields {
		if !shortFieldRE.MatchString(f) {
			return nil, fault.E(fault.Invalid, "field %q is not a credentialSubject field name (letters, digits, _ and dots)", text.Truncate(f, 64))
		}
		if f == "id" {
			return nil, fault.E(fault.Invalid, "the subject id is always presented; do not request it as a field")
		}
	}
	var issuers []any
	for _, iss := range in.AcceptedIssuers {
		if iss == "" || len(iss) > 2048 || !strings.Contains(iss, ":") {
			return nil, fault.E(fault.Invalid, "accepted issuer %q is not a DID", text.Truncate(iss, 64))
		}
		issuers = append(issuers, iss)
	}
	used := map[string]bool{}
	descriptor := func(descID, typ string) map[string]any {
		var fields []any
		if typ != "" {
			fields = append(fields, map[string]any{
				"path":   []any{"$.type"},
				"filter": map[string]any{"type": "array", "contains": map[string]any{"const": typ}},
			})
		}
		var known *credentials.Type
		if cat != nil && typ != "" {
			if t, ok := cat.Type(typ); ok {
				known = &t
			}
		}
		for _, f := range in.Fields {
			if known != nil && !slices.Contains(known.Fields, strings.Split(f, ".")[0]) {
				continue
			}
			used[f] = true
			fields = append(fields, map[string]any{"path": []any{"$.credentialSubject." + f}})
		}
		if len(issuers) > 0 {
			fields = append(fields, map[string]any{
				"path":   []any{"$.issuer", "$.issuer.id"},
				"filter": map[string]any{"type": "string", "enum": issuers},
			})
		}
		desc := map[string]any{"id": descID, "constraints": map[string]any{"fields": fields}}
		if typ != "" {
			desc["name"] = typ
		}
		if in.Purpose != "" {
			desc["purpose"] = in.Purpose
		}
		if in.LimitDisclosure {
			desc["constraints"].(map[string]any)["limit_disclosure"] = "required"
		}
		return desc
	}
	var descs []any
	if len(in.Types) == 0 {
		descs = append(descs, descriptor("credential", ""))
	}
	seen := map[string]bool{}
	for _, t := range in.Types {
		if seen[t] {
			continue
		}
		seen[t] = true
		descs = append(descs, descriptor(t, t))
	}
	for _, f := range in.Fields {
		if !used[f] {
			return nil, fault.E(fault.Invalid, "field %q is not a field of any requested type (%s)", text.Truncate(f, 64), strings.Join(in.Types, ", "))
		}
	}
	pd := map[string]any{"id": id, "input_descriptors": descs}
	if in.Purpose != "" {
		pd["purpose"] = in.Purpose
	}
	return pd, nil
}
