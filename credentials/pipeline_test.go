package credentials_test

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/citizencloud/citizencredentials/credentials"
	"github.com/citizencloud/citizencredentials/credentials/jose"
	"github.com/citizencloud/citizencredentials/credentials/sdjwt"
	"github.com/citizencloud/citizencredentials/dataintegrity"
	"github.com/citizencloud/citizencredentials/did"
	"github.com/citizencloud/citizencredentials/fault"
)

// Names of the checks the test extension reports; the ledger's status and
// trusted-issuer extensions use the same names.
const (
	checkStatus        = "status"
	checkIssuerTrusted = "issuer_trusted"
)

// registry is a small real Extension: a revocation set (by credential id)
// and a set of trusted issuers, as the ledger keeps them on chain.
type registry struct {
	revoked map[string]bool
	trusted map[string]bool
}

func (r *registry) Checks(_ context.Context, p *credentials.Parsed) []credentials.Check {
	st := credentials.Check{Name: checkStatus, OK: !r.revoked[p.ID], Message: "not revoked"}
	if !st.OK {
		st.Message = "revoked"
	}
	tr := credentials.Check{Name: checkIssuerTrusted, OK: r.trusted[p.Issuer], Message: "trusted issuer"}
	if !tr.OK {
		tr.Message = "the issuer is not in the trusted registry"
	}
	return []credentials.Check{st, tr}
}

// newBureauParty makes a did:web bureau with an Ed25519 JSON Web Key.
func newBureauParty(t *testing.T, slug string) (party, *did.Document) {
	t.Helper()
	k := newKey(t, "Ed25519")
	d := did.WebDID("citizen.example", "bureaus", slug)
	vm, err := did.NewJWKMethod(d+"#key-1", d, k.Public())
	if err != nil {
		t.Fatal(err)
	}
	doc := &did.Document{Context: []string{did.ContextDIDv1, did.ContextJWK}, ID: d,
		VerificationMethod: []did.VerificationMethod{vm}, AssertionMethod: []string{vm.ID}}
	return party{d, keySigner{k, vm.ID}}, doc
}

