// Command vcctl is the command-line client of the Citizen Credentials
// service: operators register bureaus and verifiers; bureaus issue
// credentials (one at a time or in batches from JSON lines or CSV), list,
// revoke, suspend and reinstate them and export their evidence; citizens
// keep a wallet (a did:key whose key is sealed under a passphrase), log in
// with it, fetch their credentials and answer verifiers' presentation
// requests; verifiers create requests and read their results; anyone
// verifies a credential or presentation, and checks an evidence bundle
// against the chain without the service. It talks to the GraphQL API
// through package client. Run `vcctl help` for the commands.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit codes.
const (
	exitOK    = 0 // success; for verify: VERIFIED
	exitFail  = 1 // the server refused, an item of a batch failed, or NOT VERIFIED
	exitUsage = 2 // bad command line or input file, or the server could not be reached
)

// run is the whole program; main only supplies the process's context,
// arguments and streams, so tests call it in-process.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv}
	return e.main(args)
}

func (e *env) main(args []string) int {
	fs := e.newFlagSet("vcctl")
	fs.Usage = func() { e.printHelp(e.stderr) }
	rest, err := parseInterleaved(fs, args, false)
	if err != nil {
		return e.flagError(nil, err)
	}
	if len(rest) == 0 {
		e.printHelp(e.stderr)
		return exitUsage
	}
	if rest[0] == "help" {
		return e.help(rest[1:])
	}
	cmd, n := lookup(rest)
	if cmd == nil {
		if group := groupOf(rest[0]); group != "" {
			e.printGroupHelp(e.stderr, group)
			if len(rest) > 1 {
				fmt.Fprintf(e.stderr, "\nvcctl: unknown command %q\n", rest[0]+" "+rest[1])
			}
			return exitUsage
		}
		fmt.Fprintf(e.stderr, "vcctl: unknown command %q; run 'vcctl help' for the list\n", rest[0])
		return exitUsage
	}
	return e.dispatch(cmd, rest[n:])
}

func (e *env) help(args []string) int {
	if len(args) == 0 {
		e.printHelp(e.stdout)
		return exitOK
	}
	if cmd, n := lookup(args); cmd != nil && n == len(args) {
		e.printCommandHelp(e.stdout, cmd)
		return exitOK
	}
	if len(args) == 1 && groupOf(args[0]) != "" {
		e.printGroupHelp(e.stdout, args[0])
		return exitOK
	}
	fmt.Fprintf(e.stderr, "vcctl: no help for %q; run 'vcctl help' for the list\n", joinWords(args))
	return exitUsage
}
