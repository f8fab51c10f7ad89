package exchange

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/PaesslerAG/jsonpath"
	"github.com/hyperledger/aries-framework-go/component/models/presexch"
	"github.com/hyperledger/aries-framework-go/component/models/verifiable"

	"github.com/citizencloud/citizencredentials/credentials"
	"github.com/citizencloud/citizencredentials/fault"
)

// DIF Presentation Exchange v2: what a presentation request asks for.
//
// Matching a credential against an input descriptor's constraints.fields
// (JSONPath + JSON Schema filter, optional fields, subject_is_issuer) is
// done by aries' presexch (MatchSubmissionRequirement), over the
// credentials of a presentation that verified, as their JSON (an SD-JWT
// credential: its disclosed claims only; a VCDM 1.1 JWT: the vc claim
// completed from iss/sub/jti, so paths start at $.credentialSubject, not
// $.vc). aries' own handling of "format" (it only knows jwt*/ldp*, and
// reads them from credential.JWT and proofs, which our already verified
// credentials do not carry) and of limit_disclosure (it either ignores it or
// rewrites credentials with its own JSON-LD/SD-JWT model) does not fit, and
// it evaluates submission_requirements only holder side (CreateVP), without
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
		return nil, fault.E(fault.Invalid, "the presentation definition does not have the shape of DIF Presentation Exchange v2: %s", truncate(err.Error(), 200))
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
			return nil, fault.E(fault.Invalid, "input descriptor id %q is used twice", truncate(desc.ID, 64))
		}
		seen[desc.ID] = true
		desc.Format = nil
		if len(desc.Schema) > 0 {
			return nil, fault.E(fault.Invalid, "input descriptor %q uses \"schema\" (Presentation Exchange v1); use constraints.fields on $.type instead", truncate(desc.ID, 64))
		}
		if desc.Constraints == nil {
			continue
		}
		if len(desc.Constraints.Fields) > 64 {
			return nil, fault.E(fault.Invalid, "input descriptor %q has more than 64 fields", truncate(desc.ID, 64))
		}
		for j, f := range desc.Constraints.Fields {
			if f == nil || len(f.Path) == 0 {
				return nil, fault.E(fault.Invalid, "field #%d of input descriptor %q has no path", j+1, truncate(desc.ID, 64))
			}
			for _, p := range f.Path {
				if _, err := jsonpath.New(p); err != nil || !strings.HasPrefix(p, "$") {
					return nil, fault.E(fault.Invalid, "field #%d of input descriptor %q has a path that is not JSONPath: %q", j+1, truncate(desc.ID, 64), truncate(p, 100))
				}
			}
		}
	}
	if err := pd.ValidateSchema(); err != nil {
		return nil, fault.E(fault.Invalid, "the presentation definition is not valid Presentation Exchange: %s", truncate(err.Error(), 300))
	}
	// A dry run catches what the schema does not: unknown groups,
	// unsatisfiable nesting, filters that do not compile.
	if _, err := safeMatch(&pd, nil); err != nil {
		return nil, fault.E(fault.Invalid, "the presentation definition cannot be evaluated: %s", truncate(err.Error(), 300))
	}
	return d, nil
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
			algs = append(algs, strs(opts[key])...)
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
func (d *definition) formatOK(descID string, p *presented) string {
	f := d.formats[descID]
	if f == nil {
		f = d.formats[""]
	}
	if f == nil {
		return ""
	}
	for _, name := range designations[p.format] {
		algs, ok := f[name]
		if !ok {
			continue
		}
		if len(algs) == 0 || p.alg == "" || listHas(algs, p.alg) {
			return ""
		}
	}
	names := make([]string, 0, len(f))
	for n := range f {
		names = append(names, n)
	}
	sort.Strings(names)
	return fmt.Sprintf("credential %s is a %s (%s), but the request accepts only %s", p.tag, p.format, p.alg, truncate(strings.Join(names, ", "), 200))
}

