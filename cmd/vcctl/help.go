package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

// commands is every vcctl command, in the order `vcctl help` lists them.
// A name of two words belongs to a group (the first word).
var commands = []*command{
	{
		name: "bureau create", synopsis: "--name N --slug S --types T1,T2 [--p256] [--key-file FILE]",
		summary: "register a bureau; prints its id, DID and API key (operator)",
		help: `Registers a bureau with a did:web DID and a new signing key (Ed25519, or
P-256 with --p256), allows it to issue the given credential types, and
creates its API key. The API key is shown once: only its hash is stored.
With --key-file the key is written to FILE (mode 0600) instead of printed.`,
		examples: `vcctl bureau create --name "City Volunteer Office" --slug city-volunteers --types VolunteerServiceCredential
vcctl bureau create --name "Civil Registry" --slug civil-registry --types MaritalStatusCredential --p256 --key-file registry.key`,
		auth: authOperator, flags: defineBureauCreate, run: bureauCreate,
	},
	{
		name: "bureau list", summary: "list the bureaus (operator)",
		help:     `Lists every bureau with its slug, state and allowed credential types.`,
		examples: `vcctl bureau list`,
		auth:     authOperator, run: bureauList,
	},
	{
		name: "bureau show", synopsis: "ID",
		summary:  "show a bureau with its DID and keys (operator)",
		help:     `Shows one bureau: DID, allowed types, state and its verification keys, newest first.`,
		examples: `vcctl bureau show 0197f3c2-5a1e-7c3b-9d41-2f6a8e0b1c2d`,
		auth:     authOperator, run: bureauShow,
	},
	{
		name: "bureau rotate-key", synopsis: "ID",
		summary: "give a bureau a new signing key (operator)",
		help: `Generates a new signing key for the bureau. The old key is retired but stays
in the DID document, so credentials it signed still verify.`,
		examples: `vcctl bureau rotate-key 0197f3c2-5a1e-7c3b-9d41-2f6a8e0b1c2d`,
		auth:     authOperator, run: bureauRotateKey,
	},
	{
		name: "bureau deactivate", synopsis: "ID --reason R",
		summary: "stop a bureau from issuing (operator)",
		help: `Deactivates the bureau: it can no longer issue and its API keys stop
working. Credentials it issued stay verifiable.`,
		examples: `vcctl bureau deactivate 0197f3c2-5a1e-7c3b-9d41-2f6a8e0b1c2d --reason "office merged into civil-registry"`,
		auth:     authOperator, flags: defineBureauDeactivate, run: bureauDeactivate,
	},
	{
		name: "verifier create", synopsis: "--name N [--key-file FILE]",
		summary: "register a verifier; prints its API key (operator)",
		help: `Registers a third party that asks citizens for presentations and creates its
API key. The API key is shown once; with --key-file it is written to FILE
(mode 0600) instead.`,
		examples: `vcctl verifier create --name "Springfield Housing Association"`,
		auth:     authOperator, flags: defineVerifierCreate, run: verifierCreate,
	},
	{
		name: "types", summary: "list the credential types and their fields",
		help: `Lists the credential types of the catalogue with the claims (fields) each
defines and whether it can be suspended. With --json the output includes each
type's JSON Schema.`,
		examples: `vcctl types
vcctl types --json`,
		auth: authNone, run: typesCmd,
	},
	{
		name: "issue", synopsis: "--type T --subject DID --claims FILE|- [--valid-from T] [--valid-until T] [--idempotency-key K] [--out FILE]\n       vcctl issue --batch FILE|- [--type T] [--idempotency-key K] [--out FILE]",
		summary: "issue a credential, or a batch from JSON lines or CSV (bureau)",
		help: `Single: issues one credential of --type to the holder DID --subject with the
claims in FILE (a JSON object; - reads standard input). The compact
credential (vc+jwt) goes to standard output or --out FILE; its id goes to
standard error. Times are RFC 3339 (2026-07-01T00:00:00Z).

Batch (--batch FILE): one credential per record, sent in calls of at most
--batch-size (1000). FILE is either
  JSON lines: one object per line
    {"type": "...", "subjectDid": "did:...", "claims": {...},
     "validFrom": "...", "validUntil": "...", "idempotencyKey": "..."}
  or CSV (a .csv file, or any input whose first character is not "{"): a
    header row with the columns type and subjectDid, optional validFrom,
    validUntil and idempotencyKey, and one column per claim. A cell whose
    claim the type's schema declares as a number (or any numeric cell of an
    unknown claim) is sent as a number, true/false as a boolean where the
    schema says boolean; empty cells are left out; cells are trimmed.
--type, --valid-from and --valid-until are defaults for records without
them. --idempotency-key K gives every record without its own key the key
"K:<line>", so running the same file again with the same K returns the
credentials already issued instead of issuing twice.
Progress goes to standard error, with one line per failed record; standard
output gets "<line>\t<credential id>\t<subject DID>" per issued record (with
--json one JSON object per record), --out FILE gets the issued credentials
as JSON lines. The exit status is 1 if any record failed.`,
		examples: `vcctl issue --type VolunteerServiceCredential --subject did:key:z6Mk... --claims claims.json --out alice.jwt
echo '{"hours":42,"organization":"City Food Bank","activity":"Food distribution","periodStart":"2026-01-01","periodEnd":"2026-06-30"}' |
  vcctl issue --type VolunteerServiceCredential --subject did:key:z6Mk... --claims -
vcctl issue --batch volunteers.csv --idempotency-key volunteers-2026-h1`,
		auth: authBureau, flags: defineIssue, run: issueCmd,
	},
	{
		name: "credentials list", synopsis: "[--subject DID] [--type T] [--state ACTIVE|SUSPENDED|REVOKED] [--first N] [--after CURSOR] [--all]",
		summary: "list the bureau's credentials, oldest first (bureau)",
		help: `Lists the credentials the bureau issued, oldest first, one page (--first,
default 50, at most 500) at a time; --after continues after a cursor, --all
pages through everything.`,
		examples: `vcctl credentials list --state ACTIVE
vcctl credentials list --subject did:key:z6Mk... --all
vcctl credentials list --all --json > credentials.json`,
		auth: authBureau, flags: defineCredentialsList, run: credentialsList,
	},
	{
		name: "credentials get", synopsis: "ID [--out FILE]",
		summary: "fetch one of the bureau's credentials (bureau)",
		help: `Writes the credential exactly as issued (compact vc+jwt) to standard output
or --out FILE, and a summary to standard error.`,
		examples: `vcctl credentials get urn:uuid:0197f3c2-... --out alice.jwt`,
		auth:     authBureau, flags: defineOut, run: credentialsGet,
	},
	{
		name: "verify", synopsis: "FILE|-",
		summary: "verify a credential (anyone)",
		help: `Verifies a credential (compact vc+jwt or JWT VC, or the JSON that
'vcctl issue --json' printed) read from FILE or standard input, and prints
every check the service made, then VERIFIED or NOT VERIFIED.
Exit status: 0 verified, 1 not verified, 2 usage or connection error.`,
		examples: `vcctl verify alice.jwt
vcctl credentials get urn:uuid:0197f3c2-... | vcctl verify -`,
		auth: authNone, run: verifyCmd,
	},
}

