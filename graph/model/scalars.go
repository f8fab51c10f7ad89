package model

import (
	"encoding/json"
	"io"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/citizencloud/citizencredentials/fault"
)

// The JSON and Time scalars. gqlgen's own (graphql.Map, graphql.Time)
// reject bad input with plain errors, which the error presenter can only
// call internal; these say what to fix, with code invalid, and never repeat
// the value.

// MarshalJSONObject writes a JSON scalar.
func MarshalJSONObject(m map[string]any) graphql.Marshaler { return graphql.MarshalMap(m) }

// UnmarshalJSONObject reads a JSON scalar, which must be a JSON object.
func UnmarshalJSONObject(v any) (map[string]any, error) {
	switch m := v.(type) {
	case map[string]any:
		return m, nil
	case json.RawMessage:
		var out map[string]any
		if err := json.Unmarshal(m, &out); err != nil || out == nil {
			return nil, errNotObject
		}
		return out, nil
	default:
		return nil, errNotObject
	}
}

var errNotObject = fault.E(fault.Invalid, `must be a JSON object such as {"name": "..."}, not an array, string, number or null`)

// MarshalTime writes a Time scalar as RFC 3339 in UTC.
func MarshalTime(t time.Time) graphql.Marshaler {
	if t.IsZero() {
		return graphql.Null
	}
	return graphql.WriterFunc(func(w io.Writer) {
		b, _ := json.Marshal(t.UTC().Format(time.RFC3339Nano)) // a string always marshals
		w.Write(b)
	})
}

// UnmarshalTime reads a Time scalar: an RFC 3339 date-time with a time zone
// (Z or an offset), years 0001 to 9999.
func UnmarshalTime(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, errBadTime
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || t.Year() < 1 || t.Year() > 9999 {
		return time.Time{}, errBadTime
	}
	return t, nil
}

var errBadTime = fault.E(fault.Invalid, "must be an RFC 3339 date-time with a time zone between years 0001 and 9999, e.g. 2025-01-31T09:00:00Z")
