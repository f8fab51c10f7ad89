package dataintegrity

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/piprate/json-gold/ld"

	"github.com/citizencloud/citizencredentials/fault"
)

// The JSON-LD contexts the service loads, embedded so that Data Integrity
// proofs are created and verified offline. contexts/SOURCE.md names the
// upstream file, commit, licence and digest of each.
//
//go:embed contexts/*.jsonld
var contextFiles embed.FS

// embeddedContexts maps each context URL to its file under contexts/.
var embeddedContexts = map[string]string{
	contextV1: "credentials-v1.jsonld",
	contextV2: "credentials-v2.jsonld",
	"https://www.w3.org/2018/credentials/examples/v1":                 "credentials-examples-v1.jsonld",
	"https://www.w3.org/ns/credentials/examples/v2":                   "credentials-examples-v2.jsonld",
	ContextDataIntegrityV1:                                            "data-integrity-v1.jsonld",
	ContextDataIntegrityV2:                                            "data-integrity-v2.jsonld",
	"https://w3id.org/security/multikey/v1":                           "multikey-v1.jsonld",
	"https://w3id.org/security/jwk/v1":                                "jwk-v1.jsonld",
	ContextEd25519Signature2020:                                       "ed25519-2020-v1.jsonld",
	ContextEd25519Signature2018:                                       "ed25519-2018-v1.jsonld",
	ContextJWS2020:                                                    "jws-2020-v1.jsonld",
	"https://w3id.org/vc/status-list/2021/v1":                         "vc-status-list-2021-v1.jsonld",
	"https://www.w3.org/ns/credentials/status/v1":                     "bitstring-status-list-v1.jsonld",
	"https://w3id.org/vc-revocation-list-2020/v1":                     "vc-revocation-list-2020-v1.jsonld",
	"https://www.w3.org/ns/did/v1":                                    "did-v1.jsonld",
	"https://w3id.org/security/v1":                                    "security-v1.jsonld",
	"https://w3id.org/security/v2":                                    "security-v2.jsonld",
	"https://w3id.org/citizenship/v1":                                 "citizenship-v1.jsonld",
	"https://w3id.org/citizenship/v4rc1":                              "citizenship-v4rc1.jsonld",
	"https://w3id.org/vaccination/v1":                                 "vaccination-v1.jsonld",
	"https://www.w3.org/ns/odrl.jsonld":                               "odrl.jsonld",
	"https://identity.foundation/presentation-exchange/submission/v1": "presentation-exchange-submission-v1.jsonld",
}

// Context URLs of the proof suites.
const (
	ContextDataIntegrityV1      = "https://w3id.org/security/data-integrity/v1"
	ContextDataIntegrityV2      = "https://w3id.org/security/data-integrity/v2"
	ContextEd25519Signature2020 = "https://w3id.org/security/suites/ed25519-2020/v1"
	ContextEd25519Signature2018 = "https://w3id.org/security/suites/ed25519-2018/v1"
	ContextJWS2020              = "https://w3id.org/security/suites/jws-2020/v1"
)

// maxContextSize bounds a context document fetched through an allow-listed
// prefix.
const maxContextSize = 1 << 20

// EmbeddedContexts returns the embedded context documents by URL (a fresh
// map; the byte slices must not be modified). Serve them, or hand them to
// another verifier's offline loader.
func EmbeddedContexts() map[string][]byte {
	out := make(map[string][]byte, len(embeddedContexts))
	for u, f := range embeddedContexts {
		b, err := contextFiles.ReadFile("contexts/" + f)
		if err != nil {
			panic("credentials: embedded context " + f + " is missing") // caught by TestEmbeddedContextDigests
		}
		out[u] = b
	}
	return out
}

// FetchFunc retrieves a context document for an allow-listed URL. It is
// the operator's network code (with its SSRF guard, size and time limits);
// this package has none.
type FetchFunc func(ctx context.Context, url string) ([]byte, error)

// ErrContextNotAllowed is wrapped by the error a ContextLoader returns for
// a URL that is neither embedded nor allow-listed. Callers report the
// credential as unverifiable here; retrying will not help.
var ErrContextNotAllowed = errors.New("JSON-LD context not allowed")

