package ledger

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/citizencloud/citizencredentials/anchor"
	"github.com/citizencloud/citizencredentials/chain"
	"github.com/citizencloud/citizencredentials/chain/chaintest"
	"github.com/citizencloud/citizencredentials/credentials"
	"github.com/citizencloud/citizencredentials/onboard"
	"github.com/citizencloud/citizencredentials/sqlite"
)

// setIssuer writes e on the chain and waits for its block.
func setIssuer(t *testing.T, reg *chain.Registry, e anchor.IssuerEntry) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	tx, err := reg.SetIssuer(ctx, e)
	if err != nil {
		t.Fatalf("set issuer %s: %v", e.DID, err)
	}
	if rc, err := reg.Wait(ctx, tx); err != nil || !rc.Success {
		t.Fatalf("set issuer %s: receipt %+v, %v", e.DID, rc, err)
	}
}

// trusted runs the ledger's checks on a credential that names only its
// issuer (no status, no key id, not ours) and returns issuer_trusted.
func trusted(t *testing.T, l *Ledger, issuer string) credentials.Check {
	t.Helper()
	for _, c := range l.Checks(t.Context(), &credentials.Parsed{Issuer: issuer}) {
		if c.Name == CheckIssuerTrusted {
			return c
		}
	}
	t.Fatalf("no %s check for %s", CheckIssuerTrusted, issuer)
	return credentials.Check{}
}

// TestTrustCache checks that the trust cache holds only issuers the
// registry knows, never more than its size, and serves them correctly.
// verifyCredential is anonymous, so the issuers looked up are whatever
// callers invent.
func TestTrustCache(t *testing.T) {
	_, reg := chaintest.Open(t)
	const size = 4
	known := make([]string, size+2)
	for i := range known {
		known[i] = fmt.Sprintf("did:web:citizen.example:bureaus:known-%d", i)
		setIssuer(t, reg, anchor.IssuerEntry{DID: known[i], Active: true})
	}
	invent := func(t *testing.T, l *Ledger, n int) {
		t.Helper()
		for i := range n {
			did := fmt.Sprintf("did:web:invented-%d.example", i)
			if c := trusted(t, l, did); c.OK {
				t.Fatalf("invented issuer %s trusted: %s", did, c.Message)
			}
		}
	}
	newLedger := func(t *testing.T, ttl time.Duration) *Ledger {
		t.Helper()
		l, err := New(Config{Registry: reg, BaseURL: "https://citizen.example", TrustCacheSize: size, TrustTTL: ttl})
		if err != nil {
			t.Fatal(err)
		}
		return l
	}

	tests := []struct {
		name string
		run  func(t *testing.T, l *Ledger)
	}{
		{"invented-issuers-take-no-place", func(t *testing.T, l *Ledger) {
			invent(t, l, 300)
			if n := l.trust.Len(); n != 0 {
				t.Fatalf("%d cache entries after looking up only invented issuers, want 0", n)
			}
		}},
		{"known-issuer-cached-and-served", func(t *testing.T, l *Ledger) {
			if c := trusted(t, l, known[0]); !c.OK {
				t.Fatalf("known issuer: %s", c.Message)
			}
			if _, ok := l.trust.Peek(known[0]); !ok {
				t.Fatal("the known issuer was not cached")
			}
			invent(t, l, 300)
			if _, ok := l.trust.Peek(known[0]); !ok || l.trust.Len() != 1 {
				t.Fatalf("after invented issuers: known cached=%v, %d entries, want the known one only", ok, l.trust.Len())
			}
			if c := trusted(t, l, known[0]); !c.OK {
				t.Fatalf("known issuer from the cache: %s", c.Message)
			}
		}},
		{"bounded-by-size", func(t *testing.T, l *Ledger) {
			for round := range 2 {
				for _, did := range known {
					if c := trusted(t, l, did); !c.OK {
						t.Fatalf("round %d: known issuer %s: %s", round, did, c.Message)
					}
					if n := l.trust.Len(); n > size {
						t.Fatalf("%d cache entries, bound is %d", n, size)
					}
				}
			}
			if n := l.trust.Len(); n != size {
				t.Fatalf("%d cache entries after %d known issuers, want the bound %d", n, len(known), size)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, newLedger(t, time.Hour)) })
	}

	// An entry is served for at most the TTL: a change on chain that the
	// ledger did not make itself (so did not forget) is seen after it.
	t.Run("expires-after-ttl", func(t *testing.T) {
		const ttl = 100 * time.Millisecond
		l := newLedger(t, ttl)
		did := "did:web:citizen.example:bureaus:withdrawn-later"
		setIssuer(t, reg, anchor.IssuerEntry{DID: did, Active: true})
		if c := trusted(t, l, did); !c.OK {
			t.Fatalf("before withdrawal: %s", c.Message)
		}
		fetched := time.Now()
		setIssuer(t, reg, anchor.IssuerEntry{DID: did, Active: false})
		time.Sleep(time.Until(fetched.Add(ttl + 10*time.Millisecond)))
		if c := trusted(t, l, did); c.OK {
			t.Fatalf("withdrawn issuer still trusted after the TTL: %s", c.Message)
		}
	})
}

