package storetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/citizencloud/citizencredentials/audit"
	"github.com/citizencloud/citizencredentials/credentials"
)

func bureau(id, slug string, created time.Time) *credentials.Bureau {
	return &credentials.Bureau{
		ID:           id,
		Name:         "Bureau " + slug,
		Slug:         slug,
		DID:          "did:web:example.org:bureaus:" + slug,
		AllowedTypes: []string{"VolunteerServiceCredential", "LifelongLearningCredential"},
		KeyID:        "did:web:example.org:bureaus:" + slug + "#key-1",
		Active:       true,
		CreatedAt:    created,
		UpdatedAt:    created,
	}
}

func record(id, bureauID, subject, typ string) *credentials.Record {
	return &credentials.Record{
		ID:          id,
		BureauID:    bureauID,
		IssuerDID:   "did:web:example.org:bureaus:" + bureauID,
		SubjectDID:  subject,
		Type:        typ,
		Format:      credentials.FormatJWT,
		Credential:  "eyJhbGciOiJFZERTQSJ9.eyJpZCI6IiJ9.c2ln-" + id,
		Hash:        fmt.Sprintf("%064x", len(id)),
		ValidFrom:   at(-time.Hour),
		ValidUntil:  ptr(at(365 * 24 * time.Hour)),
		IssuedAt:    at(0),
		State:       credentials.StateActive,
		UpdatedAt:   at(0),
		RequestHash: fmt.Sprintf("%064x", len(id)+1),
	}
}

