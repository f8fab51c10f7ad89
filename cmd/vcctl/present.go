package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/citizencloud/citizencredentials/client"
	"github.com/citizencloud/citizencredentials/credentials/jose"
	"github.com/citizencloud/citizencredentials/exchange"
	"github.com/citizencloud/citizencredentials/wallet"
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
	reqURL, byID := wallet.RequestURL(e.url, f.request)
	req, code := e.fetchRequest(reqURL)
	if code != exitOK {
		return code
	}
	fmt.Fprintf(e.stderr, "Request %s for %s\n", req.ID, req.Domain)
	if req.Purpose != "" {
		fmt.Fprintf(e.stderr, "  purpose: %s\n", req.Purpose)
	}
	fmt.Fprintf(e.stderr, "  expires: %s\n", fmtTime(req.ExpiresAt))
	if d, err := url.Parse(req.Domain); err == nil && d.Host != "" && !wallet.SameHost(d, reqURL) {
		fmt.Fprintf(e.stderr, "vcctl: warning: the request was served by %s but the presentation is to be addressed to %s; answer only if you trust both\n", wallet.HostOf(reqURL), d.Host)
	}
	if st := strings.ToLower(req.State); st != "" && st != "pending" {
		fmt.Fprintf(e.stderr, "vcctl: CONFLICT: request %s was already answered (%s); a request accepts one presentation: ask the verifier for a new one\n", req.ID, strings.ToUpper(st))
		return exitFail
	}
	if !req.ExpiresAt.IsZero() && !time.Now().Before(req.ExpiresAt) {
		fmt.Fprintf(e.stderr, "vcctl: request %s expired at %s: ask the verifier for a new one\n", req.ID, fmtTime(req.ExpiresAt))
		return exitFail
	}
	// 2. What to present: chosen, and checked, by the verifier's own engine.
	plan, err := wallet.Choose(req.Definition, w.Credentials, time.Now())
	if err != nil {
		return e.failf("the request's presentation_definition cannot be evaluated: %v", err)
	}
	if err := plan.ChooseDisclosures(splitList(f.disclose)); err != nil {
		return e.usageError(c, "%v", err)
	}
	printPlan(e, plan, w.DID)
	ev, err := plan.Check()
	if err != nil {
		return e.failf("%v", err)
	}
	if !ev.OK && f.partial {
		fmt.Fprintf(e.stderr, "vcctl: answering anyway (--partial), although %s\n", ev.Message)
	}
	if !ev.OK && !f.partial {
		check := checkRow{exchange.CheckConstraints, false, ev.Message}
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
	presentation, err := plan.Present(w, key, req)
	if err != nil {
		return e.failf("%v", err)
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
		fmt.Fprintf(e.stderr, "Not submitted (--submit=false). It is bound to this request's challenge and domain and expires in %v.\n", jose.PresentationLifetime)
		return exitOK
	}

	// 4. Submit and show the verifier's checks.
	endpoint := e.url
	if !byID {
		endpoint = wallet.SubmitEndpoint(reqURL, req.Response.GraphQL)
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

// fetchRequest GETs a presentation request.
func (e *env) fetchRequest(reqURL string) (*wallet.Request, int) {
	ctx, cancel := context.WithTimeout(e.ctx, e.timeout)
	defer cancel()
	req, err := wallet.FetchRequest(ctx, http.DefaultClient, reqURL)
	var re *wallet.RequestError
	switch {
	case err == nil:
		return req, exitOK
	case errors.Is(err, context.Canceled):
		return nil, e.fail(err)
	case errors.As(err, &re) && re.Message != "":
		fmt.Fprintf(e.stderr, "vcctl: %s\n", re.Error())
		return nil, exitFail
	case errors.As(err, &re):
		fmt.Fprintf(e.stderr, "vcctl: GET %s: %s\n", reqURL, re.Error())
		return nil, exitFail
	}
	fmt.Fprintf(e.stderr, "vcctl: %v\n", err)
	return nil, exitUsage
}

// printPlan says what the wallet presents and what each credential
// discloses.
func printPlan(e *env, p *wallet.Plan, holder string) {
	if len(p.Chosen) > 0 {
		fmt.Fprintf(e.stderr, "Presenting as %s:\n", holder)
	}
	for _, ch := range p.Chosen {
		cr, d := ch.Credential, ch.Decoded
		types := nonBase(d.Types())
		if len(types) == 0 {
			types = []string{cr.Type}
		}
		fmt.Fprintf(e.stderr, "  %s  %s from %s, issued %s\n", cr.ID, strings.Join(types, ", "), cr.IssuerDID, fmtTime(cr.IssuedAt))
		fmt.Fprintf(e.stderr, "      for %s\n", strings.Join(ch.Descriptors, ", "))
		if !d.SD() {
			fmt.Fprintf(e.stderr, "      %s: every claim is shown (%s)\n", d.Format, strings.Join(sortedKeys(d.SubjectClaims()), ", "))
			continue
		}
		withheld := ch.Withheld()
		disclosed := "discloses " + strings.Join(ch.Disclose, ", ")
		if len(ch.Disclose) == 0 {
			disclosed = "discloses none of its claims (only its type, issuer and subject)"
		}
		fmt.Fprintf(e.stderr, "      %s: %s", d.Format, disclosed)
		if len(withheld) > 0 {
			fmt.Fprintf(e.stderr, "; withholds %s", strings.Join(withheld, ", "))
		}
		fmt.Fprintln(e.stderr)
	}
	if len(p.Chosen) > 0 {
		fmt.Fprintln(e.stderr)
	}
}

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
