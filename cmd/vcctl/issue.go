package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/citizencloud/citizencredentials/client"
)

type issueFlags struct {
	typ, subject, claims    string
	validFrom, validUntil   string
	idempotencyKey, out     string
	batch, format           string
	batchSize               int
	validFromT, validUntilT *time.Time
	formatV                 *client.CredentialFormat
}

// credentialFormats are the names --format takes.
var credentialFormats = map[string]client.CredentialFormat{
	"jwt":            client.CredentialFormatJwt,
	"sd-jwt":         client.CredentialFormatSdJwt,
	"di":             client.CredentialFormatDataIntegrity,
	"data-integrity": client.CredentialFormatDataIntegrity,
}

// maxBatch is the service's default limit per issueCredentials call.
const maxBatch = 1000

func defineIssue(fs *flag.FlagSet) any {
	f := &issueFlags{}
	fs.StringVar(&f.typ, "type", "", "credential type, e.g. VolunteerServiceCredential (with --batch: for records without one)")
	fs.StringVar(&f.subject, "subject", "", "the holder's DID (did:key, did:jwk or did:web)")
	fs.StringVar(&f.claims, "claims", "", "file with the claims as a JSON object; - reads standard input")
	fs.StringVar(&f.validFrom, "valid-from", "", "start of validity, RFC 3339 (default: now)")
	fs.StringVar(&f.validUntil, "valid-until", "", "end of validity, RFC 3339 (default: none)")
	fs.StringVar(&f.idempotencyKey, "idempotency-key", "", "issuing again with the same key returns the first credential (with --batch: a prefix, see above)")
	fs.StringVar(&f.out, "out", "", "write the credential to this file (with --batch: the issued credentials as JSON lines)")
	fs.StringVar(&f.batch, "batch", "", "issue one credential per record of this JSON-lines or CSV file; - reads standard input")
	fs.IntVar(&f.batchSize, "batch-size", maxBatch, "records per call, at most 1000")
	fs.StringVar(&f.format, "format", "", "how the credential is secured: jwt (vc+jwt, the default), sd-jwt (every claim selectively\ndisclosable, bound to the holder) or di (Data Integrity JSON)")
	return f
}

func issueCmd(e *env, c *command, opts any, args []string) int {
	f := opts.(*issueFlags)
	if len(args) > 0 {
		return e.usageError(c, "unexpected argument %q", args[0])
	}
	for _, t := range []struct {
		flag, v string
		dst     **time.Time
	}{{"--valid-from", f.validFrom, &f.validFromT}, {"--valid-until", f.validUntil, &f.validUntilT}} {
		if t.v == "" {
			continue
		}
		tm, err := time.Parse(time.RFC3339, t.v)
		if err != nil {
			return e.usageError(c, "%s %q is not an RFC 3339 time such as 2026-07-01T00:00:00Z", t.flag, t.v)
		}
		*t.dst = &tm
	}
	if f.format != "" {
		cf, ok := credentialFormats[strings.ToLower(f.format)]
		if !ok {
			return e.usageError(c, "--format must be jwt, sd-jwt or di, not %q", f.format)
		}
		f.formatV = &cf
	}
	if f.batch != "" {
		if f.subject != "" || f.claims != "" {
			return e.usageError(c, "--batch takes subjects and claims from the file; leave out --subject and --claims")
		}
		if f.batchSize < 1 || f.batchSize > maxBatch {
			return e.usageError(c, "--batch-size must be between 1 and %d", maxBatch)
		}
		return issueBatch(e, c, f)
	}
	var missing []string
	for _, m := range []struct{ flag, v string }{{"--type", f.typ}, {"--subject", f.subject}, {"--claims", f.claims}} {
		if m.v == "" {
			missing = append(missing, m.flag)
		}
	}
	if len(missing) > 0 {
		return e.usageError(c, "missing %s (or --batch FILE)", strings.Join(missing, ", "))
	}
	raw, err := e.readInput(f.claims)
	if err != nil {
		return e.failf("read claims: %v", err)
	}
	claims, err := claimsObject(raw)
	if err != nil {
		return e.failf("claims in %s: %v", inputName(f.claims), err)
	}
	cl, ok := e.client(c)
	if !ok {
		return exitUsage
	}
	in := client.IssueCredentialInput{Type: f.typ, SubjectDid: f.subject, Claims: claims, ValidFrom: f.validFromT, ValidUntil: f.validUntilT, Format: f.formatV}
	if f.idempotencyKey != "" {
		in.IdempotencyKey = &f.idempotencyKey
	}
	resp, err := client.IssueCredential(e.ctx, cl, in)
	if err != nil {
		return e.fail(err)
	}
	return e.emitCredential(&resp.IssueCredential, f.out)
}

