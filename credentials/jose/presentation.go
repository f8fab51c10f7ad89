package jose

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/citizencloud/citizencredentials/credentials/vcdm"
	"github.com/citizencloud/citizencredentials/did"
	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/internal/text"
)

// Media types of secured presentations (VC-JOSE-COSE).
const (
	TypVPJWT = "vp+jwt" // JOSE header typ of a secured VCDM 2.0 presentation
	CtyVP    = "vp"     // JOSE header cty of a secured VCDM 2.0 presentation
)

// MaxPresentationCredentials bounds the credentials of one presentation.
const MaxPresentationCredentials = 32

// PresentationLifetime is how long a presentation SignPresentation makes
// stays valid (its exp claim).
const PresentationLifetime = time.Hour

// Presentation is a JOSE-secured presentation decoded but not verified.
type Presentation struct {
	Kind        string // for messages: "vp+jwt (VCDM 2.0)", ...
	Holder      string
	JWS         *JWS
	Claims      map[string]any // JWT claims: nonce, aud, nbf, exp
	Credentials []any          // verifiableCredential entries
}

// ParsePresentation decodes a vp+jwt or a VCDM 1.1 JWT presentation
// without verifying it.
func ParsePresentation(raw string) (*Presentation, error) {
	j, err := Parse(raw, "presentation")
	if err != nil {
		return nil, err
	}
	switch j.Typ {
	case "vp+jwt", "vp+ld+json+jwt", "vp+ld+jwt":
		return PresentationV2(j, "vp+jwt (VCDM 2.0)", j.Payload)
	case "", "jwt":
		if _, ok := j.Payload["vp"]; ok {
			return presentationV1(j)
		}
		if _, ok := j.Payload["vc"]; ok {
			return nil, fault.E(fault.Invalid, "this is a credential (JWT with a vc claim), not a presentation; the holder must wrap it in a presentation they sign")
		}
		return nil, fault.E(fault.Invalid, "the JWT is not a presentation: it has neither typ vp+jwt nor a vp claim")
	case "vc+jwt", "vc+ld+json+jwt", "vc+ld+jwt":
		return nil, fault.E(fault.Invalid, "this is a credential (typ %s), not a presentation; the holder must wrap it in a presentation they sign", j.Typ)
	default:
		return nil, fault.E(fault.Invalid, "unsupported JWT type %q; expected vp+jwt", text.Truncate(j.Typ, 40))
	}
}

// PresentationV2 reads a VCDM 2.0 presentation payload of j (a vp+jwt, or
// the processed payload of a vp+sd-jwt); kind names it in messages.
func PresentationV2(j *JWS, kind string, payload map[string]any) (*Presentation, error) {
	switch j.Cty {
	case "", "vp", "vp+ld+json":
	default:
		return nil, fault.E(fault.Invalid, "unsupported JWT content type %q; expected vp", text.Truncate(j.Cty, 40))
	}
	if _, ok := payload["vp"]; ok {
		return nil, fault.E(fault.Invalid, "a %s must not have a \"vp\" claim: its payload is the presentation itself", strings.Fields(kind)[0])
	}
	if _, ok := payload["vc"]; ok {
		return nil, fault.E(fault.Invalid, "a %s must not have a \"vc\" claim", strings.Fields(kind)[0])
	}
	if ctx := vcdm.Contexts(payload["@context"]); len(ctx) == 0 || ctx[0] != vcdm.ContextV2 {
		return nil, fault.E(fault.Invalid, "the first @context of the presentation must be %s", vcdm.ContextV2)
	}
	if !vcdm.HasType(payload["type"], "VerifiablePresentation") {
		return nil, fault.E(fault.Invalid, "the presentation type must include VerifiablePresentation")
	}
	holder := vcdm.IssuerID(payload["holder"])
	iss, hasIss, err := StringClaim(payload, "iss", "presentation")
	if err != nil {
		return nil, err
	}
	switch {
	case holder == "" && hasIss:
		holder = iss
	case holder != "" && hasIss && iss != holder:
		return nil, fault.E(fault.Invalid, "the JWT iss claim does not match the presentation's holder")
	}
	creds, err := entries(payload["verifiableCredential"])
	if err != nil {
		return nil, err
	}
	return &Presentation{Kind: kind, Holder: holder, JWS: j, Claims: payload, Credentials: creds}, nil
}

// presentationV1 reads a VCDM 1.1 JWT presentation (vp claim, iss = holder).
func presentationV1(j *JWS) (*Presentation, error) {
	vp, ok := j.Payload["vp"].(map[string]any)
	if !ok {
		return nil, fault.E(fault.Invalid, "the JWT vp claim is not an object")
	}
	if ctx := vcdm.Contexts(vp["@context"]); len(ctx) > 0 && ctx[0] != vcdm.ContextV1 && ctx[0] != vcdm.ContextV2 {
		return nil, fault.E(fault.Invalid, "the first @context of the vp claim must be %s", vcdm.ContextV1)
	}
	if t, ok := vp["type"]; ok && !vcdm.HasType(t, "VerifiablePresentation") {
		return nil, fault.E(fault.Invalid, "the presentation type must include VerifiablePresentation")
	}
	iss, hasIss, err := StringClaim(j.Payload, "iss", "presentation")
	if err != nil {
		return nil, err
	}
	holder := vcdm.IssuerID(vp["holder"])
	switch {
	case !hasIss && holder == "":
		return nil, fault.E(fault.Invalid, "the JWT presentation has no iss claim naming the holder")
	case hasIss && holder != "" && holder != iss:
		return nil, fault.E(fault.Invalid, "the JWT iss claim does not match the presentation's holder")
	case holder == "":
		holder = iss
	}
	creds, err := entries(vp["verifiableCredential"])
	if err != nil {
		return nil, err
	}
	return &Presentation{Kind: "JWT presentation (VCDM 1.1)", Holder: holder, JWS: j, Claims: j.Payload, Credentials: creds}, nil
}

