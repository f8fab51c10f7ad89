package credentials

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/citizencloud/citizencredentials/credentials/jose"
	"github.com/citizencloud/citizencredentials/credentials/schema"
	"github.com/citizencloud/citizencredentials/credentials/sdjwt"
	"github.com/citizencloud/citizencredentials/did"
	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/internal/text"
)

// The SD-JWT format in the pipeline: package sdjwt reads an SD-JWT and
// checks its disclosures and key binding; this file turns it into a
// secured credential for run and verifies SD-JWTs presented on their own.

// Checks an SD-JWT credential adds to those of VerifyCredential.
const (
	// CheckDisclosures: every disclosure presented is covered by a digest
	// the issuer signed (nothing was altered or added), and the disclosed
	// claims could be put back in place.
	CheckDisclosures = "disclosures"
	// CheckKeyBinding: (VerifySDJWT, and SD-JWTs inside a signed
	// presentation) the attached key-binding JWT is signed by the key the
	// issuer bound (cnf) and its sd_hash covers the disclosures presented.
	// As a presentation itself, this is the presentation_signature check.
	CheckKeyBinding = "key_binding"
)

// sdCredential is an SD-JWT credential as verification read it.
type sdCredential struct {
	*sdjwt.Credential
	parsed  *Parsed
	summary Summary
}

// VerifySDJWT verifies an SD-JWT credential (vc+sd-jwt, or an IETF SD-JWT VC
// dc+sd-jwt), as issued or as presented, like VerifyCredential: format
// (only when it cannot be read, and then alone), signature (issuer key, as
// for vc+jwt), issuer_known, validity, disclosures, schema (the disclosed
// claims only: undisclosed required claims are not missing), the
// extensions' checks, and key_binding when a key-binding JWT is attached
// (its signature by the cnf key and its sd_hash; nonce and aud are not
// checked here: verify presentations with VerifyPresentation). The Summary's
// Claims hold only the disclosed claims. Extensions get a Parsed with Format
// FormatSDJWT, JSON = the credential with only the disclosed claims, Raw =
// the SD-JWT as given (the issuer-signed JWT before the first "~" is what
// stays the same across presentations). It never returns nil.
func (v *Verifier) VerifySDJWT(ctx context.Context, raw string) *Result {
	start := time.Now()
	res, sc := v.verifySDJWT(ctx, strings.TrimSpace(raw))
	if sc != nil {
		v.addKeyBinding(ctx, res, sc)
	}
	v.observe("credential", res, start)
	return res
}

// addKeyBinding appends the key_binding check of an SD-JWT credential to
// res when a key-binding JWT is attached (a holder need not attach one
// outside a presentation; if there is one, it must be right).
func (v *Verifier) addKeyBinding(ctx context.Context, res *Result, sc *sdCredential) {
	if !sc.KeyBound() {
		return
	}
	kb := sc.VerifyKeyBinding(ctx, v.resolve)
	res.Checks = append(res.Checks, Check{Name: CheckKeyBinding, OK: kb.OK, Message: kb.Message})
	res.Verified = res.Verified && kb.OK
}

// verifySDJWT runs the credential checks of an SD-JWT (not its key binding).
// sc is nil when the input could not be read (res is then a format failure).
func (v *Verifier) verifySDJWT(ctx context.Context, raw string) (*Result, *sdCredential) {
	s, sc, err := v.readSDJWT(raw)
	if err != nil {
		return formatFailure(fault.Message(err)), nil
	}
	return v.run(ctx, s), sc
}

// readSDJWT reads an SD-JWT credential (raw is trimmed) and checks its
// disclosures against the digests the issuer signed.
func (v *Verifier) readSDJWT(raw string) (secured, *sdCredential, error) {
	fail := func(err error) (secured, *sdCredential, error) { return secured{}, nil, err }
	sc, err := decodeSDJWT(raw)
	if err != nil {
		return fail(err)
	}
	p, disclosed, problems := sc.parsed, sc.Disclosed, sc.Problems

	dc := Check{Name: CheckDisclosures}
	if len(problems) > 0 {
		dc.Message = strings.Join(problems, "; ")
	} else {
		dc.OK = true
		switch n := len(disclosed); n {
		case 0:
			dc.Message = "no selectively disclosable claim is disclosed"
		default:
			dc.Message = fmt.Sprintf("%s disclosed, each covered by a digest the issuer signed: %s", text.Plural(n, "1 claim", strconv.Itoa(n)+" claims"), text.Truncate(strings.Join(disclosed, ", "), 400))
		}
	}
	return secured{
		parsed: p,
		proof: func(_ context.Context, doc *did.Document, rerr error) Check {
			return v.checkSignature(p, doc, rerr)
		},
		formatChecks:  []Check{dc},
		disclosedOnly: true,
		summary:       sc.summary,
	}, sc, nil
}

