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
		name: "issue", synopsis: "--type T --subject DID --claims FILE|- [--valid-from T] [--valid-until T] [--idempotency-key K] [--format jwt|sd-jwt|di] [--out FILE]\n       vcctl issue --batch FILE|- [--type T] [--idempotency-key K] [--format jwt|sd-jwt|di] [--out FILE]",
		summary: "issue a credential, or a batch from JSON lines or CSV (bureau)",
		help: `Single: issues one credential of --type to the holder DID --subject with the
claims in FILE (a JSON object; - reads standard input). The credential goes
to standard output or --out FILE; its id goes to standard error. Times are
RFC 3339 (2026-07-01T00:00:00Z). --format chooses how it is secured: jwt
(compact vc+jwt, the default), sd-jwt (an SD-JWT whose every claim the holder
may disclose or withhold, bound to the holder's DID) or di (JSON with a Data
Integrity proof).

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
		name: "offer", synopsis: "--type T --claims FILE|- [--subject DID] [--tx-code CODE] [--format jwt|sd-jwt] [--expires-in 10m] [--svg FILE]",
		summary: "offer a credential to any OpenID4VCI wallet: prints a QR code (bureau)",
		help: `Creates an OpenID4VCI 1.0 credential offer (pre-authorized code flow) and
prints its QR code and URI: any conformant wallet that scans it receives the
credential, issued exactly as by 'issue' (stored, status-indexed, logged,
anchored, audited) and bound to the wallet's key, or to --subject's key.
--tx-code makes the wallet ask for a code the citizen gets on another
channel; one wrong try spends the offer. --svg also writes the QR code as SVG.`,
		examples: `vcctl offer --type VolunteerServiceCredential --claims claims.json --tx-code 493817 --svg offer.svg`,
		auth:     authBureau, flags: defineOffer, run: offerCmd,
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
		name: "revoke", synopsis: "ID --reason R",
		summary: "revoke one of the bureau's credentials for good (bureau)",
		help: `Revokes the credential: its bit in the bureau's revocation status list is set.
The service's own verification reports it revoked at once; the public status
list shows it after the next publishing round, and that list version is then
anchored on chain. A revocation cannot be undone.`,
		examples: `vcctl revoke urn:uuid:0197f3c2-... --reason "hours were double-counted"`,
		auth:     authBureau, flags: defineReason, run: statusCmd,
	},
	{
		name: "suspend", synopsis: "ID --reason R",
		summary: "suspend a credential until it is reinstated (bureau)",
		help: `Suspends the credential (types that allow suspension; see 'vcctl types'): it
does not verify until 'vcctl reinstate'.`,
		examples: `vcctl suspend urn:uuid:0197f3c2-... --reason "under review"`,
		auth:     authBureau, flags: defineReason, run: statusCmd,
	},
	{
		name: "reinstate", synopsis: "ID --reason R",
		summary:  "lift a suspension (bureau)",
		help:     `Lifts the suspension of a credential: it verifies again.`,
		examples: `vcctl reinstate urn:uuid:0197f3c2-... --reason "review closed"`,
		auth:     authBureau, flags: defineReason, run: statusCmd,
	},
	{
		name: "evidence get", synopsis: "CREDENTIAL_ID [--out FILE]",
		summary: "export a credential's evidence bundle (bureau)",
		help: `Writes the evidence bundle of one of the bureau's credentials as JSON: the
credential, its position in the issuance log with the inclusion proof to a log
root, and the status list versions, each with where it was anchored on chain.
'vcctl evidence verify' checks it against the chain alone. Until the covering
log root is anchored the bundle cannot prove the issuance; a warning says so.`,
		examples: `vcctl evidence get urn:uuid:0197f3c2-... --out alice.evidence.json`,
		auth:     authBureau, flags: defineEvidenceGet, run: evidenceGet,
	},
	{
		name: "evidence verify", synopsis: "FILE|- (--chain-rpc URL [--registry ADDRESS] | --chain-dir DIR)",
		summary: "check an evidence bundle against the chain, without the service",
		help: `Checks an evidence bundle using only the bundle and the chain: the credential
hashes to the logged hash, the inclusion proof leads to the root, the registry
contract holds that root, and each status list version's digest is anchored.
Neither the service nor its database is used.

