package app_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/citizencloud/citizencredentials/app"
	"github.com/citizencloud/citizencredentials/credentials/sdjwt"
	"github.com/citizencloud/citizencredentials/did"
	"github.com/citizencloud/citizencredentials/wallet"
)

const createOfferQ = `mutation($in: CredentialOfferInput!) { createCredentialOffer(input: $in) { id credentialIssuer credentialConfigurationIds offerUri offerUriByReference credentialOfferUri qrSvg txCodeRequired expiresAt } }`

type offerOut struct {
	ID                         string   `json:"id"`
	CredentialIssuer           string   `json:"credentialIssuer"`
	CredentialConfigurationIDs []string `json:"credentialConfigurationIds"`
	OfferURI                   string   `json:"offerUri"`
	OfferURIByReference        string   `json:"offerUriByReference"`
	CredentialOfferURI         string   `json:"credentialOfferUri"`
	QRSVG                      string   `json:"qrSvg"`
	TxCodeRequired             bool     `json:"txCodeRequired"`
}

func (s *testServer) offer(t *testing.T, apiKey string, in map[string]any) offerOut {
	t.Helper()
	if in["type"] == nil {
		in["type"] = "VolunteerServiceCredential"
	}
	if in["claims"] == nil {
		in["claims"] = volunteerClaims()
	}
	var o offerOut
	s.must(t, apiKey, createOfferQ, map[string]any{"in": in}, "createCredentialOffer", &o)
	return o
}

// vciWallet is a wallet talking raw HTTP to one issuer, for the negative
// cases the wallet package never produces.
type vciWallet struct {
	t  *testing.T
	md *wallet.IssuerMetadata
}

func newVCIWallet(t *testing.T, issuer string) *vciWallet {
	md, err := wallet.FetchIssuerMetadata(t.Context(), http.DefaultClient, issuer)
	if err != nil {
		t.Fatal(err)
	}
	return &vciWallet{t: t, md: md}
}

// oauthCode returns the OAuth error code of err ("" if none).
func oauthCode(err error) string {
	if e, ok := err.(*wallet.OAuthError); ok {
		return e.Code
	}
	return ""
}

func (w *vciWallet) token(code, tx string) (string, error) {
	return wallet.RequestToken(w.t.Context(), http.DefaultClient, w.md.TokenEndpoint, code, tx)
}

func (w *vciWallet) nonce() string {
	n, err := wallet.RequestNonce(w.t.Context(), http.DefaultClient, w.md.NonceEndpoint)
	if err != nil {
		w.t.Fatal(err)
	}
	return n
}

func (w *vciWallet) credential(token, config, proof string) (string, error) {
	return wallet.RequestCredential(w.t.Context(), http.DefaultClient, w.md.CredentialEndpoint, token, config, proof)
}

// proof signs a key proof with header and payload as given.
func signProof(t *testing.T, key ed25519.PrivateKey, header, payload map[string]any) string {
	return resign(t, header, payload, key)
}

func codeOf(t *testing.T, offerURI string) string {
	o, err := wallet.ResolveOffer(t.Context(), http.DefaultClient, offerURI)
	if err != nil {
		t.Fatal(err)
	}
	return o.Grants["urn:ietf:params:oauth:grant-type:pre-authorized_code"].PreAuthorizedCode
}

