package credentials

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/citizencloud/citizencredentials/dataintegrity"
	"github.com/citizencloud/citizencredentials/did"
	"github.com/citizencloud/citizencredentials/fault"
)

// Names of the checks VerifyCredential reports, in this order. Extensions
// add their own after these (status, issuer_trusted, status_anchor, ...).
const (
	CheckFormat      = "format"       // only when the input cannot be parsed; then it is the only check
	CheckSignature   = "signature"    // issuer key found in the issuer's DID document and the JWS verifies
	CheckIssuerKnown = "issuer_known" // the issuer DID resolves (a did:web bureau exists)
	CheckValidity    = "validity"     // validFrom/nbf not in the future, validUntil/exp not past
	CheckSchema      = "schema"       // claims match the catalogue schema of each known type
)

// MaxCredentialSize bounds the size of a credential VerifyCredential and
// ParseCredential accept.
const MaxCredentialSize = 1 << 20

// Check is the outcome of one verification step, explained for a person.
type Check struct {
	Name    string
	OK      bool
	Message string
	// Credential is the id (or position, "#1", when it has none) of the
	// credential the check is about inside a presentation; empty for checks
	// on a single credential or on the presentation itself.
	Credential string
	// Pending: the check did not fail (OK is true) but its evidence is not
	// final yet, e.g. an anchor that is queued or not deep enough on chain.
	// A check is proven when OK && !Pending, failed when !OK.
	Pending bool
}

// Summary describes what a credential says. It is only trustworthy when the
// Result it belongs to is Verified.
type Summary struct {
	ID, Issuer, Subject string
	Types               []string
	ValidFrom           *time.Time
	ValidUntil          *time.Time
	Claims              map[string]any // credentialSubject without id
}

// Result is the outcome of a verification.
type Result struct {
	Verified    bool // every check is OK
	Checks      []Check
	Credentials []Summary
}

// Parsed is a secured credential decoded but not yet verified. JSON is the
// credential (for VCDM 1.1 JWTs: the "vc" claim completed from iss, jti,
// sub), the other fields are read from it.
type Parsed struct {
	Raw        string
	Format     Format // FormatJWT (VCDM 2.0 vc+jwt) or FormatJWTV1 (VCDM 1.1 JWT)
	JSON       map[string]any
	ID         string
	Issuer     string
	Subject    string // id of the (first) credentialSubject
	Types      []string
	ValidFrom  *time.Time // validFrom (1.1: nbf, else issuanceDate)
	ValidUntil *time.Time // validUntil (1.1: exp, else expirationDate)
	Status     []map[string]any
	KeyID      string // JOSE kid, may be empty or relative

	alg          string
	signingInput []byte
	signature    []byte
	nbf, exp     *time.Time // JWT claims of a VCDM 2.0 payload, checked besides validFrom/validUntil
}

// Claims returns the credentialSubject (the first one) without its id.
func (p *Parsed) Claims() map[string]any {
	subs := subjects(p.JSON["credentialSubject"])
	if len(subs) == 0 {
		return map[string]any{}
	}
	out := make(map[string]any, len(subs[0]))
	for k, v := range subs[0] {
		if k != "id" {
			out[k] = v
		}
	}
	return out
}

// Summary returns what p says.
func (p *Parsed) Summary() Summary {
	return Summary{ID: p.ID, Issuer: p.Issuer, Subject: p.Subject, Types: p.Types, ValidFrom: p.ValidFrom, ValidUntil: p.ValidUntil, Claims: p.Claims()}
}

// Extension adds checks to every verification (status, trusted issuer
// registry, anchors). Checks runs after the built-in checks, whatever their
// outcome; it must not panic and should explain failures for a person.
type Extension interface {
	Checks(ctx context.Context, p *Parsed) []Check
}

// ExtensionFunc adapts a function to Extension.
type ExtensionFunc func(ctx context.Context, p *Parsed) []Check

// Checks calls f.
func (f ExtensionFunc) Checks(ctx context.Context, p *Parsed) []Check { return f(ctx, p) }

