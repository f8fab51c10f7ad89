package conformance

import (
	"context"

	"github.com/citizencloud/citizencredentials/credentials"
	"github.com/citizencloud/citizencredentials/credentials/jose"
)

// The presentation and SD-JWT verifiers of credentials/ (presentation.go,
// sdjwt.go) take part in the walk through these hooks.
func init() {
	verifyPresentation = func(v *credentials.Verifier, raw, challenge, domain string) *credentials.Result {
		return v.VerifyPresentation(context.Background(), raw, credentials.PresentationOptions{Challenge: challenge, Domain: domain})
	}
	signPresentationJWT = jose.SignPresentation
	verifySDJWT = func(v *credentials.Verifier, raw string) *credentials.Result {
		return v.VerifySDJWT(context.Background(), raw)
	}
}
