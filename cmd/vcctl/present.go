package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/PaesslerAG/jsonpath"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/citizencloud/citizencredentials/client"
	"github.com/citizencloud/citizencredentials/credentials"
	"github.com/citizencloud/citizencredentials/exchange"
)

type walletPresentFlags struct {
	walletFlags
	request, disclose, out string
	submit, partial        bool
}

func defineWalletPresent(fs *flag.FlagSet) any {
	f := &walletPresentFlags{}
	f.define(fs, true)
	fs.StringVar(&f.request, "request", "", "the verifier's request: its requestUri, or its id on --url (required)")
	fs.StringVar(&f.disclose, "disclose", "", "SD-JWT credentials: the claims to disclose, comma-separated (default: the fields the request asks for)")
	fs.BoolVar(&f.submit, "submit", true, "submit the presentation to the service and print the verifier's checks; --submit=false only signs it")
	fs.StringVar(&f.out, "out", "", "also write the signed presentation (vp+jwt) to this file (mode 0600)")
	fs.BoolVar(&f.partial, "partial", false, "answer even when the wallet cannot meet the whole request (the verifier then records a failure)")
	return f
}

// requestDoc is what GET <requestUri> returns.
type requestDoc struct {
	ID         string          `json:"id"`
	Challenge  string          `json:"challenge"`
	Domain     string          `json:"domain"`
	Purpose    string          `json:"purpose"`
	Definition json.RawMessage `json:"presentation_definition"`
	ExpiresAt  time.Time       `json:"expires_at"`
	State      string          `json:"state"`
	Response   struct {
		GraphQL string `json:"graphql"`
	} `json:"response"`
}

