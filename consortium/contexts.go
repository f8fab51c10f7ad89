package consortium

import (
	"context"
	"strings"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"

	"github.com/citizencloud/citizencredentials/credentials"
)

// Bounds of the member context cache. A member's catalogue can grow at run
// time (a bureau registers a new credential type), so a member's context is
// fetched again after contextTTL; there is at most one entry per member.
const (
	contextCacheSize = 256
	contextTTL       = 5 * time.Minute
	membersTTL       = 30 * time.Second
)

type memberContexts struct {
	docs    *expirable.LRU[string, []byte] // context URL → document
	members *expirable.LRU[string, []Member]
}

func newMemberContexts() *memberContexts {
	return &memberContexts{
		docs:    expirable.NewLRU[string, []byte](contextCacheSize, nil, contextTTL),
		members: expirable.NewLRU[string, []Member](1, nil, membersTTL),
	}
}

// Context is a JSON-LD context source (dataintegrity.ContextSource) for
// the citizen contexts of the other members: a Data Integrity credential
// of another member's bureau names that member's context
// (<base URL>/contexts/citizen/v1), whose terms expand under its own URL.
// Only that exact URL of an active member is served, fetched from the
// member's host through the Fetcher; any other URL is not this source's
// (ok false), so what a caller sends cannot fill the cache.
func (v *Verifier) Context(ctx context.Context, u string) ([]byte, bool, error) {
	base, found := strings.CutSuffix(u, credentials.ContextPath)
	if !found || base == "" {
		return nil, false, nil
	}
	if doc, ok := v.contexts.docs.Get(u); ok {
		return doc, true, nil
	}
	members, ok := v.contexts.members.Get("")
	if !ok {
		var err error
		if members, err = v.chain.Members(ctx); err != nil {
			return nil, false, err
		}
		v.contexts.members.Add("", members)
	}
	for _, m := range members {
		if !m.Active || strings.TrimRight(m.BaseURL, "/") != base || m.Account == v.chain.Self() {
			continue
		}
		doc, err := v.fetch.Get(ctx, m, u, MaxDIDBytes)
		if err != nil {
			return nil, true, err
		}
		v.contexts.docs.Add(u, doc)
		return doc, true, nil
	}
	return nil, false, nil
}
