package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/citizencloud/citizencredentials/anchor"
	"github.com/citizencloud/citizencredentials/app"
	"github.com/citizencloud/citizencredentials/app/apptest"
	"github.com/citizencloud/citizencredentials/chain"
	"github.com/citizencloud/citizencredentials/chain/chaintest"
)

// peerNode is a consortium member's public endpoints, served by the test:
// one anchored log leaf and one anchored status list version, whose served
// bytes the test may tamper with.
type peerNode struct {
	srv      *httptest.Server
	leaf     [32]byte
	list     []byte
	tampered atomic.Bool
}

const peerListID = "peer-revocation-1"

func newPeerNode(t *testing.T) *peerNode {
	p := &peerNode{leaf: anchor.LeafHash([]byte("peer credential hash")), list: []byte(`{"type":"BitstringStatusListCredential","id":"peer"}`)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /log/head", func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"treeSize": 1, "root": hex.EncodeToString(p.leaf[:])})
	})
	mux.HandleFunc("GET /status/", func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"lists": []any{map[string]any{"id": peerListID, "latestVersion": 1, "url": p.srv.URL + "/status/" + peerListID}}, "next": ""})
	})
	mux.HandleFunc("GET /status/{id}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("id") != peerListID || r.URL.Query().Get("version") != "1" {
			http.NotFound(w, r)
			return
		}
		if p.tampered.Load() {
			_, _ = w.Write([]byte(`{"type":"BitstringStatusListCredential","id":"peer","tampered":true}`))
			return
		}
		_, _ = w.Write(p.list)
	})
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

