package credentials

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/citizencloud/citizencredentials/credentials/jose"
	"github.com/citizencloud/citizencredentials/credentials/vcdm"
	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/internal/text"
)

// Names of the presentation-level checks VerifyPresentation reports, in this
// order, before the checks of each credential (which carry
// Check.Credential).
//
//   - format: what the presentation is (always reported; when it fails the
//     input could not be read and it is the only check);
//   - presentation_signature: the holder signed it: for vp+jwt and VCDM 1.1
//     JWT presentations the holder DID resolves, the JOSE kid is one of its
//     authentication keys and the signature verifies; for an SD-JWT the
//     key-binding JWT is signed by the key the issuer bound (cnf) and its
//     sd_hash covers exactly the disclosures presented;
//   - presentation_validity: the JWT's nbf/exp (and a key-binding JWT's
//     iat) admit the current time; only when the presentation states them;
//   - challenge: the nonce claim equals the challenge the caller supplied;
//     only when one was supplied;
//   - domain: the aud claim is (or contains) the domain the caller
//     supplied; only when one was supplied;
//   - holder_binding: the holder who signed is the credentialSubject.id of
//     every credential (for an SD-JWT: the cnf key belongs to the subject).
//
// The claim mapping is the same for every format: challenge ↔ JWT "nonce",
// domain ↔ JWT "aud" (vp+jwt payload, VCDM 1.1 JWT VP payload, SD-JWT
// key-binding JWT).
const (
	CheckPresentationSignature = "presentation_signature"
	CheckPresentationValidity  = "presentation_validity"
	CheckChallenge             = "challenge"
	CheckDomain                = "domain"
	CheckHolderBinding         = "holder_binding"
)

// PresentationOptions are what the verifier expects of a presentation.
// Empty fields are not checked.
type PresentationOptions struct {
	Challenge string // expected in the "nonce" claim
	Domain    string // expected in (or as) the "aud" claim
}

// presented is one credential of a presentation, as verification found it;
// the presentation exchange evaluates these.
type presented struct {
	tag       string         // credential id or "#n"
	format    Format         // how it was secured; "" if unreadable
	alg       string         // JWS alg of JOSE-secured credentials
	json      map[string]any // the credential (SD-JWT: disclosed claims only); nil if unreadable
	sd        bool           // selectively disclosed (SD-JWT)
	disclosed []string       // SD-JWT: paths of the disclosed claims, e.g. "credentialSubject.hours"
	result    *Result
}

// ok reports whether every check of the credential passed.
func (p *presented) ok() bool { return p.result != nil && p.result.Verified }

// VerifyPresentation verifies a presentation and explains the outcome in
// checks (see CheckPresentationSignature and the other names above), followed
// by the checks of every credential in it, tagged with Check.Credential.
// Accepted: a vp+jwt (VC-JOSE-COSE; credentials as EnvelopedVerifiableCredential
// data: URLs of vc+jwt or vc+sd-jwt, or embedded Data Integrity credentials),
// a vp+sd-jwt (a presentation secured as an SD-JWT by the holder), a VCDM 1.1
// JWT presentation (a "vp" claim with JWT credentials, iss = holder), and an
// SD-JWT credential with a key-binding JWT (vc+sd-jwt or dc+sd-jwt). Each
// credential is verified like VerifyCredential does (SD-JWTs like
// VerifySDJWT), extensions included. Result.Credentials holds the Summary of
// every credential that could be read. It never returns nil.
func (v *Verifier) VerifyPresentation(ctx context.Context, raw string, opts PresentationOptions) *Result {
	start := time.Now()
	res, _ := v.verifyPresentation(ctx, raw, opts)
	v.observe("presentation", res, start)
	return res
}

func presentationFormatFailure(msg string) *Result {
	return &Result{Checks: []Check{{Name: CheckFormat, Message: msg}}, Credentials: []Summary{}}
}

func (v *Verifier) verifyPresentation(ctx context.Context, raw string, opts PresentationOptions) (*Result, []*presented) {
	raw = strings.TrimSpace(raw)
	switch {
	case raw == "":
		return presentationFormatFailure("the presentation is empty"), nil
	case len(raw) > MaxPresentationSize:
		return presentationFormatFailure(fmt.Sprintf("the presentation is larger than %d bytes", MaxPresentationSize)), nil
	case raw[0] == '{':
		var m map[string]any
		if json.Unmarshal([]byte(raw), &m) == nil && m["proof"] != nil {
			return presentationFormatFailure("presentations secured with a Data Integrity proof are not supported; send a vp+jwt or an SD-JWT with key binding"), nil
		}
		return presentationFormatFailure("this is an unsecured JSON presentation, which proves nothing; the holder must sign it (vp+jwt) or present an SD-JWT with key binding"), nil
	case strings.Contains(raw, "~"):
		return v.verifySDJWTPresentation(ctx, raw, opts)
	}
	vp, err := jose.ParsePresentation(raw)
	if err != nil {
		return presentationFormatFailure(fault.Message(err)), nil
	}
	return v.verifyJWTPresentation(ctx, vp, opts)
}

