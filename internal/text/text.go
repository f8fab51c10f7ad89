// Package text holds the wording helpers shared by the messages of the
// domain packages: shortening untrusted names, "a"/"an", plurals and
// timestamps. Messages name fields and identifiers, never claim values.
package text

import (
	"strings"
	"time"
)

// Truncate shortens untrusted text (names, not values) for messages to max
// bytes, marking the cut with "…".
func Truncate(s string, max int) string {
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}

// Plural returns one when n is 1, else many.
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// WithArticle puts "a" or "an" before a name ("an Ed25519", "a
// VolunteerServiceCredential", "an AssistanceRecordCredential").
func WithArticle(s string) string {
	if s != "" && strings.ContainsRune("aeiouAEIOU", rune(s[0])) {
		return "an " + s
	}
	return "a " + s
}

// Time writes t for a message: RFC 3339 in UTC.
func Time(t time.Time) string { return t.UTC().Format(time.RFC3339) }
