package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/citizencloud/citizencredentials/credentials/jose"
	"github.com/citizencloud/citizencredentials/credentials/sdjwt"
	"github.com/citizencloud/citizencredentials/did"
)

const (
	issueQ      = `mutation($in: IssueCredentialInput!) { issueCredential(input: $in) { id credential } }`
	issueBatchQ = `mutation($ins: [IssueCredentialInput!]!) { issueCredentials(inputs: $ins) { issued failed results { credential { id credential } error { message } } } }`
	verifyQ     = `query($c: String!) { verifyCredential(credential: $c) { verified checks { name ok } } }`
	verifyVPQ   = `query($p: String!, $n: String, $d: String) { verifyPresentation(presentation: $p, challenge: $n, domain: $d) { verified checks { name ok } } }`
	revokeQ     = `mutation($id: ID!) { revokeCredential(id: $id, reason: "bench") { id } }`
)

// holder is the subject of every bench credential; it signs presentations.
type holder struct {
	ed25519.PrivateKey
	did string
}

func (h holder) KeyID() string { return h.did + "#" + strings.TrimPrefix(h.did, "did:key:") }

type bench struct {
	t       *target
	c       config
	client  *http.Client
	apiKey  string
	holder  holder
	claims  map[string]any
	started time.Time
}

func newBench(ctx context.Context, t *target, c config) (*bench, error) {
	b := &bench{t: t, c: c, started: time.Now(),
		client: &http.Client{Timeout: 5 * time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 2 * max(c.conc, c.issueConc)}},
		claims: map[string]any{"hours": 42, "organization": "City Food Bank", "activity": "Food distribution", "periodStart": "2026-01-01", "periodEnd": "2026-06-30"},
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	d, err := did.NewKeyDID(pub)
	if err != nil {
		return nil, err
	}
	b.holder = holder{PrivateKey: priv, did: d}
	// A fresh slug per run, so -url can run repeatedly against one server.
	slug := "bench-" + strconv.FormatInt(time.Now().Unix(), 36)
	var bureau struct{ APIKey string }
	if err := b.gql(ctx, t.token, `mutation($in: CreateBureauInput!) { createBureau(input: $in) { apiKey } }`,
		map[string]any{"in": map[string]any{"name": "Bench Bureau " + slug, "slug": slug, "allowedTypes": []string{"VolunteerServiceCredential"}}}, &bureau); err != nil {
		return nil, fmt.Errorf("create bench bureau: %w", err)
	}
	b.apiKey = bureau.APIKey
	return b, nil
}

func (b *bench) progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "vcbench [%5.0fs] %s\n", time.Since(b.started).Seconds(), fmt.Sprintf(format, args...))
}

// gql posts one GraphQL operation; out receives the single top-level field.
func (b *bench) gql(ctx context.Context, token, query string, vars map[string]any, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.t.url+"/graphql", bytes.NewReader(mustJSON(map[string]any{"query": query, "variables": vars})))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := b.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	var r struct {
		Data   map[string]json.RawMessage
		Errors []struct{ Message string }
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return fmt.Errorf("HTTP %d: %w", resp.StatusCode, err)
	}
	if len(r.Errors) > 0 {
		return fmt.Errorf("%s", r.Errors[0].Message)
	}
	if out != nil {
		for _, v := range r.Data {
			return json.Unmarshal(v, out)
		}
	}
	return nil
}

type verification struct {
	Verified bool
	Checks   []struct {
		Name string
		OK   bool
	}
}

func (v verification) err() error {
	if v.Verified {
		return nil
	}
	var failed []string
	for _, c := range v.Checks {
		if !c.OK {
			failed = append(failed, c.Name)
		}
	}
	return fmt.Errorf("not verified (failed: %s)", strings.Join(failed, ", "))
}

func (b *bench) input(format string) map[string]any {
	return map[string]any{"type": "VolunteerServiceCredential", "subjectDid": b.holder.did, "claims": b.claims, "format": format}
}

type issued struct{ ID, Credential string }