// decodeSDJWT reads an SD-JWT credential without verifying it (see
// sdjwt.Decode) and reads what it says: a VCDM 2.0 credential (vc+sd-jwt)
// or an IETF SD-JWT VC (dc+sd-jwt), its disclosed claims only. Errors
// (fault Invalid): it cannot be read as an SD-JWT credential.
func decodeSDJWT(raw string) (*sdCredential, error) {
	if len(raw) > MaxCredentialSize {
		return nil, fault.E(fault.Invalid, "the credential is larger than %d bytes", MaxCredentialSize)
	}
	c, err := sdjwt.Decode(raw)
	if err != nil {
		return nil, err
	}
	var p *Parsed
	if c.VC != nil {
		p, err = parsedJOSE(raw, c.VC)
	} else {
		p, err = parsedSDJWTVC(raw, c)
	}
	if err != nil {
		return nil, err
	}
	p.Format = FormatSDJWT
	return &sdCredential{Credential: c, parsed: p, summary: sdSummary(p, c.Typ)}, nil
}

// jwtClaimNames are the registered claims of an SD-JWT VC that are not
// claims about the subject.
var jwtClaimNames = map[string]bool{"iss": true, "sub": true, "vct": true, "vct#integrity": true, "iat": true, "nbf": true, "exp": true, "cnf": true, "status": true, "jti": true, "aud": true}

// parsedSDJWTVC reads an IETF SD-JWT VC payload (dc+sd-jwt): iss, vct,
// sub, jti, nbf/exp.
func parsedSDJWTVC(raw string, c *sdjwt.Credential) (*Parsed, error) {
	payload := c.JSON
	p := &Parsed{Raw: raw, JSON: payload, KeyID: c.JWS.Kid, jws: c.JWS}
	iss, has, err := jose.StringClaim(payload, "iss", "SD-JWT")
	if err != nil {
		return nil, err
	}
	if !has || iss == "" {
		return nil, fault.E(fault.Invalid, "the SD-JWT VC has no iss claim")
	}
	vct, has, err := jose.StringClaim(payload, "vct", "SD-JWT")
	if err != nil {
		return nil, err
	}
	if !has || vct == "" {
		return nil, fault.E(fault.Invalid, "the SD-JWT VC has no vct (credential type) claim")
	}
	p.Issuer, p.Types = iss, []string{vct}
	if p.Subject, _, err = jose.StringClaim(payload, "sub", "SD-JWT"); err != nil {
		return nil, err
	}
	if p.ID, _, err = jose.StringClaim(payload, "jti", "SD-JWT"); err != nil {
		return nil, err
	}
	if p.ValidFrom, err = jose.NumericDate(payload, "nbf"); err != nil {
		return nil, err
	}
	if p.ValidUntil, err = jose.NumericDate(payload, "exp"); err != nil {
		return nil, err
	}
	return p, nil
}

// sdSummary is the Summary of an SD-JWT credential: only disclosed claims.
func sdSummary(p *Parsed, typ string) Summary {
	s := p.Summary()
	if sdjwt.IsSDJWTVC(typ) {
		s.Claims = map[string]any{}
		for k, v := range p.JSON {
			if !jwtClaimNames[k] {
				s.Claims[k] = v
			}
		}
	}
	return s
}

// checkDisclosedSchema is the schema check of an SD-JWT credential: the
// disclosed claims must match the schema, but claims the holder chose not to
// disclose are not missing.
func (v *Verifier) checkDisclosedSchema(p *Parsed) Check {
	return v.schemaCheck(p, func(t string, claims map[string]any) error { return validateDisclosed(v.cat, t, claims) },
		"the disclosed claims match the %s schema (undisclosed claims are not checked)")
}

// disclosedSchemas caches the relaxed schemas (without "required") by the
// hash of the type's schema.
var disclosedSchemas sync.Map // string → *schema.Schema

