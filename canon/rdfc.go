package canon

import (
	"encoding/hex"
	"hash"
	"sort"
	"strings"

	"github.com/piprate/json-gold/ld"

	"github.com/citizencloud/citizencredentials/fault"
)

// This file implements RDF Dataset Canonicalization (RDFC-1.0, W3C
// Recommendation 2024) over json-gold's RDF datasets. json-gold has
// URDNA2015, but with SHA-256 fixed; ecdsa-rdfc-2019 on P-384 requires
// RDFC-1.0 with SHA-384 as its hash, so the algorithm lives here with the
// hash as a parameter. For SHA-256 the output equals URDNA2015's.

// maxRDFCWork bounds the number of Hash N-Degree Quads calls: RDFC-1.0 is
// exponential on adversarial ("poison") graphs, and credentials come from
// anyone.
const maxRDFCWork = 4096

// MaxQuads bounds the size of a dataset we canonicalise.
const MaxQuads = 20000

const xsdString = "http://www.w3.org/2001/XMLSchema#string"
const rdfLangString = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

type rdfTerm struct {
	kind  byte // 'i' IRI, 'b' blank node, 'l' literal, 0 none (default graph)
	value string
	dt    string
	lang  string
}

type rdfQuad struct{ s, p, o, g rdfTerm }

func termOf(n ld.Node) rdfTerm {
	switch t := n.(type) {
	case *ld.IRI:
		return rdfTerm{kind: 'i', value: t.Value}
	case *ld.BlankNode:
		return rdfTerm{kind: 'b', value: t.Attribute}
	case *ld.Literal:
		return rdfTerm{kind: 'l', value: t.Value, dt: t.Datatype, lang: t.Language}
	}
	return rdfTerm{}
}

// quadsOf flattens a json-gold dataset into quads with explicit graph names.
func quadsOf(ds *ld.RDFDataset) []rdfQuad {
	var out []rdfQuad
	names := make([]string, 0, len(ds.Graphs))
	for g := range ds.Graphs {
		names = append(names, g)
	}
	sort.Strings(names)
	for _, g := range names {
		var gt rdfTerm
		switch {
		case g == "@default" || g == "":
		case strings.HasPrefix(g, "_:"):
			gt = rdfTerm{kind: 'b', value: g}
		default:
			gt = rdfTerm{kind: 'i', value: g}
		}
		for _, q := range ds.Graphs[g] {
			out = append(out, rdfQuad{termOf(q.Subject), termOf(q.Predicate), termOf(q.Object), gt})
		}
	}
	return out
}

// writeTerm appends the canonical N-Quads form of t.
func writeTerm(b *strings.Builder, t rdfTerm) {
	switch t.kind {
	case 'i':
		b.WriteByte('<')
		b.WriteString(t.value)
		b.WriteByte('>')
	case 'b':
		if !strings.HasPrefix(t.value, "_:") {
			b.WriteString("_:")
		}
		b.WriteString(t.value)
	case 'l':
		b.WriteByte('"')
		escapeLiteral(b, t.value)
		b.WriteByte('"')
		switch {
		case t.lang != "":
			b.WriteByte('@')
			b.WriteString(t.lang)
		case t.dt != "" && t.dt != xsdString:
			b.WriteString("^^<")
			b.WriteString(t.dt)
			b.WriteByte('>')
		}
	}
}

// escapeLiteral writes s in the canonical N-Quads form of RDF 1.2 (which
// RDFC-1.0 uses): ECHAR for \b \t \n \f \r \" \\, UCHAR for the other
// control characters, everything else verbatim.
func escapeLiteral(b *strings.Builder, s string) {
	const hexd = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\b':
			b.WriteString(`\b`)
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\f':
			b.WriteString(`\f`)
		case '\r':
			b.WriteString(`\r`)
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		default:
			if c < 0x20 || c == 0x7f {
				b.WriteString(`\u00`)
				b.WriteByte(hexd[c>>4])
				b.WriteByte(hexd[c&15])
			} else {
				b.WriteByte(c)
			}
		}
	}
}

// nquad serialises q, renaming blank nodes with rename (nil: keep).
func nquad(q rdfQuad, rename func(string) string) string {
	var b strings.Builder
	for i, t := range []rdfTerm{q.s, q.p, q.o, q.g} {
		if t.kind == 0 {
			continue
		}
		if i > 0 {
			b.WriteByte(' ')
		}
		if t.kind == 'b' && rename != nil {
			t.value = rename(t.value)
		}
		writeTerm(&b, t)
	}
	b.WriteString(" .\n")
	return b.String()
}

