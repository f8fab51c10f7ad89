package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/citizencloud/citizencredentials/credentials"
	"github.com/citizencloud/citizencredentials/credentials/sdjwt"
	"github.com/citizencloud/citizencredentials/did"
	"github.com/citizencloud/citizencredentials/wallet"
)

func sdjwtFor(t *testing.T, holder string) string {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	issuer, _ := did.NewKeyDID(pub)
	vc := map[string]any{
		"@context":  []any{credentials.ContextV2},
		"id":        "urn:uuid:00000000-0000-4000-8000-000000000001",
		"type":      []any{"VerifiableCredential", "VolunteerServiceCredential"},
		"issuer":    issuer,
		"validFrom": "2026-01-01T00:00:00Z",
		"credentialSubject": map[string]any{
			"id": holder, "hours": 42, "organization": "City Food Bank", "activity": "Food distribution",
		},
	}
	sd, err := sdjwt.Issue(vc, testSigner{priv, wallet.KeyIDOf(issuer)}, sdjwt.HolderBinding{})
	if err != nil {
		t.Fatal(err)
	}
	return sd
}

// TestWalletSDJWT covers what the service does not issue yet: an SD-JWT in
// the wallet is shown with its disclosable claims and presented with only
// the requested (or --disclose'd) ones.
func TestWalletSDJWT(t *testing.T) {
	dir := t.TempDir()
	walletPath := filepath.Join(dir, "w.json")
	pass := writeTemp(t, "pass", passphrase)
	r := vcctl(t, "", "wallet", "init", "--wallet", walletPath, "--passphrase-file", pass)
	expect(t, r, 0)
	holder := strings.TrimSpace(r.stdout)
	sd := sdjwtFor(t, holder)

	e := &env{stderr: os.Stderr}
	w, err := e.loadWallet(walletPath)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	w.Merge([]wallet.Credential{{
		ID: "urn:uuid:00000000-0000-4000-8000-000000000001", Type: "VolunteerServiceCredential", IssuerDID: "did:key:issuer",
		SubjectDID: holder, Format: "SD_JWT", Credential: sd, State: "ACTIVE", ValidFrom: now.Add(-time.Hour), IssuedAt: now, FetchedAt: now,
	}})
	if err := w.Save(walletPath, false); err != nil {
		t.Fatal(err)
	}

	r = vcctl(t, "", "wallet", "show", "00000000-0000-4000-8000-000000000001", "--wallet", walletPath)
	expect(t, r, 0, "vc+sd-jwt", "hours:", "42", "selectively disclosable", "activity, hours, organization")

	// A verifier's request, served the way vcserve serves GET /requests/{id}.
	def := `{"id":"r1","input_descriptors":[{"id":"VolunteerServiceCredential","constraints":{"fields":[` +
		`{"path":["$.type"],"filter":{"type":"array","contains":{"const":"VolunteerServiceCredential"}}},` +
		`{"path":["$.credentialSubject.hours"]}]}}]}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id":"r1","challenge":"c-123","domain":"https://verifier.example","presentation_definition":` + def +
			`,"expires_at":"` + time.Now().Add(time.Hour).UTC().Format(time.RFC3339) + `","state":"pending"}`))
	}))
	defer srv.Close()

	present := func(t *testing.T, extra ...string) []string {
		t.Helper()
		out := filepath.Join(t.TempDir(), "vp.jwt")
		args := append([]string{"wallet", "present", "--wallet", walletPath, "--passphrase-file", pass,
			"--request", srv.URL + "/requests/r1", "--submit=false", "--out", out}, extra...)
		r := vcctl(t, "", args...)
		expect(t, r, 0, "Not submitted")
		got := disclosedIn(t, readTrimmed(t, out), "c-123", "https://verifier.example")
		sort.Strings(got) // disclosures come in the order of their (random) digests
		return got
	}
	t.Run("ok/requested fields only", func(t *testing.T) {
		if got := present(t); strings.Join(got, ",") != "hours" {
			t.Fatalf("disclosed %v, want [hours]", got)
		}
	})
	t.Run("ok/--disclose", func(t *testing.T) {
		if got := present(t, "--disclose", "hours,organization"); strings.Join(got, ",") != "hours,organization" {
			t.Fatalf("disclosed %v, want [hours organization]", got)
		}
	})
	t.Run("fail/--disclose unknown claim", func(t *testing.T) {
		r := vcctl(t, "", "wallet", "present", "--wallet", walletPath, "--passphrase-file", pass,
			"--request", srv.URL+"/requests/r1", "--submit=false", "--disclose", "salary")
		expect(t, r, 2, "--disclose salary")
	})
}

