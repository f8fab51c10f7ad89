package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/citizencloud/citizencredentials/chain"
)

// role is a kind of caller of the API.
type role string

const (
	anonymous   role = "anonymous"
	holder      role = "holder"       // subject of the fixture credential
	otherHolder role = "other-holder" // another citizen
	bureau      role = "bureau"       // issuer of the fixture credential
	otherBureau role = "other-bureau" // another bureau
	verifier    role = "verifier"     // owner of the fixture presentation request
	operator    role = "operator"
)

var allRoles = []role{anonymous, holder, otherHolder, bureau, otherBureau, verifier, operator}

// authzFixture holds one caller per role and resources owned by some of them.
type authzFixture struct {
	s       *testServer
	tokens  map[role]string
	bureauA bureauOut
	holderH holderKey
	cred    issued // issued by bureau A to holder H
	listID  string // status list of cred
	request request
	seq     int
	// peer is a second consortium member the test signs for; peerProposal
	// one of its proposals the operator has not approved yet.
	peer        *chain.Registry
	peerPending string
}

// peerProposal returns an open proposal of the peer (an admission of a new
// account), made once: only the operator's call reaches the chain.
func (f *authzFixture) peerProposal(t *testing.T) string {
	t.Helper()
	if f.peerPending == "" {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		k, err := crypto.GenerateKey()
		if err != nil {
			t.Fatal(err)
		}
		p, err := f.peer.ProposeAdmission(ctx, crypto.PubkeyToAddress(k.PublicKey), "Matrix peer proposal", "https://peer-proposal.example")
		if err != nil {
			t.Fatalf("peer proposes: %v", err)
		}
		f.peerPending = strconv.FormatUint(p.ID, 10)
	}
	return f.peerPending
}

func newAccount(t *testing.T) string {
	t.Helper()
	k, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return crypto.PubkeyToAddress(k.PublicKey).Hex()
}

func (f *authzFixture) next() int { f.seq++; return f.seq }

// freshCredential issues a new credential of bureau A to holder H.
func (f *authzFixture) freshCredential(t *testing.T) issued {
	t.Helper()
	var c issued
	f.s.must(t, f.bureauA.APIKey, issueQ, map[string]any{"in": map[string]any{"type": "VolunteerServiceCredential", "subjectDid": f.holderH.did, "claims": volunteerClaims()}}, "issueCredential", &c)
	return c
}

// authzRow is one field of the schema: how to call it and which roles may.
type authzRow struct {
	field string // Query.x, Mutation.x or Subscription.x
	query string
	vars  func(t *testing.T, f *authzFixture) map[string]any
	allow []role
	// check, if set, runs on an allowed call's data (what the role sees).
	check func(t *testing.T, f *authzFixture, r role, data json.RawMessage)
}

func noVars(*testing.T, *authzFixture) map[string]any { return nil }

