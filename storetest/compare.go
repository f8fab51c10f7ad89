package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/citizencloud/citizencredentials/fault"
)

// base is the suite's reference instant: not UTC and with sub-millisecond
// digits, so that every round trip exercises UTC conversion and truncation.
var base = time.Date(2025, time.March, 14, 15, 9, 26, 535_897_932, time.FixedZone("UTC+2", 2*3600))

// at returns base shifted by d.
func at(d time.Duration) time.Time { return base.Add(d) }

// ptr returns a pointer to a copy of t.
func ptr(t time.Time) *time.Time { return &t }

// norm is what an adapter must give back for t.
func norm(t time.Time) time.Time { return t.UTC().Truncate(Precision) }

// same reports, as one test error, every field where got differs from want.
// want is what was written: its times are normalised with norm, returned
// times must be in UTC, nil and empty slices are equal, and optional times
// (*time.Time) must be nil exactly when want's are.
func same(t *testing.T, what string, got, want any) {
	t.Helper()
	if d := diff(reflect.ValueOf(got), reflect.ValueOf(want), ""); len(d) > 0 {
		t.Errorf("%s differs:\n\t%s", what, strings.Join(d, "\n\t"))
	}
}

var timeType = reflect.TypeFor[time.Time]()

func diff(got, want reflect.Value, path string) []string {
	if !got.IsValid() || !want.IsValid() {
		if got.IsValid() != want.IsValid() {
			return []string{fmt.Sprintf("%s: got %v, want %v", path, got, want)}
		}
		return nil
	}
	if got.Type() != want.Type() {
		return []string{fmt.Sprintf("%s: type %s, want %s", path, got.Type(), want.Type())}
	}
	switch {
	case got.Type() == timeType:
		g, w := got.Interface().(time.Time), norm(want.Interface().(time.Time))
		if !g.Equal(w) {
			return []string{fmt.Sprintf("%s: got %s, want %s", path, g.Format(time.RFC3339Nano), w.Format(time.RFC3339Nano))}
		}
		if g.Location() != time.UTC {
			return []string{fmt.Sprintf("%s: location %s, want UTC", path, g.Location())}
		}
		return nil
	case got.Kind() == reflect.Pointer:
		if got.IsNil() || want.IsNil() {
			if got.IsNil() != want.IsNil() {
				return []string{fmt.Sprintf("%s: nil=%t, want nil=%t", path, got.IsNil(), want.IsNil())}
			}
			return nil
		}
		return diff(got.Elem(), want.Elem(), path)
	case got.Kind() == reflect.Struct:
		var out []string
		for i := range got.NumField() {
			f := got.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			out = append(out, diff(got.Field(i), want.Field(i), strings.TrimPrefix(path+"."+f.Name, "."))...)
		}
		return out
	case got.Kind() == reflect.Slice && got.Type().Elem().Kind() == reflect.Uint8:
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			return []string{fmt.Sprintf("%s: got %q, want %q", path, got.Bytes(), want.Bytes())}
		}
		return nil
	case got.Kind() == reflect.Slice:
		if got.Len() != want.Len() {
			return []string{fmt.Sprintf("%s: len %d, want %d", path, got.Len(), want.Len())}
		}
		var out []string
		for i := range got.Len() {
			out = append(out, diff(got.Index(i), want.Index(i), fmt.Sprintf("%s[%d]", path, i))...)
		}
		return out
	default:
		if !reflect.DeepEqual(got.Interface(), want.Interface()) {
			return []string{fmt.Sprintf("%s: got %#v, want %#v", path, got.Interface(), want.Interface())}
		}
		return nil
	}
}

// ok fails the test at once if err is not nil.
func ok(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: unexpected error: %v", what, err)
	}
}

// is fails the test unless errors.Is(err, target).
func is(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: got error %v, want %v", what, err, target)
	}
}

// notFound and conflict check the two sentinels every adapter must return.
func notFound(t *testing.T, what string, err error) { t.Helper(); is(t, what, err, fault.ErrNotFound) }
func conflict(t *testing.T, what string, err error) { t.Helper(); is(t, what, err, fault.ErrConflict) }

// sameStrings compares two lists of strings in order (nil equals empty).
func sameStrings(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: got %q, want %q", what, got, want)
		return
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("%s: got %q, want %q", what, got, want)
			return
		}
	}
}
