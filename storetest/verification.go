package storetest

import (
	"testing"
	"time"

	"github.com/citizencloud/citizencredentials/status"
	"github.com/citizencloud/citizencredentials/store"
)

// verificationCases check VerificationRead against the reads it stands
// for: Credential, LeafOf, EntriesOf and LatestVersion of each list.
func verificationCases() []testCase {
	seed := func(t *testing.T, s Store) {
		ctx := t.Context()
		ok(t, "CreateBureau", s.CreateBureau(ctx, bureau("b1", "volunteers", at(0))))
		for _, id := range []string{"urn:uuid:full", "urn:uuid:bare", "urn:uuid:unlisted"} {
			ok(t, "CreateCredential", s.CreateCredential(ctx, record(id, "b1", "did:key:z6Mkholder", "VolunteerServiceCredential")))
		}
		ok(t, "CreateList", s.CreateList(ctx, list("l1", "b1", status.Revocation, at(0))))
		ok(t, "CreateList", s.CreateList(ctx, list("l2", "b1", status.Suspension, at(0))))
		ok(t, "CreateList", s.CreateList(ctx, list("l3", "b1", status.Revocation, at(0))))
		for _, e := range []*status.Entry{
			entry("l2", 9, "urn:uuid:full"), entry("l1", 40, "urn:uuid:full"), entry("l1", 7, "urn:uuid:other"),
			entry("l3", 5, "urn:uuid:unlisted"), entry("l3", 6, "urn:uuid:elsewhere"),
		} {
			ok(t, "InsertEntry", s.InsertEntry(ctx, e))
		}
		ok(t, "SetEntry", s.SetEntry(ctx, "l2", 9, true, at(time.Minute)))
		for _, v := range []*status.Version{version("l1", 1), version("l1", 2), version("l2", 1)} {
			ok(t, "PutVersion", s.PutVersion(ctx, v))
		}
		l := leaf(0)
		l.CredentialID = "urn:uuid:full"
		ok(t, "AppendLeaf", s.AppendLeaf(ctx, l))
	}
	// want is the same read done call by call.
	want := func(t *testing.T, s Store, id string) *store.VerificationRead {
		ctx := t.Context()
		w := &store.VerificationRead{}
		if r, err := s.Credential(ctx, id); err == nil {
			w.Record = r
			if l, err := s.LeafOf(ctx, id); err == nil {
				w.Leaf = l
			}
		}
		es, err := s.EntriesOf(ctx, id)
		ok(t, "EntriesOf", err)
		w.Entries = es
		seen := map[string]bool{}
		for _, e := range es {
			if !seen[e.ListID] {
				seen[e.ListID] = true
				if v, err := s.LatestVersion(ctx, e.ListID); err == nil {
					w.Latest = append(w.Latest, v)
				}
			}
		}
		return w
	}
	var cases []testCase
	for _, tc := range []struct {
		name, id string
		check    func(t *testing.T, got *store.VerificationRead)
	}{
		{"record, leaf, two lists, latest versions", "urn:uuid:full", func(t *testing.T, got *store.VerificationRead) {
			if got.Record == nil || got.Leaf == nil || len(got.Entries) != 2 || len(got.Latest) != 2 || got.Latest[0].Version != 2 || !got.Entries[1].Set {
				t.Fatalf("got %+v", got)
			}
		}},
		{"record without entries or leaf", "urn:uuid:bare", func(t *testing.T, got *store.VerificationRead) {
			if got.Record == nil || got.Leaf != nil || len(got.Entries) != 0 || len(got.Latest) != 0 {
				t.Fatalf("got %+v", got)
			}
		}},
		{"an entry in a list never published", "urn:uuid:unlisted", func(t *testing.T, got *store.VerificationRead) {
			if len(got.Entries) != 1 || len(got.Latest) != 0 {
				t.Fatalf("got %+v", got)
			}
		}},
		{"entries of a credential we do not hold", "urn:uuid:other", func(t *testing.T, got *store.VerificationRead) {
			if got.Record != nil || got.Leaf != nil || len(got.Entries) != 1 || len(got.Latest) != 1 {
				t.Fatalf("got %+v", got)
			}
		}},
		{"unknown credential", "urn:uuid:nobody", func(t *testing.T, got *store.VerificationRead) {
			if got.Record != nil || got.Leaf != nil || len(got.Entries) != 0 {
				t.Fatalf("got %+v", got)
			}
		}},
	} {
		cases = append(cases, testCase{"verification-read/" + tc.name, func(t *testing.T, s Store) {
			seed(t, s)
			got, err := s.VerificationRead(t.Context(), tc.id)
			ok(t, "VerificationRead", err)
			tc.check(t, got)
			same(t, "VerificationRead", got, want(t, s, tc.id))
		}})
	}
	return cases
}
