package app_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/citizencloud/citizencredentials/app"
	"github.com/citizencloud/citizencredentials/chain/chaintest"
	"github.com/citizencloud/citizencredentials/sqlite/sqlitetest"
)

// manual turns off the background publisher and anchor worker so a test
// decides when they run (Main.Publish, Main.Anchor).
func manual(c *app.Config) {
	c.PublishInterval = time.Hour
	c.AnchorInterval = time.Hour
	c.PublicURL = "https://citizen.example"
}

const (
	revokeQ    = `mutation($id: ID!, $r: String!) { revokeCredential(id: $id, reason: $r) { id state stateReason } }`
	suspendQ   = `mutation($id: ID!, $r: String!) { suspendCredential(id: $id, reason: $r) { id state } }`
	reinstateQ = `mutation($id: ID!, $r: String!) { reinstateCredential(id: $id, reason: $r) { id state } }`
	auditQ     = `query($id: ID!) { auditTrail(credentialId: $id) { action actor reason } }`
	anchorsQ   = `query($after: String) { anchors(first: 500, after: $after) { backlog edges { node { id kind state txHash block listId version } } pageInfo { endCursor hasNextPage } } }`
)

func (s *testServer) publishAndAnchor(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.Publish(ctx); err != nil {
		t.Fatalf("publish: %v", err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) { // submit, wait for the block, confirm
		if _, err := s.Anchor(ctx); err != nil {
			t.Fatalf("anchor: %v", err)
		}
		if n, _ := s.Backlog(ctx); n == 0 {
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	n, _ := s.Backlog(ctx)
	t.Fatalf("backlog still %d after anchoring", n)
}

func (s *testServer) issueVolunteer(t *testing.T, apiKey, holder string) issued {
	t.Helper()
	var c issued
	s.must(t, apiKey, issueQ, map[string]any{"in": map[string]any{"type": "VolunteerServiceCredential", "subjectDid": holder, "claims": volunteerClaims()}}, "issueCredential", &c)
	return c
}

func TestStatusLifecycleAndAnchors(t *testing.T) {
	dir := t.TempDir()
	s := startServer(t, dir, manual)
	b := s.createBureau(t, "volunteer-office", "VolunteerServiceCredential")
	holder, _ := newHolderDID(t)
	cred := s.issueVolunteer(t, b.APIKey, holder)
	s.publishAndAnchor(t)

	t.Run("ok/fresh-and-anchored", func(t *testing.T) {
		v := s.verify(t, cred.Credential)
		if !v.Verified {
			t.Fatalf("%+v", v.Checks)
		}
		for _, name := range []string{"issuer_trusted", "status", "status_anchor", "issuance_anchor"} {
			if ok, found, msg := v.check(name); !found || !ok {
				t.Fatalf("%s: found=%v ok=%v %s", name, found, ok, msg)
			}
		}
		if _, _, msg := v.check("issuance_anchor"); !strings.Contains(msg, "block") {
			t.Fatalf("issuance_anchor does not name the block: %s", msg)
		}
		var withAnchor struct {
			Anchor *struct {
				Block  int
				TxHash string
			}
		}
		s.must(t, "", `query($c: String!) { verifyCredential(credential: $c) { anchor { block txHash } } }`, map[string]any{"c": cred.Credential}, "verifyCredential", &withAnchor)
		if withAnchor.Anchor == nil || withAnchor.Anchor.Block == 0 || withAnchor.Anchor.TxHash == "" {
			t.Fatalf("verifyCredential.anchor: %+v", withAnchor.Anchor)
		}
	})

	t.Run("suspend-reinstate-revoke", func(t *testing.T) {
		s.must(t, b.APIKey, suspendQ, map[string]any{"id": cred.ID, "r": "under review"}, "suspendCredential", &struct{}{})
		v := s.verify(t, cred.Credential)
		if ok, _, msg := v.check("status"); v.Verified || ok || !strings.Contains(msg, "suspended") || !strings.Contains(msg, "under review") {
			t.Fatalf("suspended: %v %s", ok, msg)
		}
		s.must(t, b.APIKey, reinstateQ, map[string]any{"id": cred.ID, "r": "review passed"}, "reinstateCredential", &struct{}{})
		if v := s.verify(t, cred.Credential); !v.Verified {
			t.Fatalf("reinstated: %+v", v.Checks)
		}
		s.must(t, b.APIKey, revokeQ, map[string]any{"id": cred.ID, "r": "hours were misreported"}, "revokeCredential", &struct{}{})
		v = s.verify(t, cred.Credential)
		if ok, _, msg := v.check("status"); v.Verified || ok || !strings.Contains(msg, "revoked") || !strings.Contains(msg, "hours were misreported") {
			t.Fatalf("revoked: %v %s", ok, msg)
		}
		if r := s.do(t, b.APIKey, reinstateQ, map[string]any{"id": cred.ID, "r": "oops"}); r.code() != "CONFLICT" {
			t.Fatalf("reinstating a revoked credential: %q", r.code())
		}
		if r := s.do(t, b.APIKey, revokeQ, map[string]any{"id": cred.ID, "r": "again"}); r.code() != "CONFLICT" {
			t.Fatalf("revoking twice: %q", r.code())
		}
		var trail []struct{ Action, Actor, Reason string }
		s.must(t, b.APIKey, auditQ, map[string]any{"id": cred.ID}, "auditTrail", &trail)
		var actions []string
		for _, e := range trail {
			actions = append(actions, e.Action)
		}
		if got := strings.Join(actions, ","); got != "issued,suspended,reinstated,revoked" {
			t.Fatalf("audit trail %s", got)
		}
	})

	t.Run("fail/other-bureau-cannot-revoke", func(t *testing.T) {
		other := s.createBureau(t, "other-office", "VolunteerServiceCredential")
		c := s.issueVolunteer(t, b.APIKey, holder)
		if r := s.do(t, other.APIKey, revokeQ, map[string]any{"id": c.ID, "r": "x"}); r.code() != "FORBIDDEN" {
			t.Fatalf("got %q", r.code())
		}
		if r := s.do(t, "", revokeQ, map[string]any{"id": c.ID, "r": "x"}); r.code() != "UNAUTHENTICATED" {
			t.Fatalf("got %q", r.code())
		}
	})

	t.Run("status-list-http-and-versions", func(t *testing.T) {
		s.publishAndAnchor(t)
		_, payload, _ := splitJWS(t, cred.Credential)
		entry := payload["credentialStatus"].([]any)[0].(map[string]any)
		listURL := entry["statusListCredential"].(string)
		listID := listURL[strings.LastIndex(listURL, "/")+1:]
		for _, q := range []string{"", "?version=1"} {
			resp, err := http.Get(s.URL() + "/status/" + listID + q)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/vc+jwt" {
				t.Fatalf("GET /status/%s%s: %d %s", listID, q, resp.StatusCode, resp.Header.Get("Content-Type"))
			}
		}
		var sl struct {
			Version int
			Anchor  *struct{ Block int }
		}
		s.must(t, "", `query($id: ID!) { statusList(id: $id) { version anchor { block } } }`, map[string]any{"id": listID}, "statusList", &sl)
		if sl.Version < 2 || sl.Anchor == nil || sl.Anchor.Block == 0 {
			t.Fatalf("statusList: %+v", sl)
		}
	})

	t.Run("fail/status-list-altered-after-anchoring", func(t *testing.T) {
		c := s.issueVolunteer(t, b.APIKey, holder)
		s.publishAndAnchor(t)
		// Someone with access to the database file swaps the stored lists
		// for other ones.
		if n := sqlitetest.Exec(t, dir, `UPDATE status_versions SET credential = credential || 'x'`); n == 0 {
			t.Fatal("no stored status list version to alter")
		}
		v := s.verify(t, c.Credential)
		if ok, found, msg := v.check("status_anchor"); v.Verified || !found || ok || !strings.Contains(msg, "altered") {
			t.Fatalf("status_anchor: found=%v ok=%v %s", found, ok, msg)
		}
	})
}

func TestRevokeThousandOneVersionOneTransaction(t *testing.T) {
	if testing.Short() {
		t.Skip("issues and revokes 1,000 credentials")
	}
	s := startServer(t, t.TempDir(), manual)
	b := s.createBureau(t, "learning", "LifelongLearningCredential")
	holder, _ := newHolderDID(t)
	ins := make([]map[string]any, 1000)
	for i := range ins {
		ins[i] = map[string]any{"type": "LifelongLearningCredential", "subjectDid": holder,
			"claims": map[string]any{"course": "Welding", "credits": 5, "institution": "City College", "level": "EQF 4", "completedAt": "2026-05-01"}}
	}
	var out struct {
		Issued  int
		Results []struct{ Credential struct{ ID string } }
	}
	s.must(t, b.APIKey, `mutation($ins: [IssueCredentialInput!]!) { issueCredentials(inputs: $ins) { issued results { credential { id } } } }`, map[string]any{"ins": ins}, "issueCredentials", &out)
	if out.Issued != 1000 {
		t.Fatalf("issued %d", out.Issued)
	}
	s.publishAndAnchor(t)
	before := s.anchorItems(t)

	for _, r := range out.Results {
		s.must(t, b.APIKey, revokeQ, map[string]any{"id": r.Credential.ID, "r": "course accreditation withdrawn"}, "revokeCredential", &struct{}{})
	}
	ctx := context.Background()
	n, err := s.Publish(ctx)
	if err != nil || n != 1 {
		t.Fatalf("publish after 1,000 revocations: %d versions (%v), want exactly 1", n, err)
	}
	res, err := s.Anchor(ctx)
	if err != nil || res.Submitted < 1 || res.TxHash == "" {
		t.Fatalf("anchor: %+v %v", res, err)
	}
	s.publishAndAnchor(t)
	after := s.anchorItems(t)
	newItems := map[string]string{}
	for id, tx := range after {
		if _, ok := before[id]; !ok && strings.HasPrefix(id, "status:") && !strings.HasPrefix(id, "status:audit:") {
			newItems[id] = tx
		}
	}
	if len(newItems) != 1 {
		t.Fatalf("%d new status list versions anchored, want 1: %v", len(newItems), newItems)
	}
	for _, tx := range newItems {
		if tx != res.TxHash {
			t.Fatalf("the version was anchored in %s, not in the round's transaction %s", tx, res.TxHash)
		}
	}
}

// anchorItems maps outbox item id → tx hash.
func (s *testServer) anchorItems(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	var after any
	for {
		var page struct {
			Edges []struct {
				Node struct{ ID, TxHash, State string }
			}
			PageInfo struct {
				EndCursor   *string
				HasNextPage bool
			}
		}
		s.must(t, s.admin, anchorsQ, map[string]any{"after": after}, "anchors", &page)
		for _, e := range page.Edges {
			out[e.Node.ID] = e.Node.TxHash
		}
		if !page.PageInfo.HasNextPage {
			return out
		}
		after = *page.PageInfo.EndCursor
	}
}

// TestChainDownThenBack runs the service against a chain node reached over
// JSON-RPC, stops the node (an outage: connections are refused) and starts
// it again.
func TestChainDownThenBack(t *testing.T) {
	node := chaintest.StartNode(t)
	s := startServer(t, t.TempDir(), manual, func(c *app.Config) { c.ChainRPC, c.ChainKeyFile = node.URL(), node.KeyFile() })
	b := s.createBureau(t, "rescue-service", "AssistanceRecordCredential")
	holder, _ := newHolderDID(t)
	var cred issued
	s.must(t, b.APIKey, issueQ, map[string]any{"in": map[string]any{"type": "AssistanceRecordCredential", "subjectDid": holder,
		"claims": map[string]any{"kind": "rescue", "role": "boat crew", "date": "2026-07-14", "location": "North Harbour"}}}, "issueCredential", &cred)
	s.publishAndAnchor(t)

	node.Stop()
	s.must(t, b.APIKey, revokeQ, map[string]any{"id": cred.ID, "r": "issued in error"}, "revokeCredential", &struct{}{})
	ctx := context.Background()
	if _, err := s.Publish(ctx); err != nil {
		t.Fatalf("publishing must not need the chain: %v", err)
	}
	if _, err := s.Anchor(ctx); err == nil {
		t.Log("anchor round reported no error while the chain is down (items stay queued)")
	}
	if n, _ := s.Backlog(ctx); n == 0 {
		t.Fatal("no backlog while the chain is down")
	}
	resp, err := http.Get(s.URL() + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("/readyz %d while the chain is down", resp.StatusCode)
	}
	v := s.verify(t, cred.Credential)
	if ok, _, _ := v.check("status"); ok {
		t.Fatal("revocation not visible while the chain is down")
	}

	node.Start()
	s.publishAndAnchor(t)
	v = s.verify(t, cred.Credential)
	if ok, _, msg := v.check("status_anchor"); !ok || !strings.Contains(msg, "block") {
		t.Fatalf("after the chain returned: %s", msg)
	}
}

func TestRestartBetweenSubmitAndConfirm(t *testing.T) {
	dir := t.TempDir()
	s := startServer(t, dir, manual)
	b := s.createBureau(t, "donations", "CharitableDonationCredential")
	holder, _ := newHolderDID(t)
	var cred issued
	s.must(t, b.APIKey, issueQ, map[string]any{"in": map[string]any{"type": "CharitableDonationCredential", "subjectDid": holder,
		"claims": map[string]any{"amount": 250, "currency": "EUR", "recipient": "Red Cross", "donatedAt": "2026-03-03"}}}, "issueCredential", &cred)
	ctx := context.Background()
	if _, err := s.Publish(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := s.Anchor(ctx) // submits; confirmation is the next round's job
	if err != nil || res.TxHash == "" {
		t.Fatalf("submit: %+v %v", res, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s2 := startServer(t, dir, manual)
	s2.admin = s.admin
	s2.publishAndAnchor(t)
	// Each version (the revocation and the suspension list), the log root
	// and the bureau's audit chain head is confirmed once. Either the
	// transaction sent before the restart was mined, or the restarted
	// worker sent the same anchors again at once (a node that stopped with
	// us may have lost it); the contract keeps the first and makes the
	// repeat a no-op, so every item names one of the two transactions.
	items := s2.anchorItems(t)
	if len(items) != 4 {
		t.Fatalf("%d anchors, want 2 list versions, 1 log root and 1 audit head: %v", len(items), items)
	}
	txs := map[string]bool{}
	for id, tx := range items {
		if tx == "" {
			t.Fatalf("%s confirmed without a transaction", id)
		}
		txs[tx] = true
	}
	if len(txs) > 2 || (len(txs) == 2 && !txs[res.TxHash]) {
		t.Fatalf("anchors confirmed by %d transactions %v; want the one sent before the restart (%s) and at most one resubmission", len(txs), txs, res.TxHash)
	}
	v := s2.verify(t, cred.Credential)
	for _, name := range []string{"status_anchor", "issuance_anchor"} {
		if ok, _, msg := v.check(name); !ok || !strings.Contains(msg, "block") {
			t.Fatalf("%s after restart: %s", name, msg)
		}
	}
}

// TestAnchorPendingThenProven: right after issuance the credential's status
// lists can be fetched (version 1 was published before the credential was
// returned) and the anchor checks are pending, not failed and not proven:
// the result is verified and says anchoring is still pending. Once anchored
// every check is proven.
func TestAnchorPendingThenProven(t *testing.T) {
	s := startServer(t, t.TempDir(), manual)
	b := s.createBureau(t, "parks-office", "VolunteerServiceCredential")
	holder, _ := newHolderDID(t)
	cred := s.issueVolunteer(t, b.APIKey, holder)

	_, payload, _ := splitJWS(t, cred.Credential)
	for _, e := range payload["credentialStatus"].([]any) {
		listURL := e.(map[string]any)["statusListCredential"].(string)
		resp, err := http.Get(s.URL() + "/status/" + listURL[strings.LastIndex(listURL, "/")+1:])
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s before any publishing round: %d", listURL, resp.StatusCode)
		}
	}

	const q = `query($c: String!) { verifyCredential(credential: $c) { verified pending message checks { name ok status message } } }`
	type result struct {
		Verified, Pending bool
		Message           string
		Checks            []struct {
			Name, Status, Message string
			OK                    bool
		}
	}
	statusOf := func(r result) map[string]string {
		out := map[string]string{}
		for _, c := range r.Checks {
			if prev, seen := out[c.Name]; !seen || prev == "PROVEN" {
				out[c.Name] = c.Status
			}
			if c.OK != (c.Status != "FAILED") {
				t.Fatalf("%s: ok %v with status %s", c.Name, c.OK, c.Status)
			}
		}
		return out
	}
	for _, tc := range []struct {
		name    string
		anchor  bool
		pending bool
		want    map[string]string
		message string
	}{
		{"pending/queued", false, true, map[string]string{"signature": "PROVEN", "status": "PROVEN", "status_anchor": "PENDING", "issuance_anchor": "PENDING"}, "anchoring is still pending"},
		{"ok/anchored", true, false, map[string]string{"signature": "PROVEN", "status": "PROVEN", "status_anchor": "PROVEN", "issuance_anchor": "PROVEN"}, "every check is proven"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.anchor {
				s.publishAndAnchor(t)
			}
			var r result
			s.must(t, "", q, map[string]any{"c": cred.Credential}, "verifyCredential", &r)
			got := statusOf(r)
			for name, want := range tc.want {
				if got[name] != want {
					t.Errorf("%s: %s, want %s (%+v)", name, got[name], want, r.Checks)
				}
			}
			if !r.Verified || r.Pending != tc.pending || !strings.Contains(r.Message, tc.message) {
				t.Fatalf("verified %v pending %v message %q", r.Verified, r.Pending, r.Message)
			}
		})
	}
}

// TestKeyRotationSeenByVerification: the bureau's DID document is cached
// for verification, and a rotation drops it at once: a credential signed
// with the new key verifies right after the rotation, and one signed with
// the retired key still does.
func TestKeyRotationSeenByVerification(t *testing.T) {
	s := startServer(t, t.TempDir(), manual)
	b := s.createBureau(t, "rotating-office", "VolunteerServiceCredential")
	holder, _ := newHolderDID(t)
	before := s.issueVolunteer(t, b.APIKey, holder)
	if ok, _, msg := s.verify(t, before.Credential).check("signature"); !ok {
		t.Fatalf("before the rotation: %s", msg)
	}
	s.must(t, s.admin, `mutation($id: ID!) { rotateBureauKey(bureauId: $id) { id } }`, map[string]any{"id": b.Bureau.ID}, "rotateBureauKey", &struct{}{})
	after := s.issueVolunteer(t, b.APIKey, holder)
	for name, cred := range map[string]string{"new key": after.Credential, "retired key": before.Credential} {
		if ok, _, msg := s.verify(t, cred).check("signature"); !ok {
			t.Errorf("%s, right after the rotation: %s", name, msg)
		}
	}
}
