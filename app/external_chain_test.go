package app_test

import (
	"context"
	"crypto/ecdsa"
	"encoding/hex"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/citizencloud/citizencredentials/app"
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
	key := fundedKey(t, url)
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

// fundedKey makes a key and pays it 10 ether from the dev node's account.
func fundedKey(t *testing.T, url string) *ecdsa.PrivateKey {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rc, err := rpc.DialContext(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	var accounts []common.Address
	if err := rc.CallContext(ctx, &accounts, "eth_accounts"); err != nil || len(accounts) == 0 {
		t.Fatalf("dev node has no unlocked account: %v", err)
	}
	key, _ := crypto.GenerateKey()
	to := crypto.PubkeyToAddress(key.PublicKey)
	value := new(big.Int).Mul(big.NewInt(10), big.NewInt(1e18))
	var tx common.Hash
	if err := rc.CallContext(ctx, &tx, "eth_sendTransaction", map[string]any{"from": accounts[0], "to": to, "value": "0x" + value.Text(16)}); err != nil {
		t.Fatalf("fund: %v", err)
	}
	client := ethclient.NewClient(rc)
	for {
		bal, err := client.BalanceAt(ctx, to, nil)
		if err == nil && bal.Sign() > 0 {
			return key
		}
		select {
		case <-ctx.Done():
			t.Fatal("funding transaction not mined")
		case <-time.After(100 * time.Millisecond):
		}
	}
}
