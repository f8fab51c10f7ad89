package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/citizencloud/citizencredentials/client"
	"github.com/citizencloud/citizencredentials/exchange"
)

type requestCreateFlags struct {
	types, fields, issuers, purpose, domain, definition string
	expiresIn                                           time.Duration
	limitDisclosure                                     bool
}

func defineRequestCreate(fs *flag.FlagSet) any {
	f := &requestCreateFlags{}
	fs.StringVar(&f.types, "types", "", "credential types required, comma-separated; one credential of each")
	fs.StringVar(&f.fields, "fields", "", "credentialSubject fields every requested credential must contain (and disclose), comma-separated")
	fs.StringVar(&f.issuers, "issuers", "", "accept credentials only from these issuer DIDs, comma-separated (default: any trusted bureau)")
	fs.BoolVar(&f.limitDisclosure, "limit-disclosure", false, "require SD-JWT credentials that disclose only the requested fields")
	fs.StringVar(&f.purpose, "purpose", "", "why you ask; shown to the holder")
	fs.StringVar(&f.domain, "domain", "", "the audience holders bind the presentation to (default: the service's URL)")
	fs.DurationVar(&f.expiresIn, "expires-in", 0, "how long the request may be answered, 1s to 24h (default 10m)")
	fs.StringVar(&f.definition, "definition", "", "a DIF Presentation Exchange v2 presentation_definition (JSON file, - for standard input) instead of --types/--fields/--issuers")
	return f
}

func requestCreate(e *env, c *command, opts any, args []string) int {
	f := opts.(*requestCreateFlags)
	if len(args) > 0 {
		return e.usageError(c, "unexpected argument %q", args[0])
	}
	shorthand := f.types != "" || f.fields != "" || f.issuers != "" || f.limitDisclosure
	switch {
	case f.definition == "" && !shorthand:
		return e.usageError(c, "say what you ask for: --types (and --fields), or --definition FILE")
	case f.definition != "" && shorthand:
		return e.usageError(c, "give either --definition or --types/--fields/--issuers/--limit-disclosure, not both")
	case f.expiresIn < 0 || (f.expiresIn > 0 && (f.expiresIn < time.Second || f.expiresIn > 24*time.Hour)):
		return e.usageError(c, "--expires-in must be between 1s and 24h")
	case f.expiresIn%time.Second != 0:
		return e.usageError(c, "--expires-in must be whole seconds")
	}
	in := client.PresentationRequestInput{Types: splitList(f.types), Fields: splitList(f.fields), AcceptedIssuers: splitList(f.issuers)}
	if f.definition != "" {
		raw, err := e.readInput(f.definition)
		if err != nil {
			return e.failf("read definition: %v", err)
		}
		def, err := claimsObject(raw) // one JSON object, compacted
		if err != nil {
			return e.failf("definition in %s: %v", inputName(f.definition), err)
		}
		in.Definition = &def
	}
	if f.limitDisclosure {
		in.LimitDisclosure = &f.limitDisclosure
	}
	if f.purpose != "" {
		in.Purpose = &f.purpose
	}
	if f.domain != "" {
		in.Domain = &f.domain
	}
	if f.expiresIn > 0 {
		secs := int(f.expiresIn / time.Second)
		in.ExpiresIn = &secs
	}
	cl, ok := e.client(c)
	if !ok {
		return exitUsage
	}
	resp, err := client.CreatePresentationRequest(e.ctx, cl, in)
	if err != nil {
		return e.fail(err)
	}
	r := resp.CreatePresentationRequest
	if e.json {
		_ = printJSON(e.stdout, r)
		return exitOK
	}
	tw := newTable(e.stdout)
	fmt.Fprintf(tw, "id:\t%s\n", r.Id)
	fmt.Fprintf(tw, "challenge:\t%s\n", r.Challenge)
	fmt.Fprintf(tw, "domain:\t%s\n", r.Domain)
	if r.Purpose != nil {
		fmt.Fprintf(tw, "purpose:\t%s\n", *r.Purpose)
	}
	fmt.Fprintf(tw, "expires:\t%s\n", fmtTime(r.ExpiresAt))
	fmt.Fprintf(tw, "requestUri:\t%s\n", r.RequestUri)
	if r.Openid4vp != nil {
		fmt.Fprintf(tw, "openid4vp:\t%s\n", r.Openid4vp.AuthorizationRequestUri)
	}
	_ = tw.Flush()
	if r.Openid4vp != nil {
		fmt.Fprintf(e.stdout, "\nAny OpenID4VP wallet answers by scanning the openid4vp URI (QR code on %s/verify?request=%s), or\n  vcctl wallet respond '%s'\n", strings.TrimRight(e.url, "/"), r.Id, r.Openid4vp.AuthorizationRequestUri)
	}
	fmt.Fprintf(e.stdout, "\nHand the requestUri to the holder (link, QR code); they answer with\n  vcctl wallet present --request %s\nThen read the result with\n  vcctl request show %s\n", r.RequestUri, r.Id)
	return exitOK
}

func requestShow(e *env, c *command, _ any, args []string) int {
	id, code, ok := oneArg(e, c, args, "request ID")
	if !ok {
		return code
	}
	cl, ok := e.client(c)
	if !ok {
		return exitUsage
	}
	resp, err := client.PresentationRequest(e.ctx, cl, id)
	if err != nil {
		return e.fail(err)
	}
	r := resp.PresentationRequest
	if r == nil {
		fmt.Fprintf(e.stderr, "vcctl: NOT_FOUND: no presentation request %s\n", id)
		return exitFail
	}
	if e.json {
		_ = printJSON(e.stdout, r)
		return exitOK
	}
	state := string(r.State)
	if r.State == client.PresentationRequestStatePending && !time.Now().Before(r.ExpiresAt) {
		state += " (expired unanswered)"
	}
	tw := newTable(e.stdout)
	fmt.Fprintf(tw, "request:\t%s\n", r.Id)
	fmt.Fprintf(tw, "state:\t%s\n", state)
	fmt.Fprintf(tw, "domain:\t%s\n", r.Domain)
	if r.Purpose != nil {
		fmt.Fprintf(tw, "purpose:\t%s\n", *r.Purpose)
	}
	fmt.Fprintf(tw, "asks for:\t%s\n", describeDefinition(r.Definition))
	fmt.Fprintf(tw, "created:\t%s\n", fmtTime(r.CreatedAt))
	fmt.Fprintf(tw, "expires:\t%s\n", fmtTime(r.ExpiresAt))
	fmt.Fprintf(tw, "requestUri:\t%s\n", r.RequestUri)
	_ = tw.Flush()
	switch {
	case r.Result != nil:
		fmt.Fprintln(e.stdout)
		printVerification(e, r.Result)
	case r.State != client.PresentationRequestStatePending:
		fmt.Fprintln(e.stderr, "\nThe result is shown only to the verifier who created the request (pass its API key with --token).")
	}
	return exitOK
}

// describeDefinition summarises a presentation definition: what each
// input descriptor asks for, in the engine's words.
func describeDefinition(raw json.RawMessage) string {
	d, err := exchange.ParseDefinition(raw)
	if err != nil {
		return "(see --json)"
	}
	descs := d.Descriptors()
	parts := make([]string, len(descs))
	for i, desc := range descs {
		parts[i] = desc.ID + ": " + desc.Description
	}
	return strings.Join(parts, "; ")
}