// ContextLoader is the JSON-LD document loader of the service: it serves
// the embedded contexts and our own context (Catalogue.ContextDocument at
// Catalogue.ContextURL), and refuses every other URL unless an operator
// allow-listed its prefix (WithRemoteContexts). It is safe for concurrent
// use.
type ContextLoader struct {
	ownCtx   OwnContext
	prefixes []string
	fetch    FetchFunc
	source   ContextSource
	timeout  time.Duration

	mu     sync.Mutex
	parsed map[string]any // embedded and fetched documents, parsed once
	own    struct {
		raw []byte
		doc any
		gen uint64 // bumped when raw changes: part of the processed-context key
	}
	// processed holds active contexts built from a document's top-level
	// @context when every entry is an embedded or our own context URL,
	// keyed by the URLs and our context's generation (bounded).
	processed map[string]*ld.Context
}

// maxProcessedContexts bounds the processed-context cache; the key space
// is sequences of the ~20 embedded URLs and our own, which real documents
// use a handful of.
const maxProcessedContexts = 64

// LoaderOption configures a ContextLoader.
type LoaderOption func(*ContextLoader)

// WithRemoteContexts lets the loader fetch contexts whose URL starts with
// one of prefixes (e.g. "https://contexts.partner.example/") through fetch.
// Fetched documents are kept for the life of the loader. Without this
// option no context is ever fetched.
func WithRemoteContexts(prefixes []string, fetch FetchFunc) LoaderOption {
	return func(l *ContextLoader) {
		for _, p := range prefixes {
			if p = strings.TrimSpace(p); p != "" {
				l.prefixes = append(l.prefixes, p)
			}
		}
		l.fetch = fetch
	}
}

// ContextSource serves context documents the loader does not embed, such
// as the contexts of the other consortium members: ok is false for a URL it
// does not serve. It caches and bounds what it serves itself; the loader
// parses its documents on every load and keeps none of them, so a source
// may serve a document that changes (a member's catalogue grows).
type ContextSource func(ctx context.Context, url string) (raw []byte, ok bool, err error)

// WithContextSource adds a source consulted for URLs that are neither
// embedded nor our own, before the remote prefixes.
func WithContextSource(src ContextSource) LoaderOption {
	return func(l *ContextLoader) { l.source = src }
}

// OwnContext is the JSON-LD context the service publishes itself (the
// catalogue's): its URL and document.
type OwnContext interface {
	ContextURL() string
	ContextDocument() []byte
}

// NewContextLoader returns a loader over the embedded contexts and, if own
// is not nil, our own context (a nil *credentials.Catalogue must be passed
// as a nil OwnContext).
func NewContextLoader(own OwnContext, opts ...LoaderOption) *ContextLoader {
	l := &ContextLoader{ownCtx: own, parsed: map[string]any{}, processed: map[string]*ld.Context{}, timeout: 10 * time.Second}
	for _, o := range opts {
		o(l)
	}
	return l
}

// contextError is the loader's refusal, kept intact through json-gold's
// error wrapping.
type contextError struct {
	url string
	err error
}

func (e *contextError) Error() string {
	if errors.Is(e.err, ErrContextNotAllowed) {
		return fmt.Sprintf("JSON-LD context %s is not allowed: the service loads only embedded contexts and those of active consortium members", truncate(e.url, 200))
	}
	return fmt.Sprintf("JSON-LD context %s could not be loaded: %v", truncate(e.url, 200), e.err)
}

func (e *contextError) Unwrap() error { return e.err }

// Document returns the parsed JSON of the context at url (shared: do not
// modify it). Errors wrap ErrContextNotAllowed for URLs that are neither
// embedded nor allow-listed.
func (l *ContextLoader) Document(url string) (any, error) {
	if l.ownCtx != nil && url == l.ownCtx.ContextURL() {
		raw := l.ownCtx.ContextDocument()
		l.mu.Lock()
		defer l.mu.Unlock()
		if !bytes.Equal(raw, l.own.raw) { // the catalogue grows at run time
			var doc any
			if err := json.Unmarshal(raw, &doc); err != nil {
				return nil, &contextError{url, err}
			}
			l.own.raw, l.own.doc = raw, doc
			l.own.gen++
		}
		return l.own.doc, nil
	}
	l.mu.Lock()
	doc, ok := l.parsed[url]
	l.mu.Unlock()
	if ok {
		return doc, nil
	}
	var raw []byte
	if _, embedded := embeddedContexts[url]; !embedded && l.source != nil {
		ctx, cancel := context.WithTimeout(context.Background(), l.timeout)
		b, ok, err := l.source(ctx, url)
		cancel()
		if err != nil {
			return nil, &contextError{url, err}
		}
		if ok {
			if len(b) > maxContextSize {
				return nil, &contextError{url, fmt.Errorf("larger than %d bytes", maxContextSize)}
			}
			var doc any
			if err := json.Unmarshal(b, &doc); err != nil {
				return nil, &contextError{url, fmt.Errorf("not JSON: %w", err)}
			}
			return doc, nil
		}
	}
	if f, ok := embeddedContexts[url]; ok {
		b, err := contextFiles.ReadFile("contexts/" + f)
		if err != nil {
			return nil, &contextError{url, err}
		}
		raw = b
	} else {
		allowed := false
		for _, p := range l.prefixes {
			allowed = allowed || strings.HasPrefix(url, p)
		}
		if !allowed || l.fetch == nil {
			return nil, &contextError{url, ErrContextNotAllowed}
		}
		ctx, cancel := context.WithTimeout(context.Background(), l.timeout)
		b, err := l.fetch(ctx, url)
		cancel()
		if err != nil {
			return nil, &contextError{url, err}
		}
		if len(b) > maxContextSize {
			return nil, &contextError{url, fmt.Errorf("larger than %d bytes", maxContextSize)}
		}
		raw = b
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, &contextError{url, fmt.Errorf("not JSON: %w", err)}
	}
	l.mu.Lock()
	l.parsed[url] = doc
	l.mu.Unlock()
	return doc, nil
}

