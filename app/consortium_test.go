package app_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"

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
	raw, err := os.ReadFile(filepath.Join("..", "chain", "testdata", "registry-v1.bin"))
	if err != nil {
		t.Fatal(err)
	}
	_, v1, err := chain.DeployCode(ctx, dev.Client(), dev.Key(), hexutil.MustDecode("0x"+strings.TrimSpace(string(raw))),
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
			if ok, _, msg := v.check(name); !ok {
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
