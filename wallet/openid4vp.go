package wallet

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/citizencloud/citizencredentials/credentials"
	"github.com/citizencloud/citizencredentials/credentials/jose"
	"github.com/citizencloud/citizencredentials/credentials/sdjwt"
	"github.com/citizencloud/citizencredentials/did"
)

// The wallet side of OpenID4VP 1.0: resolve an authorisation request by
// reference, match its DCQL query against held credentials, and answer
// with direct_post, through the same endpoints any phone wallet uses.

// AuthorizationRequest is a verifier's OpenID4VP request object.
type AuthorizationRequest struct {
	ClientID     string    `json:"client_id"`
	ResponseType string    `json:"response_type"`
	ResponseMode string    `json:"response_mode"`
	ResponseURI  string    `json:"response_uri"`
	Nonce        string    `json:"nonce"`
	State        string    `json:"state"`
	DCQL         DCQLQuery `json:"dcql_query"`
}

// DCQLQuery is a DCQL query (OpenID4VP 1.0 §6).
type DCQLQuery struct {
	Credentials    []DCQLCredential `json:"credentials"`
	CredentialSets []struct {
		Options  [][]string `json:"options"`
		Required *bool      `json:"required"`
	} `json:"credential_sets"`
}

// DCQLCredential is one credential query.
type DCQLCredential struct {
	ID     string `json:"id"`
	Format string `json:"format"`
	Meta   struct {
		VctValues  []string   `json:"vct_values"`
		TypeValues [][]string `json:"type_values"`
	} `json:"meta"`
	Claims []struct {
		Path []any `json:"path"`
	} `json:"claims"`
}

// ResolveAuthorizationRequest reads openid4vp://?client_id=...&request_uri=...
// and fetches the request object. Only the redirect_uri: client identifier
// prefix is accepted: the request object is then unsigned, and the response
// must go to the URI the client identifier names.
func ResolveAuthorizationRequest(ctx context.Context, hc *http.Client, uri string) (*AuthorizationRequest, error) {
	u, err := url.Parse(strings.TrimSpace(uri))
	if err != nil {
		return nil, fmt.Errorf("not an authorisation request URI: %w", err)
	}
	q := u.Query()
	clientID, requestURI := q.Get("client_id"), q.Get("request_uri")
	if clientID == "" {
		return nil, errors.New("the authorisation request has no client_id")
	}
	responseTo, ok := strings.CutPrefix(clientID, "redirect_uri:")
	if !ok {
		return nil, errors.New("only verifiers with a redirect_uri: client identifier are supported")
	}
	if requestURI == "" {
		// By value: every parameter in the URI, objects as JSON.
		a := AuthorizationRequest{ClientID: clientID, ResponseType: q.Get("response_type"), ResponseMode: q.Get("response_mode"),
			ResponseURI: q.Get("response_uri"), Nonce: q.Get("nonce"), State: q.Get("state")}
		if err := json.Unmarshal([]byte(q.Get("dcql_query")), &a.DCQL); err != nil {
			return nil, errors.New("the authorisation request has no readable dcql_query")
		}
		return checkRequest(&a, clientID, responseTo)
	}
	if !IsHTTPURL(requestURI) {
		return nil, errors.New("request_uri is not an http(s) URL")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, requestURI, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/oauth-authz-req+jwt")
	raw, err := do(hc, req)
	if err != nil {
		return nil, fmt.Errorf("fetch the request object: %w", err)
	}
	parts := strings.Split(strings.TrimSpace(string(raw)), ".")
	if len(parts) != 3 {
		return nil, errors.New("the request object is not a JWT")
	}
	hb, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return nil, errors.New("the request object's header is not base64url")
	}
	var hdr struct {
		Alg string `json:"alg"`
	}
	if json.Unmarshal(hb, &hdr) != nil || hdr.Alg != "none" || parts[2] != "" {
		return nil, errors.New("a redirect_uri: verifier's request object must be unsigned")
	}
	pb, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, errors.New("the request object's payload is not base64url")
	}
	var a AuthorizationRequest
	if err := json.Unmarshal(pb, &a); err != nil {
		return nil, fmt.Errorf("the request object: %w", err)
	}
	return checkRequest(&a, clientID, responseTo)
}

// checkRequest accepts a request whose response goes where its
// redirect_uri: client identifier says.
func checkRequest(a *AuthorizationRequest, clientID, responseTo string) (*AuthorizationRequest, error) {
	switch {
	case a.ClientID != clientID:
		return nil, errors.New("the request object names another client_id than the QR code")
	case a.ResponseMode != "direct_post" || a.ResponseURI != responseTo:
		return nil, errors.New("the response must be a direct_post to the client identifier's URI")
	case a.ResponseType != "vp_token" || a.Nonce == "" || len(a.DCQL.Credentials) == 0:
		return nil, errors.New("the request asks for no vp_token with a nonce and a DCQL query")
	}
	return a, nil
}