// LoadDocument implements json-gold's ld.DocumentLoader.
func (l *ContextLoader) LoadDocument(url string) (*ld.RemoteDocument, error) {
	doc, err := l.Document(url)
	if err != nil {
		return nil, err
	}
	return &ld.RemoteDocument{DocumentURL: url, Document: doc}, nil
}

// URLs lists the URLs the loader serves without fetching, sorted.
func (l *ContextLoader) URLs() []string {
	out := make([]string, 0, len(embeddedContexts)+1)
	for u := range embeddedContexts {
		out = append(out, u)
	}
	if l.ownCtx != nil {
		out = append(out, l.ownCtx.ContextURL())
	}
	sort.Strings(out)
	return out
}

// jsonldError turns a json-gold error into a caller-safe fault: the
// loader's refusal keeps its message, anything else says what failed.
func jsonldError(err error, what string) error {
	var ce *contextError
	if errors.As(err, &ce) {
		return fault.Wrap(fault.Invalid, err, ce.Error())
	}
	var je *ld.JsonLdError
	if errors.As(err, &je) {
		if d, ok := je.Details.(error); ok && errors.As(d, &ce) {
			return fault.Wrap(fault.Invalid, err, ce.Error())
		}
		msg := string(je.Code)
		switch {
		case je.Code == ld.InvalidProperty:
			msg = "a property is not defined by its @context (JSON-LD safe mode)"
		case je.Code == ld.ProtectedTermRedefinition:
			msg = "it redefines a protected term of its @context"
		default:
			if s, ok := je.Details.(string); ok && s != "" {
				msg += ": " + truncate(s, 200)
			}
		}
		return fault.Wrap(fault.Invalid, err, fmt.Sprintf("%s is not valid JSON-LD (%s)", what, msg))
	}
	return fault.Wrap(fault.Invalid, err, fmt.Sprintf("%s could not be processed as JSON-LD", what))
}

// toRDF expands doc (JSON-LD 1.1, safe mode: a property or type that the
// contexts do not define is an error rather than silently dropped, so it
// cannot escape the signature) and converts it to an RDF dataset.
func (l *ContextLoader) toRDF(doc map[string]any, what string) (*ld.RDFDataset, error) {
	opts := l.jsonldOptions()
	if ctx, err := l.processedContext(doc["@context"]); err != nil {
		return nil, jsonldError(err, what)
	} else if ctx != nil {
		// doc is the caller's copy: its top-level @context is replaced by
		// the same context already processed, which json-gold takes as the
		// active context as it is (JSON-LD 1.1 API, context processing
		// step 5.1 on a context that is already an active context).
		doc["@context"] = []any{ctx}
	}
	proc := ld.NewJsonLdProcessor()
	expanded, err := proc.Expand(doc, opts)
	if err != nil {
		return nil, jsonldError(err, what)
	}
	if err := checkExpandedTypes(expanded); err != nil {
		return nil, fault.E(fault.Invalid, "%s is not valid JSON-LD in safe mode: %s", what, fault.Message(err))
	}
	out, err := expandedToRDF(expanded)
	if err != nil {
		if fault.CodeOf(err) == fault.Invalid {
			return nil, fault.Wrap(fault.Invalid, err, fmt.Sprintf("%s cannot be converted to RDF: %s", what, fault.Message(err)))
		}
		return nil, jsonldError(err, what)
	}
	return out, nil
}

