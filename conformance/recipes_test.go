package conformance

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/citizencloud/citizencredentials/dataintegrity"
)

func b64decode(s string) ([]byte, error) { return base64.RawURLEncoding.DecodeString(s) }

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// mutation is one derived negative (or positive control) of 11-negative.
type mutation struct {
	recipe  string // DI-n
	name    string
	control bool // positive control: must still verify
	applies func(p positive) bool
	mutate  func(doc map[string]any) (string, bool) // the mutated JSON text; false: not applicable
}

func firstProof(doc map[string]any) map[string]any {
	switch p := doc["proof"].(type) {
	case map[string]any:
		return p
	case []any:
		if len(p) > 0 {
			m, _ := p[0].(map[string]any)
			return m
		}
	}
	return nil
}

func suiteOf(p positive) string {
	pr := firstProof(p.doc)
	if cs := str(pr, "cryptosuite"); cs != "" {
		return cs
	}
	return str(pr, "type")
}

func isDI(p positive) bool {
	return strings.HasPrefix(p.id, "03-") || strings.HasPrefix(p.id, "04-")
}

// subjectOf returns the (first) credentialSubject to tamper with: the
// document's, or that of a presentation's first credential.
func subjectOf(doc map[string]any) map[string]any {
	target := doc
	if vcs, ok := doc["verifiableCredential"].([]any); ok && len(vcs) > 0 {
		target, _ = vcs[0].(map[string]any)
	} else if vc, ok := doc["verifiableCredential"].(map[string]any); ok {
		target = vc
	}
	switch s := target["credentialSubject"].(type) {
	case map[string]any:
		return s
	case []any:
		if len(s) > 0 {
			m, _ := s[0].(map[string]any)
			return m
		}
	}
	return nil
}

// changeChar replaces one character in the middle of s by another of the
// same alphabet.
func changeChar(s string) string {
	if s == "" {
		return "x"
	}
	i := len(s) / 2
	c := s[i]
	repl := byte('A')
	if c == 'A' {
		repl = 'B'
	}
	return s[:i] + string(repl) + s[i+1:]
}

func asJSON(doc map[string]any) (string, bool) { return marshal(doc), true }

// reordered writes doc with every object's members in reverse order,
// re-indented, and type arrays reversed when reverseTypes is set.
func reordered(v any, reverseTypes bool, indent string, b *bytes.Buffer) {
	switch t := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Sort(sort.Reverse(sort.StringSlice(keys)))
		b.WriteString("{\n")
		for i, k := range keys {
			kb, _ := json.Marshal(k)
			b.WriteString(indent + "    ")
			b.Write(kb)
			b.WriteString(" : ")
			val := t[k]
			if arr, ok := val.([]any); ok && k == "type" && reverseTypes {
				rev := make([]any, len(arr))
				for j := range arr {
					rev[j] = arr[len(arr)-1-j]
				}
				val = rev
			}
			reordered(val, reverseTypes, indent+"    ", b)
			if i < len(keys)-1 {
				b.WriteString(",")
			}
			b.WriteString("\n")
		}
		b.WriteString(indent + "}")
	case []any:
		b.WriteString("[ ")
		for i, x := range t {
			if i > 0 {
				b.WriteString(" , ")
			}
			reordered(x, reverseTypes, indent+"  ", b)
		}
		b.WriteString(" ]")
	default:
		vb, _ := json.Marshal(t)
		b.Write(vb)
	}
}