func entries(v any) ([]any, error) {
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

// Enveloped reads an EnvelopedVerifiableCredential entry of a presentation:
// its id is a data: URL of a vc+jwt or a vc+sd-jwt. It returns the secured
// credential, or a message saying why it cannot be used.
func Enveloped(e map[string]any) (string, string) {
	id, _ := e["id"].(string)
	mt, data, err := parseDataURL(id)
	if err != nil && mt == "" {
		return "", fault.Message(err)
	}
	switch mt {
	case "application/vc+jwt", "application/vc+ld+json+jwt", "application/vc+ld+jwt", "application/jwt":
		if strings.Contains(data, "~") {
			return "", "the enveloped credential is declared as " + mt + " but is an SD-JWT"
		}
	case "application/vc+sd-jwt", "application/vc+ld+json+sd-jwt", "application/dc+sd-jwt", "application/sd-jwt":
		if !strings.Contains(data, "~") {
			return "", "the enveloped credential is declared as " + mt + " but is not an SD-JWT"
		}
	case "application/vc+cose", "application/vc+ld+json+cose", "application/cose":
		return "", "COSE-secured credentials (" + mt + ") are not supported"
	case "application/vc", "application/vc+ld+json", "application/ld+json", "application/json":
		return "", "the enveloped credential is unsecured JSON (" + mt + "), which proves nothing"
	default:
		return "", fmt.Sprintf("the enveloped credential has the media type %q; expected application/vc+jwt or application/vc+sd-jwt", text.Truncate(mt, 60))
	}
	if err != nil {
		return "", fault.Message(err)
	}
	return data, ""
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

// BuildPresentation returns an unsigned VCDM 2.0 presentation by holderDID
// of credentials, each enveloped as an EnvelopedVerifiableCredential whose id
// is a data: URL: "data:application/vc+sd-jwt,..." for an SD-JWT (a string
// with "~"; choose its disclosures first with sdjwt.Present and a nil
// signer), "data:application/vc+jwt,..." for any other compact JWS; a
// credential that is a JSON object (Data Integrity) is embedded as it is.
// A non-empty challenge and domain are set as the "nonce" and "aud" claims.
// Secure it with SignPresentation.
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
		vcs = append(vcs, map[string]any{"@context": vcdm.ContextV2, "type": "EnvelopedVerifiableCredential", "id": "data:" + mt + "," + c})
	}
	vp := map[string]any{
		"@context":             []any{vcdm.ContextV2},
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

// SignPresentation secures vp (from BuildPresentation) as a compact vp+jwt
// (VC-JOSE-COSE): protected header {alg, kid: s.KeyID(), typ: "vp+jwt",
// cty: "vp"}; the payload is the presentation plus the JWT claims iss =
// holder, jti = id (when there is one), iat = now, exp = now +
// PresentationLifetime, nonce = challenge and aud = domain (when not empty;
// they replace any nonce/aud already in vp). s.KeyID() must be an
// authentication key of the holder DID. Errors: fault Invalid for a
// presentation or key that cannot be signed this way; the signer's error
// otherwise.
func SignPresentation(vp map[string]any, s Signer, challenge, domain string) (string, error) {
	if s == nil {
		return "", fault.E(fault.Invalid, "no signer")
	}
	if vp == nil {
		return "", fault.E(fault.Invalid, "no presentation")
	}
	kid := s.KeyID()
	keyDID, frag := did.Split(kid)
	if frag == "" || keyDID == "" {
		return "", fault.E(fault.Invalid, "signing key id %q is not an absolute verification method id (did#fragment)", text.Truncate(kid, 200))
	}
	if ctx := vcdm.Contexts(vp["@context"]); len(ctx) == 0 || ctx[0] != vcdm.ContextV2 {
		return "", fault.E(fault.Invalid, "only VCDM 2.0 presentations (first @context %s) are secured as vp+jwt", vcdm.ContextV2)
	}
	if !vcdm.HasType(vp["type"], "VerifiablePresentation") {
		return "", fault.E(fault.Invalid, "the presentation type must include VerifiablePresentation")
	}
	for _, claim := range []string{"vc", "vp"} {
		if _, ok := vp[claim]; ok {
			return "", fault.E(fault.Invalid, "a vp+jwt payload must not have a %q claim", claim)
		}
	}
	holder := vcdm.IssuerID(vp["holder"])
	if holder == "" {
		return "", fault.E(fault.Invalid, "the presentation has no holder")
	}
	if holder != keyDID {
		return "", fault.E(fault.Invalid, "signing key %s does not belong to the holder %s", text.Truncate(kid, 200), text.Truncate(holder, 200))
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
	return Sign(payload, s, map[string]any{"kid": kid, "typ": TypVPJWT, "cty": CtyVP})
}