// issueBatch issues one batch of size vc+jwt credentials.
func (b *bench) issueBatch(ctx context.Context, size int) ([]issued, error) {
	ins := make([]map[string]any, size)
	for i := range ins {
		ins[i] = b.input("JWT")
	}
	var out struct {
		Issued, Failed int
		Results        []struct {
			Credential *issued
			Error      *struct{ Message string }
		}
	}
	if err := b.gql(ctx, b.apiKey, issueBatchQ, map[string]any{"ins": ins}, &out); err != nil {
		return nil, err
	}
	if out.Failed > 0 {
		for _, r := range out.Results {
			if r.Error != nil {
				return nil, fmt.Errorf("%d of %d failed: %s", out.Failed, size, r.Error.Message)
			}
		}
	}
	creds := make([]issued, 0, len(out.Results))
	for _, r := range out.Results {
		if r.Credential != nil {
			creds = append(creds, *r.Credential)
		}
	}
	return creds, nil
}

func (b *bench) verify(ctx context.Context, cred string) error {
	var v verification
	if err := b.gql(ctx, "", verifyQ, map[string]any{"c": cred}, &v); err != nil {
		return err
	}
	return v.err()
}

func (b *bench) verifyPresentation(ctx context.Context, pres, challenge, domain string) error {
	var v verification
	if err := b.gql(ctx, "", verifyVPQ, map[string]any{"p": pres, "n": challenge, "d": domain}, &v); err != nil {
		return err
	}
	return v.err()
}

// settle makes every credential issued so far verifiable with all checks
// proven: in-process it publishes and anchors until nothing is pending;
// against a running server it waits until probe verifies (the server
// publishes and anchors on its own intervals).
func (b *bench) settle(ctx context.Context, probe string) error {
	deadline := time.Now().Add(5 * time.Minute)
	if m := b.t.m; m != nil {
		if _, err := m.Publish(ctx); err != nil {
			return err
		}
		for time.Now().Before(deadline) {
			if _, err := m.Anchor(ctx); err != nil {
				return err
			}
			if n, err := m.Backlog(ctx); err != nil || n == 0 {
				return err
			}
			time.Sleep(10 * time.Millisecond)
		}
		return fmt.Errorf("anchoring did not settle within 5 minutes")
	}
	var last error
	for time.Now().Before(deadline) {
		if last = b.verify(ctx, probe); last == nil {
			return nil
		}
		time.Sleep(time.Second)
	}
	return fmt.Errorf("a fresh credential did not verify within 5 minutes of the server's publish and anchor intervals: %w", last)
}

// measure is measure, writing a CPU profile of the row to -profile-dir.
func (b *bench) measure(name string, calls, per, conc int, f func(i int) error) (Row, error) {
	ctx := context.Background()
	before, cpuErr := b.cpuSeconds(ctx)
	r, err := b.profiled(name, calls, per, conc, f)
	if after, err2 := b.cpuSeconds(ctx); cpuErr == nil && err2 == nil && r.Ops > 0 {
		r.CPUMicrosPerOp = (after - before) * 1e6 / float64(r.Ops)
	} else if cpuErr == nil && err2 != nil {
		b.progress("CPU time after %s could not be read: %v", name, err2)
	} else if cpuErr != nil {
		b.progress("CPU time before %s could not be read: %v", name, cpuErr)
	}
	return r, err
}

// profiled is measure with a CPU profile of the row when -profile-dir is set.
func (b *bench) profiled(name string, calls, per, conc int, f func(i int) error) (Row, error) {
	if b.c.profileDir == "" {
		return measure(name, calls, per, conc, f)
	}
	slug := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '+' || r == '-' {
			return r
		}
		if r >= 'A' && r <= 'Z' {
			return r - 'A' + 'a'
		}
		return '_'
	}, name)
	f2, err := os.Create(filepath.Join(b.c.profileDir, slug+".prof"))
	if err != nil {
		return Row{}, err
	}
	defer f2.Close()
	if err := pprof.StartCPUProfile(f2); err != nil {
		return Row{}, err
	}
	defer pprof.StopCPUProfile()
	return measure(name, calls, per, conc, f)
}