func (v *Verifier) verifyJWTPresentation(ctx context.Context, vp *jose.Presentation, opts PresentationOptions) (*Result, []*presented) {
	checks := []Check{{Name: CheckFormat, OK: true, Message: fmt.Sprintf("%s with %s", vp.Kind, text.Plural(len(vp.Credentials), "1 credential", strconv.Itoa(len(vp.Credentials))+" credentials"))}}
	checks = append(checks, v.checkHolderSignature(ctx, vp.Holder, vp.JWS))
	if c, ok := v.checkJWTValidity(vp.Claims, "presentation"); ok {
		checks = append(checks, c)
	}
	checks = append(checks, checkNonceAud(vp.Claims, opts, "presentation")...)
	creds := make([]*presented, len(vp.Credentials))
	for i, e := range vp.Credentials {
		creds[i] = v.verifyEntry(ctx, i, e)
	}
	checks = append(checks, v.checkHolderBinding(ctx, vp.Holder, creds))
	return finishPresentation(checks, creds), creds
}

// finish appends the credentials' checks (tagged) and summaries.
func finishPresentation(checks []Check, creds []*presented) *Result {
	res := &Result{Credentials: []Summary{}}
	for _, p := range creds {
		for _, c := range p.result.Checks {
			c.Credential = p.tag
			checks = append(checks, c)
		}
		res.Credentials = append(res.Credentials, p.result.Credentials...)
	}
	res.Checks = checks
	res.Verified = len(checks) > 0
	for _, c := range checks {
		res.Verified = res.Verified && c.OK
	}
	return res
}

// checkJWTValidity checks nbf and exp of a presentation JWT; ok is false when
// it has neither (then there is nothing to report).
func (v *Verifier) checkJWTValidity(claims map[string]any, what string) (Check, bool) {
	c := Check{Name: CheckPresentationValidity}
	nbf, errN := jose.NumericDate(claims, "nbf")
	exp, errE := jose.NumericDate(claims, "exp")
	if errN != nil || errE != nil {
		c.Message = fmt.Sprintf("the %s has an nbf or exp claim that is not a NumericDate", what)
		return c, true
	}
	if nbf == nil && exp == nil {
		return c, false
	}
	now := v.now()
	switch {
	case nbf != nil && nbf.After(now.Add(v.leeway)):
		c.Message = fmt.Sprintf("the %s is not valid yet: valid from %s (now %s)", what, text.Time(*nbf), text.Time(now))
	case exp != nil && exp.Before(now.Add(-v.leeway)):
		c.Message = fmt.Sprintf("the %s has expired: valid until %s (now %s)", what, text.Time(*exp), text.Time(now))
	case exp != nil:
		c.OK = true
		c.Message = fmt.Sprintf("the %s is valid until %s", what, text.Time(*exp))
	default:
		c.OK = true
		c.Message = fmt.Sprintf("the %s is valid from %s", what, text.Time(*nbf))
	}
	return c, true
}

// checkNonceAud returns the challenge and domain checks the caller asked for.
func checkNonceAud(claims map[string]any, opts PresentationOptions, what string) []Check {
	var out []Check
	if opts.Challenge != "" {
		c := Check{Name: CheckChallenge}
		nonce, has, err := jose.StringClaim(claims, "nonce", what)
		switch {
		case err != nil:
			c.Message = fault.Message(err)
		case !has:
			c.Message = fmt.Sprintf("the %s has no nonce: it does not answer the challenge this verifier issued", what)
		case nonce != opts.Challenge:
			c.Message = fmt.Sprintf("the %s answers another challenge (its nonce differs): it was made for another request or is replayed", what)
		default:
			c.OK = true
			c.Message = fmt.Sprintf("the %s answers this verifier's challenge", what)
		}
		out = append(out, c)
	}
	if opts.Domain != "" {
		c := Check{Name: CheckDomain}
		aud, has, err := jose.Audience(claims, what)
		switch {
		case err != nil:
			c.Message = fault.Message(err)
		case !has || len(aud) == 0:
			c.Message = fmt.Sprintf("the %s names no audience (aud), so it is not bound to %s", what, text.Truncate(opts.Domain, 200))
		default:
			found := false
			for _, a := range aud {
				found = found || a == opts.Domain
			}
			if found {
				c.OK = true
				c.Message = fmt.Sprintf("the %s is addressed to %s", what, opts.Domain)
			} else {
				c.Message = fmt.Sprintf("the %s is addressed to %s, not to %s", what, text.Truncate(strings.Join(aud, ", "), 200), text.Truncate(opts.Domain, 200))
			}
		}
		out = append(out, c)
	}
	return out
}

