package anchor_test

import (
	"crypto/sha256"
	"testing"

	"github.com/citizencloud/citizencredentials/anchor"
)

func TestLeafDigest(t *testing.T) {
	const jwt = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln"
	cases := []struct {
		name        string
		issued      string
		presented   string
		sameLeaf    bool
		legacyExtra bool // LeafDigests also offers the whole-string hash
	}{
		{name: "compact JWS as issued", issued: jwt, presented: jwt, sameLeaf: true},
		{name: "compact JWS altered", issued: jwt, presented: jwt + "x", sameLeaf: false},
		{name: "SD-JWT with fewer disclosures and key binding", issued: jwt + "~WyJhIiwiYiIsImMiXQ~WyJkIiwiZSIsImYiXQ~",
			presented: jwt + "~WyJkIiwiZSIsImYiXQ~eyJhbGciOiJFZERTQSJ9.eyJub25jZSI6Im4ifQ.a2I", sameLeaf: true, legacyExtra: true},
		{name: "SD-JWT of another issuer JWT", issued: jwt + "~WyJhIiwiYiIsImMiXQ~", presented: jwt + "y~WyJhIiwiYiIsImMiXQ~", sameLeaf: false, legacyExtra: true},
		{name: "JSON reordered and re-spaced", issued: `{"b":1,"a":{"y":[1,2],"x":"é"}}`, presented: "{ \"a\": {\"x\":\"é\", \"y\": [1, 2]},\n \"b\": 1 }", sameLeaf: true, legacyExtra: true},
		{name: "JSON with another value", issued: `{"a":1}`, presented: `{"a":2}`, sameLeaf: false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			leaf := anchor.LeafDigest(c.issued)
			if got := anchor.IsLeafOf(leaf, c.presented); got != c.sameLeaf {
				t.Fatalf("IsLeafOf(issued leaf, presented) = %v, want %v", got, c.sameLeaf)
			}
			whole := sha256.Sum256([]byte(c.issued))
			if got := anchor.IsLeafOf(whole, c.issued); !got {
				t.Fatal("the whole-string hash a previous release logged is not accepted for the issued credential")
			}
			if n := len(anchor.LeafDigests(c.issued)); (n == 2) != c.legacyExtra {
				t.Fatalf("LeafDigests gives %d digests", n)
			}
		})
	}
}
