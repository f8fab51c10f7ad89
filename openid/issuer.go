package openid

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/citizencloud/citizencredentials/auth"
	"github.com/citizencloud/citizencredentials/credentials"
	"github.com/citizencloud/citizencredentials/did"
	"github.com/citizencloud/citizencredentials/fault"
)

// Wire names of OpenID4VCI 1.0.
const (
	GrantPreAuthorizedCode = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
	FormatJWTVCJSON        = "jwt_vc_json" // our vc+jwt (VCDM 2.0 secured as a JWT)
	FormatDCSDJWT          = "dc+sd-jwt"   // SD-JWT with every subject claim disclosable
	ProofTyp               = "openid4vci-proof+jwt"
	OfferScheme            = "openid-credential-offer://"
)

// Lifetimes.
const (
	DefaultOfferTTL = 10 * time.Minute
	MaxOfferTTL     = 7 * 24 * time.Hour
	DefaultTokenTTL = 5 * time.Minute
	DefaultNonceTTL = 5 * time.Minute
	// ProofSkew is how far in the future a proof's iat may lie (clock skew).
	ProofSkew = time.Minute
)

// Markers in the DID field of the one-time entries kept in the challenge
// store; they keep OpenID4VCI entries apart from DID-auth challenges.
const (
	markCode  = "urn:openid4vci:pre-authorized-code"
	markNonce = "urn:openid4vci:c_nonce"
)

// formats maps a wire format to the issuance service's format and the
// suffix of its configuration ids.
var formats = []struct {
	wire   string
	format credentials.Format
	suffix string
}{
	{FormatJWTVCJSON, credentials.FormatJWT, "_jwt_vc_json"},
	{FormatDCSDJWT, credentials.FormatSDJWT, "_dc_sd_jwt"},
}

// ConfigurationID names the configuration of type typ in wire format f
// (FormatJWTVCJSON or FormatDCSDJWT), e.g. VolunteerServiceCredential_dc_sd_jwt.
func ConfigurationID(typ, f string) string {
	for _, x := range formats {
		if x.wire == f {
			return typ + x.suffix
		}
	}
	return ""
}

// parseConfigurationID returns the type and format of a configuration id.
func parseConfigurationID(id string) (typ string, f credentials.Format, ok bool) {
	for _, x := range formats {
		if t, found := strings.CutSuffix(id, x.suffix); found && t != "" {
			return t, x.format, true
		}
	}
	return "", "", false
}

// Bureaus finds issuing bureaus (onboard.Bureaus).
type Bureaus interface {
	// BySlug returns the bureau with slug. Errors: fault NotFound.
	BySlug(ctx context.Context, slug string) (*credentials.Bureau, error)
	// Bureau returns the bureau with id. Errors: fault NotFound.
	Bureau(ctx context.Context, id string) (*credentials.Bureau, error)
}

// IssueService issues credentials (credentials.Service).
type IssueService interface {
	Issue(ctx context.Context, bureauID string, in credentials.IssueInput) (*credentials.Record, error)
	Catalogue() *credentials.Catalogue
}

// Issuer is the OpenID4VCI credential issuer of every bureau.
//
// One-time values live in the challenge store (auth.ChallengeStore: a
// unique insert, and a take that exactly one caller wins, on both store
// adapters): the pre-authorized code of an offer (put when the offer is
// made, taken by the token endpoint) and spent c_nonces (inserted by the
// credential endpoint; a second insert is a conflict). Pre-authorized
// codes, access tokens and c_nonces are HMAC-SHA-256 values keyed by
// secret, so none is stored before it is used.
type Issuer struct {
	offers   Store
	once     auth.ChallengeStore
	bureaus  Bureaus
	issue    IssueService
	base     string
	secret   []byte
	now      func() time.Time
	tokenTTL time.Duration
	nonceTTL time.Duration
}

// Option configures an Issuer.
type Option func(*Issuer)

// WithClock sets the clock (tests).
func WithClock(now func() time.Time) Option { return func(i *Issuer) { i.now = now } }

// WithTokenTTL sets the lifetime of access tokens (default DefaultTokenTTL).
func WithTokenTTL(d time.Duration) Option { return func(i *Issuer) { i.tokenTTL = d } }

