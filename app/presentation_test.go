package app_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/citizencloud/citizencredentials/credentials/jose"
	"github.com/citizencloud/citizencredentials/credentials/sdjwt"
)

// holderKey signs as a did:key holder.
type holderKey struct {
	ed25519.PrivateKey
	did string
}

func (h holderKey) KeyID() string { return h.did + "#" + strings.TrimPrefix(h.did, "did:key:") }

func newHolder(t *testing.T) holderKey {
	d, k := newHolderDID(t)
	return holderKey{PrivateKey: k, did: d}
}

// present signs a vp+jwt of creds for the request's challenge and domain.
func present(t *testing.T, h holderKey, creds []string, challenge, domain string) string {
	t.Helper()
	vp := jose.BuildPresentation(h.did, creds, challenge, domain)
	jwt, err := jose.SignPresentation(vp, h, challenge, domain)
	if err != nil {
		t.Fatal(err)
	}
	return jwt
}

type request struct {
	ID, Challenge, Domain, RequestURI, State string
}

const (
	createRequestQ  = `mutation($in: PresentationRequestInput!) { createPresentationRequest(input: $in) { id challenge domain requestUri state } }`
	submitQ         = `mutation($id: ID!, $p: String!) { submitPresentation(requestId: $id, presentation: $p) { verified checks { name ok message credential } credentials { id claims } } }`
	createVerifierQ = `mutation($in: CreateVerifierInput!) { createVerifier(input: $in) { apiKey verifier { id } } }`
)

func (s *testServer) createVerifier(t *testing.T, name string) string {
	var out struct{ APIKey string }
	s.must(t, s.admin, createVerifierQ, map[string]any{"in": map[string]any{"name": name}}, "createVerifier", &out)
	return out.APIKey
}

func (s *testServer) request(t *testing.T, verifierKey string, in map[string]any) request {
	var r request
	s.must(t, verifierKey, createRequestQ, map[string]any{"in": in}, "createPresentationRequest", &r)
	return r
}

func (s *testServer) submit(t *testing.T, id, vp string) (verifyOut, *gqlResponse) {
	t.Helper()
	r := s.do(t, "", submitQ, map[string]any{"id": id, "p": vp})
	var out verifyOut
	if len(r.Errors) == 0 {
		if err := json.Unmarshal(r.Data["submitPresentation"], &out); err != nil {
			t.Fatal(err)
		}
	}
	return out, r
}

// subscribe opens a graphql-transport-ws subscription to
// presentationSubmitted and returns a channel with its first event.
func (s *testServer) subscribe(t *testing.T, verifierKey, requestID string) <-chan map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	wsURL := "ws" + strings.TrimPrefix(s.URL(), "http") + "/graphql"
	c, _, err := websocket.Dial(ctx, wsURL, &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatalf("websocket: %v", err)
	}
	t.Cleanup(func() { c.Close(websocket.StatusNormalClosure, "") })
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(wsjson.Write(ctx, c, map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + verifierKey}}))
	var ack map[string]any
	must(wsjson.Read(ctx, c, &ack))
	if ack["type"] != "connection_ack" {
		t.Fatalf("no ack: %v", ack)
	}
	must(wsjson.Write(ctx, c, map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{
		"query":     `subscription($id: ID!) { presentationSubmitted(requestId: $id) { id state result { verified checks { name ok } } } }`,
		"variables": map[string]any{"id": requestID},
	}}))
	out := make(chan map[string]any, 1)
	go func() {
		defer close(out)
		for {
			var msg map[string]any
			if err := wsjson.Read(ctx, c, &msg); err != nil {
				return
			}
			switch msg["type"] {
			case "next", "error":
				out <- msg
				return
			}
		}
	}()
	return out
}

