package dataintegrity

import (
	"time"

	"github.com/citizencloud/citizencredentials/fault"
)

// Base contexts of the Verifiable Credentials Data Model.
const (
	contextV2 = "https://www.w3.org/ns/credentials/v2"   // VCDM 2.0
	contextV1 = "https://www.w3.org/2018/credentials/v1" // VCDM 1.1
)

// truncate shortens untrusted text (names, not values) for messages.
func truncate(s string, max int) string {
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}

// reason returns a caller-safe explanation of err.
func reason(err error) string {
	if fault.CodeOf(err) == fault.Internal {
		return "internal error"
	}
	return fault.Message(err)
}

func fmtTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// strs reads a JSON string or array of strings.
func strs(v any) []string {
	switch s := v.(type) {
	case string:
		return []string{s}
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

// contexts reads an @context value as a list of URLs ("" for an embedded
// context object).
func contexts(v any) []string {
	switch c := v.(type) {
	case string:
		return []string{c}
	case []any:
		out := make([]string, 0, len(c))
		for _, x := range c {
			if s, ok := x.(string); ok {
				out = append(out, s)
			} else {
				out = append(out, "")
			}
		}
		return out
	}
	return nil
}