// Verifier verifies secured credentials.
type Verifier struct {
	resolver did.Resolver
	cat      *Catalogue
	now      func() time.Time
	leeway   time.Duration
	exts     []Extension
	loader   *dataintegrity.ContextLoader // JSON-LD contexts for Data Integrity proofs
	di       *dataintegrity.Verifier
	obs      Observer
}

// VerifierOption configures a Verifier: WithLeeway, WithExtensions,
// WithContextLoader, WithObserver, or WithClock.
type VerifierOption interface{ applyVerifier(*Verifier) }

type verifierOption func(*Verifier)

func (o verifierOption) applyVerifier(v *Verifier) { o(v) }

// Clock is what "now" is for a Service (issuance and status dates) or a
// Verifier (validity, proof expiry; "was it valid at t"). The default is
// time.Now.
type Clock func() time.Time

// WithClock sets the clock of a Service or a Verifier: the one way to set
// either's time.
func WithClock(now func() time.Time) Clock { return Clock(now) }

func (c Clock) applyService(s *Service)   { s.now = c }
func (c Clock) applyVerifier(v *Verifier) { v.now = c }

// WithLeeway tolerates clock skew between issuer and verifier in the
// validity check (default 0).
func WithLeeway(d time.Duration) VerifierOption {
	return verifierOption(func(v *Verifier) { v.leeway = d })
}

// WithExtensions appends checks run after the built-in ones.
func WithExtensions(exts ...Extension) VerifierOption {
	return verifierOption(func(v *Verifier) { v.exts = append(v.exts, exts...) })
}

// NewVerifier returns a Verifier resolving issuers with r and checking
// claims against cat (cat may be nil: then no schema is checked).
func NewVerifier(r did.Resolver, cat *Catalogue, opts ...VerifierOption) *Verifier {
	v := &Verifier{resolver: r, cat: cat, now: time.Now}
	for _, o := range opts {
		o.applyVerifier(v)
	}
	if v.loader == nil {
		v.loader = contextLoader(cat)
	}
	v.di = dataintegrity.NewVerifier(r, v.loader, v.now, v.leeway)
	return v
}

// VerifyCredential verifies a compact vc+jwt (VCDM 2.0), a VCDM 1.1 JWT
// credential, or a JSON credential (VCDM 2.0 or 1.1) secured with Data
// Integrity proofs (see VerifyProofs for the suites), and explains the
// outcome in checks: format (only when the input cannot be parsed, and
// then alone), signature, issuer_known, validity, schema, then the
// extensions' checks. It never returns nil.
func (v *Verifier) VerifyCredential(ctx context.Context, raw string) (res *Result) {
	defer func(start time.Time) { v.observe("credential", res, start) }(time.Now())
	s, sc, err := v.readSecured(raw)
	if err != nil {
		return formatFailure(fault.Message(err))
	}
	res = v.run(ctx, s)
	if sc != nil {
		v.addKeyBinding(ctx, res, sc)
	}
	return res
}

func (v *Verifier) resolve(ctx context.Context, issuer string) (*did.Document, error) {
	if v.resolver == nil {
		return nil, fault.E(fault.Unavailable, "no DID resolver is configured")
	}
	doc, err := v.resolver.Resolve(ctx, issuer)
	if err == nil && doc == nil {
		err = fault.E(fault.NotFound, "no DID document")
	}
	return doc, err
}

// reason returns a caller-safe explanation of err.
func reason(err error) string {
	if fault.CodeOf(err) == fault.Internal {
		return "internal error"
	}
	return fault.Message(err)
}

func checkIssuerKnown(issuer string, rerr error) Check {
	c := Check{Name: CheckIssuerKnown}
	if rerr != nil {
		c.Message = fmt.Sprintf("issuer %s is not a known bureau or resolvable DID (%s)", truncate(issuer, 200), reason(rerr))
		return c
	}
	c.OK = true
	d, err := did.Parse(issuer)
	switch {
	case err == nil && d.Method == "web":
		c.Message = fmt.Sprintf("issuer %s is a known bureau", issuer)
	case err == nil && (d.Method == "key" || d.Method == "jwk"):
		c.Message = fmt.Sprintf("issuer %s is a self-certifying did:%s; it resolves, which says nothing about who holds it", truncate(issuer, 120), d.Method)
	default:
		c.Message = fmt.Sprintf("issuer %s resolved", truncate(issuer, 200))
	}
	return c
}

