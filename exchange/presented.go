package exchange

import (
	"context"

	"github.com/citizencloud/citizencredentials/credentials"
)

// presented is one credential of a presentation, as verification found it;
// the presentation exchange evaluates these.
type presented struct {
	tag       string              // credential id or "#n"
	format    credentials.Format  // how it was secured; "" if unreadable
	alg       string              // JWS alg of JOSE-secured credentials
	json      map[string]any      // the credential (SD-JWT: disclosed claims only); nil if unreadable
	sd        bool                // selectively disclosed (SD-JWT)
	disclosed []string            // SD-JWT: paths of the disclosed claims, e.g. "credentialSubject.hours"
	result    *credentials.Result // its checks
}

// ok reports whether every check of the credential passed.
func (p *presented) ok() bool { return p.result != nil && p.result.Verified }

// verifyPresentation verifies raw with v and returns, besides the result,
// each credential it carries as read (nil when the presentation could not
// be read).
func verifyPresentation(ctx context.Context, v *credentials.Verifier, raw string, opts credentials.PresentationOptions) (*credentials.Result, []*presented) {
	res, pcs := v.VerifyPresentationCredentials(ctx, raw, opts)
	if pcs == nil {
		return res, nil
	}
	out := make([]*presented, len(pcs))
	for i, c := range pcs {
		out[i] = &presented{tag: c.Tag, format: c.Format, alg: c.Alg, json: c.JSON, sd: c.SD, disclosed: c.Disclosed, result: c.Result}
	}
	return res, out
}