func walletPresent(e *env, c *command, opts any, args []string) int {
	f := opts.(*walletPresentFlags)
	switch {
	case f.request == "" && len(args) == 1:
		f.request = args[0]
	case len(args) > 0:
		return e.usageError(c, "unexpected argument %q", args[0])
	case f.request == "":
		return e.usageError(c, "missing --request (the requestUri or id the verifier gave you)")
	}
	if !f.submit && f.out == "" && e.json {
		return e.usageError(c, "--submit=false prints the presentation itself; leave out --json or give --out FILE")
	}
	w, _, ok := e.openWallet(&f.walletFlags)
	if !ok {
		return exitUsage
	}
	if !e.urlGiven() && w.Session != nil && w.Session.URL != "" {
		e.url = w.Session.URL // an id alone names a request on the wallet's service
	}
	e.resolveGlobals()

	// 1. The request.
	reqURL, byID := requestURL(e.url, f.request)
	req, code := e.fetchRequest(reqURL)
	if code != exitOK {
		return code
	}
	fmt.Fprintf(e.stderr, "Request %s for %s\n", req.ID, req.Domain)
	if req.Purpose != "" {
		fmt.Fprintf(e.stderr, "  purpose: %s\n", req.Purpose)
	}
	fmt.Fprintf(e.stderr, "  expires: %s\n", fmtTime(req.ExpiresAt))
	if d, err := url.Parse(req.Domain); err == nil && d.Host != "" && !sameHost(d, reqURL) {
		fmt.Fprintf(e.stderr, "vcctl: warning: the request was served by %s but the presentation is to be addressed to %s; answer only if you trust both\n", hostOf(reqURL), d.Host)
	}
	if st := strings.ToLower(req.State); st != "" && st != "pending" {
		fmt.Fprintf(e.stderr, "vcctl: CONFLICT: request %s was already answered (%s); a request accepts one presentation: ask the verifier for a new one\n", req.ID, strings.ToUpper(st))
		return exitFail
	}
	if !req.ExpiresAt.IsZero() && !time.Now().Before(req.ExpiresAt) {
		fmt.Fprintf(e.stderr, "vcctl: request %s expired at %s: ask the verifier for a new one\n", req.ID, fmtTime(req.ExpiresAt))
		return exitFail
	}
	var pd presentationDefinition
	if err := json.Unmarshal(req.Definition, &pd); err != nil {
		return e.failf("the request's presentation_definition cannot be read: %v", err)
	}

	// 2. What to present.
	plan := matchDefinition(&pd, w.Credentials, time.Now())
	explicit := splitList(f.disclose)
	if err := plan.chooseDisclosures(explicit); err != nil {
		return e.usageError(c, "%v", err)
	}
	plan.print(e, w.DID)
	if len(plan.unmet) > 0 && f.partial {
		for _, u := range plan.unmet {
			fmt.Fprintf(e.stderr, "vcctl: answering anyway (--partial), although %s\n", u.describe())
		}
	}
	if len(plan.unmet) > 0 && !f.partial {
		msgs := make([]string, len(plan.unmet))
		for i, u := range plan.unmet {
			msgs[i] = u.describe()
		}
		check := checkRow{exchange.CheckConstraints, false, strings.Join(msgs, "; ")}
		if e.json {
			_ = printJSON(e.stdout, map[string]any{"verified": false, "submitted": false,
				"checks": []map[string]any{{"name": check.name, "ok": false, "message": check.msg}}})
		} else {
			printCheckRows(e, []checkRow{check}, false)
		}
		fmt.Fprintf(e.stderr, "\nThe wallet cannot meet the request, so nothing was sent and the request stays open.\n"+
			"Fetch new credentials ('vcctl wallet fetch') and try again, or pass --partial to answer anyway so that the verifier records a failure.\n")
		return exitFail
	}

	// 3. Sign.
	key, err := e.unlockWallet(&f.walletFlags, w)
	if err != nil {
		return e.failf("%v", err)
	}
	var secured []string
	for _, ch := range plan.chosen {
		raw := ch.cred.Credential
		if ch.dec.sd {
			if raw, err = credentials.PresentSDJWT(raw, ch.disclose, nil, "", ""); err != nil {
				return e.failf("select the disclosures of %s: %v", ch.cred.ID, err)
			}
		}
		secured = append(secured, raw)
	}
	vp := credentials.BuildPresentation(w.DID, secured, req.Challenge, req.Domain)
	presentation, err := credentials.SignPresentationJWT(vp, key, req.Challenge, req.Domain)
	if err != nil {
		return e.failf("sign the presentation: %v", err)
	}
	if f.out != "" {
		if err := writeFile(f.out, []byte(presentation+"\n")); err != nil {
			return e.failf("write presentation: %v", err)
		}
		fmt.Fprintf(e.stderr, "Presentation written to %s.\n", f.out)
	}
	if !f.submit {
		if f.out == "" {
			fmt.Fprintln(e.stdout, presentation)
		}
		fmt.Fprintf(e.stderr, "Not submitted (--submit=false). It is bound to this request's challenge and domain and expires in %v.\n", credentials.PresentationLifetime)
		return exitOK
	}

	// 4. Submit and show the verifier's checks.
	endpoint := e.url
	if !byID {
		endpoint = submitEndpoint(reqURL, req.Response.GraphQL)
	}
	fmt.Fprintf(e.stderr, "Submitting to %s\n\n", strings.TrimSuffix(endpoint, "/graphql"))
	resp, err := client.SubmitPresentation(e.ctx, e.clientWith(endpoint, ""), req.ID, presentation)
	if err != nil {
		return e.fail(err)
	}
	res := resp.SubmitPresentation
	if e.json {
		_ = printJSON(e.stdout, res)
	} else {
		printVerification(e, &res)
	}
	if !res.Verified {
		return exitFail
	}
	return exitOK
}

// requestURL turns --request into the URL to GET: a URL as it is, an id
// as <base>/requests/<id>.
func requestURL(base, request string) (u string, byID bool) {
	if isHTTPURL(request) {
		return request, false
	}
	return strings.TrimRight(base, "/") + "/requests/" + url.PathEscape(request), true
}

