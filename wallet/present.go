package wallet

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/citizencloud/citizencredentials/client"
	"github.com/citizencloud/citizencredentials/credentials"
	"github.com/citizencloud/citizencredentials/credentials/jose"
	"github.com/citizencloud/citizencredentials/credentials/sdjwt"
	"github.com/citizencloud/citizencredentials/credentials/vcdm"
	"github.com/citizencloud/citizencredentials/exchange"
)

// Decoded is a held credential read for display and choice, without
// verifying it (the service verifies; the wallet only needs to know what it
// holds): the credential as a verifier would read it if every disclosure
// were presented.
type Decoded struct {
	Format    string // for people: "vc+jwt", "vc+sd-jwt", "Data Integrity (eddsa-rdfc-2022)", ...
	Candidate *credentials.Candidate
}

// Decode reads a secured credential (vc+jwt, VCDM 1.1 JWT, SD-JWT, Data
// Integrity JSON). Errors: it cannot be read (fault Invalid).
func Decode(secured string) (*Decoded, error) {
	c, err := credentials.CandidateOf(secured)
	if err != nil {
		return nil, err
	}
	d := &Decoded{Format: string(c.Format), Candidate: c}
	switch c.Format {
	case credentials.FormatJWTV1:
		d.Format = "JWT VC (VCDM 1.1)"
	case credentials.FormatDataIntegrity:
		d.Format = "Data Integrity"
		if p, ok := c.JSON["proof"].(map[string]any); ok {
			if cs, ok := p["cryptosuite"].(string); ok {
				d.Format += " (" + cs + ")"
			}
		}
	}
	return d, nil
}

// SD reports whether the holder can leave claims out (an SD-JWT).
func (d *Decoded) SD() bool { return d.Candidate.SD }

// SubjectClaims returns the (first) credentialSubject without its id.
func (d *Decoded) SubjectClaims() map[string]any {
	var sub map[string]any
	switch s := d.Candidate.JSON["credentialSubject"].(type) {
	case map[string]any:
		sub = s
	case []any:
		if len(s) > 0 {
			sub, _ = s[0].(map[string]any)
		}
	}
	out := map[string]any{}
	for k, v := range sub {
		if k != "id" {
			out[k] = v
		}
	}
	return out
}

// Types returns the credential's type list (an SD-JWT VC: its vct).
func (d *Decoded) Types() []string {
	if t := TypesOf(d.Candidate.JSON); len(t) > 0 {
		return t
	}
	if vct, ok := d.Candidate.JSON["vct"].(string); ok {
		return []string{vct}
	}
	return nil
}

// TypesOf returns the "type" of a credential or presentation as JSON (one
// string or a list).
func TypesOf(doc map[string]any) []string { return vcdm.Strings(doc["type"]) }

// Disclosable returns the subject claims the holder may leave out
// ("hours", "address.city"), sorted.
func (d *Decoded) Disclosable() []string {
	var out []string
	for _, p := range d.Candidate.Disclosed {
		if rest, ok := strings.CutPrefix(p, "credentialSubject."); ok {
			out = append(out, rest)
		}
	}
	sort.Strings(out)
	return out
}

// Plan is what the wallet presents for a request's definition.
type Plan struct {
	def    *exchange.Definition
	Chosen []*Choice
	Unmet  []Unmet // descriptors no usable credential meets
}

// Choice is one credential to present.
type Choice struct {
	Descriptors []string // ids of the input descriptors it meets
	Credential  *Credential
	Decoded     *Decoded
	Fields      []string // subject claims the descriptors name
	Disclose    []string // SD-JWT: the claims to disclose
}

// Unmet is an input descriptor no usable credential meets.
type Unmet struct {
	Descriptor exchange.Descriptor
	Why        []string // why credentials close to it do not qualify
}

func (u Unmet) String() string {
	s := "no credential in the wallet meets " + u.Descriptor.Description
	if len(u.Why) > 0 {
		s += ": " + strings.Join(u.Why, "; ")
	}
	return s
}

// Choose picks, for each input descriptor of def (a presentation
// definition as the request carries it), the newest usable credential that
// the verifier's engine (exchange.Definition.Evaluate) accepts for it.
// Revoked, suspended, expired and not yet valid credentials are not used;
// that they would have met a descriptor is said in Unmet. Errors: def
// cannot be evaluated (fault Invalid).
func Choose(def json.RawMessage, creds []Credential, now time.Time) (*Plan, error) {
	d, err := exchange.ParseDefinition(def)
	if err != nil {
		return nil, err
	}
	type held struct {
		cred *Credential
		dec  *Decoded
		why  string // why it cannot be used ("" if it can)
	}
	var all []*held
	for i := range creds {
		dec, err := Decode(creds[i].Credential)
		if err != nil {
			continue
		}
		h := &held{cred: &creds[i], dec: dec}
		switch st := creds[i].StateNow(now); {
		case st != string(client.CredentialStateActive):
			h.why = "is " + st
		case now.Before(creds[i].ValidFrom):
			h.why = "is not valid before " + creds[i].ValidFrom.UTC().Format(time.RFC3339)
		}
		dec.Candidate.Tag = creds[i].ID
		all = append(all, h)
	}
	// Newest first; ids (UUIDv7) order credentials issued in the same second.
	sort.SliceStable(all, func(i, j int) bool {
		a, b := all[i].cred, all[j].cred
		if !a.IssuedAt.Equal(b.IssuedAt) {
			return a.IssuedAt.After(b.IssuedAt)
		}
		return a.ID > b.ID
	})
	var usable, unusable []*credentials.Candidate
	byCand := map[*credentials.Candidate]*held{}
	for _, h := range all {
		// What the holder will disclose is chosen after (ChooseDisclosures)
		// and checked by Check; here an SD-JWT discloses nothing yet.
		c := *h.dec.Candidate
		if c.SD {
			c.Disclosed = nil
		}
		byCand[&c] = h
		if h.why == "" {
			usable = append(usable, &c)
		} else {
			unusable = append(unusable, &c)
		}
	}
	ev, err := d.Evaluate(usable)
	if err != nil {
		return nil, err
	}
	blocked, err := d.Evaluate(unusable)
	if err != nil {
		return nil, err
	}
	plan := &Plan{def: d}
	byCred := map[string]*Choice{}
	for _, desc := range d.Descriptors() {
		acc := ev.Accepted[desc.ID]
		if len(acc) == 0 {
			u := Unmet{Descriptor: desc, Why: ev.Why[desc.ID]}
			for _, c := range blocked.Accepted[desc.ID] {
				u.Why = append(u.Why, c.Tag+" "+byCand[c].why)
			}
			plan.Unmet = append(plan.Unmet, u)
			continue
		}
		h := byCand[acc[0]]
		ch := byCred[h.cred.ID]
		if ch == nil {
			ch = &Choice{Credential: h.cred, Decoded: h.dec}
			byCred[h.cred.ID] = ch
			plan.Chosen = append(plan.Chosen, ch)
		}
		ch.Descriptors = append(ch.Descriptors, desc.ID)
		for _, f := range desc.SubjectFields {
			if !contains(ch.Fields, f) {
				ch.Fields = append(ch.Fields, f)
			}
		}
	}
	return plan, nil
}

