package storetest

import (
	"testing"
	"time"
)

// Precision is the time resolution every adapter keeps. Adapters store times
// in UTC truncated to whole milliseconds (BSON datetimes hold milliseconds,
// so both adapters agree), and return them with Location() == time.UTC. The
// suite writes times with sub-millisecond parts in a non-UTC zone and expects
// back exactly t.UTC().Truncate(Precision), compared with time.Equal; cursor
// positions (anchor.Store.Items) are taken from returned values.
const Precision = time.Millisecond

// testCase is one named behaviour; fn gets a fresh, empty store.
type testCase struct {
	name string
	fn   func(t *testing.T, s Store)
}

// Run runs the behavioural suite against the adapter that open creates.
//
// Every subtest calls open(t) for a fresh, empty store and closes it with
// t.Cleanup, so open must not close the store itself (it may register its
// own cleanups, e.g. to stop a server; those run after the store is closed).
// Subtests run sequentially; the whole suite performs a few thousand small
// operations and sleeps for well under a second in total.
func Run(t *testing.T, open func(t *testing.T) Store) {
	t.Helper()
	var cases []testCase
	cases = append(cases, credentialCases()...)
	cases = append(cases, requestCases()...)
	cases = append(cases, authCases()...)
	cases = append(cases, statusCases()...)
	cases = append(cases, anchorCases()...)
	cases = append(cases, openidCases()...)
	cases = append(cases, verificationCases()...)
	cases = append(cases, concurrencyCases()...)
	cases = append(cases, testCase{"ping", func(t *testing.T, s Store) {
		if err := s.Ping(t.Context()); err != nil {
			t.Fatalf("Ping: %v", err)
		}
	}})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			if s == nil {
				t.Fatal("open returned a nil store")
			}
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			tc.fn(t, s)
		})
	}
}