// submitEndpoint is where to submit the answer to the request at reqURL:
// the GraphQL endpoint the request names if it is on the same host,
// otherwise the one beside /requests/<id>.
func submitEndpoint(reqURL, named string) string {
	if u, err := url.Parse(named); err == nil && isHTTPURL(named) && sameHost(u, reqURL) {
		return named
	}
	base := reqURL
	if i := strings.LastIndex(base, "/requests/"); i >= 0 {
		base = base[:i]
	}
	return strings.TrimRight(base, "/") + "/graphql"
}

func sameHost(u *url.URL, other string) bool {
	o, err := url.Parse(other)
	return err == nil && strings.EqualFold(u.Host, o.Host)
}

func hostOf(s string) string {
	if u, err := url.Parse(s); err == nil && u.Host != "" {
		return u.Host
	}
	return s
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// fetchRequest GETs a presentation request.
func (e *env) fetchRequest(reqURL string) (*requestDoc, int) {
	ctx, cancel := context.WithTimeout(e.ctx, e.timeout)
	defer cancel()
	hr, err := http.NewRequestWithContext(ctx, http.MethodGet, reqURL, nil)
	if err != nil {
		return nil, e.failf("request %s: %v", reqURL, err)
	}
	hr.Header.Set("Accept", "application/json")
	hr.Header.Set("User-Agent", "vcctl")
	resp, err := http.DefaultClient.Do(hr)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return nil, e.fail(err)
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		fmt.Fprintf(e.stderr, "vcctl: cannot fetch the request %s: %v\n", reqURL, err)
		return nil, exitUsage
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, exchange.MaxDefinitionSize+64<<10))
	if err != nil {
		fmt.Fprintf(e.stderr, "vcctl: cannot fetch the request %s: %v\n", reqURL, err)
		return nil, exitUsage
	}
	if resp.StatusCode != http.StatusOK {
		var fe struct{ Error, Code string }
		if json.Unmarshal(body, &fe) == nil && fe.Error != "" {
			fmt.Fprintf(e.stderr, "vcctl: %s: %s\n", strings.ToUpper(fe.Code), fe.Error)
		} else {
			fmt.Fprintf(e.stderr, "vcctl: GET %s: HTTP %d\n", reqURL, resp.StatusCode)
		}
		return nil, exitFail
	}
	var doc requestDoc
	if err := json.Unmarshal(body, &doc); err != nil || doc.ID == "" || doc.Challenge == "" || doc.Domain == "" || len(doc.Definition) == 0 {
		fmt.Fprintf(e.stderr, "vcctl: %s is not a presentation request (want JSON with id, challenge, domain and presentation_definition)\n", reqURL)
		return nil, exitUsage
	}
	return &doc, exitOK
}

// ---- matching a presentation definition --------------------------------------

// presentationDefinition is the part of a DIF Presentation Exchange v2
// definition the wallet evaluates: every input descriptor must be met by
// one credential (submission requirements are left to the verifier).
type presentationDefinition struct {
	ID               string            `json:"id"`
	Purpose          string            `json:"purpose"`
	InputDescriptors []inputDescriptor `json:"input_descriptors"`
}

type inputDescriptor struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Purpose     string `json:"purpose"`
	Constraints struct {
		LimitDisclosure string    `json:"limit_disclosure"`
		Fields          []pdField `json:"fields"`
	} `json:"constraints"`
}

type pdField struct {
	Path     []string        `json:"path"`
	Filter   json.RawMessage `json:"filter"`
	Optional bool            `json:"optional"`
}

// presentPlan is what the wallet presents for a definition.
type presentPlan struct {
	chosen []*choice
	unmet  []*unmetDescriptor
}

type choice struct {
	descriptors []string // ids of the descriptors it meets
	cred        *walletCredential
	dec         *decoded
	fields      []string // subject claims the request asks for
	disclose    []string // SD-JWT: claims to disclose
}

type unmetDescriptor struct {
	desc  *inputDescriptor
	near  []string // why close candidates do not qualify
	needs []string // the constraints, for people
}

func (u *unmetDescriptor) describe() string {
	s := "no credential in the wallet meets " + descriptorName(u.desc)
	if len(u.needs) > 0 {
		s += " (needs " + strings.Join(u.needs, ", ") + ")"
	}
	if len(u.near) > 0 {
		s += ": " + strings.Join(u.near, "; ")
	}
	return s
}

