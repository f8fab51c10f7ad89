package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/citizencloud/citizencredentials/anchor"
	"github.com/citizencloud/citizencredentials/app"
	"github.com/citizencloud/citizencredentials/chain"
	"github.com/citizencloud/citizencredentials/chain/chaintest"
	"github.com/citizencloud/citizencredentials/sqlite/sqlitetest"
)

const verifyMemberQ = `query($c: String!) { verifyCredential(credential: $c) { verified pending checks { name ok status message member block } } }`

type memberCheck struct {
	Name, Status, Message, Member string
	OK                            bool
	Block                         *int64
}

type memberResult struct {
	Verified, Pending bool
	Checks            []memberCheck
}

func (r memberResult) check(t *testing.T, name string) memberCheck {
	t.Helper()
	var found *memberCheck
	for i, c := range r.Checks {
		if c.Name == name && (found == nil || found.Status == "PROVEN") {
			found = &r.Checks[i]
		}
	}
	if found == nil {
		t.Fatalf("no %s check in %+v", name, r.Checks)
	}
	return *found
}

// TestConsortiumRemoteVerification: node A (founding member) and node B
// share one chain, run as a separate node; B verifies A's credentials
// trusting only the chain and A's public endpoints, as issue 12 point 3
// asks: every check proven and naming A and a block, a revocation on A
// shows on B once anchored, a tampered list served by A fails
// status_anchor naming A and the block, and with A stopped B verifies from
// its chain-verified copies "as of block N".
func TestConsortiumRemoteVerification(t *testing.T) {
	node := chaintest.StartNode(t)
	chainA := func(c *app.Config) {
		c.ChainRPC, c.ChainKeyFile, c.ChainPoll = node.URL(), node.KeyFile(), 20*time.Millisecond
		c.MemberName = "dept-a"
	}
	dirA := t.TempDir()
	a := startServer(t, dirA, manual, chainA, func(c *app.Config) { c.PublicURL = "" })
	addrFiles, _ := filepath.Glob(filepath.Join(dirA, "registry-*.address"))
	if len(addrFiles) != 1 {
		t.Fatalf("registry address files of A: %v", addrFiles)
	}
	addr, err := os.ReadFile(addrFiles[0])
	if err != nil {
		t.Fatal(err)
	}
	// B verifies without being a member: reading the chain needs none.
	keyFileB := filepath.Join(t.TempDir(), "b.key")
	if err := chain.SaveKey(keyFileB, chaintest.FundedKey(t, node.Dev())); err != nil {
		t.Fatal(err)
	}
	b := startServer(t, t.TempDir(), manual, func(c *app.Config) {
		c.ChainRPC, c.ChainKeyFile, c.ChainPoll = node.URL(), keyFileB, 20*time.Millisecond
		c.RegistryAddress = strings.TrimSpace(string(addr))
		c.PublicURL = ""
		c.ConsortiumAllowPrivate = true // A is on 127.0.0.1
	})

	bureau := a.createBureau(t, "parks", "VolunteerServiceCredential")
	holder, _ := newHolderDID(t)
	kept := a.issueVolunteer(t, bureau.APIKey, holder)    // never revoked
	revoked := a.issueVolunteer(t, bureau.APIKey, holder) // revoked below
	other := a.issueVolunteer(t, bureau.APIKey, holder)   // revoked to make a version B has not seen
	issueAs := func(format string) issued {
		var c issued
		a.must(t, bureau.APIKey, issueQ, map[string]any{"in": map[string]any{"type": "VolunteerServiceCredential", "subjectDid": holder, "claims": volunteerClaims(), "format": format}}, "issueCredential", &c)
		return c
	}
	sdJWT, dataIntegrity := issueAs("SD_JWT"), issueAs("DATA_INTEGRITY")
	a.publishAndAnchor(t)

	verifyOnB := func(t *testing.T, cred string) memberResult {
		t.Helper()
		var r memberResult
		b.must(t, "", verifyMemberQ, map[string]any{"c": cred}, "verifyCredential", &r)
		return r
	}
	chainChecks := []string{"issuer_trusted", "status", "status_anchor", "issuance_anchor"}

	t.Run("ok/every-check-proven-on-B", func(t *testing.T) {
		for _, cred := range []issued{kept, revoked} {
			r := verifyOnB(t, cred.Credential)
			if !r.Verified || r.Pending {
				t.Fatalf("verified %v pending %v: %+v", r.Verified, r.Pending, r.Checks)
			}
			for _, c := range r.Checks {
				if c.Status != "PROVEN" {
					t.Errorf("%s is %s: %s", c.Name, c.Status, c.Message)
				}
			}
			for _, name := range chainChecks {
				c := r.check(t, name)
				if c.Member != "dept-a" || c.Block == nil || *c.Block == 0 {
					t.Errorf("%s names member %q block %v: %s", name, c.Member, c.Block, c.Message)
				}
			}
		}
	})

	t.Run("ok/A-names-itself-in-the-checks-of-its-own-credentials", func(t *testing.T) {
		var r memberResult
		a.must(t, "", verifyMemberQ, map[string]any{"c": kept.Credential}, "verifyCredential", &r)
		for _, name := range []string{"issuer_trusted", "status_anchor", "issuance_anchor"} {
			if c := r.check(t, name); c.Status != "PROVEN" || c.Member != "dept-a" {
				t.Errorf("%s on A: %+v", name, c)
			}
		}
		for _, name := range []string{"status_anchor", "issuance_anchor"} {
			if c := r.check(t, name); c.Block == nil || *c.Block == 0 {
				t.Errorf("%s on A names no block: %+v", name, c)
			}
		}
	})

	// The log leaf of an SD-JWT is its issuer-signed JWT and that of a
	// JSON credential its JCS form (anchor.LeafDigest), so B proves the
	// issuance of what a holder presents: fewer disclosures, another
	// serialisation.
	t.Run("ok/sd-jwt-with-fewer-disclosures-and-reserialised-data-integrity-proven-on-B", func(t *testing.T) {
		parts := strings.Split(strings.TrimSuffix(sdJWT.Credential, "~"), "~")
		if len(parts) < 3 {
			t.Fatalf("the SD-JWT has %d disclosures", len(parts)-1)
		}
		fewer := strings.Join(parts[:len(parts)-1], "~") + "~"
		var doc any
		if err := json.Unmarshal([]byte(dataIntegrity.Credential), &doc); err != nil {
			t.Fatal(err)
		}
		reserialised, err := json.MarshalIndent(doc, "", "    ")
		if err != nil {
			t.Fatal(err)
		}
		for name, cred := range map[string]string{"sd-jwt": fewer, "data-integrity": string(reserialised)} {
			r := verifyOnB(t, cred)
			if c := r.check(t, "issuance_anchor"); c.Status != "PROVEN" || c.Member != "dept-a" {
				t.Errorf("%s: issuance_anchor on B: %+v", name, c)
			}
			if !r.Verified {
				t.Errorf("%s: not verified on B: %+v", name, r.Checks)
			}
		}
	})

	t.Run("fail/revocation-on-A-shows-on-B-once-anchored", func(t *testing.T) {
		a.must(t, bureau.APIKey, revokeQ, map[string]any{"id": revoked.ID, "r": "test revocation"}, "revokeCredential", &struct{}{})
		if c := verifyOnB(t, revoked.Credential).check(t, "status"); !c.OK {
			t.Fatalf("revoked before the new version is anchored: %s", c.Message)
		}
		a.publishAndAnchor(t)
		r := verifyOnB(t, revoked.Credential)
		c := r.check(t, "status")
		if r.Verified || c.OK || !strings.Contains(c.Message, "revoked by the issuer as of block") || c.Member != "dept-a" {
			t.Fatalf("status on B after anchoring: %+v", c)
		}
		if c := verifyOnB(t, kept.Credential).check(t, "status"); c.Status != "PROVEN" {
			t.Fatalf("the credential kept: %+v", c)
		}
	})

	t.Run("fail/tampered-list-served-by-A", func(t *testing.T) {
		a.must(t, bureau.APIKey, revokeQ, map[string]any{"id": other.ID, "r": "test revocation"}, "revokeCredential", &struct{}{})
		a.publishAndAnchor(t)
		latest := `(list_id, version) IN (SELECT list_id, MAX(version) FROM status_versions GROUP BY list_id)`
		if n := sqlitetest.Exec(t, dirA, `UPDATE status_versions SET credential = credential || 'x' WHERE `+latest); n == 0 {
			t.Fatal("nothing tampered")
		}
		r := verifyOnB(t, kept.Credential)
		c := r.check(t, "status_anchor")
		if r.Verified || c.OK || !strings.Contains(c.Message, "tampered with or rolled back") || !strings.Contains(c.Message, "member dept-a") ||
			c.Block == nil || !strings.Contains(c.Message, fmt.Sprintf("block %d", *c.Block)) {
			t.Fatalf("status_anchor of a tampered list: %+v", c)
		}
		sqlitetest.Exec(t, dirA, `UPDATE status_versions SET credential = substr(credential, 1, length(credential) - 1) WHERE `+latest)
		if c := verifyOnB(t, kept.Credential).check(t, "status_anchor"); c.Status != "PROVEN" {
			t.Fatalf("status_anchor once A serves the anchored list again: %+v", c)
		}
	})

	t.Run("ok/A-down-B-verifies-from-chain-verified-copies", func(t *testing.T) {
		if err := a.Close(); err != nil {
			t.Fatal(err)
		}
		r := verifyOnB(t, kept.Credential)
		if !r.Verified {
			t.Fatalf("with A down: %+v", r.Checks)
		}
		c := r.check(t, "status")
		if c.Status != "PROVEN" || c.Block == nil || !strings.Contains(c.Message, fmt.Sprintf("as of block %d (chain-verified copy", *c.Block)) {
			t.Fatalf("status with A down: %+v", c)
		}
		for _, name := range chainChecks {
			if c := r.check(t, name); c.Status != "PROVEN" || c.Member != "dept-a" {
				t.Errorf("%s with A down: %+v", name, c)
			}
		}

		// A version of the list anchored in A's namespace that B cannot
		// fetch while A is down: B says which older chain-verified copy it
		// used, and that it is not final.
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		key, err := chain.LoadKey(node.KeyFile())
		if err != nil {
			t.Fatal(err)
		}
		regA, err := chain.Join(ctx, node.Dev().Client(), key, common.HexToAddress(strings.TrimSpace(string(addr))), chain.WithMaxPollInterval(chaintest.PollInterval))
		if err != nil {
			t.Fatal(err)
		}
		listID := revocationList(t, kept.Credential)
		v, a, ok, err := regA.LatestStatusAnchor(ctx, regA.Self(), listID)
		if err != nil || !ok {
			t.Fatalf("latest anchor of the list: %v %v", ok, err)
		}
		tx, err := regA.Anchor(ctx, []anchor.StatusAnchor{{ListID: listID, Version: v + 1, Digest: [32]byte{1}}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := regA.Wait(ctx, tx); err != nil {
			t.Fatal(err)
		}
		r = verifyOnB(t, kept.Credential)
		c = r.check(t, "status")
		if !r.Verified || !r.Pending || c.Status != "PENDING" ||
			!strings.Contains(c.Message, fmt.Sprintf("not revoked as of block %d (member unreachable; chain-verified copy of version %d, not the latest)", a.Block, v)) {
			t.Fatalf("status with A down and a newer version anchored: verified %v pending %v %+v", r.Verified, r.Pending, c)
		}
		if c := r.check(t, "status_anchor"); c.Status != "PENDING" || !strings.Contains(c.Message, "member dept-a is unreachable") {
			t.Fatalf("status_anchor with A down and a newer version anchored: %+v", c)
		}
	})
}

// revocationList returns the id of the revocation list of a vc+jwt.
func revocationList(t *testing.T, cred string) string {
	t.Helper()
	_, payload, _ := splitJWS(t, cred)
	for _, e := range payload["credentialStatus"].([]any) {
		m := e.(map[string]any)
		if m["statusPurpose"] == "revocation" {
			u := m["statusListCredential"].(string)
			return u[strings.LastIndex(u, "/")+1:]
		}
	}
	t.Fatal("no revocation entry")
	return ""
}
