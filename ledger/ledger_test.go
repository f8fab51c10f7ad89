package ledger_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/citizencloud/citizencredentials/anchor"
	"github.com/citizencloud/citizencredentials/chain/chaintest"
	"github.com/citizencloud/citizencredentials/credentials"
	"github.com/citizencloud/citizencredentials/ledger"
	"github.com/citizencloud/citizencredentials/sqlite"
	"github.com/citizencloud/citizencredentials/status"
)

// signer secures status lists as unsigned JWS: the ledger only hashes them.
type signer struct{}

func (signer) IssuerDID(_ context.Context, bureauID string) (string, error) {
	return "did:web:citizen.example:bureaus:" + bureauID, nil
}

func (signer) SignStatusList(_ context.Context, _ string, cred map[string]any) (string, error) {
	payload, err := json.Marshal(cred)
	if err != nil {
		return "", err
	}
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(`{"alg":"none"}`)) + "." + enc.EncodeToString(payload) + ".c2ln", nil
}

// counted passes every call to the real chain registry and counts the
// anchor reads, to show which verifications reach the chain.
type counted struct {
	anchor.Registry
	reads atomic.Int64
}

func (c *counted) StatusAnchor(ctx context.Context, list string, v uint64) (anchor.Anchored, bool, error) {
	c.reads.Add(1)
	return c.Registry.StatusAnchor(ctx, list, v)
}

func (c *counted) LogRoot(ctx context.Context, size uint64) (anchor.Anchored, bool, error) {
	c.reads.Add(1)
	return c.Registry.LogRoot(ctx, size)
}

// TestAnchorChecksPendingProvenCached: before anchoring, status_anchor and
// issuance_anchor are pending (ok, not proven); once the worker confirmed
// the anchors they are proven; a second verification reads nothing from
// the chain (confirmed anchors and the proven issuance are cached); a
// credential that is not ours gets no anchor checks and reads nothing.
func TestAnchorChecksPendingProvenCached(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	_, chainReg := chaintest.Open(t)
	reg := &counted{Registry: chainReg}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	issuanceLog := anchor.NewLog(st)
	worker := anchor.NewWorker(st, chainReg, issuanceLog, anchor.WithLogger(quiet))
	svc := status.NewService(st, signer{}, status.WithBaseURL("https://citizen.example"),
		status.WithOnPublish(func(ctx context.Context, v *status.Version) error {
			return worker.EnqueueVersion(ctx, v.ListID, v.Version, v.Digest)
		}))
	l, err := ledger.New(ledger.Config{Credentials: st, Keys: st, Status: svc, Lists: st, Anchors: st, Reads: st, Log: issuanceLog, Registry: reg, BaseURL: "https://citizen.example", Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}

	raw := "eyJhbGciOiJFZERTQSJ9.eyJpZCI6InVybjp1dWlkOjEifQ.c2ln"
	sum := sha256.Sum256([]byte(raw))
	now := time.Now().UTC().Truncate(time.Millisecond)
	rec := &credentials.Record{ID: "urn:uuid:1", BureauID: "b", IssuerDID: "did:web:citizen.example:bureaus:b", SubjectDID: "did:key:z6Mk",
		Type: "VolunteerServiceCredential", Format: credentials.FormatJWT, Credential: raw, Hash: hex.EncodeToString(sum[:]),
		ValidFrom: now, IssuedAt: now, State: credentials.StateActive, UpdatedAt: now}
	if err := st.CreateCredential(ctx, rec); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Allocate(ctx, "b", rec.ID, status.Revocation); err != nil {
		t.Fatal(err)
	}
	if _, err := issuanceLog.Append(ctx, rec.ID, sum); err != nil {
		t.Fatal(err)
	}
	p := &credentials.Parsed{Raw: raw, ID: rec.ID, Issuer: rec.IssuerDID, Format: credentials.FormatJWT}
	outcome := func() map[string]string {
		t.Helper()
		out := map[string]string{}
		for _, c := range l.Checks(ctx, p) {
			switch {
			case !c.OK:
				out[c.Name] = "failed: " + c.Message
			case c.Pending:
				out[c.Name] = "pending"
			default:
				out[c.Name] = "proven"
			}
		}
		return out
	}
	for _, tc := range []struct {
		name      string
		anchor    bool
		want      string
		maxReads  int64
		chainRead bool
	}{
		{"pending/queued", false, "pending", 2, true},
		{"ok/proven", true, "proven", 2, true},
		{"ok/proven-from-cache", false, "proven", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.anchor {
				for i := 0; ; i++ {
					res, err := worker.TickReport(ctx)
					if err != nil {
						t.Fatal(err)
					}
					if res.TxHash != "" {
						if _, err := chainReg.Wait(ctx, res.TxHash); err != nil {
							t.Fatal(err)
						}
					}
					if n, _ := worker.Backlog(ctx); n == 0 {
						break
					}
					if i > 20 {
						t.Fatal("anchors not confirmed after 20 ticks")
					}
				}
			}
			before := reg.reads.Load()
			got := outcome()
			for _, name := range []string{ledger.CheckStatusAnchor, ledger.CheckIssuanceAnchor} {
				if got[name] != tc.want {
					t.Errorf("%s: %s, want %s", name, got[name], tc.want)
				}
			}
			reads := reg.reads.Load() - before
			if reads > tc.maxReads || (tc.chainRead && reads == 0) {
				t.Errorf("%d anchor reads from the chain, want at most %d (and some: %v)", reads, tc.maxReads, tc.chainRead)
			}
		})
	}

	t.Run("ok/not-ours-reads-nothing", func(t *testing.T) {
		before := reg.reads.Load()
		other := &credentials.Parsed{Raw: raw, ID: "urn:uuid:invented", Issuer: rec.IssuerDID, Format: credentials.FormatJWT}
		for _, c := range l.Checks(ctx, other) {
			if c.Name == ledger.CheckStatusAnchor || c.Name == ledger.CheckIssuanceAnchor {
				t.Errorf("anchor check for a credential that is not ours: %+v", c)
			}
		}
		if n := reg.reads.Load() - before; n != 0 {
			t.Errorf("%d anchor reads for a credential that is not ours", n)
		}
	})
}
