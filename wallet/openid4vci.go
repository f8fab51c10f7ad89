package wallet

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// The wallet side of OpenID4VCI 1.0, pre-authorized code flow, through the
// same endpoints any phone wallet uses.

// Prover signs key proofs: an Ed25519 crypto.Signer whose KeyID is a DID
// URL of the holder (the wallet's *Key).
type Prover interface {
	crypto.Signer
	KeyID() string
}

// OAuthError is an error an OpenID4VCI endpoint answered with.
type OAuthError struct {
	Status      int
	Code        string // invalid_grant, invalid_proof, invalid_nonce, ...
	Description string
}

func (e *OAuthError) Error() string {
	if e.Code == "" {
		return fmt.Sprintf("HTTP %d", e.Status)
	}
	return e.Code + ": " + e.Description
}

// CredentialOffer is an OpenID4VCI credential offer (§4.1.1).
type CredentialOffer struct {
	CredentialIssuer           string   `json:"credential_issuer"`
	CredentialConfigurationIDs []string `json:"credential_configuration_ids"`
	Grants                     map[string]struct {
		PreAuthorizedCode string `json:"pre-authorized_code"`
		TxCode            *struct {
			InputMode   string `json:"input_mode"`
			Length      int    `json:"length"`
			Description string `json:"description"`
		} `json:"tx_code"`
	} `json:"grants"`
}

const grantPreAuthorized = "urn:ietf:params:oauth:grant-type:pre-authorized_code"

// NeedsTxCode reports whether the offer asks for a transaction code.
func (o *CredentialOffer) NeedsTxCode() bool {
	g, ok := o.Grants[grantPreAuthorized]
	return ok && g.TxCode != nil
}

// ResolveOffer reads an offer URI (openid-credential-offer://?credential_offer=...
// or ?credential_offer_uri=..., or an https URL with those parameters),
// fetching the offer when it is given by reference.
func ResolveOffer(ctx context.Context, hc *http.Client, offerURI string) (*CredentialOffer, error) {
	u, err := url.Parse(strings.TrimSpace(offerURI))
	if err != nil {
		return nil, fmt.Errorf("not an offer URI: %w", err)
	}
	q := u.Query()
	var raw []byte
	switch {
	case q.Get("credential_offer") != "":
		raw = []byte(q.Get("credential_offer"))
	case q.Get("credential_offer_uri") != "":
		raw, err = getJSON(ctx, hc, q.Get("credential_offer_uri"))
		if err != nil {
			return nil, fmt.Errorf("fetch the offer: %w", err)
		}
	default:
		return nil, errors.New("not an offer URI: it has neither credential_offer nor credential_offer_uri")
	}
	var o CredentialOffer
	if err := json.Unmarshal(raw, &o); err != nil {
		return nil, fmt.Errorf("the offer is not a credential offer: %w", err)
	}
	if !IsHTTPURL(o.CredentialIssuer) || len(o.CredentialConfigurationIDs) == 0 {
		return nil, errors.New("the offer names no credential issuer or no credential")
	}
	if g, ok := o.Grants[grantPreAuthorized]; !ok || g.PreAuthorizedCode == "" {
		return nil, errors.New("the offer has no pre-authorized code (only the pre-authorized code flow is supported)")
	}
	return &o, nil
}

// IssuerMetadata is what the wallet reads of the Credential Issuer and
// authorisation server metadata.
type IssuerMetadata struct {
	CredentialIssuer   string                     `json:"credential_issuer"`
	CredentialEndpoint string                     `json:"credential_endpoint"`
	NonceEndpoint      string                     `json:"nonce_endpoint"`
	AuthServers        []string                   `json:"authorization_servers"`
	Configurations     map[string]json.RawMessage `json:"credential_configurations_supported"`
	Display            []struct {
		Name string `json:"name"`
	} `json:"display"`
	TokenEndpoint string `json:"-"`
}

// wellKnown inserts /.well-known/<name> between the host and the path of
// issuer (RFC 8414 §3.1; OpenID4VCI 1.0 §12.2.2).
func wellKnown(issuer, name string) (string, error) {
	u, err := url.Parse(issuer)
	if err != nil {
		return "", err
	}
	u.Path = "/.well-known/" + name + strings.TrimRight(u.Path, "/")
	return u.String(), nil
}

// FetchIssuerMetadata reads the issuer's metadata and its authorisation
// server's token endpoint.
func FetchIssuerMetadata(ctx context.Context, hc *http.Client, issuer string) (*IssuerMetadata, error) {
	mu, err := wellKnown(issuer, "openid-credential-issuer")
	if err != nil {
		return nil, err
	}
	raw, err := getJSON(ctx, hc, mu)
	if err != nil {
		return nil, fmt.Errorf("issuer metadata: %w", err)
	}
	var md IssuerMetadata
	if err := json.Unmarshal(raw, &md); err != nil {
		return nil, fmt.Errorf("issuer metadata: %w", err)
	}
	if md.CredentialIssuer != issuer {
		return nil, fmt.Errorf("issuer metadata names %q, not the offer's issuer", md.CredentialIssuer)
	}
	as := issuer
	if len(md.AuthServers) > 0 {
		as = md.AuthServers[0]
	}
	au, err := wellKnown(as, "oauth-authorization-server")
	if err != nil {
		return nil, err
	}
	raw, err = getJSON(ctx, hc, au)
	if err != nil {
		return nil, fmt.Errorf("authorisation server metadata: %w", err)
	}
	var asm struct {
		TokenEndpoint string `json:"token_endpoint"`
	}
	if err := json.Unmarshal(raw, &asm); err != nil || asm.TokenEndpoint == "" {
		return nil, errors.New("authorisation server metadata has no token_endpoint")
	}
	md.TokenEndpoint = asm.TokenEndpoint
	return &md, nil
}

