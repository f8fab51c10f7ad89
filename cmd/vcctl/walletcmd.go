package main

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/citizencloud/citizencredentials/client"
)

// clientWith returns a client that sends exactly token (none if empty),
// never --token or $VCCTL_TOKEN: a wallet must not leak a bureau's key, and
// a stale key must not spoil a public call.
func (e *env) clientWith(baseURL, token string) *client.Client {
	e.resolveGlobals()
	return client.New(baseURL, token, client.WithTimeout(e.timeout), client.WithUserAgent("vcctl"))
}

// sameService compares service base URLs, ignoring a trailing slash.
func sameService(a, b string) bool { return strings.TrimRight(a, "/") == strings.TrimRight(b, "/") }

// urlGiven reports whether --url or $VCCTL_URL chose the service (before
// resolveGlobals fills in the default).
func (e *env) urlGiven() bool { return e.url != "" || e.getenv("VCCTL_URL") != "" }

// openWallet resolves the wallet path and loads it; on failure it has
// reported the error and ok is false.
func (e *env) openWallet(f *walletFlags) (w *walletFile, path string, ok bool) {
	path, err := e.walletPath(f)
	if err != nil {
		e.failf("%v", err)
		return nil, "", false
	}
	w, err = e.loadWallet(path)
	if err != nil {
		e.failf("%v", err)
		return nil, "", false
	}
	return w, path, true
}

// unlockWallet reads the passphrase and opens the key.
func (e *env) unlockWallet(f *walletFlags, w *walletFile) (*holderKey, error) {
	pass, err := e.passphrase(f)
	if err != nil {
		return nil, err
	}
	defer clear(pass)
	return w.unlock(pass)
}

// ---- wallet init --------------------------------------------------------------

func walletInit(e *env, c *command, opts any, args []string) int {
	f := opts.(*walletFlags)
	if len(args) > 0 {
		return e.usageError(c, "unexpected argument %q", args[0])
	}
	path, err := e.walletPath(f)
	if err != nil {
		return e.failf("%v", err)
	}
	if _, err := os.Stat(path); err == nil {
		return e.failf("%s already exists; a wallet is never overwritten (its key is the only way to use its credentials). Pass --wallet NEW_FILE for another one", path)
	}
	pass, err := e.passphrase(f)
	if err != nil {
		return e.failf("wallet init %v", err)
	}
	defer clear(pass)
	if len([]rune(string(pass))) < minPassLen {
		return e.failf("the passphrase is too short: use at least %d characters", minPassLen)
	}
	w, err := newWallet(pass, time.Now())
	if err != nil {
		return e.failf("create key: %v", err)
	}
	if err := saveWallet(path, w, true); err != nil {
		return e.failf("write wallet: %v", err)
	}
	if e.json {
		_ = printJSON(e.stdout, map[string]string{"did": w.DID, "keyId": w.KeyID, "wallet": path})
		return exitOK
	}
	fmt.Fprintln(e.stdout, w.DID)
	fmt.Fprintf(e.stderr, "Created wallet %s (mode 0600) with a new Ed25519 key, sealed with your passphrase.\n", path)
	fmt.Fprintf(e.stderr, "Give the DID above to a bureau to receive credentials; then run 'vcctl wallet login' and 'vcctl wallet fetch'.\n")
	fmt.Fprintf(e.stderr, "Keep the passphrase: without it the key, and so the credentials, cannot be used.\n")
	return exitOK
}

func walletDID(e *env, c *command, opts any, args []string) int {
	f := opts.(*walletFlags)
	if len(args) > 0 {
		return e.usageError(c, "unexpected argument %q", args[0])
	}
	w, _, ok := e.openWallet(f)
	if !ok {
		return exitUsage
	}
	if e.json {
		_ = printJSON(e.stdout, map[string]string{"did": w.DID, "keyId": w.KeyID})
		return exitOK
	}
	fmt.Fprintln(e.stdout, w.DID)
	return exitOK
}

// ---- wallet login -------------------------------------------------------------

