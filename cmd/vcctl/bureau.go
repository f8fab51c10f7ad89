package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/citizencloud/citizencredentials/client"
)

type bureauCreateFlags struct {
	name, slug, types, keyFile string
	p256                       bool
}

func defineBureauCreate(fs *flag.FlagSet) any {
	f := &bureauCreateFlags{}
	fs.StringVar(&f.name, "name", "", "the bureau's name, as people read it (required)")
	fs.StringVar(&f.slug, "slug", "", "lower-case letters, digits and '-', 2 to 63 characters; becomes part of the DID (required)")
	fs.StringVar(&f.types, "types", "", "comma-separated credential types it may issue; see 'vcctl types' (required)")
	fs.BoolVar(&f.p256, "p256", false, "sign with a P-256 (ES256) key instead of Ed25519")
	fs.StringVar(&f.keyFile, "key-file", "", "write the API key to this new file (mode 0600) instead of printing it")
	return f
}

func defineBureauDeactivate(fs *flag.FlagSet) any {
	reason := new(string)
	fs.StringVar(reason, "reason", "", "why, for the audit trail (required)")
	return reason
}

func defineVerifierCreate(fs *flag.FlagSet) any {
	f := &verifierCreateFlags{}
	fs.StringVar(&f.name, "name", "", "the verifier's name (required)")
	fs.StringVar(&f.keyFile, "key-file", "", "write the API key to this new file (mode 0600) instead of printing it")
	return f
}

func bureauCreate(e *env, c *command, opts any, args []string) int {
	f := opts.(*bureauCreateFlags)
	if len(args) > 0 {
		return e.usageError(c, "unexpected argument %q", args[0])
	}
	var missing []string
	for _, m := range []struct{ flag, v string }{{"--name", f.name}, {"--slug", f.slug}, {"--types", f.types}} {
		if strings.TrimSpace(m.v) == "" {
			missing = append(missing, m.flag)
		}
	}
	if len(missing) > 0 {
		return e.usageError(c, "missing %s", strings.Join(missing, ", "))
	}
	cl, ok := e.client(c)
	if !ok {
		return exitUsage
	}
	in := client.CreateBureauInput{Name: f.name, Slug: f.slug, AllowedTypes: splitList(f.types)}
	if f.p256 {
		alg := client.KeyAlgorithmP256
		in.KeyAlgorithm = &alg
	}
	resp, err := client.CreateBureau(e.ctx, cl, in)
	if err != nil {
		return e.fail(err)
	}
	p := resp.CreateBureau
	if e.json {
		if f.keyFile != "" {
			if err := writeNewFile(f.keyFile, []byte(p.ApiKey+"\n")); err != nil {
				return e.failf("bureau %s was created, but its API key could not be saved: %v\nAPI key (shown once): %s", p.Bureau.Id, err, p.ApiKey)
			}
		}
		_ = printJSON(e.stdout, p)
		return exitOK
	}
	fmt.Fprintf(e.stdout, "Created bureau %s.\n\n", p.Bureau.Name)
	printBureau(e, &p.Bureau)
	if err := e.printSecret("API key", p.ApiKey, f.keyFile); err != nil {
		// The bureau exists now; never lose its key.
		return e.failf("%v\nAPI key (shown once): %s", err, p.ApiKey)
	}
	typ := "<type>"
	if len(p.Bureau.AllowedTypes) > 0 {
		typ = p.Bureau.AllowedTypes[0]
	}
	token := "<API key>"
	if f.keyFile != "" {
		token = `"$(cat ` + f.keyFile + `)"`
	}
	fmt.Fprintf(e.stdout, "\nIssue with it:\n  export VCCTL_TOKEN=%s\n  vcctl issue --type %s --subject <holder DID> --claims claims.json\n", token, typ)
	return exitOK
}

func bureauList(e *env, c *command, _ any, args []string) int {
	if len(args) > 0 {
		return e.usageError(c, "unexpected argument %q", args[0])
	}
	cl, ok := e.client(c)
	if !ok {
		return exitUsage
	}
	resp, err := client.Bureaus(e.ctx, cl)
	if err != nil {
		return e.fail(err)
	}
	if e.json {
		_ = printJSON(e.stdout, resp.Bureaus)
		return exitOK
	}
	if len(resp.Bureaus) == 0 {
		fmt.Fprintln(e.stderr, "no bureaus yet; create one with 'vcctl bureau create'")
		return exitOK
	}
	tw := newTable(e.stdout)
	fmt.Fprintln(tw, "ID\tSLUG\tACTIVE\tTYPES\tNAME")
	for _, b := range resp.Bureaus {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", b.Id, b.Slug, yesNo(b.Active), strings.Join(b.AllowedTypes, ","), b.Name)
	}
	_ = tw.Flush()
	return exitOK
}

func bureauShow(e *env, c *command, _ any, args []string) int {
	id, code, ok := oneArg(e, c, args, "ID")
	if !ok {
		return code
	}
	cl, ok := e.client(c)
	if !ok {
		return exitUsage
	}
	resp, err := client.Bureau(e.ctx, cl, id)
	if err != nil {
		return e.fail(err)
	}
	if resp.Bureau == nil {
		fmt.Fprintf(e.stderr, "vcctl: NOT_FOUND: no bureau %s\n", id)
		return exitFail
	}
	if e.json {
		_ = printJSON(e.stdout, resp.Bureau)
		return exitOK
	}
	printBureau(e, resp.Bureau)
	return exitOK
}