func (l *ContextLoader) jsonldOptions() *ld.JsonLdOptions {
	opts := ld.NewJsonLdOptions("")
	opts.ProcessingMode = ld.JsonLd_1_1
	opts.DocumentLoader = l
	opts.SafeMode = true
	return opts
}

// processedContext returns a private copy of the active context that the
// top-level @context value v gives, processed once per loader, or nil when
// v is not a list of URLs that are all embedded or our own (inline
// contexts, contexts of other members and fetched ones are processed on
// every call: they can change, or are not ours to keep). Processing the
// W3C credentials context is most of the cost of expanding a credential.
func (l *ContextLoader) processedContext(v any) (*ld.Context, error) {
	var urls []string
	switch t := v.(type) {
	case string:
		urls = []string{t}
	case []any:
		for _, x := range t {
			s, ok := x.(string)
			if !ok {
				return nil, nil
			}
			urls = append(urls, s)
		}
	default:
		return nil, nil
	}
	if len(urls) == 0 || len(urls) > 8 {
		return nil, nil
	}
	ownURL := ""
	if l.ownCtx != nil {
		ownURL = l.ownCtx.ContextURL()
	}
	var key strings.Builder
	for _, u := range urls {
		if _, embedded := embeddedContexts[u]; !embedded && (u != ownURL || u == "") {
			return nil, nil
		}
		if u == ownURL {
			if _, err := l.Document(u); err != nil { // picks up a grown catalogue
				return nil, err
			}
		}
		key.WriteString(u)
		key.WriteByte('\n')
	}
	l.mu.Lock()
	fmt.Fprintf(&key, "%d", l.own.gen)
	k := key.String()
	c, ok := l.processed[k]
	l.mu.Unlock()
	if !ok {
		list := make([]any, len(urls))
		for i, u := range urls {
			list[i] = u
		}
		var err error
		if c, err = ld.NewContext(nil, l.jsonldOptions()).Parse(list); err != nil {
			return nil, err
		}
		l.mu.Lock()
		if len(l.processed) >= maxProcessedContexts {
			clear(l.processed)
		}
		l.processed[k] = c
		l.mu.Unlock()
	}
	// Expansion only reads the active context, but a copy keeps the cached
	// one safe from any later change in json-gold.
	return ld.CopyContext(c), nil
}

// CheckJSONLD expands doc with loader (nil: the embedded contexts only) in
// JSON-LD safe mode and converts it to RDF, as signing a Data Integrity
// proof does: an undefined property or type, a protected term redefined, a
// malformed value object or a context that is not allowed is an error
// (fault Invalid). Use it before securing a credential in another format.
func CheckJSONLD(doc map[string]any, loader *ContextLoader) error {
	if loader == nil {
		loader = NewContextLoader(nil)
	}
	_, err := loader.toRDF(copyJSON(doc).(map[string]any), "the document")
	return err
}

// checkExpandedTypes completes json-gold's safe mode (which catches
// undefined properties only): every @type and @id must have expanded to an
// absolute IRI or a blank node, else the term was undefined and would be
// dropped from the signed data.
func checkExpandedTypes(v any) error {
	switch t := v.(type) {
	case []any:
		for _, x := range t {
			if err := checkExpandedTypes(x); err != nil {
				return err
			}
		}
	case map[string]any:
		if _, isValue := t["@value"]; isValue {
			if dt, ok := t["@type"].(string); ok && !AbsoluteIRI(dt) && dt != "@json" {
				return fault.E(fault.Invalid, "the datatype %q is not defined by the contexts", truncate(dt, 80))
			}
			return nil
		}
		for k, x := range t {
			switch k {
			case "@type":
				for _, s := range strs(x) {
					if !AbsoluteIRI(s) && !strings.HasPrefix(s, "_:") {
						return fault.E(fault.Invalid, "the type %q is not defined by the contexts", truncate(s, 80))
					}
				}
			case "@id":
				if s, ok := x.(string); ok && !AbsoluteIRI(s) && !strings.HasPrefix(s, "_:") {
					return fault.E(fault.Invalid, "the identifier %q is not an absolute IRI", truncate(s, 80))
				}
			default:
				if err := checkExpandedTypes(x); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// AbsoluteIRI reports whether s has a URI scheme (an absolute IRI, as
// JSON-LD and the data model require of ids and types).
func AbsoluteIRI(s string) bool {
	i := strings.IndexByte(s, ':')
	if i <= 0 {
		return false
	}
	for j := 0; j < i; j++ {
		c := s[j]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || j > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return true
}
