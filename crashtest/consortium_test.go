package crashtest_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/citizencloud/citizencredentials/chain/chaintest"
	"github.com/citizencloud/citizencredentials/sqlite/sqlitetest"
)

// The consortium story with real processes: one geth --dev chain, and
// vcserve members A, B and (later) C, each with its own data directory
// and member account, on one registry contract.
//
// A founds the consortium and admits B; B verifies A's credential trusting
// only the chain; A revokes and B sees it once anchored; with A down B
// verifies from the chain-verified list it cached; C is admitted by a vote
// of A and B and its anchors appear; A serves a tampered list and rewrites
// its log: B's status_anchor fails naming A, and the monitor reports both.
func TestConsortiumProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("the consortium processes test builds geth and runs three vcserve processes (run without -short)")
	}
	rpcURL := startGeth(t)
	deadline := time.Now().Add(10 * time.Minute)
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()

	a := newMember(t, "A", rpcURL, "")
	a.start()
	registry := a.registryAddress(t)
	t.Logf("A founded the consortium registry %s", registry)
	b := newMember(t, "B", rpcURL, registry)
	b.start()

	// B is not a member yet: A (the only member) admits it alone.
	var prop proposalOut
	a.must(t, a.admin, proposeQ, map[string]any{"account": b.account, "name": "B", "url": b.url}, "proposeMember", &prop)
	if !prop.Executed {
		t.Fatalf("A alone admitting B: proposal %s not executed", prop.ID)
	}

	// A's bureau issues two credentials; both get anchored in A's namespace.
	var bureau struct{ APIKey string }
	a.must(t, a.admin, createBureauQ, map[string]any{"in": map[string]any{"name": "Volunteer Office", "slug": "volunteer-office", "allowedTypes": []string{credType}}}, "createBureau", &bureau)
	creds := issueSome(t, a, bureau.APIKey, 2)
	first, second := creds[0], creds[1]
	waitChecks(t, ctx, a, first.Credential, allProven)

	// B verifies A's credential with every check proven, each naming A.
	res := waitChecks(t, ctx, b, first.Credential, allProven)
	for _, c := range res.Checks {
		if isChainCheck(c.Name) && (c.Member == nil || *c.Member != "A" || c.Block == nil) {
			t.Errorf("B's %s check does not name member A and a block: %+v", c.Name, c)
		}
	}

	// A revokes; once anchored, B says revoked.
	var revoked struct{ State string }
	a.must(t, bureau.APIKey, revokeQ, map[string]any{"id": first.ID, "r": "consortium test"}, "revokeCredential", &revoked)
	waitChecks(t, ctx, b, first.Credential, revokedOnly)

	// A logs one more credential, so its log has two anchored roots whose
	// consistency the monitor checks.
	third := issueSome(t, a, bureau.APIKey, 1)[0]
	waitChecks(t, ctx, a, third.Credential, allProven)

	// The monitor finds every member consistent.
	if out, code := runAudit(t, rpcURL, registry); code != 0 {
		t.Fatalf("vcctl audit consortium exited %d on a consistent consortium:\n%s", code, out)
	}

	// A is down: B verifies from the chain-verified copy and says so.
	a.stop()
	res = waitChecks(t, ctx, b, first.Credential, revokedOnly)
	if ok, msg := checkOf(res, "status_anchor"); !ok || !strings.Contains(msg, "as of block") {
		t.Errorf("with A down, B's status_anchor should say it used the cached list as of a block: %v %s", ok, msg)
	}
	a.start()

	// C is admitted by a vote of A and B (a majority of two), and anchors.
	c := newMember(t, "C", rpcURL, registry)
	c.start()
	a.must(t, a.admin, proposeQ, map[string]any{"account": c.account, "name": "C", "url": c.url}, "proposeMember", &prop)
	if prop.Executed {
		t.Fatalf("one approval of two members executed the admission of C")
	}
	b.must(t, b.admin, approveQ, map[string]any{"id": prop.ID}, "approveProposal", &prop)
	if !prop.Executed {
		t.Fatalf("approvals of A and B did not admit C: %+v", prop)
	}
	var cBureau struct{ APIKey string }
	c.must(t, c.admin, createBureauQ, map[string]any{"in": map[string]any{"name": "Learning Office", "slug": "learning-office", "allowedTypes": []string{credType}}}, "createBureau", &cBureau)
	cCred := issueSome(t, c, cBureau.APIKey, 1)[0]
	waitChecks(t, ctx, b, cCred.Credential, allProven)
	out, code := runAudit(t, rpcURL, registry)
	if code != 0 || !strings.Contains(out, "C") {
		t.Fatalf("vcctl audit consortium after C's anchors (exit %d):\n%s", code, out)
	}

	// A revokes the second credential (a new list version B has not seen),
	// then, once it is anchored, tampers with that version and rewrites a
	// leaf of its issuance log.
	list := revocationListOf(t, second.Credential)
	seen := latestVersion(t, a, list).Version
	a.must(t, bureau.APIKey, revokeQ, map[string]any{"id": second.ID, "r": "consortium test"}, "revokeCredential", &revoked)
	fresh := waitAnchoredVersion(t, ctx, a, list, seen)
	a.stop()
	tamperList(t, a.dataDir, list, fresh)
	rewriteLog(t, a.dataDir)
	a.start()
	res = verifyOn(t, b, second.Credential)
	if ok, msg := checkOf(res, "status_anchor"); ok || !strings.Contains(msg, "A") {
		t.Errorf("B's status_anchor should fail naming A for a tampered list: %v %s", ok, msg)
	}
	out, code = runAudit(t, rpcURL, registry)
	if code != 1 {
		t.Fatalf("vcctl audit consortium exited %d, want 1 for a tampered list and a rewritten log:\n%s", code, out)
	}
	for _, want := range []string{"status list", "consisten"} {
		if !strings.Contains(strings.ToLower(out), want) {
			t.Errorf("the audit does not report the %q problem:\n%s", want, out)
		}
	}
	t.Logf("audit of the altered consortium:\n%s", out)
}

