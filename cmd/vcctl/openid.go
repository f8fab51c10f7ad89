package main

import (
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/citizencloud/citizencredentials/client"
	"github.com/citizencloud/citizencredentials/openid"
	"github.com/citizencloud/citizencredentials/wallet"
)

// OpenID4VCI and OpenID4VP: the wallet receives and presents through the
// same endpoints a phone wallet uses; the bureau makes offers to scan.

func (e *env) httpClient() *http.Client {
	e.resolveGlobals()
	return &http.Client{Timeout: e.timeout}
}

// failOpenID reports an error of an OpenID4VC exchange. A refusal by the
// issuer or the verifier (an OAuth error response: invalid_grant, an
// answered request, ...) exits 1 like any refusal by the service; a bad URI,
// a local problem or a service that cannot be reached exits 2.
func (e *env) failOpenID(err error, format string, args ...any) int {
	code := e.failf(format, args...)
	if oe := (*wallet.OAuthError)(nil); errors.As(err, &oe) {
		return exitFail
	}
	return code
}

// ---- wallet receive -------------------------------------------------------------

type receiveFlags struct {
	walletFlags
	txCode string
}

func defineWalletReceive(fs *flag.FlagSet) any {
	f := &receiveFlags{}
	f.define(fs, true)
	fs.StringVar(&f.txCode, "tx-code", "", "the transaction code the bureau sent separately, if the offer asks for one")
	return f
}

func walletReceive(e *env, c *command, opts any, args []string) int {
	f := opts.(*receiveFlags)
	if len(args) != 1 {
		return e.usageError(c, "give the offer URI (openid-credential-offer://...)")
	}
	w, path, ok := e.openWallet(&f.walletFlags)
	if !ok {
		return exitUsage
	}
	hc := e.httpClient()
	offer, err := wallet.ResolveOffer(e.ctx, hc, args[0])
	if err != nil {
		return e.failOpenID(err, "%v", err)
	}
	if offer.NeedsTxCode() && f.txCode == "" {
		return e.failf("this offer needs the transaction code the bureau sent you: pass --tx-code")
	}
	key, err := e.unlockWallet(&f.walletFlags, w)
	if err != nil {
		return e.failf("%v", err)
	}
	now := time.Now()
	got, err := wallet.Receive(e.ctx, hc, offer, key, f.txCode, now)
	if err != nil {
		return e.failOpenID(err, "receive from %s: %v", offer.CredentialIssuer, err)
	}
	var creds []wallet.Credential
	for _, r := range got {
		cr, err := wallet.FromReceived(r, offer.CredentialIssuer, now)
		if err != nil {
			return e.failf("%v", err)
		}
		creds = append(creds, cr)
	}
	added, _ := w.Merge(creds)
	if err := w.Save(path, false); err != nil {
		return e.failf("save wallet: %v", err)
	}
	if e.json {
		_ = printJSON(e.stdout, map[string]any{"received": creds, "new": added})
		return exitOK
	}
	for _, cr := range creds {
		fmt.Fprintf(e.stdout, "%s\t%s\t%s\n", cr.ID, cr.Type, cr.Format)
	}
	fmt.Fprintf(e.stderr, "Received %s from %s; the wallet holds %s.\n", plural(len(creds), "credential"), offer.CredentialIssuer, plural(len(w.Credentials), "credential"))
	return exitOK
}

// ---- wallet respond -------------------------------------------------------------

func walletRespond(e *env, c *command, opts any, args []string) int {
	f := opts.(*walletFlags)
	if len(args) != 1 {
		return e.usageError(c, "give the authorisation request URI (openid4vp://...)")
	}
	w, _, ok := e.openWallet(f)
	if !ok {
		return exitUsage
	}
	hc := e.httpClient()
	req, err := wallet.ResolveAuthorizationRequest(e.ctx, hc, args[0])
	if err != nil {
		return e.failOpenID(err, "%v", err)
	}
	chosen, fields, err := req.Match(w.Credentials, time.Now())
	if err != nil {
		// The wallet cannot answer: nothing is sent (as 'wallet present').
		e.failf("%v", err)
		return exitFail
	}
	for id, cr := range chosen {
		what := "the whole credential"
		if cr.Format == "SD_JWT" {
			what = "only " + strings.Join(fields[id], ", ")
			if len(fields[id]) == 0 {
				what = "no claims besides the subject"
			}
		}
		fmt.Fprintf(e.stderr, "Presenting %s (%s): %s\n", cr.ID, cr.Type, what)
	}
	key, err := e.unlockWallet(f, w)
	if err != nil {
		return e.failf("%v", err)
	}
	if err := wallet.Respond(e.ctx, hc, req, chosen, fields, key); err != nil {
		var oe *wallet.OAuthError
		if errors.As(err, &oe) {
			return e.failOpenID(err, "the verifier refused the presentation: %v", oe)
		}
		return e.failf("respond: %v", err)
	}
	fmt.Fprintf(e.stdout, "Accepted by %s\n", req.ResponseURI)
	return exitOK
}

