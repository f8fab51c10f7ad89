package consortium_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/citizencloud/citizencredentials/anchor"
	"github.com/citizencloud/citizencredentials/consortium"
)

// bodyGetter answers every URL with the same body.
type bodyGetter []byte

func (b bodyGetter) Get(context.Context, string, int64) ([]byte, error) { return b, nil }

// FuzzMonitorAnswers feeds the monitor arbitrary answers from a member: it
// never fails or panics on them, never counts more checks than anchors, and
// never copies what the member sent into the report.
func FuzzMonitorAnswers(f *testing.F) {
	leaves := anchor.Leaves{anchor.LeafHash([]byte("a")), anchor.LeafHash([]byte("b")), anchor.LeafHash([]byte("c"))}
	for _, seed := range []string{
		`{"treeSize":3,"root":"00"}`,
		`{"treeSize":18446744073709551615,"root":"` + strings.Repeat("ab", 32) + `"}`,
		`{"first":1,"second":3,"proof":["SECRET-CLAIM","` + strings.Repeat("0", 64) + `"]}`,
		`{"lists":[{"id":"rev-1"},{"id":"SECRET-CLAIM"}],"next":"rev-1"}`,
		`{"chains":[{"bureauId":"SECRET-CLAIM","anchorId":"rev-1","seq":1,"hash":"00"}]}`,
		`{"chains":[{"bureauId":"1","anchorId":"audit:1","seq":1,"hash":"SECRET-CLAIM"}],"hash":"` + strings.Repeat("ab", 32) + `"}`,
		`{"credentialSubject":{"name":"SECRET-CLAIM"}}`,
		`null`, `[]`, ``,
	} {
		f.Add([]byte(seed))
	}
	acc := common.HexToAddress("0xA000000000000000000000000000000000000001")
	f.Fuzz(func(t *testing.T, body []byte) {
		c := newMonitorChain()
		c.members = []consortium.Member{{Account: acc, Name: "Civil Registry", BaseURL: "https://registry.example", Active: true}}
		c.anchorRoot(acc, 1, anchor.RootFromLeaves(leaves[:1]))
		c.anchorRoot(acc, 3, anchor.RootFromLeaves(leaves))
		c.anchorList(acc, "rev-1", 1, sha256.Sum256([]byte("list")))
		c.anchorList(acc, "audit:1", 1, sha256.Sum256([]byte("audit head")))
		r, err := consortium.NewMonitor(c, bodyGetter(body)).Audit(context.Background())
		if err != nil {
			t.Fatalf("audit: %v", err)
		}
		a := r.Members[0]
		if a.RootsChecked > a.AnchoredRoots || a.ListsChecked+a.UnlistedAnchors > a.AnchoredLists {
			t.Fatalf("more checks than anchors: %+v", a)
		}
		out, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(out), "SECRET-CLAIM") {
			t.Fatalf("the report repeats what the member sent: %s", out)
		}
	})
}
