package credentials

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/citizencloud/citizencredentials/credentials/jose"
	"github.com/citizencloud/citizencredentials/credentials/vcdm"
	"github.com/citizencloud/citizencredentials/dataintegrity"
	"github.com/citizencloud/citizencredentials/did"
	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/internal/text"
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

// FormatJWTV1 is a VCDM 1.1 JWT credential (payload with a "vc" claim),
// accepted on verification only.
const FormatJWTV1 Format = "jwt_vc"

// Signer signs credentials: a crypto.Signer with the absolute verification
// method id of its key (KeyID), whose DID must be the issuer's. It is the
// signer of every securing format (jose, sdjwt, Data Integrity).
type Signer = jose.Signer

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
	// Member and Block name what a chain-backed check relied on: the
	// consortium member whose namespace held the anchor or trust entry
	// (its name, or account if it has none) and the block of that anchor
	// or entry. Empty and 0 for checks that do not read the chain.
	Member string
	Block  uint64
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

	jws      *jose.JWS  // JOSE-secured formats (vc+jwt, VCDM 1.1 JWT, SD-JWT); nil for Data Integrity
	nbf, exp *time.Time // JWT claims of a VCDM 2.0 payload, checked besides validFrom/validUntil
}

// Claims returns the credentialSubject (the first one) without its id.
func (p *Parsed) Claims() map[string]any {
	subs := vcdm.Subjects(p.JSON["credentialSubject"])
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

func (c Clock) applyService(s *Service) { s.now = c }

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

// Now is the time by v's clock (WithClock): what verification and the
// services built on it (presentation requests) take as the current time.
func (v *Verifier) Now() time.Time { return v.now() }

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

func checkIssuerKnown(issuer string, rerr error) Check {
	c := Check{Name: CheckIssuerKnown}
	if rerr != nil {
		c.Message = fmt.Sprintf("issuer %s is not a known bureau or resolvable DID (%s)", text.Truncate(issuer, 200), fault.Message(rerr))
		return c
	}
	c.OK = true
	d, err := did.Parse(issuer)
	switch {
	case err == nil && d.Method == "web":
		c.Message = fmt.Sprintf("issuer %s is a known bureau", issuer)
	case err == nil && (d.Method == "key" || d.Method == "jwk"):
		c.Message = fmt.Sprintf("issuer %s is a self-certifying did:%s; it resolves, which says nothing about who holds it", text.Truncate(issuer, 120), d.Method)
	default:
		c.Message = fmt.Sprintf("issuer %s resolved", text.Truncate(issuer, 200))
	}
	return c
}

func (v *Verifier) checkSignature(p *Parsed, doc *did.Document, rerr error) Check {
	c := Check{Name: CheckSignature}
	if rerr != nil {
		c.Message = fmt.Sprintf("cannot check the signature: the DID document of issuer %s is not available (%s)", text.Truncate(p.Issuer, 200), fault.Message(rerr))
		return c
	}
	vmID, msg := jose.VerifyIssuer(doc, p.Issuer, p.jws)
	if msg != "" {
		c.Message = msg
		return c
	}
	c.OK = true
	c.Message = fmt.Sprintf("signed by %s (%s)", vmID, p.jws.Alg)
	return c
}

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
		c.Message = fmt.Sprintf("not valid yet: valid from %s (now %s)", text.Time(*from), text.Time(now))
		return c
	}
	if until != nil && until.Before(now.Add(-v.leeway)) {
		c.Message = fmt.Sprintf("expired: valid until %s (now %s)", text.Time(*until), text.Time(now))
		return c
	}
	c.OK = true
	switch {
	case from != nil && until != nil:
		c.Message = fmt.Sprintf("valid from %s until %s", text.Time(*from), text.Time(*until))
	case from != nil:
		c.Message = fmt.Sprintf("valid from %s, no end date", text.Time(*from))
	case until != nil:
		c.Message = fmt.Sprintf("valid until %s", text.Time(*until))
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
			msgs = append(msgs, fmt.Sprintf("no schema for type %s; not checked", text.Truncate(t, 64)))
			continue
		}
		if _, ok := v.cat.Type(t); !ok {
			msgs = append(msgs, fmt.Sprintf("no schema for type %s; not checked", text.Truncate(t, 64)))
			continue
		}
		subs := vcdm.Subjects(p.JSON["credentialSubject"])
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
				msgs = append(msgs, fault.Message(err))
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
	if len(raw) > MaxCredentialSize {
		return nil, fault.E(fault.Invalid, "the credential is larger than %d bytes", MaxCredentialSize)
	}
	c, err := jose.ParseCredential(raw)
	if err != nil {
		return nil, err
	}
	return parsedJOSE(raw, c)
}

// parsedJOSE reads the credential of a JOSE-secured format: VCDM 2.0 dates
// from validFrom/validUntil (nbf/exp bound them too); VCDM 1.1 dates from
// nbf/exp, else issuanceDate/expirationDate.
func parsedJOSE(raw string, c *jose.Credential) (*Parsed, error) {
	p := &Parsed{Raw: raw, Format: FormatJWT, JSON: c.JSON, KeyID: c.JWS.Kid, jws: c.JWS}
	if err := p.readCommon(); err != nil {
		return nil, err
	}
	from, until := "validFrom", "validUntil"
	if c.V1 {
		p.Format, from, until = FormatJWTV1, "issuanceDate", "expirationDate"
		p.ValidFrom, p.ValidUntil = c.NotBefore, c.Expires
	} else {
		p.nbf, p.exp = c.NotBefore, c.Expires
	}
	var err error
	if p.ValidFrom == nil {
		if p.ValidFrom, err = dateProp(c.JSON, from); err != nil {
			return nil, err
		}
	}
	if p.ValidUntil == nil {
		if p.ValidUntil, err = dateProp(c.JSON, until); err != nil {
			return nil, err
		}
	}
	return p, nil
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
	p.Types = vcdm.Strings(j["type"])
	hasVC := false
	for _, t := range p.Types {
		hasVC = hasVC || t == "VerifiableCredential"
	}
	if !hasVC {
		return fault.E(fault.Invalid, "the credential type must include VerifiableCredential")
	}
	p.Issuer = vcdm.IssuerID(j["issuer"])
	if p.Issuer == "" {
		return fault.E(fault.Invalid, "the credential has no issuer")
	}
	if subs := vcdm.Subjects(j["credentialSubject"]); len(subs) > 0 {
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