// WithNonceTTL sets the lifetime of c_nonces and the maximum age of a key
// proof (default DefaultNonceTTL).
func WithNonceTTL(d time.Duration) Option { return func(i *Issuer) { i.nonceTTL = d } }

// NewIssuer returns the issuer. baseURL is the service's public base URL;
// secret (at least 32 bytes) keys the pre-authorized codes and access tokens.
func NewIssuer(offers Store, once auth.ChallengeStore, bureaus Bureaus, issue IssueService, baseURL string, secret []byte, opts ...Option) *Issuer {
	i := &Issuer{offers: offers, once: once, bureaus: bureaus, issue: issue, base: strings.TrimRight(baseURL, "/"),
		secret: secret, now: time.Now, tokenTTL: DefaultTokenTTL, nonceTTL: DefaultNonceTTL}
	for _, o := range opts {
		o(i)
	}
	return i
}

// IssuerURL is the Credential Issuer identifier of the bureau with slug.
func (i *Issuer) IssuerURL(slug string) string { return i.base + "/bureaus/" + url.PathEscape(slug) }

// activeBureau loads the bureau named by slug; an unknown or deactivated
// bureau is not an issuer.
func (i *Issuer) activeBureau(ctx context.Context, slug string) (*credentials.Bureau, error) {
	b, err := i.bureaus.BySlug(ctx, slug)
	if fault.CodeOf(err) == fault.NotFound || (err == nil && !b.Active) {
		return nil, fault.E(fault.NotFound, "no such credential issuer") // the slug is not echoed
	}
	if err != nil {
		return nil, err
	}
	return b, nil
}

// Metadata returns the Credential Issuer metadata (OpenID4VCI 1.0 §12.2) of
// the bureau with slug: one configuration per type it may issue and format.
// Errors: fault NotFound.
func (i *Issuer) Metadata(ctx context.Context, slug string) (map[string]any, error) {
	b, err := i.activeBureau(ctx, slug)
	if err != nil {
		return nil, err
	}
	iss := i.IssuerURL(b.Slug)
	cat := i.issue.Catalogue()
	algs := []string{"EdDSA", "ES256"}
	configs := map[string]any{}
	for _, name := range b.AllowedTypes {
		t, ok := cat.Type(name)
		if !ok {
			continue
		}
		display := []any{map[string]any{"name": spaced(name), "locale": "en", "description": t.Description}}
		for _, f := range formats {
			claims := make([]any, 0, len(t.Fields))
			for _, field := range t.Fields {
				path := []any{"credentialSubject", field}
				claims = append(claims, map[string]any{"path": path, "display": []any{map[string]any{"name": spaced(field), "locale": "en"}}})
			}
			c := map[string]any{
				"format": f.wire,
				"scope":  name,
				"cryptographic_binding_methods_supported": []string{"did:jwk", "did:key", "jwk"},
				"credential_signing_alg_values_supported": algs,
				"proof_types_supported": map[string]any{
					"jwt": map[string]any{"proof_signing_alg_values_supported": algs},
				},
				"credential_metadata": map[string]any{"display": display, "claims": claims},
			}
			switch f.wire {
			case FormatJWTVCJSON:
				c["credential_definition"] = map[string]any{"type": []string{"VerifiableCredential", name}}
			case FormatDCSDJWT:
				c["vct"] = cat.SchemaURL(name)
			}
			configs[name+f.suffix] = c
		}
	}
	return map[string]any{
		"credential_issuer":                   iss,
		"credential_endpoint":                 iss + "/openid4vci/credential",
		"nonce_endpoint":                      iss + "/openid4vci/nonce",
		"display":                             []any{map[string]any{"name": b.Name, "locale": "en"}},
		"credential_configurations_supported": configs,
	}, nil
}