// TestAllowedTypes: a bureau's credential of a type the operator did not
// allow it is refused; the allowed types are read from the store once per
// cached trust entry, and a change of ours (forget) is seen at once.
func TestAllowedTypes(t *testing.T) {
	ctx := t.Context()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	_, reg := chaintest.Open(t)
	const did = "did:web:citizen.example:bureaus:volunteers"
	b := &credentials.Bureau{ID: "b-1", Name: "Volunteers", Slug: "volunteers", DID: did, AllowedTypes: []string{"VolunteerServiceCredential"},
		KeyID: "k-1", Active: true, CreatedAt: time.Now().UTC(), UpdatedAt: time.Now().UTC()}
	if err := st.CreateBureau(ctx, b); err != nil {
		t.Fatal(err)
	}
	setIssuer(t, reg, anchor.IssuerEntry{DID: did, AllowedTypesHash: onboard.AllowedTypesHash(b.AllowedTypes), Active: true})
	l, err := New(Config{Credentials: st, Registry: reg, BaseURL: "https://citizen.example"})
	if err != nil {
		t.Fatal(err)
	}
	check := func(typ string) credentials.Check {
		t.Helper()
		for _, c := range l.Checks(ctx, &credentials.Parsed{Issuer: did, Types: []string{"VerifiableCredential", typ}}) {
			if c.Name == CheckIssuerTrusted {
				return c
			}
		}
		t.Fatal("no issuer_trusted check")
		return credentials.Check{}
	}
	if c := check("VolunteerServiceCredential"); !c.OK {
		t.Fatalf("allowed type: %s", c.Message)
	}
	if c := check("MaritalStatusCredential"); c.OK || !strings.Contains(c.Message, "not for MaritalStatusCredential") {
		t.Fatalf("type not allowed: %+v", c)
	}
	if te, ok := l.trust.Peek(did); !ok || !te.typesRead {
		t.Fatalf("the allowed types were not cached with the trust entry: %+v", te)
	}

	// The operator allows marital status records: the store and the chain
	// change and the ledger forgets its entry, as SetTrust does.
	b.AllowedTypes = []string{"MaritalStatusCredential", "VolunteerServiceCredential"}
	if err := st.UpdateBureau(ctx, b); err != nil {
		t.Fatal(err)
	}
	setIssuer(t, reg, anchor.IssuerEntry{DID: did, AllowedTypesHash: onboard.AllowedTypesHash(b.AllowedTypes), Active: true})
	l.forget(did)
	if c := check("MaritalStatusCredential"); !c.OK {
		t.Fatalf("after the change: %s", c.Message)
	}

	// An answer read before a forget is not cached after it.
	gen := l.trustGen.Load()
	l.forget(did)
	l.keepTrust(did, gen, trustEntry{e: anchor.IssuerEntry{DID: did}, fetched: time.Now()})
	if _, ok := l.trust.Peek(did); ok {
		t.Fatal("an entry read before forget was cached after it")
	}
}