// standard is the default run: every row of the table.
func (b *bench) standard(ctx context.Context) ([]Row, error) {
	n, conc, ic := b.c.n, b.c.conc, b.c.issueConc
	var rows []Row
	add := func(r Row, err error, floor, note string) error {
		if err != nil {
			return err
		}
		r.Floor, r.Note = floor, note
		rows = append(rows, r)
		b.progress("%s: %.1f/s, p50 %.1f ms, p99 %.1f ms", r.Name, r.PerSec, r.P50ms, r.P99ms)
		return nil
	}

	bs := b.c.batchSize
	b.progress("issuing %d batches of %d vc+jwt...", b.c.batches, bs)
	var batch [][]issued
	r, err := b.measure(fmt.Sprintf("issueCredentials (batch of %s vc+jwt)", thousands(bs)), b.c.batches, bs, 1, func(int) error {
		got, err := b.issueBatch(ctx, bs)
		batch = append(batch, got)
		return err
	})
	if err := add(r, err, "sign", "ops are credentials; latency is per batch"); err != nil {
		return nil, err
	}

	creds := map[string][]issued{}
	for _, f := range []struct{ format, label string }{{"JWT", "vc+jwt"}, {"DATA_INTEGRITY", "Data Integrity eddsa-rdfc-2022"}, {"SD_JWT", "SD-JWT"}} {
		b.progress("issuing %d %s one per call at concurrency %d...", n, f.label, ic)
		out := make([]issued, n)
		r, err := b.measure("issueCredential ("+f.label+")", n, 1, ic, func(i int) error {
			return b.gql(ctx, b.apiKey, issueQ, map[string]any{"in": b.input(f.format)}, &out[i])
		})
		if err := add(r, err, "sign", ""); err != nil {
			return nil, err
		}
		creds[f.format] = out
	}

	b.progress("publishing and anchoring...")
	probe := creds["JWT"][n-1].Credential
	r, err = b.measure("publish + anchor (all lists, log root)", 1, 1, 1, func(int) error { return b.settle(ctx, probe) })
	if err := add(r, err, "", "in-process: one publish round and anchoring until nothing is pending; -url: wait for the server's intervals"); err != nil {
		return nil, err
	}

	for _, f := range []struct{ format, label string }{{"JWT", "vc+jwt"}, {"DATA_INTEGRITY", "Data Integrity eddsa-rdfc-2022"}, {"SD_JWT", "SD-JWT, issuer-signed only"}} {
		cs := creds[f.format]
		b.progress("verifying %d %s at concurrency %d...", n, f.label, conc)
		r, err := b.measure("verifyCredential ("+f.label+")", n, 1, conc, func(i int) error { return b.verify(ctx, cs[i].Credential) })
		if err := add(r, err, "verify", ""); err != nil {
			return nil, err
		}
	}

	cs := creds["JWT"]
	r, err = b.measure("verifyCredential (vc+jwt, again: warm caches)", n, 1, conc, func(i int) error { return b.verify(ctx, cs[i].Credential) })
	if err := add(r, err, "verify", "the same credentials a second time: the inclusion proof and anchors are cached"); err != nil {
		return nil, err
	}

	b.progress("building %d SD-JWT+KB and %d vp+jwt presentations...", n, n)
	sdkb := make([]string, n)
	vps := make([]string, n)
	const challenge, domain = "vcbench-challenge", "vcbench.example"
	for i := range n {
		if sdkb[i], err = sdjwt.Present(creds["SD_JWT"][i].Credential, []string{"hours", "organization"}, b.holder, challenge, domain); err != nil {
			return nil, fmt.Errorf("SD-JWT presentation: %w", err)
		}
		vp := jose.BuildPresentation(b.holder.did, []string{creds["JWT"][i].Credential}, challenge, domain)
		if vps[i], err = jose.SignPresentation(vp, b.holder, challenge, domain); err != nil {
			return nil, fmt.Errorf("vp+jwt: %w", err)
		}
	}
	r, err = b.measure("verifyPresentation (SD-JWT+KB, 2 of 5 claims)", n, 1, conc, func(i int) error { return b.verifyPresentation(ctx, sdkb[i], challenge, domain) })
	if err := add(r, err, "verify", "two signatures (issuer, key binding); credentials verified above, so caches are warm"); err != nil {
		return nil, err
	}
	r, err = b.measure("verifyPresentation (vp+jwt of one vc+jwt)", n, 1, conc, func(i int) error { return b.verifyPresentation(ctx, vps[i], challenge, domain) })
	if err := add(r, err, "verify", "two signatures (holder, issuer); credentials verified above, so caches are warm"); err != nil {
		return nil, err
	}

	ids := creds["JWT"]
	b.progress("revoking %d credentials at concurrency %d...", n, conc)
	r, err = b.measure("revokeCredential", n, 1, conc, func(i int) error {
		return b.gql(ctx, b.apiKey, revokeQ, map[string]any{"id": ids[i].ID}, nil)
	})
	if err := add(r, err, "", ""); err != nil {
		return nil, err
	}
	if b.t.m != nil {
		r, err = b.measure(fmt.Sprintf("publish + anchor after %d revocations", n), 1, 1, 1, func(int) error { return b.settle(ctx, "") })
		if err := add(r, err, "", ""); err != nil {
			return nil, err
		}
	}
	return rows, nil
}

