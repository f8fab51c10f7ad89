// Command vcbench measures the service end to end and prints a table: it
// starts a real vcserve in-process (embedded SQLite store and dev chain in a
// temporary directory, or --mongo-uri), then times issuance, verification,
// revocation, publishing and anchoring through the GraphQL API.
//
//	go run ./cmd/vcbench [-n 500] [-concurrency 4] [-mongo-uri URI]
package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/citizencloud/citizencredentials/app"
	"github.com/citizencloud/citizencredentials/did"
)

func main() {
	n := flag.Int("n", 500, "operations per measurement")
	conc := flag.Int("concurrency", 4, "concurrent clients")
	mongoURI := flag.String("mongo-uri", "", "benchmark on MongoDB instead of the embedded SQLite store")
	flag.Parse()
	if err := run(*n, *conc, *mongoURI); err != nil {
		fmt.Fprintln(os.Stderr, "vcbench:", err)
		os.Exit(1)
	}
}

type bench struct {
	url    string
	client *http.Client
}

func (b *bench) gql(token, query string, vars map[string]any, out any) error {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, b.url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := b.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var r struct {
		Data   map[string]json.RawMessage
		Errors []struct{ Message string }
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return err
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

// row is one measured operation.
type row struct {
	name  string
	ops   int
	total time.Duration
	lat   []time.Duration
}

func (r row) pct(p float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	s := slices.Clone(r.lat)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

// measure runs f n times over conc workers.
func measure(name string, n, conc int, f func(i int) error) (row, error) {
	r := row{name: name, ops: n, lat: make([]time.Duration, n)}
	var (
		wg   sync.WaitGroup
		next = make(chan int)
		mu   sync.Mutex
		ferr error
	)
	start := time.Now()
	for range conc {
		wg.Go(func() {
			for i := range next {
				t := time.Now()
				if err := f(i); err != nil {
					mu.Lock()
					ferr = fmt.Errorf("%s #%d: %w", name, i, err)
					mu.Unlock()
				}
				r.lat[i] = time.Since(t)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	r.total = time.Since(start)
	return r, ferr
}

func run(n, conc int, mongoURI string) error {
	dir, err := os.MkdirTemp("", "vcbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	m := app.NewMain()
	m.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	c := app.DefaultConfig()
	c.Addr, c.DataDir, c.Quiet = "127.0.0.1:0", dir, true
	c.PublishInterval, c.AnchorInterval = time.Hour, time.Hour
	c.MongoURI = mongoURI
	if err := m.SetConfig(c); err != nil {
		return err
	}
	ctx := context.Background()
	if err := m.Run(ctx); err != nil {
		return err
	}
	defer m.Close()
	tok, err := os.ReadFile(filepath.Join(dir, "admin.token"))
	if err != nil {
		return err
	}
	b := &bench{url: m.URL(), client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conc * 2}}}
	var bureau struct{ APIKey string }
	if err := b.gql(strings.TrimSpace(string(tok)), `mutation { createBureau(input: {name: "Bench Bureau", slug: "bench", allowedTypes: ["VolunteerServiceCredential"]}) { apiKey } }`, nil, &bureau); err != nil {
		return err
	}
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	holder, _ := did.NewKeyDID(pub)
	claims := map[string]any{"hours": 42, "organization": "City Food Bank", "activity": "Food distribution", "periodStart": "2026-01-01", "periodEnd": "2026-06-30"}
	store := "embedded SQLite"
	if mongoURI != "" {
		store = "MongoDB"
	}
	fmt.Fprintf(os.Stderr, "vcbench: %d operations per row, %d concurrent clients, %s store, embedded dev chain\n", n, conc, store)

	var rows []row
	ids := make([]string, n)
	creds := make([]string, n)
	for _, format := range []string{"JWT", "DATA_INTEGRITY", "SD_JWT"} {
		fmt.Fprintf(os.Stderr, "vcbench: issuing %d %s credentials...\n", n, format)
		r, err := measure("issueCredential ("+format+")", n, conc, func(i int) error {
			var out struct{ ID, Credential string }
			err := b.gql(bureau.APIKey, `mutation($in: IssueCredentialInput!) { issueCredential(input: $in) { id credential } }`,
				map[string]any{"in": map[string]any{"type": "VolunteerServiceCredential", "subjectDid": holder, "claims": claims, "format": format}}, &out)
			if format == "JWT" {
				ids[i], creds[i] = out.ID, out.Credential
			}
			return err
		})
		if err != nil {
			return err
		}
		rows = append(rows, r)
	}
	fmt.Fprintln(os.Stderr, "vcbench: one batch of 1000...")
	batch := make([]map[string]any, 1000)
	for i := range batch {
		batch[i] = map[string]any{"type": "VolunteerServiceCredential", "subjectDid": holder, "claims": claims}
	}
	r, err := measure("issueCredentials (batch of 1000)", 1, 1, func(int) error {
		return b.gql(bureau.APIKey, `mutation($ins: [IssueCredentialInput!]!) { issueCredentials(inputs: $ins) { issued } }`, map[string]any{"ins": batch}, nil)
	})
	if err != nil {
		return err
	}
	rows = append(rows, r)

	fmt.Fprintln(os.Stderr, "vcbench: publishing and anchoring...")
	r, err = measure("publish + anchor (all lists, log root)", 1, 1, func(int) error { return settle(ctx, m) })
	if err != nil {
		return err
	}
	rows = append(rows, r)

	fmt.Fprintf(os.Stderr, "vcbench: verifying %d credentials...\n", n)
	r, err = measure("verifyCredential (vc+jwt, all 8 checks)", n, conc, func(i int) error {
		var out struct{ Verified bool }
		if err := b.gql("", `query($c: String!) { verifyCredential(credential: $c) { verified } }`, map[string]any{"c": creds[i]}, &out); err != nil {
			return err
		}
		if !out.Verified {
			return fmt.Errorf("not verified")
		}
		return nil
	})
	if err != nil {
		return err
	}
	rows = append(rows, r)

	fmt.Fprintf(os.Stderr, "vcbench: revoking %d credentials...\n", n)
	r, err = measure("revokeCredential", n, conc, func(i int) error {
		return b.gql(bureau.APIKey, `mutation($id: ID!) { revokeCredential(id: $id, reason: "bench") { id } }`, map[string]any{"id": ids[i]}, nil)
	})
	if err != nil {
		return err
	}
	rows = append(rows, r)
	r, err = measure(fmt.Sprintf("publish + anchor after %d revocations", n), 1, 1, func(int) error { return settle(ctx, m) })
	if err != nil {
		return err
	}
	rows = append(rows, r)

	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "operation\tops\ttotal\tops/s\tp50\tp95\tp99\t")
	for _, r := range rows {
		fmt.Fprintf(w, "%s\t%d\t%s\t%.1f\t%s\t%s\t%s\t\n", r.name, r.ops, r.total.Round(time.Millisecond),
			float64(r.ops)/r.total.Seconds(), r.pct(0.5).Round(10*time.Microsecond), r.pct(0.95).Round(10*time.Microsecond), r.pct(0.99).Round(10*time.Microsecond))
	}
	return w.Flush()
}

// settle publishes every changed list and anchors until nothing is pending.
func settle(ctx context.Context, m *app.Main) error {
	if _, err := m.Publish(ctx); err != nil {
		return err
	}
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if _, err := m.Anchor(ctx); err != nil {
			return err
		}
		if n, err := m.Backlog(ctx); err != nil || n == 0 {
			return err
		}
		time.Sleep(10 * time.Millisecond)
	}
	return fmt.Errorf("anchoring did not settle within a minute")
}
