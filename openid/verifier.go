package openid

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/citizencloud/citizencredentials/credentials"
	"github.com/citizencloud/citizencredentials/exchange"
	"github.com/citizencloud/citizencredentials/fault"
)

// OpenID4VP 1.0 wire names.
const (
	AuthorizationScheme = "openid4vp://"
	ClientIDPrefix      = "redirect_uri:" // the only client identifier prefix supported
	RequestObjectTyp    = "oauth-authz-req+jwt"
)

// Presentations makes every presentation request (exchange.Requests)
// reachable as an OpenID4VP 1.0 authorisation request: request by
// reference (request_uri), response_mode direct_post to a response_uri of
// the same request, a DCQL query derived from the request's presentation
// definition, nonce = the request's challenge. The client identifier is
// redirect_uri:<response_uri>, so the request object is unsigned (the
// prefix forbids signing; the wallet checks that the response goes where
// the client identifier says). A response is verified by
// exchange.Requests.SubmitPresentations with audience = the client
// identifier: one request model, answered once, through GraphQL or here.
type Presentations struct {
	requests *exchange.Requests
	cat      *credentials.Catalogue
	base     string
	now      func() time.Time
}

// NewPresentations returns the OpenID4VP verifier over requests.
func NewPresentations(requests *exchange.Requests, cat *credentials.Catalogue, baseURL string) *Presentations {
	return &Presentations{requests: requests, cat: cat, base: strings.TrimRight(baseURL, "/"), now: time.Now}
}

// RequestURI is where the wallet fetches the request object of request id.
func (p *Presentations) RequestURI(id string) string {
	return p.base + "/requests/" + url.PathEscape(id) + "/openid4vp/request"
}

// ResponseURI is where the wallet posts its response to request id.
func (p *Presentations) ResponseURI(id string) string {
	return p.base + "/requests/" + url.PathEscape(id) + "/openid4vp/response"
}

// ClientID is the verifier's client identifier for request id.
func (p *Presentations) ClientID(id string) string { return ClientIDPrefix + p.ResponseURI(id) }

// AuthorizationRequestURI is what the QR code of request id holds:
// openid4vp://?client_id=...&request_uri=...
func (p *Presentations) AuthorizationRequestURI(id string) string {
	return AuthorizationScheme + "?client_id=" + url.QueryEscape(p.ClientID(id)) + "&request_uri=" + url.QueryEscape(p.RequestURI(id))
}

// RequestObject returns the unsigned request object (a JWT with alg
// "none", typ oauth-authz-req+jwt) of request id, served at its
// request_uri. Errors: fault NotFound (no such request), Conflict (already
// answered or expired).
func (p *Presentations) RequestObject(ctx context.Context, id string) (string, error) {
	claims, exp, err := p.parameters(ctx, id)
	if err != nil {
		return "", err
	}
	claims["aud"] = "https://self-issued.me/v2"
	claims["iat"] = p.now().Unix()
	claims["exp"] = exp.Unix()
	hdr, err := json.Marshal(map[string]any{"alg": "none", "typ": RequestObjectTyp})
	if err != nil {
		return "", err
	}
	body, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(hdr) + "." + base64.RawURLEncoding.EncodeToString(body) + ".", nil
}

// AuthorizationRequestByValue returns request id as an authorisation
// request by value: openid4vp://? with every parameter in the URI (objects
// as JSON). Wallets that refuse request objects of a redirect_uri: client
// (they cannot be signed) take this form. Errors: as RequestObject.
func (p *Presentations) AuthorizationRequestByValue(ctx context.Context, id string) (string, error) {
	claims, _, err := p.parameters(ctx, id)
	if err != nil {
		return "", err
	}
	q := url.Values{}
	for k, v := range claims {
		if s, ok := v.(string); ok {
			q.Set(k, s)
			continue
		}
		b, err := json.Marshal(v)
		if err != nil {
			return "", err
		}
		q.Set(k, string(b))
	}
	return AuthorizationScheme + "?" + q.Encode(), nil
}

// parameters are the authorisation request parameters of request id and
// its expiry.
func (p *Presentations) parameters(ctx context.Context, id string) (map[string]any, time.Time, error) {
	r, err := p.requests.Get(ctx, id)
	if fault.CodeOf(err) == fault.NotFound {
		return nil, time.Time{}, fault.E(fault.NotFound, "no such presentation request") // the id is not echoed
	}
	if err != nil {
		return nil, time.Time{}, err
	}
	if r.State != exchange.RequestPending || !p.now().Before(r.ExpiresAt) {
		return nil, time.Time{}, fault.E(fault.Conflict, "this presentation request was already answered or has expired")
	}
	query, err := p.DCQL(r.Definition)
	if err != nil {
		return nil, time.Time{}, err
	}
	algs := []string{"EdDSA", "ES256"}
	return map[string]any{
		"response_type": "vp_token",
		"response_mode": "direct_post",
		"client_id":     p.ClientID(r.ID),
		"response_uri":  p.ResponseURI(r.ID),
		"nonce":         r.Challenge,
		"state":         r.ID,
		"dcql_query":    query,
		"client_metadata": map[string]any{
			"vp_formats_supported": map[string]any{
				FormatJWTVCJSON: map[string]any{"alg_values": algs},
				FormatDCSDJWT:   map[string]any{"sd-jwt_alg_values": algs, "kb-jwt_alg_values": algs},
			},
		},
	}, r.ExpiresAt, nil
}

var dcqlIDUnsafe = regexp.MustCompile(`[^A-Za-z0-9_-]`)