// idIssuer is RDFC-1.0's identifier issuer.
type idIssuer struct {
	prefix string
	n      int
	ids    map[string]string
	order  []string
}

func newIssuer(prefix string) *idIssuer { return &idIssuer{prefix: prefix, ids: map[string]string{}} }

func (is *idIssuer) issue(id string) string {
	if v, ok := is.ids[id]; ok {
		return v
	}
	v := is.prefix + itoaInt(is.n)
	is.n++
	is.ids[id] = v
	is.order = append(is.order, id)
	return v
}

func (is *idIssuer) has(id string) bool { _, ok := is.ids[id]; return ok }

func (is *idIssuer) clone() *idIssuer {
	c := &idIssuer{prefix: is.prefix, n: is.n, ids: make(map[string]string, len(is.ids)), order: append([]string(nil), is.order...)}
	for k, v := range is.ids {
		c.ids[k] = v
	}
	return c
}

func itoaInt(n int) string {
	if n == 0 {
		return "0"
	}
	var d [20]byte
	i := len(d)
	for n > 0 {
		i--
		d[i] = byte('0' + n%10)
		n /= 10
	}
	return string(d[i:])
}

type canonState struct {
	newHash   func() hash.Hash
	bnQuads   map[string][]int // blank node id (with "_:") → indexes into quads
	quads     []rdfQuad
	canonical *idIssuer
	firstHash map[string]string
	work      int
}

func (st *canonState) hashHex(data string) string {
	h := st.newHash()
	h.Write([]byte(data))
	return hex.EncodeToString(h.Sum(nil))
}

func bnID(v string) string {
	if strings.HasPrefix(v, "_:") {
		return v
	}
	return "_:" + v
}

// hashFirstDegree is RDFC-1.0 §4.6.
func (st *canonState) hashFirstDegree(id string) string {
	if h, ok := st.firstHash[id]; ok {
		return h
	}
	var lines []string
	for _, qi := range st.bnQuads[id] {
		lines = append(lines, nquad(st.quads[qi], func(v string) string {
			if bnID(v) == id {
				return "_:a"
			}
			return "_:z"
		}))
	}
	sort.Strings(lines)
	h := st.hashHex(strings.Join(lines, ""))
	st.firstHash[id] = h
	return h
}

// hashRelated is RDFC-1.0 §4.7.
func (st *canonState) hashRelated(related string, q rdfQuad, issuer *idIssuer, position string) string {
	var id string
	switch {
	case st.canonical.has(related):
		id = st.canonical.ids[related]
	case issuer.has(related):
		id = issuer.ids[related]
	default:
		id = st.hashFirstDegree(related)
	}
	in := position
	if position != "g" {
		in += "<" + q.p.value + ">"
	}
	return st.hashHex(in + id)
}

// hashNDegree is RDFC-1.0 §4.8.
func (st *canonState) hashNDegree(id string, issuer *idIssuer) (string, *idIssuer, error) {
	st.work++
	if st.work > maxRDFCWork {
		return "", nil, fault.E(fault.Invalid, "the document's blank nodes are too entangled to canonicalise (RDFC-1.0 work limit)")
	}
	related := map[string][]string{}
	for _, qi := range st.bnQuads[id] {
		q := st.quads[qi]
		for _, c := range []struct {
			t   rdfTerm
			pos string
		}{{q.s, "s"}, {q.o, "o"}, {q.g, "g"}} {
			if c.t.kind != 'b' || bnID(c.t.value) == id {
				continue
			}
			rid := bnID(c.t.value)
			h := st.hashRelated(rid, q, issuer, c.pos)
			related[h] = append(related[h], rid)
		}
	}
	hashes := make([]string, 0, len(related))
	for h := range related {
		hashes = append(hashes, h)
	}
	sort.Strings(hashes)
	var data strings.Builder
	for _, h := range hashes {
		data.WriteString(h)
		chosenPath := ""
		var chosenIssuer *idIssuer
		var err error
		permute(related[h], func(perm []string) bool {
			ic := issuer.clone()
			path := ""
			var recursion []string
			for _, r := range perm {
				if st.canonical.has(r) {
					path += st.canonical.ids[r]
				} else {
					if !ic.has(r) {
						recursion = append(recursion, r)
					}
					path += ic.issue(r)
				}
				if chosenPath != "" && len(path) >= len(chosenPath) && path > chosenPath {
					return true
				}
			}
			for _, r := range recursion {
				rh, ri, e := st.hashNDegree(r, ic)
				if e != nil {
					err = e
					return false
				}
				path += ic.issue(r) + "<" + rh + ">"
				ic = ri
				if chosenPath != "" && len(path) >= len(chosenPath) && path > chosenPath {
					return true
				}
			}
			if chosenPath == "" || path < chosenPath {
				chosenPath, chosenIssuer = path, ic
			}
			return true
		})
		if err != nil {
			return "", nil, err
		}
		data.WriteString(chosenPath)
		issuer = chosenIssuer
	}
	return st.hashHex(data.String()), issuer, nil
}