// validateDisclosed is Catalogue.Validate without the "required" keyword at
// the top level: claims may be missing, but those present must be valid
// and no others may appear.
func validateDisclosed(cat *Catalogue, typeName string, claims map[string]any) error {
	t, ok := cat.Type(typeName)
	if !ok {
		return fault.E(fault.Invalid, "unknown credential type %q", text.Truncate(typeName, 64))
	}
	sum := sha256.Sum256(t.Schema)
	key := hex.EncodeToString(sum[:])
	if cached, ok := disclosedSchemas.Load(key); ok {
		return cached.(*schema.Schema).Validate(claims)
	}
	var obj map[string]any
	if err := json.Unmarshal(t.Schema, &obj); err != nil {
		return fault.Wrap(fault.Internal, err, "schema of "+typeName)
	}
	delete(obj, "required")
	url := "urn:citizen:disclosed:" + key
	obj["$id"] = url
	doc, err := json.Marshal(obj)
	if err != nil {
		return fault.Wrap(fault.Internal, err, "schema of "+typeName)
	}
	s, err := schema.Compile(typeName, url, doc)
	if err != nil {
		return fault.Wrap(fault.Internal, err, "schema of "+typeName)
	}
	disclosedSchemas.Store(key, s)
	return s.Validate(claims)
}

// verifySDJWTPresentation verifies an SD-JWT presented on its own (with a
// key-binding JWT), or a vp+sd-jwt.
func (v *Verifier) verifySDJWTPresentation(ctx context.Context, raw string, opts PresentationOptions) (*Result, []*presented) {
	vp, isVP, err := sdjwt.DecodePresentation(raw)
	if err != nil {
		return presentationFormatFailure(fault.Message(err)), nil
	}
	if isVP {
		return v.verifyJWTPresentation(ctx, vp, opts)
	}
	res, sc := v.verifySDJWT(ctx, raw)
	if sc == nil {
		return res, nil
	}
	n := len(sc.Disclosed)
	checks := []Check{{Name: CheckFormat, OK: true, Message: fmt.Sprintf("SD-JWT credential (%s) with %s and %s", sc.Typ,
		text.Plural(n, "1 disclosed claim", strconv.Itoa(n)+" disclosed claims"),
		map[bool]string{true: "a key-binding JWT", false: "no key-binding JWT"}[sc.KeyBound()])}}
	kb := sc.VerifyKeyBinding(ctx, v.resolve)
	checks = append(checks, Check{Name: CheckPresentationSignature, OK: kb.OK, Message: kb.Message})
	claims := map[string]any{}
	if kb.Claims != nil {
		claims = kb.Claims
		checks = append(checks, v.checkKBTime(claims))
	}
	checks = append(checks, checkNonceAud(claims, opts, "key-binding JWT")...)
	p := &presented{tag: "#1", format: FormatSDJWT, alg: sc.JWS.Alg, json: sc.parsed.JSON, sd: true, disclosed: sc.Disclosed, result: res}
	p.retag()
	ok, msg := sc.BoundToSubject(ctx, v.resolve, p.tag)
	checks = append(checks, Check{Name: CheckHolderBinding, OK: ok, Message: msg})
	return finishPresentation(checks, []*presented{p}), []*presented{p}
}

// checkKBTime is the presentation_validity check of a key-binding JWT: iat
// not in the future (beyond clock skew), exp (if any) not past.
func (v *Verifier) checkKBTime(claims map[string]any) Check {
	c := Check{Name: CheckPresentationValidity}
	iat, err := jose.NumericDate(claims, "iat")
	if err != nil || iat == nil {
		c.Message = "the key-binding JWT has no valid iat (NumericDate)"
		return c
	}
	now := v.now()
	if iat.After(now.Add(v.leeway + presentationClockSkew)) {
		c.Message = fmt.Sprintf("the key-binding JWT is dated in the future (%s, now %s)", text.Time(*iat), text.Time(now))
		return c
	}
	if exp, err := jose.NumericDate(claims, "exp"); err != nil || (exp != nil && exp.Before(now.Add(-v.leeway))) {
		c.Message = "the key-binding JWT has expired"
		return c
	}
	c.OK = true
	c.Message = fmt.Sprintf("the key-binding JWT was signed at %s", text.Time(*iat))
	return c
}
