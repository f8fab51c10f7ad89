package credentials_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/citizencloud/citizencredentials/credentials"
	"github.com/citizencloud/citizencredentials/credentials/sdjwt"
	"github.com/citizencloud/citizencredentials/exchange"
	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/sqlite"
)

// requestsWorld is a world plus the presentation request service over the
// real SQLite store, with a clock the tests can move and a record of the
// OnResult calls.
type requestsWorld struct {
	*world
	store *sqlite.Store
	svc   *exchange.Requests

	mu       sync.Mutex
	shift    time.Duration
	notified map[string]exchange.RequestState
}

func newRequestsWorld(t *testing.T) *requestsWorld {
	t.Helper()
	st, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	rw := &requestsWorld{world: newWorld(t), store: st, notified: map[string]exchange.RequestState{}}
	clock := credentials.WithClock(func() time.Time {
		rw.mu.Lock()
		defer rw.mu.Unlock()
		return time.Now().Add(rw.shift)
	})
	rw.svc = exchange.NewRequests(st, credentials.NewVerifier(rw.resolver, rw.cat, clock),
		exchange.WithDefaultDomain(baseURL+"/"),
		exchange.OnResult(func(_ context.Context, r *exchange.PresentationRequest) {
			rw.mu.Lock()
			defer rw.mu.Unlock()
			rw.notified[r.ID] = r.State
		}),
	)
	return rw
}

func (rw *requestsWorld) setShift(d time.Duration) {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	rw.shift = d
}

func volunteerRequest(fields ...string) exchange.RequestInput {
	return exchange.RequestInput{Types: []string{"VolunteerServiceCredential"}, Fields: fields, Purpose: "check volunteering hours"}
}

