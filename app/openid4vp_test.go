package app_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/citizencloud/citizencredentials/app"
	"github.com/citizencloud/citizencredentials/wallet"
)

const createVPRequestQ = `mutation($in: PresentationRequestInput!) { createPresentationRequest(input: $in) { id challenge openid4vp { authorizationRequestUri authorizationRequestUriByValue requestUri responseUri clientId dcqlQuery qrSvg } } }`

type vpRequest struct {
	ID        string `json:"id"`
	Challenge string `json:"challenge"`
	OpenID4VP struct {
		AuthorizationRequestURI string         `json:"authorizationRequestUri"`
		ByValue                 string         `json:"authorizationRequestUriByValue"`
		RequestURI              string         `json:"requestUri"`
		ResponseURI             string         `json:"responseUri"`
		ClientID                string         `json:"clientId"`
		DCQLQuery               map[string]any `json:"dcqlQuery"`
		QRSVG                   string         `json:"qrSvg"`
	} `json:"openid4vp"`
}

func (s *testServer) vpRequest(t *testing.T, verifierKey string, in map[string]any) vpRequest {
	t.Helper()
	var r vpRequest
	s.must(t, verifierKey, createVPRequestQ, map[string]any{"in": in}, "createPresentationRequest", &r)
	return r
}

// waitResult returns the first presentationSubmitted event's result.
func waitResult(t *testing.T, ch <-chan map[string]any) (verified bool, state string) {
	t.Helper()
	select {
	case msg, ok := <-ch:
		if !ok || msg["type"] != "next" {
			t.Fatalf("subscription: %v", msg)
		}
		pr := msg["payload"].(map[string]any)["data"].(map[string]any)["presentationSubmitted"].(map[string]any)
		return pr["result"].(map[string]any)["verified"].(bool), pr["state"].(string)
	case <-time.After(20 * time.Second):
		t.Fatal("no presentationSubmitted event")
	}
	return false, ""
}