// groups are the first words of two-word commands.
var groups = map[string]string{
	"bureau":      "manage bureaus (operator)",
	"verifier":    "manage verifiers (operator)",
	"credentials": "read the bureau's credentials (bureau)",
}

// lookup finds the command named by the first one or two words of args.
func lookup(args []string) (*command, int) {
	for _, c := range commands {
		words := strings.Fields(c.name)
		if len(args) >= len(words) && strings.Join(args[:len(words)], " ") == c.name {
			return c, len(words)
		}
	}
	return nil, 0
}

func groupOf(word string) string {
	if _, ok := groups[word]; ok {
		return word
	}
	return ""
}

func (e *env) printHelp(w io.Writer) {
	fmt.Fprint(w, `vcctl: command-line client of the Citizen Credentials service.

Usage: vcctl [global flags] <command> [flags] [arguments]

Commands:
`)
	width := 0
	for _, c := range commands {
		width = max(width, len(c.name))
	}
	for _, c := range commands {
		fmt.Fprintf(w, "  %-*s  %s\n", width, c.name, c.summary)
	}
	fmt.Fprintf(w, "  %-*s  %s\n", width, "help [command]", "show this list, or a command's flags and examples")
	fmt.Fprint(w, `
Global flags (before or after the command):
`)
	e.printFlags(w, e.newFlagSet("vcctl"), true)
	fmt.Fprint(w, `
Who may run what: operator commands need the operator token (vcserve writes
it to ./data/admin.token; vcctl reads that file when --token and VCCTL_TOKEN
are unset); bureau commands need the bureau's API key (printed once by
'vcctl bureau create'); types and verify need none and send none.

Exit status: 0 success, 1 the server refused / a batch record failed / not
verified, 2 usage error or the server could not be reached.

Run 'vcctl help <command>' or 'vcctl <command> -h' for a command's flags and examples.
`)
}