// claimsObject checks that raw is one JSON object and returns it compacted.
func claimsObject(raw []byte) (json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil, errors.New("empty; want a JSON object such as {\"hours\": 42}")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	var v json.RawMessage
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("not JSON: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("more than one JSON value")
	}
	if v[0] != '{' {
		return nil, errors.New("not a JSON object; want {\"claim\": value, ...}")
	}
	var b bytes.Buffer
	if err := json.Compact(&b, v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// issueBatch issues one credential per record of f.batch.
func issueBatch(e *env, c *command, f *issueFlags) int {
	cl, ok := e.client(c)
	if !ok {
		return exitUsage
	}
	src, err := e.openBatch(f.batch)
	if err != nil {
		return e.failf("%v", err)
	}
	defer src.close()
	var schemas claimTypes
	if src.format == formatCSV {
		if schemas, err = fetchClaimTypes(e, cl); err != nil {
			return e.fail(err)
		}
	}
	defaults := recordDefaults{typ: f.typ, validFrom: f.validFromT, validUntil: f.validUntilT, format: f.formatV}
	total := -1 // unknown for standard input
	if src.seekable() {
		if total, err = src.count(defaults, schemas); err != nil {
			return e.failf("%s: %v", f.batch, err)
		}
	}
	rr, err := src.reader(defaults, schemas)
	if err != nil {
		return e.failf("%s: %v", f.batch, err)
	}

	var out *bufio.Writer
	if f.out != "" {
		file, err := os.OpenFile(f.out, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return e.failf("%v", err)
		}
		defer file.Close()
		out = bufio.NewWriter(file)
		defer out.Flush()
	}

	b := &batchRun{e: e, cl: cl, out: out, total: total, prefix: f.idempotencyKey}
	for {
		rec, err := rr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return e.failf("%s: %v", f.batch, err)
		}
		if rec.err != nil {
			b.failed++
			b.reportFailure(rec.line, "BAD_USER_INPUT", rec.err.Error())
			continue
		}
		if rec.in.IdempotencyKey == nil && b.prefix != "" {
			k := b.prefix + ":" + strconv.Itoa(rec.line)
			rec.in.IdempotencyKey = &k
		}
		b.chunk = append(b.chunk, rec)
		if len(b.chunk) == f.batchSize {
			if code, ok := b.flush(true); !ok {
				return code
			}
		}
	}
	if code, ok := b.flush(false); !ok {
		return code
	}
	if b.issued+b.failed == 0 {
		fmt.Fprintf(e.stderr, "vcctl: %s has no records\n", inputName(f.batch))
		return exitUsage
	}
	fmt.Fprintf(e.stderr, "done: %d issued, %d failed\n", b.issued, b.failed)
	if b.failed > 0 {
		return exitFail
	}
	return exitOK
}

// batchRun is the state of one batch issuance.
type batchRun struct {
	e      *env
	cl     *client.Client
	out    *bufio.Writer // --out, or nil
	total  int           // records in the input, -1 if unknown
	prefix string        // --idempotency-key

	chunk          []batchRecord
	issued, failed int
	calls          int
}

// flush sends the pending chunk and, when more may follow (progress), says
// how far the run is; the last flush leaves the summary to the caller. ok
// is false when the run must stop (the call failed as a whole); code is
// then the exit code.
func (b *batchRun) flush(progress bool) (code int, ok bool) {
	if len(b.chunk) == 0 {
		return 0, true
	}
	e := b.e
	inputs := make([]client.IssueCredentialInput, len(b.chunk))
	for i, r := range b.chunk {
		inputs[i] = r.in
	}
	resp, err := client.IssueCredentials(e.ctx, b.cl, inputs)
	if err != nil {
		code := e.fail(err)
		first := b.chunk[0].line
		fmt.Fprintf(e.stderr, "vcctl: stopped: the call with records from line %d on failed; %d issued, %d failed before it\n", first, b.issued, b.failed)
		switch {
		case client.IsTransport(err) && b.prefix != "":
			fmt.Fprintf(e.stderr, "vcctl: that call may or may not have been applied; run the same command again (same --idempotency-key) to finish without duplicates\n")
		case client.IsTransport(err):
			fmt.Fprintf(e.stderr, "vcctl: that call may or may not have been applied; use --idempotency-key next time so that a re-run cannot issue twice\n")
		}
		return code, false
	}
	b.calls++
	res := resp.IssueCredentials
	for _, r := range res.Results {
		if r.Index < 0 || r.Index >= len(b.chunk) {
			continue
		}
		rec := b.chunk[r.Index]
		switch {
		case r.Error != nil:
			b.failed++
			b.reportFailure(rec.line, r.Error.Code, r.Error.Message)
		case r.Credential != nil:
			b.issued++
			b.reportIssued(rec.line, r.Credential)
		}
	}
	if n := len(res.Results); n != len(b.chunk) {
		// Every input has exactly one result; anything else is a server bug
		// that must not go unnoticed.
		b.failed += len(b.chunk) - n
		fmt.Fprintf(e.stderr, "vcctl: the server returned %d results for %d records\n", n, len(b.chunk))
	}
	b.chunk = b.chunk[:0]
	if !progress || (b.total >= 0 && b.issued+b.failed >= b.total) {
		return 0, true
	}
	if b.total >= 0 {
		fmt.Fprintf(e.stderr, "issued %d/%d", b.issued, b.total)
	} else {
		fmt.Fprintf(e.stderr, "issued %d", b.issued)
	}
	fmt.Fprintf(e.stderr, " (%d failed)\n", b.failed)
	return 0, true
}

func (b *batchRun) reportFailure(line int, code, msg string) {
	e := b.e
	if code != "" {
		msg = code + ": " + msg
	}
	fmt.Fprintf(e.stderr, "line %d: %s\n", line, msg)
	if e.json {
		_ = printJSONLine(e.stdout, map[string]any{"line": line, "error": map[string]string{"code": code, "message": strings.TrimPrefix(msg, code+": ")}})
	}
}

func (b *batchRun) reportIssued(line int, cr *client.CredentialFields) {
	e := b.e
	if e.json {
		_ = printJSONLine(e.stdout, map[string]any{"line": line, "credential": cr})
	} else {
		fmt.Fprintf(e.stdout, "%d\t%s\t%s\n", line, cr.Id, cr.SubjectDid)
	}
	if b.out != nil {
		_ = printJSONLine(b.out, map[string]any{"line": line, "id": cr.Id, "type": cr.Type, "subjectDid": cr.SubjectDid, "credential": cr.Credential})
	}
}
