package main

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/citizencloud/citizencredentials/app/apptest"
)

// TestOpenIDWallet: the bureau prints an offer QR code, the wallet receives
// it over OpenID4VCI and answers a verifier's OpenID4VP request, all through
// the endpoints a phone wallet uses.
func TestOpenIDWallet(t *testing.T) {
	work := t.TempDir()
	m, _ := apptest.Start(t, filepath.Join(work, "data"))
	t.Chdir(work)
	base := m.URL()
	run := func(stdin string, args ...string) result {
		t.Helper()
		return vcctl(t, stdin, append([]string{"--url", base}, args...)...)
	}
	r := run("", "bureau", "create", "--name", "City Volunteer Office", "--slug", "city-volunteers",
		"--types", "VolunteerServiceCredential", "--key-file", "city.key")
	expect(t, r, 0, "Created bureau")
	cityKey := readTrimmed(t, "city.key")
	r = run("", "verifier", "create", "--name", "Housing", "--key-file", "housing.key")
	expect(t, r, 0)
	housingKey := readTrimmed(t, "housing.key")
	wp := []string{"--wallet", filepath.Join(work, "w.json"), "--passphrase-file", writeTemp(t, "p", passphrase)}
	r = run("", append([]string{"wallet", "init"}, wp...)...)
	expect(t, r, 0)

	claims := writeTemp(t, "claims.json", volunteerClaims)
	r = run("", "--token", cityKey, "offer", "--type", "VolunteerServiceCredential", "--claims", claims, "--tx-code", "493817", "--svg", "offer.svg")
	expect(t, r, 0, "openid-credential-offer://?credential_offer_uri=", "transaction code", "█")
	offer := field(t, r.stdout, "offer")
	if svg, err := os.ReadFile("offer.svg"); err != nil || !strings.HasPrefix(string(svg), "<svg") {
		t.Fatalf("offer.svg: %v", err)
	}

	r = run("", append([]string{"wallet", "receive", offer}, wp...)...)
	expect(t, r, 2, "--tx-code")
	r = run("", append([]string{"wallet", "receive", offer, "--tx-code", "493817"}, wp...)...)
	expect(t, r, 0, "Received 2 credentials", "SD_JWT", "JWT")
	r = run("", append([]string{"wallet", "receive", offer, "--tx-code", "493817"}, wp...)...)
	expect(t, r, 1, "invalid_grant")
	// A refusal by the issuer exits 1, like any refusal by the service.
	r = run("", "--token", cityKey, "offer", "--type", "VolunteerServiceCredential", "--claims", claims, "--tx-code", "493817")
	expect(t, r, 0)
	r = run("", append([]string{"wallet", "receive", field(t, r.stdout, "offer"), "--tx-code", "111111"}, wp...)...)
	expect(t, r, 1, "invalid_grant", "wrong transaction code")
	r = run("", append([]string{"wallet", "list"}, wp[:2]...)...)
	expect(t, r, 0, "VolunteerServiceCredential")

	r = run("", "--token", housingKey, "request", "create", "--types", "VolunteerServiceCredential", "--fields", "hours")
	expect(t, r, 0, "vcctl wallet respond")
	id := field(t, r.stdout, "id")
	resp := base + "/requests/" + id + "/openid4vp/response"
	authz := field(t, r.stdout, "openid4vp")
	if want := "openid4vp://?client_id=" + url.QueryEscape("redirect_uri:"+resp) + "&request_uri=" + url.QueryEscape(base+"/requests/"+id+"/openid4vp/request"); authz != want {
		t.Fatalf("openid4vp: %s, want %s", authz, want)
	}
	r = run("", append([]string{"wallet", "respond", authz}, wp...)...)
	expect(t, r, 0, "Accepted by "+resp, "only hours")
	r = run("", "--token", housingKey, "request", "show", id)
	expect(t, r, 0, "VERIFIED")
	r = run("", append([]string{"wallet", "respond", authz}, wp...)...)
	expect(t, r, 1, "already answered")
}
