package credentials_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"testing"
	"time"

	"github.com/citizencloud/citizencredentials/credentials"
	"github.com/citizencloud/citizencredentials/credentials/jose"
	"github.com/citizencloud/citizencredentials/credentials/sdjwt"
	"github.com/citizencloud/citizencredentials/dataintegrity"
)

// The hot paths of issuance and verification per securing format, without
// store or chain (vcbench measures those end to end): one signature, or one
// verification with the issuer resolved from memory. Compare with the raw
// Ed25519 rates of BenchmarkEd25519 (vcbench's floor).

func BenchmarkEd25519(b *testing.B) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	msg := make([]byte, 700) // about a vc+jwt signing input
	sig := ed25519.Sign(priv, msg)
	b.Run("sign", func(b *testing.B) {
		for b.Loop() {
			ed25519.Sign(priv, msg)
		}
	})
	b.Run("verify", func(b *testing.B) {
		for b.Loop() {
			if !ed25519.Verify(priv.Public().(ed25519.PublicKey), msg, sig) {
				b.Fatal("does not verify")
			}
		}
	})
}

func BenchmarkSign(b *testing.B) {
	w := newWorld(b)
	vc := w.credential(b, "VolunteerServiceCredential", w.holder.did, volunteerClaims)
	loader := dataintegrity.NewContextLoader(w.cat)
	for _, tc := range []struct {
		name string
		sign func() error
	}{
		{"vc+jwt", func() error { _, err := jose.SignCredential(vc, w.bureau.signer); return err }},
		{"di-eddsa-rdfc-2022", func() error {
			_, err := credentials.SignDataIntegrity(vc, w.bureau.signer, time.Now(), credentials.SignWithLoader(loader))
			return err
		}},
		{"sd-jwt", func() error {
			_, err := sdjwt.Issue(vc, w.bureau.signer, sdjwt.HolderBinding{})
			return err
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				if err := tc.sign(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkVerify(b *testing.B) {
	ctx := context.Background()
	w := newWorld(b)
	vc := w.credential(b, "VolunteerServiceCredential", w.holder.did, volunteerClaims)
	jwt := w.issueJWT(b, w.holder.did)
	doc, err := credentials.SignDataIntegrity(vc, w.bureau.signer, time.Now(), credentials.SignWithLoader(dataintegrity.NewContextLoader(w.cat)))
	if err != nil {
		b.Fatal(err)
	}
	di, err := json.Marshal(doc)
	if err != nil {
		b.Fatal(err)
	}
	sd := w.issueSD(b, w.holder.did)
	const challenge, domain = "n-0S6_WzA2Mj", "verifier.example"
	kb, err := sdjwt.Present(sd, []string{"hours", "organization"}, w.holder.signer, challenge, domain)
	if err != nil {
		b.Fatal(err)
	}
	vp, err := jose.SignPresentation(jose.BuildPresentation(w.holder.did, []string{jwt}, challenge, domain), w.holder.signer, challenge, domain)
	if err != nil {
		b.Fatal(err)
	}
	opts := credentials.PresentationOptions{Challenge: challenge, Domain: domain}
	for _, tc := range []struct {
		name   string
		verify func() *credentials.Result
	}{
		{"vc+jwt", func() *credentials.Result { return w.verifier.VerifyCredential(ctx, jwt) }},
		{"di-eddsa-rdfc-2022", func() *credentials.Result { return w.verifier.VerifyCredential(ctx, string(di)) }},
		{"sd-jwt", func() *credentials.Result { return w.verifier.VerifyCredential(ctx, sd) }},
		{"sd-jwt+kb-presentation", func() *credentials.Result { return w.verifier.VerifyPresentation(ctx, kb, opts) }},
		{"vp+jwt-presentation", func() *credentials.Result { return w.verifier.VerifyPresentation(ctx, vp, opts) }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				if res := tc.verify(); !res.Verified {
					b.Fatalf("not verified: %+v", res.Checks)
				}
			}
		})
	}
}
