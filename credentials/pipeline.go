package credentials

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/citizencloud/citizencredentials/did"
	"github.com/citizencloud/citizencredentials/fault"
)

// The verification pipeline. A securing format (vc+jwt and VCDM 1.1 JWT,
// Data Integrity, SD-JWT) only reads a credential and checks its own proof;
// it hands the pipeline a secured credential, and run adds, in one place for
// every format, the checks they all share (issuer_known, validity, schema),
// the extensions (status, trusted issuers, anchors) and the verdict. No
// format can leave the extensions out: run is the only way to a Result of a
// credential that could be read.

// secured is a credential a securing format has read, with the check of its
// proof.
type secured struct {
	parsed *Parsed
	// proof is the signature check of the format. doc is the issuer's DID
	// document as the pipeline resolved it, or rerr why it could not.
	proof func(ctx context.Context, doc *did.Document, rerr error) Check
	// formatChecks are further checks of the format, reported after
	// validity (SD-JWT: disclosures).
	formatChecks []Check
	// disclosedOnly says only some claims are disclosed (SD-JWT): the
	// schema check does not count undisclosed required claims as missing.
	disclosedOnly bool
	summary       Summary
}

// run is the pipeline every credential goes through once its format has read
// it: signature (the format's proof check), issuer_known, validity, the
// format's own checks, schema, the extensions' checks, and the verdict.
func (v *Verifier) run(ctx context.Context, s secured) *Result {
	p := s.parsed
	doc, rerr := v.resolve(ctx, p.Issuer)
	checks := []Check{s.proof(ctx, doc, rerr), checkIssuerKnown(p.Issuer, rerr), v.checkValidity(p)}
	checks = append(checks, s.formatChecks...)
	if s.disclosedOnly {
		checks = append(checks, v.checkDisclosedSchema(p))
	} else {
		checks = append(checks, v.checkSchema(p))
	}
	for _, e := range v.exts {
		checks = append(checks, e.Checks(ctx, p)...)
	}
	return verdict(checks, s.summary)
}

// verdict is the Result of checks: verified when every one passed.
func verdict(checks []Check, summaries ...Summary) *Result {
	ok := len(checks) > 0
	for _, c := range checks {
		ok = ok && c.OK
	}
	if summaries == nil {
		summaries = []Summary{}
	}
	return &Result{Verified: ok, Checks: checks, Credentials: summaries}
}

// formatFailure is the Result of input that could not be read as a
// credential: one failed format check.
func formatFailure(msg string) *Result {
	return &Result{Checks: []Check{{Name: CheckFormat, Message: msg}}, Credentials: []Summary{}}
}

// readSecured reads raw in the format that secures it: a JSON object with a
// Data Integrity proof, an SD-JWT (anything with a "~"), else a compact JWT.
// sc is set for SD-JWTs. The error is a format failure, explained for a
// person.
func (v *Verifier) readSecured(raw string) (s secured, sc *sdCredential, err error) {
	t := strings.TrimSpace(raw)
	if strings.HasPrefix(t, "{") && len(t) <= MaxCredentialSize {
		s, err := v.readDataIntegrity(t)
		return s, nil, err
	}
	if strings.Contains(raw, "~") {
		return v.readSDJWT(t)
	}
	p, err := ParseCredential(raw)
	if err != nil {
		return secured{}, nil, err
	}
	return secured{
		parsed: p,
		proof: func(_ context.Context, doc *did.Document, rerr error) Check {
			return v.checkSignature(p, doc, rerr)
		},
		summary: p.Summary(),
	}, nil, nil
}

// readDataIntegrity reads a JSON credential secured with Data Integrity
// proofs; t is trimmed and not over MaxCredentialSize.
func (v *Verifier) readDataIntegrity(t string) (secured, error) {
	var doc map[string]any
	if err := json.Unmarshal([]byte(t), &doc); err != nil || doc == nil {
		return secured{}, fault.E(fault.Invalid, "the credential is not valid JSON")
	}
	if _, ok := doc["proof"]; !ok {
		return secured{}, fault.E(fault.Invalid, "this is an unsecured JSON credential; only signed credentials (vc+jwt, JWT, or JSON with a Data Integrity proof) can be verified")
	}
	p, err := parseDI(t, doc)
	if err != nil {
		return secured{}, err
	}
	return secured{
		parsed: p,
		proof: func(ctx context.Context, _ *did.Document, _ error) Check {
			return v.checkProofs(ctx, p)
		},
		summary: p.Summary(),
	}, nil
}
