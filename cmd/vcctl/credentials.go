package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/citizencloud/citizencredentials/client"
)

func typesCmd(e *env, c *command, _ any, args []string) int {
	if len(args) > 0 {
		return e.usageError(c, "unexpected argument %q", args[0])
	}
	cl, ok := e.client(c)
	if !ok {
		return exitUsage
	}
	resp, err := client.CredentialTypes(e.ctx, cl)
	if err != nil {
		return e.fail(err)
	}
	if e.json {
		_ = printJSON(e.stdout, resp.CredentialTypes)
		return exitOK
	}
	tw := newTable(e.stdout)
	fmt.Fprintln(tw, "TYPE\tSUSPENDABLE\tFIELDS")
	for _, t := range resp.CredentialTypes {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", t.Name, yesNo(t.Suspendable), strings.Join(t.Fields, ", "))
	}
	_ = tw.Flush()
	return exitOK
}

type credentialsListFlags struct {
	subject, typ, state, after string
	first                      int
	all                        bool
}

func defineCredentialsList(fs *flag.FlagSet) any {
	f := &credentialsListFlags{}
	fs.StringVar(&f.subject, "subject", "", "only credentials issued to this holder DID")
	fs.StringVar(&f.typ, "type", "", "only credentials of this type")
	fs.StringVar(&f.state, "state", "", "only credentials in this state: ACTIVE, SUSPENDED or REVOKED")
	fs.IntVar(&f.first, "first", 0, "page size, 1 to 500 (default 50; 500 with --all)")
	fs.StringVar(&f.after, "after", "", "continue after this cursor (printed when there are more)")
	fs.BoolVar(&f.all, "all", false, "page through all matching credentials")
	return f
}

const maxPage = 500

func credentialsList(e *env, c *command, opts any, args []string) int {
	f := opts.(*credentialsListFlags)
	if len(args) > 0 {
		return e.usageError(c, "unexpected argument %q", args[0])
	}
	var filter client.CredentialFilter
	if f.subject != "" {
		filter.SubjectDid = &f.subject
	}
	if f.typ != "" {
		filter.Type = &f.typ
	}
	if f.state != "" {
		st := client.CredentialState(strings.ToUpper(f.state))
		switch st {
		case client.CredentialStateActive, client.CredentialStateSuspended, client.CredentialStateRevoked:
		default:
			return e.usageError(c, "--state must be ACTIVE, SUSPENDED or REVOKED, not %q", f.state)
		}
		filter.State = &st
	}
	if f.first < 0 || f.first > maxPage {
		return e.usageError(c, "--first must be between 1 and %d", maxPage)
	}
	first := f.first
	if first == 0 && f.all {
		first = maxPage
	}
	var firstArg *int
	if first > 0 {
		firstArg = &first
	}
	cl, ok := e.client(c)
	if !ok {
		return exitUsage
	}

	after := f.after
	count := 0
	tw := newTable(e.stdout)
	if e.json {
		// A JSON array written page by page: --all over millions of
		// credentials must not collect them in memory.
		fmt.Fprint(e.stdout, "[")
	} else {
		fmt.Fprintln(tw, "ID\tTYPE\tSUBJECT\tSTATE\tISSUED")
	}
	for {
		var afterArg *string
		if after != "" {
			afterArg = &after
		}
		resp, err := client.Credentials(e.ctx, cl, &filter, afterArg, firstArg)
		if err != nil {
			if e.json {
				fmt.Fprintln(e.stdout, "]")
			} else {
				_ = tw.Flush()
			}
			return e.fail(err)
		}
		conn := resp.Credentials
		for _, edge := range conn.Edges {
			n := edge.Node
			if e.json {
				if count > 0 {
					fmt.Fprint(e.stdout, ",")
				}
				fmt.Fprint(e.stdout, "\n")
				b, _ := jsonIndented(n)
				fmt.Fprint(e.stdout, "  "+strings.ReplaceAll(strings.TrimRight(string(b), "\n"), "\n", "\n  "))
			} else {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", n.Id, n.Type, n.SubjectDid, n.State, fmtTime(n.IssuedAt))
			}
			count++
		}
		if !e.json {
			_ = tw.Flush() // page by page, for the same reason
		}
		if !conn.PageInfo.HasNextPage || conn.PageInfo.EndCursor == nil {
			break
		}
		after = *conn.PageInfo.EndCursor
		if !f.all {
			if e.json {
				fmt.Fprintln(e.stdout, "\n]")
			}
			fmt.Fprintf(e.stderr, "more: vcctl credentials list --after %s (or --all)\n", after)
			return exitOK
		}
	}
	if e.json {
		if count > 0 {
			fmt.Fprint(e.stdout, "\n")
		}
		fmt.Fprintln(e.stdout, "]")
	} else if count == 0 {
		fmt.Fprintln(e.stderr, "no credentials match")
	}
	return exitOK
}

// defineOut is the flags of commands that write a credential.
func defineOut(fs *flag.FlagSet) any {
	out := new(string)
	fs.StringVar(out, "out", "", "write the credential to this file (mode 0600) instead of standard output")
	return out
}

func credentialsGet(e *env, c *command, opts any, args []string) int {
	out := *opts.(*string)
	id, code, ok := oneArg(e, c, args, "ID")
	if !ok {
		return code
	}
	cl, ok := e.client(c)
	if !ok {
		return exitUsage
	}
	resp, err := client.Credential(e.ctx, cl, id)
	if err != nil {
		return e.fail(err)
	}
	if resp.Credential == nil {
		fmt.Fprintf(e.stderr, "vcctl: NOT_FOUND: no credential %s\n", id)
		return exitFail
	}
	return e.emitCredential(resp.Credential, out)
}

// emitCredential writes the compact credential to out (or standard output)
// and a summary to standard error; with --json the whole record goes to
// standard output.
func (e *env) emitCredential(cr *client.CredentialFields, out string) int {
	if out != "" {
		if err := writeFile(out, []byte(cr.Credential+"\n")); err != nil {
			return e.failf("write credential %s: %v", cr.Id, err)
		}
	}
	switch {
	case e.json:
		_ = printJSON(e.stdout, cr)
	case out == "":
		fmt.Fprintln(e.stdout, cr.Credential)
	}
	valid := "from " + fmtTime(cr.ValidFrom)
	if cr.ValidUntil != nil {
		valid += " until " + fmtTime(*cr.ValidUntil)
	}
	fmt.Fprintf(e.stderr, "%s  %s  %s  to %s  %s", cr.Id, cr.Type, cr.State, cr.SubjectDid, valid)
	if out != "" {
		fmt.Fprintf(e.stderr, "  -> %s", out)
	}
	fmt.Fprintln(e.stderr)
	return exitOK
}

func jsonIndented(v any) ([]byte, error) {
	var b strings.Builder
	err := printJSON(&b, v)
	return []byte(b.String()), err
}