var mutations = []mutation{
	{recipe: "DI-1", name: "tamper-subject", applies: func(positive) bool { return true }, mutate: func(d map[string]any) (string, bool) {
		s := subjectOf(d)
		if s == nil {
			return "", false
		}
		keys := make([]string, 0, len(s))
		for k := range s {
			if k != "id" && k != "type" {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		if len(keys) == 0 {
			s["id"] = "did:example:tampered"
		} else if v, ok := s[keys[0]].(string); ok {
			s[keys[0]] = v + " (tampered)"
		} else {
			s[keys[0]] = "tampered"
		}
		return asJSON(d)
	}},
	{recipe: "DI-2", name: "flip-proof-value", applies: func(positive) bool { return true }, mutate: func(d map[string]any) (string, bool) {
		p := firstProof(d)
		switch {
		case str(p, "proofValue") != "":
			p["proofValue"] = changeChar(str(p, "proofValue"))
		case str(p, "jws") != "":
			j := str(p, "jws")
			i := strings.LastIndex(j, ".")
			p["jws"] = j[:i+1] + changeChar(j[i+1:])
		default:
			return "", false
		}
		return asJSON(d)
	}},
	{recipe: "DI-2", name: "append-bar", applies: func(positive) bool { return true }, mutate: func(d map[string]any) (string, bool) {
		p := firstProof(d)
		if str(p, "jws") != "" {
			p["jws"] = str(p, "jws") + "bar"
		} else {
			p["proofValue"] = str(p, "proofValue") + "bar"
		}
		return asJSON(d)
	}},
	{recipe: "DI-2", name: "badProof", applies: func(positive) bool { return true }, mutate: func(d map[string]any) (string, bool) {
		p := firstProof(d)
		if str(p, "jws") != "" {
			p["jws"] = "badProof"
		} else {
			p["proofValue"] = "badProof"
		}
		return asJSON(d)
	}},
	{recipe: "DI-3", name: "delete-created", applies: func(positive) bool { return true }, mutate: func(d map[string]any) (string, bool) {
		p := firstProof(d)
		if _, ok := p["created"]; !ok {
			return "", false
		}
		delete(p, "created")
		return asJSON(d)
	}},
	{recipe: "DI-3", name: "created-bar", applies: func(positive) bool { return true }, mutate: func(d map[string]any) (string, bool) {
		p := firstProof(d)
		if _, ok := p["created"]; !ok {
			return "", false
		}
		p["created"] = str(p, "created") + "bar"
		return asJSON(d)
	}},
	{recipe: "DI-4", name: "purpose-bar", applies: func(positive) bool { return true }, mutate: func(d map[string]any) (string, bool) {
		firstProof(d)["proofPurpose"] = "bar"
		return asJSON(d)
	}},
	{recipe: "DI-4", name: "delete-purpose", applies: func(positive) bool { return true }, mutate: func(d map[string]any) (string, bool) {
		delete(firstProof(d), "proofPurpose")
		return asJSON(d)
	}},
	{recipe: "DI-5", name: "delete-issuer", applies: func(p positive) bool { return !p.vp }, mutate: func(d map[string]any) (string, bool) {
		delete(d, "issuer")
		return asJSON(d)
	}},
	{recipe: "DI-5", name: "issuer-bar", applies: func(p positive) bool { return !p.vp }, mutate: func(d map[string]any) (string, bool) {
		d["issuer"] = "bar"
		return asJSON(d)
	}},
	{recipe: "DI-5", name: "delete-subject", applies: func(p positive) bool { return !p.vp }, mutate: func(d map[string]any) (string, bool) {
		delete(d, "credentialSubject")
		return asJSON(d)
	}},
	{recipe: "DI-6", name: "undefined-property", applies: func(p positive) bool { return p.v1 }, mutate: func(d map[string]any) (string, bool) {
		d["newProp"] = "foo"
		return asJSON(d)
	}},
	{recipe: "DI-6", name: "undefined-proof-property", applies: func(p positive) bool { return p.v1 }, mutate: func(d map[string]any) (string, bool) {
		firstProof(d)["newProp"] = "foo"
		return asJSON(d)
	}},
	{recipe: "DI-7", name: "wrong-key", applies: isDI, mutate: func(d map[string]any) (string, bool) {
		const ed1 = "did:key:z6MktgKTsu1QhX6QPbyqG6geXdw6FQCZBPq7uQpieWbiQiG7#z6MktgKTsu1QhX6QPbyqG6geXdw6FQCZBPq7uQpieWbiQiG7"
		const ed0 = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
		const p256 = "did:key:zDnaeTHfhmSaQKBc7CmdL3K7oYg3D6SC7yowe2eBeVd2DH32r#zDnaeTHfhmSaQKBc7CmdL3K7oYg3D6SC7yowe2eBeVd2DH32r"
		p := firstProof(d)
		vm := str(p, "verificationMethod")
		switch {
		case strings.HasPrefix(str(p, "cryptosuite"), "ecdsa"):
			p["verificationMethod"] = p256
		case vm == ed1:
			p["verificationMethod"] = ed0
		default:
			p["verificationMethod"] = ed1
		}
		return asJSON(d)
	}},
	{recipe: "DI-8", name: "other-cryptosuite", applies: isDI, mutate: func(d map[string]any) (string, bool) {
		p := firstProof(d)
		swap := map[string]string{"eddsa-rdfc-2022": "eddsa-jcs-2022", "eddsa-jcs-2022": "eddsa-rdfc-2022", "ecdsa-rdfc-2019": "ecdsa-jcs-2019", "ecdsa-jcs-2019": "ecdsa-rdfc-2019"}
		other, ok := swap[str(p, "cryptosuite")]
		if !ok {
			return "", false
		}
		p["cryptosuite"] = other
		return asJSON(d)
	}},
	{recipe: "DI-9", name: "jcs-reorder (positive control)", control: true, applies: func(p positive) bool { return isDI(p) && strings.Contains(suiteOf(p), "jcs") }, mutate: func(d map[string]any) (string, bool) {
		var b bytes.Buffer
		reordered(d, false, "", &b)
		return b.String(), true
	}},
	{recipe: "DI-10", name: "rdfc-reorder (positive control)", control: true, applies: func(p positive) bool { return isDI(p) && strings.Contains(suiteOf(p), "rdfc") }, mutate: func(d map[string]any) (string, bool) {
		var b bytes.Buffer
		reordered(d, true, "", &b)
		return b.String(), true
	}},
	{recipe: "DI-11", name: "wrong-challenge", applies: func(p positive) bool { return p.vp }, mutate: func(d map[string]any) (string, bool) { return asJSON(d) }},
	{recipe: "DI-11", name: "wrong-domain", applies: func(p positive) bool { return p.vp && p.domain != "" }, mutate: func(d map[string]any) (string, bool) { return asJSON(d) }},
}

// runRecipes applies the derived negative recipes of 11-negative to every
// positive JSON-LD vector that verified in its own folder.
func runRecipes(r *runner, e *env) {
	for _, m := range mutations {
		for _, p := range e.positives {
			if !m.applies(p) {
				continue
			}
			doc := copyJSON(p.doc)
			raw, ok := m.mutate(doc)
			if !ok {
				continue
			}
			r.run(fmt.Sprintf("%s-%s/%s", m.recipe, m.name, p.id), func() error {
				return e.judge(m, p, raw)
			})
		}
	}
}

// judge decides a mutated vector: a positive control must still verify as
// the original did; anything else must fail.
func (e *env) judge(m mutation, p positive, raw string) error {
	v := e.verifier(p.resolver)
	var doc map[string]any
	if err := json.Unmarshal([]byte(raw), &doc); err != nil {
		return err
	}
	exp := dataintegrity.ProofExpectations{}
	if p.vp {
		exp = dataintegrity.ProofExpectations{Purpose: dataintegrity.PurposeAuthentication, Challenge: p.challenge, Domain: p.domain}
		switch m.name {
		case "wrong-challenge":
			exp.Challenge = "not-" + p.challenge
			if p.challenge == "" {
				exp.Challenge = "a-challenge-the-holder-never-saw"
			}
		case "wrong-domain":
			exp.Domain = "other.example.com"
		}
	}
	proofErr := proofsOK(v, doc, exp)
	if m.control {
		if proofErr != nil {
			return fmt.Errorf("positive control no longer verifies: %v", proofErr)
		}
		return nil
	}
	if proofErr == nil {
		// The proofs still verify: the credential checks must catch it.
		if p.vp {
			return failf("mutated presentation still verifies")
		}
		res := v.VerifyCredential(context.Background(), raw)
		if res.Verified {
			return failf("mutated credential still verifies: %s", checks(res))
		}
		if p.proofOnly {
			return failf("the proofs of the mutated credential still verify (VerifyCredential: %s)", checks(res))
		}
		e.t.Logf("%s %s: proofs verify, VerifyCredential refuses: %s", m.recipe, p.id, checks(res))
	}
	return nil
}
