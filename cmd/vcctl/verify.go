package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/citizencloud/citizencredentials/client"
)

func verifyCmd(e *env, c *command, _ any, args []string) int {
	name, code, ok := oneArg(e, c, args, "FILE (or - for standard input)")
	if !ok {
		return code
	}
	raw, err := e.readInput(name)
	if err != nil {
		return e.failf("read credential: %v", err)
	}
	cred := extractCredential(raw)
	if cred == "" {
		return e.failf("%s is empty", inputName(name))
	}
	cl, ok := e.client(c)
	if !ok {
		return exitUsage
	}
	resp, err := client.VerifyCredential(e.ctx, cl, cred)
	if err != nil {
		e.fail(err)
		return exitUsage // no verdict: not the same as NOT VERIFIED
	}
	res := resp.VerifyCredential
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

func printVerification(e *env, res *client.VerificationResult) {
	for _, s := range res.Credentials {
		id := deref(s.Id)
		if id == "" {
			id = "(no id)"
		}
		fmt.Fprintf(e.stdout, "credential %s  %s\n", id, strings.Join(nonBase(s.Types), ", "))
		tw := newTable(e.stdout)
		fmt.Fprintf(tw, "  issuer:\t%s\n", s.Issuer)
		if s.Subject != nil {
			fmt.Fprintf(tw, "  subject:\t%s\n", *s.Subject)
		}
		valid := "from " + fmtTimePtr(s.ValidFrom)
		if s.ValidUntil != nil {
			valid += " until " + fmtTime(*s.ValidUntil)
		}
		fmt.Fprintf(tw, "  valid:\t%s\n", valid)
		_ = tw.Flush()
		fmt.Fprintln(e.stdout)
	}
	width := 0
	for _, ch := range res.Checks {
		width = max(width, len(ch.Name))
	}
	for _, ch := range res.Checks {
		mark := "✔"
		if !ch.Ok {
			mark = "✘"
		}
		msg := deref(ch.Message)
		if ch.Credential != nil {
			msg = "[" + *ch.Credential + "] " + msg // inside a presentation
		}
		fmt.Fprintf(e.stdout, "%s %-*s  %s\n", mark, width, ch.Name, msg)
	}
	fmt.Fprintln(e.stdout)
	if res.Verified {
		fmt.Fprintln(e.stdout, "VERIFIED")
	} else {
		fmt.Fprintln(e.stdout, "NOT VERIFIED")
	}
}

// extractCredential returns the credential in raw: the text itself (a
// compact JWT), or the "credential" field of JSON that `vcctl issue --json`
// or `credentials get --json` printed.
func extractCredential(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '{' {
		var rec struct {
			Context    json.RawMessage `json:"@context"`
			Credential string          `json:"credential"`
		}
		if json.Unmarshal(raw, &rec) == nil && rec.Context == nil && rec.Credential != "" {
			return strings.TrimSpace(rec.Credential)
		}
	}
	return string(raw)
}

// nonBase drops the generic "VerifiableCredential" type when a specific one
// is present.
func nonBase(types []string) []string {
	var out []string
	for _, t := range types {
		if t != "VerifiableCredential" {
			out = append(out, t)
		}
	}
	if len(out) == 0 {
		return types
	}
	return out
}

func inputName(name string) string {
	if name == "-" {
		return "standard input"
	}
	return name
}
