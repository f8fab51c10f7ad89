package vcdm

import (
	"slices"
	"strings"
	"time"

	"github.com/citizencloud/citizencredentials/dataintegrity"
	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/internal/text"
)

// Check checks the structure of a credential against the VC Data
// Model (2.0, or 1.1 when its first context is the 1.1 one) before it is
// secured: the base context first and only URLs or objects in @context; a
// type including VerifiableCredential; id, issuer (or issuer.id) and
// subject ids that are single URLs; at least one credentialSubject, none
// empty; validFrom/validUntil (issuanceDate/expirationDate) as date-times
// with validUntil not before validFrom; a type on every credentialStatus,
// credentialSchema (which also needs an id), evidence, refreshService,
// termsOfUse and proof entry; name and description as strings or language
// value objects. What the JSON-LD contexts must define is checked when the
// credential is canonicalised. Errors are fault Invalid, naming the
// property.
func Check(vc map[string]any) error {
	bad := func(format string, args ...any) error { return fault.E(fault.Invalid, format, args...) }
	rawCtx, ok := vc["@context"]
	if !ok {
		return bad("@context is missing; the first context must be %s", ContextV2)
	}
	var ctxs []any
	switch c := rawCtx.(type) {
	case []any:
		ctxs = c
	case string:
		ctxs = []any{c}
	default:
		return bad("@context must be an array of URLs and objects")
	}
	v1 := false
	for i, c := range ctxs {
		switch t := c.(type) {
		case string:
			if i == 0 {
				switch t {
				case ContextV2:
				case ContextV1:
					v1 = true
				default:
					return bad("the first @context must be %s", ContextV2)
				}
			}
			if !isURL(t) {
				return bad("@context entry %q is not a URL", text.Truncate(t, 80))
			}
		case map[string]any:
			if i == 0 {
				return bad("the first @context must be %s", ContextV2)
			}
		default:
			return bad("@context entries must be URLs or objects")
		}
	}
	if len(ctxs) == 0 {
		return bad("the first @context must be %s", ContextV2)
	}

	types, err := typeList(vc["type"], "type")
	if err != nil {
		return err
	}
	if !slices.Contains(types, "VerifiableCredential") {
		return bad("type must include VerifiableCredential")
	}
	if err := optionalURL(vc, "id", "id"); err != nil {
		return err
	}

	switch iss := vc["issuer"].(type) {
	case string:
		if !isURL(iss) {
			return bad("issuer must be a URL")
		}
	case map[string]any:
		id, ok := iss["id"].(string)
		if !ok || !isURL(id) {
			return bad("issuer.id must be a URL")
		}
		if err := checkLanguageValues(iss, "issuer."); err != nil {
			return err
		}
	case nil:
		return bad("issuer is missing")
	default:
		return bad("issuer must be a URL or an object with an id")
	}

	subs, err := objectList(vc["credentialSubject"], "credentialSubject")
	if err != nil {
		return err
	}
	if len(subs) == 0 {
		return bad("credentialSubject is missing")
	}
	for _, s := range subs {
		if len(s) == 0 {
			return bad("every credentialSubject must make a claim or name its subject (an empty object does neither)")
		}
		if err := optionalURL(s, "id", "credentialSubject.id"); err != nil {
			return err
		}
	}

	from, until := "validFrom", "validUntil"
	if v1 {
		from, until = "issuanceDate", "expirationDate"
	}
	var times [2]*time.Time
	for i, name := range []string{from, until} {
		raw, ok := vc[name]
		if !ok {
			continue
		}
		s, isStr := raw.(string)
		t, err := dataintegrity.ParseDateTime(s)
		if !isStr || err != nil || !hasZone(s) {
			return bad("%s must be a date-time with a time zone (like 2024-05-31T12:00:00Z)", name)
		}
		times[i] = &t
	}
	if times[0] != nil && times[1] != nil && times[1].Before(*times[0]) {
		return bad("%s is before %s", until, from)
	}

	for _, prop := range []string{"credentialStatus", "credentialSchema", "evidence", "refreshService", "termsOfUse", "proof"} {
		entries, err := objectList(vc[prop], prop)
		if err != nil {
			return err
		}
		for _, e := range entries {
			if _, err := typeList(e["type"], prop+".type"); err != nil {
				return err
			}
			if err := optionalURL(e, "id", prop+".id"); err != nil {
				return err
			}
			if prop == "credentialSchema" {
				if _, ok := e["id"]; !ok {
					return bad("credentialSchema.id is missing")
				}
			}
		}
	}
	return checkLanguageValues(vc, "")
}