// disclosedIn decodes a vp+jwt and returns the claim names its SD-JWT
// credential discloses, checking the nonce and aud on the way.
func disclosedIn(t *testing.T, vp, nonce, aud string) []string {
	t.Helper()
	hdr, payload, err := decodeJWS(vp)
	if err != nil {
		t.Fatal(err)
	}
	if hdr["typ"] != "vp+jwt" || payload["nonce"] != nonce || payload["aud"] != aud {
		t.Fatalf("header %v, nonce %v, aud %v", hdr, payload["nonce"], payload["aud"])
	}
	vcs := payload["verifiableCredential"].([]any)
	id := vcs[0].(map[string]any)["id"].(string)
	sd, ok := strings.CutPrefix(id, "data:application/vc+sd-jwt,")
	if !ok {
		t.Fatalf("not an enveloped SD-JWT: %.60s", id)
	}
	parts := strings.Split(sd, "~")
	var names []string
	for _, d := range parts[1 : len(parts)-1] {
		b, _ := base64.RawURLEncoding.DecodeString(d)
		var arr []any
		_ = json.Unmarshal(b, &arr)
		names = append(names, arr[1].(string))
	}
	return names
}

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://mainnet.example/v3/0123456789abcdef": "https://mainnet.example/…",
		"https://user:secret@rpc.example:8545":        "https://rpc.example:8545",
		"http://127.0.0.1:8545":                       "http://127.0.0.1:8545",
		"wss://rpc.example/?apikey=k":                 "wss://rpc.example/…",
		"/var/run/geth.ipc":                           "/var/run/geth.ipc",
	} {
		if got := redactURL(in); got != want {
			t.Errorf("redactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIsPresentation(t *testing.T) {
	seg := func(v any) string { b, _ := json.Marshal(v); return base64.RawURLEncoding.EncodeToString(b) }
	jws := func(hdr, payload map[string]any) string { return seg(hdr) + "." + seg(payload) + ".c2ln" }
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"vp+jwt", jws(map[string]any{"typ": "vp+jwt"}, map[string]any{}), true},
		{"VCDM 1.1 JWT VP", jws(map[string]any{"typ": "JWT"}, map[string]any{"vp": map[string]any{}}), true},
		{"vc+jwt", jws(map[string]any{"typ": "vc+jwt"}, map[string]any{}), false},
		{"SD-JWT as issued", jws(map[string]any{"typ": "vc+sd-jwt"}, map[string]any{}) + "~WyJhIiwiYiIsMV0~", false},
		{"SD-JWT with key binding", jws(map[string]any{"typ": "vc+sd-jwt"}, map[string]any{}) + "~WyJhIiwiYiIsMV0~" + jws(map[string]any{"typ": "kb+jwt"}, map[string]any{}), true},
		{"JSON presentation", `{"type":["VerifiablePresentation"]}`, true},
		{"Data Integrity credential", `{"type":["VerifiableCredential"],"proof":{}}`, false},
		{"garbage", "not a jwt", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := isPresentation(tt.in); got != tt.want {
				t.Fatalf("isPresentation = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestWalletUsage(t *testing.T) {
	t.Chdir(t.TempDir())
	wallet := filepath.Join(t.TempDir(), "w.json")
	pass := writeTemp(t, "pass", passphrase)
	short := writeTemp(t, "short", "short")
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"help/group", []string{"wallet"}, 2, "vcctl wallet present --request URI|ID"},
		{"help/present", []string{"help", "wallet", "present"}, 0, "--disclose"},
		{"init/no passphrase", []string{"wallet", "init", "--wallet", wallet}, 2, "needs the wallet passphrase"},
		{"init/short passphrase", []string{"wallet", "init", "--wallet", wallet, "--passphrase-file", short}, 2, "too short"},
		{"no wallet", []string{"wallet", "list", "--wallet", wallet}, 2, "vcctl wallet init"},
		{"present/no request", []string{"wallet", "present", "--wallet", wallet, "--passphrase-file", pass}, 2, "missing --request"},
		{"request/asks nothing", []string{"request", "create", "--token", "k"}, 2, "--types"},
		{"request/no key", []string{"request", "create", "--types", "T"}, 2, "needs the verifier's API key"},
		{"request/bad expiry", []string{"request", "create", "--types", "T", "--expires-in", "48h", "--token", "k"}, 2, "between 1s and 24h"},
		{"revoke/no key", []string{"revoke", "urn:uuid:x", "--reason", "r"}, 2, "needs the bureau's API key"},
		{"evidence/no chain", []string{"evidence", "verify", pass}, 2, "exactly one of"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expect(t, vcctl(t, "", tt.args...), tt.code, tt.want)
		})
	}
}

// testSigner signs as a throw-away issuer.
type testSigner struct {
	ed25519.PrivateKey
	kid string
}

func (s testSigner) KeyID() string { return s.kid }
