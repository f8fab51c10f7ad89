package did

import (
	"context"
	"errors"
	"sort"
	"strings"

	"github.com/citizencloud/citizencredentials/fault"
)

// MaxLength bounds the length of a DID or DID URL this package accepts. It
// leaves room for did:jwk identifiers of large keys while keeping hostile
// input cheap to reject.
const MaxLength = 4096

// Sentinel causes wrapped inside the *fault.Error values that resolvers
// return. Test them with errors.Is; show fault.Message(err) to people.
var (
	// ErrUnsupportedMethod: the DID method has no resolver here (fault
	// Invalid). Callers report the DID as unusable; retrying will not help.
	ErrUnsupportedMethod = errors.New("unsupported DID method")
	// ErrRemoteDisabled: resolving the DID would need the network, which is
	// off (fault Unavailable). Callers report the DID as unresolvable here.
	ErrRemoteDisabled = errors.New("remote DID resolution is disabled")
)

// DID is a parsed decentralized identifier: did:<Method>:<ID>.
type DID struct {
	Method string // method name, e.g. "key", "jwk", "web"
	ID     string // method-specific identifier, still percent-encoded
}

// String returns the DID in its textual form.
func (d DID) String() string { return "did:" + d.Method + ":" + d.ID }

// Parse parses a DID (no path, query or fragment) following the DID Core
// syntax: "did:" method-name ":" method-specific-id, where the method name is
// lower-case letters and digits and the method-specific id is made of
// ALPHA / DIGIT / "." / "-" / "_" / pct-encoded characters and ":"
// separators, not ending in ":". Errors are fault Invalid.
func Parse(s string) (DID, error) {
	if len(s) > MaxLength {
		return DID{}, fault.E(fault.Invalid, "DID is too long (more than %d characters)", MaxLength)
	}
	rest, ok := strings.CutPrefix(s, "did:")
	if !ok {
		return DID{}, fault.E(fault.Invalid, "not a DID: it must start with \"did:\"")
	}
	method, msid, ok := strings.Cut(rest, ":")
	if !ok {
		return DID{}, fault.E(fault.Invalid, "not a DID: it has no method-specific identifier")
	}
	if method == "" {
		return DID{}, fault.E(fault.Invalid, "not a DID: the method name is empty")
	}
	for i := 0; i < len(method); i++ {
		c := method[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return DID{}, fault.E(fault.Invalid, "not a DID: the method name may only hold lower-case letters and digits")
		}
	}
	if msid == "" || strings.HasSuffix(msid, ":") {
		return DID{}, fault.E(fault.Invalid, "not a DID: the method-specific identifier is empty or ends with \":\"")
	}
	for i := 0; i < len(msid); i++ {
		c := msid[i]
		switch {
		case isIDChar(c), c == ':':
		case c == '%':
			if i+2 >= len(msid) || !isHex(msid[i+1]) || !isHex(msid[i+2]) {
				return DID{}, fault.E(fault.Invalid, "not a DID: bad percent-encoding in the method-specific identifier")
			}
			i += 2
		default:
			return DID{}, fault.E(fault.Invalid, "not a DID: character %q is not allowed in a DID (use a DID URL for paths, queries and fragments)", c)
		}
	}
	return DID{Method: method, ID: msid}, nil
}

// ParseURL parses a DID URL of the form <did>[#fragment] (paths and queries
// are not supported). The fragment is returned without "#". Errors are fault
// Invalid.
func ParseURL(s string) (DID, string, error) {
	base, frag, hasFrag := strings.Cut(s, "#")
	d, err := Parse(base)
	if err != nil {
		return DID{}, "", err
	}
	if hasFrag {
		if frag == "" {
			return DID{}, "", fault.E(fault.Invalid, "not a DID URL: the fragment after \"#\" is empty")
		}
		for i := 0; i < len(frag); i++ {
			if !isFragChar(frag[i]) {
				return DID{}, "", fault.E(fault.Invalid, "not a DID URL: character %q is not allowed in the fragment", frag[i])
			}
		}
	}
	return d, frag, nil
}

// Split separates a DID URL into the DID and the fragment (without "#"); it
// does not validate either part.
func Split(didURL string) (did, fragment string) {
	did, fragment, _ = strings.Cut(didURL, "#")
	return did, fragment
}

func isIDChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_'
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// isFragChar allows RFC 3986 fragment characters except "%" sequences are
// treated as plain characters (they are compared verbatim).
func isFragChar(c byte) bool {
	if isIDChar(c) {
		return true
	}
	return strings.IndexByte("~!$&'()*+,;=:@/?%", c) >= 0
}

// Resolver resolves a DID to its DID document.
type Resolver interface {
	// Resolve returns the DID document of did (a DID, not a DID URL).
	// Errors (*fault.Error):
	//   - fault Invalid: did is malformed, or its method is not supported
	//     here (wraps ErrUnsupportedMethod);
	//   - fault NotFound: did is well formed but unknown (e.g. a did:web
	//     bureau that does not exist);
	//   - fault Unavailable: resolving would need the network and that is not
	//     allowed (wraps ErrRemoteDisabled), or a store is down.
	Resolve(ctx context.Context, did string) (*Document, error)
}

// ResolverFunc adapts a function to Resolver.
type ResolverFunc func(ctx context.Context, did string) (*Document, error)

// Resolve calls f.
func (f ResolverFunc) Resolve(ctx context.Context, did string) (*Document, error) {
	return f(ctx, did)
}

// Router dispatches resolution by DID method and refuses methods it has no
// resolver for. It is safe for concurrent use once built.
type Router struct {
	methods map[string]Resolver
}

// NewRouter returns a Router over methods, keyed by method name ("key",
// "jwk", "web", ...). Nil resolvers are ignored.
func NewRouter(methods map[string]Resolver) *Router {
	m := make(map[string]Resolver, len(methods))
	for k, r := range methods {
		if r != nil {
			m[k] = r
		}
	}
	return &Router{methods: m}
}

// NewLocalRouter returns a Router for did:key, did:jwk and, if web is not
// nil, did:web through web. No method it routes to touches the network.
func NewLocalRouter(web Resolver) *Router {
	return NewRouter(map[string]Resolver{"key": KeyResolver{}, "jwk": JWKResolver{}, "web": web})
}

// Methods lists the supported method names in order.
func (r *Router) Methods() []string {
	out := make([]string, 0, len(r.methods))
	for k := range r.methods {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Resolve implements Resolver.
func (r *Router) Resolve(ctx context.Context, did string) (*Document, error) {
	d, err := Parse(did)
	if err != nil {
		return nil, err
	}
	res, ok := r.methods[d.Method]
	if !ok {
		return nil, &fault.Error{
			Code: fault.Invalid,
			Msg:  "DID method \"" + truncate(d.Method) + "\" is not supported (supported: " + strings.Join(r.Methods(), ", ") + ")",
			Err:  ErrUnsupportedMethod,
		}
	}
	return res.Resolve(ctx, did)
}
