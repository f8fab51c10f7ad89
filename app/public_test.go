package app_test

import (
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/citizencloud/citizencredentials/anchor"
)

// getJSON fetches s.URL()+path and decodes the JSON body into v; it
// returns the status code and the raw body.
func getJSON(t *testing.T, base, path string, v any) (int, string) {
	t.Helper()
	resp, err := http.Get(base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("GET %s: Content-Type %q", path, ct)
	}
	if v != nil && resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(body, v); err != nil {
			t.Fatalf("GET %s: %v (%s)", path, err, body)
		}
	}
	return resp.StatusCode, string(body)
}

func hexDigest(t *testing.T, s string) [32]byte {
	t.Helper()
	d, err := anchor.ParseDigest(s)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return d
}

// TestPublicLogAndIndex reads the public endpoints other members and the
// monitor use, and proves what they return with the log's own algorithms.
func TestPublicLogAndIndex(t *testing.T) {
	s := startServer(t, t.TempDir(), manual)
	b := s.createBureau(t, "public-office", "VolunteerServiceCredential")
	holder, _ := newHolderDID(t)
	var creds []issued
	for range 3 {
		creds = append(creds, s.issueVolunteer(t, b.APIKey, holder))
	}
	s.publishAndAnchor(t) // anchors the log root of 3 leaves
	creds = append(creds, s.issueVolunteer(t, b.APIKey, holder))

	var head struct {
		TreeSize int64  `json:"treeSize"`
		Root     string `json:"root"`
	}
	if code, body := getJSON(t, s.URL(), "/log/head", &head); code != http.StatusOK || head.TreeSize != 4 {
		t.Fatalf("head: %d %s", code, body)
	}
	headRoot := hexDigest(t, head.Root)

	type proofOut struct {
		LeafIndex int64    `json:"leafIndex"`
		TreeSize  int64    `json:"treeSize"`
		LeafHash  string   `json:"leafHash"`
		Proof     []string `json:"proof"`
	}
	verify := func(t *testing.T, p proofOut, cred issued, root [32]byte) {
		t.Helper()
		leaf := anchor.CredentialHash([]byte(cred.Credential))
		if p.LeafHash != hex.EncodeToString(leaf[:]) {
			t.Fatalf("leafHash %s is not the credential's hash", p.LeafHash)
		}
		path := make([][32]byte, len(p.Proof))
		for i, h := range p.Proof {
			path[i] = hexDigest(t, h)
		}
		if err := anchor.VerifyInclusion(anchor.LeafHash(leaf[:]), uint64(p.LeafIndex), uint64(p.TreeSize), path, root); err != nil {
			t.Fatalf("inclusion proof: %v", err)
		}
	}
	t.Run("ok/proof-against-anchored-root", func(t *testing.T) {
		var p proofOut
		if code, body := getJSON(t, s.URL(), "/log/proof?id="+url.QueryEscape(creds[1].ID), &p); code != http.StatusOK {
			t.Fatalf("%d %s", code, body)
		}
		if p.TreeSize != 3 || p.LeafIndex != 1 {
			t.Fatalf("proof against tree %d at %d, want the anchored tree of 3 at 1", p.TreeSize, p.LeafIndex)
		}
		var c struct {
			First, Second int64
			Proof         []string
		}
		if code, body := getJSON(t, s.URL(), "/log/consistency?first=3&second=4", &c); code != http.StatusOK || c.First != 3 || c.Second != 4 {
			t.Fatalf("consistency: %d %s", code, body)
		}
		// The root of 3 follows from the proof of leaf 1 in it; the
		// consistency proof then leads from it to the head.
		leaf := anchor.CredentialHash([]byte(creds[1].Credential))
		path := make([][32]byte, len(p.Proof))
		for i, h := range p.Proof {
			path[i] = hexDigest(t, h)
		}
		root3, err := rootFromInclusion(anchor.LeafHash(leaf[:]), 1, 3, path)
		if err != nil {
			t.Fatal(err)
		}
		verify(t, p, creds[1], root3)
		cpath := make([][32]byte, len(c.Proof))
		for i, h := range c.Proof {
			cpath[i] = hexDigest(t, h)
		}
		if err := anchor.VerifyConsistency(3, 4, root3, headRoot, cpath); err != nil {
			t.Fatalf("consistency proof: %v", err)
		}
	})
	t.Run("ok/proof-at-tree-size", func(t *testing.T) {
		var p proofOut
		if code, body := getJSON(t, s.URL(), "/log/proof?treeSize=4&id="+url.QueryEscape(creds[3].ID), &p); code != http.StatusOK || p.TreeSize != 4 || p.LeafIndex != 3 {
			t.Fatalf("%d %s", code, body)
		}
		verify(t, p, creds[3], headRoot)
	})

	for _, tc := range []struct {
		name, path string
		code       int
	}{
		{"fail/unknown-id", "/log/proof?id=urn:uuid:00000000-0000-0000-0000-000000000000", http.StatusNotFound},
		{"fail/no-id", "/log/proof", http.StatusBadRequest},
		{"fail/tree-size-text", "/log/proof?treeSize=x&id=" + url.QueryEscape(creds[0].ID), http.StatusBadRequest},
		{"fail/tree-size-negative", "/log/proof?treeSize=-1&id=" + url.QueryEscape(creds[0].ID), http.StatusBadRequest},
		{"fail/tree-size-beyond", "/log/proof?treeSize=99&id=" + url.QueryEscape(creds[0].ID), http.StatusBadRequest},
		{"fail/tree-size-before-leaf", "/log/proof?treeSize=2&id=" + url.QueryEscape(creds[3].ID), http.StatusBadRequest},
		{"fail/consistency-zero", "/log/consistency?first=0&second=4", http.StatusBadRequest},
		{"fail/consistency-reversed", "/log/consistency?first=4&second=3", http.StatusBadRequest},
		{"fail/consistency-beyond", "/log/consistency?first=1&second=5", http.StatusBadRequest},
		{"fail/consistency-overflow", "/log/consistency?first=1&second=99999999999999999999", http.StatusBadRequest},
		{"fail/index-limit", "/status/?limit=abc", http.StatusBadRequest},
		{"fail/index-after-too-long", "/status/?after=" + strings.Repeat("a", 300), http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body := getJSON(t, s.URL(), tc.path, nil)
			if code != tc.code {
				t.Fatalf("%d, want %d: %s", code, tc.code, body)
			}
			var e struct {
				Error, Code string
			}
			if err := json.Unmarshal([]byte(body), &e); err != nil || e.Error == "" || e.Code == "" {
				t.Fatalf("not a JSON error: %s", body)
			}
			if strings.Contains(body, "urn:uuid") || strings.Contains(body, "99") || strings.Contains(body, "abc") {
				t.Fatalf("the error repeats the request: %s", body)
			}
		})
	}

	t.Run("ok/status-index", func(t *testing.T) {
		type index struct {
			Lists []struct {
				ID            string `json:"id"`
				LatestVersion int    `json:"latestVersion"`
				URL           string `json:"url"`
			} `json:"lists"`
			Next string `json:"next"`
		}
		var all []string
		after := ""
		for page := 0; page < 10; page++ {
			var ix index
			if code, body := getJSON(t, s.URL(), "/status/?limit=1&after="+url.QueryEscape(after), &ix); code != http.StatusOK {
				t.Fatalf("%d %s", code, body)
			}
			for _, l := range ix.Lists {
				if l.LatestVersion < 1 || l.URL != "https://citizen.example/status/"+l.ID {
					t.Fatalf("index entry %+v", l)
				}
				all = append(all, l.ID)
			}
			if ix.Next == "" {
				break
			}
			after = ix.Next
		}
		_, payload, _ := splitJWS(t, creds[0].Credential)
		for _, e := range payload["credentialStatus"].([]any) {
			u := e.(map[string]any)["statusListCredential"].(string)
			id := u[strings.LastIndex(u, "/")+1:]
			found := false
			for _, x := range all {
				found = found || x == id
			}
			if !found {
				t.Fatalf("list %s is not in the index %v", id, all)
			}
		}
	})
}