// safeMatch runs aries' matching, turning a panic into an error.
func safeMatch(pd *presexch.PresentationDefinition, vcs []*verifiable.Credential) (out []*presexch.MatchedSubmissionRequirement, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("evaluation failed: %v", r)
		}
	}()
	return pd.MatchSubmissionRequirement(vcs, nil)
}

// toAries converts a verified credential to aries' model for matching.
func toAries(p *presented) (*verifiable.Credential, error) {
	// aries' model predates VCDM 2.0: it wants credentialStatus as one
	// object and knows nothing of several schemas. Definitions constrain
	// type, issuer and subject, so drop what aries would choke on.
	doc := make(map[string]any, len(p.json))
	for k, v := range p.json {
		switch k {
		case "credentialStatus", "credentialSchema", "evidence", "termsOfUse", "refreshService", "proof":
			continue
		}
		doc[k] = v
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	return verifiable.ParseCredential(b, verifiable.WithCredDisableValidation(), verifiable.WithDisabledProofCheck())
}

// evaluateDefinition is the constraints check: the credentials that verified
// satisfy the definition.
func evaluateDefinition(raw []byte, creds []*presented) credentials.Check {
	c := credentials.Check{Name: CheckConstraints}
	d, err := parseDefinition(raw)
	if err != nil {
		c.Message = "the request's presentation definition cannot be evaluated: " + fault.Message(err)
		return c
	}
	var valid []*presented
	vcs := []*verifiable.Credential{}
	back := map[*verifiable.Credential]*presented{}
	for _, p := range creds {
		if !p.ok() || p.json == nil {
			continue
		}
		vc, err := toAries(p)
		if err != nil {
			continue
		}
		valid = append(valid, p)
		vcs = append(vcs, vc)
		back[vc] = p
	}
	reqs, err := safeMatch(d.pd, vcs)
	if err != nil {
		c.Message = "the request's presentation definition cannot be evaluated: " + truncate(err.Error(), 300)
		return c
	}
	// Per descriptor: the credentials aries matched, then format and
	// limit_disclosure.
	matched := map[string][]*presented{}
	var walk func([]*presexch.MatchedSubmissionRequirement)
	walk = func(rs []*presexch.MatchedSubmissionRequirement) {
		for _, r := range rs {
			for _, md := range r.Descriptors {
				for _, vc := range md.MatchedVCs {
					if p := back[vc]; p != nil && !hasPresented(matched[md.ID], p) {
						matched[md.ID] = append(matched[md.ID], p)
					}
				}
			}
			walk(r.Nested)
		}
	}
	walk(reqs)
	why := map[string][]string{}
	final := map[string][]*presented{}
	for _, desc := range d.pd.InputDescriptors {
		for _, p := range matched[desc.ID] {
			if msg := d.formatOK(desc.ID, p); msg != "" {
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
			why[desc.ID] = nearMisses(d, desc, valid)
		}
	}
	e := &evaluation{d: d, final: final, why: why}
	ok, msg := e.all()
	c.OK, c.Message = ok, msg
	if len(creds) > len(valid) && !ok {
		c.Message += fmt.Sprintf(" (%s did not verify and %s not considered)", plural(len(creds)-len(valid), "1 credential", strconv.Itoa(len(creds)-len(valid))+" credentials"), plural(len(creds)-len(valid), "was", "were"))
	}
	return c
}

func hasPresented(list []*presented, p *presented) bool {
	for _, x := range list {
		if x == p {
			return true
		}
	}
	return false
}

// limitDisclosure applies constraints.limit_disclosure "required": the
// credential must be an SD-JWT and disclose only what the fields ask for.
func limitDisclosure(desc *presexch.InputDescriptor, p *presented) string {
	if desc.Constraints == nil || desc.Constraints.LimitDisclosure == nil || *desc.Constraints.LimitDisclosure != presexch.Required {
		return ""
	}
	if !p.sd {
		return fmt.Sprintf("credential %s is a %s, which reveals all its claims, but the request requires selective disclosure (an SD-JWT)", p.tag, p.format)
	}
	var asked []string
	for _, f := range desc.Constraints.Fields {
		for _, path := range f.Path {
			asked = append(asked, plainJSONPath(path))
		}
	}
	for _, got := range p.disclosed {
		got = strings.TrimSuffix(got, "[]")
		allowed := false
		for _, a := range asked {
			allowed = allowed || got == a || strings.HasPrefix(got, a+".")
		}
		if !allowed {
			return fmt.Sprintf("credential %s discloses %s, which the request did not ask for (it requires limited disclosure)", p.tag, truncate(got, 100))
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
		name = "credential for " + strconv.Quote(truncate(desc.Name, 64))
	default:
		name = "credential for input descriptor " + strconv.Quote(truncate(desc.ID, 64))
	}
	s := withArticle(truncate(name, 100))
	if len(fields) > 0 {
		s += " with " + truncate(strings.Join(fields, ", "), 300)
	}
	if len(issuers) > 0 {
		s += " issued by " + truncate(strings.Join(issuers, " or "), 300)
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
func nearMisses(d *definition, desc *presexch.InputDescriptor, valid []*presented) []string {
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
			if _, err := jsonpath.Get(f.Path[0], p.json); err != nil {
				missing = append(missing, path)
			} else {
				failing = append(failing, path)
			}
		}
		var parts []string
		if len(missing) > 0 {
			verb := "has no"
			if p.sd {
				verb = "does not disclose"
			}
			parts = append(parts, verb+" "+strings.Join(missing, ", "))
		}
		if len(failing) > 0 {
			parts = append(parts, "has "+strings.Join(failing, ", ")+" but not with the required value")
		}
		if len(parts) > 0 {
			out = append(out, fmt.Sprintf("credential %s %s", p.tag, strings.Join(parts, " and ")))
		}
	}
	return out
}

// evaluation applies the submission requirements to the per-descriptor
// matches.
type evaluation struct {
	d     *definition
	final map[string][]*presented
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
		tags = append(tags, p.tag)
	}
	return describeDescriptor(desc) + " (" + plural(len(tags), "credential ", "credentials ") + strings.Join(tags, ", ") + ")"
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
			if !listHas(desc.Group, sr.From) {
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
	return "requirement " + strconv.Quote(truncate(s, 64))
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
			return nil, fault.E(fault.Invalid, "credential type %q is not a type name", truncate(t, 64))
		}
	}
	for _, f := range in.Fields {
		if !shortFieldRE.MatchString(f) {
			return nil, fault.E(fault.Invalid, "field %q is not a credentialSubject field name (letters, digits, _ and dots)", truncate(f, 64))
		}
		if f == "id" {
			return nil, fault.E(fault.Invalid, "the subject id is always presented; do not request it as a field")
		}
	}
	var issuers []any
	for _, iss := range in.AcceptedIssuers {
		if iss == "" || len(iss) > 2048 || !strings.Contains(iss, ":") {
			return nil, fault.E(fault.Invalid, "accepted issuer %q is not a DID", truncate(iss, 64))
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
			if known != nil && !listHas(known.Fields, strings.Split(f, ".")[0]) {
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
			return nil, fault.E(fault.Invalid, "field %q is not a field of any requested type (%s)", truncate(f, 64), strings.Join(in.Types, ", "))
		}
	}
	pd := map[string]any{"id": id, "input_descriptors": descs}
	if in.Purpose != "" {
		pd["purpose"] = in.Purpose
	}
	return pd, nil
}

// withArticle puts "a" or "an" before a name ("an Ed25519", "a
// VolunteerServiceCredential", "an AssistanceRecordCredential").
func withArticle(s string) string {
	if s != "" && strings.ContainsRune("aeiouAEIOU", rune(s[0])) {
		return "an " + s
	}
	return "a " + s
}
