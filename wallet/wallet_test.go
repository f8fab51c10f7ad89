package wallet

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/citizencloud/citizencredentials/credentials"
	"github.com/citizencloud/citizencredentials/credentials/jose"
	"github.com/citizencloud/citizencredentials/credentials/sdjwt"
	"github.com/citizencloud/citizencredentials/did"
	"github.com/citizencloud/citizencredentials/exchange"
	"github.com/citizencloud/citizencredentials/sqlite"
)

const passphrase = "correct horse battery staple"

func TestKeySealing(t *testing.T) {
	w, err := New([]byte(passphrase), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if w.KeyID != w.DID+"#"+strings.TrimPrefix(w.DID, "did:key:") {
		t.Fatalf("keyId %s does not name the did:key verification method", w.KeyID)
	}
	other, err := New([]byte(passphrase), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		alter  func(f *File)
		pass   string
		wantOK bool
		is     error
	}{
		{"ok", func(*File) {}, passphrase, true, nil},
		{"fail/wrong passphrase", func(*File) {}, "Correct horse battery staple", false, ErrPassphrase},
		{"fail/another DID", func(f *File) { f.DID = other.DID }, passphrase, false, nil},
		{"fail/altered ciphertext", func(f *File) {
			f.Key.Ciphertext = append([]byte(nil), f.Key.Ciphertext...)
			f.Key.Ciphertext[0] ^= 1
		}, passphrase, false, ErrPassphrase},
		{"fail/weakened parameters", func(f *File) { f.Key.MemoryKiB = 1 }, passphrase, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := *w
			tt.alter(&f)
			k, err := f.Unlock([]byte(tt.pass))
			if tt.wantOK {
				if err != nil {
					t.Fatal(err)
				}
				if got, _ := did.NewKeyDID(k.Public()); got != w.DID || k.KeyID() != w.KeyID {
					t.Fatalf("the unlocked key is %s (%s), not %s", got, k.KeyID(), w.DID)
				}
				return
			}
			if err == nil {
				t.Fatal("the wallet opened")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Fatalf("err = %v, want %v", err, tt.is)
			}
		})
	}
}

func TestSubmitEndpoint(t *testing.T) {
	tests := []struct{ name, reqURL, named, want string }{
		{"ok/named", "https://citizen.example/requests/r1", "https://citizen.example/graphql", "https://citizen.example/graphql"},
		{"ok/none named", "https://citizen.example/cc/requests/r1", "", "https://citizen.example/cc/graphql"},
		{"ok/another host is not trusted", "https://citizen.example/requests/r1", "https://evil.example/graphql", "https://citizen.example/graphql"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SubmitEndpoint(tt.reqURL, tt.named); got != tt.want {
				t.Fatalf("SubmitEndpoint = %s, want %s", got, tt.want)
			}
		})
	}
}

// issuer is a throw-away did:key issuer.
type issuer struct {
	ed25519.PrivateKey
	did string
}

func (i *issuer) KeyID() string { return KeyIDOf(i.did) }

func newIssuer(t *testing.T) *issuer {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	d, err := did.NewKeyDID(pub)
	if err != nil {
		t.Fatal(err)
	}
	return &issuer{priv, d}
}