func credentialCases() []testCase {
	return []testCase{
		{"bureau/create-and-get", func(t *testing.T, s Store) {
			ctx := t.Context()
			b := bureau("b1", "volunteers", at(0))
			ok(t, "CreateBureau", s.CreateBureau(ctx, b))
			got, err := s.Bureau(ctx, "b1")
			ok(t, "Bureau", err)
			same(t, "Bureau", got, b)
			got, err = s.BureauBySlug(ctx, "volunteers")
			ok(t, "BureauBySlug", err)
			same(t, "BureauBySlug", got, b)
			got, err = s.BureauByDID(ctx, b.DID)
			ok(t, "BureauByDID", err)
			same(t, "BureauByDID", got, b)
		}},
		{"bureau/not-found", func(t *testing.T, s Store) {
			ctx := t.Context()
			ok(t, "CreateBureau", s.CreateBureau(ctx, bureau("b1", "volunteers", at(0))))
			_, err := s.Bureau(ctx, "nope")
			notFound(t, "Bureau", err)
			_, err = s.BureauBySlug(ctx, "nope")
			notFound(t, "BureauBySlug", err)
			_, err = s.BureauByDID(ctx, "did:web:example.org:bureaus:nope")
			notFound(t, "BureauByDID", err)
			notFound(t, "UpdateBureau", s.UpdateBureau(ctx, bureau("nope", "nope", at(0))))
		}},
		{"bureau/conflict", func(t *testing.T, s Store) {
			ctx := t.Context()
			b := bureau("b1", "volunteers", at(0))
			ok(t, "CreateBureau", s.CreateBureau(ctx, b))
			conflict(t, "CreateBureau same id", s.CreateBureau(ctx, bureau("b1", "other", at(time.Second))))
			conflict(t, "CreateBureau same slug", s.CreateBureau(ctx, bureau("b2", "volunteers", at(time.Second))))
			_, err := s.Bureau(ctx, "b2")
			notFound(t, "Bureau after conflicting create", err)
			got, err := s.Bureau(ctx, "b1")
			ok(t, "Bureau", err)
			same(t, "Bureau after conflicts", got, b)
		}},
		{"bureau/update", func(t *testing.T, s Store) {
			ctx := t.Context()
			b := bureau("b1", "volunteers", at(0))
			ok(t, "CreateBureau", s.CreateBureau(ctx, b))
			ok(t, "CreateBureau", s.CreateBureau(ctx, bureau("b2", "learning", at(0))))
			u := *b
			u.Name = "Renamed Bureau"
			u.AllowedTypes = []string{"CreditRecordCredential"}
			u.KeyID = b.DID + "#key-2"
			u.Active = false
			u.Reason = "merged"
			u.UpdatedAt = at(time.Hour)
			// Immutable fields: UpdateBureau must leave them alone.
			u.Slug, u.DID, u.CreatedAt = "changed", "did:web:changed", at(-time.Hour)
			ok(t, "UpdateBureau", s.UpdateBureau(ctx, &u))
			want := u
			want.Slug, want.DID, want.CreatedAt = b.Slug, b.DID, b.CreatedAt
			got, err := s.Bureau(ctx, "b1")
			ok(t, "Bureau", err)
			same(t, "Bureau after update", got, &want)
			got, err = s.BureauBySlug(ctx, "volunteers")
			ok(t, "BureauBySlug after update", err)
			same(t, "BureauBySlug after update", got, &want)
			other, err := s.Bureau(ctx, "b2")
			ok(t, "Bureau b2", err)
			same(t, "untouched bureau", other, bureau("b2", "learning", at(0)))
		}},
		{"bureau/list-order", func(t *testing.T, s Store) {
			ctx := t.Context()
			list, err := s.Bureaus(ctx)
			ok(t, "Bureaus on empty store", err)
			if len(list) != 0 {
				t.Fatalf("Bureaus on empty store: got %d", len(list))
			}
			// Inserted out of order; b-a and b-c share CreatedAt (tie broken by ID).
			in := []*credentials.Bureau{
				bureau("b-c", "c", at(time.Minute)),
				bureau("b-z", "z", at(0)),
				bureau("b-a", "a", at(time.Minute)),
				bureau("b-m", "m", at(2*time.Minute)),
			}
			for _, b := range in {
				ok(t, "CreateBureau", s.CreateBureau(ctx, b))
			}
			list, err = s.Bureaus(ctx)
			ok(t, "Bureaus", err)
			same(t, "Bureaus", list, []*credentials.Bureau{in[1], in[2], in[0], in[3]})
		}},
		{"credential/create-and-get", func(t *testing.T, s Store) {
			ctx := t.Context()
			r := record("urn:uuid:01", "b1", "did:key:alice", "VolunteerServiceCredential")
			r.IdempotencyKey = "k1"
			open := record("urn:uuid:02", "b1", "did:key:alice", "VolunteerServiceCredential")
			open.ValidUntil = nil
			open.Format = credentials.FormatDataIntegrity
			open.Credential = `{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"urn:uuid:02"}`
			ok(t, "CreateCredential", s.CreateCredential(ctx, r))
			ok(t, "CreateCredential without ValidUntil", s.CreateCredential(ctx, open))
			got, err := s.Credential(ctx, r.ID)
			ok(t, "Credential", err)
			same(t, "Credential", got, r)
			got, err = s.Credential(ctx, open.ID)
			ok(t, "Credential without ValidUntil", err)
			same(t, "Credential without ValidUntil", got, open)
			_, err = s.Credential(ctx, "urn:uuid:nope")
			notFound(t, "Credential", err)
		}},
		{"credential/conflict-on-id", func(t *testing.T, s Store) {
			ctx := t.Context()
			r := record("urn:uuid:01", "b1", "did:key:alice", "VolunteerServiceCredential")
			ok(t, "CreateCredential", s.CreateCredential(ctx, r))
			dup := record("urn:uuid:01", "b2", "did:key:bob", "CreditRecordCredential")
			conflict(t, "CreateCredential same id", s.CreateCredential(ctx, dup))
			got, err := s.Credential(ctx, r.ID)
			ok(t, "Credential", err)
			same(t, "Credential after conflict", got, r)
		}},
		{"credential/idempotency-key", func(t *testing.T, s Store) {
			ctx := t.Context()
			a := record("urn:uuid:01", "b1", "did:key:alice", "VolunteerServiceCredential")
			a.IdempotencyKey = "order-42"
			ok(t, "CreateCredential", s.CreateCredential(ctx, a))

			again := record("urn:uuid:02", "b1", "did:key:alice", "VolunteerServiceCredential")
			again.IdempotencyKey = "order-42"
			conflict(t, "CreateCredential same key same bureau", s.CreateCredential(ctx, again))
			_, err := s.Credential(ctx, again.ID)
			notFound(t, "Credential rejected by idempotency key", err)

			other := record("urn:uuid:03", "b2", "did:key:alice", "VolunteerServiceCredential")
			other.IdempotencyKey = "order-42"
			ok(t, "CreateCredential same key other bureau", s.CreateCredential(ctx, other))

			for i := range 3 { // an empty key never conflicts
				r := record(fmt.Sprintf("urn:uuid:1%d", i), "b1", "did:key:alice", "VolunteerServiceCredential")
				ok(t, "CreateCredential without key", s.CreateCredential(ctx, r))
			}

			got, err := s.CredentialByIdempotencyKey(ctx, "b1", "order-42")
			ok(t, "CredentialByIdempotencyKey b1", err)
			same(t, "CredentialByIdempotencyKey b1", got, a)
			got, err = s.CredentialByIdempotencyKey(ctx, "b2", "order-42")
			ok(t, "CredentialByIdempotencyKey b2", err)
			same(t, "CredentialByIdempotencyKey b2", got, other)
			_, err = s.CredentialByIdempotencyKey(ctx, "b3", "order-42")
			notFound(t, "CredentialByIdempotencyKey other bureau", err)
			_, err = s.CredentialByIdempotencyKey(ctx, "b1", "order-43")
			notFound(t, "CredentialByIdempotencyKey unknown key", err)
			// Records without a key were not issued "under" the empty key.
			_, err = s.CredentialByIdempotencyKey(ctx, "b1", "")
			notFound(t, "CredentialByIdempotencyKey empty key", err)
		}},
		{"credential/set-state", func(t *testing.T, s Store) {
			ctx := t.Context()
			r := record("urn:uuid:01", "b1", "did:key:alice", "VolunteerServiceCredential")
			ok(t, "CreateCredential", s.CreateCredential(ctx, r))
			ok(t, "CreateCredential", s.CreateCredential(ctx, record("urn:uuid:02", "b1", "did:key:alice", "VolunteerServiceCredential")))
			ok(t, "SetCredentialState", s.SetCredentialState(ctx, r.ID, credentials.StateSuspended, "under review", at(time.Hour)))
			want := *r
			want.State, want.StateReason, want.UpdatedAt = credentials.StateSuspended, "under review", at(time.Hour)
			got, err := s.Credential(ctx, r.ID)
			ok(t, "Credential", err)
			same(t, "Credential after SetCredentialState", got, &want)
			ok(t, "SetCredentialState", s.SetCredentialState(ctx, r.ID, credentials.StateRevoked, "fraud", at(2*time.Hour)))
			want.State, want.StateReason, want.UpdatedAt = credentials.StateRevoked, "fraud", at(2*time.Hour)
			got, err = s.Credential(ctx, r.ID)
			ok(t, "Credential", err)
			same(t, "Credential after second SetCredentialState", got, &want)
			got, err = s.Credential(ctx, "urn:uuid:02")
			ok(t, "Credential", err)
			same(t, "untouched credential", got, record("urn:uuid:02", "b1", "did:key:alice", "VolunteerServiceCredential"))
			notFound(t, "SetCredentialState unknown", s.SetCredentialState(ctx, "urn:uuid:nope", credentials.StateRevoked, "x", at(0)))
		}},
		{"credential/list-filter-and-pages", testCredentialListing},
		{"credential/create-many", func(t *testing.T, s Store) {
			ctx := t.Context()
			taken := record("urn:uuid:m2", "b1", "did:key:alice", "VolunteerServiceCredential")
			ok(t, "CreateCredential", s.CreateCredential(ctx, taken))
			keyed := record("urn:uuid:k1", "b1", "did:key:alice", "VolunteerServiceCredential")
			keyed.IdempotencyKey = "order-1"
			ok(t, "CreateCredential keyed", s.CreateCredential(ctx, keyed))
			reuse := record("urn:uuid:k2", "b1", "did:key:bob", "VolunteerServiceCredential")
			reuse.IdempotencyKey = "order-1"
			fresh := record("urn:uuid:k3", "b1", "did:key:bob", "VolunteerServiceCredential")
			fresh.IdempotencyKey = "order-2"
			rs := []*credentials.Record{
				record("urn:uuid:m1", "b1", "did:key:alice", "VolunteerServiceCredential"),
				record("urn:uuid:m2", "b1", "did:key:bob", "VolunteerServiceCredential"), // id taken
				reuse, // key taken
				fresh,
				record("urn:uuid:m3", "b2", "did:key:carol", "CreditRecordCredential"),
			}
			errs, err := s.CreateCredentials(ctx, rs)
			ok(t, "CreateCredentials", err)
			if len(errs) != len(rs) {
				t.Fatalf("CreateCredentials: %d results for %d records", len(errs), len(rs))
			}
			for i, want := range []bool{false, true, true, false, false} {
				if want {
					conflict(t, fmt.Sprintf("CreateCredentials record %d", i), errs[i])
				} else {
					ok(t, fmt.Sprintf("CreateCredentials record %d", i), errs[i])
				}
			}
			for _, r := range []*credentials.Record{rs[0], taken, fresh, rs[4]} {
				got, err := s.Credential(ctx, r.ID)
				ok(t, "Credential", err)
				same(t, "Credential "+r.ID, got, r)
			}
			_, err = s.Credential(ctx, reuse.ID)
			notFound(t, "Credential whose key was taken", err)
		}},
		{"audit/append-and-trail", func(t *testing.T, s Store) {
			ctx := t.Context()
			seq := int64(0)
			ev := func(id, cred string, d time.Duration) *audit.Event {
				seq++
				return &audit.Event{ID: id, CredentialID: cred, BureauID: "b1", Action: "issued", Actor: "bureau:b1", Reason: "reason " + id, At: at(d),
					Seq: seq, PrevHash: fmt.Sprintf("%064x", seq-1), Hash: fmt.Sprintf("%064x", seq)}
			}
			trail, err := s.AuditTrail(ctx, "urn:uuid:01")
			ok(t, "AuditTrail on empty store", err)
			if len(trail) != 0 {
				t.Fatalf("AuditTrail on empty store: got %d events", len(trail))
			}
			in := []*audit.Event{
				ev("e3", "urn:uuid:01", 3*time.Second),
				ev("e1", "urn:uuid:01", time.Second),
				ev("e2", "urn:uuid:02", 2*time.Second),
				ev("e5", "", 5*time.Second), // bureau-level event
				ev("e4", "urn:uuid:01", 0),  // ID order, not At order
			}
			for _, e := range in {
				_, err := s.AppendAudit(ctx, e)
				ok(t, "AppendAudit", err)
			}
			taken := ev("e9", "urn:uuid:01", 0)
			taken.Seq = 2
			_, err = s.AppendAudit(ctx, taken)
			conflict(t, "AppendAudit taken seq", err)
			trail, err = s.AuditTrail(ctx, "urn:uuid:01")
			ok(t, "AuditTrail", err)
			same(t, "AuditTrail", trail, []*audit.Event{in[1], in[0], in[4]})
			trail, err = s.AuditTrail(ctx, "urn:uuid:02")
			ok(t, "AuditTrail", err)
			same(t, "AuditTrail", trail, []*audit.Event{in[2]})
			trail, err = s.AuditTrail(ctx, "urn:uuid:nope")
			ok(t, "AuditTrail unknown credential", err)
			if len(trail) != 0 {
				t.Errorf("AuditTrail unknown credential: got %d events", len(trail))
			}
		}},
		{"audit/chain-head-and-pages", func(t *testing.T, s Store) {
			ctx := t.Context()
			_, err := s.AuditHead(ctx, "b1")
			notFound(t, "AuditHead of a bureau without events", err)
			var in []*audit.Event
			for i := int64(1); i <= 5; i++ {
				for _, b := range []string{"b1", "b2"} {
					e := &audit.Event{ID: fmt.Sprintf("%s-e%d", b, i), BureauID: b, Action: "issued", Actor: "bureau:" + b,
						At: at(time.Duration(i) * time.Second), Seq: i, PrevHash: fmt.Sprintf("%s-h%d", b, i-1), Hash: fmt.Sprintf("%s-h%d", b, i)}
					_, err := s.AppendAudit(ctx, e)
					ok(t, "AppendAudit", err)
					if b == "b1" {
						in = append(in, e)
					}
				}
			}
			other := *in[2]
			other.ID, other.BureauID = "b3-e3", "b3"
			_, err = s.AppendAudit(ctx, &other)
			ok(t, "AppendAudit same seq, other bureau", err)
			// Several at once stop at the first taken seq.
			batch := []*audit.Event{
				{ID: "b3-e4", BureauID: "b3", Action: "issued", Actor: "bureau:b3", At: at(4 * time.Second), Seq: 4, PrevHash: "x", Hash: "b3-h4"},
				{ID: "b3-e3bis", BureauID: "b3", Action: "issued", Actor: "bureau:b3", At: at(5 * time.Second), Seq: 3, PrevHash: "x", Hash: "b3-h3bis"},
				{ID: "b3-e5", BureauID: "b3", Action: "issued", Actor: "bureau:b3", At: at(6 * time.Second), Seq: 5, PrevHash: "x", Hash: "b3-h5"},
			}
			n, err := s.AppendAudit(ctx, batch...)
			conflict(t, "AppendAudit several, one seq taken", err)
			if n != 1 {
				t.Errorf("AppendAudit several: %d inserted, want 1 (those before the taken seq)", n)
			}
			b3, err := s.AuditEvents(ctx, "b3", 0, 10)
			ok(t, "AuditEvents b3", err)
			same(t, "AuditEvents b3", b3, []*audit.Event{&other, batch[0]})
			head, err := s.AuditHead(ctx, "b1")
			ok(t, "AuditHead", err)
			same(t, "AuditHead", head, in[4])
			page, err := s.AuditEvents(ctx, "b1", 0, 2)
			ok(t, "AuditEvents first page", err)
			same(t, "AuditEvents first page", page, in[:2])
			page, err = s.AuditEvents(ctx, "b1", 2, 10)
			ok(t, "AuditEvents rest", err)
			same(t, "AuditEvents rest", page, in[2:])
			page, err = s.AuditEvents(ctx, "b1", 5, 10)
			ok(t, "AuditEvents past the head", err)
			if len(page) != 0 {
				t.Errorf("AuditEvents past the head: got %d events", len(page))
			}
		}},
		{"atomic/commits-and-returns-error", func(t *testing.T, s Store) {
			ctx := t.Context()
			boom := errors.New("boom")
			err := s.Atomic(ctx, func(ctx context.Context) error {
				ok(t, "CreateCredential in Atomic", s.CreateCredential(ctx, record("urn:uuid:a1", "b1", "did:key:alice", "VolunteerServiceCredential")))
				// A nested call joins the outer one.
				return s.Atomic(ctx, func(ctx context.Context) error {
					_, err := s.AppendAudit(ctx, &audit.Event{ID: "e1", CredentialID: "urn:uuid:a1", BureauID: "b1", Action: "issued", Actor: "bureau:b1", At: at(0), Seq: 1, Hash: "h1"})
					return err
				})
			})
			ok(t, "Atomic", err)
			_, err = s.Credential(ctx, "urn:uuid:a1")
			ok(t, "Credential written in Atomic", err)
			trail, err := s.AuditTrail(ctx, "urn:uuid:a1")
			ok(t, "AuditTrail written in Atomic", err)
			if len(trail) != 1 {
				t.Errorf("AuditTrail written in Atomic: got %d events, want 1", len(trail))
			}
			if err := s.Atomic(ctx, func(ctx context.Context) error { return boom }); !errors.Is(err, boom) {
				t.Errorf("Atomic returned %v, want fn's error", err)
			}
		}},
	}
}

