package interop

import (
	"bufio"
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/citizencloud/citizencredentials/credentials"
	"github.com/citizencloud/citizencredentials/credentials/jose"
	"github.com/citizencloud/citizencredentials/dataintegrity"
	"github.com/citizencloud/citizencredentials/did"
)

type signer struct {
	crypto.Signer
	kid string
}

func (s signer) KeyID() string { return s.kid }

func newIssuer(t *testing.T, alg string) (string, signer) {
	t.Helper()
	var k crypto.Signer
	var err error
	switch alg {
	case "Ed25519":
		_, k, err = ed25519.GenerateKey(rand.Reader)
	case "P-256":
		k, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "P-384":
		k, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	}
	if err != nil {
		t.Fatal(err)
	}
	d, err := did.NewKeyDID(k.Public())
	if err != nil {
		t.Fatal(err)
	}
	return d, signer{k, d + "#" + strings.TrimPrefix(d, "did:key:")}
}

// writeContexts writes every context our loader serves (the embedded ones
// and the catalogue's own) with an index.json for verify.mjs.
func writeContexts(t *testing.T, dir string, cat *credentials.Catalogue) {
	t.Helper()
	index := map[string]string{}
	docs := dataintegrity.EmbeddedContexts()
	docs[cat.ContextURL()] = cat.ContextDocument()
	i := 0
	for url, b := range docs {
		name := fmt.Sprintf("ctx-%02d.jsonld", i)
		i++
		index[url] = name
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	raw, _ := json.Marshal(index)
	if err := os.WriteFile(filepath.Join(dir, "index.json"), raw, 0o644); err != nil {
		t.Fatal(err)
	}
}

type nodeResult struct {
	File     string `json:"file"`
	Format   string `json:"format"`
	Verified bool   `json:"verified"`
	Error    string `json:"error"`
}

// TestIndependentVerifiers issues credentials in every format and key type
// the service signs with and has verify.mjs check them: fresh ones must be
// accepted, tampered copies rejected.
func TestIndependentVerifiers(t *testing.T) {
	if os.Getenv("INTEROP") != "1" {
		t.Skip("set INTEROP=1 (interop/run.sh) to run the independent verifiers")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	if _, err := os.Stat("node_modules/@digitalbazaar/vc"); err != nil {
		t.Fatalf("npm packages are not installed: run interop/run.sh (npm ci): %v", err)
	}
	cat, err := credentials.NewCatalogue("https://citizen.example")
	if err != nil {
		t.Fatal(err)
	}
	loader := dataintegrity.NewContextLoader(cat)
	dir := t.TempDir()
	ctxDir := filepath.Join(dir, "contexts")
	if err := os.Mkdir(ctxDir, 0o755); err != nil {
		t.Fatal(err)
	}
	writeContexts(t, ctxDir, cat)

	now := time.Now().UTC().Truncate(time.Second)
	until := now.AddDate(1, 0, 0)
	want := map[string]bool{} // file → must verify
	var files []string
	write := func(name, content string, ok bool) {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
		want[name] = ok
	}
	v := credentials.NewVerifier(did.NewLocalRouter(nil), cat)
	for _, alg := range []string{"Ed25519", "P-256", "P-384"} {
		issuer, s := newIssuer(t, alg)
		vc, err := cat.Build(credentials.Draft{
			ID: "urn:uuid:3a0c2f3e-6f2a-4a8c-9c1d-" + fmt.Sprintf("%012d", len(files)), Issuer: issuer,
			Subject: "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", Type: "VolunteerServiceCredential",
			Claims:    map[string]any{"hours": 12.5, "organization": "Red Cross", "activity": "Food bank shifts", "periodStart": "2024-01-01", "periodEnd": "2024-06-30"},
			ValidFrom: now.Add(-time.Hour), ValidUntil: &until,
		})
		if err != nil {
			t.Fatal(err)
		}
		if alg != "P-384" { // jose.SignCredential signs with Ed25519 and P-256 keys
			jwt, err := jose.SignCredential(vc, s)
			if err != nil {
				t.Fatal(err)
			}
			if res := v.VerifyCredential(context.Background(), jwt); !res.Verified {
				t.Fatalf("%s vc+jwt does not verify here: %+v", alg, res.Checks)
			}
			write("jwt-"+alg+".txt", jwt, true)
			parts := strings.Split(jwt, ".")
			write("jwt-"+alg+"-tampered.txt", parts[0]+"."+flip(parts[1], 12)+"."+parts[2], false)
		}
		signed, err := credentials.SignDataIntegrity(vc, s, now, credentials.SignWithLoader(loader))
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := json.MarshalIndent(signed, "", "  ")
		if res := v.VerifyCredential(context.Background(), string(raw)); !res.Verified {
			t.Fatalf("%s Data Integrity credential does not verify here: %+v", alg, res.Checks)
		}
		write("di-"+alg+".json", string(raw), true)
		write("di-"+alg+"-tampered-claim.json", strings.Replace(string(raw), `"Red Cross"`, `"Blue Cross"`, 1), false)
		proof := signed["proof"].(map[string]any)
		pv := proof["proofValue"].(string)
		write("di-"+alg+"-tampered-proof.json", strings.Replace(string(raw), pv, flip(pv, 20), 1), false)
	}

	cmd := exec.Command(node, append([]string{"verify.mjs", "--contexts", ctxDir}, files...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if _, isExit := err.(*exec.ExitError); !isExit {
			t.Fatalf("node: %v\n%s", err, stderr.String())
		}
	}
	got := map[string]nodeResult{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var r nodeResult
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("verify.mjs output %q: %v\n%s", sc.Text(), err, stderr.String())
		}
		got[r.File] = r
	}
	for name, ok := range want {
		r, found := got[name]
		switch {
		case !found:
			t.Errorf("%s: no result from verify.mjs\n%s", name, stderr.String())
		case r.Verified != ok:
			t.Errorf("%s (%s): independent verifier says verified=%v (%s), want %v", name, r.Format, r.Verified, r.Error, ok)
		default:
			t.Logf("%s (%s): verified=%v %s", name, r.Format, r.Verified, r.Error)
		}
	}
}

// flip changes the character at i to another one of the base58 and
// base64url alphabets.
func flip(s string, i int) string {
	c := byte('A')
	if s[i] == 'A' {
		c = 'B'
	}
	return s[:i] + string(c) + s[i+1:]
}
