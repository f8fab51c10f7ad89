package credentials

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/citizencloud/citizencredentials/did"
	"github.com/citizencloud/citizencredentials/fault"
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

// Media types of secured presentations (VC-JOSE-COSE).
const (
	TypVPJWT = "vp+jwt" // JOSE header typ of a secured VCDM 2.0 presentation
	CtyVP    = "vp"     // JOSE header cty of a secured VCDM 2.0 presentation
)

// Limits on presentations VerifyPresentation accepts.
const (
	MaxPresentationSize        = 4 << 20 // bytes
	MaxPresentationCredentials = 32
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

// jwtPresentation is a JOSE-secured presentation decoded but not verified.
type jwtPresentation struct {
	kind   string // for messages: "vp+jwt (VCDM 2.0)", ...
	holder string
	jws    *compactJWS
	claims map[string]any // JWT claims: nonce, aud, nbf, exp
	creds  []any          // verifiableCredential entries
}

const panicMessage = "the presentation could not be processed"

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
// every credential that could be read. It never panics and never returns nil.
func (v *Verifier) VerifyPresentation(ctx context.Context, raw string, opts PresentationOptions) *Result {
	start := time.Now()
	res, _ := v.verifyPresentation(ctx, raw, opts)
	v.observe("presentation", res, start)
	return res
}

func presentationFormatFailure(msg string) *Result {
	return &Result{Checks: []Check{{Name: CheckFormat, Message: msg}}, Credentials: []Summary{}}
}

func (v *Verifier) verifyPresentation(ctx context.Context, raw string, opts PresentationOptions) (res *Result, creds []*presented) {
	defer func() {
		if r := recover(); r != nil {
			res, creds = presentationFormatFailure(panicMessage), nil
		}
	}()
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
	vp, err := parseJWTPresentation(raw)
	if err != nil {
		return presentationFormatFailure(fault.Message(err)), nil
	}
	return v.verifyJWTPresentation(ctx, vp, opts)
}

// parseJWTPresentation decodes a vp+jwt or a VCDM 1.1 JWT presentation.
func parseJWTPresentation(raw string) (*jwtPresentation, error) {
	j, err := parseCompactJWS(raw, "presentation")
	if err != nil {
		return nil, err
	}
	switch j.typ {
	case "vp+jwt", "vp+ld+json+jwt", "vp+ld+jwt":
		return vpFromV2(j, "vp+jwt (VCDM 2.0)", j.payload)
	case "", "jwt":
		if _, ok := j.payload["vp"]; ok {
			return vpFromV1(j)
		}
		if _, ok := j.payload["vc"]; ok {
			return nil, fault.E(fault.Invalid, "this is a credential (JWT with a vc claim), not a presentation; the holder must wrap it in a presentation they sign")
		}
		return nil, fault.E(fault.Invalid, "the JWT is not a presentation: it has neither typ vp+jwt nor a vp claim")
	case "vc+jwt", "vc+ld+json+jwt", "vc+ld+jwt":
		return nil, fault.E(fault.Invalid, "this is a credential (typ %s), not a presentation; the holder must wrap it in a presentation they sign", j.typ)
	default:
		return nil, fault.E(fault.Invalid, "unsupported JWT type %q; expected vp+jwt", truncate(j.typ, 40))
	}
}

// vpFromV2 reads a VCDM 2.0 presentation payload (vp+jwt, or the processed
// payload of a vp+sd-jwt).
func vpFromV2(j *compactJWS, kind string, payload map[string]any) (*jwtPresentation, error) {
	switch j.cty {
	case "", "vp", "vp+ld+json":
	default:
		return nil, fault.E(fault.Invalid, "unsupported JWT content type %q; expected vp", truncate(j.cty, 40))
	}
	if _, ok := payload["vp"]; ok {
		return nil, fault.E(fault.Invalid, "a %s must not have a \"vp\" claim: its payload is the presentation itself", strings.Fields(kind)[0])
	}
	if _, ok := payload["vc"]; ok {
		return nil, fault.E(fault.Invalid, "a %s must not have a \"vc\" claim", strings.Fields(kind)[0])
	}
	if ctx := contexts(payload["@context"]); len(ctx) == 0 || ctx[0] != ContextV2 {
		return nil, fault.E(fault.Invalid, "the first @context of the presentation must be %s", ContextV2)
	}
	if !hasTypeName(payload["type"], "VerifiablePresentation") {
		return nil, fault.E(fault.Invalid, "the presentation type must include VerifiablePresentation")
	}
	holder := issuerID(payload["holder"])
	iss, hasIss, err := stringClaim(payload, "iss", "presentation")
	if err != nil {
		return nil, err
	}
	switch {
	case holder == "" && hasIss:
		holder = iss
	case holder != "" && hasIss && iss != holder:
		return nil, fault.E(fault.Invalid, "the JWT iss claim does not match the presentation's holder")
	}
	creds, err := credentialEntries(payload["verifiableCredential"])
	if err != nil {
		return nil, err
	}
	return &jwtPresentation{kind: kind, holder: holder, jws: j, claims: payload, creds: creds}, nil
}

// vpFromV1 reads a VCDM 1.1 JWT presentation (vp claim, iss = holder).
func vpFromV1(j *compactJWS) (*jwtPresentation, error) {
	vp, ok := j.payload["vp"].(map[string]any)
	if !ok {
		return nil, fault.E(fault.Invalid, "the JWT vp claim is not an object")
	}
	if ctx := contexts(vp["@context"]); len(ctx) > 0 && ctx[0] != ContextV1 && ctx[0] != ContextV2 {
		return nil, fault.E(fault.Invalid, "the first @context of the vp claim must be %s", ContextV1)
	}
	if t, ok := vp["type"]; ok && !hasTypeName(t, "VerifiablePresentation") {
		return nil, fault.E(fault.Invalid, "the presentation type must include VerifiablePresentation")
	}
	iss, hasIss, err := stringClaim(j.payload, "iss", "presentation")
	if err != nil {
		return nil, err
	}
	holder := issuerID(vp["holder"])
	switch {
	case !hasIss && holder == "":
		return nil, fault.E(fault.Invalid, "the JWT presentation has no iss claim naming the holder")
	case hasIss && holder != "" && holder != iss:
		return nil, fault.E(fault.Invalid, "the JWT iss claim does not match the presentation's holder")
	case holder == "":
		holder = iss
	}
	creds, err := credentialEntries(vp["verifiableCredential"])
	if err != nil {
		return nil, err
	}
	return &jwtPresentation{kind: "JWT presentation (VCDM 1.1)", holder: holder, jws: j, claims: j.payload, creds: creds}, nil
}

func credentialEntries(v any) ([]any, error) {
	var out []any
	switch c := v.(type) {
	case nil:
	case []any:
		out = c
	default:
		out = []any{c}
	}
	if len(out) > MaxPresentationCredentials {
		return nil, fault.E(fault.Invalid, "the presentation carries %d credentials; at most %d are accepted", len(out), MaxPresentationCredentials)
	}
	return out, nil
}

func hasTypeName(v any, want string) bool {
	for _, t := range strs(v) {
		if t == want {
			return true
		}
	}
	return false
}

func (v *Verifier) verifyJWTPresentation(ctx context.Context, vp *jwtPresentation, opts PresentationOptions) (*Result, []*presented) {
	checks := []Check{{Name: CheckFormat, OK: true, Message: fmt.Sprintf("%s with %s", vp.kind, plural(len(vp.creds), "1 credential", strconv.Itoa(len(vp.creds))+" credentials"))}}
	checks = append(checks, v.checkHolderSignature(ctx, vp.holder, vp.jws))
	if c, ok := v.checkJWTValidity(vp.claims, "presentation"); ok {
		checks = append(checks, c)
	}
	checks = append(checks, checkNonceAud(vp.claims, opts, "presentation")...)
	creds := make([]*presented, len(vp.creds))
	for i, e := range vp.creds {
		creds[i] = v.verifyEntry(ctx, i, e)
	}
	checks = append(checks, v.checkHolderBinding(ctx, vp.holder, creds))
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
	nbf, errN := numericDate(claims, "nbf")
	exp, errE := numericDate(claims, "exp")
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
		c.Message = fmt.Sprintf("the %s is not valid yet: valid from %s (now %s)", what, fmtTime(*nbf), fmtTime(now))
	case exp != nil && exp.Before(now.Add(-v.leeway)):
		c.Message = fmt.Sprintf("the %s has expired: valid until %s (now %s)", what, fmtTime(*exp), fmtTime(now))
	case exp != nil:
		c.OK = true
		c.Message = fmt.Sprintf("the %s is valid until %s", what, fmtTime(*exp))
	default:
		c.OK = true
		c.Message = fmt.Sprintf("the %s is valid from %s", what, fmtTime(*nbf))
	}
	return c, true
}