// algFor is the JWS algorithm a key type must be used with.
var algFor = map[string]string{"Ed25519": "EdDSA", "P-256": "ES256", "P-384": "ES384", "P-521": "ES512", "secp256k1": "ES256K"}

func (v *Verifier) checkSignature(p *Parsed, doc *did.Document, rerr error) Check {
	c := Check{Name: CheckSignature}
	if rerr != nil {
		c.Message = fmt.Sprintf("cannot check the signature: the DID document of issuer %s is not available (%s)", truncate(p.Issuer, 200), reason(rerr))
		return c
	}
	vmID, msg := selectKey(doc, p.Issuer, p.KeyID)
	if msg != "" {
		c.Message = msg
		return c
	}
	pub, err := doc.PublicKey(vmID)
	if err != nil {
		c.Message = fmt.Sprintf("the issuer key %s cannot be used: %s", truncate(vmID, 200), reason(err))
		return c
	}
	kt := did.KeyType(pub)
	want, ok := algFor[kt]
	if !ok {
		c.Message = fmt.Sprintf("the issuer key %s is a %s key, which cannot sign credentials", truncate(vmID, 200), kt)
		return c
	}
	if p.alg != want {
		c.Message = fmt.Sprintf("the JWT is signed with %s but the issuer key %s is a %s key (needs %s)", p.alg, truncate(vmID, 200), kt, want)
		return c
	}
	if err := dataintegrity.VerifyJWS(p.alg, pub, p.signingInput, p.signature); err != nil {
		c.Message = fmt.Sprintf("the signature does not verify with the issuer key %s: the credential was altered or signed with another key", truncate(vmID, 200))
		return c
	}
	c.OK = true
	c.Message = fmt.Sprintf("signed by %s (%s)", vmID, p.alg)
	return c
}

// selectKey finds the verification method the JWT names with kid in the
// issuer's document and checks it may issue (assertionMethod). It returns
// the absolute method id, or a message saying why none fits.
func selectKey(doc *did.Document, issuer, kid string) (string, string) {
	vmID, msg := findMethod(doc, "issuer", issuer, doc.AssertionMethod, "assertion", kid)
	if msg != "" {
		return "", msg
	}
	if !doc.CanAssert(vmID) {
		return "", fmt.Sprintf("the key %s is not an assertion method of issuer %s, so it may not issue credentials", truncate(vmID, 200), truncate(issuer, 200))
	}
	return vmID, ""
}

// findMethod finds the verification method kid names in the document of
// owner (the issuer or holder, as role says); with no kid, owner must have
// exactly one key in rel (named relName in messages). It returns the
// absolute method id, or a message saying why none fits.
func findMethod(doc *did.Document, role, owner string, rel []string, relName, kid string) (string, string) {
	if doc.ID != owner {
		return "", fmt.Sprintf("the DID document resolved for %s is for another identifier", truncate(owner, 200))
	}
	var vmID string
	switch {
	case kid == "" || kid == owner:
		if len(rel) != 1 {
			return "", fmt.Sprintf("the JWT has no kid and %s %s has %d %s keys; cannot tell which one signed", role, truncate(owner, 200), len(rel), relName)
		}
		vmID = doc.AbsoluteID(rel[0])
	case strings.HasPrefix(kid, "#"):
		vmID = owner + kid
	case strings.Contains(kid, "#"):
		if o, _ := did.Split(kid); o != owner {
			return "", fmt.Sprintf("the signing key %s does not belong to the %s %s", truncate(kid, 200), role, truncate(owner, 200))
		}
		vmID = kid
	default:
		// A bare kid: a fragment of the document, or the JWK kid (e.g. a
		// thumbprint) of one of its keys.
		if _, err := doc.Method(owner + "#" + kid); err == nil {
			vmID = owner + "#" + kid
			break
		}
		for _, vm := range doc.VerificationMethod {
			var j struct {
				Kid string `json:"kid"`
			}
			if len(vm.PublicKeyJwk) > 0 && json.Unmarshal(vm.PublicKeyJwk, &j) == nil && j.Kid == kid {
				vmID = doc.AbsoluteID(vm.ID)
				break
			}
		}
		if vmID == "" {
			return "", fmt.Sprintf("the signing key %s is not in the DID document of %s %s", truncate(kid, 200), role, truncate(owner, 200))
		}
	}
	if _, err := doc.Method(vmID); err != nil {
		return "", fmt.Sprintf("the signing key %s is not in the DID document of %s %s", truncate(vmID, 200), role, truncate(owner, 200))
	}
	return vmID, ""
}

func fmtTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func (v *Verifier) checkValidity(p *Parsed) Check {
	c := Check{Name: CheckValidity}
	now := v.now()
	from, until := p.ValidFrom, p.ValidUntil
	// For VCDM 2.0, nbf/exp (if any) bound the validity as well.
	if p.nbf != nil && (from == nil || p.nbf.After(*from)) {
		from = p.nbf
	}
	if p.exp != nil && (until == nil || p.exp.Before(*until)) {
		until = p.exp
	}
	if from != nil && from.After(now.Add(v.leeway)) {
		c.Message = fmt.Sprintf("not valid yet: valid from %s (now %s)", fmtTime(*from), fmtTime(now))
		return c
	}
	if until != nil && until.Before(now.Add(-v.leeway)) {
		c.Message = fmt.Sprintf("expired: valid until %s (now %s)", fmtTime(*until), fmtTime(now))
		return c
	}
	c.OK = true
	switch {
	case from != nil && until != nil:
		c.Message = fmt.Sprintf("valid from %s until %s", fmtTime(*from), fmtTime(*until))
	case from != nil:
		c.Message = fmt.Sprintf("valid from %s, no end date", fmtTime(*from))
	case until != nil:
		c.Message = fmt.Sprintf("valid until %s", fmtTime(*until))
	default:
		c.Message = "the credential states no validity period"
	}
	return c
}

func (v *Verifier) checkSchema(p *Parsed) Check {
	return v.schemaCheck(p, func(t string, claims map[string]any) error { return v.cat.Validate(t, claims) }, "claims match the %s schema")
}

// schemaCheck validates every credentialSubject against the schema of each
// catalogue type of p with validate; okFormat (with the type name) is the
// message for a type that passes. Foreign types are reported, not failed.
func (v *Verifier) schemaCheck(p *Parsed, validate func(typeName string, claims map[string]any) error, okFormat string) Check {
	c := Check{Name: CheckSchema, OK: true}
	var msgs []string
	for _, t := range p.Types {
		if t == "VerifiableCredential" {
			continue
		}
		if v.cat == nil {
			msgs = append(msgs, fmt.Sprintf("no schema for type %s; not checked", truncate(t, 64)))
			continue
		}
		if _, ok := v.cat.Type(t); !ok {
			msgs = append(msgs, fmt.Sprintf("no schema for type %s; not checked", truncate(t, 64)))
			continue
		}
		subs := subjects(p.JSON["credentialSubject"])
		if len(subs) == 0 {
			c.OK = false
			msgs = append(msgs, "the credential has no credentialSubject")
			continue
		}
		good := true
		for _, s := range subs {
			claims := make(map[string]any, len(s))
			for k, val := range s {
				if k != "id" {
					claims[k] = val
				}
			}
			if err := validate(t, claims); err != nil {
				c.OK, good = false, false
				msgs = append(msgs, reason(err))
			}
		}
		if good {
			msgs = append(msgs, fmt.Sprintf(okFormat, t))
		}
	}
	if len(msgs) == 0 {
		msgs = []string{"no credential type besides VerifiableCredential; nothing to check"}
	}
	c.Message = strings.Join(msgs, "; ")
	return c
}

