package did

import (
	"context"
	"net/url"
	"strings"

	"github.com/citizencloud/citizencredentials/fault"
)

// WebDID returns the did:web identifier of a document served at
// https://<host>/<path...>/did.json (or /.well-known/did.json without path).
// A port in host is kept with its colon percent-encoded ("%3A"); characters
// outside the DID id-char set in host or path segments are percent-encoded.
//
//	WebDID("gov.example:8443", "bureaus", "volunteering") == "did:web:gov.example%3A8443:bureaus:volunteering"
func WebDID(host string, path ...string) string {
	var b strings.Builder
	b.WriteString("did:web:")
	b.WriteString(webEscape(strings.ToLower(host)))
	for _, seg := range path {
		b.WriteByte(':')
		b.WriteString(webEscape(seg))
	}
	return b.String()
}

func webEscape(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isIDChar(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// WebParts splits a did:web identifier into its host (with port, decoded)
// and decoded path segments. Errors are fault Invalid: a host that is not a
// plain host[:port], empty segments, or segments that would change the URL
// path ("/", "." or "..").
func WebParts(did string) (host string, path []string, err error) {
	d, err := Parse(did)
	if err != nil {
		return "", nil, err
	}
	if d.Method != "web" {
		return "", nil, fault.E(fault.Invalid, "not a did:web identifier")
	}
	parts := strings.Split(d.ID, ":")
	host, err = url.PathUnescape(parts[0])
	if err != nil || host == "" {
		return "", nil, fault.E(fault.Invalid, "invalid did:web: bad host")
	}
	u, err := url.Parse("https://" + host)
	if err != nil || u.Host != host || u.User != nil || u.Hostname() == "" || strings.ContainsAny(host, "/?#@\\%") {
		return "", nil, fault.E(fault.Invalid, "invalid did:web: bad host")
	}
	for _, p := range parts[1:] {
		seg, err := url.PathUnescape(p)
		if err != nil || seg == "" || seg == "." || seg == ".." || strings.ContainsAny(seg, "/\\?#") {
			return "", nil, fault.E(fault.Invalid, "invalid did:web: bad path segment")
		}
		path = append(path, seg)
	}
	return host, path, nil
}

// WebURL returns the URL of the DID document of a did:web identifier:
// https://<host>/.well-known/did.json without a path, else
// https://<host>/<path...>/did.json. Errors are fault Invalid.
func WebURL(did string) (string, error) {
	host, path, err := WebParts(did)
	if err != nil {
		return "", err
	}
	if len(path) == 0 {
		return "https://" + host + "/.well-known/did.json", nil
	}
	esc := make([]string, len(path))
	for i, p := range path {
		esc[i] = url.PathEscape(p)
	}
	return "https://" + host + "/" + strings.Join(esc, "/") + "/did.json", nil
}

// LookupFunc finds the DID document of a did:web identifier without the
// network (the service looks up its own bureaus in its store). It returns
// fault NotFound (e.g. fault.ErrNotFound) for an unknown DID.
type LookupFunc func(ctx context.Context, did string) (*Document, error)

// WebResolver resolves did:web identifiers through a LookupFunc; it has no
// network code. With WithHosts, DIDs of other hosts are refused with fault
// Unavailable (wrapping ErrRemoteDisabled) before the lookup is asked.
type WebResolver struct {
	lookup LookupFunc
	hosts  map[string]bool
}

// WebOption configures a WebResolver.
type WebOption func(*WebResolver)

// WithHosts limits the resolver to did:web identifiers of these hosts
// (host[:port], compared case-insensitively), e.g. the service's own public
// host.
func WithHosts(hosts ...string) WebOption {
	return func(r *WebResolver) {
		if r.hosts == nil {
			r.hosts = map[string]bool{}
		}
		for _, h := range hosts {
			r.hosts[strings.ToLower(h)] = true
		}
	}
}

// NewWebResolver returns a did:web resolver over lookup.
func NewWebResolver(lookup LookupFunc, opts ...WebOption) *WebResolver {
	r := &WebResolver{lookup: lookup}
	for _, o := range opts {
		o(r)
	}
	return r
}

// Resolve implements Resolver. Errors: fault Invalid for a malformed
// did:web; fault Unavailable (ErrRemoteDisabled) for a host not served
// locally; fault NotFound for an unknown DID; whatever lookup returns
// otherwise. A document whose id is not did is reported as fault Internal.
func (r *WebResolver) Resolve(ctx context.Context, did string) (*Document, error) {
	host, _, err := WebParts(did)
	if err != nil {
		return nil, err
	}
	if r.hosts != nil && !r.hosts[strings.ToLower(host)] {
		return nil, &fault.Error{
			Code: fault.Unavailable,
			Msg:  "resolving " + truncate(did) + " would need the network, which is disabled (only local bureaus resolve)",
			Err:  ErrRemoteDisabled,
		}
	}
	if r.lookup == nil {
		return nil, &fault.Error{Code: fault.Unavailable, Msg: "did:web resolution is not configured", Err: ErrRemoteDisabled}
	}
	doc, err := r.lookup(ctx, did)
	if err != nil {
		return nil, err
	}
	if doc == nil {
		return nil, fault.E(fault.NotFound, "%s is not known", truncate(did))
	}
	if doc.ID != did {
		return nil, fault.E(fault.Internal, "did:web lookup returned the document of another DID")
	}
	return doc, nil
}
