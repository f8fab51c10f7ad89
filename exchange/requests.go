package exchange

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/google/uuid"

	"github.com/citizencloud/citizencredentials/credentials"
	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/internal/text"
)

// CheckRequestExpiry is the first check of a result Requests.Submit
// returns: the presentation arrived before the request expired.
const CheckRequestExpiry = "request_expiry"

// Lifetimes of presentation requests.
const (
	DefaultRequestTTL = 10 * time.Minute
	MaxRequestTTL     = 24 * time.Hour
)

// RequestInput is what a verifier asks for. Give either Definition, a DIF
// Presentation Exchange v2 presentation_definition (JSON, bare or wrapped
// in {"presentation_definition": ...}), or the shorthand (Types, Fields,
// AcceptedIssuers, LimitDisclosure), which becomes one: one input
// descriptor per type with $.type, $.credentialSubject.<field> and $.issuer
// constraints.
type RequestInput struct {
	Definition json.RawMessage

	Types           []string // credential types, e.g. VolunteerServiceCredential; one credential of each is required
	Fields          []string // credentialSubject fields that must be presented (disclosed), e.g. hours
	AcceptedIssuers []string // issuer DIDs accepted; empty: any issuer
	LimitDisclosure bool     // require SD-JWT credentials that disclose only the fields asked for

	Purpose string        // why the verifier asks, shown to the holder; default: the definition's purpose
	Domain  string        // expected aud of the presentation; default: the service's domain (WithDefaultDomain)
	TTL     time.Duration // how long the request may be answered; default DefaultRequestTTL, at most MaxRequestTTL
}

// Requests is the presentation request service: verifiers create requests
// (a challenge, a domain and what is required), holders answer each once
// with a presentation, and the verified result is stored for the verifier.
type Requests struct {
	store    RequestStore
	v        *credentials.Verifier
	domain   string
	onResult []func(context.Context, *PresentationRequest)
}

// RequestsOption configures Requests.
type RequestsOption func(*Requests)

// WithDefaultDomain sets the domain (the aud a presentation must name) of
// requests that give none: the service's public base URL.
func WithDefaultDomain(baseURL string) RequestsOption {
	return func(r *Requests) { r.domain = strings.TrimRight(baseURL, "/") }
}

// OnResult registers f, called after the result of a request is saved
// (verified or failed), with the request as saved. f runs synchronously in
// Submit: it must return quickly (hand the request to a channel, e.g. the
// GraphQL presentationSubmitted subscription). f must not panic: nothing
// recovers it here.
func OnResult(f func(ctx context.Context, r *PresentationRequest)) RequestsOption {
	return func(r *Requests) {
		if f != nil {
			r.onResult = append(r.onResult, f)
		}
	}
}

// NewRequests returns the service over store, verifying with v. Requests
// expire by v's clock (credentials.WithClock), the one clock of verification.
func NewRequests(store RequestStore, v *credentials.Verifier, opts ...RequestsOption) *Requests {
	r := &Requests{store: store, v: v}
	for _, o := range opts {
		o(r)
	}
	return r
}