// Withheld returns the selectively disclosable claims the choice leaves out.
func (c *Choice) Withheld() []string {
	var out []string
	for _, n := range c.Decoded.Disclosable() {
		if !contains(c.Disclose, lastSegment(n)) {
			out = append(out, n)
		}
	}
	return out
}

// ChooseDisclosures sets what each SD-JWT credential discloses: the claim
// names in explicit that it has, or else the fields the request asks for.
// Errors: a name in explicit that no chosen SD-JWT credential has.
func (p *Plan) ChooseDisclosures(explicit []string) error {
	used := map[string]bool{}
	for _, ch := range p.Chosen {
		if !ch.Decoded.SD() {
			continue
		}
		names := map[string]bool{}
		collectKeys(ch.Decoded.SubjectClaims(), names)
		want := ch.Fields
		if len(explicit) > 0 {
			want = explicit
		}
		ch.Disclose = nil
		for _, n := range want {
			if n = lastSegment(n); names[n] {
				ch.Disclose = append(ch.Disclose, n)
				used[n] = true
			}
		}
	}
	var unknown []string
	for _, n := range explicit {
		if !used[lastSegment(n)] {
			unknown = append(unknown, n)
		}
	}
	if len(unknown) > 0 {
		return fmt.Errorf("--disclose %s: no SD-JWT credential chosen for this request has such a claim (only SD-JWT credentials can disclose some claims and not others)", strings.Join(unknown, ","))
	}
	return nil
}

// secured returns the chosen credentials as they are presented (an
// SD-JWT with only the chosen disclosures).
func (p *Plan) secured() ([]string, error) {
	var out []string
	for _, ch := range p.Chosen {
		raw := ch.Credential.Credential
		if ch.Decoded.SD() {
			var err error
			if raw, err = sdjwt.Present(raw, ch.Disclose, nil, "", ""); err != nil {
				return nil, fmt.Errorf("select the disclosures of %s: %w", ch.Credential.ID, err)
			}
		}
		out = append(out, raw)
	}
	return out, nil
}

// Check runs the verifier's engine over exactly what the plan presents (SD-JWT
// credentials with only their chosen disclosures): what the verifier's
// constraints check will say, given that the credentials verify. Unmet
// descriptors' reasons that only the wallet knows (a credential it holds
// is revoked) are added to the message. Errors: a credential cannot be
// prepared.
func (p *Plan) Check() (*exchange.Evaluation, error) {
	secured, err := p.secured()
	if err != nil {
		return nil, err
	}
	cands := make([]*credentials.Candidate, 0, len(secured))
	for i, s := range secured {
		c, err := credentials.CandidateOf(s)
		if err != nil {
			return nil, fmt.Errorf("credential %s: %w", p.Chosen[i].Credential.ID, err)
		}
		c.Tag = p.Chosen[i].Credential.ID
		cands = append(cands, c)
	}
	ev, err := p.def.Evaluate(cands)
	if err != nil {
		return nil, err
	}
	if !ev.OK {
		for _, u := range p.Unmet {
			ev.Message += "; " + u.String()
		}
	}
	return ev, nil
}

// Present builds the presentation of the plan's credentials for the
// request (its challenge and domain) and signs it as the wallet's holder: a
// vp+jwt.
func (p *Plan) Present(w *File, key *Key, req *Request) (string, error) {
	secured, err := p.secured()
	if err != nil {
		return "", err
	}
	vp := jose.BuildPresentation(w.DID, secured, req.Challenge, req.Domain)
	out, err := jose.SignPresentation(vp, key, req.Challenge, req.Domain)
	if err != nil {
		return "", fmt.Errorf("sign the presentation: %w", err)
	}
	return out, nil
}

func collectKeys(v any, names map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			names[k] = true
			collectKeys(val, names)
		}
	case []any:
		for _, el := range x {
			collectKeys(el, names)
		}
	}
}

func lastSegment(path string) string {
	if i := strings.LastIndex(path, "."); i >= 0 {
		return path[i+1:]
	}
	return path
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
