package ledger_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/citizencloud/citizencredentials/anchor"
	"github.com/citizencloud/citizencredentials/chain/chaintest"
	"github.com/citizencloud/citizencredentials/credentials"
	"github.com/citizencloud/citizencredentials/ledger"
	"github.com/citizencloud/citizencredentials/sqlite"
	"github.com/citizencloud/citizencredentials/status"
)

// TestRemoteIssuersGoToTheRemoteVerifier: with a remote verifier
// configured, a credential of one of our bureaus gets the ledger's own
// checks and one of another issuer gets the remote verifier's, and only
// those.
func TestRemoteIssuersGoToTheRemoteVerifier(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	_, reg := chaintest.Open(t)
	now := time.Now().UTC()
	local := &credentials.Bureau{ID: "b1", Name: "Parks", Slug: "parks", DID: "did:web:citizen.example:bureaus:parks", Active: true, CreatedAt: now, UpdatedAt: now}
	if err := st.CreateBureau(ctx, local); err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	remote := credentials.ExtensionFunc(func(ctx context.Context, p *credentials.Parsed) []credentials.Check {
		return []credentials.Check{{Name: ledger.CheckIssuerTrusted, OK: true, Message: "remote", Member: "other-dept", Block: 7}}
	})
	l, err := ledger.New(ledger.Config{Credentials: st, Keys: st, Status: status.NewService(st, signer{}), Lists: st, Anchors: st, Reads: st,
		Log: anchor.NewLog(st), Registry: reg, BaseURL: "https://citizen.example", Logger: quiet, Remote: remote})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, issuer string
		remote       bool
	}{
		{"ok/local-bureau", local.DID, false},
		{"ok/other-member", "did:web:other.example:bureaus:roads", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checks := l.Checks(ctx, &credentials.Parsed{Raw: "a.b.c", ID: "urn:uuid:x", Issuer: tc.issuer, Format: credentials.FormatJWT})
			gotRemote := len(checks) == 1 && checks[0].Message == "remote" && checks[0].Member == "other-dept"
			if gotRemote != tc.remote {
				t.Fatalf("remote %v, want %v: %+v", gotRemote, tc.remote, checks)
			}
		})
	}
}
