package credentials

import (
	"context"
	"time"
)

// PresentedCredential is one credential of a presentation as verification
// found it: what Presentation Exchange evaluates.
type PresentedCredential struct {
	Tag       string         // credential id, or "#n" (its position) when it has none
	Format    Format         // how it was secured; "" if unreadable
	Alg       string         // JWS alg of JOSE-secured credentials
	JSON      map[string]any // the credential (SD-JWT: disclosed claims only); nil if unreadable
	SD        bool           // selectively disclosed (SD-JWT)
	Disclosed []string       // SD-JWT: paths of the disclosed claims, e.g. "credentialSubject.hours"
	Result    *Result        // the credential's checks
}

// VerifyPresentationCredentials is VerifyPresentation that also returns
// each credential of the presentation as read; the slice is nil when the
// presentation itself could not be read.
func (v *Verifier) VerifyPresentationCredentials(ctx context.Context, raw string, opts PresentationOptions) (*Result, []PresentedCredential) {
	start := time.Now()
	res, creds := v.verifyPresentation(ctx, raw, opts)
	v.observe("presentation", res, start)
	if creds == nil {
		return res, nil
	}
	out := make([]PresentedCredential, len(creds))
	for i, p := range creds {
		out[i] = PresentedCredential{Tag: p.tag, Format: p.format, Alg: p.alg, JSON: p.json, SD: p.sd, Disclosed: p.disclosed, Result: p.result}
	}
	return res, out
}

// Catalogue is the catalogue v checks schemas against (nil: none).
func (v *Verifier) Catalogue() *Catalogue { return v.cat }
