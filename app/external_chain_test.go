package app_test

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/citizencloud/citizencredentials/app"
	"github.com/citizencloud/citizencredentials/chain/chaintest"
)

// TestExternalNode runs the anchoring story against a separate EVM node
// over JSON-RPC (.ci/run starts `geth --dev --http` built from the pinned
// go-ethereum and sets CC_CHAIN_RPC). It funds a fresh key from the node's
// unlocked developer account, so it needs a dev node.
func TestExternalNode(t *testing.T) {
	url := os.Getenv("CC_CHAIN_RPC")
	if url == "" {
		t.Skip("CC_CHAIN_RPC is not set (.ci/run starts geth --dev and sets it)")
	}
	key := chaintest.FundedKeyFrom(t, url)
	keyFile := filepath.Join(t.TempDir(), "chain.key")
	if err := os.WriteFile(keyFile, []byte(hex.EncodeToString(crypto.FromECDSA(key))), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	external := func(c *app.Config) { c.ChainRPC = url; c.ChainKeyFile = keyFile; c.ChainPoll = 100 * time.Millisecond }
	s := startServer(t, dir, manual, external)
	b := s.createBureau(t, "volunteers", "VolunteerServiceCredential")
	holder, _ := newHolderDID(t)
	cred := s.issueVolunteer(t, b.APIKey, holder)
	s.publishAndAnchor(t)
	s.must(t, b.APIKey, revokeQ, map[string]any{"id": cred.ID, "r": "test revocation"}, "revokeCredential", &struct{}{})
	s.publishAndAnchor(t)
	v := s.verify(t, cred.Credential)
	if ok, _, msg := v.check("status"); ok || !strings.Contains(msg, "revoked") {
		t.Fatalf("status: %s", msg)
	}
	for _, name := range []string{"issuer_trusted", "status_anchor", "issuance_anchor"} {
		if ok, _, msg := v.check(name); !ok || !strings.Contains(msg+" block", "block") {
			t.Fatalf("%s: %s", name, msg)
		}
	}
	// The registry is found again after a restart (address file in the data dir).
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2 := startServer(t, dir, manual, external)
	if ok, _, msg := s2.verify(t, cred.Credential).check("status_anchor"); !ok {
		t.Fatalf("after restart: %s", msg)
	}
}
