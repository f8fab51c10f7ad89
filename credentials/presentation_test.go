package credentials_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/citizencloud/citizencredentials/credentials"
	"github.com/citizencloud/citizencredentials/credentials/jose"
	"github.com/citizencloud/citizencredentials/credentials/sdjwt"
	"github.com/citizencloud/citizencredentials/did"
	"github.com/citizencloud/citizencredentials/fault"
)

// keySigner is a credentials.Signer over an in-memory key.
type keySigner struct {
	crypto.Signer
	kid string
}

func (s keySigner) KeyID() string { return s.kid }

// party is an issuer or holder: a DID and its signing key.
type party struct {
	did    string
	signer keySigner
}

func newKey(t testing.TB, alg string) crypto.Signer {
	t.Helper()
	if alg == "P-256" {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// newHolder makes a did:key holder (as the CLI wallet does).
func newHolder(t testing.TB, alg string) party {
	t.Helper()
	k := newKey(t, alg)
	d, err := did.NewKeyDID(k.Public())
	if err != nil {
		t.Fatal(err)
	}
	return party{d, keySigner{k, d + "#" + strings.TrimPrefix(d, "did:key:")}}
}

// world is a bureau (did:web, resolved from memory), two holders and a
// verifier that knows the catalogue.
type world struct {
	cat      *credentials.Catalogue
	bureau   party
	holder   party
	other    party
	resolver did.Resolver
	verifier *credentials.Verifier
}

const baseURL = "https://citizen.example"

var volunteerClaims = map[string]any{"hours": 12.5, "organization": "Red Cross", "activity": "Food bank shifts", "periodStart": "2024-01-01", "periodEnd": "2024-06-30"}

func newWorld(t testing.TB) *world {
	t.Helper()
	cat, err := credentials.NewCatalogue(baseURL)
	if err != nil {
		t.Fatal(err)
	}
	k := newKey(t, "Ed25519")
	bd := did.WebDID("citizen.example", "bureaus", "volunteering")
	vm, err := did.NewJWKMethod(bd+"#key-1", bd, k.Public())
	if err != nil {
		t.Fatal(err)
	}
	doc := &did.Document{Context: []string{did.ContextDIDv1, did.ContextJWK}, ID: bd,
		VerificationMethod: []did.VerificationMethod{vm}, AssertionMethod: []string{vm.ID}}
	web := did.NewWebResolver(func(_ context.Context, d string) (*did.Document, error) {
		if d == bd {
			return doc, nil
		}
		return nil, fault.E(fault.NotFound, "%s is not a bureau of this service", d)
	}, did.WithHosts("citizen.example"))
	r := did.NewLocalRouter(web)
	return &world{
		cat:      cat,
		bureau:   party{bd, keySigner{k, vm.ID}},
		holder:   newHolder(t, "Ed25519"),
		other:    newHolder(t, "P-256"),
		resolver: r,
		verifier: credentials.NewVerifier(r, cat),
	}
}

// credential builds an unsecured credential of typ about subject.
func (w *world) credential(t testing.TB, typ, subject string, claims map[string]any) map[string]any {
	t.Helper()
	id, _ := uuid.NewV7()
	until := time.Now().Add(30 * 24 * time.Hour)
	vc, err := w.cat.Build(credentials.Draft{ID: "urn:uuid:" + id.String(), Issuer: w.bureau.did, Subject: subject, Type: typ,
		Claims: claims, ValidFrom: time.Now().Add(-time.Hour), ValidUntil: &until})
	if err != nil {
		t.Fatal(err)
	}
	return vc
}

func (w *world) issueJWT(t testing.TB, subject string) string {
	t.Helper()
	jwt, err := jose.SignCredential(w.credential(t, "VolunteerServiceCredential", subject, volunteerClaims), w.bureau.signer)
	if err != nil {
		t.Fatal(err)
	}
	return jwt
}

func (w *world) issueSD(t testing.TB, subject string) string {
	t.Helper()
	sd, err := sdjwt.Issue(w.credential(t, "VolunteerServiceCredential", subject, volunteerClaims), w.bureau.signer, sdjwt.HolderBinding{})
	if err != nil {
		t.Fatal(err)
	}
	return sd
}

// vp makes a signed vp+jwt of creds by holder.
func vp(t testing.TB, holder party, creds []string, challenge, domain string) string {
	t.Helper()
	p := jose.BuildPresentation(holder.did, creds, challenge, domain)
	s, err := jose.SignPresentation(p, holder.signer, challenge, domain)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// vpV1 makes a VCDM 1.1 JWT presentation (vp claim) signed by holder.
func vpV1(t testing.TB, holder party, creds []string, nonce, aud string) string {
	t.Helper()
	vcs := make([]any, len(creds))
	for i, c := range creds {
		vcs[i] = c
	}
	payload := map[string]any{
		"iss": holder.did, "nonce": nonce, "aud": aud, "iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix(),
		"vp": map[string]any{"@context": []any{credentials.ContextV1}, "type": []any{"VerifiablePresentation"}, "verifiableCredential": vcs},
	}
	body, _ := json.Marshal(payload)
	hdr := jws.NewHeaders()
	_ = hdr.Set(jws.KeyIDKey, holder.signer.kid)
	_ = hdr.Set(jws.TypeKey, "JWT")
	alg := jwa.EdDSA
	if _, ok := holder.signer.Public().(*ecdsa.PublicKey); ok {
		alg = jwa.ES256
	}
	out, err := jws.Sign(body, jws.WithKey(alg, holder.signer.Signer, jws.WithProtectedHeaders(hdr)))
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// tamperPayload changes a claim of a compact JWS payload and keeps the
// signature.
func tamperPayload(t *testing.T, jwt string, change func(map[string]any)) string {
	t.Helper()
	parts := strings.Split(jwt, ".")
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	change(m)
	b, _ = json.Marshal(m)
	parts[1] = base64.RawURLEncoding.EncodeToString(b)
	return strings.Join(parts, ".")
}

// tamperDisclosure rewrites the disclosure of claim name in an SD-JWT.
func tamperDisclosure(t *testing.T, sd, name string, value any) string {
	t.Helper()
	parts := strings.Split(sd, "~")
	for i := 1; i < len(parts)-1; i++ {
		b, _ := base64.RawURLEncoding.DecodeString(parts[i])
		var arr []any
		if json.Unmarshal(b, &arr) == nil && len(arr) == 3 && arr[1] == name {
			arr[2] = value
			b, _ = json.Marshal(arr)
			parts[i] = base64.RawURLEncoding.EncodeToString(b)
			return strings.Join(parts, "~")
		}
	}
	t.Fatalf("no disclosure of %s", name)
	return ""
}

func check(res *credentials.Result, name, credential string) (credentials.Check, bool) {
	for _, c := range res.Checks {
		if c.Name == name && c.Credential == credential {
			return c, true
		}
	}
	return credentials.Check{}, false
}

func failing(res *credentials.Result) []string {
	var out []string
	for _, c := range res.Checks {
		if !c.OK {
			n := c.Name
			if c.Credential != "" {
				n = c.Credential + ":" + n
			}
			out = append(out, n+" ("+c.Message+")")
		}
	}
	return out
}

func logResult(t *testing.T, res *credentials.Result) {
	t.Helper()
	var lines []string
	for _, c := range res.Checks {
		l := c.Name + "=" + map[bool]string{true: "ok", false: "FAIL"}[c.OK] + " (" + c.Message + ")"
		if c.Credential != "" {
			l = "[" + truncate(c.Credential, 20) + "] " + l
		}
		lines = append(lines, l)
	}
	t.Logf("verified=%v\n  %s", res.Verified, strings.Join(lines, "\n  "))
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func TestVerifyPresentation(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	const challenge, domain = "c-123", "https://verifier.example"
	opts := credentials.PresentationOptions{Challenge: challenge, Domain: domain}
	jwt := w.issueJWT(t, w.holder.did)
	sd := w.issueSD(t, w.holder.did)
	sdForVP, err := sdjwt.Present(sd, []string{"hours"}, nil, "", "")
	if err != nil {
		t.Fatal(err)
	}
	sdKB, err := sdjwt.Present(sd, []string{"hours", "organization"}, w.holder.signer, challenge, domain)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name     string
		raw      string
		opts     credentials.PresentationOptions
		verified bool
		fail     []string // check names (credential checks as "#:name") that must fail
		absent   []string // checks that must not be reported
		claims   []string // claim names of the first credential's summary
	}{
		{name: "ok/vp+jwt", raw: vp(t, w.holder, []string{jwt}, challenge, domain), opts: opts, verified: true,
			claims: []string{"activity", "hours", "organization", "periodEnd", "periodStart"}},
		{name: "ok/vp+jwt-two-credentials", raw: vp(t, w.holder, []string{jwt, w.issueJWT(t, w.holder.did)}, challenge, domain), opts: opts, verified: true},
		{name: "ok/vp+jwt-with-sd-jwt", raw: vp(t, w.holder, []string{sdForVP}, challenge, domain), opts: opts, verified: true, claims: []string{"hours"}},
		{name: "ok/vcdm11-jwt-vp", raw: vpV1(t, w.holder, []string{jwt}, challenge, domain), opts: opts, verified: true},
		{name: "ok/sd-jwt-kb", raw: sdKB, opts: opts, verified: true, claims: []string{"hours", "organization"}},
		{name: "ok/no-challenge-asked", raw: vp(t, w.holder, []string{jwt}, "", ""), verified: true, absent: []string{credentials.CheckChallenge, credentials.CheckDomain}},
		{name: "ok/no-credentials", raw: vp(t, w.holder, nil, challenge, domain), opts: opts, verified: true},
		{name: "fail/wrong-challenge", raw: vp(t, w.holder, []string{jwt}, "other", domain), opts: opts, fail: []string{credentials.CheckChallenge}},
		{name: "fail/missing-challenge", raw: vp(t, w.holder, []string{jwt}, "", domain), opts: opts, fail: []string{credentials.CheckChallenge}},
		{name: "fail/wrong-domain", raw: vp(t, w.holder, []string{jwt}, challenge, "https://evil.example"), opts: opts, fail: []string{credentials.CheckDomain}},
		{name: "fail/vcdm11-wrong-nonce", raw: vpV1(t, w.holder, []string{jwt}, "x", domain), opts: opts, fail: []string{credentials.CheckChallenge}},
		{name: "fail/holder-binding", raw: vp(t, w.other, []string{jwt}, challenge, domain), opts: opts, fail: []string{credentials.CheckHolderBinding}},
		{name: "fail/tampered-credential-inside", raw: vp(t, w.holder, []string{tamperPayload(t, jwt, func(m map[string]any) {
			m["credentialSubject"].(map[string]any)["hours"] = 1000
		})}, challenge, domain), opts: opts, fail: []string{"#:" + credentials.CheckSignature}},
		{name: "fail/tampered-presentation", raw: tamperPayload(t, vp(t, w.holder, []string{jwt}, challenge, domain), func(m map[string]any) { m["nonce"] = "forged" }),
			opts: credentials.PresentationOptions{Challenge: "forged"}, fail: []string{credentials.CheckPresentationSignature}},
		{name: "fail/signed-by-other-key", raw: func() string {
			p := jose.BuildPresentation(w.holder.did, []string{jwt}, challenge, domain)
			s, err := jose.SignPresentation(p, keySigner{w.other.signer.Signer, w.holder.signer.kid}, challenge, domain)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}(), opts: opts, fail: []string{credentials.CheckPresentationSignature}},
		{name: "fail/sd-jwt-tampered-disclosure", raw: tamperDisclosure(t, sdKB, "hours", 1000), opts: opts,
			fail: []string{credentials.CheckPresentationSignature, "#:" + credentials.CheckDisclosures}},
		{name: "fail/sd-jwt-kb-wrong-nonce", raw: func() string {
			s, err := sdjwt.Present(sd, []string{"hours"}, w.holder.signer, "other", domain)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}(), opts: opts, fail: []string{credentials.CheckChallenge}},
		{name: "fail/sd-jwt-no-kb", raw: sdForVP, opts: opts, fail: []string{credentials.CheckPresentationSignature}},
		{name: "fail/sd-jwt-kb-by-other-key", raw: func() string {
			parts := strings.Split(sdKB, "~")
			other, err := sdjwt.Present(w.issueSD(t, w.other.did), []string{"hours"}, w.other.signer, challenge, domain)
			if err != nil {
				t.Fatal(err)
			}
			op := strings.Split(other, "~")
			parts[len(parts)-1] = op[len(op)-1]
			return strings.Join(parts, "~")
		}(), opts: opts, fail: []string{credentials.CheckPresentationSignature}},
		{name: "fail/credential-not-presentation", raw: jwt, opts: opts, fail: []string{credentials.CheckFormat}},
		{name: "fail/unsecured-json", raw: `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":"VerifiablePresentation"}`, fail: []string{credentials.CheckFormat}},
		{name: "fail/empty", raw: "  ", fail: []string{credentials.CheckFormat}},
		{name: "fail/garbage", raw: "a.b.c", fail: []string{credentials.CheckFormat}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := w.verifier.VerifyPresentation(ctx, tc.raw, tc.opts)
			logResult(t, res)
			if res.Verified != tc.verified {
				t.Fatalf("verified = %v, want %v; failing: %v", res.Verified, tc.verified, failing(res))
			}
			for _, want := range tc.fail {
				found := false
				for _, c := range res.Checks {
					name := c.Name
					if c.Credential != "" {
						name = "#:" + c.Name
					}
					found = found || (name == want && !c.OK)
				}
				if !found {
					t.Errorf("check %s does not fail", want)
				}
			}
			for _, name := range tc.absent {
				if _, ok := check(res, name, ""); ok {
					t.Errorf("check %s reported", name)
				}
			}
			for _, c := range res.Checks {
				if c.Message == "" {
					t.Errorf("check %s has no message", c.Name)
				}
			}
			if tc.claims != nil {
				if len(res.Credentials) == 0 {
					t.Fatal("no summary")
				}
				var got []string
				for k := range res.Credentials[0].Claims {
					got = append(got, k)
				}
				if strings.Join(sorted(got), ",") != strings.Join(tc.claims, ",") {
					t.Errorf("claims %v, want %v", sorted(got), tc.claims)
				}
			}
		})
	}
}

func sorted(s []string) []string {
	out := append([]string{}, s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// TestPresentationChecksTagged: credential checks carry the credential id;
// presentation checks do not; order is format, presentation_signature,
// presentation_validity, challenge, domain, holder_binding, credentials.
func TestPresentationChecksTagged(t *testing.T) {
	w := newWorld(t)
	jwt := w.issueJWT(t, w.holder.did)
	res := w.verifier.VerifyPresentation(context.Background(), vp(t, w.holder, []string{jwt}, "c", "d"), credentials.PresentationOptions{Challenge: "c", Domain: "d"})
	var names []string
	for _, c := range res.Checks {
		if c.Credential == "" {
			names = append(names, c.Name)
		} else if !strings.HasPrefix(c.Credential, "urn:uuid:") {
			t.Errorf("credential tag %q is not the credential id", c.Credential)
		}
	}
	want := "format,presentation_signature,presentation_validity,challenge,domain,holder_binding"
	if strings.Join(names, ",") != want {
		t.Errorf("presentation checks %v, want %s", names, want)
	}
	if len(res.Credentials) != 1 || res.Credentials[0].Subject != w.holder.did {
		t.Errorf("summaries %+v", res.Credentials)
	}
}

func TestSignPresentationJWTRefuses(t *testing.T) {
	w := newWorld(t)
	for _, tc := range []struct {
		name string
		vp   map[string]any
		s    credentials.Signer
	}{
		{"fail/key-of-another-holder", jose.BuildPresentation(w.holder.did, nil, "", ""), w.other.signer},
		{"fail/no-holder", map[string]any{"@context": []any{credentials.ContextV2}, "type": "VerifiablePresentation"}, w.holder.signer},
		{"fail/vcdm11", map[string]any{"@context": []any{credentials.ContextV1}, "type": "VerifiablePresentation", "holder": w.holder.did}, w.holder.signer},
		{"fail/no-signer", jose.BuildPresentation(w.holder.did, nil, "", ""), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := jose.SignPresentation(tc.vp, tc.s, "", ""); fault.CodeOf(err) != fault.Invalid {
				t.Fatalf("err %v, want invalid", err)
			}
		})
	}
}

func TestSDJWTRoundTrip(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name    string
		binding func(h party) sdjwt.HolderBinding
	}{
		{"cnf.kid=subject DID", func(party) sdjwt.HolderBinding { return sdjwt.HolderBinding{} }},
		{"cnf.kid=key id", func(h party) sdjwt.HolderBinding { return sdjwt.HolderBinding{KeyID: h.signer.kid} }},
		{"cnf.jwk", func(h party) sdjwt.HolderBinding { return sdjwt.HolderBinding{Key: h.signer.Public()} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, h := range []party{w.holder, w.other} {
				vc := w.credential(t, "VolunteerServiceCredential", h.did, volunteerClaims)
				sd, err := sdjwt.Issue(vc, w.bureau.signer, tc.binding(h))
				if err != nil {
					t.Fatal(err)
				}
				// As issued: every claim disclosed, schema complete.
				res := w.verifier.VerifySDJWT(ctx, sd)
				if !res.Verified || len(res.Credentials[0].Claims) != 5 {
					logResult(t, res)
					t.Fatalf("issued SD-JWT does not verify with all claims")
				}
				// The header says vc+sd-jwt.
				hdr, _ := base64.RawURLEncoding.DecodeString(strings.Split(sd, ".")[0])
				if !strings.Contains(string(hdr), `"typ":"vc+sd-jwt"`) {
					t.Errorf("header %s", hdr)
				}
				p, err := sdjwt.Present(sd, []string{"periodStart"}, h.signer, "n", "https://v.example")
				if err != nil {
					t.Fatal(err)
				}
				res = w.verifier.VerifyPresentation(ctx, p, credentials.PresentationOptions{Challenge: "n", Domain: "https://v.example"})
				logResult(t, res)
				if !res.Verified {
					t.Fatalf("presentation does not verify: %v", failing(res))
				}
				if got := res.Credentials[0].Claims; len(got) != 1 || got["periodStart"] != "2024-01-01" {
					t.Errorf("claims %v, want only periodStart", got)
				}
				// The other holder's key cannot present it.
				other := w.other
				if h.did == w.other.did {
					other = w.holder
				}
				if _, err := sdjwt.Present(sd, []string{"hours"}, other.signer, "n", "d"); fault.CodeOf(err) != fault.Invalid {
					t.Errorf("presenting with another key: err %v", err)
				}
			}
		})
	}
	t.Run("fail/unknown-claim", func(t *testing.T) {
		if _, err := sdjwt.Present(w.issueSD(t, w.holder.did), []string{"salary"}, nil, "", ""); fault.CodeOf(err) != fault.Invalid {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("fail/schema-of-disclosed", func(t *testing.T) {
		// A disclosed claim that breaks the schema (the issuer signed it):
		// the schema check still sees it.
		claims := map[string]any{}
		for k, v := range volunteerClaims {
			claims[k] = v
		}
		vc := w.credential(t, "VolunteerServiceCredential", w.holder.did, claims)
		vc["credentialSubject"].(map[string]any)["hours"] = "many"
		sd, err := sdjwt.Issue(vc, w.bureau.signer, sdjwt.HolderBinding{})
		if err != nil {
			t.Fatal(err)
		}
		p, _ := sdjwt.Present(sd, []string{"hours"}, nil, "", "")
		res := w.verifier.VerifySDJWT(ctx, p)
		if c, _ := check(res, credentials.CheckSchema, ""); c.OK || !strings.Contains(c.Message, "hours must be a number") {
			t.Errorf("schema check %+v", c)
		}
	})
}

// FuzzVerifyPresentation: hostile input never panics (nothing recovers: a
// panic fails the target) and every check explains itself.
func FuzzVerifyPresentation(f *testing.F) {
	w := newWorld(f)
	jwt := w.issueJWT(f, w.holder.did)
	sd := w.issueSD(f, w.holder.did)
	kb, _ := sdjwt.Present(sd, []string{"hours"}, w.holder.signer, "c", "d")
	f.Add(vp(f, w.holder, []string{jwt, sd}, "c", "d"))
	f.Add(vpV1(f, w.holder, []string{jwt}, "c", "d"))
	f.Add(kb)
	f.Add(sd)
	f.Add(jwt)
	f.Add("eyJhbGciOiJFZERTQSIsInR5cCI6InZwK2p3dCJ9.e30.AAAA")
	f.Add("x~y~z")
	f.Add("~~~")
	f.Add(`{"proof":{}}`)
	f.Fuzz(func(t *testing.T, raw string) {
		res := w.verifier.VerifyPresentation(context.Background(), raw, credentials.PresentationOptions{Challenge: "c", Domain: "d"})
		if res == nil || len(res.Checks) == 0 {
			t.Fatal("no result")
		}
		for _, c := range res.Checks {
			if c.Message == "" {
				t.Fatalf("check %s without message", c.Name)
			}
		}
	})
}