func (e *env) printGroupHelp(w io.Writer, group string) {
	fmt.Fprintf(w, "vcctl %s: %s\n\nCommands:\n", group, groups[group])
	for _, c := range commands {
		if strings.HasPrefix(c.name, group+" ") {
			fmt.Fprintf(w, "  %s\n      %s\n", strings.TrimSpace("vcctl "+c.name+" "+c.synopsis), c.summary)
		}
	}
	fmt.Fprintf(w, "\nRun 'vcctl help %s <command>' for flags and examples.\n", group)
}

// printCommandHelp prints a command's usage, flags and examples.
func (e *env) printCommandHelp(w io.Writer, c *command) {
	fmt.Fprintf(w, "Usage: %s\n\n%s\n", strings.TrimSpace("vcctl "+c.name+" "+c.synopsis), c.help)
	if fs := commandFlags(c); fs != nil {
		var b strings.Builder
		e.printFlags(&b, fs, false)
		if b.Len() > 0 {
			fmt.Fprintf(w, "\nFlags:\n%s", b.String())
		}
	}
	switch c.auth {
	case authOperator:
		fmt.Fprint(w, "\nAuthentication: the operator token (--token, $VCCTL_TOKEN, or ./data/admin.token when both are unset).\n")
	case authBureau:
		fmt.Fprint(w, "\nAuthentication: the bureau's API key (--token or $VCCTL_TOKEN).\n")
	case authNone:
		fmt.Fprint(w, "\nAuthentication: none; no token is sent.\n")
	}
	fmt.Fprint(w, "Global flags: --url, --token, --json, --timeout (see 'vcctl help').\n")
	if c.examples != "" {
		fmt.Fprintf(w, "\nExamples:\n")
		for _, line := range strings.Split(c.examples, "\n") {
			fmt.Fprintf(w, "  %s\n", line)
		}
	}
}

// commandFlags returns c's own flags (for help).
func commandFlags(c *command) *flag.FlagSet {
	if c.flags == nil {
		return nil
	}
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	c.flags(fs)
	return fs
}

// printFlags prints fs's flags like flag.PrintDefaults, without the global
// ones unless globals is true, and never with a token's value.
func (e *env) printFlags(w io.Writer, fs *flag.FlagSet, globals bool) {
	fs.VisitAll(func(f *flag.Flag) {
		if globalFlagNames[f.Name] != globals {
			return
		}
		name, usage := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		if name != "" {
			line += " " + name
		}
		usage = strings.ReplaceAll(usage, "\n", "\n        ")
		if !globals && f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			usage += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(w, "%s\n        %s\n", line, usage)
	})
}
