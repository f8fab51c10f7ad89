package credentials

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/citizencloud/citizencredentials/credentials/vcdm"
	"github.com/citizencloud/citizencredentials/dataintegrity"
	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/internal/text"
)

// WithContextLoader sets the JSON-LD document loader used for Data
// Integrity proofs (default: dataintegrity.NewContextLoader over the Verifier's
// catalogue, embedded contexts only).
func WithContextLoader(l *dataintegrity.ContextLoader) VerifierOption {
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
	for _, t := range vcdm.Strings(doc["type"]) {
		if t == "VerifiablePresentation" {
			return nil, fault.E(fault.Invalid, "this is a presentation, not a credential")
		}
	}
	p := &Parsed{Raw: raw, Format: FormatDataIntegrity, JSON: doc}
	ctx := vcdm.Contexts(doc["@context"])
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
	if proofs, err := dataintegrity.Proofs(doc); err == nil {
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
	t, err := dataintegrity.ParseDateTime(s)
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
	results, err := v.VerifyProofs(ctx, p.JSON, dataintegrity.ProofExpectations{Purpose: dataintegrity.PurposeAssertion})
	if err != nil {
		c.Message = fault.Message(err)
		return c
	}
	var byIssuer, failed []string
	var descr []string
	for _, r := range results {
		d := fmt.Sprintf("%s by %s", r.Suite(), text.Truncate(r.VerificationMethod, 200))
		if r.Err != nil {
			what := "the proof"
			if len(results) > 1 {
				what = fmt.Sprintf("proof %d of %d (%s)", r.Index+1, len(results), d)
			}
			failed = append(failed, fmt.Sprintf("%s does not verify: %s", what, fault.Message(r.Err)))
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
		c.Message = fmt.Sprintf("the proof verifies (%s), but no proof is by a key of the issuer %s", strings.Join(descr, ", "), text.Truncate(p.Issuer, 200))
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

// SignDataIntegrity checks vc against the data model (vcdm.Check) and
// secures it with a Data Integrity proof created at created: a
// DataIntegrityProof with cryptosuite eddsa-rdfc-2022 for an
// Ed25519 signer (ecdsa-rdfc-2019 for P-256/P-384), proofPurpose
// assertionMethod, verificationMethod s.KeyID() and a multibase base58btc
// proofValue. Ed25519 signatures are deterministic: the same input gives
// the same proof. vc is not modified; the result is a new document. It
// does not check that s belongs to the issuer (verifiers do: sign with the
// issuer's key). Contexts come from the embedded ones unless
// SignWithLoader passes the service's dataintegrity.ContextLoader (needed for
// credentials that use our own context). Errors: fault Invalid for a credential that breaks the data model or is
// not valid JSON-LD in safe mode (undefined terms included), or a key that
// cannot sign; the signer's error otherwise.
func SignDataIntegrity(vc map[string]any, s Signer, created time.Time, opts ...SignOption) (map[string]any, error) {
	var cfg signConfig
	for _, o := range opts {
		o(&cfg)
	}
	if err := vcdm.Check(vc); err != nil {
		return nil, err
	}
	return dataintegrity.AddProof(vc, s, cfg.loader, dataintegrity.ProofOptions{Created: created})
}

// SignOption configures SignDataIntegrity.
type SignOption func(*signConfig)

type signConfig struct{ loader *dataintegrity.ContextLoader }

// SignWithLoader resolves JSON-LD contexts with l (e.g. dataintegrity.NewContextLoader
// over the service's catalogue, so our own context is available).
func SignWithLoader(l *dataintegrity.ContextLoader) SignOption {
	return func(c *signConfig) { c.loader = l }
}

// contextLoader is the Data Integrity context loader over the embedded
// contexts and, when cat is not nil, the catalogue's own context.
func contextLoader(cat *Catalogue) *dataintegrity.ContextLoader {
	if cat == nil {
		return dataintegrity.NewContextLoader(nil)
	}
	return dataintegrity.NewContextLoader(cat)
}

// VerifyProofs verifies every Data Integrity proof of doc with v's DID
// resolver, JSON-LD contexts, clock and leeway; see
// dataintegrity.Verifier.VerifyProofs.
func (v *Verifier) VerifyProofs(ctx context.Context, doc map[string]any, exp dataintegrity.ProofExpectations) ([]dataintegrity.ProofResult, error) {
	return v.di.VerifyProofs(ctx, doc, exp)
}