// ParseCredential decodes a compact vc+jwt (VCDM 2.0: the payload is the
// credential) or a VCDM 1.1 JWT credential (the payload has a "vc" claim
// and iss/sub/jti/nbf/exp) without verifying it. Refused with fault Invalid:
// unsecured JSON, SD-JWT, JWE, presentations, alg "none" or unsupported
// algorithms, critical headers, a typ other than vc+jwt/JWT, a vc+jwt with
// "vc"/"vp" claims, JWT claims that contradict the credential (iss ≠
// issuer, jti ≠ id, sub ≠ subject), and malformed dates.
func ParseCredential(raw string) (*Parsed, error) {
	raw = strings.TrimSpace(raw)
	switch {
	case raw == "":
		return nil, fault.E(fault.Invalid, "the credential is empty")
	case len(raw) > MaxCredentialSize:
		return nil, fault.E(fault.Invalid, "the credential is larger than %d bytes", MaxCredentialSize)
	case raw[0] == '{':
		return nil, fault.E(fault.Invalid, "this is an unsecured JSON credential; only signed credentials (vc+jwt or JWT) can be verified")
	case strings.Contains(raw, "~"):
		return nil, fault.E(fault.Invalid, "SD-JWT credentials (vc+sd-jwt) are not supported yet")
	}
	parts := strings.Split(raw, ".")
	if len(parts) == 5 {
		return nil, fault.E(fault.Invalid, "encrypted JWTs (JWE) are not supported")
	}
	if len(parts) != 3 {
		return nil, fault.E(fault.Invalid, "not a compact JWT: expected three dot-separated parts")
	}
	var header map[string]any
	if err := decodePart(parts[0], &header); err != nil || header == nil {
		return nil, fault.E(fault.Invalid, "the JWT header is not base64url-encoded JSON")
	}
	var payload map[string]any
	if err := decodePart(parts[1], &payload); err != nil || payload == nil {
		return nil, fault.E(fault.Invalid, "the JWT payload is not base64url-encoded JSON")
	}
	sig, err := base64.RawURLEncoding.Strict().DecodeString(parts[2])
	if err != nil || len(sig) == 0 {
		return nil, fault.E(fault.Invalid, "the JWT signature is missing or not base64url")
	}

	alg, _ := header["alg"].(string)
	switch alg {
	case "EdDSA", "ES256", "ES384", "ES512", "ES256K":
	case "", "none":
		return nil, fault.E(fault.Invalid, "the JWT is not signed (alg none)")
	default:
		return nil, fault.E(fault.Invalid, "signature algorithm %q is not supported (EdDSA, ES256, ES384, ES512, ES256K are)", truncate(alg, 20))
	}
	if _, ok := header["crit"]; ok {
		return nil, fault.E(fault.Invalid, "the JWT has critical header parameters, which are not supported")
	}
	var kid string
	if k, ok := header["kid"]; ok {
		if kid, ok = k.(string); !ok {
			return nil, fault.E(fault.Invalid, "the JWT kid header is not a string")
		}
	}
	typ, err := mediaType(header, "typ")
	if err != nil {
		return nil, err
	}
	cty, err := mediaType(header, "cty")
	if err != nil {
		return nil, err
	}
	v2typ := false
	switch typ {
	case "vc+jwt", "vc+ld+json+jwt", "vc+ld+jwt":
		v2typ = true
	case "", "jwt":
	case "vp+jwt", "vp+ld+json+jwt", "vp+ld+jwt":
		return nil, fault.E(fault.Invalid, "this is a presentation (typ %s), not a credential", typ)
	case "vc+sd-jwt", "dc+sd-jwt":
		return nil, fault.E(fault.Invalid, "SD-JWT credentials (typ %s) are not supported yet", typ)
	default:
		return nil, fault.E(fault.Invalid, "unsupported JWT type %q; expected vc+jwt", truncate(typ, 40))
	}
	switch cty {
	case "", "vc", "vc+ld+json", "credential+ld+json":
	default:
		return nil, fault.E(fault.Invalid, "unsupported JWT content type %q; expected vc", truncate(cty, 40))
	}
	_, hasVP := payload["vp"]
	vcClaim, hasVC := payload["vc"]
	switch {
	case v2typ && (hasVC || hasVP):
		return nil, fault.E(fault.Invalid, "a vc+jwt must not have \"vc\" or \"vp\" claims: its payload is the credential itself")
	case hasVP:
		return nil, fault.E(fault.Invalid, "the JWT carries a presentation (vp claim), not a credential")
	}

	p := &Parsed{Raw: raw, KeyID: kid, alg: alg, signingInput: []byte(parts[0] + "." + parts[1]), signature: sig}
	if hasVC {
		if err := p.fromV1(payload, vcClaim); err != nil {
			return nil, err
		}
	} else if err := p.fromV2(payload); err != nil {
		return nil, err
	}
	return p, nil
}