// AuthorizationServerMetadata returns the OAuth 2.0 authorisation server
// metadata (RFC 8414) of the bureau's issuer, which is its own
// authorisation server for the pre-authorized code grant only.
// Errors: fault NotFound.
func (i *Issuer) AuthorizationServerMetadata(ctx context.Context, slug string) (map[string]any, error) {
	b, err := i.activeBureau(ctx, slug)
	if err != nil {
		return nil, err
	}
	iss := i.IssuerURL(b.Slug)
	return map[string]any{
		"issuer":                                          iss,
		"token_endpoint":                                  iss + "/openid4vci/token",
		"grant_types_supported":                           []string{GrantPreAuthorizedCode},
		"response_types_supported":                        []string{},
		"token_endpoint_auth_methods_supported":           []string{"none"},
		"pre-authorized_grant_anonymous_access_supported": true,
	}, nil
}

// spaced turns a camel-case name into words: "VolunteerServiceCredential"
// becomes "Volunteer Service Credential".
func spaced(s string) string {
	var b strings.Builder
	for k, r := range s {
		if k > 0 && unicode.IsUpper(r) {
			b.WriteByte(' ')
		}
		if k == 0 {
			r = unicode.ToUpper(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// OfferInput is what a bureau offers to a wallet.
type OfferInput struct {
	Type       string
	SubjectDID string         // optional: only a proof key of this DID may receive it
	Claims     map[string]any // checked against the type's schema now and at issuance
	TxCode     string         // optional transaction code the citizen gets on another channel (4 to 12 characters)
	Formats    []string       // FormatJWTVCJSON and/or FormatDCSDJWT; empty: both
	TTL        time.Duration  // how long the offer can be redeemed; default DefaultOfferTTL, at most MaxOfferTTL
}

// CreatedOffer is a stored offer with the ways a wallet reaches it.
type CreatedOffer struct {
	Offer *Offer
	// Issuer is the Credential Issuer identifier.
	Issuer string
	// URI carries the offer by value (credential_offer=...).
	URI string
	// URIByReference carries credential_offer_uri=OfferURL.
	URIByReference string
	// OfferURL is where the offer document is served.
	OfferURL string
}

// CreateOffer stores a credential offer of bureauID. Errors: fault Invalid
// (bad input, claims failing the schema), Forbidden (type not allowed,
// bureau inactive), and the store's errors.
func (i *Issuer) CreateOffer(ctx context.Context, bureauID string, in OfferInput) (*CreatedOffer, error) {
	b, err := i.bureaus.Bureau(ctx, bureauID)
	if errors.Is(err, fault.ErrNotFound) || (err == nil && !b.Active) {
		return nil, fault.E(fault.Forbidden, "the calling bureau does not exist or is deactivated")
	}
	if err != nil {
		return nil, err
	}
	cat := i.issue.Catalogue()
	if _, ok := cat.Type(in.Type); !ok {
		return nil, fault.E(fault.Invalid, "unknown credential type %q; see credentialTypes", in.Type)
	}
	if !slices.Contains(b.AllowedTypes, in.Type) {
		return nil, fault.E(fault.Forbidden, "bureau %s is not allowed to issue %s", b.Slug, in.Type)
	}
	if in.SubjectDID != "" {
		if _, err := did.Parse(in.SubjectDID); err != nil {
			return nil, fault.E(fault.Invalid, "subjectDid is not a valid DID: %s", fault.Message(err))
		}
	}
	if _, ok := in.Claims["id"]; ok {
		return nil, fault.E(fault.Invalid, "claims must not contain \"id\"; the subject is the wallet's key (or subjectDid)")
	}
	if err := cat.Validate(in.Type, in.Claims); err != nil {
		return nil, err
	}
	claims, err := json.Marshal(in.Claims)
	if err != nil {
		return nil, fault.E(fault.Invalid, "claims are not a JSON object")
	}
	ttl := in.TTL
	switch {
	case ttl == 0:
		ttl = DefaultOfferTTL
	case ttl < 0 || ttl > MaxOfferTTL:
		return nil, fault.E(fault.Invalid, "an offer lives between 1 second and %s", MaxOfferTTL)
	}
	var configs []string
	wanted := in.Formats
	if len(wanted) == 0 {
		wanted = []string{FormatJWTVCJSON, FormatDCSDJWT}
	}
	for _, f := range wanted {
		id := ConfigurationID(in.Type, f)
		if id == "" {
			return nil, fault.E(fault.Invalid, "format %q cannot be offered (jwt_vc_json, dc+sd-jwt)", f)
		}
		if !slices.Contains(configs, id) {
			configs = append(configs, id)
		}
	}
	now := i.now().UTC().Truncate(time.Millisecond)
	idb := make([]byte, 16)
	if _, err := rand.Read(idb); err != nil {
		return nil, err
	}
	o := &Offer{
		ID: base64.RawURLEncoding.EncodeToString(idb), BureauID: b.ID, Type: in.Type, SubjectDID: in.SubjectDID,
		Claims: claims, Configurations: configs, ExpiresAt: now.Add(ttl), CreatedAt: now,
	}
	if in.TxCode != "" {
		if n := len([]rune(in.TxCode)); n < 4 || n > 12 || strings.IndexFunc(in.TxCode, func(r rune) bool { return !unicode.IsPrint(r) || unicode.IsSpace(r) }) >= 0 {
			return nil, fault.E(fault.Invalid, "txCode must be 4 to 12 printable characters without spaces")
		}
		o.TxCodeHash = txHash(o.ID, in.TxCode)
		o.TxCodeLength = len([]rune(in.TxCode))
		o.TxCodeNumeric = strings.IndexFunc(in.TxCode, func(r rune) bool { return r < '0' || r > '9' }) < 0
	}
	if err := i.offers.PutOffer(ctx, o); err != nil {
		return nil, err
	}
	if err := i.once.PutChallenge(ctx, &auth.Challenge{Nonce: codeKey(o.ID), DID: markCode, ExpiresAt: o.ExpiresAt}); err != nil {
		return nil, err
	}
	return i.created(b, o)
}

func (i *Issuer) created(b *credentials.Bureau, o *Offer) (*CreatedOffer, error) {
	iss := i.IssuerURL(b.Slug)
	doc, err := json.Marshal(i.offerDocument(iss, o))
	if err != nil {
		return nil, err
	}
	ref := iss + "/openid4vci/offers/" + o.ID
	return &CreatedOffer{
		Offer: o, Issuer: iss, OfferURL: ref,
		URI:            OfferScheme + "?credential_offer=" + url.QueryEscape(string(doc)),
		URIByReference: OfferScheme + "?credential_offer_uri=" + url.QueryEscape(ref),
	}, nil
}

// offerDocument is the Credential Offer (OpenID4VCI 1.0 §4.1.1).
func (i *Issuer) offerDocument(iss string, o *Offer) map[string]any {
	grant := map[string]any{"pre-authorized_code": i.preAuthorizedCode(o.ID)}
	if o.TxCodeHash != "" {
		mode := "text"
		if o.TxCodeNumeric {
			mode = "numeric"
		}
		grant["tx_code"] = map[string]any{"input_mode": mode, "length": o.TxCodeLength,
			"description": "The code the bureau sent you separately"}
	}
	return map[string]any{
		"credential_issuer":            iss,
		"credential_configuration_ids": o.Configurations,
		"grants":                       map[string]any{GrantPreAuthorizedCode: grant},
	}
}

// OfferDocument returns the offer id of the bureau with slug, as served at
// its credential_offer_uri. Errors: fault NotFound (unknown, another
// bureau's, or expired).
func (i *Issuer) OfferDocument(ctx context.Context, slug, id string) (map[string]any, error) {
	b, err := i.activeBureau(ctx, slug)
	if err != nil {
		return nil, err
	}
	o, err := i.offers.Offer(ctx, id)
	if errors.Is(err, fault.ErrNotFound) || (err == nil && (o.BureauID != b.ID || !i.now().Before(o.ExpiresAt))) {
		return nil, fault.E(fault.NotFound, "no such credential offer (or it expired)")
	}
	if err != nil {
		return nil, err
	}
	return i.offerDocument(i.IssuerURL(b.Slug), o), nil
}

// Offer returns a stored offer with its URIs, for the bureau that made it
// (the QR code page). Errors: fault NotFound.
func (i *Issuer) Offer(ctx context.Context, bureauSlug, id string) (*CreatedOffer, error) {
	b, err := i.activeBureau(ctx, bureauSlug)
	if err != nil {
		return nil, err
	}
	o, err := i.offers.Offer(ctx, id)
	if errors.Is(err, fault.ErrNotFound) || (err == nil && (o.BureauID != b.ID || !i.now().Before(o.ExpiresAt))) {
		return nil, fault.E(fault.NotFound, "no such credential offer (or it expired)")
	}
	if err != nil {
		return nil, err
	}
	return i.created(b, o)
}

func codeKey(offerID string) string { return "openid4vci-code:" + offerID }

func txHash(offerID, tx string) string {
	s := sha256.Sum256([]byte("openid4vci-tx-code\x00" + offerID + "\x00" + tx))
	return hex.EncodeToString(s[:])
}

func (i *Issuer) mac(parts ...string) string {
	h := hmac.New(sha256.New, i.secret)
	h.Write([]byte(strings.Join(parts, "\x00")))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}

// preAuthorizedCode is <offer id>.<HMAC of the offer id>.
func (i *Issuer) preAuthorizedCode(offerID string) string {
	return offerID + "." + i.mac("pre-authorized-code", offerID)
}

// offerOfCode returns the offer id a pre-authorized code names, if the
// code is genuine.
func (i *Issuer) offerOfCode(code string) (string, bool) {
	id, m, ok := strings.Cut(code, ".")
	if !ok || id == "" || len(code) > 200 {
		return "", false
	}
	return id, hmac.Equal([]byte(m), []byte(i.mac("pre-authorized-code", id)))
}

// accessToken is <offer id>.<expiry, unix seconds>.<HMAC of both>.
func (i *Issuer) accessToken(offerID string, exp time.Time) string {
	e := strconv.FormatInt(exp.Unix(), 10)
	return offerID + "." + e + "." + i.mac("access-token", offerID, e)
}

// offerOfToken returns the offer id of a genuine, unexpired access token.
func (i *Issuer) offerOfToken(tok string) (string, bool) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 || len(tok) > 200 {
		return "", false
	}
	exp, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || !hmac.Equal([]byte(parts[2]), []byte(i.mac("access-token", parts[0], parts[1]))) {
		return "", false
	}
	return parts[0], i.now().Unix() < exp
}

// TokenRequest is the token endpoint's form (RFC 6749 §4.1.3, OpenID4VCI
// 1.0 §6.1).
type TokenRequest struct {
	GrantType         string
	PreAuthorizedCode string
	TxCode            string
}

// TokenResponse is the token endpoint's answer.
type TokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
}

// Token exchanges a pre-authorized code (once) for an access token.
// A wrong transaction code spends the pre-authorized code: the bureau makes
// a new offer (the code must not be guessable by retrying).
// Errors: *Error (unsupported_grant_type, invalid_request, invalid_grant)
// and the store's errors.
func (i *Issuer) Token(ctx context.Context, slug string, r TokenRequest) (*TokenResponse, error) {
	if r.GrantType != GrantPreAuthorizedCode {
		return nil, oauthErr(ErrUnsupportedGrantType, "only the pre-authorized code grant is supported")
	}
	if r.PreAuthorizedCode == "" {
		return nil, oauthErr(ErrInvalidRequest, "pre-authorized_code is missing")
	}
	id, ok := i.offerOfCode(r.PreAuthorizedCode)
	if !ok {
		return nil, oauthErr(ErrInvalidGrant, "unknown pre-authorized code")
	}
	b, err := i.activeBureau(ctx, slug)
	if errors.Is(err, fault.ErrNotFound) || fault.CodeOf(err) == fault.NotFound {
		return nil, oauthErr(ErrInvalidGrant, "unknown pre-authorized code")
	}
	if err != nil {
		return nil, err
	}
	o, err := i.offers.Offer(ctx, id)
	if errors.Is(err, fault.ErrNotFound) || (err == nil && o.BureauID != b.ID) {
		return nil, oauthErr(ErrInvalidGrant, "unknown pre-authorized code")
	}
	if err != nil {
		return nil, err
	}
	now := i.now()
	if !now.Before(o.ExpiresAt) {
		return nil, oauthErr(ErrInvalidGrant, "the credential offer expired; ask the bureau for a new one")
	}
	if o.TxCodeHash != "" && r.TxCode == "" {
		return nil, oauthErr(ErrInvalidRequest, "this offer needs the transaction code (tx_code)")
	}
	if _, err := i.once.TakeChallenge(ctx, codeKey(o.ID)); errors.Is(err, fault.ErrNotFound) {
		return nil, oauthErr(ErrInvalidGrant, "the pre-authorized code was already used")
	} else if err != nil {
		return nil, err
	}
	if o.TxCodeHash != "" && !hmac.Equal([]byte(txHash(o.ID, r.TxCode)), []byte(o.TxCodeHash)) {
		return nil, oauthErr(ErrInvalidGrant, "wrong transaction code; the offer can no longer be used, ask the bureau for a new one")
	}
	if r.TxCode != "" && o.TxCodeHash == "" {
		return nil, oauthErr(ErrInvalidRequest, "this offer has no transaction code")
	}
	exp := now.Add(i.tokenTTL)
	return &TokenResponse{AccessToken: i.accessToken(o.ID, exp), TokenType: "Bearer", ExpiresIn: int(i.tokenTTL / time.Second)}, nil
}

// Nonce returns a fresh c_nonce (OpenID4VCI 1.0 §7) for one key proof:
// <random>.<expiry, unix seconds>.<HMAC of both>. Nothing is stored (the
// endpoint is open to anyone); the credential endpoint, which needs an
// access token, records a nonce as spent when it accepts a proof.
func (i *Issuer) Nonce(ctx context.Context) (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	r := base64.RawURLEncoding.EncodeToString(b)
	e := strconv.FormatInt(i.now().Add(i.nonceTTL).Unix(), 10)
	return r + "." + e + "." + i.mac("c_nonce", r, e), nil
}

// nonceExpiry returns the expiry of a genuine c_nonce that has not expired.
func (i *Issuer) nonceExpiry(n string) (time.Time, bool) {
	parts := strings.Split(n, ".")
	if len(parts) != 3 || len(n) > 200 {
		return time.Time{}, false
	}
	exp, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || !hmac.Equal([]byte(parts[2]), []byte(i.mac("c_nonce", parts[0], parts[1]))) {
		return time.Time{}, false
	}
	t := time.Unix(exp, 0)
	return t, i.now().Before(t)
}

// spendNonce accepts a c_nonce once: a genuine, unexpired nonce is recorded
// as spent by a unique insert into the challenge store (a second insert is
// a conflict on every store adapter).
func (i *Issuer) spendNonce(ctx context.Context, n string) error {
	exp, ok := i.nonceExpiry(n)
	if !ok {
		return oauthErr(ErrInvalidNonce, "the proof's nonce is unknown or expired; get a new one from the nonce endpoint")
	}
	err := i.once.PutChallenge(ctx, &auth.Challenge{Nonce: "openid4vci-nonce:" + n, DID: markNonce, ExpiresAt: exp.UTC()})
	if errors.Is(err, fault.ErrConflict) {
		return oauthErr(ErrInvalidNonce, "the proof's nonce was already used; get a new one from the nonce endpoint")
	}
	return err
}

// CredentialRequest is the credential endpoint's body (OpenID4VCI 1.0 §8.2;
// the single "proof" object of earlier drafts is accepted too).
type CredentialRequest struct {
	ConfigurationID string `json:"credential_configuration_id"`
	Identifier      string `json:"credential_identifier"`
	Format          string `json:"format"`
	Proof           *struct {
		ProofType string `json:"proof_type"`
		JWT       string `json:"jwt"`
	} `json:"proof"`
	Proofs map[string][]json.RawMessage `json:"proofs"`
}

// CredentialResponse is the credential endpoint's answer (§8.3).
type CredentialResponse struct {
	Credentials []IssuedCredential `json:"credentials"`
}

// IssuedCredential is one credential of a CredentialResponse.
type IssuedCredential struct {
	Credential string `json:"credential"`
}

// Credential issues the credential the access token's offer names in the
// configuration the request asks for, bound to the key of the request's
// jwt proof. Retrying with the same key returns the same credential.
// Errors: *Error (invalid_token, invalid_credential_request,
// unknown_credential_configuration, unsupported_credential_format,
// invalid_proof, invalid_nonce, credential_request_denied), and the
// issuance service's or store's errors (unavailable, internal).
func (i *Issuer) Credential(ctx context.Context, slug, accessToken string, req *CredentialRequest) (*CredentialResponse, error) {
	id, ok := i.offerOfToken(accessToken)
	if !ok {
		return nil, oauthErr(ErrInvalidToken, "the access token is invalid or expired")
	}
	b, err := i.activeBureau(ctx, slug)
	if fault.CodeOf(err) == fault.NotFound {
		return nil, oauthErr(ErrInvalidToken, "the access token is not for this issuer")
	}
	if err != nil {
		return nil, err
	}
	o, err := i.offers.Offer(ctx, id)
	if errors.Is(err, fault.ErrNotFound) || (err == nil && o.BureauID != b.ID) {
		return nil, oauthErr(ErrInvalidToken, "the access token is not for this issuer")
	}
	if err != nil {
		return nil, err
	}
	if req.Identifier != "" {
		return nil, oauthErr(ErrInvalidCredentialRequest, "credential_identifier is not supported; name a credential_configuration_id")
	}
	if req.ConfigurationID == "" {
		if req.Format != "" && req.Format != FormatJWTVCJSON && req.Format != FormatDCSDJWT {
			return nil, oauthErr(ErrUnsupportedCredentialFormat, "formats issued: jwt_vc_json, dc+sd-jwt")
		}
		return nil, oauthErr(ErrInvalidCredentialRequest, "credential_configuration_id is missing")
	}
	if !slices.Contains(o.Configurations, req.ConfigurationID) {
		return nil, oauthErr(ErrUnknownConfiguration, "the offer does not include this credential configuration")
	}
	typ, format, _ := parseConfigurationID(req.ConfigurationID)
	proof, perr := singleJWTProof(req)
	if perr != nil {
		return nil, perr
	}
	holder, nonce, perr := i.verifyProof(proof, i.IssuerURL(b.Slug), o.SubjectDID)
	if perr != nil {
		return nil, perr
	}
	if err := i.spendNonce(ctx, nonce); err != nil {
		return nil, err
	}
	var claims map[string]any
	if err := json.Unmarshal(o.Claims, &claims); err != nil {
		return nil, err
	}
	rec, err := i.issue.Issue(ctx, b.ID, credentials.IssueInput{
		Type: typ, SubjectDID: holder, Claims: claims, Format: format,
		IdempotencyKey: "openid4vci:" + o.ID + ":" + req.ConfigurationID,
	})
	switch fault.CodeOf(err) {
	case fault.Conflict:
		return nil, oauthErr(ErrCredentialRequestDenied, "this credential was already issued to another key")
	case fault.Invalid, fault.Forbidden:
		return nil, oauthErr(ErrCredentialRequestDenied, fault.Message(err))
	}
	if err != nil {
		return nil, err
	}
	return &CredentialResponse{Credentials: []IssuedCredential{{Credential: rec.Credential}}}, nil
}

// singleJWTProof returns the one jwt key proof of req.
func singleJWTProof(req *CredentialRequest) (string, *Error) {
	if req.Proof != nil && req.Proofs != nil {
		return "", oauthErr(ErrInvalidCredentialRequest, "give proof or proofs, not both")
	}
	if req.Proof != nil {
		if req.Proof.ProofType != "jwt" || req.Proof.JWT == "" {
			return "", oauthErr(ErrInvalidProof, "only a jwt proof is supported")
		}
		return req.Proof.JWT, nil
	}
	if len(req.Proofs) == 0 {
		return "", oauthErr(ErrInvalidProof, "a jwt key proof is required")
	}
	jwts, ok := req.Proofs["jwt"]
	if !ok || len(req.Proofs) != 1 {
		return "", oauthErr(ErrInvalidProof, "only jwt proofs are supported")
	}
	if len(jwts) != 1 {
		return "", oauthErr(ErrInvalidProof, "exactly one jwt proof is supported (no batch issuance)")
	}
	var s string
	if err := json.Unmarshal(jwts[0], &s); err != nil || s == "" {
		return "", oauthErr(ErrInvalidProof, "a jwt proof is a compact JWS string")
	}
	return s, nil
}
