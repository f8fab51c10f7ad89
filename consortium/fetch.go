package consortium

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/citizencloud/citizencredentials/fault"
)

// Body caps of what a verifier fetches from a member.
const (
	MaxListBytes  = 1 << 20   // a signed status list credential
	MaxDIDBytes   = 256 << 10 // a DID document
	MaxProofBytes = 64 << 10  // an inclusion proof
)

// Defaults of a Fetcher.
const (
	DefaultFetchTimeout = 5 * time.Second
	// DefaultHostConcurrency bounds the requests in flight to one member
	// host; more wait (within their timeout).
	DefaultHostConcurrency = 4
)

// Causes wrapped in the *fault.Error values Fetcher.Get returns; test them
// with errors.Is.
var (
	// ErrRefused: the request was not sent, or its connection was closed
	// before anything was written, because the destination is not allowed
	// (not an active member's host, not http(s), or an address that is
	// loopback, private, link-local, unspecified, multicast or CGNAT).
	// fault Forbidden. Callers report the check as failed; retrying does
	// not help.
	ErrRefused = errors.New("refused by the fetch guard")
	// ErrUnreachable: the member did not answer in time, the connection
	// failed, or it answered 5xx. fault Unavailable. Callers fall back to
	// what they cached from the member, proven against the chain.
	ErrUnreachable = errors.New("member unreachable")
	// ErrBadResponse: the member answered, but not with a document
	// (a redirect, a 4xx other than 404, or a body over the cap). fault
	// Unavailable.
	ErrBadResponse = errors.New("bad response from member")
)

// Fetcher makes the HTTP GET requests of remote verification. Requests go
// only to the host of the active member the caller names; the address a
// name resolves to is checked in the dialer, on the very address it
// connects to, so DNS rebinding cannot slip a private address past the
// check. No proxy is used, redirects are not followed, bodies are capped
// and every request has a timeout. It is safe for concurrent use.
type Fetcher struct {
	client       *http.Client
	allowPrivate bool
	timeout      time.Duration
	perHost      int
	dialer       *net.Dialer

	mu    sync.Mutex
	slots map[string]chan struct{} // per member host; hosts come from the chain
}

// FetchOption configures a Fetcher.
type FetchOption func(*Fetcher)

// AllowPrivate lets requests go to loopback, private, link-local and CGNAT
// addresses (development: members on 127.0.0.1). Never in production: a
// member could otherwise make other nodes reach into their own networks.
func AllowPrivate(allow bool) FetchOption { return func(f *Fetcher) { f.allowPrivate = allow } }

// WithFetchTimeout sets the time one request may take, body included
// (default DefaultFetchTimeout).
func WithFetchTimeout(d time.Duration) FetchOption { return func(f *Fetcher) { f.timeout = d } }

// WithHostConcurrency bounds the requests in flight to one host (default
// DefaultHostConcurrency).
func WithHostConcurrency(n int) FetchOption { return func(f *Fetcher) { f.perHost = max(1, n) } }

// NewFetcher returns a Fetcher.
func NewFetcher(opts ...FetchOption) *Fetcher {
	f := &Fetcher{timeout: DefaultFetchTimeout, perHost: DefaultHostConcurrency, slots: map[string]chan struct{}{}}
	for _, o := range opts {
		o(f)
	}
	f.dialer = &net.Dialer{Timeout: f.timeout, Control: f.control}
	tr := &http.Transport{
		Proxy:                  nil, // a proxy would connect on our behalf, past the address check
		DialContext:            f.dialer.DialContext,
		TLSHandshakeTimeout:    f.timeout,
		ResponseHeaderTimeout:  f.timeout,
		MaxResponseHeaderBytes: 32 << 10,
		MaxIdleConns:           64,
		MaxIdleConnsPerHost:    f.perHost,
		IdleConnTimeout:        90 * time.Second,
		ForceAttemptHTTP2:      true,
	}
	f.client = &http.Client{
		Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse // a redirect could lead anywhere
		},
	}
	return f
}

// control runs after name resolution, before connecting, on the address
// the socket is about to connect to.
func (f *Fetcher) control(network, address string, _ syscall.RawConn) error {
	if f.allowPrivate {
		return nil
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return &fault.Error{Code: fault.Forbidden, Msg: "the member host resolves to an address that is not an IP address", Err: ErrRefused}
	}
	if reason := forbiddenAddr(ap.Addr()); reason != "" {
		return &fault.Error{Code: fault.Forbidden, Msg: "the member host resolves to a " + reason + " address, which is not fetched (see --consortium-allow-private for development)", Err: ErrRefused}
	}
	return nil
}

var (
	cgnat        = netip.MustParsePrefix("100.64.0.0/10")
	thisNetwork  = netip.MustParsePrefix("0.0.0.0/8")
	ietfProtocol = netip.MustParsePrefix("192.0.0.0/24")
	benchmarking = netip.MustParsePrefix("198.18.0.0/15")
	reserved     = netip.MustParsePrefix("240.0.0.0/4")
	nat64        = netip.MustParsePrefix("64:ff9b::/96")
	nat64Local   = netip.MustParsePrefix("64:ff9b:1::/48")
)

// forbiddenAddr names the class of a that is not fetched, or "".
func forbiddenAddr(a netip.Addr) string {
	a = a.Unmap()
	switch {
	case !a.IsValid():
		return "invalid"
	case a.IsLoopback():
		return "loopback"
	case a.IsUnspecified():
		return "unspecified"
	case a.IsLinkLocalUnicast():
		return "link-local"
	case a.IsMulticast() || a.IsLinkLocalMulticast() || a.IsInterfaceLocalMulticast():
		return "multicast"
	case a.IsPrivate():
		return "private"
	case cgnat.Contains(a):
		return "shared (CGNAT)"
	case thisNetwork.Contains(a), ietfProtocol.Contains(a), benchmarking.Contains(a), reserved.Contains(a):
		return "reserved"
	case nat64.Contains(a), nat64Local.Contains(a):
		// The IPv4 address inside could be any of the above.
		return "NAT64"
	}
	return ""
}