func authzRows() []authzRow {
	everyone := allRoles
	ops := []role{operator}
	bureaus := []role{bureau, otherBureau}
	return []authzRow{
		// Queries.
		{field: "Query.bureau", query: `query($id: ID!) { bureau(id: $id) { id } }`,
			vars:  func(_ *testing.T, f *authzFixture) map[string]any { return map[string]any{"id": f.bureauA.Bureau.ID} },
			allow: ops},
		{field: "Query.bureaus", query: `{ bureaus { id } }`, vars: noVars, allow: ops},
		{field: "Query.credentialTypes", query: `{ credentialTypes { name } }`, vars: noVars, allow: everyone},
		{field: "Query.credential", query: `query($id: ID!) { credential(id: $id) { id credential } }`,
			vars:  func(_ *testing.T, f *authzFixture) map[string]any { return map[string]any{"id": f.cred.ID} },
			allow: []role{bureau}},
		{field: "Query.credentials", query: `{ credentials { edges { node { id } } } }`, vars: noVars, allow: bureaus,
			check: func(t *testing.T, f *authzFixture, r role, data json.RawMessage) {
				if r == otherBureau && strings.Contains(string(data), f.cred.ID) {
					t.Errorf("another bureau lists bureau A's credential")
				}
			}},
		{field: "Query.auditTrail", query: `query($id: ID!) { auditTrail(credentialId: $id) { action } }`,
			vars:  func(_ *testing.T, f *authzFixture) map[string]any { return map[string]any{"id": f.cred.ID} },
			allow: []role{bureau}},
		{field: "Query.auditEvents", query: `{ auditEvents { seq hash credentialId } }`, vars: noVars, allow: bureaus,
			check: func(t *testing.T, f *authzFixture, r role, data json.RawMessage) {
				if r == otherBureau && strings.Contains(string(data), f.cred.ID) {
					t.Errorf("another bureau reads bureau A's audit events")
				}
			}},
		{field: "Query.myCredentials", query: `{ myCredentials { id } }`, vars: noVars, allow: []role{holder, otherHolder},
			check: func(t *testing.T, f *authzFixture, r role, data json.RawMessage) {
				if has := strings.Contains(string(data), f.cred.ID); has != (r == holder) {
					t.Errorf("%s sees the holder's credential: %v", r, has)
				}
			}},
		{field: "Query.statusList", query: `query($id: ID!) { statusList(id: $id) { id version } }`,
			vars:  func(_ *testing.T, f *authzFixture) map[string]any { return map[string]any{"id": f.listID} },
			allow: everyone},
		{field: "Query.anchors", query: `{ anchors { edges { node { id } } } }`, vars: noVars, allow: []role{bureau, otherBureau, operator}},
		{field: "Query.evidence", query: `query($id: ID!) { evidence(credentialId: $id) { credentialHash } }`,
			vars:  func(_ *testing.T, f *authzFixture) map[string]any { return map[string]any{"id": f.cred.ID} },
			allow: []role{bureau}},
		{field: "Query.presentationRequest", query: `query($id: ID!) { presentationRequest(id: $id) { id state result { verified } } }`,
			vars:  func(_ *testing.T, f *authzFixture) map[string]any { return map[string]any{"id": f.request.ID} },
			allow: everyone,
			check: func(t *testing.T, f *authzFixture, r role, data json.RawMessage) {
				var pr struct{ Result *struct{ Verified bool } }
				if err := json.Unmarshal(data, &pr); err != nil {
					t.Fatal(err)
				}
				// The fixture request was answered: only its verifier sees the result.
				if (pr.Result != nil) != (r == verifier) {
					t.Errorf("%s sees the result: %v", r, pr.Result != nil)
				}
			}},
		{field: "Query.verifyCredential", query: `query($c: String!) { verifyCredential(credential: $c) { verified } }`,
			vars:  func(_ *testing.T, f *authzFixture) map[string]any { return map[string]any{"c": f.cred.Credential} },
			allow: everyone},
		{field: "Query.verifyPresentation", query: `query($p: String!) { verifyPresentation(presentation: $p) { verified } }`,
			vars: func(t *testing.T, f *authzFixture) map[string]any {
				return map[string]any{"p": present(t, f.holderH, []string{f.cred.Credential}, "c", "d")}
			},
			allow: everyone},

		// Mutations: each call gets its own target so that allowed calls do not
		// change what the next role is tried against.
		{field: "Mutation.createBureau", query: createBureauQ,
			vars: func(_ *testing.T, f *authzFixture) map[string]any {
				return map[string]any{"in": map[string]any{"name": "Matrix", "slug": fmt.Sprintf("matrix-%d", f.next()), "allowedTypes": []string{"VolunteerServiceCredential"}}}
			},
			allow: ops},
		{field: "Mutation.rotateBureauKey", query: `mutation($id: ID!) { rotateBureauKey(bureauId: $id) { id } }`,
			vars:  func(_ *testing.T, f *authzFixture) map[string]any { return map[string]any{"id": f.bureauA.Bureau.ID} },
			allow: ops},
		{field: "Mutation.deactivateBureau", query: `mutation($id: ID!) { deactivateBureau(bureauId: $id, reason: "matrix") { id } }`,
			vars: func(t *testing.T, f *authzFixture) map[string]any {
				b := f.s.createBureau(t, fmt.Sprintf("gone-%d", f.next()), "VolunteerServiceCredential")
				return map[string]any{"id": b.Bureau.ID}
			},
			allow: ops},
		{field: "Mutation.createVerifier", query: createVerifierQ,
			vars: func(_ *testing.T, f *authzFixture) map[string]any {
				return map[string]any{"in": map[string]any{"name": "Matrix"}}
			},
			allow: ops},
		{field: "Mutation.issueCredential", query: issueQ,
			vars: func(_ *testing.T, f *authzFixture) map[string]any {
				return map[string]any{"in": map[string]any{"type": "VolunteerServiceCredential", "subjectDid": f.holderH.did, "claims": volunteerClaims()}}
			},
			allow: bureaus},
		{field: "Mutation.issueCredentials", query: `mutation($in: [IssueCredentialInput!]!) { issueCredentials(inputs: $in) { issued failed } }`,
			vars: func(_ *testing.T, f *authzFixture) map[string]any {
				return map[string]any{"in": []any{map[string]any{"type": "VolunteerServiceCredential", "subjectDid": f.holderH.did, "claims": volunteerClaims()}}}
			},
			allow: bureaus,
			check: func(t *testing.T, _ *authzFixture, r role, data json.RawMessage) {
				var p struct{ Issued int }
				if err := json.Unmarshal(data, &p); err != nil || p.Issued != 1 {
					t.Errorf("%s: batch of one issued %d (%v)", r, p.Issued, err)
				}
			}},
		{field: "Mutation.suspendCredential", query: `mutation($id: ID!) { suspendCredential(id: $id, reason: "matrix") { id state } }`,
			vars: func(t *testing.T, f *authzFixture) map[string]any {
				return map[string]any{"id": f.freshCredential(t).ID}
			},
			allow: []role{bureau}},
		{field: "Mutation.reinstateCredential", query: `mutation($id: ID!) { reinstateCredential(id: $id, reason: "matrix") { id state } }`,
			vars: func(t *testing.T, f *authzFixture) map[string]any {
				c := f.freshCredential(t)
				var out issued
				f.s.must(t, f.bureauA.APIKey, `mutation($id: ID!) { suspendCredential(id: $id, reason: "matrix") { id state } }`, map[string]any{"id": c.ID}, "suspendCredential", &out)
				return map[string]any{"id": c.ID}
			},
			allow: []role{bureau}},
		{field: "Mutation.revokeCredential", query: `mutation($id: ID!) { revokeCredential(id: $id, reason: "matrix") { id state } }`,
			vars: func(t *testing.T, f *authzFixture) map[string]any {
				return map[string]any{"id": f.freshCredential(t).ID}
			},
			allow: []role{bureau}},
		{field: "Mutation.authChallenge", query: challengeQ,
			vars:  func(_ *testing.T, f *authzFixture) map[string]any { return map[string]any{"did": f.holderH.did} },
			allow: everyone},
		{field: "Mutation.authenticate", query: authQ,
			vars: func(t *testing.T, f *authzFixture) map[string]any {
				var ch struct{ Challenge string }
				f.s.must(t, "", challengeQ, map[string]any{"did": f.holderH.did}, "authChallenge", &ch)
				return map[string]any{"did": f.holderH.did, "c": ch.Challenge, "p": signChallenge(f.holderH.did, f.holderH.PrivateKey, ch.Challenge)}
			},
			allow: everyone},
		{field: "Mutation.createCredentialOffer", query: `mutation($in: CredentialOfferInput!) { createCredentialOffer(input: $in) { id } }`,
			vars: func(_ *testing.T, f *authzFixture) map[string]any {
				return map[string]any{"in": map[string]any{"type": "VolunteerServiceCredential", "claims": volunteerClaims()}}
			},
			allow: bureaus},
		{field: "Mutation.createPresentationRequest", query: createRequestQ,
			vars: func(_ *testing.T, f *authzFixture) map[string]any {
				return map[string]any{"in": map[string]any{"types": []string{"VolunteerServiceCredential"}}}
			},
			allow: []role{verifier}},
		{field: "Mutation.submitPresentation", query: submitQ,
			vars: func(t *testing.T, f *authzFixture) map[string]any {
				req := f.s.request(t, f.tokens[verifier], map[string]any{"types": []string{"VolunteerServiceCredential"}})
				return map[string]any{"id": req.ID, "p": present(t, f.holderH, []string{f.cred.Credential}, req.Challenge, req.Domain)}
			},
			// Anyone holding the request id may answer it; what counts is
			// the holder's signature inside the presentation.
			allow: everyone},

		// Consortium: public on chain, read by any authenticated caller;
		// votes are signed with the node's account, so operator only.
		{field: "Query.consortium", query: `{ consortium { registry self { account active } members { account } proposals { id } } }`, vars: noVars,
			allow: []role{holder, otherHolder, bureau, otherBureau, verifier, operator}},
		{field: "Mutation.proposeMember", query: proposeMemberQ,
			vars: func(t *testing.T, f *authzFixture) map[string]any {
				return map[string]any{"a": newAccount(t), "n": fmt.Sprintf("Matrix %d", f.next()), "u": "https://matrix.example"}
			},
			allow: ops},
		{field: "Mutation.proposeMemberRemoval", query: proposeRemovalQ,
			vars:  func(_ *testing.T, f *authzFixture) map[string]any { return map[string]any{"a": f.peer.Self().Hex()} },
			allow: ops},
		{field: "Mutation.approveProposal", query: approveQ,
			vars:  func(t *testing.T, f *authzFixture) map[string]any { return map[string]any{"id": f.peerProposal(t)} },
			allow: ops},

		// Subscriptions (over the websocket transport).
		{field: "Subscription.presentationSubmitted", allow: []role{verifier}},
	}
}