// checkNonceAud returns the challenge and domain checks the caller asked for.
func checkNonceAud(claims map[string]any, opts PresentationOptions, what string) []Check {
	var out []Check
	if opts.Challenge != "" {
		c := Check{Name: CheckChallenge}
		nonce, has, err := stringClaim(claims, "nonce", what)
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
		aud, has, err := audience(claims, what)
		switch {
		case err != nil:
			c.Message = fault.Message(err)
		case !has || len(aud) == 0:
			c.Message = fmt.Sprintf("the %s names no audience (aud), so it is not bound to %s", what, truncate(opts.Domain, 200))
		default:
			found := false
			for _, a := range aud {
				found = found || a == opts.Domain
			}
			if found {
				c.OK = true
				c.Message = fmt.Sprintf("the %s is addressed to %s", what, opts.Domain)
			} else {
				c.Message = fmt.Sprintf("the %s is addressed to %s, not to %s", what, truncate(strings.Join(aud, ", "), 200), truncate(opts.Domain, 200))
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
		if hasTypeName(e["type"], "EnvelopedVerifiableCredential") {
			id, _ := e["id"].(string)
			mt, data, err := parseDataURL(id)
			if err != nil && mt == "" {
				return fail(fault.Message(err))
			}
			switch mt {
			case "application/vc+jwt", "application/vc+ld+json+jwt", "application/vc+ld+jwt", "application/jwt":
				if strings.Contains(data, "~") {
					return fail("the enveloped credential is declared as " + mt + " but is an SD-JWT")
				}
			case "application/vc+sd-jwt", "application/vc+ld+json+sd-jwt", "application/dc+sd-jwt", "application/sd-jwt":
				if !strings.Contains(data, "~") {
					return fail("the enveloped credential is declared as " + mt + " but is not an SD-JWT")
				}
			case "application/vc+cose", "application/vc+ld+json+cose", "application/cose":
				return fail("COSE-secured credentials (" + mt + ") are not supported")
			case "application/vc", "application/vc+ld+json", "application/ld+json", "application/json":
				return fail("the enveloped credential is unsecured JSON (" + mt + "), which proves nothing")
			default:
				return fail(fmt.Sprintf("the enveloped credential has the media type %q; expected application/vc+jwt or application/vc+sd-jwt", truncate(mt, 60)))
			}
			if err != nil {
				return fail(fault.Message(err))
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
		if sc != nil && sc.parsed != nil {
			p.format, p.json, p.sd, p.disclosed, p.alg = FormatSDJWT, sc.parsed.JSON, true, sc.disclosed, sc.jws.alg
		}
		if sc != nil && sc.parts.kb != "" && sc.parsed != nil {
			// A key-binding JWT inside a signed presentation is optional; if
			// there is one, it must be right.
			kc, _ := v.checkKeyBinding(ctx, sc)
			kc.Name = CheckKeyBinding
			p.result.Checks = append(p.result.Checks, kc)
			p.result.Verified = p.result.Verified && kc.OK
		}
		p.retag()
		return p
	}
	p.result = v.VerifyCredential(ctx, secured)
	if parsed, err := ParseCredential(secured); err == nil {
		p.format, p.json, p.alg = parsed.Format, parsed.JSON, parsed.alg
	}
	p.retag()
	return p
}

// retag names the credential by its id once it is known.
func (p *presented) retag() {
	if p.result != nil && len(p.result.Credentials) > 0 && p.result.Credentials[0].ID != "" {
		p.tag = truncate(p.result.Credentials[0].ID, 200)
	}
}

// parseDataURL splits an RFC 2397 data: URL into its media type (lower
// case, parameters dropped) and its data (base64-decoded when marked so,
// percent-decoded otherwise).
func parseDataURL(s string) (string, string, error) {
	rest, ok := strings.CutPrefix(s, "data:")
	if !ok {
		return "", "", fault.E(fault.Invalid, "the enveloped credential's id is not a data: URL")
	}
	meta, data, ok := strings.Cut(rest, ",")
	if !ok {
		return "", "", fault.E(fault.Invalid, "the enveloped credential's data: URL has no data")
	}
	params := strings.Split(meta, ";")
	mt := strings.ToLower(strings.TrimSpace(params[0]))
	b64 := false
	for _, p := range params[1:] {
		b64 = b64 || strings.EqualFold(strings.TrimSpace(p), "base64")
	}
	if b64 {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			if b, err := enc.DecodeString(data); err == nil {
				return mt, string(b), nil
			}
		}
		return mt, "", fault.E(fault.Invalid, "the enveloped credential's data: URL is marked base64 but is not")
	}
	if strings.Contains(data, "%") {
		d, err := url.PathUnescape(data)
		if err != nil {
			return "", "", fault.E(fault.Invalid, "the enveloped credential's data: URL has bad percent-encoding")
		}
		data = d
	}
	return mt, strings.TrimSpace(data), nil
}

// subjectIDs returns the ids of the credential's subjects (for an SD-JWT
// VC without credentialSubject: its sub claim).
func subjectIDs(cred map[string]any) []string {
	var out []string
	for _, s := range subjects(cred["credentialSubject"]) {
		if id, ok := s["id"].(string); ok && id != "" {
			out = append(out, id)
		}
	}
	if len(out) == 0 {
		if sub, ok := cred["sub"].(string); ok && sub != "" && cred["credentialSubject"] == nil {
			out = append(out, sub)
		}
	}
	return out
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
		ids := subjectIDs(p.json)
		switch {
		case len(ids) == 0:
			problems = append(problems, fmt.Sprintf("credential %s names no subject, so it cannot be bound to the holder", p.tag))
		case !listHas(ids, holder):
			problems = append(problems, fmt.Sprintf("credential %s is about %s, not about the holder %s who signed the presentation", p.tag, truncate(strings.Join(ids, ", "), 200), truncate(holder, 200)))
		}
	}
	if len(problems) > 0 {
		c.Message = strings.Join(problems, "; ")
		return c
	}
	c.OK = true
	c.Message = fmt.Sprintf("the holder %s is the subject of %s", truncate(holder, 200), plural(len(creds), "the credential", "all "+strconv.Itoa(len(creds))+" credentials"))
	return c
}

func listHas(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// BuildPresentation returns an unsigned VCDM 2.0 presentation by holderDID
// of credentials, each enveloped as an EnvelopedVerifiableCredential whose id
// is a data: URL: "data:application/vc+sd-jwt,..." for an SD-JWT (a string
// with "~"; choose its disclosures first with PresentSDJWT and a nil
// signer), "data:application/vc+jwt,..." for any other compact JWS; a
// credential that is a JSON object (Data Integrity) is embedded as it is.
// A non-empty challenge and domain are set as the "nonce" and "aud" claims.
// Secure it with SignPresentationJWT.
func BuildPresentation(holderDID string, credentials []string, challenge, domain string) map[string]any {
	vcs := make([]any, 0, len(credentials))
	for _, c := range credentials {
		c = strings.TrimSpace(c)
		if strings.HasPrefix(c, "{") {
			var m map[string]any
			if json.Unmarshal([]byte(c), &m) == nil && m != nil {
				vcs = append(vcs, m)
				continue
			}
		}
		mt := "application/vc+jwt"
		if strings.Contains(c, "~") {
			mt = "application/vc+sd-jwt"
		}
		vcs = append(vcs, map[string]any{"@context": ContextV2, "type": "EnvelopedVerifiableCredential", "id": "data:" + mt + "," + c})
	}
	vp := map[string]any{
		"@context":             []any{ContextV2},
		"type":                 []any{"VerifiablePresentation"},
		"holder":               holderDID,
		"verifiableCredential": vcs,
	}
	if id, err := uuid.NewV7(); err == nil {
		vp["id"] = "urn:uuid:" + id.String()
	}
	if challenge != "" {
		vp["nonce"] = challenge
	}
	if domain != "" {
		vp["aud"] = domain
	}
	return vp
}

// PresentationLifetime is how long a presentation SignPresentationJWT makes
// stays valid (its exp claim).
const PresentationLifetime = time.Hour

// SignPresentationJWT secures vp (from BuildPresentation) as a compact
// vp+jwt (VC-JOSE-COSE): protected header {alg, kid: s.KeyID(), typ:
// "vp+jwt", cty: "vp"}; the payload is the presentation plus the JWT claims
// iss = holder, jti = id (when there is one), iat = now, exp = now +
// PresentationLifetime, nonce = challenge and aud = domain (when not
// empty; they replace any nonce/aud already in vp). s.KeyID() must be an
// authentication key of the holder DID. Errors: fault Invalid for a
// presentation or key that cannot be signed this way; the signer's error
// otherwise.
func SignPresentationJWT(vp map[string]any, s Signer, challenge, domain string) (string, error) {
	if s == nil {
		return "", fault.E(fault.Invalid, "no signer")
	}
	if vp == nil {
		return "", fault.E(fault.Invalid, "no presentation")
	}
	kid := s.KeyID()
	keyDID, frag := did.Split(kid)
	if frag == "" || keyDID == "" {
		return "", fault.E(fault.Invalid, "signing key id %q is not an absolute verification method id (did#fragment)", truncate(kid, 200))
	}
	if ctx := contexts(vp["@context"]); len(ctx) == 0 || ctx[0] != ContextV2 {
		return "", fault.E(fault.Invalid, "only VCDM 2.0 presentations (first @context %s) are secured as vp+jwt", ContextV2)
	}
	if !hasTypeName(vp["type"], "VerifiablePresentation") {
		return "", fault.E(fault.Invalid, "the presentation type must include VerifiablePresentation")
	}
	for _, claim := range []string{"vc", "vp"} {
		if _, ok := vp[claim]; ok {
			return "", fault.E(fault.Invalid, "a vp+jwt payload must not have a %q claim", claim)
		}
	}
	holder := issuerID(vp["holder"])
	if holder == "" {
		return "", fault.E(fault.Invalid, "the presentation has no holder")
	}
	if holder != keyDID {
		return "", fault.E(fault.Invalid, "signing key %s does not belong to the holder %s", truncate(kid, 200), truncate(holder, 200))
	}
	now := time.Now()
	payload := make(map[string]any, len(vp)+6)
	for k, val := range vp {
		payload[k] = val
	}
	payload["iss"] = holder
	if id, ok := vp["id"].(string); ok && id != "" {
		payload["jti"] = id
	}
	payload["iat"] = now.Unix()
	payload["exp"] = now.Add(PresentationLifetime).Unix()
	if challenge != "" {
		payload["nonce"] = challenge
	}
	if domain != "" {
		payload["aud"] = domain
	}
	return signCompact(payload, s, map[string]any{"kid": kid, "typ": TypVPJWT, "cty": CtyVP})
}