// Match picks, for each required credential set of the query (or each
// credential query when it has no sets), the first option whose every
// query a held credential meets, choosing as Choose does: the newest
// credential usable at now (active, not expired, already valid). It returns
// credential query id → the credential chosen, and the claim names each
// query asks for.
func (a *AuthorizationRequest) Match(held []Credential, now time.Time) (map[string]*Credential, map[string][]string, error) {
	byID := map[string]DCQLCredential{}
	for _, q := range a.DCQL.Credentials {
		byID[q.ID] = q
	}
	chosen := map[string]*Credential{}
	fields := map[string][]string{}
	pick := func(ids []string) bool {
		got := map[string]*Credential{}
		for _, id := range ids {
			q, ok := byID[id]
			if !ok {
				return false
			}
			c := findFor(q, held, now)
			if c == nil {
				return false
			}
			got[id] = c
		}
		for id, c := range got {
			chosen[id] = c
			for _, cl := range byID[id].Claims {
				if len(cl.Path) > 0 {
					if s, ok := cl.Path[len(cl.Path)-1].(string); ok {
						fields[id] = append(fields[id], s)
					}
				}
			}
		}
		return true
	}
	if len(a.DCQL.CredentialSets) == 0 {
		for _, q := range a.DCQL.Credentials {
			if !pick([]string{q.ID}) {
				return nil, nil, fmt.Errorf("no credential held meets query %q", q.ID)
			}
		}
		return chosen, fields, nil
	}
	for n, set := range a.DCQL.CredentialSets {
		met := false
		for _, opt := range set.Options {
			if pick(opt) {
				met = true
				break
			}
		}
		if !met && (set.Required == nil || *set.Required) {
			return nil, nil, fmt.Errorf("no credential held meets credential set %d of the request", n+1)
		}
	}
	return chosen, fields, nil
}

// findFor returns the newest held credential usable at now that meets q.
func findFor(q DCQLCredential, held []Credential, now time.Time) *Credential {
	order := make([]*Credential, len(held))
	for i := range held {
		order[i] = &held[i]
	}
	// Newest first; ids (UUIDv7) order credentials issued in the same second.
	sort.SliceStable(order, func(i, j int) bool {
		a, b := order[i], order[j]
		if !a.IssuedAt.Equal(b.IssuedAt) {
			return a.IssuedAt.After(b.IssuedAt)
		}
		return a.ID > b.ID
	})
	for _, c := range order {
		if st := c.StateNow(now); st != "" && !strings.EqualFold(st, "active") || now.Before(c.ValidFrom) {
			continue
		}
		d, err := Decode(c.Credential)
		if err != nil {
			continue
		}
		types := d.Types()
		switch q.Format {
		case "dc+sd-jwt":
			if !d.SD() || !vctMatches(q.Meta.VctValues, types) {
				continue
			}
		case "jwt_vc_json":
			if d.SD() || !strings.Contains(d.Format, "jwt") || !typesMatch(q.Meta.TypeValues, types) {
				continue
			}
		default:
			continue
		}
		claims := d.SubjectClaims()
		ok := true
		for _, cl := range q.Claims {
			if len(cl.Path) == 0 {
				continue
			}
			if s, isStr := cl.Path[len(cl.Path)-1].(string); isStr {
				if _, has := claims[s]; !has {
					ok = false
				}
			}
		}
		if ok {
			return c
		}
	}
	return nil
}

// vctMatches: our SD-JWT credentials are typed by VCDM type; a vct value
// names the type by its schema URL (<base>/schemas/<Type>.json).
func vctMatches(vcts, types []string) bool {
	for _, v := range vcts {
		name := strings.TrimSuffix(v[strings.LastIndex(v, "/")+1:], ".json")
		if slices.Contains(types, name) {
			return true
		}
	}
	return false
}

func typesMatch(values [][]string, types []string) bool {
	if len(values) == 0 {
		return true
	}
	for _, want := range values {
		all := true
		for _, t := range want {
			all = all && slices.Contains(types, t)
		}
		if all {
			return true
		}
	}
	return false
}

// Respond presents the chosen credentials (SD-JWTs disclosing only the
// claims their query asks for, with a key-binding JWT; vc+jwt credentials
// in a vp+jwt signed by key) with the request's nonce and client_id as
// audience, and posts them as vp_token. Errors: *OAuthError when the
// verifier refused.
func Respond(ctx context.Context, hc *http.Client, a *AuthorizationRequest, chosen map[string]*Credential, fields map[string][]string, key credentials.Signer) error {
	holder, _ := did.Split(key.KeyID())
	token := map[string][]string{}
	for id, c := range chosen {
		d, err := Decode(c.Credential)
		if err != nil {
			return err
		}
		var pres string
		if d.SD() {
			pres, err = sdjwt.Present(c.Credential, fields[id], key, a.Nonce, a.ClientID)
		} else {
			vp := jose.BuildPresentation(holder, []string{c.Credential}, a.Nonce, a.ClientID)
			pres, err = jose.SignPresentation(vp, key, a.Nonce, a.ClientID)
		}
		if err != nil {
			return fmt.Errorf("present %s: %w", c.ID, err)
		}
		token[id] = []string{pres}
	}
	raw, err := json.Marshal(token)
	if err != nil {
		return err
	}
	form := url.Values{"vp_token": {string(raw)}}
	if a.State != "" {
		form.Set("state", a.State)
	}
	_, err = post(ctx, hc, a.ResponseURI, "application/x-www-form-urlencoded", "", strings.NewReader(form.Encode()))
	return err
}
