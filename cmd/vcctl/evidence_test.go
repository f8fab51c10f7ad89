package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/citizencloud/citizencredentials/app"
	"github.com/citizencloud/citizencredentials/app/apptest"
	"github.com/citizencloud/citizencredentials/chain"
	"github.com/citizencloud/citizencredentials/chain/chaintest"
)

// manual turns off the background publisher and anchor worker: the test
// runs them with Main.Publish and Main.Anchor.
func manual(c *app.Config) {
	c.PublishInterval = time.Hour
	c.AnchorInterval = time.Hour
	c.PublicURL = "https://citizen.example"
}

// publishAndAnchor publishes the changed status lists and anchors until
// nothing is left to anchor.
func publishAndAnchor(t *testing.T, m *app.Main) {
	t.Helper()
	ctx := context.Background()
	if _, err := m.Publish(ctx); err != nil {
		t.Fatalf("publish: %v", err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := m.Anchor(ctx); err != nil {
			t.Fatalf("anchor: %v", err)
		}
		if n, err := m.Backlog(ctx); err == nil && n == 0 {
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatal("the anchoring backlog did not drain")
}

// TestEvidenceOffline exports a credential's evidence while the service
// runs, stops the service, and checks the bundle against the embedded
// chain alone.
func TestEvidenceOffline(t *testing.T) {
	work := t.TempDir()
	dataDir := filepath.Join(work, "data")
	m, operatorToken := apptest.Start(t, dataDir, manual)
	url := m.URL()

	r := vcctl(t, "", "--url", url, "--token", operatorToken, "bureau", "create", "--name", "City Volunteer Office",
		"--slug", "city-volunteers", "--types", "VolunteerServiceCredential", "--key-file", filepath.Join(work, "city.key"))
	expect(t, r, 0)
	cityKey := readTrimmed(t, filepath.Join(work, "city.key"))
	claims := writeTemp(t, "claims.json", volunteerClaims)
	r = vcctl(t, "", "--url", url, "--token", cityKey, "issue", "--type", "VolunteerServiceCredential", "--subject", holderDID(t), "--claims", claims)
	expect(t, r, 0)
	credID := uuidURN.FindString(r.stderr)

	// Before anchoring the bundle cannot prove the issuance, and says so.
	early := filepath.Join(work, "early.json")
	r = vcctl(t, "", "--url", url, "--token", cityKey, "evidence", "get", credID, "--out", early)
	expect(t, r, 0, "not anchored on chain yet")

	publishAndAnchor(t, m)
	bundle := filepath.Join(work, "evidence.json")
	r = vcctl(t, "", "--url", url, "--token", cityKey, "evidence", "get", credID, "--out", bundle)
	expect(t, r, 0, credID, "anchored in block", "-> "+bundle)
	if strings.Contains(r.stderr, "warning") {
		t.Errorf("an anchored bundle drew a warning:\n%s", r)
	}
	r = vcctl(t, "", "--url", url, "--token", cityKey, "evidence", "get", credID)
	expect(t, r, 0, `"inclusionProof"`, `"logAnchor"`)
	r = vcctl(t, "", "--url", url, "evidence", "get", credID)
	expect(t, r, 2, "needs the bureau's API key")

	// Issued after the last anchoring round: its log root never reaches the chain.
	r = vcctl(t, "", "--url", url, "--token", cityKey, "issue", "--type", "VolunteerServiceCredential", "--subject", holderDID(t), "--claims", claims)
	expect(t, r, 0)
	late := filepath.Join(work, "late.json")
	r = vcctl(t, "", "--url", url, "--token", cityKey, "evidence", "get", uuidURN.FindString(r.stderr), "--out", late)
	expect(t, r, 0, "not anchored on chain yet")

	chainDir := filepath.Join(dataDir, "chain")
	r = vcctl(t, "", "evidence", "verify", bundle, "--chain-dir", chainDir)
	expect(t, r, 2, "in use", "stop vcserve")

	// ---- the service is gone: only the bundle and the chain remain -------------
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	r = vcctl(t, "", "--url", url, "evidence", "verify", bundle, "--chain-dir", chainDir)
	expect(t, r, 0, "✔ credential_hash", "✔ inclusion_proof", "✔ issuance_anchor", "✔ status_anchor", "VERIFIED")
	if strings.Contains(r.stdout, "✘") {
		t.Fatalf("a check failed:\n%s", r)
	}
	// The data dir instead of its chain folder, and the registry given.
	addr := readTrimmed(t, filepath.Join(chainDir, "registry.address"))
	r = vcctl(t, "", "evidence", "verify", bundle, "--chain-dir", dataDir, "--registry", addr)
	expect(t, r, 0, "registry "+addr, "VERIFIED")

	// Exported before anchoring: the chain, not the bundle, is the judge, and
	// it holds that root now.
	r = vcctl(t, "", "evidence", "verify", early, "--chain-dir", chainDir)
	expect(t, r, 0, "✔ issuance_anchor", "VERIFIED")
	// Never anchored: the issuance cannot be proven.
	r = vcctl(t, "", "evidence", "verify", late, "--chain-dir", chainDir)
	expect(t, r, 1, "✘ issuance_anchor", "NOT VERIFIED")

	// A tampered credential no longer matches what was logged and anchored.
	var ev map[string]any
	b, _ := os.ReadFile(bundle)
	if err := json.Unmarshal(b, &ev); err != nil {
		t.Fatal(err)
	}
	ev["credential"] = tamper(t, ev["credential"].(string))
	b, _ = json.Marshal(ev)
	tamperedFile := writeTemp(t, "tampered.json", string(b))
	r = vcctl(t, "", "evidence", "verify", tamperedFile, "--chain-dir", chainDir)
	expect(t, r, 1, "✘ credential_hash", "✘ inclusion_proof", "NOT VERIFIED")

	// A registry that is not there, a directory without a chain, bad usage.
	r = vcctl(t, "", "evidence", "verify", bundle, "--chain-dir", chainDir, "--registry", "0x000000000000000000000000000000000000dEaD")
	expect(t, r, 2, "no contract at")
	r = vcctl(t, "", "evidence", "verify", bundle, "--chain-dir", work)
	expect(t, r, 2, "holds no embedded chain")
	if _, err := os.Stat(filepath.Join(work, "faucet.key")); err == nil {
		t.Error("evidence verify created a chain in a directory that had none")
	}
	r = vcctl(t, "", "evidence", "verify", bundle)
	expect(t, r, 2, "exactly one of --chain-rpc")
	r = vcctl(t, "", "evidence", "verify", claims, "--chain-dir", chainDir)
	expect(t, r, 2, "not an evidence bundle")

	// ---- through a JSON-RPC node ----------------------------------------------------
	dev, err := chain.OpenDev(context.Background(), chainDir)
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	rpcURL := chaintest.ServeRPC(t, dev)
	r = vcctl(t, "", "evidence", "verify", bundle, "--chain-rpc", rpcURL, "--registry", addr)
	expect(t, r, 0, "chain id "+chain.DevChainID.String(), "✔ issuance_anchor", "VERIFIED")
	r = vcctl(t, "", "evidence", "verify", tamperedFile, "--chain-rpc", rpcURL, "--registry", addr)
	expect(t, r, 1, "✘ credential_hash", "NOT VERIFIED")
	// With a second member the anchors to read are those of the member
	// that registered the credential's issuer.
	founder, err := chain.NewRegistry(dev.Client(), dev.Key(), common.HexToAddress(addr))
	if err != nil {
		t.Fatal(err)
	}
	other, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	if p, err := founder.ProposeAdmission(context.Background(), crypto.PubkeyToAddress(other.PublicKey), "Parks", "https://parks.example"); err != nil || !p.Executed {
		t.Fatalf("admit a second member: %+v %v", p, err)
	}
	r = vcctl(t, "", "evidence", "verify", bundle, "--chain-rpc", rpcURL, "--registry", addr)
	expect(t, r, 0, "✔ issuance_anchor", "VERIFIED")
	// Without --registry: where vcserve keeps the address for --chain-rpc.
	t.Chdir(t.TempDir())
	r = vcctl(t, "", "evidence", "verify", bundle, "--chain-rpc", rpcURL)
	expect(t, r, 2, "which registry?")
	if err := os.MkdirAll("data", 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("data", "registry-"+chain.DevChainID.String()+".address"), []byte(addr+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r = vcctl(t, "", "evidence", "verify", bundle, "--chain-rpc", rpcURL)
	expect(t, r, 0, "VERIFIED")
	r = vcctl(t, "", "evidence", "verify", bundle, "--chain-rpc", "http://127.0.0.1:1")
	expect(t, r, 2, "connect to the chain")
}

func TestCredentialIssuer(t *testing.T) {
	jws := func(payload string) string {
		return "eyJhbGciOiJFZERTQSJ9." + base64.RawURLEncoding.EncodeToString([]byte(payload)) + ".c2ln"
	}
	cases := []struct{ name, credential, want string }{
		{"data-integrity", `{"issuer":{"id":"did:web:a.example"},"proof":{}}`, "did:web:a.example"},
		{"vc+jwt", jws(`{"issuer":"did:web:b.example"}`), "did:web:b.example"},
		{"vcdm-1.1-jwt", jws(`{"iss":"did:web:x.example","vc":{"issuer":"did:web:c.example"}}`), "did:web:c.example"},
		{"sd-jwt-with-key-binding", jws(`{"iss":"did:web:d.example","_sd":[]}`) + "~WyJhIiwiYiIsImMiXQ~eyJ0eXAiOiJrYitqd3QifQ.e30.a2I", "did:web:d.example"},
		{"not-a-credential", "hello", ""},
		{"bad-payload", "a.!!!.c", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := credentialIssuer(c.credential); got != c.want {
				t.Fatalf("credentialIssuer = %q, want %q", got, c.want)
			}
		})
	}
}
