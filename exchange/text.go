package exchange

import (
	"slices"
	"time"
)

// Wording helpers for the messages of this package.

// truncate shortens untrusted text (names, not values) for messages.
func truncate(s string, max int) string {
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func fmtTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func listHas(list []string, s string) bool { return slices.Contains(list, s) }

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
