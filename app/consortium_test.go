package app_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/citizencloud/citizencredentials/app"
	"github.com/citizencloud/citizencredentials/chain"
	"github.com/citizencloud/citizencredentials/chain/chaintest"
)

// TestPreviousReleaseRegistry: a data directory whose address file names a
// registry of the previous release (contract version 1). The node deploys a
// consortium registry with itself as founder, keeps the old address in
// registry.address.v1, re-anchors every confirmed status list version and
// log root into the new registry (the outbox was confirmed on another
// registry: the one of the first start) and re-registers its bureaus, so a
// credential issued before the switch verifies with every check proven
// against the new registry. The anchor package's TestWorkerRegistrySwitch
// shows that items older than the re-check window are covered too.
func TestPreviousReleaseRegistry(t *testing.T) {
	dir := t.TempDir()
	s := startServer(t, dir, manual)
	b := s.createBureau(t, "volunteers", "VolunteerServiceCredential")
	holder, _ := newHolderDID(t)
	cred := s.issueVolunteer(t, b.APIKey, holder)
	s.publishAndAnchor(t)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// Put a version 1 registry in the address file, as the previous
	// release left it.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dev, err := chain.OpenDev(ctx, filepath.Join(dir, "chain"))
	if err != nil {
		t.Fatal(err)
	}
	_, v1, err := chain.DeployCode(ctx, dev.Client(), dev.Key(), v1Code(t),
		chain.WithMaxPollInterval(chaintest.PollInterval), chain.WithDurable(dev.Sync))
	if err != nil {
		t.Fatal(err)
	}
	if err := dev.Close(); err != nil {
		t.Fatal(err)
	}
	addrFile := filepath.Join(dir, "chain", "registry.address")
	if err := os.WriteFile(addrFile, []byte(v1.Hex()+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	s2 := startServer(t, dir, manual)
	s2.admin = s.admin
	if got := readTrim(t, addrFile+".v1"); got != v1.Hex() {
		t.Fatalf("registry.address.v1 = %q, want %s", got, v1.Hex())
	}
	if got := readTrim(t, addrFile); !common.IsHexAddress(got) || got == v1.Hex() {
		t.Fatalf("registry.address = %q after the switch", got)
	}
	s2.publishAndAnchor(t)
	if got := readTrim(t, addrFile+".v1.reanchored"); got != readTrim(t, addrFile) {
		t.Fatalf("re-anchor marker = %q", got)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		v := s2.verify(t, cred.Credential)
		failed := ""
		for _, name := range []string{"issuer_trusted", "status_anchor", "issuance_anchor"} {
			// Proven, not pending: the message names the block.
			if ok, _, msg := v.check(name); !ok || (name != "issuer_trusted" && !strings.Contains(msg, "block")) {
				failed = name + ": " + msg
			}
		}
		if failed == "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the switch: %s", failed)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestRegistryAddressFlag: --registry-address must name a consortium
// registry; a malformed address is refused by the configuration.
func TestRegistryAddressFlag(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"fail/not an address", []string{"--registry-address", "0x1234"}, "--registry-address"},
		{"ok", []string{"--registry-address", common.Address{1}.Hex(), "--member-name", "city"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := app.NewMain()
			err := m.ParseFlags(tc.args)
			if tc.want == "" {
				if err != nil || m.Config.RegistryAddress != (common.Address{1}).Hex() || m.Config.MemberName != "city" {
					t.Fatalf("config %+v, err %v", m.Config, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func readTrim(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// TestJoinConsortium: node A founds the consortium on a shared chain; node B
// joins A's registry with --registry-address. Until a member admits B's
// account, B runs, says once that it is not a member (naming its account),
// and neither anchors nor registers its bureau; after A admits it, B's
// bureau is registered and its anchors land in B's own namespace, so B's
// credential verifies with every check proven. --registry-address refuses
// a previous-release registry and an address without a contract.
func TestJoinConsortium(t *testing.T) {
	node := chaintest.StartNode(t)
	ext := func(keyFile string) func(*app.Config) {
		return func(c *app.Config) {
			c.ChainRPC, c.ChainKeyFile, c.ChainPoll = node.URL(), keyFile, 20*time.Millisecond
		}
	}
	dirA := t.TempDir()
	startServer(t, dirA, manual, ext(node.KeyFile()))
	files, _ := filepath.Glob(filepath.Join(dirA, "registry-*.address"))
	if len(files) != 1 {
		t.Fatalf("address files of A: %v", files)
	}
	registry := common.HexToAddress(readTrim(t, files[0]))

	keyB := chaintest.FundedKey(t, node.Dev())
	keyFileB := filepath.Join(t.TempDir(), "b.key")
	if err := chain.SaveKey(keyFileB, keyB); err != nil {
		t.Fatal(err)
	}
	accountB := crypto.PubkeyToAddress(keyB.PublicKey)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, v1, err := chain.DeployCode(ctx, node.Dev().Client(), keyB, v1Code(t), chain.WithMaxPollInterval(chaintest.PollInterval))
	if err != nil {
		t.Fatal(err)
	}

	startB := func(t *testing.T, address common.Address, logs *syncBuffer) (*testServer, error) {
		m := app.NewMain()
		m.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
		c := app.DefaultConfig()
		c.Addr, c.DataDir, c.Quiet = "127.0.0.1:0", t.TempDir(), true
		ext(keyFileB)(&c)
		c.PublicURL, c.RegistryAddress, c.MemberName = "https://b.example", address.Hex(), "b"
		c.PublishInterval, c.AnchorInterval = 50*time.Millisecond, 50*time.Millisecond
		if err := m.SetConfig(c); err != nil {
			t.Fatal(err)
		}
		if err := m.Run(context.Background()); err != nil {
			return nil, err
		}
		t.Cleanup(func() { _ = m.Close() })
		return &testServer{Main: m, admin: readTrim(t, filepath.Join(c.DataDir, "admin.token"))}, nil
	}
	for _, tc := range []struct {
		name    string
		address common.Address
		want    string
	}{
		{"fail/previous release", v1, "previous release"},
		{"fail/no contract", common.Address{7}, "no contract"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := startB(t, tc.address, &syncBuffer{})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "--registry-address") {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}

	var logs syncBuffer
	b, err := startB(t, registry, &logs)
	if err != nil {
		t.Fatalf("start B: %v", err)
	}
	bureau := b.createBureau(t, "parks", "VolunteerServiceCredential")
	holder, _ := newHolderDID(t)
	cred := b.issueVolunteer(t, bureau.APIKey, holder)
	time.Sleep(500 * time.Millisecond) // about ten rounds of the worker and the reconciler
	out := logs.String()
	if n := strings.Count(out, "this node is not a member"); n != 1 || !strings.Contains(out, accountB.Hex()) || !strings.Contains(out, "vcctl consortium propose") {
		t.Fatalf("B logged 'not a member' %d times (want once, with its account and the command):\n%s", n, out)
	}
	if n := strings.Count(out, "refuses this node's anchors"); n > 1 {
		t.Fatalf("the anchor worker logged the refusal %d times:\n%s", n, out)
	}
	if ok, _, _ := b.verify(t, cred.Credential).check("issuer_trusted"); ok {
		t.Fatal("B's bureau is trusted before B is a member")
	}

	founderKey, err := chain.LoadKey(node.KeyFile())
	if err != nil {
		t.Fatal(err)
	}
	founder, err := chain.Join(ctx, node.Dev().Client(), founderKey, registry, chain.WithMaxPollInterval(chaintest.PollInterval))
	if err != nil {
		t.Fatal(err)
	}
	if p, err := founder.ProposeAdmission(ctx, accountB, "b", "https://b.example"); err != nil || !p.Executed {
		t.Fatalf("admit B: %+v, %v", p, err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		v := b.verify(t, cred.Credential)
		failed := ""
		for _, name := range []string{"issuer_trusted", "status_anchor", "issuance_anchor"} {
			// Proven, not pending: the message names the block.
			if ok, _, msg := v.check(name); !ok || (name != "issuer_trusted" && !strings.Contains(msg, "block")) {
				failed = name + ": " + msg
			}
		}
		if failed == "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("B after admission: %s\nlog:\n%s", failed, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(logs.String(), "now an active member") {
		t.Fatalf("B did not log its admission:\n%s", logs.String())
	}
	if r, ok, err := founder.LatestLogRoot(ctx, accountB); err != nil || !ok || r.TreeSize == 0 {
		t.Fatalf("B's log root in its namespace: %+v ok=%v err=%v", r, ok, err)
	}
	if e, ok, err := founder.IssuerOf(ctx, bureau.Bureau.DID); err != nil || !ok || e.Member != accountB {
		t.Fatalf("B's bureau on chain: %+v ok=%v err=%v", e, ok, err)
	}
}

func v1Code(t *testing.T) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "chain", "testdata", "registry-v1.bin"))
	if err != nil {
		t.Fatal(err)
	}
	return hexutil.MustDecode("0x" + strings.TrimSpace(string(raw)))
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