func TestRequests(t *testing.T) {
	rw := newRequestsWorld(t)
	ctx := context.Background()
	h := rw.holder
	jwt := rw.issueJWT(t, h.did)
	sd := rw.issueSD(t, h.did)

	type present func(t *testing.T, r *exchange.PresentationRequest) string
	answer := func(creds ...string) present {
		return func(t *testing.T, r *exchange.PresentationRequest) string {
			return vp(t, h, creds, r.Challenge, r.Domain)
		}
	}
	sdAnswer := func(disclose []string, nonce func(r *exchange.PresentationRequest) string) present {
		return func(t *testing.T, r *exchange.PresentationRequest) string {
			n := r.Challenge
			if nonce != nil {
				n = nonce(r)
			}
			p, err := sdjwt.Present(sd, disclose, h.signer, n, r.Domain)
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
	}
	tests := []struct {
		name     string
		in       exchange.RequestInput
		present  present
		shift    time.Duration // clock moved forward before Submit
		twice    bool          // submit the same presentation again
		wantErr  fault.Code    // of the (last) Submit
		verified bool
		fail     []string // checks that must fail
		msg      string   // in the message of the first failing check
		claims   []string // claim names of the presented credential in the stored result
	}{
		{name: "ok", in: volunteerRequest("hours"), present: answer(jwt), verified: true,
			claims: []string{"activity", "hours", "organization", "periodEnd", "periodStart"}},
		{name: "ok/raw-definition", in: exchange.RequestInput{Definition: json.RawMessage(`{"presentation_definition":{"id":"pd-1","purpose":"at least ten hours","input_descriptors":[{"id":"volunteer","constraints":{"fields":[
			{"path":["$.type"],"filter":{"type":"array","contains":{"const":"VolunteerServiceCredential"}}},
			{"path":["$.credentialSubject.hours"],"filter":{"type":"number","minimum":10}}]}}]}}`)},
			present: answer(jwt), verified: true},
		{name: "ok/accepted-issuer", in: exchange.RequestInput{Types: []string{"VolunteerServiceCredential"}, AcceptedIssuers: []string{rw.bureau.did}}, present: answer(jwt), verified: true},
		{name: "ok/sd-jwt-disclose-subset", in: volunteerRequest("hours"), present: sdAnswer([]string{"hours", "organization"}, nil), verified: true,
			claims: []string{"hours", "organization"}},
		{name: "ok/sd-jwt-limit-disclosure", in: exchange.RequestInput{Types: []string{"VolunteerServiceCredential"}, Fields: []string{"hours"}, LimitDisclosure: true},
			present: sdAnswer([]string{"hours"}, nil), verified: true, claims: []string{"hours"}},
		{name: "ok/sd-jwt-inside-vp", in: volunteerRequest("hours"), present: func(t *testing.T, r *exchange.PresentationRequest) string {
			p, err := sdjwt.Present(sd, []string{"hours"}, nil, "", "")
			if err != nil {
				t.Fatal(err)
			}
			return vp(t, h, []string{p}, r.Challenge, r.Domain)
		}, verified: true, claims: []string{"hours"}},
		{name: "fail/replayed", in: volunteerRequest("hours"), present: answer(jwt), twice: true, wantErr: fault.Conflict},
		{name: "fail/wrong-challenge", in: volunteerRequest("hours"), present: func(t *testing.T, r *exchange.PresentationRequest) string {
			return vp(t, h, []string{jwt}, "a-challenge-of-another-request", r.Domain)
		}, fail: []string{credentials.CheckChallenge}, msg: "answers another challenge"},
		{name: "fail/wrong-domain", in: volunteerRequest("hours"), present: func(t *testing.T, r *exchange.PresentationRequest) string {
			return vp(t, h, []string{jwt}, r.Challenge, "https://phishing.example")
		}, fail: []string{credentials.CheckDomain}, msg: "addressed to https://phishing.example, not to https://citizen.example"},
		{name: "fail/expired-request", in: volunteerRequest("hours"), present: answer(jwt), shift: 11 * time.Minute,
			fail: []string{exchange.CheckRequestExpiry}, msg: "the request expired"},
		{name: "fail/holder-binding", in: volunteerRequest("hours"), present: func(t *testing.T, r *exchange.PresentationRequest) string {
			return vp(t, rw.other, []string{jwt}, r.Challenge, r.Domain)
		}, fail: []string{credentials.CheckHolderBinding}, msg: "not about the holder " + rw.other.did},
		{name: "fail/missing-type", in: exchange.RequestInput{Types: []string{"LifelongLearningCredential"}}, present: answer(jwt),
			fail: []string{exchange.CheckConstraints}, msg: "missing a LifelongLearningCredential"},
		{name: "fail/missing-field", in: volunteerRequest("hours", "activity"), present: sdAnswer([]string{"hours", "organization"}, nil),
			fail: []string{exchange.CheckConstraints}, msg: "missing a VolunteerServiceCredential with credentialSubject.hours, credentialSubject.activity"},
		{name: "fail/field-filter", in: exchange.RequestInput{Definition: json.RawMessage(`{"id":"pd-2","input_descriptors":[{"id":"volunteer","name":"Volunteering","constraints":{"fields":[
			{"path":["$.type"],"filter":{"type":"array","contains":{"const":"VolunteerServiceCredential"}}},
			{"path":["$.credentialSubject.hours"],"filter":{"type":"number","minimum":100}}]}}]}`)},
			present: answer(jwt), fail: []string{exchange.CheckConstraints}, msg: "has credentialSubject.hours but not with the required value"},
		{name: "fail/issuer-not-accepted", in: exchange.RequestInput{Types: []string{"VolunteerServiceCredential"}, AcceptedIssuers: []string{"did:web:elsewhere.example"}},
			present: answer(jwt), fail: []string{exchange.CheckConstraints}, msg: "issued by did:web:elsewhere.example"},
		{name: "fail/limit-disclosure-needs-sd-jwt", in: exchange.RequestInput{Types: []string{"VolunteerServiceCredential"}, Fields: []string{"hours"}, LimitDisclosure: true},
			present: answer(jwt), fail: []string{exchange.CheckConstraints}, msg: "requires selective disclosure"},
		{name: "fail/limit-disclosure-too-much", in: exchange.RequestInput{Types: []string{"VolunteerServiceCredential"}, Fields: []string{"hours"}, LimitDisclosure: true},
			present: sdAnswer([]string{"hours", "organization"}, nil), fail: []string{exchange.CheckConstraints}, msg: "discloses credentialSubject.organization, which the request did not ask for"},
		{name: "fail/tampered-credential-inside", in: volunteerRequest("hours"), present: answer(tamperPayload(t, jwt, func(m map[string]any) {
			m["credentialSubject"].(map[string]any)["hours"] = 1000
		})), fail: []string{credentials.CheckSignature, exchange.CheckConstraints}, msg: "the credential was altered"},
		{name: "fail/sd-jwt-tampered-disclosure", in: volunteerRequest("hours"), present: func(t *testing.T, r *exchange.PresentationRequest) string {
			return tamperDisclosure(t, sdAnswer([]string{"hours", "organization"}, nil)(t, r), "hours", 1000)
		}, fail: []string{credentials.CheckPresentationSignature, credentials.CheckDisclosures, exchange.CheckConstraints}, msg: "sd_hash does not match"},
		{name: "fail/sd-jwt-kb-wrong-nonce", in: volunteerRequest("hours"), present: sdAnswer([]string{"hours"}, func(*exchange.PresentationRequest) string { return "stale-nonce" }),
			fail: []string{credentials.CheckChallenge}, msg: "answers another challenge"},
		{name: "fail/unreadable", in: volunteerRequest("hours"), present: func(*testing.T, *exchange.PresentationRequest) string { return "not a presentation" },
			fail: []string{credentials.CheckFormat, exchange.CheckConstraints}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rw.setShift(0)
			r, err := rw.svc.Create(ctx, "verifier-1", tc.in)
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			if r.State != exchange.RequestPending || r.Domain != baseURL || len(r.Challenge) != 43 {
				t.Fatalf("request %+v", r)
			}
			raw := tc.present(t, r)
			rw.setShift(tc.shift)
			res, err := rw.svc.Submit(ctx, r.ID, raw)
			if tc.twice && err == nil {
				res, err = rw.svc.Submit(ctx, r.ID, raw)
			}
			if tc.wantErr != "" {
				if fault.CodeOf(err) != tc.wantErr {
					t.Fatalf("err %v, want %s", err, tc.wantErr)
				}
				t.Logf("error: %s", fault.Message(err))
				return
			}
			if err != nil {
				t.Fatalf("submit: %v", err)
			}
			logResult(t, res)
			if res.Verified != tc.verified {
				t.Fatalf("verified = %v, want %v; failing: %v", res.Verified, tc.verified, failing(res))
			}
			for _, name := range tc.fail {
				found := false
				for _, c := range res.Checks {
					found = found || (c.Name == name && !c.OK)
				}
				if !found {
					t.Errorf("check %s does not fail", name)
				}
			}
			if tc.msg != "" {
				found := false
				for _, c := range res.Checks {
					found = found || (!c.OK && strings.Contains(c.Message, tc.msg))
				}
				if !found {
					t.Errorf("no failing check says %q", tc.msg)
				}
			}

			// Stored: state, result JSON, notification.
			got, err := rw.svc.Get(ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			wantState := exchange.RequestFailed
			if tc.verified {
				wantState = exchange.RequestVerified
			}
			if got.State != wantState {
				t.Errorf("stored state %s, want %s", got.State, wantState)
			}
			stored, err := exchange.DecodeResult(got.Result)
			if err != nil {
				t.Fatal(err)
			}
			if stored.Verified != res.Verified || len(stored.Checks) != len(res.Checks) {
				t.Errorf("stored result differs: %+v", stored)
			}
			rw.mu.Lock()
			notified := rw.notified[r.ID]
			rw.mu.Unlock()
			if notified != wantState {
				t.Errorf("OnResult saw state %q, want %s", notified, wantState)
			}
			if tc.claims != nil {
				if len(stored.Credentials) != 1 {
					t.Fatalf("stored credentials %+v", stored.Credentials)
				}
				var names []string
				for k := range stored.Credentials[0].Claims {
					names = append(names, k)
				}
				if strings.Join(sorted(names), ",") != strings.Join(tc.claims, ",") {
					t.Errorf("claims %v, want %v", sorted(names), tc.claims)
				}
			}
			// Whatever happened, the request is answered now.
			if _, err := rw.svc.Submit(ctx, r.ID, raw); fault.CodeOf(err) != fault.Conflict || !strings.Contains(fault.Message(err), "already answered") {
				t.Errorf("second submit: %v", err)
			}
		})
	}
}

// TestRequestsSubmitOnce: many concurrent answers, one result.
func TestRequestsSubmitOnce(t *testing.T) {
	rw := newRequestsWorld(t)
	ctx := context.Background()
	r, err := rw.svc.Create(ctx, "verifier-1", volunteerRequest("hours"))
	if err != nil {
		t.Fatal(err)
	}
	raw := vp(t, rw.holder, []string{rw.issueJWT(t, rw.holder.did)}, r.Challenge, r.Domain)
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins, conflicts := 0, 0
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := rw.svc.Submit(ctx, r.ID, raw)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil && res.Verified:
				wins++
			case fault.CodeOf(err) == fault.Conflict:
				conflicts++
			default:
				t.Errorf("unexpected: %v %v", res, err)
			}
		}()
	}
	wg.Wait()
	if wins != 1 || conflicts != 7 {
		t.Fatalf("wins %d conflicts %d", wins, conflicts)
	}
}