// TestAuthorisationMatrix calls every Query, Mutation and Subscription field
// of the schema as every role and checks the allow/deny outcome; it fails
// when the schema has a field the table does not list.
func TestAuthorisationMatrix(t *testing.T) {
	rows := authzRows()
	t.Run("table-covers-schema", func(t *testing.T) {
		listed := map[string]bool{}
		for _, r := range rows {
			listed[r.field] = true
		}
		for _, f := range schemaRootFields(t) {
			if !listed[f] {
				t.Errorf("%s is in the schema but not in the authorisation matrix: add a row", f)
			}
			delete(listed, f)
		}
		for f := range listed {
			t.Errorf("%s is in the matrix but not in the schema", f)
		}
	})

	f := newAuthzFixture(t)
	for _, row := range rows {
		allowed := map[role]bool{}
		for _, r := range row.allow {
			allowed[r] = true
		}
		for _, r := range allRoles {
			want := "deny"
			if allowed[r] {
				want = "allow"
			}
			t.Run(row.field+"/"+string(r)+"/"+want, func(t *testing.T) {
				if strings.HasPrefix(row.field, "Subscription.") {
					f.trySubscription(t, r, allowed[r])
					return
				}
				name := row.field[strings.Index(row.field, ".")+1:]
				resp := f.s.do(t, f.tokens[r], row.query, row.vars(t, f))
				data := resp.Data[name]
				granted := len(resp.Errors) == 0 && len(data) > 0 && string(data) != "null"
				if granted != allowed[r] {
					t.Fatalf("%s as %s: granted=%v, want %v (errors %+v)", row.field, r, granted, allowed[r], resp.Errors)
				}
				if !granted {
					switch c := resp.code(); c {
					case "", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND":
					default:
						t.Fatalf("denied with code %s, want UNAUTHENTICATED, FORBIDDEN or NOT_FOUND", c)
					}
				}
				if granted && row.check != nil {
					row.check(t, f, r, data)
				}
			})
		}
	}
}