func TestCitizenStory(t *testing.T) {
	s := startServer(t, t.TempDir(), manual)
	b := s.createBureau(t, "volunteer-office", "VolunteerServiceCredential", "LifelongLearningCredential")
	verifier := s.createVerifier(t, "Harbour Logistics HR")
	alice := newHolder(t)

	// The bureau issues to the citizen's wallet DID; the wallet logs in and fetches it.
	issuedCred := s.issueVolunteer(t, b.APIKey, alice.did)
	s.publishAndAnchor(t)
	tok := s.login(t, alice.did, alice.PrivateKey)
	var wallet []issued
	s.must(t, tok, myCredsQ, nil, "myCredentials", &wallet)
	if len(wallet) != 1 || wallet[0].Credential != issuedCred.Credential {
		t.Fatalf("wallet fetched %d credentials", len(wallet))
	}

	// A definition that would make the verifier's engine fetch a schema from
	// elsewhere is refused when the request is created, not ignored later.
	remote := map[string]any{"id": "remote", "input_descriptors": []any{map[string]any{"id": "v", "constraints": map[string]any{"fields": []any{
		map[string]any{"path": []any{"$.type"}, "filter": map[string]any{"type": "array", "contains": map[string]any{"$ref": "https://schemas.example/volunteer.json"}}}}}}}}
	if r := s.do(t, verifier, createRequestQ, map[string]any{"in": map[string]any{"definition": remote}}); r.code() != "BAD_USER_INPUT" || !strings.Contains(r.Errors[0].Message, "not local to the filter") {
		t.Fatalf("a definition with a remote $ref: %+v", r)
	}

	// A verifier asks for a volunteer-service credential with hours and waits.
	req := s.request(t, verifier, map[string]any{"types": []string{"VolunteerServiceCredential"}, "fields": []string{"hours"}, "purpose": "Check volunteering hours for the application"})
	if req.Challenge == "" || req.Domain == "" || !strings.Contains(req.RequestURI, req.ID) {
		t.Fatalf("request: %+v", req)
	}
	events := s.subscribe(t, verifier, req.ID)

	// The wallet reads the request from its URI (the public URL is
	// https://citizen.example here, so fetch the same path locally) and answers it.
	resp, err := http.Get(s.URL() + req.RequestURI[strings.Index(req.RequestURI, "/requests/"):])
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("request uri: %v %v", err, resp)
	}
	resp.Body.Close()
	vp := present(t, alice, []string{wallet[0].Credential}, req.Challenge, req.Domain)
	res, r := s.submit(t, req.ID, vp)
	if len(r.Errors) > 0 || !res.Verified {
		t.Fatalf("submit: %+v %+v", r.Errors, res.Checks)
	}
	for _, name := range []string{"presentation_signature", "challenge", "domain", "holder_binding", "signature", "status", "issuer_trusted", "issuance_anchor", "constraints"} {
		if ok, found, msg := res.check(name); !found || !ok {
			t.Errorf("check %s: found=%v ok=%v %s", name, found, ok, msg)
		}
	}
	select {
	case ev := <-events:
		b, _ := json.Marshal(ev)
		if !strings.Contains(string(b), `"state":"VERIFIED"`) || !strings.Contains(string(b), `"verified":true`) {
			t.Fatalf("subscription event: %s", b)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the verifier's subscription received nothing")
	}

	t.Run("fail/replayed", func(t *testing.T) {
		if _, r := s.submit(t, req.ID, vp); r.code() != "CONFLICT" {
			t.Fatalf("replay: %q", r.code())
		}
	})

	failCase := func(t *testing.T, in map[string]any, makeVP func(req request) string, check string) {
		t.Helper()
		rq := s.request(t, verifier, in)
		res, r := s.submit(t, rq.ID, makeVP(rq))
		if len(r.Errors) > 0 {
			t.Fatalf("submit: %+v", r.Errors)
		}
		if ok, found, msg := res.check(check); res.Verified || !found || ok {
			t.Fatalf("check %s: found=%v ok=%v %s (%+v)", check, found, ok, msg, res.Checks)
		}
	}
	want := map[string]any{"types": []string{"VolunteerServiceCredential"}}
	t.Run("fail/wrong-challenge", func(t *testing.T) {
		failCase(t, want, func(rq request) string {
			return present(t, alice, []string{wallet[0].Credential}, "not-the-challenge", rq.Domain)
		}, "challenge")
	})
	t.Run("fail/wrong-domain", func(t *testing.T) {
		failCase(t, want, func(rq request) string {
			return present(t, alice, []string{wallet[0].Credential}, rq.Challenge, "https://phishing.example")
		}, "domain")
	})
	t.Run("fail/expired-request", func(t *testing.T) {
		failCase(t, map[string]any{"types": []string{"VolunteerServiceCredential"}, "expiresIn": 1}, func(rq request) string {
			time.Sleep(1100 * time.Millisecond)
			return present(t, alice, []string{wallet[0].Credential}, rq.Challenge, rq.Domain)
		}, "request_expiry")
	})
	t.Run("fail/holder-binding", func(t *testing.T) {
		mallory := newHolder(t)
		failCase(t, want, func(rq request) string {
			return present(t, mallory, []string{wallet[0].Credential}, rq.Challenge, rq.Domain)
		}, "holder_binding")
	})
	t.Run("fail/missing-required-type", func(t *testing.T) {
		failCase(t, map[string]any{"types": []string{"LifelongLearningCredential"}}, func(rq request) string {
			return present(t, alice, []string{wallet[0].Credential}, rq.Challenge, rq.Domain)
		}, "constraints")
	})
	t.Run("fail/revoked-credential-inside", func(t *testing.T) {
		c := s.issueVolunteer(t, b.APIKey, alice.did)
		s.must(t, b.APIKey, revokeQ, map[string]any{"id": c.ID, "r": "issued to the wrong person"}, "revokeCredential", &struct{}{})
		failCase(t, want, func(rq request) string { return present(t, alice, []string{c.Credential}, rq.Challenge, rq.Domain) }, "status")
	})
	t.Run("fail/verifier-only", func(t *testing.T) {
		if r := s.do(t, b.APIKey, createRequestQ, map[string]any{"in": want}); r.code() != "FORBIDDEN" {
			t.Fatalf("bureau creating a request: %q", r.code())
		}
	})

	t.Run("standalone-verifyPresentation", func(t *testing.T) {
		vp := present(t, alice, []string{wallet[0].Credential}, "nonce-123", "https://bank.example")
		var v verifyOut
		s.must(t, "", `query($p: String!, $c: String, $d: String) { verifyPresentation(presentation: $p, challenge: $c, domain: $d) { verified checks { name ok message } } }`,
			map[string]any{"p": vp, "c": "nonce-123", "d": "https://bank.example"}, "verifyPresentation", &v)
		if !v.Verified {
			t.Fatalf("%+v", v.Checks)
		}
	})
}