func TestOpenID4VCI(t *testing.T) {
	s := startServer(t, t.TempDir(), func(c *app.Config) { c.PublishInterval, c.AnchorInterval = time.Hour, time.Hour })
	b := s.createBureau(t, "vci-office", "VolunteerServiceCredential")
	other := s.createBureau(t, "vci-other", "VolunteerServiceCredential")
	issuerURL := s.URL() + "/bureaus/vci-office"
	verifier := s.createVerifier(t, "VCI Bank")
	ctx := t.Context()

	t.Run("ok/metadata", func(t *testing.T) {
		for _, u := range []string{s.URL() + "/.well-known/openid-credential-issuer/bureaus/vci-office", issuerURL + "/.well-known/openid-credential-issuer"} {
			var md struct {
				CredentialIssuer string                    `json:"credential_issuer"`
				Configs          map[string]map[string]any `json:"credential_configurations_supported"`
				Display          []map[string]any          `json:"display"`
			}
			getJSONInto(t, u, http.StatusOK, &md)
			if md.CredentialIssuer != issuerURL || md.Display[0]["name"] != "Bureau vci-office" {
				t.Fatalf("%+v", md)
			}
			if md.Configs["VolunteerServiceCredential_jwt_vc_json"]["format"] != "jwt_vc_json" || md.Configs["VolunteerServiceCredential_dc_sd_jwt"]["format"] != "dc+sd-jwt" {
				t.Fatalf("configurations: %v", md.Configs)
			}
		}
		var as map[string]any
		getJSONInto(t, s.URL()+"/.well-known/oauth-authorization-server/bureaus/vci-office", http.StatusOK, &as)
		if as["issuer"] != issuerURL || as["token_endpoint"] != issuerURL+"/openid4vci/token" {
			t.Fatalf("%v", as)
		}
		getJSONInto(t, s.URL()+"/.well-known/openid-credential-issuer/bureaus/nobody", http.StatusNotFound, &as)
	})

	t.Run("ok/by-reference-both-formats-tx-code", func(t *testing.T) {
		alice := newHolder(t)
		o := s.offer(t, b.APIKey, map[string]any{"txCode": "493817"})
		if !o.TxCodeRequired || len(o.CredentialConfigurationIDs) != 2 || !strings.HasPrefix(o.QRSVG, "<svg") ||
			!strings.HasPrefix(o.OfferURIByReference, "openid-credential-offer://?credential_offer_uri=") {
			t.Fatalf("%+v", o)
		}
		offer, err := wallet.ResolveOffer(ctx, http.DefaultClient, o.OfferURIByReference)
		if err != nil || !offer.NeedsTxCode() || offer.CredentialIssuer != issuerURL {
			t.Fatalf("%+v %v", offer, err)
		}
		got, err := wallet.Receive(ctx, http.DefaultClient, offer, alice, "493817", time.Now())
		if err != nil || len(got) != 2 {
			t.Fatalf("%v %+v", err, got)
		}
		byFormat := map[string]string{}
		for _, r := range got {
			byFormat[r.Format] = r.Credential
		}
		jwt, sd := byFormat["jwt_vc_json"], byFormat["dc+sd-jwt"]
		_, payload, _ := splitJWS(t, jwt)
		if sub := payload["credentialSubject"].(map[string]any)["id"]; sub != alice.did {
			t.Fatalf("subject %v, want the proof key's DID %s", sub, alice.did)
		}
		s.publishAndAnchor(t)
		if v := s.verify(t, jwt); !v.Verified {
			t.Fatalf("%+v", v.Checks)
		}
		// The same stored, audited record as issueCredential makes.
		var trail []struct{ Action, Actor string }
		s.must(t, b.APIKey, auditQ, map[string]any{"id": payload["id"]}, "auditTrail", &trail)
		if len(trail) == 0 || trail[0].Action != "issued" {
			t.Fatalf("audit trail %+v", trail)
		}
		// The SD-JWT is bound to the proof key: it answers a request with
		// selective disclosure.
		rq := s.request(t, verifier, map[string]any{"types": []string{"VolunteerServiceCredential"}, "fields": []string{"hours"}})
		pres, err := sdjwt.Present(sd, []string{"hours"}, alice, rq.Challenge, rq.Domain)
		if err != nil {
			t.Fatal(err)
		}
		if res, r := s.submit(t, rq.ID, pres); len(r.Errors) > 0 || !res.Verified {
			t.Fatalf("%+v %+v", r.Errors, res.Checks)
		}
		// A retry of the same configuration is refused at the token step.
		w := newVCIWallet(t, issuerURL)
		if _, err := w.token(offer.Grants["urn:ietf:params:oauth:grant-type:pre-authorized_code"].PreAuthorizedCode, "493817"); oauthCode(err) != "invalid_grant" {
			t.Fatalf("reused code: %v", err)
		}
	})

	t.Run("ok/by-value-jwk-proof", func(t *testing.T) {
		o := s.offer(t, b.APIKey, map[string]any{"format": "JWT"})
		w := newVCIWallet(t, issuerURL)
		tok, err := w.token(codeOf(t, o.OfferURI), "")
		if err != nil {
			t.Fatal(err)
		}
		pub, priv, _ := ed25519.GenerateKey(rand.Reader)
		jwk, _ := did.JWKFromPublic(pub)
		var jwkObj map[string]any
		_ = json.Unmarshal(jwk, &jwkObj)
		proof := signProof(t, priv, map[string]any{"typ": "openid4vci-proof+jwt", "alg": "EdDSA", "jwk": jwkObj},
			map[string]any{"aud": issuerURL, "iat": time.Now().Unix(), "nonce": w.nonce()})
		cred, err := w.credential(tok, "VolunteerServiceCredential_jwt_vc_json", proof)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := did.NewJWKDID(pub)
		_, payload, _ := splitJWS(t, cred)
		if sub := payload["credentialSubject"].(map[string]any)["id"]; sub != want {
			t.Fatalf("subject %v, want %s", sub, want)
		}
	})

	// Negative cases: each refused with the error the specification names.
	alice := newHolder(t)
	aliceProof := func(aud string, iat time.Time, nonce string) string {
		return signProof(t, alice.PrivateKey, map[string]any{"typ": "openid4vci-proof+jwt", "alg": "EdDSA", "kid": alice.KeyID()},
			map[string]any{"aud": aud, "iat": iat.Unix(), "nonce": nonce})
	}
	tokenFor := func(t *testing.T, in map[string]any) (*vciWallet, string) {
		o := s.offer(t, b.APIKey, in)
		w := newVCIWallet(t, issuerURL)
		tok, err := w.token(codeOf(t, o.OfferURI), "")
		if err != nil {
			t.Fatal(err)
		}
		return w, tok
	}
	tokenCases := []struct {
		name  string
		code  func(t *testing.T) (code, tx string)
		wantE string
	}{
		{"fail/wrong-code", func(t *testing.T) (string, string) {
			c := codeOf(t, s.offer(t, b.APIKey, map[string]any{}).OfferURI)
			return c[:len(c)-2] + "AA", ""
		}, "invalid_grant"},
		{"fail/unknown-code", func(t *testing.T) (string, string) { return "nothing", "" }, "invalid_grant"},
		{"fail/reused-code", func(t *testing.T) (string, string) {
			c := codeOf(t, s.offer(t, b.APIKey, map[string]any{}).OfferURI)
			if _, err := newVCIWallet(t, issuerURL).token(c, ""); err != nil {
				t.Fatal(err)
			}
			return c, ""
		}, "invalid_grant"},
		{"fail/wrong-tx-code", func(t *testing.T) (string, string) {
			return codeOf(t, s.offer(t, b.APIKey, map[string]any{"txCode": "1234"}).OfferURI), "4321"
		}, "invalid_grant"},
		{"fail/right-tx-code-after-wrong-one", func(t *testing.T) (string, string) {
			c := codeOf(t, s.offer(t, b.APIKey, map[string]any{"txCode": "1234"}).OfferURI)
			if _, err := newVCIWallet(t, issuerURL).token(c, "9999"); oauthCode(err) != "invalid_grant" {
				t.Fatalf("wrong tx code: %v", err)
			}
			return c, "1234"
		}, "invalid_grant"},
		{"fail/missing-tx-code", func(t *testing.T) (string, string) {
			return codeOf(t, s.offer(t, b.APIKey, map[string]any{"txCode": "1234"}).OfferURI), ""
		}, "invalid_request"},
		{"fail/expired-offer", func(t *testing.T) (string, string) {
			c := codeOf(t, s.offer(t, b.APIKey, map[string]any{"expiresInSeconds": 1}).OfferURI)
			time.Sleep(1100 * time.Millisecond)
			return c, ""
		}, "invalid_grant"},
		{"fail/another-bureaus-code", func(t *testing.T) (string, string) {
			return codeOf(t, s.offer(t, other.APIKey, map[string]any{}).OfferURI), ""
		}, "invalid_grant"},
	}
	for _, tc := range tokenCases {
		t.Run(tc.name, func(t *testing.T) {
			code, tx := tc.code(t)
			_, err := newVCIWallet(t, issuerURL).token(code, tx)
			if got := oauthCode(err); got != tc.wantE {
				t.Fatalf("error %v, want %s", err, tc.wantE)
			}
			if e := err.(*wallet.OAuthError); e.Status != http.StatusBadRequest {
				t.Fatalf("status %d", e.Status)
			}
		})
	}

	credCases := []struct {
		name   string
		offer  map[string]any
		config string
		proof  func(t *testing.T, w *vciWallet) string
		token  func(tok string) string
		wantE  string
		status int
	}{
		{name: "fail/stale-nonce-reused", proof: func(t *testing.T, w *vciWallet) string {
			n := w.nonce()
			_, tok := tokenFor(t, map[string]any{})
			if _, err := w.credential(tok, "VolunteerServiceCredential_jwt_vc_json", aliceProof(issuerURL, time.Now(), n)); err != nil {
				t.Fatal(err)
			}
			return aliceProof(issuerURL, time.Now(), n)
		}, wantE: "invalid_nonce"},
		{name: "fail/unknown-nonce", proof: func(t *testing.T, w *vciWallet) string {
			return aliceProof(issuerURL, time.Now(), "made-up")
		}, wantE: "invalid_nonce"},
		{name: "fail/no-nonce", proof: func(t *testing.T, w *vciWallet) string {
			return aliceProof(issuerURL, time.Now(), "")
		}, wantE: "invalid_nonce"},
		{name: "fail/old-iat", proof: func(t *testing.T, w *vciWallet) string {
			return aliceProof(issuerURL, time.Now().Add(-time.Hour), w.nonce())
		}, wantE: "invalid_proof"},
		{name: "fail/future-iat", proof: func(t *testing.T, w *vciWallet) string {
			return aliceProof(issuerURL, time.Now().Add(time.Hour), w.nonce())
		}, wantE: "invalid_proof"},
		{name: "fail/wrong-audience", proof: func(t *testing.T, w *vciWallet) string {
			return aliceProof(s.URL()+"/bureaus/vci-other", time.Now(), w.nonce())
		}, wantE: "invalid_proof"},
		{name: "fail/wrong-typ", proof: func(t *testing.T, w *vciWallet) string {
			return signProof(t, alice.PrivateKey, map[string]any{"typ": "JWT", "alg": "EdDSA", "kid": alice.KeyID()},
				map[string]any{"aud": issuerURL, "iat": time.Now().Unix(), "nonce": w.nonce()})
		}, wantE: "invalid_proof"},
		{name: "fail/bad-signature", proof: func(t *testing.T, w *vciWallet) string {
			_, mallory := newHolderDID(t)
			return signProof(t, mallory, map[string]any{"typ": "openid4vci-proof+jwt", "alg": "EdDSA", "kid": alice.KeyID()},
				map[string]any{"aud": issuerURL, "iat": time.Now().Unix(), "nonce": w.nonce()})
		}, wantE: "invalid_proof"},
		{name: "fail/key-of-another-subject", offer: map[string]any{"subjectDid": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"},
			proof: func(t *testing.T, w *vciWallet) string { return aliceProof(issuerURL, time.Now(), w.nonce()) }, wantE: "invalid_proof"},
		{name: "fail/no-proof", proof: func(t *testing.T, w *vciWallet) string { return "" }, wantE: "invalid_proof"},
		{name: "fail/unknown-configuration", config: "MaritalStatusCredential_jwt_vc_json",
			proof: func(t *testing.T, w *vciWallet) string { return aliceProof(issuerURL, time.Now(), w.nonce()) }, wantE: "unknown_credential_configuration"},
		{name: "fail/configuration-not-offered", offer: map[string]any{"format": "JWT"}, config: "VolunteerServiceCredential_dc_sd_jwt",
			proof: func(t *testing.T, w *vciWallet) string { return aliceProof(issuerURL, time.Now(), w.nonce()) }, wantE: "unknown_credential_configuration"},
		{name: "fail/bad-token", token: func(string) string { return "x.1.y" },
			proof: func(t *testing.T, w *vciWallet) string { return aliceProof(issuerURL, time.Now(), w.nonce()) }, wantE: "invalid_token", status: http.StatusUnauthorized},
	}
	for _, tc := range credCases {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.offer
			if in == nil {
				in = map[string]any{}
			}
			w, tok := tokenFor(t, in)
			if tc.token != nil {
				tok = tc.token(tok)
			}
			config := tc.config
			if config == "" {
				config = "VolunteerServiceCredential_jwt_vc_json"
			}
			var err error
			if p := tc.proof(t, w); p != "" {
				_, err = w.credential(tok, config, p)
			} else {
				_, err = w.credential(tok, config, "")
			}
			if got := oauthCode(err); got != tc.wantE {
				t.Fatalf("error %v, want %s", err, tc.wantE)
			}
			want := tc.status
			if want == 0 {
				want = http.StatusBadRequest
			}
			if e := err.(*wallet.OAuthError); e.Status != want {
				t.Fatalf("status %d, want %d", e.Status, want)
			}
		})
	}

	t.Run("fail/unsupported-format", func(t *testing.T) {
		w, tok := tokenFor(t, map[string]any{})
		status, body := postRaw(t, w.md.CredentialEndpoint, tok, `{"format":"ldp_vc","proofs":{"jwt":["x"]}}`)
		if status != http.StatusBadRequest || body["error"] != "unsupported_credential_format" {
			t.Fatalf("%d %v", status, body)
		}
	})
	t.Run("fail/token-at-another-issuer", func(t *testing.T) {
		_, tok := tokenFor(t, map[string]any{})
		status, body := postRaw(t, s.URL()+"/bureaus/vci-other/openid4vci/credential", tok, `{"credential_configuration_id":"VolunteerServiceCredential_jwt_vc_json"}`)
		if status != http.StatusUnauthorized || body["error"] != "invalid_token" {
			t.Fatalf("%d %v", status, body)
		}
	})
	t.Run("fail/offer-rejected-input", func(t *testing.T) {
		cases := map[string]map[string]any{
			"type-not-allowed":   {"type": "MaritalStatusCredential", "claims": map[string]any{"status": "single"}},
			"claims-fail-schema": {"claims": map[string]any{"hours": "many"}},
			"data-integrity":     {"format": "DATA_INTEGRITY"},
			"tx-code-too-short":  {"txCode": "12"},
			"expiry-too-long":    {"expiresInSeconds": 10_000_000},
		}
		for name, in := range cases {
			if in["type"] == nil {
				in["type"] = "VolunteerServiceCredential"
			}
			if in["claims"] == nil {
				in["claims"] = volunteerClaims()
			}
			r := s.do(t, b.APIKey, createOfferQ, map[string]any{"in": in})
			if c := r.code(); c != "BAD_USER_INPUT" && c != "FORBIDDEN" {
				t.Errorf("%s: code %q (%+v)", name, c, r.Errors)
			}
		}
	})
	t.Run("fail/concurrent-redemption-one-wins", func(t *testing.T) {
		code := codeOf(t, s.offer(t, b.APIKey, map[string]any{}).OfferURI)
		w := newVCIWallet(t, issuerURL)
		const n = 8
		errs := make(chan error, n)
		for range n {
			go func() { _, err := w.token(code, ""); errs <- err }()
		}
		won := 0
		for range n {
			switch err := <-errs; {
			case err == nil:
				won++
			case oauthCode(err) != "invalid_grant":
				t.Errorf("a loser got %v, want invalid_grant", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d redemptions of one pre-authorized code succeeded, want 1", won)
		}
	})
	t.Run("fail/concurrent-nonce-use-one-wins", func(t *testing.T) {
		w := newVCIWallet(t, issuerURL)
		proof := aliceProof(issuerURL, time.Now(), w.nonce())
		const n = 4
		errs := make(chan error, n)
		for range n {
			_, tok := tokenFor(t, map[string]any{})
			go func() { _, err := w.credential(tok, "VolunteerServiceCredential_jwt_vc_json", proof); errs <- err }()
		}
		won := 0
		for range n {
			switch err := <-errs; {
			case err == nil:
				won++
			case oauthCode(err) != "invalid_nonce":
				t.Errorf("a loser got %v, want invalid_nonce", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d credential requests with one nonce succeeded, want 1", won)
		}
	})
	t.Run("ok/offer-qr-svg", func(t *testing.T) {
		o := s.offer(t, b.APIKey, map[string]any{})
		resp, err := http.Get(issuerURL + "/openid4vci/offers/" + o.ID + "/qr.svg")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(string(body), "<svg") {
			t.Fatalf("%d %s %.40s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
	})
}

func getJSONInto(t *testing.T, u string, status int, v any) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != status {
		t.Fatalf("GET %s: status %d, want %d", u, resp.StatusCode, status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

func postRaw(t *testing.T, u, token, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}