// DCQL derives a DCQL query from a presentation definition (as
// exchange.Requests stores it): per input descriptor, a credential set
// whose options are an SD-JWT query (vct = the type's schema URL; the only
// option when the descriptor requires limited disclosure) and a
// jwt_vc_json query (type_values), each asking for the descriptor's
// credentialSubject fields as claims paths. The definition stays what the
// response is evaluated against; the query tells the wallet what to pick.
func (p *Presentations) DCQL(definition []byte) (map[string]any, error) {
	var pd struct {
		InputDescriptors []struct {
			ID          string `json:"id"`
			Constraints struct {
				LimitDisclosure string `json:"limit_disclosure"`
				Fields          []struct {
					Path   []string `json:"path"`
					Filter struct {
						Contains struct {
							Const string `json:"const"`
						} `json:"contains"`
						Const string `json:"const"`
					} `json:"filter"`
				} `json:"fields"`
			} `json:"constraints"`
		} `json:"input_descriptors"`
	}
	if err := json.Unmarshal(definition, &pd); err != nil {
		return nil, fault.Wrap(fault.Internal, err, "the stored presentation definition is not readable")
	}
	var creds, sets []any
	for n, d := range pd.InputDescriptors {
		id := dcqlIDUnsafe.ReplaceAllString(d.ID, "_")
		if id == "" {
			id = fmt.Sprintf("q%d", n)
		}
		var typ string
		var claims []any
		for _, f := range d.Constraints.Fields {
			for _, path := range f.Path {
				switch {
				case path == "$.type" || path == "$.vct":
					if c := f.Filter.Contains.Const; c != "" {
						typ = c
					} else if f.Filter.Const != "" {
						typ = f.Filter.Const
					}
				case strings.HasPrefix(path, "$.credentialSubject."):
					segs := []any{"credentialSubject"}
					for _, s := range strings.Split(strings.TrimPrefix(path, "$.credentialSubject."), ".") {
						segs = append(segs, s)
					}
					claims = append(claims, map[string]any{"path": segs})
				default:
					continue
				}
				break
			}
		}
		var options []any
		sd := map[string]any{"id": id + "_sd", "format": FormatDCSDJWT}
		if typ != "" {
			sd["meta"] = map[string]any{"vct_values": []string{p.cat.SchemaURL(typ)}}
		} else {
			sd["meta"] = map[string]any{"vct_values": []string{}}
		}
		jwt := map[string]any{"id": id + "_jwt", "format": FormatJWTVCJSON}
		types := []string{"VerifiableCredential"}
		if typ != "" {
			types = append(types, typ)
		}
		jwt["meta"] = map[string]any{"type_values": [][]string{types}}
		if len(claims) > 0 {
			sd["claims"], jwt["claims"] = claims, claims
		}
		if typ != "" {
			creds = append(creds, sd)
			options = append(options, []string{id + "_sd"})
		}
		if d.Constraints.LimitDisclosure != "required" {
			creds = append(creds, jwt)
			options = append(options, []string{id + "_jwt"})
		}
		if len(options) == 0 {
			return nil, fault.E(fault.Invalid, "input descriptor %q asks for limited disclosure without a credential type: it cannot be a DCQL query", d.ID)
		}
		sets = append(sets, map[string]any{"options": options, "required": true})
	}
	if len(creds) == 0 {
		return nil, fault.E(fault.Invalid, "the request asks for no credential")
	}
	return map[string]any{"credentials": creds, "credential_sets": sets}, nil
}

// Response is a wallet's direct_post authorisation response.
type Response struct {
	VPToken string // JSON object: credential query id → array of presentations
	State   string
	Error   string // the wallet's error, when it declines
}

// MaxPresentationsPerResponse bounds the presentations of one vp_token.
const MaxPresentationsPerResponse = 16

// Respond verifies the wallet's response to request id and answers the
// request with it (once). It returns the verification result; a response
// that does not verify is answered (the request is spent) and returned
// with failing checks. Errors: *Error invalid_request (no or unreadable
// vp_token, wrong state, unknown or already answered request), and the
// store's errors.
func (p *Presentations) Respond(ctx context.Context, id string, resp Response) (*credentials.Result, error) {
	if resp.Error != "" && resp.VPToken == "" {
		return nil, oauthErr(ErrInvalidRequest, "the wallet declined; the request stays open")
	}
	if resp.State != "" && resp.State != id {
		return nil, oauthErr(ErrInvalidRequest, "state does not name this request")
	}
	if resp.VPToken == "" {
		return nil, oauthErr(ErrInvalidRequest, "vp_token is missing")
	}
	var token map[string]json.RawMessage
	if err := json.Unmarshal([]byte(resp.VPToken), &token); err != nil || len(token) == 0 {
		return nil, oauthErr(ErrInvalidRequest, "vp_token must be a JSON object of credential query ids to presentations")
	}
	var pres []string
	for _, v := range token {
		var list []string
		if err := json.Unmarshal(v, &list); err != nil {
			var one string
			if json.Unmarshal(v, &one) != nil {
				return nil, oauthErr(ErrInvalidRequest, "each vp_token entry must be an array of presentation strings")
			}
			list = []string{one}
		}
		pres = append(pres, list...)
	}
	if len(pres) == 0 || len(pres) > MaxPresentationsPerResponse {
		return nil, oauthErr(ErrInvalidRequest, "vp_token must carry 1 to 16 presentations")
	}
	res, err := p.requests.SubmitPresentations(ctx, id, pres, p.ClientID(id))
	switch fault.CodeOf(err) {
	case fault.NotFound:
		return nil, oauthErr(ErrInvalidRequest, "there is no such presentation request")
	case fault.Conflict:
		return nil, oauthErr(ErrInvalidRequest, "this presentation request was already answered")
	case fault.Invalid:
		return nil, oauthErr(ErrInvalidRequest, fault.Message(err))
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}