func TestSelectiveDisclosureAndDataIntegrity(t *testing.T) {
	s := startServer(t, t.TempDir(), manual)
	b := s.createBureau(t, "volunteer-office", "VolunteerServiceCredential")
	verifier := s.createVerifier(t, "City Council")
	alice := newHolder(t)
	issue := func(format string) issued {
		var c issued
		s.must(t, b.APIKey, issueQ, map[string]any{"in": map[string]any{"type": "VolunteerServiceCredential", "subjectDid": alice.did,
			"claims": volunteerClaims(), "format": format}}, "issueCredential", &c)
		return c
	}
	sd := issue("SD_JWT")
	di := issue("DATA_INTEGRITY")
	s.publishAndAnchor(t)

	t.Run("ok/data-integrity", func(t *testing.T) {
		if !strings.HasPrefix(di.Credential, "{") {
			t.Fatalf("not JSON: %.40s", di.Credential)
		}
		v := s.verify(t, di.Credential)
		if !v.Verified {
			t.Fatalf("%+v", v.Checks)
		}
		if _, _, msg := v.check("signature"); !strings.Contains(msg, "eddsa-rdfc-2022") {
			t.Fatalf("signature check does not name the cryptosuite: %s", msg)
		}
	})

	t.Run("ok/sd-jwt-discloses-only-what-is-asked", func(t *testing.T) {
		rq := s.request(t, verifier, map[string]any{"types": []string{"VolunteerServiceCredential"}, "fields": []string{"hours", "organization"}})
		pres, err := sdjwt.Present(sd.Credential, []string{"hours", "organization"}, alice, rq.Challenge, rq.Domain)
		if err != nil {
			t.Fatal(err)
		}
		res, r := s.submit(t, rq.ID, pres)
		if len(r.Errors) > 0 || !res.Verified {
			t.Fatalf("%+v %+v", r.Errors, res.Checks)
		}
		claims := res.Credentials[0].Claims
		if claims["hours"] == nil || claims["organization"] == nil || claims["activity"] != nil || claims["periodStart"] != nil {
			t.Fatalf("verifier saw %v", claims)
		}
	})

	t.Run("fail/sd-jwt-required-field-withheld", func(t *testing.T) {
		rq := s.request(t, verifier, map[string]any{"types": []string{"VolunteerServiceCredential"}, "fields": []string{"hours", "activity"}})
		pres, err := sdjwt.Present(sd.Credential, []string{"hours"}, alice, rq.Challenge, rq.Domain)
		if err != nil {
			t.Fatal(err)
		}
		res, _ := s.submit(t, rq.ID, pres)
		if ok, found, _ := res.check("constraints"); res.Verified || !found || ok {
			t.Fatalf("%+v", res.Checks)
		}
	})

	t.Run("fail/sd-jwt-revoked", func(t *testing.T) {
		s.must(t, b.APIKey, revokeQ, map[string]any{"id": sd.ID, "r": "duplicate record"}, "revokeCredential", &struct{}{})
		pres, err := sdjwt.Present(sd.Credential, []string{"hours"}, alice, "n", "d")
		if err != nil {
			t.Fatal(err)
		}
		var v verifyOut
		s.must(t, "", `query($p: String!) { verifyPresentation(presentation: $p, challenge: "n", domain: "d") { verified checks { name ok message } } }`, map[string]any{"p": pres}, "verifyPresentation", &v)
		if ok, found, _ := v.check("status"); v.Verified || !found || ok {
			t.Fatalf("%+v", v.Checks)
		}
	})
}