func TestOpenID4VP(t *testing.T) {
	s := startServer(t, t.TempDir(), func(c *app.Config) { c.PublishInterval, c.AnchorInterval = time.Hour, time.Hour })
	b := s.createBureau(t, "vp-office", "VolunteerServiceCredential")
	verifier := s.createVerifier(t, "VP Bank")
	ctx := t.Context()
	alice := newHolder(t)

	// Alice's wallet receives both formats over OpenID4VCI.
	o := s.offer(t, b.APIKey, map[string]any{})
	offer, err := wallet.ResolveOffer(ctx, http.DefaultClient, o.OfferURIByReference)
	if err != nil {
		t.Fatal(err)
	}
	got, err := wallet.Receive(ctx, http.DefaultClient, offer, alice, "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var sdHeld, jwtHeld []wallet.Credential
	for _, r := range got {
		c := wallet.Credential{ID: r.ConfigurationID, Credential: r.Credential, State: "active"}
		if r.Format == "dc+sd-jwt" {
			sdHeld = append(sdHeld, c)
		} else {
			jwtHeld = append(jwtHeld, c)
		}
	}
	s.publishAndAnchor(t)
	volunteer := map[string]any{"types": []string{"VolunteerServiceCredential"}, "fields": []string{"hours"}}

	answer := func(t *testing.T, uri string, held []wallet.Credential) (*wallet.AuthorizationRequest, error) {
		t.Helper()
		a, err := wallet.ResolveAuthorizationRequest(ctx, http.DefaultClient, uri)
		if err != nil {
			t.Fatal(err)
		}
		chosen, fields, err := a.Match(held, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return a, wallet.Respond(ctx, http.DefaultClient, a, chosen, fields, alice)
	}

	t.Run("ok/sd-jwt-selective-disclosure", func(t *testing.T) {
		rq := s.vpRequest(t, verifier, volunteer)
		if !strings.HasPrefix(rq.OpenID4VP.AuthorizationRequestURI, "openid4vp://?client_id=redirect_uri%3A") || !strings.HasPrefix(rq.OpenID4VP.QRSVG, "<svg") ||
			rq.OpenID4VP.ClientID != "redirect_uri:"+rq.OpenID4VP.ResponseURI {
			t.Fatalf("%+v", rq.OpenID4VP)
		}
		events := s.subscribe(t, verifier, rq.ID)
		if _, err := answer(t, rq.OpenID4VP.AuthorizationRequestURI, append(append([]wallet.Credential{}, sdHeld...), jwtHeld...)); err != nil {
			t.Fatal(err)
		}
		if ok, state := waitResult(t, events); !ok || state != "VERIFIED" {
			t.Fatalf("verified %v, state %s", ok, state)
		}
		var pr struct {
			Result struct {
				Credentials []struct{ Claims map[string]any }
			}
		}
		s.must(t, verifier, `query($id: ID!) { presentationRequest(id: $id) { result { credentials { claims } } } }`, map[string]any{"id": rq.ID}, "presentationRequest", &pr)
		claims := pr.Result.Credentials[0].Claims
		if claims["hours"] == nil || claims["activity"] != nil || claims["organization"] != nil {
			t.Fatalf("the verifier saw %v", claims)
		}
	})

	t.Run("ok/vc-jwt-in-vp-jwt-request-by-value", func(t *testing.T) {
		rq := s.vpRequest(t, verifier, volunteer)
		if !strings.Contains(rq.OpenID4VP.ByValue, "dcql_query=") || strings.Contains(rq.OpenID4VP.ByValue, "request_uri=") {
			t.Fatalf("by value: %s", rq.OpenID4VP.ByValue)
		}
		events := s.subscribe(t, verifier, rq.ID)
		if _, err := answer(t, rq.OpenID4VP.ByValue, jwtHeld); err != nil {
			t.Fatal(err)
		}
		if ok, _ := waitResult(t, events); !ok {
			t.Fatal("not verified")
		}
	})

	type tamper func(t *testing.T, a *wallet.AuthorizationRequest, other vpRequest)
	cases := []struct {
		name   string
		tamper tamper
		held   []wallet.Credential
		spent  bool   // the request is answered (failed) by the bad response
		want   string // in the error description: the failing check
	}{
		{"fail/nonce-of-another-request", func(t *testing.T, a *wallet.AuthorizationRequest, other vpRequest) { a.Nonce = other.Challenge }, sdHeld, true, "challenge"},
		{"fail/wrong-audience-sd-jwt", func(t *testing.T, a *wallet.AuthorizationRequest, other vpRequest) {
			a.ClientID = other.OpenID4VP.ClientID
		}, sdHeld, true, "domain"},
		{"fail/wrong-audience-vp-jwt", func(t *testing.T, a *wallet.AuthorizationRequest, other vpRequest) {
			a.ClientID = other.OpenID4VP.ClientID
		}, jwtHeld, true, "domain"},
		{"fail/state-of-another-request", func(t *testing.T, a *wallet.AuthorizationRequest, other vpRequest) { a.State = other.ID }, sdHeld, false, "state"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rq := s.vpRequest(t, verifier, volunteer)
			other := s.vpRequest(t, verifier, volunteer)
			a, err := wallet.ResolveAuthorizationRequest(ctx, http.DefaultClient, rq.OpenID4VP.AuthorizationRequestURI)
			if err != nil {
				t.Fatal(err)
			}
			chosen, fields, err := a.Match(tc.held, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			tc.tamper(t, a, other)
			err = wallet.Respond(ctx, http.DefaultClient, a, chosen, fields, alice)
			if e, ok := err.(*wallet.OAuthError); !ok || e.Code != "invalid_request" || e.Status != http.StatusBadRequest || !strings.Contains(e.Description, tc.want) {
				t.Fatalf("error %v, want invalid_request naming %s", err, tc.want)
			}
			var pr struct{ State string }
			s.must(t, verifier, `query($id: ID!) { presentationRequest(id: $id) { state } }`, map[string]any{"id": rq.ID}, "presentationRequest", &pr)
			if want := map[bool]string{true: "FAILED", false: "PENDING"}[tc.spent]; pr.State != want {
				t.Fatalf("request state %s, want %s", pr.State, want)
			}
		})
	}

	t.Run("fail/replayed-response", func(t *testing.T) {
		rq := s.vpRequest(t, verifier, volunteer)
		a, err := wallet.ResolveAuthorizationRequest(ctx, http.DefaultClient, rq.OpenID4VP.AuthorizationRequestURI)
		if err != nil {
			t.Fatal(err)
		}
		chosen, fields, err := a.Match(sdHeld, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if err := wallet.Respond(ctx, http.DefaultClient, a, chosen, fields, alice); err != nil {
			t.Fatal(err)
		}
		err = wallet.Respond(ctx, http.DefaultClient, a, chosen, fields, alice)
		if e, ok := err.(*wallet.OAuthError); !ok || e.Code != "invalid_request" || !strings.Contains(e.Description, "already answered") {
			t.Fatalf("replay: %v", err)
		}
		// An answered request no longer serves its request object.
		resp, err := http.Get(rq.OpenID4VP.RequestURI)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusConflict {
			t.Fatalf("request object after the answer: %d", resp.StatusCode)
		}
	})

	t.Run("fail/answered-over-graphql-first", func(t *testing.T) {
		rq := s.vpRequest(t, verifier, volunteer)
		a, err := wallet.ResolveAuthorizationRequest(ctx, http.DefaultClient, rq.OpenID4VP.AuthorizationRequestURI)
		if err != nil {
			t.Fatal(err)
		}
		vp := present(t, alice, []string{jwtHeld[0].Credential}, rq.Challenge, "http://nowhere.example")
		if _, r := s.submit(t, rq.ID, vp); len(r.Errors) > 0 {
			t.Fatal(r.Errors)
		}
		chosen, fields, err := a.Match(sdHeld, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		err = wallet.Respond(ctx, http.DefaultClient, a, chosen, fields, alice)
		if e, ok := err.(*wallet.OAuthError); !ok || e.Code != "invalid_request" {
			t.Fatalf("%v", err)
		}
	})

	t.Run("fail/bad-vp-token", func(t *testing.T) {
		rq := s.vpRequest(t, verifier, volunteer)
		for name, body := range map[string]string{
			"not-json":   "vp_token=abc&state=" + rq.ID,
			"empty":      "state=" + rq.ID,
			"array":      "vp_token=%5B%22x%22%5D",
			"wrong-type": "vp_token=%7B%22a%22%3A1%7D",
		} {
			resp, err := http.Post(rq.OpenID4VP.ResponseURI, "application/x-www-form-urlencoded", strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("%s: status %d", name, resp.StatusCode)
			}
		}
		var pr struct{ State string }
		s.must(t, verifier, `query($id: ID!) { presentationRequest(id: $id) { state } }`, map[string]any{"id": rq.ID}, "presentationRequest", &pr)
		if pr.State != "PENDING" {
			t.Fatalf("malformed responses spent the request: %s", pr.State)
		}
	})
}