// TestPipelineEveryFormat proves that every securing format goes through the
// same checks, extensions included: a revoked, an expired, a schema-invalid
// and an untrusted issuer's credential fail exactly the check named for the
// case, in every format, alone and inside a presentation.
func TestPipelineEveryFormat(t *testing.T) {
	ctx := context.Background()
	cat, err := credentials.NewCatalogue(baseURL)
	if err != nil {
		t.Fatal(err)
	}
	trusted, trustedDoc := newBureauParty(t, "volunteering")
	rogue, rogueDoc := newBureauParty(t, "rogue")
	web := did.NewWebResolver(func(_ context.Context, d string) (*did.Document, error) {
		for _, doc := range []*did.Document{trustedDoc, rogueDoc} {
			if doc.ID == d {
				return doc, nil
			}
		}
		return nil, fault.E(fault.NotFound, "%s is not a bureau of this service", d)
	}, did.WithHosts("citizen.example"))
	resolver := did.NewLocalRouter(web)
	reg := &registry{revoked: map[string]bool{}, trusted: map[string]bool{trusted.did: true}}
	verifier := credentials.NewVerifier(resolver, cat, credentials.WithExtensions(reg))
	holder := newHolder(t, "Ed25519")
	loader := dataintegrity.NewContextLoader(cat)

	now := time.Now()
	type kind struct {
		name   string
		issuer party
		change func(t *testing.T, d *credentials.Draft, vc map[string]any)
		fail   string // the one check that must fail; "" for none
	}
	kinds := []kind{
		{name: "ok", issuer: trusted},
		{name: "revoked", issuer: trusted, fail: checkStatus, change: func(_ *testing.T, d *credentials.Draft, _ map[string]any) {
			reg.revoked[d.ID] = true
		}},
		{name: "expired", issuer: trusted, fail: credentials.CheckValidity, change: func(_ *testing.T, d *credentials.Draft, _ map[string]any) {
			until := now.Add(-time.Hour)
			d.ValidFrom, d.ValidUntil = now.Add(-48*time.Hour), &until
		}},
		{name: "schema-invalid", issuer: trusted, fail: credentials.CheckSchema, change: func(_ *testing.T, _ *credentials.Draft, vc map[string]any) {
			if vc != nil {
				vc["credentialSubject"].(map[string]any)["hours"] = "many"
			}
		}},
		{name: "untrusted-issuer", issuer: rogue, fail: checkIssuerTrusted},
	}
	// build makes the unsecured credential of a kind about the holder.
	build := func(t *testing.T, k kind) map[string]any {
		id, _ := uuid.NewV7()
		until := now.Add(30 * 24 * time.Hour)
		d := credentials.Draft{ID: "urn:uuid:" + id.String(), Issuer: k.issuer.did, Subject: holder.did, Type: "VolunteerServiceCredential",
			Claims: volunteerClaims, ValidFrom: now.Add(-time.Hour), ValidUntil: &until}
		if k.change != nil {
			k.change(t, &d, nil)
		}
		vc, err := cat.Build(d)
		if err != nil {
			t.Fatal(err)
		}
		if k.change != nil {
			k.change(t, &d, vc)
		}
		return vc
	}
	formats := []struct {
		name   string
		secure func(t *testing.T, vc map[string]any, s keySigner) string
	}{
		{name: "vc+jwt", secure: func(t *testing.T, vc map[string]any, s keySigner) string {
			jwt, err := jose.SignCredential(vc, s)
			if err != nil {
				t.Fatal(err)
			}
			return jwt
		}},
		{name: "eddsa-rdfc-2022", secure: func(t *testing.T, vc map[string]any, s keySigner) string {
			doc, err := dataintegrity.AddProof(vc, s, loader, dataintegrity.ProofOptions{Cryptosuite: dataintegrity.SuiteEdDSARDFC2022, Created: now.Add(-time.Minute)})
			if err != nil {
				t.Fatal(err)
			}
			return mustJSONString(t, doc)
		}},
		{name: "sd-jwt", secure: func(t *testing.T, vc map[string]any, s keySigner) string {
			sd, err := sdjwt.Issue(vc, s, sdjwt.HolderBinding{})
			if err != nil {
				t.Fatal(err)
			}
			return sd
		}},
	}
	for _, f := range formats {
		for _, k := range kinds {
			t.Run(f.name+"/"+k.name, func(t *testing.T) {
				raw := f.secure(t, build(t, k), k.issuer.signer)
				want := []string{}
				if k.fail != "" {
					want = []string{k.fail}
				}

				t.Run("alone", func(t *testing.T) {
					res := verifier.VerifyCredential(ctx, raw)
					for _, name := range []string{credentials.CheckSignature, credentials.CheckIssuerKnown, credentials.CheckValidity, credentials.CheckSchema, checkStatus, checkIssuerTrusted} {
						if _, ok := check(res, name, ""); !ok {
							t.Errorf("check %s not reported", name)
						}
					}
					if got := failingNames(res, false); !equalStrings(got, want) {
						logResult(t, res)
						t.Fatalf("failing checks %v, want %v", got, want)
					}
					if res.Verified != (k.fail == "") {
						t.Fatalf("verified = %v", res.Verified)
					}
				})

				t.Run("presented", func(t *testing.T) {
					res := verifier.VerifyPresentation(ctx, vp(t, holder, []string{raw}, "c-1", "https://verifier.example"),
						credentials.PresentationOptions{Challenge: "c-1", Domain: "https://verifier.example"})
					if got := failingNames(res, true); !equalStrings(got, want) {
						logResult(t, res)
						t.Fatalf("failing credential checks %v, want %v", got, want)
					}
					if got := failingNames(res, false); len(got) != 0 {
						logResult(t, res)
						t.Fatalf("failing presentation checks %v, want none", got)
					}
					if res.Verified != (k.fail == "") {
						t.Fatalf("verified = %v", res.Verified)
					}
				})
			})
		}
	}
}

// failingNames returns the names of the failed checks about a credential
// inside a presentation (inside) or the others, sorted.
func failingNames(res *credentials.Result, inside bool) []string {
	out := []string{}
	for _, c := range res.Checks {
		if !c.OK && (c.Credential != "") == inside {
			out = append(out, c.Name)
		}
	}
	sort.Strings(out)
	return out
}

func equalStrings(a, b []string) bool {
	return strings.Join(a, "\x00") == strings.Join(b, "\x00")
}

func mustJSONString(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
