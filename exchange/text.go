package exchange

import (
	"slices"
)

// Wording helpers for the messages of this package.

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
