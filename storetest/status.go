package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/citizencloud/citizencredentials/status"
)

func list(id, bureauID string, p status.Purpose, created time.Time) *status.List {
	return &status.List{ID: id, BureauID: bureauID, Purpose: p, Size: 131072, CreatedAt: created}
}

func entry(listID string, index int, cred string) *status.Entry {
	return &status.Entry{ListID: listID, Index: index, CredentialID: cred, UpdatedAt: at(0)}
}

func version(listID string, v int) *status.Version {
	return &status.Version{
		ListID:     listID,
		Version:    v,
		Credential: fmt.Sprintf(`{"id":"https://example.org/status/%s","v":%d}`, listID, v),
		Digest:     fmt.Sprintf("%064x", v),
		CreatedAt:  at(time.Duration(v) * time.Minute),
	}
}

func statusCases() []testCase {
	return []testCase{
		{"entry/insert-many", func(t *testing.T, s Store) {
			ctx := t.Context()
			e := func(idx int, cred string) *status.Entry {
				return &status.Entry{ListID: "l1", Index: idx, CredentialID: cred, UpdatedAt: at(0)}
			}
			ok(t, "InsertEntries", s.InsertEntries(ctx, []*status.Entry{e(1, "urn:uuid:a"), e(2, "urn:uuid:b"), e(3, "urn:uuid:c")}))
			ok(t, "InsertEntries none", s.InsertEntries(ctx, nil))
			// Re-inserting what is stored (a retry) is not an error.
			ok(t, "InsertEntries again", s.InsertEntries(ctx, []*status.Entry{e(2, "urn:uuid:b"), e(4, "urn:uuid:d")}))
			conflict(t, "InsertEntries index of another credential", s.InsertEntries(ctx, []*status.Entry{e(3, "urn:uuid:x")}))
			n, err := s.CountEntries(ctx, "l1")
			ok(t, "CountEntries", err)
			if n != 4 {
				t.Errorf("CountEntries = %d, want 4", n)
			}
			got, err := s.EntriesOf(ctx, "urn:uuid:c")
			ok(t, "EntriesOf", err)
			same(t, "EntriesOf", got, []*status.Entry{e(3, "urn:uuid:c")})
		}},
		{"blocks/claim-and-count", func(t *testing.T, s Store) {
			ctx := t.Context()
			n, err := s.CountBlocks(ctx, "l1")
			ok(t, "CountBlocks of a list without blocks", err)
			if n != 0 {
				t.Errorf("CountBlocks = %d, want 0", n)
			}
			ok(t, "ClaimBlock", s.ClaimBlock(ctx, "l1", 0, 0, 64))
			ok(t, "ClaimBlock", s.ClaimBlock(ctx, "l1", 3, 192, 256))
			ok(t, "ClaimBlock same block, other list", s.ClaimBlock(ctx, "l2", 0, 0, 64))
			conflict(t, "ClaimBlock taken", s.ClaimBlock(ctx, "l1", 3, 192, 256))
			// A block holding an entry allocated one by one is not free.
			ok(t, "InsertEntry", s.InsertEntry(ctx, &status.Entry{ListID: "l1", Index: 70, CredentialID: "urn:uuid:old", UpdatedAt: at(0)}))
			conflict(t, "ClaimBlock over an entry", s.ClaimBlock(ctx, "l1", 1, 64, 128))
			n, err = s.CountBlocks(ctx, "l1")
			ok(t, "CountBlocks", err)
			if n != 2 {
				t.Errorf("CountBlocks = %d, want 2", n)
			}
		}},
		{"list/create-get-full", func(t *testing.T, s Store) {
			ctx := t.Context()
			l := list("l1", "b1", status.Revocation, at(0))
			ok(t, "CreateList", s.CreateList(ctx, l))
			got, err := s.List(ctx, "l1")
			ok(t, "List", err)
			same(t, "List", got, l)
			conflict(t, "CreateList same id", s.CreateList(ctx, list("l1", "b2", status.Suspension, at(0))))
			_, err = s.List(ctx, "nope")
			notFound(t, "List", err)
			ok(t, "MarkListFull", s.MarkListFull(ctx, "l1"))
			ok(t, "MarkListFull again", s.MarkListFull(ctx, "l1"))
			want := *l
			want.Full = true
			got, err = s.List(ctx, "l1")
			ok(t, "List", err)
			same(t, "List after MarkListFull", got, &want)
			notFound(t, "MarkListFull unknown", s.MarkListFull(ctx, "nope"))
		}},
		{"list/open-lists", func(t *testing.T, s Store) {
			ctx := t.Context()
			got, err := s.OpenLists(ctx, "b1", status.Revocation)
			ok(t, "OpenLists on empty store", err)
			if len(got) != 0 {
				t.Fatalf("OpenLists on empty store: got %d", len(got))
			}
			in := []*status.List{
				list("l-c", "b1", status.Revocation, at(2*time.Minute)),
				list("l-b", "b1", status.Revocation, at(0)),
				list("l-a", "b1", status.Revocation, at(time.Minute)),
				list("l-d", "b1", status.Revocation, at(-time.Minute)), // oldest, but full
				list("l-e", "b1", status.Suspension, at(0)),
				list("l-f", "b2", status.Revocation, at(0)),
				list("l-0", "b1", status.Revocation, at(2*time.Minute)), // ties with l-c: ID decides
			}
			for _, l := range in {
				ok(t, "CreateList", s.CreateList(ctx, l))
			}
			ok(t, "MarkListFull", s.MarkListFull(ctx, "l-d"))
			got, err = s.OpenLists(ctx, "b1", status.Revocation)
			ok(t, "OpenLists", err)
			same(t, "OpenLists b1 revocation", got, []*status.List{in[1], in[2], in[6], in[0]})
			got, err = s.OpenLists(ctx, "b1", status.Suspension)
			ok(t, "OpenLists", err)
			same(t, "OpenLists b1 suspension", got, []*status.List{in[4]})
			got, err = s.OpenLists(ctx, "b3", status.Revocation)
			ok(t, "OpenLists", err)
			if len(got) != 0 {
				t.Errorf("OpenLists unknown bureau: got %d", len(got))
			}
		}},
		{"entry/insert-count-of", func(t *testing.T, s Store) {
			ctx := t.Context()
			n, err := s.CountEntries(ctx, "l1")
			ok(t, "CountEntries on empty store", err)
			if n != 0 {
				t.Fatalf("CountEntries on empty store: %d", n)
			}
			e1 := entry("l1", 7, "urn:uuid:01")
			e2 := entry("l2", 7, "urn:uuid:01") // same index in another list is fine
			e3 := entry("l1", 131071, "urn:uuid:02")
			e4 := entry("l1", 0, "urn:uuid:03")
			for _, e := range []*status.Entry{e1, e2, e3, e4} {
				ok(t, "InsertEntry", s.InsertEntry(ctx, e))
			}
			conflict(t, "InsertEntry taken index", s.InsertEntry(ctx, entry("l1", 7, "urn:uuid:09")))
			n, err = s.CountEntries(ctx, "l1")
			ok(t, "CountEntries", err)
			if n != 3 {
				t.Errorf("CountEntries(l1) = %d, want 3", n)
			}
			n, err = s.CountEntries(ctx, "l2")
			ok(t, "CountEntries", err)
			if n != 1 {
				t.Errorf("CountEntries(l2) = %d, want 1", n)
			}
			got, err := s.EntriesOf(ctx, "urn:uuid:01")
			ok(t, "EntriesOf", err)
			sortEntries(got)
			same(t, "EntriesOf", got, []*status.Entry{e1, e2})
			got, err = s.EntriesOf(ctx, "urn:uuid:09")
			ok(t, "EntriesOf", err)
			if len(got) != 0 {
				t.Errorf("EntriesOf: the conflicting entry was stored: %d entries", len(got))
			}
		}},
		{"entry/set-bits", func(t *testing.T, s Store) {
			ctx := t.Context()
			for i, idx := range []int{900, 5, 77, 131071, 0} {
				ok(t, "InsertEntry", s.InsertEntry(ctx, entry("l1", idx, fmt.Sprintf("urn:uuid:%02d", i))))
			}
			ok(t, "InsertEntry", s.InsertEntry(ctx, entry("l2", 5, "urn:uuid:99")))
			idx, err := s.SetIndices(ctx, "l1")
			ok(t, "SetIndices", err)
			if len(idx) != 0 {
				t.Fatalf("SetIndices before any SetEntry: %v", idx)
			}
			for _, i := range []int{131071, 5, 900, 0} {
				ok(t, "SetEntry", s.SetEntry(ctx, "l1", i, true, at(time.Hour)))
			}
			ok(t, "SetEntry clear", s.SetEntry(ctx, "l1", 900, false, at(2*time.Hour)))
			notFound(t, "SetEntry unknown index", s.SetEntry(ctx, "l1", 6, true, at(0)))
			notFound(t, "SetEntry unknown list", s.SetEntry(ctx, "nope", 5, true, at(0)))
			idx, err = s.SetIndices(ctx, "l1")
			ok(t, "SetIndices", err)
			if !slices.Equal(idx, []int{0, 5, 131071}) {
				t.Errorf("SetIndices(l1) = %v, want [0 5 131071]", idx)
			}
			idx, err = s.SetIndices(ctx, "l2")
			ok(t, "SetIndices", err)
			if len(idx) != 0 {
				t.Errorf("SetIndices(l2) = %v, want none", idx)
			}
			got, err := s.EntriesOf(ctx, "urn:uuid:01")
			ok(t, "EntriesOf", err)
			want := entry("l1", 5, "urn:uuid:01")
			want.Set, want.UpdatedAt = true, at(time.Hour)
			same(t, "EntriesOf after SetEntry", got, []*status.Entry{want})
			got, err = s.EntriesOf(ctx, "urn:uuid:00")
			ok(t, "EntriesOf", err)
			want = entry("l1", 900, "urn:uuid:00")
			want.UpdatedAt = at(2 * time.Hour)
			same(t, "EntriesOf after clearing", got, []*status.Entry{want})
		}},
		{"dirty/mark-list-clear", func(t *testing.T, s Store) {
			ctx := t.Context()
			d, err := s.DirtyLists(ctx)
			ok(t, "DirtyLists on empty store", err)
			if len(d) != 0 {
				t.Fatalf("DirtyLists on empty store: %v", d)
			}
			ok(t, "MarkDirty", s.MarkDirty(ctx, "l2"))
			ok(t, "MarkDirty", s.MarkDirty(ctx, "l1"))
			ok(t, "MarkDirty already dirty", s.MarkDirty(ctx, "l1"))
			d, err = s.DirtyLists(ctx)
			ok(t, "DirtyLists", err)
			slices.Sort(d)
			sameStrings(t, "DirtyLists", d, []string{"l1", "l2"})
			cleared, err := s.ClearDirty(ctx, "l1")
			ok(t, "ClearDirty", err)
			if !cleared {
				t.Error("ClearDirty of a dirty list = false, want true")
			}
			cleared, err = s.ClearDirty(ctx, "l1")
			ok(t, "ClearDirty again", err)
			if cleared {
				t.Error("ClearDirty again = true, want false")
			}
			cleared, err = s.ClearDirty(ctx, "never-dirty")
			ok(t, "ClearDirty never dirty", err)
			if cleared {
				t.Error("ClearDirty never dirty = true, want false")
			}
			d, err = s.DirtyLists(ctx)
			ok(t, "DirtyLists", err)
			sameStrings(t, "DirtyLists after ClearDirty", d, []string{"l2"})
			ok(t, "MarkDirty after ClearDirty", s.MarkDirty(ctx, "l1"))
			cleared, err = s.ClearDirty(ctx, "l1")
			ok(t, "ClearDirty", err)
			if !cleared {
				t.Error("ClearDirty after re-marking = false, want true")
			}
		}},
		{"version/put-latest-get", func(t *testing.T, s Store) {
			ctx := t.Context()
			_, err := s.LatestVersion(ctx, "l1")
			notFound(t, "LatestVersion on empty store", err)
			for _, v := range []int{2, 10, 1, 9} { // 10 > 9 numerically, not as text
				ok(t, "PutVersion", s.PutVersion(ctx, version("l1", v)))
			}
			ok(t, "PutVersion other list", s.PutVersion(ctx, version("l2", 11)))
			dup := version("l1", 9)
			dup.Digest = "different"
			conflict(t, "PutVersion taken", s.PutVersion(ctx, dup))
			got, err := s.LatestVersion(ctx, "l1")
			ok(t, "LatestVersion", err)
			same(t, "LatestVersion", got, version("l1", 10))
			got, err = s.Version(ctx, "l1", 9)
			ok(t, "Version", err)
			same(t, "Version 9", got, version("l1", 9))
			got, err = s.Version(ctx, "l2", 11)
			ok(t, "Version", err)
			same(t, "Version l2", got, version("l2", 11))
			_, err = s.Version(ctx, "l1", 3)
			notFound(t, "Version unknown", err)
			_, err = s.Version(ctx, "l1", 11)
			notFound(t, "Version of another list", err)
		}},
	}
}

func sortEntries(es []*status.Entry) {
	slices.SortFunc(es, func(a, b *status.Entry) int {
		if a.ListID != b.ListID {
			if a.ListID < b.ListID {
				return -1
			}
			return 1
		}
		return a.Index - b.Index
	})
}