// verifyEntry verifies one verifiableCredential entry of a presentation.
func (v *Verifier) verifyEntry(ctx context.Context, i int, entry any) *presented {
	p := &presented{tag: "#" + strconv.Itoa(i+1)}
	fail := func(msg string) *presented {
		p.result = &Result{Checks: []Check{{Name: CheckFormat, Message: msg}}, Credentials: []Summary{}}
		return p
	}
	var secured string
	switch e := entry.(type) {
	case string:
		secured = strings.TrimSpace(e)
	case map[string]any:
		if vcdm.HasType(e["type"], "EnvelopedVerifiableCredential") {
			data, msg := jose.Enveloped(e)
			if msg != "" {
				return fail(msg)
			}
			secured = data
			break
		}
		if _, ok := e["proof"]; !ok {
			return fail("the credential is unsecured JSON (no proof, not enveloped), which proves nothing")
		}
		b, err := json.Marshal(e)
		if err != nil {
			return fail("the credential is not plain JSON")
		}
		p.format = FormatDataIntegrity
		p.json = e
		p.result = v.VerifyCredential(ctx, string(b))
		p.retag()
		return p
	default:
		return fail("a verifiableCredential entry must be an enveloped credential, a JWT or a credential with a proof")
	}

	if strings.Contains(secured, "~") {
		res, sc := v.verifySDJWT(ctx, secured)
		p.result = res
		if sc != nil {
			p.format, p.json, p.sd, p.disclosed, p.alg = FormatSDJWT, sc.parsed.JSON, true, sc.Disclosed, sc.JWS.Alg
			// A key-binding JWT inside a signed presentation is optional; if
			// there is one, it must be right.
			v.addKeyBinding(ctx, p.result, sc)
		}
		p.retag()
		return p
	}
	p.result = v.VerifyCredential(ctx, secured)
	if parsed, err := ParseCredential(secured); err == nil {
		p.format, p.json, p.alg = parsed.Format, parsed.JSON, parsed.jws.Alg
	}
	p.retag()
	return p
}

// retag names the credential by its id once it is known.
func (p *presented) retag() {
	if p.result != nil && len(p.result.Credentials) > 0 && p.result.Credentials[0].ID != "" {
		p.tag = text.Truncate(p.result.Credentials[0].ID, 200)
	}
}

// checkHolderBinding: the holder is a subject of every credential.
func (v *Verifier) checkHolderBinding(_ context.Context, holder string, creds []*presented) Check {
	c := Check{Name: CheckHolderBinding}
	if len(creds) == 0 {
		c.OK = true
		c.Message = "the presentation carries no credentials, so there is nothing to bind to the holder"
		return c
	}
	var problems []string
	for _, p := range creds {
		if p.json == nil {
			problems = append(problems, fmt.Sprintf("credential %s could not be read, so its subject is unknown", p.tag))
			continue
		}
		ids := vcdm.SubjectIDs(p.json)
		switch {
		case len(ids) == 0:
			problems = append(problems, fmt.Sprintf("credential %s names no subject, so it cannot be bound to the holder", p.tag))
		case !slices.Contains(ids, holder):
			problems = append(problems, fmt.Sprintf("credential %s is about %s, not about the holder %s who signed the presentation", p.tag, text.Truncate(strings.Join(ids, ", "), 200), text.Truncate(holder, 200)))
		}
	}
	if len(problems) > 0 {
		c.Message = strings.Join(problems, "; ")
		return c
	}
	c.OK = true
	c.Message = fmt.Sprintf("the holder %s is the subject of %s", text.Truncate(holder, 200), text.Plural(len(creds), "the credential", "all "+strconv.Itoa(len(creds))+" credentials"))
	return c
}

// MaxPresentationSize bounds the presentations VerifyPresentation accepts
// (bytes).
const MaxPresentationSize = 4 << 20

// presentationClockSkew is how far in the future an iat of a key-binding
// JWT may lie (holder and verifier clocks differ), on top of the
// verifier's leeway.
const presentationClockSkew = 5 * time.Minute

// checkHolderSignature is the presentation_signature check of a JWS signed
// by the holder: the holder resolves, kid names one of its authentication
// keys, and the signature verifies with it.
func (v *Verifier) checkHolderSignature(ctx context.Context, holder string, j *jose.JWS) Check {
	c := Check{Name: CheckPresentationSignature}
	if holder == "" {
		c.Message = "the presentation names no holder, so there is no key to check its signature with"
		return c
	}
	doc, err := v.resolve(ctx, holder)
	if err != nil {
		c.Message = fmt.Sprintf("cannot check the signature: the DID document of holder %s is not available (%s)", text.Truncate(holder, 200), fault.Message(err))
		return c
	}
	vmID, msg := jose.VerifyHolder(doc, holder, j)
	if msg != "" {
		c.Message = msg
		return c
	}
	c.OK = true
	c.Message = fmt.Sprintf("signed by the holder's key %s (%s)", vmID, j.Alg)
	return c
}