const (
	proposeQ = `mutation($account: String!, $name: String!, $url: String!) { proposeMember(account: $account, name: $name, baseURL: $url) { id executed } }`
	approveQ = `mutation($id: ID!) { approveProposal(id: $id) { id executed } }`
	issueQ   = `mutation($ins: [IssueCredentialInput!]!) { issueCredentials(inputs: $ins) { results { credential { id credential } error { code message } } } }`
	verifyCQ = `query($c: String!) { verifyCredential(credential: $c) { verified checks { name ok status message member block } } }`
)

type proposalOut struct {
	ID       string
	Executed bool
}

type issued struct{ ID, Credential string }

type checkOut struct {
	Name, Status, Message string
	OK                    bool
	Member                *string
	Block                 *int
}

type verifyOut struct {
	Verified bool
	Checks   []checkOut
}

func isChainCheck(name string) bool {
	switch name {
	case "issuer_trusted", "status_anchor", "issuance_anchor":
		return true
	}
	return false
}

// member is one vcserve process of the consortium with its own account.
type member struct {
	*proc
	account string
}

// newMember prepares a vcserve member on the chain at rpcURL, joining the
// registry (founding one when registry is empty), listening on a fixed
// port so that its public URL is where other members reach it.
func newMember(t *testing.T, name, rpcURL, registry string) *member {
	t.Helper()
	key := chaintest.FundedKeyFrom(t, rpcURL)
	keyFile := filepath.Join(t.TempDir(), "member.key")
	if err := os.WriteFile(keyFile, []byte(hex.EncodeToString(crypto.FromECDSA(key))), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	args := []string{"--addr", addr, "--public-url", "http://" + addr, "--chain-rpc", rpcURL, "--chain-key", keyFile,
		"--member-name", name, "--consortium-allow-private", "--publish-interval", "300ms", "--anchor-interval", "300ms",
		"--rate-anonymous", "0", "--rate-key", "0"}
	if registry != "" {
		args = append(args, "--registry-address", registry)
	}
	p := newProc(t, name, t.TempDir(), args...)
	return &member{proc: p, account: crypto.PubkeyToAddress(key.PublicKey).Hex()}
}

// stop ends the process with SIGTERM (a clean stop) and waits.
func (m *member) stop() {
	m.t.Helper()
	if err := m.cmd.Process.Signal(os.Interrupt); err != nil {
		m.t.Fatalf("%s: stop: %v", m.name, err)
	}
	select {
	case <-m.done:
	case <-time.After(time.Minute):
		m.kill()
	}
}

// registryAddress reads the registry address the founding member wrote.
func (m *member) registryAddress(t *testing.T) string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(m.dataDir, "registry-*.address"))
	if err != nil || len(files) != 1 {
		t.Fatalf("%s: registry address file: %v %v", m.name, files, err)
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

func issueSome(t *testing.T, m *member, apiKey string, n int) []issued {
	t.Helper()
	ins := make([]map[string]any, n)
	for i := range ins {
		ins[i] = map[string]any{"type": credType, "subjectDid": holderDID,
			"claims": map[string]any{"hours": 10 + i, "organization": "City Food Bank", "activity": "Food distribution", "periodStart": "2026-01-01", "periodEnd": "2026-06-30"}}
	}
	var out struct {
		Results []struct {
			Credential *issued
			Error      *struct{ Code, Message string }
		}
	}
	m.must(t, apiKey, issueQ, map[string]any{"ins": ins}, "issueCredentials", &out)
	var creds []issued
	for _, r := range out.Results {
		if r.Credential == nil {
			t.Fatalf("%s issue: %+v", m.name, r.Error)
		}
		creds = append(creds, *r.Credential)
	}
	return creds
}

func verifyOn(t *testing.T, m *member, cred string) verifyOut {
	t.Helper()
	var out verifyOut
	m.must(t, "", verifyCQ, map[string]any{"c": cred}, "verifyCredential", &out)
	return out
}

func checkOf(v verifyOut, name string) (bool, string) {
	for _, c := range v.Checks {
		if c.Name == name {
			return c.OK && c.Status == "PROVEN", c.Message
		}
	}
	return false, "no " + name + " check"
}

// allProven: verified with every check proven.
func allProven(v verifyOut) string {
	var bad []string
	for _, c := range v.Checks {
		if c.Status != "PROVEN" {
			bad = append(bad, c.Name+" "+c.Status+": "+c.Message)
		}
	}
	if !v.Verified && len(bad) == 0 {
		bad = append(bad, "not verified")
	}
	return strings.Join(bad, "; ")
}

// revokedOnly: the status check fails with "revoked", every other check is
// proven.
func revokedOnly(v verifyOut) string {
	var bad []string
	for _, c := range v.Checks {
		switch {
		case c.Name == "status":
			if c.OK || !strings.Contains(c.Message, "revoked") {
				bad = append(bad, "status: "+c.Message)
			}
		case c.Status != "PROVEN":
			bad = append(bad, c.Name+" "+c.Status+": "+c.Message)
		}
	}
	return strings.Join(bad, "; ")
}

// waitChecks verifies cred on m until want reports nothing wrong (anchoring
// takes a few rounds) or the context ends.
func waitChecks(t *testing.T, ctx context.Context, m *member, cred string, want func(verifyOut) string) verifyOut {
	t.Helper()
	for {
		v := verifyOn(t, m, cred)
		bad := want(v)
		if bad == "" {
			return v
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s: verification did not settle: %s\n%s", m.name, bad, m.logTail())
		case <-time.After(300 * time.Millisecond):
		}
	}
}

type anchoredList struct {
	Version int
	Anchor  *struct{ Block *int }
}

// latestVersion reads the newest published version of a status list.
func latestVersion(t *testing.T, m *member, list string) anchoredList {
	t.Helper()
	var v anchoredList
	m.must(t, m.admin, `query($id: ID!) { statusList(id: $id) { version anchor { block } } }`, map[string]any{"id": list}, "statusList", &v)
	return v
}

// waitAnchoredVersion waits until a version of list newer than after is
// published and anchored, and returns it.
func waitAnchoredVersion(t *testing.T, ctx context.Context, m *member, list string, after int) int {
	t.Helper()
	for {
		if v := latestVersion(t, m, list); v.Version > after && v.Anchor != nil && v.Anchor.Block != nil {
			return v.Version
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s: no version of list %s after %d was anchored\n%s", m.name, list, after, m.logTail())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func revocationListOf(t *testing.T, cred string) string {
	t.Helper()
	es, err := statusEntries(cred)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if e.purpose == "revocation" {
			return e.list
		}
	}
	t.Fatalf("the credential has no revocation entry: %+v", es)
	return ""
}

// tamperList changes the signature of one published status list version,
// as an operator with disk access could.
func tamperList(t *testing.T, dataDir, list string, version int) {
	t.Helper()
	n := sqlitetest.Exec(t, dataDir, `UPDATE status_versions SET credential = substr(credential, 1, length(credential) - 4) || 'AAAA'
		WHERE list_id = ? AND version = ?`, list, version)
	if n != 1 {
		t.Fatalf("tamper: %d status list versions changed", n)
	}
}

// rewriteLog replaces the first leaf of the issuance log and every stored
// tile, so the node serves a different history than the one it anchored.
func rewriteLog(t *testing.T, dataDir string) {
	t.Helper()
	other := sha256.Sum256([]byte("a rewritten history"))
	if n := sqlitetest.Exec(t, dataDir, `UPDATE log_leaves SET hash = ? WHERE idx = 0`, hex.EncodeToString(other[:])); n != 1 {
		t.Fatalf("rewrite log: %d leaves changed", n)
	}
	sqlitetest.Exec(t, dataDir, `DELETE FROM log_tiles`)
}

// runAudit runs `vcctl audit consortium` and returns its output and exit
// code.
func runAudit(t *testing.T, rpcURL, registry string) (string, int) {
	t.Helper()
	cmd := exec.Command(vcctlBinary(t), "audit", "consortium", "--chain-rpc", rpcURL, "--registry-address", registry)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0
	case errors.As(err, &exit):
		return string(out), exit.ExitCode()
	}
	t.Fatalf("vcctl audit consortium: %v\n%s", err, out)
	return "", -1
}

var (
	toolsOnce sync.Once
	toolsErr  error
	gethBin   string
	vcctlBin  string
)

// buildTools builds vcctl and, unless $CC_GETH names one, geth from the
// pinned go-ethereum, once per test binary.
func buildTools(t *testing.T) {
	t.Helper()
	vcserveBinary(t) // creates buildDir
	toolsOnce.Do(func() {
		vcctlBin = filepath.Join(buildDir, "vcctl")
		if out, err := exec.Command("go", "build", "-o", vcctlBin, "github.com/citizencloud/citizencredentials/cmd/vcctl").CombinedOutput(); err != nil {
			toolsErr = fmt.Errorf("go build ./cmd/vcctl: %v\n%s", err, out)
			return
		}
		if gethBin = os.Getenv("CC_GETH"); gethBin != "" {
			return
		}
		gethBin = filepath.Join(buildDir, "geth")
		if out, err := exec.Command("go", "build", "-o", gethBin, "github.com/ethereum/go-ethereum/cmd/geth").CombinedOutput(); err != nil {
			toolsErr = fmt.Errorf("go build geth: %v\n%s", err, out)
		}
	})
	if toolsErr != nil {
		t.Fatal(toolsErr)
	}
}

func vcctlBinary(t *testing.T) string { buildTools(t); return vcctlBin }

// startGeth runs geth --dev (blocks mined on demand) with HTTP JSON-RPC on
// 127.0.0.1 and returns its URL; it is stopped when the test ends.
func startGeth(t *testing.T) string {
	t.Helper()
	buildTools(t)
	dir := t.TempDir()
	port := strings.TrimPrefix(freeAddr(t), "127.0.0.1:")
	logf, err := os.Create(filepath.Join(dir, "geth.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(gethBin, "--dev", "--datadir", filepath.Join(dir, "data"), "--http", "--http.addr", "127.0.0.1", "--http.port", port,
		"--http.api", "eth,net,web3", "--nodiscover", "--maxpeers", "0", "--port", "0", "--authrpc.port", "0", "--verbosity", "2")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
			t.Errorf("stop geth: %v", err)
		}
		_ = cmd.Wait() // killed: the exit status says so
		logf.Close()
	})
	url := "http://127.0.0.1:" + port
	for range 150 {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		c, err := rpc.DialContext(ctx, url)
		if err == nil {
			var n string
			err = c.CallContext(ctx, &n, "eth_blockNumber")
			c.Close()
		}
		cancel()
		if err == nil {
			return url
		}
		time.Sleep(200 * time.Millisecond)
	}
	b, _ := os.ReadFile(logf.Name())
	t.Fatalf("geth --dev did not answer on %s:\n%s", url, b)
	return ""
}
