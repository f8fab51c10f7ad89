package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/citizencloud/citizencredentials/client"
)

const defaultURL = "http://127.0.0.1:8080"

// adminTokenFile is where `go run ./cmd/vcserve` keeps the operator token,
// relative to the directory vcctl runs in.
var adminTokenFile = filepath.Join("data", "admin.token")

// env is one invocation: streams, environment and the global flags.
type env struct {
	ctx            context.Context
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string

	url     string
	token   string
	json    bool
	timeout time.Duration
}

// auth says which credential a command needs.
type auth int

const (
	authNone     auth = iota // anyone; no token is sent
	authOperator             // operator token; falls back to ./data/admin.token
	authBureau               // a bureau's API key
	authVerifier             // a verifier's API key
	authOptional             // anyone; a token is sent if given (the owner sees more)
	authWallet               // the local wallet: its key and holder session, never --token
	authChain                // no service at all: the chain and a file
)

// command is one vcctl command; run parses its own flags.
type command struct {
	name     string // "bureau create"
	synopsis string // arguments after the name
	summary  string // one line for `vcctl help`
	help     string // what it does, in paragraphs
	examples string // shell lines
	auth     auth
	// flags registers the command's own flags and returns the struct they
	// fill; nil if it has none. run gets that struct and the positional
	// arguments.
	flags func(fs *flag.FlagSet) any
	run   func(e *env, c *command, flags any, args []string) int
}

var globalFlagNames = map[string]bool{"url": true, "token": true, "json": true, "timeout": true}

// newFlagSet returns a FlagSet with the global flags, so that they work
// before and after the command name (`vcctl --json bureau list` and
// `vcctl bureau list --json`).
func (e *env) newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&e.url, "url", e.url, "service base URL (default $VCCTL_URL or "+defaultURL+")")
	fs.StringVar(&e.token, "token", e.token, "bearer token: operator token or bureau/verifier API key (default $VCCTL_TOKEN;\noperator commands fall back to ./"+filepath.ToSlash(adminTokenFile)+" when it exists)")
	fs.BoolVar(&e.json, "json", e.json, "print the raw JSON results instead of tables")
	fs.DurationVar(&e.timeout, "timeout", e.timeout, "per-request timeout (default 1m)")
	return fs
}

// dispatch parses c's flags (anywhere among its arguments), handles -h
// and runs it.
func (e *env) dispatch(c *command, args []string) int {
	fs := e.newFlagSet(c.name)
	var opts any
	if c.flags != nil {
		opts = c.flags(fs)
	}
	rest, err := parseInterleaved(fs, args, true)
	if err != nil {
		return e.flagError(c, err)
	}
	return c.run(e, c, opts, rest)
}

func (e *env) flagError(c *command, err error) int {
	if errors.Is(err, flag.ErrHelp) {
		if c == nil {
			e.printHelp(e.stdout)
		} else {
			e.printCommandHelp(e.stdout, c)
		}
		return exitOK
	}
	return e.usageError(c, "%v", err)
}

// usageError reports a bad command line and returns exitUsage.
func (e *env) usageError(c *command, format string, args ...any) int {
	msg := fmt.Sprintf(format, args...)
	if c == nil {
		fmt.Fprintf(e.stderr, "vcctl: %s\nRun 'vcctl help' for usage.\n", msg)
	} else {
		fmt.Fprintf(e.stderr, "vcctl %s: %s\nRun 'vcctl %s -h' for usage.\n", c.name, msg, c.name)
	}
	return exitUsage
}

// fail reports an error from the server (or from reaching it) as
// "vcctl: CODE: message" and returns exitFail, or exitUsage when the server
// could not be reached at all.
func (e *env) fail(err error) int {
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(e.stderr, "vcctl: interrupted")
		return exitUsage
	}
	if client.IsTransport(err) {
		var ue *url.Error
		if errors.As(err, &ue) {
			if ue.Timeout() {
				fmt.Fprintf(e.stderr, "vcctl: no answer from %s within %v (see --timeout)\n", e.url, e.timeout)
				return exitUsage
			}
			err = ue.Err // drop the repeated `Post "http://.../graphql"`
		}
		fmt.Fprintf(e.stderr, "vcctl: cannot reach %s: %v\n", e.url, err)
		return exitUsage
	}
	fmt.Fprintf(e.stderr, "vcctl: %s\n", client.Message(err))
	return exitFail
}

// failf reports a local error (a file that cannot be read, ...) and returns
// exitUsage.
func (e *env) failf(format string, args ...any) int {
	fmt.Fprintf(e.stderr, "vcctl: "+format+"\n", args...)
	return exitUsage
}

// resolveGlobals fills what the flags left empty from the environment.
func (e *env) resolveGlobals() {
	if e.url == "" {
		e.url = e.getenv("VCCTL_URL")
	}
	if e.url == "" {
		e.url = defaultURL
	}
	if e.token == "" {
		e.token = strings.TrimSpace(e.getenv("VCCTL_TOKEN"))
	}
	if e.timeout <= 0 {
		e.timeout = client.DefaultTimeout
	}
}

// client returns a client with the token command c needs, or explains on
// stderr what is missing (ok false).
func (e *env) client(c *command) (cl *client.Client, ok bool) {
	e.resolveGlobals()
	switch {
	case e.token != "":
	case c.auth == authOperator:
		b, err := os.ReadFile(adminTokenFile)
		if err == nil {
			e.token = strings.TrimSpace(string(b))
			break
		}
		fmt.Fprintf(e.stderr, "vcctl %s: needs the operator token: pass --token, set VCCTL_TOKEN, or run vcctl in the directory that holds %s (%v)\n", c.name, adminTokenFile, errors.Unwrap(err))
		return nil, false
	case c.auth == authBureau:
		fmt.Fprintf(e.stderr, "vcctl %s: needs the bureau's API key: pass --token or set VCCTL_TOKEN (bureau create prints it once)\n", c.name)
		return nil, false
	case c.auth == authVerifier:
		fmt.Fprintf(e.stderr, "vcctl %s: needs the verifier's API key: pass --token or set VCCTL_TOKEN (verifier create prints it once)\n", c.name)
		return nil, false
	}
	token := e.token
	if c.auth == authNone || c.auth == authWallet || c.auth == authChain {
		// Public queries: a stale $VCCTL_TOKEN must not make them fail
		// with UNAUTHENTICATED.
		token = ""
	}
	return client.New(e.url, token, client.WithTimeout(e.timeout), client.WithUserAgent("vcctl")), true
}

// parseInterleaved parses flags that may come before, between and after
// positional arguments; everything after "--" is positional. With
// interleave false it stops at the first positional argument (the command
// name), leaving the command's flags to the command.
func parseInterleaved(fs *flag.FlagSet, args []string, interleave bool) ([]string, error) {
	var rest, tail []string
	if interleave {
		for i, a := range args {
			if a == "--" {
				args, tail = args[:i], args[i+1:]
				break
			}
		}
	}
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return append(rest, tail...), nil
		}
		if !interleave {
			return append(rest, args...), nil
		}
		rest = append(rest, args[0])
		args = args[1:]
	}
}

func joinWords(w []string) string { return strings.Join(w, " ") }
