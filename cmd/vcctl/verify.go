package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"

	"github.com/citizencloud/citizencredentials/client"
	"github.com/citizencloud/citizencredentials/wallet"
)

type verifyFlags struct{ challenge, domain string }

func defineVerify(fs *flag.FlagSet) any {
	f := &verifyFlags{}
	fs.StringVar(&f.challenge, "challenge", "", "presentations: the challenge the verifier issued; checked against the nonce")
	fs.StringVar(&f.domain, "domain", "", "presentations: the verifier's domain; checked against the aud")
	return f
}

func verifyCmd(e *env, c *command, opts any, args []string) int {
	f := opts.(*verifyFlags)
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
	isVP := isPresentation(cred)
	if !isVP && (f.challenge != "" || f.domain != "") {
		return e.usageError(c, "--challenge and --domain apply to presentations; %s holds a credential", inputName(name))
	}
	cl, ok := e.client(c)
	if !ok {
		return exitUsage
	}
	var res client.VerificationResult
	if isVP {
		var ch, dom *string
		if f.challenge != "" {
			ch = &f.challenge
		}
		if f.domain != "" {
			dom = &f.domain
		}
		resp, err := client.VerifyPresentation(e.ctx, cl, cred, ch, dom)
		if err != nil {
			e.fail(err)
			return exitUsage // no verdict: not the same as NOT VERIFIED
		}
		res = resp.VerifyPresentation
		if !e.json && f.challenge == "" && f.domain == "" {
			fmt.Fprintln(e.stderr, "presentation: no --challenge or --domain given, so what it is bound to is not checked (a replayed presentation would pass)")
		}
	} else {
		resp, err := client.VerifyCredential(e.ctx, cl, cred)
		if err != nil {
			e.fail(err)
			return exitUsage // no verdict: not the same as NOT VERIFIED
		}
		res = resp.VerifyCredential
	}
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
		if c := claimsText(s.Claims); c != "" {
			fmt.Fprintf(tw, "  claims:\t%s\n", c)
		}
		_ = tw.Flush()
		fmt.Fprintln(e.stdout)
	}
	rows := make([]checkRow, len(res.Checks))
	for i, ch := range res.Checks {
		msg := deref(ch.Message)
		if ch.Credential != nil {
			msg = "[" + *ch.Credential + "] " + msg // inside a presentation
		}
		if ch.Status == client.CheckStatusPending {
			msg = "PENDING " + msg // not failed, not proven yet
		}
		rows[i] = checkRow{ch.Name, ch.Ok, msg}
	}
	printCheckRows(e, rows, res.Verified)
	if res.Pending { // a note, on stderr: stdout ends with the verdict
		fmt.Fprintln(e.stderr, res.Message)
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

// claimsText is a summary's claims as compact JSON, "" if there are none.
func claimsText(raw *json.RawMessage) string {
	if raw == nil {
		return ""
	}
	var b bytes.Buffer
	if json.Compact(&b, *raw) != nil {
		return ""
	}
	if s := b.String(); s != "null" && s != "{}" {
		return s
	}
	return ""
}

// isPresentation tells a presentation from a credential: an SD-JWT with a
// key-binding JWT, a JWT of typ vp+jwt (or with a "vp" claim), or JSON of
// type VerifiablePresentation.
func isPresentation(s string) bool {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return false
	case s[0] == '{':
		var doc map[string]any
		return json.Unmarshal([]byte(s), &doc) == nil && slices.Contains(wallet.TypesOf(doc), "VerifiablePresentation")
	case strings.Contains(s, "~"):
		parts := strings.Split(s, "~")
		if hdr, _, err := decodeJWS(parts[0]); err == nil {
			if typ, _ := hdr["typ"].(string); typ == "vp+sd-jwt" {
				return true
			}
		}
		return parts[len(parts)-1] != "" // ends in a key-binding JWT
	}
	hdr, payload, err := decodeJWS(s)
	if err != nil {
		return false
	}
	switch typ, _ := hdr["typ"].(string); typ {
	case "vp+jwt", "vp+ld+json+jwt", "vp+ld+jwt":
		return true
	}
	_, hasVP := payload["vp"]
	return hasVP
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

// decodeJWS returns the protected header and payload of a compact JWS,
// without verifying it.
func decodeJWS(raw string) (hdr, payload map[string]any, err error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return nil, nil, errors.New("not a compact JWS (header.payload.signature)")
	}
	for i, v := range []*map[string]any{&hdr, &payload} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			return nil, nil, errors.New("not base64url")
		}
		d := json.NewDecoder(bytes.NewReader(b))
		d.UseNumber()
		if err := d.Decode(v); err != nil {
			return nil, nil, err
		}
	}
	return hdr, payload, nil
}