func newAuthzFixture(t *testing.T) *authzFixture {
	// The node runs on a chain the test shares, so that a second member
	// (the peer) can vote.
	g := newGovChain(t)
	s, _ := g.node(t, "")
	f := &authzFixture{s: s, tokens: map[role]string{anonymous: "", operator: s.admin}}
	f.peer = g.admit(t, s)
	f.bureauA = s.createBureau(t, "authz-a", "VolunteerServiceCredential")
	f.tokens[bureau] = f.bureauA.APIKey
	f.tokens[otherBureau] = s.createBureau(t, "authz-b", "VolunteerServiceCredential").APIKey
	f.holderH = newHolder(t)
	f.tokens[holder] = s.login(t, f.holderH.did, f.holderH.PrivateKey)
	other := newHolder(t)
	f.tokens[otherHolder] = s.login(t, other.did, other.PrivateKey)
	f.tokens[verifier] = s.createVerifier(t, "Matrix Bank")
	f.cred = f.freshCredential(t)
	_, payload, _ := splitJWS(t, f.cred.Credential)
	listURL := payload["credentialStatus"].([]any)[0].(map[string]any)["statusListCredential"].(string)
	f.listID = listURL[strings.LastIndex(listURL, "/")+1:]
	f.request = s.request(t, f.tokens[verifier], map[string]any{"types": []string{"VolunteerServiceCredential"}})
	if out, r := s.submit(t, f.request.ID, present(t, f.holderH, []string{f.cred.Credential}, f.request.Challenge, f.request.Domain)); len(r.Errors) > 0 || !out.Verified {
		t.Fatalf("answer the fixture request: %+v %+v", out, r.Errors)
	}
	return f
}

