package chain_test

import (
	"crypto/ecdsa"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/citizencloud/citizencredentials/anchor"
	"github.com/citizencloud/citizencredentials/chain"
	"github.com/citizencloud/citizencredentials/chain/chaintest"
)

func openDev(t testing.TB, dir string) *chain.Dev {
	t.Helper()
	dev, err := chain.OpenDev(testCtx(t), dir)
	if err != nil {
		t.Fatalf("open dev chain: %v", err)
	}
	t.Cleanup(func() { dev.Close() })
	return dev
}

func TestDevPersistence(t *testing.T) {
	dir := t.TempDir()
	addrFile := filepath.Join(dir, "registry.address")
	ctx := testCtx(t)
	list := anchor.StatusAnchor{ListID: "https://bureau.example/status/9", Version: 3, Digest: digest("v3")}
	opt := chain.WithMaxPollInterval(chaintest.PollInterval)

	// First start: deploy, anchor, register an issuer, close.
	dev := openDev(t, dir)
	genesis, err := dev.Client().HeaderByNumber(ctx, common.Big0)
	if err != nil {
		t.Fatal(err)
	}
	key := dev.Key()
	reg, _, err := chain.EnsureRegistry(ctx, dev.Client(), key, addrFile, testFounder, opt)
	if err != nil {
		t.Fatalf("ensure registry: %v", err)
	}
	rec := mined(t, reg, sent(t)(reg.Anchor(ctx, []anchor.StatusAnchor{list}, &anchor.LogAnchor{Root: digest("r"), TreeSize: 4})))
	mined(t, reg, sent(t)(reg.SetIssuer(ctx, anchor.IssuerEntry{DID: "did:web:b", Active: true})))
	if err := dev.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	for _, f := range []string{chain.DevFaucetKeyFile, chain.DevGasLimitFile} {
		fi, err := os.Stat(filepath.Join(dir, f))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v, mode %v; want 0600", f, err, fi.Mode())
		}
	}

	// Second start: same faucet and genesis, registry found, anchors kept.
	dev = openDev(t, dir)
	if !sameKey(dev.Key(), key) {
		t.Fatal("faucet key changed across restart")
	}
	genesis2, err := dev.Client().HeaderByNumber(ctx, common.Big0)
	if err != nil {
		t.Fatal(err)
	}
	if genesis2.Hash() != genesis.Hash() {
		t.Fatalf("genesis changed: %s, was %s", genesis2.Hash(), genesis.Hash())
	}
	reg2, _, err := chain.EnsureRegistry(ctx, dev.Client(), dev.Key(), addrFile, testFounder, opt)
	if err != nil {
		t.Fatalf("ensure registry after restart: %v", err)
	}
	if reg2.Address() != reg.Address() {
		t.Fatalf("registry at %s after restart, was %s", reg2.Address(), reg.Address())
	}
	got, ok, err := reg2.StatusAnchor(ctx, list.ListID, list.Version)
	if err != nil || !ok || got.Digest != list.Digest || got.Block != rec.Block {
		t.Fatalf("status anchor after restart: %+v ok=%v err=%v", got, ok, err)
	}
	if _, ok, err := reg2.LogRoot(ctx, 4); !ok || err != nil {
		t.Fatalf("log root after restart: ok=%v err=%v", ok, err)
	}
	if _, ok, err := reg2.Issuer(ctx, "did:web:b"); !ok || err != nil {
		t.Fatalf("issuer after restart: ok=%v err=%v", ok, err)
	}
	// The chain keeps mining after the restart, and the nonce carries on.
	rec2 := mined(t, reg2, sent(t)(reg2.Anchor(ctx, []anchor.StatusAnchor{{ListID: list.ListID, Version: 4, Digest: digest("v4")}}, nil)))
	if rec2.Block <= rec.Block {
		t.Fatalf("new anchor in block %d, not after %d", rec2.Block, rec.Block)
	}
}

func TestDevGasLimitKeptAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	ctx := testCtx(t)
	dev, err := chain.OpenDev(ctx, dir, chain.WithGasLimit(20_000_000))
	if err != nil {
		t.Fatal(err)
	}
	dev.Close()
	// A different option on an existing chain must not change its genesis.
	dev, err = chain.OpenDev(ctx, dir, chain.WithGasLimit(40_000_000))
	if err != nil {
		t.Fatalf("reopen with another gas limit: %v", err)
	}
	defer dev.Close()
	g, err := dev.Client().HeaderByNumber(ctx, common.Big0)
	if err != nil {
		t.Fatal(err)
	}
	if g.GasLimit != 20_000_000 {
		t.Fatalf("genesis gas limit %d, want 20000000", g.GasLimit)
	}
}

func TestDevDirInUse(t *testing.T) {
	dir := t.TempDir()
	openDev(t, dir)
	dev, err := chain.OpenDev(testCtx(t), dir)
	if err == nil {
		dev.Close()
		t.Fatal("second OpenDev on the same dir succeeded")
	}
}

func TestTwoDevChainsInOneProcess(t *testing.T) {
	_, a := chaintest.Open(t)
	_, b := chaintest.Open(t)
	ctx := testCtx(t)
	mined(t, a, sent(t)(a.Anchor(ctx, []anchor.StatusAnchor{{ListID: "l", Version: 1, Digest: digest("a")}}, nil)))
	if _, ok, _ := b.StatusAnchor(ctx, "l", 1); ok {
		t.Fatal("anchor on chain a visible on chain b")
	}
}

func TestEnsureRegistryWrongChain(t *testing.T) {
	dev := openDev(t, t.TempDir())
	addrFile := filepath.Join(t.TempDir(), "registry.address")
	if err := os.WriteFile(addrFile, []byte(common.Address{7}.Hex()+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := chain.EnsureRegistry(testCtx(t), dev.Client(), dev.Key(), addrFile, testFounder)
	if err == nil || !strings.Contains(err.Error(), "no contract") {
		t.Fatalf("err = %v, want no contract", err)
	}
}

func TestDevMinesQuickly(t *testing.T) {
	_, reg := chaintest.Open(t)
	ctx := testCtx(t)
	start := time.Now()
	const n = 20
	for i := range n {
		mined(t, reg, sent(t)(reg.Anchor(ctx, []anchor.StatusAnchor{{ListID: "l", Version: uint64(i), Digest: digest("d")}}, nil)))
	}
	per := time.Since(start) / n
	t.Logf("send + mine + receipt: %v per transaction", per)
	if per > 500*time.Millisecond {
		t.Fatalf("%v per transaction: the period-0 chain is not mining on demand", per)
	}
}

func TestLoadKey(t *testing.T) {
	dir := t.TempDir()
	key, _ := crypto.GenerateKey()
	path := filepath.Join(dir, "k")
	if err := chain.SaveKey(path, key); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600", fi.Mode().Perm())
	}
	for _, tc := range []struct{ name, content string }{
		{"ok/saved", ""},
		{"ok/0x-prefix", "0x" + strings.TrimSpace(readFile(t, path))},
		{"ok/spaces", "  " + strings.TrimSpace(readFile(t, path)) + "\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := path
			if tc.content != "" {
				p = filepath.Join(dir, strings.ReplaceAll(tc.name, "/", "_"))
				os.WriteFile(p, []byte(tc.content), 0o600)
			}
			got, err := chain.LoadKey(p)
			if err != nil || !sameKey(got, key) {
				t.Fatalf("LoadKey = %v, %v", got, err)
			}
		})
	}
	if _, err := chain.LoadKey(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: err = %v, want os.ErrNotExist", err)
	}
	bad := filepath.Join(dir, "bad")
	os.WriteFile(bad, []byte("not hex"), 0o600)
	if _, err := chain.LoadKey(bad); err == nil {
		t.Fatal("bad key loaded")
	}
}

func readFile(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func sameKey(a, b *ecdsa.PrivateKey) bool { return a.D.Cmp(b.D) == 0 }