// testCredentialListing checks every filter field alone and combined, with
// pages of several sizes and cursors that are and are not existing IDs.
func testCredentialListing(t *testing.T, s Store) {
	ctx := t.Context()
	var all []*credentials.Record
	bureaus := []string{"b1", "b2"}
	subjects := []string{"did:key:alice", "did:key:bob", "did:key:carol"}
	types := []string{"VolunteerServiceCredential", "CreditRecordCredential"}
	states := []credentials.State{credentials.StateActive, credentials.StateSuspended, credentials.StateRevoked}
	for i := range 30 {
		r := record(fmt.Sprintf("urn:uuid:%03d", i*3), bureaus[i%2], subjects[i%3], types[(i/2)%2])
		r.State = states[(i/3)%3]
		all = append(all, r)
	}
	// Insert in random order: the store orders by ID, not by insertion.
	rng := rand.New(rand.NewPCG(1, 2))
	shuffled := slices.Clone(all)
	rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	for _, r := range shuffled {
		ok(t, "CreateCredential", s.CreateCredential(ctx, r))
	}

	filters := []credentials.Filter{
		{},
		{BureauID: "b1"},
		{SubjectDID: "did:key:bob"},
		{Type: "CreditRecordCredential"},
		{State: credentials.StateSuspended},
		{BureauID: "b2", Type: "VolunteerServiceCredential"},
		{BureauID: "b1", State: credentials.StateRevoked},
		{SubjectDID: "did:key:alice", State: credentials.StateActive},
		{BureauID: "b1", SubjectDID: "did:key:carol", Type: "CreditRecordCredential", State: credentials.StateActive},
		{BureauID: "b3"},
		{SubjectDID: "did:key:nobody"},
	}
	for _, f := range filters {
		var want []*credentials.Record
		for _, r := range all {
			if (f.BureauID == "" || r.BureauID == f.BureauID) &&
				(f.SubjectDID == "" || r.SubjectDID == f.SubjectDID) &&
				(f.Type == "" || r.Type == f.Type) &&
				(f.State == "" || r.State == f.State) {
				want = append(want, r)
			}
		}
		for _, limit := range []int{2, 7, 100} {
			var got []*credentials.Record
			after := ""
			for range len(all) + 2 {
				page, err := s.Credentials(ctx, f, after, limit)
				ok(t, fmt.Sprintf("Credentials(%+v, %q, %d)", f, after, limit), err)
				if len(page) > limit {
					t.Fatalf("Credentials(%+v, %q, %d): %d records, more than limit", f, after, limit, len(page))
				}
				if len(page) == 0 {
					break
				}
				got = append(got, page...)
				after = page[len(page)-1].ID
			}
			same(t, fmt.Sprintf("Credentials(%+v) in pages of %d", f, limit), got, want)
		}
	}

	// A cursor need not be an existing ID: ID > after, byte-wise.
	page, err := s.Credentials(ctx, credentials.Filter{}, "urn:uuid:010", 2)
	ok(t, "Credentials after non-existing id", err)
	same(t, "Credentials after non-existing id", page, all[4:6]) // urn:uuid:012, urn:uuid:015
	page, err = s.Credentials(ctx, credentials.Filter{}, all[len(all)-1].ID, 10)
	ok(t, "Credentials after the last id", err)
	if len(page) != 0 {
		t.Errorf("Credentials after the last id: got %d records", len(page))
	}
}