// permute calls f with every permutation of items (Heap's algorithm,
// order irrelevant: RDFC-1.0 keeps the least path) until f returns false.
func permute(items []string, f func([]string) bool) {
	a := append([]string(nil), items...)
	n := len(a)
	c := make([]int, n)
	if !f(a) {
		return
	}
	for i := 0; i < n; {
		if c[i] < i {
			if i%2 == 0 {
				a[0], a[i] = a[i], a[0]
			} else {
				a[c[i]], a[i] = a[i], a[c[i]]
			}
			if !f(a) {
				return
			}
			c[i]++
			i = 0
		} else {
			c[i] = 0
			i++
		}
	}
}

// RDFC returns the canonical N-Quads of ds (RDFC-1.0 with newHash as
// the hash algorithm), one line per quad, sorted, each ending in "\n".
func RDFC(ds *ld.RDFDataset, newHash func() hash.Hash) (string, error) {
	lines, err := RDFCLines(ds, newHash, nil)
	if err != nil {
		return "", err
	}
	return strings.Join(lines, ""), nil
}

// RDFCLines canonicalises ds and returns its sorted N-Quads lines;
// relabel, if not nil, maps each canonical blank node label ("c14n0", ...)
// to the label to write instead (ecdsa-sd-2023 label replacement).
func RDFCLines(ds *ld.RDFDataset, newHash func() hash.Hash, relabel func(string) (string, error)) ([]string, error) {
	st := &canonState{newHash: newHash, bnQuads: map[string][]int{}, canonical: newIssuer("_:c14n"), firstHash: map[string]string{}}
	st.quads = quadsOf(ds)
	if len(st.quads) > MaxQuads {
		return nil, fault.E(fault.Invalid, "the document has more than %d RDF statements", MaxQuads)
	}
	for i, q := range st.quads {
		for _, t := range []rdfTerm{q.s, q.o, q.g} {
			if t.kind == 'b' {
				id := bnID(t.value)
				if l := st.bnQuads[id]; len(l) == 0 || l[len(l)-1] != i {
					st.bnQuads[id] = append(l, i)
				}
			}
		}
	}
	// §4.4.3 step 3: first degree hashes.
	byHash := map[string][]string{}
	ids := make([]string, 0, len(st.bnQuads))
	for id := range st.bnQuads {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		h := st.hashFirstDegree(id)
		byHash[h] = append(byHash[h], id)
	}
	hashes := make([]string, 0, len(byHash))
	for h := range byHash {
		hashes = append(hashes, h)
	}
	sort.Strings(hashes)
	// Step 4: unique hashes get canonical ids in hash order.
	var shared []string
	for _, h := range hashes {
		if len(byHash[h]) == 1 {
			st.canonical.issue(byHash[h][0])
		} else {
			shared = append(shared, h)
		}
	}
	// Step 5: the others by N-degree hash.
	for _, h := range shared {
		type result struct {
			hash   string
			issuer *idIssuer
		}
		var results []result
		for _, id := range byHash[h] {
			if st.canonical.has(id) {
				continue
			}
			tmp := newIssuer("_:b")
			tmp.issue(id)
			rh, ri, err := st.hashNDegree(id, tmp)
			if err != nil {
				return nil, err
			}
			results = append(results, result{rh, ri})
		}
		sort.SliceStable(results, func(i, j int) bool { return results[i].hash < results[j].hash })
		for _, r := range results {
			for _, id := range r.issuer.order {
				st.canonical.issue(id)
			}
		}
	}
	var relabelErr error
	name := func(v string) string {
		c := st.canonical.ids[bnID(v)]
		if relabel == nil {
			return c
		}
		l, err := relabel(strings.TrimPrefix(c, "_:"))
		if err != nil && relabelErr == nil {
			relabelErr = err
		}
		return "_:" + l
	}
	lines := make([]string, 0, len(st.quads))
	seen := make(map[string]bool, len(st.quads))
	for _, q := range st.quads {
		l := nquad(q, name)
		if !seen[l] { // a dataset is a set
			seen[l] = true
			lines = append(lines, l)
		}
	}
	if relabelErr != nil {
		return nil, relabelErr
	}
	sort.Strings(lines)
	return lines, nil
}