// TestWalletChoosesWhatTheVerifierAccepts drives both sides through their
// package APIs: the wallet chooses and checks a plan for a request, presents
// it, and the verifier (exchange.Requests over a real SQLite store)
// evaluates the presentation. The wallet's verdict and the verifier's
// constraints check must agree, request by request.
func TestWalletChoosesWhatTheVerifierAccepts(t *testing.T) {
	ctx := context.Background()
	store, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	verifier := credentials.NewVerifier(did.NewLocalRouter(nil), nil)
	requests := exchange.NewRequests(store, verifier, exchange.WithDefaultDomain("https://verifier.example"))

	w, err := New([]byte(passphrase), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	key, err := w.Unlock([]byte(passphrase))
	if err != nil {
		t.Fatal(err)
	}
	city, other := newIssuer(t), newIssuer(t)
	now := time.Now().UTC()
	vc := func(id, typ string, is *issuer, subject map[string]any) map[string]any {
		subject["id"] = w.DID
		return map[string]any{
			"@context":          []any{credentials.ContextV2},
			"id":                id,
			"type":              []any{"VerifiableCredential", typ},
			"issuer":            is.did,
			"validFrom":         now.Add(-time.Hour).Format(time.RFC3339),
			"credentialSubject": subject,
			"credentialStatus": []any{map[string]any{"id": "https://status.example/1#7", "type": "BitstringStatusListEntry",
				"statusPurpose": "revocation", "statusListIndex": "7", "statusListCredential": "https://status.example/1"}},
			"credentialSchema": []any{map[string]any{"id": "https://schemas.example/volunteer.json", "type": "JsonSchema"}},
		}
	}
	hold := func(id, typ, format, secured string, issued time.Duration) Credential {
		return Credential{ID: id, Type: typ, Format: format, Credential: secured, State: "ACTIVE",
			ValidFrom: now.Add(-time.Hour), IssuedAt: now.Add(issued), FetchedAt: now}
	}
	jwt := func(v map[string]any, is *issuer) string {
		s, err := jose.SignCredential(v, is)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	sd := func(v map[string]any, is *issuer) string {
		s, err := sdjwt.Issue(v, is, sdjwt.HolderBinding{})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	w.Credentials = []Credential{
		hold("urn:uuid:vol-jwt", "VolunteerServiceCredential", "VC_JWT", jwt(vc("urn:uuid:vol-jwt", "VolunteerServiceCredential", city,
			map[string]any{"hours": 12, "organization": "City Food Bank"}), city), -2*time.Hour),
		hold("urn:uuid:vol-sd", "VolunteerServiceCredential", "SD_JWT", sd(vc("urn:uuid:vol-sd", "VolunteerServiceCredential", city,
			map[string]any{"hours": 40, "organization": "Animal Shelter"}), city), -3*time.Hour),
		hold("urn:uuid:learn", "LifelongLearningCredential", "VC_JWT", jwt(vc("urn:uuid:learn", "LifelongLearningCredential", other,
			map[string]any{"course": "Go"}), other), -time.Hour),
	}
	typeField := func(typ string) string {
		return `{"path":["$.type"],"filter":{"type":"array","contains":{"const":"` + typ + `"}}}`
	}
	desc := func(id string, fields ...string) string {
		return `{"id":"` + id + `","constraints":{"fields":[` + strings.Join(fields, ",") + `]}}`
	}
	def := func(descs ...string) string {
		return `{"id":"d","input_descriptors":[` + strings.Join(descs, ",") + `]}`
	}
	tests := []struct {
		name       string
		in         exchange.RequestInput
		wantChosen string // ids, comma-separated
		wantOK     bool
	}{
		{"ok/by type, newest", exchange.RequestInput{Types: []string{"VolunteerServiceCredential"}}, "urn:uuid:vol-jwt", true},
		{"ok/two types", exchange.RequestInput{Types: []string{"VolunteerServiceCredential", "LifelongLearningCredential"}}, "urn:uuid:vol-jwt,urn:uuid:learn", true},
		{"ok/field value", exchange.RequestInput{Definition: []byte(def(desc("v", typeField("VolunteerServiceCredential"),
			`{"path":["$.credentialSubject.hours"],"filter":{"type":"number","minimum":30}}`)))}, "urn:uuid:vol-sd", true},
		{"ok/issuer constraint", exchange.RequestInput{Types: []string{"LifelongLearningCredential"}, AcceptedIssuers: []string{other.did}}, "urn:uuid:learn", true},
		{"fail/issuer not accepted", exchange.RequestInput{Types: []string{"LifelongLearningCredential"}, AcceptedIssuers: []string{city.did}}, "", false},
		{"ok/status constraint", exchange.RequestInput{Definition: []byte(def(desc("v", typeField("VolunteerServiceCredential"),
			`{"path":["$.credentialStatus[0].statusPurpose"],"filter":{"type":"string","const":"revocation"}}`)))}, "urn:uuid:vol-jwt", true},
		{"ok/schema constraint", exchange.RequestInput{Definition: []byte(def(desc("v", typeField("LifelongLearningCredential"),
			`{"path":["$.credentialSchema[0].type"],"filter":{"type":"string","const":"JsonSchema"}}`)))}, "urn:uuid:learn", true},
		{"fail/schema constraint not met", exchange.RequestInput{Definition: []byte(def(desc("v", typeField("LifelongLearningCredential"),
			`{"path":["$.credentialSchema[0].type"],"filter":{"type":"string","const":"ShaclValidator2017"}}`)))}, "", false},
		{"ok/limit_disclosure picks the SD-JWT", exchange.RequestInput{Types: []string{"VolunteerServiceCredential"}, Fields: []string{"hours"}, LimitDisclosure: true}, "urn:uuid:vol-sd", true},
		{"fail/limit_disclosure without an SD-JWT", exchange.RequestInput{Types: []string{"LifelongLearningCredential"}, LimitDisclosure: true}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := requests.Create(ctx, "verifier-1", tt.in)
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			req := &Request{ID: r.ID, Challenge: r.Challenge, Domain: r.Domain, Definition: r.Definition}
			plan, err := Choose(req.Definition, w.Credentials, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if err := plan.ChooseDisclosures(nil); err != nil {
				t.Fatal(err)
			}
			var chosen []string
			for _, c := range plan.Chosen {
				chosen = append(chosen, c.Credential.ID)
			}
			if strings.Join(chosen, ",") != tt.wantChosen {
				t.Errorf("chosen %v, want %s", chosen, tt.wantChosen)
			}
			ev, err := plan.Check()
			if err != nil {
				t.Fatal(err)
			}
			if ev.OK != tt.wantOK {
				t.Errorf("the wallet says OK=%v (%s), want %v", ev.OK, ev.Message, tt.wantOK)
			}
			vp, err := plan.Present(w, key, req)
			if err != nil {
				t.Fatal(err)
			}
			res, err := requests.Submit(ctx, r.ID, vp)
			if err != nil {
				t.Fatal(err)
			}
			var constraints *credentials.Check
			for i, c := range res.Checks {
				if c.Name == exchange.CheckConstraints {
					constraints = &res.Checks[i]
				} else if c.Credential == "" && !c.OK {
					t.Errorf("the presentation fails %s: %s", c.Name, c.Message)
				}
			}
			if constraints == nil || constraints.OK != ev.OK {
				t.Fatalf("the verifier's constraints check %+v disagrees with the wallet's %v (%s)", constraints, ev.OK, ev.Message)
			}
		})
	}
}
