package graph

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/gqlerror"
)

// fanOut is the fragment fan-out: F0 spreads F1 twice, F1 spreads F2
// twice, ... so the expansion doubles per level.
func fanOut(levels int) string {
	var b strings.Builder
	b.WriteString("{ ...F0 }\n")
	for i := range levels {
		fmt.Fprintf(&b, "fragment F%d on Query { ...F%d ...F%d }\n", i, i+1, i+1)
	}
	fmt.Fprintf(&b, "fragment F%d on Query { credentialTypes { name } }\n", levels)
	return b.String()
}

// repeated is {credentialTypes{name name ...}} with n names.
func repeated(n int) string {
	return "{credentialTypes{" + strings.Repeat("name ", n) + "}}"
}

// aliases is n aliases of field at the top level.
func aliases(n int, field string) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		fmt.Fprintf(&b, "a%d: %s ", i, field)
	}
	b.WriteString("}")
	return b.String()
}

// dosPayloads are the measured denial-of-service documents of issue 10.
func dosPayloads() map[string]string {
	return map[string]string{
		"fragment-fan-out-26":       fanOut(26),
		"repeated-name-10000":       repeated(10000),
		"repeated-name-20000":       repeated(20000),
		"myCredentials-60-aliases":  aliases(60, "myCredentials { id credential }"),
		"credentials-1000-aliases":  aliases(1000, "credentials(first: 500) { edges { node { id } } }"),
		"issueCredentials-10-alias": "mutation" + aliases(10, "issueCredentials(inputs: $ins) { issued }"),
		"authChallenge-2400-alias":  "mutation" + aliases(2400, `authChallenge(did: "did:key:z6Mk") { challenge }`),
	}
}

func TestScanDocument(t *testing.T) {
	lim := DefaultDocumentLimits
	cases := []struct {
		name   string
		doc    string
		reason string // "" when accepted
	}{
		{"ok/simple", `{ credentialTypes { name } }`, ""},
		{"ok/fragment-diamond", fanOut(5), ""},
		{"ok/variables-and-object-arguments", `query Q($f: CredentialFilter = {type: "x", state: ACTIVE}) { credentials(filter: {subjectDid: "a"}, first: 3) { edges { node { id } } } }`, ""},
		{"ok/inline-fragments", `{ ... on Query { credentialTypes { name } } ... @include(if: true) { bureaus { id } } }`, ""},
		{"ok/syntax-error-left-to-parser", `{ credentialTypes { name `, ""},
		{"fail/fragment-fan-out", fanOut(26), "fields"},
		{"fail/fragment-cycle", `{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }`, "spreads itself"},
		{"fail/repeated-fields", repeated(10000), "fields"},
		{"fail/too-many-aliases", aliases(201, "credentialTypes { name }"), "aliases"},
		{"fail/too-many-root-fields", "{" + strings.Repeat("credentialTypes { name } ", 51) + "}", "top-level"},
		{"fail/root-fields-through-fragment", "{ ...R ...R } fragment R on Query {" + strings.Repeat("credentialTypes { name } ", 26) + "}", "top-level"},
		{"fail/root-fields-through-inline-fragment", "{ ... on Query {" + strings.Repeat("credentialTypes { name } ", 51) + "} }", "top-level"},
		{"fail/too-many-tokens", "{ credentialTypes(" + strings.Repeat("a: 1 ", 7000) + ") { name } }", "tokens"},
		{"fail/too-many-fragments", strings.Repeat("fragment X on Query { bureaus { id } } ", 101), "fragments"},
		{"fail/authChallenge-aliases", dosPayloads()["authChallenge-2400-alias"], "tokens"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := scanDocument(tc.doc, lim)
			if tc.reason == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var gerr *gqlerror.Error
			if !errors.As(err, &gerr) || !strings.Contains(gerr.Message, tc.reason) || gerr.Extensions["code"] != "DOCUMENT_LIMIT_EXCEEDED" {
				t.Fatalf("got %v, want a DOCUMENT_LIMIT_EXCEEDED refusal about %q", err, tc.reason)
			}
		})
	}
}

func TestScanDocumentCounts(t *testing.T) {
	st, err := scanDocument(`query A { a: credentialTypes { name ...N } bureaus { id } } fragment N on CredentialType { description fields }`, DefaultDocumentLimits)
	if err != nil {
		t.Fatal(err)
	}
	want := operationStats{kind: "query", name: "A", fields: 6, aliases: 1, rootFields: 2}
	if len(st.operations) != 1 || st.operations[0] != want {
		t.Fatalf("got %+v, want %+v", st.operations, want)
	}
}

// FuzzScanDocument checks that the scan never panics, and that what it
// accepts stays within the limits.
func FuzzScanDocument(f *testing.F) {
	for _, p := range dosPayloads() {
		f.Add(p)
	}
	f.Add(`query Q($f: CredentialFilter = {type: "x"}) { credentials(filter: $f) { edges { node { id } } } }`)
	f.Add(`{ ... on Query { a: bureaus { id ... @skip(if: true) { name } } } }`)
	f.Add(`fragment A on Query { ...A }`)
	lim := DocumentLimits{MaxTokens: 500, MaxFields: 100, MaxAliases: 20, MaxRootFields: 10, MaxFragments: 10}
	f.Fuzz(func(t *testing.T, doc string) {
		st, err := scanDocument(doc, lim)
		if err != nil {
			return
		}
		if st.tokens > lim.MaxTokens {
			t.Fatalf("accepted %d tokens", st.tokens)
		}
		for _, op := range st.operations {
			if op.fields > lim.MaxFields || op.aliases > lim.MaxAliases || op.rootFields > lim.MaxRootFields {
				t.Fatalf("accepted %+v", op)
			}
		}
	})
}