--chain-rpc URL reads through any node of the consortium chain; the registry
address comes from --registry (an address or a file holding one), or from
./data/registry-<chain id>.address, where vcserve keeps it.
--chain-dir DIR opens the embedded dev chain of a stopped vcserve directly
(DIR is <data-dir>/chain; the registry address is read from
DIR/registry.address unless --registry is given). The chain directory can be
open in one process only: stop vcserve first.
Exit status: 0 every check passed, 1 a check failed, 2 usage error or the
chain could not be read.`,
		examples: `vcctl evidence verify alice.evidence.json --chain-dir ./data/chain
vcctl evidence verify alice.evidence.json --chain-rpc https://rpc.consortium.example --registry 0x5FbDB2315678afecb367f032d93F642f64180aa3`,
		auth: authChain, flags: defineEvidenceVerify, run: evidenceVerify,
	},
	auditVerifyCommand,
	auditConsortiumCommand,
	consortiumMembersCommand,
	consortiumProposalsCommand,
	consortiumProposeCommand,
	consortiumProposeRemovalCommand,
	consortiumApproveCommand,
	consortiumKeyCommand,
	{
		name: "verify", synopsis: "FILE|- [--challenge C] [--domain D]",
		summary: "verify a credential or a presentation (anyone)",
		help: `Verifies a credential (compact vc+jwt or JWT VC, an SD-JWT, Data Integrity
JSON, or the JSON that 'vcctl issue --json' printed) or a presentation (vp+jwt,
VCDM 1.1 JWT VP, or an SD-JWT with a key-binding JWT), read from FILE or
standard input, and prints every check the service made, then VERIFIED or NOT
VERIFIED. Presentations are recognised by themselves; --challenge and --domain
check what the holder bound the presentation to (its nonce and aud).
Exit status: 0 verified, 1 not verified, 2 usage or connection error.`,
		examples: `vcctl verify alice.jwt
vcctl credentials get urn:uuid:0197f3c2-... | vcctl verify -
vcctl verify presentation.jwt --challenge 3q2-7w... --domain https://citizen.example`,
		auth: authNone, flags: defineVerify, run: verifyCmd,
	},
	{
		name: "request create", synopsis: "--types T1,T2 [--fields f1,f2] [--purpose P] [--expires-in 10m] [--issuers DID,...] [--limit-disclosure] [--domain D]\n       vcctl request create --definition FILE [--purpose P] [--expires-in 10m]",
		summary: "ask holders for a presentation; prints its requestUri (verifier)",
		help: `Creates a presentation request: a one-time challenge, the domain the holder
must bind the presentation to, and what is required, either as shorthand (one
credential of each --types, each containing the --fields) or as a DIF
Presentation Exchange v2 --definition. Prints the id, challenge, domain and the
requestUri to hand to the holder (a link or QR code). The request accepts one
presentation; 'vcctl request show' reads its state and result.`,
		examples: `vcctl request create --types VolunteerServiceCredential --fields hours --purpose "Volunteer discount" --expires-in 30m`,
		auth:     authVerifier, flags: defineRequestCreate, run: requestCreate,
	},
	{
		name: "request show", synopsis: "ID",
		summary: "show a presentation request's state and result (verifier)",
		help: `Shows a presentation request: PENDING, VERIFIED or FAILED, what it asks
for, and, for the verifier who created it, every check of the submitted
presentation. Without the verifier's API key only the public part is shown.`,
		examples: `vcctl request show 0197f3c2-5a1e-7c3b-9d41-2f6a8e0b1c2d`,
		auth:     authOptional, run: requestShow,
	},
	{
		name: "wallet init", synopsis: "[--wallet FILE] [--passphrase-file FILE]",
		summary: "create a citizen wallet with a new did:key; prints the DID",
		help: `Creates a wallet file (mode 0600; never overwrites one): a new Ed25519 key
and its did:key DID. The private key is stored encrypted under your
passphrase (argon2id, AES-256-GCM). The passphrase comes from
--passphrase-file or $VCCTL_PASSPHRASE (at least 8 characters); vcctl does not
prompt for it. Prints the DID: give it to a bureau to receive credentials.
The wallet lives in $VCCTL_WALLET, or vcctl/wallet.json in your configuration
directory (~/.config on Linux), unless --wallet says otherwise.`,
		examples: `export VCCTL_PASSPHRASE='correct horse battery staple'
vcctl wallet init
vcctl wallet init --wallet alice.wallet.json --passphrase-file alice.pass`,
		auth: authWallet, flags: defineWalletSigning, run: walletInit,
	},
	{
		name: "wallet did", synopsis: "[--wallet FILE]",
		summary:  "print the wallet's DID",
		help:     `Prints the wallet's DID (with --json also its verification method): the subject DID bureaus issue to.`,
		examples: `vcctl issue --type VolunteerServiceCredential --subject "$(vcctl wallet did)" --claims claims.json`,
		auth:     authWallet, flags: defineWallet, run: walletDID,
	},
	{
		name: "wallet login", synopsis: "[--wallet FILE] [--passphrase-file FILE]",
		summary: "log in to the service with the wallet's DID",
		help: `Proves control of the wallet's DID: asks the service for a challenge, signs
it with the wallet's key (a compact EdDSA JWS whose kid is the did:key
verification method) and stores the session the service returns, with its
expiry, in the wallet. Needs the passphrase. Without --url and $VCCTL_URL it
logs in again to the service of the last session.`,
		examples: `vcctl wallet login
vcctl --url https://citizen.example wallet login`,
		auth: authWallet, flags: defineWalletSigning, run: walletLogin,
	},
	{
		name: "wallet fetch", synopsis: "[--wallet FILE] [--passphrase-file FILE]",
		summary: "download the credentials issued to the wallet's DID",
		help: `Fetches every credential issued to the wallet's DID (myCredentials) with the
wallet's session and stores each by id, updating the state of those already
held (a revoked credential shows as REVOKED). Says how many are new. When the
session has expired and a passphrase is available ($VCCTL_PASSPHRASE or
--passphrase-file), it logs in again first; otherwise run 'wallet login'.`,
		examples: `vcctl wallet fetch`,
		auth:     authWallet, flags: defineWalletSigning, run: walletFetch,
	},
	{
		name: "wallet list", synopsis: "[--wallet FILE]",
		summary:  "list the wallet's credentials",
		help:     `Lists the credentials in the wallet, oldest first, with their state as of the last fetch.`,
		examples: `vcctl wallet list`,
		auth:     authWallet, flags: defineWallet, run: walletList,
	},
	{
		name: "wallet show", synopsis: "ID [--wallet FILE]",
		summary: "show one credential: type, issuer, validity, claims",
		help: `Shows one credential of the wallet decoded: its types, format, issuer,
validity, state and claims; for an SD-JWT also which claims can be left out of
a presentation ('wallet present --disclose'). The "urn:uuid:" prefix of the id
may be left out.`,
		examples: `vcctl wallet show urn:uuid:0197f3c2-...`,
		auth:     authWallet, flags: defineWallet, run: walletShow,
	},
	{
		name: "wallet present", synopsis: "--request URI|ID [--disclose f1,f2] [--submit=true] [--out FILE] [--partial] [--wallet FILE] [--passphrase-file FILE]",
		summary: "answer a verifier's presentation request",
		help: `Fetches the verifier's request (GET requestUri; an id alone means
<url>/requests/ID, <url> being --url, $VCCTL_URL or the service the wallet is
logged in to), picks for each credential it asks for the newest usable
credential of the wallet that meets it (types, fields, issuers; revoked,
suspended and expired ones are skipped) and shows what was chosen. Choosing
uses the verifier's own Presentation Exchange engine, and what is about to be
sent is checked with it first, so the wallet does not send what the verifier
would reject. It then signs a presentation (vp+jwt, nonce = the request's challenge, aud = its
domain) with the wallet's key, submits it, and prints the verifier's checks
like 'vcctl verify': VERIFIED or NOT VERIFIED.

Selective disclosure: an SD-JWT credential discloses only the fields the
request asks for, or the claims named by --disclose; a vc+jwt or Data
Integrity credential always shows every claim.

When the wallet cannot meet the request, nothing is sent and the request
stays open (exit 1); --partial answers anyway, so that the verifier records a
failure. --submit=false only signs: the presentation goes to --out FILE, or to
standard output. A request accepts one presentation.
Exit status: 0 verified, 1 not verified / cannot answer / already answered,
2 usage or connection error.`,
		examples: `vcctl wallet present --request https://citizen.example/requests/0197f3c2-5a1e-7c3b-9d41-2f6a8e0b1c2d
vcctl wallet present --request 0197f3c2-5a1e-7c3b-9d41-2f6a8e0b1c2d --disclose hours
vcctl wallet present --request https://citizen.example/requests/0197f3c2-... --submit=false --out vp.jwt`,
		auth: authWallet, flags: defineWalletPresent, run: walletPresent,
	},
	{
		name: "wallet receive", synopsis: "OFFER_URI [--tx-code CODE] [--wallet FILE] [--passphrase-file FILE]",
		summary: "receive credentials from an OpenID4VCI credential offer",
		help: `Redeems an OpenID4VCI 1.0 credential offer (openid-credential-offer://..., by
value or by reference, as a bureau's QR code holds it) through the issuer's
standard endpoints, as a phone wallet would: token (pre-authorized code, with
--tx-code when the offer asks for one), nonce, and one credential request per
credential offered, each with a key proof by the wallet's key. The
credentials are bound to the wallet's DID and stored in the wallet.
Exit status: 0 received, 1 the issuer refused (a wrong transaction code, a
used or expired offer: ask the bureau for a new one), 2 usage error, a bad
offer URI or the issuer could not be reached.`,
		examples: `vcctl wallet receive 'openid-credential-offer://?credential_offer_uri=https%3A%2F%2F...'
vcctl wallet receive "$OFFER" --tx-code 493817`,
		auth: authWallet, flags: defineWalletReceive, run: walletReceive,
	},
	{
		name: "wallet respond", synopsis: "REQUEST_URI [--wallet FILE] [--passphrase-file FILE]",
		summary: "answer an OpenID4VP authorisation request",
		help: `Answers an OpenID4VP 1.0 authorisation request (openid4vp://?client_id=...
&request_uri=..., as a verifier's QR code holds it): fetches the request
object, picks credentials of the wallet that meet its DCQL query (an SD-JWT
discloses only the claims asked for), signs the presentations with the
request's nonce and the verifier's client identifier as audience, and posts
them to the verifier's response URI (direct_post). Only verifiers with a
redirect_uri: client identifier are supported.
Exit status: 0 accepted, 1 the wallet cannot meet the request (nothing is
sent) or the verifier refused (already answered, expired, not verified),
2 usage error, a bad request URI or the verifier could not be reached.`,
		examples: `vcctl wallet respond 'openid4vp://?client_id=redirect_uri%3A...&request_uri=...'`,
		auth:     authWallet, flags: defineWalletSigning, run: walletRespond,
	},
	{
		name: "wallet export", synopsis: "[--out FILE] [--wallet FILE]",
		summary: "write the wallet's credentials as JSON (no keys)",
		help: `Writes the wallet's DID and credentials as JSON, without the key or the
session, to standard output or a new --out FILE (mode 0600).`,
		examples: `vcctl wallet export --out my-credentials.json`,
		auth:     authWallet, flags: defineWalletExport, run: walletExport,
	},
}