// Create makes a pending presentation request for the verifier: id a
// UUIDv7, a challenge of 32 random bytes (base64url), the domain, the
// definition (stored as JSON), ExpiresAt = now + TTL. Errors: fault Invalid
// (no verifier, a definition or shorthand that cannot be used, a bad domain
// or TTL), the store's errors (fault Unavailable).
func (s *Requests) Create(ctx context.Context, verifierID string, in RequestInput) (*PresentationRequest, error) {
	if strings.TrimSpace(verifierID) == "" {
		return nil, fault.E(fault.Invalid, "a presentation request needs a verifier")
	}
	domain := in.Domain
	if domain == "" {
		domain = s.domain
	}
	switch {
	case domain == "":
		return nil, fault.E(fault.Invalid, "the request has no domain and the service has no default domain")
	case len(domain) > 2048 || strings.IndexFunc(domain, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
		return nil, fault.E(fault.Invalid, "the domain must be a URL or host name without spaces, at most 2048 characters")
	}
	ttl := in.TTL
	switch {
	case ttl == 0:
		ttl = DefaultRequestTTL
	case ttl < time.Second || ttl > MaxRequestTTL:
		return nil, fault.E(fault.Invalid, "the request lifetime must be between 1 second and %s", MaxRequestTTL)
	}
	if len(in.Purpose) > 1000 {
		return nil, fault.E(fault.Invalid, "the purpose is longer than 1000 characters")
	}
	uid, err := uuid.NewV7()
	if err != nil {
		return nil, fmt.Errorf("request id: %w", err)
	}
	id := uid.String()

	purpose := in.Purpose
	var def []byte
	if len(in.Definition) > 0 && string(in.Definition) != "null" {
		if len(in.Types) > 0 || len(in.Fields) > 0 || len(in.AcceptedIssuers) > 0 || in.LimitDisclosure {
			return nil, fault.E(fault.Invalid, "give either a presentation definition or types/fields/issuers, not both")
		}
		d, err := parseDefinition(in.Definition)
		if err != nil {
			return nil, err
		}
		if def, err = json.Marshal(d.raw()); err != nil {
			return nil, fault.Wrap(fault.Invalid, err, "the presentation definition cannot be stored")
		}
		if purpose == "" {
			purpose = d.pd.Purpose
		}
	} else {
		var cat *credentials.Catalogue
		if s.v != nil {
			cat = s.v.Catalogue()
		}
		pd, err := shorthandDefinition(cat, id, in)
		if err != nil {
			return nil, err
		}
		if def, err = json.Marshal(pd); err != nil {
			return nil, fmt.Errorf("encode definition: %w", err)
		}
		if _, err := parseDefinition(def); err != nil {
			return nil, err
		}
	}

	challenge := make([]byte, 32)
	if _, err := rand.Read(challenge); err != nil {
		return nil, fmt.Errorf("challenge: %w", err)
	}
	now := s.now()
	r := &PresentationRequest{
		ID:         id,
		VerifierID: verifierID,
		Challenge:  base64.RawURLEncoding.EncodeToString(challenge),
		Domain:     domain,
		Purpose:    purpose,
		Definition: def,
		ExpiresAt:  now.Add(ttl),
		State:      RequestPending,
		CreatedAt:  now,
		UpdatedAt:  now,
	}
	if err := s.store.CreateRequest(ctx, r); err != nil {
		return nil, fmt.Errorf("create presentation request: %w", err)
	}
	return r, nil
}

// raw returns the definition as stored: the caller's JSON, compacted.
func (d *definition) raw() json.RawMessage { return d.source }

// Get returns the request with id. Errors: fault NotFound, the store's
// errors.
func (s *Requests) Get(ctx context.Context, id string) (*PresentationRequest, error) {
	r, err := s.store.Request(ctx, id)
	if errors.Is(err, fault.ErrNotFound) {
		return nil, &fault.Error{Code: fault.NotFound, Msg: "there is no presentation request " + text.Truncate(id, 64), Err: err}
	}
	return r, err
}

// Submit answers the request with a presentation, exactly once. The request
// is claimed first (a second Submit, e.g. a replay, fails with fault
// Conflict whatever it carries), then: an expired request gets a result
// with a failing request_expiry check; otherwise the presentation is
// verified with the request's challenge and domain (VerifyPresentation) and
// its verified credentials are evaluated against the definition (the
// constraints check). The result is saved with the state verified or
// failed, the OnResult functions are called, and the result is returned.
// Errors: fault NotFound (no such request), Conflict (already answered),
// Invalid (no presentation at all; the request stays open), the store's
// errors. A presentation that does not verify is not an error: it is a
// result with failing checks.
func (s *Requests) Submit(ctx context.Context, requestID, presentation string) (*credentials.Result, error) {
	r, err := s.Get(ctx, requestID)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(presentation) == "" {
		return nil, fault.E(fault.Invalid, "no presentation was submitted")
	}
	return s.answer(ctx, r, func() *credentials.Result { return s.verify(ctx, r, []string{presentation}, r.Domain) })
}

// SubmitPresentations answers the request, exactly once and like Submit,
// with several presentations (an OpenID4VP vp_token: one per credential
// query), each verified with the request's challenge as nonce and with
// audience (the OpenID4VP client identifier) as domain; the credentials
// they carry together are evaluated against the definition. Errors: as
// Submit.
func (s *Requests) SubmitPresentations(ctx context.Context, requestID string, presentations []string, audience string) (*credentials.Result, error) {
	r, err := s.Get(ctx, requestID)
	if err != nil {
		return nil, err
	}
	if len(presentations) == 0 {
		return nil, fault.E(fault.Invalid, "no presentation was submitted")
	}
	for _, p := range presentations {
		if strings.TrimSpace(p) == "" {
			return nil, fault.E(fault.Invalid, "an empty presentation was submitted")
		}
	}
	return s.answer(ctx, r, func() *credentials.Result { return s.verify(ctx, r, presentations, audience) })
}

// answer claims r, verifies with verify unless r expired, saves the result
// and tells the OnResult functions.
func (s *Requests) answer(ctx context.Context, r *PresentationRequest, verify func() *credentials.Result) (*credentials.Result, error) {
	if r.State != RequestPending {
		return nil, errAnswered(nil)
	}
	if err := s.store.ClaimRequest(ctx, r.ID); err != nil {
		if errors.Is(err, fault.ErrConflict) {
			return nil, errAnswered(err)
		}
		return nil, fmt.Errorf("claim presentation request: %w", err)
	}
	now := s.now()
	var res *credentials.Result
	if !now.Before(r.ExpiresAt) {
		res = &credentials.Result{Checks: []credentials.Check{{Name: CheckRequestExpiry, Message: fmt.Sprintf("the request expired at %s (now %s); ask the verifier for a new one", text.Time(r.ExpiresAt), text.Time(now))}}, Credentials: []credentials.Summary{}}
	} else {
		res = verify()
	}
	body, err := EncodeResult(res)
	if err != nil {
		return nil, fmt.Errorf("encode result: %w", err)
	}
	state := RequestFailed
	if res.Verified {
		state = RequestVerified
	}
	if err := s.store.SaveRequestResult(ctx, r.ID, state, body, now); err != nil {
		return nil, fmt.Errorf("save presentation result: %w", err)
	}
	r.State, r.Result, r.UpdatedAt = state, body, now
	for _, f := range s.onResult {
		f(ctx, r)
	}
	return res, nil
}

func errAnswered(cause error) error {
	return &fault.Error{Code: fault.Conflict, Msg: "this presentation request was already answered; a request accepts one presentation (ask the verifier for a new request)", Err: cause}
}

func (s *Requests) verify(ctx context.Context, r *PresentationRequest, presentations []string, domain string) *credentials.Result {
	v := s.v
	if v == nil {
		v = credentials.NewVerifier(nil, nil)
	}
	checks := []credentials.Check{{Name: CheckRequestExpiry, OK: true, Message: fmt.Sprintf("answered before the request expired at %s", text.Time(r.ExpiresAt))}}
	summaries := []credentials.Summary{}
	var all []*presented
	unreadable := false
	for _, p := range presentations {
		res, creds := verifyPresentation(ctx, v, p, credentials.PresentationOptions{Challenge: r.Challenge, Domain: domain})
		checks = append(checks, res.Checks...)
		summaries = append(summaries, res.Credentials...)
		if creds == nil {
			unreadable = true
		}
		all = append(all, creds...)
	}
	var cc credentials.Check
	if unreadable {
		cc = credentials.Check{Name: CheckConstraints, Message: "the presentation could not be read, so nothing it carries meets the request"}
	} else {
		cc = evaluateDefinition(r.Definition, all)
	}
	checks = append(checks, cc)
	out := &credentials.Result{Checks: checks, Credentials: summaries, Verified: true}
	for _, c := range checks {
		out.Verified = out.Verified && c.OK
	}
	return out
}

// Result encoding, as stored in PresentationRequest.Result. The field names
// are those of the GraphQL VerificationResult.
type resultJSON struct {
	Verified    bool          `json:"verified"`
	Checks      []checkJSON   `json:"checks"`
	Credentials []summaryJSON `json:"credentials"`
}

type checkJSON struct {
	Name       string `json:"name"`
	OK         bool   `json:"ok"`
	Message    string `json:"message,omitempty"`
	Credential string `json:"credential,omitempty"`
	Pending    bool   `json:"pending,omitempty"`
	Member     string `json:"member,omitempty"`
	Block      uint64 `json:"block,omitempty"`
}

type summaryJSON struct {
	ID         string         `json:"id,omitempty"`
	Issuer     string         `json:"issuer,omitempty"`
	Subject    string         `json:"subject,omitempty"`
	Types      []string       `json:"types"`
	ValidFrom  *time.Time     `json:"validFrom,omitempty"`
	ValidUntil *time.Time     `json:"validUntil,omitempty"`
	Claims     map[string]any `json:"claims,omitempty"`
}

// EncodeResult encodes r as JSON: {"verified", "checks": [{"name", "ok",
// "message", "credential", "pending", "member", "block"}], "credentials": [{"id", "issuer", "subject",
// "types", "validFrom", "validUntil", "claims"}]}.
func EncodeResult(r *credentials.Result) ([]byte, error) {
	if r == nil {
		return nil, fault.E(fault.Invalid, "no result")
	}
	out := resultJSON{Verified: r.Verified, Checks: []checkJSON{}, Credentials: []summaryJSON{}}
	for _, c := range r.Checks {
		out.Checks = append(out.Checks, checkJSON(c))
	}
	for _, s := range r.Credentials {
		out.Credentials = append(out.Credentials, summaryJSON{ID: s.ID, Issuer: s.Issuer, Subject: s.Subject, Types: s.Types, ValidFrom: s.ValidFrom, ValidUntil: s.ValidUntil, Claims: s.Claims})
	}
	return json.Marshal(out)
}

// DecodeResult decodes what EncodeResult made (a stored request result).
// Errors are fault Internal.
func DecodeResult(b []byte) (*credentials.Result, error) {
	var in resultJSON
	if err := json.Unmarshal(b, &in); err != nil {
		return nil, fault.Wrap(fault.Internal, err, "stored verification result is not readable")
	}
	r := &credentials.Result{Verified: in.Verified, Checks: []credentials.Check{}, Credentials: []credentials.Summary{}}
	for _, c := range in.Checks {
		r.Checks = append(r.Checks, credentials.Check(c))
	}
	for _, s := range in.Credentials {
		r.Credentials = append(r.Credentials, credentials.Summary{ID: s.ID, Issuer: s.Issuer, Subject: s.Subject, Types: s.Types, ValidFrom: s.ValidFrom, ValidUntil: s.ValidUntil, Claims: s.Claims})
	}
	return r, nil
}

// now is the time by the verifier's clock.
func (s *Requests) now() time.Time {
	if s.v == nil {
		return time.Now().UTC()
	}
	return s.v.Now().UTC()
}