// ---- offer (bureau) -------------------------------------------------------------

type offerFlags struct {
	typ, subject, claims, txCode, format, svg string
	expiresIn                                 time.Duration
}

func defineOffer(fs *flag.FlagSet) any {
	f := &offerFlags{}
	fs.StringVar(&f.typ, "type", "", "credential type, e.g. VolunteerServiceCredential")
	fs.StringVar(&f.subject, "subject", "", "only a key of this DID may receive it (default: the wallet's key)")
	fs.StringVar(&f.claims, "claims", "", "file with the claims as a JSON object; - reads standard input")
	fs.StringVar(&f.txCode, "tx-code", "", "a transaction code (4 to 12 characters) the citizen must type in")
	fs.StringVar(&f.format, "format", "", "jwt or sd-jwt (default: both are offered)")
	fs.DurationVar(&f.expiresIn, "expires-in", 0, "how long the offer can be redeemed (default 10m, at most 168h)")
	fs.StringVar(&f.svg, "svg", "", "also write the QR code as SVG to this file")
	return f
}

func offerCmd(e *env, c *command, opts any, args []string) int {
	f := opts.(*offerFlags)
	if len(args) > 0 {
		return e.usageError(c, "unexpected argument %q", args[0])
	}
	if f.typ == "" || f.claims == "" {
		return e.usageError(c, "missing --type or --claims")
	}
	raw, err := e.readInput(f.claims)
	if err != nil {
		return e.failf("read claims: %v", err)
	}
	claims, err := claimsObject(raw)
	if err != nil {
		return e.failf("claims in %s: %v", inputName(f.claims), err)
	}
	in := client.CredentialOfferInput{Type: f.typ, Claims: claims}
	if f.subject != "" {
		in.SubjectDid = &f.subject
	}
	if f.txCode != "" {
		in.TxCode = &f.txCode
	}
	switch f.format {
	case "":
	case "jwt":
		v := client.CredentialFormatJwt
		in.Format = &v
	case "sd-jwt":
		v := client.CredentialFormatSdJwt
		in.Format = &v
	default:
		return e.usageError(c, "--format must be jwt or sd-jwt")
	}
	if f.expiresIn != 0 {
		s := int(f.expiresIn / time.Second)
		in.ExpiresInSeconds = &s
	}
	cl, ok := e.client(c)
	if !ok {
		return exitUsage
	}
	resp, err := client.CreateCredentialOffer(e.ctx, cl, in)
	if err != nil {
		return e.fail(err)
	}
	o := resp.CreateCredentialOffer
	if f.svg != "" {
		svg, err := openid.QRSVG(o.OfferUriByReference)
		if err != nil {
			return e.failf("%v", err)
		}
		if err := os.WriteFile(f.svg, svg, 0o644); err != nil {
			return e.failf("write %s: %v", f.svg, err)
		}
	}
	if e.json {
		_ = printJSON(e.stdout, o)
		return exitOK
	}
	qr, err := openid.QRText(o.OfferUriByReference)
	if err != nil {
		return e.failf("%v", err)
	}
	fmt.Fprint(e.stdout, qr)
	fmt.Fprintf(e.stdout, "offer:      %s\nissuer:     %s\ncredential: %s\nexpires:    %s\n", o.OfferUriByReference, o.CredentialIssuer,
		strings.Join(o.CredentialConfigurationIds, ", "), fmtTime(o.ExpiresAt))
	if o.TxCodeRequired {
		fmt.Fprintln(e.stdout, "The wallet will ask for the transaction code: send it to the citizen on another channel.")
	}
	return exitOK
}