// TestConsortiumCommands runs a node on a chain the test serves over
// JSON-RPC, votes with vcctl consortium, and audits the consortium with
// vcctl audit consortium: the node, and a peer member whose list the test
// tampers with.
func TestConsortiumCommands(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dev, err := chain.OpenDev(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = dev.Close() })
	rpc := chaintest.ServeRPC(t, dev)
	keyA := chaintest.FundedKey(t, dev)
	keyFile := writeTemp(t, "member.key", hex.EncodeToString(crypto.FromECDSA(keyA)))
	work := t.TempDir()
	// The node's public URL is its own address (the default), so that the
	// audit reaches its public endpoints.
	m, token := apptest.Start(t, filepath.Join(work, "data"), func(c *app.Config) {
		c.PublishInterval, c.AnchorInterval = time.Hour, time.Hour
		c.ChainRPC, c.ChainKeyFile, c.ChainPoll = rpc, keyFile, chaintest.PollInterval
	})
	url := m.URL()
	accA := crypto.PubkeyToAddress(keyA.PublicKey).Hex()

	// ---- members ----------------------------------------------------------------
	r := vcctl(t, "", "--url", url, "--token", token, "consortium", "members")
	expect(t, r, 0, "this node: "+accA+", member", "ACCOUNT", "registry:")
	registry := regexp.MustCompile(`registry:\s+(0x[0-9a-fA-F]{40})`).FindStringSubmatch(r.stdout)
	if registry == nil {
		t.Fatalf("no registry address:\n%s", r)
	}
	r = vcctl(t, "", "--url", url, "--token", token, "--json", "consortium", "members")
	expect(t, r, 0)
	var members struct {
		Members []struct{ Account string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &members); err != nil || len(members.Members) != 1 || members.Members[0].Account != accA {
		t.Fatalf("members --json: %v\n%s", err, r)
	}
	r = vcctl(t, "", "--url", url, "consortium", "members")
	expect(t, r, 2, "needs the operator token")

	// ---- votes ------------------------------------------------------------------
	peer := newPeerNode(t)
	keyB := chaintest.FundedKey(t, dev)
	accB := crypto.PubkeyToAddress(keyB.PublicKey).Hex()
	r = vcctl(t, "", "--url", url, "--token", token, "consortium", "propose", accB, "--name", "Housing Office", "--base-url", peer.srv.URL)
	expect(t, r, 0, "admit "+accB, "Housing Office", "executed")

	third, _ := crypto.GenerateKey()
	accC := crypto.PubkeyToAddress(third.PublicKey).Hex()
	r = vcctl(t, "", "--url", url, "--token", token, "consortium", "propose", accC, "--name", "Parks", "--base-url", "https://parks.example")
	expect(t, r, 0, "open", "vcctl consortium approve")
	id := regexp.MustCompile(`proposal (\d+):`).FindStringSubmatch(r.stdout)
	if id == nil {
		t.Fatalf("no proposal id:\n%s", r)
	}
	r = vcctl(t, "", "--url", url, "--token", token, "consortium", "proposals")
	expect(t, r, 0, "KIND", "admit", accB, accC, "executed", "needs 1 more of 2 active")
	r = vcctl(t, "", "--url", url, "--token", token, "consortium", "approve", id[1])
	expect(t, r, 1, "FORBIDDEN")
	r = vcctl(t, "", "--url", url, "--token", token, "consortium", "propose-removal", accB)
	expect(t, r, 0, "remove "+accB, "open")

	for name, args := range map[string][]string{
		"propose-no-name":  {"consortium", "propose", accC, "--base-url", "https://parks.example"},
		"propose-no-arg":   {"consortium", "propose", "--name", "P", "--base-url", "https://parks.example"},
		"approve-no-id":    {"consortium", "approve"},
		"removal-two-args": {"consortium", "propose-removal", accB, accC},
		"audit-no-rpc":     {"audit", "consortium", "--registry-address", registry[1]},
		"audit-bad-addr":   {"audit", "consortium", "--chain-rpc", rpc, "--registry-address", "0x12"},
	} {
		t.Run("usage/"+name, func(t *testing.T) {
			expect(t, vcctl(t, "", append([]string{"--url", url, "--token", token}, args...)...), 2)
		})
	}
	r = vcctl(t, "", "--url", url, "--token", token, "consortium", "propose", "0x12", "--name", "P", "--base-url", "https://parks.example")
	expect(t, r, 1, "BAD_USER_INPUT")

	// ---- audit ------------------------------------------------------------------
	// The peer anchors one log root and one list version in its namespace.
	regB, err := chain.Join(ctx, dev.Client(), keyB, common.HexToAddress(registry[1]), chain.WithMaxPollInterval(chaintest.PollInterval))
	if err != nil {
		t.Fatal(err)
	}
	tx, err := regB.Anchor(ctx, []anchor.StatusAnchor{{ListID: peerListID, Version: 1, Digest: sha256.Sum256(peer.list)}}, &anchor.LogAnchor{Root: peer.leaf, TreeSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	if rec, err := regB.Wait(ctx, tx); err != nil || !rec.Success {
		t.Fatalf("peer anchors: %+v %v", rec, err)
	}
	// Node A issues, publishes and anchors.
	r = vcctl(t, "", "--url", url, "--token", token, "bureau", "create", "--name", "City Volunteer Office", "--slug", "city-volunteers",
		"--types", "VolunteerServiceCredential", "--key-file", filepath.Join(work, "city.key"))
	expect(t, r, 0)
	cityKey := readTrimmed(t, filepath.Join(work, "city.key"))
	claims := writeTemp(t, "claims.json", volunteerClaims)
	for range 3 {
		expect(t, vcctl(t, "", "--url", url, "--token", cityKey, "issue", "--type", "VolunteerServiceCredential", "--subject", holderDID(t), "--claims", claims), 0)
		publishAndAnchor(t, m)
	}

	audit := []string{"audit", "consortium", "--chain-rpc", rpc, "--registry-address", registry[1]}
	r = vcctl(t, "", audit...)
	expect(t, r, 0, "MEMBER", "Housing Office", "consistent: 2 members audited")
	if !regexp.MustCompile(`Housing Office\s+yes\s+1\s+1\s+0\s+\S+ ago \(block \d+\)\s+1/1\s+1/1\s+0/0\s+0`).MatchString(r.stdout) {
		t.Errorf("peer's row:\n%s", r)
	}
	// Node A: three anchored roots, each proven against the next and the
	// served head; every anchored version of its status lists and every
	// anchored head of its bureau's audit trail served as anchored.
	rowA := regexp.MustCompile(`(?m)^127\.0\.0\.1:\d+\s+yes\s+3\s+3\s+0\s+\S+ ago \(block \d+\)\s+3/3\s+(\d+)/(\d+)\s+(\d+)/(\d+)\s+0$`).FindStringSubmatch(r.stdout)
	if rowA == nil || rowA[1] != rowA[2] || rowA[1] == "0" || rowA[3] != rowA[4] || rowA[3] == "0" {
		t.Errorf("node A's row:\n%s", r)
	}
	if strings.Contains(r.stdout, "INCONSISTENT") {
		t.Errorf("consistent consortium reported inconsistent:\n%s", r)
	}

	peer.tampered.Store(true)
	r = vcctl(t, "", audit...)
	expect(t, r, 1, "Housing Office: list_tampered: status list "+peerListID+" version 1", "INCONSISTENT")
	r = vcctl(t, "", append(audit, "--json")...)
	expect(t, r, 1)
	var rep struct {
		Inconsistent bool
		Members      []struct {
			Name     string
			Problems []struct{ Kind string }
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || !rep.Inconsistent || len(rep.Members) != 2 {
		t.Fatalf("audit --json: %v\n%s", err, r)
	}
	// Only hashes and sizes: no credential, claim or DID of node A's holders.
	if strings.Contains(r.stdout, "did:key:") || strings.Contains(r.stdout, "City Food Bank") {
		t.Errorf("the audit prints personal data:\n%s", r)
	}

	r = vcctl(t, "", "audit", "consortium", "--chain-rpc", rpc, "--registry-address", "0x000000000000000000000000000000000000dEaD")
	expect(t, r, 2, "registry")
}

// TestConsortiumKey creates a member key: mode 0600, the printed account is
// the key's, and an existing file is never overwritten.
func TestConsortiumKey(t *testing.T) {
	file := filepath.Join(t.TempDir(), "member.key")
	r := vcctl(t, "", "consortium", "key", file)
	expect(t, r, 0)
	key, err := chain.LoadKey(file)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.TrimSpace(r.stdout), crypto.PubkeyToAddress(key.PublicKey).Hex(); got != want {
		t.Fatalf("printed %q, the key's account is %s", got, want)
	}
	st, err := os.Stat(file)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode: %v %v", st.Mode(), err)
	}
	before, _ := os.ReadFile(file)
	expect(t, vcctl(t, "", "consortium", "key", file), 2, "never overwritten")
	if after, _ := os.ReadFile(file); string(after) != string(before) {
		t.Fatal("an existing key file was overwritten")
	}
	expect(t, vcctl(t, "", "consortium", "key"), 2, "expected one argument")
}