func descriptorName(d *inputDescriptor) string {
	if d.Name != "" && d.Name != d.ID {
		return fmt.Sprintf("%q (%s)", d.ID, d.Name)
	}
	return strconv.Quote(d.ID)
}

// matchDefinition picks, for each input descriptor, the newest usable
// credential that meets every required field (path present and, with a
// filter, the value valid against it). Revoked, suspended and expired
// credentials are not used; with limit_disclosure "required" only SD-JWT
// credentials qualify.
func matchDefinition(pd *presentationDefinition, creds []walletCredential, now time.Time) *presentPlan {
	type cand struct {
		cred *walletCredential
		dec  *decoded
	}
	var cands []cand
	for i := range creds {
		d, err := decodeCredential(creds[i].Credential)
		if err != nil {
			continue
		}
		cands = append(cands, cand{&creds[i], d})
	}
	// Newest first; ids (UUIDv7) order credentials issued in the same second.
	sort.SliceStable(cands, func(i, j int) bool {
		a, b := cands[i].cred, cands[j].cred
		if !a.IssuedAt.Equal(b.IssuedAt) {
			return a.IssuedAt.After(b.IssuedAt)
		}
		return a.ID > b.ID
	})

	plan := &presentPlan{}
	byCred := map[string]*choice{}
	for di := range pd.InputDescriptors {
		desc := &pd.InputDescriptors[di]
		fields := compileFields(desc.Constraints.Fields)
		var found *cand
		var near []string
		for i := range cands {
			cd := &cands[i]
			if !fields.match(cd.dec.doc) {
				continue
			}
			why := ""
			switch st := stateNow(cd.cred); {
			case st != string(client.CredentialStateActive):
				why = "is " + st
			case now.Before(cd.cred.ValidFrom):
				why = "is not valid before " + fmtTime(cd.cred.ValidFrom)
			case desc.Constraints.LimitDisclosure == "required" && !cd.dec.sd:
				why = "is a " + cd.dec.format + ", which cannot disclose only some claims (the request requires selective disclosure)"
			}
			if why != "" {
				near = append(near, cd.cred.ID+" "+why)
				continue
			}
			found = cd
			break
		}
		if found == nil {
			plan.unmet = append(plan.unmet, &unmetDescriptor{desc: desc, near: near, needs: fields.describe()})
			continue
		}
		ch := byCred[found.cred.ID]
		if ch == nil {
			ch = &choice{cred: found.cred, dec: found.dec}
			byCred[found.cred.ID] = ch
			plan.chosen = append(plan.chosen, ch)
		}
		ch.descriptors = append(ch.descriptors, desc.ID)
		for _, f := range fields.subjectClaims() {
			if !listContains(ch.fields, f) {
				ch.fields = append(ch.fields, f)
			}
		}
	}
	return plan
}