// mediaType reads the typ or cty header, lower-cased and without an
// "application/" prefix.
func mediaType(header map[string]any, name string) (string, error) {
	v, ok := header[name]
	if !ok {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", fault.E(fault.Invalid, "the JWT %s header is not a string", name)
	}
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.TrimPrefix(s, "application/"), nil
}

func decodePart(part string, into any) error {
	b, err := base64.RawURLEncoding.Strict().DecodeString(part)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, into)
}

func (p *Parsed) fromV2(payload map[string]any) error {
	p.Format = FormatJWT
	p.JSON = payload
	ctx := contexts(payload["@context"])
	if len(ctx) == 0 || ctx[0] != ContextV2 {
		if len(ctx) > 0 && ctx[0] == ContextV1 {
			return fault.E(fault.Invalid, "a VCDM 1.1 credential must be carried in the JWT vc claim")
		}
		return fault.E(fault.Invalid, "the first @context must be %s", ContextV2)
	}
	if err := p.readCommon(); err != nil {
		return err
	}
	var err error
	if p.ValidFrom, err = dateProp(payload, "validFrom"); err != nil {
		return err
	}
	if p.ValidUntil, err = dateProp(payload, "validUntil"); err != nil {
		return err
	}
	if p.nbf, err = numericDate(payload, "nbf"); err != nil {
		return err
	}
	if p.exp, err = numericDate(payload, "exp"); err != nil {
		return err
	}
	// The JWT claims restate the credential; they must not contradict it.
	for claim, want := range map[string]string{"iss": p.Issuer, "jti": p.ID, "sub": p.Subject} {
		v, ok := payload[claim]
		if !ok {
			continue
		}
		s, isStr := v.(string)
		if !isStr {
			return fault.E(fault.Invalid, "the JWT %s claim is not a string", claim)
		}
		if want != "" && s != want {
			return fault.E(fault.Invalid, "the JWT %s claim does not match the credential's %s", claim, map[string]string{"iss": "issuer", "jti": "id", "sub": "subject"}[claim])
		}
	}
	return nil
}