// rootFromInclusion computes the root an inclusion proof leads to (RFC 6962
// §2.1.1.2), so a test can derive the root of a tree it has no other
// source for.
func rootFromInclusion(leaf [32]byte, index, size uint64, path [][32]byte) ([32]byte, error) {
	fn, sn := index, size-1
	r := leaf
	for _, p := range path {
		if sn == 0 {
			return r, anchor.ErrProof
		}
		if fn&1 == 1 || fn == sn {
			r = anchor.NodeHash(p, r)
			for fn&1 == 0 && fn != 0 {
				fn >>= 1
				sn >>= 1
			}
		} else {
			r = anchor.NodeHash(r, p)
		}
		fn >>= 1
		sn >>= 1
	}
	if sn != 0 {
		return r, anchor.ErrProof
	}
	return r, nil
}

// TestPublicAuditChains reads the audit chain heads and event hashes a
// monitor compares with the heads anchored on chain; an event's content
// (credential, actor, reason) is never served.
func TestPublicAuditChains(t *testing.T) {
	s := startServer(t, t.TempDir(), manual)
	b := s.createBureau(t, "audited-office", "VolunteerServiceCredential")
	holder, _ := newHolderDID(t)
	cred := s.issueVolunteer(t, b.APIKey, holder)

	var heads struct {
		Chains []struct {
			BureauID, AnchorID, Hash string
			Seq                      int64
		}
	}
	if code, body := getJSON(t, s.URL(), "/audit/heads", &heads); code != http.StatusOK || len(heads.Chains) != 1 {
		t.Fatalf("GET /audit/heads: %d %s", code, body)
	}
	h := heads.Chains[0]
	if h.BureauID != b.Bureau.ID || h.AnchorID != "audit:"+b.Bureau.ID || h.Seq < 1 || len(h.Hash) != 64 {
		t.Fatalf("head: %+v", h)
	}
	var ev struct {
		BureauID, Hash, PrevHash string
		Seq                      int64
	}
	path := "/audit/" + b.Bureau.ID + "/events/" + strconv.FormatInt(h.Seq, 10)
	code, body := getJSON(t, s.URL(), path, &ev)
	if code != http.StatusOK || ev.Hash != h.Hash || ev.Seq != h.Seq {
		t.Fatalf("GET %s: %d %s", path, code, body)
	}
	if strings.Contains(body, cred.ID) || strings.Contains(body, "credential") {
		t.Fatalf("an audit event's content is served: %s", body)
	}
	for _, c := range []struct {
		name, path string
		code       int
	}{
		{"fail/position-zero", "/audit/" + b.Bureau.ID + "/events/0", http.StatusBadRequest},
		{"fail/position-not-a-number", "/audit/" + b.Bureau.ID + "/events/x1", http.StatusBadRequest},
		{"fail/beyond-the-head", "/audit/" + b.Bureau.ID + "/events/" + strconv.FormatInt(h.Seq+1, 10), http.StatusNotFound},
		{"fail/unknown-bureau", "/audit/no-such-bureau/events/1", http.StatusNotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			if code, body := getJSON(t, s.URL(), c.path, nil); code != c.code || strings.Contains(body, "no-such-bureau") {
				t.Fatalf("%d %s", code, body)
			}
		})
	}
}