func TestRequestsErrors(t *testing.T) {
	rw := newRequestsWorld(t)
	ctx := context.Background()
	t.Run("fail/not-found", func(t *testing.T) {
		_, err := rw.svc.Submit(ctx, "0190c2d4-0000-7000-8000-000000000000", "x.y.z")
		if fault.CodeOf(err) != fault.NotFound || !errors.Is(err, fault.ErrNotFound) {
			t.Fatalf("err %v", err)
		}
		if _, err := rw.svc.Get(ctx, "nope"); fault.CodeOf(err) != fault.NotFound {
			t.Fatalf("get: %v", err)
		}
	})
	t.Run("fail/empty-presentation-keeps-request-open", func(t *testing.T) {
		r, err := rw.svc.Create(ctx, "v", volunteerRequest())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := rw.svc.Submit(ctx, r.ID, " "); fault.CodeOf(err) != fault.Invalid {
			t.Fatalf("err %v", err)
		}
		if got, _ := rw.svc.Get(ctx, r.ID); got.State != exchange.RequestPending {
			t.Fatalf("state %s", got.State)
		}
	})
	for _, tc := range []struct {
		name string
		in   exchange.RequestInput
		msg  string
	}{
		{"fail/nothing-asked", exchange.RequestInput{}, "asks for nothing"},
		{"fail/ttl-too-long", exchange.RequestInput{Types: []string{"VolunteerServiceCredential"}, TTL: 25 * time.Hour}, "lifetime"},
		{"fail/field-of-no-type", volunteerRequest("salary"), "not a field of any requested type"},
		{"fail/both", exchange.RequestInput{Types: []string{"X"}, Definition: json.RawMessage(`{"id":"a","input_descriptors":[{"id":"b"}]}`)}, "either"},
		{"fail/definition-not-json", exchange.RequestInput{Definition: json.RawMessage(`[1]`)}, "not a JSON object"},
		{"fail/definition-no-descriptors", exchange.RequestInput{Definition: json.RawMessage(`{"id":"a","input_descriptors":[]}`)}, "no input_descriptors"},
		{"fail/definition-bad-path", exchange.RequestInput{Definition: json.RawMessage(`{"id":"a","input_descriptors":[{"id":"b","constraints":{"fields":[{"path":["credentialSubject"]}]}}]}`)}, "not JSONPath"},
		{"fail/filter-remote-ref", exchange.RequestInput{Definition: json.RawMessage(`{"id":"a","input_descriptors":[{"id":"b","constraints":{"fields":[{"path":["$.type"],"filter":{"contains":{"$ref":"https://schemas.example/t.json"}}}]}}]}`)}, "not local to the filter"},
		{"fail/filter-remote-schema", exchange.RequestInput{Definition: json.RawMessage(`{"id":"a","input_descriptors":[{"id":"b","constraints":{"fields":[{"path":["$.type"],"filter":{"$schema":"https://evil.example/meta","type":"array"}}]}}]}`)}, "meta-schema"},
		{"fail/filter-top-level-ref", exchange.RequestInput{Definition: json.RawMessage(`{"id":"a","input_descriptors":[{"id":"b","constraints":{"fields":[{"path":["$.type"],"filter":{"$ref":"#/definitions/x"}}]}}]}`)}, "does not evaluate"},
		{"fail/filter-keyword-aries-drops", exchange.RequestInput{Definition: json.RawMessage(`{"id":"a","input_descriptors":[{"id":"b","constraints":{"fields":[{"path":["$.credentialSubject"],"filter":{"type":"object","required":["hours"]}}]}}]}`)}, "does not evaluate"},
		{"fail/filter-later-draft", exchange.RequestInput{Definition: json.RawMessage(`{"id":"a","input_descriptors":[{"id":"b","constraints":{"fields":[{"path":["$.type"],"filter":{"type":"array","contains":{"$defs":{}}}}]}}]}`)}, "2019-09"},
		{"fail/definition-unknown-group", exchange.RequestInput{Definition: json.RawMessage(`{"id":"a","submission_requirements":[{"rule":"all","from":"Z"}],"input_descriptors":[{"id":"b","group":["A"]}]}`)}, "cannot be evaluated"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := rw.svc.Create(ctx, "v", tc.in)
			if fault.CodeOf(err) != fault.Invalid || !strings.Contains(fault.Message(err), tc.msg) {
				t.Fatalf("err %v, want invalid with %q", err, tc.msg)
			}
		})
	}
	t.Run("ok/defaults", func(t *testing.T) {
		before := time.Now()
		r, err := rw.svc.Create(ctx, "v", exchange.RequestInput{Types: []string{"VolunteerServiceCredential"}, Domain: "https://shop.example"})
		if err != nil {
			t.Fatal(err)
		}
		if r.Domain != "https://shop.example" || r.ExpiresAt.Sub(before) < 10*time.Minute-time.Second || r.ExpiresAt.Sub(before) > 10*time.Minute+time.Second {
			t.Errorf("request %+v", r)
		}
		var pd map[string]any
		if err := json.Unmarshal(r.Definition, &pd); err != nil || pd["id"] != r.ID {
			t.Errorf("definition %s", r.Definition)
		}
	})
}

