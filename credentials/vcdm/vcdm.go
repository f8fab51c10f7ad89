// Package vcdm reads the JSON of W3C Verifiable Credentials Data Model
// documents (2.0, and 1.1 on verification): the base contexts and the
// members every securing format needs (contexts, issuer, subjects, types).
// It is the small model the format packages (jose, sdjwt) and credentials
// share, so that formats need not import credentials.
package vcdm

import "slices"

// Base contexts of the data model.
const (
	ContextV2 = "https://www.w3.org/ns/credentials/v2"   // VCDM 2.0, used for everything issued
	ContextV1 = "https://www.w3.org/2018/credentials/v1" // VCDM 1.1, accepted on verification
)

// Contexts returns the @context entries of a document; an entry that is
// not a string (an embedded context) is "".
func Contexts(v any) []string {
	switch c := v.(type) {
	case string:
		return []string{c}
	case []string:
		return c
	case []any:
		out := make([]string, 0, len(c))
		for _, x := range c {
			s, _ := x.(string)
			out = append(out, s)
		}
		return out
	}
	return nil
}

// IssuerID returns the URL of an issuer or holder member: a string, or an
// object with an id ("" when there is none).
func IssuerID(v any) string {
	switch i := v.(type) {
	case string:
		return i
	case map[string]any:
		s, _ := i["id"].(string)
		return s
	}
	return ""
}

// Subjects returns the credentialSubject objects (one object or an array).
func Subjects(v any) []map[string]any {
	switch s := v.(type) {
	case map[string]any:
		return []map[string]any{s}
	case []any:
		var out []map[string]any
		for _, x := range s {
			if m, ok := x.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	case []map[string]any:
		return s
	}
	return nil
}

// Strings returns the strings of a string-or-array value (a type member).
func Strings(v any) []string {
	switch s := v.(type) {
	case string:
		return []string{s}
	case []string:
		return s
	case []any:
		var out []string
		for _, x := range s {
			if str, ok := x.(string); ok {
				out = append(out, str)
			}
		}
		return out
	}
	return nil
}

// HasType reports whether a type member (string or array) names want.
func HasType(v any, want string) bool { return slices.Contains(Strings(v), want) }

// SubjectIDs returns the ids of a credential's subjects (for an IETF SD-JWT
// VC, which has no credentialSubject: its sub claim).
func SubjectIDs(cred map[string]any) []string {
	var out []string
	for _, s := range Subjects(cred["credentialSubject"]) {
		if id, ok := s["id"].(string); ok && id != "" {
			out = append(out, id)
		}
	}
	if len(out) == 0 {
		if sub, ok := cred["sub"].(string); ok && sub != "" && cred["credentialSubject"] == nil {
			out = append(out, sub)
		}
	}
	return out
}
