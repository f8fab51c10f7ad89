package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/citizencloud/citizencredentials/app/apptest"
	"github.com/citizencloud/citizencredentials/did"
)

func TestMain(m *testing.M) {
	// A developer's own settings must not leak into the tests.
	os.Unsetenv("VCCTL_URL")
	os.Unsetenv("VCCTL_TOKEN")
	os.Unsetenv("VCCTL_WALLET")
	os.Unsetenv("VCCTL_PASSPHRASE")
	os.Exit(m.Run())
}

// result is one vcctl run.
type result struct {
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return "exit " + strconv.Itoa(r.code) + "\n--- stdout\n" + r.stdout + "--- stderr\n" + r.stderr
}

// vcctl runs the CLI in-process with stdin.
func vcctl(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return result{code, out.String(), errOut.String()}
}

func expect(t *testing.T, r result, code int, substrings ...string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("want exit %d, got:\n%s", code, r)
	}
	all := r.stdout + r.stderr
	for _, s := range substrings {
		if !strings.Contains(all, s) {
			t.Fatalf("output lacks %q:\n%s", s, r)
		}
	}
}

func holderDID(t *testing.T) string {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	d, err := did.NewKeyDID(pub)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const volunteerClaims = `{"hours": 42, "organization": "City Food Bank", "activity": "Food distribution", "periodStart": "2026-01-01", "periodEnd": "2026-06-30"}`

var uuidURN = regexp.MustCompile(`urn:uuid:[0-9a-f-]{36}`)

func TestEndToEnd(t *testing.T) {
	// vcctl runs in the directory that holds vcserve's ./data, as in the
	// README tour, so operator commands find ./data/admin.token themselves.
	work := t.TempDir()
	m, operatorToken := apptest.Start(t, filepath.Join(work, "data"))
	t.Chdir(work)
	url := m.URL()

	// ---- operator: bureaus ----------------------------------------------
	r := vcctl(t, "", "--url", url, "bureau", "create", "--name", "City Volunteer Office", "--slug", "city-volunteers",
		"--types", "VolunteerServiceCredential", "--key-file", "city.key")
	expect(t, r, 0, "Created bureau City Volunteer Office", "did:web:", "city-volunteers", "written to city.key", "shown only this once")
	keyBytes, err := os.ReadFile(filepath.Join(work, "city.key"))
	if err != nil {
		t.Fatal(err)
	}
	cityKey := strings.TrimSpace(string(keyBytes))
	if st, _ := os.Stat(filepath.Join(work, "city.key")); st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", st.Mode().Perm())
	}

	r = vcctl(t, "", "--json", "--url", url, "--token", operatorToken, "bureau", "create", "--name", "Civil Registry",
		"--slug", "civil-registry", "--types", "MaritalStatusCredential", "--p256")
	expect(t, r, 0)
	var created struct {
		Bureau struct {
			Id, Did string
			Keys    []struct{ Algorithm string }
		}
		ApiKey string
	}
	if err := json.Unmarshal([]byte(r.stdout), &created); err != nil {
		t.Fatalf("bureau create --json: %v\n%s", err, r)
	}
	if created.ApiKey == "" || created.Bureau.Id == "" || len(created.Bureau.Keys) != 1 || created.Bureau.Keys[0].Algorithm != "P256" {
		t.Fatalf("bureau create --json = %+v", created)
	}
	registryID, registryKey := created.Bureau.Id, created.ApiKey

	// Printing the key (no --key-file) shows it with the warning.
	r = vcctl(t, "", "--url", url, "bureau", "create", "--name", "Donations Desk", "--slug", "donations", "--types", "CharitableDonationCredential")
	expect(t, r, 0, "API key (shown only this once")

	r = vcctl(t, "", "bureau", "list", "--url", url)
	expect(t, r, 0, "SLUG", "city-volunteers", "civil-registry", "donations", "VolunteerServiceCredential")

	r = vcctl(t, "", "--url", url, "bureau", "rotate-key", registryID)
	expect(t, r, 0, "Rotated the signing key", "retired")
	r = vcctl(t, "", "--url", url, "bureau", "show", registryID)
	expect(t, r, 0, created.Bureau.Did, "keys (newest first)", "P256")
	if n := strings.Count(r.stdout, "P256"); n != 2 {
		t.Errorf("bureau show lists %d keys after a rotation, want 2:\n%s", n, r)
	}

	r = vcctl(t, "", "--url", url, "verifier", "create", "--name", "Springfield Housing Association")
	expect(t, r, 0, "Created verifier Springfield Housing Association", "API key (shown only this once")

	r = vcctl(t, "", "--url", url, "types")
	expect(t, r, 0, "VolunteerServiceCredential", "hours, organization, activity, periodStart, periodEnd", "MaritalStatusCredential")

	// ---- bureau: issue, fetch ---------------------------------------------
	holder := holderDID(t)
	claims := writeTemp(t, "claims.json", volunteerClaims)
	credFile := filepath.Join(work, "alice.jwt")
	r = vcctl(t, "", "--url", url, "--token", cityKey, "issue", "--type", "VolunteerServiceCredential",
		"--subject", holder, "--claims", claims, "--valid-until", "2030-01-01T00:00:00Z", "--out", credFile)
	expect(t, r, 0, "VolunteerServiceCredential", holder, "until 2030-01-01T00:00:00Z")
	credID := uuidURN.FindString(r.stderr)
	if credID == "" {
		t.Fatalf("issue printed no credential id on stderr:\n%s", r)
	}
	if r.stdout != "" {
		t.Errorf("issue --out wrote to stdout too:\n%s", r)
	}
	jwtBytes, err := os.ReadFile(credFile)
	if err != nil {
		t.Fatal(err)
	}
	jwt := strings.TrimSpace(string(jwtBytes))
	if strings.Count(jwt, ".") != 2 {
		t.Fatalf("credential is not a compact JWS: %q", jwt)
	}

	// Claims from standard input; the credential goes to stdout.
	r = vcctl(t, volunteerClaims, "--url", url, "--token", cityKey, "issue", "--type", "VolunteerServiceCredential",
		"--subject", holder, "--claims", "-", "--idempotency-key", "once")
	expect(t, r, 0)
	again := vcctl(t, volunteerClaims, "--url", url, "--token", cityKey, "issue", "--type", "VolunteerServiceCredential",
		"--subject", holder, "--claims", "-", "--idempotency-key", "once")
	expect(t, again, 0)
	if r.stdout != again.stdout || strings.Count(r.stdout, ".") != 2 {
		t.Errorf("the same idempotency key gave different credentials:\n%s\n%s", r, again)
	}

	r = vcctl(t, "", "--url", url, "--token", cityKey, "credentials", "get", credID)
	expect(t, r, 0, "ACTIVE")
	if strings.TrimSpace(r.stdout) != jwt {
		t.Errorf("credentials get returned another credential:\n%s", r)
	}

	// ---- anyone: verify ---------------------------------------------------
	r = vcctl(t, "", "--url", url, "verify", credFile)
	expect(t, r, 0, "✔ signature", credID, "VERIFIED")
	if strings.Contains(r.stdout, "NOT VERIFIED") || strings.Contains(r.stdout, "✘") {
		t.Fatalf("a fresh credential failed a check:\n%s", r)
	}
	if n := strings.Count(r.stdout, "✔ "); n < 3 {
		t.Errorf("verify listed %d checks, want every check the service made:\n%s", n, r)
	}
	r = vcctl(t, jwt+"\n", "--url", url, "verify", "-")
	expect(t, r, 0, "VERIFIED")
	// verify is public: a stale token is not even sent.
	r = vcctl(t, "", "--url", url, "--token", "stale", "verify", credFile)
	expect(t, r, 0, "VERIFIED")
	r = vcctl(t, "", "--url", url, "--json", "verify", credFile)
	expect(t, r, 0)
	var vr struct {
		Verified bool
		Checks   []struct {
			Name string
			Ok   bool
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &vr); err != nil || !vr.Verified || len(vr.Checks) == 0 {
		t.Fatalf("verify --json = %+v (%v)\n%s", vr, err, r)
	}

	// Tampered claims: the signature no longer matches.
	tampered := writeTemp(t, "tampered.jwt", tamper(t, jwt))
	r = vcctl(t, "", "--url", url, "verify", tampered)
	expect(t, r, 1, "✘ signature", "NOT VERIFIED")

	// ---- batch from CSV with one bad row ------------------------------------
	holders := []string{holderDID(t), holderDID(t), holderDID(t), holderDID(t)}
	csvFile := writeTemp(t, "volunteers.csv", "type,subjectDid,hours,organization,activity,periodStart,periodEnd\n"+
		"VolunteerServiceCredential,"+holders[0]+",10,City Food Bank,Food distribution,2026-01-01,2026-06-30\n"+
		"VolunteerServiceCredential,"+holders[1]+",lots,City Food Bank,Food distribution,2026-01-01,2026-06-30\n"+
		"VolunteerServiceCredential,"+holders[2]+",12.5,Animal Shelter,\"Walking dogs, cleaning\",2026-02-01,2026-03-31\n"+
		"VolunteerServiceCredential,"+holders[3]+",7,Library,Reading to children,2026-03-01,2026-03-31\n")
	batchOut := filepath.Join(work, "batch.jsonl")
	r = vcctl(t, "", "--url", url, "--token", cityKey, "issue", "--batch", csvFile, "--batch-size", "2", "--out", batchOut, "--idempotency-key", "h1")
	expect(t, r, 1, "line 3: BAD_USER_INPUT", "issued 1/4 (1 failed)", "done: 3 issued, 1 failed")
	if strings.Contains(r.stderr, "issued 3/4") {
		t.Errorf("the last call's progress repeats the summary:\n%s", r)
	}
	if n := strings.Count(r.stdout, "urn:uuid:"); n != 3 {
		t.Errorf("batch printed %d issued records, want 3:\n%s", n, r)
	}
	for _, h := range []string{holders[0], holders[2], holders[3]} {
		if !strings.Contains(r.stdout, h) {
			t.Errorf("batch output lacks %s:\n%s", h, r)
		}
	}
	outLines, _ := os.ReadFile(batchOut)
	if n := strings.Count(string(outLines), "\n"); n != 3 {
		t.Errorf("--out has %d lines, want 3:\n%s", n, outLines)
	}
	// Running the same file again with the same key issues nothing new.
	rerun := vcctl(t, "", "--url", url, "--token", cityKey, "issue", "--batch", csvFile, "--idempotency-key", "h1")
	expect(t, rerun, 1, "done: 3 issued, 1 failed")
	if rerun.stdout != r.stdout {
		t.Errorf("re-run with the same idempotency key issued different credentials:\n%s\n%s", r, rerun)
	}

	// JSON lines from standard input.
	jsonl := `{"type":"VolunteerServiceCredential","subjectDid":"` + holders[1] + `","claims":` + volunteerClaims + "}\n"
	r = vcctl(t, jsonl, "--url", url, "--token", cityKey, "issue", "--batch", "-")
	expect(t, r, 0, "done: 1 issued, 0 failed", holders[1])
	if strings.Count(r.stderr, "issued") != 1 {
		t.Errorf("the summary is printed more than once:\n%s", r)
	}

	// ---- list ---------------------------------------------------------------
	// 1 (file) + 1 (idempotent pair) + 3 (CSV) + 1 (JSON lines) = 6.
	r = vcctl(t, "", "--url", url, "--token", cityKey, "credentials", "list")
	expect(t, r, 0, "ID", "STATE", credID, holders[0], holders[2], holders[3])
	if n := strings.Count(r.stdout, "urn:uuid:"); n != 6 {
		t.Errorf("credentials list shows %d credentials, want 6:\n%s", n, r)
	}
	r = vcctl(t, "", "--url", url, "--token", cityKey, "credentials", "list", "--first", "4")
	expect(t, r, 0, "more: vcctl credentials list --after ")
	if n := strings.Count(r.stdout, "urn:uuid:"); n != 4 {
		t.Errorf("one page of 4 shows %d credentials:\n%s", n, r)
	}
	r = vcctl(t, "", "--url", url, "--token", cityKey, "--json", "credentials", "list", "--all", "--first", "2", "--state", "active")
	expect(t, r, 0)
	var listed []struct{ Id, SubjectDid, State string }
	if err := json.Unmarshal([]byte(r.stdout), &listed); err != nil {
		t.Fatalf("credentials list --json --all is not a JSON array: %v\n%s", err, r)
	}
	if len(listed) != 6 {
		t.Errorf("--all over pages of 2 found %d credentials, want 6", len(listed))
	}
	r = vcctl(t, "", "--url", url, "--token", cityKey, "credentials", "list", "--subject", holders[2])
	expect(t, r, 0, holders[2])
	if n := strings.Count(r.stdout, "urn:uuid:"); n != 1 {
		t.Errorf("--subject shows %d credentials, want 1:\n%s", n, r)
	}

	// ---- refusals -----------------------------------------------------------
	maritalClaims := writeTemp(t, "marital.json", `{"status": "married", "since": "2020-05-01", "registryOffice": "Springfield"}`)
	r = vcctl(t, "", "--url", url, "--token", cityKey, "issue", "--type", "MaritalStatusCredential", "--subject", holder, "--claims", maritalClaims)
	expect(t, r, 1, "vcctl: FORBIDDEN: ")
	r = vcctl(t, "", "--url", url, "--token", cityKey, "bureau", "list")
	expect(t, r, 1, "vcctl: FORBIDDEN: ")
	r = vcctl(t, "", "--url", url, "--token", "not-a-key", "credentials", "list")
	expect(t, r, 1, "vcctl: UNAUTHENTICATED: ")
	r = vcctl(t, "", "--url", url, "--token", cityKey, "credentials", "get", "urn:uuid:00000000-0000-0000-0000-000000000000")
	expect(t, r, 1, "NOT_FOUND")

	r = vcctl(t, "", "--url", url, "bureau", "deactivate", registryID, "--reason", "merged into the city office")
	expect(t, r, 0, "Deactivated bureau Civil Registry")
	r = vcctl(t, "", "--url", url, "--token", registryKey, "issue", "--type", "MaritalStatusCredential", "--subject", holder, "--claims", maritalClaims)
	expect(t, r, 1, "vcctl: UNAUTHENTICATED: ")
}

func TestUsageAndTransportErrors(t *testing.T) {
	// A port nothing listens on.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close()
	cred := writeTemp(t, "c.jwt", "eyJhbGciOiJFZERTQSJ9.e30.c2ln")
	t.Chdir(t.TempDir()) // no ./data/admin.token here

	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"help", []string{"help"}, 0, "bureau create"},
		{"help/command", []string{"help", "issue"}, 0, "--batch-size"},
		{"help/flag", []string{"verify", "-h"}, 0, "Exit status: 0 verified, 1 not verified, 2"},
		{"help/group", []string{"bureau"}, 2, "vcctl bureau rotate-key ID"},
		{"no command", nil, 2, "Commands:"},
		{"unknown command", []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"unknown flag", []string{"types", "--nope"}, 2, "flag provided but not defined: -nope"},
		{"missing flags", []string{"bureau", "create", "--name", "x"}, 2, "missing --slug, --types"},
		{"missing reason", []string{"bureau", "deactivate", "id"}, 2, "missing --reason"},
		{"bad state", []string{"credentials", "list", "--state", "gone", "--token", "k"}, 2, "--state must be"},
		{"bad time", []string{"issue", "--type", "T", "--subject", "s", "--claims", "-", "--valid-until", "soon", "--token", "k"}, 2, "not an RFC 3339 time"},
		{"batch and subject", []string{"issue", "--batch", "x.csv", "--subject", "s", "--token", "k"}, 2, "--batch takes subjects"},
		{"no operator token", []string{"--url", dead, "bureau", "list"}, 2, "needs the operator token"},
		{"no bureau key", []string{"--url", dead, "credentials", "list"}, 2, "needs the bureau's API key"},
		{"verify/unreachable", []string{"--url", dead, "verify", cred}, 2, "cannot reach " + dead},
		{"verify/missing file", []string{"verify", filepath.Join(t.TempDir(), "nope.jwt")}, 2, "no such file"},
		{"types/unreachable", []string{"--url", dead, "types"}, 2, "connection refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := vcctl(t, "", tt.args...)
			expect(t, r, tt.code, tt.want)
		})
	}
}

// tamper raises the hours claim in the JWT's payload, keeping the
// signature.
func tamper(t *testing.T, jwt string) string {
	t.Helper()
	parts := strings.Split(jwt, ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	changed := bytes.Replace(payload, []byte(`"hours":42`), []byte(`"hours":4200`), 1)
	if bytes.Equal(changed, payload) {
		t.Fatalf("no hours claim to tamper with in %s", payload)
	}
	parts[1] = base64.RawURLEncoding.EncodeToString(changed)
	return strings.Join(parts, ".")
}
