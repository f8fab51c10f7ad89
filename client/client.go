package client

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/Khan/genqlient/graphql"
)

// DefaultTimeout bounds one request (connect, send, wait, read) unless
// WithTimeout says otherwise. A full batch of 1000 credentials takes a few
// seconds on the embedded store; a minute leaves room for a loaded server.
const DefaultTimeout = 60 * time.Second

// Client is a graphql.Client for the service: pass it to the generated
// functions (Bureaus, IssueCredential, VerifyCredential, ...). It is safe for
// concurrent use.
type Client struct {
	gql      graphql.Client
	endpoint string
}

var _ graphql.Client = (*Client)(nil)

type config struct {
	timeout   time.Duration
	transport http.RoundTripper
	userAgent string
}

// Option changes how New builds the client.
type Option func(*config)

// WithTimeout sets the per-request timeout (default DefaultTimeout); zero
// means no timeout, only the context's.
func WithTimeout(d time.Duration) Option { return func(c *config) { c.timeout = d } }

// WithTransport sends requests through rt instead of http.DefaultTransport
// (tests, proxies, custom TLS).
func WithTransport(rt http.RoundTripper) Option { return func(c *config) { c.transport = rt } }

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option { return func(c *config) { c.userAgent = ua } }

// New returns a client for the service at baseURL (e.g.
// "http://127.0.0.1:8080"; a URL that already ends in /graphql is used as
// is). token is sent as "Authorization: Bearer <token>": the operator token,
// a bureau or verifier API key, or a holder session; empty sends no header
// (enough for credentialTypes and verifyCredential).
func New(baseURL, token string, opts ...Option) *Client {
	cfg := config{timeout: DefaultTimeout, transport: http.DefaultTransport, userAgent: "citizencredentials-client"}
	for _, o := range opts {
		o(&cfg)
	}
	endpoint := strings.TrimRight(baseURL, "/")
	if !strings.HasSuffix(endpoint, "/graphql") {
		endpoint += "/graphql"
	}
	hc := &http.Client{
		Timeout:   cfg.timeout,
		Transport: &headerTransport{next: cfg.transport, token: token, userAgent: cfg.userAgent},
	}
	return &Client{gql: graphql.NewClient(endpoint, hc), endpoint: endpoint}
}

// Endpoint is the GraphQL URL requests go to.
func (c *Client) Endpoint() string { return c.endpoint }

// MakeRequest implements graphql.Client. Errors are a gqlerror.List when the
// server answered with GraphQL errors, a *graphql.HTTPError for a non-200
// answer, or a transport error; Errors and Message understand all three.
func (c *Client) MakeRequest(ctx context.Context, req *graphql.Request, resp *graphql.Response) error {
	return c.gql.MakeRequest(ctx, req, resp)
}

// headerTransport adds the bearer token and User-Agent to every request.
type headerTransport struct {
	next      http.RoundTripper
	token     string
	userAgent string
}

func (t *headerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context()) // a RoundTripper must not modify the caller's request
	if t.token != "" {
		r.Header.Set("Authorization", "Bearer "+t.token)
	}
	if t.userAgent != "" {
		r.Header.Set("User-Agent", t.userAgent)
	}
	return t.next.RoundTrip(r)
}