func walletLogin(e *env, c *command, opts any, args []string) int {
	f := opts.(*walletFlags)
	if len(args) > 0 {
		return e.usageError(c, "unexpected argument %q", args[0])
	}
	w, path, ok := e.openWallet(f)
	if !ok {
		return exitUsage
	}
	if !e.urlGiven() && w.Session != nil && w.Session.URL != "" {
		e.url = w.Session.URL // log in again where the wallet was logged in
	}
	key, err := e.unlockWallet(f, w)
	if err != nil {
		return e.failf("%v", err)
	}
	if code := e.login(w, key); code != exitOK {
		return code
	}
	if err := saveWallet(path, w, false); err != nil {
		return e.failf("save session: %v", err)
	}
	if e.json {
		_ = printJSON(e.stdout, map[string]any{"did": w.DID, "url": w.Session.URL, "expiresAt": w.Session.ExpiresAt})
		return exitOK
	}
	fmt.Fprintf(e.stdout, "Logged in to %s as %s; the session is valid until %s.\n", w.Session.URL, w.DID, fmtTime(w.Session.ExpiresAt))
	return exitOK
}

// login runs DID authentication against e.url and stores the session in w
// (not saved).
func (e *env) login(w *walletFile, key *holderKey) int {
	e.resolveGlobals()
	cl := e.clientWith(e.url, "")
	ch, err := client.RequestAuthChallenge(e.ctx, cl, w.DID)
	if err != nil {
		return e.fail(err)
	}
	proof, err := signChallenge(key, ch.AuthChallenge.Challenge)
	if err != nil {
		return e.failf("sign the challenge: %v", err)
	}
	resp, err := client.Authenticate(e.ctx, cl, w.DID, ch.AuthChallenge.Challenge, proof)
	if err != nil {
		return e.fail(err)
	}
	w.Session = &walletSession{URL: strings.TrimRight(e.url, "/"), Token: resp.Authenticate.Token, ExpiresAt: resp.Authenticate.ExpiresAt.UTC()}
	return exitOK
}