func (p *Parsed) fromV1(payload map[string]any, vcClaim any) error {
	p.Format = FormatJWTV1
	vc, ok := vcClaim.(map[string]any)
	if !ok {
		return fault.E(fault.Invalid, "the JWT vc claim is not an object")
	}
	if ctx := contexts(vc["@context"]); len(ctx) > 0 && ctx[0] != ContextV1 {
		return fault.E(fault.Invalid, "the first @context of a JWT vc claim must be %s", ContextV1)
	}
	// Complete a copy of the credential from the registered claims
	// (VCDM 1.1 §6.3.1), refusing contradictions.
	cred := make(map[string]any, len(vc)+2)
	for k, v := range vc {
		cred[k] = v
	}
	claimStr := func(name string) (string, bool, error) {
		v, ok := payload[name]
		if !ok {
			return "", false, nil
		}
		s, isStr := v.(string)
		if !isStr {
			return "", false, fault.E(fault.Invalid, "the JWT %s claim is not a string", name)
		}
		return s, true, nil
	}
	iss, hasIss, err := claimStr("iss")
	if err != nil {
		return err
	}
	if hasIss {
		if have := issuerID(cred["issuer"]); have != "" && have != iss {
			return fault.E(fault.Invalid, "the JWT iss claim does not match the credential's issuer")
		} else if have == "" {
			cred["issuer"] = iss
		}
	}
	jti, hasJti, err := claimStr("jti")
	if err != nil {
		return err
	}
	if hasJti {
		if have, _ := cred["id"].(string); have != "" && have != jti {
			return fault.E(fault.Invalid, "the JWT jti claim does not match the credential's id")
		}
		cred["id"] = jti
	}
	sub, hasSub, err := claimStr("sub")
	if err != nil {
		return err
	}
	if hasSub {
		subs := subjects(cred["credentialSubject"])
		switch {
		case len(subs) == 0:
			cred["credentialSubject"] = map[string]any{"id": sub}
		case len(subs) == 1:
			if have, _ := subs[0]["id"].(string); have != "" && have != sub {
				return fault.E(fault.Invalid, "the JWT sub claim does not match the credentialSubject id")
			}
			s := make(map[string]any, len(subs[0])+1)
			for k, v := range subs[0] {
				s[k] = v
			}
			s["id"] = sub
			cred["credentialSubject"] = s
		}
	}
	p.JSON = cred
	if err := p.readCommon(); err != nil {
		return err
	}
	if p.ValidFrom, err = numericDate(payload, "nbf"); err != nil {
		return err
	}
	if p.ValidFrom == nil {
		if p.ValidFrom, err = dateProp(cred, "issuanceDate"); err != nil {
			return err
		}
	}
	if p.ValidUntil, err = numericDate(payload, "exp"); err != nil {
		return err
	}
	if p.ValidUntil == nil {
		if p.ValidUntil, err = dateProp(cred, "expirationDate"); err != nil {
			return err
		}
	}
	return nil
}

// readCommon reads id, issuer, subject, types and status from p.JSON.
func (p *Parsed) readCommon() error {
	j := p.JSON
	if v, ok := j["id"]; ok {
		s, isStr := v.(string)
		if !isStr {
			return fault.E(fault.Invalid, "the credential id is not a string")
		}
		p.ID = s
	}
	p.Types = strs(j["type"])
	hasVC := false
	for _, t := range p.Types {
		hasVC = hasVC || t == "VerifiableCredential"
	}
	if !hasVC {
		return fault.E(fault.Invalid, "the credential type must include VerifiableCredential")
	}
	p.Issuer = issuerID(j["issuer"])
	if p.Issuer == "" {
		return fault.E(fault.Invalid, "the credential has no issuer")
	}
	if subs := subjects(j["credentialSubject"]); len(subs) > 0 {
		p.Subject, _ = subs[0]["id"].(string)
	}
	switch s := j["credentialStatus"].(type) {
	case nil:
	case map[string]any:
		p.Status = []map[string]any{s}
	case []any:
		for _, e := range s {
			m, ok := e.(map[string]any)
			if !ok {
				return fault.E(fault.Invalid, "credentialStatus entries must be objects")
			}
			p.Status = append(p.Status, m)
		}
	default:
		return fault.E(fault.Invalid, "credentialStatus must be an object or an array of objects")
	}
	return nil
}

func dateProp(m map[string]any, name string) (*time.Time, error) {
	v, ok := m[name]
	if !ok || v == nil {
		return nil, nil
	}
	s, isStr := v.(string)
	if !isStr {
		return nil, fault.E(fault.Invalid, "%s is not a date-time string", name)
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return nil, fault.E(fault.Invalid, "%s is not an RFC 3339 date-time (like 2024-05-31T12:00:00Z)", name)
	}
	t = t.UTC()
	return &t, nil
}

// maxNumericDate is 9999-12-31T23:59:59Z.
const maxNumericDate = 253402300799

func numericDate(m map[string]any, name string) (*time.Time, error) {
	v, ok := m[name]
	if !ok || v == nil {
		return nil, nil
	}
	f, isNum := v.(float64)
	if !isNum || math.IsNaN(f) || f < 0 || f > maxNumericDate {
		return nil, fault.E(fault.Invalid, "the JWT %s claim is not a NumericDate (seconds since 1970)", name)
	}
	sec, frac := math.Modf(f)
	t := time.Unix(int64(sec), int64(frac*1e9)).UTC()
	return &t, nil
}