// groups are the first words of two-word commands.
var groups = map[string]string{
	"bureau":      "manage bureaus (operator)",
	"verifier":    "manage verifiers (operator)",
	"credentials": "read the bureau's credentials (bureau)",
	"evidence":    "export and check evidence bundles",
	"audit":       "check the bureau's audit trail (bureau) and audit the consortium (monitor)",
	"consortium":  "members of the consortium and votes to admit or remove them (operator)",
	"request":     "ask holders for presentations (verifier)",
	"wallet":      "a citizen's wallet: DID, login, credentials, presentations",
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
'vcctl bureau create'), request commands the verifier's (printed once by
'vcctl verifier create'); wallet commands use the wallet's own key and
session (VCCTL_WALLET, VCCTL_PASSPHRASE); consortium commands need the
operator token; types, verify, evidence verify and audit consortium need none
and send none.

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
	case authVerifier:
		fmt.Fprint(w, "\nAuthentication: the verifier's API key (--token or $VCCTL_TOKEN).\n")
	case authOptional:
		fmt.Fprint(w, "\nAuthentication: optional; the verifier's API key (--token or $VCCTL_TOKEN) shows more.\n")
	case authWallet:
		fmt.Fprint(w, "\nAuthentication: the wallet's own key and session; --token and $VCCTL_TOKEN are never sent.\n")
	case authChain:
		fmt.Fprint(w, "\nAuthentication: none; the service is not contacted.\n")
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
