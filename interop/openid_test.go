package interop

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/citizencloud/citizencredentials/app"
	"github.com/citizencloud/citizencredentials/app/apptest"
)

// TestOpenID4VCWallet runs openid4vc.mjs, a wallet built on oid4vc-ts
// (@openid4vc/openid4vci, @openid4vc/openid4vp), against a service started
// here: it receives an SD-JWT and a vc+jwt over OpenID4VCI from offers made
// over GraphQL, answers DCQL requests over OpenID4VP (the SD-JWT with
// selective disclosure), and every negative case is refused with the error
// the specifications name. The verifier's subscription sees verified: true.
func TestOpenID4VCWallet(t *testing.T) {
	if os.Getenv("INTEROP") != "1" {
		t.Skip("set INTEROP=1 (interop/run.sh) to run the independent OpenID4VC wallet")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	if _, err := os.Stat("node_modules/@openid4vc/openid4vci"); err != nil {
		t.Fatalf("npm packages are not installed: run interop/run.sh (npm ci): %v", err)
	}
	m, admin := apptest.Start(t, "", func(c *app.Config) { c.PublishInterval, c.AnchorInterval = time.Hour, time.Hour })
	base := m.URL()
	var b struct {
		APIKey string
		Bureau struct{ Slug string }
	}
	gql(t, base, admin, `mutation($in: CreateBureauInput!) { createBureau(input: $in) { apiKey bureau { slug } } }`,
		map[string]any{"in": map[string]any{"name": "City Volunteer Office", "slug": "volunteers", "allowedTypes": []string{"VolunteerServiceCredential"}}}, "createBureau", &b)
	var v struct{ APIKey string }
	gql(t, base, admin, `mutation($in: CreateVerifierInput!) { createVerifier(input: $in) { apiKey } }`,
		map[string]any{"in": map[string]any{"name": "Housing"}}, "createVerifier", &v)

	claims := map[string]any{"hours": 42, "organization": "City Food Bank", "activity": "Food distribution", "periodStart": "2026-01-01", "periodEnd": "2026-06-30"}
	offer := func(extra map[string]any, byValue bool) string {
		in := map[string]any{"type": "VolunteerServiceCredential", "claims": claims}
		for k, x := range extra {
			in[k] = x
		}
		var o struct{ OfferURI, OfferURIByReference string }
		gql(t, base, b.APIKey, `mutation($in: CredentialOfferInput!) { createCredentialOffer(input: $in) { offerUri: offerUri offerURIByReference: offerUriByReference } }`,
			map[string]any{"in": in}, "createCredentialOffer", &o)
		if byValue {
			return o.OfferURI
		}
		return o.OfferURIByReference
	}
	type req struct {
		ID        string
		OpenID4VP struct{ ByValue string } `json:"openid4vp"`
	}
	request := func() req {
		var r req
		gql(t, base, v.APIKey, `mutation($in: PresentationRequestInput!) { createPresentationRequest(input: $in) { id openid4vp { byValue: authorizationRequestUriByValue } } }`,
			map[string]any{"in": map[string]any{"types": []string{"VolunteerServiceCredential"}, "fields": []string{"hours"}}}, "createPresentationRequest", &r)
		return r
	}

	plan := map[string]any{
		"offer": offer(map[string]any{"txCode": "493817"}, false), "txCode": "493817",
		"offerByValue":     offer(map[string]any{"format": "JWT"}, true),
		"wrongTxOffer":     offer(map[string]any{"txCode": "493817"}, false),
		"expiredOffer":     offer(map[string]any{"expiresInSeconds": 1}, true), // by value: the token endpoint answers
		"staleNonceOffer":  offer(map[string]any{"format": "JWT"}, false),
		"staleNonceOffer2": offer(map[string]any{"format": "JWT"}, false),
		"wrongAudOffer":    offer(map[string]any{"format": "JWT"}, false),
		"otherIssuer":      base + "/bureaus/somebody-else",
	}
	sd, jwt, otherNonce, other, wrongAud, replay := request(), request(), request(), request(), request(), request()
	plan["sdRequest"], plan["jwtRequest"] = sd.OpenID4VP.ByValue, jwt.OpenID4VP.ByValue
	plan["otherNonceRequest"], plan["otherRequest"] = otherNonce.OpenID4VP.ByValue, other.OpenID4VP.ByValue
	plan["wrongAudRequest"], plan["replayRequest"] = wrongAud.OpenID4VP.ByValue, replay.OpenID4VP.ByValue
	sdEvents, jwtEvents := subscribe(t, base, v.APIKey, sd.ID), subscribe(t, base, v.APIKey, jwt.ID)
	time.Sleep(1100 * time.Millisecond) // the 1-second offer has expired

	in, err := json.Marshal(plan)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, "openid4vc.mjs")
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.String())
	}
	type result struct {
		Case   string
		OK     bool
		Error  *string
		Detail any
	}
	got := map[string]result{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var r result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("node printed %q: %v", sc.Text(), err)
		}
		got[r.Case] = r
	}
	cases := []struct {
		name   string
		want   string // "" = must succeed, else the OAuth error code
		detail string // in the error description: the failing check
	}{
		{"vci/receive-both-formats-by-reference-with-tx-code", "", ""},
		{"vci/receive-by-value", "", ""},
		{"vci/reused-pre-authorized-code", "invalid_grant", ""},
		{"vci/wrong-tx-code", "invalid_grant", ""},
		{"vci/expired-offer", "invalid_grant", ""},
		{"vci/stale-nonce", "invalid_nonce", ""},
		{"vci/wrong-audience", "invalid_proof", ""},
		{"vp/sd-jwt-selective-disclosure", "", ""},
		{"vp/vc-jwt-in-jwt-vp", "", ""},
		{"vp/nonce-of-another-request", "invalid_request", "challenge"},
		{"vp/wrong-audience", "invalid_request", "domain"},
		{"vp/replayed-response", "invalid_request", "already answered"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, ok := got[tc.name]
			switch {
			case !ok:
				t.Fatalf("the wallet did not run this case:\n%s", stderr.String())
			case tc.want == "" && !r.OK:
				t.Fatalf("failed: %v %v", deref(r.Error), r.Detail)
			case tc.want != "" && (r.OK || deref(r.Error) != tc.want):
				t.Fatalf("got ok=%v error=%q (%v), want %s", r.OK, deref(r.Error), r.Detail, tc.want)
			case !strings.Contains(fmt.Sprint(r.Detail), tc.detail):
				t.Fatalf("%v does not name %q", r.Detail, tc.detail)
			}
		})
	}
	for name, ch := range map[string]<-chan bool{"sd-jwt": sdEvents, "vc+jwt": jwtEvents} {
		select {
		case verified := <-ch:
			if !verified {
				t.Errorf("%s: the verifier's subscription got verified: false", name)
			}
		case <-time.After(20 * time.Second):
			t.Errorf("%s: no presentationSubmitted event", name)
		}
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func gql(t *testing.T, base, token, query string, vars map[string]any, field string, v any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Data   map[string]json.RawMessage
		Errors []any
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || len(out.Errors) > 0 {
		t.Fatalf("%s: %v %v", field, err, out.Errors)
	}
	if err := json.Unmarshal(out.Data[field], v); err != nil {
		t.Fatal(err)
	}
}

// subscribe returns a channel with the verified flag of the first
// presentationSubmitted event of request id.
func subscribe(t *testing.T, base, token, id string) <-chan bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/graphql", &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(websocket.StatusNormalClosure, "") })
	if err := wsjson.Write(ctx, c, map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + token}}); err != nil {
		t.Fatal(err)
	}
	var ack map[string]any
	if err := wsjson.Read(ctx, c, &ack); err != nil || ack["type"] != "connection_ack" {
		t.Fatalf("no ack: %v %v", ack, err)
	}
	if err := wsjson.Write(ctx, c, map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{
		"query": `subscription($id: ID!) { presentationSubmitted(requestId: $id) { result { verified } } }`, "variables": map[string]any{"id": id}}}); err != nil {
		t.Fatal(err)
	}
	out := make(chan bool, 1)
	go func() {
		defer close(out)
		for {
			var msg struct {
				Type    string
				Payload struct {
					Data struct {
						PresentationSubmitted struct{ Result struct{ Verified bool } }
					}
				}
			}
			if err := wsjson.Read(ctx, c, &msg); err != nil {
				return
			}
			if msg.Type == "next" {
				out <- msg.Payload.Data.PresentationSubmitted.Result.Verified
				return
			}
		}
	}()
	return out
}
