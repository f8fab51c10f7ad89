package credentials

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/citizencloud/citizencredentials/fault"
)

// WithContextLoader sets the JSON-LD document loader used for Data
// Integrity proofs (default: NewContextLoader over the Verifier's
// catalogue, embedded contexts only).
func WithContextLoader(l *ContextLoader) VerifierOption {
	return verifierOption(func(v *Verifier) { v.loader = l })
}

// ParseDataIntegrity decodes a JSON credential secured with Data Integrity
// proofs (VCDM 2.0 or 1.1) without verifying it. Refused with fault
// Invalid: input that is not a JSON object, has no proof, is a
// presentation, lacks a base context, the VerifiableCredential type or an
// issuer, or has malformed dates.
func ParseDataIntegrity(raw string) (*Parsed, error) {
	raw = strings.TrimSpace(raw)
	if len(raw) > MaxCredentialSize {
		return nil, fault.E(fault.Invalid, "the credential is larger than %d bytes", MaxCredentialSize)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(raw), &doc); err != nil || doc == nil {
		return nil, fault.E(fault.Invalid, "the credential is not a JSON object")
	}
	if _, ok := doc["proof"]; !ok {
		return nil, fault.E(fault.Invalid, "this is an unsecured JSON credential; only signed credentials (vc+jwt, JWT or Data Integrity) can be verified")
	}
	return parseDI(raw, doc)
}

func parseDI(raw string, doc map[string]any) (*Parsed, error) {
	for _, t := range strs(doc["type"]) {
		if t == "VerifiablePresentation" {
			return nil, fault.E(fault.Invalid, "this is a presentation, not a credential")
		}
	}
	p := &Parsed{Raw: raw, Format: FormatDataIntegrity, JSON: doc}
	ctx := contexts(doc["@context"])
	v1 := false
	switch {
	case len(ctx) > 0 && ctx[0] == ContextV2:
	case len(ctx) > 0 && ctx[0] == ContextV1:
		v1 = true
	default:
		return nil, fault.E(fault.Invalid, "the first @context must be %s (or %s for VCDM 1.1)", ContextV2, ContextV1)
	}
	if err := p.readCommon(); err != nil {
		return nil, err
	}
	from, until := "validFrom", "validUntil"
	if v1 {
		from, until = "issuanceDate", "expirationDate"
	}
	var err error
	if p.ValidFrom, err = diDateProp(doc, from); err != nil {
		return nil, err
	}
	if p.ValidUntil, err = diDateProp(doc, until); err != nil {
		return nil, err
	}
	if proofs, err := proofsOf(doc); err == nil {
		p.KeyID, _ = proofs[0]["verificationMethod"].(string)
	}
	return p, nil
}

// diDateProp reads an optional date-time property: RFC 3339 (a leap
// second, :60, is read as the next second), or an XML Schema dateTime
// without a zone, read as UTC.
func diDateProp(m map[string]any, name string) (*time.Time, error) {
	v, ok := m[name]
	if !ok || v == nil {
		return nil, nil
	}
	s, isStr := v.(string)
	if !isStr {
		return nil, fault.E(fault.Invalid, "%s is not a date-time string", name)
	}
	t, err := parseXSDDateTime(s)
	if err != nil {
		return nil, fault.E(fault.Invalid, "%s is not an RFC 3339 date-time (like 2024-05-31T12:00:00Z)", name)
	}
	return &t, nil
}

// checkProofs is the signature check of a Data Integrity credential: every
// proof verifies, and at least one is by a key of the issuer (listed under
// assertionMethod in the issuer's DID document).
func (v *Verifier) checkProofs(ctx context.Context, p *Parsed) Check {
	c := Check{Name: CheckSignature}
	results, err := v.VerifyProofs(ctx, p.JSON, ProofExpectations{Purpose: PurposeAssertion})
	if err != nil {
		c.Message = reason(err)
		return c
	}
	var byIssuer, failed []string
	var descr []string
	for _, r := range results {
		d := fmt.Sprintf("%s by %s", r.Suite(), truncate(r.VerificationMethod, 200))
		if r.Err != nil {
			what := "the proof"
			if len(results) > 1 {
				what = fmt.Sprintf("proof %d of %d (%s)", r.Index+1, len(results), d)
			}
			failed = append(failed, fmt.Sprintf("%s does not verify: %s", what, reason(r.Err)))
			continue
		}
		descr = append(descr, d)
		if r.Controller == p.Issuer {
			byIssuer = append(byIssuer, d)
		}
	}
	switch {
	case len(failed) > 0:
		c.Message = strings.Join(failed, "; ")
	case len(byIssuer) == 0:
		c.Message = fmt.Sprintf("the proof verifies (%s), but no proof is by a key of the issuer %s", strings.Join(descr, ", "), truncate(p.Issuer, 200))
	default:
		c.OK = true
		if len(results) == 1 {
			c.Message = "signed by " + descr[0]
		} else {
			c.Message = fmt.Sprintf("all %d proofs verify: %s", len(results), strings.Join(descr, ", "))
		}
	}
	return c
}