// Get fetches rawURL from member m and returns its body, at most max bytes.
// rawURL must be under m.BaseURL (same scheme and host, and under its
// path), m must be active, and the status must be 200.
//
// Errors (*fault.Error): fault Forbidden wrapping ErrRefused for a refused
// destination; fault NotFound for a 404; fault Unavailable wrapping
// ErrUnreachable (no answer, timeout, 5xx) or ErrBadResponse (redirect,
// other status, body over max). Messages name the member, never the URL.
func (f *Fetcher) Get(ctx context.Context, m Member, rawURL string, max int64) ([]byte, error) {
	u, err := f.allowed(m, rawURL)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	release, err := f.acquire(ctx, u.Host)
	if err != nil {
		return nil, err
	}
	defer release()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, &fault.Error{Code: fault.Forbidden, Msg: "malformed URL for member " + m.Label(), Err: ErrRefused}
	}
	req.Header.Set("Accept", "application/json, application/vc+jwt, application/did+json")
	resp, err := f.client.Do(req)
	if err != nil {
		if errors.Is(err, ErrRefused) {
			var fe *fault.Error
			if errors.As(err, &fe) {
				return nil, &fault.Error{Code: fault.Forbidden, Msg: "member " + m.Label() + ": " + fe.Msg, Err: ErrRefused}
			}
		}
		return nil, &fault.Error{Code: fault.Unavailable, Msg: "member " + m.Label() + " could not be reached", Err: errors.Join(ErrUnreachable, err)}
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusOK:
	case resp.StatusCode == http.StatusNotFound:
		return nil, fault.E(fault.NotFound, "member %s has no such document", m.Label())
	case resp.StatusCode >= 500:
		return nil, &fault.Error{Code: fault.Unavailable, Msg: fmt.Sprintf("member %s answered %d", m.Label(), resp.StatusCode), Err: ErrUnreachable}
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		return nil, &fault.Error{Code: fault.Unavailable, Msg: fmt.Sprintf("member %s answered with a redirect (%d), which is not followed", m.Label(), resp.StatusCode), Err: ErrBadResponse}
	default:
		return nil, &fault.Error{Code: fault.Unavailable, Msg: fmt.Sprintf("member %s answered %d", m.Label(), resp.StatusCode), Err: ErrBadResponse}
	}
	if resp.ContentLength > max {
		return nil, &fault.Error{Code: fault.Unavailable, Msg: fmt.Sprintf("member %s sent more than %d bytes", m.Label(), max), Err: ErrBadResponse}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, &fault.Error{Code: fault.Unavailable, Msg: "member " + m.Label() + " did not send the whole document in time", Err: errors.Join(ErrUnreachable, err)}
	}
	if int64(len(body)) > max {
		return nil, &fault.Error{Code: fault.Unavailable, Msg: fmt.Sprintf("member %s sent more than %d bytes", m.Label(), max), Err: ErrBadResponse}
	}
	return body, nil
}

// allowed parses rawURL and checks it is under the active member's base URL.
func (f *Fetcher) allowed(m Member, rawURL string) (*url.URL, error) {
	refuse := func(why string) error {
		return &fault.Error{Code: fault.Forbidden, Msg: "member " + m.Label() + ": " + why, Err: ErrRefused}
	}
	if !m.Active {
		return nil, refuse("not an active member; nothing is fetched from it")
	}
	base, err := memberBase(m)
	if err != nil {
		return nil, refuse(fault.Message(err))
	}
	u, err := url.Parse(rawURL)
	if err != nil || u.User != nil || u.Opaque != "" {
		return nil, refuse("malformed URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, refuse("only http and https are fetched")
	}
	if u.Scheme != base.Scheme || canonicalHost(u) != canonicalHost(base) {
		return nil, refuse("the URL is not on the member's registered host")
	}
	if !strings.HasPrefix(u.EscapedPath(), strings.TrimSuffix(base.EscapedPath(), "/")+"/") {
		return nil, refuse("the URL is not under the member's registered base URL")
	}
	u.Fragment = ""
	return u, nil
}

// memberBase parses a member's registered base URL. Errors: fault Invalid.
func memberBase(m Member) (*url.URL, error) {
	u, err := url.Parse(m.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fault.E(fault.Invalid, "the registered base URL is not an http(s) URL")
	}
	return u, nil
}

// canonicalHost is the URL's host[:port] in lower case, without the
// scheme's default port.
func canonicalHost(u *url.URL) string {
	h, p := strings.ToLower(u.Hostname()), u.Port()
	if p == "" || (u.Scheme == "https" && p == "443") || (u.Scheme == "http" && p == "80") {
		if strings.Contains(h, ":") {
			return "[" + h + "]"
		}
		return h
	}
	return net.JoinHostPort(h, p)
}

// acquire takes one of the host's request slots, waiting until one is
// free or ctx ends.
func (f *Fetcher) acquire(ctx context.Context, host string) (func(), error) {
	f.mu.Lock()
	s, ok := f.slots[host]
	if !ok {
		s = make(chan struct{}, f.perHost)
		f.slots[host] = s
	}
	f.mu.Unlock()
	select {
	case s <- struct{}{}:
		return func() { <-s }, nil
	case <-ctx.Done():
		return nil, &fault.Error{Code: fault.Unavailable, Msg: "too many requests to the member in flight", Err: errors.Join(ErrUnreachable, ctx.Err())}
	}
}