// hasZone reports whether an RFC 3339-like date-time ends with a zone.
func hasZone(s string) bool {
	if strings.HasSuffix(s, "Z") || strings.HasSuffix(s, "z") {
		return true
	}
	if len(s) < 6 {
		return false
	}
	z := s[len(s)-6:]
	return (z[0] == '+' || z[0] == '-') && z[3] == ':'
}

// checkLanguageValues checks name and description of m: strings, language
// value objects ({"@value", "@language", "@direction"}) or arrays of them.
func checkLanguageValues(m map[string]any, prefix string) error {
	for _, name := range []string{"name", "description"} {
		v, ok := m[name]
		if !ok {
			continue
		}
		items := []any{v}
		if l, isList := v.([]any); isList {
			items = l
		}
		for _, it := range items {
			switch t := it.(type) {
			case string:
			case map[string]any:
				if _, ok := t["@value"].(string); !ok {
					return fault.E(fault.Invalid, "%s%s must be a string or a language value object with @value", prefix, name)
				}
				for k := range t {
					if k != "@value" && k != "@language" && k != "@direction" {
						return fault.E(fault.Invalid, "%s%s has the property %q; a language value object holds only @value, @language and @direction", prefix, name, text.Truncate(k, 40))
					}
				}
			default:
				return fault.E(fault.Invalid, "%s%s must be a string or a language value object", prefix, name)
			}
		}
	}
	return nil
}

// typeList reads a required type: a string or a non-empty array of strings.
func typeList(v any, name string) ([]string, error) {
	switch t := v.(type) {
	case string:
		if t == "" {
			return nil, fault.E(fault.Invalid, "%s is empty", name)
		}
		return []string{t}, nil
	case []any:
		if len(t) == 0 {
			return nil, fault.E(fault.Invalid, "%s is empty", name)
		}
		out := make([]string, 0, len(t))
		for _, x := range t {
			s, ok := x.(string)
			if !ok || s == "" {
				return nil, fault.E(fault.Invalid, "%s must hold only strings", name)
			}
			out = append(out, s)
		}
		return out, nil
	case nil:
		return nil, fault.E(fault.Invalid, "%s is missing", name)
	}
	return nil, fault.E(fault.Invalid, "%s must be a string or an array of strings", name)
}

// objectList reads an optional object-or-array-of-objects property.
func objectList(v any, name string) ([]map[string]any, error) {
	switch t := v.(type) {
	case nil:
		return nil, nil
	case map[string]any:
		return []map[string]any{t}, nil
	case []any:
		out := make([]map[string]any, 0, len(t))
		for _, x := range t {
			m, ok := x.(map[string]any)
			if !ok {
				return nil, fault.E(fault.Invalid, "every %s entry must be an object", name)
			}
			out = append(out, m)
		}
		return out, nil
	}
	return nil, fault.E(fault.Invalid, "%s must be an object or an array of objects", name)
}

// optionalURL checks that m[key], if present, is a single URL.
func optionalURL(m map[string]any, key, name string) error {
	v, ok := m[key]
	if !ok {
		return nil
	}
	s, isStr := v.(string)
	if !isStr {
		return fault.E(fault.Invalid, "%s must be a single URL", name)
	}
	if !isURL(s) {
		return fault.E(fault.Invalid, "%s %q is not a URL", name, text.Truncate(s, 80))
	}
	return nil
}

// isURL reports whether s is an absolute URL (a scheme, then no spaces or
// control characters), which DIDs and URNs are too.
func isURL(s string) bool {
	if !dataintegrity.AbsoluteIRI(s) {
		return false
	}
	for _, r := range s {
		if r <= ' ' || r == 0x7f || r == '<' || r == '>' || r == '"' {
			return false
		}
	}
	return true
}