// signChallenge is the DID-auth proof: a compact JWS (EdDSA) whose payload
// is exactly the challenge and whose kid is the did:key verification
// method.
func signChallenge(key *holderKey, challenge string) (string, error) {
	hdr, err := json.Marshal(map[string]string{"alg": "EdDSA", "kid": key.KeyID()})
	if err != nil {
		return "", err
	}
	input := base64.RawURLEncoding.EncodeToString(hdr) + "." + base64.RawURLEncoding.EncodeToString([]byte(challenge))
	sig := ed25519.Sign(key.PrivateKey, []byte(input))
	return input + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// ---- wallet fetch -------------------------------------------------------------

// sessionSlack is how long before its expiry a session is renewed rather
// than used.
const sessionSlack = 30 * time.Second

func walletFetch(e *env, c *command, opts any, args []string) int {
	f := opts.(*walletFlags)
	if len(args) > 0 {
		return e.usageError(c, "unexpected argument %q", args[0])
	}
	w, path, ok := e.openWallet(f)
	if !ok {
		return exitUsage
	}
	s := w.Session
	if !e.urlGiven() && s != nil && s.URL != "" {
		e.url = s.URL
	}
	e.resolveGlobals()
	usable := s != nil && sameService(s.URL, e.url) && time.Until(s.ExpiresAt) > sessionSlack
	if !usable {
		why := "the wallet is not logged in to " + e.url
		if s != nil && sameService(s.URL, e.url) {
			why = "the session expired at " + fmtTime(s.ExpiresAt)
		}
		if !e.hasPassphrase(f) {
			return e.failf("%s: run 'vcctl wallet login' (or set VCCTL_PASSPHRASE so that fetch logs in by itself)", why)
		}
		key, err := e.unlockWallet(f, w)
		if err != nil {
			return e.failf("%v", err)
		}
		fmt.Fprintf(e.stderr, "%s; logging in again.\n", upperFirst(why))
		if code := e.login(w, key); code != exitOK {
			return code
		}
		s = w.Session
	}
	all, err := fetchMyCredentials(e.ctx, e.clientWith(s.URL, s.Token))
	if client.Code(err) == "UNAUTHENTICATED" {
		w.Session = nil
		_ = saveWallet(path, w, false)
		return e.failf("the service no longer accepts the wallet's session: run 'vcctl wallet login'")
	}
	if err != nil {
		return e.fail(err)
	}
	now := time.Now().UTC()
	fetched := make([]walletCredential, 0, len(all))
	var foreign int
	for i := range all {
		cr := &all[i]
		if cr.SubjectDid != w.DID {
			foreign++ // never keep what is not ours
			continue
		}
		fetched = append(fetched, credentialFromAPI(cr, s.URL, now))
	}
	added, changed := w.merge(fetched)
	if err := saveWallet(path, w, false); err != nil {
		return e.failf("save wallet: %v", err)
	}
	if e.json {
		_ = printJSON(e.stdout, map[string]int{"fetched": len(fetched), "new": added, "changedState": changed, "total": len(w.Credentials)})
		return exitOK
	}
	msg := fmt.Sprintf("Fetched %s from %s: %d new", plural(len(fetched), "credential"), s.URL, added)
	if changed > 0 {
		msg += fmt.Sprintf(", %d changed state", changed)
	}
	fmt.Fprintf(e.stdout, "%s; the wallet holds %s.\n", msg, plural(len(w.Credentials), "credential"))
	if foreign > 0 {
		fmt.Fprintf(e.stderr, "vcctl: warning: the service returned %s for another DID; they were not stored\n", plural(foreign, "credential"))
	}
	return exitOK
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// ---- wallet list / show / export --------------------------------------------

func walletList(e *env, c *command, opts any, args []string) int {
	f := opts.(*walletFlags)
	if len(args) > 0 {
		return e.usageError(c, "unexpected argument %q", args[0])
	}
	w, path, ok := e.openWallet(f)
	if !ok {
		return exitUsage
	}
	if e.json {
		_ = printJSON(e.stdout, w.Credentials)
		return exitOK
	}
	fmt.Fprintf(e.stderr, "wallet %s\nholder %s\n", path, w.DID)
	if s := w.Session; s != nil {
		state := "valid until " + fmtTime(s.ExpiresAt)
		if !time.Now().Before(s.ExpiresAt) {
			state = "expired " + fmtTime(s.ExpiresAt)
		}
		fmt.Fprintf(e.stderr, "session at %s, %s\n", s.URL, state)
	}
	fmt.Fprintln(e.stderr)
	if len(w.Credentials) == 0 {
		fmt.Fprintln(e.stderr, "no credentials yet: run 'vcctl wallet login' and 'vcctl wallet fetch'")
		return exitOK
	}
	tw := newTable(e.stdout)
	fmt.Fprintln(tw, "ID\tTYPE\tFORMAT\tSTATE\tISSUER\tISSUED\tVALID UNTIL")
	for _, cr := range w.Credentials {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", cr.ID, cr.Type, cr.Format, stateNow(&cr), cr.IssuerDID, fmtTime(cr.IssuedAt), fmtTimePtr(cr.ValidUntil))
	}
	_ = tw.Flush()
	return exitOK
}

// stateNow is the state as last fetched, or EXPIRED when validUntil has
// passed since.
func stateNow(cr *walletCredential) string {
	if cr.State == string(client.CredentialStateActive) && cr.ValidUntil != nil && time.Now().After(*cr.ValidUntil) {
		return "EXPIRED"
	}
	return cr.State
}

func walletShow(e *env, c *command, opts any, args []string) int {
	f := opts.(*walletFlags)
	id, code, ok := oneArg(e, c, args, "credential ID (see 'vcctl wallet list')")
	if !ok {
		return code
	}
	w, _, ok := e.openWallet(f)
	if !ok {
		return exitUsage
	}
	cr := w.credential(id)
	if cr == nil {
		return e.failf("the wallet holds no credential %s; 'vcctl wallet list' shows what it holds", id)
	}
	d, err := decodeCredential(cr.Credential)
	if err != nil {
		return e.failf("credential %s cannot be read: %v", cr.ID, err)
	}
	claims := d.subjectClaims()
	if e.json {
		out := map[string]any{"credential": cr, "format": d.format, "types": d.types(), "claims": claims}
		if d.sd {
			out["disclosable"] = d.disclosableClaims()
		}
		_ = printJSON(e.stdout, out)
		return exitOK
	}
	fmt.Fprintf(e.stdout, "credential %s\n", cr.ID)
	tw := newTable(e.stdout)
	types := nonBase(d.types())
	if len(types) == 0 {
		types = []string{cr.Type}
	}
	fmt.Fprintf(tw, "  type:\t%s\n", strings.Join(types, ", "))
	fmt.Fprintf(tw, "  format:\t%s\n", d.format)
	fmt.Fprintf(tw, "  issuer:\t%s\n", cr.IssuerDID)
	fmt.Fprintf(tw, "  subject:\t%s\n", cr.SubjectDID)
	valid := "from " + fmtTime(cr.ValidFrom)
	if cr.ValidUntil != nil {
		valid += " until " + fmtTime(*cr.ValidUntil)
	} else {
		valid += ", no end"
	}
	fmt.Fprintf(tw, "  valid:\t%s\n", valid)
	fmt.Fprintf(tw, "  issued:\t%s\n", fmtTime(cr.IssuedAt))
	state := stateNow(cr)
	if cr.StateReason != nil && *cr.StateReason != "" {
		state += " (" + *cr.StateReason + ")"
	}
	fmt.Fprintf(tw, "  state:\t%s as of %s\n", state, fmtTime(cr.FetchedAt))
	_ = tw.Flush()
	fmt.Fprintln(e.stdout, "  claims:")
	names := make([]string, 0, len(claims))
	for k := range claims {
		names = append(names, k)
	}
	sort.Strings(names)
	tw = newTable(e.stdout)
	for _, k := range names {
		b, _ := json.Marshal(claims[k])
		fmt.Fprintf(tw, "    %s:\t%s\n", k, b)
	}
	_ = tw.Flush()
	if d.sd {
		dc := d.disclosableClaims()
		if len(dc) == 0 {
			fmt.Fprintln(e.stdout, "  selective disclosure: none of the claims can be left out")
		} else {
			fmt.Fprintf(e.stdout, "  selectively disclosable (choose with 'wallet present --disclose'): %s\n", strings.Join(dc, ", "))
		}
	} else {
		fmt.Fprintln(e.stdout, "  selective disclosure: none; a presentation shows every claim")
	}
	return exitOK
}

type walletExportFlags struct {
	walletFlags
	out string
}

func defineWalletExport(fs *flag.FlagSet) any {
	f := &walletExportFlags{}
	f.define(fs, false)
	fs.StringVar(&f.out, "out", "", "write to this new file (mode 0600) instead of standard output")
	return f
}

func walletExport(e *env, c *command, opts any, args []string) int {
	f := opts.(*walletExportFlags)
	if len(args) > 0 {
		return e.usageError(c, "unexpected argument %q", args[0])
	}
	w, _, ok := e.openWallet(&f.walletFlags)
	if !ok {
		return exitUsage
	}
	// No key, no session: only what the credentials themselves disclose.
	out := map[string]any{"holder": w.DID, "exportedAt": time.Now().UTC().Format(time.RFC3339), "credentials": w.Credentials}
	if f.out == "" {
		_ = printJSON(e.stdout, out)
		return exitOK
	}
	b, err := jsonIndented(out)
	if err != nil {
		return e.failf("%v", err)
	}
	if err := writeNewFile(f.out, b); err != nil {
		if errors.Is(err, os.ErrExist) {
			return e.failf("%s already exists; choose another --out", f.out)
		}
		return e.failf("write %s: %v", f.out, err)
	}
	fmt.Fprintf(e.stderr, "Exported %s to %s (no keys).\n", plural(len(w.Credentials), "credential"), f.out)
	return exitOK
}

// myCredentialsPage is the page size vcctl asks myCredentials for.
const myCredentialsPage = 100

// fetchMyCredentials reads every page of myCredentials.
func fetchMyCredentials(ctx context.Context, c *client.Client) ([]client.CredentialFields, error) {
	var (
		all   []client.CredentialFields
		after *string
	)
	first := myCredentialsPage
	for {
		resp, err := client.MyCredentials(ctx, c, &first, after)
		if err != nil {
			return nil, err
		}
		all = append(all, resp.MyCredentials...)
		if len(resp.MyCredentials) < first {
			return all, nil
		}
		last := resp.MyCredentials[len(resp.MyCredentials)-1].Id
		after = &last
	}
}