// TestSubmissionRequirements: pick rules over groups.
func TestSubmissionRequirements(t *testing.T) {
	rw := newRequestsWorld(t)
	ctx := context.Background()
	jwt := rw.issueJWT(t, rw.holder.did)
	def := func(rule string) json.RawMessage {
		return json.RawMessage(`{"id":"pd","submission_requirements":[{"name":"any record","rule":"pick","count":` + rule + `,"from":"A"}],"input_descriptors":[
			{"id":"volunteer","group":["A"],"constraints":{"fields":[{"path":["$.type"],"filter":{"type":"array","contains":{"const":"VolunteerServiceCredential"}}}]}},
			{"id":"learning","group":["A"],"constraints":{"fields":[{"path":["$.type"],"filter":{"type":"array","contains":{"const":"LifelongLearningCredential"}}}]}}]}`)
	}
	for _, tc := range []struct {
		name, count string
		verified    bool
	}{
		{"ok/pick-1-of-2", "1", true},
		{"fail/pick-2-of-2", "2", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := rw.svc.Create(ctx, "v", exchange.RequestInput{Definition: def(tc.count)})
			if err != nil {
				t.Fatal(err)
			}
			res, err := rw.svc.Submit(ctx, r.ID, vp(t, rw.holder, []string{jwt}, r.Challenge, r.Domain))
			if err != nil {
				t.Fatal(err)
			}
			logResult(t, res)
			if res.Verified != tc.verified {
				t.Fatalf("verified %v: %v", res.Verified, failing(res))
			}
		})
	}
}