// Received is one credential an issuer handed out.
type Received struct {
	ConfigurationID string
	Format          string // jwt_vc_json, dc+sd-jwt, ...
	Credential      string
}

// Receive redeems the offer: one token request (with txCode if the offer
// asks for one), then for each configuration offered a fresh nonce and a
// credential request with a jwt key proof by key. Errors: *OAuthError when
// an endpoint refused.
func Receive(ctx context.Context, hc *http.Client, o *CredentialOffer, key Prover, txCode string, now time.Time) ([]Received, error) {
	md, err := FetchIssuerMetadata(ctx, hc, o.CredentialIssuer)
	if err != nil {
		return nil, err
	}
	token, err := RequestToken(ctx, hc, md.TokenEndpoint, o.Grants[grantPreAuthorized].PreAuthorizedCode, txCode)
	if err != nil {
		return nil, err
	}
	var out []Received
	for _, id := range o.CredentialConfigurationIDs {
		var cfg struct {
			Format string `json:"format"`
		}
		if raw, ok := md.Configurations[id]; !ok || json.Unmarshal(raw, &cfg) != nil {
			return out, fmt.Errorf("the issuer does not describe configuration %q", id)
		}
		nonce, err := RequestNonce(ctx, hc, md.NonceEndpoint)
		if err != nil {
			return out, err
		}
		proof, err := SignKeyProof(key, md.CredentialIssuer, nonce, now)
		if err != nil {
			return out, err
		}
		cred, err := RequestCredential(ctx, hc, md.CredentialEndpoint, token, id, proof)
		if err != nil {
			return out, err
		}
		out = append(out, Received{ConfigurationID: id, Format: cfg.Format, Credential: cred})
	}
	return out, nil
}

// RequestToken exchanges a pre-authorized code for an access token.
func RequestToken(ctx context.Context, hc *http.Client, endpoint, code, txCode string) (string, error) {
	form := url.Values{"grant_type": {grantPreAuthorized}, "pre-authorized_code": {code}}
	if txCode != "" {
		form.Set("tx_code", txCode)
	}
	raw, err := post(ctx, hc, endpoint, "application/x-www-form-urlencoded", "", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	var t struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(raw, &t); err != nil || t.AccessToken == "" {
		return "", errors.New("the token response has no access_token")
	}
	return t.AccessToken, nil
}

// RequestNonce gets a c_nonce from the nonce endpoint.
func RequestNonce(ctx context.Context, hc *http.Client, endpoint string) (string, error) {
	raw, err := post(ctx, hc, endpoint, "", "", nil)
	if err != nil {
		return "", err
	}
	var n struct {
		CNonce string `json:"c_nonce"`
	}
	if err := json.Unmarshal(raw, &n); err != nil || n.CNonce == "" {
		return "", errors.New("the nonce response has no c_nonce")
	}
	return n.CNonce, nil
}

// RequestCredential asks for one credential of configuration id with a jwt
// proof.
func RequestCredential(ctx context.Context, hc *http.Client, endpoint, token, id, proof string) (string, error) {
	body, err := json.Marshal(map[string]any{"credential_configuration_id": id, "proofs": map[string]any{"jwt": []string{proof}}})
	if err != nil {
		return "", err
	}
	raw, err := post(ctx, hc, endpoint, "application/json", token, strings.NewReader(string(body)))
	if err != nil {
		return "", err
	}
	var r struct {
		Credentials []struct {
			Credential json.RawMessage `json:"credential"`
		} `json:"credentials"`
	}
	if err := json.Unmarshal(raw, &r); err != nil || len(r.Credentials) != 1 {
		return "", errors.New("the credential response holds no credential")
	}
	var s string
	if err := json.Unmarshal(r.Credentials[0].Credential, &s); err != nil {
		s = string(r.Credentials[0].Credential) // a JSON credential (Data Integrity)
	}
	return s, nil
}

// SignKeyProof signs an openid4vci-proof+jwt for issuer and nonce with key
// (named by its kid).
func SignKeyProof(key Prover, issuer, nonce string, now time.Time) (string, error) {
	if _, ok := key.Public().(ed25519.PublicKey); !ok {
		return "", errors.New("only Ed25519 keys can sign key proofs here")
	}
	h, err := json.Marshal(map[string]any{"typ": "openid4vci-proof+jwt", "alg": "EdDSA", "kid": key.KeyID()})
	if err != nil {
		return "", err
	}
	p, err := json.Marshal(map[string]any{"aud": issuer, "iat": now.Unix(), "nonce": nonce})
	if err != nil {
		return "", err
	}
	input := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(p)
	sig, err := key.Sign(nil, []byte(input), crypto.Hash(0))
	if err != nil {
		return "", err
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

const maxResponse = 1 << 20

func getJSON(ctx context.Context, hc *http.Client, u string) ([]byte, error) {
	if !IsHTTPURL(u) {
		return nil, fmt.Errorf("%q is not an http(s) URL", u)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	return do(hc, req)
}

func post(ctx context.Context, hc *http.Client, u, contentType, token string, body io.Reader) ([]byte, error) {
	if !IsHTTPURL(u) {
		return nil, fmt.Errorf("%q is not an http(s) URL", u)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, body)
	if err != nil {
		return nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Accept", "application/json")
	return do(hc, req)
}

func do(hc *http.Client, req *http.Request) ([]byte, error) {
	req.Header.Set("User-Agent", "vcctl")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		e := &OAuthError{Status: resp.StatusCode}
		var body struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
		}
		if json.Unmarshal(raw, &body) == nil {
			e.Code, e.Description = body.Error, body.Description
		}
		return nil, e
	}
	return raw, nil
}
