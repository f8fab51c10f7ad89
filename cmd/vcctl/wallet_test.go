package main

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/citizencloud/citizencredentials/app/apptest"
)

const passphrase = "correct horse battery staple"

var requestURIRe = regexp.MustCompile(`(?m)^requestUri:\s+(\S+)$`)

// field returns the value of a "name:  value" line of a vcctl table.
func field(t *testing.T, out, name string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + `:\s+(\S+)$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no %q in:\n%s", name, out)
	}
	return m[1]
}

func readTrimmed(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// TestCitizenStory is the README tour: the operator registers a bureau and
// a verifier, the bureau issues to a citizen's wallet DID, the citizen logs
// in, fetches and answers the verifier's request.
func TestCitizenStory(t *testing.T) {
	work := t.TempDir()
	m, _ := apptest.Start(t, filepath.Join(work, "data"))
	t.Chdir(work)
	url := m.URL()
	var outputs []string // everything vcctl printed, to look for secrets
	run := func(stdin string, args ...string) result {
		t.Helper()
		r := vcctl(t, stdin, append([]string{"--url", url}, args...)...)
		outputs = append(outputs, r.stdout, r.stderr)
		return r
	}

	// ---- operator ------------------------------------------------------------
	r := run("", "bureau", "create", "--name", "City Volunteer Office", "--slug", "city-volunteers",
		"--types", "VolunteerServiceCredential", "--key-file", "city.key")
	expect(t, r, 0, "Created bureau")
	cityKey := readTrimmed(t, "city.key")
	r = run("", "verifier", "create", "--name", "Springfield Housing Association", "--key-file", "housing.key")
	expect(t, r, 0, "Created verifier")
	housingKey := readTrimmed(t, "housing.key")

	// ---- citizen: a wallet ------------------------------------------------------
	wallet := filepath.Join(work, "alice.wallet.json")
	pass := writeTemp(t, "alice.pass", passphrase+"\n")
	w := []string{"--wallet", wallet}
	wp := []string{"--wallet", wallet, "--passphrase-file", pass}

	r = run("", append([]string{"wallet", "init"}, wp...)...)
	expect(t, r, 0, "Created wallet")
	holder := strings.TrimSpace(r.stdout)
	if !strings.HasPrefix(holder, "did:key:z6Mk") {
		t.Fatalf("wallet init printed %q, want an Ed25519 did:key", holder)
	}
	if st, err := os.Stat(wallet); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("wallet file: %v, mode %v; want 0600", err, st.Mode().Perm())
	}
	r = run("", append([]string{"wallet", "init"}, wp...)...)
	expect(t, r, 2, "already exists")
	if r = run("", append([]string{"wallet", "did"}, w...)...); strings.TrimSpace(r.stdout) != holder {
		t.Fatalf("wallet did:\n%s", r)
	}
	r = run("", "wallet", "fetch", "--wallet", wallet)
	expect(t, r, 2, "not logged in", "wallet login")

	// ---- bureau: two credentials to the wallet, the newer one revoked -----------
	claims := writeTemp(t, "claims.json", volunteerClaims)
	r = run("", "--token", cityKey, "issue", "--type", "VolunteerServiceCredential", "--subject", holder, "--claims", claims)
	expect(t, r, 0)
	goodID := uuidURN.FindString(r.stderr)
	r = run(strings.Replace(volunteerClaims, "42", "7", 1), "--token", cityKey, "issue", "--type", "VolunteerServiceCredential", "--subject", holder, "--claims", "-")
	expect(t, r, 0)
	revokedID := uuidURN.FindString(r.stderr)
	r = run("", "--token", cityKey, "revoke", revokedID, "--reason", "hours were double-counted")
	expect(t, r, 0, "Revoked "+revokedID, "state REVOKED", "double-counted")
	r = run("", "--token", cityKey, "revoke", revokedID)
	expect(t, r, 2, "missing --reason")

	// ---- citizen: login, fetch ---------------------------------------------------
	r = run("", "wallet", "login", "--wallet", wallet, "--passphrase-file", writeTemp(t, "wrong.pass", "not the passphrase"))
	expect(t, r, 2, "wrong passphrase")
	r = run("", append([]string{"wallet", "login"}, wp...)...)
	expect(t, r, 0, "Logged in to "+url+" as "+holder, "valid until")
	r = run("", append([]string{"wallet", "fetch"}, w...)...)
	expect(t, r, 0, "Fetched 2 credentials", "2 new")
	r = run("", append([]string{"wallet", "fetch"}, w...)...)
	expect(t, r, 0, "Fetched 2 credentials", "0 new")
	r = run("", append([]string{"wallet", "list"}, w...)...)
	expect(t, r, 0, goodID, revokedID, "REVOKED", "ACTIVE", holder)
	r = run("", append([]string{"wallet", "show", strings.TrimPrefix(goodID, "urn:uuid:")}, w...)...)
	expect(t, r, 0, "VolunteerServiceCredential", "did:web:", "hours:", "42", "City Food Bank", "selective disclosure: none")

	// ---- verifier: a request; citizen: the answer --------------------------------
	r = run("", "--token", housingKey, "request", "create", "--types", "VolunteerServiceCredential", "--fields", "hours",
		"--purpose", "Volunteer discount", "--expires-in", "10m")
	expect(t, r, 0, "challenge:", "domain:", "wallet present --request")
	uri := requestURIRe.FindStringSubmatch(r.stdout)[1]
	reqID := field(t, r.stdout, "id")
	if !strings.HasSuffix(uri, "/requests/"+reqID) {
		t.Fatalf("requestUri %s does not name request %s", uri, reqID)
	}

	r = run("", append([]string{"wallet", "present", "--request", uri}, wp...)...)
	expect(t, r, 0, "Volunteer discount", goodID, "✔ constraints", "✔ presentation_signature", "✔ holder_binding", "✔ challenge", "✔ domain")
	if !strings.HasSuffix(strings.TrimSpace(r.stdout), "\nVERIFIED") || strings.Contains(r.stdout, "✘") {
		t.Fatalf("the presentation did not verify:\n%s", r)
	}
	if strings.Contains(r.stderr, revokedID) {
		t.Errorf("the wallet presented the revoked credential:\n%s", r)
	}
	r = run("", "--token", housingKey, "request", "show", reqID)
	expect(t, r, 0, "state:", "VERIFIED", "✔ constraints", goodID)
	r = run("", "request", "show", reqID) // anyone with the id: the state, not the result
	expect(t, r, 0, "VERIFIED", "shown only to the verifier")
	if strings.Contains(r.stdout, "✔") {
		t.Errorf("request show without the verifier's key shows the result:\n%s", r)
	}

	// The same request again: it was answered.
	r = run("", append([]string{"wallet", "present", "--request", uri}, wp...)...)
	expect(t, r, 1, "already answered")

	// ---- a suspension: the wallet notices on fetch and will not present it --------
	r = run("", "--token", cityKey, "suspend", goodID, "--reason", "under review")
	expect(t, r, 0, "Suspended "+goodID, "state SUSPENDED until it is reinstated")
	r = run("", append([]string{"wallet", "fetch"}, w...)...)
	expect(t, r, 0, "0 new, 1 changed state")
	r = run("", "--token", housingKey, "request", "create", "--types", "VolunteerServiceCredential")
	expect(t, r, 0)
	r = run("", append([]string{"wallet", "present", "--request", field(t, r.stdout, "id")}, wp...)...)
	expect(t, r, 1, "✘ constraints", goodID+" is SUSPENDED", revokedID+" is REVOKED", "nothing was sent")
	r = run("", "--token", cityKey, "reinstate", goodID, "--reason", "review closed")
	expect(t, r, 0, "Reinstated "+goodID, "state ACTIVE again")
	r = run("", append([]string{"wallet", "fetch"}, w...)...)
	expect(t, r, 0, "1 changed state")

	// ---- a request for a type the wallet lacks ------------------------------------
	r = run("", "--token", housingKey, "request", "create", "--types", "MaritalStatusCredential")
	expect(t, r, 0)
	lackID := field(t, r.stdout, "id")
	r = run("", append([]string{"wallet", "present", "--request", lackID}, wp...)...) // by id, on --url
	expect(t, r, 1, "✘ constraints", "MaritalStatusCredential", "NOT VERIFIED", "nothing was sent")
	r = run("", "--token", housingKey, "request", "show", lackID)
	expect(t, r, 0, "PENDING")
	r = run("", append([]string{"wallet", "present", "--request", lackID, "--partial"}, wp...)...)
	expect(t, r, 1, "✘ constraints", "NOT VERIFIED")
	if strings.Contains(r.stderr, "nothing was sent") || !strings.Contains(r.stdout, "✔ presentation_signature") {
		t.Fatalf("--partial did not submit:\n%s", r)
	}
	r = run("", "--token", housingKey, "request", "show", lackID)
	expect(t, r, 0, "FAILED", "✘ constraints")

	// ---- sign only, then verify the presentation as anyone ------------------------
	r = run("", "--token", housingKey, "request", "create", "--types", "VolunteerServiceCredential")
	expect(t, r, 0)
	challenge, domain := field(t, r.stdout, "challenge"), field(t, r.stdout, "domain")
	uri = requestURIRe.FindStringSubmatch(r.stdout)[1]
	vp := filepath.Join(work, "vp.jwt")
	r = run("", append([]string{"wallet", "present", "--request", uri, "--submit=false", "--out", vp}, wp...)...)
	expect(t, r, 0, "Not submitted")
	r = run("", "verify", vp, "--challenge", challenge, "--domain", domain)
	expect(t, r, 0, "✔ presentation_signature", "✔ challenge", "✔ domain", "VERIFIED")
	r = run("", "verify", vp, "--challenge", "not-the-challenge")
	expect(t, r, 1, "✘ challenge", "NOT VERIFIED")
	r = run("", "verify", vp)
	expect(t, r, 0, "not checked", "VERIFIED")
	r = run("", "verify", writeTemp(t, "cred.jwt", m.URL()), "--challenge", "x")
	expect(t, r, 2, "apply to presentations")

	// ---- selective disclosure: an SD-JWT, and a request that demands it -----------
	r = run(strings.Replace(volunteerClaims, "42", "99", 1), "--token", cityKey, "issue", "--type", "VolunteerServiceCredential",
		"--subject", holder, "--claims", "-", "--format", "sd-jwt")
	expect(t, r, 0)
	sdID := uuidURN.FindString(r.stderr)
	if !strings.Contains(r.stdout, "~") {
		t.Fatalf("--format sd-jwt did not issue an SD-JWT:\n%s", r)
	}
	r = run("", append([]string{"wallet", "fetch"}, wp...)...)
	expect(t, r, 0, "1 new")
	r = run("", append([]string{"wallet", "show", sdID}, w...)...)
	expect(t, r, 0, "vc+sd-jwt", "99", "selectively disclosable", "activity, hours, organization, periodEnd, periodStart")
	r = run("", "--token", housingKey, "request", "create", "--types", "VolunteerServiceCredential", "--fields", "hours", "--limit-disclosure")
	expect(t, r, 0)
	sdReq := field(t, r.stdout, "id")
	r = run("", append([]string{"wallet", "present", "--request", sdReq}, wp...)...)
	expect(t, r, 0, sdID, "discloses hours; withholds activity, organization, periodEnd, periodStart", "✔ constraints", "VERIFIED")
	if strings.Contains(r.stdout, "City Food Bank") {
		t.Errorf("a withheld claim reached the verifier:\n%s", r)
	}
	r = run("", "--token", housingKey, "request", "show", sdReq)
	expect(t, r, 0, "VERIFIED", `"hours":99`)
	if strings.Contains(r.stdout, "organization") {
		t.Errorf("the verifier sees a withheld claim:\n%s", r)
	}

	// ---- Data Integrity: presented inside the vp+jwt as it is ----------------------
	r = run("", "--token", cityKey, "issue", "--type", "VolunteerServiceCredential", "--subject", holder, "--claims", claims, "--format", "di")
	expect(t, r, 0, `"proof"`)
	diID := uuidURN.FindString(r.stderr)
	r = run("", append([]string{"wallet", "fetch"}, wp...)...)
	expect(t, r, 0, "1 new")
	r = run("", append([]string{"wallet", "show", diID}, w...)...)
	expect(t, r, 0, "Data Integrity (eddsa-rdfc-2022)", "selective disclosure: none")
	r = run("", "--token", housingKey, "request", "create", "--types", "VolunteerServiceCredential", "--fields", "hours")
	expect(t, r, 0)
	r = run("", append([]string{"wallet", "present", "--request", field(t, r.stdout, "id")}, wp...)...)
	expect(t, r, 0, diID, "every claim is shown", "✔ constraints", "VERIFIED")

	// ---- export: credentials, no secrets ------------------------------------------
	export := filepath.Join(work, "export.json")
	r = run("", append([]string{"wallet", "export", "--out", export}, w...)...)
	expect(t, r, 0, "Exported 4 credentials")
	var exported struct {
		Holder      string
		Credentials []struct{ ID, Credential string }
	}
	b, _ := os.ReadFile(export)
	if err := json.Unmarshal(b, &exported); err != nil || exported.Holder != holder || len(exported.Credentials) != 4 {
		t.Fatalf("export = %s (%v)", b, err)
	}

	// ---- the wallet from the environment --------------------------------------------
	t.Setenv("VCCTL_WALLET", wallet)
	t.Setenv("VCCTL_PASSPHRASE", passphrase)
	r = run("", "wallet", "login")
	expect(t, r, 0, "Logged in")

	// ---- no secret was ever printed ------------------------------------------------
	var wf struct {
		Session *struct{ Token string }
		Key     struct{ Ciphertext []byte }
	}
	b, _ = os.ReadFile(wallet)
	if err := json.Unmarshal(b, &wf); err != nil || wf.Session == nil {
		t.Fatalf("wallet file: %v", err)
	}
	if strings.Contains(string(b), passphrase) {
		t.Fatal("the wallet file contains the passphrase")
	}
	exportBytes, _ := os.ReadFile(export)
	for _, secret := range []string{passphrase, wf.Session.Token, base64.StdEncoding.EncodeToString(wf.Key.Ciphertext)} {
		for _, out := range append(outputs, string(exportBytes)) {
			if strings.Contains(out, secret) {
				t.Fatalf("a secret was printed or exported:\n%s", out)
			}
		}
	}
	if strings.Contains(string(exportBytes), "ciphertext") || strings.Contains(string(exportBytes), `"token"`) {
		t.Fatalf("the export holds key or session material:\n%s", exportBytes)
	}
}