// trySubscription subscribes to the fixture request's results as r: an
// allowed role gets the (already answered) request pushed, a denied one an
// error with a code.
func (f *authzFixture) trySubscription(t *testing.T, r role, allow bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(f.s.URL(), "http")+"/graphql", &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatalf("websocket: %v", err)
	}
	defer c.Close(websocket.StatusNormalClosure, "")
	init := map[string]any{"type": "connection_init"}
	if tok := f.tokens[r]; tok != "" {
		init["payload"] = map[string]any{"Authorization": "Bearer " + tok}
	}
	if err := wsjson.Write(ctx, c, init); err != nil {
		t.Fatal(err)
	}
	var ack map[string]any
	if err := wsjson.Read(ctx, c, &ack); err != nil || ack["type"] != "connection_ack" {
		t.Fatalf("no connection_ack: %v %v", ack, err)
	}
	if err := wsjson.Write(ctx, c, map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{
		"query":     `subscription($id: ID!) { presentationSubmitted(requestId: $id) { id state } }`,
		"variables": map[string]any{"id": f.request.ID},
	}}); err != nil {
		t.Fatal(err)
	}
	for {
		var msg struct {
			Type    string          `json:"type"`
			Payload json.RawMessage `json:"payload"`
		}
		if err := wsjson.Read(ctx, c, &msg); err != nil {
			t.Fatalf("read: %v", err)
		}
		switch msg.Type {
		case "next":
			var p struct {
				Data   map[string]json.RawMessage `json:"data"`
				Errors []gqlError                 `json:"errors"`
			}
			if err := json.Unmarshal(msg.Payload, &p); err != nil {
				t.Fatal(err)
			}
			granted := len(p.Errors) == 0 && len(p.Data["presentationSubmitted"]) > 0 && string(p.Data["presentationSubmitted"]) != "null"
			if granted != allow {
				t.Fatalf("subscription as %s: granted=%v, want %v (%s)", r, granted, allow, msg.Payload)
			}
			if !granted {
				checkDeniedCodes(t, p.Errors)
			}
			return
		case "error":
			if allow {
				t.Fatalf("subscription as %s refused: %s", r, msg.Payload)
			}
			var errs []gqlError
			if err := json.Unmarshal(msg.Payload, &errs); err != nil {
				t.Fatal(err)
			}
			checkDeniedCodes(t, errs)
			return
		case "complete":
			t.Fatalf("subscription as %s completed without a message", r)
		}
	}
}

func checkDeniedCodes(t *testing.T, errs []gqlError) {
	t.Helper()
	if len(errs) == 0 {
		t.Fatal("denied without an error")
	}
	for _, e := range errs {
		switch c, _ := e.Extensions["code"].(string); c {
		case "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND":
		default:
			t.Fatalf("denied with code %q, want UNAUTHENTICATED, FORBIDDEN or NOT_FOUND: %+v", c, e)
		}
	}
}

// schemaRootFields lists Type.field for every field of Query, Mutation and
// Subscription in graph/schema.
func schemaRootFields(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../graph/schema/*.graphqls")
	if err != nil || len(files) == 0 {
		t.Fatalf("schema files: %v", err)
	}
	var sources []*ast.Source
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		sources = append(sources, &ast.Source{Name: p, Input: string(b)})
	}
	schema, gerr := gqlparser.LoadSchema(sources...)
	if gerr != nil {
		t.Fatalf("load schema: %v", gerr)
	}
	var out []string
	for _, def := range []*ast.Definition{schema.Query, schema.Mutation, schema.Subscription} {
		if def == nil {
			continue
		}
		for _, fd := range def.Fields {
			if strings.HasPrefix(fd.Name, "__") {
				continue
			}
			out = append(out, def.Name+"."+fd.Name)
		}
	}
	sort.Strings(out)
	return out
}
