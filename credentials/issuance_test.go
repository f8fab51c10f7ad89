package credentials_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/citizencloud/citizencredentials/anchor"
	"github.com/citizencloud/citizencredentials/audit"
	"github.com/citizencloud/citizencredentials/credentials"
	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/sqlite"
	"github.com/citizencloud/citizencredentials/status"
)

// issuanceWorld is the issuance service on a real SQLite store with the
// real status service and issuance log.
type issuanceWorld struct {
	*world
	store *sqlite.Store
	svc   *credentials.Service
}

const testBureau = "bureau-1"

func newIssuanceWorld(t testing.TB) *issuanceWorld {
	t.Helper()
	w := newWorld(t)
	st, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	now := time.Now().UTC().Truncate(time.Millisecond)
	if err := st.CreateBureau(context.Background(), &credentials.Bureau{ID: testBureau, Name: "Volunteering", Slug: "volunteering", DID: w.bureau.did,
		AllowedTypes: []string{"VolunteerServiceCredential"}, KeyID: w.bureau.signer.kid, Active: true, CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	stat := status.NewService(st, listSigner{issuer: w.bureau.did}, status.WithFreshCredentialIDs())
	svc := credentials.NewService(st, w.cat,
		credentials.KeySourceFunc(func(context.Context, string) (credentials.Signer, error) { return w.bureau.signer, nil }),
		credentials.WithStatus(stat), credentials.WithIssuanceLog(anchor.NewLog(st)))
	return &issuanceWorld{world: w, store: st, svc: svc}
}

func (iw *issuanceWorld) input(hours int) credentials.IssueInput {
	return credentials.IssueInput{Type: "VolunteerServiceCredential", SubjectDID: iw.holder.did, Claims: map[string]any{
		"hours": float64(hours), "organization": "City Food Bank", "activity": "Food distribution",
		"periodStart": "2026-01-01", "periodEnd": "2026-06-30"}}
}

// trail returns the bureau's whole audit chain.
func (iw *issuanceWorld) trail(t testing.TB) []*audit.Event {
	t.Helper()
	evs, err := iw.store.AuditEvents(context.Background(), testBureau, 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// checkStored checks that every issued record is stored with its status
// entry, its log leaf and its "issued" audit event, that the log has no
// gap, and that the audit chain is intact.
func (iw *issuanceWorld) checkStored(t *testing.T, recs []*credentials.Record) {
	t.Helper()
	ctx := context.Background()
	for _, r := range recs {
		if _, err := iw.store.Credential(ctx, r.ID); err != nil {
			t.Fatalf("credential %s: %v", r.ID, err)
		}
		if es, err := iw.store.EntriesOf(ctx, r.ID); err != nil || len(es) == 0 {
			t.Fatalf("status entries of %s: %d, %v", r.ID, len(es), err)
		}
		if _, err := iw.store.LeafOf(ctx, r.ID); err != nil {
			t.Fatalf("log leaf of %s: %v", r.ID, err)
		}
		if tr, err := iw.store.AuditTrail(ctx, r.ID); err != nil || len(tr) != 1 || tr[0].Action != "issued" {
			t.Fatalf("audit trail of %s: %+v, %v", r.ID, tr, err)
		}
	}
	n, err := iw.store.LeafCount(ctx)
	if err != nil {
		t.Fatal(err)
	}
	leaves, err := iw.store.Leaves(ctx, 0, n)
	if err != nil || int64(len(leaves)) != n {
		t.Fatalf("log has %d leaves below index %d (a gap): %v", len(leaves), n, err)
	}
	if p := audit.Verify(iw.trail(t), nil); len(p) != 0 {
		t.Fatalf("audit chain: %v", p)
	}
}

func TestIssueBatchStoresEveryPartTogether(t *testing.T) {
	iw := newIssuanceWorld(t)
	ins := make([]credentials.IssueInput, 50)
	for i := range ins {
		ins[i] = iw.input(i + 1)
	}
	ins[7].SubjectDID = "did:example:123"
	res, err := iw.svc.IssueBatch(context.Background(), testBureau, ins)
	if err != nil {
		t.Fatal(err)
	}
	var recs []*credentials.Record
	for i, r := range res {
		if i == 7 {
			if fault.CodeOf(r.Err) != fault.Invalid {
				t.Fatalf("item 7: %v, want invalid", r.Err)
			}
			continue
		}
		if r.Err != nil {
			t.Fatalf("item %d: %v", i, r.Err)
		}
		recs = append(recs, r.Record)
	}
	iw.checkStored(t, recs)
	if got := len(iw.trail(t)); got != 49 {
		t.Fatalf("audit events: %d, want 49", got)
	}
}

func TestConcurrentIssuesShareCommits(t *testing.T) {
	iw := newIssuanceWorld(t)
	recs := make([]*credentials.Record, 40)
	errs := make([]error, 40)
	var wg sync.WaitGroup
	for i := range recs {
		wg.Go(func() { recs[i], errs[i] = iw.svc.Issue(context.Background(), testBureau, iw.input(i+1)) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	iw.checkStored(t, recs)
}

// A part of the commit that cannot be written (the audit event, or the
// credential after its log leaf) fails the issuance, and nothing of it
// stays: no credential, status entry, log leaf or audit event.
func TestFailedCommitLeavesNothing(t *testing.T) {
	for _, table := range []string{"audit_events", "credentials"} {
		t.Run("fail/"+table, func(t *testing.T) {
			iw := newIssuanceWorld(t)
			ctx := context.Background()
			db := iw.store.DB()
			if _, err := db.ExecContext(ctx, `ALTER TABLE `+table+` RENAME TO away`); err != nil {
				t.Fatal(err)
			}
			if _, err := iw.svc.Issue(ctx, testBureau, iw.input(1)); err == nil {
				t.Fatal("issued although a part of the commit could not be written")
			}
			res, err := iw.svc.IssueBatch(ctx, testBureau, []credentials.IssueInput{iw.input(2), iw.input(3)})
			if err != nil {
				t.Fatal(err)
			}
			for i, r := range res {
				if r.Err == nil {
					t.Fatalf("batch item %d issued although a part of the commit could not be written", i)
				}
			}
			if _, err := db.ExecContext(ctx, `ALTER TABLE away RENAME TO `+table); err != nil {
				t.Fatal(err)
			}
			recs, err := iw.store.Credentials(ctx, credentials.Filter{}, "", 10)
			if err != nil || len(recs) != 0 {
				t.Fatalf("credentials stored: %d, %v", len(recs), err)
			}
			if n, err := iw.store.LeafCount(ctx); err != nil || n != 0 {
				t.Fatalf("log leaves: %d, %v", n, err)
			}
			if evs := iw.trail(t); len(evs) != 0 {
				t.Fatalf("audit events: %d", len(evs))
			}
			// The log remembered the indices of rolled-back leaves; the
			// next issuance must still get index 0, not leave a gap.
			r, err := iw.svc.Issue(ctx, testBureau, iw.input(4))
			if err != nil {
				t.Fatal(err)
			}
			if l, err := iw.store.LeafOf(ctx, r.ID); err != nil || l.Index != 0 {
				t.Fatalf("leaf after the failed commits: %+v, %v", l, err)
			}
			iw.checkStored(t, []*credentials.Record{r})
		})
	}
}

func TestIdempotencyKeyReuse(t *testing.T) {
	iw := newIssuanceWorld(t)
	ctx := context.Background()
	in := iw.input(5)
	in.IdempotencyKey = "order-1"
	first, err := iw.svc.Issue(ctx, testBureau, in)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		change func(in *credentials.IssueInput)
		code   fault.Code
	}{
		{"ok/same-request", func(*credentials.IssueInput) {}, ""},
		{"fail/other-claims", func(in *credentials.IssueInput) {
			in.Claims = map[string]any{"hours": float64(6), "organization": "City Food Bank", "activity": "Food distribution",
				"periodStart": "2026-01-01", "periodEnd": "2026-06-30"}
		}, fault.Conflict},
		{"fail/other-validity", func(in *credentials.IssueInput) {
			u := time.Now().Add(48 * time.Hour)
			in.ValidUntil = &u
		}, fault.Conflict},
		{"fail/other-format", func(in *credentials.IssueInput) { in.Format = credentials.FormatSDJWT }, fault.Conflict},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			again := iw.input(5)
			again.IdempotencyKey = "order-1"
			tc.change(&again)
			r, err := iw.svc.Issue(ctx, testBureau, again)
			if tc.code == "" {
				if err != nil || r.ID != first.ID {
					t.Fatalf("got %v, %v; want the first credential", r, err)
				}
				return
			}
			if fault.CodeOf(err) != tc.code {
				t.Fatalf("got %v, want %s", err, tc.code)
			}
		})
	}
}

// The audit chain names an edited, a deleted and a reordered event of the
// real store.
func TestAuditChainFindsTampering(t *testing.T) {
	cases := []struct {
		name    string
		tamper  []string // SQL on the store
		kind    string   // first problem expected, "" for none
		seq     int64
		eventAt int64 // seq of the event the problem names (0: none)
	}{
		{"ok/untouched", nil, "", 0, 0},
		{"fail/edited", []string{`UPDATE audit_events SET actor = 'operator' WHERE seq = 3`}, "edited", 3, 3},
		{"fail/deleted", []string{`DELETE FROM audit_events WHERE seq = 3`}, "deleted", 3, 0},
		{"fail/reordered", []string{
			`UPDATE audit_events SET seq = -2 WHERE seq = 2`,
			`UPDATE audit_events SET seq = 2 WHERE seq = 4`,
			`UPDATE audit_events SET seq = 4 WHERE seq = -2`,
		}, "reordered", 2, 4},
		{"fail/deleted-and-renumbered", []string{
			`DELETE FROM audit_events WHERE seq = 2`,
			`UPDATE audit_events SET seq = seq - 1 WHERE seq > 2`,
		}, "reordered", 2, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			iw := newIssuanceWorld(t)
			ctx := context.Background()
			for i := range 5 {
				if _, err := iw.svc.Issue(ctx, testBureau, iw.input(i+1)); err != nil {
					t.Fatal(err)
				}
			}
			before := iw.trail(t)
			for _, q := range tc.tamper {
				if _, err := iw.store.DB().ExecContext(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			problems := audit.Verify(iw.trail(t), nil)
			if tc.kind == "" {
				if len(problems) != 0 {
					t.Fatalf("untouched trail: %v", problems)
				}
				return
			}
			if len(problems) == 0 {
				t.Fatal("tampering not found")
			}
			p := problems[0]
			if p.Kind != tc.kind || p.Seq != tc.seq {
				t.Fatalf("first problem %v, want %s at seq %d (all: %v)", p, tc.kind, tc.seq, problems)
			}
			if tc.eventAt > 0 && p.EventID != before[tc.eventAt-1].ID {
				t.Fatalf("problem names event %s, want %s (originally at seq %d)", p.EventID, before[tc.eventAt-1].ID, tc.eventAt)
			}
			// The anchored head catches a rewrite of the whole chain's end too.
			head := before[len(before)-1]
			if got := audit.Verify(iw.trail(t), head); len(got) < len(problems) {
				t.Fatalf("with the anchored head: %v", got)
			}
		})
	}
}

// BenchmarkIssueBatch measures a batch of 100 vc+jwt credentials issued on
// SQLite with status entries, log leaves and audit events (b.N batches).
func BenchmarkIssueBatch(b *testing.B) {
	iw := newIssuanceWorld(b)
	ins := make([]credentials.IssueInput, 100)
	for i := range ins {
		ins[i] = iw.input(i + 1)
	}
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		res, err := iw.svc.IssueBatch(ctx, testBureau, ins)
		if err != nil {
			b.Fatal(err)
		}
		for i, r := range res {
			if r.Err != nil {
				b.Fatal(fmt.Errorf("item %d: %w", i, r.Err))
			}
		}
	}
	b.ReportMetric(float64(b.N*len(ins))/b.Elapsed().Seconds(), "credentials/s")
}

// listSigner "signs" status lists for these tests, which check what the
// issuance commit stores, not status list signatures (status/ tests those).
type listSigner struct{ issuer string }

func (l listSigner) IssuerDID(context.Context, string) (string, error) { return l.issuer, nil }

func (l listSigner) SignStatusList(_ context.Context, _ string, cred map[string]any) (string, error) {
	payload, err := json.Marshal(cred)
	if err != nil {
		return "", err
	}
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(`{"alg":"none","typ":"vc+jwt"}`)) + "." + enc.EncodeToString(payload) + ".", nil
}