func bureauRotateKey(e *env, c *command, _ any, args []string) int {
	id, code, ok := oneArg(e, c, args, "ID")
	if !ok {
		return code
	}
	cl, ok := e.client(c)
	if !ok {
		return exitUsage
	}
	resp, err := client.RotateBureauKey(e.ctx, cl, id)
	if err != nil {
		return e.fail(err)
	}
	b := resp.RotateBureauKey
	if e.json {
		_ = printJSON(e.stdout, b)
		return exitOK
	}
	fmt.Fprintf(e.stdout, "Rotated the signing key of bureau %s; the old key stays in the DID document for verification.\n\n", b.Name)
	printBureau(e, &b)
	return exitOK
}

func bureauDeactivate(e *env, c *command, opts any, args []string) int {
	reason := *opts.(*string)
	id, code, ok := oneArg(e, c, args, "ID")
	if !ok {
		return code
	}
	if strings.TrimSpace(reason) == "" {
		return e.usageError(c, "missing --reason")
	}
	cl, ok := e.client(c)
	if !ok {
		return exitUsage
	}
	resp, err := client.DeactivateBureau(e.ctx, cl, id, reason)
	if err != nil {
		return e.fail(err)
	}
	b := resp.DeactivateBureau
	if e.json {
		_ = printJSON(e.stdout, b)
		return exitOK
	}
	fmt.Fprintf(e.stdout, "Deactivated bureau %s (%s): it can no longer issue and its API keys stop working.\n", b.Name, b.Id)
	return exitOK
}

type verifierCreateFlags struct{ name, keyFile string }

func verifierCreate(e *env, c *command, opts any, args []string) int {
	f := opts.(*verifierCreateFlags)
	if len(args) > 0 {
		return e.usageError(c, "unexpected argument %q", args[0])
	}
	if strings.TrimSpace(f.name) == "" {
		return e.usageError(c, "missing --name")
	}
	cl, ok := e.client(c)
	if !ok {
		return exitUsage
	}
	resp, err := client.CreateVerifier(e.ctx, cl, client.CreateVerifierInput{Name: f.name})
	if err != nil {
		return e.fail(err)
	}
	p := resp.CreateVerifier
	if e.json {
		if f.keyFile != "" {
			if err := writeNewFile(f.keyFile, []byte(p.ApiKey+"\n")); err != nil {
				return e.failf("verifier %s was created, but its API key could not be saved: %v\nAPI key (shown once): %s", p.Verifier.Id, err, p.ApiKey)
			}
		}
		_ = printJSON(e.stdout, p)
		return exitOK
	}
	fmt.Fprintf(e.stdout, "Created verifier %s.\n\n  id:       %s\n  created:  %s\n", p.Verifier.Name, p.Verifier.Id, fmtTime(p.Verifier.CreatedAt))
	if err := e.printSecret("API key", p.ApiKey, f.keyFile); err != nil {
		return e.failf("%v\nAPI key (shown once): %s", err, p.ApiKey)
	}
	return exitOK
}

func printBureau(e *env, b *client.BureauFields) {
	tw := newTable(e.stdout)
	fmt.Fprintf(tw, "  id:\t%s\n", b.Id)
	fmt.Fprintf(tw, "  name:\t%s\n", b.Name)
	fmt.Fprintf(tw, "  slug:\t%s\n", b.Slug)
	fmt.Fprintf(tw, "  DID:\t%s\n", b.Did)
	fmt.Fprintf(tw, "  types:\t%s\n", strings.Join(b.AllowedTypes, ", "))
	active := yesNo(b.Active)
	if !b.Active && b.DeactivationReason != nil {
		active += " (deactivated: " + *b.DeactivationReason + ")"
	}
	fmt.Fprintf(tw, "  active:\t%s\n", active)
	fmt.Fprintf(tw, "  created:\t%s\n", fmtTime(b.CreatedAt))
	_ = tw.Flush()
	if len(b.Keys) == 0 {
		return
	}
	fmt.Fprintln(e.stdout, "  keys (newest first):")
	tw = newTable(e.stdout)
	for _, k := range b.Keys {
		state := "current, created " + fmtTime(k.CreatedAt)
		if k.RetiredAt != nil {
			state = "retired " + fmtTime(*k.RetiredAt)
		}
		fmt.Fprintf(tw, "    %s\t%s\t%s\n", k.Algorithm, k.Id, state)
	}
	_ = tw.Flush()
}

// oneArg returns the single positional argument a command takes.
func oneArg(e *env, c *command, args []string, what string) (string, int, bool) {
	switch {
	case len(args) == 0:
		return "", e.usageError(c, "missing %s", what), false
	case len(args) > 1:
		return "", e.usageError(c, "unexpected argument %q (only one %s)", args[1], what), false
	}
	return args[0], 0, true
}