// chooseDisclosures sets what each SD-JWT credential discloses: the names
// in explicit that it has, or else the fields the request asks for.
func (p *presentPlan) chooseDisclosures(explicit []string) error {
	used := map[string]bool{}
	for _, ch := range p.chosen {
		if !ch.dec.sd {
			continue
		}
		names := map[string]bool{}
		collectKeys(ch.dec.subjectClaims(), names)
		want := ch.fields
		if len(explicit) > 0 {
			want = explicit
		}
		ch.disclose = nil
		for _, n := range want {
			if n = lastSegment(n); names[n] {
				ch.disclose = append(ch.disclose, n)
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

func (p *presentPlan) print(e *env, holder string) {
	if len(p.chosen) > 0 {
		fmt.Fprintf(e.stderr, "Presenting as %s:\n", holder)
	}
	for _, ch := range p.chosen {
		types := nonBase(ch.dec.types())
		if len(types) == 0 {
			types = []string{ch.cred.Type}
		}
		fmt.Fprintf(e.stderr, "  %s  %s from %s, issued %s\n", ch.cred.ID, strings.Join(types, ", "), ch.cred.IssuerDID, fmtTime(ch.cred.IssuedAt))
		fmt.Fprintf(e.stderr, "      for %s\n", strings.Join(ch.descriptors, ", "))
		if !ch.dec.sd {
			fmt.Fprintf(e.stderr, "      %s: every claim is shown (%s)\n", ch.dec.format, strings.Join(sortedKeys(ch.dec.subjectClaims()), ", "))
			continue
		}
		var withheld []string
		for _, n := range ch.dec.disclosableClaims() {
			if !listContains(ch.disclose, lastSegment(n)) {
				withheld = append(withheld, n)
			}
		}
		disclosed := "discloses " + strings.Join(ch.disclose, ", ")
		if len(ch.disclose) == 0 {
			disclosed = "discloses none of its claims (only its type, issuer and subject)"
		}
		fmt.Fprintf(e.stderr, "      %s: %s", ch.dec.format, disclosed)
		if len(withheld) > 0 {
			fmt.Fprintf(e.stderr, "; withholds %s", strings.Join(withheld, ", "))
		}
		fmt.Fprintln(e.stderr)
	}
	if len(p.chosen) > 0 {
		fmt.Fprintln(e.stderr)
	}
}

// fieldSet is a descriptor's fields, compiled.
type fieldSet []compiledField

type compiledField struct {
	pdField
	schema *jsonschema.Schema // nil: no filter (or one the wallet cannot compile: the verifier decides)
}

func compileFields(fields []pdField) fieldSet {
	out := make(fieldSet, 0, len(fields))
	for i, f := range fields {
		cf := compiledField{pdField: f}
		if len(f.Filter) > 0 && string(f.Filter) != "null" {
			if doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(f.Filter)); err == nil {
				comp := jsonschema.NewCompiler()
				comp.DefaultDraft(jsonschema.Draft7)
				u := "urn:vcctl:filter:" + strconv.Itoa(i)
				if comp.AddResource(u, doc) == nil {
					cf.schema, _ = comp.Compile(u)
				}
			}
		}
		out = append(out, cf)
	}
	return out
}

// match reports whether doc meets every required field.
func (fs fieldSet) match(doc map[string]any) bool {
	for _, f := range fs {
		if f.Optional {
			continue
		}
		ok := false
		for _, p := range f.Path {
			v, err := jsonpath.Get(p, doc)
			if err != nil {
				continue
			}
			if f.schema == nil || f.schema.Validate(v) == nil {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// subjectClaims returns the credentialSubject claims the fields name.
func (fs fieldSet) subjectClaims() []string {
	var out []string
	for _, f := range fs {
		for _, p := range f.Path {
			if rest, ok := strings.CutPrefix(p, "$.credentialSubject."); ok && rest != "" {
				out = append(out, rest)
				break
			}
		}
	}
	return out
}

// describe says what the fields require, for people: "type
// VolunteerServiceCredential", "credentialSubject.hours".
func (fs fieldSet) describe() []string {
	var out []string
	for _, f := range fs {
		if f.Optional || len(f.Path) == 0 {
			continue
		}
		s := strings.TrimPrefix(f.Path[0], "$.")
		var flt struct {
			Const    any   `json:"const"`
			Enum     []any `json:"enum"`
			Contains *struct {
				Const any `json:"const"`
			} `json:"contains"`
		}
		if len(f.Filter) > 0 && json.Unmarshal(f.Filter, &flt) == nil {
			switch {
			case flt.Contains != nil && flt.Contains.Const != nil:
				s += " " + fmt.Sprint(flt.Contains.Const)
			case flt.Const != nil:
				s += " = " + fmt.Sprint(flt.Const)
			case len(flt.Enum) > 0:
				vals := make([]string, len(flt.Enum))
				for i, v := range flt.Enum {
					vals[i] = fmt.Sprint(v)
				}
				s += " one of " + strings.Join(vals, ", ")
			}
		}
		out = append(out, s)
	}
	return out
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

func listContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