// scale fills the log with batches of -batch-size (two in flight) and measures at
// the checkpoints 10k, 100k, 1M and target.
func (b *bench) scale(ctx context.Context, target int) ([]Checkpoint, error) {
	var marks []int
	for _, m := range []int{10_000, 100_000, 1_000_000, 10_000_000} {
		if m < target {
			marks = append(marks, m)
		}
	}
	marks = append(marks, target)
	var out []Checkpoint
	total := 0
	const inflight = 2
	for _, mark := range marks {
		segStart, segFrom := time.Now(), total
		var last []issued
		for total < mark {
			bs := b.c.batchSize
			k := min(inflight, (mark-total+bs-1)/bs)
			errs := make(chan error, k)
			res := make([][]issued, k)
			for j := range k {
				size := min(bs, mark-total-j*bs)
				go func() {
					got, err := b.issueBatch(ctx, size)
					res[j] = got
					errs <- err
				}()
			}
			for range k {
				if err := <-errs; err != nil {
					return out, err
				}
			}
			for _, r := range res {
				total += len(r)
				if len(r) > 0 {
					last = r
				}
			}
			if total%20_000 < bs*inflight || total >= mark {
				el := time.Since(segStart).Seconds()
				b.progress("scale: %d credentials (%.0f/s since %d)", total, float64(total-segFrom)/el, segFrom)
			}
		}
		cp := Checkpoint{Credentials: total, IssuePerSec: float64(total-segFrom) / time.Since(segStart).Seconds()}
		t := time.Now()
		if err := b.settle(ctx, last[len(last)-1].Credential); err != nil {
			return out, err
		}
		cp.SettleSeconds = time.Since(t).Seconds()
		n := min(b.c.n, len(last))
		r, err := b.measure("verify", n, 1, b.c.conc, func(i int) error { return b.verify(ctx, last[i].Credential) })
		if err != nil {
			return out, err
		}
		cp.VerifyPerSec, cp.VerifyP99ms = r.PerSec, r.P99ms
		if b.t.m != nil {
			cp.RSSMiB = rssMiB()
			if mark == target {
				if cp.RestartSeconds, err = b.restart(ctx); err != nil {
					return out, err
				}
				if err := b.verify(ctx, last[0].Credential); err != nil {
					return out, fmt.Errorf("verify after restart: %w", err)
				}
			}
		}
		b.progress("checkpoint %d: issue %.0f/s, verify %.0f/s (p99 %.1f ms), settle %.1f s, RSS %.0f MiB", cp.Credentials, cp.IssuePerSec, cp.VerifyPerSec, cp.VerifyP99ms, cp.SettleSeconds, cp.RSSMiB)
		out = append(out, cp)
	}
	return out, nil
}

// restart closes the in-process server and starts it on the same data,
// timing close-to-ready.
func (b *bench) restart(ctx context.Context) (float64, error) {
	mongoURI := b.t.m.Config.MongoURI
	t := time.Now()
	if err := b.t.m.Close(); err != nil {
		return 0, err
	}
	b.t.m = nil
	runtime.GC()
	if err := b.t.start(ctx, mongoURI); err != nil {
		return 0, err
	}
	for time.Since(t) < time.Minute {
		resp, err := b.client.Get(b.t.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(t).Seconds(), nil
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return 0, fmt.Errorf("not ready within a minute of a restart")
}

// thousands writes n with a thousands separator: 1,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// rssMiB is the resident set of this process (Linux), or 0.
func rssMiB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			if err == nil {
				return float64(kb) / 1024
			}
		}
	}
	return 0
}
